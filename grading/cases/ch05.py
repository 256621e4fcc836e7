"""Hidden-test cases of chapter 5."""

import numpy as np

from . import FLOATS, Exercise, log_uniform, random_array, random_network

SHAPES = [(1,), (3,), (2, 4), (5, 1, 2), (7,), (3, 3)]


def _step_index(rng, i, dtype):
    """t: small, moderate and large; a NumPy integer now and then (float64 only, so nothing is promoted)."""
    t = int([1, 2, 3, rng.integers(4, 30), rng.integers(30, 2000), rng.integers(2000, 50_000)][i % 6])
    return np.int64(t) if dtype == np.float64 and i % 4 == 2 else t


def _moments(rng, shape, dtype, scale):
    """A first moment of either sign and a positive second moment of matching size."""
    m = random_array(rng, shape, dtype, scale)
    v = (np.abs(random_array(rng, shape, np.float64, scale)) ** 2 + (0.1 * scale) ** 2).astype(dtype)
    return m, v


def _adam_arguments(rng, i):
    dtype = FLOATS[i % 2]
    shape = SHAPES[i % len(SHAPES)]
    scale = 10 ** rng.uniform(-3, 1)
    w = random_array(rng, shape, dtype)
    g = random_array(rng, shape, dtype, scale)
    t = _step_index(rng, i, dtype)
    m, v = (np.zeros(shape, dtype), np.zeros(shape, dtype)) if t == 1 else _moments(rng, shape, dtype, scale)
    hyper = {"lr": log_uniform(rng, 1e-4, 0.3), "beta1": float(rng.choice([0.0, 0.5, 0.9, 0.95])),
             "beta2": float(rng.choice([0.9, 0.99, 0.999])), "eps": log_uniform(rng, 1e-8, 1e-3)}
    return (w, g, m, v, t), hyper


def _split(args, hyper, i, order):
    """Pass the hyperparameters positionally, by keyword, or leave some at their defaults."""
    values = [hyper[k] for k in order]
    if i % 3 == 0:
        return args + tuple(values), {}
    if i % 3 == 1:
        return args, dict(hyper)
    return args + tuple(values[:1]), {k: hyper[k] for k in order[2:]}   # lr positional, beta1 default


def adam_step_cases(rng):
    for i in range(18):
        args, hyper = _adam_arguments(rng, i)
        yield _split(args, hyper, i, ["lr", "beta1", "beta2", "eps"])


def adamw_step_cases(rng):
    for i in range(18):
        args, hyper = _adam_arguments(rng, i)
        hyper["weight_decay"] = float([0.0, 1e-2, 0.1, 0.5][i % 4]) if i % 5 else log_uniform(rng, 1e-4, 1.0)
        yield _split(args, hyper, i, ["lr", "beta1", "beta2", "eps", "weight_decay"])


def nadam_step_cases(rng):
    for i in range(18):
        args, hyper = _adam_arguments(rng, i)
        t = int(args[4])
        hyper["lr"] = log_uniform(rng, 1e-4, 0.3)
        hyper["momentum_decay"] = float([4e-3, 4e-3, 0.0, 0.05][i % 4])
        # A product of earlier momentum factors: 1.0 before the first step, then (about) 0.45^(t - 1).
        mu_product = 1.0 if t == 1 else float(rng.uniform(0.45, 0.9) ** min(t - 1, 3) * rng.uniform(0.2, 1.0))
        yield _split(args + (mu_product,), hyper, i, ["lr", "beta1", "beta2", "eps", "momentum_decay"])


def initialize_adam_cases(rng):
    for i in range(10):
        yield (random_network(rng, FLOATS[i % 2]),), {}


def update_parameters_with_adam_cases(rng):
    for i in range(14):
        dtype = FLOATS[i % 2]
        parameters = random_network(rng, dtype)
        scale = 10 ** rng.uniform(-3, 1)
        grads = {"d" + k: random_array(rng, p.shape, dtype, scale) for k, p in parameters.items()}
        t = _step_index(rng, i, dtype)
        if t == 1:
            v = {"d" + k: np.zeros_like(p) for k, p in parameters.items()}
            s = {"d" + k: np.zeros_like(p) for k, p in parameters.items()}
        else:
            moments = {k: _moments(rng, p.shape, dtype, scale) for k, p in parameters.items()}
            v = {"d" + k: mv[0] for k, mv in moments.items()}
            s = {"d" + k: mv[1] for k, mv in moments.items()}
        hyper = {"learning_rate": log_uniform(rng, 1e-4, 0.3), "beta1": float(rng.choice([0.5, 0.9, 0.95])),
                 "beta2": float(rng.choice([0.9, 0.99, 0.999])), "epsilon": log_uniform(rng, 1e-8, 1e-3)}
        yield _split((parameters, grads, v, s, t), hyper, i, ["learning_rate", "beta1", "beta2", "epsilon"])


EXERCISES = [
    Exercise("adam_step", adam_step_cases, seed=51),
    Exercise("initialize_adam", initialize_adam_cases, seed=52, exact_dtype=True),
    Exercise("update_parameters_with_adam", update_parameters_with_adam_cases, dependencies=("adam_step",), seed=53),
    Exercise("adamw_step", adamw_step_cases, dependencies=("adam_step",), seed=54),
    Exercise("nadam_step", nadam_step_cases, seed=55),
]
