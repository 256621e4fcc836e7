// Calls the playground's engine for tests/test_playground.py.
//
//   node playground_harness.js FILE < calls.json
//
// FILE is playground/engine.js, a copy of it, or a built playground.js (the
// engine is then the base64 payload inside it). calls.json is a list of
//   {"fn": "adam_step", "args": [...]}                  an engine function
//   {"landscape": "ravine", "method": "grad", "args": [[x, y]]}
//   {"landscape": "ravine", "field": "xlim"}             a landscape's property
//   {"names": true}                                      what the engine exports
// Prints the list of results as JSON; a call that throws gives {"error": message}.
"use strict";
const fs = require("fs");
const vm = require("vm");

function engine_source(path) {
  const text = fs.readFileSync(path, "utf8");
  const payload = text.match(/ENGINE_BASE64 = "([A-Za-z0-9+/=]+)"/);
  return payload ? Buffer.from(payload[1], "base64").toString("utf8") : text;
}

function load_engine(path) {
  const context = vm.createContext({});
  vm.runInContext(engine_source(path), context, { filename: path });
  if (!context.DescentEngine) throw new Error(path + " defines no DescentEngine");
  return context.DescentEngine;
}

function call(engine, request) {
  try {
    if (request.names) return Object.keys(engine);
    if (request.landscape) {
      const land = engine.landscapes[request.landscape];
      if (!land) throw new Error("no landscape " + request.landscape);
      if (request.field) return land[request.field] === undefined ? null : land[request.field];
      return land[request.method].apply(null, request.args);
    }
    if (typeof engine[request.fn] !== "function") throw new Error("no function " + request.fn);
    return engine[request.fn].apply(null, request.args);
  } catch (error) {
    return { error: String(error.message || error) };
  }
}

const engine = load_engine(process.argv[2]);
const calls = JSON.parse(fs.readFileSync(0, "utf8"));
// Cross-realm arrays and objects survive JSON.stringify; NaN and infinities become null.
process.stdout.write(JSON.stringify(calls.map((request) => call(engine, request))));
