"""Figures numbered and captioned in the notebooks students get.

A chapter's figure is a code cell's output whose caption and name are cell
metadata (CONTRIBUTING.md, Figures). On the website Sphinx numbers the
figures per chapter, shows "Figure 5.3: caption" under each, and writes the
prose's {numref}`fig-05-bias` as "Figure 5.3". Jupyter shows no caption
(it ignores the metadata) and would show the role raw. So the release
(nbgrader's ``GenerateAssignment``, and the website's download, which runs
the same preprocessors) puts a Markdown cell reading "**Figure 5.3:**
caption" right under each figure's cell, and writes each role as the
figure's number, numbered as the site numbers them: the chapter's number
(the notebook name's leading digits, 05_adam is chapter 5), then the
figure's place among the chapter's figures.

The web page keeps the metadata and the roles (``on_web_page = False``). A
role naming no figure of its notebook fails the release with a sentence
saying so.
"""

import re

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

# The opening of a caption cell as NumberedFigures.caption_cell writes it: "**Figure 5.3:** ..." or "**Figure 5.3**".
CAPTION_OPENING = re.compile(r"\*\*Figure (?P<number>\d+(?:\.\d+)?)(?::\*\*|\*\*)")
# {numref}`fig-05-bias`, or with its own text: {numref}`Figure %s <fig-05-bias>`
ROLE = re.compile(r"\{numref\}`(?:(?P<text>[^`<]*?)\s*<(?P<named>[^`>]+)>|(?P<label>[^`<>]+))`")


class FigureReferenceError(ValueError):
    """A {numref} role the release cannot write out; the message says what to fix."""


def figure_of(cell):
    """The cell's MyST-NB figure metadata ({"caption": ..., "name": ...}), or None."""
    if cell.cell_type != "code":
        return None
    return cell.metadata.get("mystnb", {}).get("figure")


def chapter_number(notebook_name):
    """'5' for 05_adam; '' for a notebook whose name has no leading number."""
    digits = re.match(r"\d+", notebook_name)
    return str(int(digits.group())) if digits else ""


def numbered_figures(nb, chapter):
    """[(cell, "5.3")] of the notebook's figure cells, in their order."""
    figures = [cell for cell in nb.cells if figure_of(cell) is not None]
    return [(cell, f"{chapter}.{place}" if chapter else str(place)) for place, cell in enumerate(figures, start=1)]


def caption_number(markdown):
    """"5.3" if ``markdown`` is a figure's caption cell as the release writes it, else None."""
    opening = CAPTION_OPENING.match(markdown)
    return opening.group("number") if opening else None


def plain_references(markdown, numbers, where="a Markdown cell"):
    """Markdown with every {numref} role written as "Figure 5.3" (or the role's own text)."""
    def replace(match):
        label = (match.group("named") or match.group("label")).strip()
        if label not in numbers:
            raise FigureReferenceError(
                f"{where}: {{numref}}`{label}` names no figure of this notebook; a figure's name is its "
                "cell's metadata mystnb.figure.name (CONTRIBUTING.md, Figures).")
        text = match.group("text")
        if text is None:
            return f"Figure {numbers[label]}"
        return text.replace("%s", numbers[label]) if "%s" in text else text
    return ROLE.sub(replace, markdown)


class NumberedFigures(NbGraderPreprocessor):
    """A numbered caption under each figure's cell; {numref} roles written as "Figure 5.3"."""

    # scripts/build_site.py runs the release's preprocessors for the web page too, except
    # this one: on the page Sphinx numbers the figures and resolves the roles.
    on_web_page = False

    def preprocess(self, nb, resources):
        notebook = resources.get("nbgrader", {}).get("notebook", "the notebook")
        numbered = numbered_figures(nb, chapter_number(notebook))
        numbers = {figure_of(cell)["name"]: number for cell, number in numbered if figure_of(cell).get("name")}
        captions = {id(cell): self.caption_cell(figure_of(cell), number) for cell, number in numbered}
        cells = []
        for cell in nb.cells:
            if cell.cell_type == "markdown" and "{numref}" in cell.source:
                where = f"{notebook}, the Markdown cell starting {cell.source.strip()[:50]!r}"
                cell.source = plain_references(cell.source, numbers, where)
            cells.append(cell)
            if id(cell) in captions:
                cells.append(captions[id(cell)])
        nb.cells = cells
        return nb, resources

    @staticmethod
    def caption_cell(figure, number):
        """The Markdown cell under a figure: "**Figure 5.3:** caption" (an id derived from the number,
        so that every release of a chapter is the same file)."""
        caption = figure.get("caption", "").strip()
        cell = nbformat.v4.new_markdown_cell(
            f"**Figure {number}:** {caption}" if caption else f"**Figure {number}**",
            metadata={"descent": {"caption_of": figure.get("name", "")}})
        cell.id = "figure-caption-" + number.replace(".", "-")
        return cell
