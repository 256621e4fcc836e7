"""Grade a class of good and broken submissions of every chapter, as an instructor would.

Used once per test session through the ``graded`` fixture (tests/conftest.py).
Each chapter is graded in its own copy of the course.
"""

import csv
from concurrent.futures import ThreadPoolExecutor

import nbformat
import numpy as np

from grading.cases import EXERCISES
from scripts.course_tools import chapters, copy_course, exercises, nbgrader, submission

POINTS_PER_EXERCISE = 4


CORE = ("solved", "untouched", "one_wrong", "never_returns", "cheater")  # every chapter
ROBUSTNESS = ("chaos", "syntax_error", "bad_values")  # the grader and config: same for every chapter
ROBUSTNESS_CHAPTERS = chapters()[:2]
# Fair judgement on real code: partial credit by case, and correct code in other styles.
FAIRNESS = {"01_gradient_descent": ("partly_wrong",), "05_adam": ("classic_styles",)}


PARALLEL_CHAPTER = "02_minibatch"
PARALLEL = f"{PARALLEL_CHAPTER}-in-parallel"

# The course's own limits (autograder/nbgrader_config.py) grade this chapter's class; the other
# classes get shorter ones, as the never-returning submission waits every limit out and that is
# most of the session's CPU time. The chapters' cells take under 1 s each when graded.
SHIPPED_LIMITS_CHAPTER = "05_adam"
SECONDS_PER_CALL = {"shipped": 5, "shorter": 2}


def cell_timeout_config(seconds):
    """nbgrader_config.py lines that interrupt a cell after ``seconds`` and say so in the feedback."""
    return f"""c.Execute.timeout = {seconds}
c.Execute.error_on_timeout = {{
    "ename": "CellTimeoutError",
    "evalue": "this cell did not finish within {seconds} s and was interrupted (a loop that never ends?)",
    "traceback": ["CellTimeoutError: this cell did not finish within {seconds} s and was interrupted"],
}}
"""


SHORTER_LIMITS = f"""
# Shorter limits for the test classes (tests/class_grading.py).
{cell_timeout_config(4)}c.GradeOutsideKernel.seconds_per_call = {SECONDS_PER_CALL["shorter"]}
"""


def seconds_per_call(chapter):
    """The time limit of one call of a student's function in the test class of ``chapter``."""
    return SECONDS_PER_CALL["shipped" if chapter == SHIPPED_LIMITS_CHAPTER else "shorter"]


def students(chapter):
    return CORE + (ROBUSTNESS if chapter in ROBUSTNESS_CHAPTERS else ()) + FAIRNESS.get(chapter, ())


def hidden_cases(name):
    """The hidden cases of an exercise, as (args, kwargs) (read from the registry, not from the judge)."""
    exercise = EXERCISES[name]
    return [(c.args, c.kwargs) if hasattr(c, "args") else c for c in exercise.cases(np.random.default_rng(exercise.seed))]


def share(name, passing):
    """Hidden points (3) shared out over the cases of ``name`` for which ``passing(args)`` holds."""
    cases = hidden_cases(name)
    return round(3 * sum(passing(args) for args, _ in cases) / len(cases), 2)


# gd_step that is wrong only for arrays with three axes: the visible test (1-D and 2-D) passes.
PARTLY_WRONG_GD_STEP = ("def gd_step(w, g, lr):\n"
                        "    return w + lr * g if w.ndim == 3 else w - lr * g\n")
# The deeplearning.ai assignment's own styles: moments through np.power (float64 for float32
# inputs under NumPy 2), dicts updated in place and returned, and float64 zeros as Adam's state.
CLASSIC_ADAM_STEP = ("def adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):\n"
                     "    m = beta1 * m + (1 - beta1) * g\n"
                     "    v = beta2 * v + (1 - beta2) * np.power(g, 2)\n"
                     "    m_corrected = m / (1 - np.power(beta1, t))\n"
                     "    v_corrected = v / (1 - np.power(beta2, t))\n"
                     "    return w - lr * m_corrected / (np.sqrt(v_corrected) + eps), m, v\n")
