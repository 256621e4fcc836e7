"""Hidden-test cases of chapter 8, and the finite-difference check of its backward functions.

The hidden cases of each backward exercise end with finite-difference
checks: the student's backward function must agree with central finite
differences of the (reference) forward pass, in float64, to a relative
error below 1e-6.
"""

import numpy as np

from . import FLOATS, Case, Exercise, log_uniform, random_array

GRADIENT_CHECK_TOLERANCE = 1e-6


def _shape(rng, i):
    n = [1, 2, 3, 5, 4, 7][i % 6]
    m = [1, 4, 8, 3, 16, 33, 64][i % 7]
    return n, m


def _away_from_zero(Z):
    """Move entries within 1e-3 of the kink z = 0 away from it (finite differences straddle it)."""
    return np.where(np.abs(Z) < 1e-3, np.copysign(1e-3, Z) + Z, Z).astype(Z.dtype)


# ------------------------------------------------------------------ leaky ReLU

def leaky_relu_cases(rng):
    for i in range(14):
        dtype = FLOATS[i % 2]
        Z = random_array(rng, _shape(rng, i), dtype, scale=10 ** rng.uniform(-2, 2))
        if i % 4 == 0:
            Z[..., 0] = 0.0                       # the kink itself
        alpha = [0.01, 0.2, 0.0, float(rng.uniform(0, 0.5))][i % 4]
        if i % 3 == 0:
            yield (Z,), {}                        # the default alpha = 0.01
        elif i % 3 == 1:
            yield (Z, alpha), {}
        else:
            yield (Z,), {"alpha": alpha}


def leaky_relu_backward_cases(rng):
    for i in range(14):
        dtype = FLOATS[i % 2]
        shape = _shape(rng, i)
        Z = random_array(rng, shape, dtype, scale=10 ** rng.uniform(-2, 2))
        if i % 4 == 0:
            Z[..., 0] = 0.0
        dA = random_array(rng, shape, dtype)
        alpha = [0.01, 0.2, 0.0, float(rng.uniform(0, 0.5))][i % 4]
        if i % 3 == 0:
            yield (dA, Z), {}
        elif i % 3 == 1:
            yield (dA, Z, alpha), {}
        else:
            yield (dA, Z), {"alpha": alpha}


# ------------------------------------------------------------------ dropout

def dropout_forward_cases(rng):
    for i in range(14):
        dtype = FLOATS[i % 2]
        A = random_array(rng, _shape(rng, i + 2), dtype)
        # (one rate below one half: above it, rng.binomial keeps the same units as u < keep_prob)
        keep_prob = [0.5, 0.3, 1.0, float(rng.uniform(0.1, 0.95))][i % 4]
        seed = int(rng.integers(0, 100_000))
        yield ((A, keep_prob, seed), {}) if i % 2 else ((A,), {"keep_prob": keep_prob, "seed": seed})


def dropout_backward_cases(rng):
    for i in range(14):
        dtype = FLOATS[i % 2]
        shape = _shape(rng, i + 2)
        keep_prob = [0.5, 0.8, 1.0, float(rng.uniform(0.1, 0.95))][i % 4]
        mask = (rng.random(shape) < keep_prob).astype(dtype)
        dA = random_array(rng, shape, dtype)
        yield ((dA, mask, keep_prob), {}) if i % 2 else ((dA, mask), {"keep_prob": keep_prob})


# ------------------------------------------------------------------ batch normalization

def _batch(rng, i, dtype):
    n, m = _shape(rng, i)
    m = max(m, 2) if i % 5 else m                    # now and then a batch of one example
    scale = 10 ** rng.uniform(-1, 1)
    Z = (random_array(rng, (n, m), np.float64, scale) + rng.uniform(-3, 3, (n, 1)) * scale).astype(dtype)
    gamma = (rng.uniform(0.2, 3.0, (n, 1)) * rng.choice([-1, 1], (n, 1))).astype(dtype)
    beta = random_array(rng, (n, 1), dtype)
    eps = [1e-5, 1e-3, 0.1, log_uniform(rng, 1e-8, 1.0)][i % 4]
    return Z, gamma, beta, eps


def batchnorm_forward_cases(rng):
    for i in range(16):
        Z, gamma, beta, eps = _batch(rng, i, FLOATS[i % 2])
        if i % 3 == 0:
            yield (Z, gamma, beta), {}
        elif i % 3 == 1:
            yield (Z, gamma, beta, eps), {}
        else:
            yield (Z, gamma, beta), {"eps": eps}


def batchnorm_backward_cases(rng):
    from solutions import batchnorm_forward
    for i in range(16):
        dtype = FLOATS[i % 2]
        Z, gamma, beta, eps = _batch(rng, i, dtype)
        _, cache = batchnorm_forward(Z, gamma, beta, eps)
        dout = random_array(rng, Z.shape, dtype)
        yield (dout, cache), {}


def batchnorm_inference_cases(rng):
    for i in range(16):
        dtype = FLOATS[i % 2]
        Z, gamma, beta, eps = _batch(rng, i, dtype)
        running_mean = random_array(rng, gamma.shape, dtype, scale=2.0)
        running_var = rng.uniform(0.05, 5.0, gamma.shape).astype(dtype)
        args = (Z, gamma, beta, running_mean, running_var)
        if i % 3 == 0:
            yield args, {}
        elif i % 3 == 1:
            yield args + (eps,), {}
        else:
            yield args, {"eps": eps}




