"""Notebooks under test run as an author runs them (`./run lab`): full demos, nothing on PYTHONPATH.

The reference package and the grader are installed into the venv in editable
mode (pyproject.toml), so the chapters' kernels import them with no
environment variable.
"""

import os

os.environ.pop("NBGRADER_EXECUTION", None)  # the full demos, as on the website
os.environ.pop("PYTHONPATH", None)          # what a kernel imports, it finds installed
