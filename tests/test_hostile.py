"""Hostile submissions, graded end to end exactly as the instructor guide says: fair scores, nothing else touched.

One course copy, one class (tests/hostile_class.py), the instructor's
commands from autograder/: generate_assignment, autograde,
generate_feedback, export. Then, from outside: every score is the points
of the honestly implemented exercises, no file outside the grader's own
output changed, the gradebook is intact, no feedback page quotes hidden
tests or the reference or runs a student's script, no process is left.

The grading itself runs once per session, next to the chapters' classes
(``grade_hostile_class``, used by the ``graded`` fixture). Its course copy
shortens the kernel's time limits (documented settings of
nbgrader_config.py), so that the hostile cells that wait them out keep the
test suite fast; the limits themselves are what is being tested.
"""

import csv
import hashlib
import html
import os
import re
import sqlite3
import subprocess
import time
from html.parser import HTMLParser

import nbformat
import pytest

from class_grading import cell_timeout_config, feedback_and_scores, release_and_submit
from hostile_class import CHAPTER, MARKER, hostile_class
from scripts.course_tools import NBGRADER, REPO, copy_course, nbgrader, submission

HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
MODEL_ANSWER = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
FASTER = f"""
# Shorter limits for the hostile test class (tests/test_hostile.py).
{cell_timeout_config(4)}c.SandboxedExecute.notebook_deadline = 25
c.GradeOutsideKernel.seconds_per_cell = 4
"""
OUTPUT = ("autograded", "feedback", "gradebook.db", "grades.csv", "lms_grades.csv", "release")


def fingerprint(root):
    """{path: sha256} of every file of the course copy that grading must not change."""
    prints = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[:2] and relative.parts[0] == "autograder" and len(relative.parts) > 1 \
                and relative.parts[1] in OUTPUT or "__pycache__" in relative.parts:
            continue
        if path.is_symlink():
            prints[str(relative)] = "link:" + str(path.readlink())
        elif path.is_fifo():
            prints[str(relative)] = "fifo"
        elif path.is_file():
            prints[str(relative)] = hashlib.sha256(path.read_bytes()).hexdigest() if path.stat().st_size < 2 ** 26 \
                else f"size:{path.stat().st_size}"
    return prints


@pytest.fixture(scope="module")
def hostile(graded):
    """The hostile class, graded in the session's grading run (tests/conftest.py)."""
    return graded["hostile"]


def grade_hostile_class(root):
    """Release chapter 1, submit the hostile class, autograde, give feedback, export; what the tests need."""
    autograder = copy_course(root)
    (autograder / "nbgrader_config.py").write_text((autograder / "nbgrader_config.py").read_text() + FASTER)
    expected = release_and_submit(autograder, CHAPTER, lambda release, source: hostile_class(release, source, root))
    before = fingerprint(root)
    run = nbgrader(autograder, "autograde", CHAPTER)
    time.sleep(0.5)
    leftovers = subprocess.run(["pgrep", "-f", MARKER], capture_output=True, text=True).stdout.split()
    graded, _ = feedback_and_scores(autograder, CHAPTER)
    scores = {student: score for (_, student), score in graded.items()}
    return {"root": root, "autograder": autograder, "expected": expected, "scores": scores, "before": before,
            "after": fingerprint(root), "log": run.stdout + run.stderr, "leftovers": leftovers}


STUDENTS = ["victim", "patches_the_grader", "imports_the_reference", "prints_what_it_finds", "exits",
            "swallows_interrupts", "vandal", "edits_metadata", "pasted_a_test_cell", "floods_output", "memory_bomb",
            "background_process", "fork_loop", "injects_script", "slow_cells", "in_place", "submits_a_symlink",
            "submits_garbage", "folder_with_traps"]


def test_the_class_is_the_one_listed_here(hostile):
    assert sorted(hostile["expected"]) == sorted(STUDENTS)


@pytest.mark.parametrize("student", STUDENTS)
def test_each_gets_exactly_the_points_of_its_honest_work(hostile, student):
    assert hostile["scores"][student] == hostile["expected"][student]


def test_no_file_outside_the_graders_output_changed(hostile):
    before, after = hostile["before"], hostile["after"]
    assert before.keys() == after.keys()
    assert [path for path in before if before[path] != after[path]] == []


