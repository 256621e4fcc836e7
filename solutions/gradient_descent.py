r"""Gradient-descent loops and a finite-difference gradient (chapters 1 and 2).

These build on the update rules: :func:`run_gradient_descent` iterates
:func:`solutions.gd_step`, :func:`train_with_mini_batches` iterates
:func:`solutions.update_parameters_with_gd` over the batches of
:func:`solutions.random_mini_batches`.
"""

import numpy as np

from ._validation import (check_callable, check_data, check_float_array, check_int,
                          check_nonnegative, check_parameters, check_positive,
                          check_real_array, SEED_MAX)
from .parameters import random_mini_batches, update_parameters_with_gd
from .update_rules import gd_step

__all__ = ["run_gradient_descent", "numerical_gradient", "train_with_mini_batches"]


def run_gradient_descent(grad, w0, lr, num_steps):
    r"""Run gradient descent and return the whole trajectory.

    .. math:: w_{k+1} = w_k - \eta\, \nabla \mathcal{L}(w_k), \qquad k = 0, \dots, n-1

    Each step is :func:`solutions.gd_step`. On a 1-D quadratic
    :math:`\mathcal{L}(w) = \tfrac{\lambda_1}{2} w^2` the iterates are
    :math:`w_k = (1-\eta\lambda_1)^k w_0`: they converge for
    :math:`0 < \eta < 2/\lambda_1` and diverge for :math:`\eta > 2/\lambda_1`.

    Parameters
    ----------
    grad : callable
        ``grad(w)`` returns the gradient at ``w``, an array of ``w``'s shape.
    w0 : ndarray of float (or float)
        Starting point.
    lr : float
        Learning rate :math:`\eta \ge 0`.
    num_steps : int
        Number of steps :math:`n \ge 0`.

    Returns
    -------
    path : ndarray, shape (num_steps + 1,) + w0.shape
        ``path[0]`` is ``w0``, ``path[k]`` the iterate after ``k`` steps;
        dtype of ``w0``.

    Examples
    --------
    >>> run_gradient_descent(lambda w: 2.0 * w, 1.0, lr=0.25, num_steps=3)   # w_k = 0.5**k
    array([1.   , 0.5  , 0.25 , 0.125])
    """
    check_callable(grad, "grad")
    w = check_float_array(w0, "w0")
    lr = check_nonnegative(lr, "lr")
    num_steps = check_int(num_steps, "num_steps", 0)
    path = np.empty((num_steps + 1,) + w.shape, dtype=w.dtype)
    path[0] = w
    for k in range(num_steps):
        g = np.asarray(grad(w))
        if g.shape != w.shape:
            raise ValueError(f"grad(w) returned shape {g.shape} but w0 has shape {w.shape}")
        w = gd_step(w, g.astype(w.dtype, copy=False), lr)
        path[k + 1] = w
    return path


def numerical_gradient(f, w, h=1e-5):
    r"""Gradient of a scalar function by central differences.

    .. math:: \frac{\partial f}{\partial w_i} \approx
              \frac{f(w + h e_i) - f(w - h e_i)}{2h}

    The error is :math:`O(h^2)` (it is :math:`\tfrac{h^2}{6} f'''` per
    coordinate) plus rounding of order :math:`\varepsilon_{\text{mach}}|f|/h`.
    Works on a float64 copy of ``w``, so ``w`` is never modified and float32
    inputs are differentiated in double precision.

    Parameters
    ----------
    f : callable
        ``f(w)`` returns a scalar (a number or a size-1 array).
    w : ndarray (any shape) or number
        Point at which to differentiate.
    h : float, default 1e-5
        Step :math:`h > 0`.

    Returns
    -------
    ndarray of float64, shape of ``w``

    Examples
    --------
    >>> import numpy as np
    >>> numerical_gradient(lambda w: np.sum(w ** 2), np.array([1.0, -2.0])).round(6)
    array([ 2., -4.])
    """
    check_callable(f, "f")
    x = np.array(check_real_array(w, "w"), dtype=np.float64)  # a copy
    h = check_positive(h, "h")
    grad = np.empty_like(x)
    for i in np.ndindex(x.shape):
        original = x[i]
        x[i] = original + h
        f_plus = _scalar(f(x))
        x[i] = original - h
        f_minus = _scalar(f(x))
        x[i] = original
        grad[i] = (f_plus - f_minus) / (2.0 * h)
    return grad


