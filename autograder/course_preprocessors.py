"""nbgrader preprocessors of the Descent course: submissions are graded outside the student's kernel.

nbgrader's own autograde runs a submitted notebook and scores each test
cell by what that cell printed in the student's kernel, so the student's
code could change its own score. Here the kernel run only makes the
feedback (the student's figures and printouts); the scores come from
``GradeOutsideKernel``, which runs the student's functions in a separate
sandboxed worker and judges what they return, as data, in this process.

Sanitizing (nbgrader's ``Autograde.sanitize_preprocessors``)
    ``SanitizeNotebook``       nbgrader metadata rebuilt from the gradebook (duplicated, pasted or
                               edited grade cells cannot add points), no student metadata or attachments
    ``RestoreDeletedTestCells`` deleted test cells put back, without nbgrader's KeyError
Autograding (``Autograde.autograde_preprocessors``)
    ``SandboxedGrading``       the next two at once (the kernel in a thread):
    ``SandboxedExecute``       the notebook in a bubblewrap-sandboxed kernel, test cells not run,
                               output capped in bytes, a deadline for the whole notebook
    ``GradeOutsideKernel``     every test cell's score and feedback text, from the sandboxed worker
Feedback (``GenerateFeedback.preprocessors``)
    ``ShortErrorsInTestCells`` tracebacks of test cells cut to their message
    ``SafeOutputs``            only plain text and images from the student's outputs; edited Markdown
                               shown as text (no script of a student's runs in a reader's browser)
"""

import base64
import binascii
import contextlib
import copy
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async, run_sync
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.converters import GenerateAssignment
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute, NbGraderPreprocessor, OverwriteCells
from traitlets import Bool, Dict, Enum, Float, Instance, Integer, Unicode
from traitlets.config import LoggingConfigurable

from course_figures import caption_number
from grading import judge
from grading.cells import without_hidden_tests
from grading.cases import EXERCISES
from grading.remote import StudentProgram
from grading.sandbox import Limits, Sandbox, check_available, make_readable, python_prefixes

KERNEL_WORK_DIR = "/tmp/work"


# ------------------------------------------------------------------ the sandbox, as configured


class StudentSandbox(LoggingConfigurable):
    """How student code is confined while a submission is graded (set in nbgrader_config.py).

    Without bubblewrap, grading refuses to start unless ``trusted_submissions``
    is set (the instructor's statement that no submission is hostile), or
    ``without_namespaces`` says to run student code as an unprivileged user
    (for containers that allow no namespaces and hold one submission, with
    the course's files made unreadable to that user; see grading/sandbox.py).
    """

    trusted_submissions = Bool(
        False, help="Run submissions without a sandbox (only the resource limits apply). "
                    "Only for submissions you trust: their code can then read and change your files.",
    ).tag(config=True)
    without_namespaces = Enum(
        ["refuse", "unprivileged-user"], "refuse",
        help="Where bubblewrap cannot make a sandbox: refuse to grade, or (as root) run student code as "
             "the user nobody, with the limits but without a file system or network of its own.",
    ).tag(config=True)
    memory_bytes = Integer(Limits.memory_bytes, help="Address space of each sandboxed process.").tag(config=True)
    cpu_seconds = Integer(Limits.cpu_seconds, help="CPU seconds of each sandboxed process.").tag(config=True)
    processes = Integer(Limits.processes, help="Processes and threads in one sandbox.").tag(config=True)
    file_bytes = Integer(Limits.file_bytes, help="Largest file a sandboxed process may write.").tag(config=True)

    def sandbox(self):
        limits = Limits(memory_bytes=self.memory_bytes, cpu_seconds=self.cpu_seconds,
                        processes=self.processes, file_bytes=self.file_bytes)
        return Sandbox(limits, mode=self.mode())

    def mode(self):
        if self.trusted_submissions:
            return "trusted"
        if self.without_namespaces == "unprivileged-user" and check_available() is not None:
            return "user"
        return "bwrap"

    def refusal(self):
        """None if submissions can be graded here, else the sentence to tell the instructor."""
        if self.trusted_submissions:
            return None
        problem = check_available()
        if problem is None:
            return None
        if self.without_namespaces == "unprivileged-user":
            if os.geteuid() == 0:
                return None
            return ("Grading refused: StudentSandbox.without_namespaces = 'unprivileged-user' needs root "
                    f"(to run student code as nobody), and {problem}")
        return (f"Grading refused: student code must run in a sandbox, but {problem} "
                "If every submission is trusted, pass --StudentSandbox.trusted_submissions=True instead.")


