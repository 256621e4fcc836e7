"""Mistaken variants of chapter 11's exercises (see __init__.py)."""

import math

import numpy as np

from solutions import clip_by_global_norm, he_initialization, lr_range_test, random_shift, softmax_cross_entropy

CHAPTER = "11_training_on_real_data"
REFERENCES = {
    "softmax_cross_entropy": softmax_cross_entropy,
    "he_initialization": he_initialization,
    "clip_by_global_norm": clip_by_global_norm,
    "random_shift": random_shift,
    "lr_range_test": lr_range_test,
}


# ------------------------------------------------------------------ softmax_cross_entropy

def _one_hot(y, K):
    Y = np.zeros((K, y.shape[0]))
    Y[y, np.arange(y.shape[0])] = 1.0
    return Y


def softmax_without_max_shift(Z, y):
    m = Z.shape[1]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # the overflow is the mistake
        P = np.exp(Z) / np.exp(Z).sum(axis=0, keepdims=True)
        loss = -np.mean(np.log(P[y, np.arange(m)]))
    return float(loss), ((P - _one_hot(y, Z.shape[0])) / m).astype(Z.dtype)


def softmax_summed_not_averaged(Z, y):
    m = Z.shape[1]
    shifted = Z - Z.max(axis=0, keepdims=True)
    log_sum = np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    loss = np.sum(log_sum[0] - shifted[y, np.arange(m)])
    return float(loss), (np.exp(shifted - log_sum) - _one_hot(y, Z.shape[0])).astype(Z.dtype)


def softmax_over_examples(Z, y):
    m = Z.shape[1]
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_sum = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    log_p = shifted - log_sum
    loss = -np.mean(log_p[y, np.arange(m)])
    return float(loss), ((np.exp(log_p) - _one_hot(y, Z.shape[0])) / m).astype(Z.dtype)


def softmax_log_of_probabilities(Z, y):
    m = Z.shape[1]
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    P = E / E.sum(axis=0, keepdims=True)
    with np.errstate(divide="ignore"):  # log(0) = -inf is the mistake
        loss = -np.mean(np.log(P[y, np.arange(m)]))
    return float(loss), ((P - _one_hot(y, Z.shape[0])) / m).astype(Z.dtype)


def softmax_gradient_not_divided_by_m(Z, y):
    m = Z.shape[1]
    shifted = Z - Z.max(axis=0, keepdims=True)
    log_sum = np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    loss = np.mean(log_sum[0] - shifted[y, np.arange(m)])
    return float(loss), (np.exp(shifted - log_sum) - _one_hot(y, Z.shape[0])).astype(Z.dtype)


def softmax_label_rows(Z, y):
    m = Z.shape[1]
    shifted = Z - Z.max(axis=0, keepdims=True)
    log_sum = np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    loss = np.mean(log_sum - shifted[y])   # whole rows y, not one entry per column
    P = np.exp(shifted - log_sum)
    return float(loss), ((P - _one_hot(y, Z.shape[0])) / m).astype(Z.dtype)


def softmax_gradient_sign_flipped(Z, y):
    m = Z.shape[1]
    shifted = Z - Z.max(axis=0, keepdims=True)
    log_sum = np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    P = np.exp(shifted - log_sum)
    loss = np.mean(log_sum[0] - shifted[y, np.arange(m)])
    return float(loss), ((_one_hot(y, Z.shape[0]) - P) / m).astype(Z.dtype)


# ------------------------------------------------------------------ he_initialization

def _he(layer_dims, seed, scale, random_biases=False):
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        n_in, n_out = int(layer_dims[l - 1]), int(layer_dims[l])
        parameters["W" + str(l)] = rng.standard_normal((n_out, n_in)) * scale(n_in, n_out)
        parameters["b" + str(l)] = rng.standard_normal((n_out, 1)) if random_biases else np.zeros((n_out, 1))
    return parameters


def he_lecun_scale(layer_dims, seed):
    return _he(layer_dims, seed, lambda n_in, n_out: np.sqrt(1.0 / n_in))


def he_fan_out(layer_dims, seed):
    return _he(layer_dims, seed, lambda n_in, n_out: np.sqrt(2.0 / n_out))


def he_variance_as_scale(layer_dims, seed):
    return _he(layer_dims, seed, lambda n_in, n_out: 2.0 / n_in)


def he_random_biases(layer_dims, seed):
    return _he(layer_dims, seed, lambda n_in, n_out: np.sqrt(2.0 / n_in), random_biases=True)


def he_legacy_random(layer_dims, seed):
    np.random.seed(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * np.sqrt(2.0 / layer_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


# ------------------------------------------------------------------ clip_by_global_norm

def _global_norm(grads):
    return float(np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads.values())))


