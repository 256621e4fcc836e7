r"""Hyperparameter search (chapter 10): log-uniform sampling, random search, coarse-to-fine search.

Every random draw comes from a NumPy ``Generator`` passed in as ``rng``
(``np.random.default_rng(seed)``), consumed in a documented order, so that a
search is reproducible to the last bit: the same seed gives the same trials.

A search space is a dict ``{name: (low, high, scale)}`` with
``scale`` either ``"log"`` (the value is :math:`10^u`, :math:`u` uniform on
:math:`[\log_{10} \text{low}, \log_{10} \text{high}]`) or ``"linear"`` (the
value is uniform on :math:`[\text{low}, \text{high}]`). The objective is a
function ``objective(config) -> float`` of a dict ``{name: value}``; lower
is better (a validation loss), and ``float("inf")`` marks a run that
diverged.
"""

import math
import numbers

import numpy as np

from ._validation import _type_name, check_callable, check_int, check_real

__all__ = ["log_uniform", "random_search", "coarse_to_fine"]

SCALES = ("log", "linear")


# --------------------------------------------------------------------------
# Checks specific to this module
# --------------------------------------------------------------------------

def _check_rng(rng):
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a NumPy random Generator (np.random.default_rng(seed)), "
                        f"got {_type_name(rng)}")
    return rng


def _check_size(size):
    if isinstance(size, tuple):
        return tuple(check_int(s, f"size[{i}]", 0) for i, s in enumerate(size))
    return check_int(size, "size", 0, what="an integer or a tuple of integers")


def _check_bounds(low, high, name_low="low", name_high="high", log=True):
    low, high = check_real(low, name_low), check_real(high, name_high)
    if log and low <= 0:
        raise ValueError(f"{name_low} must be positive on a log scale, got {low}")
    if high < low:
        raise ValueError(f"{name_high} must be >= {name_low} ({low}), got {high}")
    return low, high


def _check_space(space):
    """``{name: (low, high, "log" | "linear")}``, returned with float bounds."""
    if not isinstance(space, dict):
        raise TypeError(f"space must be a dict {{name: (low, high, scale)}}, got {_type_name(space)}")
    if not space:
        raise ValueError("space must name at least one hyperparameter, got an empty dict")
    checked = {}
    for name, entry in space.items():
        if not isinstance(name, str):
            raise TypeError(f"space keys must be hyperparameter names (str), got {_type_name(name)}")
        if not isinstance(entry, (tuple, list)) or len(entry) != 3:
            raise ValueError(f"space[{name!r}] must be a tuple (low, high, scale), got {entry!r}")
        low, high, scale = entry
        if scale not in SCALES:
            raise ValueError(f"space[{name!r}] has scale {scale!r}; use 'log' or 'linear'")
        low, high = _check_bounds(low, high, f"space[{name!r}] low", f"space[{name!r}] high",
                                  log=scale == "log")
        checked[name] = (low, high, scale)
    return checked


def _score(objective, config):
    score = objective(dict(config))
    if isinstance(score, np.ndarray) and score.size == 1:
        score = score.reshape(())[()]
    if not isinstance(score, numbers.Real) or isinstance(score, (bool, np.bool_)):
        raise TypeError(f"objective(config) must return a real number, got {_type_name(score)}")
    score = float(score)
    if math.isnan(score):
        raise ValueError(f"objective(config) returned nan for {config}; "
                         "return float('inf') for a run that diverged")
    return score


def _best(trials):
    """The first trial with the smallest score (ties go to the earliest)."""
    best = trials[0]
    for trial in trials[1:]:
        if trial[1] < best[1]:
            best = trial
    return best


# --------------------------------------------------------------------------
# The three functions
# --------------------------------------------------------------------------

def _log_uniform(low, high, size, rng):
    return 10.0 ** rng.uniform(math.log10(low), math.log10(high), size)


