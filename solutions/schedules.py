r"""Learning-rate schedules (reference API, section 3).

Each schedule is a pure function of the epoch (or step) number. Given a
scalar ``epoch_num`` it returns a Python ``float``; given an array of epoch
numbers it returns a float64 array of the same shape (handy for plots).
"""

import numpy as np

from ._validation import _is_real, check_nonnegative, check_positive, check_real_array

__all__ = ["update_lr", "schedule_lr_decay", "exponential_decay"]


def _epochs(epoch_num):
    """``epoch_num`` as a float64 array of non-negative values, and whether it was a scalar."""
    scalar = _is_real(epoch_num)
    epochs = check_real_array(epoch_num, "epoch_num").astype(np.float64)
    if not np.all(np.isfinite(epochs)) or np.any(epochs < 0):
        raise ValueError(f"epoch_num must be non-negative and finite, got {epoch_num}")
    return epochs, scalar


def _result(value, scalar):
    return float(value) if scalar else value


def update_lr(learning_rate0, epoch_num, decay_rate):
    r"""Inverse-time decay, applied every epoch.

    .. math:: \alpha = \frac{\alpha_0}{1 + k \cdot \text{epoch\_num}}

    Convention: the deeplearning.ai optimization assignment's ``update_lr``
    (Ng, "learning rate decay").

    Parameters
    ----------
    learning_rate0 : float
        Initial learning rate :math:`\alpha_0 \ge 0`.
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

    .. math:: \alpha = \frac{\alpha_0}{1 + k \left\lfloor \text{epoch\_num} / T \right\rfloor}

    Constant on each interval :math:`[jT, (j+1)T)`, dropping at the multiples
    of :math:`T`. Convention: the deeplearning.ai optimization assignment's
    ``schedule_lr_decay``.

    Parameters
    ----------
    learning_rate0 : float
        Initial learning rate :math:`\alpha_0 \ge 0`.
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

    .. math:: \alpha = \alpha_0\, e^{-k \cdot \text{epoch\_num}}

    Parameters
    ----------
    learning_rate0 : float
        Initial learning rate :math:`\alpha_0 \ge 0`.
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
