"""Tests of chapter 9's reference functions: closed forms, hand calculations, invariants, bad inputs."""

import doctest

import numpy as np
import pytest

import solutions
from assertions import assert_public_with_signature
from solutions import conjugate_gradient, lbfgs_direction, newton_step

CONTRACT = {
    "newton_step": "w, grad, hess",
    "conjugate_gradient": "A, b, x0=None, tol=1e-10, max_iter=None",
    "lbfgs_direction": "grad, s_history, y_history",
}


def spd(n, kappa=10.0, seed=0):
    Q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))
    return (Q * np.linspace(1.0, kappa, n)) @ Q.T


@pytest.mark.parametrize("name", CONTRACT)
def test_signature_and_export(name):
    assert_public_with_signature(name, CONTRACT[name])


def test_docstring_examples_run():
    result = doctest.testmod(solutions.second_order)
    assert result.attempted >= 6 and result.failed == 0


# ------------------------------------------------------------------ newton_step

def test_newton_hand_calculation():
    # H^{-1} = (1/7) [[2, -1], [-1, 4]]; H^{-1} (5, 3) = (1, 1)
    out = newton_step(np.array([3.0, -1.0]), np.array([5.0, 3.0]), np.array([[4.0, 1.0], [1.0, 2.0]]))
    np.testing.assert_allclose(out, [2.0, -2.0], rtol=1e-15)


@pytest.mark.parametrize("n", [1, 3, 10])
def test_newton_is_exact_on_a_quadratic(n):
    A, b = spd(n, 100.0, seed=n), np.arange(1.0, n + 1)
    w = np.random.default_rng(1).standard_normal(n) * 10
    np.testing.assert_allclose(newton_step(w, A @ w - b, A), np.linalg.solve(A, b), rtol=1e-10)


def test_newton_one_dimensional_is_slope_over_curvature():
    # w - L'/L'' for L = e^w - 2w at w = 0: 0 - (1 - 2)/1 = 1
    assert newton_step(np.array([0.0]), np.array([-1.0]), np.array([[1.0]]))[0] == pytest.approx(1.0)


