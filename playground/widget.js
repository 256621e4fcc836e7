/* The optimizer playground: a widget that runs the course's optimizers in the
 * reader's browser, offline, from file:// as well as from a server.
 *
 * A page asks for it with an element
 *     <div class="descent-playground" data-preset="NAME">fallback text</div>
 * (the fallback is what Jupyter shows, where this script never runs). The
 * widget replaces the element's content: a contour map with every racer's
 * trajectory (click it, or focus it and use the arrow keys, to move the
 * start), the loss against the step on a log axis, the learning rate when a
 * schedule is on, and the controls.
 *
 * This file holds no mathematics: the update rules, schedules and test
 * functions live in engine.js, which scripts/build_site.py encodes into
 * ENGINE_BASE64 below when it builds playground.js (README.md, "The optimizer
 * playground"). Results are reported in data attributes (data-config on the
 * widget, data-x, data-y, data-loss on each racer's row), which the browser
 * test reads.
 */
(function () {
  "use strict";
  if (typeof document === "undefined") return;  // loaded outside a browser

  var ENGINE_BASE64 = "@ENGINE@";

  function decode_engine(base64) {
    var bytes = Uint8Array.from(atob(base64), function (c) { return c.charCodeAt(0); });
    return new Function(new TextDecoder().decode(bytes) + "\nreturn DescentEngine;")();
  }

  var engine = decode_engine(ENGINE_BASE64);

  // ------------------------------------------------------------ the menus

  // Hyperparameters: how each one is shown and moved. Slider kinds:
  //   log    the slider moves log10(value);
  //   decay  a coefficient in [0, 1): the slider moves -log10(1 - value),
  //          so 0.9, 0.99 and 0.999 are evenly spaced (memories of 10, 100, 1000 steps);
  //   int    a count on a log slider;  linear  the value itself;  toggle  a checkbox.
  var HYPER = {
    lr: { label: "learning rate η", kind: "log", min: 1e-4, max: 10, zero: true },
    beta: { label: "momentum β", kind: "decay", max: 0.9999 },
    rho: { label: "momentum ρ", kind: "decay", max: 0.9999 },
    beta1: { label: "β₁ (average of g)", kind: "decay", max: 0.9999 },
    beta2: { label: "β₂ (average of g²)", kind: "decay", max: 0.99999 },
    eps: { label: "ε", kind: "log", min: 1e-12, max: 1 },
    weight_decay: { label: "weight decay λ", kind: "log", min: 1e-4, max: 3, zero: true },
    momentum_decay: { label: "momentum decay ψ", kind: "log", min: 1e-4, max: 1, zero: true },
    bias_correction: { label: "bias correction", kind: "toggle" },
  };

  var ADAM_DEFAULTS = { beta1: 0.9, beta2: 0.999, eps: 1e-8, bias_correction: true };

  // Learning rates are the hand-picked ones of chapter 5's race on the ravine;
  // the other defaults are the reference package's.
  var OPTIMIZERS = {
    gd: { label: "Gradient descent", short: "GD", color: "#4d4d4d",
          rule: "w ← w − η g", defaults: { lr: 0.15 } },
    momentum: { label: "Momentum, average form", short: "Momentum", color: "#1f77b4",
                rule: "v ← βv + (1 − β)g,  w ← w − ηv", defaults: { lr: 0.15, beta: 0.9 } },
    heavy_ball: { label: "Heavy ball, velocity-sum form", short: "Heavy ball", color: "#e377c2",
                  rule: "v ← ρv + g,  w ← w − ηv", defaults: { lr: 0.015, rho: 0.9 } },
    nesterov: { label: "Nesterov", short: "Nesterov", color: "#9467bd",
                rule: "v ← ρv + g,  w ← w − η(g + ρv)", defaults: { lr: 0.015, rho: 0.9 } },
    adagrad: { label: "AdaGrad", short: "AdaGrad", color: "#8c564b",
               rule: "G ← G + g²,  w ← w − η g / (√G + ε)", defaults: { lr: 1.0, eps: 1e-8 } },
    rmsprop: { label: "RMSProp", short: "RMSProp", color: "#ff7f0e",
               rule: "s ← βs + (1 − β)g²,  w ← w − η g / (√s + ε)",
               defaults: { lr: 0.1, beta: 0.9, eps: 1e-8 } },
    adam: { label: "Adam", short: "Adam", color: "#2ca02c",
            rule: "m, v: averages of g and g², corrected by 1 − βᵗ;  w ← w − η m̂ / (√v̂ + ε)",
            defaults: Object.assign({ lr: 0.3 }, ADAM_DEFAULTS) },
    adamw: { label: "AdamW", short: "AdamW", color: "#17becf",
             rule: "w ← w(1 − ηλ), then Adam's step",
             defaults: Object.assign({ lr: 0.3, weight_decay: 0.01 }, ADAM_DEFAULTS) },
    nadam: { label: "NAdam", short: "NAdam", color: "#a0a11c",
             rule: "Adam with Nesterov momentum and Dozat's schedule μₜ",
             defaults: { lr: 0.3, beta1: 0.9, beta2: 0.999, eps: 1e-8, momentum_decay: 4e-3 } },
    newton: { label: "Newton", short: "Newton", color: "#d62728",
              rule: "w ← w − H⁻¹g: no learning rate", defaults: {} },
  };

  var SCHEDULE_PARAMS = {
    decay_rate: { label: "decay k", kind: "log", min: 1e-4, max: 10 },
    time_interval: { label: "interval T", kind: "int", min: 1, max: 1000 },
    k: { label: "decay k", kind: "log", min: 1e-4, max: 1 },
    drop: { label: "drop d", kind: "linear", min: 0, max: 1, step: 0.01 },
    epochs_per_drop: { label: "every T steps", kind: "int", min: 1, max: 1000 },
    warmup_steps: { label: "warm-up W", kind: "int", min: 1, max: 1000 },
    min_fraction: { label: "final rate / η₀", kind: "linear", min: 0, max: 1, step: 0.01 },
  };

  var SCHEDULES = {
    constant: { label: "constant", defaults: {} },
    inverse_time: { label: "inverse time η₀/(1 + kt)", defaults: { decay_rate: 0.02 } },
    fixed_interval: { label: "fixed interval η₀/(1 + k⌊t/T⌋)", defaults: { decay_rate: 1, time_interval: 20 } },
    exponential: { label: "exponential η₀e^(−kt)", defaults: { k: 0.01 } },
    step: { label: "step decay η₀d^⌊t/T⌋", defaults: { drop: 0.5, epochs_per_drop: 20 } },
    cosine: { label: "cosine over the run", defaults: { min_fraction: 0 } },
    linear_warmup: { label: "linear warm-up", defaults: { warmup_steps: 10 } },
    warmup_cosine: { label: "warm-up + cosine", defaults: { warmup_steps: 10, min_fraction: 0 } },
  };

  // For racers that repeat an optimizer (chapter 6's schedule colors).
  var SPARE_COLORS = ["#c49a00", "#d62728", "#7b4173", "#393b79", "#843c39", "#e377c2"];

  var MAX_RACERS = 6;
  var MAX_STEPS = 5000;

  // Each chapter's own example (its figure's settings).
  var PRESETS = {
    playground: { landscape: "rosenbrock", steps: 1500, racers: [
      { optimizer: "gd", hyper: { lr: 1e-3 } },
      { optimizer: "momentum", hyper: { lr: 1e-2 } },
      { optimizer: "adam", hyper: { lr: 0.05 } }] },
    learning_rate: { landscape: "ravine", steps: 30, racers: [
      { optimizer: "gd", hyper: { lr: 2 / 11 } },
      { optimizer: "gd", hyper: { lr: 0.05 } }] },
    momentum: { landscape: "long_ravine", steps: 150, racers: [
      { optimizer: "gd", hyper: { lr: 0.18 } },
      { optimizer: "heavy_ball", hyper: { lr: 0.05, rho: 0.9 } },
      { optimizer: "nesterov", hyper: { lr: 0.05, rho: 0.9 } }] },
    adaptive: { landscape: "long_ravine", steps: 150, racers: [
      { optimizer: "gd", hyper: { lr: 0.19 } },
      { optimizer: "adagrad", hyper: { lr: 1.0 } },
      { optimizer: "rmsprop", hyper: { lr: 0.1 } }] },
    bias_correction: { landscape: "ravine", steps: 50, racers: [
      { optimizer: "adam", hyper: { lr: 0.3 } },
      { optimizer: "adam", hyper: { lr: 0.3, bias_correction: false } }] },
    schedules: { landscape: "noisy_ravine", steps: 1000, sigma: 2, seed: 1, racers: [
      { optimizer: "gd", hyper: { lr: 0.1 } },
      { optimizer: "gd", hyper: { lr: 0.01 } },
      { optimizer: "gd", hyper: { lr: 0.1 }, schedule: { kind: "inverse_time", decay_rate: 0.02 } }] },
  };

  // ---------------------------------------------------- small pure helpers

  // Three significant digits, no trailing zeros: 0.182, 1e-8, 1500.
  function short_number(v) {
    return String(Number(v.toPrecision(3)));
  }

  // What a number field shows: six digits at most (2/11 as 0.181818); the
  // value itself stays exact until the reader types another one.
  function field_number(v) {
    return String(Number(v.toPrecision(6)));
  }

  function slider_position(spec, value) {
    if (spec.kind === "log" || spec.kind === "int") return Math.log10(Math.max(value, spec.min));
    if (spec.kind === "decay") return -Math.log10(1 - Math.min(value, spec.max));
    return value;
  }

  function slider_value(spec, position) {
    if (spec.kind === "log") return Number(Math.pow(10, position).toPrecision(3));
    if (spec.kind === "int") return Math.round(Math.pow(10, position));
    if (spec.kind === "decay") return 1 - Number(Math.pow(10, -position).toPrecision(2));
    return position;
  }

  function slider_range(spec) {
    if (spec.kind === "log" || spec.kind === "int") {
      return { min: Math.log10(spec.min), max: Math.log10(spec.max), step: spec.kind === "int" ? 0.005 : 0.01 };
    }
    if (spec.kind === "decay") return { min: 0, max: -Math.log10(1 - spec.max), step: 0.01 };
    return { min: spec.min, max: spec.max, step: spec.step };
  }

  // The value typed into a number field, or null when the field's kind refuses it.
  function parse_value(spec, text) {
    var v = Number(text);
    if (text.trim() === "" || !isFinite(v)) return null;
    if (spec.kind === "decay") return v >= 0 && v < 1 ? v : null;
    if (spec.kind === "int") return Number.isInteger(v) && v >= spec.min && v <= MAX_STEPS ? v : null;
    if (spec.kind === "log") return v > 0 || (spec.zero && v === 0) ? v : null;
    return v >= spec.min && v <= spec.max ? v : null;
  }

  // 10 to an integer power, with superscript digits: 10⁻⁵.
  function power_of_ten(exponent) {
    var digits = "⁰¹²³⁴⁵⁶⁷⁸⁹";
    return "10" + String(exponent).replace("-", "⁻").replace(/[0-9]/g, function (d) { return digits[d]; });
  }

  // "Nice" tick positions covering [lo, hi]: steps of 1, 2 or 5 times a power of ten.
  function ticks(lo, hi, count) {
    var raw = (hi - lo) / count;
    var power = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (m) { return m * power; })
      .find(function (s) { return s >= raw; });
    var out = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) {
      out.push(Math.abs(v) < 1e-12 * step ? 0 : v);
    }
    return out;
  }

  // Blues, reversed: dark blue at the lowest level, near white at the highest
  // (matplotlib's "Blues_r", as in the chapters' contour maps).
  var BLUES_R = [[8, 48, 107], [8, 81, 156], [33, 113, 181], [66, 146, 198], [107, 174, 214],
                 [158, 202, 225], [198, 219, 239], [222, 235, 247], [247, 251, 255]];

  // The chapters draw it with alpha 0.85 on white, which lightens the darkest blues.
  function blues_r(fraction) {
    var x = Math.min(Math.max(fraction, 0), 1) * (BLUES_R.length - 1);
    var i = Math.min(Math.floor(x), BLUES_R.length - 2), f = x - i;
    return BLUES_R[i].map(function (c, k) {
      return Math.round(0.85 * (c + f * (BLUES_R[i + 1][k] - c)) + 0.15 * 255);
    });
  }

  // Contour levels as chapters/landscapes.py's plot_contours draws them:
  // evenly spaced, or geometrically spaced above the minimum (log_levels).
  function contour_levels(values, count, log_levels) {
    var sorted = values.filter(isFinite).sort(function (a, b) { return a - b; });
    var lo = sorted[0], hi = sorted[sorted.length - 1];
    var levels = [];
    if (log_levels) {
      var spread = hi - lo;
      var low = Math.max(sorted[Math.floor(0.005 * (sorted.length - 1))] - lo, 1e-12 * Math.max(spread, 1));
      for (var i = 0; i < count; i++) levels.push(lo + low * Math.pow(spread / low, i / (count - 1)));
    } else {
      for (var j = 0; j < count; j++) levels.push(lo + (hi - lo) * j / (count - 1));
    }
    return levels;
  }

  function band(levels, z) {
    var lo = 0, hi = levels.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (levels[mid] <= z) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  // The part of segment p-q inside the rectangle (Liang-Barsky), or null.
  function clip_segment(p, q, box) {
    var t0 = 0, t1 = 1, dx = q[0] - p[0], dy = q[1] - p[1];
    var edges = [[-dx, p[0] - box.left], [dx, box.right - p[0]], [-dy, p[1] - box.top], [dy, box.bottom - p[1]]];
    for (var i = 0; i < 4; i++) {
      var pe = edges[i][0], qe = edges[i][1];
      if (pe === 0) { if (qe < 0) return null; continue; }
      var r = qe / pe;
      if (pe < 0) { if (r > t1) return null; if (r > t0) t0 = r; }
      else { if (r < t0) return null; if (r < t1) t1 = r; }
    }
    return [[p[0] + t0 * dx, p[1] + t0 * dy], [p[0] + t1 * dx, p[1] + t1 * dy]];
  }

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      if (key === "text") node.textContent = attributes[key];
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), attributes[key]);
      else if (attributes[key] !== false && attributes[key] !== null) node.setAttribute(key, attributes[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  var widget_count = 0;

  // ------------------------------------------------------------ the widget

  function Playground(root, preset_name) {
    var preset = PRESETS[preset_name] || PRESETS.playground;
    var id = "pg" + (++widget_count);
    var land0 = engine.landscapes[preset.landscape];
    var state = {
      preset: PRESETS[preset_name] ? preset_name : "playground",
      landscape: preset.landscape,
      start: (preset.start || land0.start).slice(),
      steps: preset.steps,
      sigma: preset.sigma || 2,
      seed: preset.seed || 1,
      racers: preset.racers.map(function (r) { return make_racer(r.optimizer, r.hyper, r.schedule); }),
      selected: 0,
    };
    var results = [];
    var field_count = 0;
    var map_cache = null;  // the contour image of the current landscape and size
    var reveal = 1;        // fraction of each path drawn (the replay animation)

    function make_racer(optimizer, hyper, schedule) {
      var kind = (schedule && schedule.kind) || "constant";
      return {
        optimizer: optimizer,
        hyper: Object.assign({}, OPTIMIZERS[optimizer].defaults, hyper || {}),
        schedule: Object.assign({ kind: kind }, SCHEDULES[kind].defaults, schedule || {}),
      };
    }

    // -------------------------------------------------------- the layout

    var map_canvas = el("canvas", {
      class: "pg-map", tabindex: "0", role: "application",
      "aria-label": "Contour map with the trajectories. Click to place the start point, or use the "
        + "arrow keys (with Shift for longer moves).",
      "aria-describedby": id + "-readout",
    });
    var loss_canvas = el("canvas", { class: "pg-loss", role: "img", "aria-label": "Loss against the step" });
    var rate_canvas = el("canvas", { class: "pg-rate", role: "img", "aria-label": "Learning rate against the step" });
    var readout = el("div", { class: "pg-readout", id: id + "-readout", "aria-live": "polite" });
    var problem_box = el("fieldset", { class: "pg-box pg-problem" });
    var racer_tabs = el("div", { class: "pg-tabs", role: "group", "aria-label": "Racers" });
    var racer_box = el("fieldset", { class: "pg-box pg-racer" });
    var message = el("p", { class: "pg-message", role: "alert" });

    root.replaceChildren(el("div", { class: "pg", "data-preset": state.preset }, [
      el("div", { class: "pg-plots" }, [map_canvas, el("div", { class: "pg-curves" }, [loss_canvas, rate_canvas])]),
      readout,
      message,
      el("div", { class: "pg-controls" }, [
        problem_box,
        el("div", { class: "pg-box pg-racers" }, [racer_tabs, racer_box]),
      ]),
    ]));
    var box = root.firstChild;

    // -------------------------------------------------------- controls

    // Rebuild a group of controls without losing the keyboard's place: the
    // control that had the focus (same data-key and data-racer) gets it back.
    function rebuild(build) {
      var active = document.activeElement;
      var key = active && box.contains(active) ? [active.getAttribute("data-key"), active.getAttribute("data-racer"),
                                                  active.type] : null;
      build();
      if (!key) return;
      var same = Array.prototype.find.call(box.querySelectorAll("[data-key], [data-racer]"), function (node) {
        return node.getAttribute("data-key") === key[0] && node.getAttribute("data-racer") === key[1]
          && node.type === key[2];
      });
      if (same) same.focus();
    }

    // A labeled slider with a number field for an exact value; set(value) on change.
    function value_row(key, spec, value, set) {
      var input_id = id + "-" + key + "-" + (++field_count);
      if (spec.kind === "toggle") {
        return el("div", { class: "pg-row pg-toggle" }, [
          el("input", { type: "checkbox", id: input_id, checked: value ? "checked" : false, "data-key": key,
                        onchange: function (e) { set(e.target.checked); } }),
          el("label", { for: input_id, text: spec.label }),
        ]);
      }
      var range = slider_range(spec);
      var number = el("input", {
        type: "number", class: "pg-number", step: "any", value: field_number(value), "data-key": key,
        "aria-label": spec.label + " (exact value)",
        onchange: function (e) {
          var v = parse_value(spec, e.target.value);
          e.target.setAttribute("aria-invalid", v === null ? "true" : "false");
          if (v !== null) { slider.value = String(slider_position(spec, v)); set(v); }
        },
      });
      var slider = el("input", {
        type: "range", id: input_id, min: String(range.min), max: String(range.max), step: String(range.step),
        value: String(slider_position(spec, value)), "data-key": key,
        "aria-valuetext": short_number(value),
        oninput: function (e) {
          var v = slider_value(spec, Number(e.target.value));
          number.value = field_number(v);
          number.setAttribute("aria-invalid", "false");
          e.target.setAttribute("aria-valuetext", short_number(v));
          set(v);
        },
      });
      return el("div", { class: "pg-row" }, [el("label", { for: input_id, text: spec.label }), slider, number]);
    }

    function select_row(key, label, options, value, set) {
      var select_id = id + "-" + key;
      var select = el("select", { id: select_id, "data-key": key,
                                  onchange: function (e) { set(e.target.value); } },
        Object.keys(options).map(function (name) {
          return el("option", { value: name, selected: name === value ? "selected" : false,
                                text: options[name].label || options[name].name });
        }));
      return el("div", { class: "pg-row pg-select" }, [el("label", { for: select_id, text: label }), select]);
    }

    function build_problem_box() {
      var land = engine.landscapes[state.landscape];
      var rows = [
        el("legend", { text: "Landscape" }),
        select_row("landscape", "test function", engine.landscapes, state.landscape, function (name) {
          state.landscape = name;
          state.start = engine.landscapes[name].start.slice();
          map_cache = null;
          rebuild(build_problem_box);
          update();
        }),
        el("p", { class: "pg-note", text: land.note }),
        value_row("steps", { label: "steps", kind: "int", min: 1, max: MAX_STEPS }, state.steps, function (v) {
          state.steps = v;
          update();
        }),
      ];
      if (land.noisy) {
        rows.push(value_row("sigma", { label: "noise σ", kind: "linear", min: 0, max: 5, step: 0.05 },
                            state.sigma, function (v) { state.sigma = v; update(); }));
        rows.push(el("div", { class: "pg-row pg-buttons" }, [el("button", {
          type: "button", text: "New noise", "data-key": "seed",
          onclick: function () { state.seed += 1; update(); },
        })]));
      }
      var start_x = el("input", { type: "number", step: "any", class: "pg-number", "data-key": "start-x",
                                  "aria-label": "start x", value: String(state.start[0]) });
      var start_y = el("input", { type: "number", step: "any", class: "pg-number", "data-key": "start-y",
                                  "aria-label": "start y", value: String(state.start[1]) });
      function set_start() {
        var x = Number(start_x.value), y = Number(start_y.value);
        var ok = start_x.value.trim() !== "" && start_y.value.trim() !== "" && isFinite(x) && isFinite(y);
        start_x.setAttribute("aria-invalid", ok ? "false" : "true");
        start_y.setAttribute("aria-invalid", ok ? "false" : "true");
        if (ok) { state.start = [x, y]; update(); }
      }
      start_x.addEventListener("change", set_start);
      start_y.addEventListener("change", set_start);
      rows.push(el("div", { class: "pg-row pg-start" }, [
        el("span", { class: "pg-label", text: "start (x, y)" }), start_x, start_y,
        el("button", { type: "button", text: "Reset", title: "the usual start of this landscape", "data-key": "reset",
                       onclick: function () { move_start(engine.landscapes[state.landscape].start.slice()); } }),
      ]));
      problem_box.replaceChildren.apply(problem_box, rows);
    }

    function build_racer_tabs() {
      var tabs = state.racers.map(function (racer, i) {
        var info = OPTIMIZERS[racer.optimizer];
        return el("button", {
          type: "button", class: "pg-tab", "aria-pressed": i === state.selected ? "true" : "false",
          "data-racer": String(i),
          onclick: function () { state.selected = i; rebuild(function () { build_racer_tabs(); build_racer_box(); }); },
        }, [el("span", { class: "pg-swatch", style: "--pg-color: " + racer_colors()[i] }),
            document.createTextNode((i + 1) + " " + info.short)]);
      });
      tabs.push(el("button", {
        type: "button", class: "pg-add", text: "+ Add racer", "data-key": "add", disabled: state.racers.length >= MAX_RACERS ? "disabled" : false,
        onclick: function () {
          var current = state.racers[state.selected];
          state.racers.push(JSON.parse(JSON.stringify(current)));
          state.selected = state.racers.length - 1;
          rebuild(function () { build_racer_tabs(); build_racer_box(); });
          update();
        },
      }));
      tabs.push(el("button", {
        type: "button", class: "pg-remove", text: "Remove", "data-key": "remove", disabled: state.racers.length <= 1 ? "disabled" : false,
        "aria-label": "Remove racer " + (state.selected + 1),
        onclick: function () {
          state.racers.splice(state.selected, 1);
          state.selected = Math.max(0, state.selected - 1);
          rebuild(function () { build_racer_tabs(); build_racer_box(); });
          update();
        },
      }));
      racer_tabs.replaceChildren.apply(racer_tabs, tabs);
    }

    function build_racer_box() {
      var racer = state.racers[state.selected];
      var info = OPTIMIZERS[racer.optimizer];
      var rows = [
        el("legend", { text: "Racer " + (state.selected + 1) }),
        select_row("optimizer", "optimizer", OPTIMIZERS, racer.optimizer, function (name) {
          state.racers[state.selected] = make_racer(name, {}, racer.schedule);
          rebuild(function () { build_racer_tabs(); build_racer_box(); });
          update();
        }),
        el("p", { class: "pg-rule", text: info.rule }),
      ];
      Object.keys(info.defaults).forEach(function (key) {
        rows.push(value_row(key, HYPER[key], racer.hyper[key], function (v) { racer.hyper[key] = v; update(); }));
      });
      if ("lr" in info.defaults) {
        rows.push(select_row("schedule", "schedule", SCHEDULES, racer.schedule.kind, function (kind) {
          racer.schedule = Object.assign({ kind: kind }, SCHEDULES[kind].defaults);
          rebuild(build_racer_box);
          update();
        }));
        Object.keys(SCHEDULES[racer.schedule.kind].defaults).forEach(function (key) {
          rows.push(value_row(key, SCHEDULE_PARAMS[key], racer.schedule[key],
                              function (v) { racer.schedule[key] = v; update(); }));
        });
      }
      racer_box.replaceChildren.apply(racer_box, rows);
    }

    // Each optimizer has its color, as in the chapters' figures; a racer
    // that repeats an earlier racer's optimizer takes the next spare color.
    function racer_colors() {
      var used = [];
      return state.racers.map(function (racer) {
        var own = OPTIMIZERS[racer.optimizer].color;
        var color = used.indexOf(own) < 0 ? own
          : SPARE_COLORS.concat([own]).find(function (c) { return used.indexOf(c) < 0; });
        used.push(color);
        return color;
      });
    }

    // --------------------------------------------------------- running

    // What the engine runs for racer i (warm-up shortened to fit the run).
    function run_spec(racer) {
      var schedule = Object.assign({}, racer.schedule);
      if (schedule.kind === "warmup_cosine") schedule.warmup_steps = Math.min(schedule.warmup_steps, state.steps - 1);
      if (schedule.kind === "warmup_cosine" && schedule.warmup_steps < 1) schedule = { kind: "cosine", min_fraction: schedule.min_fraction };
      return { landscape: state.landscape, start: state.start.slice(), steps: state.steps,
               optimizer: racer.optimizer, hyper: Object.assign({}, racer.hyper), schedule: schedule,
               sigma: state.sigma, seed: state.seed };
    }

    function update() {
      try {
        var specs = state.racers.map(run_spec);
        results = specs.map(engine.run);
        box.setAttribute("data-config", JSON.stringify({
          preset: state.preset, landscape: state.landscape, start: state.start, steps: state.steps,
          sigma: state.sigma, seed: state.seed, racers: specs.map(function (s) {
            return { optimizer: s.optimizer, hyper: s.hyper, schedule: s.schedule };
          }),
        }));
        message.textContent = "";
        write_readout();
        draw();
      } catch (error) {
        message.textContent = "The playground failed: " + error.message;
        throw error;
      }
    }

    function loss_gap(loss) {
      var land = engine.landscapes[state.landscape];
      return land.minimum ? loss - land.f(land.minimum) : loss;
    }

    // "η = 0.1, inverse time": what tells racers with one optimizer apart.
    function racer_summary(racer) {
      if (!("lr" in racer.hyper)) return "no learning rate";
      var parts = ["η = " + short_number(racer.hyper.lr)];
      if (racer.schedule.kind !== "constant") parts.push(SCHEDULES[racer.schedule.kind].label.split(" η")[0]);
      if (racer.hyper.bias_correction === false) parts.push("no bias correction");
      return parts.join(", ");
    }

    function write_readout() {
      var land = engine.landscapes[state.landscape];
      var what = land.minimum ? "f − f*" : "f";
      var rows = results.map(function (result, i) {
        var racer = state.racers[i], info = OPTIMIZERS[racer.optimizer];
        var w = result.path[result.path.length - 1];
        var loss = result.losses[result.losses.length - 1];
        var done = result.path.length - 1;
        var text = "after " + done + " steps: (" + short_number(w[0]) + ", " + short_number(w[1]) + "), "
          + what + " = " + short_number(loss_gap(loss)) + (result.stopped ? " — " + result.stopped : "");
        return el("li", { "data-racer": String(i), "data-x": String(w[0]), "data-y": String(w[1]),
                          "data-loss": String(loss), "data-steps": String(done),
                          "data-stopped": result.stopped || "" }, [
          el("span", { class: "pg-swatch", style: "--pg-color: " + racer_colors()[i] }),
          el("strong", { text: (i + 1) + " " + info.short }),
          document.createTextNode(" (" + racer_summary(racer) + ") " + text),
        ]);
      });
      readout.replaceChildren(el("ul", {}, rows));
    }

    // --------------------------------------------------------- drawing

    function css_color(name, fallback) {
      var value = getComputedStyle(box).getPropertyValue(name).trim();
      return value || fallback;
    }

    function size_canvas(canvas, css_width, css_height) {
      var ratio = window.devicePixelRatio || 1;
      canvas.style.width = css_width + "px";
      canvas.style.height = css_height + "px";
      canvas.width = Math.round(css_width * ratio);
      canvas.height = Math.round(css_height * ratio);
      var context = canvas.getContext("2d");
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      return context;
    }

    // The map keeps equal scales on both axes, like the chapters' figures.
    function map_frame() {
      var land = engine.landscapes[state.landscape];
      var width = map_canvas.parentNode.clientWidth || 600;
      var margin = { left: 36, right: 8, top: 8, bottom: 24 };
      var aspect = (land.ylim[1] - land.ylim[0]) / (land.xlim[1] - land.xlim[0]);
      var plot_w = width - margin.left - margin.right;
      var plot_h = plot_w * aspect;
      var max_h = Math.max(220, Math.min(480, 0.6 * window.innerHeight));
      if (plot_h > max_h) { plot_h = max_h; plot_w = plot_h / aspect; }
      var left = margin.left + Math.floor((width - margin.left - margin.right - plot_w) / 2);
      return {
        land: land, width: width, height: Math.round(plot_h + margin.top + margin.bottom),
        left: left, top: margin.top, right: left + plot_w, bottom: margin.top + plot_h,
        x: function (x) { return left + (x - land.xlim[0]) / (land.xlim[1] - land.xlim[0]) * plot_w; },
        y: function (y) { return margin.top + (land.ylim[1] - y) / (land.ylim[1] - land.ylim[0]) * plot_h; },
        from_pixel: function (px, py) {
          return [land.xlim[0] + (px - left) / plot_w * (land.xlim[1] - land.xlim[0]),
                  land.ylim[1] - (py - margin.top) / plot_h * (land.ylim[1] - land.ylim[0])];
        },
      };
    }

    // The filled contours with light level lines, one pixel per device pixel.
    function contour_image(frame, ratio) {
      var land = frame.land;
      var w = Math.max(1, Math.round((frame.right - frame.left) * ratio));
      var h = Math.max(1, Math.round((frame.bottom - frame.top) * ratio));
      var values = new Float64Array(w * h);
      for (var j = 0; j < h; j++) {
        var y = land.ylim[1] - (j + 0.5) / h * (land.ylim[1] - land.ylim[0]);
        for (var i = 0; i < w; i++) {
          values[j * w + i] = land.f([land.xlim[0] + (i + 0.5) / w * (land.xlim[1] - land.xlim[0]), y]);
        }
      }
      var sample = [];
      for (var k = 0; k < values.length; k += 7) sample.push(values[k]);
      var levels = contour_levels(sample, 25, land.log_levels);
      var bands = new Int16Array(values.length);
      for (var n = 0; n < values.length; n++) bands[n] = band(levels, values[n]);
      var canvas = document.createElement("canvas");
      canvas.width = w;
      canvas.height = h;
      var context = canvas.getContext("2d");
      var image = context.createImageData(w, h);
      for (var p = 0; p < values.length; p++) {
        var rgb = blues_r(bands[p] / levels.length);
        var edge = (p % w < w - 1 && bands[p + 1] !== bands[p]) || (p + w < values.length && bands[p + w] !== bands[p]);
        for (var c = 0; c < 3; c++) image.data[4 * p + c] = edge ? Math.round(0.55 * rgb[c] + 0.45 * 255) : rgb[c];
        image.data[4 * p + 3] = 255;
      }
      context.putImageData(image, 0, 0);
      return canvas;
    }

    function draw_map() {
      var frame = map_frame();
      var ratio = window.devicePixelRatio || 1;
      var context = size_canvas(map_canvas, frame.width, frame.height);
      var key = state.landscape + " " + frame.width + " " + frame.height + " " + ratio;
      if (!map_cache || map_cache.key !== key) map_cache = { key: key, image: contour_image(frame, ratio) };
      context.drawImage(map_cache.image, frame.left, frame.top, frame.right - frame.left, frame.bottom - frame.top);
      var text = css_color("--pg-text", "#222");
      context.strokeStyle = text;
      context.lineWidth = 1;
      context.strokeRect(frame.left, frame.top, frame.right - frame.left, frame.bottom - frame.top);
      context.fillStyle = text;
      context.font = "12px system-ui, sans-serif";
      context.textAlign = "center";
      context.textBaseline = "top";
      ticks(frame.land.xlim[0], frame.land.xlim[1], 6).forEach(function (x) {
        context.fillText(short_number(x), frame.x(x), frame.bottom + 5);
        context.fillRect(frame.x(x), frame.bottom, 1, 4);
      });
      context.textAlign = "right";
      context.textBaseline = "middle";
      ticks(frame.land.ylim[0], frame.land.ylim[1], 4).forEach(function (y) {
        context.fillText(short_number(y), frame.left - 6, frame.y(y));
        context.fillRect(frame.left - 4, frame.y(y), 4, 1);
      });
      context.save();
      context.beginPath();
      context.rect(frame.left, frame.top, frame.right - frame.left, frame.bottom - frame.top);
      context.clip();
      if (frame.land.minimum) draw_star(context, frame.x(frame.land.minimum[0]), frame.y(frame.land.minimum[1]));
      results.forEach(function (result, i) { draw_path(context, frame, result, i); });
      draw_start(context, frame.x(state.start[0]), frame.y(state.start[1]));
      context.restore();
    }

    function draw_path(context, frame, result, i) {
      var color = racer_colors()[i];
      var shown = Math.max(1, Math.round(reveal * (result.path.length - 1)));
      var points = result.path.slice(0, shown + 1).map(function (w) { return [frame.x(w[0]), frame.y(w[1])]; });
      var box_px = { left: frame.left - 20, right: frame.right + 20, top: frame.top - 20, bottom: frame.bottom + 20 };
      [["rgba(255, 255, 255, 0.7)", 3.6], [color, 1.7]].forEach(function (pen) {
        context.strokeStyle = pen[0];
        context.lineWidth = pen[1];
        context.beginPath();
        for (var k = 1; k < points.length; k++) {
          var segment = clip_segment(points[k - 1], points[k], box_px);
          if (!segment) continue;
          context.moveTo(segment[0][0], segment[0][1]);
          context.lineTo(segment[1][0], segment[1][1]);
        }
        context.stroke();
      });
      if (points.length <= 101) {
        context.fillStyle = color;
        points.forEach(function (p) {
          if (p[0] > box_px.left && p[0] < box_px.right && p[1] > box_px.top && p[1] < box_px.bottom) {
            context.beginPath();
            context.arc(p[0], p[1], 2, 0, 2 * Math.PI);
            context.fill();
          }
        });
      }
      var end = points[points.length - 1];
      if (reveal === 1 && end[0] > frame.left && end[0] < frame.right && end[1] > frame.top && end[1] < frame.bottom) {
        draw_cross(context, end[0], end[1], color);
      }
    }

    function draw_start(context, x, y) {
      context.beginPath();
      context.arc(x, y, 6, 0, 2 * Math.PI);
      context.fillStyle = "#fff";
      context.fill();
      context.lineWidth = 2;
      context.strokeStyle = "#111";
      context.stroke();
    }

    function draw_cross(context, x, y, color) {
      context.lineCap = "round";
      [["#fff", 5], [color, 2.6]].forEach(function (pen) {
        context.strokeStyle = pen[0];
        context.lineWidth = pen[1];
        context.beginPath();
        context.moveTo(x - 5, y - 5); context.lineTo(x + 5, y + 5);
        context.moveTo(x - 5, y + 5); context.lineTo(x + 5, y - 5);
        context.stroke();
      });
      context.lineCap = "butt";
    }

    function draw_star(context, x, y) {
      context.beginPath();
      for (var k = 0; k < 10; k++) {
        var r = k % 2 ? 3.2 : 8, a = -Math.PI / 2 + k * Math.PI / 5;
        context.lineTo(x + r * Math.cos(a), y + r * Math.sin(a));
      }
      context.closePath();
      context.fillStyle = "#fff";
      context.fill();
      context.lineWidth = 1.2;
      context.strokeStyle = "#111";
      context.stroke();
    }

    // A curve per racer against the step; log scale unless values can be <= 0.
    function draw_curves(canvas, series, options) {
      var width = canvas.parentNode.clientWidth || 600;
      var context = size_canvas(canvas, width, options.height);
      var margin = { left: 46, right: 20, top: 18, bottom: 26 };
      var finite = [];
      series.forEach(function (s) { s.values.forEach(function (v) { if (isFinite(v) && (!options.log || v > 0)) finite.push(v); }); });
      if (!finite.length) return;
      var lo = Math.min.apply(null, finite), hi = Math.max.apply(null, finite);
      if (options.clip) { lo = Math.max(lo, options.clip[0]); hi = Math.min(hi, options.clip[1]); }
      if (options.log) {
        lo = Math.floor(Math.log10(lo) - 0.05); hi = Math.ceil(Math.log10(hi) + 0.05);  // room at the edges
        if (hi - lo > 24) lo = hi - 24;
        if (hi === lo) { hi += 1; lo -= 1; }
      } else if (hi === lo) { hi += 1; lo -= 1; }
      var steps = Math.max(1, options.steps);
      var plot_w = width - margin.left - margin.right, plot_h = options.height - margin.top - margin.bottom;
      function px(step) { return margin.left + step / steps * plot_w; }
      function py(v) {
        var u = options.log ? Math.log10(v) : v;
        return margin.top + (hi - u) / (hi - lo) * plot_h;
      }
      var text = css_color("--pg-text", "#222"), grid = "rgba(0, 0, 0, 0.12)";
      // A white plot area in both of the theme's modes, like the chapters'
      // figures: the optimizers' colors are chosen for a light background.
      context.fillStyle = "#fff";
      context.fillRect(margin.left, margin.top, plot_w, plot_h);
      context.font = "12px system-ui, sans-serif";
      context.fillStyle = text;
      context.textAlign = "left";
      context.textBaseline = "top";
      context.fillText(options.title, margin.left, 2);
      var y_ticks = options.log ? ticks(lo, hi, 6).filter(Number.isInteger) : ticks(lo, hi, 4);
      context.textAlign = "right";
      context.textBaseline = "middle";
      y_ticks.forEach(function (u) {
        var y = margin.top + (hi - u) / (hi - lo) * plot_h;
        context.fillStyle = grid;
        context.fillRect(margin.left, y, plot_w, 1);
        context.fillStyle = text;
        context.fillText(options.log ? power_of_ten(u) : short_number(u), margin.left - 5, y);
      });
      context.textAlign = "center";
      context.textBaseline = "top";
      ticks(0, steps, 5).forEach(function (step) {
        context.fillText(short_number(step), px(step), margin.top + plot_h + 5);
      });
      context.strokeStyle = text;
      context.lineWidth = 1;
      context.strokeRect(margin.left, margin.top, plot_w, plot_h);
      context.save();
      context.beginPath();
      context.rect(margin.left, margin.top, plot_w, plot_h);
      context.clip();
      series.forEach(function (s) {
        context.strokeStyle = s.color;
        context.lineWidth = 1.8;
        context.beginPath();
        var pen_down = false;
        s.values.forEach(function (v, step) {
          var ok = isFinite(v) && (!options.log || v > 0);
          if (!ok) { pen_down = false; return; }
          var y = Math.max(-1e4, Math.min(1e4, py(v)));
          if (pen_down) context.lineTo(px(step + s.offset), y); else context.moveTo(px(step + s.offset), y);
          pen_down = true;
        });
        context.stroke();
      });
      context.restore();
    }

    function draw() {
      draw_map();
      var land = engine.landscapes[state.landscape];
      var shown = function (values) { return values.slice(0, Math.max(1, Math.round(reveal * (values.length - 1))) + 1); };
      var series = results.map(function (result, i) {
        return { color: racer_colors()[i], offset: 0,
                 values: shown(result.losses.map(loss_gap)) };
      });
      var first = results.length ? loss_gap(results[0].losses[0]) : 1;
      draw_curves(loss_canvas, series, {
        height: 190, steps: state.steps, log: Boolean(land.minimum),
        title: land.minimum ? "f(w) − f(w*) against the step (log scale)" : "f(w) against the step",
        clip: land.minimum ? [0, Math.abs(first) * 1e6] : [-10, 10],
      });
      var scheduled = state.racers.some(function (r) { return r.schedule.kind !== "constant" && "lr" in r.hyper; });
      rate_canvas.hidden = !scheduled;
      if (scheduled) {
        draw_curves(rate_canvas, results.map(function (result, i) {
          return { color: racer_colors()[i], offset: 1,
                   values: "lr" in state.racers[i].hyper ? result.rates : [] };
        }), { height: 130, steps: state.steps, log: true, title: "learning rate against the step (log scale)" });
      }
    }

    // --------------------------------------------------------- the start

    function move_start(point) {
      state.start = point;
      rebuild(build_problem_box);
      update();
    }

    function round_to(value, unit) {
      return Number((Math.round(value / unit) * unit).toPrecision(6));
    }

    map_canvas.addEventListener("click", function (event) {
      var frame = map_frame(), rect = map_canvas.getBoundingClientRect();
      var px = event.clientX - rect.left, py = event.clientY - rect.top;
      if (px < frame.left || px > frame.right || py < frame.top || py > frame.bottom) return;
      var w = frame.from_pixel(px, py), land = frame.land;
      var unit = (land.xlim[1] - land.xlim[0]) / 1000;
      move_start([round_to(w[0], unit), round_to(w[1], unit)]);
    });

    map_canvas.addEventListener("keydown", function (event) {
      var moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
      if (!(event.key in moves)) return;
      event.preventDefault();
      var land = engine.landscapes[state.landscape];
      var unit = (land.xlim[1] - land.xlim[0]) / (event.shiftKey ? 10 : 50);
      var d = moves[event.key];
      move_start([round_to(state.start[0] + d[0] * unit, unit / 100), round_to(state.start[1] + d[1] * unit, unit / 100)]);
    });

    // --------------------------------------------------------- replay

    var replay = el("button", { type: "button", class: "pg-replay", text: "▶ Replay", onclick: function () {
      if (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches) return;
      var started = null;
      function frame(time) {
        if (started === null) started = time;
        reveal = Math.min(1, (time - started) / 1500);
        draw();
        if (reveal < 1) window.requestAnimationFrame(frame);
      }
      window.requestAnimationFrame(frame);
    } });
    readout.parentNode.insertBefore(el("div", { class: "pg-actions" }, [replay]), readout);

    var pending = false;
    new ResizeObserver(function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () { pending = false; draw(); });
    }).observe(box);

    build_problem_box();
    build_racer_tabs();
    build_racer_box();
    update();
  }

  function mount_all() {
    document.querySelectorAll(".descent-playground").forEach(function (root) {
      if (!root.hasAttribute("data-mounted")) {
        root.setAttribute("data-mounted", "true");
        Playground(root, root.getAttribute("data-preset"));
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount_all);
  else mount_all();
})();
