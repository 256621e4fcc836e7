"""Judging a student's functions: points for the visible test and the hidden cases, and what to say.

Everything here runs in the grader, never in the student's process. A
student's function is reached only through a ``call(args, kwargs) ->
Outcome`` (remote.StudentProgram.call for a submission in its sandbox,
``InProcess`` for an author's own notebook), so what it returns is data,
compared here with the grader's own code:

- **hidden cases** (``judge_hidden``): the exercise's random cases
  (grading/cases/), each compared with the reference package's result on
  the same inputs; the hidden points are shared out over the cases. A case
  that hangs or ends the worker stops the exercise (the rest count as
  failed), so grading stays bounded.
- **the visible test** (``judge_visible``): the chapter's own visible test
  code (the instructor's copy), run here with the student's functions
  replaced by calls into their sandbox; it passes or fails as a whole.

What counts as right: the values, up to rounding. A function that also
changes its inputs in place earns the points (with a note why returning new
objects is safer), and a float64 result for float32 inputs is accepted when
it matches at float32 precision, except for the exercises whose point is
the dtype (``Exercise.exact_dtype``). When a wrong output matches a known
mistaken variant (grading/mistakes/), the feedback names the mistake.
Feedback never contains test code, reference code, file paths or long reprs.
"""

import contextlib
import copy
import importlib.util
import io
import signal
import sys
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .cells import without_hidden_tests
from .mistakes import mistakes_of
from .remote import MISSING, Outcome, StudentError

ROOT = Path(__file__).resolve().parents[1]
GRADING_DIR = str(Path(__file__).resolve().parent)
REFERENCE_DIR = str(ROOT / "solutions")
SECONDS_PER_CALL = 5
MISTAKE_CASES = 10         # failing cases on which each known mistake must agree with the student

# One comparison routine for visible and hidden tests: the student-facing one.
_spec = importlib.util.spec_from_file_location("_descent_checks", ROOT / "chapters" / "checks.py")
checks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(checks)

IN_PLACE_NOTE = checks.IN_PLACE_NOTE
FLOAT64_NOTE = ("A float64 value in the arithmetic turns float32 arrays into float64: a NumPy scalar "
                "such as np.power(beta1, t), or a float64 array such as np.eye(n), np.zeros(n) or "
                "np.where(Z > 0, 1.0, alpha). Python numbers alone (beta1 ** t, alpha * Z) keep float32.")


class GradingError(AssertionError):
    """A failed hidden test in an author's notebook. Rendered without a traceback, so no test code shows."""

    def _render_traceback_(self):
        return [f"GradingError: {line}" if i == 0 else line for i, line in enumerate(str(self).splitlines())]


@dataclass
class Verdict:
    """The points of one test cell and the text that explains them."""
    score: float
    max_score: float
    text: str
    stopped: str = ""   # why the cases stopped early (a call hung or ended the worker), if they did


# ------------------------------------------------------------------ hidden cases


def judge_hidden(exercise, call, points):
    """Run ``exercise``'s hidden cases through ``call`` and share ``points`` out over the right ones."""
    from .cases import Case

    name = exercise.name
    cases = [item if isinstance(item, Case) else Case(*item)
             for item in exercise.cases(np.random.default_rng(exercise.seed))]
    failures, modified, upcast, passed = [], [], 0, 0
    stop_reason = None
    for index, case in enumerate(cases):
        expected = case.expected if case.compare else _reference_result(exercise, case)
        outcome = call(case.args, case.kwargs)
        modified += outcome.modified
        if outcome.error:
            failures.append((case, f"{name} {outcome.error}", outcome))
            if outcome.stop:
                stop_reason = outcome.error
                break
            continue
        if case.compare:
            problem = case.compare(outcome.value, expected)
        else:
            problem = compare(outcome.value, expected, exercise, (case.args, case.kwargs))
            upcast += problem is None and _upcast(outcome.value, expected)
        if problem:
            failures.append((case, problem, outcome))
        else:
            passed += 1
    score = round(points * passed / len(cases), 2)
    text = _hidden_text(exercise, cases, passed, score, points, failures, stop_reason)
    notes = []
    if modified:
        notes.append(f"Note: {name} changed {_names(modified)} in place. {IN_PLACE_NOTE}")
    if upcast:
        notes.append(f"Note: for float32 inputs {name} returned float64 values; they match at float32 "
                     f"precision, so they earn the points. {FLOAT64_NOTE}")
    stopped = f"{name} {stop_reason}" if stop_reason and not stop_reason.startswith(MISSING) else ""
    return Verdict(score, points, "\n".join([text] + notes), stopped=stopped)


def compare(actual, expected, exercise, inputs):
    """None if ``actual`` is the reference's ``expected`` up to rounding, else a sentence.

    ``inputs`` are the case's (args, kwargs): their precision sets the tolerance.
    """
    rtol, atol = exercise.tolerance(inputs)
    return checks._difference(actual, expected, f"the output of {exercise.name}", rtol, atol, exercise.exact_dtype,
                              exercise.precision(inputs))


