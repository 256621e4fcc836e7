"""Chapter 8's layers: activations, dropout and batch normalization (solutions/layers.py)."""

import doctest

import numpy as np
import pytest

import solutions
from assertions import assert_error_names_argument, central_differences
from solutions import (batchnorm_backward, batchnorm_forward, batchnorm_inference, dropout_backward,
                       dropout_forward, leaky_relu, leaky_relu_backward)


def test_docstring_examples_run():
    result = doctest.testmod(solutions.layers)
    assert result.attempted > 0 and result.failed == 0




def relative_error(a, b):
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))


# ------------------------------------------------------------------ leaky ReLU

def test_leaky_relu_closed_form_and_relu_special_case():
    Z = np.array([[-3.0, -1e-3, 0.0, 2.0], [5.0, -0.5, 1e-9, -7.0]])
    np.testing.assert_array_equal(leaky_relu(Z, 0.2), np.where(Z > 0, Z, 0.2 * Z))
    np.testing.assert_array_equal(leaky_relu(Z, 0.0), np.maximum(Z, 0.0))
    np.testing.assert_allclose(leaky_relu(Z), np.maximum(Z, 0.01 * Z))


@pytest.mark.parametrize("alpha", [0.0, 0.01, 0.3, 2.0])
def test_leaky_relu_backward_matches_finite_differences(alpha):
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((4, 7))
    Z[np.abs(Z) < 1e-3] = 0.5
    dA = rng.standard_normal(Z.shape)
    numeric = central_differences(lambda z: np.sum(dA * leaky_relu(z, alpha)), Z)
    assert relative_error(leaky_relu_backward(dA, Z, alpha), numeric) < 1e-6


def test_leaky_relu_backward_uses_alpha_at_the_kink():
    np.testing.assert_allclose(leaky_relu_backward(np.array([3.0]), np.array([0.0]), 0.1), [0.3], rtol=1e-15)


# ------------------------------------------------------------------ dropout

def test_dropout_mask_is_the_documented_draw_and_output_is_rescaled():
    A = np.arange(1.0, 13.0).reshape(3, 4)
    out, mask = dropout_forward(A, 0.6, 123)
    expected_mask = (np.random.default_rng(123).random((3, 4)) < 0.6).astype(float)
    np.testing.assert_array_equal(mask, expected_mask)
    np.testing.assert_allclose(out, A * expected_mask / 0.6)
    assert set(np.unique(mask)) <= {0.0, 1.0}


def test_dropout_keeps_the_expectation():
    A = np.full((200, 500), 2.0)
    out, mask = dropout_forward(A, 0.3, 7)
    assert abs(mask.mean() - 0.3) < 0.01          # 100000 draws: std of the mean is 0.0014
    assert abs(out.mean() - 2.0) < 0.07


def test_dropout_with_keep_prob_one_is_the_identity():
    A = np.random.default_rng(1).standard_normal((3, 5))
    out, mask = dropout_forward(A, 1.0, 0)
    np.testing.assert_array_equal(out, A)
    np.testing.assert_array_equal(mask, np.ones_like(A))


@pytest.mark.parametrize("keep_prob, seed", [(0.5, 1), (0.8, 2), (0.25, 3)])
def test_dropout_backward_matches_finite_differences(keep_prob, seed):
    rng = np.random.default_rng(seed)
    A, dout = rng.standard_normal((5, 6)), rng.standard_normal((5, 6))
    _, mask = dropout_forward(A, keep_prob, seed)
    numeric = central_differences(lambda a: np.sum(dout * dropout_forward(a, keep_prob, seed)[0]), A)
    assert relative_error(dropout_backward(dout, mask, keep_prob), numeric) < 1e-6


# ------------------------------------------------------------------ batch normalization

def test_batchnorm_forward_standardises_each_row():
    rng = np.random.default_rng(2)
    Z = rng.standard_normal((3, 50)) * np.array([[0.1], [3.0], [40.0]]) + np.array([[5.0], [-2.0], [0.0]])
    out, cache = batchnorm_forward(Z, np.ones((3, 1)), np.zeros((3, 1)), eps=1e-12)
    np.testing.assert_allclose(out.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=1), 1, rtol=1e-9)
    np.testing.assert_allclose(cache["mean"], Z.mean(axis=1, keepdims=True))
    np.testing.assert_allclose(cache["var"], Z.var(axis=1, keepdims=True))      # ddof = 0
    gamma, beta = np.array([[2.0], [-1.0], [0.5]]), np.array([[1.0], [2.0], [3.0]])
    out2, _ = batchnorm_forward(Z, gamma, beta, eps=1e-12)
    np.testing.assert_allclose(out2, gamma * out + beta)


