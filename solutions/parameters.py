r"""Dictionary-level functions: the layout of the classic deeplearning.ai assignment (reference API, section 2).

Parameters of a D-layer network are a dict ``{"W1": ..., "b1": ..., "WD": ..., "bD": ...}``;
gradients use the keys ``"dW1"``, ``"db1"``, ...; optimizer states use the
gradient keys. Each function applies the matching array-level rule of
:mod:`solutions.update_rules` to every parameter and returns new dicts of
new arrays (the inputs are never modified). Extra keys in ``grads`` (such as
the caches ``"dA1"``, ``"dZ1"``) are ignored.

Data is column-major: ``X`` has shape ``(n_features, m)``, ``Y`` has shape
``(1, m)`` (any ``(k, m)`` is accepted).
"""

import numpy as np

from ._validation import (check_data, check_decay, check_int, check_matching,
                          check_nonnegative, check_parameters, check_positive, check_step,
                          grad_key, SEED_MAX)
from .update_rules import _adam_update, _adaptive_step, _ema, _like

__all__ = [
    "update_parameters_with_gd",
    "random_mini_batches",
    "initialize_velocity",
    "update_parameters_with_momentum",
    "update_parameters_with_rmsprop",
    "initialize_adam",
    "update_parameters_with_adam",
]


def _zeros_like_parameters(parameters):
    """``{"dW1": zeros_like(W1), ...}``: a zero state for every parameter."""
    return {grad_key(k): np.zeros_like(p) for k, p in parameters.items()}


def update_parameters_with_gd(parameters, grads, learning_rate):
    r"""One gradient-descent step on every parameter.

    .. math:: W^{[l]} \leftarrow W^{[l]} - \eta\, dW^{[l]}, \qquad
              b^{[l]} \leftarrow b^{[l]} - \eta\, db^{[l]}

    The dict form of :func:`solutions.gd_step` (deeplearning.ai
    optimization assignment layout).

    Parameters
    ----------
    parameters : dict of ndarray
        ``{"W1": ..., "b1": ..., ...}``, floating-point arrays.
    grads : dict of ndarray
        ``{"dW1": ..., "db1": ..., ...}``, each shaped like its parameter.
    learning_rate : float
        :math:`\eta \ge 0`.

    Returns
    -------
    parameters : dict of ndarray
        New dict with the updated arrays.

    Examples
    --------
    >>> import numpy as np
    >>> p = update_parameters_with_gd({"W1": np.array([[1.0, 2.0]]), "b1": np.array([[0.5]])},
    ...                               {"dW1": np.array([[10.0, -10.0]]), "db1": np.array([[5.0]])},
    ...                               learning_rate=0.1)
    >>> p["W1"], p["b1"]
    (array([[0., 3.]]), array([[0.]]))
    """
    check_parameters(parameters)
    check_matching(grads, "grads", parameters)
    lr = check_nonnegative(learning_rate, "learning_rate")
    return {k: _like(p - lr * grads[grad_key(k)], p) for k, p in parameters.items()}


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    r"""Shuffle the examples and cut them into mini-batches.

    Calls ``np.random.seed(seed)`` (this resets NumPy's global random
    state, as the classic assignment does), draws one permutation
    ``np.random.permutation(m)`` shared by the columns of ``X`` and ``Y``,
    and cuts the shuffled columns into consecutive batches of
    ``mini_batch_size``. The last batch holds the remainder
    :math:`m - B\lfloor m/B \rfloor` when ``mini_batch_size`` does not divide
    ``m``; there are :math:`\lceil m/B \rceil` batches and never an empty one.

    Parameters
    ----------
    X : ndarray, shape (n_features, m)
        Inputs, one column per example.
    Y : ndarray, shape (1, m) or (k, m)
        Labels, one column per example.
    mini_batch_size : int, default 64
        Batch size :math:`B \ge 1`.
    seed : int, default 0
        Seed for ``np.random.seed``, in :math:`[0, 2^{32})`.

    Returns
    -------
    list of (mini_batch_X, mini_batch_Y)
        Copies of the shuffled columns, dtypes kept.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.arange(10.0).reshape(2, 5)
    >>> batches = random_mini_batches(X, np.ones((1, 5)), mini_batch_size=2)
    >>> [bx.shape[1] for bx, by in batches]
    [2, 2, 1]
    """
    X, Y = check_data(X, Y)
    mini_batch_size = check_int(mini_batch_size, "mini_batch_size", 1)
    seed = check_int(seed, "seed", 0, maximum=SEED_MAX)
    m = X.shape[1]
    np.random.seed(seed)
    permutation = np.random.permutation(m)
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]
    return [(shuffled_X[:, k:k + mini_batch_size], shuffled_Y[:, k:k + mini_batch_size])
            for k in range(0, m, mini_batch_size)]


