"""The models of chapters/models.py: gradients, the vectorized cost surface, the minimizer."""


import numpy as np
import pytest


from models import linear_cost_and_grads, linear_cost_surface, make_line_data


def central_differences(f, parameters, h=1e-6):
    """Gradient of f(parameters) by central differences, entry by entry, as a dict {"d" + key}."""
    grads = {}
    for key, value in parameters.items():
        grad = np.zeros_like(value)
        for i in np.ndindex(value.shape):
            shifted = {k: v.copy() for k, v in parameters.items()}
            shifted[key][i] = value[i] + h
            up = f(shifted)
            shifted[key][i] = value[i] - h
            down = f(shifted)
            grad[i] = (up - down) / (2 * h)
        grads["d" + key] = grad
    return grads


def test_make_line_data_shapes_and_reproducibility():
    X, Y = make_line_data(m=37, seed=5)
    assert X.shape == (1, 37) and Y.shape == (1, 37)
    assert X.dtype == np.float64 and Y.dtype == np.float64
    X2, Y2 = make_line_data(m=37, seed=5)
    assert np.array_equal(X, X2) and np.array_equal(Y, Y2)
    assert not np.array_equal(X, make_line_data(m=37, seed=6)[0])
    assert 0.0 <= X.min() and X.max() <= 2.5


def test_make_line_data_leaves_the_global_random_state_alone():
    np.random.seed(123)
    expected = np.random.rand()
    np.random.seed(123)
    make_line_data(m=10, seed=0)
    assert np.random.rand() == expected


@pytest.mark.parametrize("n_features, m", [(1, 1), (1, 20), (3, 7)])
def test_gradients_match_central_differences(n_features, m):
    rng = np.random.default_rng(n_features * 100 + m)
    X, Y = rng.normal(size=(n_features, m)), rng.normal(size=(1, m))
    parameters = {"W1": rng.normal(size=(1, n_features)), "b1": rng.normal(size=(1, 1))}
    cost, grads = linear_cost_and_grads(X, Y, parameters)
    assert isinstance(cost, float)
    assert set(grads) == {"dW1", "db1"}
    numerical = central_differences(lambda p: linear_cost_and_grads(X, Y, p)[0], parameters)
    for key in grads:
        assert grads[key].shape == numerical[key].shape
        np.testing.assert_allclose(grads[key], numerical[key], rtol=1e-6, atol=1e-8)


def test_cost_by_hand():
    # Residuals 1*0 + 1 - 0 = 1 and 1*2 + 1 - 1 = 2: cost (1 + 4) / (2 * 2), dW = (1*0 + 2*2) / 2, db = 3 / 2.
    X, Y = np.array([[0.0, 2.0]]), np.array([[0.0, 1.0]])
    cost, grads = linear_cost_and_grads(X, Y, {"W1": np.array([[1.0]]), "b1": np.array([[1.0]])})
    assert cost == pytest.approx(1.25)
    np.testing.assert_allclose(grads["dW1"], [[2.0]])
    np.testing.assert_allclose(grads["db1"], [[1.5]])


def test_surface_agrees_with_the_cost():
    X, Y = make_line_data(m=50, seed=1)
    rng = np.random.default_rng(0)
    points = rng.uniform(-3, 3, size=(2, 4, 5))
    surface = linear_cost_surface(points, X, Y)
    assert surface.shape == (4, 5)
    for i in np.ndindex(4, 5):
        W, b = points[(0,) + i], points[(1,) + i]
        cost, _ = linear_cost_and_grads(X, Y, {"W1": np.array([[W]]), "b1": np.array([[b]])})
        assert surface[i] == pytest.approx(cost, rel=1e-12)
    assert np.shape(linear_cost_surface(np.array([1.0, 2.0]), X, Y)) == ()


def test_surface_rejects_bad_shapes():
    X, Y = make_line_data(m=5)
    with pytest.raises(ValueError):
        linear_cost_surface(np.zeros((3, 4)), X, Y)
    with pytest.raises(ValueError):
        linear_cost_surface(np.zeros((2, 4)), np.zeros((2, 5)), Y)


def test_least_squares_minimiser_has_zero_gradient():
    X, Y = make_line_data(m=100, seed=0)
    A = np.vstack([X, np.ones_like(X)])
    w_star = np.linalg.solve(A @ A.T, A @ Y.T)[:, 0]
    cost, grads = linear_cost_and_grads(X, Y, {"W1": np.array([[w_star[0]]]), "b1": np.array([[w_star[1]]])})
    np.testing.assert_allclose(grads["dW1"], 0.0, atol=1e-12)
    np.testing.assert_allclose(grads["db1"], 0.0, atol=1e-12)
    # ... and it is the minimum: nudging it in any direction raises the cost.
    for direction in [(1, 0), (0, 1), (1, -1), (-1, -1)]:
        assert linear_cost_surface(w_star + 1e-3 * np.array(direction), X, Y) > cost
