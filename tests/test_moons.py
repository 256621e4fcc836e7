"""The moons network given to chapters 5 and 6: data, gradients, training loop."""

import numpy as np
import pytest

from moons import (LAYER_DIMS, accuracy, initialize_network, make_moons, network_cost_and_grads,
                            predict, train_network)


def test_moons_data_has_the_right_shape_and_two_balanced_classes():
    X, Y = make_moons(300)
    assert X.shape == (2, 300) and Y.shape == (1, 300)
    assert set(np.unique(Y)) == {0.0, 1.0} and Y.sum() == 150
    clean, labels = make_moons(300, noise=0.0)
    upper = clean[:, labels[0] == 0]
    np.testing.assert_allclose(upper[0] ** 2 + upper[1] ** 2, 1.0)  # the upper moon is the unit half circle


def test_he_initialization_scales_weights_by_fan_in():
    params = initialize_network((400, 300, 1), seed=0)
    assert abs(params["W1"].std() - np.sqrt(2 / 400)) < 0.01 * np.sqrt(2 / 400) * 10
    assert not params["b1"].any() and params["W2"].shape == (1, 300)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_backpropagation_matches_finite_differences(seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((2, 7))
    Y = (rng.random((1, 7)) > 0.5).astype(float)
    params = initialize_network(LAYER_DIMS, seed=seed)
    params = {k: v + 0.1 * rng.standard_normal(v.shape) for k, v in params.items()}  # nonzero biases
    _, grads = network_cost_and_grads(X, Y, params)
    h = 1e-6
    for key, value in params.items():
        numeric = np.zeros_like(value)
        for i in np.ndindex(value.shape):
            up, down = dict(params), dict(params)
            up[key], down[key] = value.copy(), value.copy()
            up[key][i] += h
            down[key][i] -= h
            numeric[i] = (network_cost_and_grads(X, Y, up)[0] - network_cost_and_grads(X, Y, down)[0]) / (2 * h)
        scale = np.maximum(np.abs(numeric) + np.abs(grads["d" + key]), 1e-8)
        assert np.max(np.abs(numeric - grads["d" + key]) / scale) < 1e-6, key


def test_cost_is_the_mean_cross_entropy():
    params = {"W1": np.zeros((1, 2)), "b1": np.zeros((1, 1))}  # output 1/2 everywhere
    cost, _ = network_cost_and_grads(np.ones((2, 4)), np.array([[0.0, 1.0, 1.0, 0.0]]), params)
    assert np.isclose(cost, np.log(2))
    assert predict(np.ones((2, 3)), {"W1": np.ones((1, 2)), "b1": np.zeros((1, 1))}).tolist() == [[1, 1, 1]]


def test_train_network_counts_updates_from_one_and_applies_the_schedule():
    X, Y = make_moons(100)
    seen = []

    def update(parameters, grads, state, t, learning_rate):
        seen.append((t, learning_rate))
        return {k: v - learning_rate * grads["d" + k] for k, v in parameters.items()}, state

    _, history = train_network(X, Y, update, learning_rate=0.5, schedule=lambda lr, epoch: lr / (1 + epoch),
                               mini_batch_size=32, num_epochs=3, record_every=1)
    assert [t for t, _ in seen] == list(range(1, 13))  # ceil(100 / 32) = 4 updates per epoch
    assert [lr for _, lr in seen[::4]] == [0.5, 0.25, 0.5 / 3]
    assert history["epoch"] == [0, 1, 2] and history["learning_rate"] == [0.5, 0.25, 0.5 / 3]


def test_plain_gradient_descent_learns_the_moons():
    X, Y = make_moons()
    gd = lambda p, g, s, t, lr: ({k: v - lr * g["d" + k] for k, v in p.items()}, s)
    params, history = train_network(X, Y, gd, learning_rate=0.3, num_epochs=600)
    assert history["cost"][-1] < history["cost"][0]
    assert accuracy(X, Y, params) > 0.85