def _source_folder(config, assignment):
    coursedir = CourseDirectory(config=config)
    return Path(coursedir.format_path(coursedir.source_directory, ".", assignment))


def _helper_files(source_folder):
    """The chapter's helper modules: every file of the source assignment but notebooks."""
    return sorted(p for p in source_folder.iterdir() if p.is_file() and p.suffix != ".ipynb"
                  and not p.name.startswith("."))


# ------------------------------------------------------------------ sanitizing


class SanitizeNotebook(NbGraderPreprocessor):
    """Rebuild every cell's nbgrader metadata from the gradebook; drop what a student could abuse.

    A cell keeps nbgrader metadata only if its grade_id is a cell of this
    notebook in the gradebook and no earlier cell claimed it; its flags and
    points are then the gradebook's, whatever the submission says. Pasted
    copies of test cells, invented grade cells and edited points become
    plain cells. Notebook metadata other than the kernel's, cell
    attachments and duplicated cell ids are removed.
    """

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gradebook:
            source = gradebook.find_notebook(info["notebook"], info["assignment"])
            grade_points = {c.name: float(c.max_score) for c in source.grade_cells}
            solution_ids = {c.name for c in source.solution_cells}
            task_ids = {c.name for c in source.task_cells}
            source_cells = {c.name: (c.cell_type, c.locked) for c in source.source_cells}
        nb.metadata = nbformat.NotebookNode({k: v for k, v in nb.metadata.items()
                                             if k in ("kernelspec", "language_info")})
        claimed, ids = set(), set()
        for cell in nb.cells:
            cell.pop("attachments", None)
            if cell.get("id") in ids or not isinstance(cell.get("id"), str):
                cell["id"] = uuid.uuid4().hex[:8]
            ids.add(cell["id"])
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id") \
                if isinstance(cell.metadata.get("nbgrader"), dict) else None
            if grade_id not in source_cells or grade_id in claimed:
                if "nbgrader" in cell.metadata:
                    self.log.warning("Cell with grade_id %r is not in the gradebook or repeated: made a plain cell",
                                     grade_id)
                cell.metadata.pop("nbgrader", None)
                continue
            claimed.add(grade_id)
            cell_type, locked = source_cells[grade_id]
            metadata = {"grade_id": grade_id, "grade": grade_id in grade_points,
                        "solution": grade_id in solution_ids, "locked": bool(locked), "schema_version": 3}
            if grade_id in grade_points:
                metadata["points"] = grade_points[grade_id]
            if grade_id in task_ids:
                metadata["task"] = True
            cell.metadata["nbgrader"] = metadata
            if cell.cell_type != cell_type:  # OverwriteCells converts it back
                self.log.warning("Cell %s changed type to %s", grade_id, cell.cell_type)
        return nb, resources


