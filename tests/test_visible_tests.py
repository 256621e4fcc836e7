"""The visible tests pass the reference, catch and name every mistake they list, and accept other styles.

Each chapter has a module grading/mistakes/chNN.py with the reference
implementations (REFERENCES), mistaken variants written independently of
the notebook (MISTAKES: exercise, implementation, the description the
visible test must print) and correct variants in another style (ACCEPTED:
updating the inputs in place; the visible test must pass and print a note).
This proves the visible tests can fail, that their messages say what is
wrong, and that they are fair to correct code.
"""

import ast
import copy
import importlib.util
import warnings

import numpy as np
import pytest

from grading.mistakes import MODULES
from grading.wire import Unsupported
from nbtools import CHAPTERS, cell_by_grade_id, chapter_notebooks, read_chapter, run_visible_test, without_hidden_tests
from scripts.course_tools import exercises

REFERENCES = [(m.CHAPTER, name, impl) for m in MODULES for name, impl in m.REFERENCES.items()]
MISTAKES = [(m.CHAPTER, name, impl, description) for m in MODULES for name, impl, description in m.MISTAKES]
ACCEPTED = [(m.CHAPTER, name, impl, words) for m in MODULES for name, impl, words in m.ACCEPTED]


def test_every_chapter_has_a_mistakes_module_covering_all_its_exercises():
    assert sorted(m.CHAPTER for m in MODULES) == [p.stem for p in chapter_notebooks()]
    for module in MODULES:
        assert set(module.REFERENCES) == {name for name, _ in exercises(read_chapter(module.CHAPTER))}


@pytest.mark.parametrize("chapter, name, implementation", REFERENCES, ids=[f"{c}-{n}" for c, n, _ in REFERENCES])
def test_reference_passes_visible_test(chapter, name, implementation):
    output = run_visible_test(chapter, name, implementation)
    lines = output.strip().splitlines()
    assert lines, "the visible test printed nothing"
    assert all(": OK (relative error" in line for line in lines), output


@pytest.mark.parametrize("chapter, name, implementation, description", MISTAKES,
                         ids=[f"{c}-{i.__name__}" for c, _, i, _ in MISTAKES])
def test_visible_test_names_the_mistake(chapter, name, implementation, description):
    # (a NumPy warning from the checks themselves would show in the student's notebook)
    with pytest.raises(AssertionError) as failure, warnings.catch_warnings():
        warnings.filterwarnings("error", module="checks")
        run_visible_test(chapter, name, implementation)
    assert description in str(failure.value)


def load_checks():
    spec = importlib.util.spec_from_file_location("checks", CHAPTERS / "checks.py")
    checks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(checks)
    return checks


@pytest.mark.parametrize("actual, expected, name, message", [
    # After a description, an item is counted from 1 in words; [1] would read as part of the text.
    ((1.0, 1.0, 0.0), (1.0, 0.5, 0.0), "f at steps 0, 50, 100",
     "f at steps 0, 50, 100 (value 2 of 3) is wrong: got 1.0, expected 0.5 (relative error 3.3e-01)."),
    # After an expression, Python's own indexing.
    ((0.2, 0.5), (0.25, 0.5), "(f(1), f(2))", "(f(1), f(2))[0] is wrong: got 0.2, expected 0.25 "),
    (0.0, 0.3, "f(0)", "got 0.0, expected 0.3"),                       # 0.0, not 0
    (0.5, -0.0, "f(0)", "got 0.5, expected 0.0 "),                     # 0.0, not -0.0
    (np.array([0.3]), 0.3, "f(0)", "f(0) has shape (1,), expected () (a single number)."),
    ({"W": np.array([[1.0, 2.0], [3.0, 5.0]])}, {"W": np.array([[1.0, 2.0], [3.0, 4.0]])}, "p",
     "p['W'] is wrong: largest relative error 1.1e-01. First difference at index [1, 1]: got 5.0, expected 4.0."),
    ("0.5", 0.5, "f(1)", "f(1) should be a number or an array of numbers, got str"),
    # What the grader got instead of a value of the student's own class: that class's name.
    (Unsupported("Anything"), 1.0, "f(1)", "f(1) should be a number or an array of numbers, got Anything."),
    # A float where an index or a count is expected.
    ((3.0, 5), (3, 5), "early_stopping(losses, 2)",
     "early_stopping(losses, 2)[0] is the float 3.0; return the integer 3 (an int)."),
    # A boolean mask where numbers are expected: the sentence says how to convert it.
    (np.array([True, False]), np.array([1.0, 0.0]), "mask",
     "mask holds booleans (True/False), expected numbers: convert it with .astype"),
    # A float32 number for float64 inputs is refused as a float32 array is, whatever its digits.
    (np.float32(0.125), 0.125, "f(1)", "f(1) has dtype float32, expected float64"),
])
def test_check_close_says_which_value_differs(actual, expected, name, message):
    with pytest.raises(AssertionError) as failure:
        load_checks().check_close(actual, expected, name=name)
    assert message in str(failure.value)


