"""Build the course website into _build/html (`./run site`).

The chapter notebooks are also the nbgrader source notebooks, so they hold
the solutions and the hidden tests. The website is therefore never built
from them directly. Instead this script:

1. stages a clean book source in _build/stage/ (config, pages, MathJax, the
   optimizer playground's playground.js and style sheet);
2. for every chapter in _toc.yml
   - runs a *reference* copy of the notebook, in which each solution cell is
     replaced by an import from the reference package `solutions` and the
     hidden tests are removed, to get the outputs (figures, printed values);
   - builds the *student* notebook exactly as `nbgrader generate_assignment`
     does (same preprocessors, same nbgrader_config.py);
   - writes the *page*: the student notebook with the reference outputs on
     every cell that is neither an exercise nor a test, and a download box;
     the test cells left empty by the hidden tests' removal are dropped, long
     plotting code is folded (the `hide-input` tag), and the citation roles
     stay roles (Sphinx links them to the bibliography);
   - writes downloads/<chapter>.zip: the student notebook (citations written
     out as text with links, as nbgrader releases it), the helper modules
     from autograder/source/<chapter>/, a requirements.txt and a README.md;
3. runs `jupyter-book build` on the stage.

Usage: build_site.py [--root DIR] [--out DIR]
  --root  the course sources (default: this repository)
  --out   where _build/stage and _build/html go (default: --root)
"""
import argparse
import ast
import base64
import contextlib
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import yaml
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert.exporters import NotebookExporter
from nbgrader.converters import GenerateAssignment
from nbgrader.preprocessors import ClearHiddenTests, IncludeHeaderFooter, SaveCells
from nbgrader.utils import is_grade, is_solution
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

SCRIPTS = Path(__file__).resolve().parent
REPO = SCRIPTS.parent
sys.path.insert(0, str(SCRIPTS))
from book_guard import STAGE_MARKER  # noqa: E402
from course_tools import ONE_BLAS_THREAD, ipc_kernel_config  # noqa: E402

sys.path.insert(0, str(REPO))
from grading.cells import without_hidden_tests  # noqa: E402

MATHJAX = REPO / "vendor" / "mathjax"
SITE_CSS = REPO / "vendor" / "descent.css"
EXTENSIONS = ("book_guard.py", "playground_assets.py", "unique_scripts.py", "figures.py",
              "citation_style.py", "display_math.py")
BIBLIOGRAPHY = "references.bib"
# A code cell longer than this (in lines of code) that draws a figure is folded on the page.
FOLD_LINES = 12
PLAYGROUND = REPO / "playground"
ENGINE_PLACEHOLDER = '"@ENGINE@"'
MATHJAX_CDN_HINTS = ("cdn.jsdelivr.net/npm/mathjax", "cdnjs.cloudflare.com/ajax/libs/mathjax")
STUDENT_REQUIREMENTS = ("numpy", "matplotlib", "notebook")
STUDENT_PYTHON = "Python 3.11 or later"  # the pins need 3.11 (numpy 2.4, matplotlib 3.11)
CELL_TIMEOUT = 120  # seconds; a chapter must run in well under 20 s in total


class BuildError(Exception):
    """A problem in the course sources; the message says what to fix."""


# ---------------------------------------------------------------- the book


def toc_files(toc_path):
    """Every `file:` of _toc.yml, in reading order (root first)."""
    toc = yaml.safe_load(toc_path.read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("chapters"))
            walk(entry.get("sections"))

    walk(toc.get("parts"))
    walk(toc.get("chapters"))
    return files


def toc_chapters(toc_path):
    """Names (like 01_gradient_descent) of the chapter notebooks in _toc.yml."""
    return [Path(f).name for f in toc_files(toc_path) if f.startswith("chapters/")]