def _reference_result(exercise, case):
    return exercise.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))


def _hidden_text(exercise, cases, passed, score, points, failures, stop_reason):
    """The verdict, leading with what is wrong in one sentence."""
    name, total = exercise.name, len(cases)
    tally = f"{_points(score)} of {_points(points)} points"
    if not failures:
        return f"{name}: all {total} hidden test cases match the reference ({tally})."
    case, problem, outcome = failures[0]
    errors = {f[2].error for f in failures}
    if passed == 0 and len(errors) == 1 and outcome.error:   # the same error on every case it ran
        lines = [f"{name} {outcome.error.splitlines()[0]} ({tally})."] + outcome.error.splitlines()[1:]
        if stop_reason and len(failures) < total:
            lines.append(f"The other {total - len(failures)} cases were not run.")
        return "\n".join(lines)
    mistake = _known_mistake(exercise, failures)
    summary = f"{name} is wrong on {total - passed} of {total} hidden test cases ({tally})"
    summary += f": it looks like {mistake}." if mistake else "."
    lines = [summary, f"First failing case: {case.what or describe_call(name, case.args, case.kwargs)}",
             f"  {_indent(problem)}"]
    if stop_reason:
        skipped = total - passed - len(failures)
        lines.append(f"{skipped} further case{'s were' if skipped != 1 else ' was'} not run: "
                     f"{name} {stop_reason}.")
    return "\n".join(lines)


def _known_mistake(exercise, failures):
    """The description of the first known mistake whose outputs the student's match, if any.

    A mistake is named only if its output equals the student's on every failing case tried
    (at least one): two slips can agree on one input (an integer division and a missing 1/2
    both give 1 at the middle of a cosine), rarely on several.
    """
    tried = [f for f in failures if not f[2].error and not f[0].compare][:MISTAKE_CASES]
    for implementation, description in mistakes_of(exercise.name):
        verdicts = [_agrees(implementation, case, outcome, exercise) for case, _, outcome in tried]
        if True in verdicts and False not in verdicts:
            return description
    return None


def _agrees(implementation, case, outcome, exercise):
    """True if the mistaken ``implementation`` gives the student's output on ``case``, False if not,
    None if it does not apply to that input (it raised)."""
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wrong = implementation(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
    except Exception:  # a variant may not apply to every input
        return None
    return compare(outcome.value, wrong, exercise, (case.args, case.kwargs)) is None


def _upcast(actual, expected):
    """True if somewhere a float32 array was expected and a float64 array came back."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        return any(_upcast(actual.get(k), v) for k, v in expected.items())
    if isinstance(expected, (list, tuple)) and isinstance(actual, (list, tuple)):
        return any(_upcast(a, e) for a, e in zip(actual, expected))
    return (isinstance(expected, np.ndarray) and isinstance(actual, np.ndarray)
            and expected.dtype == np.float32 and actual.dtype == np.float64)


def _names(paths):
    distinct = list(dict.fromkeys(paths))
    shown = ", ".join(distinct[:3])
    return shown + (f" and {len(distinct) - 3} more" if len(distinct) > 3 else "")


def _points(x):
    return f"{x:g}"


def _indent(text):
    return text.replace("\n", "\n  ")


# ------------------------------------------------------------------ the visible test


class ExerciseProxy:
    """Stands for a student's function in the grader's run of a visible test: calls go to their sandbox."""

    def __init__(self, name, call, notes):
        self.name, self._call, self._notes = name, call, notes
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        outcome = self._call(args, kwargs)
        for path in outcome.modified:
            self._notes.setdefault(self.name, []).append(path)
        if outcome.error:
            raise StudentError(f"{self.name} {outcome.error}")
        return outcome.value


def judge_visible(name, test_source, setup_namespace, calls, points):
    """Run the visible test ``test_source`` with the student's functions; all ``points`` or none.

    ``setup_namespace`` holds what the chapter's setup cell defines (in the
    grader); ``calls`` maps every exercise name the test may call to its
    ``call``. What the test prints becomes the feedback.
    """
    namespace = dict(setup_namespace)
    notes = {}
    namespace.update({n: ExerciseProxy(n, call, notes) for n, call in calls.items()})
    printed = io.StringIO()
    problem = None
    with contextlib.redirect_stdout(printed), np.errstate(all="ignore"):
        try:
            exec(compile(without_hidden_tests(test_source), "<visible test>", "exec"), namespace)
        except (AssertionError, StudentError) as error:
            problem = str(error)
        except Exception as error:  # the test could not use what the function returned
            problem = f"the visible test of {name} stopped: {type(error).__name__}: {_short(error)}"
    lines = [line for line in printed.getvalue().splitlines() if line.strip()][-20:]
    score = 0.0 if problem else float(points)
    if problem:
        lines.append(problem)
    lines.append(f"Visible test of {name}: {'passed' if not problem else 'failed'} "
                 f"({_points(score)} of {_points(points)} point{'s' if points != 1 else ''}).")
    for function, paths in notes.items():
        lines.append(f"Note: {function} changed {_names(paths)} in place. {IN_PLACE_NOTE}")
    return Verdict(score, float(points), "\n".join(lines))


def setup_namespace(setup_source, helper_dir):
    """Run a chapter's setup cell in the grader, importing the helper modules from ``helper_dir``."""
    from .worker import LazyPyplot

    LazyPyplot.install()  # the grader never draws: pyplot is not loaded for the setup cell's import
    namespace = {"__name__": "__main__"}
    sys.path.insert(0, str(helper_dir))
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(setup_source, "<setup>", "exec"), namespace)
    finally:
        sys.path.remove(str(helper_dir))
    return namespace