@pytest.mark.parametrize("x, y, expected", [
    (1.0, 1.0, 0.0), (np.inf, np.inf, 0.0), (np.nan, np.nan, 0.0),
    (3.0, 1.0, 0.5),              # |3 - 1| / (3 + 1)
    (np.inf, 5.0, 1.0), (-np.inf, np.inf, 1.0), (np.nan, 2.0, 1.0),
    ([0.0, 1e-10], [0.0, 0.0], 1e-2),   # the 1e-8 floor of the denominator
])
def test_rel_error_of_equal_infinite_and_nan_entries(x, y, expected):
    checks = load_checks()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert checks.rel_error(x, y) == pytest.approx(expected)


@pytest.mark.parametrize("chapter, name, implementation, words", ACCEPTED,
                         ids=[f"{c}-{i.__name__}" for c, _, i, _ in ACCEPTED])
def test_visible_test_accepts_a_correct_function_that_updates_its_inputs(chapter, name, implementation, words):
    output = run_visible_test(chapter, name, implementation)
    assert f"Note: {words}" in output and "still earns the points" in output, output
    assert all(": OK (relative error" in line or line.startswith("Note:") for line in output.strip().splitlines())


def trashing_its_inputs(function):
    """``function``, but after computing its result it overwrites every float array it was given.

    A correct function that updates its inputs in place is fair game; a
    visible test that uses an input again after a call would fail it.
    """
    def trash(value):
        if isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.flags.writeable:
            value[...] = 1e9 + 1
        elif isinstance(value, dict):
            for item in value.values():
                trash(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                trash(item)

    def trashing(*args, **kwargs):
        result = function(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        trash((args, kwargs))
        return result

    trashing.__name__ = function.__name__
    return trashing


@pytest.mark.parametrize("chapter, name, implementation", REFERENCES, ids=[f"{c}-{n}" for c, n, _ in REFERENCES])
def test_visible_test_never_uses_an_input_again_after_a_call(chapter, name, implementation):
    output = run_visible_test(chapter, name, trashing_its_inputs(implementation))
    assert all(": OK (relative error" in line or line.startswith("Note:") for line in output.strip().splitlines())


def test_some_accepted_variants_exist():
    assert len(ACCEPTED) >= 5  # the in-place styles of the update rules and dict functions


def listed_mistakes(chapter, name):
    """The descriptions in the `mistakes` dicts of an exercise's visible test cell."""
    source = without_hidden_tests(cell_by_grade_id(read_chapter(chapter), f"test_{name}").source)
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "check_close":
            for keyword in node.keywords:
                if keyword.arg == "mistakes":
                    found.update(ast.literal_eval(key) for key in keyword.value.keys)
    return found


@pytest.mark.parametrize("chapter, name, implementation", REFERENCES, ids=[f"{c}-{n}" for c, n, _ in REFERENCES])
def test_every_listed_mistake_is_exercised(chapter, name, implementation):
    listed = listed_mistakes(chapter, name)
    assert len(listed) >= 2, f"{name}: the visible test should name at least two likely mistakes"
    covered = {description for c, exercise, _, description in MISTAKES if (c, exercise) == (chapter, name)}
    assert listed <= covered, f"mistakes listed in the notebook but not tested: {listed - covered}"



# ------------------------------------------------ check_earlier_exercises

def _carried_over_names():
    """{function: chapter it comes from} for every function a chapter's carried-over cell defines."""
    names = {}
    for path in chapter_notebooks():
        cell = next((c for c in read_chapter(path.stem).cells
                     if c.metadata.get("nbgrader", {}).get("grade_id") == "carried_over"), None)
        for node in ast.parse(cell.source).body if cell else []:
            if isinstance(node, ast.FunctionDef):
                names[node.name] = next(int(p.stem[:2]) for p in chapter_notebooks()
                                        if any(c.metadata.get("nbgrader", {}).get("grade_id") == f"test_{node.name}"
                                               for c in read_chapter(p.stem).cells))
    return names


CARRIED_OVER = _carried_over_names()


def _close(actual, expected):
    if isinstance(expected, dict):
        return isinstance(actual, dict) and actual.keys() == expected.keys() and \
            all(_close(actual[k], expected[k]) for k in expected)
    if isinstance(expected, tuple):
        return isinstance(actual, tuple) and len(actual) == len(expected) and \
            all(_close(a, e) for a, e in zip(actual, expected))
    return np.allclose(actual, expected, rtol=1e-7, atol=1e-12)   # the visible tests' tolerance


@pytest.mark.parametrize("name", sorted(CARRIED_OVER))
def test_each_earlier_example_is_the_references_answer_from_its_own_chapter(name):
    import checks
    import solutions
    chapter, call, args, expected, *keywords = checks._earlier_example(name)
    assert chapter == CARRIED_OVER[name] and call.startswith(f"{name}(")
    # The hand-written expected values against the reference, the single source of truth.
    assert _close(getattr(solutions, name)(*args, **(keywords[0] if keywords else {})), expected)


def test_check_earlier_exercises_is_quiet_about_correct_functions(capsys):
    import checks
    import solutions
    checks.check_earlier_exercises({n: getattr(solutions, n) for n in CARRIED_OVER}, *sorted(CARRIED_OVER))
    out, err = capsys.readouterr()
    assert err == "" and out.count(": OK (relative error") == len(CARRIED_OVER)


def _not_pasted(*args, **kwargs):
    raise NotImplementedError()


def test_check_earlier_exercises_names_every_function_that_needs_fixing(capsys):
    import checks
    import solutions
    namespace = {"gd_step": lambda w, g, lr: w + lr * g,         # the wrong sign
                 "adam_step": _not_pasted,                       # the release's stub
                 "initialize_adam": lambda parameters: {},       # one dict, not two
                 "cosine_decay": lambda *args: 1 / 0,            # raises
                 "momentum_step": solutions.momentum_step}       # right; rmsprop_step is missing
    checks.check_earlier_exercises(namespace, "gd_step", "adam_step", "initialize_adam", "cosine_decay",
                                   "momentum_step", "rmsprop_step")
    out, err = capsys.readouterr()
    assert out == "momentum_step(w, g, v, 0.1): OK (relative error 1.4e-16)\n"
    assert err == (
        "5 of the 6 functions from earlier chapters need fixing before the experiments can use them:\n"
        "- gd_step(w, g, 0.1) is wrong: largest relative error 8.0e-01. First difference at index [0]: got 1.05, "
        "expected 0.95. (Your version from chapter 1, in the cell above.)\n"
        "- adam_step still raises NotImplementedError: paste your version from chapter 5 into the cell above.\n"
        "- initialize_adam(parameters) should be a tuple of 2 items, got dict. (Your version from chapter 5, "
        "in the cell above.)\n"
        "- cosine_decay (chapter 6) raised ZeroDivisionError: division by zero\n"
        "- rmsprop_step is not defined: paste your version from chapter 4 into the cell above and run it.\n")


def test_check_earlier_exercises_of_one_function(capsys):
    import checks
    checks.check_earlier_exercises({"gd_step": _not_pasted}, "gd_step")
    assert capsys.readouterr().err == (
        "The function from an earlier chapter needs fixing before the experiments can use it:\n"
        "- gd_step still raises NotImplementedError: paste your version from chapter 1 into the cell above.\n")
