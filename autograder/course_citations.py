"""Citations as plain text with links, in the notebooks students get.

The chapters cite papers with MyST roles in their Markdown cells,
{cite:t}`kingma2015adam` and {cite:p}`kingma2015adam`. On the website
sphinxcontrib-bibtex turns them into "Kingma and Ba (2015)" and
"(Kingma and Ba, 2015)" linked to the bibliography page. Jupyter knows
no roles and would show them raw, so the release (nbgrader's
``GenerateAssignment``, and the download of the website, which runs the same
preprocessors) rewrites each role from references.bib as that text, linked
to the paper's DOI or URL:

    {cite:t}`kingma2015adam`   ->  [Kingma and Ba (2015)](https://arxiv.org/abs/1412.6980)
    {cite:p}`a,b`              ->  ([Kingma and Ba, 2015](...); [Loshchilov and Hutter, 2019](...))

The web page keeps the roles (scripts/build_site.py leaves this preprocessor
out of the page's release: ``on_web_page = False``). A key that
references.bib lacks fails the release with a sentence saying so.
"""

import codecs
import re
from functools import lru_cache
from pathlib import Path

import latexcodec  # noqa: F401  (registers the "ulatex" codec)
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

ROLE = re.compile(r"\{cite(?::(?P<kind>[a-z]+))?\}`(?P<keys>[^`]*)`")
KINDS = {"t": "textual", "p": "parenthetical", None: "parenthetical"}


class CitationError(ValueError):
    """A citation the release cannot write out; the message says what to fix."""


def _plain(latex):
    """BibTeX field text as a reader sees it: LaTeX accents decoded, braces dropped."""
    text = codecs.decode(latex, "ulatex")
    return re.sub(r"[{}]", "", text).strip()


@lru_cache(maxsize=8)
def _load(path, mtime):
    from pybtex.database import parse_file  # (imported here: only a release needs it)

    return parse_file(path, bib_format="bibtex").entries


def entries(path):
    """{key: entry} of a BibTeX file (cached while the file is unchanged)."""
    path = Path(path)
    return _load(str(path), path.stat().st_mtime)


def authors(entry):
    """'Kingma and Ba', 'Polyak', 'Duchi et al.': the author-year label's names."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_plain(" ".join(person.prelast_names + person.last_names)) for person in people]
    if not names:
        return _plain(entry.fields.get("title", "Anonymous"))
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


def link(entry):
    """The paper's DOI as a URL, else its url field, else None."""
    doi = entry.fields.get("doi", "").strip()
    if doi:
        return "https://doi.org/" + re.sub(r"^https?://(dx\.)?doi\.org/", "", doi)
    url = entry.fields.get("url", "").strip()
    return url or None


def _linked(text, entry):
    url = link(entry)
    if not url:
        return text
    # (parentheses in a DOI would end the Markdown link early)
    return f"[{text}]({url.replace('(', '%28').replace(')', '%29').replace(' ', '%20')})"


def plain_citation(kind, keys, bib, where="a Markdown cell"):
    """The text that replaces one role, e.g. '[Kingma and Ba (2015)](https://...)'."""
    if kind not in KINDS:
        raise CitationError(f"{where}: {{cite:{kind}}} is not supported in the notebooks; "
                            "use {cite:t} (Kingma and Ba (2015)) or {cite:p} ((Kingma and Ba, 2015)).")
    names = [key.strip() for key in keys.split(",") if key.strip()]
    missing = [key for key in names if key not in bib]
    if not names or missing:
        raise CitationError(f"{where}: the citation key {', '.join(missing) or '(none)'} is not in "
                            "references.bib; add the entry there (see CONTRIBUTING.md, Citations).")
    parts = []
    for key in names:
        entry = bib[key]
        year = _plain(entry.fields.get("year", "n.d."))
        if KINDS[kind] == "textual":
            parts.append(_linked(f"{authors(entry)} ({year})", entry))
        else:
            parts.append(_linked(f"{authors(entry)}, {year}", entry))
    if KINDS[kind] == "textual":
        return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    return "(" + "; ".join(parts) + ")"


def plain_citations(markdown, bib, where="a Markdown cell"):
    """Markdown with every {cite:...} role written out as text with a link."""
    return ROLE.sub(lambda m: plain_citation(m.group("kind"), m.group("keys"), bib, where), markdown)


def default_bibtex_file():
    return str(Path(__file__).resolve().parent.parent / "references.bib")


class PlainCitations(NbGraderPreprocessor):
    """Rewrites the {cite:t} and {cite:p} roles of Markdown cells as plain text with links."""

    # scripts/build_site.py runs the release's preprocessors for the web page too, except
    # this one: on the page Sphinx turns the roles into links to the bibliography.
    on_web_page = False

    bibtex_file = Unicode(
        default_bibtex_file(),
        help="The course's BibTeX file (references.bib at the repository root).").tag(config=True)

    def preprocess(self, nb, resources):
        cited = [cell for cell in nb.cells if cell.cell_type == "markdown" and ROLE.search(cell.source)]
        if not cited:
            return nb, resources
        path = Path(self.bibtex_file)
        notebook = resources.get("nbgrader", {}).get("notebook", "the notebook")
        if not path.is_file():
            raise CitationError(f"{notebook} cites papers, but {path} does not exist (the release "
                                "writes the citations out from it).")
        bib = entries(path)
        for cell in cited:
            where = f"{notebook}, the Markdown cell starting {cell.source.strip()[:50]!r}"
            cell.source = plain_citations(cell.source, bib, where)
        return nb, resources
