"""Tests of the website build (scripts/build_site.py).

The site is built once per project into a temporary folder: once for the
small fixture book in tests/fixtures/project, and once for the course
itself (a chapter listed in _toc.yml but not written fails the build). The most important test is that no line of a solution or of a hidden
test reaches any published file, zips included.
"""
import html
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions
from sphinx.search.en import SearchEnglish

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "project"
sys.path.insert(0, str(REPO / "scripts"))
import build_site  # noqa: E402

sys.path.insert(0, str(REPO / "autograder"))
import course_citations  # noqa: E402
import course_figures  # noqa: E402

BINARY_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".ico", ".svg", ".woff", ".woff2",
                   ".ttf", ".eot", ".inv", ".pickle"}
REFERENCE_IMPORTS = ("import solutions", "from solutions", "import grading", "from grading")


PROJECTS = [pytest.param(FIXTURE, id="fixture"), pytest.param(REPO, id="course")]


@pytest.fixture(scope="module", params=PROJECTS)
def site(request, built_site):
    """The site of each project (built once per session); what the tests need to know."""
    root = request.param
    config = build_site.load_nbgrader_config(root)
    chapters = build_site.toc_chapters(root / "_toc.yml")
    return SimpleNamespace(
        root=root, html=built_site(root), chapters=chapters, config=config,
        helpers={c: build_site.helper_files(root, c) for c in chapters},
        secrets=secret_lines(root, chapters, config))


# ------------------------------------------------------ what must not leak


def normalized(line):
    return " ".join(line.split())


def region_lines(source, begin, end):
    """Lines strictly inside the begin/end delimited regions of a cell."""
    lines, inside = [], False
    for line in source.split("\n"):
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            lines.append(line)
    return lines


def is_telling(line):
    """Long enough, and more than punctuation, to identify a solution."""
    return len(line) >= 8 and re.search(r"[A-Za-z0-9]", line) is not None


def public_text(root, chapters, config):
    """All that students receive, the released notebooks and helper modules,
    one normalized line after another."""
    lines = []
    for chapter in chapters:
        released = build_site.student_notebook(root / "chapters" / f"{chapter}.ipynb", config,
                                               with_header_footer=True)
        for cell in nbformat.reads(released, as_version=4).cells:
            lines.extend(normalized(line) for line in cell.source.split("\n"))
        for helper in build_site.helper_files(root, chapter):
            text = helper.read_text(errors="ignore")
            lines.extend(normalized(line) for line in text.split("\n"))
    return "\n".join(lines)


def secret_lines(root, chapters, config):
    """{chapter: lines of its solution and hidden-test regions that students never see}."""
    solution = ClearSolutions(config=config)
    hidden = ClearHiddenTests(config=config)
    regions = [(solution.begin_solution_delimeter, solution.end_solution_delimeter),
               (hidden.begin_test_delimeter, hidden.end_test_delimeter)]
    public = public_text(root, chapters, config)
    secrets = {}
    for chapter in chapters:
        notebook = nbformat.read(root / "chapters" / f"{chapter}.ipynb", as_version=4)
        secrets[chapter] = sorted({
            normalized(line)
            for cell in notebook.cells for begin, end in regions
            for line in region_lines(cell.source, begin, end)
            if is_telling(normalized(line)) and normalized(line) not in public})
    return secrets


