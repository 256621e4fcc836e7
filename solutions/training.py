r"""Training a network on real data (chapter 11): the loss, the start, and the safeguards.

What turns the optimizers of the earlier chapters into a training run on a
real data set (the handwritten digits of chapter 11): a numerically stable
softmax cross-entropy for :math:`K` classes, He initialization for ReLU
networks, gradient clipping by the global norm, random shifts of the images
(data augmentation), and the learning-rate range test that picks the
learning rate :math:`\eta` before a long run.

Layouts are the course's: logits ``Z`` of shape ``(K, m)``, one column per
example, with integer labels ``y`` of shape ``(m,)``; parameters
``{"W1", "b1", ...}`` with ``W_l`` of shape ``(n_l, n_{l-1})``; gradients
under the keys ``"d" + key``; images of shape ``(m, H, W)``.

Contents
--------
softmax_cross_entropy
    mean cross-entropy of the softmax of the logits, and its gradient (the log-sum-exp trick).
he_initialization
    Gaussian weights of variance :math:`2/n_{l-1}`, zero biases (He et al. 2015).
clip_by_global_norm
    rescale all gradients together when their joint norm is too large (Pascanu et al. 2013).
random_shift
    move each image by a few pixels, filling with zeros (data augmentation).
lr_range_test
    gradient descent with a learning rate growing geometrically, stopped when the loss diverges (Smith 2017).
"""

import math
import numbers

import numpy as np

from ._validation import (SEED_MAX, _type_name, check_callable, check_float_array, check_int, check_matching,
                          check_parameters, check_positive, check_real, grad_key)

__all__ = ["softmax_cross_entropy", "he_initialization", "clip_by_global_norm", "random_shift",
           "lr_range_test"]


# --------------------------------------------------------------------------
# Checks specific to this module
# --------------------------------------------------------------------------

def _check_logits(Z):
    """A floating-point array of shape (K, m), K >= 1 classes and m >= 1 examples."""
    Z = check_float_array(Z, "Z")
    if Z.ndim != 2 or Z.shape[0] < 1 or Z.shape[1] < 1:
        raise ValueError(f"Z must be 2-D of shape (K, m), one row per class and one column per example, "
                         f"got shape {Z.shape}")
    return Z


def _check_labels(y, K, m):
    """Integer class labels: a 1-D array of m values in 0..K-1."""
    if not isinstance(y, np.ndarray):
        raise TypeError(f"y must be a NumPy array of integer class labels, got {_type_name(y)}; "
                        f"use np.asarray(y)")
    if y.ndim != 1:
        if y.ndim == 2 and y.shape == (K, m) and K > 1:
            hint = "it looks one-hot: use y.argmax(axis=0) to get the labels"
        elif y.ndim == 2 and 1 in y.shape:
            hint = "use y.ravel()"
        else:
            hint = f"pass one label per column of Z, shape ({m},)"
        raise ValueError(f"y must be 1-D, one integer label per example, got shape {y.shape}; {hint}")
    if y.dtype == np.bool_ or not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"y must hold integer class labels, got {y.dtype}; use integer labels "
                        f"(y.astype(int) if the values are whole numbers)")
    if y.shape[0] != m:
        raise ValueError(f"y has {y.shape[0]} labels but Z has {m} columns (examples); "
                         "both need one entry per example")
    bad = y[(y < 0) | (y >= K)]
    if bad.size:
        raise ValueError(f"y must hold labels in 0..{K - 1} (Z has {K} rows, one per class), got {int(bad[0])}")
    return y


def _check_layer_dims(layer_dims):
    """[n_0, n_1, ..., n_D]: at least two positive integers, returned as a list of ints."""
    if isinstance(layer_dims, np.ndarray):
        if layer_dims.ndim != 1:
            raise ValueError(f"layer_dims must be 1-D, a list of layer sizes, got shape {layer_dims.shape}")
        items = list(layer_dims)
    elif isinstance(layer_dims, (list, tuple)):
        items = list(layer_dims)
    else:
        raise TypeError(f"layer_dims must be a list of layer sizes [n_0, n_1, ..., n_D], "
                        f"got {_type_name(layer_dims)}")
    if len(items) < 2:
        raise ValueError(f"layer_dims must hold at least two sizes (the inputs n_0 and one layer), "
                         f"got {len(items)}")
    return [check_int(n, f"layer_dims[{i}]", 1, what="a layer size (an integer)") for i, n in enumerate(items)]


