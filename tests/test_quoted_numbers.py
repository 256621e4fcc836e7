"""Numbers the prose quotes from an experiment are the numbers the notebook prints.

Each chapter lists them in tests/quoted_numbers/<chapter>.yml:

    - prose: "lowest validation error of all degrees (0.094)"  # in one Markdown cell
      output: "degree 5: validation error 0.094"               # in one code cell's text output

`prose` must be an exact substring of one Markdown cell of chapters/<chapter>.ipynb, and
`output` an exact substring of the text output (streams and text/plain results, in order)
of one code cell of the chapter's page as the site build ran it with the reference
solutions (_build/stage/chapters/<chapter>.ipynb). So when a change to the code moves a
number, this test names the sentence that now says something else. A chapter that quotes
no number has a file holding `[]`.
"""
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
QUOTED = REPO / "tests" / "quoted_numbers"
sys.path.insert(0, str(REPO / "scripts"))
import build_site  # noqa: E402

CHAPTERS = build_site.toc_chapters(REPO / "_toc.yml")


def markdown_cells(notebook):
    return [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]


def text_outputs(notebook):
    """Each code cell's printed text: its streams and text/plain results, in order."""
    texts = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        parts = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                parts.append(output.get("text", ""))
            elif output.get("output_type") in ("execute_result", "display_data"):
                parts.append(output.get("data", {}).get("text/plain", ""))
        texts.append("".join(parts))
    return texts


def entries_of(path, shown=None):
    """The entries of a quoted-numbers file, or a sentence saying what is wrong with it."""
    shown = shown or path.relative_to(REPO)
    try:
        entries = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        return None, f"{shown} is not valid YAML: {error}"
    entries = [] if entries is None else entries
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and set(e) == {"prose", "output"}
            and all(isinstance(e[k], str) and e[k] for k in e) for e in entries):
        return None, (f"{shown} must be a list of entries, each with exactly a "
                      "non-empty `prose` and `output` string (see tests/test_quoted_numbers.py)")
    return entries, None


def quoted_number_problems(entries, source, page, where):
    """Sentences naming every entry whose prose or output is not found."""
    markdown, outputs = markdown_cells(source), text_outputs(page)
    problems = []
    for number, entry in enumerate(entries, start=1):
        if not any(entry["prose"] in cell for cell in markdown):
            problems.append(f"{where}, entry {number}: the prose {entry['prose']!r} is in no "
                            "Markdown cell of the chapter (was the sentence changed?)")
        if not any(entry["output"] in text for text in outputs):
            near = [line.strip() for text in outputs for line in text.splitlines()
                    if entry["output"][:12] and entry["output"][:12] in line]
            hint = f"; the outputs have {near[0]!r}" if near else ""
            problems.append(f"{where}, entry {number}: the output {entry['output']!r} is printed "
                            f"by no code cell of the page's run{hint} (quoted "
                            f"as {entry['prose']!r})")
    return problems


@pytest.fixture(scope="module")
def stage(built_site):
    return built_site(REPO).parent / "stage"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_quoted_number_is_printed_by_the_chapter(chapter, stage):
    path = QUOTED / f"{chapter}.yml"
    assert path.is_file(), (
        f"chapters/{chapter}.ipynb has no {path.relative_to(REPO)}: add one listing every number "
        "its prose quotes from an experiment, as entries `- prose: \"...\"` / `  output: \"...\"` "
        "(see tests/test_quoted_numbers.py), or holding `[]` if it quotes none.")
    entries, problem = entries_of(path)
    assert problem is None, problem
    source = nbformat.read(REPO / "chapters" / f"{chapter}.ipynb", as_version=4)
    page = nbformat.read(stage / "chapters" / f"{chapter}.ipynb", as_version=4)
    problems = quoted_number_problems(entries, source, page, str(path.relative_to(REPO)))
    assert not problems, "\n".join(problems)


def test_every_quoted_numbers_file_belongs_to_a_chapter():
    strays = [p.name for p in QUOTED.glob("*.yml") if p.stem not in CHAPTERS] if QUOTED.is_dir() else []
    assert not strays, f"tests/quoted_numbers/ has files for no chapter of _toc.yml: {strays}"


# ------------------------------------------------------- the check can fail


def notebook(markdown, printed):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(markdown), nbformat.v4.new_code_cell("print(...)")]
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text=text) for text in printed]
    return nb


def test_a_wrong_entry_is_reported():
    chapter = notebook("Degree 5 has the lowest validation error of all degrees (0.094).",
                       ["degree 3: validation error 0.105\n", "degree 5: validation error 0.094\n"])
    right = {"prose": "lowest validation error of all degrees (0.094)",
             "output": "degree 5: validation error 0.094"}
    assert quoted_number_problems([right], chapter, chapter, "x.yml") == []
    # Printed by two print calls, the streams still count as one text.
    assert quoted_number_problems([{"prose": "Degree 5", "output": "0.105\ndegree 5"}],
                                  chapter, chapter, "x.yml") == []
    wrong_output = dict(right, output="degree 5: validation error 0.095")
    wrong_prose = dict(right, prose="lowest validation error of all degrees (0.105)")
    problems = quoted_number_problems([wrong_output, wrong_prose], chapter, chapter, "x.yml")
    assert len(problems) == 2
    assert "x.yml, entry 1: the output 'degree 5: validation error 0.095' is printed by no code cell" \
        in problems[0] and "'degree 5: validation error 0.094'" in problems[0]
    assert "x.yml, entry 2: the prose 'lowest validation error of all degrees (0.105)' is in no " \
        "Markdown cell" in problems[1]


def test_a_malformed_file_is_reported(tmp_path):
    for text in ("- prose: only prose\n", "prose: x\noutput: y\n", "- [unclosed\n",
                 "- prose: ''\n  output: '0.1'\n"):
        path = tmp_path / "05_adam.yml"
        path.write_text(text)
        entries, problem = entries_of(path, shown="tests/quoted_numbers/05_adam.yml")
        assert entries is None and problem.startswith("tests/quoted_numbers/05_adam.yml "), text