# ------------------------------------------------------------------ describing inputs


def describe_call(name, args, kwargs):
    parts = [_describe(a) for a in args] + [f"{k}={_describe(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"<{value.dtype} array of shape {value.shape}>"
    if isinstance(value, dict):
        dtypes = {v.dtype for v in value.values() if isinstance(v, np.ndarray)}
        if value and len(dtypes) == 1 and all(isinstance(v, np.ndarray) for v in value.values()):
            shapes = ", ".join(f"{k} {v.shape}" for k, v in value.items())
            return f"{{{shapes}: {dtypes.pop()} arrays}}"
        return "{" + ", ".join(f"{k!r}: {_describe(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return f"<{type(value).__name__} of {len(value)} item{'s' if len(value) != 1 else ''}>"
    if isinstance(value, np.random.Generator):
        return "<a np.random.Generator>"
    if callable(value):
        return getattr(value, "description", "<a function>")
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    if isinstance(value, np.integer):
        return str(int(value))
    return _short(repr(value), 60)


def _short(text, limit=300):
    text = str(text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


# ------------------------------------------------------------------ an author's own notebook


class InProcess:
    """Calls functions of a notebook namespace directly (an author's own, trusted notebook).

    Inputs are deep-copied (so in-place changes are seen and do not leak
    into the next case), a call is stopped after ``seconds`` by an alarm,
    and the exercises a function builds on are the reference's while it runs.
    """

    def __init__(self, namespace):
        self.namespace = namespace

    def caller(self, name, inject=None, seconds=SECONDS_PER_CALL):
        def call(args, kwargs):
            return self.call(name, args, kwargs, inject or {}, seconds)
        return call

    def call(self, name, args, kwargs, inject, seconds):
        from .worker import _changed, _injected, _snapshot

        function = self.namespace.get(name)
        if function is None:
            return Outcome(error=MISSING + ".", stop=True)
        if not callable(function):
            return Outcome(error=f"should be a function, but it is a {type(function).__name__}", stop=True)
        args, kwargs = copy.deepcopy((tuple(args), dict(kwargs)))
        before = _snapshot((args, kwargs))
        try:
            with _alarm(seconds), _injected(function, inject), np.errstate(all="ignore"), \
                    warnings.catch_warnings():
                warnings.simplefilter("ignore")
                value = function(*args, **kwargs)
        except _TimeUp:
            return Outcome(error=f"did not finish within {seconds:g} s", stop=True)
        except Exception as error:
            frames = [f for f in traceback.extract_tb(error.__traceback__)
                      if not f.filename.startswith((GRADING_DIR, REFERENCE_DIR))][-3:]
            lines = [f"    line {f.lineno}, in {f.name}: {(f.line or '').strip()}" for f in frames]
            text = f"raised {type(error).__name__}: {_short(error)}"
            return Outcome(error="\n".join([text] + lines), error_type=type(error).__name__)
        return Outcome(value=value, modified=_changed(function, before, (args, kwargs)))


class _TimeUp(BaseException):
    """Raised by the alarm; a BaseException so that `except Exception` in the function cannot swallow it."""


@contextlib.contextmanager
def _alarm(seconds):
    def on_alarm(signum, frame):
        raise _TimeUp()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def reference_functions(names):
    """{name: the reference function} for the exercises an exercise builds on."""
    import solutions
    return {name: getattr(solutions, name) for name in names}


def grade(name, namespace=None, points=3):
    """Run the hidden cases of ``name`` on the function of that name in this notebook (for authors).

    Prints the verdict; raises ``GradingError`` unless every case passes.
    Submitted notebooks are not graded this way: nbgrader grades them in a
    sandbox, outside their kernel (autograder/course_preprocessors.py).
    """
    from .cases import EXERCISES

    namespace = namespace if namespace is not None else sys._getframe(1).f_globals
    exercise = EXERCISES[name]
    call = InProcess(namespace).caller(name, reference_functions(exercise.dependencies))
    verdict = judge_hidden(exercise, call, points)
    if verdict.score < verdict.max_score:
        raise GradingError(verdict.text)
    print(verdict.text)
