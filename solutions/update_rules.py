r"""Array-level update rules (reference API, section 1).

Every rule is a pure function of NumPy arrays: it takes the parameters ``w``,
the gradient ``g`` and the optimizer state, and returns the new parameters
and the new state (new arrays; the inputs are never modified). Outputs have
the dtype of ``w``. Hyperparameters are Python or NumPy scalars; ``t`` is
the 1-based index of the update being made; ``eps`` sits outside the
square root everywhere.

The small private helpers at the top (exponential moving average, bias
correction, the adaptive step) are shared with the dictionary-level
functions in :mod:`solutions.parameters`, so each formula is written once.
"""

import numpy as np

from ._validation import (check_arrays, check_decay, check_mu_product, check_nonnegative,
                          check_positive, check_step)

__all__ = [
    "gd_step",
    "momentum_step",
    "heavy_ball_step",
    "nesterov_step",
    "adagrad_step",
    "rmsprop_step",
    "adam_step",
    "adamw_step",
    "nadam_step",
    "amsgrad_step",
]


# --------------------------------------------------------------------------
# Shared building blocks (unchecked; the public functions check once)
# --------------------------------------------------------------------------

def _like(x, w):
    """``x`` in the dtype of the parameters ``w`` (no copy when it already is)."""
    return x.astype(w.dtype, copy=False)


def _ema(average, x, decay):
    r"""Exponential moving average: :math:`\beta a + (1-\beta) x`."""
    return decay * average + (1.0 - decay) * x


def _debias(average, decay, t):
    r"""Bias correction of a zero-initialized average: :math:`a / (1-\beta^t)`."""
    return average / (1.0 - decay ** t)


def _adaptive_step(w, direction, second_moment, lr, eps):
    r""":math:`w - \eta\, d / (\sqrt{s} + \varepsilon)`, ``eps`` outside the root."""
    return w - lr * direction / (np.sqrt(second_moment) + eps)


def _adam_update(w, g, m, v, t, lr, beta1, beta2, eps):
    """Adam: returns ``(w, m, v, m_hat, v_hat)``."""
    m = _ema(m, g, beta1)
    v = _ema(v, g * g, beta2)
    m_hat = _debias(m, beta1, t)
    v_hat = _debias(v, beta2, t)
    return _adaptive_step(w, m_hat, v_hat, lr, eps), m, v, m_hat, v_hat


def _nadam_momentum(t, beta1, momentum_decay):
    r"""Dozat's momentum schedule :math:`\mu_t = \beta_1(1 - \tfrac12\, 0.96^{t\psi})`."""
    return beta1 * (1.0 - 0.5 * 0.96 ** (t * momentum_decay))


# --------------------------------------------------------------------------
# Part I: plain gradient descent
# --------------------------------------------------------------------------

def gd_step(w, g, lr):
    r"""One step of gradient descent.

    .. math:: w \leftarrow w - \eta\, g

    Convention: Cauchy's steepest descent (1847) with a fixed step size
    :math:`\eta`; on :math:`\mathcal{L}(w) = \tfrac{\lambda_1}{2} w^2` it converges for
    :math:`0 < \eta < 2/\lambda_1`.

    Parameters
    ----------
    w : ndarray of float
        Current parameters (a float scalar is accepted too).
    g : ndarray of float
        Gradient of the loss at ``w``, same shape as ``w``.
    lr : float
        Learning rate :math:`\eta \ge 0`.

    Returns
    -------
    w : ndarray
        The new parameters, dtype of ``w``.

    Examples
    --------
    >>> import numpy as np
    >>> gd_step(np.array([1.0, -2.0]), np.array([0.5, 4.0]), lr=0.1)
    array([ 0.95, -2.4 ])
    """
    w, g = check_arrays(w=w, g=g)
    lr = check_nonnegative(lr, "lr")
    return _like(w - lr * g, w)


# --------------------------------------------------------------------------
# Part II: direction (the momentum family)
# --------------------------------------------------------------------------

