"""Mistaken variants of this chapter's exercises (see __init__.py).

``run_visible_test`` executes only the setup cell before the test cell, so
the names ``random_mini_batches`` and ``update_parameters_with_gd`` are not
defined in that namespace. That does not matter for the visible test of
``train_with_mini_batches``: each implementation calls the helpers of its
own module (the reference calls ``solutions``' helpers, the variants below
call the correct helpers of this file), just as a student's loop calls the
functions of the student's earlier cells. The test cell itself only calls
``train_with_mini_batches``, with a made-up ``cost_and_grads`` it defines.
"""


import numpy as np

from solutions import random_mini_batches, train_with_mini_batches, update_parameters_with_gd

CHAPTER = "02_minibatch"
REFERENCES = {
    "update_parameters_with_gd": update_parameters_with_gd,
    "random_mini_batches": random_mini_batches,
    "train_with_mini_batches": train_with_mini_batches,
}


# ------------------------------------------------- update_parameters_with_gd

def _update(parameters, step):
    """A new dict {key: step(key, value)} over the parameters."""
    return {key: step(key, value) for key, value in parameters.items()}


def gd_sign_error(parameters, grads, learning_rate):
    return _update(parameters, lambda k, p: p + learning_rate * grads["d" + k])


def gd_first_layer_only(parameters, grads, learning_rate):
    L = len(parameters) // 2
    updated = dict(parameters)
    for l in range(1, L):                      # off by one: stops before layer L
        updated[f"W{l}"] = parameters[f"W{l}"] - learning_rate * grads[f"dW{l}"]
        updated[f"b{l}"] = parameters[f"b{l}"] - learning_rate * grads[f"db{l}"]
    return updated


def gd_b_with_dW(parameters, grads, learning_rate):
    L = len(parameters) // 2
    updated = {}
    for l in range(1, L + 1):
        updated[f"W{l}"] = parameters[f"W{l}"] - learning_rate * grads[f"dW{l}"]
        updated[f"b{l}"] = parameters[f"b{l}"] - learning_rate * grads[f"dW{l}"]
    return updated


def gd_no_learning_rate(parameters, grads, learning_rate):
    return _update(parameters, lambda k, p: p - grads["d" + k])


def gd_in_place(parameters, grads, learning_rate):
    for key in parameters:
        parameters[key] -= learning_rate * grads["d" + key]
    return parameters


# ------------------------------------------------------- random_mini_batches

def _cut(X, Y, size):
    return [(X[:, k:k + size], Y[:, k:k + size]) for k in range(0, X.shape[1], size)]


def batches_y_unshuffled(X, Y, mini_batch_size=64, seed=0):
    np.random.seed(seed)
    permutation = np.random.permutation(X.shape[1])
    return _cut(X[:, permutation], Y, mini_batch_size)


def batches_two_permutations(X, Y, mini_batch_size=64, seed=0):
    np.random.seed(seed)
    m = X.shape[1]
    return _cut(X[:, np.random.permutation(m)], Y[:, np.random.permutation(m)], mini_batch_size)


def batches_no_shuffle(X, Y, mini_batch_size=64, seed=0):
    np.random.seed(seed)
    return _cut(X, Y, mini_batch_size)


