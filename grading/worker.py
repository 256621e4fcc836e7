"""The grading worker: holds one student's functions inside the sandbox and answers calls with data.

The grader starts this script in a bubblewrap sandbox (see sandbox.py) with
two pipes, one for requests and one for answers. It
never sees the reference package, the hidden-test cases or the gradebook:
it receives a student's cells as text and argument values as data (wire.py),
runs the student's code, and sends back what the code returned, as data.
The grader decides what is right.

Usage (by remote.py): worker.py REQUEST_FD ANSWER_FD

Requests (headers; values are wire-encoded):
  {"op": "exec", "label": ..., "source": ...}   run one cell of the student's notebook
  {"op": "call", "name": ..., "args", "kwargs", "inject"}
        call the student's function ``name``; while it runs, the globals named
        in ``inject`` are the grader's functions (earlier exercises, graded on
        their own), then the student's own names are put back
  {"op": "call", "target": handle, "args", "kwargs"}
        call a function this side lent to the grader (a callback)
Answers: "done", "result" (with "modified": inputs changed in place),
"error" (with "kind", "type", "message", "traceback"), and for callbacks
"return" / "raise". Every text is cut short: it ends up in feedback.

Only the standard library, NumPy and wire.py are imported before student code runs.
"""

import builtins
import copy
import importlib.abc
import importlib.machinery
import importlib.util
import inspect
import linecache
import os
import sys
import traceback

import numpy as np

if __package__:  # imported by the grader, which shares the helpers below
    from . import wire
else:           # run as a script in the sandbox, next to wire.py
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import wire

LIMIT = int(os.environ.get("DESCENT_WORKER_MESSAGE_LIMIT", 64 * 2 ** 20))
MESSAGE_CHARS = 400        # of an exception message
TRACEBACK_FRAMES = 6
LINE_CHARS = 160
CELL_FILE_PREFIX = "<student cell "

_EXCEPTIONS = {cls.__name__: cls for cls in (
    ValueError, TypeError, ZeroDivisionError, ArithmeticError, FloatingPointError, OverflowError,
    IndexError, KeyError, RuntimeError, AssertionError, NotImplementedError, MemoryError)}
_EXCEPTIONS["LinAlgError"] = np.linalg.LinAlgError


