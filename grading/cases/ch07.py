"""Hidden-test cases of chapter 7: L2 cost and gradients, ridge, the L1 proximal step, early stopping."""

import numpy as np

from . import FLOATS, Described, Exercise, log_uniform, random_array, random_network


def _relu_network_squared_error(X, Y, parameters):
    """A ReLU network with a linear output and the cost (1/2m)·‖A_L − Y‖²: cost and gradients."""
    L = len(parameters) // 2
    activations = [X]
    for l in range(1, L + 1):
        Z = parameters[f"W{l}"] @ activations[-1] + parameters[f"b{l}"]
        activations.append(np.maximum(Z, 0) if l < L else Z)
    m = X.shape[1]
    residual = activations[-1] - Y
    cost = float(np.sum(residual.astype(np.float64) ** 2) / (2 * m))
    grads, dZ = {}, residual / m
    for l in range(L, 0, -1):
        grads[f"dW{l}"] = dZ @ activations[l - 1].T
        grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True)
        if l > 1:
            dZ = (parameters[f"W{l}"].T @ dZ) * (activations[l - 1] > 0)
    return cost, grads


RELU_NETWORK = Described(_relu_network_squared_error, "<ReLU network, squared-error cost_and_grads>")


def cost_and_grads_with_l2_cases(rng):
    for i in range(14):
        dtype = FLOATS[i % 2]
        parameters = random_network(rng, dtype)
        L = len(parameters) // 2
        m = int(rng.integers(1, 40))
        X = random_array(rng, (parameters["W1"].shape[1], m), dtype)
        Y = random_array(rng, (parameters[f"W{L}"].shape[0], m), dtype)
        lambd = 0.0 if i == 3 else log_uniform(rng, 1e-3, 10.0)
        args = (X, Y, parameters, RELU_NETWORK)
        yield (args + (lambd,), {}) if i % 2 else (args, {"lambd": lambd})


def ridge_closed_form_cases(rng):
    shapes = [(1, 5, 1), (2, 3, 1), (3, 20, 1), (5, 40, 2), (4, 4, 1), (6, 3, 1), (2, 50, 3), (8, 30, 1)]
    for i, (n, m, k) in enumerate(shapes * 2):
        dtype = FLOATS[i % 2]
        X = random_array(rng, (n, m), dtype)
        Y = (random_array(rng, (k, n)) @ X.astype(np.float64) + 0.3 * random_array(rng, (k, m))).astype(dtype)
        low = 0.05 if m < n else 1e-3               # fewer examples than features: keep X X^T + 2λI well posed
        lambd = log_uniform(rng, low, 20.0)
        yield ((X, Y, lambd), {}) if i % 2 else ((X, Y), {"lambd": lambd})


def l1_prox_step_cases(rng):
    shapes = [(), (1,), (5,), (3, 4), (2, 3, 2), (20,), (4, 1), (7, 7)]
    for i, shape in enumerate(shapes * 2):
        dtype = FLOATS[i % 2]
        w = random_array(rng, shape, dtype)
        g = random_array(rng, shape, dtype)
        lr = log_uniform(rng, 1e-3, 1.0)
        lambd = 0.0 if i == 5 else log_uniform(rng, 1e-2, 3.0)
        yield ((w, g, lr, lambd), {}) if i % 2 else ((w, g), {"lr": lr, "lambd": lambd})


def early_stopping_cases(rng):
    for i in range(18):
        n = int(rng.integers(1, 60))
        epochs = np.arange(n)
        turn = rng.uniform(0.2, 1.2) * n                   # a U-shaped validation curve with noise
        curve = 1.0 / (1 + epochs) + 0.01 * np.maximum(epochs - turn, 0) + 0.02 * rng.standard_normal(n)
        if i % 4 == 1:
            curve = np.round(curve, 1)                     # many ties: only a strictly lower loss improves
        if i % 6 == 5:
            curve = np.linspace(3.0, 1.0, n)               # always improving: stop at the last epoch
        patience = int(rng.integers(1, 12))
        losses = [float(x) for x in curve] if i % 3 == 0 else curve
        yield ((losses, patience), {}) if i % 2 else ((losses,), {"patience": patience})


EXERCISES = [
    Exercise("cost_and_grads_with_l2", cost_and_grads_with_l2_cases, seed=71),
    Exercise("ridge_closed_form", ridge_closed_form_cases, seed=72),
    Exercise("l1_prox_step", l1_prox_step_cases, seed=73),
    Exercise("early_stopping", early_stopping_cases, seed=74),
]
