"""nbgrader's autograde command, trusting nothing in a submission folder but the notebook's text.

Stock ``nbgrader autograde`` copies every file of a student's submission
folder into ``autograded/`` (following symbolic links, so a link to the
gradebook or to the reference solutions is read with the instructor's
rights), and from there ``generate_feedback`` copies them into the
feedback folder. It also reads the submitted notebook through any symbolic
link. ``CourseAutograde`` changes exactly that:

- no file of the submission folder is copied: the helper modules come from
  ``source/`` (nbgrader copies those as usual), and nothing a student put
  next to the notebook reaches ``autograded/`` or ``feedback/``;
- the notebook is read only if it is a regular file (not a link, a pipe or
  a device) of at most ``MAX_NOTEBOOK_BYTES`` that parses as a notebook;
  otherwise it is graded as an empty notebook whose one cell says why, so
  the student gets zeros and a clear sentence instead of a crashed run;
- grading refuses to start when student code cannot be sandboxed (see
  ``StudentSandbox``), with one sentence that says what to do;
- an assignment that does not exist or was never generated, no
  submissions, a submission whose notebook has another name, and a student
  missing from the gradebook (when students are not created) each get one
  sentence with the fix, not a traceback; the other submissions are graded.

``install()`` (called from nbgrader_config.py) makes the ``nbgrader
autograde`` command use this class; everything else is nbgrader's own.
"""

import contextlib
import glob
import json
import os
import stat
from pathlib import Path

import nbformat
import nbgrader.apps.autogradeapp
import nbgrader.converters.base
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import Autograde
from nbgrader.converters.base import NbGraderException
from traitlets import Bool, Integer

from course_preprocessors import StudentSandbox

MAX_NOTEBOOK_BYTES = 20 * 2 ** 20