# ------------------------------------------------------------------ finite differences

def _numerical_gradient(f, x, h=1e-5):
    """Central differences of the scalar function f at every entry of the float64 array x."""
    x = x.astype(np.float64, copy=True)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + h
        f_plus = f(x)
        x[index] = saved - h
        f_minus = f(x)
        x[index] = saved
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def _relative_error(analytic, numeric):
    analytic = np.asarray(analytic, dtype=np.float64)
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return 0.0 if scale == 0 else float(np.linalg.norm(analytic - numeric) / scale)


def _gradient_check(name, labels):
    """compare(actual, numeric) for a backward function whose outputs are named ``labels``."""

    def compare(actual, numeric):
        if actual is None:
            return f"{name} returned None. Did you forget the `return` statement?"
        outputs = (actual,) if len(labels) == 1 else actual
        if len(labels) > 1 and not (isinstance(actual, (tuple, list)) and len(actual) == len(labels)):
            return f"{name} should return a tuple ({', '.join(labels)})."
        for label, analytic, expected in zip(labels, outputs, numeric if len(labels) > 1 else (numeric,)):
            try:
                analytic = np.asarray(analytic, dtype=np.float64)
            except (TypeError, ValueError):
                return f"{name}: {label} should be an array, got {type(analytic).__name__}."
            if analytic.shape != expected.shape:
                return f"{name}: {label} has shape {analytic.shape}, expected {expected.shape}."
            error = _relative_error(analytic, expected)
            if not error < GRADIENT_CHECK_TOLERANCE:
                return (f"{name} fails the gradient check: {label} differs from central finite differences "
                        f"of the forward pass (relative error {error:.1e}, more than {GRADIENT_CHECK_TOLERANCE:.0e}).")
        return None

    return compare


def _leaky_relu_backward_problems(rng):
    from solutions import leaky_relu
    for alpha in (0.01, 0.3):
        Z = _away_from_zero(rng.standard_normal((3, 5)))
        dA = rng.standard_normal(Z.shape)
        numeric = _numerical_gradient(lambda z: float(np.sum(leaky_relu(z, alpha) * dA)), Z)
        yield Case((dA, Z, alpha), expected=numeric, compare=_gradient_check("leaky_relu_backward", ["dZ"]),
                   what=f"the gradient check of dZ (alpha = {alpha}, Z of shape {Z.shape})")


def _dropout_backward_problems(rng):
    from solutions import dropout_forward
    for keep_prob, seed in ((0.5, 1), (0.8, 7)):
        A = rng.standard_normal((4, 6))
        dout = rng.standard_normal(A.shape)
        _, mask = dropout_forward(A, keep_prob, seed)
        numeric = _numerical_gradient(lambda a: float(np.sum(dropout_forward(a, keep_prob, seed)[0] * dout)), A)
        yield Case((dout, mask, keep_prob), expected=numeric, compare=_gradient_check("dropout_backward", ["dA"]),
                   what=f"the gradient check of dA (keep_prob = {keep_prob}, A of shape {A.shape})")


def _batchnorm_backward_problems(rng):
    from solutions import batchnorm_forward
    for n, m, eps in ((3, 5, 1e-5), (2, 8, 0.1)):
        Z = rng.standard_normal((n, m)) * 2 + 1
        gamma, beta = rng.uniform(0.5, 2.0, (n, 1)), rng.standard_normal((n, 1))
        dout = rng.standard_normal((n, m))
        _, cache = batchnorm_forward(Z, gamma, beta, eps)

        def loss(z, g, b):
            return float(np.sum(batchnorm_forward(z, g, b, eps)[0] * dout))

        numeric = (_numerical_gradient(lambda z: loss(z, gamma, beta), Z),
                   _numerical_gradient(lambda g: loss(Z, g, beta), gamma),
                   _numerical_gradient(lambda b: loss(Z, gamma, b), beta))
        yield Case((dout, cache), expected=numeric,
                   compare=_gradient_check("batchnorm_backward", ["dZ", "dgamma", "dbeta"]),
                   what=f"the gradient check of dZ, dgamma, dbeta (Z of shape {Z.shape}, eps = {eps})")


def _with_gradient_checks(cases, problems):
    """The reference-comparison cases, then the finite-difference checks."""

    def all_cases(rng):
        yield from cases(rng)
        yield from problems(np.random.default_rng(808))

    return all_cases


EXERCISES = [
    Exercise("leaky_relu", leaky_relu_cases, seed=81),
    Exercise("leaky_relu_backward", _with_gradient_checks(leaky_relu_backward_cases, _leaky_relu_backward_problems),
             seed=82),
    Exercise("dropout_forward", dropout_forward_cases, seed=83),
    Exercise("dropout_backward", _with_gradient_checks(dropout_backward_cases, _dropout_backward_problems), seed=84),
    Exercise("batchnorm_forward", batchnorm_forward_cases, seed=85),
    Exercise("batchnorm_backward", _with_gradient_checks(batchnorm_backward_cases, _batchnorm_backward_problems),
             seed=86),
    Exercise("batchnorm_inference", batchnorm_inference_cases, seed=87),
]
