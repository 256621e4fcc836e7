"""The sandbox that student code runs in: bubblewrap, resource limits, a private scratch folder.

Every process that runs a student's code (the grading worker, and the
kernel that nbgrader executes a submitted notebook in) is started through
``Sandbox.command``. Under bubblewrap it sees:

- read-only: the operating system (/usr, /etc, ...), the Python
  installation and the course's virtual environment (with the records of
  the course's own editable install emptied: they hold the checkout's
  path), and whatever the caller lists (the chapter's helper modules, the
  worker's two files);
- a private, size-limited tmpfs at /tmp (home, working folder);
- a read-write folder only if the caller asks for one (the kernel's
  sockets);
- no network, no other process, no view of the course repository
  (reference package, hidden-test cases, chapter sources), the gradebook or
  other students' folders.

Limits (rlimits set by ``prlimit`` before Python starts, so the student's
code cannot raise them): address space, CPU seconds, processes, file size,
open files, no core dumps. Wall-clock limits are the caller's: it kills
the sandbox, and with it every process inside (bubblewrap's PID namespace
dies with its first process). Run as root, the sandbox drops to the
unprivileged user ``nobody`` first, so the process limit applies (root is
exempt from it).

The bubblewrap command is ``bwrap`` on the PATH, or the environment
variable ``DESCENT_BWRAP``. Three modes:

- ``"bwrap"`` (the default): all of the above;
- ``"user"``: where namespaces are not allowed (inside some containers),
  root runs student code as the unprivileged user ``nobody`` with the same
  limits, seeing the real file system: whoever uses it makes the course's
  files unreadable to that user first (the Gradescope bundle does), and
  accepts that the network is not cut off;
- ``"trusted"``: the instructor's explicit statement that the submissions
  are trusted: the same limits, no isolation.
Without bubblewrap, the "bwrap" mode refuses to run anything.
"""

import atexit
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

NOBODY = 65534
HOST_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"   # to find prlimit, setpriv, unshare
BWRAP = os.environ.get("DESCENT_BWRAP", "bwrap")   # the bubblewrap command, if it is not on the PATH as bwrap
INSTALL_HINT = ("install bubblewrap (Debian/Ubuntu: `sudo apt-get install bubblewrap`; "
                "Fedora: `sudo dnf install bubblewrap`)")


class SandboxUnavailable(RuntimeError):
    """Student code cannot be confined here; the message says why and what to do."""


@dataclass(frozen=True)
class Limits:
    memory_bytes: int = 3 * 2 ** 30      # address space of each process
    cpu_seconds: int = 120               # CPU time of each process
    processes: int = 64                  # processes and threads of the sandbox's user
    file_bytes: int = 64 * 2 ** 20       # largest file it may write
    open_files: int = 256
    scratch_bytes: int = 256 * 2 ** 20   # the private /tmp


def _bwrap():
    return shutil.which(BWRAP)


def check_available():
    """None if sandboxes can be made here, else a sentence saying why not and what to do."""
    bwrap = _bwrap()
    if bwrap is None:
        return f"bubblewrap (the `bwrap` command) is not installed: {INSTALL_HINT}."
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        return "`setpriv` (util-linux) is needed to drop root's privileges in the sandbox; install util-linux."
    probe = Sandbox(mode="bwrap").command([sys.executable, "-c", "pass"])
    try:
        result = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap could not start a sandbox ({error})."
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["no message"])[-1]
        return (f"bubblewrap is installed but cannot create a sandbox here ({detail}); "
                "it needs unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1).")
    return None


MODES = ("bwrap", "user", "trusted")