class CourseAutograde(Autograde):
    jobs = Integer(1, help="Submissions graded at the same time, each in its own sandboxes (the gradebook "
                           "is still written by this process alone); 0: twice the number of cores, at most "
                           "one per GB of memory.").tag(config=True)
    class_summary = Bool(False, help="Show a progress bar over the class, and a table of the "
                                     "scores and of the submissions that did not run at the end.").tag(config=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unreadable = {}   # student -> why their notebook could not be read

    def start(self):
        refusal = StudentSandbox(config=self.config).refusal()
        if refusal:
            self.log.error(refusal)
            raise NbGraderException(refusal)
        super().start()

    def init_notebooks(self):
        """nbgrader's search for submissions, after checks that say in one sentence what is wrong."""
        assignment = self.coursedir.assignment_id
        problem = self._assignment_problem(assignment)
        if problem:
            self.log.error(problem)
            raise NbGraderException(problem)
        super().init_notebooks()
        self._drop_unusable_submissions(assignment)

    def _assignment_problem(self, assignment):
        source = Path(self.coursedir.format_path(self.coursedir.source_directory, ".", assignment))
        if any(ch in assignment for ch in "*?["):
            return None  # a pattern: nbgrader matches it
        if not source.is_dir():
            known = sorted(p.name for p in source.parent.iterdir() if p.is_dir()) if source.parent.is_dir() else []
            return (f"There is no assignment '{assignment}' in {source.parent}: the assignments are "
                    f"{', '.join(known) or 'none yet'}.")
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gradebook:
            try:
                gradebook.find_assignment(assignment)
            except MissingEntry:
                return f"'{assignment}' is not in the gradebook yet: run `nbgrader generate_assignment {assignment}` first."
        pattern = self._format_source(assignment, self.coursedir.student_id)
        if not glob.glob(pattern):
            return (f"There are no submissions of {assignment}: put each student's notebook at "
                    f"{self._format_source(assignment, '<student_id>')}/{assignment}.ipynb (by hand, or with "
                    f"`nbgrader zip_collect {assignment}` or `nbgrader collect {assignment}`).")
        return None

    def _drop_unusable_submissions(self, assignment):
        """Leave out, with one sentence each, submissions that nbgrader could only fail on."""
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gradebook:
            names = {n.name for n in gradebook.find_assignment(assignment).notebooks}
            students = {s.id for s in gradebook.students}
        for folder in sorted(self.assignments):
            student = Path(folder).parent.name
            found = [Path(nb) for nb in self.assignments[folder]]
            if not any(nb.stem in names for nb in found):
                self.log.error("%s holds %s but not %s: rename the notebook (nbgrader grades notebooks by "
                               "their name) and grade again; %s is not graded now.", folder,
                               ", ".join(nb.name for nb in found), " or ".join(f"{n}.ipynb" for n in sorted(names)),
                               student)
                del self.assignments[folder]
            elif not self.create_student and student not in students:
                self.log.error("%s is not in the gradebook: add them with `nbgrader db student add %s` (or set "
                               "Autograde.create_student = True); their submission is not graded now.",
                               student, student)
                del self.assignments[folder]
        if not self.assignments:
            raise NbGraderException(f"No submission of {assignment} can be graded (see above).")

    def init_assignment(self, assignment_id, student_id):
        # BaseConverter.init_assignment copies the submission's other files: skip that part only.
        with _no_files_found():
            super().init_assignment(assignment_id, student_id)

    def convert_single_notebook(self, notebook_filename):
        with self._read_safely(notebook_filename):
            return super().convert_single_notebook(notebook_filename)

    def convert_notebooks(self):
        if self.jobs == 1 and not self.class_summary:
            return super().convert_notebooks()
        from course_class import grade_class
        grade_class(self)

    @contextlib.contextmanager
    def _read_safely(self, notebook_filename):
        """Read the submitted notebook only if it is a notebook file; else an empty notebook that says why."""
        problem = unreadable_notebook(notebook_filename)
        if problem is None:
            yield
            return
        self.log.error("%s: %s; it is graded as an empty notebook", notebook_filename, problem)
        self.unreadable[os.path.basename(os.path.dirname(os.path.dirname(notebook_filename)))] = problem
        placeholder = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
            f"**This submission could not be graded: {problem}.** Submit the notebook file itself "
            "(File > Download in Jupyter), not a link or a copy in another format.")])
        original = self.exporter.from_filename

        def read_placeholder(filename, resources=None, **kw):
            if os.path.abspath(filename) == os.path.abspath(notebook_filename):
                return self.exporter.from_notebook_node(placeholder, resources=resources, **kw)
            return original(filename, resources=resources, **kw)

        self.exporter.from_filename = read_placeholder
        try:
            yield
        finally:
            del self.exporter.from_filename


def unreadable_notebook(path):
    """None if ``path`` is a notebook file that may be read, else why not (part of a sentence)."""
    try:
        info = os.lstat(path)
    except OSError as error:
        return f"the file could not be opened ({error.strerror})"
    if stat.S_ISLNK(info.st_mode):
        return "the notebook is a symbolic link, not a file"
    if not stat.S_ISREG(info.st_mode):
        return "the notebook is not a regular file"
    if info.st_size > MAX_NOTEBOOK_BYTES:
        return f"the notebook is larger than {MAX_NOTEBOOK_BYTES // 2 ** 20} MB"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as file:
            nbformat.reads(file.read(MAX_NOTEBOOK_BYTES + 1).decode("utf-8"), as_version=4)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, nbformat.reader.NotJSONError,
            nbformat.validator.ValidationError, ValueError, KeyError, TypeError, AttributeError) as error:
        return f"the file is not a readable Jupyter notebook ({type(error).__name__})"
    return None


@contextlib.contextmanager
def _no_files_found():
    original = nbgrader.converters.base.find_all_files
    nbgrader.converters.base.find_all_files = lambda *args, **kwargs: []
    try:
        yield
    finally:
        nbgrader.converters.base.find_all_files = original


def install():
    """Make `nbgrader autograde` use CourseAutograde."""
    nbgrader.apps.autogradeapp.Autograde = CourseAutograde
