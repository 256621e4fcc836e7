"""Hidden-test cases of chapter 4: AdaGrad and RMSProp."""

import numpy as np

from . import FLOATS, Exercise, log_uniform, random_array, random_network

SHAPES = [(1,), (3,), (2, 4), (5, 1, 2), (7,), (4, 3)]


def _squares(rng, shape, dtype, scale):
    """A non-negative optimizer state (a sum or average of squared gradients)."""
    return (random_array(rng, shape, np.float64, scale) ** 2 * rng.uniform(0.5, 20)).astype(dtype)


def adagrad_step_cases(rng):
    for i in range(16):
        dtype, shape = FLOATS[i % 2], SHAPES[i % len(SHAPES)]
        scale = 10 ** rng.uniform(-3, 2)                     # tiny to large gradients
        w, g = random_array(rng, shape, dtype), random_array(rng, shape, dtype, scale)
        G = np.zeros(shape, dtype) if i % 4 == 0 else _squares(rng, shape, dtype, scale)
        lr = log_uniform(rng, 1e-3, 2.0)
        if i % 3 == 0:
            yield (w, g, G, lr), {}
        elif i % 3 == 1:
            yield (w, g, G), {"lr": lr, "eps": log_uniform(rng, 1e-10, 1e-2)}
        else:
            yield (w, g, G, lr, log_uniform(rng, 1e-10, 1e-2)), {}
    # Gradients far below eps: here eps decides the step (inside vs outside the root).
    for dtype in FLOATS:
        w, g = random_array(rng, (4,), dtype), random_array(rng, (4,), dtype, 1e-8)
        yield (w, g, np.zeros((4,), dtype), 0.1), {}


def rmsprop_step_cases(rng):
    for i in range(18):
        dtype, shape = FLOATS[i % 2], SHAPES[i % len(SHAPES)]
        scale = 10 ** rng.uniform(-3, 2)
        w, g = random_array(rng, shape, dtype), random_array(rng, shape, dtype, scale)
        s = np.zeros(shape, dtype) if i % 4 == 0 else _squares(rng, shape, dtype, scale)
        lr = log_uniform(rng, 1e-4, 0.5)
        # (float32: no beta = 0, where the new state is g^2 alone and the equally right form
        # s + (1 - beta) (g^2 - s) loses the digits of an old state much larger than g^2)
        betas = [0.0, 0.5, 0.9, 0.99] if dtype == np.float64 else [0.5, 0.9, 0.99]
        beta = float(rng.choice(betas + [float(rng.uniform(0.05, 0.95))]))
        if i % 3 == 0:
            yield (w, g, s, lr), {}                          # default beta and eps
        elif i % 3 == 1:
            yield (w, g, s, lr), {"beta": beta, "eps": log_uniform(rng, 1e-10, 1e-2)}
        else:
            yield (w, g, s, lr, beta, log_uniform(rng, 1e-10, 1e-2)), {}
    for dtype in FLOATS:
        w, g = random_array(rng, (4,), dtype), random_array(rng, (4,), dtype, 1e-8)
        yield (w, g, _squares(rng, (4,), dtype, 1e-8), 0.01), {}


def update_parameters_with_rmsprop_cases(rng):
    for i in range(12):
        dtype = FLOATS[i % 2]
        parameters = random_network(rng, dtype)
        scale = 10 ** rng.uniform(-2, 1)
        grads = {"d" + k: random_array(rng, p.shape, dtype, scale) for k, p in parameters.items()}
        if i % 4 == 0:
            s = {"d" + k: np.zeros_like(p) for k, p in parameters.items()}
        else:
            s = {"d" + k: _squares(rng, p.shape, dtype, scale) for k, p in parameters.items()}
        lr = log_uniform(rng, 1e-4, 0.1)
        beta = float(rng.choice([0.5, 0.9, 0.99]))
        if i % 3 == 0:
            yield (parameters, grads, s, lr), {}
        elif i % 3 == 1:
            yield (parameters, grads, s), {"learning_rate": lr, "beta": beta,
                                           "epsilon": log_uniform(rng, 1e-10, 1e-3)}
        else:
            yield (parameters, grads, s, lr, beta, log_uniform(rng, 1e-10, 1e-3)), {}


EXERCISES = [
    Exercise("adagrad_step", adagrad_step_cases, seed=41),
    Exercise("rmsprop_step", rmsprop_step_cases, seed=42),
    Exercise("update_parameters_with_rmsprop", update_parameters_with_rmsprop_cases,
             dependencies=("rmsprop_step",), seed=43),
]