class Sandbox:
    """Builds the command lines that run untrusted code confined (see the modes above)."""

    def __init__(self, limits=Limits(), mode="bwrap"):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        if mode == "user" and os.geteuid() != 0:
            raise SandboxUnavailable("the 'user' sandbox runs student code as nobody, which only root can do")
        self.limits = limits
        self.mode = mode

    @property
    def confined(self):
        """True if the sandbox has a file system of its own (paths inside differ from the host's)."""
        return self.mode == "bwrap"

    def command(self, argv, *, read_only=(), writable=(), env=None, cwd="/tmp/work"):
        """The command that runs ``argv`` in a new sandbox.

        ``read_only`` and ``writable`` are (host path, path inside) pairs;
        files or folders, readable by the sandbox's user (see ``user()``).
        ``env`` is added to a minimal environment. Inside the sandbox
        ``cwd`` is created empty on the private tmpfs unless a mount is put
        there.
        """
        environment = self._environment(env or {})
        limited = ["prlimit", *self._rlimits(), "--", *argv]
        if self.mode == "trusted":
            return ["env", "-i", *[f"{k}={v}" for k, v in environment.items()], *limited]
        if self.mode == "user":
            environment.update(HOME=environment.get("TMPDIR", "/tmp"))
            return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--",
                    "env", "-i", *[f"{k}={v}" for k, v in environment.items()], *limited]
        if _bwrap() is None:
            raise SandboxUnavailable(f"bubblewrap is not installed: {INSTALL_HINT}")
        aliases = _python_aliases() if os.geteuid() == 0 else {}
        command = [_bwrap(), "--unshare-all", "--die-with-parent", "--new-session", "--clearenv"]
        for key, value in environment.items():
            command += ["--setenv", key, value]
        command += self._system_mounts()
        command += ["--size", str(self.limits.scratch_bytes), "--tmpfs", "/tmp",
                    "--dir", "/tmp/home", "--dir", cwd]
        # After the private /tmp, so that a Python or a course checked out under /tmp stays visible.
        command += self._python_mounts(aliases)
        for host, inside in read_only:
            command += ["--ro-bind", str(host), str(inside)]
        for host, inside in writable:
            command += ["--bind", str(host), str(inside)]
        command += ["--chdir", cwd, "--", *limited]
        # bubblewrap's own processes keep the environment they were started with, and the
        # student's code can read it in /proc/1/environ: they start with none of the grader's.
        command = ["env", "-i", f"PATH={HOST_PATH}", *command]
        if os.geteuid() != 0:
            return command
        # Root ignores RLIMIT_NPROC, so the sandbox runs as nobody. Folders that nobody
        # cannot reach (a Python under /root) are first bound onto reachable ones, in a
        # mount namespace of this command's own: the machine's mounts do not change.
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--", *command]
        if aliases:
            mounts = " && ".join(f"mount --bind '{real}' '{alias}'" for real, alias in aliases.items())
            command = ["env", "-i", f"PATH={HOST_PATH}", "unshare", "--mount", "--propagation", "private", "--",
                       "sh", "-c", f'{mounts} && exec "$@"', "sandbox", *command]
        return command

    def user(self):
        """(uid, gid) that must be able to read the read-only paths and own the writable ones."""
        if self.mode != "trusted" and os.geteuid() == 0:
            return NOBODY, NOBODY
        return os.geteuid(), os.getegid()

    def _rlimits(self):
        limits = self.limits
        return [f"--as={limits.memory_bytes}", f"--cpu={limits.cpu_seconds}", f"--nproc={limits.processes}",
                f"--fsize={limits.file_bytes}", f"--nofile={limits.open_files}", "--core=0"]

    @staticmethod
    def _environment(extra):
        python_bin = str(Path(sys.executable).parent)
        base = {
            "PATH": f"{python_bin}:/usr/local/bin:/usr/bin:/bin",
            "HOME": "/tmp/home",
            "TMPDIR": "/tmp",
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONNOUSERSITE": "1",
            # One thread each: fair under parallel grading, and fewer threads than the process limit.
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "MALLOC_ARENA_MAX": "2",
            "MPLCONFIGDIR": "/tmp/home/.matplotlib",
            "IPYTHONDIR": "/tmp/home/.ipython",
        }
        base.update({k: str(v) for k, v in extra.items()})
        return base

    @staticmethod
    def _system_mounts():
        """The OS, read-only; /proc and /dev of the sandbox's own."""
        mounts = ["--proc", "/proc", "--dev", "/dev"]
        for top in ("/usr", "/etc"):
            if os.path.isdir(top):
                mounts += ["--ro-bind", top, top]
        for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
            if os.path.islink(top):
                mounts += ["--symlink", os.readlink(top), top]
            elif os.path.isdir(top):
                mounts += ["--ro-bind", top, top]
        return mounts

    @staticmethod
    def _python_mounts(aliases):
        """The Python installation and the virtual environment, read-only, with the course's
        own install records emptied."""
        mounts = [argument for prefix in python_prefixes() if not _covered(prefix, ("/usr", "/etc"))
                  for argument in ("--ro-bind", aliases.get(prefix, prefix), prefix)]
        for record in local_install_records():
            mounts += ["--ro-bind", _empty_file(), record]
        return mounts