class RestoreDeletedTestCells(OverwriteCells):
    """OverwriteCells whose restoring of deleted test cells cannot crash.

    nbgrader's own ``add_missing_cells`` puts a deleted test cell after the
    source cell that preceded it, and raises KeyError when that cell was
    deleted too (say a student removed an exercise's solution and test
    cells together). Here each missing test cell goes after the nearest
    earlier source cell still in the notebook, or first if there is none.
    """

    def add_missing_grade_cells(self, nb, resources):
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        source_order = [cell.name for cell in source_nb.source_cells]
        source_by_id = {cell.name: cell for cell in source_nb.source_cells}
        solution_ids = {cell.name for cell in source_nb.solution_cells}
        for grade_cell in source_nb.grade_cells:
            present = self._grade_id_positions(nb)
            if grade_cell.name in present:
                continue
            kind = "Answer cell" if grade_cell.name in solution_ids else "Test cell"
            self.log.warning("%s %s was deleted; adding it back", kind, grade_cell.name)
            earlier = source_order[:source_order.index(grade_cell.name)]
            anchors = [present[name] for name in earlier if name in present]
            position = max(anchors) + 1 if anchors else 0
            restored = nbformat.from_dict(self.missing_cell_transform(  # attribute access all the way down
                source_by_id[grade_cell.name], grade_cell.max_score,
                is_solution=grade_cell.name in solution_ids))
            restored["id"] = uuid.uuid4().hex[:8]   # nbformat 4.5 wants one
            nb.cells.insert(position, restored)
        return nb, resources

    def report_change(self, name, attr, old, new):
        # A hidden-test cell of a submission lacks its hidden code by design (nbgrader's release
        # strips it); putting it back is routine, not news. Other changes are reported.
        if attr == "checksum" and name.startswith("hidden_"):
            self.log.debug("Hidden tests of %s put back", name)
            return
        super().report_change(name, attr, old, new)

    @staticmethod
    def _grade_id_positions(nb):
        return {cell.metadata.nbgrader["grade_id"]: i for i, cell in enumerate(nb.cells)
                if "nbgrader" in cell.metadata and "grade_id" in cell.metadata.nbgrader}


