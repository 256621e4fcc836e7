"""The regions that nbgrader's markers delimit in a cell's source."""

HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def without_hidden_tests(source, begin=HIDDEN_BEGIN, end=HIDDEN_END):
    """Source with the hidden-test regions (and their delimiter lines) removed."""
    kept, hidden = [], False
    for line in source.split("\n"):
        if begin in line:
            hidden = True
        elif end in line:
            hidden = False
        elif not hidden:
            kept.append(line)
    return "\n".join(kept)
