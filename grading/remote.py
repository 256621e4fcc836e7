"""The grader's side of the worker: a student's functions, called from outside their process.

``StudentProgram`` starts the worker (worker.py) in a sandbox, gives it the
student's cells as text, and calls the student's functions with data,
getting data back (wire.py). Nothing the student defines can reach the
grader: the grader only ever reads numbers, strings and containers from
the worker, and decides with its own code what they are worth.

Limits enforced here, from outside the worker: a time limit per cell and
per call (the sandbox is killed, with every process in it), counted in the
worker's own time, which leaves out its waits for a CPU (so that a verdict
does not depend on how busy the machine is: ``_DeadlineReader``), a budget
of that time for the whole submission (its cells and calls together, so
that functions each just under the limit of a call cannot hold the grader
for every case of every exercise), and a limit on the size of each answer.
A cell that hangs or ends the worker is dropped and the worker restarted
with the cells before it; a call that hangs or ends the worker stops that
exercise (the caller is told with ``stop``).

Functions of the grader that a student's function may call (the reference
versions of earlier exercises, an objective or a gradient passed as an
argument) stay in the grader: the worker gets a handle, and each call
comes back here as data, is run under a time and memory guard, and
returns data.
"""

import contextlib
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from . import wire
from .sandbox import make_readable

WORKER_FILES = [Path(__file__).with_name("worker.py"), Path(__file__).with_name("wire.py")]
WORKER_DIR = "/tmp/worker"         # inside the sandbox (read-only)
WORK_DIR = "/tmp/work"             # the student's working folder inside the sandbox
MESSAGE_LIMIT = 64 * 2 ** 20       # bytes of one answer from the worker
START_SECONDS = 30                 # to start Python and import NumPy
CELL_SECONDS = 10                  # to run one cell of the notebook
CALLBACK_SECONDS = 5               # for one call of a grader function from student code
CALLBACK_MEMORY = 2 * 2 ** 30      # address space a grader function may add while it runs
WALL_FACTOR = 10                   # a limit of s seconds of the worker's own time ends after 10 s of wall time at most
FORGIVEN_WAIT = 120                # seconds of waiting for a CPU forgiven per submission in all (then: wall-clock time)


MISSING = "is not defined. Run the cell that defines it, and make sure the cell has no errors"


class WorkerStopped(Exception):
    """The worker timed out, ended, or broke the protocol; it has been killed."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class OutOfBudget(WorkerStopped):
    """The submission has used up its time in all: nothing more of it runs (the worker may be alive)."""


@dataclass
class Outcome:
    """What one call of a student's function gave."""
    value: object = None
    error: str = ""          # why there is no value, as the end of a sentence that starts with the name
    stop: bool = False       # the call hung or ended the worker: do not call this function again
    modified: list = field(default_factory=list)   # inputs it changed in place
    error_type: str = ""     # the exception's type name, if it raised


class StudentError(AssertionError):
    """A student's function failed when the grader called it (the message says how)."""


class _DeadlineReader:
    """Reads a pipe, giving up when the worker has used up its time.

    The worker's time is the wall-clock time since ``start`` minus the time
    its main thread spent waiting for a CPU (Linux's /proc/PID/schedstat):
    time running, sleeping or waiting for input counts, time spent queuing
    behind other submissions' processes does not. So a slow but correct
    function is judged the same on an idle machine and on one grading a
    whole class at once. Waiting for a CPU is forgiven up to
    ``WALL_FACTOR`` times the limit in wall-clock time, and up to
    ``forgivable`` seconds in all (a submission's own busy processes could
    otherwise stretch every call tenfold).
    """

    def __init__(self, fd, forgivable, pid=None):
        self.fd = fd
        self.pid = pid           # the worker's main thread, as the host sees it (None: wall-clock time only)
        self.forgivable = forgivable
        self.limit = None
        self._started = self._queued = 0.0

    def start(self, seconds):
        self.limit = seconds
        self._started, self._queued = time.monotonic(), self._queued_seconds()

    def stop(self):
        if self.limit is not None:
            self.forgivable -= self._forgiven()
        self.limit = None

    def used(self):
        """Seconds of the worker's own time since ``start``."""
        return time.monotonic() - self._started - self._forgiven()

    def _forgiven(self):
        return min(max(0.0, self._queued_seconds() - self._queued), self.forgivable)

    def remaining(self):
        """Seconds left of the worker's time (and of the wall-clock bound); TimeoutError if none."""
        if self.limit is None:
            raise TimeoutError   # (every exchange with the worker runs on a clock)
        wall_left = self.limit * WALL_FACTOR - (time.monotonic() - self._started)
        remaining = min(self.limit - self.used(), wall_left)
        if remaining <= 0:
            raise TimeoutError
        return remaining

    def read(self, n):
        while not select.select([self.fd], [], [], self.remaining())[0]:
            pass
        return os.read(self.fd, min(n, 1 << 20))

    def _queued_seconds(self):
        if self.pid is None:
            return 0.0
        try:
            with open(f"/proc/{self.pid}/schedstat") as schedstat:
                return int(schedstat.read().split()[1]) / 1e9
        except (OSError, IndexError, ValueError):
            return 0.0   # ended, or no scheduler statistics here: wall-clock time it is


