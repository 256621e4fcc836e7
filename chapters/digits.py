"""The handwritten digits of chapter 11, and the network the chapter trains on them.

Given code, not an exercise. The data are the 1,797 8×8 images of
handwritten digits that scikit-learn bundles (``sklearn.datasets.load_digits``):
the test part of the UCI "Optical Recognition of Handwritten Digits" set
(Alpaydin and Kaynak, 1998; license CC BY 4.0), stored in ``digits.npz``
next to this file, so nothing is downloaded. Each pixel counts the ink in
a 4×4 block of a 32×32 bitmap, 0 to 16; ``load_digits`` divides by 16.

The network is 64 → H → H → 10: ReLU hidden layers, a linear output layer
whose logits go into the chapter's softmax cross-entropy. Layout as
everywhere in the course: inputs ``X`` of shape (64, m), integer labels
``y`` of shape (m,), parameters ``{"W1", "b1", ...}``, gradients
``{"dW1", "db1", ...}``. The functions that the chapter's exercises and
earlier chapters provide (the loss, the update rules, dropout, batch
normalization) are passed in as arguments: this module never defines them.

Contents: ``load_digits``, ``split_digits``, ``inputs``, ``random_rotation``,
``forward``, ``loss_and_grads``, ``predict_proba``, ``accuracy``,
``sgd``, ``momentum``, ``adam``, ``train``, ``show_digits``.
"""

import math
from pathlib import Path

import numpy as np

__all__ = ["load_digits", "split_digits", "inputs", "random_rotation", "forward", "loss_and_grads",
           "predict_proba", "accuracy", "sgd", "momentum", "adam", "train", "show_digits"]

DATA_FILE = Path(__file__).with_name("digits.npz")


def load_digits():
    """All 1,797 images as floats in [0, 1], shape (1797, 8, 8), and their labels 0-9 (int64)."""
    with np.load(DATA_FILE) as data:
        return data["images"].astype(np.float64) / 16.0, data["labels"].astype(np.int64)


def split_digits(num_val=360, num_test=360, seed=0):
    """One fixed random split into training, validation and test sets.

    Returns ``{"train": (images, labels), "val": ..., "test": ...}``; the
    same seed gives the same split. The test set is for the chapter's last
    section only.
    """
    images, labels = load_digits()
    order = np.random.default_rng(seed).permutation(len(labels))
    parts = {"test": order[:num_test], "val": order[num_test:num_test + num_val],
             "train": order[num_test + num_val:]}
    return {name: (images[index], labels[index]) for name, index in parts.items()}


def inputs(images):
    """The network's input matrix X of shape (64, m): one flattened image per column."""
    return images.reshape(len(images), -1).T


def random_rotation(images, max_degrees, seed):
    """Rotate each image about its center by an angle drawn uniformly in [-max_degrees, max_degrees].

    Bilinear interpolation; pixels that come from outside the image are 0.
    """
    m, height, width = images.shape
    angles = np.deg2rad(np.random.default_rng(seed).uniform(-max_degrees, max_degrees, m))
    rows, cols = np.meshgrid(np.arange(height) - (height - 1) / 2, np.arange(width) - (width - 1) / 2,
                             indexing="ij")
    cos, sin = np.cos(angles)[:, None, None], np.sin(angles)[:, None, None]
    # Where each output pixel comes from: the inverse rotation of its coordinates.
    src_rows = cos * rows + sin * cols + (height - 1) / 2
    src_cols = -sin * rows + cos * cols + (width - 1) / 2
    r0, c0 = np.floor(src_rows).astype(int), np.floor(src_cols).astype(int)
    fr, fc = src_rows - r0, src_cols - c0
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))   # zeros around: outside reads 0
    index = np.arange(m)[:, None, None]

    def pixel(r, c):
        inside = (r >= -1) & (r <= height) & (c >= -1) & (c <= width)
        return np.where(inside, padded[index, np.clip(r + 1, 0, height + 1), np.clip(c + 1, 0, width + 1)], 0.0)

    return ((1 - fr) * (1 - fc) * pixel(r0, c0) + (1 - fr) * fc * pixel(r0, c0 + 1)
            + fr * (1 - fc) * pixel(r0 + 1, c0) + fr * fc * pixel(r0 + 1, c0 + 1))


# ------------------------------------------------------------------ the network

def _num_layers(params):
    return sum(1 for key in params if key.startswith("W"))


