"""Sphinx extension: a display equation with its own ``\\tag`` is passed to MathJax as written.

Sphinx wraps every display block that contains ``\\\\`` in ``\\begin{split}``,
where ``\\tag`` is illegal ("\\tag not allowed in split environment"), even
when the line breaks sit inside an ``aligned`` or ``pmatrix``. The course
writes multi-line labeled equations the way Jupyter renders them,

    $$
    \\begin{aligned} a &= b \\\\ c &= d \\end{aligned} \\tag{6.11}
    $$

so a block that carries a ``\\tag`` is left unwrapped: the page then shows
exactly what the notebook shows.
"""

from docutils import nodes


def pass_tagged_math_through(app, doctree):
    for block in doctree.findall(nodes.math_block):
        text = block.astext()
        if block.get("nowrap") or r"\tag" not in text:
            continue
        block["nowrap"] = True
        start, end = app.config.mathjax_display
        block.children = [nodes.Text(f"{start}{text}{end}")]


def setup(app):
    app.connect("doctree-read", pass_tagged_math_through)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
