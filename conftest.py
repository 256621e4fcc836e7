"""Make the reference package and grading harness importable by notebook kernels started by tests."""

import os
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent)
os.environ["PYTHONPATH"] = os.pathsep.join([ROOT] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
os.environ.pop("NBGRADER_EXECUTION", None)  # notebooks under test run their full demos, as on the website
