r"""Reference functions of chapter 8 (Activations, dropout and batch normalization).

Layers of a fully connected network in the course's column-major layout:
an activation ``Z`` or ``A`` has shape ``(n_units, m)``, one column per
example of the mini-batch. Each layer comes as a forward function and a
backward function that maps the upstream gradient ``dA`` (or ``dout``) of
the loss to the gradient of its input, so that the backward functions
chain into backpropagation.

Contents
--------
leaky_relu, leaky_relu_backward
    the leaky ReLU ``max(z, αz)`` and its derivative (α = 0.01; Maas et al. 2013).
dropout_forward, dropout_backward
    inverted dropout (Srivastava et al. 2014; the 1/keep_prob scaling of CS231n).
batchnorm_forward, batchnorm_backward, batchnorm_inference
    batch normalization (Ioffe & Szegedy 2015) in training and at inference.
"""

import numpy as np

from ._validation import (SEED_MAX, check_float_array, check_int, check_nonnegative, check_positive,
                          check_real, check_same_shape)

__all__ = ["leaky_relu", "leaky_relu_backward", "dropout_forward", "dropout_backward",
           "batchnorm_forward", "batchnorm_backward", "batchnorm_inference"]


# --------------------------------------------------------------------------
# Checks specific to layers
# --------------------------------------------------------------------------

def _check_keep_prob(keep_prob):
    keep_prob = check_real(keep_prob, "keep_prob")
    if not 0 < keep_prob <= 1:
        raise ValueError(f"keep_prob must be in (0, 1] (the probability of keeping a unit), got {keep_prob}")
    return keep_prob


def _check_batch(Z, name):
    """A floating-point array of shape (n_units, m) with m >= 1."""
    Z = check_float_array(Z, name)
    if Z.ndim != 2 or Z.shape[1] < 1:
        raise ValueError(f"{name} must be 2-D of shape (n_units, m) with one column per example, "
                         f"got shape {Z.shape}")
    return Z


def _check_per_unit(x, name, Z, Z_name):
    """A per-unit parameter or statistic: a float array of shape (n_units, 1)."""
    x = check_float_array(x, name)
    if x.shape != (Z.shape[0], 1):
        raise ValueError(f"{name} must have shape ({Z.shape[0]}, 1), one entry per row of {Z_name}, "
                         f"got shape {x.shape}")
    return x


# --------------------------------------------------------------------------
# Leaky ReLU
# --------------------------------------------------------------------------

def leaky_relu(Z, alpha=0.01):
    r"""The leaky ReLU, entrywise.

    .. math:: \operatorname{LReLU}(z) = \begin{cases} z & z > 0 \\ \alpha z & z \le 0 \end{cases}

    With :math:`0 \le \alpha < 1` this is :math:`\max(z, \alpha z)`.
    :math:`\alpha = 0` is the ReLU; :math:`\alpha = 0.01` is the usual
    leaky ReLU (Maas, Hannun & Ng 2013); a learned :math:`\alpha` is the
    parametric ReLU (He et al. 2015).

    Parameters
    ----------
    Z : ndarray of float
        Pre-activations, any shape.
    alpha : float, default 0.01
        Slope for :math:`z \le 0`, :math:`\alpha \ge 0`.

    Returns
    -------
    A : ndarray, Z's shape and dtype

    Examples
    --------
    >>> leaky_relu(np.array([[-2.0, 0.0, 3.0]]), alpha=0.1)
    array([[-0.2,  0. ,  3. ]])
    """
    Z = check_float_array(Z, "Z")
    alpha = check_nonnegative(alpha, "alpha")
    return np.where(Z > 0, Z, alpha * Z).astype(Z.dtype, copy=False)


