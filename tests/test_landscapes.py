"""Tests of chapters/landscapes.py: gradients, minima, vectorization, plots."""


import numpy as np
import pytest


import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import landscapes as L

FUNCTIONS_2D = {
    "ravine": (L.ravine, L.ravine_grad),
    "ravine a=2 b=50": (lambda w: L.ravine(w, a=2.0, b=50.0), lambda w: L.ravine_grad(w, a=2.0, b=50.0)),
    "saddle": (L.saddle, L.saddle_grad),
    "monkey_saddle": (L.monkey_saddle, L.monkey_saddle_grad),
    "escape_saddle": (L.escape_saddle, L.escape_saddle_grad),
    "rosenbrock": (L.rosenbrock, L.rosenbrock_grad),
    "rosenbrock a=2 b=5": (lambda w: L.rosenbrock(w, a=2.0, b=5.0), lambda w: L.rosenbrock_grad(w, a=2.0, b=5.0)),
}


def central_differences(f, w, h=1e-6):
    """Gradient of a scalar function of a (2,) point by central differences, written out here."""
    grad = np.zeros(2)
    for i in range(2):
        e = np.zeros(2)
        e[i] = h
        grad[i] = (float(f(w + e)) - float(f(w - e))) / (2 * h)
    return grad


@pytest.mark.parametrize("name", FUNCTIONS_2D)
def test_gradient_matches_finite_differences(name):
    f, grad = FUNCTIONS_2D[name]
    rng = np.random.default_rng(0)
    for _ in range(20):
        w = rng.uniform(-2, 2, size=2)
        numeric = central_differences(f, w)
        analytic = grad(w)
        assert analytic.shape == (2,)
        np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", FUNCTIONS_2D)
def test_vectorised_shapes_and_values(name):
    f, grad = FUNCTIONS_2D[name]
    rng = np.random.default_rng(1)
    grid = rng.uniform(-2, 2, size=(2, 3, 4))
    values, grads = f(grid), grad(grid)
    assert values.shape == (3, 4)
    assert grads.shape == (2, 3, 4)
    for i in range(3):
        for j in range(4):
            point = grid[:, i, j]
            assert values[i, j] == pytest.approx(float(f(point)), rel=1e-14, abs=1e-14)
            np.testing.assert_allclose(grads[:, i, j], grad(point), rtol=1e-14, atol=1e-14)
    # a single point gives a scalar value and a (2,) gradient
    assert np.shape(f(np.array([0.3, -0.7]))) == ()
    assert grad(np.array([0.3, -0.7])).shape == (2,)


@pytest.mark.parametrize("name", FUNCTIONS_2D)
def test_inputs_are_not_modified(name):
    f, grad = FUNCTIONS_2D[name]
    w = np.array([0.4, -1.1])
    before = w.copy()
    f(w)
    grad(w)
    np.testing.assert_array_equal(w, before)


def test_rejects_points_without_two_coordinates():
    with pytest.raises(ValueError):
        L.ravine(np.zeros(3))


@pytest.mark.parametrize("landscape", L.LANDSCAPES, ids=lambda l: l.f.__name__)
def test_landscape_minimum_is_stationary_and_lowest(landscape):
    if landscape.minimum is None:
        # unbounded below: check that it is, along some ray from the origin
        far = landscape.f(np.array([0.0, 100.0])), landscape.f(np.array([-100.0, 0.0]))
        assert min(far) < -1e3
        return
    w_star = np.array(landscape.minimum)
    np.testing.assert_allclose(landscape.grad(w_star), 0.0, atol=1e-12)
    rng = np.random.default_rng(2)
    points = np.stack([rng.uniform(*landscape.xlim, size=2000), rng.uniform(*landscape.ylim, size=2000)])
    assert np.all(landscape.f(points) >= landscape.f(w_star) - 1e-12)
    assert landscape.xlim[0] < w_star[0] < landscape.xlim[1]
    assert landscape.ylim[0] < w_star[1] < landscape.ylim[1]
    assert landscape.xlim[0] < landscape.start[0] < landscape.xlim[1]
    assert landscape.ylim[0] < landscape.start[1] < landscape.ylim[1]


