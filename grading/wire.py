"""The data-only message format between the grader and the sandboxed worker.

Student code runs in a worker process; everything that crosses between it
and the grader is *data*: a message is a JSON header followed by raw byte
blobs that hold array contents. No pickle, no code: decoding builds only
None, bools, ints, floats, strings, lists, tuples, dicts, NumPy arrays and
scalars of numeric dtypes, and NumPy random generators from their state. A
function that one side passes to the other travels as a numbered handle;
calling it sends a message back to the side that owns it.

This module is copied into the sandbox next to the worker, so it imports
nothing but the standard library and NumPy.

Frame: 4-byte big-endian header length, the UTF-8 JSON header (whose
``"blobs"`` lists the blob lengths), then the blobs back to back. A reader
refuses a frame larger than its limit before reading it.
"""

import json
import struct

import numpy as np

MAX_DEPTH = 32                 # nesting of lists/dicts in one value
MAX_ITEMS = 200_000            # container items in one message
MAX_STRING = 100_000           # characters of one string
_NUMERIC_KINDS = "biufc"


class WireError(Exception):
    """A message that is not valid data (too big, malformed, or of a type that may not cross)."""


class Unsupported:
    """Stands for a value of a type that may not cross (a class instance, a module, ...)."""

    def __init__(self, type_name):
        self.type_name = type_name

    def __repr__(self):
        return f"<{self.type_name} object>"


# ----------------------------------------------------------------- encoding


def encode(value, blobs, export_callable):
    """A JSON-able form of ``value``; array bytes are appended to ``blobs``.

    ``export_callable(f)`` returns the handle (an int) under which the caller
    keeps ``f`` callable by the other side; with None, functions are sent as
    unsupported values (a result must be data).
    """
    counter = [0]
    return _encode(value, blobs, export_callable, 0, counter)


def _encode(value, blobs, export_callable, depth, counter):
    counter[0] += 1
    if counter[0] > MAX_ITEMS or depth > MAX_DEPTH:
        raise WireError("the value is too large or too deeply nested to send")
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, np.generic) and value.dtype.kind in _NUMERIC_KINDS:
        return _encode_numpy_scalar(value, blobs)  # before int/float: np.float64 is a float subclass
    if isinstance(value, int):
        return {"$": "int", "v": str(int(value))} if abs(value) > 2 ** 53 else int(value)
    if isinstance(value, float):
        return {"$": "float", "v": repr(float(value))}
    if isinstance(value, str):
        return {"$": "str", "v": str(value)[:MAX_STRING]}
    if isinstance(value, np.ndarray):
        return _encode_array(value, blobs)
    if isinstance(value, (list, tuple)):
        kind = "tuple" if isinstance(value, tuple) else "list"
        return {"$": kind, "v": [_encode(v, blobs, export_callable, depth + 1, counter) for v in value]}
    if isinstance(value, dict):
        return {"$": "dict", "v": [[_encode(k, blobs, export_callable, depth + 1, counter),
                                    _encode(v, blobs, export_callable, depth + 1, counter)]
                                   for k, v in value.items()]}
    if isinstance(value, np.random.Generator):
        return {"$": "generator", "v": _generator_state(value)}
    if callable(value) and not isinstance(value, type) and export_callable is not None:
        return {"$": "callable", "v": int(export_callable(value)),
                "description": str(getattr(value, "description", ""))[:200]}
    return {"$": "unsupported", "v": type(value).__name__[:100]}


def _encode_array(value, blobs):
    array = np.asarray(value)
    if array.dtype.kind not in _NUMERIC_KINDS or array.dtype.hasobject:
        return {"$": "unsupported", "v": f"array of dtype {array.dtype}"[:100]}
    native = array.dtype.newbyteorder("=")
    if array.dtype != native:
        array = array.astype(native)
    blobs.append(array.tobytes(order="C"))  # (np.ascontiguousarray would make a 0-d array 1-d)
    return {"$": "array", "dtype": array.dtype.str, "shape": list(array.shape), "blob": len(blobs) - 1}


def _encode_numpy_scalar(value, blobs):
    encoded = _encode_array(np.asarray(value), blobs)
    encoded["$"] = "scalar"
    return encoded


def _generator_state(generator):
    state = generator.bit_generator.state
    if state.get("bit_generator") != "PCG64":
        raise WireError("only np.random.default_rng generators (PCG64) can be sent")
    inner = state["state"]
    return {"state": str(inner["state"]), "inc": str(inner["inc"]),
            "has_uint32": int(state["has_uint32"]), "uinteger": int(state["uinteger"])}


