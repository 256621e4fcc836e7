"""Checks used by the visible tests of the Descent exercises.

``check_close`` compares what your function returned with the expected
value and, when they differ, says *what* is wrong: a missing ``return``, a
wrong shape or dtype, NaN, or one of the common mistakes the test knows
about. It prints the relative error on success, like the checks of CS231n.
``note_if_modified`` prints a note when a function changed its input.
``check_earlier_exercises`` checks the functions a chapter takes over from
earlier ones, each on the first example of its own chapter's visible test.
"""

import sys

import numpy as np

__all__ = ["rel_error", "check_close", "note_if_modified", "check_earlier_exercises"]

IN_PLACE_NOTE = ("This still earns the points, but returning new arrays is safer: whoever called "
                 "the function may still need the old values (for example, write `w = w - lr * g`, not `w -= lr * g`).")


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


def _difference(actual, expected, name, rtol, atol, exact_dtype=False, inputs_dtype=None):
    """None if ``actual`` matches ``expected``, else a sentence saying how it differs.

    ``inputs_dtype``, when known (the grader's cases), is the precision of the inputs: a
    result at that precision is not refused for being below the expected dtype (a float32
    cost from float32 arrays, where the reference returns a Python float).
    """
    if actual is None and expected is not None:
        return f"{name} returned None. Did you forget the `return` statement?"
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{name} should be a dict, got {_type_name(actual)}."
        missing = [k for k in expected if k not in actual]
        if missing:
            return f"{name} is missing the key(s) {missing}."
        extra = [k for k in actual if k not in expected]
        if extra:
            return f"{name} has unexpected key(s) {extra}."
        for key in expected:
            problem = _difference(actual[key], expected[key], f"{name}[{key!r}]", rtol, atol, exact_dtype,
                                  inputs_dtype)
            if problem:
                return problem
        return None
    if isinstance(expected, (tuple, list)):
        if not isinstance(actual, (tuple, list)):
            return f"{name} should be a {type(expected).__name__} of {len(expected)} items, got {_type_name(actual)}."
        if len(actual) != len(expected):
            return f"{name} should have {len(expected)} items, got {len(actual)}."
        for i, (a, e) in enumerate(zip(actual, expected)):
            problem = _difference(a, e, _item_name(name, i, len(expected)), rtol, atol, exact_dtype,
                                  inputs_dtype)
            if problem:
                return problem
        return None
    return _array_difference(actual, expected, name, rtol, atol, exact_dtype, inputs_dtype)


def _array_difference(actual, expected, name, rtol, atol, exact_dtype, inputs_dtype=None):
    expected = np.asarray(expected)
    try:
        actual_arr = np.asarray(actual)
    except Exception:  # an object NumPy cannot turn into an array
        return f"{name} should be a number or an array, got {_type_name(actual)}."
    if actual_arr.dtype == bool and np.issubdtype(expected.dtype, np.number):
        return (f"{name} holds booleans (True/False), expected numbers: convert it with "
                f".astype and the dtype of the inputs.")
    if actual_arr.dtype == object or not np.issubdtype(actual_arr.dtype, np.number):
        return (f"{name} should be a number or an array of numbers, got {_type_name(actual)}"
                + (f" ({actual_arr.dtype})." if actual_arr.dtype != object else "."))
    if actual_arr.shape != expected.shape:
        single = " (a single number)" if expected.shape == () else ""
        return f"{name} has shape {actual_arr.shape}, expected {expected.shape}{single}."
    # (a NumPy scalar too: a float32 number for float64 inputs has lost digits, as an array would)
    if np.issubdtype(expected.dtype, np.floating) and isinstance(actual, (np.ndarray, np.generic)) \
            and actual_arr.dtype != expected.dtype:
        if exact_dtype:
            return f"{name} has dtype {actual_arr.dtype}, expected {expected.dtype} (use the parameters' dtype)."
        size = actual_arr.dtype.itemsize if np.issubdtype(actual_arr.dtype, np.floating) else 0
        higher = size > expected.dtype.itemsize
        as_inputs = inputs_dtype is not None and size >= np.dtype(inputs_dtype).itemsize
        if not (higher or as_inputs):
            return (f"{name} has dtype {actual_arr.dtype}, expected {expected.dtype} "
                    "(a lower precision than the inputs loses digits).")
    # (a float where an index or a count is expected cannot index a list)
    if np.issubdtype(expected.dtype, np.integer) and np.issubdtype(actual_arr.dtype, np.floating) \
            and np.array_equal(actual_arr, expected):
        return f"{name} is the float {_number(actual_arr)}; return the integer {_number(expected)} (an int)."
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
    return (f"{name} is wrong: largest relative error {error:.1e}. First difference at index "
            f"[{', '.join(map(str, where))}]: got {_number(actual_arr[where])}, "
            f"expected {_number(expected[where])}.")


