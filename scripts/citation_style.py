"""Sphinx extension: author-year citations in round brackets, as the notebooks print them.

{cite:t}`kingma2015adam` reads "Kingma and Ba (2015)" and {cite:p}`kingma2015adam`
"(Kingma and Ba, 2015)", both linked to the bibliography page (bibliography.md),
whose entries are marked as the items of a list (axe-core asks for it).
The notebooks students get write the same roles out as the same text, linked to
the paper (autograder/course_citations.py), so the two read alike.
_config.yml selects this style with `bibtex_reference_style: author_year_round`.
"""
import dataclasses

import sphinxcontrib.bibtex.plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

NAME = "author_year_round"


def _round(**separators):
    return BracketStyle(left="(", right=")", **separators)


@dataclasses.dataclass
class RoundAuthorYearReferenceStyle(AuthorYearReferenceStyle):
    bracket_parenthetical: BracketStyle = dataclasses.field(
        default_factory=lambda: _round(sep="; "))
    bracket_textual: BracketStyle = dataclasses.field(
        default_factory=lambda: _round(sep=", ", sep2=" and ", last_sep=" and "))
    bracket_author: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_label: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_year: BracketStyle = dataclasses.field(default_factory=_round)


def biblioentries_as_list_items(app, pagename, templatename, context, doctree):
    """The bibliography's entries as items of its list, for assistive technology.

    sphinxcontrib-bibtex marks the list role="list" and each entry
    role="doc-biblioentry", a role ARIA 1.2 deprecated, so that the list has
    no items (axe-core: aria-required-children, critical).
    """
    if "body" in context and 'role="doc-biblioentry"' in context["body"]:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app):
    app.connect("html-page-context", biblioentries_as_list_items)
    sphinxcontrib.bibtex.plugin.register_plugin("sphinxcontrib.bibtex.style.referencing", NAME,
                                  RoundAuthorYearReferenceStyle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