def short(text, limit=MESSAGE_CHARS):
    text = str(text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


class GraderError(Exception):
    """An exception the grader's function raised, re-raised in the student's code."""


def grader_exception(header):
    cls = _EXCEPTIONS.get(str(header.get("type")), GraderError)
    return cls(short(header.get("message", "")))


# ------------------------------------------------------------------ the student's program


class Program:
    """The student's cells, run in one namespace as a notebook kernel would."""

    def __init__(self, endpoint):
        self.endpoint = endpoint
        self.namespace = {"__name__": "__main__", "__builtins__": builtins, "get_ipython": _NoIPython}

    def exec_cell(self, label, source):
        filename = f"{CELL_FILE_PREFIX}{label}>"
        source = _without_magics(source)
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        try:
            exec(compile(source, filename, "exec"), self.namespace)
        except BaseException as error:  # noqa: B902 (SystemExit and KeyboardInterrupt too: report, go on)
            return error
        return None

    def call(self, name, args, kwargs, inject):
        function = self.namespace.get(name)
        if function is None:
            return "missing", None, []
        if not callable(function):
            return "not_callable", type(function).__name__, []
        before = _snapshot((args, kwargs))
        with _injected(function, inject):
            result = function(*args, **kwargs)
        return "result", result, _changed(function, before, (args, kwargs))


class _NoIPython:
    """get_ipython() in a plain process: magics in a student's cell do nothing here."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def _without_magics(source):
    """IPython syntax (%timeit, !pip) turned into calls that do nothing, so the rest of the cell runs."""
    if not any(line.lstrip().startswith(("%", "!")) for line in source.splitlines()):
        return source
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return source
    return TransformerManager().transform_cell(source)


class _injected:
    """Bind the grader's functions under their names in the student function's globals, then undo it."""

    def __init__(self, function, inject):
        self.namespace = getattr(function, "__globals__", None)
        self.inject = inject if isinstance(self.namespace, dict) else {}

    def __enter__(self):
        self.saved = {k: self.namespace[k] for k in self.inject if k in self.namespace}
        self.namespace.update(self.inject)

    def __exit__(self, *exc):
        for key in self.inject:
            self.namespace.pop(key, None)
        if self.saved:
            self.namespace.update(self.saved)
        return False


class LazyPyplot(importlib.abc.MetaPathFinder):
    """Makes ``import matplotlib.pyplot`` load the module only when it is first used.

    Setup cells import pyplot for the figures; the functions being graded
    rarely use it, and importing it costs most of a second per process.
    """

    def find_spec(self, name, path, target=None):
        if name != "matplotlib.pyplot":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = importlib.util.LazyLoader(spec.loader)
        return spec

    @classmethod
    def install(cls):
        if not any(isinstance(finder, cls) for finder in sys.meta_path):
            sys.meta_path.insert(0, cls())


# ------------------------------------------------------------------ inputs changed in place


def _snapshot(value):
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {k: _snapshot(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_snapshot(v) for v in value) if isinstance(value, tuple) else [_snapshot(v) for v in value]
    return copy.copy(value) if isinstance(value, np.random.Generator) else value


def _paths_changed(before, after, path):
    if isinstance(before, np.ndarray):
        same = (isinstance(after, np.ndarray) and after.shape == before.shape
                and np.array_equal(after, before, equal_nan=True))
        return [] if same else [path]
    if isinstance(before, dict):
        if not isinstance(after, dict) or set(after) != set(before):
            return [path]
        return [p for k in before for p in _paths_changed(before[k], after[k], f"{path}[{k!r}]")]
    if isinstance(before, (list, tuple)):
        if not isinstance(after, (list, tuple)) or len(after) != len(before):
            return [path]
        return [p for i, (b, a) in enumerate(zip(before, after)) for p in _paths_changed(b, a, f"{path}[{i}]")]
    return []


def _changed(function, before, after):
    """Names of the arguments (or their entries) that the call changed in place."""
    (args_before, kwargs_before), (args, kwargs) = before, after
    try:
        names = list(inspect.signature(function).bind(*args, **kwargs).arguments)
    except (TypeError, ValueError):
        names = []
    labels = names[:len(args)] + [f"argument {i + 1}" for i in range(len(names), len(args))]
    changed = []
    for label, b, a in zip(labels, args_before, args):
        changed += _paths_changed(b, a, label)
    for key in kwargs:
        changed += _paths_changed(kwargs_before[key], kwargs[key], key)
    return changed[:10]


# ------------------------------------------------------------------ errors, as text


def describe_error(error):
    """(type name, short message, the student's own traceback lines)."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith(CELL_FILE_PREFIX)]
    lines = []
    for frame in frames[-TRACEBACK_FRAMES:]:
        label = frame.filename[len(CELL_FILE_PREFIX):-1]
        where = f"line {frame.lineno} of cell {label}, in {frame.name}"
        code = (frame.line or "").strip()
        lines.append(short(f"{where}: {code}" if code else where, LINE_CHARS))
    if isinstance(error, SyntaxError) and str(error.filename).startswith(CELL_FILE_PREFIX):
        label = error.filename[len(CELL_FILE_PREFIX):-1]
        lines.append(short(f"line {error.lineno} of cell {label}: {(error.text or '').strip()}", LINE_CHARS))
        message = error.msg
    else:
        message = str(error)
    return type(error).__name__, short(message), lines


# ------------------------------------------------------------------ serving requests


def serve(endpoint, program, header, blobs):
    op = header.get("op")
    if op == "exec":
        error = program.exec_cell(str(header.get("label", "?"))[:80], str(header.get("source", "")))
        if error is None:
            endpoint.send({"op": "done"})
        else:
            kind, message, lines = describe_error(error)
            endpoint.send({"op": "error", "kind": "raised", "type": kind, "message": message, "traceback": lines})
        return
    if op != "call":
        raise wire.WireError(f"unknown request {op!r}")
    args = endpoint.value(header, "args", blobs)
    kwargs = endpoint.value(header, "kwargs", blobs)
    if "target" in header:  # a function this side lent to the grader
        try:
            result = endpoint.exported(header["target"])(*args, **kwargs)
            endpoint.send({"op": "return", "generators": wire.generator_states((args, kwargs))},
                          exportable=False, value=result)
        except BaseException as error:  # noqa: B902
            kind, message, _ = describe_error(error)
            endpoint.send({"op": "raise", "type": kind, "message": message})
        return
    inject = endpoint.value(header, "inject", blobs) if "inject" in header else {}
    name = str(header.get("name"))
    try:
        status, result, modified = program.call(name, args, kwargs, inject)
    except BaseException as error:  # noqa: B902
        kind, message, lines = describe_error(error)
        endpoint.send({"op": "error", "kind": "raised", "type": kind, "message": message, "traceback": lines})
        return
    if status != "result":
        endpoint.send({"op": "error", "kind": status, "type": result or "", "message": "", "traceback": []})
        return
    try:
        endpoint.send({"op": "result", "modified": modified}, exportable=False, value=result)
    except wire.WireError as error:
        endpoint.send({"op": "error", "kind": "unsendable", "type": "", "message": short(error), "traceback": []})


def main():
    reader = os.fdopen(int(sys.argv[1]), "rb")
    writer = os.fdopen(int(sys.argv[2]), "wb")
    # The student's working folder (with the chapter's helper modules) is importable, as in a kernel.
    os.chdir(os.environ.get("DESCENT_WORKER_CWD", os.getcwd()))
    sys.path.insert(1, os.getcwd())
    # Prints of the student's code go nowhere: answers travel on fd 4 only.
    sys.stdout = sys.stderr = open(os.devnull, "w")
    LazyPyplot.install()
    endpoint = wire.Endpoint(reader, writer, LIMIT, serve=None, make_exception=grader_exception)
    program = Program(endpoint)
    endpoint.serve = lambda header, blobs: serve(endpoint, program, header, blobs)
    endpoint.send({"op": "ready"})
    while True:
        try:
            header, blobs = endpoint.receive()
        except EOFError:
            return
        endpoint.serve(header, blobs)
        endpoint.forget_exports()


if __name__ == "__main__":
    main()
