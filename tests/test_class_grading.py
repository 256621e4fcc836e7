"""Grading a class as an instructor does it: several at a time, a quiet console, errors in one sentence, LMS export.

The parallel run is graded in the session's grading pool (tests/conftest.py):
the class of one chapter, graded again by ``nbgrader autograde`` with
``--CourseAutograde.jobs=3`` (what ``./run grade`` runs), compared here with
the serial run of the same class.
"""

import csv
import re
import statistics
import subprocess

import nbformat
import pytest
from nbgrader.api import Gradebook

from class_grading import PARALLEL, PARALLEL_CHAPTER, release_and_submit, seconds_per_call
from scripts.course_tools import NBGRADER, REPO, copy_course, nbgrader, submission


def gradebook_grades(autograder, assignment=PARALLEL_CHAPTER):
    """{(student, grade cell): (auto score, max score, needs manual grade)} as the gradebook holds them."""
    grades = {}
    with Gradebook(f"sqlite:///{autograder / 'gradebook.db'}") as gradebook:
        for student in gradebook.students:
            for notebook in gradebook.find_submission(assignment, student.id).notebooks:
                for grade in notebook.grades:
                    grades[student.id, grade.name] = (grade.auto_score, grade.max_score, grade.needs_manual_grade)
    return grades


def test_grading_in_parallel_writes_the_gradebook_entries_of_a_serial_run(graded):
    serial, parallel = graded[PARALLEL_CHAPTER], graded[PARALLEL]
    assert parallel["scores"] == serial["scores"] == serial["expected"]
    assert gradebook_grades(parallel["autograder"]) == gradebook_grades(serial["autograder"])
    grades = gradebook_grades(serial["autograder"])
    answers = {key: grade for key, grade in grades.items() if key[1].startswith("reflection_")}
    assert len(grades) - len(answers) == 6 * len(serial["expected"])  # 3 exercises, 2 cells each
    # and 4 reflection answers each, worth 0 points (nbgrader leaves a changed one for manual
    # grading and scores an untouched one 0 at once)
    assert len(answers) == 4 * len(serial["expected"])
    assert all(max_score == 0 for _, max_score, _ in answers.values())


def test_the_summary_gives_each_exercise_mean_and_spread_and_what_did_not_run(graded):
    log = graded[PARALLEL]["log"]
    students = [student for _, student in graded[PARALLEL]["expected"]]
    assert f"Graded {len(students)} submissions of {PARALLEL_CHAPTER} in " in log and "3 at a time" in log
    totals = list(graded[PARALLEL]["expected"].values())
    row = re.search(r"^total\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+12$", log, re.M)
    assert row, log[-3000:]
    mean, spread, low, high = map(float, row.groups())
    assert mean == pytest.approx(statistics.mean(totals), abs=0.005)
    assert spread == pytest.approx(statistics.pstdev(totals), abs=0.005)
    assert (low, high) == (min(totals), max(totals))
    for exercise in ("random_mini_batches", "update_parameters_with_gd", "train_with_mini_batches"):
        assert re.search(rf"^{exercise}\s+\S+\s+\S+\s+\S+\s+\S+\s+4$", log, re.M), exercise
    assert re.search(r"syntax_error: cell \w+: the cell raised SyntaxError", log)
    assert re.search(rf"never_returns: \w+ did not finish within {seconds_per_call(PARALLEL_CHAPTER)} s", log)


# A log line that warns or reports an error (nbgrader's levels, Python's warnings, a traceback).
WARNING_LINE = re.compile(r"\b(WARNING|ERROR|CRITICAL)\b|Warning:|Traceback")


def explained_log_lines():
    """The log messages the instructor guide explains, as patterns ("…" stands for anything)."""
    guide = (REPO / "instructor_guide.md").read_text()
    section = guide.split("### What the log says", 1)[1].split("\n## ", 1)[0]
    quoted = re.findall(r"^- `([^`]+)`", section, re.M)
    assert len(quoted) >= 5, "the guide's list of log messages is missing"
    return [re.compile(re.escape(q).replace("…", ".*")) for q in quoted]


def test_every_warning_and_error_of_a_class_autograde_is_one_the_guide_explains(graded):
    patterns = explained_log_lines()
    for name, result in graded.items():
        if "log" not in result:
            continue
        for line in result["log"].splitlines():
            if WARNING_LINE.search(line):
                assert any(p.search(line) for p in patterns), f"{name}: unexplained: {line}"