class _DeadlineWriter:
    """Writes to the worker's pipe on the reader's clock.

    A worker that stops reading (its code asked a grader function for a
    large result, then slept) fills the pipe; a blocking write would then
    hold the grader forever. This one gives up with TimeoutError when the
    exchange's time is up, like the reader.
    """

    def __init__(self, fd, clock):
        self.fd, self.clock = fd, clock
        os.set_blocking(fd, False)

    def write(self, data):
        view = memoryview(data)
        while view:
            if select.select([], [self.fd], [], self.clock.remaining())[1]:
                with contextlib.suppress(BlockingIOError):
                    view = view[os.write(self.fd, view[:1 << 20]):]

    def flush(self):
        pass

    def close(self):
        os.close(self.fd)


class StudentProgram:
    """One student's notebook code, running in its own sandboxed worker.

    ``cells`` is a list of (label, source) in notebook order; ``helpers``
    are files (the chapter's helper modules) put read-only into the
    student's working folder.
    """

    def __init__(self, sandbox, cells, helpers=(), env=None, cell_seconds=CELL_SECONDS, budget_seconds=None):
        self.sandbox = sandbox
        self.cell_seconds = cell_seconds
        self.budget_seconds = budget_seconds   # of the worker's time for all cells and calls (None: no budget)
        self.spent = 0.0                       # of it so far
        self.cells = list(cells)
        self.helpers = [Path(h) for h in helpers]
        self.env = dict(env or {})
        self.cell_errors = {}          # label -> sentence
        self._good_cells = []
        self._process = None
        self._reader = None
        self._endpoint = None
        self._scratch = None
        self.restarts = 0

    # ---------------------------------------------------------------- lifecycle

    def __enter__(self):
        # The worker's files and the helper modules, copied where the sandbox's user can read them.
        self._scratch = Path(tempfile.mkdtemp(prefix="descent-worker-"))
        (self._scratch / "worker").mkdir()
        (self._scratch / "work").mkdir()
        for source in WORKER_FILES:
            shutil.copy(source, self._scratch / "worker" / source.name)
        for helper in self.helpers:
            shutil.copy(helper, self._scratch / "work" / helper.name)
        make_readable(self._scratch)
        try:
            self.load()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    @property
    def pid(self):
        """The host PID of the running worker's Python process (None if there is none, or it was not found)."""
        return self._reader.pid if self._process is not None else None

    def close(self):
        self._kill()
        if self._scratch:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def load(self):
        """Run every cell once; remember which failed and how."""
        self._start()
        for label, source in self.cells:
            try:
                answer, _ = self._request({"op": "exec", "label": label, "source": source}, {}, self.cell_seconds)
            except WorkerStopped as stopped:
                self.cell_errors[label] = (f"the cell {stopped.reason}, so it was skipped "
                                           "(the functions it defines are missing)")
                if not isinstance(stopped, OutOfBudget):
                    self._restart()
                continue
            if answer.get("op") == "error":
                self.cell_errors[label] = f"the cell raised {_error_text(answer)}"
            self._good_cells.append((label, source))

    # ---------------------------------------------------------------- calls

    def call(self, name, args, kwargs, inject=None, seconds=5.0):
        """Call the student's ``name`` with ``args``/``kwargs`` (data, and the grader's functions).

        ``inject`` maps global names to grader functions that replace the
        student's own while this call runs.
        """
        if self._budget_left() <= 0:
            return Outcome(error=self._out_of_budget(ran=False), stop=True)
        if self._process is None:
            self._restart()
        values = {"args": list(args), "kwargs": dict(kwargs)}
        if inject:
            values["inject"] = dict(inject)
        try:
            answer, blobs = self._request({"op": "call", "name": name}, values, seconds)
        except WorkerStopped as stopped:
            return Outcome(error=stopped.reason, stop=True)
        finally:
            self._endpoint.forget_exports() if self._endpoint else None
        if answer.get("op") == "result":
            try:
                value = self._endpoint.value(answer, "value", blobs)
            except Exception as error:  # noqa: B902 (wire.WireError, or anything a forged answer causes)
                return Outcome(error=f"returned something that cannot be graded ({error})")
            modified = [str(m)[:120] for m in _list(answer.get("modified"))][:10]
            return Outcome(value=value, modified=modified)
        kind = answer.get("kind")
        if kind == "missing":
            return Outcome(error=MISSING + self._why_missing(name), stop=True)
        if kind == "not_callable":
            return Outcome(error=f"should be a function, but it is a {_short(answer.get('type'), 60)}", stop=True)
        if kind == "unsendable":
            return Outcome(error=f"returned something that cannot be graded ({_short(answer.get('message'))})")
        return Outcome(error=f"raised {_error_text(answer)}", error_type=_short(answer.get("type"), 60))

    def _why_missing(self, name):
        reason = self.cell_errors.get(name)
        return f" (when your notebook was graded, {reason})." if reason else "."

    # ---------------------------------------------------------------- the process

    def _restart(self):
        """A fresh worker with the cells that ran before (used after a cell or a call stopped it)."""
        self.restarts += 1
        self._start()
        for label, source in self._good_cells:
            try:
                self._request({"op": "exec", "label": label, "source": source}, {}, self.cell_seconds)
            except OutOfBudget:
                return   # (the next call says so)
            except WorkerStopped:
                self._start()  # a cell that behaved the first time; keep going without it

    def _start(self):
        self._kill()
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        inside = [(self._scratch / "worker", WORKER_DIR)]
        inside += [(path, f"{WORK_DIR}/{path.name}") for path in sorted((self._scratch / "work").iterdir())]
        # (the worker refuses to send, and to read, a message over the grader's limit)
        env = dict(self.env, MPLBACKEND="Agg", DESCENT_WORKER_MESSAGE_LIMIT=str(MESSAGE_LIMIT))
        argv = [sys.executable, "-s", "-B", f"{WORKER_DIR}/worker.py", str(to_worker_r), str(from_worker_w)]
        if not self.sandbox.confined:  # no mounts without a sandbox: the real paths
            argv[3] = str(self._scratch / "worker" / "worker.py")
            env["DESCENT_WORKER_CWD"] = str(self._scratch / "work")
        command = self.sandbox.command(argv, read_only=inside, env=env, cwd=WORK_DIR)
        self._process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(to_worker_r, from_worker_w), cwd=self._scratch, start_new_session=True)
        os.close(to_worker_r)
        os.close(from_worker_w)
        # (wall-clock time until the worker is found; what is left to forgive carries over restarts)
        self._reader = _DeadlineReader(from_worker_r, self._reader.forgivable if self._reader else FORGIVEN_WAIT)
        self._writer = _DeadlineWriter(to_worker_w, self._reader)
        self._read_fd = from_worker_r
        self._endpoint = wire.Endpoint(self._reader, self._writer, MESSAGE_LIMIT,
                                       serve=self._serve_callback, make_exception=_student_exception)
        try:
            answer, _ = self._receive_answer(START_SECONDS)
        except WorkerStopped as stopped:
            raise RuntimeError(f"the grading worker did not start: it {stopped.reason}") from None
        if answer.get("op") != "ready":
            raise RuntimeError("the grading worker did not start properly")
        # Found before any student code runs, which could start look-alike processes.
        self._reader.pid = _worker_pid(self._process.pid)

    def _kill(self):
        if self._process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                self._process.kill()
            self._process.wait()
            self._process = None
            with contextlib.suppress(OSError):
                self._writer.close()
            with contextlib.suppress(OSError):
                os.close(self._read_fd)
        self._endpoint = None

    def _request(self, header, values, seconds):
        return self._exchange(seconds, lambda: self._endpoint.send(header, **values))

    def _receive_answer(self, seconds):
        return self._exchange(seconds, budgeted=False)   # (the worker's start is the grader's time)

    def _budget_left(self):
        return float("inf") if self.budget_seconds is None else self.budget_seconds - self.spent

    def _out_of_budget(self, ran):
        budget = f"grading this notebook had used up its {self.budget_seconds:g} s for all cells and calls together"
        return f"did not finish: {budget}" if ran else f"was not run: {budget}"

    def _exchange(self, seconds, send=None, budgeted=True):
        """Send a request (if any) and wait for the worker's answer, serving its calls of grader
        functions meanwhile; all on a clock of ``seconds`` of the worker's time, or of what is
        left of the submission's budget if that is less.

        Whatever goes wrong with the worker's side of it (a timeout, an end,
        a frame that is not valid data, however forged) kills the worker and
        raises WorkerStopped: nothing a student writes can end a grading run.
        """
        left = self._budget_left() if budgeted else float("inf")
        if left <= 0:
            raise OutOfBudget(self._out_of_budget(ran=False))
        budget_bound = left < seconds
        self._reader.start(min(seconds, left))
        try:
            if send is not None:
                try:
                    send()
                except wire.WireError as error:
                    self._kill()
                    raise WorkerStopped(f"could not be given its inputs ({error})") from None
            while True:
                header, blobs = self._endpoint.receive()
                if header.get("op") == "call":
                    self._endpoint.serve(header, blobs)
                    continue
                return header, blobs
        except WorkerStopped:
            raise
        except Exception as error:  # noqa: B902 (see the docstring)
            self._clock_out(budgeted)   # (while the worker is there to say how long it waited for a CPU)
            self._kill()
            if isinstance(error, TimeoutError) and budget_bound:
                raise OutOfBudget(self._out_of_budget(ran=True)) from None
            if isinstance(error, TimeoutError):
                raise WorkerStopped(f"did not finish within {seconds:g} s") from None
            if isinstance(error, (EOFError, OSError)):
                raise WorkerStopped("ended the grading process (it called exit, or crashed)") from None
            detail = error if isinstance(error, wire.WireError) else "a malformed message"
            raise WorkerStopped(f"sent an answer that is not valid data ({detail})") from None
        finally:
            self._clock_out(budgeted)

    def _clock_out(self, budgeted=True):
        """Stop the clock of the exchange, adding the worker's time to what the submission has spent."""
        if self._reader.limit is not None:
            self.spent += max(0.0, self._reader.used()) if budgeted else 0.0
            self._reader.stop()

    def _serve_callback(self, header, blobs):
        """A student's function called one of the grader's functions: run it, guarded, on data."""
        if header.get("op") != "call" or "target" not in header:
            raise wire.WireError("the worker sent a request the grader does not take")
        function = self._endpoint.exported(header["target"])
        try:
            args = self._endpoint.value(header, "args", blobs)
            kwargs = self._endpoint.value(header, "kwargs", blobs)
            if not isinstance(args, list) or not isinstance(kwargs, dict) or \
                    not all(isinstance(k, str) for k in kwargs):
                raise wire.WireError("malformed arguments")
            with _guarded(CALLBACK_SECONDS, CALLBACK_MEMORY), warnings.catch_warnings():
                warnings.simplefilter("ignore")   # (caused by the student's arguments: not the console's business)
                result = function(*args, **kwargs)
        except wire.WireError:
            raise
        except (Exception, _CallbackTimeUp) as error:
            message = "it took too long" if isinstance(error, _CallbackTimeUp) else str(error)
            name = "RuntimeError" if isinstance(error, _CallbackTimeUp) else type(error).__name__
            self._endpoint.send({"op": "raise", "type": name, "message": _short(message)})
            return
        try:
            self._endpoint.send({"op": "return", "generators": wire.generator_states((args, kwargs))},
                                value=result)
        except wire.WireError as error:   # (refused before anything was written: too large to send back)
            self._endpoint.send({"op": "raise", "type": "ValueError",
                                 "message": _short(f"the result cannot be sent back to your code ({error})")})


