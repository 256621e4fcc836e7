"""Hidden-test cases of chapter 6: learning-rate schedules.

The schedules are functions of plain numbers, so the cases vary the
numbers (Python and NumPy integers for the epoch or step, rates over
orders of magnitude, the edges of intervals and phases) rather than array
shapes and dtypes; hyperparameters are passed by position and by keyword.
"""

import numpy as np

from . import Exercise, log_uniform


def _epoch(rng, i, high):
    """An epoch or step number in [0, high], a Python int or (every third case) a NumPy int64."""
    e = int(rng.integers(0, high + 1))
    return np.int64(e) if i % 3 == 2 else e


def update_lr_cases(rng):
    for i in range(14):
        lr0 = log_uniform(rng, 1e-4, 1.0)
        epoch = 0 if i == 0 else _epoch(rng, i, [10, 100, 5000][i % 3])
        k = 0.0 if i == 1 else log_uniform(rng, 1e-4, 10.0)
        yield ((lr0, epoch, k), {}) if i % 2 else ((lr0, epoch), {"decay_rate": k})


def schedule_lr_decay_cases(rng):
    for i in range(16):
        lr0 = log_uniform(rng, 1e-4, 1.0)
        k = log_uniform(rng, 1e-2, 5.0)
        interval = [1000, 1, 7, 100, 250, 1000][i % 6]
        if i % 4 == 0:
            epoch = interval * int(rng.integers(0, 6))            # exactly at a drop
        elif i % 4 == 1:
            epoch = interval * int(rng.integers(1, 6)) - 1        # the last epoch before a drop
        else:
            epoch = int(rng.integers(0, 6 * interval))
        if i % 3 == 0:
            yield (lr0, epoch, k), {}                             # the default interval, 1000
        elif i % 3 == 1:
            yield (lr0, np.int64(epoch), k, interval), {}
        else:
            yield (lr0, epoch), {"decay_rate": k, "time_interval": interval}


def exponential_decay_cases(rng):
    for i in range(14):
        lr0 = log_uniform(rng, 1e-4, 1.0)
        epoch = _epoch(rng, i, [20, 500, 5000][i % 3])
        k = 0.0 if i == 3 else log_uniform(rng, 1e-5, 0.3)
        yield ((lr0, epoch, k), {}) if i % 2 else ((lr0, epoch), {"k": k})


def cosine_decay_cases(rng):
    for i in range(16):
        lr0 = log_uniform(rng, 1e-4, 1.0)
        total = [1, 10, 100, 5000][i % 4] if i < 8 else int(rng.integers(2, 3000))
        step = [0, total, total + int(rng.integers(1, 50)), total // 2][i % 4] if i < 8 \
            else int(rng.integers(0, total))
        if i % 3 == 0:
            yield (lr0, step, total), {}                                    # the default minimum, 0
        elif i % 3 == 1:
            yield (lr0, np.int64(step), total, float(rng.uniform(0, lr0))), {}
        else:
            yield (lr0, step), {"total_steps": total, "min_learning_rate": float(rng.uniform(0, lr0))}


def warmup_cosine_cases(rng):
    for i in range(18):
        lr0 = log_uniform(rng, 1e-4, 1.0)
        total = int(rng.integers(2, 2000))
        warmup = 0 if i in (4, 11) else int(rng.integers(1, total))
        step = [0, max(warmup - 1, 0), warmup, total, total + 5, int(rng.integers(0, total))][i % 6]
        if i % 3 == 0:
            yield (lr0, step, warmup, total), {}                            # the default minimum, 0
        elif i % 3 == 1:
            yield (lr0, np.int64(step), warmup, total, float(rng.uniform(0, lr0))), {}
        else:
            yield (lr0, step), {"warmup_steps": warmup, "total_steps": total,
                                "min_learning_rate": float(rng.uniform(0, lr0))}
    # Inside the warm-up, before its last step, with a minimum above 0: the ramp starts from
    # learning_rate0 / warmup_steps whatever min_learning_rate is (at the last warm-up step
    # both ramps reach learning_rate0).
    for _ in range(2):
        lr0 = log_uniform(rng, 1e-4, 1.0)
        total = int(rng.integers(3, 2000))
        warmup = int(rng.integers(2, total))
        yield (lr0, int(rng.integers(0, warmup - 1)), warmup, total, float(rng.uniform(0, lr0))), {}


EXERCISES = [
    Exercise("update_lr", update_lr_cases, seed=60),
    Exercise("schedule_lr_decay", schedule_lr_decay_cases, seed=61),
    Exercise("exponential_decay", exponential_decay_cases, seed=62),
    Exercise("cosine_decay", cosine_decay_cases, seed=63),
    Exercise("warmup_cosine", warmup_cosine_cases, dependencies=("cosine_decay",), seed=64),
]
