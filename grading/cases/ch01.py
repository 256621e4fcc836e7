"""Hidden-test cases of chapter 1."""

import numpy as np

from . import FLOATS, Described, Exercise, log_uniform, random_array


def gd_step_cases(rng):
    shapes = [(1,), (3,), (2, 4), (5, 1, 2), (7,)]
    for i in range(20):
        dtype = FLOATS[i % 2]
        shape = shapes[i % len(shapes)]
        scale = 10 ** rng.uniform(-2, 2)
        w, g = random_array(rng, shape, dtype, scale), random_array(rng, shape, dtype, scale)
        lr = log_uniform(rng, 1e-4, 1.0)
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
        w0 = random_array(rng, shape, scale=3.0)
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
        f, w = _smooth_function(rng, shape), random_array(rng, shape)
        if i % 2:
            yield (f, w), {}
        else:
            yield (f, w), {"h": log_uniform(rng, 1e-6, 1e-3)}
    # Integer w: the differences must be taken in floating point.
    for shape in [(3,), (2, 2)]:
        yield (_smooth_function(rng, shape), rng.integers(-3, 4, size=shape)), {}


EXERCISES = [
    Exercise("gd_step", gd_step_cases, seed=1),
    Exercise("run_gradient_descent", run_gradient_descent_cases, dependencies=("gd_step",), seed=2),
    Exercise("numerical_gradient", numerical_gradient_cases, seed=3),
]
