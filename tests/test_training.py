"""Chapter 11's training tools (solutions/training.py), against independent computations."""

import doctest
import math

import numpy as np
import pytest

import solutions
from assertions import central_differences
from solutions import clip_by_global_norm, he_initialization, lr_range_test, random_shift, softmax_cross_entropy


def test_docstring_examples_run():
    result = doctest.testmod(solutions.training)
    assert result.attempted >= 12 and result.failed == 0


# ------------------------------------------------------------------ softmax cross-entropy

def loop_softmax_cross_entropy(Z, y):
    """Independent of the package: column by column with math.exp, math.fsum and math.log (moderate logits)."""
    K, m = Z.shape
    losses, dZ = [], np.zeros((K, m))
    for i in range(m):
        column = [float(z) for z in Z[:, i]]
        total = math.fsum(math.exp(z) for z in column)
        losses.append(math.log(total) - column[int(y[i])])
        for k in range(K):
            dZ[k, i] = (math.exp(column[k]) / total - (k == y[i])) / m
    return math.fsum(losses) / m, dZ




def test_softmax_cross_entropy_by_hand():
    # Column 0: probabilities (1/4, 3/4) and label 1; column 1: (1/2, 1/2) and label 0.
    Z = np.array([[0.0, 0.0], [math.log(3.0), 0.0]])
    loss, dZ = softmax_cross_entropy(Z, np.array([1, 0]))
    assert type(loss) is float and loss == pytest.approx((math.log(4 / 3) + math.log(2)) / 2, rel=1e-15)
    np.testing.assert_allclose(dZ, [[0.125, -0.25], [-0.125, 0.25]], rtol=1e-14, atol=1e-16)


@pytest.mark.parametrize("K, m, scale", [(2, 1, 1.0), (2, 7, 3.0), (3, 4, 0.5), (10, 16, 5.0), (5, 33, 10.0)])
def test_softmax_cross_entropy_matches_a_loop(K, m, scale):
    rng = np.random.default_rng(K * 100 + m)
    Z, y = rng.standard_normal((K, m)) * scale, rng.integers(0, K, m)
    loss, dZ = softmax_cross_entropy(Z, y)
    expected_loss, expected_dZ = loop_softmax_cross_entropy(Z, y)
    assert loss == pytest.approx(expected_loss, rel=1e-12)
    np.testing.assert_allclose(dZ, expected_dZ, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(dZ.sum(axis=0), 0.0, atol=1e-15)          # each column of P - onehot sums to 0


@pytest.mark.parametrize("K, m", [(2, 3), (4, 5), (10, 2)])
def test_softmax_cross_entropy_gradient_matches_finite_differences(K, m):
    rng = np.random.default_rng(7 * K + m)
    Z, y = rng.standard_normal((K, m)) * 2, rng.integers(0, K, m)
    numeric = central_differences(lambda z: softmax_cross_entropy(z, y)[0], Z, h=1e-6)
    _, dZ = softmax_cross_entropy(Z, y)
    assert np.linalg.norm(dZ - numeric) / (np.linalg.norm(dZ) + np.linalg.norm(numeric)) < 1e-8


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_softmax_cross_entropy_is_stable_at_extreme_logits(dtype):
    Z = np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, -1000.0], [-1000.0, 2.0, 1000.0]], dtype=dtype)
    loss, dZ = softmax_cross_entropy(Z, np.array([0, 0, 2]))
    # column 0: label has the largest logit by 1000 (loss 0); column 1: label 1000 below (loss 1000); column 2: 0
    assert math.isfinite(loss) and loss == pytest.approx(1000.0 / 3, rel=1e-6)
    assert dZ.dtype == dtype and np.all(np.isfinite(dZ))
    np.testing.assert_allclose(dZ, np.array([[0, -1, 0], [0, 1, 0], [0, 0, 0]]) / 3, atol=1e-7)