def forward(X, params, *, layers=None, keep_prob=1.0, seed=0, bn_state=None):
    """The logits (10, m) and what backpropagation needs.

    ``layers`` holds the chapter 8 functions used when the network has them:
    ``dropout_forward`` (with ``keep_prob`` < 1, training only) and
    ``batchnorm_forward`` / ``batchnorm_inference`` (when ``params`` has
    ``gamma1``, ``beta1``, ...). ``bn_state`` holds the running means and
    variances: ``None`` means training (batch statistics), a dict means
    inference with those statistics.
    """
    L = _num_layers(params)
    A, caches = X, []
    for l in range(1, L + 1):
        Z = params[f"W{l}"] @ A + params[f"b{l}"]
        cache = {"A_prev": A}
        if l == L:
            caches.append(cache)
            return Z, caches
        if f"gamma{l}" in params:
            gamma, beta = params[f"gamma{l}"], params[f"beta{l}"]
            if bn_state is None:
                Z, cache["bn"] = layers["batchnorm_forward"](Z, gamma, beta)
            else:
                Z = layers["batchnorm_inference"](Z, gamma, beta, bn_state[f"mean{l}"], bn_state[f"var{l}"])
        cache["Z"] = Z
        A = np.maximum(Z, 0.0)
        if keep_prob < 1.0:
            A, cache["mask"] = layers["dropout_forward"](A, keep_prob, seed * 1000 + l)
        caches.append(cache)


def loss_and_grads(X, y, params, loss_fn, *, layers=None, keep_prob=1.0, seed=0):
    """Mean loss over the batch, the gradients {"dW1", ...}, and the layers' activations.

    ``loss_fn(Z, y)`` returns ``(loss, dZ)``: the chapter's softmax
    cross-entropy. Returns ``(loss, grads, activations)`` where
    ``activations[l - 1]`` is hidden layer l's output (after ReLU and
    dropout), and ``grads`` also holds each batch-normalized layer's batch
    mean and variance (``"mean1"``, ``"var1"``, ...) for the running
    averages.
    """
    Z, caches = forward(X, params, layers=layers, keep_prob=keep_prob, seed=seed)
    loss, dZ = loss_fn(Z, y)
    grads = {}
    for l in range(len(caches), 0, -1):
        cache = caches[l - 1]
        grads[f"dW{l}"] = dZ @ cache["A_prev"].T
        grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True)
        if l == 1:
            break
        dA = params[f"W{l}"].T @ dZ
        below = caches[l - 2]
        if "mask" in below:
            dA = layers["dropout_backward"](dA, below["mask"], keep_prob)
        dZ = dA * (below["Z"] > 0)
        if "bn" in below:
            dZ, grads[f"dgamma{l - 1}"], grads[f"dbeta{l - 1}"] = layers["batchnorm_backward"](dZ, below["bn"])
            grads[f"mean{l - 1}"], grads[f"var{l - 1}"] = below["bn"]["mean"], below["bn"]["var"]
    activations = [c["A_prev"] for c in caches[1:]]
    return float(loss), {key: grads[key] for key in reversed(list(grads))}, activations


def predict_proba(X, params, *, layers=None, bn_state=None):
    """Class probabilities (10, m) of the trained network (no dropout, running batch statistics)."""
    Z, _ = forward(X, params, layers=layers, bn_state=bn_state)
    Z = Z - Z.max(axis=0, keepdims=True)
    P = np.exp(Z)
    return P / P.sum(axis=0, keepdims=True)


def accuracy(X, y, params, *, layers=None, bn_state=None):
    """Fraction of the examples whose most probable class is the label."""
    return float(np.mean(predict_proba(X, params, layers=layers, bn_state=bn_state).argmax(axis=0) == y))


# ------------------------------------------------------------------ optimizers over dicts

class Optimizer:
    """An update rule applied to every parameter array: ``init(params)``, ``update(...)``."""

    def __init__(self, name, init, update):
        self.name, self.init, self.update = name, init, update


def sgd():
    """Plain gradient descent, w ← w − η g."""
    return Optimizer("SGD", lambda params: None,
                     lambda params, grads, state, t, lr: ({k: w - lr * grads["d" + k] for k, w in params.items()}, None))


def momentum(momentum_step, beta=0.9):
    """Chapter 3's ``momentum_step(w, g, v, lr, beta)`` on every array."""
    def update(params, grads, state, t, lr):
        new, velocity = {}, {}
        for k, w in params.items():
            new[k], velocity[k] = momentum_step(w, grads["d" + k], state[k], lr, beta)
        return new, velocity
    return Optimizer("momentum", lambda params: {k: np.zeros_like(w) for k, w in params.items()}, update)


def adam(adam_step, name="Adam", **hyper):
    """Chapter 5's ``adam_step(w, g, m, v, t, lr, ...)`` (or ``adamw_step``) on every array."""
    def update(params, grads, state, t, lr):
        new, moments = {}, {}
        for k, w in params.items():
            new[k], m, v = adam_step(w, grads["d" + k], *state[k], t, lr, **hyper)
            moments[k] = (m, v)
        return new, moments
    return Optimizer(name, lambda params: {k: (np.zeros_like(w), np.zeros_like(w)) for k, w in params.items()},
                     update)


# ------------------------------------------------------------------ training

def _sum_of_squares(a):
    # One BLAS dot product: the grad norm is taken at every step, and np.sum's overhead showed.
    a = np.asarray(a, dtype=np.float64).ravel()
    return float(np.dot(a, a))


def _norm(a):
    return math.sqrt(_sum_of_squares(a))


