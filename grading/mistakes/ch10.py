"""Mistaken variants of this chapter's exercises (see __init__.py)."""

import math

import numpy as np

from solutions import coarse_to_fine, log_uniform, random_search

CHAPTER = "10_hyperparameter_search"
REFERENCES = {
    "log_uniform": log_uniform,
    "random_search": random_search,
    "coarse_to_fine": coarse_to_fine,
}


# -------------------------------------------------------------- log_uniform

def log_uniform_linear(low, high, size, rng):
    return rng.uniform(low, high, size)


def log_uniform_natural_log(low, high, size, rng):
    return 10.0 ** rng.uniform(np.log(low), np.log(high), size)


def log_uniform_exponent_only(low, high, size, rng):
    return rng.uniform(np.log10(low), np.log10(high), size)


# ------------------------------------------------------------ random_search

def _draw(space, num_trials, rng, log=True):
    columns = {}
    for name, (low, high, scale) in space.items():
        if scale == "log" and log:
            columns[name] = 10.0 ** rng.uniform(math.log10(low), math.log10(high), num_trials)
        else:
            columns[name] = rng.uniform(low, high, num_trials)
    return [{name: float(columns[name][t]) for name in space} for t in range(num_trials)]


def _evaluate(objective, configs, pick=min):
    trials = [(config, float(objective(config))) for config in configs]
    scores = [score for _, score in trials]
    return trials, trials[scores.index(pick(scores))]


def random_search_uniform(objective, space, num_trials, rng):
    return _evaluate(objective, _draw(space, num_trials, rng, log=False))


def random_search_trial_by_trial(objective, space, num_trials, rng):
    configs = []
    for _ in range(num_trials):
        config = {}
        for name, (low, high, scale) in space.items():
            u = rng.uniform(math.log10(low), math.log10(high)) if scale == "log" else rng.uniform(low, high)
            config[name] = float(10.0 ** u) if scale == "log" else float(u)
        configs.append(config)
    return _evaluate(objective, configs)


def random_search_max(objective, space, num_trials, rng):
    return _evaluate(objective, _draw(space, num_trials, rng), pick=max)


def random_search_last_tie(objective, space, num_trials, rng):
    trials = [(config, float(objective(config))) for config in _draw(space, num_trials, rng)]
    best = trials[0]
    for trial in trials:
        if trial[1] <= best[1]:
            best = trial
    return trials, best


# ----------------------------------------------------------- coarse_to_fine

def _first_best(trials):
    scores = [score for _, score in trials]
    return trials[scores.index(min(scores))]


def _coarse_to_fine(objective, space, num_trials, num_rounds, shrink, rng, centre_of=_first_best,
                    clip=True, log_windows=True, compound=True):
    trials, spaces = [], []
    for r in range(num_rounds):
        ranges = {}
        for name, (low, high, scale) in space.items():
            if r == 0:
                ranges[name] = (float(low), float(high))
                continue
            use_log = scale == "log" and log_windows
            lo, hi = (math.log10(low), math.log10(high)) if use_log else (low, high)
            c = centre_of(trials)[0][name]
            c = math.log10(c) if use_log else c
            half = 0.5 * (shrink ** r if compound else shrink) * (hi - lo)
            a, b = c - half, c + half
            if clip:
                a, b = max(a, lo), min(b, hi)
            ranges[name] = (10.0 ** a, 10.0 ** b) if use_log else (a, b)
        spaces.append(ranges)
        round_space = {name: ranges[name] + (space[name][2],) for name in space}
        round_trials, _ = _evaluate(objective, _draw(round_space, num_trials, rng))
        trials += round_trials
    return trials, _first_best(trials), spaces


def coarse_to_fine_unclipped(objective, space, num_trials, num_rounds, shrink, rng):
    return _coarse_to_fine(objective, space, num_trials, num_rounds, shrink, rng, clip=False)


def coarse_to_fine_last_point(objective, space, num_trials, num_rounds, shrink, rng):
    return _coarse_to_fine(objective, space, num_trials, num_rounds, shrink, rng, centre_of=lambda t: t[-1])


def coarse_to_fine_linear_windows(objective, space, num_trials, num_rounds, shrink, rng):
    return _coarse_to_fine(objective, space, num_trials, num_rounds, shrink, rng, log_windows=False)


def coarse_to_fine_not_compounded(objective, space, num_trials, num_rounds, shrink, rng):
    return _coarse_to_fine(objective, space, num_trials, num_rounds, shrink, rng, compound=False)


MISTAKES = [
    ("log_uniform", log_uniform_linear,
     "the values were drawn uniformly between low and high, not on a log scale "
     "(draw the exponent u uniformly, then return 10 ** u)"),
    ("log_uniform", log_uniform_natural_log,
     "the exponents were drawn between np.log(low) and np.log(high), natural logarithms, "
     "but raised as powers of 10 (use np.log10 with 10 ** u)"),
    ("log_uniform", log_uniform_exponent_only,
     "the exponents u were returned instead of 10 ** u"),
    ("random_search", random_search_uniform,
     "the \"log\" hyperparameter was drawn uniformly between low and high "
     "(use log_uniform for a \"log\" scale)"),
    ("random_search", random_search_trial_by_trial,
     "the values were drawn trial by trial; draw all num_trials values of one hyperparameter "
     "with one call, hyperparameter by hyperparameter in the order of space"),
    ("random_search", random_search_max,
     "the best trial was taken as the one with the largest score (lower is better: take the minimum)"),
    ("random_search", random_search_last_tie,
     "a tie went to the last of the tied trials (it must go to the earliest: compare with <, not <=)"),
    ("coarse_to_fine", coarse_to_fine_unclipped,
     "the windows were not clipped to the original range [low, high]"),
    ("coarse_to_fine", coarse_to_fine_last_point,
     "the windows were centered on the last trial instead of the best trial so far"),
    ("coarse_to_fine", coarse_to_fine_linear_windows,
     "the window of the \"log\" hyperparameter was centered and sized in linear units "
     "instead of in log10 units (decades)"),
    ("coarse_to_fine", coarse_to_fine_not_compounded,
     "every round's window was shrink times the original width; round r must be "
     "shrink ** r times as wide"),
]

ACCEPTED = [
]
