"""The chapters' own code gives the same results with the in-place styles the grader accepts.

A student may write an update rule that changes its arrays in place
(``w -= lr * g``, the classic assignments' dict style): the grader gives it
full points with a note (grading/mistakes/, ACCEPTED). The chapters' demos
call the student's functions, and a demo that reuses an array it passed to
one (a start point shared by several runs, a path that stores ``w`` itself)
would then draw and print something else than the prose says. So each
chapter runs twice, as nbgrader's shortened version: once as written, once
with every exercise and every carried-over function that has an in-place
variant replaced by it, and every code cell other than the tests must print
the same. (Chapter 2's demo trains with the student's own
``train_with_mini_batches``, whose path of an in-place update is the
student's to copy: the visible test of that exercise says so; its run is
left out of the comparison.) Cells that print timings are not compared.
"""

import ast
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from grading.mistakes import MODULES
from nbtools import CHAPTERS, chapter_notebooks
from scripts.course_tools import REPO, ipc_kernel_config

IN_PLACE = {name: (module.__name__, implementation.__name__)
            for module in MODULES for name, implementation, _ in module.ACCEPTED}
STUDENTS_OWN_LOOP = {"02_minibatch": "paths = race()"}   # see the docstring


def with_in_place_variants(nb):
    """``nb`` with a cell after each solution cell that rebinds its functions to their in-place variants."""
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        if cell.cell_type != "code" or not cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        defined = [node.name for node in ast.parse(cell.source).body if isinstance(node, ast.FunctionDef)]
        imports = [f"from {IN_PLACE[name][0]} import {IN_PLACE[name][1]} as {name}"
                   for name in defined if name in IN_PLACE]
        if imports:
            cells.append(nbformat.v4.new_code_cell("\n".join(imports), metadata={"in_place": True}))
    nb.cells = cells
    return nb


def printed(nb, chapter):
    """{source: text printed} of the code cells that are neither tests nor timed nor rebinding cells."""
    result = {}
    for cell in nb.cells:
        nbgrader = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or cell.metadata.get("in_place") or "perf_counter" in cell.source \
                or (nbgrader.get("grade") and not nbgrader.get("solution")) \
                or cell.source.startswith(STUDENTS_OWN_LOOP.get(chapter, "\0")):
            continue
        text = []
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                text.append(output.text)
            elif output.output_type == "error":
                text.append(f"{output.ename}: {output.evalue}")
            elif "text/plain" in output.get("data", {}) and "image/png" not in output.data:
                text.append(output.data["text/plain"])
        result[cell.source] = "".join(text)
    return result


def execute(nb, chapter):
    with tempfile.TemporaryDirectory(prefix=f"descent-in-place-{chapter}-") as work:
        for helper in (REPO / "autograder" / "source" / chapter).iterdir():
            shutil.copy(helper, work)
        client = NotebookClient(nb, config=ipc_kernel_config(work), timeout=120, allow_errors=True,
                                resources={"metadata": {"path": work}})
        client.execute(env=dict(os.environ, NBGRADER_EXECUTION="autograde"))
    return nb


@pytest.mark.parametrize("chapter", [path.stem for path in chapter_notebooks()])
def test_the_chapter_prints_the_same_with_in_place_update_rules(chapter):
    source = nbformat.read(CHAPTERS / f"{chapter}.ipynb", as_version=4)
    variant = with_in_place_variants(nbformat.from_dict(source))
    if not any(cell.metadata.get("in_place") for cell in variant.cells):
        pytest.skip(f"{chapter} has no exercise or carried-over function with an in-place variant")
    with ThreadPoolExecutor(2) as pool:   # the two kernels side by side
        as_written, in_place = pool.map(execute, [nbformat.from_dict(source), variant], [chapter] * 2)
    expected, actual = printed(as_written, chapter), printed(in_place, chapter)
    assert expected.keys() == actual.keys()
    differences = [f"the cell starting {cell.splitlines()[0]!r} printed\n{actual[cell][:400]}\ninstead of\n"
                   f"{expected[cell][:400]}" for cell in expected if actual[cell] != expected[cell]]
    assert not differences, "\n\n".join(differences)