def stage_book_files(root, stage):
    """Copy what the book needs besides the chapters into a fresh stage."""
    if stage.exists():
        shutil.rmtree(stage)
    (stage / "chapters").mkdir(parents=True)
    (stage / "downloads").mkdir()
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(root / name, stage / name)
    for page in toc_files(root / "_toc.yml"):
        if page.startswith("chapters/"):
            continue
        source = root / f"{page}.md"
        if not source.is_file():
            raise BuildError(f"_toc.yml lists {page}, but {source} does not exist "
                             "(pages other than chapters must be Markdown files).")
        (stage / f"{page}.md").parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, stage / f"{page}.md")
    if (root / BIBLIOGRAPHY).is_file():
        shutil.copy(root / BIBLIOGRAPHY, stage / BIBLIOGRAPHY)
    shutil.copytree(MATHJAX, stage / "vendor" / "mathjax", ignore=shutil.ignore_patterns("*.md"))
    shutil.copy(SITE_CSS, stage / "vendor" / SITE_CSS.name)
    stage_playground(stage / "vendor" / "playground")
    (stage / "scripts").mkdir()
    for extension in EXTENSIONS:
        shutil.copy(SCRIPTS / extension, stage / "scripts" / extension)
    (stage / STAGE_MARKER).write_text("Staged by scripts/build_site.py: safe to publish.\n")


def playground_bundle(source=PLAYGROUND):
    """playground.js as published: the widget with the engine inside, base64-encoded.

    The engine (update rules, schedules) holds code that students write as
    exercises. Encoded, none of it appears on the site in readable form; the
    readable engine.js is never published (README.md, "The optimizer playground").
    """
    widget = (source / "widget.js").read_text()
    if widget.count(ENGINE_PLACEHOLDER) != 1:
        raise BuildError(f"{source / 'widget.js'} must contain {ENGINE_PLACEHOLDER} exactly once "
                         "(where the encoded engine goes).")
    payload = base64.b64encode((source / "engine.js").read_bytes()).decode("ascii")
    return widget.replace(ENGINE_PLACEHOLDER, f'"{payload}"')


def stage_playground(folder):
    """The playground's script and style sheet, served from _static/playground/."""
    folder.mkdir(parents=True)
    (folder / "playground.js").write_text(playground_bundle())
    shutil.copy(PLAYGROUND / "playground.css", folder / "playground.css")


# ------------------------------------------------------ nbgrader's release


def load_nbgrader_config(root):
    """The course's nbgrader configuration (empty if the file is absent)."""
    path = root / "autograder" / "nbgrader_config.py"
    if not path.is_file():
        return Config()
    return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()


def release_preprocessors(config, *, with_header_footer, for_web_page=False):
    """generate_assignment's preprocessors in its order, minus the database step.

    SaveCells writes to nbgrader's gradebook and does not change the notebook.
    The header/footer cells belong in the download, not on the web page; so
    does what a preprocessor marks `on_web_page = False` (the citations written
    out as text: on the page Sphinx renders the roles).
    """
    skipped = (SaveCells,) if with_header_footer else (SaveCells, IncludeHeaderFooter)
    chosen = GenerateAssignment(config=config).preprocessors
    return [pp for pp in chosen if not issubclass(pp, skipped)
            and not (for_web_page and getattr(pp, "on_web_page", True) is False)]


def student_notebook(source_path, config, *, with_header_footer, for_web_page=False):
    """The notebook `nbgrader generate_assignment` would release, as text.

    for_web_page: the release for the website's page (roles kept for Sphinx).
    """
    config = copy.deepcopy(config)
    config.Exporter.default_preprocessors = []
    exporter = NotebookExporter(config=config)
    for preprocessor in release_preprocessors(config, with_header_footer=with_header_footer,
                                              for_web_page=for_web_page):
        exporter.register_preprocessor(preprocessor)
    chapter = source_path.stem
    resources = {
        "unique_key": chapter,
        "metadata": {"path": str(source_path.parent)},
        "nbgrader": {"student": ".", "assignment": chapter, "notebook": chapter},
    }
    # nbgrader runs from the course directory: header/footer paths are relative to it.
    notebook = nbformat.read(source_path, as_version=4)
    course_dir = source_path.parents[1] / "autograder"
    with contextlib.chdir(course_dir if course_dir.is_dir() else Path.cwd()):
        text, _ = exporter.from_notebook_node(notebook, resources=resources)
    return text