# ----------------------------------------------------------------- decoding


def decode(data, blobs, import_callable):
    """The value that ``encode`` described; ``import_callable(handle, description)`` makes a proxy."""
    counter = [0]
    return _decode(data, blobs, import_callable, 0, counter)


def _decode(data, blobs, import_callable, depth, counter):
    counter[0] += 1
    if counter[0] > MAX_ITEMS or depth > MAX_DEPTH:
        raise WireError("the message is too large or too deeply nested")
    if data is None or isinstance(data, bool):
        return data
    if isinstance(data, int):
        return data
    if not isinstance(data, dict) or not isinstance(data.get("$"), str):
        raise WireError(f"malformed value of JSON type {type(data).__name__}")
    kind, v = data["$"], data.get("v")
    if kind in ("int", "float"):
        try:
            return (int if kind == "int" else float)(_checked(v, str))
        except ValueError:   # not a number, or more digits than Python converts
            raise WireError(f"malformed {kind}") from None
    if kind == "str":
        return _checked(v, str)[:MAX_STRING]
    if kind in ("list", "tuple"):
        items = [_decode(x, blobs, import_callable, depth + 1, counter) for x in _checked(v, list)]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        result = {}
        for pair in _checked(v, list):
            if not (isinstance(pair, list) and len(pair) == 2):
                raise WireError("malformed dict entry")
            key = _decode(pair[0], blobs, import_callable, depth + 1, counter)
            if not isinstance(key, (str, int, float, bool, type(None), tuple)):
                raise WireError(f"a dict key of type {type(key).__name__} cannot be sent")
            try:
                result[key] = _decode(pair[1], blobs, import_callable, depth + 1, counter)
            except TypeError:  # an unhashable tuple key
                raise WireError("a dict key that cannot be hashed") from None
        return result
    if kind in ("array", "scalar"):
        array = _decode_array(data, blobs)
        return array[()] if kind == "scalar" else array
    if kind == "generator":
        return _decode_generator(_checked(v, dict))
    if kind == "callable":
        return import_callable(int(_checked(v, int)), str(data.get("description", ""))[:200])
    if kind == "unsupported":
        return Unsupported(str(v)[:100])
    raise WireError(f"unknown value kind {kind!r}")


def _checked(value, kind):
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        raise WireError(f"malformed message: expected {kind.__name__}")
    return value


def _decode_array(data, blobs):
    try:
        dtype = np.dtype(_checked(data.get("dtype"), str))
    except (TypeError, ValueError):
        raise WireError("malformed array dtype") from None
    if dtype.kind not in _NUMERIC_KINDS or dtype.hasobject or dtype.fields is not None or dtype.subdtype:
        raise WireError(f"arrays of dtype {dtype} cannot be sent")
    shape = _checked(data.get("shape"), list)
    if len(shape) > 32 or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape):
        raise WireError("malformed array shape")
    index = _checked(data.get("blob"), int)
    if not 0 <= index < len(blobs):
        raise WireError("malformed array reference")
    buffer = blobs[index]
    count = 1
    for n in shape:
        count *= n
    if count * dtype.itemsize != len(buffer):
        raise WireError("array size does not match its data")
    try:
        return np.frombuffer(buffer, dtype=dtype).reshape(shape).copy()
    except ValueError:   # (a shape NumPy cannot make, such as 0 by 10**30)
        raise WireError("malformed array shape") from None


