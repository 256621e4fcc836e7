"""Hidden-test harness of the Descent autograder (instructor-side; never shipped to students)."""

from .harness import GradingError, grade, grade_on_its_own, require_own_work

__all__ = ["GradingError", "grade", "grade_on_its_own", "require_own_work"]