def _check_grads(grads):
    if not isinstance(grads, dict):
        raise TypeError(f"grads must be a dict of arrays such as {{'dW1': ..., 'db1': ...}}, "
                        f"got {_type_name(grads)}")
    if not grads:
        raise ValueError("grads must hold at least one array, got an empty dict")
    return {key: check_float_array(g, f"grads[{key!r}]") for key, g in grads.items()}


def _check_seed(seed):
    return check_int(seed, "seed", 0, maximum=SEED_MAX)


# --------------------------------------------------------------------------
# Softmax cross-entropy
# --------------------------------------------------------------------------

def softmax_cross_entropy(Z, y):
    r"""Mean softmax cross-entropy of the logits ``Z`` for the labels ``y``, and its gradient.

    For example :math:`i` (column :math:`i` of ``Z``) with label :math:`y_i`,

    .. math::
        p_{ki} = \frac{e^{z_{ki} - z^\star_i}}{\sum_j e^{z_{ji} - z^\star_i}}, \qquad
        \mathcal{L} = \frac1m \sum_{i=1}^m \Big(\log \sum_j e^{z_{ji}} - z_{y_i i}\Big)
                    = -\frac1m \sum_{i=1}^m \log p_{y_i i}, \qquad
        \frac{\partial \mathcal{L}}{\partial Z} = \frac{P - \operatorname{onehot}(y)}{m}

    with :math:`z^\star_i = \max_j z_{ji}`, the largest logit of the column,
    subtracted before exponentiating (the log-sum-exp trick): the softmax does
    not change, no exponential overflows, and the log-sum-exp is computed as
    :math:`z^\star_i + \log \sum_j e^{z_{ji} - z^\star_i}`. Logits of ±1000 give finite,
    exact results in float64 and in float32 (Goodfellow, Bengio & Courville
    2016, section 4.1; CS231n's ``softmax_loss``).

    Parameters
    ----------
    Z : ndarray of float, shape (K, m)
        Logits: one row per class, one column per example.
    y : ndarray of int, shape (m,)
        The class of each example, in 0..K-1.

    Returns
    -------
    loss : float
        :math:`\mathcal{L}`, the mean over the ``m`` examples.
    dZ : ndarray, shape (K, m), Z's dtype
        :math:`(P - \operatorname{onehot}(y))/m`.

    Examples
    --------
    >>> loss, dZ = softmax_cross_entropy(np.array([[1000.0, 0.0], [1000.0, 0.0]]), np.array([0, 1]))
    >>> round(loss, 6)                      # log 2: each example gives its class probability 1/2
    0.693147
    >>> dZ
    array([[-0.25,  0.25],
           [ 0.25, -0.25]])
    """
    Z = _check_logits(Z)
    K, m = Z.shape
    y = _check_labels(y, K, m)
    columns = np.arange(m)
    shifted = Z - Z.max(axis=0, keepdims=True)
    exp = np.exp(shifted)
    sums = exp.sum(axis=0, keepdims=True)
    loss = float(np.mean(np.log(sums[0]) - shifted[y, columns]))
    dZ = exp / sums
    dZ[y, columns] -= 1
    return loss, (dZ / m).astype(Z.dtype, copy=False)


# --------------------------------------------------------------------------
# He initialization
# --------------------------------------------------------------------------

