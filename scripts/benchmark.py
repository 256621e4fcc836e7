"""Print the course's time budgets: notebook execution, book build, grading one submission.

    ./run bench

Budgets (on the reference machine, 2 cores): each chapter notebook < 20 s,
the whole book from clean < 3 min, autograding one submission of one
chapter < 10 s (sandboxed kernel, sandboxed grading worker), printed next
to stock nbgrader autograding a one-exercise notebook with its default
configuration (no sandbox, scores from the student's kernel), which is the
floor any nbgrader course pays. This prints measurements; the tests never
time anything.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scripts.course_tools import REPO, chapters, copy_course, nbgrader, submission  # noqa: E402

BUDGETS = {"notebook": 20.0, "book": 180.0, "autograde": 10.0}


def report(label, seconds, budget):
    verdict = "ok" if seconds <= budget else "OVER BUDGET"
    print(f"{label:<48} {seconds:6.1f} s   (budget {budget:.0f} s)  {verdict}", flush=True)
    return seconds <= budget


def time_notebook(chapter):
    """Execute the chapter with solutions in place, as the tests and the website do."""
    with tempfile.TemporaryDirectory() as work:
        for f in (REPO / "autograder" / "source" / chapter).iterdir():
            shutil.copy(f, work)
        nb = nbformat.read(Path(work) / f"{chapter}.ipynb", as_version=4)
        start = time.perf_counter()
        NotebookClient(nb, timeout=600, resources={"metadata": {"path": work}}).execute()
        return time.perf_counter() - start


def time_book():
    shutil.rmtree(REPO / "_build", ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_site.py")], check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def time_autograde(chapter):
    """nbgrader autograde of one solved submission (the assignment released beforehand)."""
    with tempfile.TemporaryDirectory() as work:
        autograder = copy_course(work)
        nbgrader(autograder, "generate_assignment", chapter)
        release = nbformat.read(autograder / "release" / chapter / f"{chapter}.ipynb", as_version=4)
        source = nbformat.read(autograder / "source" / chapter / f"{chapter}.ipynb", as_version=4)
        folder = autograder / "submitted" / "student" / chapter
        folder.mkdir(parents=True)
        nbformat.write(submission(release, source), folder / f"{chapter}.ipynb")
        start = time.perf_counter()
        nbgrader(autograder, "autograde", chapter)
        return time.perf_counter() - start


PLAIN_NOTEBOOK = [
    ("code", "import numpy as np", {"grade": False, "solution": False, "locked": True, "grade_id": "setup"}),
    ("code", "def gd_step(w, g, lr):\n    ### BEGIN SOLUTION\n    return w - lr * g\n    ### END SOLUTION",
     {"grade": False, "solution": True, "locked": False, "grade_id": "gd_step"}),
    ("code", "assert np.allclose(gd_step(np.ones(2), np.ones(2), 0.5), 0.5)",
     {"grade": True, "solution": False, "locked": True, "points": 1, "grade_id": "test_gd_step"}),
]


def time_plain_nbgrader():
    """Stock nbgrader (default configuration) autograding one solved one-exercise notebook."""
    with tempfile.TemporaryDirectory() as work:
        course = Path(work)
        (course / "nbgrader_config.py").write_text(
            f"c = get_config()\nc.CourseDirectory.root = {str(course)!r}\nc.CourseDirectory.course_id = 'plain'\n")
        nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                               "language": "python"}})
        for kind, source, meta in PLAIN_NOTEBOOK:
            cell = nbformat.v4.new_code_cell(source)
            cell.metadata["nbgrader"] = dict(meta, schema_version=3)
            nb.cells.append(cell)
        (course / "source" / "one").mkdir(parents=True)
        nbformat.write(nb, course / "source" / "one" / "one.ipynb")
        nbgrader(course, "generate_assignment", "one")
        (course / "submitted" / "student" / "one").mkdir(parents=True)
        shutil.copy(course / "source" / "one" / "one.ipynb", course / "submitted" / "student" / "one" / "one.ipynb")
        start = time.perf_counter()
        nbgrader(course, "autograde", "one")
        return time.perf_counter() - start


def main():
    os.environ["PYTHONPATH"] = str(REPO)
    os.environ.pop("NBGRADER_EXECUTION", None)
    ok = True
    for chapter in chapters():
        ok &= report(f"execute {chapter}.ipynb", time_notebook(chapter), BUDGETS["notebook"])
    plain = time_plain_nbgrader()
    print(f"{'stock nbgrader, one-exercise notebook (reference)':<48} {plain:6.1f} s", flush=True)
    for chapter in chapters():
        ok &= report(f"autograde one submission of {chapter}", time_autograde(chapter), BUDGETS["autograde"])
    ok &= report("build the book from clean", time_book(), BUDGETS["book"])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
