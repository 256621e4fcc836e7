"""Tests of the chapter 1-2 additions: trajectories, finite differences, mini-batch training."""

import copy
import doctest
import math

import numpy as np
import pytest

import solutions
from assertions import assert_public_with_signature
from solutions import numerical_gradient, run_gradient_descent, train_with_mini_batches

CONTRACT = {
    "run_gradient_descent": "grad, w0, lr, num_steps",
    "numerical_gradient": "f, w, h=1e-5",
    "train_with_mini_batches": "X, Y, parameters, cost_and_grads, learning_rate, "
                               "mini_batch_size=64, num_epochs=1, seed=0",
}


@pytest.mark.parametrize("name", CONTRACT)
def test_signature(name):
    assert_public_with_signature(name, CONTRACT[name])


def test_docstring_examples_run():
    result = doctest.testmod(solutions.gradient_descent)
    assert result.attempted >= 3 and result.failed == 0


# ---------------------------------------------------------------------------
# run_gradient_descent against the closed form on f = L/2 w^2
# ---------------------------------------------------------------------------

L = 4.0


@pytest.mark.parametrize("lr_times_L", [0.1, 0.5, 1.0, 1.5, 1.9, 2.0, 2.1, 3.0])
def test_trajectory_on_a_1d_quadratic_is_geometric(lr_times_L):
    # grad = L w, so w_{k+1} = (1 - lr L) w_k and w_k = (1 - lr L)^k w0
    lr, w0, n = lr_times_L / L, np.array(1.5), 25
    path = run_gradient_descent(lambda w: L * w, w0, lr, n)
    assert path.shape == (n + 1,) and path.dtype == np.float64
    expected = (1 - lr_times_L) ** np.arange(n + 1) * 1.5
    np.testing.assert_allclose(path, expected, rtol=1e-12, atol=1e-300)


def test_learning_rate_regimes():
    grad = lambda w: L * w  # noqa: E731
    final = {c: abs(run_gradient_descent(grad, 1.0, c / L, 40)[-1]) for c in (0.5, 1.9, 2.0, 2.1)}
    assert final[0.5] < 1e-10                      # converges (monotonically)
    assert final[1.9] < 1e-1                       # converges, oscillating: factor -0.9
    assert final[2.0] == pytest.approx(1.0)        # lr = 2/L: bounces between +1 and -1
    assert final[2.1] > 1.0                        # lr > 2/L diverges: |1 - lr L| > 1
    path = run_gradient_descent(grad, 1.0, 3.0 / L, 10)
    assert np.all(np.abs(path[1:]) > np.abs(path[:-1]))        # every step grows


def test_trajectory_of_matrix_shaped_parameters():
    # separable quadratic sum L_ij/2 w_ij^2: each entry follows (1 - lr L_ij)^k w0_ij
    curv = np.array([[1.0, 2.0, 3.0], [0.5, 4.0, 0.1]])
    w0 = np.array([[1.0, -1.0, 2.0], [3.0, 0.5, -2.0]])
    path = run_gradient_descent(lambda w: curv * w, w0, 0.2, 12)
    assert path.shape == (13, 2, 3)
    k = np.arange(13)[:, None, None]
    np.testing.assert_allclose(path, (1 - 0.2 * curv) ** k * w0, rtol=1e-12)


