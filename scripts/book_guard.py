"""Sphinx extension that refuses to build anything but the staged book.

The chapter notebooks in the repository are also the nbgrader source
notebooks: they contain the solutions and the hidden tests. Running
`jupyter-book build .` on the repository would publish them. The website
must be built with `./run site`, which writes a stripped copy of the book to
_build/stage/ and marks it with STAGE_MARKER; this extension (listed under
`sphinx: local_extensions` in _config.yml) stops any build whose source
folder lacks the marker.
"""
from pathlib import Path

from sphinx.errors import ConfigError

STAGE_MARKER = ".descent-staged-book"


def setup(app):
    if not (Path(app.srcdir) / STAGE_MARKER).is_file():
        raise ConfigError(
            f"Refusing to build the book from {app.srcdir}: the chapter notebooks "
            "there contain the solutions and hidden tests. Build the website "
            "with `./run site` (scripts/build_site.py), which builds a stripped "
            "copy staged in _build/stage/."
        )
    return {"parallel_read_safe": True, "parallel_write_safe": True}