def momentum_step(w, g, v, lr, beta=0.9):
    r"""One step of momentum, exponential-moving-average form.

    .. math::

        v &\leftarrow \beta v + (1-\beta)\, g \\
        w &\leftarrow w - \eta\, v

    Convention: the velocity is an average of past gradients, as in the
    deeplearning.ai optimization assignment (Ng) and ``update_parameters_with_momentum``.
    Unrolled from :math:`v_0 = 0`: :math:`v_n = (1-\beta)\sum_{i=1}^{n}\beta^{n-i} g_i`.
    It traces the same path as :func:`heavy_ball_step` with
    :math:`\rho = \beta` and learning rate :math:`\eta(1-\beta)`.

    Parameters
    ----------
    w, g, v : ndarray of float
        Parameters, gradient at ``w`` and velocity (start with zeros), one shape.
    lr : float
        Learning rate :math:`\eta \ge 0`.
    beta : float, default 0.9
        Momentum decay :math:`\beta \in [0, 1)`.

    Returns
    -------
    (w, v) : tuple of ndarray
        New parameters and new velocity.

    Examples
    --------
    >>> import numpy as np
    >>> w, v = momentum_step(np.array([1.0]), np.array([2.0]), np.array([1.0]), lr=0.1)
    >>> v, w                      # v = 0.9*1 + 0.1*2, w = 1 - 0.1*1.1
    (array([1.1]), array([0.89]))
    """
    w, g, v = check_arrays(w=w, g=g, v=v)
    lr = check_nonnegative(lr, "lr")
    beta = check_decay(beta, "beta")
    v = _ema(v, g, beta)
    return _like(w - lr * v, w), _like(v, w)


def heavy_ball_step(w, g, v, lr, rho=0.9):
    r"""One step of Polyak's heavy-ball momentum, velocity-sum form.

    .. math::

        v &\leftarrow \rho v + g \\
        w &\leftarrow w - \eta\, v

    Convention: Polyak 1964 heavy ball; the velocity-sum convention as in
    CS231n and ``torch.optim.SGD(momentum=rho)`` (dampening 0). Unrolled from
    :math:`v_0 = 0`: :math:`v_n = \sum_{i=1}^{n}\rho^{n-i} g_i`.

    Parameters
    ----------
    w, g, v : ndarray of float
        Parameters, gradient at ``w`` and velocity (start with zeros), one shape.
    lr : float
        Learning rate :math:`\eta \ge 0`.
    rho : float, default 0.9
        Momentum coefficient :math:`\rho \in [0, 1)`.

    Returns
    -------
    (w, v) : tuple of ndarray
        New parameters and new velocity.

    Examples
    --------
    >>> import numpy as np
    >>> w, v = heavy_ball_step(np.array([1.0]), np.array([2.0]), np.array([1.0]), lr=0.1)
    >>> v, w                      # v = 0.9*1 + 2, w = 1 - 0.1*2.9
    (array([2.9]), array([0.71]))
    """
    w, g, v = check_arrays(w=w, g=g, v=v)
    lr = check_nonnegative(lr, "lr")
    rho = check_decay(rho, "rho")
    v = rho * v + g
    return _like(w - lr * v, w), _like(v, w)