def test_softmax_cross_entropy_does_not_change_when_a_column_is_shifted():
    rng = np.random.default_rng(3)
    Z, y = rng.standard_normal((4, 6)), rng.integers(0, 4, 6)
    offsets = np.array([[1000.0, -1000.0, 500.0, 0.0, -700.0, 900.0]])
    loss, dZ = softmax_cross_entropy(Z, y)
    shifted_loss, shifted_dZ = softmax_cross_entropy(Z + offsets, y)
    assert shifted_loss == pytest.approx(loss, rel=1e-10)
    np.testing.assert_allclose(shifted_dZ, dZ, rtol=1e-9, atol=1e-13)


def test_softmax_cross_entropy_keeps_float32_and_does_not_modify_its_inputs():
    rng = np.random.default_rng(4)
    Z, y = rng.standard_normal((3, 5)).astype(np.float32), rng.integers(0, 3, 5).astype(np.int32)
    Z_before, y_before = Z.copy(), y.copy()
    loss, dZ = softmax_cross_entropy(Z, y)
    assert dZ.dtype == np.float32 and type(loss) is float and not np.shares_memory(dZ, Z)
    np.testing.assert_array_equal(Z, Z_before)
    np.testing.assert_array_equal(y, y_before)
    expected_loss, expected_dZ = loop_softmax_cross_entropy(Z.astype(np.float64), y)
    assert loss == pytest.approx(expected_loss, rel=1e-6)
    np.testing.assert_allclose(dZ, expected_dZ, rtol=1e-5, atol=1e-7)


# ------------------------------------------------------------------ He initialization

def test_he_initialization_is_the_documented_sequence_of_draws():
    dims = [5, 4, 3, 1]
    parameters = he_initialization(dims, 42)
    assert list(parameters) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    rng = np.random.default_rng(42)
    for l in (1, 2, 3):
        expected = rng.standard_normal((dims[l], dims[l - 1])) * np.sqrt(2.0 / dims[l - 1])
        np.testing.assert_allclose(parameters[f"W{l}"], expected, rtol=1e-15)
        np.testing.assert_array_equal(parameters[f"b{l}"], np.zeros((dims[l], 1)))
        assert parameters[f"W{l}"].dtype == parameters[f"b{l}"].dtype == np.float64


def test_he_initialization_has_variance_two_over_fan_in():
    W = he_initialization([2000, 1000], 0)["W1"]
    assert W.shape == (1000, 2000)
    assert abs(W.std() / math.sqrt(2 / 2000) - 1) < 0.01          # 2e6 draws: the std is known to 0.05%
    assert abs(W.mean()) < 5 * math.sqrt(2 / 2000) / math.sqrt(W.size)
    rows = he_initialization([50, 4000], 1)["W1"]                  # fan-in 50: sqrt(2 / 50) = 0.2
    assert abs(rows.std() / 0.2 - 1) < 0.02


def test_he_initialization_is_reproducible_and_accepts_numpy_integers():
    a = he_initialization((3, np.int64(2), 1), np.int32(7))
    b = he_initialization(np.array([3, 2, 1]), 7)
    c = he_initialization([3, 2, 1], 8)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["W1"], c["W1"])


# ------------------------------------------------------------------ clipping by the global norm

GRADS = {"dW1": np.array([[3.0, 0.0]]), "db1": np.array([[4.0]])}


def test_clip_by_global_norm_by_hand():
    clipped, norm = clip_by_global_norm(GRADS, 2.5)
    assert type(norm) is float and norm == 5.0
    np.testing.assert_allclose(clipped["dW1"], [[1.5, 0.0]], rtol=1e-15)
    np.testing.assert_allclose(clipped["db1"], [[2.0]], rtol=1e-15)
    clipped, norm = clip_by_global_norm({"dW1": GRADS["dW1"] / 10, "db1": GRADS["db1"] / 10}, 2.5)
    assert norm == pytest.approx(0.5, rel=1e-15)
    np.testing.assert_array_equal(clipped["dW1"], [[0.3, 0.0]])
    np.testing.assert_array_equal(clipped["db1"], [[0.4]])


