"""The hidden-test harness: grade a student's function against the reference.

A hidden test cell calls ``grade("gd_step")``. The harness finds the
student's ``gd_step`` in the notebook's namespace, calls it on the random
cases registered for it in ``grading.cases`` and compares each result with
the reference package's. It never lets a failure show hidden-test code:
every problem is raised as a ``GradingError``, whose traceback IPython
renders as the message alone.

What counts as a failure, each with its own message: the name is missing
or not callable, the function raises (its own traceback is shown), does not
return within the time limit, modifies its inputs, returns the wrong type,
shape, dtype, NaN or wrong values, or calls into the reference package.
"""

import contextlib
import copy
import functools
import importlib.util
import inspect
import signal
import sys
import traceback
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_DIR = str(ROOT / "solutions")
HARNESS_DIR = str(Path(__file__).resolve().parent)
SECONDS_PER_CALL = 5

# One comparison routine for visible and hidden tests: the student-facing one.
_spec = importlib.util.spec_from_file_location("_descent_checks", ROOT / "chapters" / "checks.py")
_checks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_checks)


class GradingError(AssertionError):
    """A failed hidden test. Rendered without a traceback, so no test code shows."""

    def _render_traceback_(self):
        return [f"GradingError: {line}" if i == 0 else line
                for i, line in enumerate(str(self).splitlines())]


class _TimeUp(BaseException):
    """Raised by the alarm; a BaseException so `except Exception` in student code cannot swallow it."""


def grade(name, namespace=None):
    """Grade the student's function ``name`` on its registered random cases."""
    from .cases import EXERCISES

    namespace = namespace if namespace is not None else sys._getframe(1).f_globals
    student = _find_student_function(name, namespace)
    exercise = EXERCISES[name]
    try:
        cases = list(exercise.cases(np.random.default_rng(exercise.seed)))
        failures = []
        for args, kwargs in cases:
            problem = _check_one_case(exercise, student, args, kwargs)
            if problem:
                failures.append((args, kwargs, problem))
                if problem.startswith("__stop__"):
                    break
    except GradingError:
        raise
    except Exception as error:  # a bug in the grader must not show its code either
        raise GradingError(f"The grader itself failed on {name} ({type(error).__name__}: {error}). "
                           "Please tell your instructor.") from None
    if failures:
        args, kwargs, problem = failures[0]
        if problem.startswith("__stop__"):
            summary = f"{name} failed a hidden test case; the remaining cases were not run."
        else:
            summary = f"{name} failed {len(failures)} of {len(cases)} hidden test cases."
        raise GradingError(f"{summary}\nFirst failing input: {_describe_call(name, args, kwargs)}\n"
                           f"{problem.removeprefix('__stop__')}")
    print(f"{name}: all {len(cases)} hidden test cases match the reference.")


def require_own_work(name, namespace=None):
    """Fail when the student's function calls into the reference package."""
    from .cases import EXERCISES

    namespace = namespace if namespace is not None else sys._getframe(1).f_globals
    student = _find_student_function(name, namespace)
    exercise = EXERCISES[name]
    args, kwargs = next(iter(exercise.cases(np.random.default_rng(exercise.seed))))
    try:
        _call_student(exercise, student, args, kwargs)
    except GradingError as error:
        if "reference package" in str(error):
            raise
    except BaseException:  # other failures are the visible and hidden tests' business
        pass


def grade_on_its_own(function):
    """Wrap an exercise so that, while graded, it calls the reference versions of earlier exercises.

    Used at the top of the visible test of an exercise that builds on
    others (a training loop calling random_mini_batches): a mistake in an
    earlier exercise then costs that exercise's points only.
    ``require_own_work`` at the end of the cell unwraps the name again.
    """
    from .cases import EXERCISES

    exercise = EXERCISES[function.__name__]

    @functools.wraps(function)
    def isolated(*args, **kwargs):
        dependencies = {dep: getattr(_reference(), dep) for dep in exercise.dependencies}
        with _injected(function, dependencies):
            return function(*args, **kwargs)

    return isolated


def _find_student_function(name, namespace):
    if name not in namespace:
        raise GradingError(f"{name} is not defined. Run the cell that defines it and make sure it has no errors.")
    function = inspect.unwrap(namespace[name]) if callable(namespace[name]) else namespace[name]
    if not callable(function):
        raise GradingError(f"{name} should be a function, but it is a {type(function).__name__}.")
    namespace[name] = function  # undo grade_on_its_own once its visible test has run
    return function


