r"""Learning-rate schedules (reference API, section 3).

Each schedule is a pure function of the epoch (or step) number. Given a
scalar ``epoch_num`` it returns a Python ``float``; given an array of epoch
numbers it returns a float64 array of the same shape (handy for plots).
"""

import numpy as np

from ._validation import _is_real, check_int, check_nonnegative, check_positive, check_real, check_real_array

__all__ = ["update_lr", "schedule_lr_decay", "exponential_decay", "step_decay", "cosine_decay",
           "linear_warmup", "warmup_cosine", "linear_scaling"]


def _epochs(epoch_num, name="epoch_num"):
    """``epoch_num`` as a float64 array of non-negative values, and whether it was a scalar."""
    scalar = _is_real(epoch_num)
    epochs = check_real_array(epoch_num, name).astype(np.float64)
    if not np.all(np.isfinite(epochs)) or np.any(epochs < 0):
        raise ValueError(f"{name} must be non-negative and finite, got {epoch_num}")
    return epochs, scalar


def _result(value, scalar):
    return float(value) if scalar else value


def update_lr(learning_rate0, epoch_num, decay_rate):
    r"""Inverse-time decay, applied every epoch.

    .. math:: \eta = \frac{\eta_0}{1 + k \cdot \text{epoch\_num}}

    Convention: the deeplearning.ai optimization assignment's ``update_lr``
    (Ng, "learning rate decay").

    Parameters
    ----------
    learning_rate0 : float
        Initial learning rate :math:`\eta_0 \ge 0`.
    epoch_num : int, float or ndarray
        Epoch number(s), :math:`\ge 0`.
    decay_rate : float
        :math:`k \ge 0`.

    Returns
    -------
    float or ndarray
        The learning rate at ``epoch_num``.

    Examples
    --------
    >>> update_lr(0.5, 2, 1.5)        # 0.5 / (1 + 1.5*2)
    0.125
    """
    lr0 = check_nonnegative(learning_rate0, "learning_rate0")
    epochs, scalar = _epochs(epoch_num)
    k = check_nonnegative(decay_rate, "decay_rate")
    return _result(lr0 / (1.0 + k * epochs), scalar)


def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    r"""Inverse-time decay applied at fixed intervals (a staircase).

    .. math:: \eta = \frac{\eta_0}{1 + k \left\lfloor \text{epoch\_num} / T \right\rfloor}

    Constant on each interval :math:`[jT, (j+1)T)`, dropping at the multiples
    of :math:`T`. Convention: the deeplearning.ai optimization assignment's
    ``schedule_lr_decay``.

    Parameters
    ----------
    learning_rate0 : float
        Initial learning rate :math:`\eta_0 \ge 0`.
    epoch_num : int, float or ndarray
        Epoch number(s), :math:`\ge 0`.
    decay_rate : float
        :math:`k \ge 0`.
    time_interval : int or float, default 1000
        Interval length :math:`T > 0` (in epochs).

    Returns
    -------
    float or ndarray
        The learning rate at ``epoch_num``.

    Examples
    --------
    >>> schedule_lr_decay(0.5, 999, 1.0), schedule_lr_decay(0.5, 1000, 1.0)
    (0.5, 0.25)
    """
    lr0 = check_nonnegative(learning_rate0, "learning_rate0")
    epochs, scalar = _epochs(epoch_num)
    k = check_nonnegative(decay_rate, "decay_rate")
    interval = check_positive(time_interval, "time_interval")
    return _result(lr0 / (1.0 + k * np.floor(epochs / interval)), scalar)


def exponential_decay(learning_rate0, epoch_num, k):
    r"""Exponential decay.

    .. math:: \eta = \eta_0\, e^{-k \cdot \text{epoch\_num}}

    Parameters
    ----------
    learning_rate0 : float
        Initial learning rate :math:`\eta_0 \ge 0`.
    epoch_num : int, float or ndarray
        Epoch number(s), :math:`\ge 0`.
    k : float
        Decay constant :math:`k \ge 0`.

    Returns
    -------
    float or ndarray
        The learning rate at ``epoch_num``.

    Examples
    --------
    >>> import math
    >>> exponential_decay(0.1, 10, math.log(2) / 10)   # halves every 10 epochs
    0.05
    """
    lr0 = check_nonnegative(learning_rate0, "learning_rate0")
    epochs, scalar = _epochs(epoch_num)
    k = check_nonnegative(k, "k")
    return _result(lr0 * np.exp(-k * epochs), scalar)


# --------------------------------------------------------------------------
# Chapter 6: step decay, cosine annealing, warm-up, the linear scaling rule
# --------------------------------------------------------------------------

