"""Sphinx extension: load the optimizer playground on the pages that embed it.

A page embeds the playground with an element of class "descent-playground"
(see playground/widget.js). Only those pages get its script and style sheet,
from _static/playground/, where html_static_path copies the files that
scripts/build_site.py stages in vendor/playground/.
"""

MARKER = 'class="descent-playground'  # also with more classes (full-width)


def add_playground_assets(app, pagename, templatename, context, doctree):
    if MARKER in context.get("body", ""):
        app.add_css_file("playground/playground.css")
        app.add_js_file("playground/playground.js", loading_method="defer")


def setup(app):
    app.connect("html-page-context", add_playground_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
