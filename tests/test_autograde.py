"""End to end: release every chapter, grade a class of good and broken submissions, check exact scores.

The grading itself happens once per test session in the ``graded`` fixture
(tests/conftest.py): every chapter in its own copy of the course, where
the instructor's commands run from autograder/ exactly as the instructor
guide types them. The submissions are made here.
"""

import html
import os
import re
import sys

import nbformat
import pytest

from nbtools import without_hidden_tests
from class_grading import ROBUSTNESS_CHAPTERS, seconds_per_call, students
from scripts.course_tools import REPO, chapters, exercises

CHAPTERS = chapters()
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
REFERENCE_IMPORT = re.compile(r"(from|import)\s+(solutions|grading)\b")
SOLUTION = re.compile(r"[^\n]*### BEGIN SOLUTION.*?### END SOLUTION[^\n]*", re.S)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_submission_is_in_the_gradebook(graded, chapter):
    assert set(graded[chapter]["scores"]) == set(graded[chapter]["expected"])


@pytest.mark.parametrize("chapter, student", [(c, s) for c in CHAPTERS for s in students(c)])
def test_exact_scores(graded, chapter, student):
    result = graded[chapter]
    assert result["scores"][chapter, student] == result["expected"][chapter, student]


def hidden_test_lines(chapter):
    source_nb = nbformat.read(REPO / "chapters" / f"{chapter}.ipynb", as_version=4)
    lines = set()
    for cell in source_nb.cells:
        for region in HIDDEN.findall(cell.source):
            lines.update(line.strip() for line in region.splitlines() if len(line.strip()) > 8)
    assert lines, f"{chapter} has no hidden tests"
    return lines


def visible_text(html_text):
    """What a reader of the page sees: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_release_has_no_solutions_or_hidden_tests(graded, chapter):
    release = (graded[chapter]["autograder"] / "release" / chapter / f"{chapter}.ipynb").read_text()
    source_nb = nbformat.read(REPO / "chapters" / f"{chapter}.ipynb", as_version=4)
    # Lines the author wrote in visible places (a hint in a docstring, a generic
    # `m = X.shape[1]` in a demo) may appear; any other solution line is a leak.
    authored_visible = "\n".join(SOLUTION.sub("", without_hidden_tests(c.source)) for c in source_nb.cells)
    for _, solution in exercises(source_nb):
        for line in SOLUTION.search(solution).group(0).splitlines()[1:-1]:
            if len(line.strip()) > 8 and line.strip() not in authored_visible:
                assert line.strip() not in release, f"solution line in the release: {line.strip()}"
    for line in hidden_test_lines(chapter):
        assert line not in release
    assert not REFERENCE_IMPORT.search(release), "the release imports the reference package or the harness"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_feedback_shows_no_hidden_test_code(graded, chapter):
    course = graded[chapter]
    feedback = list((course["autograder"] / "feedback").glob(f"*/{chapter}/{chapter}.html"))
    assert len(feedback) == len(course["expected"])
    needles = hidden_test_lines(chapter)
    # The scanner can find hidden lines: the instructor's autograded notebook has them.
    autograded = (course["autograder"] / "autograded" / "solved" / chapter / f"{chapter}.ipynb").read_text()
    assert any(needle in autograded for needle in needles)
    for page in feedback:
        text = visible_text(page.read_text())
        leaked = [needle for needle in needles if needle in text]
        assert not leaked, f"{page} shows hidden-test code: {leaked}"


def markdown_shown_as_text(page_html):
    """The Markdown cells a feedback page shows as plain text blocks (SafeOutputs), as their text."""
    blocks = re.findall(r'<div class="text_cell_render[^"]*">\s*<div class="highlight"><pre><span></span>(.*?)</pre>',
                        page_html, flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", block)) for block in blocks]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_feedback_renders_the_markdown_of_the_release(graded, chapter):
    """Only a student's own Markdown is shown as text; the chapter's, as the release wrote it for Jupyter
    (figure captions, "Figure 5.3", citations as links), renders as Markdown."""
    autograder = graded[chapter]["autograder"]
    release = nbformat.read(autograder / "release" / chapter / f"{chapter}.ipynb", as_version=4)
    authored = [c.source.strip() for c in release.cells if c.cell_type == "markdown"
                and not c.metadata.get("nbgrader", {}).get("solution")]
    assert any(source.startswith("**Figure ") for source in authored), f"{chapter}: no figure caption in the release"
    page = (autograder / "feedback" / "solved" / chapter / f"{chapter}.html").read_text()
    as_text = markdown_shown_as_text(page)
    shown = [source for source in authored if any(block.strip() == source for block in as_text)]
    assert not shown, f"{chapter}: the feedback shows the chapter's Markdown as text: {shown[0][:80]!r}"
    # (the scanner finds a cell shown as text: a student's answer to a reflection question is one)
    answers = [c.source for c in nbformat.read(autograder / "submitted" / "solved" / chapter / f"{chapter}.ipynb",
                                               as_version=4).cells
               if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("solution")]
    if answers:
        assert any(block.strip() == answers[0].strip() for block in as_text)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_feedback_gives_every_image_an_alternative_text_naming_its_figure(graded, chapter):
    """In the solved submission's feedback every image has an alternative text, and the chapter's figures,
    counted here from the source's figure cells, are named by their numbers in order."""
    autograder = graded[chapter]["autograder"]
    source = nbformat.read(autograder / "source" / chapter / f"{chapter}.ipynb", as_version=4)
    figures = [c for c in source.cells if c.cell_type == "code" and "figure" in c.metadata.get("mystnb", {})]
    page = (autograder / "feedback" / "solved" / chapter / f"{chapter}.html").read_text()
    images = re.findall(r"<img\b[^>]*>", page)
    assert images and all(re.search(r'\balt="[^"]+"', image) for image in images), chapter
    assert "No description has been provided" not in page
    named = re.findall(r'alt="Figure (\d+\.\d+) as your notebook drew it', page)
    assert named == [f"{int(chapter[:2])}.{place}" for place in range(1, len(figures) + 1)]