# ------------------------------------------------------ the reference copy


def solution_names(root):
    """The names the reference package `solutions` exports."""
    sys.path.insert(0, str(root))
    try:
        import solutions
    finally:
        sys.path.remove(str(root))
    if not hasattr(solutions, "__all__"):
        raise BuildError(f"{solutions.__file__} has no __all__ listing the exercise functions.")
    return set(solutions.__all__)


def reference_import(source, exported, where):
    """Source that imports a solution cell's functions from `solutions`.

    The cell may only hold imports and function definitions: anything else
    would be lost when the cell is replaced. Its imports are kept, in case
    later cells rely on them.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise BuildError(f"{where}: the solution cell is not valid Python: {error}") from None
    imports, names = [], []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.append(ast.get_source_segment(source, node))
        elif isinstance(node, ast.FunctionDef):
            names.append(node.name)
        else:
            raise BuildError(
                f"{where}: a solution cell may only contain imports and function "
                f"definitions, but line {node.lineno} is a {type(node).__name__} "
                "statement. Move it to a cell of its own.")
    if not names:
        raise BuildError(f"{where}: the solution cell defines no function.")
    missing = [name for name in names if name not in exported]
    if missing:
        raise BuildError(
            f"{where}: {', '.join(missing)} is not exported by the reference package "
            "(add it to solutions.__all__, or rename the function to match it).")
    return "\n".join(imports + [f"from solutions import {', '.join(names)}"])


def reference_notebook(source_path, config, exported):
    """The chapter with reference imports for solutions and no hidden tests."""
    notebook = nbformat.read(source_path, as_version=4)
    hidden = ClearHiddenTests(config=config)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        where = f"{source_path.name}, cell {index} ({cell_label(cell)})"
        if is_solution(cell):
            cell.source = reference_import(cell.source, exported, where)
        cell.source = without_hidden_tests(cell.source, hidden.begin_test_delimeter,
                                           hidden.end_test_delimeter)
    return notebook


def cell_label(cell):
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
    return f"grade_id {grade_id}" if grade_id else "first line: " + cell.source.split("\n")[0][:60]


def helper_files(root, chapter):
    """The files a student gets with the chapter besides the notebook."""
    folder = root / "autograder" / "source" / chapter
    if not folder.is_dir():
        raise BuildError(f"{folder} does not exist: it must hold symlinks to "
                         f"chapters/{chapter}.ipynb and the helper modules it imports.")
    files = []
    for path in sorted(folder.iterdir()):
        if path.name in (f"{chapter}.ipynb", "__pycache__", ".ipynb_checkpoints"):
            continue
        if not path.is_file():
            raise BuildError(f"{path}: only files are supported in a chapter's source folder.")
        files.append(path)
    return files


def set_kernel_environment(root):
    """Environment the reference kernels inherit from this process."""
    # They import `solutions` from the course root.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(root)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
    # Figures need the notebook's inline backend (a test runner may have set
    # Agg), and the pages show the full demos, not nbgrader's shortened ones.
    os.environ.pop("MPLBACKEND", None)
    os.environ.pop("NBGRADER_EXECUTION", None)
    os.environ.update(ONE_BLAS_THREAD)   # the chapters run one per core


def execute_reference(chapter, notebook, helpers):
    """Run the reference copy next to the chapter's helper modules."""
    with tempfile.TemporaryDirectory(prefix=f"descent-{chapter}-") as workdir:
        for helper in helpers:
            shutil.copy(helper, workdir)  # follows the symlinks
        # A busy machine can deliver a figure after the cell's reply: wait for
        # it, and fail rather than silently publish a page without it.
        client = NotebookClient(notebook, config=ipc_kernel_config(workdir), timeout=CELL_TIMEOUT,
                                iopub_timeout=60, raise_on_iopub_timeout=True,
                                resources={"metadata": {"path": workdir}})
        try:
            client.execute()
        except CellExecutionError as error:
            failed = next((i for i, cell in enumerate(notebook.cells)
                           if any(o.output_type == "error" for o in cell.get("outputs", []))),
                          "?")
            raise BuildError(f"chapters/{chapter}.ipynb, cell {failed}, failed when run "
                             f"with the reference solutions:\n{error}") from None
    return notebook


