"""Student code runs confined: it sees no course file, changes nothing outside its scratch, and is bounded.

These tests start real sandboxed workers (bubblewrap) with hostile cells,
the way grading does, and check from outside what they could and could
not do.
"""

import os
import socket
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

import grading.remote
from grading.remote import StudentProgram
from grading.sandbox import (Limits, Sandbox, SandboxUnavailable, check_available, local_install_records,
                             python_prefixes)
from scripts.course_tools import REPO

HELPERS = [REPO / "chapters" / "checks.py"]


@pytest.fixture(scope="module", autouse=True)
def sandbox_available():
    problem = check_available()
    assert problem is None, f"the sandbox tests need bubblewrap: {problem}"


def run(cells, sandbox=None, **limits):
    return StudentProgram(sandbox or Sandbox(Limits(**limits)), cells, HELPERS)


def probe(source, name="probe", **limits):
    """The value that ``probe()`` returns when the cells ``source`` define it, run in a sandbox."""
    with run([("probe", source)], **limits) as program:
        outcome = program.call(name, (), {})
        assert not outcome.error, outcome.error
        return outcome.value


def test_the_reference_and_the_grader_cannot_be_imported():
    found = probe("import importlib.util\n"
                  "def probe():\n"
                  "    return [importlib.util.find_spec(m) is None for m in ('solutions', 'grading', 'judge')]\n")
    assert found == [True, True, True]


def test_the_environment_does_not_tell_where_the_course_is():
    # The editable install of solutions and grading records the checkout's path (a finder
    # module, a .pth file, direct_url.json); in the sandbox those files read as empty.
    records = local_install_records()
    assert any("__editable__" in r for r in records) and any(r.endswith("direct_url.json") for r in records)
    assert all(str(REPO) in Path(r).read_text() for r in records if not r.endswith(".pth"))
    seen = probe("import glob, sys\n"
                 "def probe():\n"
                 "    paths = [p for site in sys.path for p in glob.glob(site + '/__editable__*')\n"
                 "             + glob.glob(site + '/*.dist-info/direct_url.json')]\n"
                 "    return {p: open(p).read() for p in paths}\n")
    assert sorted(seen) == records and set(seen.values()) == {""}, seen


@pytest.mark.parametrize("path", [
    REPO / "solutions" / "update_rules.py", REPO / "grading" / "cases" / "ch05.py",
    REPO / "chapters" / "05_adam.ipynb", REPO / "autograder" / "nbgrader_config.py", REPO / "README.md",
])
def test_course_files_cannot_be_read_by_any_path(path):
    relative = os.path.relpath(path, "/tmp/work")
    seen = probe(f"import os\n"
                 f"def probe():\n"
                 f"    out = []\n"
                 f"    for p in ({str(path)!r}, {relative!r}, '/proc/1/root' + {str(path)!r}):\n"
                 f"        try:\n"
                 f"            out.append(open(p).read()[:20])\n"
                 f"        except OSError as e:\n"
                 f"            out.append(type(e).__name__)\n"
                 f"    return out\n")
    assert path.exists() and not any(path.read_text()[:20] == s for s in seen), seen


def test_the_hosts_tmp_and_home_are_not_visible(tmp_path):
    marker = tmp_path / "other-student.ipynb"
    marker.write_text("secret")
    seen = probe(f"import os\n"
                 f"def probe():\n"
                 f"    return os.path.exists({str(marker)!r}), sorted(os.listdir('/tmp')), os.path.exists('/root/.bashrc')\n")
    # (a Python installed under /tmp, as in a checkout there, is bound into the private /tmp)
    pythons = {Path(p).relative_to("/tmp").parts[0] for p in python_prefixes() if p.startswith("/tmp/")}
    assert seen == (False, sorted({"home", "work", "worker"} | pythons), False)