def he_initialization(layer_dims, seed):
    r"""He initialization of a fully connected network: Gaussian weights of variance 2 / fan-in, zero biases.

    For the layers :math:`l = 1, \dots, D` in order,

    .. math::
        W_l = \sqrt{\frac{2}{n_{l-1}}}\; G_l, \quad G_l \in \mathbb{R}^{n_l \times n_{l-1}}
        \text{ standard normal}, \qquad b_l = 0 \in \mathbb{R}^{n_l \times 1}

    with :math:`G_l` = ``rng.standard_normal((n_l, n_{l-1}))`` and ``rng =
    np.random.default_rng(seed)``, one call per layer, so the same seed gives
    the same network. The variance :math:`2/n_{l-1}` keeps the variance of
    the pre-activations the same from layer to layer through ReLUs, which
    zero half of their inputs (He, Zhang, Ren & Sun 2015, eq. 10; LeCun's
    :math:`1/n_{l-1}` suits units that are linear near zero, such as tanh, and
    Glorot & Bengio's :math:`2/(n_{l-1} + n_l)` averages it with the backward
    rule).

    Parameters
    ----------
    layer_dims : list of int
        ``[n_0, n_1, ..., n_D]``: the number of inputs, then the units of
        each of the :math:`D` layers; at least two entries, all :math:`\ge 1`.
    seed : int
        Seed of ``np.random.default_rng``, in [0, 2**32 − 1].

    Returns
    -------
    parameters : dict
        ``{"W1": (n_1, n_0), "b1": (n_1, 1), ..., "W<D>": (n_D, n_{D-1}), "b<D>": (n_D, 1)}``
        in that order, float64 arrays.

    Examples
    --------
    >>> parameters = he_initialization([2, 3, 1], seed=0)
    >>> [(key, value.shape) for key, value in parameters.items()]
    [('W1', (3, 2)), ('b1', (3, 1)), ('W2', (1, 3)), ('b2', (1, 1))]
    >>> rng = np.random.default_rng(0)                  # n_0 = 2: sqrt(2 / 2) = 1
    >>> bool(np.array_equal(parameters["W1"], rng.standard_normal((3, 2)))), bool(np.all(parameters["b1"] == 0))
    (True, True)
    """
    layer_dims = _check_layer_dims(layer_dims)
    rng = np.random.default_rng(_check_seed(seed))
    parameters = {}
    for l in range(1, len(layer_dims)):
        n_in, n_out = layer_dims[l - 1], layer_dims[l]
        parameters[f"W{l}"] = rng.standard_normal((n_out, n_in)) * math.sqrt(2.0 / n_in)
        parameters[f"b{l}"] = np.zeros((n_out, 1))
    return parameters


# --------------------------------------------------------------------------
# Gradient clipping
# --------------------------------------------------------------------------

def clip_by_global_norm(grads, max_norm):
    r"""Rescale all gradients together so that their joint (global) norm is at most ``max_norm``.

    .. math::
        \|g\| = \sqrt{\sum_{\text{arrays } a} \sum_{\text{entries}} g_a^2}, \qquad
        g_a \leftarrow \begin{cases} g_a \cdot \dfrac{c}{\|g\|} & \|g\| > c \\
                                      g_a & \text{otherwise} \end{cases}

    with :math:`c` = ``max_norm``. Every array is scaled by the same
    factor, so the direction of the whole gradient is kept and only its
    length is capped (Pascanu, Mikolov & Bengio 2013, Algorithm 1; exactly
    ``optax.clip_by_global_norm``, and ``torch.nn.utils.clip_grad_norm_``
    without its 1e-6 in the denominator). The norm is computed in float64.

    Parameters
    ----------
    grads : dict of ndarray of float
        The gradients, e.g. ``{"dW1": ..., "db1": ...}`` (any keys, at least one).
    max_norm : float
        The threshold :math:`c > 0`.

    Returns
    -------
    clipped : dict
        A new dict with the keys of ``grads`` in their order; each array in
        its own dtype (a copy when nothing is clipped).
    global_norm : float
        :math:`\|g\|` before clipping.

    Examples
    --------
    >>> clipped, norm = clip_by_global_norm({"dW1": np.array([[3.0, 0.0]]), "db1": np.array([[4.0]])}, 1.0)
    >>> norm, clipped                                   # sqrt(9 + 16) = 5: everything scaled by 1/5
    (5.0, {'dW1': array([[0.6, 0. ]]), 'db1': array([[0.8]])})
    """
    grads = _check_grads(grads)
    max_norm = check_positive(max_norm, "max_norm")
    global_norm = math.sqrt(sum(float(np.sum(np.square(g.astype(np.float64)))) for g in grads.values()))
    if global_norm > max_norm:
        scale = max_norm / global_norm
        return {key: (g * scale).astype(g.dtype, copy=False) for key, g in grads.items()}, global_norm
    return {key: g.copy() for key, g in grads.items()}, global_norm


# --------------------------------------------------------------------------
# Data augmentation
# --------------------------------------------------------------------------

def _shift_slices(d, n):
    """(destination, source) slices moving an axis of length n by d (down/right for d > 0), or None."""
    if abs(d) >= n:
        return None
    return slice(max(d, 0), n + min(d, 0)), slice(max(-d, 0), n - max(d, 0))


