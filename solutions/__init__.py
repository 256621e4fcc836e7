"""Descent's reference NumPy package: every exercise function of the course.

Pure NumPy, one small pure function per idea: functions never modify their
inputs, keep the floating-point dtype of the parameters, count updates from
``t = 1``, put ``eps`` outside the square root, and reject bad arguments
with a ``TypeError`` or ``ValueError`` that names the argument. The API and
its conventions are listed in ``solutions/README.md``.

Modules
-------
update_rules      array-level update rules (gd_step ... nadam_step)
parameters        dict-level functions of the seed assignment
schedules         learning-rate schedules
gradient_descent  trajectories, mini-batch training, finite differences
"""

from .gradient_descent import numerical_gradient, run_gradient_descent, train_with_mini_batches
from .parameters import (initialize_adam, initialize_velocity, random_mini_batches,
                         update_parameters_with_adam, update_parameters_with_gd,
                         update_parameters_with_momentum)
from .schedules import exponential_decay, schedule_lr_decay, update_lr
from .update_rules import (adagrad_step, adam_step, adamw_step, gd_step, heavy_ball_step,
                           momentum_step, nadam_step, nesterov_step, rmsprop_step)

__all__ = [
    # 1. array-level update rules
    "gd_step",
    "momentum_step",
    "heavy_ball_step",
    "nesterov_step",
    "adagrad_step",
    "rmsprop_step",
    "adam_step",
    "adamw_step",
    "nadam_step",
    # 2. dictionary-level functions
    "update_parameters_with_gd",
    "random_mini_batches",
    "initialize_velocity",
    "update_parameters_with_momentum",
    "initialize_adam",
    "update_parameters_with_adam",
    # 3. learning-rate schedules
    "update_lr",
    "schedule_lr_decay",
    "exponential_decay",
    # chapters 1-2: loops and finite differences
    "run_gradient_descent",
    "numerical_gradient",
    "train_with_mini_batches",
]
