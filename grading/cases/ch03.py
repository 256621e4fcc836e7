"""Hidden-test cases of chapter 3."""

from . import FLOATS, Exercise, log_uniform, random_array, random_network

SHAPES = [(1,), (3,), (2, 4), (5, 1, 2), (7,), (4, 3)]


def _velocity_step_cases(coefficient):
    """Cases for a rule step(w, g, v, lr, <coefficient>=0.9): shapes, dtypes, velocities and hyperparameters vary."""

    def cases(rng):
        for i in range(16):
            dtype = FLOATS[i % 2]
            shape = SHAPES[i % len(SHAPES)]
            scale = 10 ** rng.uniform(-2, 2)
            w, g = random_array(rng, shape, dtype, scale), random_array(rng, shape, dtype, scale)
            v = random_array(rng, shape, dtype, scale) if i % 4 else random_array(rng, shape, dtype, 0.0)
            lr = log_uniform(rng, 1e-4, 1.0)
            value = [0.0, 0.5, 0.9, 0.99, 0.999][i % 5] if i % 3 else float(rng.uniform(0.0, 0.999))
            if i % 4 == 0:
                yield (w, g, v, lr), {}                       # the default coefficient 0.9
            elif i % 4 == 1:
                yield (w, g, v, lr, value), {}
            elif i % 4 == 2:
                yield (w, g, v), {"lr": lr, coefficient: value}
            else:
                yield (w, g, v, lr), {coefficient: value}

    return cases


def initialize_velocity_cases(rng):
    for i in range(10):
        yield (random_network(rng, FLOATS[i % 2]),), {}


def update_parameters_with_momentum_cases(rng):
    for i in range(14):
        dtype = FLOATS[i % 2]
        parameters = random_network(rng, dtype)
        grads = {"d" + k: random_array(rng, p.shape, dtype) for k, p in parameters.items()}
        v = {"d" + k: random_array(rng, p.shape, dtype, scale=0.0 if i % 5 == 0 else 1.0)
             for k, p in parameters.items()}
        beta = [0.0, 0.5, 0.9, 0.99][i % 4] if i % 3 else float(rng.uniform(0.0, 0.999))
        lr = log_uniform(rng, 1e-4, 1.0)
        if i % 2:
            yield (parameters, grads, v, beta, lr), {}
        else:
            yield (parameters, grads, v), {"beta": beta, "learning_rate": lr}


EXERCISES = [
    Exercise("momentum_step", _velocity_step_cases("beta"), seed=31),
    Exercise("heavy_ball_step", _velocity_step_cases("rho"), seed=32),
    Exercise("nesterov_step", _velocity_step_cases("rho"), seed=33),
    Exercise("initialize_velocity", initialize_velocity_cases, seed=34, exact_dtype=True),
    Exercise("update_parameters_with_momentum", update_parameters_with_momentum_cases,
             dependencies=("momentum_step",), seed=35),
]
