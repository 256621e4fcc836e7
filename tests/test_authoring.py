"""Authors run the instructor's chapters as they are: `./run lab`, everything importable, no PYTHONPATH.

Every chapter run top to bottom that way: tests/test_chapters_run.py.
"""

import importlib.metadata
import os
import subprocess

import grading
import solutions
from scripts.course_tools import REPO


def test_the_reference_and_the_grader_are_installed_from_this_checkout():
    assert importlib.metadata.distribution("descent-course").version
    assert solutions.__file__.startswith(str(REPO)) and grading.__file__.startswith(str(REPO))
    assert "PYTHONPATH" not in os.environ


def test_run_lab_starts_jupyterlab_on_the_chapters():
    result = subprocess.run([str(REPO / "run"), "lab", "--version"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and result.stdout.strip()[:1].isdigit(), result.stderr
