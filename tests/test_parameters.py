"""Tests of the dictionary-level functions (reference API, section 2)."""

import copy
import doctest
import math

import numpy as np
import pytest

import solutions
from assertions import assert_public_with_signature
from solutions import (adam_step, gd_step, initialize_adam, initialize_velocity, momentum_step,
                       random_mini_batches, update_parameters_with_adam,
                       update_parameters_with_gd, update_parameters_with_momentum)

CONTRACT = {
    "update_parameters_with_gd": "parameters, grads, learning_rate",
    "random_mini_batches": "X, Y, mini_batch_size=64, seed=0",
    "initialize_velocity": "parameters",
    "update_parameters_with_momentum": "parameters, grads, v, beta, learning_rate",
    "update_parameters_with_rmsprop": "parameters, grads, s, learning_rate, beta=0.9, epsilon=1e-8",
    "initialize_adam": "parameters",
    "update_parameters_with_adam": "parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, "
                                   "beta2=0.999, epsilon=1e-8",
}


@pytest.mark.parametrize("name", CONTRACT)
def test_signature_matches_reference_api(name):
    assert_public_with_signature(name, CONTRACT[name])


def test_docstring_examples_run():
    result = doctest.testmod(solutions.parameters, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 6 and result.failed == 0


# ---------------------------------------------------------------------------
# A small 2-layer network's parameters, gradients and optimizer states
# ---------------------------------------------------------------------------

SHAPES = {"W1": (3, 2), "b1": (3, 1), "W2": (1, 3), "b2": (1, 1)}


def network(seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)

    def draw(positive=False):
        return {k: (rng.uniform(0.1, 1.0, s) if positive else rng.normal(size=s)).astype(dtype)
                for k, s in SHAPES.items()}

    parameters = draw()
    grads = {"d" + k: x for k, x in draw().items()}
    grads["dA1"] = rng.normal(size=(3, 5))          # a cache key that must be ignored
    v = {"d" + k: x for k, x in draw().items()}
    s = {"d" + k: x for k, x in draw(positive=True).items()}
    return parameters, grads, v, s


def close(actual, expected, rtol=1e-12, atol=1e-14):
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


# ---------------------------------------------------------------------------
# Hand-computed cases
# ---------------------------------------------------------------------------

def test_update_parameters_with_gd_by_hand():
    # W1 = [[1, 2]] - 0.1*[[10, -10]] = [[0, 3]];  b1 = [[0.5]] - 0.1*[[5]] = [[0]]
    p = update_parameters_with_gd({"W1": np.array([[1.0, 2.0]]), "b1": np.array([[0.5]])},
                                  {"dW1": np.array([[10.0, -10.0]]), "db1": np.array([[5.0]])},
                                  0.1)
    close(p["W1"], [[0.0, 3.0]]), close(p["b1"], [[0.0]])


def test_update_parameters_with_momentum_by_hand():
    # v = 0.9*[[1, 0]] + 0.1*[[2, -4]] = [[1.1, -0.4]];  W = [[1, -1]] - 0.1*v = [[0.89, -0.96]]
    p, v = update_parameters_with_momentum({"W1": np.array([[1.0, -1.0]])},
                                           {"dW1": np.array([[2.0, -4.0]])},
                                           {"dW1": np.array([[1.0, 0.0]])}, 0.9, 0.1)
    close(v["dW1"], [[1.1, -0.4]]), close(p["W1"], [[0.89, -0.96]])


def test_update_parameters_with_adam_by_hand():
    # t = 2, beta1 = beta2 = 0.5 (corrections divide by 0.75):
    # v = 0.5*[1, -0.5] + 0.5*[2, -1] = [1.5, -0.75], v_corrected = [2, -1]
    # s = 0.5*[2, 5] + 0.5*[4, 1] = [3, 3],          s_corrected = [4, 4]
    # W = [1, -1] - 0.1*[2, -1]/(2 + 1e-8) = [0.9, -0.95]
    p, v, s, vc, sc = update_parameters_with_adam(
        {"W1": np.array([1.0, -1.0])}, {"dW1": np.array([2.0, -1.0])},
        {"dW1": np.array([1.0, -0.5])}, {"dW1": np.array([2.0, 5.0])}, 2,
        learning_rate=0.1, beta1=0.5, beta2=0.5)
    close(v["dW1"], [1.5, -0.75]), close(s["dW1"], [3.0, 3.0])
    close(vc["dW1"], [2.0, -1.0]), close(sc["dW1"], [4.0, 4.0])
    close(p["W1"], [0.9, -0.95], rtol=1e-7)


# ---------------------------------------------------------------------------
# Agreement with the array-level rules, key by key
# ---------------------------------------------------------------------------

def test_gd_agrees_with_gd_step_per_key():
    parameters, grads, _, _ = network(1)
    out = update_parameters_with_gd(parameters, grads, 0.05)
    assert list(out) == list(parameters)
    for k in parameters:
        close(out[k], gd_step(parameters[k], grads["d" + k], 0.05))


@pytest.mark.parametrize("beta", [0.0, 0.9])
def test_momentum_agrees_with_momentum_step_per_key(beta):
    parameters, grads, v, _ = network(2)
    out, v_out = update_parameters_with_momentum(parameters, grads, v, beta, 0.05)
    assert list(out) == list(parameters) and set(v_out) == {"dW1", "db1", "dW2", "db2"}
    for k in parameters:
        w, vk = momentum_step(parameters[k], grads["d" + k], v["d" + k], 0.05, beta=beta)
        close(out[k], w), close(v_out["d" + k], vk)


@pytest.mark.parametrize("t", [1, 2, 10])
def test_adam_agrees_with_adam_step_per_key(t):
    parameters, grads, v, s = network(3)
    hp = dict(beta1=0.8, beta2=0.99)
    out, v_out, s_out, vc, sc = update_parameters_with_adam(parameters, grads, v, s, t,
                                                            0.02, epsilon=1e-7, **hp)
    for k in parameters:
        dk = "d" + k
        w, m, vv = adam_step(parameters[k], grads[dk], v[dk], s[dk], t, lr=0.02, eps=1e-7, **hp)
        close(out[k], w), close(v_out[dk], m), close(s_out[dk], vv)
        close(vc[dk], m / (1 - 0.8 ** t)), close(sc[dk], vv / (1 - 0.99 ** t))


def test_adam_corrected_moments_equal_a_constant_gradient():
    parameters, grads, _, _ = network(4)
    v, s = initialize_adam(parameters)
    for t in range(1, 21):
        parameters, v, s, vc, sc = update_parameters_with_adam(parameters, grads, v, s, t)
        for k in parameters:
            close(vc["d" + k], grads["d" + k]), close(sc["d" + k], grads["d" + k] ** 2)


@pytest.mark.parametrize("init", [initialize_velocity, lambda p: initialize_adam(p)[0],
                                  lambda p: initialize_adam(p)[1]])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_initializers_give_zeros_under_gradient_keys(init, dtype):
    parameters, _, _, _ = network(5, dtype)
    state = init(parameters)
    assert list(state) == ["dW1", "db1", "dW2", "db2"]
    for k, p in parameters.items():
        assert state["d" + k].shape == p.shape and state["d" + k].dtype == dtype
        assert not state["d" + k].any()


def test_initialize_adam_gives_independent_dicts():
    v, s = initialize_adam(network(6)[0])
    assert v is not s and not np.shares_memory(v["dW1"], s["dW1"])


# ---------------------------------------------------------------------------
# Mini-batches
# ---------------------------------------------------------------------------

def labeled_data(m, n_features=3, dtype=np.float64):
    """X[:, j] = (j, j + 1000, ...) and Y[0, j] = 2 j + 1: every column knows its index."""
    X = (np.arange(m) + 1000.0 * np.arange(n_features)[:, None]).astype(dtype)
    Y = (2 * np.arange(m) + 1).reshape(1, m)
    return X, Y


@pytest.mark.parametrize("m, size", [(148, 64), (128, 64), (5, 1), (7, 3), (10, 10), (6, 100)])
def test_mini_batches_partition_the_shuffled_columns(m, size):
    X, Y = labeled_data(m)
    batches = random_mini_batches(X, Y, size, seed=3)
    assert len(batches) == math.ceil(m / size)
    sizes = [bx.shape[1] for bx, _ in batches]
    full, rest = divmod(m, size)
    assert sizes == [size] * full + ([rest] if rest else [])       # no empty batch
    columns = np.concatenate([bx[0] for bx, _ in batches]).astype(int)
    assert sorted(columns) == list(range(m))                           # every column once
    for bx, by in batches:
        assert bx.shape[0] == 3 and by.shape[0] == 1
        np.testing.assert_array_equal(bx[1], bx[0] + 1000)            # whole columns moved
        np.testing.assert_array_equal(by[0], 2 * bx[0] + 1)           # (x, y) pairs kept


def test_mini_batch_shapes_of_the_seed_assignment():
    # the published shapes: m = 148, batches of 64 -> (12288, 64), (12288, 64), (12288, 20)
    X, Y = np.zeros((12288, 148)), np.zeros((1, 148))
    shapes = [(bx.shape, by.shape) for bx, by in random_mini_batches(X, Y, 64)]
    assert shapes == [((12288, 64), (1, 64))] * 2 + [((12288, 20), (1, 20))]


@pytest.mark.parametrize("seed", [0, 1, 42])
def test_mini_batches_use_one_shared_permutation_from_np_random_seed(seed):
    m, size = 37, 8
    X, Y = labeled_data(m)
    np.random.seed(seed)
    permutation = np.random.permutation(m)
    batches = random_mini_batches(X, Y, size, seed)
    for k, (bx, by) in enumerate(batches):
        columns = permutation[k * size:(k + 1) * size]
        np.testing.assert_array_equal(bx, X[:, columns])
        np.testing.assert_array_equal(by, Y[:, columns])


def test_mini_batches_are_deterministic_and_depend_on_the_seed():
    X, Y = labeled_data(50)
    first = random_mini_batches(X, Y, 16, seed=7)
    np.random.rand(10)                                  # disturb the global state
    again = random_mini_batches(X, Y, 16, seed=7)
    other = random_mini_batches(X, Y, 16, seed=8)
    for (a, b), (c, d) in zip(first, again):
        np.testing.assert_array_equal(a, c), np.testing.assert_array_equal(b, d)
    assert not np.array_equal(first[0][0], other[0][0])


def test_mini_batches_accept_multi_row_labels_and_keep_dtypes():
    X, _ = labeled_data(9, dtype=np.float32)
    Y = np.vstack([np.arange(9), -np.arange(9)])       # (2, m), integer labels
    for bx, by in random_mini_batches(X, Y, 4, seed=1):
        assert bx.dtype == np.float32 and by.dtype == Y.dtype and by.shape[0] == 2
        np.testing.assert_array_equal(by[0], bx[0].astype(int))
        np.testing.assert_array_equal(by[1], -by[0])


def test_mini_batches_do_not_share_memory_with_the_inputs():
    X, Y = labeled_data(10)
    for bx, by in random_mini_batches(X, Y, 3):
        assert not np.shares_memory(bx, X) and not np.shares_memory(by, Y)


# ---------------------------------------------------------------------------
# Purity and dtypes, every function
# ---------------------------------------------------------------------------

CALLS = {
    "update_parameters_with_gd": lambda P, G, V, S, X, Y: update_parameters_with_gd(P, G, 0.1),
    "random_mini_batches": lambda P, G, V, S, X, Y: random_mini_batches(X, Y, 4, 1),
    "initialize_velocity": lambda P, G, V, S, X, Y: initialize_velocity(P),
    "update_parameters_with_momentum":
        lambda P, G, V, S, X, Y: update_parameters_with_momentum(P, G, V, 0.9, 0.1),
    "update_parameters_with_rmsprop":
        lambda P, G, V, S, X, Y: update_parameters_with_rmsprop(P, G, S, 0.01, np.float64(0.9)),
    "initialize_adam": lambda P, G, V, S, X, Y: initialize_adam(P),
    "update_parameters_with_adam":
        lambda P, G, V, S, X, Y: update_parameters_with_adam(P, G, V, S, 3, np.float64(0.01)),
}


def arrays_in(obj):
    if isinstance(obj, np.ndarray):
        return [obj]
    if isinstance(obj, dict):
        obj = list(obj.values())
    if isinstance(obj, (list, tuple)):
        return [x for item in obj for x in arrays_in(item)]
    return []


def test_every_dict_function_is_covered():
    assert set(CALLS) == set(CONTRACT)


@pytest.mark.parametrize("name", CALLS)
def test_inputs_are_not_modified(name):
    inputs = (*network(7), *labeled_data(10))
    before = copy.deepcopy(inputs)
    out = CALLS[name](*inputs)
    for x, y in zip(arrays_in(inputs), arrays_in(before)):
        np.testing.assert_array_equal(x, y)
    for k in ("W1", "b2"):
        assert k in inputs[0]
    assert set(inputs[1]) == set(before[1]) and set(inputs[2]) == set(before[2])
    for x in arrays_in(out):
        assert not any(np.shares_memory(x, y) for y in arrays_in(inputs))


@pytest.mark.parametrize("name", CALLS)
def test_float32_is_kept(name):
    P, G, V, S = network(8, np.float32)
    X, Y = labeled_data(10, dtype=np.float32)
    out = arrays_in(CALLS[name](P, G, V, S, X, Y.astype(np.float32)))
    assert out and all(x.dtype == np.float32 for x in out)


@pytest.mark.parametrize("name", ["update_parameters_with_gd", "update_parameters_with_momentum",
                                  "update_parameters_with_rmsprop", "update_parameters_with_adam"])
def test_float64_gradients_and_states_on_float32_parameters_give_float32(name):
    P, _, _, _ = network(9, np.float32)
    _, G, V, S = network(9, np.float64)
    out = arrays_in(CALLS[name](P, G, V, S, None, None))
    assert out and all(x.dtype == np.float32 for x in out)


# ---------------------------------------------------------------------------
# update_parameters_with_rmsprop (chapter 4)
# ---------------------------------------------------------------------------

from solutions import rmsprop_step, update_parameters_with_rmsprop  # noqa: E402


def test_update_parameters_with_rmsprop_by_hand():
    # beta = 0.75: s = 0.75*[[4, 12]] + 0.25*[[2, -8]]**2 = [[4, 25]];  W = [[1, -1]] - 0.1*[[2/2, -8/5]]
    # b: s = 0.75*0 + 0.25*6**2 = 9;  b = 0 - 0.1*6/3
    p, s = update_parameters_with_rmsprop(
        {"W1": np.array([[1.0, -1.0]]), "b1": np.array([[0.0]])},
        {"dW1": np.array([[2.0, -8.0]]), "db1": np.array([[6.0]])},
        {"dW1": np.array([[4.0, 12.0]]), "db1": np.array([[0.0]])}, 0.1, beta=0.75)
    close(s["dW1"], [[4.0, 25.0]]), close(s["db1"], [[9.0]])
    close(p["W1"], [[0.9, -0.84]], rtol=1e-7), close(p["b1"], [[-0.2]], rtol=1e-7)


@pytest.mark.parametrize("beta, epsilon", [(0.9, 1e-8), (0.5, 1e-3), (0.0, 1e-8)])
def test_rmsprop_agrees_with_rmsprop_step_per_key(beta, epsilon):
    parameters, grads, _, s = network(11)
    out, s_out = update_parameters_with_rmsprop(parameters, grads, s, 0.03, beta=beta, epsilon=epsilon)
    assert list(out) == list(parameters) and list(s_out) == ["dW1", "db1", "dW2", "db2"]
    for k in parameters:
        w, sk = rmsprop_step(parameters[k], grads["d" + k], s["d" + k], 0.03, beta=beta, eps=epsilon)
        close(out[k], w), close(s_out["d" + k], sk)


def test_rmsprop_s_is_the_unrolled_average_of_squared_gradients():
    # From zero: s_n = (1 - beta) * sum_i beta**(n - i) * g_i**2, whatever the parameters do.
    rng = np.random.default_rng(12)
    parameters, _, _, _ = network(12)
    s = {"d" + k: np.zeros_like(p) for k, p in parameters.items()}
    history = []
    for _ in range(7):
        grads = {"d" + k: rng.normal(size=p.shape) for k, p in parameters.items()}
        history.append(grads)
        parameters, s = update_parameters_with_rmsprop(parameters, grads, s, 0.01, beta=0.8)
    n = len(history)
    for k in s:
        unrolled = 0.2 * sum(0.8 ** (n - i) * g[k] ** 2 for i, g in enumerate(history, start=1))
        close(s[k], unrolled)


def test_rmsprop_default_hyperparameters_are_hintons():
    # beta = 0.9 by default: s = 0.9*15 + 0.1*5**2 = 16, W = 1 - 0.1*5/4
    p, s = update_parameters_with_rmsprop({"W1": np.array([[1.0]])}, {"dW1": np.array([[5.0]])},
                                          {"dW1": np.array([[15.0]])}, 0.1)
    close(s["dW1"], [[16.0]]), close(p["W1"], [[0.875]], rtol=1e-7)
    # epsilon = 1e-8 outside the root: s = 0.9*1e-16 + 0.1*1e-16, step = 0.1*1e-8/(1e-8 + 1e-8)
    p, _ = update_parameters_with_rmsprop({"W1": np.array([1.0])}, {"dW1": np.array([1e-8])},
                                          {"dW1": np.array([1e-16])}, 0.1)
    close(p["W1"], [0.95], rtol=1e-7)


@pytest.mark.parametrize("bad, error, message", [
    (dict(learning_rate=-0.1), ValueError, "learning_rate must be non-negative"),
    (dict(beta=1.0), ValueError, "beta must be in"),
    (dict(epsilon=0.0), ValueError, "epsilon must be positive"),
    (dict(beta="0.9"), TypeError, "beta must be a real number"),
    (dict(s={"dW1": np.zeros((3, 2))}), ValueError, "s has no 'db1'"),
    (dict(s=[0.0]), TypeError, "s must be a dict"),
    (dict(grads={"dW1": np.zeros((2, 3)), "db1": np.zeros((3, 1))}), ValueError,
     r"grads\['dW1'\] has shape \(2, 3\)"),
    (dict(parameters={"W1": np.zeros((3, 2), dtype=int), "b1": np.zeros((3, 1))}), TypeError,
     r"parameters\['W1'\] must be a floating-point array"),
])
def test_rmsprop_validation_names_the_argument(bad, error, message):
    parameters = {"W1": np.zeros((3, 2)), "b1": np.zeros((3, 1))}
    state = {"dW1": np.zeros((3, 2)), "db1": np.zeros((3, 1))}
    arguments = dict(parameters=parameters, grads=dict(state), s=dict(state), learning_rate=0.1)
    arguments.update(bad)
    with pytest.raises(error, match=message):
        update_parameters_with_rmsprop(**arguments)
