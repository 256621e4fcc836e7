"""Tests of chapter 7's reference functions (solutions/regularization.py), against independent expectations."""

import doctest

import numpy as np
import pytest

import solutions
from solutions import cost_and_grads_with_l2, early_stopping, l1_prox_step, ridge_closed_form


def _network(X, Y, parameters):
    """A small ReLU network with sigmoid output and mean cross-entropy: cost and gradients."""
    L = len(parameters) // 2
    A = [X]
    for l in range(1, L + 1):
        Z = parameters[f"W{l}"] @ A[-1] + parameters[f"b{l}"]
        A.append(np.maximum(Z, 0) if l < L else 1 / (1 + np.exp(-Z)))
    m = X.shape[1]
    cost = float(-np.mean(Y * np.log(A[-1]) + (1 - Y) * np.log(1 - A[-1])))
    grads, dZ = {}, (A[-1] - Y) / m
    for l in range(L, 0, -1):
        grads[f"dW{l}"] = dZ @ A[l - 1].T
        grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True)
        if l > 1:
            dZ = (parameters[f"W{l}"].T @ dZ) * (A[l - 1] > 0)
    return cost, grads


def _random_network(rng, dims=(3, 4, 2, 1)):
    return {k: v for l in range(1, len(dims)) for k, v in
            ((f"W{l}", rng.standard_normal((dims[l], dims[l - 1]))), (f"b{l}", rng.standard_normal((dims[l], 1))))}


def test_docstring_examples_run():
    result = doctest.testmod(solutions.regularization)
    assert result.attempted >= 6 and result.failed == 0


def test_all_names_are_exported():
    for name in ("cost_and_grads_with_l2", "ridge_closed_form", "l1_prox_step", "early_stopping"):
        assert name in solutions.__all__


# ------------------------------------------------------------ cost_and_grads_with_l2

def test_l2_gradient_matches_central_finite_differences():
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((3, 7)), (rng.random((1, 7)) > 0.5).astype(float)
    parameters = _random_network(rng)
    lambd, h = 0.9, 1e-6
    _, grads = cost_and_grads_with_l2(X, Y, parameters, _network, lambd)
    for key, value in parameters.items():
        numeric = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            plus = {k: v.copy() for k, v in parameters.items()}
            minus = {k: v.copy() for k, v in parameters.items()}
            plus[key][index] += h
            minus[key][index] -= h
            numeric[index] = (cost_and_grads_with_l2(X, Y, plus, _network, lambd)[0]
                              - cost_and_grads_with_l2(X, Y, minus, _network, lambd)[0]) / (2 * h)
        rel = np.max(np.abs(numeric - grads["d" + key]) / np.maximum(np.abs(numeric) + np.abs(grads["d" + key]), 1e-8))
        assert rel < 1e-6, (key, rel)


def test_l2_hand_example_and_biases_not_penalized():
    def ones(X, Y, p):
        return 0.5, {"d" + k: np.ones_like(v) for k, v in p.items()}
    p = {"W1": np.array([[1.0, -2.0], [0.0, 3.0]]), "b1": np.array([[1.0], [-1.0]]),
         "W2": np.array([[2.0, -1.0]]), "b2": np.array([[0.5]])}
    cost, grads = cost_and_grads_with_l2(np.ones((2, 4)), np.ones((1, 4)), p, ones, 0.8)
    assert cost == pytest.approx(0.5 + 0.8 / 8 * 19, rel=1e-15)
    np.testing.assert_allclose(grads["dW1"], [[1.2, 0.6], [1.0, 1.6]], rtol=1e-15)
    np.testing.assert_allclose(grads["dW2"], [[1.4, 0.8]], rtol=1e-15)
    np.testing.assert_array_equal(grads["db1"], np.ones((2, 1)))
    np.testing.assert_array_equal(grads["db2"], np.ones((1, 1)))


def test_l2_with_zero_lambda_is_the_unregularised_cost():
    rng = np.random.default_rng(1)
    X, Y = rng.standard_normal((3, 5)), np.ones((1, 5))
    p = _random_network(rng)
    cost, grads = cost_and_grads_with_l2(X, Y, p, _network, 0.0)
    cost0, grads0 = _network(X, Y, p)
    assert cost == cost0
    for k in grads0:
        np.testing.assert_array_equal(grads[k], grads0[k])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_l2_keeps_dtype_and_does_not_mutate(dtype):
    rng = np.random.default_rng(2)
    p = {k: v.astype(dtype) for k, v in _random_network(rng).items()}
    before = {k: v.copy() for k, v in p.items()}
    X, Y = rng.standard_normal((3, 4)).astype(dtype), np.ones((1, 4), dtype)
    cost, grads = cost_and_grads_with_l2(X, Y, p, _network, np.float64(0.3))
    assert isinstance(cost, float)
    assert all(grads["d" + k].dtype == dtype for k in p)
    for k in p:
        np.testing.assert_array_equal(p[k], before[k])


