"""Fixtures shared by several test files."""

import pytest

from class_grading import grade_every_chapter


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """Every chapter released, a class of submissions graded, feedback and grades exported."""
    return grade_every_chapter(tmp_path_factory.mktemp("courses"))
