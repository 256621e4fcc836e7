r"""Reference functions of chapter 7 (Regularization: penalties, early stopping, data).

Two conventions for the L2 penalty meet in this chapter, and each function
states which one it uses:

* the **network** convention of the deeplearning.ai regularization
  assignment: the mean cost over the ``m`` examples plus
  :math:`\frac{\lambda}{2m}\sum_l \lVert W^{[l]}\rVert_F^2`, whose gradient
  adds :math:`\frac{\lambda}{m} W^{[l]}` (biases are not penalized);
* the **Tikhonov** convention of the ridge closed form:
  :math:`J(W) = \tfrac12\lVert WX - Y\rVert_F^2 + \lambda\lVert W\rVert_F^2`,
  whose gradient adds :math:`2\lambda W`.

Data are column-major as everywhere in the course: ``X`` has shape
``(n_features, m)``, ``Y`` shape ``(k, m)``.
"""

import numpy as np

from ._validation import (check_arrays, check_callable, check_data, check_float_array, check_int,
                          check_matching, check_nonnegative, check_parameters, check_real_array)

__all__ = ["cost_and_grads_with_l2", "ridge_closed_form", "l1_prox_step", "early_stopping"]


def _is_weight(key):
    """Weight matrices are the keys 'W1', 'W2', ...; biases 'b1', ... are not penalized."""
    return key.startswith("W")


def cost_and_grads_with_l2(X, Y, parameters, cost_and_grads, lambd):
    r"""Cost and gradients of a network with an L2 penalty on its weights.

    .. math::

        \mathcal{L}_{L2} = \mathcal{L} + \frac{\lambda}{2m}\sum_{l}\lVert W^{[l]}\rVert_F^2,
        \qquad
        dW^{[l]}_{L2} = dW^{[l]} + \frac{\lambda}{m} W^{[l]}, \qquad db^{[l]}_{L2} = db^{[l]},

    where ``cost, grads = cost_and_grads(X, Y, parameters)`` are the
    unregularized mean cost :math:`\mathcal{L}` and its gradients, and
    ``m = X.shape[1]``. Only the weight matrices (keys starting with ``"W"``)
    are penalized, never the biases.

    Convention: ``compute_cost_with_regularization`` and
    ``backward_propagation_with_regularization`` of the deeplearning.ai
    course "Improving Deep Neural Networks", week 1 (Ng).

    Parameters
    ----------
    X : ndarray, shape (n_features, m)
    Y : ndarray, shape (k, m)
    parameters : dict
        ``{"W1": ..., "b1": ..., ...}``.
    cost_and_grads : callable
        ``cost_and_grads(X, Y, parameters) -> (cost, grads)``, the
        unregularized mean cost and a dict with ``"dW1"``, ``"db1"``, ...
    lambd : float
        The regularization strength :math:`\lambda \ge 0`.

    Returns
    -------
    (float, dict)
        The regularized cost (a Python float) and a new dict of gradients
        with the keys of ``grads``; the ``dW`` entries have the penalty's
        gradient added, the others are those of ``cost_and_grads``.

    Examples
    --------
    >>> import numpy as np
    >>> def zero_cost(X, Y, p):
    ...     return 0.0, {"dW1": np.zeros((1, 2)), "db1": np.zeros((1, 1))}
    >>> params = {"W1": np.array([[3.0, 4.0]]), "b1": np.array([[5.0]])}
    >>> cost, grads = cost_and_grads_with_l2(np.ones((2, 5)), np.ones((1, 5)), params, zero_cost, 1.0)
    >>> cost                          # 1/(2*5) * (9 + 16)
    2.5
    >>> grads["dW1"], grads["db1"]    # 1/5 * W1; the bias is not penalized
    (array([[0.6, 0.8]]), array([[0.]]))
    """
    X, Y = check_data(X, Y)
    check_parameters(parameters)
    check_callable(cost_and_grads, "cost_and_grads")
    lambd = check_nonnegative(lambd, "lambd")
    m = X.shape[1]
    cost, grads = cost_and_grads(X, Y, parameters)
    check_matching(grads, "the grads returned by cost_and_grads", parameters)
    penalty = sum(float(np.sum(np.square(value, dtype=np.float64)))
                  for key, value in parameters.items() if _is_weight(key))
    new_grads = {}
    for key, g in grads.items():
        name = key[1:] if key.startswith("d") else None
        if name in parameters and _is_weight(name):
            W = parameters[name]
            new_grads[key] = (g + (lambd / m) * W).astype(W.dtype, copy=False)
        else:
            new_grads[key] = np.array(g, copy=True) if isinstance(g, np.ndarray) else g
    return float(cost) + lambd / (2 * m) * penalty, new_grads


