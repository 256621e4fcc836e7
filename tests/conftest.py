"""Fixtures shared by several test files."""

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
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


class ChapterRuns:
    """The chapter notebooks run top to bottom by tests/run_chapters.py, once per session, in the
    background: ``runs(chapter)`` waits for them and gives (executed notebook, status).

    ``start()`` begins them; the class grading does, once it is done, so that they
    fill the cores the tests after it leave idle.
    """

    def __init__(self, tmp_path_factory):
        self.out = tmp_path_factory.mktemp("chapter-runs")
        self.process = None
        self.code = None

    def start(self):
        if self.process is None:
            log = open(self.out / "run.log", "w")
            self.process = subprocess.Popen([sys.executable, str(REPO / "tests" / "run_chapters.py"),
                                             "--out", str(self.out)], stdout=log, stderr=subprocess.STDOUT)
            log.close()

    def __call__(self, chapter):
        self.start()
        if self.code is None:
            try:
                self.code = self.process.wait(timeout=1800)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.code = self.process.wait()
        status = self.out / f"{chapter}.json"
        if not status.exists():
            pytest.fail(f"{chapter} was not run:\n{(self.out / 'run.log').read_text()[-5000:]}")
        return nbformat.read(self.out / f"{chapter}.ipynb", as_version=4), json.loads(status.read_text())

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


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
    # The chapter runs, started at the same time, are read last of all.
    reads_runs = {item.path for item in items if needs(item, "chapter_runs") and not needs(item, "graded")}
    late = reads_site | reads_runs
    items[:] = [item for item in items if item.path not in late] + \
               [item for item in items if item.path in reads_site - reads_runs] + \
               [item for item in items if item.path in reads_runs]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """builds(root): the site of a course root, built once per session (its _build/html folder)."""
    builds = SiteBuilds(tmp_path_factory)
    yield builds
    builds.stop()


@pytest.fixture(scope="session")
def chapter_runs(tmp_path_factory):
    """runs(chapter): (the chapter notebook run top to bottom, its status); see ChapterRuns."""
    runs = ChapterRuns(tmp_path_factory)
    yield runs
    runs.stop()


@pytest.fixture(scope="session")
def graded(request, tmp_path_factory, built_site, chapter_runs):
    """Every chapter released, a class of submissions graded, feedback and grades exported.

    Also, under the key "hostile", the hostile class of tests/test_hostile.py, and under
    "gradescope-<chapter>" the Gradescope bundle runs of tests/test_gradescope.py: they run in
    the same pool, as they spend much of their time waiting out time limits or starting up.
    Once they are done, the course's site starts building in the background, if a test of the
    session needs it, and so do the chapter runs: the tests that come next keep one core busy,
    the build and the runs the other.
    """
    from test_gradescope import run_on_gradescope
    from test_hostile import grade_hostile_class
    also = {"hostile": grade_hostile_class}
    also.update({f"gradescope-{chapter}": (lambda root, chapter=chapter: run_on_gradescope(root, chapter))
                 for chapter in chapters()})
    results = grade_every_chapter(tmp_path_factory.mktemp("courses"), also=also)
    if any("built_site" in getattr(item, "fixturenames", ()) for item in request.session.items):
        built_site.start(REPO)
    if any("chapter_runs" in getattr(item, "fixturenames", ()) for item in request.session.items):
        chapter_runs.start()
    return results