def test_trajectory_rows_are_gd_steps_and_zero_steps_give_w0():
    w0 = np.array([1.0, -2.0])
    seen = []

    def grad(w):
        seen.append(w.copy())
        return np.array([2 * w[0], 10 * w[1] ** 3])

    path = run_gradient_descent(grad, w0, 0.01, 5)
    np.testing.assert_array_equal(path[0], w0)
    for k in range(5):
        np.testing.assert_array_equal(seen[k], path[k])          # gradient at the current iterate
        np.testing.assert_allclose(path[k + 1], path[k] - 0.01 * grad(path[k]), rtol=1e-15)
    np.testing.assert_array_equal(run_gradient_descent(grad, w0, 0.1, 0), [w0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_trajectory_keeps_dtype_and_does_not_modify_w0(dtype):
    w0 = np.array([1.0, 2.0], dtype=dtype)
    path = run_gradient_descent(lambda w: 2.0 * w.astype(np.float64), w0, 0.1, 3)
    assert path.dtype == dtype
    np.testing.assert_array_equal(w0, np.array([1.0, 2.0], dtype=dtype))
    assert not np.shares_memory(path, w0)


# ---------------------------------------------------------------------------
# numerical_gradient against analytic gradients
# ---------------------------------------------------------------------------

def test_central_difference_error_of_a_cubic_is_exactly_h_squared():
    # ((w + h)^3 - (w - h)^3) / (2h) = (6 w^2 h + 2 h^3) / (2h) = 3 w^2 + h^2
    w = np.array([0.5, -1.0, 2.0, 0.0])
    for h in (1e-2, 1e-3):
        approx = numerical_gradient(lambda x: np.sum(x ** 3), w, h)
        np.testing.assert_allclose(approx - 3 * w ** 2, h ** 2, rtol=1e-5, atol=1e-11)


A = np.array([[3.0, 1.0, 0.0], [1.0, 2.0, -0.5], [0.0, -0.5, 1.0]])
b = np.array([1.0, 0.0, -2.0])
x_vec, y_vec = np.array([1.0, -2.0, 0.5]), np.array([0.3, -0.1])
FUNCTIONS = {
    # f(w), analytic gradient, bound on |f'''| per coordinate (error <= h^2/6 * bound)
    "quadratic": (lambda w: 0.5 * w @ A @ w - b @ w, lambda w: A @ w - b, 0.0),
    "sin": (lambda w: np.sum(np.sin(w)), np.cos, 1.0),
    "exp": (lambda w: np.sum(np.exp(w)), np.exp, math.exp(2.1)),
    "least_squares_matrix": (lambda W: np.sum((W @ x_vec - y_vec) ** 2),
                             lambda W: 2 * np.outer(W @ x_vec - y_vec, x_vec), 0.0),
    "log_cosh": (lambda w: np.sum(np.log(np.cosh(w))), np.tanh, 1.0),
}


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("h", [1e-3, 1e-5])
def test_numerical_gradient_matches_analytic_gradients(name, h):
    f, grad, third = FUNCTIONS[name]
    rng = np.random.default_rng(0)
    w = rng.uniform(-2, 2, size=(2, 3) if name == "least_squares_matrix" else 3)
    approx = numerical_gradient(f, w, h)
    assert approx.shape == w.shape and approx.dtype == np.float64
    # truncation h^2/6 |f'''| plus rounding ~ 1e-16 |f| / h
    bound = h ** 2 / 6 * third + 1e-15 * (1 + abs(f(w))) / h
    np.testing.assert_allclose(approx, grad(w), rtol=0, atol=bound)


def test_numerical_gradient_error_shrinks_like_h_squared():
    w = np.array([0.3, 1.1])
    f = lambda x: np.sum(np.exp(x))  # noqa: E731
    errors = [np.max(np.abs(numerical_gradient(f, w, h) - np.exp(w))) for h in (1e-2, 5e-3)]
    assert errors[0] / errors[1] == pytest.approx(4.0, rel=1e-2)


@pytest.mark.parametrize("w", [np.array([1.0, 2.0], dtype=np.float32), np.array([1, 2]),
                               np.array([[1.5]]), 2.0])
def test_numerical_gradient_works_in_float64_without_modifying_w(w):
    before = copy.deepcopy(w)
    seen = []

    def f(x):
        seen.append((x.dtype, x.shape))
        return np.sum(x ** 2)

    g = numerical_gradient(f, w)
    assert g.dtype == np.float64 and g.shape == np.shape(w)
    np.testing.assert_allclose(g, 2 * np.asarray(w, dtype=float), rtol=1e-8)
    np.testing.assert_array_equal(w, before)
    assert all(s == (np.float64, np.shape(w)) for s in seen)
    assert len(seen) == 2 * np.size(w)


def test_numerical_gradient_accepts_size_one_array_values():
    g = numerical_gradient(lambda w: np.array([[np.sum(w ** 2)]]), np.array([1.0, -1.0]))
    np.testing.assert_allclose(g, [2.0, -2.0], rtol=1e-8)


# ---------------------------------------------------------------------------
# train_with_mini_batches
# ---------------------------------------------------------------------------

def linear_data(m, seed=0):
    """Noise-free linear data y = W* x + b*, column-major."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(2, m))
    Y = np.array([[1.5, -0.5]]) @ X + 0.25
    return X, Y


def mse_cost_and_grads(X, Y, parameters):
    """J = 1/(2m) sum (W x + b - y)^2, grads dW = r X'/m, db = mean(r)."""
    r = parameters["W"] @ X + parameters["b"] - Y
    m = X.shape[1]
    return float(np.sum(r ** 2) / (2 * m)), {"dW": r @ X.T / m, "db": np.sum(r, axis=1,
                                                                              keepdims=True) / m}


def zero_parameters(dtype=np.float64):
    return {"W": np.zeros((1, 2), dtype), "b": np.zeros((1, 1), dtype)}


class Recorder:
    """Wraps cost_and_grads and records every batch and the parameters it received."""

    def __init__(self):
        self.calls = []

    def __call__(self, X, Y, parameters):
        self.calls.append((X.copy(), Y.copy(), copy.deepcopy(parameters)))
        return mse_cost_and_grads(X, Y, parameters)


@pytest.mark.parametrize("m, size, epochs", [(100, 64, 1), (100, 64, 3), (128, 64, 2),
                                             (10, 1, 2), (10, 10, 5), (7, 100, 2), (9, 4, 0)])
def test_path_length(m, size, epochs):
    X, Y = linear_data(m)
    params, path = train_with_mini_batches(X, Y, zero_parameters(), mse_cost_and_grads, 0.1,
                                           mini_batch_size=size, num_epochs=epochs)
    assert len(path) == 1 + epochs * math.ceil(m / size)
    for k in params:
        np.testing.assert_array_equal(params[k], path[-1][k])


def test_batch_gd_equals_full_batch_gradient_steps():
    # mini_batch_size = m: each epoch is one step with the gradient over all examples
    # (a shuffle does not change a sum); computed here without the package
    X, Y = linear_data(40)
    lr, W, bias = 0.3, np.zeros((1, 2)), np.zeros((1, 1))
    expected = [(W, bias)]
    for _ in range(15):
        r = W @ X + bias - Y
        W, bias = W - lr * r @ X.T / 40, bias - lr * r.mean()
        expected.append((W, bias))
    _, path = train_with_mini_batches(X, Y, zero_parameters(), mse_cost_and_grads, lr,
                                      mini_batch_size=40, num_epochs=15)
    assert len(path) == 16
    for p, (W, bias) in zip(path, expected):
        np.testing.assert_allclose(p["W"], W, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(p["b"], bias, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("seed", [0, 5])
def test_each_epoch_reshuffles_with_seed_plus_epoch(seed):
    m, size, epochs = 23, 5, 3
    X, Y = linear_data(m)
    rec = Recorder()
    train_with_mini_batches(X, Y, zero_parameters(), rec, 0.01, size, epochs, seed)
    per_epoch = math.ceil(m / size)
    assert len(rec.calls) == epochs * per_epoch
    orders = []
    for e in range(epochs):
        np.random.seed(seed + e)
        permutation = np.random.permutation(m)
        orders.append(permutation)
        for k in range(per_epoch):
            Xb, Yb, _ = rec.calls[e * per_epoch + k]
            cols = permutation[k * size:(k + 1) * size]
            np.testing.assert_array_equal(Xb, X[:, cols])
            np.testing.assert_array_equal(Yb, Y[:, cols])
    assert not np.array_equal(orders[0], orders[1])          # a new shuffle every epoch


def test_each_update_uses_the_current_parameters():
    X, Y = linear_data(12)
    rec = Recorder()
    _, path = train_with_mini_batches(X, Y, zero_parameters(), rec, 0.1, 4, 2)
    assert len(rec.calls) == len(path) - 1
    for k, (Xb, Yb, params) in enumerate(rec.calls):
        for key in params:
            np.testing.assert_array_equal(params[key], path[k][key])
        _, grads = mse_cost_and_grads(Xb, Yb, path[k])
        for key in params:                       # path[k+1] = path[k] - lr * grads
            np.testing.assert_allclose(path[k + 1][key], path[k][key] - 0.1 * grads["d" + key],
                                       rtol=1e-15)


def test_sgd_uses_one_example_per_update():
    X, Y = linear_data(6)
    rec = Recorder()
    _, path = train_with_mini_batches(X, Y, zero_parameters(), rec, 0.1, mini_batch_size=1,
                                      num_epochs=2)
    assert len(path) == 13 and all(c[0].shape == (2, 1) for c in rec.calls)


@pytest.mark.parametrize("size, lr, epochs", [(1, 0.05, 30), (8, 0.2, 60), (64, 0.5, 300)])
def test_stochastic_minibatch_and_batch_gd_reach_the_exact_fit(size, lr, epochs):
    # noise-free data: every batch gradient vanishes at (W*, b*), so all three converge to it
    X, Y = linear_data(64)
    params, _ = train_with_mini_batches(X, Y, zero_parameters(), mse_cost_and_grads, lr,
                                        mini_batch_size=size, num_epochs=epochs)
    np.testing.assert_allclose(params["W"], [[1.5, -0.5]], atol=1e-6)
    np.testing.assert_allclose(params["b"], [[0.25]], atol=1e-6)


def test_training_does_not_modify_inputs_and_path_starts_with_a_copy():
    X, Y = linear_data(10)
    initial = {"W": np.array([[0.5, 0.5]]), "b": np.array([[1.0]])}
    before = copy.deepcopy((X, Y, initial))
    _, path = train_with_mini_batches(X, Y, initial, mse_cost_and_grads, 0.1, 4, 2)
    for x, y in zip((X, Y, initial["W"], initial["b"]), (before[0], before[1],
                                                        before[2]["W"], before[2]["b"])):
        np.testing.assert_array_equal(x, y)
    assert path[0] is not initial and not np.shares_memory(path[0]["W"], initial["W"])
    np.testing.assert_array_equal(path[0]["W"], initial["W"])
    ids = [id(p["W"]) for p in path]
    assert len(set(ids)) == len(ids)              # every entry holds its own arrays


def test_training_keeps_float32():
    X, Y = linear_data(10)
    params, path = train_with_mini_batches(X.astype(np.float32), Y.astype(np.float32),
                                           zero_parameters(np.float32), mse_cost_and_grads,
                                           np.float64(0.1), 4, 2)
    assert all(p[k].dtype == np.float32 for p in path for k in p)
