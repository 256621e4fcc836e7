"""Print the course's time budgets: notebook execution, book build, grading one submission.

    ./run bench [--class-size N] [--class-only]

Budgets (on the reference machine, 2 cores): each chapter notebook < 20 s,
the whole book from clean < 3 min, autograding one submission of one
chapter < 10 s (sandboxed kernel, sandboxed grading worker), printed next
to stock nbgrader autograding a one-exercise notebook with its default
configuration (no sandbox, scores from the student's kernel), which is the
floor any nbgrader course pays; a class of 100 submissions of chapter 5 (a
mix of solved, partly solved, broken and hostile ones) graded by ./run grade
at least 3 times faster than by serial nbgrader autograde, with the same
scores. For the class it also prints how much CPU time each run used: in
parallel the same work needs the same CPU time, which bounds the speed-up
by cores x serial time / CPU time (a parallel run can beat that bound a
little, as the feedback run's endless loops get less CPU before their
wall-clock limit on a busy machine). This prints measurements; the tests
never time anything.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scripts.course_tools import REPO, chapters, copy_course, ipc_kernel_config, nbgrader, submission  # noqa: E402

BUDGETS = {"notebook": 20.0, "book": 180.0, "autograde": 10.0, "class speed-up": 3.0}


def report(label, seconds, budget):
    verdict = "ok" if seconds <= budget else "OVER BUDGET"
    print(f"{label:<48} {seconds:6.1f} s   (budget {budget:.0f} s)  {verdict}", flush=True)
    return seconds <= budget


def time_notebook(chapter):
    """Execute the chapter with solutions in place, as the tests and the website do."""
    with tempfile.TemporaryDirectory() as work:
        for f in (REPO / "autograder" / "source" / chapter).iterdir():
            shutil.copy(f, work)
        nb = nbformat.read(Path(work) / f"{chapter}.ipynb", as_version=4)
        start = time.perf_counter()
        NotebookClient(nb, config=ipc_kernel_config(work), timeout=600,
                       resources={"metadata": {"path": work}}).execute()
        return time.perf_counter() - start


def time_book():
    shutil.rmtree(REPO / "_build", ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_site.py")], check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def time_autograde(chapter):
    """nbgrader autograde of one solved submission (the assignment released beforehand)."""
    with tempfile.TemporaryDirectory() as work:
        autograder = copy_course(work)
        nbgrader(autograder, "generate_assignment", chapter)
        release = nbformat.read(autograder / "release" / chapter / f"{chapter}.ipynb", as_version=4)
        source = nbformat.read(autograder / "source" / chapter / f"{chapter}.ipynb", as_version=4)
        folder = autograder / "submitted" / "student" / chapter
        folder.mkdir(parents=True)
        nbformat.write(submission(release, source), folder / f"{chapter}.ipynb")
        start = time.perf_counter()
        nbgrader(autograder, "autograde", chapter)
        return time.perf_counter() - start


PLAIN_NOTEBOOK = [
    ("code", "import numpy as np", {"grade": False, "solution": False, "locked": True, "grade_id": "setup"}),
    ("code", "def gd_step(w, g, lr):\n    ### BEGIN SOLUTION\n    return w - lr * g\n    ### END SOLUTION",
     {"grade": False, "solution": True, "locked": False, "grade_id": "gd_step"}),
    ("code", "assert np.allclose(gd_step(np.ones(2), np.ones(2), 0.5), 0.5)",
     {"grade": True, "solution": False, "locked": True, "points": 1, "grade_id": "test_gd_step"}),
]


def time_plain_nbgrader():
    """Stock nbgrader (default configuration) autograding one solved one-exercise notebook."""
    with tempfile.TemporaryDirectory() as work:
        course = Path(work)
        (course / "nbgrader_config.py").write_text(
            f"c = get_config()\nc.CourseDirectory.root = {str(course)!r}\nc.CourseDirectory.course_id = 'plain'\n")
        nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                               "language": "python"}})
        for kind, source, meta in PLAIN_NOTEBOOK:
            cell = nbformat.v4.new_code_cell(source)
            cell.metadata["nbgrader"] = dict(meta, schema_version=3)
            nb.cells.append(cell)
        (course / "source" / "one").mkdir(parents=True)
        nbformat.write(nb, course / "source" / "one" / "one.ipynb")
        nbgrader(course, "generate_assignment", "one")
        (course / "submitted" / "student" / "one").mkdir(parents=True)
        shutil.copy(course / "source" / "one" / "one.ipynb", course / "submitted" / "student" / "one" / "one.ipynb")
        start = time.perf_counter()
        nbgrader(course, "autograde", "one")
        return time.perf_counter() - start


# A class as it comes in: mostly solved, some partly, some broken, a few hostile.
CLASS_MIX = ["solved", "solved", "solved", "classic_styles", "partly", "partly", "one_wrong", "never_returns",
             "cheater", "swallows"]
SWALLOWS = "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n    except BaseException:\n        pass\n"


def class_of(chapter, size, release, source):
    """{student: notebook} for a class of ``size`` of the CLASS_MIX."""
    sys.path.insert(0, str(REPO / "tests"))
    from class_grading import _with_cell_after_setup, class_of_submissions

    known = class_of_submissions(chapter, release, source)
    stubs = {c.metadata.nbgrader["grade_id"]: c.source for c in release.cells
             if c.metadata.get("nbgrader", {}).get("solution")}
    names = [c.metadata.nbgrader["grade_id"] for c in source.cells if c.cell_type == "code"
             and c.metadata.get("nbgrader", {}).get("solution") and c.metadata.nbgrader["grade_id"] != "carried_over"]
    students = {}
    for i in range(size):
        kind = CLASS_MIX[i % len(CLASS_MIX)]
        if kind == "partly":   # the last exercises left as the release has them
            left = names[-1 - (i % 2):]
            nb = submission(release, source, replace={name: stubs[name] for name in left})
        elif kind == "swallows":
            nb = _with_cell_after_setup(submission(release, source), SWALLOWS)
        else:
            nb = known[kind][0]
        students[f"student{i:03d}-{kind}"] = nb
    return students


def busy_cpu_seconds():
    """CPU seconds the whole machine has spent busy since it started (Linux's /proc/stat), or None.

    The sandboxed kernels and workers are not children that nbgrader waits
    for, so the machine's counter is what sees all of their time (the
    benchmark assumes nothing else runs meanwhile).
    """
    try:
        with open("/proc/stat") as stat:
            fields = [int(x) for x in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    user, nice, system, idle, iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def time_class(chapter, size, modes=("serial", "parallel")):
    """({mode: (seconds, CPU seconds or None)}, {mode: grades.csv}) for a class of ``size`` of ``chapter``."""
    seconds, scores = {}, {}
    for mode in modes:
        with tempfile.TemporaryDirectory() as work:
            autograder = copy_course(work)
            nbgrader(autograder, "generate_assignment", chapter)
            release = nbformat.read(autograder / "release" / chapter / f"{chapter}.ipynb", as_version=4)
            source = nbformat.read(autograder / "source" / chapter / f"{chapter}.ipynb", as_version=4)
            for student, nb in class_of(chapter, size, release, source).items():
                folder = autograder / "submitted" / student / chapter
                folder.mkdir(parents=True)
                nbformat.write(nb, folder / f"{chapter}.ipynb")
            options = [] if mode == "serial" else ["--CourseAutograde.jobs=0", "--CourseAutograde.class_summary=True"]
            start, cpu_start = time.perf_counter(), busy_cpu_seconds()
            nbgrader(autograder, "autograde", chapter, "--log-level=WARN", *options, timeout=4 * 3600)
            cpu = busy_cpu_seconds() - cpu_start if cpu_start is not None else None
            seconds[mode] = (time.perf_counter() - start, cpu)
            nbgrader(autograder, "export")
            scores[mode] = (autograder / "grades.csv").read_text()
    return seconds, scores


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--class-size", type=int, default=100, help="submissions in the class benchmark (0: skip)")
    parser.add_argument("--class-only", action="store_true", help="only the class benchmark")
    args = parser.parse_args()
    os.environ.pop("NBGRADER_EXECUTION", None)
    ok = True
    if not args.class_only:
        for chapter in chapters():
            ok &= report(f"execute {chapter}.ipynb", time_notebook(chapter), BUDGETS["notebook"])
        plain = time_plain_nbgrader()
        print(f"{'stock nbgrader, one-exercise notebook (reference)':<48} {plain:6.1f} s", flush=True)
        for chapter in chapters():
            ok &= report(f"autograde one submission of {chapter}", time_autograde(chapter), BUDGETS["autograde"])
        ok &= report("build the book from clean", time_book(), BUDGETS["book"])
    if args.class_size:
        seconds, scores = time_class("05_adam", args.class_size)
        (serial, serial_cpu), (parallel, parallel_cpu) = seconds["serial"], seconds["parallel"]
        same = scores["serial"] == scores["parallel"]
        print(f"{f'serial nbgrader autograde, {args.class_size} submissions of 05_adam':<48} {serial:6.1f} s")
        if serial_cpu:
            # Run in parallel, the same work needs the same CPU time: cores x wall time cannot be less.
            cores = os.cpu_count() or 1
            print(f"  it kept {serial_cpu / serial:.2f} of {cores} cores busy ({serial_cpu:.0f} CPU seconds): "
                  f"the same CPU work takes {serial_cpu / cores:.0f} s on {cores} cores, "
                  f"{serial * cores / serial_cpu:.1f}x faster", flush=True)
        print(f"{f'./run grade (in parallel), the same submissions':<48} {parallel:6.1f} s   "
              f"({serial / parallel:.1f}x faster, budget {BUDGETS['class speed-up']:.0f}x)  "
              f"{'ok' if serial / parallel >= BUDGETS['class speed-up'] else 'UNDER BUDGET'}; "
              f"{'same scores' if same else 'SCORES DIFFER'}", flush=True)
        if parallel_cpu:
            print(f"  it kept {parallel_cpu / parallel:.2f} of {os.cpu_count() or 1} cores busy "
                  f"({parallel_cpu:.0f} CPU seconds)", flush=True)
        ok &= serial / parallel >= BUDGETS["class speed-up"] and same
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