def nesterov_step(w, g, v, lr, rho=0.9):
    r"""One step of Nesterov momentum, with the gradient at the current point.

    .. math::

        v &\leftarrow \rho v + g \\
        w &\leftarrow w - \eta\,(g + \rho v)

    Convention: Nesterov 1983 / Sutskever et al. 2013 (velocity-sum form), in
    the rewritten form of ``torch.optim.SGD(momentum=rho, nesterov=True)``.
    The look-ahead form evaluates the gradient at :math:`w - \eta\rho v`;
    substituting :math:`u = w - \eta\rho v` turns it into the rule above,
    whose iterates are the look-ahead points :math:`u`.

    Parameters
    ----------
    w, g, v : ndarray of float
        Parameters, gradient at ``w`` and velocity (start with zeros), one shape.
    lr : float
        Learning rate :math:`\eta \ge 0`.
    rho : float, default 0.9
        Momentum coefficient :math:`\rho \in [0, 1)`.

    Returns
    -------
    (w, v) : tuple of ndarray
        New parameters and new velocity.

    Examples
    --------
    >>> import numpy as np
    >>> w, v = nesterov_step(np.array([1.0]), np.array([2.0]), np.array([1.0]), lr=0.1)
    >>> v, w                      # v = 0.9*1 + 2, w = 1 - 0.1*(2 + 0.9*2.9)
    (array([2.9]), array([0.539]))
    """
    w, g, v = check_arrays(w=w, g=g, v=v)
    lr = check_nonnegative(lr, "lr")
    rho = check_decay(rho, "rho")
    v = rho * v + g
    return _like(w - lr * (g + rho * v), w), _like(v, w)


# --------------------------------------------------------------------------
# Part III: step size (adaptive methods)
# --------------------------------------------------------------------------

def adagrad_step(w, g, G, lr, eps=1e-8):
    r"""One step of AdaGrad.

    .. math::

        G &\leftarrow G + g^2 \\
        w &\leftarrow w - \eta\, g / (\sqrt{G} + \varepsilon)

    Convention: Duchi, Hazan & Singer 2011 (diagonal version); ``eps`` outside
    the square root, as in ``torch.optim.Adagrad``. :math:`G` is the sum of
    all squared gradients so far (start with zeros).

    Parameters
    ----------
    w, g, G : ndarray of float
        Parameters, gradient at ``w`` and accumulator, one shape.
    lr : float
        Learning rate :math:`\eta \ge 0`.
    eps : float, default 1e-8
        :math:`\varepsilon > 0`, added to :math:`\sqrt{G}`.

    Returns
    -------
    (w, G) : tuple of ndarray
        New parameters and new accumulator.

    Examples
    --------
    >>> import numpy as np
    >>> w, G = adagrad_step(np.array([1.0]), np.array([3.0]), np.array([16.0]), lr=0.5)
    >>> G, w.round(6)            # G = 16 + 9, w = 1 - 0.5*3/5
    (array([25.]), array([0.7]))
    """
    w, g, G = check_arrays(w=w, g=g, G=G)
    lr = check_nonnegative(lr, "lr")
    eps = check_positive(eps, "eps")
    G = G + g * g
    return _like(_adaptive_step(w, g, G, lr, eps), w), _like(G, w)


def rmsprop_step(w, g, s, lr, beta=0.9, eps=1e-8):
    r"""One step of RMSProp.

    .. math::

        s &\leftarrow \beta s + (1-\beta)\, g^2 \\
        w &\leftarrow w - \eta\, g / (\sqrt{s} + \varepsilon)

    Convention: Hinton's Coursera lecture 6e (2012), no bias correction;
    ``eps`` outside the square root, as in ``torch.optim.RMSprop``.
    Unrolled from :math:`s_0 = 0`: :math:`s_n = (1-\beta)\sum_{i=1}^n \beta^{n-i} g_i^2`.

    Parameters
    ----------
    w, g, s : ndarray of float
        Parameters, gradient at ``w`` and average of squared gradients, one shape.
    lr : float
        Learning rate :math:`\eta \ge 0`.
    beta : float, default 0.9
        Decay :math:`\beta \in [0, 1)` of the squared-gradient average.
    eps : float, default 1e-8
        :math:`\varepsilon > 0`, added to :math:`\sqrt{s}`.

    Returns
    -------
    (w, s) : tuple of ndarray
        New parameters and new average.

    Examples
    --------
    >>> import numpy as np
    >>> w, s = rmsprop_step(np.array([1.0]), np.array([2.0]), np.array([0.0]),
    ...                     lr=0.1, beta=0.75)
    >>> s, w.round(6)            # s = 0.25*4 = 1, w = 1 - 0.1*2/1
    (array([1.]), array([0.8]))
    """
    w, g, s = check_arrays(w=w, g=g, s=s)
    lr = check_nonnegative(lr, "lr")
    beta = check_decay(beta, "beta")
    eps = check_positive(eps, "eps")
    s = _ema(s, g * g, beta)
    return _like(_adaptive_step(w, g, s, lr, eps), w), _like(s, w)


def adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    r"""One step of Adam.

    .. math::

        m &\leftarrow \beta_1 m + (1-\beta_1)\, g, \qquad
        v \leftarrow \beta_2 v + (1-\beta_2)\, g^2 \\
        \hat m &= m / (1-\beta_1^t), \qquad \hat v = v / (1-\beta_2^t) \\
        w &\leftarrow w - \eta\, \hat m / (\sqrt{\hat v} + \varepsilon)

    Convention: Kingma & Ba 2015, Algorithm 1 (``eps`` outside the root, as
    in ``torch.optim.Adam``). On the first step from zero moments,
    :math:`\hat m = g` and :math:`\hat v = g^2`, so every coordinate moves by
    about :math:`\eta\,\mathrm{sign}(g)`.

    Parameters
    ----------
    w, g, m, v : ndarray of float
        Parameters, gradient at ``w``, first and second moments (start with
        zeros), one shape.
    t : int
        1-based index of this update (the first update uses ``t=1``).
    lr : float, default 1e-3
        Learning rate :math:`\eta \ge 0`.
    beta1, beta2 : float, default 0.9, 0.999
        Decays of the two moment averages, in [0, 1).
    eps : float, default 1e-8
        :math:`\varepsilon > 0`, added to :math:`\sqrt{\hat v}`.

    Returns
    -------
    (w, m, v) : tuple of ndarray
        New parameters and new (uncorrected) moments.

    Examples
    --------
    >>> import numpy as np
    >>> z = np.zeros(2)
    >>> w, m, v = adam_step(np.array([1.0, 1.0]), np.array([0.5, -20.0]), z, z, t=1, lr=0.1)
    >>> w.round(6)               # each coordinate moves by lr*sign(g)
    array([0.9, 1.1])
    """
    w, g, m, v = check_arrays(w=w, g=g, m=m, v=v)
    t = check_step(t)
    lr = check_nonnegative(lr, "lr")
    beta1 = check_decay(beta1, "beta1")
    beta2 = check_decay(beta2, "beta2")
    eps = check_positive(eps, "eps")
    w_new, m, v, _, _ = _adam_update(w, g, m, v, t, lr, beta1, beta2, eps)
    return _like(w_new, w), _like(m, w), _like(v, w)


def adamw_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
               weight_decay=1e-2):
    r"""One step of AdamW (Adam with decoupled weight decay).

    .. math::

        w &\leftarrow w\,(1 - \eta\lambda) \\
        w &\leftarrow \text{the Adam update of } w \text{ (see } \texttt{adam\_step}\text{)}

    Convention: Loshchilov & Hutter 2019, "Decoupled Weight Decay
    Regularization", with the decay scaled by the learning rate as in
    ``torch.optim.AdamW``. The decay never passes through Adam's
    denominator, unlike an L2 penalty added to ``g``.

    Parameters
    ----------
    w, g, m, v : ndarray of float
        Parameters, gradient of the loss (without the penalty) at ``w``,
        first and second moments, one shape.
    t : int
        1-based index of this update.
    lr : float, default 1e-3
        Learning rate :math:`\eta \ge 0`.
    beta1, beta2 : float, default 0.9, 0.999
        Decays of the two moment averages, in [0, 1).
    eps : float, default 1e-8
        :math:`\varepsilon > 0`.
    weight_decay : float, default 1e-2
        :math:`\lambda \ge 0`.

    Returns
    -------
    (w, m, v) : tuple of ndarray
        New parameters and new moments.

    Examples
    --------
    >>> import numpy as np
    >>> z = np.zeros(1)
    >>> w, m, v = adamw_step(np.array([1.0]), np.array([2.0]), z, z, t=1, lr=0.1,
    ...                      weight_decay=0.5)
    >>> w.round(6)               # 1*(1 - 0.1*0.5) - 0.1*sign(2)
    array([0.85])
    """
    w, g, m, v = check_arrays(w=w, g=g, m=m, v=v)
    t = check_step(t)
    lr = check_nonnegative(lr, "lr")
    beta1 = check_decay(beta1, "beta1")
    beta2 = check_decay(beta2, "beta2")
    eps = check_positive(eps, "eps")
    weight_decay = check_nonnegative(weight_decay, "weight_decay")
    decayed = w * (1.0 - lr * weight_decay)
    w_new, m, v, _, _ = _adam_update(decayed, g, m, v, t, lr, beta1, beta2, eps)
    return _like(w_new, w), _like(m, w), _like(v, w)


