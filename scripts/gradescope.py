"""Gradescope autograders for the course's chapters, and the same grading as independent jobs.

    ./run gradescope CHAPTER [--out DIR]        build DIR/CHAPTER.zip (default DIR: dist/gradescope)
    gradescope.py run [--root /autograder]      inside Gradescope: grade ROOT/submission, write
                                                ROOT/results/results.json (what run_autograder does)
    gradescope.py grade NOTEBOOK... --out DIR [--index N]
                                                grade each notebook (or only the N-th, for a batch
                                                scheduler's array job) as an independent job; one
                                                DIR/<notebook name>.results.json each

Gradescope runs every submission in a container of its own: it unpacks the
zip into /autograder/source, runs setup.sh once to build the image, and
for each submission runs run_autograder, which must leave
/autograder/results/results.json. The zip holds the course's own grader
(grading/, solutions/, autograder/ with its nbgrader configuration and the
chapter's source folder, with a gradebook made by generate_assignment when
the zip was built), so a submission is graded by ``nbgrader autograde``
with exactly the code and the settings of an nbgrader course: the same
sandboxes, the same judge, the same feedback sentences.

results.json has one test per exercise part: "<exercise>: visible test"
(1 point) and "<exercise>: hidden tests" (3 points, its score visible, its
inputs never: the line that describes the first failing case is left out),
the total score, the execution time, and a short overall message.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STUDENT = "student"
# Packages the grader needs (the site's and the tests' tools are left out of the bundle).
NOT_FOR_GRADING = ("jupyter-book", "sphinx", "sphinx-book-theme", "myst-nb", "sphinxcontrib-bibtex",
                   "sphinx-togglebutton", "pytest", "playwright", "jupyterlab")

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, to build the autograder image (Ubuntu 22.04).
set -euo pipefail
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y python3.11 python3.11-venv bubblewrap util-linux
python3.11 -m venv /autograder/venv
/autograder/venv/bin/pip install --upgrade pip
/autograder/venv/bin/pip install -r /autograder/source/course/requirements.txt
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission: it grades /autograder/submission/*.ipynb
# and writes /autograder/results/results.json.
exec /autograder/venv/bin/python /autograder/source/course/scripts/gradescope.py run --root /autograder "$@"
"""


# ------------------------------------------------------------------ building the zip


def build(chapter, out):
    """Write out/<chapter>.zip; return its path."""
    source = REPO / "autograder" / "source" / chapter
    if not source.is_dir():
        known = ", ".join(sorted(p.name for p in source.parent.iterdir() if p.is_dir()))
        raise SystemExit(f"There is no chapter '{chapter}': the chapters are {known}.")
    with tempfile.TemporaryDirectory() as work:
        course = Path(work) / "course"
        stage_course(course, chapter)
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"{chapter}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            _add(archive, "setup.sh", SETUP_SH, 0o755)
            _add(archive, "run_autograder", RUN_AUTOGRADER, 0o755)
            for file in sorted(course.rglob("*")):
                if file.is_file() and "__pycache__" not in file.parts:
                    mode = 0o755 if file.suffix == ".sh" else 0o644
                    _add(archive, f"course/{file.relative_to(course)}", file.read_bytes(), mode)
    return path


def stage_course(course, chapter):
    """The grader and one chapter's nbgrader course, as real files, with its gradebook already made."""
    for folder in ("grading", "solutions"):
        shutil.copytree(REPO / folder, course / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (course / "chapters").mkdir(parents=True)
    shutil.copy(REPO / "chapters" / "checks.py", course / "chapters" / "checks.py")  # the judge's comparisons
    (course / "scripts").mkdir()
    shutil.copy(Path(__file__), course / "scripts" / "gradescope.py")
    autograder = course / "autograder"
    (autograder / "source").mkdir(parents=True)
    for file in (REPO / "autograder").glob("*.py"):
        shutil.copy(file, autograder / file.name)
    shutil.copytree(REPO / "autograder" / "source" / chapter, autograder / "source" / chapter)  # follows the links
    shutil.copy(REPO / "references.bib", course / "references.bib")  # the release's citations
    (course / "requirements.txt").write_text(grading_requirements())
    subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "generate_assignment", chapter],
                   cwd=autograder, check=True, capture_output=True, text=True)
    # (release/ stays: it is the students' copy, the one they upload back)


def grading_requirements():
    lines = []
    for line in (REPO / "requirements.txt").read_text().splitlines():
        name = re.split(r"[<>=!~\[; ]", line.strip(), maxsplit=1)[0].lower()
        if name and not line.startswith("#") and name not in NOT_FOR_GRADING:
            lines.append(line.strip())
    return "# What the grader needs (from the course's requirements.txt).\n" + "\n".join(lines) + "\n"


def _add(archive, name, data, mode):
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = mode << 16
    archive.writestr(info, data)


# ------------------------------------------------------------------ grading one notebook


def bundle_chapter(course):
    """The one chapter of an unpacked bundle."""
    chapters = [p.name for p in (course / "autograder" / "source").iterdir() if p.is_dir()]
    if len(chapters) != 1:
        raise SystemExit(f"{course} is not an unpacked autograder bundle (it has {len(chapters)} chapters); "
                         "build one with ./run gradescope CHAPTER.")
    return chapters[0]


