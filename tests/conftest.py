"""Fixtures shared by several test files."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

# One BLAS thread in every kernel the tests start, as in the grader's sandbox: two kernels side by
# side with a thread per core each spin against each other (a chapter took 89 s instead of 8).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

from class_grading import grade_every_chapter  # noqa: E402
from scripts.course_tools import chapters  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """html(root): the site of a course root, built once per session (its _build/html folder)."""
    builds = {}

    def html(root):
        if root not in builds:
            out = tmp_path_factory.mktemp(f"site-{root.name}")
            result = subprocess.run(
                [sys.executable, str(REPO / "scripts" / "build_site.py"), "--root", str(root),
                 "--out", str(out)],
                capture_output=True, text=True, timeout=600)
            (out / "build.log").write_text(result.stdout + result.stderr)
            builds[root] = (out / "_build" / "html", result)
        folder, result = builds[root]
        if result.returncode != 0:
            pytest.fail(f"site build failed:\n{result.stdout[-5000:]}\n{result.stderr[-5000:]}")
        return folder

    return html


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """Every chapter released, a class of submissions graded, feedback and grades exported.

    Also, under the key "hostile", the hostile class of tests/test_hostile.py, and under
    "gradescope-<chapter>" the Gradescope bundle runs of tests/test_gradescope.py: they run in
    the same pool, as they spend much of their time waiting out time limits or starting up.
    """
    from test_gradescope import run_on_gradescope
    from test_hostile import grade_hostile_class
    also = {"hostile": grade_hostile_class}
    also.update({f"gradescope-{chapter}": (lambda root, chapter=chapter: run_on_gradescope(root, chapter))
                 for chapter in chapters()})
    return grade_every_chapter(tmp_path_factory.mktemp("courses"), also=also)