def random_shift(images, max_shift, seed):
    r"""Move each image by a random number of pixels, filling what comes in from outside with zeros.

    With ``shifts = rng.integers(-max_shift, max_shift + 1, size=(m, 2))``
    (one call, ``rng = np.random.default_rng(seed)``), image :math:`i` is
    moved down by :math:`\delta_r` = ``shifts[i, 0]`` rows and right by
    :math:`\delta_c` = ``shifts[i, 1]`` columns (negative values move it up and
    left), as in (11.11):

    .. math::
        \text{out}_i[j, k] = \begin{cases} \text{images}_i[j - \delta_r,\; k - \delta_c] &
            0 \le j - \delta_r < H \text{ and } 0 \le k - \delta_c < W \\ 0 & \text{otherwise} \end{cases}

    Nothing wraps around (that would be ``np.roll``): pixels pushed past an
    edge are lost, and those coming in are 0, the background of the digits.
    Every shift in :math:`[-s, s]^2` is equally likely, the label does not
    change, and the network sees a slightly different data set in every
    epoch (Simard, Steinkraus & Platt 2003; LeCun et al. 1998).

    Parameters
    ----------
    images : ndarray of float, shape (m, H, W)
        The images; not modified.
    max_shift : int
        The largest shift :math:`s \ge 0`, in pixels, along each axis
        (0 returns a copy; :math:`s \ge H` or :math:`W` may move an image out entirely).
    seed : int
        Seed of ``np.random.default_rng``, in [0, 2**32 − 1].

    Returns
    -------
    shifted : ndarray, images' shape and dtype

    Examples
    --------
    >>> image = np.arange(1.0, 10.0).reshape(1, 3, 3)
    >>> np.random.default_rng(2).integers(-1, 2, size=(1, 2))     # one row down, one column left
    array([[ 1, -1]])
    >>> random_shift(image, max_shift=1, seed=2)
    array([[[0., 0., 0.],
            [2., 3., 0.],
            [5., 6., 0.]]])
    """
    images = check_float_array(images, "images")
    if images.ndim != 3:
        raise ValueError(f"images must be 3-D of shape (m, H, W), one image per entry of the first axis, "
                         f"got shape {images.shape}; use images.reshape(-1, H, W)")
    max_shift = check_int(max_shift, "max_shift", 0)
    rng = np.random.default_rng(_check_seed(seed))
    m, H, W = images.shape
    shifts = rng.integers(-max_shift, max_shift + 1, size=(m, 2))
    out = np.zeros_like(images)
    for d, e in {(int(d), int(e)) for d, e in shifts}:        # every image with this shift at once
        rows, cols = _shift_slices(d, H), _shift_slices(e, W)
        if rows is None or cols is None:
            continue                                            # moved out entirely: all zeros
        which = np.flatnonzero((shifts[:, 0] == d) & (shifts[:, 1] == e))
        out[which, rows[0], cols[0]] = images[which, rows[1], cols[1]]
    return out


# --------------------------------------------------------------------------
# The learning-rate range test
# --------------------------------------------------------------------------

def _loss_and_grads(loss_and_grads, params, t):
    result = loss_and_grads(params, t)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise TypeError(f"loss_and_grads(params, t) must return a pair (loss, grads), got {_type_name(result)}")
    loss, grads = result
    if isinstance(loss, np.ndarray) and loss.size == 1:
        loss = loss.reshape(())[()]
    if not isinstance(loss, numbers.Real) or isinstance(loss, (bool, np.bool_)):
        raise TypeError(f"loss_and_grads(params, t) must return a real-number loss, got {_type_name(loss)}")
    return float(loss), grads


