"""Sphinx extension: figures a reader can number and open at full size.

- Every image of a page links to its own file (in _images/), so a reader can
  open a figure at full size in the browser, offline and from file:// too.
  The link's accessible name is the image's alt text (MyST-NB's
  `mystnb.image.alt` cell metadata for the chapters' figures).
- A numbered caption reads "Figure 5.3: ..." (numfig_format in _config.yml
  gives "Figure 5.3", which {numref} uses in the prose as it is).
"""
import posixpath
import re

from docutils import nodes
from sphinx.util.osutil import relative_uri

CAPTION_NUMBER = re.compile(r'(<span class="caption-number">(?:Figure|Table|Listing) [0-9.]+?)\s*</span>')
LINK_CLASS = "descent-full-size"


def link_images_to_their_files(app, doctree, docname):
    if app.builder.format != "html":
        return
    images_dir = relative_uri(app.builder.get_target_uri(docname), "_images")
    for image in list(doctree.findall(nodes.image)):
        if isinstance(image.parent, nodes.reference):
            continue
        uri = image.get("uri", "")
        if uri not in app.env.images or "://" in uri:
            continue
        reference = nodes.reference("", "", internal=True,
                                    refuri=posixpath.join(images_dir, app.env.images[uri][1]),
                                    classes=["image-reference", LINK_CLASS])
        image.replace_self(reference)
        reference.append(image)


def caption_numbers_with_a_colon(app, pagename, templatename, context, doctree):
    if "body" in context:
        context["body"] = CAPTION_NUMBER.sub(r"\1: </span>", context["body"])


def setup(app):
    app.connect("doctree-resolved", link_images_to_their_files)
    app.connect("html-page-context", caption_numbers_with_a_colon)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
