"""Mistaken variants of chapter 8's exercises (see __init__.py)."""

import numpy as np

from solutions import (batchnorm_backward, batchnorm_forward, batchnorm_inference, dropout_backward,
                       dropout_forward, leaky_relu, leaky_relu_backward)

CHAPTER = "08_activations_dropout_batchnorm"
REFERENCES = {
    "leaky_relu": leaky_relu,
    "leaky_relu_backward": leaky_relu_backward,
    "dropout_forward": dropout_forward,
    "dropout_backward": dropout_backward,
    "batchnorm_forward": batchnorm_forward,
    "batchnorm_backward": batchnorm_backward,
    "batchnorm_inference": batchnorm_inference,
}


# ------------------------------------------------------------------ leaky_relu

def leaky_relu_is_relu(Z, alpha=0.01):
    return np.maximum(Z, 0)


def leaky_relu_slope_on_wrong_side(Z, alpha=0.01):
    return np.where(Z > 0, alpha * Z, Z)


def leaky_relu_constant_alpha(Z, alpha=0.01):
    return np.where(Z > 0, Z, alpha)


# ------------------------------------------------------------------ leaky_relu_backward

def leaky_backward_slope_one_at_zero(dA, Z, alpha=0.01):
    return np.where(Z >= 0, dA, alpha * dA)


def leaky_backward_relu_derivative(dA, Z, alpha=0.01):
    return np.where(Z > 0, dA, 0.0)


def leaky_backward_forgot_dA(dA, Z, alpha=0.01):
    return np.where(Z > 0, 1.0, alpha)


def leaky_backward_mask_from_dA(dA, Z, alpha=0.01):
    return np.where(dA > 0, dA, alpha * dA)


# ------------------------------------------------------------------ dropout_forward

def dropout_not_scaled(A, keep_prob, seed):
    mask = (np.random.default_rng(seed).random(A.shape) < keep_prob).astype(A.dtype)
    return A * mask, mask


def dropout_keeps_the_wrong_units(A, keep_prob, seed):
    mask = (np.random.default_rng(seed).random(A.shape) >= keep_prob).astype(A.dtype)
    return A * mask / keep_prob, mask


def dropout_times_keep_prob(A, keep_prob, seed):
    mask = (np.random.default_rng(seed).random(A.shape) < keep_prob).astype(A.dtype)
    return A * mask * keep_prob, mask


def dropout_binomial_mask(A, keep_prob, seed):
    # (NumPy's binomial draws from the same uniform numbers, but keeps u >= 1 - keep_prob
    # when keep_prob <= 0.5: the same units as u < keep_prob only above one half)
    mask = np.random.default_rng(seed).binomial(1, keep_prob, A.shape).astype(A.dtype)
    return A * mask / keep_prob, mask


def dropout_scaled_mask(A, keep_prob, seed):
    mask = (np.random.default_rng(seed).random(A.shape) < keep_prob).astype(A.dtype) / keep_prob
    return A * mask, mask


def dropout_legacy_random(A, keep_prob, seed):
    np.random.seed(seed)
    mask = (np.random.rand(*A.shape) < keep_prob).astype(A.dtype)
    return A * mask / keep_prob, mask


# ------------------------------------------------------------------ dropout_backward

def dropout_backward_not_scaled(dA, mask, keep_prob):
    return dA * mask


def dropout_backward_no_mask(dA, mask, keep_prob):
    return dA / keep_prob


def dropout_backward_times_keep_prob(dA, mask, keep_prob):
    return dA * mask * keep_prob


# ------------------------------------------------------------------ batchnorm_forward

def _bn_forward(Z, gamma, beta, eps, axis=1, ddof=0, eps_outside=False):
    mean = Z.mean(axis=axis, keepdims=True)
    var = Z.var(axis=axis, keepdims=True, ddof=ddof)
    std = np.sqrt(var) + eps if eps_outside else np.sqrt(var + eps)
    Z_hat = (Z - mean) / std
    return gamma * Z_hat + beta, {"Z_hat": Z_hat, "gamma": gamma, "mean": mean, "var": var, "eps": eps}


