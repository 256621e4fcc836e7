"""The worker's message format carries data and nothing else."""

import io
import json
import struct

import numpy as np
import pytest

from grading import wire


def roundtrip(value, export=None, proxy=None):
    blobs = []
    encoded = wire.encode(value, blobs, export)
    stream = io.BytesIO()
    wire.write_message(stream, {"value": encoded}, blobs)
    stream.seek(0)
    header, received = wire.read_message(stream, limit=10 ** 7)
    return wire.decode(header["value"], received, proxy or (lambda handle, description: (handle, description)))


@pytest.mark.parametrize("value", [
    None, True, False, 0, -7, 2 ** 70, 0.1, float("inf"), -0.0, "text", "",
    np.float32(1.5), np.float64(2.5), np.int64(-3), np.bool_(True),
    np.arange(6.0).reshape(2, 3), np.zeros((0, 4), np.float32), np.array(3.0), np.array([1, 2], np.int8),
    np.array([1 + 2j]), np.arange(12.0).reshape(3, 4)[:, ::2],                   # not contiguous
    np.array([1.0, 2.0], dtype=">f8"),                                           # big-endian
    [1, (2.0, "x")], ((),), {"W1": np.ones((2, 1)), "b1": [np.zeros(1)], 3: None, ("a", 1): 2.0},
])
def test_data_survives_the_trip_with_its_types(value):
    back = roundtrip(value)
    assert type(back) is type(value) or isinstance(value, np.ndarray) and isinstance(back, np.ndarray)
    assert_same(back, value)


def assert_same(a, b):
    if isinstance(b, np.ndarray):
        assert isinstance(a, np.ndarray) and a.shape == b.shape and a.dtype.kind == b.dtype.kind
        assert a.dtype.itemsize == b.dtype.itemsize and np.array_equal(a, b)
        assert a.flags.writeable
    elif isinstance(b, dict):
        assert list(a) == list(b)
        for k in b:
            assert_same(a[k], b[k])
    elif isinstance(b, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            assert_same(x, y)
    elif isinstance(b, float) and b != b:
        assert a != a
    else:
        assert a == b and type(a) is type(b)


def test_nan_survives():
    assert np.isnan(roundtrip(float("nan"))) and np.isnan(roundtrip(np.array([np.nan]))[0])


def test_a_random_generator_arrives_in_the_same_state():
    rng = np.random.default_rng(42)
    rng.uniform(size=3)
    back = roundtrip(rng)
    assert np.array_equal(back.uniform(size=5), rng.uniform(size=5))


class Custom:
    pass


@pytest.mark.parametrize("value, name", [
    (Custom(), "Custom"), (np.array([object()], dtype=object), "array of dtype object"),
    (np.array(["a"]), "array of dtype <U1"), (io, "module"), (len, "builtin_function_or_method"),
])
def test_anything_else_arrives_as_an_unsupported_marker(value, name):
    back = roundtrip(value)  # no export function: functions are not sent as callable
    assert isinstance(back, wire.Unsupported) and back.type_name == name


def test_functions_travel_as_handles_only_when_the_sender_lends_them():
    lent = []
    back = roundtrip([lambda x: x], export=lambda f: lent.append(f) or 7)
    assert back == [(7, "")] and len(lent) == 1


def frame(header, blobs=()):
    head = json.dumps(dict(header, blobs=[len(b) for b in blobs])).encode()
    return io.BytesIO(struct.pack(">I", len(head)) + head + b"".join(blobs))


@pytest.mark.parametrize("value", [
    {"$": "array", "dtype": "|O", "shape": [1], "blob": 0},          # object arrays cannot be made
    {"$": "array", "dtype": "V8", "shape": [1], "blob": 0},          # nor raw void data
    {"$": "array", "dtype": [["a", "<f8"]], "shape": [1], "blob": 0},
    {"$": "array", "dtype": "<f8", "shape": [2], "blob": 0},          # 8 bytes cannot be 2 floats
    {"$": "array", "dtype": "<f8", "shape": [-1], "blob": 0},
    {"$": "array", "dtype": "<f8", "shape": [1], "blob": 5},
    {"$": "pickle", "v": "gASVAAAA"}, [1, 2], "bare string", {"$": "dict", "v": [[{"$": "list", "v": []}, 1]]},
    {"$": "generator", "v": {"state": "x"}},
    {"$": "int", "v": "9" * 5000}, {"$": "int", "v": "x"}, {"$": "float", "v": "one"},   # (more digits than Python converts)
    {"$": "array", "dtype": "<f8", "shape": [0, 10 ** 30], "blob": 0},
])
def test_malformed_or_dangerous_values_are_refused(value):
    header, blobs = wire.read_message(frame({"value": value}, [b"\0" * 8]), limit=10 ** 5)
    with pytest.raises(wire.WireError):
        wire.decode(header["value"], blobs, lambda h, d: None)


def test_a_message_over_the_limit_is_refused_before_it_is_read():
    big = np.zeros(1000)
    blobs = []
    stream = io.BytesIO()
    wire.write_message(stream, {"value": wire.encode(big, blobs, None)}, blobs)
    stream.seek(0)
    with pytest.raises(wire.WireError, match="more than 1000 bytes"):
        wire.read_message(stream, limit=1000)


def test_too_deep_a_value_is_refused():
    value = []
    for _ in range(wire.MAX_DEPTH + 5):
        value = [value]
    with pytest.raises(wire.WireError):
        wire.encode(value, [], None)


def test_a_closed_stream_is_end_of_file():
    with pytest.raises(EOFError):
        wire.read_message(io.BytesIO(b"\0\0"), limit=100)


def test_a_header_with_a_number_python_will_not_convert_is_refused():
    head = b'{"op": "done", "x": ' + b"1" * 5000 + b"}"
    with pytest.raises(wire.WireError, match="not JSON"):
        wire.read_message(io.BytesIO(struct.pack(">I", len(head)) + head), limit=10 ** 6)


def test_a_message_over_the_receivers_limit_is_not_sent_at_all():
    stream = io.BytesIO()
    blobs = []
    header = {"value": wire.encode(np.zeros(1000), blobs, None)}
    with pytest.raises(wire.WireError, match="more than 1000 bytes"):
        wire.write_message(stream, header, blobs, limit=1000)
    assert stream.getvalue() == b""


@pytest.mark.parametrize("handle", [[1], "1", 2, None])
def test_only_a_lent_function_can_be_called(handle):
    endpoint = wire.Endpoint(None, None, 100, serve=None, make_exception=None)
    assert endpoint.exported(endpoint.export(len)) is len
    with pytest.raises(wire.WireError, match="no function with handle"):
        endpoint.exported(handle)