def test_a_python_installed_under_tmp_runs_in_the_sandbox(tmp_path):
    # The sandbox's private /tmp must not hide a virtual environment (or a checkout) under /tmp.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    build_and_run = ("import subprocess, sys\n"
                     f"sys.path.insert(0, {str(REPO)!r})\n"
                     "from grading.sandbox import Sandbox\n"
                     "command = Sandbox().command([sys.executable, '-c', 'import sys; print(sys.prefix)'])\n"
                     "result = subprocess.run(command, capture_output=True, text=True)\n"
                     "print(result.stdout.strip() or result.stderr.strip())\n")
    result = subprocess.run([str(venv / "bin" / "python"), "-c", build_and_run], capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.strip() == str(venv), result.stdout + result.stderr


def test_nothing_outside_the_scratch_can_be_changed(tmp_path):
    target = tmp_path / "victim.txt"
    target.write_text("untouched")
    os.chmod(tmp_path, 0o777)
    os.chmod(target, 0o666)
    inside = REPO / "solutions" / "__init__.py"
    before = inside.read_text()
    results = probe(f"import os, sys\n"
                    f"def probe():\n"
                    f"    out = []\n"
                    f"    for p in ({str(target)!r}, {str(inside)!r}, sys.prefix + '/pyvenv.cfg', '/etc/passwd',\n"
                    f"              '/tmp/work/checks.py'):\n"
                    f"        try:\n"
                    f"            with open(p, 'a') as f:\n"
                    f"                f.write('changed')\n"
                    f"            out.append('written')\n"
                    f"        except OSError as e:\n"
                    f"            out.append(type(e).__name__)\n"
                    f"    open('/tmp/work/scratch.txt', 'w').write('mine')\n"
                    f"    return out\n")
    assert "written" not in results, results
    assert target.read_text() == "untouched" and inside.read_text() == before


def test_it_runs_as_an_unprivileged_user_without_network():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.5)
    port = server.getsockname()[1]
    seen = probe(f"import os, socket\n"
                 f"def probe():\n"
                 f"    try:\n"
                 f"        socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
                 f"        reached = True\n"
                 f"    except OSError:\n"
                 f"        reached = False\n"
                 f"    try:\n"
                 f"        socket.getaddrinfo('pypi.org', 443)\n"
                 f"        resolved = True\n"
                 f"    except OSError:\n"
                 f"        resolved = False\n"
                 f"    return os.getuid(), reached, resolved\n")
    with pytest.raises(socket.timeout):
        server.accept()
    server.close()
    uid, reached, resolved = seen
    assert uid != 0 and not reached and not resolved


def test_a_fork_loop_is_bounded_by_the_process_limit():
    forks = probe("import os, time\n"
                  "def probe():\n"
                  "    n = 0\n"
                  "    try:\n"
                  "        for _ in range(500):\n"
                  "            if os.fork() == 0:\n"
                  "                time.sleep(30)\n"
                  "                os._exit(0)\n"
                  "            n += 1\n"
                  "    except OSError:\n"
                  "        pass\n"
                  "    return n\n", processes=20)
    assert forks < 20


def test_memory_and_file_size_are_bounded():
    result = probe("import numpy as np\n"
                   "def probe():\n"
                   "    out = []\n"
                   "    try:\n"
                   "        np.ones(10 ** 9)\n"
                   "        out.append('allocated 8 GB')\n"
                   "    except MemoryError:\n"
                   "        out.append('MemoryError')\n"
                   "    try:\n"
                   "        with open('/tmp/work/big', 'wb') as f:\n"
                   "            f.write(b'x' * (3 * 2 ** 20))\n"
                   "        out.append('wrote 3 MB')\n"
                   "    except OSError as e:\n"
                   "        out.append('OSError')\n"
                   "    return out\n", memory_bytes=2 * 2 ** 30, file_bytes=2 ** 20)
    assert result == ["MemoryError", "OSError"]


