"""Checks used by the visible tests of the Descent exercises.

``check_close`` compares what your function returned with the expected
value and, when they differ, says *what* is wrong: a missing ``return``, a
wrong shape or dtype, NaN, or one of the common mistakes the test knows
about. It prints the relative error on success, like the checks of CS231n.
"""

import numpy as np

__all__ = ["rel_error", "check_close", "check_not_modified"]


def rel_error(x, y):
    """Largest relative error max |x - y| / max(|x| + |y|, 1e-8) over all entries."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.size == 0:
        return 0.0
    return float(np.max(np.abs(x - y) / np.maximum(np.abs(x) + np.abs(y), 1e-8)))


def check_close(actual, expected, *, name, mistakes=None, rtol=1e-7, atol=1e-12):
    """Assert that ``actual`` equals ``expected`` up to rounding; explain a difference.

    ``expected`` may be an array, a number, or a (nested) tuple, list or dict
    of them. ``mistakes`` maps a description of a likely mistake to the
    output that mistake produces; if ``actual`` matches one, the error names it.
    """
    problem = _difference(actual, expected, name, rtol, atol)
    if problem is None:
        print(f"{name}: OK (relative error {_max_rel_error(actual, expected):.1e})")
        return
    for description, wrong_output in (mistakes or {}).items():
        if _difference(actual, wrong_output, name, rtol, atol) is None:
            raise AssertionError(f"{name} is wrong. It looks like {description}.")
    raise AssertionError(problem)


def check_not_modified(before, after, *, name):
    """Assert that a function left its input unchanged (``before`` is a copy made earlier)."""
    if _difference(after, before, name, 0.0, 0.0) is not None:
        raise AssertionError(
            f"{name} was changed in place. Return new arrays instead of modifying your "
            "inputs (for example write `w = w - lr * g`, not `w -= lr * g`)."
        )


def _difference(actual, expected, name, rtol, atol):
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
            problem = _difference(actual[key], expected[key], f"{name}[{key!r}]", rtol, atol)
            if problem:
                return problem
        return None
    if isinstance(expected, (tuple, list)):
        if not isinstance(actual, (tuple, list)):
            return f"{name} should be a {type(expected).__name__} of {len(expected)} items, got {type(actual).__name__}."
        if len(actual) != len(expected):
            return f"{name} should have {len(expected)} items, got {len(actual)}."
        for i, (a, e) in enumerate(zip(actual, expected)):
            problem = _difference(a, e, f"{name}[{i}]", rtol, atol)
            if problem:
                return problem
        return None
    return _array_difference(actual, expected, name, rtol, atol)


def _array_difference(actual, expected, name, rtol, atol):
    expected = np.asarray(expected)
    try:
        actual_arr = np.asarray(actual)
    except Exception:  # an object NumPy cannot turn into an array
        return f"{name} should be a number or an array, got {type(actual).__name__}."
    if actual_arr.dtype == object or not np.issubdtype(actual_arr.dtype, np.number):
        return f"{name} should be numeric, got {type(actual).__name__} ({actual_arr.dtype})."
    if actual_arr.shape != expected.shape:
        return f"{name} has shape {actual_arr.shape}, expected {expected.shape}."
    if np.issubdtype(expected.dtype, np.floating) and isinstance(actual, np.ndarray) \
            and actual_arr.dtype != expected.dtype:
        return f"{name} has dtype {actual_arr.dtype}, expected {expected.dtype} (keep the input's dtype)."
    if not np.all(np.isfinite(actual_arr)) and np.all(np.isfinite(expected)):
        return f"{name} contains NaN or inf: {actual_arr}."
    if np.allclose(actual_arr, expected, rtol=rtol, atol=atol, equal_nan=True):
        return None
    bad = np.argwhere(~np.isclose(actual_arr, expected, rtol=rtol, atol=atol, equal_nan=True))
    where = tuple(int(i) for i in bad[0]) if actual_arr.ndim else ()
    index = f"[{', '.join(map(str, where))}]" if where else ""
    return (
        f"{name} is wrong: relative error {rel_error(actual_arr, expected):.1e}. "
        f"First difference at {name}{index}: got {actual_arr[where]!r}, expected {expected[where]!r}."
    )


def _max_rel_error(actual, expected):
    if isinstance(expected, dict):
        return max((_max_rel_error(actual[k], expected[k]) for k in expected), default=0.0)
    if isinstance(expected, (tuple, list)):
        return max((_max_rel_error(a, e) for a, e in zip(actual, expected)), default=0.0)
    return rel_error(actual, expected)