def grade_notebook(course, notebook, nbgrader_args=()):
    """Grade one submitted notebook with the course's nbgrader; the results.json dict."""
    started = time.monotonic()
    chapter = bundle_chapter(course)
    with tempfile.TemporaryDirectory(prefix="descent-gradescope-") as work:
        copy = Path(work) / "course"
        shutil.copytree(course, copy, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
        autograder = copy / "autograder"
        folder = autograder / "submitted" / STUDENT / chapter
        folder.mkdir(parents=True)
        if notebook is not None:
            # A link stays a link (the grader then refuses to follow it, and says so).
            shutil.copy2(notebook, folder / f"{chapter}.ipynb", follow_symlinks=False)
        run = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "autograde", chapter,
                              "--log-level=WARN", *nbgrader_args], cwd=autograder, capture_output=True, text=True)
        graded = autograder / "autograded" / STUDENT / chapter / f"{chapter}.ipynb"
        if notebook is None or run.returncode != 0 or not graded.exists():
            message = ("No notebook was submitted: upload your " f"{chapter}.ipynb." if notebook is None else
                       "The autograder could not grade this submission: " + _last_error(run.stderr))
            return {"score": 0.0, "execution_time": round(time.monotonic() - started, 1), "output": message,
                    "tests": []}
        return results(graded, chapter, time.monotonic() - started)


def results(graded, chapter, seconds):
    """results.json for an autograded notebook: one test per exercise part, in notebook order."""
    import nbformat

    nb = nbformat.read(graded, as_version=4)
    tests, total, possible = [], 0.0, 0.0
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id", "")
        if not meta.get("grade") or cell.cell_type != "code":
            continue
        text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
        scores = [o["data"]["text/plain"] for o in cell.get("outputs", []) if o.get("output_type") == "execute_result"]
        score = float(scores[0]) if scores else 0.0
        kind, _, exercise = grade_id.partition("_")
        hidden = kind == "hidden"
        if hidden:   # the score shows, the inputs never
            text = "\n".join(line for line in text.splitlines() if not line.startswith("First failing case:"))
        tests.append({"name": f"{exercise}: {'hidden tests' if hidden else 'visible test'}", "score": score,
                      "max_score": float(meta["points"]), "output": text.strip(), "visibility": "visible"})
        total += score
        possible += float(meta["points"])
    return {"score": round(total, 2), "execution_time": round(seconds, 1),
            "output": f"{chapter}: {total:g} of {possible:g} points. Each exercise has a visible test (1 point) and "
                      "hidden tests on random inputs (3 points, shared out over the cases).",
            "tests": tests}


def _last_error(stderr):
    lines = [line for line in stderr.splitlines() if "ERROR" in line]
    return (lines[-1].split("] ", 1)[-1] if lines else "see the autograder's log")[:500]


def submitted_notebook(folder, chapter):
    """The notebook to grade in a Gradescope submission folder: <chapter>.ipynb, or the only .ipynb."""
    named = folder / f"{chapter}.ipynb"
    if named.exists() or named.is_symlink():
        return named
    notebooks = sorted(folder.glob("*.ipynb"))
    return notebooks[0] if len(notebooks) == 1 else None


# ------------------------------------------------------------------ entry points


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_command = commands.add_parser("build", help="build the Gradescope zip of a chapter")
    build_command.add_argument("chapter")
    build_command.add_argument("--out", type=Path, default=REPO / "dist" / "gradescope")
    run_command = commands.add_parser("run", help="grade a Gradescope submission (run_autograder)")
    run_command.add_argument("--root", type=Path, default=Path("/autograder"))
    grade_command = commands.add_parser("grade", help="grade notebooks as independent jobs")
    grade_command.add_argument("notebooks", nargs="+", type=Path)
    grade_command.add_argument("--out", type=Path, required=True)
    grade_command.add_argument("--index", type=int, default=os.environ.get("JOB_COMPLETION_INDEX"),
                               help="grade only the notebook at this position (default: $JOB_COMPLETION_INDEX)")
    args, nbgrader_args = parser.parse_known_args(argv)
    if args.command == "build":
        print(build(args.chapter, args.out))
        return
    course = Path(__file__).resolve().parents[1]
    chapter = bundle_chapter(course)
    if args.command == "run":
        os.chmod(args.root / "source", 0o700)  # the grader's files: root's alone (see grading/sandbox.py, "user")
        notebook = submitted_notebook(args.root / "submission", chapter)
        # A container of its own holds this one submission: where it allows no namespaces, student
        # code runs as nobody, the grader's files being root's alone.
        result = grade_notebook(course, notebook, ["--StudentSandbox.without_namespaces=unprivileged-user",
                                                   *nbgrader_args])
        (args.root / "results").mkdir(parents=True, exist_ok=True)
        (args.root / "results" / "results.json").write_text(json.dumps(result, indent=1))
        return
    notebooks = args.notebooks if args.index is None else [args.notebooks[int(args.index)]]
    args.out.mkdir(parents=True, exist_ok=True)
    for notebook in notebooks:
        result = grade_notebook(course, notebook, nbgrader_args)
        (args.out / f"{notebook.stem}.results.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
