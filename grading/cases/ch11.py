"""Hidden-test cases of chapter 11: softmax cross-entropy, He initialization, clipping, shifts, the range test.

Every case is compared with the reference on the same arguments (the
default ``Case``): for ``softmax_cross_entropy`` the pair ``(loss, dZ)``,
for ``he_initialization`` the dict (its keys, then each array), for
``clip_by_global_norm`` the pair ``(clipped, global_norm)``, for
``random_shift`` the array. For ``lr_range_test`` the pair ``(lrs,
losses)`` must match the reference's: the same length (so the test must
stop at the same step: after recording the step whose loss is not finite or
exceeds ``diverge_factor`` times the smallest so far) and the same values up
to rounding at the precision of the parameters.

The ``loss_and_grads`` of the range test are ``Described`` callables that
the grader lends to the student's function (in the sandbox they are called
back in the grader, so they see copies of the student's arrays and cannot
be changed). Each is a deterministic function of ``(params, t)``: sums of
quadratic bowls over the entries of every parameter, whose center and
constant offset move with the step index ``t`` (a stand-in for a new
mini-batch per step), so that a test that passes the wrong ``t`` fails.
Their losses stay positive, so "the smallest loss so far" means the same
with or without the current step. They return the gradients in each
parameter's dtype. Some never diverge over the range, some diverge in the
middle of it (after the loss has fallen far below its first value), some
at the first steps, one returns ``nan`` past a radius (a network whose
loss became NaN), one a ``cosh`` bowl that overflows to ``inf``, and some
return their losses as ``np.float64``.
"""

import math

import numpy as np

from . import FLOATS, Described, Exercise, log_uniform, random_array, random_network


def _seed(rng):
    return int(rng.integers(0, 2 ** 31))


# ------------------------------------------------------------------ softmax cross-entropy

def _one_winner(rng, K, m):
    """Logits of ±1000 and 0 with a single largest logit of 1000 per column (a probability of exactly 1)."""
    Z = rng.choice([-1000.0, 0.0], size=(K, m))
    Z[rng.integers(0, K, m), np.arange(m)] = 1000.0
    return Z


def softmax_cross_entropy_cases(rng):
    # Huge logits make an unshifted exp overflow. In float32 only logits whose softmax is exactly 0 or 1
    # are huge: there the rounding of a logit of 1000 (6e-5) would move any correct result by more than
    # the float32 tolerance, a correct log-sum-exp form (Z - c - log(sum)) included.
    shapes = [(2, 1), (3, 4), (10, 16), (2, 8), (5, 3), (4, 32), (10, 1), (7, 64)]
    for i in range(16):
        dtype = FLOATS[i % 2]
        K, m = shapes[i % len(shapes)]
        Z = random_array(rng, (K, m), np.float64, scale=log_uniform(rng, 0.1, 10.0 if i % 2 == 0 else 4.0))
        if i % 4 == 2:
            Z = Z + rng.choice([-1000.0, 1000.0], size=(1, m))      # float64: a large offset per column
        elif i == 8:
            Z = rng.choice([-1000.0, 0.0, 1000.0], size=(K, m))     # float64: ±1000 and 0, ties included
        elif i % 4 == 1:
            Z = _one_winner(rng, K, m)                               # float32
        Z = Z.astype(dtype)
        y = rng.integers(0, K, m).astype([np.int64, np.int32][i % 3 == 2])
        if i == 4:
            y[:] = K - 1                                             # every example in the last class
        if i % 3 == 0:
            yield (Z, y), {}
        elif i % 3 == 1 or dtype == np.float32:       # (the tolerance follows the positional arrays)
            yield (Z,), {"y": y}
        else:
            yield (), {"Z": Z, "y": y}


# ------------------------------------------------------------------ He initialization