_EMPTY_FILE = None


def _empty_file():
    """An empty file that the sandbox's user can read (a device such as /dev/null cannot be
    opened on bubblewrap's mounts)."""
    global _EMPTY_FILE
    if _EMPTY_FILE is None or not os.path.isfile(_EMPTY_FILE):
        handle, _EMPTY_FILE = tempfile.mkstemp(prefix="descent-empty-")
        os.close(handle)
        os.chmod(_EMPTY_FILE, 0o444)
        atexit.register(Path(_EMPTY_FILE).unlink, missing_ok=True)
    return _EMPTY_FILE


def local_install_records():
    """The files of the environment that name a folder a package was installed from.

    The course's own package is installed in editable mode (pip install -e .): its finder,
    .pth and direct_url.json hold the checkout's path, which a student could print into the
    feedback. Nothing in the sandbox needs them (the package is not mounted there).
    """
    records = []
    for prefix in python_prefixes():
        for site in Path(prefix).glob("lib/python*/site-packages"):
            records += site.glob("__editable__*")
            records += (record for record in site.glob("*.dist-info/direct_url.json")
                        if '"file:' in record.read_text(errors="replace"))
    return sorted({str(record) for record in records})


def _reachable_by_others(path):
    """True if every folder on the way to ``path`` lets any user through (and ``path`` is readable)."""
    path = os.path.abspath(path)
    parts = Path(path).parents
    for folder in [*reversed(parts), Path(path)]:
        mode = os.stat(folder).st_mode
        if not mode & stat.S_IXOTH:
            return False
    return bool(os.stat(path).st_mode & stat.S_IROTH)


_ALIAS_ROOT = None


def _python_aliases():
    """{prefix: reachable folder to bind it onto} for Python folders that nobody cannot reach."""
    global _ALIAS_ROOT
    needed = [p for p in python_prefixes() if not _covered(p, ("/usr", "/etc")) and not _reachable_by_others(p)]
    if not needed:
        return {}
    if _ALIAS_ROOT is None or not os.path.isdir(_ALIAS_ROOT):
        _ALIAS_ROOT = tempfile.mkdtemp(prefix="descent-python-")
        os.chmod(_ALIAS_ROOT, 0o755)
        atexit.register(shutil.rmtree, _ALIAS_ROOT, True)
    aliases = {}
    for i, prefix in enumerate(needed):
        alias = os.path.join(_ALIAS_ROOT, str(i))
        os.makedirs(alias, mode=0o755, exist_ok=True)
        aliases[prefix] = alias
    return aliases


def make_readable(path):
    """Let the sandbox's user read ``path`` (a folder made by this process with mkdtemp is private)."""
    for folder, _, files in os.walk(path):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)


def python_prefixes():
    """The folders a Python of this environment needs: the installation and the virtual environment."""
    prefixes = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix),
                os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))}
    # sys.prefix of a venv is reached through its own path too (its bin/python is a symlink)
    prefixes.add(os.path.abspath(sys.prefix))
    return sorted(prefixes)


def _covered(path, tops):
    return any(path == top or path.startswith(top + "/") for top in tops)


def exposed_paths():
    """Every host path the sandbox can read (for the check that the course itself is not among them)."""
    paths = [top for top in ("/usr", "/etc") if os.path.isdir(top)]
    return paths + python_prefixes()