def check_outputs_quote_no_reference(chapter, notebook, root):
    """Fail if an output shows the reference package's code.

    A warning raised inside `solutions` (say an overflow in a divergence
    demo) prints the file name and the offending source line.
    """
    private = [str(root / package) for package in ("solutions", "grading")]
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            text = json.dumps(output)
            if any(folder in text for folder in private):
                raise BuildError(
                    f"chapters/{chapter}.ipynb, cell {index}: an output quotes the reference "
                    "package (a warning raised inside it?); it would publish solution code. "
                    "Avoid or silence it in that cell.")


# ----------------------------------------------------- the page and the zip


HEADING_NUMBER = re.compile(r"^(#{1,6})\s+(\d+(?:\.\d+)*)\.?\s+")


def without_heading_numbers(markdown, chapter, number):
    """Markdown with the hand-written numbers taken off its headings.

    The book numbers chapters and sections itself (numbered: true in
    _toc.yml); keeping the authors' numbers would show "1. 1. Title".
    """
    lines, fenced = [], False
    for line in markdown.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else HEADING_NUMBER.match(line)
        if match:
            if match.group(2).split(".")[0] != str(number):
                print(f"WARNING: chapters/{chapter}.ipynb: heading {line!r} is numbered "
                      f"{match.group(2)}, but the chapter is number {number} in _toc.yml.")
            line = match.group(1) + " " + line[match.end():]
        lines.append(line)
    return "\n".join(lines)


def download_box(chapter):
    return nbformat.v4.new_markdown_cell(
        ":::{admonition} Work through this chapter yourself\n"
        ":class: tip\n"
        f"[Download the exercises for this chapter](../downloads/{chapter}.zip): "
        "the notebook, the helper modules it imports, a `requirements.txt` and a README. "
        "On this page the exercise cells are left blank, as in your copy, and the "
        "figures and printed results come from the course's reference solutions, "
        "so you can compare them with your own. {ref}`how-to-work` explains the steps.\n"
        ":::")


def code_lines(source):
    """The lines of a cell that hold code (not blank, not only a comment)."""
    return [line for line in source.split("\n") if line.strip() and not line.strip().startswith("#")]


def is_empty_placeholder(cell):
    """A test cell that the release left without code: the hidden tests were all it had."""
    return cell.cell_type == "code" and is_grade(cell) and not code_lines(cell.source)


def draws_a_figure(cell):
    return any(output.get("output_type") in ("display_data", "execute_result")
               and any(kind.startswith("image/") for kind in output.get("data", {}))
               for output in cell.get("outputs", []))


def should_fold(cell):
    """Long plotting code: folded behind a toggle on the page (never in the notebook).

    Exercise, test, setup and carried-over cells (every cell with nbgrader
    metadata) stay open.
    """
    return (cell.cell_type == "code" and "nbgrader" not in cell.metadata
            and len(code_lines(cell.source)) > FOLD_LINES and draws_a_figure(cell))