def bn_forward_no_eps(Z, gamma, beta, eps=1e-5):
    out, cache = _bn_forward(Z, gamma, beta, 0.0)
    return out, {**cache, "eps": eps}


def bn_forward_ddof1(Z, gamma, beta, eps=1e-5):
    return _bn_forward(Z, gamma, beta, eps, ddof=1)


def bn_forward_eps_outside(Z, gamma, beta, eps=1e-5):
    return _bn_forward(Z, gamma, beta, eps, eps_outside=True)


def bn_forward_over_features(Z, gamma, beta, eps=1e-5):
    return _bn_forward(Z, gamma, beta, eps, axis=0)


def bn_forward_no_scale_shift(Z, gamma, beta, eps=1e-5):
    out, cache = _bn_forward(Z, gamma, beta, eps)
    return cache["Z_hat"], cache


# ------------------------------------------------------------------ batchnorm_backward

def _bn_backward(dout, cache, mean_term=True, variance_term=True):
    """(8.9) and (8.11), optionally without the term through the batch mean or variance."""
    Z_hat, gamma, var, eps = cache["Z_hat"], cache["gamma"], cache["var"], cache["eps"]
    m = dout.shape[1]
    dbeta = dout.sum(axis=1, keepdims=True)
    dgamma = (dout * Z_hat).sum(axis=1, keepdims=True)
    inner = m * dout
    if mean_term:
        inner = inner - dbeta
    if variance_term:
        inner = inner - Z_hat * dgamma
    return gamma / (m * np.sqrt(var + eps)) * inner, dgamma, dbeta


def bn_backward_no_mean_terms(dout, cache):
    return _bn_backward(dout, cache, mean_term=False, variance_term=False)


def bn_backward_no_mean_term(dout, cache):
    return _bn_backward(dout, cache, mean_term=False)


def bn_backward_no_variance_term(dout, cache):
    return _bn_backward(dout, cache, variance_term=False)


def bn_backward_wrong_axis(dout, cache):
    dZ, _, _ = _bn_backward(dout, cache)
    return dZ, (dout * cache["Z_hat"]).sum(axis=0, keepdims=True), dout.sum(axis=0, keepdims=True)


def bn_backward_swapped(dout, cache):
    dZ, dgamma, dbeta = _bn_backward(dout, cache)
    return dZ, dbeta, dgamma


# ------------------------------------------------------------------ batchnorm_inference

def bn_inference_batch_statistics(Z, gamma, beta, running_mean, running_var, eps=1e-5):
    mean, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)
    return gamma * (Z - mean) / np.sqrt(var + eps) + beta


def bn_inference_eps_outside(Z, gamma, beta, running_mean, running_var, eps=1e-5):
    return gamma * (Z - running_mean) / (np.sqrt(running_var) + eps) + beta


def bn_inference_no_sqrt(Z, gamma, beta, running_mean, running_var, eps=1e-5):
    return gamma * (Z - running_mean) / (running_var + eps) + beta