def readable_forms(name, data, space=" "):
    """The text of a file as a reader or a program could see it, whitespace collapsed to ``space``.

    Raw text, plus the text of HTML without tags and entities (syntax
    highlighting puts every token in its own tag), plus JSON strings
    unescaped (.ipynb, searchindex.js).
    """
    text = data.decode("utf-8", errors="ignore")
    forms = [text]
    if name.endswith((".html", ".htm")):
        forms.append(html.unescape(re.sub(r"<[^>]*>", "", text)))
    if name.endswith((".ipynb", ".json", ".js", ".txt")):
        forms.append(text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\"))
    return [space.join(form.split()) for form in forms]


def published_texts(folder):
    """(where, readable forms) for every text file of the site and every zip member."""
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix.lower() in BINARY_SUFFIXES:
            continue
        where = str(path.relative_to(folder))
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    yield f"{where}:{member}", readable_forms(member, archive.read(member))
        else:
            yield where, readable_forms(path.name, path.read_bytes())


def find_in_site(folder, needles, skip=()):
    """[(where, needle)] for every needle found in a published file."""
    found = []
    for where, forms in published_texts(folder):
        if any(where.startswith(prefix) for prefix in skip):
            continue
        found.extend((where, needle) for needle in needles
                     if any(needle in form for form in forms))
    return found


# ------------------------------------------------------------------ tests


def test_every_page_is_built(site):
    expected = ["index.html", "intro.html", "instructor_guide.html", "search.html"]
    expected += [f"chapters/{chapter}.html" for chapter in site.chapters]
    missing = [page for page in expected if not (site.html / page).is_file()]
    assert not missing, f"pages missing from the site: {missing}"


def test_every_chapter_has_secret_lines_to_look_for(site):
    # Guards the leak test below against looking for nothing.
    empty = [chapter for chapter, lines in site.secrets.items() if not lines]
    assert not empty, f"no solution or hidden-test lines found in {empty}"


def test_no_solution_or_hidden_test_line_is_published(site):
    needles = {line for lines in site.secrets.values() for line in lines}
    # _static/ holds the theme's and MathJax's own files, copied verbatim from
    # packages; short generic lines ("return v") occur in their minified code.
    # The marker and import test below still scans it.
    leaks = find_in_site(site.html, needles, skip=("_static/",))
    assert not leaks, "secret lines published:\n" + "\n".join(
        f"  {where}: {line}" for where, line in leaks[:40])


def test_the_playground_publishes_no_solution_line(site):
    # The scan above skips _static/ for the packages' files, but the optimizer
    # playground's script and style sheet there are the course's own.
    folder = site.html / "_static" / "playground"
    assert (folder / "playground.js").is_file()
    needles = {line for lines in site.secrets.values() for line in lines}
    leaks = find_in_site(folder, needles)
    assert not leaks, f"secret lines in the playground: {leaks[:20]}"


def test_leak_scanner_finds_a_planted_line(site, tmp_path):
    chapter = site.chapters[0]
    secret = site.secrets[chapter][0]
    copy = tmp_path / "html"
    shutil.copytree(site.html, copy)
    # Planted as a web page shows code, inside a notebook's JSON, and in a zip.
    page = copy / "chapters" / f"{chapter}.html"
    tokens = "".join(f'<span class="n">{html.escape(token)}</span> ' for token in secret.split())
    page.write_text(page.read_text() + f"<pre>{tokens}</pre>")
    (copy / "_sources" / "planted.ipynb").write_text(json.dumps({"source": ["  " + secret + "\n"]}))
    zip_path = next(copy.joinpath("_downloads").rglob(f"{chapter}.zip"))
    with zipfile.ZipFile(zip_path, "a") as archive:
        archive.writestr(f"{chapter}/planted.py", f"def f():\n    {secret}\n")
    where = {place for place, _ in find_in_site(copy, [secret])}
    assert f"chapters/{chapter}.html" in where
    assert "_sources/planted.ipynb" in where
    assert any(place.endswith(f"{chapter}/planted.py") for place in where)


def test_no_reference_imports_or_nbgrader_markers_are_published(site):
    solution = ClearSolutions(config=site.config)
    hidden = ClearHiddenTests(config=site.config)
    needles = REFERENCE_IMPORTS + (
        solution.begin_solution_delimeter, solution.end_solution_delimeter,
        hidden.begin_test_delimeter, hidden.end_test_delimeter)
    # The instructor guide may quote the markers to explain the chapter format.
    found = find_in_site(site.html, needles,
                         skip=("instructor_guide.html", "_sources/instructor_guide"))
    assert not found, f"published: {found[:20]}"


def test_mathjax_is_served_locally_with_its_fonts(site):
    mathjax = site.html / "_static" / "mathjax"
    assert (mathjax / "tex-mml-chtml.js").is_file()
    fonts = list((mathjax / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    assert len(fonts) >= 20, "MathJax fonts missing"
    for page in site.html.rglob("*.html"):
        text = page.read_text()
        assert "cdn.jsdelivr.net" not in text and "mathjax@" not in text.lower(), page
        for src in re.findall(r'<script[^>]*src="([^"]*mathjax[^"]*)"', text):
            assert (page.parent / src.split("?")[0]).resolve() == \
                (mathjax / "tex-mml-chtml.js").resolve(), f"{page}: {src}"
    for chapter in site.chapters:
        text = (site.html / "chapters" / f"{chapter}.html").read_text()
        assert "_static/mathjax/tex-mml-chtml.js" in text, f"{chapter} does not load MathJax"


def chapter_zip(site, chapter):
    page = site.html / "chapters" / f"{chapter}.html"
    links = re.findall(rf'href="([^"]*/{re.escape(chapter)}\.zip)"', page.read_text())
    assert links, f"{page} has no link to {chapter}.zip"
    path = (page.parent / links[0]).resolve()
    assert path.is_file(), f"{page} links to a missing {path}"
    return path


def test_each_chapter_page_links_its_zip(site):
    pins = build_site.student_requirements(site.root)
    for chapter in site.chapters:
        with zipfile.ZipFile(chapter_zip(site, chapter)) as archive:
            names = set(archive.namelist())
            requirements = archive.read(f"{chapter}/requirements.txt").decode()
            readme = archive.read(f"{chapter}/README.md").decode()
        expected = {f"{chapter}/{chapter}.ipynb", f"{chapter}/requirements.txt", f"{chapter}/README.md"}
        expected |= {f"{chapter}/{helper.name}" for helper in site.helpers[chapter]}
        assert names == expected
        assert requirements == pins
        # The README names what the folder holds and the Python the course requires.
        python = re.search(r'requires-python = "==(\d+\.\d+)', (REPO / "pyproject.toml").read_text())
        for name in [f"{chapter}.ipynb", "requirements.txt", f"Python {python.group(1)} or later",
                     *(helper.name for helper in site.helpers[chapter])]:
            assert name in readme, f"{chapter}/README.md does not mention {name}"
        assert f"Python {python.group(1)} or later" in requirements
        packages = [line for line in requirements.splitlines() if not line.startswith("#")]
        assert [re.split("[=<>]", p)[0] for p in packages] == ["numpy", "matplotlib", "notebook"]


def test_zip_notebook_is_the_nbgrader_release(site, tmp_path):
    clear = ClearSolutions(config=site.config)
    stub, text_stub = clear.code_stub["python"], clear.text_stub
    for chapter in site.chapters:
        with zipfile.ZipFile(chapter_zip(site, chapter)) as archive:
            shipped = archive.read(f"{chapter}/{chapter}.ipynb").decode()
        cells = nbformat.reads(shipped, as_version=4).cells
        nbgrader = [cell.metadata["nbgrader"] for cell in cells if "nbgrader" in cell.metadata]
        assert any(m.get("solution") for m in nbgrader) and any(m.get("grade") for m in nbgrader)
        for cell in cells:
            assert not cell.get("outputs"), f"{chapter}: the shipped notebook has outputs"
            if cell.metadata.get("nbgrader", {}).get("solution"):
                want = stub if cell.cell_type == "code" else text_stub
                assert normalized(want) in normalized(cell.source), \
                    f"{chapter}: a solution cell lacks the stub"
        assert shipped == nbgrader_release(site.root, chapter, tmp_path)


def test_reflection_questions_are_on_the_page_and_their_answer_cells_are_not(site):
    text_stub = ClearSolutions(config=site.config).text_stub
    for chapter in site.chapters:
        source = nbformat.read(site.root / "chapters" / f"{chapter}.ipynb", as_version=4)
        answers = [c for c in source.cells if build_site.is_answer_cell(c)]
        page = (site.html / "chapters" / f"{chapter}.html").read_text()
        shown = re.findall(r"<strong>Question \d+\.\d+</strong>", page)
        assert len(shown) == len(answers), f"{chapter}: {len(shown)} questions shown, {len(answers)} answer cells"
        assert text_stub not in page, f"{chapter}: an answer cell ('{text_stub}') is on the page"


def nbgrader_release(root, chapter, tmp_path):
    """What `nbgrader generate_assignment` itself releases for the chapter."""
    # A copy of the course directory (config, its modules, the chapter's
    # source folder with the symlinks followed), without nbgrader's state.
    course = tmp_path / f"course-{chapter}"
    shutil.copytree(root / "autograder", course, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db", "*.log",
        "__pycache__"))
    # The course's config writes the citations out from references.bib next to autograder/.
    if (root / "references.bib").is_file():
        shutil.copy(root / "references.bib", tmp_path / "references.bib")
    subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "generate_assignment",
                    chapter, "--no-db"], cwd=course, check=True, capture_output=True)
    return (course / "release" / chapter / f"{chapter}.ipynb").read_text()