def page_notebook(student_text, reference, chapter, number):
    """The student notebook with the reference outputs and a download box.

    On the page only: the test cells the hidden tests' removal left empty are
    dropped, and long plotting code is folded (MyST-NB's hide-input tag).
    """
    page = nbformat.reads(student_text, as_version=4)
    if len(page.cells) != len(reference.cells):
        raise BuildError(f"{chapter}: the student and reference notebooks differ in length.")
    for cell, reference_cell in zip(page.cells, reference.cells):
        if cell.cell_type == "markdown":
            cell.source = without_heading_numbers(cell.source, chapter, number)
        elif cell.cell_type == "code" and not (is_solution(cell) or is_grade(cell)):
            cell.outputs = reference_cell.outputs
            cell.execution_count = reference_cell.execution_count
            if should_fold(cell):
                tags = cell.metadata.setdefault("tags", [])
                if "hide-input" not in tags:
                    tags.append("hide-input")
    page.cells = [cell for cell in page.cells if not is_empty_placeholder(cell)]
    titles = [i for i, cell in enumerate(page.cells)
              if cell.cell_type == "markdown" and cell.source.startswith("# ")]
    if not titles:
        raise BuildError(f"chapters/{chapter}.ipynb has no title cell (a Markdown cell "
                         "starting with '# ').")
    page.cells.insert(titles[0] + 1, download_box(chapter))
    # A reflection question's answer cell is the student's to write in the notebook; the page
    # shows the questions only (the model answers never leave the instructor's copy).
    page.cells = [cell for cell in page.cells if not is_answer_cell(cell)]
    return page


def is_answer_cell(cell):
    """A manually graded Markdown answer (a reflection question's), not shown on the page."""
    return cell.cell_type == "markdown" and is_solution(cell) and is_grade(cell)


