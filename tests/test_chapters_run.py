"""Every chapter notebook runs top to bottom as its author runs it: no cell raises, every hidden test passes.

The runs (tests/run_chapters.py) happen in the background, started once the
class grading is done (tests/conftest.py), with no environment variable but
PATH and HOME: `solutions` and `grading` are installed into the venv, so the
hidden-test cells find them as in `./run lab`.
"""

import pytest

from nbtools import chapter_notebooks

CHAPTERS = [path.stem for path in chapter_notebooks()]


def _printed(cell):
    return "".join(output.get("text", "") for output in cell.get("outputs", []))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_cell_runs_without_an_error(chapter, chapter_runs):
    nb, status = chapter_runs(chapter)
    assert status["error"] is None, f"{chapter}: the run stopped: {status['error']}"
    errors = [f"cell {index}: {output.ename}: {output.evalue}" for index, cell in enumerate(nb.cells)
              for output in cell.get("outputs", []) if output.output_type == "error"]
    assert not errors, f"{chapter}: " + "; ".join(errors)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_hidden_test_cell_passes_with_the_instructors_solutions(chapter, chapter_runs):
    nb, _ = chapter_runs(chapter)
    hidden = [cell for cell in nb.cells
              if cell.metadata.get("nbgrader", {}).get("grade_id", "").startswith("hidden_")]
    assert len(hidden) >= 3
    for cell in hidden:
        name = cell.metadata.nbgrader.grade_id[len("hidden_"):]
        assert f"{name}: all " in _printed(cell) and "hidden test cases match the reference (3 of 3 points)." \
            in _printed(cell), f"{chapter}, {name}: {_printed(cell)!r}"
