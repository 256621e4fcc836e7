"""Sphinx extension: every script tag once per page.

Jupyter Book's extensions (sphinx-thebe, sphinx-togglebutton) register some
inline scripts twice, and the second copy of `const THEBE_JS_URL = ...` is a
JavaScript error on every page ("Identifier 'THEBE_JS_URL' has already been
declared"). This drops the repeated tags, keeping the first of each.
"""


def script_key(script):
    """What a script tag says: its file and attributes, not its priority.

    An inline script is registered with the file name None once and "" once.
    """
    attributes = getattr(script, "attributes", {})
    return str(getattr(script, "filename", script) or ""), tuple(sorted(attributes.items()))


def drop_repeated_scripts(app, pagename, templatename, context, doctree):
    scripts, seen = context.get("script_files"), set()
    if scripts is None:
        return
    unique = []
    for script in scripts:
        if script_key(script) not in seen:
            seen.add(script_key(script))
            unique.append(script)
    scripts[:] = unique  # Sphinx restores the list after each page


def setup(app):
    # After the other extensions have added their scripts to the page.
    app.connect("html-page-context", drop_repeated_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