def log_uniform(low, high, size, rng):
    r"""Draw numbers whose base-10 logarithm is uniform: every decade is equally likely.

    .. math:: x = 10^{u}, \qquad u \sim \mathcal{U}[\log_{10} \text{low},\; \log_{10} \text{high}]

    The exponents are drawn with one call
    ``rng.uniform(log10(low), log10(high), size)``. Source: Bergstra & Bengio
    (2012), *Random Search for Hyper-Parameter Optimization*, JMLR 13, and the
    deeplearning.ai course's "use an appropriate scale" (``r = -4 * rng.random();
    lr = 10 ** r``).

    Parameters
    ----------
    low, high : float
        The range, :math:`0 < \text{low} \le \text{high}`.
    size : int or tuple of int
        The shape of the output.
    rng : numpy.random.Generator
        The source of randomness, ``np.random.default_rng(seed)``.

    Returns
    -------
    ndarray
        float64 array of shape ``size``, values in [low, high].

    Examples
    --------
    >>> x = log_uniform(1e-4, 1.0, 3, np.random.default_rng(0))
    >>> u = np.random.default_rng(0).uniform(-4.0, 0.0, 3)   # the exponents
    >>> bool(np.allclose(x, 10.0 ** u)), bool(np.all((1e-4 <= x) & (x <= 1.0)))
    (True, True)
    """
    low, high = _check_bounds(low, high)
    size = _check_size(size)
    rng = _check_rng(rng)
    return _log_uniform(low, high, size, rng)


def _random_search(objective, space, num_trials, rng):
    columns = {}
    for name, (low, high, scale) in space.items():       # one call per hyperparameter, in order
        if scale == "log":
            columns[name] = _log_uniform(low, high, num_trials, rng)
        else:
            columns[name] = rng.uniform(low, high, num_trials)
    trials = []
    for t in range(num_trials):
        config = {name: float(columns[name][t]) for name in space}
        trials.append((config, _score(objective, config)))
    return trials, _best(trials)


def random_search(objective, space, num_trials, rng):
    r"""Random search: evaluate ``num_trials`` random configurations, keep the best.

    For each hyperparameter, in the order of ``space``, all ``num_trials``
    values are drawn with one call: ``log_uniform(low, high, num_trials, rng)``
    for ``"log"``, ``rng.uniform(low, high, num_trials)`` for ``"linear"``.
    Trial :math:`t` is the configuration made of the :math:`t`-th value of
    every hyperparameter; the trials are evaluated in order, and the best is

    .. math:: t^* = \min \{\, t : \text{score}_t = \min_s \text{score}_s \,\}

    (the smallest score; ties go to the earliest trial). Source: Bergstra &
    Bengio (2012), *Random Search for Hyper-Parameter Optimization*.

    Parameters
    ----------
    objective : callable
        ``objective(config) -> float``, config a dict ``{name: value}``; lower
        is better; ``inf`` is allowed (a diverged run), NaN is not.
    space : dict
        ``{name: (low, high, scale)}``, scale ``"log"`` (low > 0) or ``"linear"``.
    num_trials : int
        Number of configurations, :math:`\ge 1`.
    rng : numpy.random.Generator
        The source of randomness.

    Returns
    -------
    (trials, best)
        ``trials``: list of ``(config, score)`` pairs in the order evaluated,
        configs as dicts of Python floats in the order of ``space``, scores as
        floats. ``best``: the pair with the smallest score (the earliest on a tie).

    Examples
    --------
    >>> space = {"x": (0.0, 4.0, "linear")}
    >>> trials, best = random_search(lambda c: (c["x"] - 3.0) ** 2, space, 5, np.random.default_rng(1))
    >>> xs = np.random.default_rng(1).uniform(0.0, 4.0, 5)
    >>> bool(np.allclose([c["x"] for c, _ in trials], xs)), bool(best[0]["x"] == xs[np.argmin((xs - 3) ** 2)])
    (True, True)
    """
    objective = check_callable(objective, "objective")
    space = _check_space(space)
    num_trials = check_int(num_trials, "num_trials", 1)
    rng = _check_rng(rng)
    return _random_search(objective, space, num_trials, rng)