def nadam_step(w, g, m, v, t, mu_product, lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8,
               momentum_decay=4e-3):
    r"""One step of NAdam (Adam with Nesterov momentum).

    With :math:`\psi` = ``momentum_decay`` and :math:`\pi` = ``mu_product``:

    .. math::

        \mu_t &= \beta_1\,(1 - \tfrac12\, 0.96^{t\psi}), \qquad
        \mu_{t+1} = \beta_1\,(1 - \tfrac12\, 0.96^{(t+1)\psi}), \qquad
        \pi \leftarrow \pi\,\mu_t \\
        m &\leftarrow \beta_1 m + (1-\beta_1)\, g, \qquad
        v \leftarrow \beta_2 v + (1-\beta_2)\, g^2, \qquad
        \hat v = v / (1-\beta_2^t) \\
        w &\leftarrow w - \eta\, \frac{\mu_{t+1}}{1 - \pi\mu_{t+1}}
              \frac{m}{\sqrt{\hat v} + \varepsilon}
            - \eta\, \frac{1 - \mu_t}{1 - \pi} \frac{g}{\sqrt{\hat v} + \varepsilon}

    Convention: Dozat 2016, "Incorporating Nesterov Momentum into Adam", in
    the form ``torch.optim.NAdam`` implements (momentum schedule with
    ``momentum_decay``; bias corrections through the running product of the
    :math:`\mu_i` and :math:`1-\beta_2^t`; no weight decay).

    Parameters
    ----------
    w, g, m, v : ndarray of float
        Parameters, gradient at ``w``, first and second moments, one shape.
    t : int
        1-based index of this update.
    mu_product : float
        :math:`\prod_{i<t} \mu_i`; 1.0 before the first update.
    lr : float, default 2e-3
        Learning rate :math:`\eta \ge 0`.
    beta1, beta2 : float, default 0.9, 0.999
        Decays of the two moment averages, in [0, 1).
    eps : float, default 1e-8
        :math:`\varepsilon > 0`.
    momentum_decay : float, default 4e-3
        :math:`\psi \ge 0`.

    Returns
    -------
    (w, m, v, mu_product) : tuple
        New parameters, new moments (arrays) and the new product
        :math:`\prod_{i\le t}\mu_i` (a float).

    Examples
    --------
    >>> import numpy as np
    >>> z = np.zeros(1)
    >>> w, m, v, mu_product = nadam_step(np.array([1.0]), np.array([2.0]), z, z,
    ...                                  t=1, mu_product=1.0, lr=0.1)
    >>> round(mu_product, 6)     # mu_1 = 0.9*(1 - 0.5*0.96**0.004)
    0.450073
    >>> w.round(6)               # 1 - 0.1*(1 + 0.1*mu_2/(1 - mu_1*mu_2))
    array([0.894355])
    """
    w, g, m, v = check_arrays(w=w, g=g, m=m, v=v)
    t = check_step(t)
    mu_product = check_mu_product(mu_product)
    lr = check_nonnegative(lr, "lr")
    beta1 = check_decay(beta1, "beta1")
    beta2 = check_decay(beta2, "beta2")
    eps = check_positive(eps, "eps")
    momentum_decay = check_nonnegative(momentum_decay, "momentum_decay")

    mu = _nadam_momentum(t, beta1, momentum_decay)
    mu_next = _nadam_momentum(t + 1, beta1, momentum_decay)
    mu_product = mu_product * mu
    m = _ema(m, g, beta1)
    v = _ema(v, g * g, beta2)
    denom = np.sqrt(_debias(v, beta2, t)) + eps
    w_new = (w - lr * (1.0 - mu) / (1.0 - mu_product) * g / denom
             - lr * mu_next / (1.0 - mu_product * mu_next) * m / denom)
    return _like(w_new, w), _like(m, w), _like(v, w), mu_product


