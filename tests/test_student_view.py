"""A student's machine: the released notebook in an empty folder, no reference package anywhere.

The release is the one the end-to-end grading made with nbgrader, exactly
as an instructor makes it. Run
untouched, every failure must be the stub's NotImplementedError (nothing
imports the reference package or the harness); with the exercises filled
in, every cell, visible tests included, runs clean.
"""

import os
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from scripts.course_tools import chapters, submission

STUDENT_ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NBGRADER_EXECUTION")}


def run_as_student(folder, nb):
    """Execute ``nb`` in ``folder`` with a kernel that cannot see the repository."""
    client = NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    client.execute(env=STUDENT_ENV, cwd=str(folder))
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]


def student_folder(graded, chapter, tmp_path):
    """The released files, as the instructor hands them out (the release of the grading run)."""
    folder = tmp_path / chapter
    shutil.copytree(graded[chapter]["autograder"] / "release" / chapter, folder)
    return folder


@pytest.mark.parametrize("chapter", chapters())
def test_untouched_release_fails_only_with_the_stubs(graded, chapter, tmp_path):
    folder = student_folder(graded, chapter, tmp_path)
    nb = nbformat.read(folder / f"{chapter}.ipynb", as_version=4)
    errors = run_as_student(folder, nb)
    assert errors, "the stubs should raise NotImplementedError"
    assert {e.ename for e in errors} == {"NotImplementedError"}, [(e.ename, e.evalue) for e in errors]


@pytest.mark.parametrize("chapter", chapters())
def test_solved_release_runs_clean_without_the_reference(graded, chapter, tmp_path):
    folder = student_folder(graded, chapter, tmp_path)
    release = nbformat.read(folder / f"{chapter}.ipynb", as_version=4)
    source = nbformat.read(graded[chapter]["autograder"] / "source" / chapter / f"{chapter}.ipynb", as_version=4)
    nb = submission(release, source)
    probe = nbformat.v4.new_code_cell(
        "import importlib.util\n"
        "assert importlib.util.find_spec('solutions') is None and importlib.util.find_spec('grading') is None")
    nb.cells.insert(0, probe)
    errors = run_as_student(folder, nb)
    assert not errors, [(e.ename, e.evalue) for e in errors]
    outputs = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert outputs.count(": OK (relative error") >= 3