def test_closed_form_minima():
    assert L.ravine(np.zeros(2)) == 0.0
    assert L.rosenbrock(np.array([1.0, 1.0])) == 0.0
    assert L.rosenbrock(np.array([2.0, 4.0]), a=2.0) == 0.0
    np.testing.assert_allclose(L.rosenbrock_grad(np.array([2.0, 4.0]), a=2.0, b=7.0), 0.0, atol=1e-12)
    for w in ([0.0, 1.0], [0.0, -1.0]):
        assert L.escape_saddle(np.array(w)) == -0.25
        np.testing.assert_allclose(L.escape_saddle_grad(np.array(w)), 0.0, atol=1e-15)
    # saddle points: zero gradient, value 0
    for f, grad in [(L.saddle, L.saddle_grad), (L.monkey_saddle, L.monkey_saddle_grad),
                    (L.escape_saddle, L.escape_saddle_grad)]:
        assert f(np.zeros(2)) == 0.0
        np.testing.assert_array_equal(grad(np.zeros(2)), 0.0)


def test_ravine_curvatures():
    """The Hessian of the ravine is diag(a, b): check it from gradient differences."""
    a, b, h = 1.5, 40.0, 1e-3
    g0 = L.ravine_grad(np.zeros(2), a=a, b=b)
    hx = (L.ravine_grad(np.array([h, 0.0]), a=a, b=b) - g0) / h
    hy = (L.ravine_grad(np.array([0.0, h]), a=a, b=b) - g0) / h
    np.testing.assert_allclose(np.column_stack([hx, hy]), np.diag([a, b]), atol=1e-9)


@pytest.mark.parametrize("tilt", [0.05, 0.3, 1.0, 1.5])
def test_double_well(tilt):
    x = np.random.default_rng(3).uniform(-2, 2, size=(4, 5))
    assert L.double_well(x, tilt).shape == (4, 5)
    assert L.double_well_grad(x, tilt).shape == (4, 5)
    h = 1e-6
    numeric = (L.double_well(x + h, tilt) - L.double_well(x - h, tilt)) / (2 * h)
    np.testing.assert_allclose(L.double_well_grad(x, tilt), numeric, rtol=1e-6, atol=1e-6)

    global_min, local_min, maximum = L.double_well_minima(tilt)
    assert global_min < maximum < local_min
    roots = np.sort(np.roots([4.0, 0.0, -4.0, tilt]).real)  # 4x^3 - 4x + tilt = 0
    np.testing.assert_allclose([global_min, maximum, local_min], roots, atol=1e-10)
    np.testing.assert_allclose(L.double_well_grad(np.array([global_min, local_min, maximum]), tilt), 0.0,
                               atol=1e-12)
    assert L.double_well(global_min, tilt) < L.double_well(local_min, tilt)
    # second derivative 12x^2 - 4: positive at the minima, negative at the maximum
    assert 12 * global_min ** 2 - 4 > 0 and 12 * local_min ** 2 - 4 > 0 and 12 * maximum ** 2 - 4 < 0
    # the global minimum is the lowest point on a fine grid
    grid = np.linspace(-3, 3, 200001)
    assert L.double_well(global_min, tilt) <= L.double_well(grid, tilt).min() + 1e-12


@pytest.mark.parametrize("tilt", [0.0, -0.1, 2.0])
def test_double_well_minima_rejects_single_well_tilts(tilt):
    with pytest.raises(ValueError):
        L.double_well_minima(tilt)


def test_landscape_is_frozen():
    with pytest.raises(Exception):
        L.RAVINE.name = "changed"


def test_plots_run_and_return_axes():
    fig, (ax1, ax2) = plt.subplots(1, 2)
    assert L.plot_contours(L.ravine, (-5, 5), (-2, 2), ax=ax1) is ax1
    assert L.plot_contours(L.rosenbrock, (-2, 2), (-1, 3), ax=ax2, levels=20, log_scale=True) is ax2
    path = np.array([[-4.0, 1.0], [-3.0, -0.5], [np.inf, np.nan], [1e6, 1e6]])
    limits = ax1.get_xlim(), ax1.get_ylim()
    line = L.plot_path(ax1, path, label="GD", color="C3")
    assert line.get_label() == "GD"
    assert (ax1.get_xlim(), ax1.get_ylim()) == limits  # a diverging path does not rescale the map
    with pytest.raises(ValueError):
        L.plot_path(ax1, np.zeros((3, 3)))
    ax3 = L.plot_surface(L.monkey_saddle, (-1, 1), (-1, 1), resolution=10)
    assert ax3.name == "3d"
    plt.close("all")