# ------------------------------------------------------------------ the kernel, sandboxed


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel started inside the sandbox, reached over Unix sockets in a folder shared with it."""

    sandbox = Instance(Sandbox, allow_none=True)
    read_only = Instance(list, ())
    shared = Unicode("")
    environment = Dict({"NBGRADER_EXECUTION": "autograde"})  # the kernel's (on top of the sandbox's minimal one)
    max_message_bytes = Integer(64 * 2 ** 20)

    def format_kernel_cmd(self, extra_arguments=None):
        # Interrupts travel as messages: a signal would reach bubblewrap, not the kernel.
        self.kernel_spec.interrupt_mode = "message"
        command = super().format_kernel_cmd(extra_arguments)
        return self.sandbox.command(command, read_only=self.read_only, writable=[(self.shared, self.shared)],
                                    env=dict(self.environment), cwd=KERNEL_WORK_DIR if self.sandbox.confined
                                    else str(Path(self.shared).parent / "helpers"))

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        # What the student's kernel prints outside its messages is the student's: not the console's.
        kw["stdout"] = kw["stderr"] = subprocess.DEVNULL
        return await super()._async_launch_kernel(kernel_cmd, **kw)

    def write_connection_file(self, **kwargs):
        super().write_connection_file(**kwargs)
        # The file is private to this user; the kernel runs as the sandbox's user.
        uid, gid = self.sandbox.user()
        os.chown(self.connection_file, uid, gid)

    def _context_default(self):
        context = super()._context_default()
        import zmq
        context.setsockopt(zmq.MAXMSGSIZE, self.max_message_bytes)  # a flood of output cannot exhaust memory here
        return context


class SandboxedExecute(Execute):
    """nbgrader's Execute, with the kernel in a sandbox and every cell's output only for feedback.

    The kernel sees the chapter's helper modules and nothing of the course.
    Test cells are not run in it: their outputs would be replaced by the
    grader's verdicts anyway, and a student's function that hangs there
    would burn a core until the cell's timeout, once per submission (the
    chapters run the same without them: tests/test_chapter_format.py).
    Hidden-test regions of any other graded cell are removed before it is
    sent to the kernel (and put back afterwards), so no hidden test ever
    runs or shows in the student's kernel. Scores do not depend on this run
    (``GradeOutsideKernel`` computes them); it only fills in the outputs
    the feedback shows. A cell that does not finish in ``timeout`` seconds
    is interrupted; a kernel that ignores the interrupt, dies, or exceeds
    ``notebook_deadline`` is stopped, and the cells after it are marked as
    not run.
    """

    notebook_deadline = Float(90.0, help="Seconds for the whole notebook; later cells are not run.").tag(config=True)
    output_bytes_per_cell = Integer(1 * 2 ** 20, help="Bytes of output kept per cell.").tag(config=True)
    output_bytes = Integer(8 * 2 ** 20, help="Bytes of output kept per notebook.").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        student_sandbox = StudentSandbox(config=self.config)
        self._sandbox = student_sandbox.sandbox()
        self._stopped = None
        self._deadline = time.monotonic() + self.notebook_deadline
        self._bytes_total = 0
        self._bytes = {}
        scratch = Path(tempfile.mkdtemp(prefix="descent-kernel-"))
        originals = {}
        try:
            self._prepare_scratch(scratch, resources)
            for index, cell in enumerate(nb.cells):
                if cell.cell_type == "code" and utils.is_grade(cell):
                    originals[index] = cell.source
                    cell.source = without_hidden_tests(cell.source)
            started = time.monotonic()
            try:
                result = super().preprocess(nb, resources, km)
                self.log.info("Ran the notebook in a sandboxed kernel in %.1f s", time.monotonic() - started)
                return result
            except (DeadKernelError, CellTimeoutError, RuntimeError) as error:
                self.log.warning("The student's kernel stopped: %s", error)
                self._stopped = self._stopped or f"the kernel stopped ({type(error).__name__})"
                self._mark_rest(nb, self._stopped)
                return nb, resources
        finally:
            for index, source in originals.items():
                nb.cells[index].source = source
            shutil.rmtree(scratch, ignore_errors=True)
            if self._stopped and resources is not None:
                resources.setdefault("descent", {})["kernel_stopped"] = self._stopped

    def _prepare_scratch(self, scratch, resources):
        assignment = resources["nbgrader"]["assignment"]
        helpers = scratch / "helpers"
        helpers.mkdir()
        for path in _helper_files(_source_folder(self.config, assignment)):
            shutil.copy(path, helpers / path.name)
        shared = scratch / "ipc"
        shared.mkdir()
        make_readable(scratch)
        uid, gid = self._sandbox.user()
        shutil.chown(shared, uid, gid)
        self._read_only = [(str(p), f"{KERNEL_WORK_DIR}/{p.name}") for p in sorted(helpers.iterdir())]
        self._shared = str(shared)

    def create_kernel_manager(self):
        if self._sandbox.mode == "trusted":   # a plain kernel, over Unix sockets too
            self.km = AsyncKernelManager(kernel_name=self.kernel_name or "python3", config=self.config,
                                         transport="ipc", connection_file=f"{self._shared}/kernel.json")
            return self.km
        self.km = SandboxedKernelManager(
            kernel_name=self.kernel_name or "python3", config=self.config, transport="ipc",
            connection_file=f"{self._shared}/kernel.json", sandbox=self._sandbox,
            read_only=self._read_only, shared=self._shared)
        return self.km

    async def async_start_new_kernel(self, **kwargs):
        if not self._sandbox.confined:  # no file system of its own: start in a copy of the helpers
            kwargs["cwd"] = str(Path(self._shared).parent / "helpers")
        # Figures for feedback are drawn once, not twice (the tight bounding box draws each
        # figure a second time): a figure cell takes half as long.
        if not any(arg.startswith("--InlineBackend.print_figure_kwargs") for arg in self.extra_arguments):
            self.extra_arguments = [*self.extra_arguments, "--InlineBackend.print_figure_kwargs={'bbox_inches': None}"]
        return await super().async_start_new_kernel(**kwargs)

    async def _async_handle_timeout(self, timeout, cell=None):
        # A student's slow cell is not an error of the grading run: say it once, quietly.
        if not self.interrupt_on_timeout:
            return await super()._async_handle_timeout(timeout, cell)
        self.log.info("A cell of the notebook ran for %.0f s; it is interrupted (the feedback shows it)", timeout)
        await ensure_async(self.km.interrupt_kernel())
        return {"content": {**self.error_on_timeout, "status": "error"}} if self.error_on_timeout else None

    def _get_timeout(self, cell):
        remaining = max(1.0, self._deadline - time.monotonic())
        timeout = super()._get_timeout(cell)
        return remaining if timeout is None else min(timeout, remaining)

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type != "code":
            return cell
        if utils.is_grade(cell) and not utils.is_solution(cell):   # a test cell: the grader's verdict
            cell.outputs = []
            return cell
        if self._stopped is None and time.monotonic() > self._deadline:
            self._stopped = f"the notebook took more than {self.notebook_deadline:g} s"
        if self._stopped:
            cell.outputs = [_note(f"Not run: {self._stopped}.")]
            return cell
        try:
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        except CellTimeoutError:
            self._stopped = "an earlier cell did not stop when it was interrupted"
        except DeadKernelError:
            self._stopped = "the kernel stopped in an earlier cell (did the code call exit, or use too much memory?)"
        cell.outputs.append(_note(f"This cell did not finish: {self._stopped.replace('an earlier cell', 'it')}."))
        await self._async_stop_kernel()
        return cell

    execute_cell = run_sync(async_execute_cell)  # nbclient binds the base class's coroutine otherwise

    async def _async_stop_kernel(self):
        with contextlib.suppress(Exception):
            await self.km._async_shutdown_kernel(now=True)

    def output(self, outs, msg, display_id, cell_index):
        size = _output_size(msg)
        used = self._bytes.get(cell_index, 0)
        if used + size > self.output_bytes_per_cell or self._bytes_total + size > self.output_bytes:
            if used >= 0:
                outs.append(_note(f"[output cut: a cell may show {self.output_bytes_per_cell // 1024} KB, "
                                  f"a notebook {self.output_bytes // 2 ** 20} MB]"))
                self._bytes[cell_index] = -1  # one notice per cell
            return None
        self._bytes[cell_index] = used + size
        self._bytes_total += size
        return super().output(outs, msg, display_id, cell_index)

    def _mark_rest(self, nb, reason):
        for cell in nb.cells:
            if cell.cell_type == "code" and not cell.get("outputs") and cell.source.strip():
                cell.outputs = [_note(f"Not run: {reason}.")]


def _output_size(msg):
    content = msg.get("content", {})
    if msg.get("msg_type") == "stream":
        return len(content.get("text", ""))
    data = content.get("data", {})
    return sum(len(str(v)) for v in data.values()) + len(str(content.get("traceback", "")))


def _note(text):
    return nbformat.v4.new_output("stream", name="stdout", text=text + "\n")


# ------------------------------------------------------------------ the scores


class GradeOutsideKernel(NbGraderPreprocessor):
    """Score every test cell from the student's functions, run in a sandboxed worker.

    The worker gets the student's code cells as text: the setup cell, the
    solution cells, the carried-over cell, and any cell the student added
    or changed (a helper function of their own); the chapter's own demo
    cells are left out (the kernel run shows them). Then, for each
    exercise, the visible test (the instructor's copy) runs here with the
    student's function called in the worker, and the hidden cases are
    judged (grading/judge.py). Each test cell's outputs become the verdict
    and its score, which nbgrader's SaveAutoGrades records: nothing the
    kernel printed counts.
    """

    seconds_per_call = Float(judge.SECONDS_PER_CALL, help="Seconds for one call of a student's "
                                                         "function.").tag(config=True)
    seconds_per_cell = Float(10.0, help="Seconds for the worker to run one of the student's cells; "
                                        "a slower cell is skipped.").tag(config=True)
    seconds_per_submission = Float(120.0, help="Seconds of the worker's time for all of a submission's "
                                               "cells and calls together; what would run after them "
                                               "scores 0.").tag(config=True)

    def preprocess(self, nb, resources):
        return self.write(nb, self.verdicts(nb, resources)), resources

    def write(self, nb, verdicts):
        """Each test cell's outputs become its verdict and, as its result, its score."""
        for index, verdict in verdicts.items():
            cell = nb.cells[index]
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=verdict.text + "\n"),
                            nbformat.v4.new_output("execute_result", data={"text/plain": repr(verdict.score)},
                                                   execution_count=cell.get("execution_count"))]
        return nb

    def verdicts(self, nb, resources):
        """{cell index: Verdict} for every test cell of ``nb``."""
        info = resources["nbgrader"]
        source_folder = _source_folder(self.config, info["assignment"])
        with Gradebook(info["db_url"]) as gradebook:
            notebook = gradebook.find_notebook(info["notebook"], info["assignment"])
            sources = {c.name: c.source for c in notebook.source_cells}
            points = {c.name: float(c.max_score) for c in notebook.grade_cells}
        source_nb = nbformat.read(source_folder / f"{info['notebook']}.ipynb", as_version=4)
        exercises = [gid[len("test_"):] for gid in points if gid.startswith("test_")
                     and gid[len("test_"):] in EXERCISES]
        started = time.monotonic()
        sandbox = StudentSandbox(config=self.config).sandbox()
        cells = _worker_cells(nb, source_nb, sources)
        helpers = _helper_files(source_folder)
        setup = judge.setup_namespace(sources.get("setup", ""), source_folder)
        verdicts = {}
        with StudentProgram(sandbox, cells, helpers, env={"NBGRADER_EXECUTION": "autograde"},
                            cell_seconds=self.seconds_per_cell,
                            budget_seconds=self.seconds_per_submission) as program:
            calls = {name: self._caller(program, name) for name in exercises}
            for index, cell in enumerate(nb.cells):
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
                if cell.cell_type != "code" or grade_id not in points or utils.is_solution(cell):
                    continue
                verdicts[index] = self._judge(grade_id, points[grade_id], sources, setup, calls)
        self.log.info("Graded %d exercises outside the kernel in %.1f s (worker restarts: %d)",
                      len(exercises), time.monotonic() - started, program.restarts)
        notes = resources.setdefault("descent", {})
        if program.cell_errors:
            notes["cell_errors"] = dict(program.cell_errors)
        stopped = {nb.cells[i].metadata.nbgrader.grade_id: v.stopped for i, v in verdicts.items() if v.stopped}
        if stopped:
            notes["stopped"] = stopped
        return verdicts

    def _caller(self, program, name):
        inject = judge.reference_functions(EXERCISES[name].dependencies)

        def call(args, kwargs):
            return program.call(name, args, kwargs, inject=inject, seconds=self.seconds_per_call)
        return call

    def _judge(self, grade_id, points, sources, setup, calls):
        kind, _, name = grade_id.partition("_")
        if name not in calls:
            self.log.warning("Test cell %s belongs to no exercise of the grader: scored 0", grade_id)
            return judge.Verdict(0.0, points, f"{grade_id}: this test cell is not graded by the course's grader.")
        if kind == "test":
            return judge.judge_visible(name, sources[grade_id], setup, calls, points)
        return judge.judge_hidden(EXERCISES[name], calls[name], points)


