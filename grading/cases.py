"""Random test cases for every graded exercise, registered by function name.

Each generator yields ``(args, kwargs)`` pairs drawn from a fixed-seed RNG,
so a notebook is graded on the same inputs every time. Cases vary shapes,
dtypes and hyperparameters, and pass hyperparameters by position and by
keyword, so that an implementation that only fits the visible tests fails.
"""

import math
from dataclasses import dataclass

import numpy as np

FLOATS = (np.float64, np.float32)


@dataclass(frozen=True)
class Exercise:
    name: str
    cases: callable
    dependencies: tuple = ()  # exercises this one may call: graded with the reference versions
    seed: int = 0

    @property
    def reference(self):
        import solutions
        return getattr(solutions, self.name)

    def tolerance(self, args):
        """(rtol, atol) for comparing with the reference: rounding only."""
        arrays = [a for a in args if isinstance(a, np.ndarray)]
        if arrays and arrays[0].dtype == np.float32:
            return 1e-5, 1e-6
        return 1e-9, 1e-12


class Described:
    """A callable argument with a readable description for failure messages."""

    def __init__(self, function, description):
        self.function = function
        self.description = description

    def __call__(self, *args, **kwargs):
        return self.function(*args, **kwargs)


def _array(rng, shape, dtype=np.float64, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(dtype)


def _log_uniform(rng, low, high):
    return float(10 ** rng.uniform(math.log10(low), math.log10(high)))


# ---------------------------------------------------------------- chapter 1

def gd_step_cases(rng):
    shapes = [(1,), (3,), (2, 4), (5, 1, 2), (7,)]
    for i in range(20):
        dtype = FLOATS[i % 2]
        shape = shapes[i % len(shapes)]
        scale = 10 ** rng.uniform(-2, 2)
        w, g = _array(rng, shape, dtype, scale), _array(rng, shape, dtype, scale)
        lr = _log_uniform(rng, 1e-4, 1.0)
        yield ((w, g, lr), {}) if i % 3 else ((w, g), {"lr": lr})


def _quadratic_gradient(curvatures):
    curvatures = np.asarray(curvatures, dtype=np.float64)
    return Described(lambda w: curvatures.reshape(w.shape) * w,
                     f"<gradient of a quadratic with curvatures {np.round(curvatures.ravel(), 3).tolist()}>")


def run_gradient_descent_cases(rng):
    shapes = [(1,), (2,), (3,), (2, 2)]
    for i in range(12):
        shape = shapes[i % len(shapes)]
        curvatures = rng.uniform(0.1, 10.0, size=shape)
        w0 = _array(rng, shape, scale=3.0)
        lr = float(rng.uniform(0.01, 2.2 / curvatures.max()))  # some runs diverge on purpose
        num_steps = [0, 1, 5, 17, 40][i % 5]
        args = (_quadratic_gradient(curvatures), w0, lr, num_steps)
        yield (args, {}) if i % 2 else (args[:2], {"lr": lr, "num_steps": num_steps})


def _smooth_function(rng, shape):
    c = rng.uniform(-2, 2, size=shape)
    d = float(rng.uniform(0.1, 1.0))
    return Described(lambda w: float(np.sum(c * np.sin(w)) + d * np.sum(w ** 2) ** 1.5),
                     "<a smooth scalar function of w>")


def numerical_gradient_cases(rng):
    shapes = [(1,), (3,), (2, 3), (4,), (3, 1)]
    for i in range(10):
        shape = shapes[i % len(shapes)]
        f, w = _smooth_function(rng, shape), _array(rng, shape)
        if i % 2:
            yield (f, w), {}
        else:
            yield (f, w), {"h": _log_uniform(rng, 1e-6, 1e-3)}


# ---------------------------------------------------------------- chapter 2

def random_mini_batches_cases(rng):
    sizes = [(1, 1), (5, 2), (64, 64), (100, 64), (128, 32), (130, 16), (37, 200), (200, 1), (9, 4)]
    for i, (m, batch) in enumerate(sizes * 2):
        dtype = FLOATS[i % 2]
        n = 1 + i % 3
        X, Y = _array(rng, (n, m), dtype), (rng.random((1, m)) > 0.5).astype(dtype)
        seed = int(rng.integers(0, 10_000))
        yield ((X, Y, batch, seed), {}) if i % 2 else ((X, Y), {"mini_batch_size": batch, "seed": seed})


def _random_network(rng, dtype, prefix=""):
    layers = [int(rng.integers(1, 5)) for _ in range(int(rng.integers(2, 5)))]
    params = {}
    for l in range(1, len(layers)):
        params[f"{prefix}W{l}"] = _array(rng, (layers[l], layers[l - 1]), dtype)
        params[f"{prefix}b{l}"] = _array(rng, (layers[l], 1), dtype)
    return params


def update_parameters_with_gd_cases(rng):
    for i in range(12):
        dtype = FLOATS[i % 2]
        parameters = _random_network(rng, dtype)
        grads = {"d" + k: _array(rng, v.shape, dtype) for k, v in parameters.items()}
        lr = _log_uniform(rng, 1e-4, 1.0)
        yield ((parameters, grads, lr), {}) if i % 2 else ((parameters, grads), {"learning_rate": lr})


def _least_squares(X, Y, parameters):
    """Cost (1/2m)·‖W X + b − Y‖² and its gradients: the model the loop is graded on."""
    m = X.shape[1]
    residual = parameters["W1"] @ X + parameters["b1"] - Y
    grads = {"dW1": residual @ X.T / m, "db1": residual.sum(axis=1, keepdims=True) / m}
    return float(np.sum(residual ** 2) / (2 * m)), grads


LEAST_SQUARES = Described(_least_squares, "<least-squares cost_and_grads>")


def train_with_mini_batches_cases(rng):
    for i in range(8):
        n, m = 1 + i % 2, [7, 20, 33, 16][i % 4]
        X = _array(rng, (n, m))
        Y = _array(rng, (1, n)) @ X + 0.1 * _array(rng, (1, m))
        parameters = {"W1": _array(rng, (1, n)), "b1": _array(rng, (1, 1))}
        lr = float(rng.uniform(0.01, 0.3))
        batch = [1, 4, 8, m][i % 4]
        epochs = 1 + i % 3
        seed = int(rng.integers(0, 1000))
        args = (X, Y, parameters, LEAST_SQUARES, lr)
        if i % 2:
            yield args + (batch, epochs, seed), {}
        else:
            yield args, {"mini_batch_size": batch, "num_epochs": epochs, "seed": seed}


EXERCISES = {e.name: e for e in [
    Exercise("gd_step", gd_step_cases, seed=1),
    Exercise("run_gradient_descent", run_gradient_descent_cases, dependencies=("gd_step",), seed=2),
    Exercise("numerical_gradient", numerical_gradient_cases, seed=3),
    Exercise("random_mini_batches", random_mini_batches_cases, seed=4),
    Exercise("update_parameters_with_gd", update_parameters_with_gd_cases, seed=5),
    Exercise("train_with_mini_batches", train_with_mini_batches_cases,
             dependencies=("random_mini_batches", "update_parameters_with_gd"), seed=6),
]}