CLASSIC_INITIALIZE_ADAM = ("def initialize_adam(parameters):\n"
                           "    L = len(parameters) // 2\n"
                           "    v, s = {}, {}\n"
                           "    for l in range(1, L + 1):\n"
                           "        for p in ('W', 'b'):\n"
                           "            v['d' + p + str(l)] = np.zeros(parameters[p + str(l)].shape)\n"
                           "            s['d' + p + str(l)] = np.zeros(parameters[p + str(l)].shape)\n"
                           "    return v, s\n")
CLASSIC_UPDATE_WITH_ADAM = (
    "def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,\n"
    "                                epsilon=1e-8):\n"
    "    L = len(parameters) // 2\n"
    "    v_corrected, s_corrected = {}, {}\n"
    "    for l in range(1, L + 1):\n"
    "        for p in ('W', 'b'):\n"
    "            d = 'd' + p + str(l)\n"
    "            v[d] = beta1 * v[d] + (1 - beta1) * grads[d]\n"
    "            v_corrected[d] = v[d] / (1 - np.power(beta1, t))\n"
    "            s[d] = beta2 * s[d] + (1 - beta2) * np.power(grads[d], 2)\n"
    "            s_corrected[d] = s[d] / (1 - np.power(beta2, t))\n"
    "            parameters[p + str(l)] = parameters[p + str(l)] - learning_rate * v_corrected[d] / (\n"
    "                np.sqrt(s_corrected[d]) + epsilon)\n"
    "    return parameters, v, s, v_corrected, s_corrected\n")


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
        # Patches NumPy's and the checks' comparisons, and takes the first exercise from the reference:
        # what it earns is the other exercises, which it solved.
        "cheater": (_with_cell_after_setup(submission(release_nb, source_nb, replace={
            first: f"from solutions import {first}\n"}), CHEAT), full - POINTS_PER_EXERCISE),
        # Forgot the return in the first exercise, which later exercises build on.
        "one_wrong": (submission(release_nb, source_nb, replace={
            first: f"def {first}(*args, **kwargs):\n    result = None\n"}), full - POINTS_PER_EXERCISE),
        # One exercise never returns: it gets zero, everything else is graded.
        "never_returns": (submission(release_nb, source_nb, replace={
            looping: f"def {looping}(*args, **kwargs):\n    while True:\n        pass\n"}),
            full - POINTS_PER_EXERCISE),
        # Imports the reference package (not there when graded); deletes an exercise's solution cell together
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
        # Wrong on the 3-D cases only: the visible point and a share of the hidden ones.
        "partly_wrong": (submission(release_nb, source_nb, replace={"gd_step": PARTLY_WRONG_GD_STEP}),
                         full - 3 + share("gd_step", lambda args: args[0].ndim != 3)) if "gd_step" in names else None,
        # Correct classic code earns full points, except float64 zeros as float32 parameters' state
        # (initialize_adam is about the dtype): its visible point and its float32 hidden cases.
        "classic_styles": (submission(release_nb, source_nb, replace={
            "adam_step": CLASSIC_ADAM_STEP, "initialize_adam": CLASSIC_INITIALIZE_ADAM,
            "update_parameters_with_adam": CLASSIC_UPDATE_WITH_ADAM}),
            full - 4 + share("initialize_adam", lambda args: next(iter(args[0].values())).dtype == np.float64))
        if "adam_step" in names else None,
        # Wrong shape full of NaN in one exercise, an exception in another, and a scratch cell
        # of its own whose error is raised inside NumPy (its traceback names library files).
        "bad_values": (_with_cell_after_setup(submission(release_nb, source_nb, replace={
            second: f"import numpy as np\ndef {second}(*args, **kwargs):\n    return np.full(3, np.nan)\n",
            last: f"def {last}(*args, **kwargs):\n    raise ValueError('not done yet')\n"}), SCRATCH_ERROR),
            full - 2 * POINTS_PER_EXERCISE),
    }
    return {student: cases[student] for student in students(chapter)}