class SandboxedGrading(NbGraderPreprocessor):
    """The two sandboxed steps at once: the feedback run of the notebook, and the grading.

    ``SandboxedExecute`` runs a copy of the notebook in its kernel, in a
    thread, while ``GradeOutsideKernel`` grades in this one (its guards on
    the grader's functions need the main thread); then the kernel's outputs
    go into the notebook and the test cells get the verdicts. Each keeps its
    own settings (``c.SandboxedExecute``, ``c.Execute``, ``c.GradeOutsideKernel``).
    """

    def preprocess(self, nb, resources):
        kernel, grader = SandboxedExecute(parent=self), GradeOutsideKernel(parent=self)
        executed = {}

        def run_kernel():
            try:
                executed["nb"], executed["resources"] = kernel.preprocess(copy.deepcopy(nb), copy.deepcopy(resources))
            except BaseException as error:  # raised again below, in this thread
                executed["error"] = error

        thread = threading.Thread(target=run_kernel, name="feedback kernel", daemon=True)
        thread.start()
        try:
            verdicts = grader.verdicts(nb, resources)
        finally:
            thread.join()
        if "error" in executed:
            raise executed["error"]
        for cell, ran in zip(nb.cells, executed["nb"].cells):
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = ran.get("outputs", []), ran.get("execution_count")
        nb.metadata.update({k: v for k, v in executed["nb"].metadata.items() if k == "language_info"})
        resources.setdefault("descent", {}).update(executed["resources"].get("descent", {}))
        return grader.write(nb, verdicts), resources