def lr_range_test(loss_and_grads, parameters, lr_min, lr_max, num_steps, diverge_factor=4.0):
    r"""The learning-rate range test: gradient descent with η growing geometrically, until the loss diverges.

    For :math:`t = 0, 1, \dots, N - 1` (:math:`N` = ``num_steps``):

    .. math::
        \eta_t = \eta_{\min} \Big(\frac{\eta_{\max}}{\eta_{\min}}\Big)^{t/(N-1)}, \qquad
        \mathcal{L}_t, g_t = \texttt{loss\_and\_grads}(w_t, t), \qquad
        w_{t+1} = w_t - \eta_t\, g_t

    recording :math:`\eta_t` and :math:`\mathcal{L}_t`; the test stops, after
    recording step :math:`t` and without updating, as soon as

    .. math:: \mathcal{L}_t \text{ is not finite} \quad\text{or}\quad
              \mathcal{L}_t > f \cdot \min_{j \le t} \mathcal{L}_j

    with :math:`f` = ``diverge_factor`` (the smallest loss so far includes
    :math:`\mathcal{L}_t`; losses are non-negative, as a cross-entropy). The
    rates :math:`\eta_0 = \eta_{\min}, \dots, \eta_{N-1} = \eta_{\max}` are
    evenly spaced on a log scale. Plotting the losses against the rates on a
    log axis, a good learning rate lies in the falling part, below the
    lowest point (chapter 11 takes a tenth of it) and well below the one
    where the loss blows up (Smith 2017, *Cyclical Learning Rates for
    Training Neural Networks*, section 3.3; the stopping rule of fastai's
    ``lr_find``, applied here to each loss rather than to a smoothed one).

    Parameters
    ----------
    loss_and_grads : callable
        ``loss_and_grads(params, t) -> (loss, grads)``: the loss (a number) and
        the gradients ``{"d" + key: ...}`` at ``params``; ``t`` tells it which
        mini-batch to use.
    parameters : dict of ndarray of float
        The starting point :math:`w_0`, e.g. ``{"W1": ..., "b1": ...}``;
        not modified (every step makes new arrays, in each parameter's dtype).
    lr_min, lr_max : float
        The first and last learning rates, :math:`0 < \eta_{\min} < \eta_{\max}`.
    num_steps : int
        The number of steps :math:`n \ge 2`, if the loss does not diverge first.
    diverge_factor : float, default 4.0
        :math:`f > 1`.

    Returns
    -------
    (lrs, losses)
        Two float64 arrays of the same length, at most ``num_steps``: the
        learning rates tried and the loss at the start of each of those steps.

    Examples
    --------
    On :math:`\mathcal{L}(w) = \tfrac12 w^2` from :math:`w = 4` a step multiplies :math:`w` by
    :math:`1 - \eta_t`: by 0.99, 0.9 and 0 (η = 1) below; then, from η = 0.5 to 500, the step with η = 5
    makes :math:`|w|` 4 times larger, the loss 16 times, and the test stops after 3 of its 4 steps.

    >>> f = lambda params, t: (0.5 * float(params["w"][0]) ** 2, {"dw": params["w"]})
    >>> lrs, losses = lr_range_test(f, {"w": np.array([4.0])}, 0.01, 10.0, 4)
    >>> lrs.round(12), losses.round(12)
    (array([ 0.01,  0.1 ,  1.  , 10.  ]), array([8.      , 7.8408  , 6.351048, 0.      ]))
    >>> lrs, losses = lr_range_test(f, {"w": np.array([4.0])}, 0.5, 500.0, 4)
    >>> lrs.round(12), losses.round(12)
    (array([ 0.5,  5. , 50. ]), array([ 8.,  2., 32.]))
    """
    check_callable(loss_and_grads, "loss_and_grads")
    check_parameters(parameters)
    lr_min = check_positive(lr_min, "lr_min")
    lr_max = check_real(lr_max, "lr_max")
    if not lr_max > lr_min:
        raise ValueError(f"lr_max must be greater than lr_min ({lr_min}), got {lr_max}")
    num_steps = check_int(num_steps, "num_steps", 2)
    diverge_factor = check_real(diverge_factor, "diverge_factor")
    if not diverge_factor > 1:
        raise ValueError(f"diverge_factor must be greater than 1 (stop when the loss is that many times "
                         f"its smallest value), got {diverge_factor}")

    params = {key: np.array(value, copy=True) for key, value in parameters.items()}
    ratio = lr_max / lr_min
    lrs, losses = [], []
    for t in range(num_steps):
        lr = lr_min * ratio ** (t / (num_steps - 1))
        loss, grads = _loss_and_grads(loss_and_grads, params, t)
        lrs.append(lr)
        losses.append(loss)
        if not math.isfinite(loss) or loss > diverge_factor * min(losses) or t == num_steps - 1:
            break
        check_matching(grads, "grads", params)
        params = {key: (p - lr * grads[grad_key(key)]).astype(p.dtype, copy=False) for key, p in params.items()}
    return np.array(lrs, dtype=np.float64), np.array(losses, dtype=np.float64)