def _window(low, high, scale, center, fraction):
    """The sub-range of [low, high] of width ``fraction`` times its width, centered on ``center``, clipped.

    On a log scale, widths and the center are measured in log10 units.
    """
    to, back = (math.log10, lambda u: 10.0 ** u) if scale == "log" else (float, float)
    lo, hi, c = to(low), to(high), to(center)
    half = 0.5 * fraction * (hi - lo)
    new_low = low if c - half <= lo else back(c - half)
    new_high = high if c + half >= hi else back(c + half)
    return new_low, new_high


def coarse_to_fine(objective, space, num_trials, num_rounds, shrink, rng):
    r"""Coarse-to-fine search: rounds of random search in windows that shrink around the best point.

    Round :math:`r = 0, 1, \dots` runs ``random_search`` with ``num_trials``
    trials (and the same ``rng``) over the space whose range for each
    hyperparameter is, with :math:`[\ell, h]` the original range and
    :math:`c` the value of the best trial of rounds :math:`0, \dots, r-1`
    (the smallest score so far, the earliest on a tie),

    .. math:: \Big[\max\big(\ell,\; c - \tfrac12 s^r (h - \ell)\big),\;
              \min\big(h,\; c + \tfrac12 s^r (h - \ell)\big)\Big]

    with :math:`s` = ``shrink``: a window :math:`s^r` times as wide as the
    original range, centered on the best point, clipped to the original range.
    For a ``"log"`` hyperparameter :math:`\ell, h, c` are replaced by their
    base-10 logarithms (the window is :math:`s^r` times as many decades) and
    the bounds are converted back with :math:`10^{(\cdot)}`. Round 0 searches
    the original range. Source: the "coarse to fine" sampling scheme of
    Ng's deeplearning.ai course (Improving Deep Neural Networks, week 3).

    Parameters
    ----------
    objective : callable
        ``objective(config) -> float``, lower is better (see ``random_search``).
    space : dict
        ``{name: (low, high, scale)}``, scale ``"log"`` or ``"linear"``.
    num_trials : int
        Trials per round, :math:`\ge 1`.
    num_rounds : int
        Number of rounds, :math:`\ge 1` (1 is plain random search).
    shrink : float
        Width of each round's window relative to the previous one, in (0, 1].
    rng : numpy.random.Generator
        The source of randomness, shared by all rounds.

    Returns
    -------
    (trials, best, spaces)
        ``trials``: the ``(config, score)`` pairs of all rounds in order
        (round :math:`r` is ``trials[r * num_trials:(r + 1) * num_trials]``);
        ``best``: the best of them all (the earliest on a tie); ``spaces``: one
        dict ``{name: (low, high)}`` per round, the ranges that round searched.

    Examples
    --------
    >>> space = {"lr": (1e-4, 1.0, "log")}
    >>> trials, best, spaces = coarse_to_fine(lambda c: abs(np.log10(c["lr"]) + 2.0), space,
    ...                                       4, 3, 0.5, np.random.default_rng(0))
    >>> len(trials), [round(float(np.log10(h / l)), 6) for l, h in (s["lr"] for s in spaces)]
    (12, [4.0, 2.0, 1.0])
    """
    objective = check_callable(objective, "objective")
    space = _check_space(space)
    num_trials = check_int(num_trials, "num_trials", 1)
    num_rounds = check_int(num_rounds, "num_rounds", 1)
    shrink = check_real(shrink, "shrink")
    if not 0 < shrink <= 1:
        raise ValueError(f"shrink must be in (0, 1] (the window's width relative to the last round's), "
                         f"got {shrink}")
    rng = _check_rng(rng)

    trials, spaces = [], []
    for r in range(num_rounds):
        if r == 0:
            ranges = {name: (low, high) for name, (low, high, _) in space.items()}
        else:
            center = _best(trials)[0]
            ranges = {name: _window(low, high, scale, center[name], shrink ** r)
                      for name, (low, high, scale) in space.items()}
        spaces.append(ranges)
        round_space = {name: ranges[name] + (space[name][2],) for name in space}
        round_trials, _ = _random_search(objective, round_space, num_trials, rng)
        trials.extend(round_trials)
    return trials, _best(trials), spaces