def _worker_pid(pid):
    """The host PID of the worker's Python process: the deepest of ``pid`` and the processes below it
    whose command line runs worker.py (the sandbox's own processes carry that command line too)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    # (the command name, in parentheses, may hold spaces: the parent PID follows its end)
                    children.setdefault(int(stat.read().rsplit(")", 1)[1].split()[1]), []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    found, level = None, [pid]
    while level:
        for process in level:
            try:
                with open(f"/proc/{process}/cmdline", "rb") as cmdline:
                    if any(arg.endswith(b"/worker.py") for arg in cmdline.read().split(b"\0")):
                        found = process
            except OSError:
                pass
        level = [child for process in level for child in children.get(process, [])]
    return found


# ------------------------------------------------------------------ guards for grader functions


class _CallbackTimeUp(BaseException):
    """A grader function called from student code ran too long (a BaseException: nothing swallows it)."""


@contextlib.contextmanager
def _guarded(seconds, extra_memory):
    """Bound the time and memory of a grader function that student code called with its own arguments.

    A student could ask a reference function for a huge result (a size of
    10**10); the address-space limit turns that into a MemoryError here,
    and the alarm stops a long loop. Both only in the main thread, where
    signals and the whole-process limit are safe to use.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum, frame):
        raise _CallbackTimeUp()

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + extra_memory
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _address_space():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


# ------------------------------------------------------------------ text


def _short(text, limit=300):
    text = str(text or "")
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _list(value):
    """``value`` if the worker sent a list there, else an empty one."""
    return value if isinstance(value, list) else []


def _error_text(answer):
    """``ValueError: message`` followed by the student's own traceback lines."""
    kind, message = _short(answer.get("type"), 60), _short(answer.get("message"))
    text = f"{kind}: {message}" if message else kind
    lines = [_short(line, 200) for line in _list(answer.get("traceback"))][:6]
    if lines:
        text += "\n" + "\n".join(f"    {line}" for line in lines)
    return text


def _student_exception(header):
    return StudentError(f"{_short(header.get('type'), 60)}: {_short(header.get('message'))}")