def release_and_submit(autograder, chapter, make_class):
    """Release ``chapter``, then put each student's work of ``make_class(release, source)`` in submitted/.

    A student's work is a notebook, or a function that fills their submission folder.
    Returns {student: expected score}.
    """
    nbgrader(autograder, "generate_assignment", chapter)
    release_nb = nbformat.read(autograder / "release" / chapter / f"{chapter}.ipynb", as_version=4)
    source_nb = nbformat.read(autograder / "source" / chapter / f"{chapter}.ipynb", as_version=4)
    expected = {}
    for student, (work, score) in make_class(release_nb, source_nb).items():
        folder = autograder / "submitted" / student / chapter
        folder.mkdir(parents=True)
        work(folder) if callable(work) else nbformat.write(work, folder / f"{chapter}.ipynb")
        expected[student] = score
    return expected


def feedback_and_scores(autograder, chapter):
    """Generate feedback and export: ({(assignment, student): score} from grades.csv, generate_feedback's log)."""
    feedback = nbgrader(autograder, "generate_feedback", chapter)
    nbgrader(autograder, "export")
    with open(autograder / "grades.csv") as f:
        scores = {(row["assignment"], row["student_id"]): float(row["score"]) for row in csv.DictReader(f)}
    return scores, feedback.stdout + feedback.stderr


CHEAT = ("import numpy as np\nimport checks\n"
         "np.allclose = lambda *args, **kwargs: True\n"
         "checks.check_close = lambda *args, **kwargs: print('OK')\n"
         "try:\n    print(open('../../../solutions/__init__.py').read())\nexcept OSError:\n    pass\n")


SCRATCH_ERROR = "np.reshape(np.zeros(3), (2, 2))\n"


def _with_cell_after_setup(nb, source):
    index = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell(source))
    return nb


def grade_chapter(chapter, folder, *autograde_options):
    """Release, submit the class, autograde (with these options), give feedback and export, from a fresh course copy."""
    autograder = copy_course(folder)
    if chapter != SHIPPED_LIMITS_CHAPTER:
        config = autograder / "nbgrader_config.py"
        config.write_text(config.read_text() + SHORTER_LIMITS)
    expected = release_and_submit(autograder, chapter,
                                  lambda release, source: class_of_submissions(chapter, release, source))
    run = nbgrader(autograder, "autograde", chapter, *autograde_options)
    expected = {(chapter, student): score for student, score in expected.items()}
    scores, feedback_log = feedback_and_scores(autograder, chapter)
    return {"autograder": autograder, "expected": expected, "scores": scores, "log": run.stdout + run.stderr,
            "feedback_log": feedback_log}


def grade_every_chapter(folder, also=None):
    """{chapter: grade_chapter's result}, plus {name: job(folder / name)} for each extra job in ``also``.

    Three course copies at a time: each is graded by one nbgrader process
    (an SQLite gradebook has one writer), and part of the time goes into
    waiting out time limits, so three keep two cores busy.
    """
    jobs = dict(list((also or {}).items())[:1])  # the longest extra job first
    # The same class of one chapter graded again, several submissions at a time (./run grade).
    jobs[PARALLEL] = lambda root: grade_chapter(PARALLEL_CHAPTER, root, "--CourseAutograde.jobs=3",
                                                "--CourseAutograde.class_summary=True")
    jobs.update({chapter: (lambda root, chapter=chapter: grade_chapter(chapter, root)) for chapter in chapters()})
    jobs.update(dict(list((also or {}).items())[1:]))
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {name: pool.submit(job, folder / name) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}