def amsgrad_step(w, g, m, v, v_max, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    r"""One step of AMSGrad: Adam whose denominator never shrinks.

    .. math::

        m &\leftarrow \beta_1 m + (1-\beta_1)\, g, \qquad
        v \leftarrow \beta_2 v + (1-\beta_2)\, g^2, \qquad
        v_{\max} \leftarrow \max(v_{\max}, v) \\
        w &\leftarrow w - \eta\, \frac{m / (1-\beta_1^t)}{\sqrt{v_{\max} / (1-\beta_2^t)} + \varepsilon}

    Convention: Reddi, Kale & Kumar 2018, "On the Convergence of Adam and
    Beyond", Algorithm 2, with Adam's bias corrections as in
    ``torch.optim.Adam(amsgrad=True)``: the running maximum is taken of the
    uncorrected ``v`` and corrected afterwards (the paper has no
    corrections). Where Adam lets a rare large gradient fade from ``v``
    (and the step grow again), AMSGrad keeps the largest ``v`` seen: its
    denominator never shrinks but for the bias correction, and with the
    same moments its step is never larger than Adam's.

    Parameters
    ----------
    w, g, m, v, v_max : ndarray of float
        Parameters, gradient at ``w``, first and second moments and the
        running maximum of the second moment (all start with zeros), one shape.
    t : int
        1-based index of this update.
    lr : float, default 1e-3
        Learning rate :math:`\eta \ge 0`.
    beta1, beta2 : float, default 0.9, 0.999
        Decays of the two moment averages, in [0, 1).
    eps : float, default 1e-8
        :math:`\varepsilon > 0`, added to the root.

    Returns
    -------
    (w, m, v, v_max) : tuple of ndarray
        New parameters, new (uncorrected) moments and the new maximum.

    Examples
    --------
    >>> import numpy as np
    >>> w, m, v, v_max = amsgrad_step(np.array([1.0]), np.array([1.0]), np.array([0.0]),
    ...                               np.array([0.0]), np.array([4.0]), t=1, lr=0.1,
    ...                               beta1=0.0, beta2=0.5)
    >>> v, v_max                 # v = 0.5*1 = 0.5; the maximum keeps 4
    (array([0.5]), array([4.]))
    >>> w.round(6)               # 1 - 0.1*1/sqrt(4/0.5)
    array([0.964645])
    """
    w, g, m, v, v_max = check_arrays(w=w, g=g, m=m, v=v, v_max=v_max)
    t = check_step(t)
    lr = check_nonnegative(lr, "lr")
    beta1 = check_decay(beta1, "beta1")
    beta2 = check_decay(beta2, "beta2")
    eps = check_positive(eps, "eps")
    m = _ema(m, g, beta1)
    v = _ema(v, g * g, beta2)
    v_max = np.maximum(v_max, v)
    w_new = _adaptive_step(w, _debias(m, beta1, t), _debias(v_max, beta2, t), lr, eps)
    return _like(w_new, w), _like(m, w), _like(v, w), _like(v_max, w)