def leaky_relu_backward(dA, Z, alpha=0.01):
    r"""Backward pass of the leaky ReLU: the upstream gradient times the slope.

    .. math::
        \frac{\partial \mathcal{L}}{\partial z} = \frac{\partial \mathcal{L}}{\partial a}\,
        \operatorname{LReLU}'(z), \qquad
        \operatorname{LReLU}'(z) = \begin{cases} 1 & z > 0 \\ \alpha & z \le 0 \end{cases}

    At the kink :math:`z = 0` the slope :math:`\alpha` is used (a
    subgradient; the convention of PyTorch's ``leaky_relu``).

    Parameters
    ----------
    dA : ndarray of float
        Gradient of the loss with respect to the output ``A = leaky_relu(Z, alpha)``.
    Z : ndarray of float
        The pre-activations the forward pass was given; ``dA``'s shape.
    alpha : float, default 0.01
        Slope for :math:`z \le 0`, :math:`\alpha \ge 0`.

    Returns
    -------
    dZ : ndarray, dA's shape and dtype

    Examples
    --------
    >>> leaky_relu_backward(np.array([[10.0, 10.0, 10.0]]), np.array([[-2.0, 0.0, 3.0]]), alpha=0.1)
    array([[ 1.,  1., 10.]])
    """
    dA = check_float_array(dA, "dA")
    Z = check_same_shape(check_float_array(Z, "Z"), "Z", dA, "dA")
    alpha = check_nonnegative(alpha, "alpha")
    return np.where(Z > 0, dA, alpha * dA).astype(dA.dtype, copy=False)


# --------------------------------------------------------------------------
# Inverted dropout
# --------------------------------------------------------------------------

def dropout_forward(A, keep_prob, seed):
    r"""Inverted dropout in training: keep each unit with probability ``keep_prob``, rescale.

    .. math::
        D_{ij} = \mathbb{1}[u_{ij} < q], \quad u_{ij} \sim U[0, 1), \qquad
        \text{out} = \frac{D \odot A}{q}

    with :math:`q` = ``keep_prob`` = 1 − p (p the dropout rate). The
    uniform numbers are ``np.random.default_rng(seed).random(A.shape)``,
    so the same seed gives the same mask. Dividing by :math:`q` keeps the
    expectation, :math:`\mathbb{E}[\text{out}] = A`, so that at test time
    the layer is the identity (Srivastava et al. 2014 instead scale the
    weights by :math:`q` at test time; CS231n's "inverted dropout" is this form).

    Parameters
    ----------
    A : ndarray of float
        Activations, any shape (usually ``(n_units, m)``).
    keep_prob : float
        Probability :math:`q \in (0, 1]` of keeping a unit.
    seed : int
        Seed of ``np.random.default_rng``, in [0, 2**32 − 1].

    Returns
    -------
    out : ndarray, A's shape and dtype
        ``A * mask / keep_prob``.
    mask : ndarray, A's shape and dtype
        The mask :math:`D` of zeros and ones, for the backward pass.

    Examples
    --------
    >>> out, mask = dropout_forward(np.ones((2, 3)), 0.5, seed=0)
    >>> mask
    array([[0., 1., 1.],
           [1., 0., 0.]])
    >>> out
    array([[0., 2., 2.],
           [2., 0., 0.]])
    """
    A = check_float_array(A, "A")
    keep_prob = _check_keep_prob(keep_prob)
    seed = check_int(seed, "seed", 0, maximum=SEED_MAX)
    mask = (np.random.default_rng(seed).random(A.shape) < keep_prob).astype(A.dtype)
    return (A * mask / keep_prob).astype(A.dtype, copy=False), mask


def dropout_backward(dA, mask, keep_prob):
    r"""Backward pass of inverted dropout: the same mask, the same scaling.

    .. math:: \frac{\partial \mathcal{L}}{\partial A} = \frac{D \odot dA}{q}

    The forward pass is linear in ``A`` for a fixed mask, so its backward
    pass multiplies by the same factor :math:`D/q`.

    Parameters
    ----------
    dA : ndarray of float
        Gradient of the loss with respect to the dropout layer's output.
    mask : ndarray of float
        The mask returned by :func:`dropout_forward`; ``dA``'s shape.
    keep_prob : float
        The ``keep_prob`` of the forward pass, in (0, 1].

    Returns
    -------
    dA_prev : ndarray, dA's shape and dtype

    Examples
    --------
    >>> dropout_backward(np.array([[1.0, 2.0, 3.0]]), np.array([[1.0, 0.0, 1.0]]), 0.5)
    array([[2., 0., 6.]])
    """
    dA = check_float_array(dA, "dA")
    mask = check_same_shape(check_float_array(mask, "mask"), "mask", dA, "dA")
    keep_prob = _check_keep_prob(keep_prob)
    return (dA * mask / keep_prob).astype(dA.dtype, copy=False)