def test_an_image_under_no_chapter_caption_gets_a_plain_alternative_text():
    sys.path.insert(0, str(REPO / "autograder"))
    from course_preprocessors import figure_alt_text
    assert figure_alt_text("**Figure 11.10:** Two runs.").startswith("Figure 11.10 as your notebook drew it;")
    for markdown in ["", "My own plot of **Figure 5.3:**", "Figure 5.3 shows"]:
        assert figure_alt_text(markdown) == "A figure your notebook drew in this cell."


def feedback_text(graded, student, chapter):
    return visible_text((graded[chapter]["autograder"] / "feedback" / student / chapter / f"{chapter}.html").read_text())


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_feedback_says_what_went_wrong(graded, chapter):
    never = feedback_text(graded, "never_returns", chapter)
    assert f"did not finish within {seconds_per_call(chapter)} s" in never
    assert "returned None" in feedback_text(graded, "one_wrong", chapter)


@pytest.mark.parametrize("chapter", ROBUSTNESS_CHAPTERS)
def test_feedback_of_broken_submissions_says_what_went_wrong(graded, chapter):
    assert "No module named 'solutions'" in feedback_text(graded, "chaos", chapter)
    assert "was missing from the submission" in feedback_text(graded, "chaos", chapter)
    assert "SyntaxError" in feedback_text(graded, "syntax_error", chapter)
    bad = feedback_text(graded, "bad_values", chapter)
    assert "NaN" in bad or "shape" in bad


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_feedback_names_no_folder_of_the_grading_machine(graded, chapter):
    autograder = graded[chapter]["autograder"]
    folders = {str(REPO), str(autograder.parent), sys.prefix, sys.base_prefix}
    folders |= {os.path.realpath(folder) for folder in folders}
    for page in (autograder / "feedback").glob(f"*/{chapter}/{chapter}.html"):
        text = visible_text(page.read_text())
        named = [folder for folder in folders if re.search(re.escape(folder) + r"(?![\w.-])", text)]
        assert not named, f"{page.relative_to(autograder)} names {named}"


def test_a_folder_of_the_grading_machine_is_renamed_also_when_printed_alone():
    # (a student who lists the sandbox's / sees the folders that hold its venv)
    sys.path.insert(0, str(REPO / "autograder"))
    from course_preprocessors import _without_host_folders
    folders = {"/srv/descent/.venv": "<python>", "/srv/descent": "<course>"}
    text = "['/srv/descent'] /srv/descent/grading '/srv/descent/.venv/lib' /srv/descent2 /srv/descent.bak"
    assert _without_host_folders(text, folders) == \
        "['<course>'] <course>/grading '<python>/lib' /srv/descent2 /srv/descent.bak"


@pytest.mark.parametrize("chapter", ROBUSTNESS_CHAPTERS)
def test_feedback_shows_library_tracebacks_with_neutral_folders(graded, chapter):
    # (the scratch cell's error is raised in NumPy: the traceback is there, its folder renamed)
    assert "File <python>/lib/python" in feedback_text(graded, "bad_values", chapter)
    assert "numpy/_core/fromnumeric.py" in feedback_text(graded, "bad_values", chapter)


def test_feedback_on_correct_code_in_other_styles_explains_the_points(graded):
    classic = feedback_text(graded, "classic_styles", "05_adam")
    assert "for float32 inputs adam_step returned float64 values; they match at float32 precision" in classic
    assert "Note: update_parameters_with_adam changed" in classic and "returning new arrays is safer" in classic
    assert "has dtype float64, expected float32 (use the parameters' dtype)" in classic
    partly = feedback_text(graded, "partly_wrong", "01_gradient_descent")
    assert re.search(r"gd_step is wrong on \d of 20 hidden test cases \(\S+ of 3 points\)", partly)