def test_chapter_pages_show_figures(site):
    for chapter in site.chapters:
        page = site.html / "chapters" / f"{chapter}.html"
        images = re.findall(r'<img[^>]*src="([^"]+\.png)"', page.read_text())
        assert images, f"{chapter}: no figure on the page"
        for src in images:
            assert (page.parent / src).is_file(), f"{chapter}: missing image {src}"


def test_search_index_knows_the_chapters(site):
    text = (site.html / "searchindex.js").read_text()
    index = json.loads(text[text.index("(") + 1:text.rindex(")")])
    stem = SearchEnglish({}).stem

    def documents(table, term):
        entries = table.get(term, [])
        return entries if isinstance(entries, list) else [entries]

    for chapter in site.chapters:
        doc = index["docnames"].index(f"chapters/{chapter}")
        title = re.sub(r"<[^>]*>", "", index["titles"][doc])
        word = max(re.findall(r"[A-Za-z]+", title), key=len).lower()
        # Sphinx files a word under "titleterms" or "terms", not both.
        assert doc in documents(index["titleterms"], stem(word)) + \
            documents(index["terms"], stem(word)), f"searching {word!r} misses {chapter}"
        body_terms = [t for t in index["terms"] if doc in documents(index["terms"], t)]
        assert len(body_terms) >= 30, f"{chapter}: the page text is hardly indexed"


