"""Hidden-test cases of chapter 2."""

import numpy as np

from . import FLOATS, Described, Exercise, log_uniform, random_array, random_network


def random_mini_batches_cases(rng):
    sizes = [(1, 1), (5, 2), (64, 64), (100, 64), (128, 32), (130, 16), (37, 200), (200, 1), (9, 4)]
    for i, (m, batch) in enumerate(sizes * 2):
        dtype = FLOATS[i % 2]
        n = 1 + i % 3
        X, Y = random_array(rng, (n, m), dtype), (rng.random((1, m)) > 0.5).astype(dtype)
        seed = int(rng.integers(0, 10_000))
        yield ((X, Y, batch, seed), {}) if i % 2 else ((X, Y), {"mini_batch_size": batch, "seed": seed})


def update_parameters_with_gd_cases(rng):
    for i in range(12):
        dtype = FLOATS[i % 2]
        parameters = random_network(rng, dtype)
        grads = {"d" + k: random_array(rng, v.shape, dtype) for k, v in parameters.items()}
        lr = log_uniform(rng, 1e-4, 1.0)
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
        X = random_array(rng, (n, m))
        Y = random_array(rng, (1, n)) @ X + 0.1 * random_array(rng, (1, m))
        parameters = {"W1": random_array(rng, (1, n)), "b1": random_array(rng, (1, 1))}
        lr = float(rng.uniform(0.01, 0.3))
        batch = [1, 4, 8, m][i % 4]
        epochs = 1 + i % 3
        seed = int(rng.integers(0, 1000))
        args = (X, Y, parameters, LEAST_SQUARES, lr)
        if i % 2:
            yield args + (batch, epochs, seed), {}
        else:
            yield args, {"mini_batch_size": batch, "num_epochs": epochs, "seed": seed}


EXERCISES = [
    Exercise("random_mini_batches", random_mini_batches_cases, seed=4),
    Exercise("update_parameters_with_gd", update_parameters_with_gd_cases, seed=5),
    Exercise("train_with_mini_batches", train_with_mini_batches_cases,
             dependencies=("random_mini_batches", "update_parameters_with_gd"), seed=6),
]
