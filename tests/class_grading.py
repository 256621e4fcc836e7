"""Grade a class of good and broken submissions of every chapter, as an instructor would.

Used once per test session through the ``graded`` fixture (tests/conftest.py).
Each chapter is graded in its own copy of the course, two chapters at a
time: an SQLite gradebook must have one writer, and two cores are there.
"""

import csv
from concurrent.futures import ThreadPoolExecutor

import nbformat

from grading.cases import EXERCISES
from scripts.course_tools import chapters, copy_course, exercises, nbgrader, submission

POINTS_PER_EXERCISE = 4


CORE = ("solved", "untouched", "one_wrong", "never_returns")  # every chapter
ROBUSTNESS = ("chaos", "syntax_error", "bad_values")  # the harness and config: same for every chapter
ROBUSTNESS_CHAPTERS = chapters()[:2]


def students(chapter):
    return CORE + (ROBUSTNESS if chapter in ROBUSTNESS_CHAPTERS else ())


def least_used(names, source_nb):
    """The exercise that the fewest ungraded code cells call (the last among equals).

    The never-returning submission damages it, so that few demo cells wait
    out the per-cell timeout: grading stays bounded either way, this keeps
    the test suite fast.
    """
    demos = [c.source for c in source_nb.cells
             if c.cell_type == "code" and not c.metadata.get("nbgrader", {}).get("grade")
             and not c.metadata.get("nbgrader", {}).get("solution")]
    callers = {name: [name] + [other for other in names if name in EXERCISES[other].dependencies]
               for name in names}  # an exercise that calls it loops too
    uses = {name: sum(any(f"{c}(" in source for c in callers[name]) for source in demos) for name in names}
    return min(reversed(names), key=lambda name: uses[name])


def class_of_submissions(chapter, release_nb, source_nb):
    """student id -> (notebook, expected score). Each broken case damages named exercises only."""
    names = [name for name, _ in exercises(source_nb)]
    full = POINTS_PER_EXERCISE * len(names)
    first, second, last = names[0], names[1], names[-1]
    looping = least_used(names, source_nb)
    solved = dict(exercises(source_nb))
    untouched = nbformat.from_dict(release_nb)
    cases = {
        "solved": (submission(release_nb, source_nb), full),
        "untouched": (untouched, 0),
        # Forgot the return in the first exercise, which later exercises build on.
        "one_wrong": (submission(release_nb, source_nb, replace={
            first: f"def {first}(*args, **kwargs):\n    result = None\n"}), full - POINTS_PER_EXERCISE),
        # One exercise never returns: it gets zero, everything else is graded.
        "never_returns": (submission(release_nb, source_nb, replace={
            looping: f"def {looping}(*args, **kwargs):\n    while True:\n        pass\n"}),
            full - POINTS_PER_EXERCISE),
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
    return {student: cases[student] for student in students(chapter)}


def grade_chapter(chapter, folder):
    """Release, submit the class, autograde, give feedback and export, from a fresh course copy."""
    autograder = copy_course(folder)
    nbgrader(autograder, "generate_assignment", chapter)
    release_nb = nbformat.read(autograder / "release" / chapter / f"{chapter}.ipynb", as_version=4)
    source_nb = nbformat.read(autograder / "source" / chapter / f"{chapter}.ipynb", as_version=4)
    expected = {}
    for student, (nb, score) in class_of_submissions(chapter, release_nb, source_nb).items():
        submitted = autograder / "submitted" / student / chapter
        submitted.mkdir(parents=True)
        nbformat.write(nb, submitted / f"{chapter}.ipynb")
        expected[chapter, student] = score
    nbgrader(autograder, "autograde", chapter)
    nbgrader(autograder, "generate_feedback", chapter)
    nbgrader(autograder, "export")
    with open(autograder / "grades.csv") as f:
        scores = {(row["assignment"], row["student_id"]): float(row["score"]) for row in csv.DictReader(f)}
    return {"autograder": autograder, "expected": expected, "scores": scores}


def grade_every_chapter(folder):
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(lambda chapter: grade_chapter(chapter, folder / chapter), chapters())
        return dict(zip(chapters(), results))