def batches_drop_remainder(X, Y, mini_batch_size=64, seed=0):
    np.random.seed(seed)
    m = X.shape[1]
    permutation = np.random.permutation(m)
    X, Y = X[:, permutation], Y[:, permutation]
    return [(X[:, k * mini_batch_size:(k + 1) * mini_batch_size], Y[:, k * mini_batch_size:(k + 1) * mini_batch_size])
            for k in range(m // mini_batch_size)]


def batches_empty_last(X, Y, mini_batch_size=64, seed=0):
    np.random.seed(seed)
    m = X.shape[1]
    permutation = np.random.permutation(m)
    X, Y = X[:, permutation], Y[:, permutation]
    return [(X[:, k * mini_batch_size:(k + 1) * mini_batch_size], Y[:, k * mini_batch_size:(k + 1) * mini_batch_size])
            for k in range(m // mini_batch_size + 1)]     # one batch too many when B divides m


# --------------------------------------------------- train_with_mini_batches

def train_same_seed(X, Y, parameters, cost_and_grads, learning_rate, mini_batch_size=64, num_epochs=1, seed=0):
    path = [dict(parameters)]
    for _ in range(num_epochs):
        for Xb, Yb in random_mini_batches(X, Y, mini_batch_size, seed):
            _, grads = cost_and_grads(Xb, Yb, parameters)
            parameters = update_parameters_with_gd(parameters, grads, learning_rate)
            path.append(parameters)
    return parameters, path


def train_seed_plus_one(X, Y, parameters, cost_and_grads, learning_rate, mini_batch_size=64, num_epochs=1, seed=0):
    path = [dict(parameters)]
    for _ in range(num_epochs):
        seed = seed + 1                         # the seed assignment's habit: incremented before use
        for Xb, Yb in random_mini_batches(X, Y, mini_batch_size, seed):
            _, grads = cost_and_grads(Xb, Yb, parameters)
            parameters = update_parameters_with_gd(parameters, grads, learning_rate)
            path.append(parameters)
    return parameters, path


def train_missing_start(X, Y, parameters, cost_and_grads, learning_rate, mini_batch_size=64, num_epochs=1, seed=0):
    path = []
    for epoch in range(num_epochs):
        for Xb, Yb in random_mini_batches(X, Y, mini_batch_size, seed + epoch):
            _, grads = cost_and_grads(Xb, Yb, parameters)
            parameters = update_parameters_with_gd(parameters, grads, learning_rate)
            path.append(parameters)
    return parameters, path


def train_same_object(X, Y, parameters, cost_and_grads, learning_rate, mini_batch_size=64, num_epochs=1, seed=0):
    path = [parameters]
    for epoch in range(num_epochs):
        for Xb, Yb in random_mini_batches(X, Y, mini_batch_size, seed + epoch):
            _, grads = cost_and_grads(Xb, Yb, parameters)
            parameters.update(update_parameters_with_gd(parameters, grads, learning_rate))
            path.append(parameters)
    return parameters, path


MISTAKES = [
    ("update_parameters_with_gd", gd_sign_error, "the gradient was added instead of subtracted (sign error)"),
    ("update_parameters_with_gd", gd_first_layer_only,
     "only the first layer was updated (loop over l = 1, ..., D, with D = len(parameters) // 2)"),
    ("update_parameters_with_gd", gd_b_with_dW, "b was updated with dW instead of db"),
    ("update_parameters_with_gd", gd_no_learning_rate,
     "the learning rate was left out (W - dW instead of W - learning_rate * dW)"),
    ("random_mini_batches", batches_y_unshuffled, "Y was not shuffled with X (each label must stay with its example)"),
    ("random_mini_batches", batches_two_permutations,
     "Y was shuffled with a second, different permutation (use one permutation for both)"),
    ("random_mini_batches", batches_no_shuffle, "the examples were not shuffled at all (forgot the permutation)"),
    ("random_mini_batches", batches_drop_remainder,
     "the remainder batch was dropped (the last batch holds the m % B leftover examples)"),
    ("random_mini_batches", batches_empty_last, "an empty final batch was added when mini_batch_size divides m"),
    ("train_with_mini_batches", train_same_seed,
     "the same seed was used in every epoch (epoch e must use seed + e, so the data are reshuffled)"),
    ("train_with_mini_batches", train_seed_plus_one,
     "every epoch e used seed + e + 1 instead of seed + e (the epochs are counted from e = 0)"),
    ("train_with_mini_batches", train_missing_start,
     "path is missing the initial parameters (path[0] must be a copy of them)"),
    ("train_with_mini_batches", train_same_object,
     "path holds the same dict object repeatedly (append the new dict after each update, "
     "and do not change the parameters in place)"),
]

ACCEPTED = [
    ("update_parameters_with_gd", gd_in_place, "parameters was changed in place"),
]