# ------------------------------------------------------------------ ridge_closed_form

def test_ridge_hand_example():
    X = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    np.testing.assert_allclose(ridge_closed_form(X, np.array([[1.0, 2.0, 3.0]]), 0.5), [[0.875, 1.375]], rtol=1e-14)


def test_ridge_zeroes_the_gradient_of_its_objective():
    rng = np.random.default_rng(3)
    X, Y, lambd = rng.standard_normal((4, 9)), rng.standard_normal((2, 9)), 0.7
    W = ridge_closed_form(X, Y, lambd)
    assert W.shape == (2, 4)
    np.testing.assert_allclose((W @ X - Y) @ X.T + 2 * lambd * W, 0, atol=1e-12)


def test_ridge_is_row_major_textbook_formula_transposed_and_least_squares_at_zero():
    rng = np.random.default_rng(4)
    A, y = rng.standard_normal((12, 3)), rng.standard_normal(12)      # rows = examples
    w = np.linalg.inv(A.T @ A + 2 * 1.3 * np.eye(3)) @ A.T @ y
    np.testing.assert_allclose(ridge_closed_form(A.T, y.reshape(1, -1), 1.3)[0], w, rtol=1e-12)
    np.testing.assert_allclose(ridge_closed_form(A.T, y.reshape(1, -1), 0)[0],
                               np.linalg.lstsq(A, y, rcond=None)[0], rtol=1e-10)


def test_ridge_more_features_than_examples_and_shrinkage():
    rng = np.random.default_rng(5)
    X, Y = rng.standard_normal((6, 3)), rng.standard_normal((1, 3))
    norms = [np.linalg.norm(ridge_closed_form(X, Y, lam)) for lam in (0.01, 0.1, 1.0, 10.0)]
    assert all(a > b for a, b in zip(norms, norms[1:]))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_ridge_keeps_dtype_and_does_not_mutate(dtype):
    rng = np.random.default_rng(6)
    X, Y = rng.standard_normal((2, 5)).astype(dtype), rng.standard_normal((1, 5)).astype(dtype)
    Xb, Yb = X.copy(), Y.copy()
    assert ridge_closed_form(X, Y, 0.2).dtype == dtype
    np.testing.assert_array_equal(X, Xb)
    np.testing.assert_array_equal(Y, Yb)


# ----------------------------------------------------------------------- l1_prox_step

def test_l1_prox_hand_example():
    w = np.array([1.0, -0.5, 0.25, 0.125, -0.0625])
    g = np.array([0.5, -0.25, 1.0, 0.375, 0.0])
    np.testing.assert_array_equal(l1_prox_step(w, g, 0.5, 0.25), [0.625, -0.25, -0.125, 0.0, 0.0])


def test_l1_prox_is_the_minimiser_of_the_proximal_problem():
    # argmin_t (t - u)^2 / (2 lr) + lambd |t|, found by brute force on a fine grid
    rng = np.random.default_rng(7)
    grid = np.linspace(-4, 4, 800_001)
    for _ in range(20):
        w, g = rng.standard_normal(), rng.standard_normal()
        lr, lambd = rng.uniform(0.1, 1), rng.uniform(0, 2)
        u = w - lr * g
        brute = grid[np.argmin((grid - u) ** 2 / (2 * lr) + lambd * np.abs(grid))]
        assert float(l1_prox_step(np.array(w), np.array(g), lr, lambd)) == pytest.approx(brute, abs=2e-5)