# --------------------------------------------------------------------------
# Batch normalization
# --------------------------------------------------------------------------

def batchnorm_forward(Z, gamma, beta, eps=1e-5):
    r"""Batch normalization in training: normalize each unit over the mini-batch, scale, shift.

    For every row (unit) of ``Z``, over its ``m`` columns (examples):

    .. math::
        \mu = \frac1m \sum_{j} z_j, \qquad \sigma^2 = \frac1m \sum_j (z_j - \mu)^2, \qquad
        \hat z_j = \frac{z_j - \mu}{\sqrt{\sigma^2 + \varepsilon}}, \qquad
        \text{out}_j = \gamma \hat z_j + \beta

    (Ioffe & Szegedy 2015, Algorithm 1; the biased variance, ``ddof=0``).

    Parameters
    ----------
    Z : ndarray of float, shape (n_units, m)
        Pre-activations of a mini-batch.
    gamma, beta : ndarray of float, shape (n_units, 1)
        Learned scale and shift.
    eps : float, default 1e-5
        :math:`\varepsilon > 0`, inside the square root.

    Returns
    -------
    out : ndarray, shape (n_units, m), Z's dtype
    cache : dict
        ``{"Z_hat": (n_units, m), "gamma": (n_units, 1), "mean": (n_units, 1),
        "var": (n_units, 1), "eps": float}``, arrays in Z's dtype: what
        :func:`batchnorm_backward` needs, and the batch statistics for the
        running averages.

    Examples
    --------
    >>> out, cache = batchnorm_forward(np.array([[1.0, 2.0, 3.0, 6.0]]), np.array([[2.0]]),
    ...                                np.array([[1.0]]), eps=0.5)     # mean 3, var 3.5, sqrt(4) = 2
    >>> out
    array([[-1.,  0.,  1.,  4.]])
    >>> cache["Z_hat"], cache["mean"], cache["var"]
    (array([[-1. , -0.5,  0. ,  1.5]]), array([[3.]]), array([[3.5]]))
    """
    Z = _check_batch(Z, "Z")
    gamma = _check_per_unit(gamma, "gamma", Z, "Z")
    beta = _check_per_unit(beta, "beta", Z, "Z")
    eps = check_positive(eps, "eps")
    dtype = Z.dtype
    mean = Z.mean(axis=1, keepdims=True)
    var = ((Z - mean) ** 2).mean(axis=1, keepdims=True)
    Z_hat = (Z - mean) / np.sqrt(var + eps)
    out = (gamma * Z_hat + beta).astype(dtype, copy=False)
    cache = {"Z_hat": Z_hat, "gamma": gamma.astype(dtype, copy=True), "mean": mean, "var": var, "eps": eps}
    return out, cache


