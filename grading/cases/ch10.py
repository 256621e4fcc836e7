"""Hidden-test cases of chapter 10: hyperparameter search.

Every search takes a fresh ``np.random.default_rng(seed)``; the grader
deep-copies it, so the student's function and the reference start from the
same state and must consume it in the documented order. The objectives are
deterministic functions of the configuration (bowls in log10 units for
"log" hyperparameters, a constant for ties, ``inf`` for diverged runs).
"""

import math

import numpy as np

from . import Described, Exercise, log_uniform


def _generator(rng):
    return np.random.default_rng(int(rng.integers(0, 2 ** 31)))


def log_uniform_cases(rng):
    sizes = [1, 3, 10, (2, 3), 0, (4,), 25, (1, 5, 2)]
    for i in range(14):
        low = log_uniform(rng, 1e-6, 10.0)
        high = low * 10 ** float(rng.uniform(0.3, 6.0))
        size = sizes[i % len(sizes)]
        if i % 2:
            yield (low, high, size, _generator(rng)), {}
        else:
            yield (low, high), {"size": size, "rng": _generator(rng)}


def _space(rng, i):
    """1 to 3 hyperparameters, mixing "log" and "linear" scales."""
    space = {}
    for j in range(1 + i % 3):
        if (i + j) % 2 == 0:
            low = log_uniform(rng, 1e-5, 1e-2)
            space[f"lr{j}"] = (low, low * 10 ** float(rng.uniform(1.0, 5.0)), "log")
        else:
            low = float(rng.uniform(-1.0, 1.0))
            space[f"x{j}"] = (low, low + float(rng.uniform(0.1, 3.0)), "linear")
    return space


def _objective(rng, space, kind):
    """A deterministic objective with its minimum somewhere inside ``space``."""
    target = {name: float(rng.uniform(math.log10(lo), math.log10(hi)) if scale == "log" else rng.uniform(lo, hi))
              for name, (lo, hi, scale) in space.items()}
    weight = {name: float(rng.uniform(0.2, 3.0)) for name in space}

    def coordinate(config, name):
        return math.log10(config[name]) if space[name][2] == "log" else config[name]

    def bowl(config):
        return sum(weight[n] * (coordinate(config, n) - target[n]) ** 2 for n in space)

    if kind == "constant":
        return Described(lambda config: 1.5, "<a constant objective: every trial ties>")
    if kind == "diverges":
        first = next(iter(space))
        cut = target[first]

        def diverging(config):
            return float("inf") if coordinate(config, first) > cut + 0.3 else bowl(config)
        return Described(diverging, "<a bowl that returns inf (a diverged run) on part of the space>")
    if kind == "abs":
        return Described(lambda config: np.float64(sum(abs(coordinate(config, n) - target[n]) for n in space)),
                         "<a sum of absolute distances, returned as np.float64>")
    return Described(bowl, "<a quadratic bowl (in log10 units for \"log\" hyperparameters)>")


KINDS = ["bowl", "abs", "bowl", "diverges", "bowl", "constant"]


def random_search_cases(rng):
    for i in range(14):
        space = _space(rng, i)
        objective = _objective(rng, space, KINDS[i % len(KINDS)])
        num_trials = [1, 3, 8, 12, 5][i % 5]
        if i % 2:
            yield (objective, space, num_trials, _generator(rng)), {}
        else:
            yield (objective, space), {"num_trials": num_trials, "rng": _generator(rng)}


def coarse_to_fine_cases(rng):
    for i in range(14):
        space = _space(rng, i)
        objective = _objective(rng, space, KINDS[(i + 1) % len(KINDS)])
        num_trials = [2, 4, 6, 1, 5][i % 5]
        num_rounds = [3, 1, 2, 4][i % 4]
        shrink = 1.0 if i == 6 else float(rng.uniform(0.2, 0.9))
        args = (objective, space, num_trials)
        if i % 3 == 0:
            yield args + (num_rounds, shrink, _generator(rng)), {}
        elif i % 3 == 1:
            yield args + (num_rounds,), {"shrink": shrink, "rng": _generator(rng)}
        else:
            yield (objective, space), {"num_trials": num_trials, "num_rounds": num_rounds,
                                       "shrink": np.float64(shrink), "rng": _generator(rng)}


EXERCISES = [
    Exercise("log_uniform", log_uniform_cases, seed=100),
    Exercise("random_search", random_search_cases, dependencies=("log_uniform",), seed=101),
    Exercise("coarse_to_fine", coarse_to_fine_cases, dependencies=("random_search", "log_uniform"), seed=102),
]
