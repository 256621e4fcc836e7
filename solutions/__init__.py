"""Descent's reference NumPy package: every exercise function of the course.

Pure NumPy, one small pure function per idea: functions never modify their
inputs, keep the floating-point dtype of the parameters, count updates from
``t = 1``, put ``eps`` outside the square root, and reject bad arguments
with a ``TypeError`` or ``ValueError`` that names the argument. The API and
its conventions are listed in ``solutions/README.md``.

Modules
-------
update_rules      array-level update rules (gd_step ... nadam_step)
parameters        dict-level functions of the classic deeplearning.ai assignment
schedules         learning-rate schedules
gradient_descent  trajectories, mini-batch training, finite differences
regularization    penalties, ridge regression, early stopping (chapter 7)
layers            activations, dropout, batch normalization (chapter 8)
second_order      Newton, conjugate gradient, L-BFGS (chapter 9)
search            hyperparameter search (chapter 10)
training          softmax cross-entropy, He init, clipping, shifts, LR range test (chapter 11)
"""

from . import (gradient_descent, layers, parameters, regularization, schedules, search, second_order, training,
               update_rules)
from .gradient_descent import *  # noqa: F401,F403
from .layers import *  # noqa: F401,F403
from .parameters import *  # noqa: F401,F403
from .regularization import *  # noqa: F401,F403
from .schedules import *  # noqa: F401,F403
from .search import *  # noqa: F401,F403
from .second_order import *  # noqa: F401,F403
from .training import *  # noqa: F401,F403
from .update_rules import *  # noqa: F401,F403

# In the order of the API documentation: update rules, dict-level functions,
# schedules, then the chapters' loops and finite differences.
__all__ = (update_rules.__all__ + parameters.__all__ + schedules.__all__ + gradient_descent.__all__
           + regularization.__all__ + layers.__all__ + second_order.__all__ + search.__all__ + training.__all__)
