"""Run every chapter notebook top to bottom, in place, as an author runs it in `./run lab`.

    python tests/run_chapters.py --out FOLDER

For each chapters/NN_*.ipynb, in order: the executed notebook goes to
FOLDER/NN_*.ipynb and a line of JSON to FOLDER/NN_*.json ({"error": null or
a sentence}). The kernel gets no environment but PATH,
HOME and one BLAS thread (tests/conftest.py runs this beside other tests):
the reference and the grader are found because they are installed, not
through PYTHONPATH. Cells that raise are recorded and the run goes on, as
nbval's lax mode did; a cell that runs for more than 120 s stops that
chapter.
"""

import argparse
import json
import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from nbtools import CHAPTERS, chapter_notebooks  # noqa: E402  (tests/, this script's folder)
from scripts.course_tools import ONE_BLAS_THREAD  # noqa: E402

CELL_SECONDS = 120


def run_chapter(path, out):
    nb = nbformat.read(path, as_version=4)
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **ONE_BLAS_THREAD}
    client = NotebookClient(nb, timeout=CELL_SECONDS, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(CHAPTERS)}})
    error = None
    try:
        client.execute(env=env, cwd=str(CHAPTERS))
    except Exception as exc:   # a timeout or a dead kernel: the chapter stops, the others run
        error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"
    nbformat.write(nb, out / path.name)
    (out / f"{path.stem}.json").write_text(json.dumps({"error": error}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in chapter_notebooks():
        run_chapter(path, args.out)


if __name__ == "__main__":
    main()