@pytest.mark.parametrize("max_norm", [0.01, 1.0, 7.0, 100.0])
def test_clip_by_global_norm_caps_the_length_and_keeps_the_direction(max_norm):
    rng = np.random.default_rng(5)
    grads = {"dW1": rng.standard_normal((4, 3)), "db1": rng.standard_normal((4, 1)),
             "dW2": rng.standard_normal((2, 4)) * 3, "db2": rng.standard_normal((2, 1))}
    flat = np.concatenate([g.ravel() for g in grads.values()])
    clipped, norm = clip_by_global_norm(grads, max_norm)
    assert norm == pytest.approx(math.sqrt(math.fsum(flat ** 2)), rel=1e-14)
    new_flat = np.concatenate([clipped[k].ravel() for k in grads])
    assert list(clipped) == list(grads)
    np.testing.assert_allclose(np.linalg.norm(new_flat), min(norm, max_norm), rtol=1e-13)
    np.testing.assert_allclose(new_flat, flat * min(1.0, max_norm / norm), rtol=1e-14)   # one factor for all


def test_clip_by_global_norm_at_the_threshold_and_below_returns_copies():
    grads = {"dW1": np.array([[0.6, 0.0]]), "db1": np.array([[0.8]])}
    for max_norm in (1.0, 1.5):
        clipped, norm = clip_by_global_norm(grads, max_norm)
        assert norm == pytest.approx(1.0, rel=1e-15)
        for key in grads:
            np.testing.assert_array_equal(clipped[key], grads[key])
            assert not np.shares_memory(clipped[key], grads[key])
    zeros, norm = clip_by_global_norm({"dW1": np.zeros((2, 2))}, 1.0)
    assert norm == 0.0 and np.array_equal(zeros["dW1"], np.zeros((2, 2)))


def test_clip_by_global_norm_keeps_each_dtype_and_does_not_modify_its_input():
    grads = {"dW1": np.full((2, 2), 3.0, dtype=np.float32), "db1": np.full((2, 1), 4.0)}
    before = {k: g.copy() for k, g in grads.items()}
    clipped, norm = clip_by_global_norm(grads, np.float64(1.0))
    assert clipped["dW1"].dtype == np.float32 and clipped["db1"].dtype == np.float64
    assert norm == pytest.approx(math.sqrt(4 * 9 + 2 * 16), rel=1e-12)
    for key in grads:
        np.testing.assert_array_equal(grads[key], before[key])
    np.testing.assert_allclose(clipped["db1"], 4.0 / norm, rtol=1e-14)


# ------------------------------------------------------------------ random shifts

def loop_shift(image, d, e):
    """Independent of the package: pixel by pixel, zeros for the pixels that come from outside."""
    H, W = image.shape
    out = np.zeros_like(image)
    for r in range(H):
        for c in range(W):
            if 0 <= r - d < H and 0 <= c - e < W:
                out[r, c] = image[r - d, c - e]
    return out