def clip_each_array(grads, max_norm):
    clipped = {}
    for key, g in grads.items():
        norm = float(np.sqrt(np.sum(g.astype(np.float64) ** 2)))
        clipped[key] = (g * (max_norm / norm)).astype(g.dtype) if norm > max_norm else g.copy()
    return clipped, _global_norm(grads)


def clip_by_value(grads, max_norm):
    return {key: np.clip(g, -max_norm, max_norm) for key, g in grads.items()}, _global_norm(grads)


def clip_always_rescaled(grads, max_norm):
    norm = _global_norm(grads)
    return {key: (g * (max_norm / norm)).astype(g.dtype) for key, g in grads.items()}, norm


def clip_norm_after_clipping(grads, max_norm):
    norm = _global_norm(grads)
    scale = max_norm / norm if norm > max_norm else 1.0
    clipped = {key: (g * scale).astype(g.dtype) for key, g in grads.items()}
    return clipped, _global_norm(clipped)


def clip_sum_of_norms(grads, max_norm):
    norm = sum(float(np.linalg.norm(g.astype(np.float64))) for g in grads.values())
    scale = max_norm / norm if norm > max_norm else 1.0
    return {key: (g * scale).astype(g.dtype) for key, g in grads.items()}, norm


# ------------------------------------------------------------------ random_shift

def _paste(image, d, e):
    """image moved d rows down and e columns right, zeros coming in (written pixel by pixel)."""
    H, W = image.shape
    out = np.zeros_like(image)
    for r in range(H):
        for c in range(W):
            if 0 <= r - d < H and 0 <= c - e < W:
                out[r, c] = image[r - d, c - e]
    return out


def shift_with_roll(images, max_shift, seed):
    shifts = np.random.default_rng(seed).integers(-max_shift, max_shift + 1, size=(images.shape[0], 2))
    return np.stack([np.roll(images[i], (shifts[i, 0], shifts[i, 1]), axis=(0, 1))
                     for i in range(images.shape[0])]).astype(images.dtype).reshape(images.shape)


def shift_rows_and_columns_swapped(images, max_shift, seed):
    shifts = np.random.default_rng(seed).integers(-max_shift, max_shift + 1, size=(images.shape[0], 2))
    return np.stack([_paste(images[i], shifts[i, 1], shifts[i, 0]) for i in range(images.shape[0])]
                    ).reshape(images.shape)


def shift_upper_bound_excluded(images, max_shift, seed):
    shifts = np.random.default_rng(seed).integers(-max_shift, max_shift, size=(images.shape[0], 2))
    return np.stack([_paste(images[i], shifts[i, 0], shifts[i, 1]) for i in range(images.shape[0])]
                    ).reshape(images.shape)


def shift_opposite_direction(images, max_shift, seed):
    shifts = np.random.default_rng(seed).integers(-max_shift, max_shift + 1, size=(images.shape[0], 2))
    return np.stack([_paste(images[i], -shifts[i, 0], -shifts[i, 1]) for i in range(images.shape[0])]
                    ).reshape(images.shape)


def shift_same_for_all_images(images, max_shift, seed):
    d, e = np.random.default_rng(seed).integers(-max_shift, max_shift + 1, size=2)
    return np.stack([_paste(image, d, e) for image in images]).reshape(images.shape)


def shift_legacy_generator(images, max_shift, seed):
    np.random.seed(seed)   # the legacy global generator: other numbers from the same seed
    shifts = np.random.randint(-max_shift, max_shift + 1, size=(images.shape[0], 2))
    return np.stack([_paste(images[i], shifts[i, 0], shifts[i, 1]) for i in range(images.shape[0])]
                    ).reshape(images.shape)


def shift_rows_drawn_before_columns(images, max_shift, seed):
    rng = np.random.default_rng(seed)
    d = rng.integers(-max_shift, max_shift + 1, size=images.shape[0])
    e = rng.integers(-max_shift, max_shift + 1, size=images.shape[0])
    return np.stack([_paste(images[i], d[i], e[i]) for i in range(images.shape[0])]).reshape(images.shape)


# ------------------------------------------------------------------ lr_range_test

def _range_test(loss_and_grads, parameters, lrs, diverge_factor, compare_with_first=False, stop=True,
                update_first=False, record_divergence=True):
    params = {key: np.array(p) for key, p in parameters.items()}
    tried, losses = [], []
    for t, lr in enumerate(lrs):
        if update_first:
            _, grads = loss_and_grads(params, t)
            params = {key: p - lr * grads["d" + key] for key, p in params.items()}
        loss, grads = loss_and_grads(params, t)
        loss = float(loss)
        reference = min(losses + [loss]) if losses and not compare_with_first else (losses or [loss])[0]
        diverged = stop and (not math.isfinite(loss) or loss > diverge_factor * reference)
        if diverged and not record_divergence:
            break
        tried.append(lr)
        losses.append(loss)
        if diverged:
            break
        if not update_first:
            params = {key: p - lr * grads["d" + key] for key, p in params.items()}
    return np.array(tried), np.array(losses)