def _scalar(value):
    value = np.asarray(value)
    if value.size != 1:
        raise ValueError(f"f must return a scalar, got an array of shape {value.shape}")
    return float(value.reshape(()))


def train_with_mini_batches(X, Y, parameters, cost_and_grads, learning_rate,
                            mini_batch_size=64, num_epochs=1, seed=0):
    r"""Mini-batch gradient descent; returns the parameters and their path.

    For every epoch :math:`e = 0, \dots, E-1` the examples are reshuffled
    with ``random_mini_batches(X, Y, mini_batch_size, seed + e)``; for every
    batch :math:`(X_b, Y_b)`

    .. math:: w \leftarrow w - \eta\, \nabla_w \mathcal{L}(w; X_b, Y_b)

    through :func:`solutions.update_parameters_with_gd`, with
    ``cost, grads = cost_and_grads(X_b, Y_b, parameters)``. Batch gradient
    descent is ``mini_batch_size = m``, stochastic gradient descent
    ``mini_batch_size = 1``; an epoch has :math:`\lceil m/B \rceil` updates.

    Parameters
    ----------
    X : ndarray, shape (n_features, m)
    Y : ndarray, shape (1, m) or (k, m)
    parameters : dict of ndarray
        Initial parameters ``{"W1": ..., "b1": ..., ...}``.
    cost_and_grads : callable
        ``cost_and_grads(X_b, Y_b, parameters) -> (cost, grads)`` with
        ``grads = {"dW1": ..., "db1": ..., ...}``.
    learning_rate : float
        Learning rate :math:`\eta \ge 0`.
    mini_batch_size : int, default 64
    num_epochs : int, default 1
        :math:`E \ge 0`.
    seed : int, default 0
        Epoch ``e`` shuffles with seed ``seed + e``.

    Returns
    -------
    (parameters, path) : tuple
        The final parameters and the list of parameter dicts visited: a copy
        of the initial parameters followed by the parameters after every
        update, ``1 + num_epochs * ceil(m / mini_batch_size)`` dicts.

    Examples
    --------
    >>> import numpy as np
    >>> X, Y = np.array([[1.0, 2.0, 3.0]]), np.array([[2.0, 4.0, 6.0]])
    >>> def cost_and_grads(Xb, Yb, p):      # J = mean((w x - y)**2) / 2
    ...     r = p["W"] @ Xb - Yb
    ...     return float(np.mean(r ** 2) / 2), {"dW": r @ Xb.T / Xb.shape[1]}
    >>> p, path = train_with_mini_batches(X, Y, {"W": np.zeros((1, 1))}, cost_and_grads,
    ...                                   0.1, mini_batch_size=3, num_epochs=2)
    >>> len(path), p["W"].round(6)          # batch GD: W - 2 shrinks by 1 - 0.1*14/3 = 8/15
    (3, array([[1.431111]]))
    """
    X, Y = check_data(X, Y)
    check_parameters(parameters)
    check_callable(cost_and_grads, "cost_and_grads")
    check_nonnegative(learning_rate, "learning_rate")
    mini_batch_size = check_int(mini_batch_size, "mini_batch_size", 1)
    num_epochs = check_int(num_epochs, "num_epochs", 0)
    seed = check_int(seed, "seed", 0, maximum=SEED_MAX - max(num_epochs - 1, 0))
    parameters = {k: np.array(p, copy=True) for k, p in parameters.items()}
    path = [parameters]
    for epoch in range(num_epochs):
        for Xb, Yb in random_mini_batches(X, Y, mini_batch_size, seed + epoch):
            _, grads = cost_and_grads(Xb, Yb, parameters)
            parameters = update_parameters_with_gd(parameters, grads, learning_rate)
            path.append(parameters)
    return parameters, path