def _worker_cells(nb, source_nb, sources):
    """(label, source) of the cells that define the student's functions, in notebook order.

    Locked cells (the setup cell) come from the gradebook; demo cells that
    are as the chapter ships them are left out.
    """
    demos = {_normalized(c.source) for c in source_nb.cells
             if c.cell_type == "code" and not c.metadata.get("nbgrader")}
    cells = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if meta.get("grade"):
            continue
        if meta.get("locked"):
            cells.append((grade_id, sources.get(grade_id, "")))
        elif meta.get("solution"):
            cells.append((grade_id, cell.source))
        elif _normalized(cell.source) not in demos:
            cells.append((f"{index + 1} (a cell you added or changed)", cell.source))
    return cells


def _normalized(source):
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


# ------------------------------------------------------------------ feedback


class ShortErrorsInTestCells(NbGraderPreprocessor):
    """Replace the traceback of a failed test cell by its error message.

    IPython prints the lines around the failing one, which can include
    hidden-test lines; feedback shows only ``ErrorName: message``.
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and utils.is_grade(cell):
            for output in cell.outputs:
                if output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources


class WrapLongLines(NbGraderPreprocessor):
    """Long output lines wrap on the feedback page instead of scrolling out of sight.

    The grader writes each of its sentences on one line, and nbconvert's page
    shows output lines unwrapped, in a box that scrolls sideways; Jupyter wraps
    them, at spaces (the page's Bootstrap breaks a pre's lines anywhere).
    Runs after CSSHTMLHeaderPreprocessor, which sets the page's CSS.
    """

    css = "div.output_area pre { white-space: pre-wrap; word-break: normal; overflow-wrap: break-word; }"

    def preprocess(self, nb, resources):
        resources.setdefault("inlining", {}).setdefault("css", []).append(self.css)
        return nb, resources


SAFE_IMAGE_TYPES = ("image/png", "image/jpeg")
_BASE64 = re.compile(r"^[A-Za-z0-9+/=\s]*$")


class SafeOutputs(NbGraderPreprocessor):
    """Feedback pages show a student's outputs as text and images only.

    Outputs keep text/plain and PNG/JPEG images (checked to be base64);
    HTML, JavaScript, SVG, Markdown and LaTeX outputs are dropped for their
    plain-text form. The grading machine's folders in a traceback or a
    warning (the Python installation, the course) read ``<python>`` and
    ``<course>``. A Markdown cell that is not exactly as the chapter
    ships it (in the source, or as the release rewrote it for Jupyter:
    figure captions and references, citations) is shown as plain text, so
    neither HTML nor math macros of a student's run in the reader's browser.
    Image metadata is dropped; every image gets an alternative text for
    screen readers instead (``figure_alt_text``).
    """

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        try:
            source_nb = nbformat.read(_source_folder(self.config, info["assignment"]) / f"{info['notebook']}.ipynb",
                                      as_version=4)
            self._markdown = {_normalized(c.source) for c in source_nb.cells if c.cell_type == "markdown"}
            self._markdown |= {_normalized(c.source) for c in released_markdown(source_nb, self.config, info["notebook"])}
        except (OSError, ValueError):
            self._markdown = set()
        self._host_folders = host_folders(self.config)
        self._cells = nb.cells
        nb.metadata = nbformat.NotebookNode({k: v for k, v in nb.metadata.items()
                                             if k in ("kernelspec", "language_info")})
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        cell.pop("attachments", None)
        if cell.cell_type == "markdown" and _normalized(cell.source) not in self._markdown:
            cell.source = "```text\n" + cell.source.replace("```", "` ` `") + "\n```"
        elif cell.cell_type == "raw":
            cell.cell_type = "markdown"
            cell.pop("outputs", None)
            cell.source = "```text\n" + cell.source.replace("```", "` ` `") + "\n```"
        elif cell.cell_type == "code":
            cell.outputs = [o for o in (_safe_output(output, self._host_folders) for output in cell.get("outputs", []))
                            if o]
            following = self._cells[index + 1] if index + 1 < len(self._cells) else None
            caption = following.source if following is not None and following.cell_type == "markdown" \
                and _normalized(following.source) in self._markdown else ""
            for output in cell.outputs:
                for mime in SAFE_IMAGE_TYPES:
                    if mime in output.get("data", {}):
                        output.metadata[mime] = nbformat.NotebookNode({"alt": figure_alt_text(caption)})
        return cell, resources


def figure_alt_text(caption):
    """The alternative text of an image a student's notebook drew, given the Markdown cell under it if that
    cell is the chapter's own ("" if not): the release puts each figure's numbered caption under its cell.
    The caption describes the chapter's figure, which a student's may not be, so it is named, not quoted."""
    number = caption_number(caption)
    if number:
        return f"Figure {number} as your notebook drew it; the caption below describes the chapter's version."
    return "A figure your notebook drew in this cell."


def host_folders(config):
    """{folder: label} for the grading machine's folders that a student's outputs can name (in a traceback
    of library code, or a warning), longest first: the sandboxed kernel sees the Python installation and
    the virtual environment at their own paths."""
    course = {Path(CourseDirectory(config=config).root), Path(__file__).parent, Path(judge.__file__).parents[1]}
    folders = {os.path.realpath(p): "<course>" for p in course} | {str(p): "<course>" for p in course}
    folders |= {prefix: "<python>" for prefix in python_prefixes()}
    return dict(sorted(folders.items(), key=lambda item: -len(item[0])))


def _without_host_folders(text, folders):
    """``text`` with each of the ``folders`` (longest first) written as its label, where it is a
    whole path or the start of one (the course's root /srv/course printed alone too, not the
    /srv/course2 next to it)."""
    if not isinstance(text, str):   # (a hostile kernel's message need not be well formed)
        return text
    for folder, label in folders.items():
        text = re.sub(re.escape(folder) + r"(?![\w.-])", lambda _: label, text)
    return text


def released_markdown(source_nb, config, notebook):
    """The Markdown cells of ``source_nb`` as the release gives them to students: rewritten by the
    release's preprocessors that write out for Jupyter what the website renders itself (those marked
    ``on_web_page = False``: numbered figure captions and references, citations)."""
    chosen = config.GenerateAssignment.get("preprocessors") or \
        GenerateAssignment.class_traits()["preprocessors"].default()
    released = copy.deepcopy(source_nb)
    for preprocessor in chosen:
        if getattr(preprocessor, "on_web_page", True) is False:
            released, _ = preprocessor(config=config).preprocess(released, {"nbgrader": {"notebook": notebook}})
    return [cell for cell in released.cells if cell.cell_type == "markdown"]


def _safe_output(output, host_folders):
    if output.output_type == "stream":
        output.text = _without_host_folders(output.get("text", ""), host_folders)
        return output
    if output.output_type == "error":
        output.evalue = _without_host_folders(output.get("evalue", ""), host_folders)
        traceback = output.get("traceback")
        output.traceback = [_without_host_folders(line, host_folders) for line in traceback] \
            if isinstance(traceback, list) else []
        return output
    data = output.get("data", {})
    kept = {}
    for mime in SAFE_IMAGE_TYPES:
        value = data.get(mime)
        if isinstance(value, str) and _BASE64.match(value) and _decodes(value):
            kept[mime] = value
    text = data.get("text/plain")
    if isinstance(text, list):
        text = "".join(text)
    if isinstance(text, str):
        kept["text/plain"] = _without_host_folders(text, host_folders)
    if not kept:
        return None
    output["data"] = nbformat.NotebookNode(kept)
    output["metadata"] = nbformat.NotebookNode({})
    return output


def _decodes(value):
    try:
        base64.b64decode(value, validate=False)
        return True
    except (binascii.Error, ValueError):
        return False