def range_test_linear_rates(loss_and_grads, parameters, lr_min, lr_max, num_steps, diverge_factor=4.0):
    return _range_test(loss_and_grads, parameters, np.linspace(lr_min, lr_max, num_steps), diverge_factor)


def range_test_exponent_over_num_steps(loss_and_grads, parameters, lr_min, lr_max, num_steps, diverge_factor=4.0):
    lrs = [lr_min * (lr_max / lr_min) ** (t / num_steps) for t in range(num_steps)]
    return _range_test(loss_and_grads, parameters, lrs, diverge_factor)


def range_test_first_loss(loss_and_grads, parameters, lr_min, lr_max, num_steps, diverge_factor=4.0):
    return _range_test(loss_and_grads, parameters, np.geomspace(lr_min, lr_max, num_steps), diverge_factor,
                       compare_with_first=True)


def range_test_never_stops(loss_and_grads, parameters, lr_min, lr_max, num_steps, diverge_factor=4.0):
    return _range_test(loss_and_grads, parameters, np.geomspace(lr_min, lr_max, num_steps), diverge_factor,
                       stop=False)


def range_test_stops_before_recording(loss_and_grads, parameters, lr_min, lr_max, num_steps, diverge_factor=4.0):
    return _range_test(loss_and_grads, parameters, np.geomspace(lr_min, lr_max, num_steps), diverge_factor,
                       record_divergence=False)


def range_test_update_before_loss(loss_and_grads, parameters, lr_min, lr_max, num_steps, diverge_factor=4.0):
    return _range_test(loss_and_grads, parameters, np.geomspace(lr_min, lr_max, num_steps), diverge_factor,
                       update_first=True)