def ridge_closed_form(X, Y, lambd):
    r"""The minimizer of ridge regression (Tikhonov-regularized least squares).

    For column-major data (one example per column) and weights ``W`` of
    shape ``(k, n_features)``, predictions ``W @ X``,

    .. math::

        J(W) = \tfrac12\lVert WX - Y\rVert_F^2 + \lambda\lVert W\rVert_F^2,
        \qquad \nabla J = (WX - Y)X^\top + 2\lambda W = 0
        \;\Longrightarrow\;
        W^* = Y X^\top \left(X X^\top + 2\lambda I\right)^{-1}.

    In the row-major layout of statistics books (design matrix
    :math:`A = X^\top`, one example per row, a single target column
    :math:`y`) the same minimizer reads
    :math:`w^* = (A^\top A + 2\lambda I)^{-1}A^\top y`. Without the factor
    :math:`\tfrac12` in front of the squared error the 2 disappears:
    :math:`\lVert Aw - y\rVert^2 + \lambda\lVert w\rVert^2` is minimized by
    :math:`(A^\top A + \lambda I)^{-1}A^\top y`.

    Source: Hoerl & Kennard (1970), *Ridge regression*; Tikhonov (1963).
    There is no intercept: add a row of ones to ``X`` for one (it is then
    penalized too).

    Parameters
    ----------
    X : ndarray, shape (n_features, m)
    Y : ndarray, shape (k, m)
    lambd : float
        :math:`\lambda \ge 0`. With ``lambd = 0`` this is ordinary least
        squares and needs :math:`XX^\top` invertible (else
        ``numpy.linalg.LinAlgError``).

    Returns
    -------
    ndarray, shape (k, n_features)
        :math:`W^*`, in the dtype of ``X`` (computed in float64).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    >>> ridge_closed_form(X, np.array([[1.0, 2.0, 3.0]]), 0.5)   # (4, 5) @ [[3, 1], [1, 3]]^-1
    array([[0.875, 1.375]])
    """
    X, Y = check_data(X, Y)
    X = check_float_array(X, "X")
    Y = check_float_array(Y, "Y")
    lambd = check_nonnegative(lambd, "lambd")
    X64, Y64 = X.astype(np.float64), Y.astype(np.float64)
    A = X64 @ X64.T + 2.0 * lambd * np.eye(X.shape[0])
    W = np.linalg.solve(A, X64 @ Y64.T).T          # A is symmetric: W = Y X^T A^-1
    return W.astype(X.dtype)


def l1_prox_step(w, g, lr, lambd):
    r"""One proximal-gradient (ISTA) step for a loss plus an L1 penalty :math:`\lambda\lVert w\rVert_1`.

    .. math::

        u = w - \eta\, g, \qquad
        w_{\text{new}} = \operatorname{sign}(u)\,\max(|u| - \eta\lambda,\ 0),

    entry by entry: a gradient step on the loss, then **soft thresholding**,
    the proximal operator of :math:`\eta\lambda\lvert\cdot\rvert`. Entries
    with :math:`|u| \le \eta\lambda` become exactly zero; the others move
    :math:`\eta\lambda` towards zero.

    Source: Daubechies, Defrise & De Mol (2004); Beck & Teboulle (2009),
    ISTA; Parikh & Boyd (2014), *Proximal Algorithms*, section 6.5.2.

    Parameters
    ----------
    w : ndarray
        Parameters.
    g : ndarray
        Gradient of the loss (without the penalty) at ``w``, same shape.
    lr : float
        Learning rate :math:`\eta \ge 0`.
    lambd : float
        L1 strength :math:`\lambda \ge 0`.

    Returns
    -------
    ndarray
        The new parameters, shape and dtype of ``w``.

    Examples
    --------
    >>> import numpy as np
    >>> l1_prox_step(np.array([1.0, 0.1, -0.5]), np.array([0.0, 0.0, 0.0]), 0.5, 0.4)
    array([ 0.8,  0. , -0.3])
    """
    w, g = check_arrays(w=w, g=g)
    lr = check_nonnegative(lr, "lr")
    lambd = check_nonnegative(lambd, "lambd")
    u = w - lr * g
    return (np.sign(u) * np.maximum(np.abs(u) - lr * lambd, 0.0)).astype(w.dtype, copy=False)


def early_stopping(validation_losses, patience):
    r"""The epoch to keep and the epoch to stop at, for early stopping with patience.

    ``validation_losses[e]`` is the validation loss after epoch ``e``
    (epochs counted from 0). Training keeps the best epoch so far, the one
    with the lowest loss (the earliest on ties: only a **strictly** lower
    loss is an improvement), and stops at the first epoch ``e`` with
    :math:`e - e_{\text{best}} = p`, i.e. after ``patience`` epochs in a row
    without improvement. If that never happens, training stops at the last
    epoch. The kept epoch is the best among the epochs trained, so it never
    depends on losses after the stop.

    Convention: ``keras.callbacks.EarlyStopping(patience=p,
    restore_best_weights=True)`` with ``min_delta=0``; Goodfellow, Bengio
    & Courville (2016), *Deep Learning*, Algorithm 7.1.

    Parameters
    ----------
    validation_losses : sequence of float or 1-D ndarray
        At least one finite loss.
    patience : int
        :math:`p \ge 1`.

    Returns
    -------
    (int, int)
        ``(best_epoch, stop_epoch)``, Python ints with
        ``best_epoch <= stop_epoch``.

    Examples
    --------
    >>> early_stopping([5.0, 3.0, 4.0, 2.5, 2.7, 2.6, 2.8, 2.9, 1.0], patience=3)
    (3, 6)
    >>> early_stopping([3.0, 2.0, 1.0], patience=2)     # never ran out of patience
    (2, 2)
    """
    if isinstance(validation_losses, (list, tuple)):
        try:
            losses = np.array(validation_losses, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError("validation_losses must be a sequence of real numbers") from None
    else:
        losses = check_real_array(validation_losses, "validation_losses").astype(np.float64)
    if losses.ndim != 1:
        raise ValueError(f"validation_losses must be 1-D (one loss per epoch), got shape {losses.shape}")
    if losses.size == 0:
        raise ValueError("validation_losses must hold at least one loss")
    if not np.all(np.isfinite(losses)):
        raise ValueError("validation_losses must be finite (a NaN or inf loss means training diverged)")
    patience = check_int(patience, "patience", 1)
    best = 0
    for epoch in range(1, losses.size):
        if losses[epoch] < losses[best]:
            best = epoch
        elif epoch - best >= patience:
            return best, epoch
    return best, losses.size - 1
