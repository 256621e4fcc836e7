"""nbgrader configuration of the Descent course (read from this directory).

Run every nbgrader command from autograder/. The source assignments in
source/ are symlinks to the chapter notebooks and helper modules, so the
chapters stay the one copy of every exercise.

Grading happens outside the student's kernel: the notebook runs in a
sandboxed kernel for its feedback only, and every test cell's score comes
from the course's grader, which calls the student's functions in a
sandboxed worker and judges what they return (course_preprocessors.py,
grading/). The settings below are the ones an instructor may want to
change; the instructor guide explains them.
"""

import sys
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# The grader (grading/, solutions/) and this folder's plugins are imported by nbgrader itself;
# student code never sees them.
for folder in (REPO, HERE):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.converters import GenerateAssignment  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, ClearOutput, GetGrades, IgnorePattern, LimitOutput,
    NbGraderPreprocessor, OverwriteKernelspec, SaveAutoGrades,
)

import course_converters  # noqa: E402
from course_citations import PlainCitations  # noqa: E402
from course_figures import NumberedFigures  # noqa: E402
from course_preprocessors import (  # noqa: E402
    RestoreDeletedTestCells, SafeOutputs, SandboxedGrading, SanitizeNotebook, ShortErrorsInTestCells, WrapLongLines,
)

# nbgrader's preprocessors redeclare nbconvert's display_data_priority without config=True, and
# nbconvert's HTML exporter configures it for all of them: generate_feedback warned "Config option
# `display_data_priority` not recognized by ..." once per preprocessor. Configurable, as in
# nbconvert, it is accepted silently (no preprocessor of the course or of nbgrader reads it).
NbGraderPreprocessor.class_traits()["display_data_priority"].tag(config=True)

c = get_config()  # noqa: F821  (provided by traitlets when it loads this file)

# nbgrader 0.9.6 creates gradebook rows with SQLAlchemy 2.x, whose autoflush warns that a new
# row is "not in session" before nbgrader adds it; nothing is lost (the tests check the
# gradebook), so the warning is noise on every submission.
warnings.filterwarnings("ignore", message=r"Object of type <\w+> not in session", module="nbgrader")

c.CourseDirectory.course_id = "descent"
c.CourseDirectory.root = str(HERE)

# `nbgrader autograde` copies no file of a submission folder but reads the notebook safely,
# and refuses to run without a sandbox (course_converters.py).
course_converters.install()

# What students see in place of a solution region.
c.ClearSolutions.code_stub = {
    "python": "# ========== YOUR CODE HERE ==========\n"
              "raise NotImplementedError(\"Replace this line with your code\")\n"
              "# ========== END OF YOUR CODE =========="
}

# Jupyter shows MyST roles raw and ignores a figure's caption (cell metadata), so the release
# puts a numbered caption under each figure's cell and writes {numref}`fig-05-bias` as
# "Figure 5.3" (course_figures.py), then writes the citation roles ({cite:t}`kingma2015adam`)
# out as plain text with a link, from references.bib, captions included (course_citations.py).
# The website keeps the roles: Sphinx numbers the figures and links the citations to its
# bibliography page. Right after the header, so that it is treated the same way.
_release = list(GenerateAssignment.class_traits()["preprocessors"].default())
c.GenerateAssignment.preprocessors = _release[:1] + [NumberedFigures, PlainCitations] + _release[1:]
c.PlainCitations.bibtex_file = str(REPO / "references.bib")

# Student code runs in bubblewrap with these limits. Without bubblewrap grading refuses to
# start, unless every submission is trusted: --StudentSandbox.trusted_submissions=True.
c.StudentSandbox.trusted_submissions = False
c.StudentSandbox.memory_bytes = 3 * 2 ** 30
c.StudentSandbox.cpu_seconds = 120
c.StudentSandbox.processes = 64

# The kernel run (for feedback only): a cell that runs longer than 15 s is interrupted, the
# whole notebook has 90 s, and output is capped in bytes.
c.Execute.timeout = 15
c.Execute.interrupt_on_timeout = True
c.Execute.error_on_timeout = {
    "ename": "CellTimeoutError",
    "evalue": "this cell did not finish within 15 s and was interrupted (a loop that never ends?)",
    "traceback": ["CellTimeoutError: this cell did not finish within 15 s and was interrupted"],
}
c.SandboxedExecute.notebook_deadline = 90
# The grader: one call of a student's function may take 5 s, counted in the worker's own time
# (time spent waiting for a CPU while other submissions are graded does not count).
c.GradeOutsideKernel.seconds_per_call = 5
# All of a submission's cells and calls in the worker get 120 s of its time together (a solved
# notebook needs a few seconds): functions that each take just under 5 s cannot hold the grader
# for every case of every exercise. What would run after the 120 s scores 0, and the feedback
# says why.
c.GradeOutsideKernel.seconds_per_submission = 120

# Deleted or edited test cells are restored from the gradebook before grading.
c.OverwriteCells.add_missing_cells = True
c.Autograde.sanitize_preprocessors = [
    ClearOutput, SanitizeNotebook, OverwriteKernelspec, RestoreDeletedTestCells, CheckCellMetadata,
]
# The sandboxed steps (the notebook's run for feedback, and the grading) come first, as one:
# `./run grade` runs them for several submissions at once.
c.Autograde.autograde_preprocessors = [
    SandboxedGrading, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
    SaveAutoGrades, AssignLatePenalties, CheckCellMetadata,
]

# Feedback never shows hidden-test code, nor tracebacks that could quote it, nor anything
# of a student's output that a browser would run.
c.GenerateFeedback.preprocessors = [
    GetGrades, ClearHiddenTests, ShortErrorsInTestCells, SafeOutputs, CSSHTMLHeaderPreprocessor, WrapLongLines,
]

# `nbgrader export` writes grades.csv with a status column ("not submitted" is not a 0) and
# lms_grades.csv for a Canvas or Moodle gradebook import (course_export.py).
c.ExportApp.plugin_class = "course_export.CourseExport"