def _check_one_case(exercise, student, args, kwargs):
    """None if the student's output matches the reference on this case, else a message."""
    expected = exercise.reference(*copy.deepcopy(args), **copy.deepcopy(kwargs))
    given = copy.deepcopy((args, kwargs))
    try:
        actual = _call_student(exercise, student, *given)
    except GradingError as error:
        return "__stop__" + str(error)
    if _changed(given, (args, kwargs)):
        return (f"{exercise.name} changed one of its inputs in place. "
                "Return new arrays instead of modifying the ones you were given.")
    return _checks._difference(actual, expected, f"the output of {exercise.name}", *exercise.tolerance(args))


def _changed(after, before):
    """True if any array inside ``before`` differs from its counterpart in ``after``."""
    if isinstance(before, np.ndarray):
        return not (isinstance(after, np.ndarray) and after.shape == before.shape
                    and np.array_equal(after, before, equal_nan=True))
    if isinstance(before, dict):
        return set(after) != set(before) or any(_changed(after[k], before[k]) for k in before)
    if isinstance(before, (list, tuple)):
        return len(after) != len(before) or any(_changed(a, b) for a, b in zip(after, before))
    return False


def _call_student(exercise, student, args, kwargs):
    """Call the student's function with a time limit, reference dependencies and a watch on the reference."""
    dependencies = {dep: getattr(_reference(), dep) for dep in exercise.dependencies}
    allowed = {f.__code__ for f in dependencies.values()}
    with _injected(student, dependencies), _time_limit(SECONDS_PER_CALL, exercise.name), \
            _reference_calls(allowed) as calls:
        try:
            result = student(*args, **kwargs)
        except (_TimeUp, GradingError):
            raise
        except Exception as error:
            raise GradingError(
                f"{exercise.name} raised {type(error).__name__}: {error}\n{_student_traceback(error)}"
            ) from None
    if calls:
        raise GradingError(
            f"{exercise.name} calls the reference package (solutions.{calls[0]}) instead of "
            "implementing the exercise, so it earns no points. Write the function yourself."
        )
    return result


@contextlib.contextmanager
def _time_limit(seconds, name):
    def on_alarm(signum, frame):
        raise _TimeUp()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _TimeUp:
        raise GradingError(
            f"{name} did not return within {seconds} s on a small input. "
            "Look for a loop that never ends (a `while` whose condition never changes?)."
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _reference_calls(allowed_codes):
    """Record entries into the reference package made directly from non-reference code."""
    calls = []

    def profile(frame, event, arg):
        if event != "call":
            return
        code = frame.f_code
        if code.co_filename.startswith(REFERENCE_DIR) and code not in allowed_codes:
            caller = frame.f_back.f_code.co_filename if frame.f_back else ""
            if not caller.startswith(REFERENCE_DIR):  # the reference's calls to itself are fine
                calls.append(code.co_name)

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield calls
    finally:
        sys.setprofile(previous)


@contextlib.contextmanager
def _injected(student, dependencies):
    """Let the student's function see the reference versions of the exercises it builds on.

    Each exercise is graded on its own: a mistake in gd_step must not cost
    the points of run_gradient_descent, which calls it.
    """
    namespace = getattr(student, "__globals__", {})
    saved = {name: namespace[name] for name in dependencies if name in namespace}
    namespace.update(dependencies)
    try:
        yield
    finally:
        for name in dependencies:
            namespace.pop(name, None)
        namespace.update(saved)


def _reference():
    import solutions
    return solutions


def _student_traceback(error):
    """The traceback lines that belong to the student's code (never the harness's)."""
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if not f.filename.startswith((HARNESS_DIR, REFERENCE_DIR))]
    return "".join(traceback.format_list(frames)).rstrip()


def _describe_call(name, args, kwargs):
    parts = [_describe(a) for a in args] + [f"{k}={_describe(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"<{value.dtype} array of shape {value.shape}>"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_describe(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return f"<{type(value).__name__} of {len(value)} items>"
    if callable(value):
        return getattr(value, "description", "<a function>")
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value)
