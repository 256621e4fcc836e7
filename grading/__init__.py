"""The Descent grader (instructor-side; never shipped to students).

Modules
-------
cases      the hidden test cases of every exercise, by chapter
mistakes   known mistaken variants, used to name a student's mistake
judge      points and feedback for the visible test and the hidden cases
remote     a student's functions in a sandboxed worker, called with data
sandbox    bubblewrap and resource limits for everything that runs student code
worker     the process inside the sandbox (copied there with wire.py)
wire       the data-only message format between grader and worker
cells      the hidden-test regions of a cell's source
"""

__all__ = ["GradingError", "grade"]


def __getattr__(name):
    # Imported on first use: the sandbox's and the site build's imports of grading.wire or
    # grading.cells should not load the judge (and with it the reference package).
    if name in __all__:
        from . import judge
        return getattr(judge, name)
    raise AttributeError(f"module 'grading' has no attribute {name!r}")