def sleeping_processes():
    found = subprocess.run(["pgrep", "-f", "sleep 4242"], capture_output=True, text=True).stdout.split()
    return [pid for pid in found if pid != str(os.getpid())]


def test_every_process_it_started_is_gone_when_the_program_closes():
    cells = [("spawn", "import subprocess\n"
                       "subprocess.Popen(['sleep', '4242'], start_new_session=True)\n"
                       "subprocess.Popen(['setsid', 'sleep', '4242'])\n")]
    with run(cells) as program:
        assert not program.cell_errors
        time.sleep(0.3)
        assert sleeping_processes(), "the test's background processes did not start"
    time.sleep(0.3)
    assert sleeping_processes() == []


def test_a_cell_that_hangs_or_exits_is_skipped_and_the_rest_is_graded():
    cells = [("first", "def first():\n    return 1\n"),
             ("loops", "while True:\n    pass\n"),
             ("swallows", "while True:\n    try:\n        pass\n    except BaseException:\n        pass\n"),
             ("exits", "import os\nos._exit(0)\n"),
             ("last", "def last():\n    return first() + 1\n")]
    started = time.monotonic()
    with StudentProgram(Sandbox(), cells, HELPERS, cell_seconds=1.0) as program:
        assert program.call("last", (), {}).value == 2
        assert set(program.cell_errors) == {"loops", "swallows", "exits"}
        assert "did not finish within 1 s" in program.cell_errors["loops"]
        assert "ended the grading process" in program.cell_errors["exits"]
    assert time.monotonic() - started < 15


def test_a_call_that_hangs_is_stopped_from_outside_and_the_worker_restarts():
    cells = [("f", "def hang():\n"
                   "    import signal\n"
                   "    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                   "    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                   "    while True:\n"
                   "        try:\n"
                   "            pass\n"
                   "        except BaseException:\n"
                   "            pass\n"
                   "def fine():\n"
                   "    return 'fine'\n")]
    with run(cells) as program:
        started = time.monotonic()
        outcome = program.call("hang", (), {}, seconds=1.0)
        assert outcome.stop and "did not finish within 1 s" in outcome.error
        assert time.monotonic() - started < 3
        assert program.call("fine", (), {}).value == "fine" and program.restarts == 1


SLOW_AND_SLEEPY = ("import time\n"
                   "def slow(cpu_seconds):\n"
                   "    started = time.process_time()\n"
                   "    while time.process_time() - started < cpu_seconds:\n"
                   "        pass\n"
                   "    return 'done'\n"
                   "def sleepy():\n"
                   "    time.sleep(60)\n")


def slow_call_on_a_shared_cpu(program, cpu_seconds, limit):
    """(outcome, wall-clock seconds) of ``slow`` while three busy processes share the worker's CPU,
    as other submissions' processes would."""
    assert program.pid is not None
    os.sched_setaffinity(program.pid, {0})
    busy = "import os\nos.sched_setaffinity(0, {0})\nwhile True:\n    pass\n"
    hogs = [subprocess.Popen([sys.executable, "-c", busy]) for _ in range(3)]
    try:
        started = time.monotonic()
        outcome = program.call("slow", (cpu_seconds,), {}, seconds=limit)
        return outcome, time.monotonic() - started
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def test_waiting_for_a_cpu_does_not_count_against_a_call():
    """A slow but correct function gets the same verdict on a machine that is busy grading a class."""
    with run([("f", SLOW_AND_SLEEPY)]) as program:
        outcome, waited = slow_call_on_a_shared_cpu(program, 1.0, limit=1.5)
    assert outcome.value == "done", outcome.error
    assert waited > 1.5, "the CPU was not shared: this test checked nothing"   # by the wall clock alone: timed out


def test_the_waiting_forgiven_is_bounded_for_each_submission(monkeypatch):
    # (so that a submission's own busy processes cannot stretch every call tenfold)
    monkeypatch.setattr(grading.remote, "FORGIVEN_WAIT", 0.1)
    with run([("f", SLOW_AND_SLEEPY)]) as program:
        outcome, _ = slow_call_on_a_shared_cpu(program, 1.0, limit=1.5)
    assert outcome.stop and "did not finish within 1.5 s" in outcome.error