def test_generate_feedback_of_a_class_prints_no_warning(graded):
    """Feedback for every chapter's class (solved, broken and hostile submissions alike) is quiet."""
    for name, result in graded.items():
        if "feedback_log" not in result:
            continue
        for line in result["feedback_log"].splitlines():
            assert not WARNING_LINE.search(line), f"{name}: {line}"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course copy with chapter 1 released, and nothing submitted yet."""
    autograder = copy_course(tmp_path_factory.mktemp("instructor"))
    nbgrader(autograder, "generate_assignment", "01_gradient_descent")
    return autograder


def autograde(autograder, *args):
    return subprocess.run([NBGRADER, "autograde", *args], cwd=autograder, capture_output=True, text=True,
                          timeout=600)


@pytest.mark.parametrize("assignment, sentence", [
    ("01_gradient_desent", "There is no assignment '01_gradient_desent' in "),
    ("02_minibatch", "'02_minibatch' is not in the gradebook yet: run `nbgrader generate_assignment 02_minibatch` first."),
    ("01_gradient_descent", "There are no submissions of 01_gradient_descent: put each student's notebook at "),
])
def test_an_instructors_mistake_gets_one_sentence_and_no_traceback(course, assignment, sentence):
    result = autograde(course, assignment)
    assert result.returncode != 0
    assert sentence in result.stderr and "Traceback" not in result.stderr + result.stdout


def test_a_misnamed_notebook_or_an_unknown_student_is_left_out_with_a_sentence(course):
    release = nbformat.read(course / "release" / "01_gradient_descent" / "01_gradient_descent.ipynb", as_version=4)
    for student, name in [("bob", "01_gradient_descent (1).ipynb"), ("ann", "01_gradient_descent.ipynb")]:
        (course / "submitted" / student / "01_gradient_descent").mkdir(parents=True)
        nbformat.write(release, course / "submitted" / student / "01_gradient_descent" / name)
    nbgrader(course, "db", "student", "add", "ann")
    result = autograde(course, "01_gradient_descent", "--Autograde.create_student=False")
    assert result.returncode == 0, result.stderr
    assert ("holds 01_gradient_descent (1).ipynb but not 01_gradient_descent.ipynb: rename the notebook "
            "(nbgrader grades notebooks by their name) and grade again; bob is not graded now.") in result.stderr
    assert "Traceback" not in result.stderr
    assert (course / "autograded" / "ann" / "01_gradient_descent" / "01_gradient_descent.ipynb").exists()
    (course / "submitted" / "bob" / "01_gradient_descent" / "01_gradient_descent (1).ipynb").rename(
        course / "submitted" / "bob" / "01_gradient_descent" / "01_gradient_descent.ipynb")
    result = autograde(course, "01_gradient_descent", "--Autograde.create_student=False")
    assert ("bob is not in the gradebook: add them with `nbgrader db student add bob` (or set "
            "Autograde.create_student = True); their submission is not graded now.") in result.stderr
    assert "Traceback" not in result.stderr


LATE = "c.LateSubmissionPlugin.penalty_method = 'zero'\n"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A class of chapter 1: on time, late (a zero penalty), submitted nothing at all; exported."""
    autograder = copy_course(tmp_path_factory.mktemp("export"))
    (autograder / "nbgrader_config.py").write_text((autograder / "nbgrader_config.py").read_text() + LATE)
    chapter = "01_gradient_descent"
    nbgrader(autograder, "db", "assignment", "add", chapter, "--duedate=2026-11-01 12:00:00 UTC")

    def make_class(release, source):
        return {"on_time": (submission(release, source), 12.0), "late": (submission(release, source), 0.0)}

    release_and_submit(autograder, chapter, make_class)
    for student, stamp in [("on_time", "2026-11-01 11:00:00 UTC"), ("late", "2026-11-02 09:00:00 UTC")]:
        (autograder / "submitted" / student / chapter / "timestamp.txt").write_text(stamp)
    nbgrader(autograder, "db", "student", "add", "absent", "--last-name=Nobody", "--first-name=Ada")
    nbgrader(autograder, "autograde", chapter)
    nbgrader(autograder, "export")
    with open(autograder / "grades.csv") as f:
        grades = {row["student_id"]: row for row in csv.DictReader(f)}
    with open(autograder / "lms_grades.csv") as f:
        lms = list(csv.reader(f))
    return grades, lms


def test_export_tells_not_submitted_from_zero_and_keeps_the_late_penalty(exported):
    grades, _ = exported
    assert grades["absent"]["status"] == "not submitted" and grades["absent"]["score"] == ""
    assert grades["on_time"]["status"] == "submitted" and float(grades["on_time"]["score"]) == 12.0
    late = grades["late"]
    assert (late["status"], float(late["raw_score"]), float(late["late_submission_penalty"]), float(late["score"])) \
        == ("submitted", 12.0, 12.0, 0.0)


def test_the_lms_file_has_the_gradebook_import_layout(exported):
    _, lms = exported
    assert lms[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "01_gradient_descent"]
    assert lms[1] == ["Points Possible", "", "", "", "", "12.0"]
    rows = {row[2]: row for row in lms[2:]}
    assert rows["absent"] == ["Nobody, Ada", "", "absent", "absent", "", ""]    # empty: no grade, not 0
    assert rows["on_time"][5] == "12.0" and rows["late"][5] == "0.0"
