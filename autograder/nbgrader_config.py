"""nbgrader configuration of the Descent course (read from this directory).

Run every nbgrader command from autograder/. The source assignments in
source/ are symlinks to the chapter notebooks and helper modules, so the
chapters stay the one copy of every exercise.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    CheckCellMetadata, ClearHiddenTests, ClearOutput, DeduplicateIds, GetGrades, OverwriteKernelspec,
)

from course_preprocessors import RestoreDeletedTestCells, ShortErrorsInTestCells  # noqa: E402

c = get_config()  # noqa: F821  (provided by traitlets when it loads this file)

c.CourseDirectory.course_id = "descent"
c.CourseDirectory.root = str(HERE)

# Hidden tests import the reference package `solutions` and the harness
# `grading` from the repository; kernels inherit this environment.
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(REPO)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])

# What students see in place of a solution region.
c.ClearSolutions.code_stub = {
    "python": "# ========== YOUR CODE HERE ==========\n"
              "raise NotImplementedError(\"Replace this line with your code\")\n"
              "# ========== END OF YOUR CODE =========="
}

# A cell that runs too long (a loop that never ends) is interrupted and
# graded as failed; the rest of the notebook still runs. The harness stops
# a single slow call after 5 s on its own, so this is the backstop.
c.Execute.timeout = 15
c.Execute.interrupt_on_timeout = True
c.Execute.error_on_timeout = {
    "ename": "CellTimeoutError",
    "evalue": "this cell did not finish within 15 s and was interrupted (a loop that never ends?)",
    "traceback": ["CellTimeoutError: this cell did not finish within 15 s and was interrupted"],
}

# Deleted or edited test cells are restored from the gradebook before grading.
c.OverwriteCells.add_missing_cells = True
c.Autograde.sanitize_preprocessors = [
    ClearOutput, DeduplicateIds, OverwriteKernelspec, RestoreDeletedTestCells, CheckCellMetadata,
]

# Feedback never shows hidden-test code, nor tracebacks that could quote it.
c.GenerateFeedback.preprocessors = [
    GetGrades, ClearHiddenTests, ShortErrorsInTestCells, CSSHTMLHeaderPreprocessor,
]