def generators_in(value):
    """The random generators inside ``value``, in a fixed order (the same on both sides)."""
    if isinstance(value, np.random.Generator):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from generators_in(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from generators_in(item)


def generator_states(value):
    """JSON-able states of the generators inside ``value`` (sent back after a call drew from them)."""
    return [_generator_state(g) for g in generators_in(value)]


def _decode_generator(state):
    try:
        bit_generator = np.random.PCG64()
        bit_generator.state = {"bit_generator": "PCG64",
                               "state": {"state": int(state["state"]), "inc": int(state["inc"])},
                               "has_uint32": int(state["has_uint32"]), "uinteger": int(state["uinteger"])}
    except (KeyError, TypeError, ValueError):
        raise WireError("malformed random generator state") from None
    return np.random.Generator(bit_generator)


# ----------------------------------------------------------------- framing


def write_message(stream, header, blobs=(), limit=None):
    """Send one frame: ``header`` (a JSON-able dict) and the byte blobs it refers to.

    A frame over ``limit`` bytes (the other side's) raises WireError before
    anything is written, so the stream stays usable.
    """
    header = dict(header, blobs=[len(b) for b in blobs])
    head = json.dumps(header, allow_nan=False, separators=(",", ":")).encode()
    if limit is not None and len(head) + sum(len(b) for b in blobs) > limit:
        raise WireError(f"a message of more than {limit} bytes")
    stream.write(struct.pack(">I", len(head)) + head)
    for blob in blobs:
        stream.write(blob)
    stream.flush()


def read_message(stream, limit):
    """Receive one frame of at most ``limit`` bytes: (header dict, list of blobs).

    Raises EOFError if the stream ended, WireError if the frame is malformed
    or too large.
    """
    head_length = struct.unpack(">I", _read_exactly(stream, 4))[0]
    if head_length > limit:
        raise WireError(f"a message of more than {limit} bytes")
    try:
        header = json.loads(_read_exactly(stream, head_length))
    except (ValueError, RecursionError):   # (not UTF-8, not JSON, a number of more digits than Python converts)
        raise WireError("a message header that is not JSON") from None
    if not isinstance(header, dict):
        raise WireError("a message header that is not a JSON object")
    sizes = header.get("blobs", [])
    if not (isinstance(sizes, list) and all(isinstance(n, int) and n >= 0 for n in sizes)):
        raise WireError("malformed blob sizes")
    if head_length + sum(sizes) > limit:
        raise WireError(f"a message of more than {limit} bytes")
    return header, [_read_exactly(stream, n) for n in sizes]


def _read_exactly(stream, n):
    chunks, remaining = [], n
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            raise EOFError("the other side closed the connection")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


# ----------------------------------------------------------------- calls


class Endpoint:
    """One side of the call protocol over a pair of byte streams.

    ``call(handle, args, kwargs)`` runs a function of the other side and
    returns its result; while waiting, calls from the other side into this
    side's exported functions are served (so callbacks may nest). Incoming
    requests are handed to ``serve(header, blobs)``, which must answer each
    with exactly one ``reply``. ``make_exception(header)`` turns the other
    side's "raise" answer into an exception to raise here.
    """

    def __init__(self, reader, writer, limit, serve, make_exception):
        # (``limit``: bytes of one message, either way; both sides use the same)
        self.reader, self.writer, self.limit = reader, writer, limit
        self.serve, self.make_exception = serve, make_exception
        self._exports = {}

    # functions this side lends to the other
    def export(self, function):
        handle = len(self._exports) + 1
        self._exports[handle] = function
        return handle

    def exported(self, handle):
        if not isinstance(handle, int) or handle not in self._exports:
            raise WireError(f"no function with handle {str(handle)[:40]}")
        return self._exports[handle]

    def forget_exports(self):
        self._exports.clear()

    # functions of the other side
    def proxy(self, handle, description=""):
        def remote(*args, **kwargs):
            return self.call(handle, args, kwargs)
        remote.description = description
        remote.handle = handle
        return remote

    def call(self, handle, args, kwargs):
        self.send({"op": "call", "target": handle}, args=list(args), kwargs=dict(kwargs))
        value, header = self.wait_for_answer()
        # A random generator the other side drew from must end in the state it left it in.
        for generator, state in zip(generators_in((args, kwargs)), header.get("generators", [])):
            generator.bit_generator.state = _decode_generator(state).bit_generator.state
        return value

    def wait_for_answer(self):
        """(value, header) of the next "return"; serves requests that arrive first."""
        while True:
            header, blobs = self.receive()
            op = header.get("op")
            if op == "return":
                return self.value(header, "value", blobs), header
            if op == "raise":
                raise self.make_exception(header)
            if op in ("call", "exec"):
                self.serve(header, blobs)
                continue
            raise WireError(f"unexpected message {op!r}")

    # messages
    def send(self, fields, *, exportable=True, **values):
        blobs = []
        export = self.export if exportable else None
        header = dict(fields)
        for key, value in values.items():
            header[key] = encode(value, blobs, export)
        write_message(self.writer, header, blobs, self.limit)

    def receive(self):
        return read_message(self.reader, self.limit)

    def value(self, header, key, blobs):
        return decode(header.get(key), blobs, self.proxy)