def he_initialization_cases(rng):
    fixed = {0: [3, 2, 1], 5: [784, 32, 10], 9: [1, 1], 12: [2, 2, 2, 2]}
    for i in range(14):
        dims = fixed.get(i) or [int(n) for n in rng.integers(1, 40, size=int(rng.integers(2, 6)))]
        if i % 4 == 1:
            dims = tuple(dims)
        elif i % 4 == 2:
            dims = [np.int64(n) for n in dims]
        seed = _seed(rng) if i != 3 else 0
        yield ((dims, seed), {}) if i % 2 else ((dims,), {"seed": seed})


# ------------------------------------------------------------------ clipping by the global norm

def _norm(grads):
    return math.sqrt(sum(float(np.sum(np.square(g.astype(np.float64)))) for g in grads.values()))


def clip_by_global_norm_cases(rng):
    # the threshold relative to the global norm: below it (clipped), above it (unchanged), exactly at it
    ratios = [0.5, 2.0, 0.1, 1.0, 0.9, 5.0, 0.01, 1.1, 0.3, 1.0, 0.05, 3.0, 0.7, 1.5]
    for i, ratio in enumerate(ratios):
        dtype = FLOATS[i % 2]
        if i == 6:
            grads = {"dW1": random_array(rng, (4, 3), dtype, scale=50.0)}          # a single array
        elif i == 8:
            grads = {"dgamma1": random_array(rng, (3, 1), np.float32),             # other keys, mixed dtypes
                     "dbeta1": random_array(rng, (3, 1), np.float64), "dW2": random_array(rng, (2, 3))}
        else:
            grads = random_network(rng, dtype, prefix="d")
            scale = log_uniform(rng, 0.01, 100.0)
            grads = {k: (g * scale).astype(dtype) for k, g in grads.items()}
        if i == 11:
            grads = {k: np.zeros_like(g) for k, g in grads.items()}                 # norm 0: nothing to clip
            max_norm = 1.0
        else:
            max_norm = _norm(grads) * ratio
        if i == 13:
            max_norm = max(1, round(max_norm))                                     # an int threshold
        if i % 3 == 0:
            yield (grads, max_norm), {}
        elif i % 3 == 1:
            yield (grads,), {"max_norm": max_norm}
        else:
            yield (grads, np.float64(max_norm)), {}


# ------------------------------------------------------------------ random shifts

def random_shift_cases(rng):
    sizes = [(1, 3, 3), (2, 5, 5), (5, 8, 8), (3, 6, 9), (8, 4, 4), (4, 28, 28), (6, 7, 5)]
    shifts = [1, 2, 0, 3, None]        # None: as large as the images (some leave them entirely)
    for i in range(14):
        dtype = FLOATS[i % 2]
        m, H, W = sizes[i % len(sizes)]
        images = rng.uniform(0.1, 1.0, (m, H, W)).astype(dtype)
        max_shift = shifts[i % len(shifts)]
        max_shift = max(H, W) if max_shift is None else max_shift
        if i == 9:
            max_shift = np.int64(2)
        seed = _seed(rng)
        if i % 3 == 0:
            yield (images, max_shift, seed), {}
        elif i % 3 == 1:
            yield (images,), {"max_shift": max_shift, "seed": seed}
        else:
            yield (images, max_shift), {"seed": seed}


# ------------------------------------------------------------------ the learning-rate range test

