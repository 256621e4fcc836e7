"""Sphinx extension: author-year citations in round brackets, as the notebooks print them.

{cite:t}`kingma2015adam` reads "Kingma and Ba (2015)" and {cite:p}`kingma2015adam`
"(Kingma and Ba, 2015)", both linked to the bibliography page (bibliography.md),
whose entries are marked as the items of a list (axe-core asks for it) and carry no
numeric label: an author-year citation leads to an entry that starts with its authors,
in a list sorted by author and year, as in an author-year bibliography in print.
The notebooks students get write the same roles out as the same text, linked to
the paper (autograder/course_citations.py), so the two read alike.
_config.yml selects this style with `bibtex_reference_style: author_year_round`.
"""
import dataclasses

import docutils.nodes
import sphinxcontrib.bibtex.plugin
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinxcontrib.bibtex.transforms import BibliographyTransform
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


class DropBibliographyLabels(SphinxPostTransform):
    """No "[12]" in front of the bibliography's entries: the citations are author-year.

    sphinxcontrib-bibtex gives every entry of a bibliography a label from its pybtex
    style ("plain" numbers them), although no citation in the text shows it. Runs after
    sphinxcontrib-bibtex's BibliographyTransform has written the entries.
    """
    default_priority = BibliographyTransform.default_priority + 1

    def run(self, **kwargs):
        domain = self.env.get_domain("cite")
        ids = {citation.citation_id for citation in domain.citations}
        for entry in list(self.document.findall(docutils.nodes.citation)):
            if ids.intersection(entry["ids"]):
                for label in [child for child in entry.children
                              if isinstance(child, docutils.nodes.label)]:
                    entry.remove(label)
                entry["classes"].append("descent-reference")


def setup(app):
    app.add_post_transform(DropBibliographyLabels)
    app.connect("html-page-context", biblioentries_as_list_items)
    sphinxcontrib.bibtex.plugin.register_plugin("sphinxcontrib.bibtex.style.referencing", NAME,
                                  RoundAuthorYearReferenceStyle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