def test_a_call_that_sleeps_runs_out_of_time_like_one_that_computes():
    with run([("f", SLOW_AND_SLEEPY)]) as program:
        started = time.monotonic()
        outcome = program.call("sleepy", (), {}, seconds=1.0)
        assert outcome.stop and "did not finish within 1 s" in outcome.error
        assert time.monotonic() - started < 3
        assert program.call("slow", (0.01,), {}).value == "done"


def test_all_cells_and_calls_of_a_submission_share_one_budget():
    """Calls that each finish within their own limit still stop once the submission's time is used up,
    and nothing runs after that (no restart, no cell, no call)."""
    cells = [("setup", "import time\n"),
             ("nap", "def nap(seconds):\n    time.sleep(seconds)\n    return seconds\n"),
             ("slow_cell", "time.sleep(1.0)\n")]
    with StudentProgram(Sandbox(), cells, HELPERS, budget_seconds=3.5) as program:
        assert not program.cell_errors                        # about 1 s of the 3.5 s spent on the cells
        assert program.call("nap", (1.0,), {}, seconds=2.0).value == 1.0
        stopped = program.call("nap", (2.0,), {}, seconds=2.5)   # within its 2.5 s, beyond the 3.5 s
        assert stopped.stop and stopped.error == \
            "did not finish: grading this notebook had used up its 3.5 s for all cells and calls together"
        skipped = program.call("nap", (0.0,), {})
        assert skipped.stop and skipped.error.startswith("was not run: grading this notebook had used up its 3.5 s")
        assert program.restarts == 0
    # The cells' time counts too: a cell beyond the budget is skipped, and so is every cell after it.
    cells = [("setup", "import time\n"), ("slow_cell", "time.sleep(2.0)\n"),
             ("nap", "def nap(seconds):\n    return seconds\n")]
    with StudentProgram(Sandbox(), cells, HELPERS, budget_seconds=1.0) as program:
        assert set(program.cell_errors) == {"slow_cell", "nap"}
        assert "the cell was not run: grading this notebook had used up" in program.cell_errors["nap"]
        assert program.call("nap", (0.0,), {}).error.startswith("was not run")
        assert program.restarts == 0


def test_student_code_reaches_the_graders_functions_only_as_data():
    seen = []

    def objective(config):
        seen.append(config)
        return sum(config.values())

    cells = [("search", "def search(objective, values):\n"
                        "    return [objective({'x': v}) for v in values]\n")]
    with run(cells) as program:
        outcome = program.call("search", (objective, [1.0, 2.5]), {})
    assert outcome.value == [1.0, 2.5] and seen == [{"x": 1.0}, {"x": 2.5}]


def test_a_graders_function_asked_for_too_much_raises_in_the_students_code():
    def log_uniform(low, high, size):
        return 10 ** np.random.default_rng(0).uniform(np.log10(low), np.log10(high), size)

    def slow():
        while True:
            pass

    cells = [("greedy", "def greedy(log_uniform, slow):\n"
                        "    out = []\n"
                        "    for call in (lambda: log_uniform(1e-3, 1.0, 10 ** 10), slow):\n"
                        "        try:\n"
                        "            call()\n"
                        "        except Exception as error:\n"
                        "            out.append(type(error).__name__)\n"
                        "    return out\n")]
    with run(cells) as program:
        outcome = program.call("greedy", (log_uniform, slow), {}, seconds=30)
    assert outcome.value == ["MemoryError", "RuntimeError"], outcome