def step_decay(learning_rate0, epoch_num, drop=0.5, epochs_per_drop=10):
    r"""Step decay: multiply the rate by ``drop`` every ``epochs_per_drop`` epochs.

    .. math:: \eta = \eta_0 \cdot \text{drop}^{\left\lfloor \text{epoch\_num} / T \right\rfloor}

    Constant on each interval :math:`[jT, (j+1)T)`. The schedule of the
    ResNet paper (He et al. 2016) is step decay with drop 0.1 (a tenfold
    drop), placed where the training error plateaus.

    Parameters
    ----------
    learning_rate0 : float
        Initial learning rate :math:`\eta_0 \ge 0`.
    epoch_num : int, float or ndarray
        Epoch number(s), :math:`\ge 0`.
    drop : float, default 0.5
        Factor applied at every drop, in [0, 1].
    epochs_per_drop : int or float, default 10
        Interval length :math:`T > 0` (in epochs).

    Returns
    -------
    float or ndarray
        The learning rate at ``epoch_num``.

    Examples
    --------
    >>> step_decay(0.1, 9), step_decay(0.1, 10), step_decay(0.1, 25)   # 0.1 * 0.5**0, **1, **2
    (0.1, 0.05, 0.025)
    """
    lr0 = check_nonnegative(learning_rate0, "learning_rate0")
    epochs, scalar = _epochs(epoch_num)
    drop = check_real(drop, "drop")
    if not 0 <= drop <= 1:
        raise ValueError(f"drop must be in [0, 1] (the factor applied at each drop), got {drop}")
    interval = check_positive(epochs_per_drop, "epochs_per_drop")
    return _result(lr0 * drop ** np.floor(epochs / interval), scalar)


def _cosine(lr0, steps, total, min_lr):
    """min + (lr0 - min)(1 + cos(pi min(step, total) / total)) / 2, on checked arguments."""
    progress = np.minimum(steps, total) / total
    return min_lr + 0.5 * (lr0 - min_lr) * (1.0 + np.cos(np.pi * progress))


def _check_min_lr(min_learning_rate, lr0):
    min_lr = check_nonnegative(min_learning_rate, "min_learning_rate")
    if min_lr > lr0:
        raise ValueError(f"min_learning_rate must not exceed learning_rate0 ({lr0}), got {min_lr}")
    return min_lr


def cosine_decay(learning_rate0, step, total_steps, min_learning_rate=0.0):
    r"""Cosine annealing from ``learning_rate0`` down to ``min_learning_rate`` over ``total_steps``.

    .. math:: \eta = \eta_{\min} + \tfrac12 (\eta_0 - \eta_{\min})
              \left(1 + \cos\frac{\pi \min(\text{step}, T)}{T}\right)

    Starts at :math:`\eta_0` (step 0), passes the mean of the two rates at
    step :math:`T/2`, reaches :math:`\eta_{\min}` at step :math:`T` and
    stays there. Source: Loshchilov & Hutter (2017), SGDR, one cycle without
    restarts. Up to step :math:`T` it agrees with
    ``torch.optim.lr_scheduler.CosineAnnealingLR`` (``T_max = total_steps``,
    ``eta_min = min_learning_rate``); past it PyTorch's rate climbs back up,
    this one stays at :math:`\eta_{\min}`.

    Parameters
    ----------
    learning_rate0 : float
        Initial (peak) learning rate :math:`\eta_0 \ge 0`.
    step : int, float or ndarray
        Step (or epoch) number(s), counted from 0, :math:`\ge 0`.
    total_steps : int
        Length :math:`T \ge 1` of the decay.
    min_learning_rate : float, default 0.0
        Final rate :math:`0 \le \eta_{\min} \le \eta_0`.

    Returns
    -------
    float or ndarray
        The learning rate at ``step``.

    Examples
    --------
    >>> cosine_decay(1.0, 0, 100), cosine_decay(1.0, 50, 100), cosine_decay(1.0, 100, 100)
    (1.0, 0.5, 0.0)
    >>> cosine_decay(0.3, 150, 100, min_learning_rate=0.1)   # past the end: stays at the minimum
    0.1
    """
    lr0 = check_nonnegative(learning_rate0, "learning_rate0")
    steps, scalar = _epochs(step, "step")
    total = check_int(total_steps, "total_steps", 1)
    min_lr = _check_min_lr(min_learning_rate, lr0)
    return _result(_cosine(lr0, steps, total, min_lr), scalar)


