"""The Gradescope autograder of every chapter, run here in a folder laid out like /autograder.

For each chapter the zip is built (``./run gradescope``), unpacked into
``<tmp>/autograder/source``, and its entry point run on a solved, an
untouched and a cheating submission: the same notebooks that the session's
nbgrader run graded (tests/class_grading.py). Their results.json must give
the scores nbgrader gave, test by test, and quote no hidden test and no
reference code. The runs happen in the session's grading pool.
"""

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from class_grading import class_of_submissions
from scripts import gradescope
from scripts.course_tools import REPO, chapters

STUDENTS = ("solved", "untouched", "cheater")
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)


def run_on_gradescope(root, chapter):
    """Build and unpack the chapter's zip, run its entry point on the three notebooks; {student: results}."""
    zip_path = gradescope.build(chapter, root)
    autograder = root / "autograder"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(autograder / "source")
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    course = autograder / "source" / "course"
    release = nbformat.read(course / "autograder" / "release" / chapter / f"{chapter}.ipynb", as_version=4)
    source = nbformat.read(course / "autograder" / "source" / chapter / f"{chapter}.ipynb", as_version=4)
    notebooks = class_of_submissions(chapter, release, source)
    results = {}
    for student in STUDENTS:
        submission = autograder / "submission"
        if submission.exists():
            for old in submission.iterdir():
                old.unlink()
        submission.mkdir(exist_ok=True)
        nbformat.write(notebooks[student][0], submission / f"{chapter}.ipynb")
        # run_autograder, with this venv's Python in place of /autograder/venv's
        subprocess.run([sys.executable, str(course / "scripts" / "gradescope.py"), "run", "--root", str(autograder)],
                       check=True, capture_output=True, text=True, timeout=600)
        results[student] = json.loads((autograder / "results" / "results.json").read_text())
    submitted = {student: "\n".join(c.source for c in notebooks[student][0].cells) for student in STUDENTS}
    return {"zip": zip_path, "modes": modes, "results": results, "submitted": submitted}


@pytest.mark.parametrize("chapter", chapters())
def test_the_zip_follows_gradescopes_layout(graded, chapter):
    bundle = graded[f"gradescope-{chapter}"]
    modes = bundle["modes"]
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    names = set(modes)
    assert {f"course/autograder/source/{chapter}/{chapter}.ipynb", "course/autograder/gradebook.db",
            "course/grading/judge.py", "course/solutions/__init__.py", "course/requirements.txt"} <= names
    assert not any(n.startswith(f"course/autograder/source/{other}/") for n in names for other in chapters()
                   if other != chapter)


def nbgrader_scores(graded, chapter, student):
    """{results.json test name: score} from the session's nbgrader gradebook of this chapter."""
    scores = {}
    with Gradebook(f"sqlite:///{graded[chapter]['autograder'] / 'gradebook.db'}") as gradebook:
        for notebook in gradebook.find_submission(chapter, student).notebooks:
            for grade in notebook.grades:
                if grade.cell.cell_type != "code":   # a reflection answer: graded by hand, not on Gradescope
                    continue
                kind, _, exercise = grade.name.partition("_")
                scores[f"{exercise}: {'hidden tests' if kind == 'hidden' else 'visible test'}"] = grade.score
    return scores


@pytest.mark.parametrize("chapter, student", [(c, s) for c in chapters() for s in STUDENTS])
def test_results_json_scores_are_nbgraders(graded, chapter, student):
    results = graded[f"gradescope-{chapter}"]["results"][student]
    expected = nbgrader_scores(graded, chapter, student)
    assert {t["name"]: t["score"] for t in results["tests"]} == expected
    assert results["score"] == pytest.approx(sum(expected.values()))
    assert results["score"] == graded[chapter]["expected"][chapter, student]
    assert all(t["visibility"] == "visible" and t["max_score"] in (1.0, 3.0) for t in results["tests"])
    assert results["execution_time"] > 0


def secret_lines(chapter):
    lines = set()
    nb = nbformat.read(REPO / "chapters" / f"{chapter}.ipynb", as_version=4)
    for cell in nb.cells:
        for region in HIDDEN.findall(cell.source):
            lines |= {line.strip() for line in region.splitlines() if len(line.strip()) > 8}
    for path in list((REPO / "solutions").glob("*.py")) + list((REPO / "grading").rglob("*.py")):
        lines |= {line.strip() for line in path.read_text().splitlines() if len(line.strip()) > 30}
    student_side = "".join(c.source for c in nb.cells if not c.metadata.get("nbgrader", {}).get("solution"))
    student_side += (REPO / "chapters" / "checks.py").read_text()
    return {line for line in lines if line not in student_side}


@pytest.mark.parametrize("chapter", chapters())
def test_results_json_quotes_no_hidden_test_no_reference_and_no_hidden_input(graded, chapter):
    secrets = secret_lines(chapter)
    bundle = graded[f"gradescope-{chapter}"]
    for student, results in bundle["results"].items():
        text = json.dumps(results)
        # (what the student wrote may be quoted back to them, even where a hidden test has the same line)
        assert not [line for line in secrets if line in text and line not in bundle["submitted"][student]], student
        hidden = [t["output"] for t in results["tests"] if t["name"].endswith("hidden tests")]
        assert hidden and not any("First failing case" in output for output in hidden)


def test_results_json_says_what_went_wrong(graded):
    results = graded["gradescope-01_gradient_descent"]["results"]
    untouched = {t["name"]: t["output"] for t in results["untouched"]["tests"]}
    assert "NotImplementedError" in untouched["gd_step: visible test"]
    cheater = {t["name"]: t["output"] for t in results["cheater"]["tests"]}
    assert "No module named 'solutions'" in cheater["gd_step: hidden tests"]


def test_any_list_of_notebooks_can_be_graded_as_independent_jobs(graded, tmp_path):
    # What a batch scheduler runs: one process per index of an array job, each writing its own result.
    chapter = "01_gradient_descent"
    course = Path(graded[f"gradescope-{chapter}"]["zip"]).parent / "autograder" / "source" / "course"
    inbox = tmp_path / "in"
    inbox.mkdir()
    for student in ("solved", "one_wrong"):
        submitted = graded[chapter]["autograder"] / "submitted" / student / chapter / f"{chapter}.ipynb"
        (inbox / f"{student}.ipynb").write_bytes(submitted.read_bytes())
    notebooks = sorted(inbox.iterdir())
    for index in range(len(notebooks)):
        subprocess.run([sys.executable, str(course / "scripts" / "gradescope.py"), "grade", *map(str, notebooks),
                        "--out", str(tmp_path / "out"), "--index", str(index)], check=True, capture_output=True,
                       timeout=600)
    for notebook in notebooks:
        results = json.loads((tmp_path / "out" / f"{notebook.stem}.results.json").read_text())
        assert results["score"] == graded[chapter]["expected"][chapter, notebook.stem]
