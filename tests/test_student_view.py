"""A student's machine: the released notebook in an empty folder, no reference package anywhere.

The release is the one the end-to-end grading made with nbgrader, exactly
as an instructor makes it. It runs in a kernel in the sandbox, whose
folder holds the released files and nothing else, and which sees nothing of
the course (the venv installs the reference package for authors). Run
untouched, every failure must come from the stubs: NotImplementedError, or
a NameError where a figure needs a value a stub did not produce (nothing
imports the reference package or the harness); with the exercises filled
in, every cell, visible tests included, runs clean.
"""

import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from grading.sandbox import Sandbox, make_readable
from scripts.course_tools import REPO, chapters, submission

sys.path.insert(0, str(REPO / "autograder"))
from course_preprocessors import SandboxedKernelManager  # noqa: E402


def run_as_student(folder, nb):
    """Execute ``nb`` in a sandboxed kernel whose working folder holds the files of ``folder`` only."""
    sandbox = Sandbox()
    with tempfile.TemporaryDirectory(prefix="descent-student-") as scratch:
        files = Path(scratch) / "files"
        shutil.copytree(folder, files)
        shared = Path(scratch) / "ipc"
        shared.mkdir()
        make_readable(scratch)
        shutil.chown(shared, *sandbox.user())
        km = SandboxedKernelManager(kernel_name="python3", transport="ipc", connection_file=f"{shared}/kernel.json",
                                    sandbox=sandbox, shared=str(shared), environment={},
                                    read_only=[(str(f), f"/tmp/work/{f.name}") for f in sorted(files.iterdir())])
        client = NotebookClient(nb, km=km, timeout=120, allow_errors=True, resources={"metadata": {"path": scratch}})
        client.execute()
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]


def student_folder(graded, chapter, folder):
    """The released files, as the instructor hands them out (the release of the grading run)."""
    shutil.copytree(graded[chapter]["autograder"] / "release" / chapter, folder)
    return folder


def untouched_run(graded, chapter, folder):
    folder = student_folder(graded, chapter, folder)
    return run_as_student(folder, nbformat.read(folder / f"{chapter}.ipynb", as_version=4)), None


def solved_run(graded, chapter, folder):
    folder = student_folder(graded, chapter, folder)
    release = nbformat.read(folder / f"{chapter}.ipynb", as_version=4)
    source = nbformat.read(graded[chapter]["autograder"] / "source" / chapter / f"{chapter}.ipynb", as_version=4)
    nb = submission(release, source)
    probe = nbformat.v4.new_code_cell(
        "import importlib.util\n"
        "assert importlib.util.find_spec('solutions') is None and importlib.util.find_spec('grading') is None")
    nb.cells.insert(0, probe)
    errors = run_as_student(folder, nb)
    return errors, "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)


@pytest.fixture(scope="module")
def student_runs(graded, tmp_path_factory):
    """Every chapter's release run untouched and solved, two kernels at a time."""
    jobs = [(kind, chapter) for chapter in chapters() for kind in ("untouched", "solved")]
    run = {"untouched": untouched_run, "solved": solved_run}
    root = tmp_path_factory.mktemp("students")
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(lambda job: run[job[0]](graded, job[1], root / f"{job[0]}-{job[1]}"), jobs)
        return dict(zip(jobs, results))


@pytest.mark.parametrize("chapter", chapters())
def test_untouched_release_fails_only_with_the_stubs(student_runs, chapter):
    errors, _ = student_runs["untouched", chapter]
    assert errors and errors[0].ename == "NotImplementedError", "the first failure must be a stub"
    # A figure cell that uses a value an unimplemented exercise did not produce fails with a
    # NameError; anything else (a missing module above all) means the release is incomplete.
    assert {e.ename for e in errors} <= {"NotImplementedError", "NameError"}, [(e.ename, e.evalue) for e in errors]


@pytest.mark.parametrize("chapter", chapters())
def test_solved_release_runs_clean_without_the_reference(student_runs, chapter):
    errors, outputs = student_runs["solved", chapter]
    assert not errors, [(e.ename, e.evalue) for e in errors]
    assert outputs.count(": OK (relative error") >= 3
