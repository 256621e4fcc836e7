"""Authors run the instructor's chapters as they are: `./run lab`, everything importable, no PYTHONPATH."""

import importlib.metadata
import os
import subprocess

import nbformat
from nbclient import NotebookClient

import grading
import solutions
from scripts.course_tools import REPO


def test_the_reference_and_the_grader_are_installed_from_this_checkout():
    assert importlib.metadata.distribution("descent-course").version
    assert solutions.__file__.startswith(str(REPO)) and grading.__file__.startswith(str(REPO))
    assert "PYTHONPATH" not in os.environ


def test_a_chapter_runs_top_to_bottom_with_its_hidden_tests_and_no_environment_variable():
    nb = nbformat.read(REPO / "chapters" / "04_adagrad_rmsprop.ipynb", as_version=4)
    bare = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(REPO / "chapters")}})
    client.execute(env=bare, cwd=str(REPO / "chapters"))
    hidden = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("hidden_")]
    assert len(hidden) == 3
    for cell in hidden:
        printed = "".join(o.get("text", "") for o in cell.outputs)
        assert "hidden test cases match the reference (3 of 3 points)" in printed, printed


def test_run_lab_starts_jupyterlab_on_the_chapters():
    result = subprocess.run([str(REPO / "run"), "lab", "--version"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and result.stdout.strip()[:1].isdigit(), result.stderr