def student_requirements(root):
    """requirements.txt for students: their packages, pinned as the course pins them."""
    pins = {}
    for line in (root / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            pins[re.split(r"[<>=!~\[; ]", line, maxsplit=1)[0].lower()] = line
    lines = [pins.get(name, name) for name in STUDENT_REQUIREMENTS]
    return (f"# {STUDENT_PYTHON}. Install, in a terminal in this folder, with:\n"
            "#   pip install -r requirements.txt\n" + "\n".join(lines) + "\n")


def student_readme(chapter, helpers):
    """README.md of a chapter's download: how to set it up and work it, without the website."""
    modules = ", ".join(f"`{helper.name}`" for helper in helpers)
    return f"""# Exercises: {chapter}

This folder holds the exercise notebook `{chapter}.ipynb`, the helper files
it imports ({modules}),
a `requirements.txt` of the packages it needs and this README.

1. Install {STUDENT_PYTHON}. In a terminal in this folder, make a virtual
   environment and install the packages into it:

       python3 -m venv .venv
       .venv/bin/pip install -r requirements.txt

   (On Windows: `py -m venv .venv`, then `.venv\\Scripts\\pip install -r requirements.txt`.)
2. Open the notebook: `.venv/bin/jupyter notebook {chapter}.ipynb`
   (on Windows: `.venv\\Scripts\\jupyter notebook {chapter}.ipynb`).
3. Run the cells from the top, reading as you go. In each exercise cell,
   replace the line `raise NotImplementedError(...)` between the
   `YOUR CODE HERE` and `END OF YOUR CODE` markers with your code, then run
   the test cell under it: it says what is wrong, or that your result is
   right. Leave the other cells as they are; the grader relies on them.
4. Submit the notebook `{chapter}.ipynb` in the way your instructor tells you.

The chapter's page on the course website has the same text with its figures
and outputs; its introduction explains these steps in full ("How to work an
exercise").
"""


def write_download(zip_path, chapter, student_text, helpers, requirements):
    """X.zip holding folder X/ with what a student needs for the chapter."""
    def add(archive, name, data):
        info = zipfile.ZipInfo(f"{chapter}/{name}", date_time=(2020, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        archive.writestr(info, data)

    with zipfile.ZipFile(zip_path, "w") as archive:
        add(archive, f"{chapter}.ipynb", student_text)
        for helper in helpers:
            add(archive, helper.name, helper.read_bytes())
        add(archive, "requirements.txt", requirements)
        add(archive, "README.md", student_readme(chapter, helpers))


# ---------------------------------------------------------- jupyter-book


def run_jupyter_book(stage, out):
    """Build the staged book into out/_build/html; fail on Sphinx errors."""
    for old in ("html", ".doctrees", "jupyter_execute"):
        shutil.rmtree(out / "_build" / old, ignore_errors=True)
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(stage),
               "--path-output", str(out)]
    errors = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True) as process:
        for line in process.stdout:
            print(line, end="")
            if "ERROR:" in line or "CRITICAL:" in line or "SEVERE:" in line:
                errors.append(line.strip())
    if process.returncode != 0:
        raise BuildError("jupyter-book build failed (see its output above).")
    if errors:
        raise BuildError("jupyter-book reported errors:\n" + "\n".join(errors))
    return out / "_build" / "html"


def check_mathjax_is_local(html):
    """Every page must load the vendored MathJax, never a CDN copy."""
    if not (html / "_static" / "mathjax" / "tex-mml-chtml.js").is_file():
        raise BuildError("MathJax was not copied into _static/mathjax.")
    for page in html.rglob("*.html"):
        text = page.read_text(errors="ignore")
        if any(hint in text for hint in MATHJAX_CDN_HINTS):
            raise BuildError(f"{page} loads MathJax from a CDN.")


# ------------------------------------------------------------------ main


def build(root, out):
    timings = {}
    started = time.perf_counter()

    def lap(stage_name):
        nonlocal started
        now = time.perf_counter()
        timings[stage_name] = now - started
        started = now

    stage = out / "_build" / "stage"
    stage_book_files(root, stage)
    chapters = toc_chapters(root / "_toc.yml")
    config = load_nbgrader_config(root)
    exported = solution_names(root) if chapters else set()
    sources = {}
    for chapter in chapters:
        sources[chapter] = root / "chapters" / f"{chapter}.ipynb"
        if not sources[chapter].is_file():
            raise BuildError(f"_toc.yml lists chapters/{chapter}, but "
                             f"{sources[chapter]} does not exist.")
    helpers = {chapter: helper_files(root, chapter) for chapter in chapters}
    references = {chapter: reference_notebook(sources[chapter], config, exported)
                  for chapter in chapters}
    lap("stage")

    set_kernel_environment(root)
    with ProcessPoolExecutor(max_workers=max(1, min(len(chapters), os.cpu_count() or 1))) as pool:
        jobs = {chapter: pool.submit(execute_reference, chapter, references[chapter],
                                     helpers[chapter]) for chapter in chapters}
        executed = {chapter: job.result() for chapter, job in jobs.items()}
    for chapter in chapters:
        check_outputs_quote_no_reference(chapter, executed[chapter], root)
    lap("execute reference notebooks")

    requirements = student_requirements(root)
    for number, chapter in enumerate(chapters, start=1):
        download = student_notebook(sources[chapter], config, with_header_footer=True)
        write_download(stage / "downloads" / f"{chapter}.zip", chapter, download,
                       helpers[chapter], requirements)
        on_page = student_notebook(sources[chapter], config, with_header_footer=False,
                                   for_web_page=True)
        page = page_notebook(on_page, executed[chapter], chapter, number)
        nbformat.write(page, stage / "chapters" / f"{chapter}.ipynb")
    lap("student notebooks, pages and zips")

    html = run_jupyter_book(stage, out)
    check_mathjax_is_local(html)
    lap("jupyter-book build")
    return html, timings


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=REPO, help="the course sources")
    parser.add_argument("--out", type=Path, default=None,
                        help="where _build/ goes (default: the root)")
    args = parser.parse_args()
    root = args.root.resolve()
    out = (args.out or root).resolve()
    try:
        html, timings = build(root, out)
    except BuildError as error:
        sys.exit(f"\nSite build failed: {error}")
    print("\nTime per stage:")
    for name, seconds in timings.items():
        print(f"  {name:<36} {seconds:6.1f} s")
    print(f"  {'total':<36} {sum(timings.values()):6.1f} s")
    print(f"\nThe site is in {html}\nOpen file://{html / 'index.html'}")


if __name__ == "__main__":
    main()