def test_the_gradebook_is_intact_and_complete(hostile):
    db = sqlite3.connect(hostile["autograder"] / "gradebook.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    submitted = {row[0] for row in db.execute(
        "SELECT student.id FROM submitted_assignment JOIN student ON student.id = submitted_assignment.student_id")}
    assert submitted == set(STUDENTS)
    assert db.execute("SELECT max(auto_score) FROM grade").fetchone()[0] <= 3


def feedback_page(hostile, student):
    return (hostile["autograder"] / "feedback" / student / CHAPTER / f"{CHAPTER}.html").read_text()


def secret_lines():
    """Lines of the hidden tests, the cases and the reference that no student can have written."""
    source = (REPO / "chapters" / f"{CHAPTER}.ipynb").read_text()
    notebook = nbformat.reads(source, as_version=4)
    lines = {line.strip() for c in notebook.cells for region in HIDDEN.findall(c.source)
             for line in region.splitlines() if len(line.strip()) > 8}
    # the model answers of the reflection questions (the instructor's copy only)
    lines |= {line.strip() for c in notebook.cells if c.cell_type == "markdown"
              for region in MODEL_ANSWER.findall(c.source) for line in region.splitlines() if len(line.strip()) > 30}
    for path in [REPO / "solutions" / "gradient_descent.py", REPO / "grading" / "cases" / "ch01.py",
                 REPO / "grading" / "judge.py", REPO / "solutions" / "_validation.py"]:
        lines |= {line.strip() for line in path.read_text().splitlines() if len(line.strip()) > 30}
    student_side = (REPO / "chapters" / "checks.py").read_text() + source.replace("\\n", "\n").replace('\\"', '"')
    return {line for line in lines if line not in student_side}


@pytest.mark.parametrize("student", STUDENTS)
def test_no_feedback_page_quotes_hidden_tests_or_the_reference(hostile, student):
    if student in ("submits_a_symlink",):
        pass  # graded as an empty notebook: its page exists too
    text = html.unescape(re.sub(r"<[^>]+>", "", feedback_page(hostile, student)))
    leaked = [line for line in secret_lines() if line in text]
    assert leaked == []


def test_the_scanner_would_find_a_leak(hostile):
    planted = next(iter(sorted(secret_lines())))
    text = html.unescape(re.sub(r"<[^>]+>", "", feedback_page(hostile, "victim") + planted))
    assert planted in text


def test_no_process_outlives_grading(hostile):
    assert hostile["leftovers"] == []


class Elements(HTMLParser):
    """The tags, attributes and script bodies of a page, and where its text sits."""

    def __init__(self):
        super().__init__()
        self.attributes, self.scripts, self.open, self.loose_text = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.open.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]

    def handle_endtag(self, tag):
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]

    def handle_data(self, data):
        if self.open and self.open[-1] == "script":
            self.scripts.append(data)
        elif not {"pre", "code", "style", "title"} & set(self.open):
            self.loose_text.append(data)


def elements(page):
    parser = Elements()
    parser.feed(page)
    return parser


def test_no_student_script_reaches_a_feedback_page(hostile):
    page, template = elements(feedback_page(hostile, "injects_script")), elements(feedback_page(hostile, "victim"))
    assert page.scripts == template.scripts                      # only the feedback template's own scripts
    assert not [a for a in page.attributes if a[1].startswith("on")]
    assert not [a for a in page.attributes if "javascript:" in a[2].lower() or "alert" in a[2]]
    # The student's text (and its math macros) shows only as text, where MathJax does not look.
    assert not any("alert" in text or "\\href" in text for text in page.loose_text)


def test_feedback_pages_stay_small(hostile):
    for student in STUDENTS:
        assert len(feedback_page(hostile, student)) < 12 * 2 ** 20, student


def test_nothing_from_a_submission_folder_is_copied(hostile):
    for folder in ("autograded", "feedback"):
        names = {p.name for p in (hostile["autograder"] / folder / "folder_with_traps" / CHAPTER).iterdir()}
        assert not names & {"secret.py", "relative_secret.py", "pipe", "big.bin"}, names


def test_an_unreadable_submission_gets_a_sentence_saying_why(hostile):
    assert "the notebook is a symbolic link, not a file" in feedback_page(hostile, "submits_a_symlink")
    assert "is not a readable Jupyter notebook" in feedback_page(hostile, "submits_garbage")
    assert "symbolic link" in hostile["log"]