def test_building_the_repository_root_directly_is_refused(tmp_path):
    result = subprocess.run(
        [str(Path(sys.executable).parent / "jupyter-book"), "build", str(REPO),
         "--path-output", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "Refusing to build the book" in result.stdout + result.stderr
    assert not (tmp_path / "_build" / "html" / "intro.html").exists()


@pytest.mark.parametrize("source, problem", [
    ("def gd_step(w):\n    return w\nprint('hi')", "only contain imports and function"),
    ("def not_exported(w):\n    return w", "not exported by the reference package"),
    ("x = 1", "only contain imports and function"),
    ("# nothing", "defines no function"),
])
def test_a_malformed_solution_cell_fails_the_build(source, problem):
    with pytest.raises(build_site.BuildError, match=problem):
        build_site.reference_import(source, {"gd_step"}, "a cell")


def test_a_solution_cell_becomes_an_import_of_the_reference():
    source = "import numpy as np\n\ndef gd_step(w):\n    ### BEGIN SOLUTION\n    return w\n"
    assert build_site.reference_import(source, {"gd_step"}, "a cell") == \
        "import numpy as np\nfrom solutions import gd_step"


# ------------------------------------------- what a reader gets besides the text


@pytest.fixture(scope="module")
def course_site(built_site):
    return built_site(REPO)


def cite_roles(text):
    return course_citations.ROLE.findall(text)


def test_citations_are_links_on_the_page_and_plain_text_in_the_downloads(course_site):
    chapters = build_site.toc_chapters(REPO / "_toc.yml")
    bibliography = (course_site / "bibliography.html").read_text()
    cited_somewhere = False
    for chapter in chapters:
        source = nbformat.read(REPO / "chapters" / f"{chapter}.ipynb", as_version=4)
        cites = [cell for cell in source.cells
                 if cell.cell_type == "markdown" and cite_roles(cell.source)]
        page = (course_site / "chapters" / f"{chapter}.html").read_text()
        assert "{cite" not in html.unescape(re.sub(r"<[^>]*>", "", page)), \
            f"{chapter}: a citation role is shown raw on the page"
        with zipfile.ZipFile(next(course_site.joinpath("_downloads").rglob(f"{chapter}.zip"))) as z:
            shipped = nbformat.reads(z.read(f"{chapter}/{chapter}.ipynb").decode(), as_version=4)
        raw = [cell.source[:60] for cell in shipped.cells if cite_roles(cell.source)]
        assert not raw, f"{chapter}: the download keeps citation roles in {raw}"
        if cites:
            cited_somewhere = True
            targets = re.findall(r'href="[^"#]*bibliography\.html#([^"]+)"', page)
            assert targets, f"{chapter} cites papers, but no citation links to the bibliography"
            missing = [t for t in set(targets) if f'id="{t}"' not in bibliography]
            assert not missing, f"{chapter}: citations link to missing entries {missing}"
    assert cited_somewhere or not any(
        cite_roles((REPO / "chapters" / f"{c}.ipynb").read_text()) for c in chapters)


def test_the_bibliography_lists_every_entry_with_its_link(course_site):
    text = (course_site / "bibliography.html").read_text()
    bib = course_citations.entries(REPO / "references.bib")
    for key, entry in bib.items():
        url = course_citations.link(entry)
        if url and "Placeholder" not in entry.fields.get("title", ""):
            assert html.escape(url, quote=True) in text or url in text, \
                f"the bibliography does not link {key} to {url}"
    # (an entry is a <div class="citation ...">, whatever other classes it has)
    assert re.findall(r'class="citation[ "]|role="doc-biblioentry"|<dt class="label"', text), \
        "the bibliography page shows no entry"


def test_the_bibliography_reads_author_year_like_the_citations(course_site):
    # A citation reads "Kingma and Ba (2015)": the entry it links to starts with those
    # authors, and no "[35]" stands in front of it that no citation shows.
    text = (course_site / "bibliography.html").read_text()
    bib = course_citations.entries(REPO / "references.bib")
    entries = re.findall(r'<div class="citation[^"]*" id="([^"]+)"[^>]*>(.*?)</div>', text, re.S)
    assert len(entries) == len(bib), f"{len(entries)} entries shown, {len(bib)} in references.bib"
    labeled = [html.unescape(re.sub(r"<[^>]*>", "", body)).split(".")[0][:60]
                for _, body in entries if 'class="label"' in body]
    assert not labeled, f"bibliography entries with a numeric label: {labeled[:5]}"
    # Every chapter's citation of Adam leads to an entry that starts with Kingma's name.
    page = (course_site / "chapters" / "05_adam.html").read_text()
    link = re.search(r'href="[^"#]*bibliography\.html#([^"]+)"[^>]*>Kingma and Ba', page)
    assert link, "chapter 5 has no citation 'Kingma and Ba' linked to the bibliography"
    body = dict(entries)[link.group(1)]
    first_words = html.unescape(re.sub(r"<[^>]*>", "", body)).split()[:4]
    assert "Kingma" in first_words, f"the Adam citation leads to an entry starting {first_words}"


def test_every_figure_links_to_its_full_size_image(course_site):
    for chapter in build_site.toc_chapters(REPO / "_toc.yml"):
        page = course_site / "chapters" / f"{chapter}.html"
        text = page.read_text()
        links = re.findall(r'<a class="[^"]*descent-full-size[^"]*" href="([^"]+)"[^>]*>\s*<img', text)
        images = re.findall(r'<img[^>]*src="([^"]+\.png)"', text)
        assert links and len(links) == len(images), \
            f"{chapter}: {len(images)} figures, {len(links)} links to a full-size image"
        for href in links:
            assert (page.parent / href).is_file(), f"{chapter}: the link {href} leads nowhere"
            assert href.split("/")[-2] == "_images", href


def test_the_page_folds_long_plotting_code_and_drops_empty_test_cells(course_site):
    stage = course_site.parent / "stage" / "chapters"
    config = build_site.load_nbgrader_config(REPO)
    for chapter in build_site.toc_chapters(REPO / "_toc.yml"):
        page = nbformat.read(stage / f"{chapter}.ipynb", as_version=4)
        assert not [c for c in page.cells if build_site.is_empty_placeholder(c)]
        for cell in page.cells:
            folded = "hide-input" in cell.metadata.get("tags", [])
            assert folded == build_site.should_fold(cell), \
                f"{chapter}: folded is {folded} for the cell {cell.source[:60]!r}"
            if "nbgrader" in cell.metadata:
                assert not folded, f"{chapter}: an exercise, test or setup cell is folded"
        released = nbformat.reads(build_site.student_notebook(
            REPO / "chapters" / f"{chapter}.ipynb", config, with_header_footer=True), as_version=4)
        source = nbformat.read(REPO / "chapters" / f"{chapter}.ipynb", as_version=4)
        # The download is the notebook as written: nothing folded that the author did not fold,
        # every hidden-test cell still there, the figures' metadata kept (Jupyter ignores it).
        # (the release adds one caption cell under each figure: test_the_release_numbers_...)
        released.cells = [c for c in released.cells if "descent" not in c.metadata]
        source_tags = [c.metadata.get("tags", []) for c in source.cells]
        assert [c.metadata.get("tags", []) for c in released.cells] == source_tags
        assert len(released.cells) == len(source.cells)
        assert [c.metadata.get("mystnb") for c in released.cells] == \
            [c.metadata.get("mystnb") for c in source.cells]
    html_text = (course_site / "chapters" / "01_gradient_descent.html").read_text()
    assert "tag_hide-input" in html_text, "no code is folded on chapter 1's page"


def test_the_release_numbers_and_captions_the_figures_as_the_site_does(course_site):
    """In Jupyter a figure's caption (cell metadata) is not shown and {numref} roles show raw: the
    release puts "**Figure 5.3:** caption" under each figure and writes the roles as the numbers
    that Sphinx gave the same figures on the page."""
    config = build_site.load_nbgrader_config(REPO)
    for chapter in build_site.toc_chapters(REPO / "_toc.yml"):
        page = (course_site / "chapters" / f"{chapter}.html").read_text()
        # Sphinx's numbers: each figure's caption number by its anchor, each reference's text.
        site_numbers = dict(re.findall(
            r'<figure[^>]*id="(fig-[^"]+)".*?<span class="caption-number">Figure ([0-9.]+)', page, flags=re.S))
        site_references = sorted(re.findall(r'<span class="std std-numref">Figure ([0-9.]+)</span>', page))
        source = nbformat.read(REPO / "chapters" / f"{chapter}.ipynb", as_version=4)
        figures = [c for c in source.cells if c.cell_type == "code" and "figure" in c.metadata.get("mystnb", {})]
        assert len(site_numbers) == len(figures), f"{chapter}: {len(site_numbers)} numbered figures on the page"
        released = nbformat.reads(build_site.student_notebook(
            REPO / "chapters" / f"{chapter}.ipynb", config, with_header_footer=True), as_version=4)
        captions = {}
        for before, cell in zip(released.cells, released.cells[1:]):
            if "descent" not in cell.metadata:
                continue
            name = cell.metadata.descent.caption_of
            assert before.metadata.mystnb.figure.name == name, f"{chapter}: {name}'s caption is not under it"
            number, _, text = cell.source.partition(":** ")
            captions[name] = number.removeprefix("**Figure ")
            assert text == before.metadata.mystnb.figure.caption
        assert captions == site_numbers, f"{chapter}: the release numbers the figures unlike the page"
        prose = "\n".join(c.source for c in released.cells if c.cell_type == "markdown"
                          and "descent" not in c.metadata)
        assert "{numref}" not in prose, f"{chapter}: a {{numref}} role is left in the release"
        assert sorted(re.findall(r"(?<!\*\*)Figure ([0-9]+\.[0-9]+)", prose)) == site_references, \
            f"{chapter}: the release's figure references differ from the page's"


def test_the_release_numbers_a_small_notebook_and_refuses_a_figure_it_does_not_have():
    figure = nbformat.v4.new_code_cell("plot()", metadata={"mystnb": {"figure": {
        "caption": "A caption.", "name": "fig-03-ravine"}}})
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("See {numref}`fig-03-ravine` and {numref}`Panel %s <fig-03-ravine>`."),
        figure,
        nbformat.v4.new_code_cell("plot()", metadata={"mystnb": {"figure": {"caption": "Unnamed."}}})])
    out, _ = course_figures.NumberedFigures().preprocess(notebook, {"nbgrader": {"notebook": "03_momentum"}})
    assert [c.source for c in out.cells] == [
        "See Figure 3.1 and Panel 3.1.", "plot()", "**Figure 3.1:** A caption.", "plot()",
        "**Figure 3.2:** Unnamed."]
    wrong = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("As {numref}`fig-03-dip` shows.")])
    with pytest.raises(course_figures.FigureReferenceError, match="fig-03-dip` names no figure of this notebook"):
        course_figures.NumberedFigures().preprocess(wrong, {"nbgrader": {"notebook": "03_momentum"}})