def linear_warmup(learning_rate0, step, warmup_steps):
    r"""Linear warm-up to ``learning_rate0`` over ``warmup_steps`` steps, then constant.

    .. math:: \eta = \eta_0 \min\!\left(1, \frac{\text{step} + 1}{W}\right)

    Steps are counted from 0, and the first step already moves: step 0 uses
    :math:`\eta_0 / W`, step :math:`W - 1` the full :math:`\eta_0`, so
    the :math:`W` warm-up steps use :math:`\eta_0/W, 2\eta_0/W, \dots,
    \eta_0`. (Implementations that use ``step / W`` instead spend their
    first step at rate 0 and reach :math:`\eta_0` one step later.) Goyal et
    al. (2017) use a gradual warm-up of the same linear shape, but from the
    small-batch rate :math:`\eta` rather than :math:`\eta_0 / W`, reaching
    :math:`k\eta` after 5 epochs.

    Parameters
    ----------
    learning_rate0 : float
        The rate reached at the end of the warm-up, :math:`\eta_0 \ge 0`.
    step : int, float or ndarray
        Step number(s), counted from 0, :math:`\ge 0`.
    warmup_steps : int
        Length :math:`W \ge 1` of the warm-up.

    Returns
    -------
    float or ndarray
        The learning rate at ``step``.

    Examples
    --------
    >>> [linear_warmup(1.0, s, 4) for s in range(6)]
    [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]
    """
    lr0 = check_nonnegative(learning_rate0, "learning_rate0")
    steps, scalar = _epochs(step, "step")
    warmup = check_int(warmup_steps, "warmup_steps", 1)
    return _result(lr0 * np.minimum(1.0, (steps + 1.0) / warmup), scalar)


def warmup_cosine(learning_rate0, step, warmup_steps, total_steps, min_learning_rate=0.0):
    r"""Linear warm-up for ``warmup_steps`` steps, then cosine decay over the remaining steps.

    .. math::
        \eta = \begin{cases}
            \eta_0 \, (\text{step} + 1) / W & \text{step} < W \\
            \text{cosine\_decay}(\eta_0,\ \text{step} - W,\ T - W,\ \eta_{\min}) & \text{step} \ge W
        \end{cases}

    The warm-up (as :func:`linear_warmup`) reaches :math:`\eta_0` at step
    :math:`W - 1`; the cosine (as :func:`cosine_decay`) starts at
    :math:`\eta_0` at step :math:`W`, so the schedule is continuous, and
    reaches :math:`\eta_{\min}` at step :math:`T`. The warm-up ramps from
    :math:`\eta_0/W`, whatever :math:`\eta_{\min}`. ``warmup_steps = 0``
    gives plain cosine decay. The shape of the schedules used to train
    transformers (e.g. Hugging Face's ``get_cosine_schedule_with_warmup``,
    whose warm-up uses ``step / W``).

    Parameters
    ----------
    learning_rate0 : float
        Peak learning rate :math:`\eta_0 \ge 0`.
    step : int, float or ndarray
        Step number(s), counted from 0, :math:`\ge 0`.
    warmup_steps : int
        Length :math:`W \ge 0` of the warm-up, less than ``total_steps``.
    total_steps : int
        Total length :math:`T \ge 1`: warm-up plus :math:`T - W` steps of decay.
    min_learning_rate : float, default 0.0
        Final rate :math:`0 \le \eta_{\min} \le \eta_0`.

    Returns
    -------
    float or ndarray
        The learning rate at ``step``.

    Examples
    --------
    >>> [round(warmup_cosine(1.0, s, 4, 14), 4) for s in (0, 1, 3, 4, 9, 14)]
    [0.25, 0.5, 1.0, 1.0, 0.5, 0.0]
    """
    lr0 = check_nonnegative(learning_rate0, "learning_rate0")
    steps, scalar = _epochs(step, "step")
    total = check_int(total_steps, "total_steps", 1)
    warmup = check_int(warmup_steps, "warmup_steps", 0)
    if warmup >= total:
        raise ValueError(f"warmup_steps must be less than total_steps ({total}), got {warmup}")
    min_lr = _check_min_lr(min_learning_rate, lr0)
    warming = lr0 * np.minimum(1.0, (steps + 1.0) / max(warmup, 1))
    decaying = _cosine(lr0, np.maximum(steps - warmup, 0.0), total - warmup, min_lr)
    return _result(np.where(steps < warmup, warming, decaying), scalar)


def linear_scaling(learning_rate0, batch_size, base_batch_size=256):
    r"""The linear scaling rule: scale the learning rate with the mini-batch size.

    .. math:: \eta = \eta_0 \cdot \frac{B}{B_{\text{base}}}

    Double the batch, double the learning rate. Source: Goyal et al. (2017),
    *Accurate, Large Minibatch SGD*, who train ResNet-50 with
    :math:`\eta = 0.1 \cdot B / 256`, starting with a gradual warm-up.

    Parameters
    ----------
    learning_rate0 : float
        The learning rate :math:`\eta_0 \ge 0` that works at ``base_batch_size``.
    batch_size : int
        The mini-batch size :math:`B \ge 1` to train with.
    base_batch_size : int, default 256
        The mini-batch size :math:`B_{\text{base}} \ge 1` that ``learning_rate0`` was tuned for.

    Returns
    -------
    float
        The scaled learning rate.

    Examples
    --------
    >>> linear_scaling(0.1, 8192)    # Goyal et al.'s 8k batch: 0.1 * 8192 / 256
    3.2
    """
    lr0 = check_nonnegative(learning_rate0, "learning_rate0")
    batch = check_int(batch_size, "batch_size", 1)
    base = check_int(base_batch_size, "base_batch_size", 1)
    return lr0 * batch / base