def initialize_velocity(parameters):
    r"""Zero velocity for momentum: ``{"dW1": zeros_like(W1), "db1": zeros_like(b1), ...}``.

    .. math:: v_{dW^{[l]}} = 0, \qquad v_{db^{[l]}} = 0

    Parameters
    ----------
    parameters : dict of ndarray
        ``{"W1": ..., "b1": ..., ...}``.

    Returns
    -------
    v : dict of ndarray
        Zeros with the shape and dtype of each parameter, under the gradient keys.

    Examples
    --------
    >>> import numpy as np
    >>> initialize_velocity({"W1": np.ones((2, 3)), "b1": np.ones((2, 1))})["db1"]
    array([[0.],
           [0.]])
    """
    return _zeros_like_parameters(check_parameters(parameters))


def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    r"""One momentum step on every parameter (exponential-average form).

    .. math::

        v_{dW} &\leftarrow \beta\, v_{dW} + (1-\beta)\, dW \\
        W &\leftarrow W - \eta\, v_{dW} \quad\text{(and likewise for } b\text{)}

    The dict form of :func:`solutions.momentum_step` (deeplearning.ai
    optimization assignment).

    Parameters
    ----------
    parameters, grads, v : dict of ndarray
        Parameters, gradients and velocities (from :func:`initialize_velocity`).
    beta : float
        Momentum decay in [0, 1).
    learning_rate : float
        :math:`\eta \ge 0`.

    Returns
    -------
    (parameters, v) : tuple of dict
        New parameters and new velocities.

    Examples
    --------
    >>> import numpy as np
    >>> p, v = update_parameters_with_momentum({"W1": np.array([1.0])}, {"dW1": np.array([2.0])},
    ...                                        {"dW1": np.array([1.0])}, beta=0.9, learning_rate=0.1)
    >>> v["dW1"], p["W1"]        # v = 0.9*1 + 0.1*2, W = 1 - 0.1*1.1
    (array([1.1]), array([0.89]))
    """
    check_parameters(parameters)
    check_matching(grads, "grads", parameters)
    check_matching(v, "v", parameters)
    beta = check_decay(beta, "beta")
    lr = check_nonnegative(learning_rate, "learning_rate")
    new_parameters, new_v = {}, {}
    for k, p in parameters.items():
        gk = grad_key(k)
        velocity = _ema(v[gk], grads[gk], beta)
        new_parameters[k] = _like(p - lr * velocity, p)
        new_v[gk] = _like(velocity, p)
    return new_parameters, new_v



def update_parameters_with_rmsprop(parameters, grads, s, learning_rate, beta=0.9, epsilon=1e-8):
    r"""One RMSProp step on every parameter.

    .. math::

        s_{dW} &\leftarrow \beta\, s_{dW} + (1-\beta)\, dW^2 \\
        W &\leftarrow W - \eta\, dW / \left(\sqrt{s_{dW}} + \varepsilon\right)
            \quad\text{(and likewise for } b\text{)}

    Hinton's Coursera lecture 6e (2012), no bias correction, ``epsilon``
    outside the square root; the dict form of :func:`solutions.rmsprop_step`
    in the classic assignment's layout. ``s`` holds the running averages of the
    squared gradients under the gradient keys (``"dW1"``, ``"db1"``, ...);
    start with zeros shaped like each parameter (the ``s`` of
    :func:`initialize_adam`, or :func:`initialize_velocity`). Unrolled from
    zero: :math:`s_n = (1-\beta)\sum_{i=1}^n \beta^{n-i} g_i^2`.

    Parameters
    ----------
    parameters, grads, s : dict of ndarray
        Parameters, gradients and averages of squared gradients.
    learning_rate : float
        :math:`\eta \ge 0`.
    beta : float, default 0.9
        Decay :math:`\beta \in [0, 1)` of the squared-gradient averages.
    epsilon : float, default 1e-8
        :math:`\varepsilon > 0`, added to :math:`\sqrt{s}`.

    Returns
    -------
    (parameters, s) : tuple of dict
        New parameters and new averages.

    Examples
    --------
    >>> import numpy as np
    >>> p, s = update_parameters_with_rmsprop({"W1": np.array([[1.0]]), "b1": np.array([[0.0]])},
    ...                                       {"dW1": np.array([[2.0]]), "db1": np.array([[-6.0]])},
    ...                                       {"dW1": np.array([[4.0]]), "db1": np.array([[0.0]])},
    ...                                       learning_rate=0.1, beta=0.75)
    >>> s["dW1"], s["db1"]       # 0.75*4 + 0.25*2**2 = 4;  0.75*0 + 0.25*6**2 = 9
    (array([[4.]]), array([[9.]]))
    >>> p["W1"].round(6), p["b1"].round(6)   # 1 - 0.1*2/2;  0 + 0.1*6/3
    (array([[0.9]]), array([[0.2]]))
    """
    check_parameters(parameters)
    check_matching(grads, "grads", parameters)
    check_matching(s, "s", parameters)
    lr = check_nonnegative(learning_rate, "learning_rate")
    beta = check_decay(beta, "beta")
    eps = check_positive(epsilon, "epsilon")
    new_parameters, new_s = {}, {}
    for k, p in parameters.items():
        gk = grad_key(k)
        average = _ema(s[gk], grads[gk] * grads[gk], beta)
        new_parameters[k] = _like(_adaptive_step(p, grads[gk], average, lr, eps), p)
        new_s[gk] = _like(average, p)
    return new_parameters, new_s