def batchnorm_backward(dout, cache):
    r"""Backward pass of batch normalization (the compact formula).

    With :math:`\hat z` and :math:`\sigma^2` from the forward pass, per row:

    .. math::
        d\beta = \sum_j d\text{out}_j, \qquad d\gamma = \sum_j d\text{out}_j\, \hat z_j, \qquad
        dz_j = \frac{\gamma}{m\sqrt{\sigma^2 + \varepsilon}}
               \Big(m\, d\text{out}_j - d\beta - \hat z_j\, d\gamma\Big)

    The last two terms are the gradient through :math:`\mu` and
    :math:`\sigma^2`, which depend on every example of the batch
    (Ioffe & Szegedy 2015, section 3; the simplified form of CS231n's
    ``batchnorm_backward_alt``).

    Parameters
    ----------
    dout : ndarray of float, shape (n_units, m)
        Gradient of the loss with respect to the output of :func:`batchnorm_forward`.
    cache : dict
        The cache returned by :func:`batchnorm_forward`.

    Returns
    -------
    dZ : ndarray, shape (n_units, m)
    dgamma, dbeta : ndarray, shape (n_units, 1)
        All in dout's dtype.

    Examples
    --------
    >>> cache = {"Z_hat": np.array([[-1.0, -0.5, 0.0, 1.5]]), "gamma": np.array([[2.0]]),
    ...          "mean": np.array([[3.0]]), "var": np.array([[3.5]]), "eps": 0.5}
    >>> dZ, dgamma, dbeta = batchnorm_backward(np.array([[1.0, 0.0, 0.0, 0.0]]), cache)
    >>> dZ, dgamma, dbeta
    (array([[ 0.5  , -0.375, -0.25 ,  0.125]]), array([[-1.]]), array([[1.]]))
    """
    dout = _check_batch(dout, "dout")
    if not isinstance(cache, dict):
        raise TypeError(f"cache must be the dict returned by batchnorm_forward, got {type(cache).__name__}")
    missing = [k for k in ("Z_hat", "gamma", "var", "eps") if k not in cache]
    if missing:
        raise ValueError(f"cache has no {missing[0]!r}; pass the cache returned by batchnorm_forward")
    Z_hat = check_same_shape(check_float_array(cache["Z_hat"], "cache['Z_hat']"), "cache['Z_hat']",
                             dout, "dout")
    gamma = _check_per_unit(cache["gamma"], "cache['gamma']", dout, "dout")
    var = _check_per_unit(cache["var"], "cache['var']", dout, "dout")
    eps = check_positive(cache["eps"], "cache['eps']")
    dtype = dout.dtype
    m = dout.shape[1]
    dbeta = dout.sum(axis=1, keepdims=True)
    dgamma = (dout * Z_hat).sum(axis=1, keepdims=True)
    dZ = gamma / (m * np.sqrt(var + eps)) * (m * dout - dbeta - Z_hat * dgamma)
    return dZ.astype(dtype, copy=False), dgamma.astype(dtype, copy=False), dbeta.astype(dtype, copy=False)


def batchnorm_inference(Z, gamma, beta, running_mean, running_var, eps=1e-5):
    r"""Batch normalization at inference: a fixed affine map per unit.

    With the running averages :math:`\bar\mu, \bar\sigma^2` collected in training,

    .. math::
        \text{out} = \gamma \frac{z - \bar\mu}{\sqrt{\bar\sigma^2 + \varepsilon}} + \beta
        = \frac{\gamma}{\sqrt{\bar\sigma^2 + \varepsilon}}\, z
          + \Big(\beta - \frac{\gamma \bar\mu}{\sqrt{\bar\sigma^2 + \varepsilon}}\Big)

    Each example is transformed on its own: the output does not depend on
    the other columns of ``Z`` (Ioffe & Szegedy 2015, Algorithm 2).

    Parameters
    ----------
    Z : ndarray of float, shape (n_units, m)
    gamma, beta, running_mean, running_var : ndarray of float, shape (n_units, 1)
        ``running_var`` must be non-negative.
    eps : float, default 1e-5
        :math:`\varepsilon > 0`, inside the square root.

    Returns
    -------
    out : ndarray, shape (n_units, m), Z's dtype

    Examples
    --------
    >>> batchnorm_inference(np.array([[1.0, 5.0]]), np.array([[2.0]]), np.array([[1.0]]),
    ...                     np.array([[3.0]]), np.array([[3.5]]), eps=0.5)
    array([[-1.,  3.]])
    """
    Z = _check_batch(Z, "Z")
    gamma = _check_per_unit(gamma, "gamma", Z, "Z")
    beta = _check_per_unit(beta, "beta", Z, "Z")
    running_mean = _check_per_unit(running_mean, "running_mean", Z, "Z")
    running_var = _check_per_unit(running_var, "running_var", Z, "Z")
    if np.any(running_var < 0):
        raise ValueError("running_var must be non-negative (a variance)")
    eps = check_positive(eps, "eps")
    out = gamma * (Z - running_mean) / np.sqrt(running_var + eps) + beta
    return out.astype(Z.dtype, copy=False)
