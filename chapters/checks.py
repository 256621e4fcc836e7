"""Checks used by the visible tests of the Descent exercises.

``check_close`` compares what your function returned with the expected
value and, when they differ, says *what* is wrong: a missing ``return``, a
wrong shape or dtype, NaN, or one of the common mistakes the test knows
about. It prints the relative error on success, like the checks of CS231n.
``note_if_modified`` prints a note when a function changed its input.
"""

import numpy as np

__all__ = ["rel_error", "check_close", "note_if_modified"]

IN_PLACE_NOTE = ("This still earns the points, but returning new arrays is safer: whoever called "
                 "the function may still need the old values (write `w = w - lr * g`, not `w -= lr * g`).")


def rel_error(x, y):
    """Largest relative error max |x - y| / max(|x| + |y|, 1e-8) over all entries.

    Equal entries (inf and inf, NaN and NaN included) count 0; an inf or NaN
    against anything else counts 1, the largest value the ratio takes.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.size == 0:
        return 0.0
    with np.errstate(invalid="ignore"):   # inf - inf and inf / inf: settled below
        errors = np.abs(x - y) / np.maximum(np.abs(x) + np.abs(y), 1e-8)
    same = (x == y) | (np.isnan(x) & np.isnan(y))
    return float(np.max(np.where(same, 0.0, np.where(np.isnan(errors), 1.0, errors))))


def check_close(actual, expected, *, name, mistakes=None, rtol=1e-7, atol=1e-12, exact_dtype=False):
    """Assert that ``actual`` equals ``expected`` up to rounding; explain a difference.

    ``expected`` may be an array, a number, or a (nested) tuple, list or dict
    of them. ``mistakes`` maps a description of a likely mistake to the
    output that mistake produces; if ``actual`` matches one, the error names it.
    A float64 result where float32 is expected is accepted when its values
    match at float32 precision, unless ``exact_dtype`` (for exercises whose
    point is the dtype, such as initializing an optimizer's state).
    """
    problem = _difference(actual, expected, name, rtol, atol, exact_dtype)
    if problem is None:
        print(f"{name}: OK (relative error {_max_rel_error(actual, expected):.1e})")
        return
    for description, wrong_output in (mistakes or {}).items():
        if _difference(actual, wrong_output, name, rtol, atol, exact_dtype) is None:
            raise AssertionError(f"{name} is wrong. It looks like {description}.")
    raise AssertionError(problem)


def note_if_modified(before, after, *, name):
    """Print a note if a function changed its input (``before`` is a copy made before the call)."""
    if _difference(after, before, name, 0.0, 0.0, True) is not None:
        print(f"Note: {name} was changed in place. {IN_PLACE_NOTE}")


def _difference(actual, expected, name, rtol, atol, exact_dtype=False):
    """None if ``actual`` matches ``expected``, else a sentence saying how it differs."""
    if actual is None and expected is not None:
        return f"{name} returned None. Did you forget the `return` statement?"
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{name} should be a dict, got {type(actual).__name__}."
        missing = [k for k in expected if k not in actual]
        if missing:
            return f"{name} is missing the key(s) {missing}."
        extra = [k for k in actual if k not in expected]
        if extra:
            return f"{name} has unexpected key(s) {extra}."
        for key in expected:
            problem = _difference(actual[key], expected[key], f"{name}[{key!r}]", rtol, atol, exact_dtype)
            if problem:
                return problem
        return None
    if isinstance(expected, (tuple, list)):
        if not isinstance(actual, (tuple, list)):
            return f"{name} should be a {type(expected).__name__} of {len(expected)} items, got {type(actual).__name__}."
        if len(actual) != len(expected):
            return f"{name} should have {len(expected)} items, got {len(actual)}."
        for i, (a, e) in enumerate(zip(actual, expected)):
            problem = _difference(a, e, _item_name(name, i, len(expected)), rtol, atol, exact_dtype)
            if problem:
                return problem
        return None
    return _array_difference(actual, expected, name, rtol, atol, exact_dtype)


def _array_difference(actual, expected, name, rtol, atol, exact_dtype):
    expected = np.asarray(expected)
    try:
        actual_arr = np.asarray(actual)
    except Exception:  # an object NumPy cannot turn into an array
        return f"{name} should be a number or an array, got {type(actual).__name__}."
    if actual_arr.dtype == object or not np.issubdtype(actual_arr.dtype, np.number):
        return (f"{name} should be a number or an array of numbers, got {type(actual).__name__}"
                + (f" ({actual_arr.dtype})." if actual_arr.dtype != object else "."))
    if actual_arr.shape != expected.shape:
        single = " (a single number)" if expected.shape == () else ""
        return f"{name} has shape {actual_arr.shape}, expected {expected.shape}{single}."
    # (a NumPy scalar too: a float32 number for float64 inputs has lost digits, as an array would)
    if np.issubdtype(expected.dtype, np.floating) and isinstance(actual, (np.ndarray, np.generic)) \
            and actual_arr.dtype != expected.dtype:
        if exact_dtype:
            return f"{name} has dtype {actual_arr.dtype}, expected {expected.dtype} (use the parameters' dtype)."
        if not (np.issubdtype(actual_arr.dtype, np.floating) and actual_arr.dtype.itemsize > expected.dtype.itemsize):
            return (f"{name} has dtype {actual_arr.dtype}, expected {expected.dtype} "
                    "(a lower precision than the inputs loses digits).")
    if not np.all(np.isfinite(actual_arr)) and np.all(np.isfinite(expected)):
        return f"{name} contains NaN or inf: {np.array2string(actual_arr, threshold=12, precision=4)}."
    if np.allclose(actual_arr, expected, rtol=rtol, atol=atol, equal_nan=True):
        return None
    error = rel_error(actual_arr, expected)
    if actual_arr.ndim == 0:
        return (f"{name} is wrong: got {_number(actual_arr)}, expected {_number(expected)} "
                f"(relative error {error:.1e}).")
    bad = np.argwhere(~np.isclose(actual_arr, expected, rtol=rtol, atol=atol, equal_nan=True))
    where = tuple(int(i) for i in bad[0])
    return (f"{name} is wrong: relative error {error:.1e}. First difference at index "
            f"[{', '.join(map(str, where))}]: got {_number(actual_arr[where])}, "
            f"expected {_number(expected[where])}.")


def _item_name(name, index, count):
    """How a message names one item of a tuple or list: ``f(x)[1]`` after an expression,
    "... (value 2 of 5)" after a description, where [1] would read as part of its text."""
    try:
        compile(name, "<name>", "eval")
    except SyntaxError:
        return f"{name} (value {index + 1} of {count})"
    return f"{name}[{index}]"


def _number(x):
    """A number as a reader writes it: no np.float64(...) wrapping, and a float shows a
    decimal point (0.0, not 0, which would read as an integer)."""
    x = np.asarray(x).item()
    if not isinstance(x, float):
        return str(x)
    text = f"{x:.10g}"
    return text if any(c in text for c in ".einf") else text + ".0"


def _max_rel_error(actual, expected):
    if isinstance(expected, dict):
        return max((_max_rel_error(actual[k], expected[k]) for k in expected), default=0.0)
    if isinstance(expected, (tuple, list)):
        return max((_max_rel_error(a, e) for a, e in zip(actual, expected)), default=0.0)
    return rel_error(actual, expected)