def initialize_adam(parameters):
    r"""Zero first and second moments for Adam.

    .. math:: v_{dW^{[l]}} = 0, \qquad s_{dW^{[l]}} = 0 \quad\text{(and likewise for } b\text{)}

    Parameters
    ----------
    parameters : dict of ndarray
        ``{"W1": ..., "b1": ..., ...}``.

    Returns
    -------
    (v, s) : tuple of dict
        Two independent dicts of zeros (first and second moments) with the
        shape and dtype of each parameter, under the gradient keys.

    Examples
    --------
    >>> import numpy as np
    >>> v, s = initialize_adam({"W1": np.ones((1, 2))})
    >>> v["dW1"], s["dW1"]
    (array([[0., 0.]]), array([[0., 0.]]))
    """
    check_parameters(parameters)
    return _zeros_like_parameters(parameters), _zeros_like_parameters(parameters)


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01,
                                beta1=0.9, beta2=0.999, epsilon=1e-8):
    r"""One Adam step on every parameter.

    .. math::

        v_{dW} &\leftarrow \beta_1 v_{dW} + (1-\beta_1)\, dW, \qquad
        s_{dW} \leftarrow \beta_2 s_{dW} + (1-\beta_2)\, dW^2 \\
        v^{\text{corrected}}_{dW} &= v_{dW} / (1-\beta_1^t), \qquad
        s^{\text{corrected}}_{dW} = s_{dW} / (1-\beta_2^t) \\
        W &\leftarrow W - \eta\, v^{\text{corrected}}_{dW} /
              \left(\sqrt{s^{\text{corrected}}_{dW}} + \varepsilon\right)

    Kingma & Ba 2015, Algorithm 1, in the deeplearning.ai naming (``v`` is
    the first moment, ``s`` the second); the dict form of
    :func:`solutions.adam_step`.

    Parameters
    ----------
    parameters, grads, v, s : dict of ndarray
        Parameters, gradients, first and second moments (from :func:`initialize_adam`).
    t : int
        1-based index of this update (the number of Adam steps taken so far, plus one).
    learning_rate : float, default 0.01
        :math:`\eta \ge 0`.
    beta1, beta2 : float, default 0.9, 0.999
        Decays of the two moment averages, in [0, 1).
    epsilon : float, default 1e-8
        :math:`\varepsilon > 0`, outside the square root.

    Returns
    -------
    (parameters, v, s, v_corrected, s_corrected) : tuple of dict
        New parameters, new moments and the bias-corrected moments.

    Examples
    --------
    >>> import numpy as np
    >>> v, s = initialize_adam({"W1": np.array([1.0])})
    >>> p, v, s, v_c, s_c = update_parameters_with_adam({"W1": np.array([1.0])},
    ...                                                 {"dW1": np.array([-3.0])}, v, s, t=1)
    >>> v_c["dW1"], s_c["dW1"], p["W1"].round(6)   # corrected moments are g, g**2
    (array([-3.]), array([9.]), array([1.01]))
    """
    check_parameters(parameters)
    check_matching(grads, "grads", parameters)
    check_matching(v, "v", parameters)
    check_matching(s, "s", parameters)
    t = check_step(t)
    lr = check_nonnegative(learning_rate, "learning_rate")
    beta1 = check_decay(beta1, "beta1")
    beta2 = check_decay(beta2, "beta2")
    eps = check_positive(epsilon, "epsilon")
    out = ({}, {}, {}, {}, {})
    for k, p in parameters.items():
        gk = grad_key(k)
        w, m, v2, m_hat, v_hat = _adam_update(p, grads[gk], v[gk], s[gk], t, lr, beta1, beta2, eps)
        out[0][k] = _like(w, p)
        for d, x in zip(out[1:], (m, v2, m_hat, v_hat)):
            d[gk] = _like(x, p)
    return out