def train(params, data, loss_fn, optimizer, *, lr, num_epochs, batch_size=64, schedule=None, clip=None,
          augment=None, layers=None, keep_prob=1.0, seed=0, watch=False, bn_momentum=0.9, keep_best=True):
    """Mini-batch training on ``data["train"]``, validated on ``data["val"]`` after every epoch.

    ``schedule(lr, step, total_steps)`` gives the learning rate of each step
    (constant ``lr`` without one). ``clip = (clip_by_global_norm, max_norm)``
    clips every gradient. ``augment(images, seed)`` transforms each batch of
    training images before it is flattened. With ``watch`` the history also
    holds, per step, the gradient norm and the update-to-weight ratio
    ‖ΔW‖/‖W‖ of every weight matrix.

    Returns ``(params, history)``: the parameters of the epoch with the
    lowest validation loss (early stopping that keeps the best epoch; with
    ``keep_best=False``, those of the last step), and
    ``history`` with the per-step ``"loss"`` and ``"grad_norm"`` (global,
    before clipping), the per-epoch ``"val_loss"`` and ``"val_accuracy"``,
    ``"best_epoch"``, ``"bn_state"`` (running batch statistics, if any) and,
    with ``watch``, ``"layer_grad_norm"`` and ``"update_ratio"``
    (``{"W1": [...], ...}``). A run whose loss stops being finite ends there
    (``history["diverged"]`` is True).
    """
    images, labels = data["train"]
    X_val, y_val = inputs(data["val"][0]), data["val"][1]
    rng = np.random.default_rng(seed)
    state = optimizer.init(params)
    m = len(labels)
    steps_per_epoch = -(-m // batch_size)
    total_steps = num_epochs * steps_per_epoch
    weights = [key for key in params if key.startswith("W")]
    history = {"loss": [], "grad_norm": [], "val_loss": [], "val_accuracy": [], "diverged": False,
               "layer_grad_norm": {k: [] for k in weights}, "update_ratio": {k: [] for k in weights}}
    bn_state = {key.replace("gamma", "mean"): np.zeros_like(v) for key, v in params.items()
                if key.startswith("gamma")}
    bn_state.update({key.replace("mean", "var"): np.ones_like(v) for key, v in list(bn_state.items())})
    # Copies, so that an update rule that changes its arrays in place (accepted since chapter 3)
    # changes neither the caller's parameters nor the best epoch's kept below.
    params = {key: np.array(value, copy=True) for key, value in params.items()}
    best, best_loss, t = params, np.inf, 0
    for epoch in range(num_epochs):
        order = rng.permutation(m)
        for start in range(0, m, batch_size):
            batch = order[start:start + batch_size]
            batch_images = images[batch]
            if augment is not None:
                batch_images = augment(batch_images, seed * 100_003 + t)
            loss, grads, _ = loss_and_grads(inputs(batch_images), labels[batch], params, loss_fn,
                                            layers=layers, keep_prob=keep_prob, seed=seed * 100_003 + t)
            grad_norm = math.sqrt(sum(_sum_of_squares(grads["d" + k]) for k in params))
            history["loss"].append(loss)
            history["grad_norm"].append(grad_norm)
            if not np.isfinite(loss) or not np.isfinite(grad_norm):
                history["diverged"] = True
                break
            for key in bn_state:       # running averages of the batch statistics, for inference
                bn_state[key] = bn_momentum * bn_state[key] + (1 - bn_momentum) * grads[key]
            if clip is not None:
                clip_fn, max_norm = clip
                clipped, _ = clip_fn({"d" + k: grads["d" + k] for k in params}, max_norm)
                grads = clipped
            t += 1
            step_lr = schedule(lr, t - 1, total_steps) if schedule else lr
            before = {k: params[k].copy() for k in weights} if watch else None
            new_params, state = optimizer.update(params, grads, state, t, step_lr)
            if watch:
                for k in weights:
                    history["layer_grad_norm"][k].append(_norm(grads["d" + k]))
                    history["update_ratio"][k].append(_norm(new_params[k] - before[k]) / _norm(before[k]))
            params = new_params
        if history["diverged"]:
            break
        val_state = bn_state if bn_state else None
        P = predict_proba(X_val, params, layers=layers, bn_state=val_state)
        val_loss = float(-np.mean(np.log(np.maximum(P[y_val, np.arange(len(y_val))], 1e-300))))
        history["val_loss"].append(val_loss)
        history["val_accuracy"].append(float(np.mean(P.argmax(axis=0) == y_val)))
        if val_loss < best_loss:
            best = {key: value.copy() for key, value in params.items()}
            best_loss, history["best_epoch"] = val_loss, epoch
            history["bn_state"] = {k: v.copy() for k, v in bn_state.items()} or None
    history.setdefault("best_epoch", None)
    history.setdefault("bn_state", None)
    if not keep_best:
        history["bn_state"] = {k: v.copy() for k, v in bn_state.items()} or None
        return params, history
    return best, history


def show_digits(axes, images, labels=None):
    """Draw images on a sequence of axes, white ink on black, with their labels as titles."""
    for i, ax in enumerate(axes):
        ax.imshow(images[i], cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        if labels is not None:
            ax.set_title(str(labels[i]), fontsize=11)
