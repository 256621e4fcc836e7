"""The visible tests pass the reference, and catch and name every mistake they list.

Each chapter has a module tests/mistakes_<chapter>.py with the reference
implementations (REFERENCES) and mistaken variants written independently of
the notebook (MISTAKES: exercise, implementation, the description the
visible test must print). This proves the visible tests can fail, and that
their messages say what is wrong.
"""

import ast
import importlib
from pathlib import Path

import pytest

from nbtools import cell_by_grade_id, chapter_notebooks, read_chapter, run_visible_test, without_hidden_tests
from scripts.course_tools import exercises

MODULES = [importlib.import_module(p.stem) for p in sorted(Path(__file__).parent.glob("mistakes_*.py"))]
REFERENCES = [(m.CHAPTER, name, impl) for m in MODULES for name, impl in m.REFERENCES.items()]
MISTAKES = [(m.CHAPTER, name, impl, description) for m in MODULES for name, impl, description in m.MISTAKES]


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
    with pytest.raises(AssertionError) as failure:
        run_visible_test(chapter, name, implementation)
    assert description in str(failure.value)


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