@pytest.mark.parametrize("kind, keys, text", [
    ("t", "kingma2015adam", "[Kingma and Ba (2015)](https://arxiv.org/abs/1412.6980)"),
    ("p", "kingma2015adam", "([Kingma and Ba, 2015](https://arxiv.org/abs/1412.6980))"),
    (None, "kingma2015adam", "([Kingma and Ba, 2015](https://arxiv.org/abs/1412.6980))"),
    ("p", "kingma2015adam, loshchilov2019decoupled",
     "([Kingma and Ba, 2015](https://arxiv.org/abs/1412.6980); "
     "[Loshchilov and Hutter, 2019](https://arxiv.org/abs/1711.05101))"),
    ("t", "duchi2011adaptive", "[Duchi et al. (2011)](https://jmlr.org/papers/v12/duchi11a.html)"),
    ("t", "polyak1964some", "[Polyak (1964)](https://doi.org/10.1016/0041-5553%2864%2990137-5)"),
    ("t", "nesterov1983method", "[Nesterov (1983)](https://www.mathnet.ru/eng/dan46009)"),
    # (an entry without a DOI or URL: the names and year, unlinked)
    ("t", "nemirovski1983problem", "Nemirovski and Yudin (1983)"),
])
def test_the_release_writes_a_citation_as_text_with_a_link(kind, keys, text):
    bib = course_citations.entries(REPO / "references.bib")
    assert course_citations.plain_citation(kind, keys, bib) == text


def test_the_release_refuses_an_unknown_citation_key(tmp_path):
    bib = course_citations.entries(REPO / "references.bib")
    with pytest.raises(course_citations.CitationError, match="nobody1999nothing is not in references.bib"):
        course_citations.plain_citations("As {cite:t}`nobody1999nothing` showed.", bib)
    with pytest.raises(course_citations.CitationError, match="not supported"):
        course_citations.plain_citations("{cite:alp}`kingma2015adam`", bib)
    # As nbgrader's preprocessor, on a notebook.
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "Adam {cite:p}`kingma2015adam`.")])
    out, _ = course_citations.PlainCitations(bibtex_file=str(REPO / "references.bib")).preprocess(
        notebook, {"nbgrader": {"notebook": "x"}})
    assert out.cells[0].source == "Adam ([Kingma and Ba, 2015](https://arxiv.org/abs/1412.6980))."