def test_batchnorm_forward_by_hand():
    out, cache = batchnorm_forward(np.array([[1.0, 2.0, 3.0, 6.0], [4.0, 5.0, 5.0, 6.0]]),
                                   np.array([[2.0], [0.5]]), np.array([[1.0], [-1.0]]), eps=0.5)
    np.testing.assert_allclose(out, [[-1.0, 0.0, 1.0, 4.0], [-1.5, -1.0, -1.0, -0.5]])
    np.testing.assert_allclose(cache["Z_hat"], [[-1.0, -0.5, 0.0, 1.5], [-1.0, 0.0, 0.0, 1.0]])
    assert cache["eps"] == 0.5


def test_batchnorm_output_does_not_change_when_the_weights_are_scaled():
    rng = np.random.default_rng(4)
    W, A = rng.standard_normal((4, 3)), rng.standard_normal((3, 20))
    gamma, beta = rng.standard_normal((4, 1)), rng.standard_normal((4, 1))
    out1, _ = batchnorm_forward(W @ A, gamma, beta, eps=1e-12)
    out2, _ = batchnorm_forward(7.5 * W @ A, gamma, beta, eps=1e-12)
    np.testing.assert_allclose(out1, out2, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("n, m, eps", [(1, 2, 1e-5), (3, 5, 1e-5), (4, 16, 0.1), (2, 33, 1e-3)])
def test_batchnorm_backward_matches_finite_differences(n, m, eps):
    rng = np.random.default_rng(n * 100 + m)
    Z = rng.standard_normal((n, m)) * 1.5 + 0.7
    gamma, beta = rng.uniform(0.5, 2.0, (n, 1)), rng.standard_normal((n, 1))
    dout = rng.standard_normal((n, m))
    _, cache = batchnorm_forward(Z, gamma, beta, eps)
    dZ, dgamma, dbeta = batchnorm_backward(dout, cache)
    loss = lambda z, g, b: np.sum(dout * batchnorm_forward(z, g, b, eps)[0])
    assert relative_error(dZ, central_differences(lambda z: loss(z, gamma, beta), Z)) < 1e-6
    assert relative_error(dgamma, central_differences(lambda g: loss(Z, g, beta), gamma)) < 1e-6
    assert relative_error(dbeta, central_differences(lambda b: loss(Z, gamma, b), beta)) < 1e-6
    np.testing.assert_allclose(dZ.sum(axis=1), 0, atol=1e-12)               # orthogonal to constants


def test_batchnorm_dZ_is_orthogonal_to_Z_hat_when_eps_is_negligible():
    # sum_k dz_k z_hat_k = gamma s dgamma (1 - sum_k z_hat_k^2 / m) = gamma s dgamma eps / (var + eps)
    rng = np.random.default_rng(9)
    Z, dout = rng.standard_normal((3, 10)), rng.standard_normal((3, 10))
    _, cache = batchnorm_forward(Z, np.ones((3, 1)), np.zeros((3, 1)), eps=1e-14)
    dZ, _, _ = batchnorm_backward(dout, cache)
    np.testing.assert_allclose((dZ * cache["Z_hat"]).sum(axis=1), 0, atol=1e-10)


def test_batchnorm_inference_is_the_affine_map_and_matches_training_with_batch_statistics():
    rng = np.random.default_rng(5)
    Z = rng.standard_normal((3, 9)) * 2 + 1
    gamma, beta = rng.standard_normal((3, 1)), rng.standard_normal((3, 1))
    mean, var, eps = rng.standard_normal((3, 1)), rng.uniform(0.1, 3.0, (3, 1)), 1e-3
    scale = gamma / np.sqrt(var + eps)
    np.testing.assert_allclose(batchnorm_inference(Z, gamma, beta, mean, var, eps), scale * Z + (beta - scale * mean))
    train_out, cache = batchnorm_forward(Z, gamma, beta, eps)
    np.testing.assert_allclose(batchnorm_inference(Z, gamma, beta, cache["mean"], cache["var"], eps), train_out)
    # each column on its own
    np.testing.assert_allclose(batchnorm_inference(Z[:, 3:4], gamma, beta, mean, var, eps),
                               batchnorm_inference(Z, gamma, beta, mean, var, eps)[:, 3:4])


# ------------------------------------------------------------------ dtypes and no mutation

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept_and_inputs_are_not_modified(dtype):
    rng = np.random.default_rng(6)
    Z = rng.standard_normal((3, 8)).astype(dtype)
    dA = rng.standard_normal((3, 8)).astype(dtype)
    gamma, beta = np.ones((3, 1), dtype), np.zeros((3, 1), dtype)
    mean, var = np.zeros((3, 1), dtype), np.ones((3, 1), dtype)
    before = [x.copy() for x in (Z, dA, gamma, beta, mean, var)]
    assert leaky_relu(Z).dtype == dtype
    assert leaky_relu_backward(dA, Z).dtype == dtype
    out, mask = dropout_forward(Z, 0.5, 0)
    assert out.dtype == dtype and mask.dtype == dtype
    assert dropout_backward(dA, mask, 0.5).dtype == dtype
    out, cache = batchnorm_forward(Z, gamma, beta)
    assert out.dtype == dtype and all(cache[k].dtype == dtype for k in ("Z_hat", "gamma", "mean", "var"))
    cache_before = {k: np.copy(v) for k, v in cache.items()}
    assert all(x.dtype == dtype for x in batchnorm_backward(dA, cache))
    assert batchnorm_inference(Z, gamma, beta, mean, var).dtype == dtype
    for b, a in zip(before, (Z, dA, gamma, beta, mean, var)):
        np.testing.assert_array_equal(a, b)
    for k in cache:
        np.testing.assert_array_equal(cache[k], cache_before[k])
    assert not np.shares_memory(cache["gamma"], gamma)


# ------------------------------------------------------------------ bad inputs

Z2, g2 = np.zeros((2, 3)), np.ones((2, 1))
CACHE = batchnorm_forward(np.arange(6.0).reshape(2, 3), g2, g2)[1]

# (id, call, exception, the argument the message must start with, another fragment it contains)
CASES = [
    ("leaky Z list", lambda: leaky_relu([1.0, -1.0]), TypeError, "Z", "np.asarray"),
    ("leaky Z int", lambda: leaky_relu(np.array([1, -1])), TypeError, "Z", "astype(float)"),
    ("leaky alpha negative", lambda: leaky_relu(Z2, -0.1), ValueError, "alpha", "non-negative"),
    ("leaky alpha string", lambda: leaky_relu(Z2, "0.01"), TypeError, "alpha", "real number"),
    ("leaky backward shapes", lambda: leaky_relu_backward(Z2, np.zeros((3, 2))), ValueError, "Z",
     "Z has shape (3, 2) but dA has shape (2, 3)"),
    ("leaky backward dA None", lambda: leaky_relu_backward(None, Z2), TypeError, "dA", "NoneType"),
    ("dropout keep_prob 0", lambda: dropout_forward(Z2, 0.0, 1), ValueError, "keep_prob", "(0, 1]"),
    ("dropout keep_prob > 1", lambda: dropout_forward(Z2, 1.5, 1), ValueError, "keep_prob", "(0, 1]"),
    ("dropout seed float", lambda: dropout_forward(Z2, 0.5, 1.5), ValueError, "seed", "integer"),
    ("dropout seed negative", lambda: dropout_forward(Z2, 0.5, -1), ValueError, "seed", ">= 0"),
    ("dropout A int", lambda: dropout_forward(np.ones((2, 2), int), 0.5, 0), TypeError, "A", "astype"),
    ("dropout backward mask shape", lambda: dropout_backward(Z2, np.ones((3, 2)), 0.5), ValueError, "mask",
     "mask has shape (3, 2) but dA has shape (2, 3)"),
    ("dropout backward mask bool", lambda: dropout_backward(Z2, Z2 > 0, 0.5), TypeError, "mask", "bool"),
    ("dropout backward keep_prob", lambda: dropout_backward(Z2, Z2, 0), ValueError, "keep_prob", ""),
    ("bn Z 1-D", lambda: batchnorm_forward(np.zeros(3), g2, g2), ValueError, "Z", "(n_units, m)"),
    ("bn gamma shape", lambda: batchnorm_forward(Z2, np.ones((3, 1)), g2), ValueError, "gamma",
     "gamma must have shape (2, 1)"),
    ("bn beta 1-D", lambda: batchnorm_forward(Z2, g2, np.ones(2)), ValueError, "beta", "(2, 1)"),
    ("bn eps zero", lambda: batchnorm_forward(Z2, g2, g2, 0.0), ValueError, "eps", "positive"),
    ("bn backward cache list", lambda: batchnorm_backward(Z2, [1, 2]), TypeError, "cache", "dict"),
    ("bn backward cache missing", lambda: batchnorm_backward(Z2, {"Z_hat": Z2}), ValueError, "cache",
     "'gamma'"),
    ("bn backward dout shape", lambda: batchnorm_backward(np.zeros((2, 4)), CACHE), ValueError,
     "cache['Z_hat']", "(2, 3)"),
    ("bn inference running_var shape", lambda: batchnorm_inference(Z2, g2, g2, g2, np.ones((1, 1))),
     ValueError, "running_var", "(2, 1)"),
    ("bn inference running_var negative", lambda: batchnorm_inference(Z2, g2, g2, g2, -g2), ValueError,
     "running_var", "non-negative"),
    ("bn inference eps negative", lambda: batchnorm_inference(Z2, g2, g2, g2, g2, -1e-5), ValueError,
     "eps", "positive"),
    ("bn inference running_mean int", lambda: batchnorm_inference(Z2, g2, g2, np.ones((2, 1), int), g2),
     TypeError, "running_mean", "astype"),
]


@pytest.mark.parametrize("call, error, name, fragment", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_error_message_names_the_argument(call, error, name, fragment):
    assert_error_names_argument(call, error, name, fragment)