MISTAKES = [
    ("leaky_relu", leaky_relu_is_relu,
     "negative inputs were set to 0 (that is the ReLU; the leaky ReLU keeps alpha * z)"),
    ("leaky_relu", leaky_relu_slope_on_wrong_side,
     "alpha multiplied the positive inputs instead of the negative ones"),
    ("leaky_relu", leaky_relu_constant_alpha, "the output is alpha for z <= 0 instead of alpha * z"),
    ("leaky_relu_backward", leaky_backward_slope_one_at_zero,
     "the slope at z = 0 is 1 instead of alpha (use z > 0 as the test, so z = 0 gets alpha)"),
    ("leaky_relu_backward", leaky_backward_relu_derivative,
     "the gradient was set to 0 for z <= 0 (that is the ReLU's derivative; the leaky ReLU's is alpha)"),
    ("leaky_relu_backward", leaky_backward_forgot_dA,
     "the slope was returned without multiplying by the upstream gradient dA"),
    ("leaky_relu_backward", leaky_backward_mask_from_dA,
     "the sign of dA chose the slope (it is the sign of Z that decides)"),
    ("dropout_forward", dropout_not_scaled,
     "the kept units were not divided by keep_prob (inverted dropout scales them by 1 / keep_prob)"),
    ("dropout_forward", dropout_keeps_the_wrong_units,
     "units were kept where the random number is >= keep_prob (keep them where it is < keep_prob)"),
    ("dropout_forward", dropout_times_keep_prob,
     "the kept units were multiplied by keep_prob instead of divided by it"),
    ("dropout_forward", dropout_legacy_random,
     "the random numbers came from np.random.seed and np.random.rand instead of "
     "np.random.default_rng(seed).random(A.shape)"),
    ("dropout_forward", dropout_binomial_mask,
     "the mask came from rng.binomial, which keeps other units than u < keep_prob when keep_prob "
     "<= 0.5 (draw u = np.random.default_rng(seed).random(A.shape) and keep u < keep_prob)"),
    ("dropout_forward", dropout_scaled_mask,
     "the mask holds 1 / keep_prob for the kept units (return the mask of 0.0 and 1.0; "
     "only the output is divided by keep_prob)"),
    ("dropout_backward", dropout_backward_not_scaled,
     "the gradient was not divided by keep_prob (the backward pass scales exactly as the forward pass)"),
    ("dropout_backward", dropout_backward_no_mask,
     "the mask was not applied (dropped units get no gradient: multiply by the mask of the forward pass)"),
    ("dropout_backward", dropout_backward_times_keep_prob,
     "the gradient was multiplied by keep_prob instead of divided by it"),
    ("batchnorm_forward", bn_forward_no_eps,
     "eps is missing (divide by sqrt(var + eps), not by the standard deviation alone)"),
    ("batchnorm_forward", bn_forward_ddof1,
     "the variance was divided by m - 1 (ddof=1) instead of m"),
    ("batchnorm_forward", bn_forward_eps_outside,
     "eps was added outside the square root (use sqrt(var + eps))"),
    ("batchnorm_forward", bn_forward_over_features,
     "each example was normalized over the units (axis=0) instead of each unit over the batch (axis=1)"),
    ("batchnorm_forward", bn_forward_no_scale_shift,
     "the output is Z_hat without the scale gamma and the shift beta"),
    ("batchnorm_backward", bn_backward_no_mean_terms,
     "the gradient through the batch mean and variance is missing (dZ = gamma * dout / sqrt(var + eps) "
     "treats them as constants)"),
    ("batchnorm_backward", bn_backward_no_mean_term,
     "the gradient through the batch mean is missing (the term - dbeta of (8.11))"),
    ("batchnorm_backward", bn_backward_no_variance_term,
     "the gradient through the batch variance is missing (the term - Z_hat * dgamma of (8.11))"),
    ("batchnorm_backward", bn_backward_wrong_axis,
     "dgamma and dbeta were summed over the wrong axis (sum over the m examples: axis=1, keepdims=True)"),
    ("batchnorm_backward", bn_backward_swapped, "dgamma and dbeta were swapped"),
    ("batchnorm_inference", bn_inference_batch_statistics,
     "the mean and variance of the batch Z were used instead of running_mean and running_var"),
    ("batchnorm_inference", bn_inference_eps_outside,
     "eps was added outside the square root (use sqrt(running_var + eps))"),
    ("batchnorm_inference", bn_inference_no_sqrt,
     "Z - running_mean was divided by the variance instead of the standard deviation sqrt(running_var + eps)"),
]

ACCEPTED = [
]