MISTAKES = [
    ("softmax_cross_entropy", softmax_without_max_shift,
     "the exponentials were taken of the raw logits, so a logit of 1000 overflows to inf and gives nan "
     "(subtract each column's largest logit, Z.max(axis=0, keepdims=True), before np.exp)"),
    ("softmax_cross_entropy", softmax_summed_not_averaged,
     "the loss was summed over the examples instead of averaged, and dZ not divided by m "
     "(the loss is the mean over the m columns; dZ = (P - onehot(y)) / m)"),
    ("softmax_cross_entropy", softmax_over_examples,
     "the softmax was normalized over the examples (axis=1) instead of over the classes of each example "
     "(take the max and the sum over axis=0, keepdims=True)"),
    ("softmax_cross_entropy", softmax_log_of_probabilities,
     "the loss was computed as -log of the softmax probabilities: the probability of a label whose logit is "
     "far below its column's largest (by 1000 in the visible test; by more than about 745 in float64, 104 in "
     "float32) underflows to 0, and -log 0 is inf (take the loss in log-sum-exp form, "
     "log_sum - shifted[y_i, i], as (11.2) and (11.4) give it)"),
    ("softmax_cross_entropy", softmax_gradient_not_divided_by_m,
     "dZ was not divided by m: the loss is the mean over the m examples, so its gradient is "
     "dZ = (P - onehot(y)) / m"),
    ("softmax_cross_entropy", softmax_label_rows,
     "the labels' logits were picked as shifted[y], whole rows of the matrix, instead of one entry per "
     "example, shifted[y, np.arange(m)] (row y_i of column i)"),
    ("softmax_cross_entropy", softmax_gradient_sign_flipped,
     "dZ has the wrong sign: it was computed as (onehot(y) - P) / m instead of (P - onehot(y)) / m"),
    ("he_initialization", he_lecun_scale,
     "the weights were scaled by sqrt(1 / n_{l-1}), LeCun's rule for units linear near zero, "
     "instead of He's sqrt(2 / n_{l-1}) for ReLUs"),
    ("he_initialization", he_fan_out,
     "the weights were scaled with the layer's own size, sqrt(2 / n_l), instead of its number of inputs "
     "(fan-in), sqrt(2 / n_{l-1}) = sqrt(2 / layer_dims[l - 1])"),
    ("he_initialization", he_variance_as_scale,
     "the weights were multiplied by the variance 2 / n_{l-1} instead of the standard deviation "
     "sqrt(2 / n_{l-1})"),
    ("he_initialization", he_random_biases,
     "the biases were drawn at random (they start at zero: np.zeros((n_l, 1)), and draw nothing from rng)"),
    ("he_initialization", he_legacy_random,
     "the weights came from np.random.seed and np.random.randn instead of "
     "rng = np.random.default_rng(seed) and rng.standard_normal((n_l, n_{l-1}))"),
    ("clip_by_global_norm", clip_each_array,
     "each array was clipped to max_norm on its own; the global norm combines all arrays, "
     "sqrt(sum of the squares of every entry of every array), and one factor scales them all"),
    ("clip_by_global_norm", clip_by_value,
     "the entries were clipped to [-max_norm, max_norm] (clipping by value) instead of rescaling all arrays "
     "by max_norm / global_norm"),
    ("clip_by_global_norm", clip_always_rescaled,
     "the gradients were rescaled to max_norm even when their norm was already below it "
     "(scale only if global_norm > max_norm)"),
    ("clip_by_global_norm", clip_norm_after_clipping,
     "the norm returned is the norm after clipping; return the global norm of the gradients before clipping"),
    ("clip_by_global_norm", clip_sum_of_norms,
     "the norms of the arrays were added; the global norm is sqrt(sum of all the squares), "
     "not the sum of the arrays' norms"),
    ("random_shift", shift_with_roll,
     "the images were moved with np.roll, which wraps around: the pixels pushed out on one side come "
     "back on the other (they must be lost, and the pixels coming in must be 0)"),
    ("random_shift", shift_rows_and_columns_swapped,
     "rows and columns were swapped: shifts[i, 0] moves image i down (rows) and shifts[i, 1] right (columns)"),
    ("random_shift", shift_upper_bound_excluded,
     "the shifts were drawn with rng.integers(-max_shift, max_shift), which never gives +max_shift "
     "(the upper bound of integers is excluded: use max_shift + 1)"),
    ("random_shift", shift_opposite_direction,
     "the images moved the opposite way: a positive shifts[i, 0] moves the image down and a positive "
     "shifts[i, 1] moves it right (out[r, c] = image[r - d, c - e])"),
    ("random_shift", shift_same_for_all_images,
     "one shift was drawn for all the images; draw one per image, "
     "rng.integers(-max_shift, max_shift + 1, size=(m, 2))"),
    ("random_shift", shift_legacy_generator,
     "the shifts were drawn from NumPy's legacy generator (np.random.seed, np.random.randint or "
     "RandomState), which gives other numbers for the same seed: use rng = np.random.default_rng(seed), "
     "then rng.integers(-max_shift, max_shift + 1, size=(m, 2))"),
    ("random_shift", shift_rows_drawn_before_columns,
     "the shifts were drawn as all the row shifts first, then all the column shifts (two calls, or "
     "size=(2, m)); draw them in one call of shape (m, 2), whose row i is (d_i, e_i)"),
    ("lr_range_test", range_test_linear_rates,
     "the learning rates were evenly spaced (np.linspace); the range test spaces them geometrically, "
     "lr_min * (lr_max / lr_min) ** (t / (num_steps - 1))"),
    ("lr_range_test", range_test_exponent_over_num_steps,
     "the exponent was t / num_steps, so the last rate is below lr_max; use t / (num_steps - 1)"),
    ("lr_range_test", range_test_first_loss,
     "the loss was compared with the first loss instead of the smallest loss so far "
     "(stop when loss > diverge_factor * min(losses))"),
    ("lr_range_test", range_test_never_stops,
     "the test never stopped; stop after recording a loss that is not finite or larger than "
     "diverge_factor times the smallest loss so far"),
    ("lr_range_test", range_test_stops_before_recording,
     "the test stopped without recording the step whose loss diverged; record that step's rate and loss "
     "too, then stop (the plot must show where the loss blows up)"),
    ("lr_range_test", range_test_update_before_loss,
     "the parameters were updated before the loss of the step was recorded; record "
     "loss_and_grads(params, t) at the current parameters, then update them with that step's gradients"),
]

# ------------------------------------------------------------------ correct, other styles

def clip_in_place(grads, max_norm):
    """Scales the caller's arrays in place (torch's clip_grad_norm_ style)."""
    norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads.values()))
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return grads, norm


def range_test_in_place(loss_and_grads, parameters, lr_min, lr_max, num_steps, diverge_factor=4.0):
    """Steps the caller's parameters in place."""
    lrs, losses = [], []
    for t in range(num_steps):
        lr = lr_min * (lr_max / lr_min) ** (t / (num_steps - 1))
        loss, grads = loss_and_grads(parameters, t)
        lrs.append(lr)
        losses.append(loss)
        if not np.isfinite(loss) or loss > diverge_factor * min(losses):
            break
        for key in parameters:
            parameters[key] -= lr * grads["d" + key]
    return np.array(lrs), np.array(losses)


ACCEPTED = [
    ("clip_by_global_norm", clip_in_place, "grads was changed in place"),
    ("lr_range_test", range_test_in_place, "parameters was changed in place"),
]