def _loss_and_grads(rng, parameters, kind):
    """A deterministic loss_and_grads(params, t) over the keys of ``parameters``, and its largest curvature."""
    if kind == "early":
        c_all = log_uniform(rng, 0.5, 5.0)
        curvature = {key: np.full(p.shape, c_all) for key, p in parameters.items()}
    else:
        curvature = {key: 10 ** rng.uniform(-0.5, 0.7, p.shape) for key, p in parameters.items()}
    target = {key: random_array(rng, p.shape, scale=2.0) for key, p in parameters.items()}
    base = float(rng.uniform(0.02, 0.2))
    wobble = 0.0 if kind in ("never", "early") else 0.05
    start = max(float(np.max(np.abs(parameters[key].astype(np.float64) - target[key]))) for key in parameters)
    radius = 3.0 * start + 0.5

    def loss_and_grads(params, t):
        t = int(t)
        loss, grads, far = base * (1.0 + 0.1 * (t % 3)), {}, False
        with np.errstate(all="ignore"):
            for key in target:
                p = np.asarray(params[key])
                r = p.astype(np.float64) - target[key] - wobble * math.sin(t + 1)
                if kind == "cosh":
                    loss += float(np.sum(curvature[key] * (np.cosh(r) - 1.0)))
                    g = curvature[key] * np.sinh(r)
                else:
                    loss += 0.5 * float(np.sum(curvature[key] * r * r))
                    g = curvature[key] * r
                far = far or bool(np.any(np.abs(r) > radius))
                grads["d" + key] = g.astype(p.dtype)
        if kind == "nan" and far:
            loss = float("nan")
        return (np.float64(loss) if kind == "float64" else loss), grads

    descriptions = {
        "never": "<quadratic bowls per parameter: the range stays below 2 / (largest curvature)>",
        "diverges": "<quadratic bowls per parameter whose centers move with t: diverges past 2 / curvature>",
        "early": "<quadratic bowls of one curvature: the first learning rates already diverge>",
        "nan": "<quadratic bowls per parameter that return nan far from their centers>",
        "cosh": "<cosh bowls per parameter: the loss overflows to inf once it diverges>",
        "float64": "<quadratic bowls per parameter whose centers move with t, losses returned as np.float64>",
    }
    c_max = max(float(np.max(c)) for c in curvature.values())
    c_min = min(float(np.min(c)) for c in curvature.values())
    return Described(loss_and_grads, descriptions[kind]), c_max, c_min


KINDS = ["never", "diverges", "early", "cosh", "diverges", "nan", "float64",
         "never", "diverges", "early", "float64", "diverges", "never", "diverges"]


def lr_range_test_cases(rng):
    for i, kind in enumerate(KINDS):
        dtype = FLOATS[i % 2] if kind not in ("nan", "cosh") else np.float64
        if i % 2:
            parameters = random_network(rng, dtype)
        else:
            parameters = {"w": random_array(rng, (int(rng.integers(1, 6)),), dtype)}
        function, c_max, c_min = _loss_and_grads(rng, parameters, kind)
        num_steps = [12, 30, 6, 40, 20, 25, 2, 15, 35, 5, 30, 24, 3, 40][i]
        if kind == "never":
            lr_min, lr_max = log_uniform(rng, 1e-4, 1e-2) / c_max, float(rng.uniform(0.5, 1.9)) / c_max
        elif kind == "early":
            lr_min = float(rng.uniform(3.0, 6.0)) / c_max          # |1 - lr c| >= 2 from the first step
            lr_max = lr_min * log_uniform(rng, 2.0, 100.0)
        elif kind == "cosh":
            lr_min, lr_max = 1e-3 / c_max, 1e3 / c_min
        else:
            lr_min, lr_max = log_uniform(rng, 1e-4, 1e-2) / c_max, log_uniform(rng, 10.0, 1000.0) / c_min
        factor = {"cosh": 1e300, "nan": 1e6}.get(kind, [4.0, 3.0, 10.0, 2.0][i % 4])
        args = (function, parameters, lr_min, lr_max, num_steps)
        if kind in ("cosh", "nan"):
            yield args, {"diverge_factor": factor}
        elif factor == 4.0:
            yield (args, {}) if i % 3 else ((function, parameters), {"lr_min": lr_min, "lr_max": lr_max,
                                                                   "num_steps": num_steps})
        elif i % 2:
            yield args + (factor,), {}
        else:
            yield args, {"diverge_factor": factor}


EXERCISES = [
    Exercise("softmax_cross_entropy", softmax_cross_entropy_cases, seed=110),
    Exercise("he_initialization", he_initialization_cases, seed=111),
    Exercise("clip_by_global_norm", clip_by_global_norm_cases, seed=112),
    Exercise("random_shift", random_shift_cases, seed=113),
    Exercise("lr_range_test", lr_range_test_cases, seed=114),
]
