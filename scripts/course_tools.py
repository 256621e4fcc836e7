"""Run the course's nbgrader directory on a throwaway copy (used by the tests and the benchmark)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
NBGRADER = str(Path(sys.executable).parent / "nbgrader")
# One BLAS thread per process, as in the grader's sandbox (grading/sandbox.py): kernels that run
# side by side, one per core, would otherwise each start a thread per core and spin against
# each other (a chapter took 89 s instead of 7).
ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
_WORKING_STATE = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "gradebook.db", "release",
                                        "submitted", "autograded", "feedback", "grades.csv")


def copy_course(destination):
    """Copy what grading needs into ``destination``, keeping the repo's layout; return its autograder/."""
    destination = Path(destination)
    for folder in ["chapters", "solutions", "grading"]:
        shutil.copytree(REPO / folder, destination / folder, ignore=_WORKING_STATE)
    # The release writes the chapters' citations out from it (autograder/course_citations.py).
    shutil.copy(REPO / "references.bib", destination / "references.bib")
    shutil.copytree(REPO / "autograder", destination / "autograder", symlinks=True, ignore=_WORKING_STATE)
    return destination / "autograder"


def ipc_kernel_config(folder):
    """NotebookClient configuration for the course's own notebooks (site, benchmark): kernels over Unix sockets.

    Over TCP, ipykernel warns that the traffic is not encrypted; these kernels
    talk over sockets in ``folder`` instead, as the graders' kernels do (and
    the client still owns and shuts down its kernel).
    """
    from traitlets.config import Config
    return Config({"KernelManager": {"transport": "ipc", "connection_file": f"{folder}/kernel.json"}})


def chapters():
    """Assignment names: one per folder in autograder/source/."""
    return sorted(p.name for p in (REPO / "autograder" / "source").iterdir() if p.is_dir())


def nbgrader(autograder, *args, timeout=900):
    """Run an nbgrader command from ``autograder``, as the instructor guide types it."""
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(NBGRADER).parent), os.environ.get("PATH", "")]))
    result = subprocess.run([NBGRADER, *args], cwd=autograder, capture_output=True, text=True, timeout=timeout,
                            env=env)
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def exercises(source_nb):
    """(function name, solution source) of every graded exercise, in notebook order.

    A solution cell without a ``test_<id>`` cell (the ungraded cell where a
    student carries over functions from earlier chapters) is not an exercise.
    """
    ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in source_nb.cells}
    return [(c.metadata.nbgrader["grade_id"], c.source) for c in source_nb.cells
            if c.metadata.get("nbgrader", {}).get("solution") and f"test_{c.metadata.nbgrader['grade_id']}" in ids]


def submission(release_nb, source_nb, replace=(), delete=(), edit=()):
    """A student's notebook: the release with every exercise solved, then the given damage done."""
    nb = nbformat.from_dict(release_nb)
    # (the exercises' code; a reflection question's model answer is not a student's to copy)
    solutions = {c.metadata.nbgrader["grade_id"]: c.source for c in source_nb.cells
                 if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"}
    replace, edit = dict(replace), dict(edit)
    cells = []
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in delete:
            continue
        if grade_id in solutions:
            cell.source = replace.get(grade_id, solutions[grade_id])
        if grade_id in edit:
            cell.source = edit[grade_id]
        cells.append(cell)
    nb.cells = cells
    return nb
