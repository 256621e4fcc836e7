"""Mistaken variants of this chapter's exercises (see __init__.py).

``run_visible_test`` executes only the setup cell before the test cell, so
``rmsprop_step`` is not defined in that namespace. That does not matter for
the visible test of ``update_parameters_with_rmsprop``: each variant below
calls the correct ``_rmsprop`` helper of this file (or repeats the rule
inline), just as a student's dict function calls the student's own
``rmsprop_step``.
"""

import numpy as np

from solutions import adagrad_step, rmsprop_step, update_parameters_with_rmsprop

CHAPTER = "04_adagrad_rmsprop"
REFERENCES = {
    "adagrad_step": adagrad_step,
    "rmsprop_step": rmsprop_step,
    "update_parameters_with_rmsprop": update_parameters_with_rmsprop,
}


# ------------------------------------------------------------------ adagrad_step

def adagrad_accumulates_g(w, g, G, lr, eps=1e-8):
    G = G + g
    return w - lr * g / (np.sqrt(G) + eps), G


def adagrad_no_accumulation(w, g, G, lr, eps=1e-8):
    G = g ** 2
    return w - lr * g / (np.sqrt(G) + eps), G


def adagrad_no_sqrt(w, g, G, lr, eps=1e-8):
    G = G + g ** 2
    return w - lr * g / (G + eps), G


def adagrad_old_G(w, g, G, lr, eps=1e-8):
    step = lr * g / (np.sqrt(G) + eps)
    return w - step, G + g ** 2


def adagrad_eps_inside(w, g, G, lr, eps=1e-8):
    G = G + g ** 2
    return w - lr * g / np.sqrt(G + eps), G


def adagrad_in_place(w, g, G, lr, eps=1e-8):
    G += g ** 2
    w -= lr * g / (np.sqrt(G) + eps)
    return w, G


# ------------------------------------------------------------------ rmsprop_step

def rmsprop_no_one_minus_beta(w, g, s, lr, beta=0.9, eps=1e-8):
    s = beta * s + g ** 2
    return w - lr * g / (np.sqrt(s) + eps), s


def rmsprop_swapped(w, g, s, lr, beta=0.9, eps=1e-8):
    s = (1 - beta) * s + beta * g ** 2
    return w - lr * g / (np.sqrt(s) + eps), s


def rmsprop_no_sqrt(w, g, s, lr, beta=0.9, eps=1e-8):
    s = beta * s + (1 - beta) * g ** 2
    return w - lr * g / (s + eps), s


def rmsprop_averages_g(w, g, s, lr, beta=0.9, eps=1e-8):
    s = beta * s + (1 - beta) * g
    return w - lr * g / (np.sqrt(s) + eps), s


def rmsprop_no_average(w, g, s, lr, beta=0.9, eps=1e-8):
    s = g * g
    return w - lr * g / (np.sqrt(s) + eps), s


def rmsprop_eps_inside(w, g, s, lr, beta=0.9, eps=1e-8):
    s = beta * s + (1 - beta) * g ** 2
    return w - lr * g / np.sqrt(s + eps), s


def rmsprop_in_place(w, g, s, lr, beta=0.9, eps=1e-8):
    s *= beta
    s += (1 - beta) * g ** 2
    return w - lr * g / (np.sqrt(s) + eps), s


# ------------------------------------------------ update_parameters_with_rmsprop

def _rmsprop(w, g, s, lr, beta, eps):
    """A correct RMSProp step, standing in for the student's rmsprop_step."""
    s = beta * s + (1 - beta) * np.square(g)
    return w - lr * g / (np.sqrt(s) + eps), s


def dict_b_with_dW(parameters, grads, s, learning_rate, beta=0.9, epsilon=1e-8):
    new_parameters, new_s = {}, {}
    for l in range(1, len(parameters) // 2 + 1):
        for name in ("W", "b"):
            key = f"{name}{l}"
            new_parameters[key], new_s["d" + key] = _rmsprop(parameters[key], grads[f"dW{l}"], s["d" + key],
                                                             learning_rate, beta, epsilon)
    return new_parameters, new_s


def dict_first_layer_only(parameters, grads, s, learning_rate, beta=0.9, epsilon=1e-8):
    new_parameters, new_s = dict(parameters), dict(s)
    for key in ("W1", "b1"):
        new_parameters[key], new_s["d" + key] = _rmsprop(parameters[key], grads["d" + key], s["d" + key],
                                                         learning_rate, beta, epsilon)
    return new_parameters, new_s


def dict_returns_old_s(parameters, grads, s, learning_rate, beta=0.9, epsilon=1e-8):
    new_parameters = {}
    for key, value in parameters.items():
        new_parameters[key], _ = _rmsprop(value, grads["d" + key], s["d" + key], learning_rate, beta, epsilon)
    return new_parameters, s


def dict_in_place(parameters, grads, s, learning_rate, beta=0.9, epsilon=1e-8):
    for key in parameters:
        parameters[key], s["d" + key] = _rmsprop(parameters[key], grads["d" + key], s["d" + key],
                                                 learning_rate, beta, epsilon)
    return parameters, s


MISTAKES = [
    ("adagrad_step", adagrad_accumulates_g, "G accumulated g instead of g**2 (G + g)"),
    ("adagrad_step", adagrad_no_accumulation,
     "G was not accumulated: only the current g**2 was used (G_new = g**2), which is sign descent"),
    ("adagrad_step", adagrad_no_sqrt,
     "the square root was forgotten (the step was divided by G_new instead of sqrt(G_new))"),
    ("adagrad_step", adagrad_old_G,
     "the step used the old G (update G first, then divide by the root of the new G)"),
    ("adagrad_step", adagrad_eps_inside,
     "eps was put inside the square root (sqrt(G_new + eps) instead of sqrt(G_new) + eps)"),
    ("rmsprop_step", rmsprop_no_one_minus_beta, "(1 - beta) was forgotten (s_new = beta * s + g**2)"),
    ("rmsprop_step", rmsprop_swapped,
     "beta and (1 - beta) were swapped (s_new = (1 - beta) * s + beta * g**2)"),
    ("rmsprop_step", rmsprop_no_sqrt,
     "the square root was forgotten (the step was divided by s_new instead of sqrt(s_new))"),
    ("rmsprop_step", rmsprop_averages_g, "s averaged g instead of g**2 (s_new = beta * s + (1 - beta) * g)"),
    ("rmsprop_step", rmsprop_no_average,
     "s was not averaged: only the current g**2 was used (s_new = g**2), which is sign descent"),
    ("rmsprop_step", rmsprop_eps_inside,
     "eps was put inside the square root (sqrt(s_new + eps) instead of sqrt(s_new) + eps)"),
    ("update_parameters_with_rmsprop", dict_b_with_dW, "b was updated with dW instead of db"),
    ("update_parameters_with_rmsprop", dict_first_layer_only,
     "only the first layer was updated (loop over l = 1, ..., D, with D = len(parameters) // 2)"),
    ("update_parameters_with_rmsprop", dict_returns_old_s,
     "the old s was returned (return the new averages together with the new parameters)"),
]

ACCEPTED = [
    ("adagrad_step", adagrad_in_place, "w was changed in place"),
    ("rmsprop_step", rmsprop_in_place, "s was changed in place"),
    ("update_parameters_with_rmsprop", dict_in_place, "parameters was changed in place"),
]