def test_an_answer_over_the_size_limit_is_refused(monkeypatch):
    # (the worker refuses to send it; a forged frame over the limit is refused by the grader: below)
    monkeypatch.setattr(grading.remote, "MESSAGE_LIMIT", 2 ** 20)
    with run([("big", "import numpy as np\ndef big():\n    return np.zeros(10 ** 6)\n")]) as program:
        outcome = program.call("big", (), {})
    assert outcome.error == f"returned something that cannot be graded (a message of more than {2 ** 20} bytes)"


def test_without_bubblewrap_nothing_runs_unless_the_submissions_are_trusted(monkeypatch):
    monkeypatch.setattr("grading.sandbox.BWRAP", "/nonexistent/bwrap")
    assert "bubblewrap" in check_available() and "apt-get install bubblewrap" in check_available()
    with pytest.raises(SandboxUnavailable, match="bubblewrap is not installed"):
        Sandbox().command(["python", "-c", "pass"])
    assert Sandbox(mode="trusted").command(["python", "-c", "pass"])[0] == "env"


def test_the_worker_answers_many_calls_quickly():
    with run([("step", "def step(w, g, lr):\n    return w - lr * g\n")]) as program:
        started = time.monotonic()
        for _ in range(200):
            outcome = program.call("step", (np.ones(3), np.ones(3), 0.5), {})
        assert np.array_equal(outcome.value, np.full(3, 0.5))
        per_call = (time.monotonic() - started) / 200
    assert per_call < 0.05


def test_the_worker_can_be_driven_from_another_thread():
    result = {}

    def work():
        with run([("f", "def f():\n    return 41 + 1\n")]) as program:
            result["value"] = program.call("f", (), {}).value

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(60)
    assert result == {"value": 42}


def test_no_process_in_the_sandbox_carries_the_graders_environment(monkeypatch):
    # An instructor's shell may hold secrets (tokens, passwords) in its environment; bubblewrap's own
    # processes, which the student's code can see as /proc/1/environ, must not start with them.
    monkeypatch.setenv("DESCENT_TEST_SECRET", "a-secret-of-the-graders-shell")
    environments = probe("import os\n"
                         "def probe():\n"
                         "    found = []\n"
                         "    for pid in os.listdir('/proc'):\n"
                         "        try:\n"
                         "            found.append(open(f'/proc/{pid}/environ', 'rb').read().decode('latin-1'))\n"
                         "        except OSError:\n"
                         "            pass\n"
                         "    return found\n")
    assert len(environments) >= 2, environments   # the worker and bubblewrap's init at least
    assert not [e for e in environments if "a-secret-of-the-graders-shell" in e]


# Student code can reach the worker's own endpoint and its pipe to the grader (they live in its process),
# so it can send any frame it likes: these do what a hostile submission did.
RAW_FRAMES = ("import gc, json, os, struct, sys, time\n"
              "def endpoint():\n"
              "    return next(o for o in gc.get_objects() if type(o).__name__ == 'Endpoint')\n"
              "def send_raw(head):\n"
              "    data = struct.pack('>I', len(head)) + head\n"
              "    while data:\n"
              "        data = data[os.write(int(sys.argv[2]), data):]\n"
              "def forge(head, *lent):   # (lent: grader functions, so that handle 1 exists)\n"
              "    send_raw(head.encode())\n"
              "    time.sleep(10 ** 6)\n"
              "def fine():\n"
              "    return 42\n")