def test_feedback_explains_what_happened(hostile):
    def text(student):
        return html.unescape(re.sub(r"<[^>]+>", "", feedback_page(hostile, student)))
    assert "No module named 'solutions'" in text("imports_the_reference")
    assert "Note: gd_step changed w in place" in text("in_place")
    assert "Not run:" in text("exits") or "did not finish" in text("exits")
    assert "Not run: the notebook took more than 25 s" in text("slow_cells")
    assert "run_gradient_descent" in text("patches_the_grader") and "returned None" in text("patches_the_grader")


@pytest.fixture(scope="module")
def small_course(tmp_path_factory):
    """A course copy with one solved submission of chapter 1, not graded yet."""
    root = tmp_path_factory.mktemp("small")
    autograder = copy_course(root)
    nbgrader(autograder, "generate_assignment", CHAPTER)
    release = nbformat.read(autograder / "release" / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)
    source = nbformat.read(autograder / "source" / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)
    (autograder / "submitted" / "solved" / CHAPTER).mkdir(parents=True)
    nbformat.write(submission(release, source), autograder / "submitted" / "solved" / CHAPTER / f"{CHAPTER}.ipynb")
    return autograder


def without_bubblewrap():
    """An environment in which the bubblewrap command does not exist."""
    return dict(os.environ, DESCENT_BWRAP="/nonexistent/bwrap")


def test_without_bubblewrap_grading_refuses_to_start(small_course):
    result = subprocess.run([NBGRADER, "autograde", CHAPTER], cwd=small_course, capture_output=True, text=True,
                            env=without_bubblewrap(), timeout=300)
    assert result.returncode != 0
    assert "Grading refused: student code must run in a sandbox, but bubblewrap" in result.stderr
    assert "--StudentSandbox.trusted_submissions=True" in result.stderr
    assert not (small_course / "autograded" / "solved").exists()


def test_trusted_submissions_are_graded_without_bubblewrap_when_the_instructor_says_so(small_course):
    result = subprocess.run([NBGRADER, "autograde", CHAPTER, "--StudentSandbox.trusted_submissions=True"],
                            cwd=small_course, capture_output=True, text=True, env=without_bubblewrap(), timeout=300)
    assert result.returncode == 0, result.stderr
    nbgrader(small_course, "export")
    with open(small_course / "grades.csv") as f:
        assert [float(row["score"]) for row in csv.DictReader(f)] == [12.0]


def test_a_submission_whose_calls_each_take_just_under_the_limit_is_stopped_by_its_budget(tmp_path):
    """numerical_gradient takes 2 s a call when graded (within 5 s a call): with 3.5 s for all of the
    notebook's cells and calls, its visible test (4 calls) stops at the second call and its hidden
    cases do not run; gd_step and run_gradient_descent, graded before it, keep their 8 points."""
    course = copy_course(tmp_path)
    nbgrader(course, "generate_assignment", CHAPTER)
    release = nbformat.read(course / "release" / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)
    source = nbformat.read(course / "source" / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)
    stall = ("import sys, time\n"
             "def numerical_gradient(f, w, h=1e-5):\n"
             "    if 'ipykernel' not in sys.modules:   # only in the grader's worker, not in the kernel\n"
             "        time.sleep(2.0)\n"
             "    w = np.asarray(w, dtype=float)\n"
             "    grad = np.zeros_like(w)\n"
             "    for i in np.ndindex(w.shape):\n"
             "        step = np.zeros_like(w)\n"
             "        step[i] = h\n"
             "        grad[i] = (f(w + step) - f(w - step)) / (2 * h)\n"
             "    return grad\n")
    folder = course / "submitted" / "stalls" / CHAPTER
    folder.mkdir(parents=True)
    nbformat.write(submission(release, source, replace={"numerical_gradient": stall}), folder / f"{CHAPTER}.ipynb")
    nbgrader(course, "autograde", CHAPTER, "--GradeOutsideKernel.seconds_per_submission=3.5")
    nbgrader(course, "export")
    with open(course / "grades.csv") as f:
        assert [float(row["score"]) for row in csv.DictReader(f)] == [8.0]
    graded = nbformat.read(course / "autograded" / "stalls" / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)
    text = "\n".join(o.get("text", "") for c in graded.cells if c.cell_type == "code" for o in c.outputs)
    assert "had used up its 3.5 s for all cells and calls together" in text
    assert "numerical_gradient was not run: grading this notebook had used up its 3.5 s" in text
