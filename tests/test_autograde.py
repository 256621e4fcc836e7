"""End to end: release every chapter, grade a class of good and broken submissions, check exact scores.

The course directory is copied to a temporary folder (keeping the repo's
layout, so the symlinked sources and the config's paths work), then the
instructor's commands run from its autograder/ exactly as the instructor
guide types them.
"""

import csv
import html
import re

import nbformat
import pytest

from nbtools import without_hidden_tests
from scripts.course_tools import REPO, chapters, copy_course, exercises, nbgrader, submission

CHAPTERS = chapters()
POINTS_PER_EXERCISE = 4
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
SOLUTION = re.compile(r"[^\n]*### BEGIN SOLUTION.*?### END SOLUTION[^\n]*", re.S)


def class_of_submissions(release_nb, source_nb):
    """student id -> (notebook, expected score). Each broken case damages named exercises only."""
    names = [name for name, _ in exercises(source_nb)]
    full = POINTS_PER_EXERCISE * len(names)
    first, second, last = names[0], names[1], names[-1]
    solved = dict(exercises(source_nb))
    untouched = nbformat.from_dict(release_nb)
    return {
        "solved": (submission(release_nb, source_nb), full),
        "untouched": (untouched, 0),
        # Forgot the return in the first exercise, which later exercises build on.
        "one_wrong": (submission(release_nb, source_nb, replace={
            first: f"def {first}(*args, **kwargs):\n    result = None\n"}), full - POINTS_PER_EXERCISE),
        # The last exercise never returns: it gets zero, everything else is graded.
        "never_returns": (submission(release_nb, source_nb, replace={
            last: f"def {last}(*args, **kwargs):\n    while True:\n        pass\n"}), full - POINTS_PER_EXERCISE),
        # Calls the reference package; deletes an exercise's solution cell together
        # with its visible test (stock nbgrader cannot restore that test: KeyError);
        # edits and deletes the tests of a correct third exercise, which are
        # restored, so it earns its points.
        "chaos": (submission(release_nb, source_nb, replace={first: f"from solutions import {first}\n"},
                             delete={second, f"test_{second}", f"hidden_{names[2]}"},
                             edit={f"test_{names[2]}": "print('all tests passed')\n"}),
                  full - 2 * POINTS_PER_EXERCISE),
        # A syntax error in one exercise: that exercise scores zero, the rest is graded.
        "syntax_error": (submission(release_nb, source_nb, replace={last: solved[last] + "\n    return (\n"}),
                         full - POINTS_PER_EXERCISE),
        # Wrong shape full of NaN in one exercise, an exception in another.
        "bad_values": (submission(release_nb, source_nb, replace={
            second: f"import numpy as np\ndef {second}(*args, **kwargs):\n    return np.full(3, np.nan)\n",
            last: f"def {last}(*args, **kwargs):\n    raise ValueError('not done yet')\n"}),
            full - 2 * POINTS_PER_EXERCISE),
    }


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A copy of the course in a temporary repo layout, graded once for all tests below."""
    autograder = copy_course(tmp_path_factory.mktemp("repo"))

    expected = {}
    for chapter in CHAPTERS:
        nbgrader(autograder, "generate_assignment", chapter)
        release_nb = nbformat.read(autograder / "release" / chapter / f"{chapter}.ipynb", as_version=4)
        source_nb = nbformat.read(autograder / "source" / chapter / f"{chapter}.ipynb", as_version=4)
        for student, (nb, score) in class_of_submissions(release_nb, source_nb).items():
            folder = autograder / "submitted" / student / chapter
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / f"{chapter}.ipynb")
            expected[chapter, student] = score
        nbgrader(autograder, "autograde", chapter)
        nbgrader(autograder, "generate_feedback", chapter)
    nbgrader(autograder, "export")
    with open(autograder / "grades.csv") as f:
        scores = {(row["assignment"], row["student_id"]): float(row["score"]) for row in csv.DictReader(f)}
    return {"autograder": autograder, "expected": expected, "scores": scores}


def test_every_submission_is_in_the_gradebook(course):
    assert set(course["scores"]) == set(course["expected"])


@pytest.mark.parametrize("chapter", CHAPTERS)
@pytest.mark.parametrize("student", ["solved", "untouched", "one_wrong", "never_returns", "chaos", "syntax_error",
                                     "bad_values"])
def test_exact_scores(course, chapter, student):
    assert course["scores"][chapter, student] == course["expected"][chapter, student]


def hidden_test_lines(chapter):
    source_nb = nbformat.read(REPO / "chapters" / f"{chapter}.ipynb", as_version=4)
    lines = set()
    for cell in source_nb.cells:
        for region in HIDDEN.findall(cell.source):
            lines.update(line.strip() for line in region.splitlines() if len(line.strip()) > 8)
    assert lines, f"{chapter} has no hidden tests"
    return lines


def visible_text(html_text):
    """What a reader of the page sees: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_release_has_no_solutions_or_hidden_tests(course, chapter):
    release = (course["autograder"] / "release" / chapter / f"{chapter}.ipynb").read_text()
    source_nb = nbformat.read(REPO / "chapters" / f"{chapter}.ipynb", as_version=4)
    # Lines the author wrote in visible places (a hint in a docstring, a generic
    # `m = X.shape[1]` in a demo) may appear; any other solution line is a leak.
    authored_visible = "\n".join(SOLUTION.sub("", without_hidden_tests(c.source)) for c in source_nb.cells)
    for _, solution in exercises(source_nb):
        for line in SOLUTION.search(solution).group(0).splitlines()[1:-1]:
            if len(line.strip()) > 8 and line.strip() not in authored_visible:
                assert line.strip() not in release, f"solution line in the release: {line.strip()}"
    for line in hidden_test_lines(chapter):
        assert line not in release
    assert "solutions" not in release and "grading" not in release


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_feedback_shows_no_hidden_test_code(course, chapter):
    feedback = list((course["autograder"] / "feedback").glob(f"*/{chapter}/{chapter}.html"))
    assert len(feedback) == len([k for k in course["expected"] if k[0] == chapter])
    needles = hidden_test_lines(chapter)
    # The scanner can find hidden lines: the instructor's autograded notebook has them.
    autograded = (course["autograder"] / "autograded" / "solved" / chapter / f"{chapter}.ipynb").read_text()
    assert any(needle in autograded for needle in needles)
    for page in feedback:
        text = visible_text(page.read_text())
        leaked = [needle for needle in needles if needle in text]
        assert not leaked, f"{page} shows hidden-test code: {leaked}"


def feedback_text(course, student, chapter):
    return visible_text((course["autograder"] / "feedback" / student / chapter / f"{chapter}.html").read_text())


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_feedback_says_what_went_wrong(course, chapter):
    assert "calls the reference package" in feedback_text(course, "chaos", chapter)
    assert "SyntaxError" in feedback_text(course, "syntax_error", chapter)
    assert "was missing from the submission" in feedback_text(course, "chaos", chapter)
    never = feedback_text(course, "never_returns", chapter)
    assert "did not return within" in never or "interrupted" in never
    assert "NaN" in feedback_text(course, "bad_values", chapter) or "shape" in feedback_text(course, "bad_values", chapter)
    assert "returned None" in feedback_text(course, "one_wrong", chapter)