def call_within(program, seconds, *call):
    """``program.call(*call)``, failing (not hanging) if it does not return within ``seconds``."""
    result = {}
    thread = threading.Thread(target=lambda: result.update(outcome=program.call(*call)), daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        program._kill()    # (unblocks the grader's side, so the test ends)
        pytest.fail(f"the grader was still waiting after {seconds} s")
    return result["outcome"]


@pytest.mark.parametrize("then, error", [
    ("time.sleep(10 ** 6)", "did not finish within 2 s"),     # the grader's write fills the pipe
    ("os._exit(0)", "ended the grading process"),              # the pipe closes under the grader's write
], ids=["stops reading", "exits"])
def test_a_worker_that_asks_for_a_large_answer_and_does_not_read_it_cannot_hold_the_grader(then, error):
    cells = [("raw", RAW_FRAMES),
             ("stall", "def stall(zeros):   # a 32 MB answer\n"
                       "    endpoint().send({'op': 'call', 'target': zeros.handle}, args=[4 * 10 ** 6], kwargs={})\n"
                       f"    {then}\n")]
    with run(cells) as program:
        outcome = call_within(program, 60, "stall", (np.zeros,), {}, None, 2.0)
        assert outcome.stop and error in outcome.error, outcome
        assert program.call("fine", (), {}).value == 42


def test_a_graders_answer_too_large_for_the_worker_raises_in_the_students_code(monkeypatch):
    monkeypatch.setattr(grading.remote, "MESSAGE_LIMIT", 2 ** 20)
    cells = [("ask", "def ask(zeros):\n"
                     "    try:\n"
                     "        zeros(10 ** 6)\n"
                     "    except Exception as error:\n"
                     "        return f'{type(error).__name__}: {error}'\n")]
    with run(cells) as program:
        outcome = program.call("ask", (np.zeros,), {})
    assert outcome.value == ("ValueError: the result cannot be sent back to your code "
                             f"(a message of more than {2 ** 20} bytes)"), outcome


@pytest.mark.parametrize("head", [
    '{"op": "call", "target": [1], "args": {"$": "list", "v": []}, "kwargs": {"$": "dict", "v": []}}',
    '{"op": "call", "target": "1", "args": {"$": "list", "v": []}, "kwargs": {"$": "dict", "v": []}}',
    '{"op": "call", "target": 1, "args": {"$": "list", "v": [{"$": "int", "v": "' + "9" * 5000 + '"}]},'
    ' "kwargs": {"$": "dict", "v": []}}',
    '{"op": "done", "x": ' + "1" * 5000 + '}',       # more digits than Python converts
    '{"op": "call", "target": 1, "args": ' + "[" * 100_000 + "]" * 100_000 + '}',
    '[1, 2]', '{"op": "call", "blobs": [99999999999]}', "not json",
], ids=["list target", "string target", "huge int argument", "huge JSON number", "deep JSON",
        "not an object", "huge blob", "not JSON"])
def test_a_forged_frame_stops_the_call_and_grading_goes_on(head):
    cells = [("raw", RAW_FRAMES)]
    with run(cells) as program:
        outcome = call_within(program, 60, "forge", (head, np.zeros), {}, None, 5.0)
        assert outcome.stop and "not valid data" in outcome.error, outcome
        assert program.call("fine", (), {}).value == 42


@pytest.mark.parametrize("head, error", [
    ('{"op": "result", "modified": [], "value": {"$": "int", "v": "' + "9" * 5000 + '"}}',
     "returned something that cannot be graded (malformed int)"),
    ('{"op": "result", "modified": 5, "value": {"$": "float", "v": "one"}}',
     "returned something that cannot be graded (malformed float)"),
    ('{"op": "error", "type": "ValueError", "message": "forged", "traceback": 7}', "raised ValueError: forged"),
    ('{"x": 1}', "raised "),
])
def test_a_forged_answer_is_graded_as_what_it_says(head, error):
    with run([("raw", RAW_FRAMES)]) as program:
        outcome = call_within(program, 60, "forge", (head,), {}, None, 5.0)
    assert outcome.error == error, outcome


def test_warnings_a_graders_function_gives_on_student_arguments_stay_off_the_console():
    def as_float(x):
        return np.asarray(x).astype(float)

    cells = [("ask", "import numpy as np\ndef ask(as_float):\n    return as_float(np.array([1 + 2j]))\n")]
    with run(cells) as program, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outcome = program.call("ask", (as_float,), {})
    assert np.array_equal(outcome.value, [1.0])
    assert not caught, [str(w.message) for w in caught]