def _type_name(value):
    """The name of ``value``'s type; the grader's stand-in for a value that could not be sent to
    it (an instance of the student's own class) carries the name of the value's own type."""
    return getattr(value, "type_name", None) or type(value).__name__


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
    decimal point (0.0, not 0, which would read as an integer), and zero has no sign."""
    x = np.asarray(x).item()
    if not isinstance(x, float):
        return str(x)
    x = x + 0.0   # (-0.0 + 0.0 is 0.0: "expected -0.0" would puzzle a reader)
    text = f"{x:.10g}"
    return text if any(c in text for c in ".einf") else text + ".0"


def _max_rel_error(actual, expected):
    if isinstance(expected, dict):
        return max((_max_rel_error(actual[k], expected[k]) for k in expected), default=0.0)
    if isinstance(expected, (tuple, list)):
        return max((_max_rel_error(a, e) for a, e in zip(actual, expected)), default=0.0)
    return rel_error(actual, expected)


def check_earlier_exercises(namespace, *names):
    """Check each function in ``names`` (found in ``namespace``, e.g. ``globals()``) on the first
    example of the visible test of the chapter it comes from; print one message (to stderr)
    naming every function that is missing, raises or returns a wrong value.

    It prints rather than raises, so that Run All still reaches this chapter's own exercises
    before the earlier functions are pasted in.
    """
    problems = []
    for name in names:
        chapter, call, args, expected, *keywords = _earlier_example(name)
        function = namespace.get(name)
        if not callable(function):
            problems.append(f"{name} is not defined: paste your version from chapter {chapter} into the "
                            "cell above and run it.")
            continue
        try:
            actual = function(*args, **(keywords[0] if keywords else {}))
        except NotImplementedError:
            problems.append(f"{name} still raises NotImplementedError: paste your version from "
                            f"chapter {chapter} into the cell above.")
            continue
        except Exception as error:   # the student's own code: any error is reported, not raised
            problems.append(f"{name} (chapter {chapter}) raised {type(error).__name__}: {error}")
            continue
        try:
            check_close(actual, expected, name=call)
        except AssertionError as error:
            problems.append(f"{error} (Your version from chapter {chapter}, in the cell above.)")
    if problems:
        which = ("The function from an earlier chapter needs" if len(names) == 1 else
                 f"{len(problems)} of the {len(names)} functions from earlier chapters "
                 + ("needs" if len(problems) == 1 else "need"))
        print(f"{which} fixing before the experiments can use {'it' if len(names) == 1 else 'them'}:\n- "
              + "\n- ".join(problems), file=sys.stderr)


def _earlier_example(name):
    """(chapter, the call as text, arguments, expected result[, keyword arguments]) of ``name``'s first
    visible example,
    made afresh on each call (a function that changes its inputs cannot spoil the next check)."""
    a = np.array
    if name == "gd_step":
        return 1, "gd_step(w, g, 0.1)", (a([1.0, -2.0, 0.5]), a([0.5, 1.0, -4.0]), 0.1), a([0.95, -2.1, 0.9])
    if name == "numerical_gradient":
        def f(w):
            return w[0] ** 2 + 3 * w[0] * w[1] + 2 * w[1] ** 2
        return 1, "numerical_gradient(f, w, h=0.25)", (f, a([2.0, 1.0])), a([7.0, 10.0]), {"h": 0.25}
    if name == "update_parameters_with_gd":
        parameters = {"W1": a([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), "b1": a([[1.0], [-1.0]]),
                      "W2": a([[0.5, -0.5]]), "b2": a([[2.0]])}
        grads = {"dW1": a([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0]]), "db1": a([[10.0], [-10.0]]),
                 "dW2": a([[4.0, 4.0]]), "db2": a([[-5.0]])}
        expected = {"W1": a([[0.9, 2.0, 3.1], [3.8, 5.0, 6.2]]), "b1": a([[0.0], [0.0]]),
                    "W2": a([[0.1, -0.9]]), "b2": a([[2.5]])}
        return 2, "update_parameters_with_gd(parameters, grads, 0.1)", (parameters, grads, 0.1), expected
    if name in ("momentum_step", "nesterov_step"):
        w, g, v = a([1.0, -2.0, 0.5]), a([2.0, -4.0, 1.0]), a([1.0, 0.0, -1.0])
        expected = ((a([0.89, -1.96, 0.58]), a([1.1, -0.4, -0.8])) if name == "momentum_step"
                    else (a([0.539, -1.24, 0.391]), a([2.9, -4.0, 0.1])))
        return 3, f"{name}(w, g, v, 0.1)", (w, g, v, 0.1), expected
    if name == "initialize_velocity":
        parameters = {"W1": np.arange(6.0).reshape(3, 2), "b1": np.ones((3, 1)),
                      "W2": a([[1.0, -1.0, 2.0]]), "b2": a([[0.5]])}
        expected = {"dW1": np.zeros((3, 2)), "db1": np.zeros((3, 1)), "dW2": np.zeros((1, 3)),
                    "db2": np.zeros((1, 1))}
        return 3, "initialize_velocity(parameters)", (parameters,), expected
    if name == "update_parameters_with_momentum":
        parameters = {"W1": a([[1.0, 2.0], [3.0, 4.0]]), "b1": a([[1.0], [-1.0]]),
                      "W2": a([[0.5, -0.5]]), "b2": a([[2.0]])}
        grads = {"dW1": a([[1.0, -1.0], [2.0, 0.0]]), "db1": a([[10.0], [-10.0]]),
                 "dW2": a([[4.0, -4.0]]), "db2": a([[-5.0]])}
        v = {"dW1": a([[1.0, 1.0], [0.0, 0.0]]), "db1": a([[0.0], [2.0]]), "dW2": a([[0.0, 1.0]]),
             "db2": a([[-1.0]])}
        expected = ({"W1": a([[0.9, 1.92], [2.98, 4.0]]), "b1": a([[0.9], [-1.08]]),
                     "W2": a([[0.46, -0.55]]), "b2": a([[2.14]])},
                    {"dW1": a([[1.0, 0.8], [0.2, 0.0]]), "db1": a([[1.0], [0.8]]), "dW2": a([[0.4, 0.5]]),
                     "db2": a([[-1.4]])})
        return 3, "update_parameters_with_momentum(parameters, grads, v, 0.9, 0.1)", \
            (parameters, grads, v, 0.9, 0.1), expected
    if name == "adagrad_step":
        return 4, "adagrad_step(w, g, G, 0.5)", (a([1.0, -1.0, 0.5]), a([3.0, -2.0, 4.0]), a([16.0, 12.0, 9.0]), 0.5), \
            (a([0.7, -0.75, 0.1]), a([25.0, 16.0, 25.0]))
    if name == "rmsprop_step":
        return 4, "rmsprop_step(w, g, s, 0.1, beta=0.75)", (a([1.0, -1.0, 0.5]), a([2.0, -8.0, 6.0]), a([4.0, 12.0, 0.0]), 0.1), \
            (a([0.9, -0.84, 0.3]), a([4.0, 25.0, 9.0])), {"beta": 0.75}
    if name in ("adam_step", "adamw_step"):
        w, g, m, v = a([1.0, -2.0]), a([2.0, -1.0]), a([1.0, -0.5]), a([0.8, 0.2])
        if name == "adam_step":
            return 5, "adam_step(w, g, m, v, 2, 0.1, 0.5, 0.8)", (w, g, m, v, 2, 0.1, 0.5, 0.8), \
                (a([0.9, -1.9]), a([1.5, -0.75]), a([1.44, 0.36]))
        return 5, "adamw_step(w, g, m, v, 2, 0.1, 0.5, 0.8, weight_decay=0.5)", (w, g, m, v, 2, 0.1, 0.5, 0.8), \
            (a([0.85, -1.8]), a([1.5, -0.75]), a([1.44, 0.36])), {"weight_decay": 0.5}
    if name == "initialize_adam":
        parameters = {"W1": np.ones((2, 3)), "b1": np.ones((2, 1)), "W2": np.ones((1, 2)), "b2": np.ones((1, 1))}
        zeros = {"dW1": np.zeros((2, 3)), "db1": np.zeros((2, 1)), "dW2": np.zeros((1, 2)), "db2": np.zeros((1, 1))}
        return 5, "initialize_adam(parameters)", (parameters,), (zeros, zeros)
    if name == "update_parameters_with_adam":
        def network(W1, b1, W2, b2, prefix=""):
            return {prefix + "W1": a(W1), prefix + "b1": a(b1), prefix + "W2": a(W2), prefix + "b2": a(b2)}
        parameters = network([[1.0, -2.0]], [[0.5]], [[3.0]], [[-1.0]])
        grads = network([[2.0, -1.0]], [[-1.0]], [[-1.0]], [[2.0]], "d")
        v = network([[1.0, -0.5]], [[-0.5]], [[-0.5]], [[1.0]], "d")
        s = network([[0.8, 0.2]], [[0.2]], [[0.2]], [[0.8]], "d")
        expected = (network([[0.9, -1.9]], [[0.6]], [[3.1]], [[-1.1]]),
                    network([[1.5, -0.75]], [[-0.75]], [[-0.75]], [[1.5]], "d"),
                    network([[1.44, 0.36]], [[0.36]], [[0.36]], [[1.44]], "d"),
                    network([[2.0, -1.0]], [[-1.0]], [[-1.0]], [[2.0]], "d"),
                    network([[4.0, 1.0]], [[1.0]], [[1.0]], [[4.0]], "d"))
        return 5, "update_parameters_with_adam(parameters, grads, v, s, 2, 0.1, 0.5, 0.8)", \
            (parameters, grads, v, s, 2, 0.1, 0.5, 0.8), expected
    if name == "cosine_decay":
        return 6, "cosine_decay(0.3, 25, 100, 0.1)", (0.3, 25, 100, 0.1), 0.270710678119
    if name == "dropout_forward":
        return 8, "dropout_forward(A, 0.8, 1)", (a([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), 0.8, 1), \
            (a([[1.25, 0.0, 3.75], [0.0, 6.25, 7.5]]), a([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]))
    if name == "dropout_backward":
        return 8, "dropout_backward(dA, mask, 0.8)", \
            (a([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), a([[1.0, 0.0, 1.0], [1.0, 1.0, 0.0]]), 0.8), \
            a([[1.25, 0.0, 3.75], [5.0, 6.25, 0.0]])
    cache = {"Z_hat": a([[-1.0, -0.5, 0.0, 1.5], [-1.0, 0.0, 0.0, 1.0]]), "gamma": a([[2.0], [0.5]]),
             "mean": a([[3.0], [5.0]]), "var": a([[3.5], [0.5]]), "eps": 0.5}
    gamma, beta = a([[2.0], [0.5]]), a([[1.0], [-1.0]])
    if name == "batchnorm_forward":
        return 8, "batchnorm_forward(Z, gamma, beta, 0.5)", \
            (a([[1.0, 2.0, 3.0, 6.0], [4.0, 5.0, 5.0, 6.0]]), gamma, beta, 0.5), \
            (a([[-1.0, 0.0, 1.0, 4.0], [-1.5, -1.0, -1.0, -0.5]]), cache)
    if name == "batchnorm_backward":
        return 8, "batchnorm_backward(dout, cache)", (a([[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, -1.0]]), cache), \
            (a([[0.5, -0.375, -0.25, 0.125], [-0.125, 0.5, 0.0, -0.375]]), a([[-1.0], [-1.0]]), a([[1.0], [0.0]]))
    if name == "batchnorm_inference":
        return 8, "batchnorm_inference(Z, gamma, beta, running_mean, running_var, 0.5)", \
            (a([[1.0, 5.0, 3.0], [5.0, 7.0, 3.0]]), gamma, beta, a([[3.0], [5.0]]), a([[3.5], [0.5]]), 0.5), \
            a([[-1.0, 3.0, 1.0], [-1.0, 0.0, -2.0]])
    raise ValueError(f"no example of {name!r} from an earlier chapter")
