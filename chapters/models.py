"""Small models and data sets used by the chapters of Descent.

Everything here follows the layout of the exercises:

* data are column-major: ``X`` has shape ``(n_features, m)`` and ``Y`` has
  shape ``(1, m)``, one column per example;
* parameters are a dict ``{"W1": ..., "b1": ..., "W2": ..., ...}`` and
  gradients a dict with the matching keys ``{"dW1": ..., "db1": ..., ...}``;
* a *cost function* has the signature ``cost_and_grads(X, Y, parameters)``
  and returns ``(cost, grads)``, the cost averaged over the columns of ``X``.

Contents
--------
Linear regression (chapter 2):
    ``make_line_data``, ``linear_cost_and_grads``, ``linear_cost_surface``.
"""

import numpy as np

__all__ = ["make_line_data", "linear_cost_and_grads", "linear_cost_surface"]


# ---------------------------------------------------------------------------
# Linear regression: y = W x + b + noise
# ---------------------------------------------------------------------------

LINE_SLOPE = 1.5
LINE_INTERCEPT = 1.0
LINE_NOISE = 0.5
LINE_X_RANGE = (0.0, 2.5)


def make_line_data(m=128, seed=0):
    """Noisy points around a straight line, for 1-D linear regression.

    The generating process is::

        x_i ~ Uniform(0, 2.5)                      (LINE_X_RANGE)
        y_i = 1.5 * x_i + 1.0 + 0.5 * z_i,  z_i ~ Normal(0, 1)

    (``LINE_SLOPE``, ``LINE_INTERCEPT``, ``LINE_NOISE``). The inputs are not
    centered on zero, so the squared-error cost over (W, b) is an elongated
    valley rather than a round bowl.

    Args:
        m: number of examples.
        seed: seed of the private random generator (the global NumPy state
            is left alone).

    Returns:
        ``(X, Y)``, both of shape ``(1, m)`` and dtype float64.
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(*LINE_X_RANGE, size=(1, m))
    y = LINE_SLOPE * x + LINE_INTERCEPT + LINE_NOISE * rng.standard_normal((1, m))
    return x, y


def linear_cost_and_grads(X, Y, parameters):
    """Mean squared-error cost of the linear model ``W1 @ X + b1`` and its gradients.

    The cost over the ``m`` columns of ``X`` is

        J(W, b) = 1/(2m) * sum_i (W x_i + b - y_i)^2,

    and with the residuals ``r_i = W x_i + b - y_i`` its gradients are

        dJ/dW = (1/m) * sum_i r_i x_i^T,    dJ/db = (1/m) * sum_i r_i.

    Args:
        X: inputs, shape ``(n_features, m)``.
        Y: targets, shape ``(1, m)``.
        parameters: ``{"W1": (1, n_features), "b1": (1, 1)}``.

    Returns:
        ``(cost, grads)``: ``cost`` a Python float, ``grads`` the dict
        ``{"dW1", "db1"}`` with the shapes of ``W1`` and ``b1``.
    """
    m = X.shape[1]
    residual = parameters["W1"] @ X + parameters["b1"] - Y  # shape (1, m)
    cost = float(np.sum(residual**2) / (2 * m))
    grads = {
        "dW1": residual @ X.T / m,
        "db1": np.sum(residual, axis=1, keepdims=True) / m,
    }
    return cost, grads


def linear_cost_surface(w, X, Y):
    """The cost of ``linear_cost_and_grads`` at many points (W, b) at once.

    For contour plots and for evaluating whole trajectories:
    ``w[0]`` holds values of the slope W and ``w[1]`` values of the
    intercept b, both of any (matching) shape, e.g. two ``meshgrid`` arrays
    stacked, or a path of shape ``(2, n)``. The data must have one feature.

    Args:
        w: array of shape ``(2, ...)``.
        X: inputs, shape ``(1, m)``.
        Y: targets, shape ``(1, m)``.

    Returns:
        the cost ``1/(2m) * sum_i (W x_i + b - y_i)^2`` at every point,
        an array of shape ``w.shape[1:]``.
    """
    w = np.asarray(w, dtype=np.float64)
    if w.shape[0] != 2 or X.shape[0] != 1:
        raise ValueError(f"w must have shape (2, ...) and X one row; got w {w.shape}, X {X.shape}")
    x, y = X[0], Y[0]
    residual = w[0][..., None] * x + w[1][..., None] - y  # shape w.shape[1:] + (m,)
    return 0.5 * np.mean(residual**2, axis=-1)