def test_l1_prox_with_zero_lambda_is_a_gradient_step():
    w, g = np.array([0.3, -1.2]), np.array([1.0, 2.0])
    np.testing.assert_allclose(l1_prox_step(w, g, 0.1, 0.0), w - 0.1 * g, rtol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_l1_prox_keeps_dtype_and_does_not_mutate(dtype):
    w, g = np.array([0.3, -1.2], dtype), np.array([1.0, 2.0], dtype)
    wb, gb = w.copy(), g.copy()
    out = l1_prox_step(w, g, np.float64(0.1), 0.5)
    assert out.dtype == dtype and out is not w
    np.testing.assert_array_equal(w, wb)
    np.testing.assert_array_equal(g, gb)


# --------------------------------------------------------------------- early_stopping

@pytest.mark.parametrize("losses, patience, expected", [
    ([5.0, 3.0, 4.0, 2.5, 2.7, 2.6, 2.8, 2.9, 1.0], 3, (3, 6)),
    ([5.0, 3.0, 4.0, 2.5, 2.7, 2.6, 2.8, 2.9, 1.0], 10, (8, 8)),
    ([5.0, 3.0, 4.0, 2.5, 2.7, 2.6, 2.8, 2.9, 1.0], 1, (1, 2)),
    ([2.0, 1.0, 1.0, 1.0, 1.5], 2, (1, 3)),           # ties are not improvements
    ([3.0, 2.0, 1.0], 2, (2, 2)),                     # never runs out of patience
    ([1.0], 1, (0, 0)),
    ([1.0, 2.0, 3.0, 0.5], 3, (3, 3)),                # an improvement on the last day of patience counts
])
def test_early_stopping_hand_cases(losses, patience, expected):
    result = early_stopping(losses, patience)
    assert result == expected and all(type(x) is int for x in result)
    assert early_stopping(np.array(losses), np.int64(patience)) == expected


def test_early_stopping_matches_a_brute_force_definition():
    rng = np.random.default_rng(8)
    for _ in range(200):
        losses = np.round(rng.random(int(rng.integers(1, 30))), 1)
        p = int(rng.integers(1, 6))
        # stop = first e with e - argmin(losses[:e + 1]) == p (first minimum), else the last epoch
        stop = next((e for e in range(len(losses)) if e - int(np.argmin(losses[:e + 1])) >= p), len(losses) - 1)
        assert early_stopping(losses, p) == (int(np.argmin(losses[:stop + 1])), stop)


def test_early_stopping_does_not_mutate():
    losses = [3.0, 2.0, 2.5]
    early_stopping(losses, 1)
    assert losses == [3.0, 2.0, 2.5]


# -------------------------------------------------------------------------- bad input

def _ok_cost(X, Y, p):
    return 0.0, {"d" + k: np.zeros_like(v) for k, v in p.items()}


P = {"W1": np.ones((1, 2)), "b1": np.zeros((1, 1))}
X2, Y2 = np.ones((2, 3)), np.ones((1, 3))

BAD_INPUTS = [
    (lambda: cost_and_grads_with_l2(X2, Y2, P, _ok_cost, -1.0), ValueError, "lambd must be non-negative"),
    (lambda: cost_and_grads_with_l2(X2, Y2, P, "cost", 1.0), TypeError, "cost_and_grads must be callable"),
    (lambda: cost_and_grads_with_l2(X2, Y2, [1.0], _ok_cost, 1.0), TypeError, "parameters must be a dict"),
    (lambda: cost_and_grads_with_l2(X2, np.ones(3), P, _ok_cost, 1.0), ValueError, "Y must be 2-D"),
    (lambda: cost_and_grads_with_l2(X2, np.ones((1, 4)), P, _ok_cost, 1.0), ValueError, "X has 3 columns"),
    (lambda: cost_and_grads_with_l2(X2, Y2, P, lambda X, Y, p: (0.0, {"dW1": np.ones((1, 2))}), 1.0),
     ValueError, "has no 'db1'"),
    (lambda: cost_and_grads_with_l2(X2, Y2, P, _ok_cost, "big"), TypeError, "lambd must be a real number"),
    (lambda: ridge_closed_form(X2, Y2, -0.1), ValueError, "lambd must be non-negative"),
    (lambda: ridge_closed_form(np.ones((2, 3), int), Y2, 0.1), TypeError, "X must be a floating-point array"),
    (lambda: ridge_closed_form(X2, [[1.0, 2.0, 3.0]], 0.1), TypeError, "Y must be a NumPy array"),
    (lambda: ridge_closed_form(X2, np.ones((1, 2)), 0.1), ValueError, "X has 3 columns"),
    (lambda: ridge_closed_form(X2, Y2, float("nan")), ValueError, "lambd must be finite"),
    (lambda: l1_prox_step(np.ones(2), np.ones(3), 0.1, 0.1), ValueError, "g has shape (3,) but w has shape (2,)"),
    (lambda: l1_prox_step([1.0], np.ones(1), 0.1, 0.1), TypeError, "w must be a NumPy array"),
    (lambda: l1_prox_step(np.ones(2), np.ones(2), -0.1, 0.1), ValueError, "lr must be non-negative"),
    (lambda: l1_prox_step(np.ones(2), np.ones(2), 0.1, -0.1), ValueError, "lambd must be non-negative"),
    (lambda: l1_prox_step(np.ones(2, int), np.ones(2), 0.1, 0.1), TypeError, "w must be a floating-point array"),
    (lambda: early_stopping([], 2), ValueError, "at least one loss"),
    (lambda: early_stopping([1.0, float("nan")], 2), ValueError, "validation_losses must be finite"),
    (lambda: early_stopping(np.ones((2, 2)), 2), ValueError, "validation_losses must be 1-D"),
    (lambda: early_stopping(["a", "b"], 2), TypeError, "validation_losses must be a sequence of real numbers"),
    (lambda: early_stopping("abc", 2), TypeError, "validation_losses must be a NumPy array"),
    (lambda: early_stopping([1.0, 2.0], 0), ValueError, "patience must be an integer >= 1"),
    (lambda: early_stopping([1.0, 2.0], 2.0), ValueError, "patience must be an integer >= 1"),
]


@pytest.mark.parametrize("call, error, message", BAD_INPUTS)
def test_bad_input_is_refused_with_a_clear_message(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)