BASE = np.arange(1.0, 10.0).reshape(3, 3)
BY_HAND = {            # the 3x3 image [[1, 2, 3], [4, 5, 6], [7, 8, 9]] moved by (rows down, columns right)
    (1, 0): [[0, 0, 0], [1, 2, 3], [4, 5, 6]],
    (0, -1): [[2, 3, 0], [5, 6, 0], [8, 9, 0]],
    (-1, -1): [[5, 6, 0], [8, 9, 0], [0, 0, 0]],
    (1, -1): [[0, 0, 0], [2, 3, 0], [5, 6, 0]],
    (1, 1): [[0, 0, 0], [0, 1, 2], [0, 4, 5]],
    (0, 0): [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
}


def seed_for(shift):
    return next(s for s in range(1000)
                if tuple(np.random.default_rng(s).integers(-1, 2, size=(1, 2))[0]) == shift)


@pytest.mark.parametrize("shift", sorted(BY_HAND))
def test_random_shift_by_hand(shift):
    np.testing.assert_array_equal(random_shift(BASE[None], 1, seed_for(shift))[0], BY_HAND[shift])
    np.testing.assert_array_equal(loop_shift(BASE, *shift), BY_HAND[shift])


def test_random_shift_moves_each_image_by_its_own_documented_shift():
    images = np.stack([BASE, 10 * BASE, 100 * BASE])
    out = random_shift(images, 1, 0)
    shifts = np.random.default_rng(0).integers(-1, 2, size=(3, 2))
    assert shifts.tolist() == [[1, 0], [0, -1], [-1, -1]]
    for i, scale in enumerate((1, 10, 100)):
        np.testing.assert_array_equal(out[i], scale * np.array(BY_HAND[tuple(shifts[i])]))


@pytest.mark.parametrize("m, H, W, max_shift, seed", [(5, 8, 8, 2, 0), (4, 5, 7, 3, 1), (6, 3, 4, 4, 2),
                                                      (2, 28, 28, 2, 3), (8, 2, 2, 1, 4)])
def test_random_shift_matches_a_pixel_loop(m, H, W, max_shift, seed):
    images = np.random.default_rng(seed + 10).uniform(0.1, 1.0, (m, H, W))
    shifts = np.random.default_rng(seed).integers(-max_shift, max_shift + 1, size=(m, 2))
    expected = np.stack([loop_shift(images[i], *shifts[i]) for i in range(m)])
    np.testing.assert_array_equal(random_shift(images, max_shift, seed), expected)


def test_random_shift_a_point_lands_where_the_shift_says():
    m, s = 60, 3
    images = np.zeros((m, 9, 9))
    images[:, 4, 4] = 1.0                                       # one bright pixel in the middle
    out = random_shift(images, s, 11)
    shifts = np.random.default_rng(11).integers(-s, s + 1, size=(m, 2))
    for i in range(m):
        assert out[i].sum() == 1.0 and out[i, 4 + shifts[i, 0], 4 + shifts[i, 1]] == 1.0
    assert set(shifts.ravel().tolist()) == set(range(-s, s + 1))   # both bounds are reached


def test_random_shift_fills_with_zeros_zero_shift_is_a_copy_and_far_shifts_empty_the_image():
    images = np.random.default_rng(0).uniform(1.0, 2.0, (20, 4, 5)).astype(np.float32)
    before = images.copy()
    out = random_shift(images, 1, 3)
    assert out.dtype == np.float32 and out.shape == images.shape
    shifts = np.random.default_rng(3).integers(-1, 2, size=(20, 2))
    moved = np.any(shifts != 0, axis=1)
    assert np.all((out[moved] == 0).any(axis=(1, 2)))           # something came in from outside: zeros
    np.testing.assert_array_equal(out[~moved], images[~moved])
    np.testing.assert_array_equal(images, before)
    same = random_shift(images, 0, 5)
    np.testing.assert_array_equal(same, images)
    assert not np.shares_memory(same, images)
    far = random_shift(images, 50, 1)
    far_shifts = np.random.default_rng(1).integers(-50, 51, size=(20, 2))
    gone = (np.abs(far_shifts[:, 0]) >= 4) | (np.abs(far_shifts[:, 1]) >= 5)
    assert gone.any() and np.all(far[gone] == 0)


# ------------------------------------------------------------------ the learning-rate range test

def half_square(params, t):
    """L(w) = w^2 / 2: the gradient is w."""
    return 0.5 * float(params["w"][0]) ** 2, {"dw": params["w"].copy()}


def test_lr_range_test_on_a_quadratic_by_hand():
    # w_{t+1} = (1 - lr_t) w_t from w = 4 with lr = 0.01, 0.1, 1, 10: w = 4, 3.96, 3.564, 0.
    lrs, losses = lr_range_test(half_square, {"w": np.array([4.0])}, 0.01, 10.0, 4)
    np.testing.assert_allclose(lrs, [0.01, 0.1, 1.0, 10.0], rtol=1e-14)
    np.testing.assert_allclose(losses, [8.0, 0.5 * 3.96 ** 2, 0.5 * 3.564 ** 2, 0.0], rtol=1e-13, atol=1e-25)
    assert lrs.dtype == losses.dtype == np.float64


def test_lr_range_test_stops_when_the_loss_exceeds_four_times_the_smallest():
    # lr = 0.75, 7.5, 75, 750 from w = 4: w = 4, 1, -6.5. 21.125 > 4 * 0.5 (the smallest), though < 4 * 8 (the first)
    lrs, losses = lr_range_test(half_square, {"w": np.array([4.0])}, 0.75, 750.0, 4)
    np.testing.assert_allclose(lrs, [0.75, 7.5, 75.0], rtol=1e-14)
    np.testing.assert_allclose(losses, [8.0, 0.5, 21.125], rtol=1e-13)
    # with diverge_factor = 50 it goes on: w = -6.5 * (1 - 75) = 481, 115680.5 > 50 * 0.5
    lrs, losses = lr_range_test(half_square, {"w": np.array([4.0])}, 0.75, 750.0, 4, diverge_factor=50)
    np.testing.assert_allclose(losses, [8.0, 0.5, 21.125, 0.5 * 481.0 ** 2], rtol=1e-12)


@pytest.mark.parametrize("bad", [math.inf, math.nan])
def test_lr_range_test_stops_on_a_loss_that_is_not_finite(bad):
    def loss_and_grads(params, t):
        return (bad if t == 2 else 1.0 - 0.1 * t), {"dw": np.zeros(1)}

    lrs, losses = lr_range_test(loss_and_grads, {"w": np.zeros(1)}, 1e-3, 1.0, 10)
    assert len(lrs) == len(losses) == 3 and losses[:2].tolist() == [1.0, 0.9]
    assert not np.isfinite(losses[2])


def test_lr_range_test_spaces_the_rates_geometrically_and_passes_the_step_index():
    seen = []

    def flat(params, t):
        seen.append((t, params["W1"].copy()))
        return np.float64(1.0), {"dW1": np.ones_like(params["W1"]), "db1": np.zeros((2, 1))}

    start = {"W1": np.zeros((2, 3), dtype=np.float32), "b1": np.ones((2, 1), dtype=np.float32)}
    lrs, losses = lr_range_test(flat, start, 1e-4, 1.0, 9)
    np.testing.assert_allclose(lrs, np.logspace(-4, 0, 9), rtol=1e-13)
    np.testing.assert_allclose(lrs[1:] / lrs[:-1], 10 ** 0.5, rtol=1e-13)
    np.testing.assert_array_equal(losses, np.ones(9))
    assert [t for t, _ in seen] == list(range(9))
    for t, W in seen:                                    # W1 after t steps of -lr_j * 1, kept in float32
        assert W.dtype == np.float32
        np.testing.assert_allclose(W, -lrs[:t].sum(), rtol=1e-6)
    assert np.all(start["W1"] == 0) and np.all(start["b1"] == 1)      # the caller's parameters are untouched


def test_lr_range_test_on_noisy_bowls_matches_a_plain_loop():
    rng = np.random.default_rng(6)
    c, target, offsets = rng.uniform(0.5, 3.0, (3, 2)), rng.standard_normal((3, 2)), rng.uniform(0.1, 0.2, 30)

    def bowl(params, t):
        r = params["W"] - target - 0.05 * np.sin(t)
        return float(offsets[t] + 0.5 * np.sum(c * r ** 2)), {"dW": c * r}

    lrs, losses = lr_range_test(bowl, {"W": np.zeros((3, 2))}, 1e-3, 10.0, 30, 3.0)
    W, best, expected = np.zeros((3, 2)), math.inf, []
    for t in range(30):
        lr = 1e-3 * 10000 ** (t / 29)
        loss, grads = bowl({"W": W}, t)
        expected.append((lr, loss))
        best = min(best, loss)
        if loss > 3.0 * best:
            break
        W = W - lr * grads["dW"]
    assert 3 < len(expected) < 30                          # it diverges somewhere in the range
    np.testing.assert_allclose(lrs, [lr for lr, _ in expected], rtol=1e-13)
    np.testing.assert_allclose(losses, [loss for _, loss in expected], rtol=1e-10)
