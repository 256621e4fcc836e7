"""Helpers for tests that look inside the chapter notebooks."""

import contextlib
import io
import sys
from pathlib import Path

import nbformat

from grading import cells

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"


def chapter_notebooks():
    """Paths of all chapter notebooks, in order."""
    return sorted(CHAPTERS.glob("[0-9][0-9]_*.ipynb"))


def read_chapter(name):
    return nbformat.read(CHAPTERS / f"{name}.ipynb", as_version=4)


def cell_by_grade_id(nb, grade_id):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return cell
    raise KeyError(f"no cell with grade_id {grade_id!r}")


def without_hidden_tests(source):
    """The cell as a student sees it: hidden-test regions removed (the grader's and the site build's routine)."""
    return cells.without_hidden_tests(source)


def run_visible_test(chapter, function_name, implementation):
    """Run a chapter's visible test cell for ``function_name`` against ``implementation``.

    Executes the chapter's setup cell, binds ``implementation`` to the
    exercise's name and runs the visible test cell (hidden regions removed),
    as a student's kernel would. Returns what the cell printed; lets the
    cell's AssertionError propagate.
    """
    nb = read_chapter(chapter)
    namespace = {"__name__": "__main__"}
    sys.path.insert(0, str(CHAPTERS))
    try:
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(cell_by_grade_id(nb, "setup").source, namespace)
            namespace[function_name] = implementation
            exec(without_hidden_tests(cell_by_grade_id(nb, f"test_{function_name}").source), namespace)
        return output.getvalue()
    finally:
        sys.path.remove(str(CHAPTERS))