def test_newton_goes_to_the_saddle():
    # f = x^2 - y^2: gradient (2x, -2y), Hessian diag(2, -2); Newton lands on (0, 0)
    w = np.array([0.7, 0.3])
    np.testing.assert_allclose(newton_step(w, np.array([1.4, -0.6]), np.diag([2.0, -2.0])), [0.0, 0.0], atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_newton_dtype_and_no_mutation(dtype):
    w, g, H = np.array([1.0, 2.0], dtype), np.array([0.5, -1.0], dtype), np.array([[2.0, 0.5], [0.5, 1.0]], dtype)
    copies = [x.copy() for x in (w, g, H)]
    out = newton_step(w, g, H)
    assert out.dtype == dtype
    for x, c in zip((w, g, H), copies):
        np.testing.assert_array_equal(x, c)
    assert not np.shares_memory(out, w)


def test_newton_singular_hessian_raises():
    with pytest.raises(np.linalg.LinAlgError):
        newton_step(np.zeros(2), np.ones(2), np.zeros((2, 2)))


# ---------------------------------------------------------- conjugate_gradient

def test_cg_hand_calculation():
    x, norms = conjugate_gradient(np.array([[4.0, 1.0], [1.0, 3.0]]), np.array([1.0, 2.0]), np.array([2.0, 1.0]))
    np.testing.assert_allclose(x, [1 / 11, 7 / 11], rtol=1e-14)
    np.testing.assert_allclose(norms[:2], [np.sqrt(73), 31 * np.sqrt(73) / 331], rtol=1e-14)
    assert len(norms) == 3 and norms[2] < 1e-14


@pytest.mark.parametrize("n, kappa", [(5, 10.0), (20, 100.0), (50, 1e3)])
def test_cg_solves_spd_systems(n, kappa):
    A, b = spd(n, kappa, seed=n), np.random.default_rng(n).standard_normal(n)
    x, norms = conjugate_gradient(A, b)
    np.testing.assert_allclose(A @ x, b, atol=1e-8 * np.linalg.norm(b))
    assert norms[-1] <= 1e-10 * np.linalg.norm(b) and norms[0] == pytest.approx(np.linalg.norm(b))


def test_cg_at_most_distinct_eigenvalues_iterations():
    # diag with 3 distinct eigenvalues (n = 6): exact after 3 iterations
    A = np.diag([1.0, 1.0, 2.0, 2.0, 5.0, 5.0])
    x, norms = conjugate_gradient(A, np.ones(6))
    assert len(norms) - 1 == 3
    np.testing.assert_allclose(x, 1 / np.diag(A), rtol=1e-12)


def test_cg_directions_are_conjugate_and_residuals_orthogonal():
    # iterates from max_iter = k give the steps; p_k is parallel to x_{k+1} - x_k
    A, b = spd(6, 30.0, seed=3), np.ones(6)
    xs = [conjugate_gradient(A, b, max_iter=k, tol=0.0)[0] for k in range(5)]
    steps = [xs[k + 1] - xs[k] for k in range(4)]
    residuals = [b - A @ x for x in xs]
    for i in range(4):
        for j in range(i):
            assert abs(steps[i] @ A @ steps[j]) < 1e-10 * np.linalg.norm(steps[i]) * np.linalg.norm(A @ steps[j]) + 1e-14
            assert abs(residuals[i] @ residuals[j]) < 1e-10 * np.linalg.norm(residuals[i]) * np.linalg.norm(residuals[j]) + 1e-14


def test_cg_error_obeys_the_bound():
    n, kappa = 100, 1e3
    A, b = spd(n, kappa, seed=7), np.random.default_rng(7).standard_normal(n)
    x_star = np.linalg.solve(A, b)
    rate = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
    e0 = np.sqrt(x_star @ A @ x_star)
    for k in (5, 10, 20):
        e = conjugate_gradient(A, b, max_iter=k, tol=0.0)[0] - x_star
        assert np.sqrt(e @ A @ e) <= 2 * rate ** k * e0 * (1 + 1e-9)


def test_cg_stopping_rules():
    A, b = spd(4, seed=1), np.ones(4)
    x, norms = conjugate_gradient(A, b, max_iter=0)
    np.testing.assert_array_equal(x, np.zeros(4)) and len(norms) == 1
    x_star = np.linalg.solve(A, b)
    x, norms = conjugate_gradient(A, b, x0=x_star)
    assert len(norms) == 1
    _, norms = conjugate_gradient(A, b, tol=1e-2)
    assert norms[-1] <= 1e-2 * 2 and all(r > 1e-2 * 2 for r in norms[:-1])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cg_dtype_and_no_mutation(dtype):
    A, b, x0 = spd(3, seed=2).astype(dtype), np.ones(3, dtype), np.zeros(3, dtype)
    copies = [a.copy() for a in (A, b, x0)]
    x, norms = conjugate_gradient(A, b, x0, tol=1e-4)
    assert x.dtype == dtype and norms.dtype == dtype and norms.ndim == 1
    for a, c in zip((A, b, x0), copies):
        np.testing.assert_array_equal(a, c)
    assert not np.shares_memory(x, x0)


# ------------------------------------------------------------- lbfgs_direction

def bfgs_inverse(pairs, gamma):
    """Dense BFGS (9.11) applied to H0 = gamma I, oldest pair first: an independent check."""
    n = pairs[0][0].shape[0]
    H = gamma * np.eye(n)
    for s, y in pairs:
        rho = 1.0 / (y @ s)
        V = np.eye(n) - rho * np.outer(y, s)
        H = V.T @ H @ V + rho * np.outer(s, s)
    return H


@pytest.mark.parametrize("n, m", [(2, 1), (3, 2), (5, 3), (6, 5)])
def test_lbfgs_matches_dense_bfgs(n, m):
    rng = np.random.default_rng(n * 10 + m)
    H_true = spd(n, 20.0, seed=m)
    s_hist = [rng.standard_normal(n) for _ in range(m)]
    y_hist = [H_true @ s + 0.05 * rng.standard_normal(n) for s in s_hist]
    g = rng.standard_normal(n)
    gamma = (s_hist[-1] @ y_hist[-1]) / (y_hist[-1] @ y_hist[-1])
    expected = -bfgs_inverse(list(zip(s_hist, y_hist)), gamma) @ g
    np.testing.assert_allclose(lbfgs_direction(g, s_hist, y_hist), expected, rtol=1e-10, atol=1e-12)


def test_lbfgs_hand_calculation_and_secant_condition():
    s_hist, y_hist = [np.array([1.0, 0.0]), np.array([0.0, 2.0])], [np.array([1.0, 1.0]), np.array([2.0, 2.0])]
    np.testing.assert_allclose(lbfgs_direction(np.array([1.0, 0.0]), s_hist, y_hist), [-1.5, 1.5], rtol=1e-15)
    # the newest pair satisfies the secant condition H y = s, i.e. direction(y) = -s
    np.testing.assert_allclose(lbfgs_direction(y_hist[-1], s_hist, y_hist), -s_hist[-1], rtol=1e-13)


def test_lbfgs_empty_history_is_steepest_descent():
    np.testing.assert_array_equal(lbfgs_direction(np.array([3.0, -4.0]), [], []), [-3.0, 4.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lbfgs_dtype_and_no_mutation(dtype):
    g = np.array([1.0, -2.0], dtype)
    s_hist, y_hist = [np.array([1.0, 0.5], dtype)], [np.array([2.0, 1.5], dtype)]
    before = (g.copy(), [s_hist[0].copy()], [y_hist[0].copy()])
    d = lbfgs_direction(g, s_hist, y_hist)
    assert d.dtype == dtype and d @ g < 0
    np.testing.assert_array_equal(g, before[0])
    np.testing.assert_array_equal(s_hist[0], before[1][0])
    np.testing.assert_array_equal(y_hist[0], before[2][0])
    assert len(s_hist) == 1


# ------------------------------------------------------------------ bad inputs

z2, I2 = np.zeros(2), np.eye(2)
BAD = [
    (lambda: newton_step([1.0, 2.0], z2, I2), TypeError, "w"),
    (lambda: newton_step(np.zeros((2, 1)), np.zeros((2, 1)), I2), ValueError, "w must be a 1-D"),
    (lambda: newton_step(z2, np.zeros(3), I2), ValueError, "grad has shape"),
    (lambda: newton_step(z2, z2, np.eye(3)), ValueError, "hess has shape"),
    (lambda: newton_step(z2, z2, np.eye(2, dtype=int)), TypeError, "hess"),
    (lambda: conjugate_gradient(I2, [1.0, 2.0]), TypeError, "b"),
    (lambda: conjugate_gradient(np.eye(3), np.ones(2)), ValueError, "A has shape"),
    (lambda: conjugate_gradient(np.array([[1.0, 2.0], [0.0, 1.0]]), np.ones(2)), ValueError, "A must be symmetric"),
    (lambda: conjugate_gradient(-I2, np.ones(2)), ValueError, "A is not positive definite"),
    (lambda: conjugate_gradient(I2, np.ones(2), x0=np.ones(3)), ValueError, "x0 has shape"),
    (lambda: conjugate_gradient(I2, np.ones(2), tol=-1.0), ValueError, "tol must be non-negative"),
    (lambda: conjugate_gradient(I2, np.ones(2), max_iter=2.5), ValueError, "max_iter"),
    (lambda: conjugate_gradient(I2, np.ones(2), max_iter=-1), ValueError, "max_iter"),
    (lambda: lbfgs_direction(np.ones(2), np.ones(2), []), TypeError, "s_history must be a list"),
    (lambda: lbfgs_direction(np.ones(2), [np.ones(2)], []), ValueError, "s_history has 1 vectors"),
    (lambda: lbfgs_direction(np.ones(2), [np.ones(3)], [np.ones(3)]), ValueError, "s_history[0] has shape"),
    (lambda: lbfgs_direction(np.ones(2), [np.ones(2)], [-np.ones(2)]), ValueError, "curvature condition"),
    (lambda: lbfgs_direction(np.ones(2), [np.ones(2)], [np.ones(2, dtype=int)]), TypeError, "y_history[0]"),
]


@pytest.mark.parametrize("call, error, fragment", BAD)
def test_bad_inputs(call, error, fragment):
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)
