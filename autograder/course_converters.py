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
  ``StudentSandbox``), with one sentence that says what to do.

``install()`` (called from nbgrader_config.py) makes the ``nbgrader
autograde`` command use this class; everything else is nbgrader's own.
"""

import contextlib
import json
import os
import stat

import nbformat
import nbgrader.apps.autogradeapp
import nbgrader.converters.base
from nbgrader.converters import Autograde
from nbgrader.converters.base import NbGraderException

from course_preprocessors import StudentSandbox

MAX_NOTEBOOK_BYTES = 20 * 2 ** 20


class CourseAutograde(Autograde):
    def start(self):
        refusal = StudentSandbox(config=self.config).refusal()
        if refusal:
            self.log.error(refusal)
            raise NbGraderException(refusal)
        super().start()

    def init_assignment(self, assignment_id, student_id):
        # BaseConverter.init_assignment copies the submission's other files: skip that part only.
        with _no_files_found():
            super().init_assignment(assignment_id, student_id)

    def convert_single_notebook(self, notebook_filename):
        problem = unreadable_notebook(notebook_filename)
        if problem is None:
            return super().convert_single_notebook(notebook_filename)
        self.log.error("%s: %s; it is graded as an empty notebook", notebook_filename, problem)
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
            return super().convert_single_notebook(notebook_filename)
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
