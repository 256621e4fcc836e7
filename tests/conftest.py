"""Fixtures shared by several test files."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.course_tools import ONE_BLAS_THREAD, chapters

# In every kernel and process the tests start, and in this one (before NumPy is imported).
for _variable, _value in ONE_BLAS_THREAD.items():
    os.environ.setdefault(_variable, _value)

from class_grading import grade_every_chapter  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


class SiteBuilds:
    """The site of a course root, built once per session: ``builds(root)`` is its _build/html folder.

    ``start(root)`` begins a build in the background, to be waited for when a
    test first asks for that site.
    """

    def __init__(self, tmp_path_factory):
        self.tmp_path_factory = tmp_path_factory
        self.running = {}   # root -> (the build's output folder, its process)
        self.done = {}      # root -> (its _build/html folder, return code, log)

    def start(self, root):
        if root in self.running or root in self.done:
            return
        out = self.tmp_path_factory.mktemp(f"site-{root.name}")
        log = open(out / "build.log", "w")
        process = subprocess.Popen(
            [sys.executable, str(REPO / "scripts" / "build_site.py"), "--root", str(root), "--out", str(out)],
            stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.running[root] = (out, process)

    def __call__(self, root):
        if root not in self.done:
            self.start(root)
            out, process = self.running.pop(root)
            try:
                code = process.wait(timeout=600)
            except subprocess.TimeoutExpired:
                process.kill()
                code = process.wait()
            self.done[root] = (out / "_build" / "html", code, (out / "build.log").read_text())
        folder, code, log = self.done[root]
        if code != 0:
            pytest.fail(f"site build failed:\n{log[-10000:]}")
        return folder

    def stop(self):
        for _, process in self.running.values():
            process.kill()
            process.wait()


def pytest_collection_modifyitems(items):
    """The test files that read a built site run last, after the chapter notebooks.

    The course's site is built in the background once the class grading is
    done (``graded``); the tests in between (one core busy, most of them)
    then overlap with the build instead of waiting for it. Whole files move,
    in their order, so that their module fixtures are set up once.
    """
    def needs(item, name):
        return name in getattr(item, "fixturenames", ())
    # (``graded`` starts the build, so its tests are not among them: they come first)
    reads_site = {item.path for item in items if needs(item, "built_site") and not needs(item, "graded")}
    items[:] = [item for item in items if item.path not in reads_site] + \
               [item for item in items if item.path in reads_site]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """builds(root): the site of a course root, built once per session (its _build/html folder)."""
    builds = SiteBuilds(tmp_path_factory)
    yield builds
    builds.stop()


@pytest.fixture(scope="session")
def graded(request, tmp_path_factory, built_site):
    """Every chapter released, a class of submissions graded, feedback and grades exported.

    Also, under the key "hostile", the hostile class of tests/test_hostile.py, and under
    "gradescope-<chapter>" the Gradescope bundle runs of tests/test_gradescope.py: they run in
    the same pool, as they spend much of their time waiting out time limits or starting up.
    Once they are done, the course's site starts building in the background, if a test of the
    session needs it: the tests that come next keep one core busy, the build the other.
    """
    from test_gradescope import run_on_gradescope
    from test_hostile import grade_hostile_class
    also = {"hostile": grade_hostile_class}
    also.update({f"gradescope-{chapter}": (lambda root, chapter=chapter: run_on_gradescope(root, chapter))
                 for chapter in chapters()})
    results = grade_every_chapter(tmp_path_factory.mktemp("courses"), also=also)
    if any("built_site" in getattr(item, "fixturenames", ()) for item in request.session.items):
        built_site.start(REPO)
    return results
