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
"""

from .judge import GradingError, grade

__all__ = ["GradingError", "grade"]
