"""The two-moons data set and the small network the optimizer chapters train on it.

Given code, not an exercise: a 2 → 5 → 2 → 1 network (ReLU, ReLU, sigmoid)
trained with mini-batches on 300 noisy points of two interleaving half
moons, as in the deeplearning.ai optimization assignment. The chapters plug
their own update rules into ``train_network``.

Layout as everywhere in the course: ``X`` is ``(2, m)``, ``Y`` is ``(1, m)``,
parameters ``{"W1", "b1", ...}``, gradients ``{"dW1", "db1", ...}``.

Contents: ``make_moons``, ``initialize_network``, ``network_cost_and_grads``,
``predict``, ``accuracy``, ``train_network``, ``plot_decision_boundary``.
"""

import numpy as np

__all__ = ["LAYER_DIMS", "make_moons", "initialize_network", "network_cost_and_grads", "predict",
           "accuracy", "train_network", "plot_decision_boundary"]

LAYER_DIMS = (2, 5, 2, 1)


def make_moons(m=300, noise=0.2, seed=3):
    """Two interleaving half circles with Gaussian noise; label 0 for the upper moon, 1 for the lower.

    The upper moon is (cos t, sin t), the lower (1 − cos t, 1/2 − sin t),
    t ∈ [0, π], the same shapes as scikit-learn's ``make_moons``.
    Returns ``X`` of shape (2, m) and ``Y`` of shape (1, m).
    """
    rng = np.random.default_rng(seed)
    upper, lower = m // 2, m - m // 2
    t_upper, t_lower = np.linspace(0, np.pi, upper), np.linspace(0, np.pi, lower)
    X = np.concatenate([np.stack([np.cos(t_upper), np.sin(t_upper)]),
                        np.stack([1 - np.cos(t_lower), 0.5 - np.sin(t_lower)])], axis=1)
    X = X + noise * rng.standard_normal(X.shape)
    Y = np.concatenate([np.zeros(upper), np.ones(lower)]).reshape(1, m)
    return X, Y


def initialize_network(layer_dims=LAYER_DIMS, seed=3):
    """He initialization: W_l ~ N(0, 2 / n_{l-1}) entrywise, b_l = 0."""
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        fan_in = layer_dims[l - 1]
        parameters[f"W{l}"] = rng.standard_normal((layer_dims[l], fan_in)) * np.sqrt(2.0 / fan_in)
        parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return parameters


def _forward(X, parameters):
    """Activations of every layer: ReLU in the hidden layers, a sigmoid at the output."""
    layers = len(parameters) // 2
    activations = [X]
    for l in range(1, layers + 1):
        Z = parameters[f"W{l}"] @ activations[-1] + parameters[f"b{l}"]
        activations.append(np.maximum(Z, 0) if l < layers else 1 / (1 + np.exp(-Z)))
    return activations


def network_cost_and_grads(X, Y, parameters):
    """Mean cross-entropy of the network on (X, Y) and its gradients (backpropagation).

    cost = −(1/m) Σ [y log a + (1 − y) log(1 − a)], a the output activation.
    Returns ``(cost, grads)`` with ``grads["dW1"]``, ``grads["db1"]``, ...
    """
    m = X.shape[1]
    activations = _forward(X, parameters)
    A = np.clip(activations[-1], 1e-12, 1 - 1e-12)  # log(0) would make the cost inf
    cost = float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))
    grads = {}
    dZ = (activations[-1] - Y) / m  # sigmoid and cross-entropy together
    for l in range(len(parameters) // 2, 0, -1):
        grads[f"dW{l}"] = dZ @ activations[l - 1].T
        grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True)
        if l > 1:
            dZ = (parameters[f"W{l}"].T @ dZ) * (activations[l - 1] > 0)
    return cost, grads


def predict(X, parameters):
    """Labels 0/1: the output activation thresholded at 1/2. Shape (1, m)."""
    return (_forward(X, parameters)[-1] > 0.5).astype(float)


def accuracy(X, Y, parameters):
    """Fraction of examples whose predicted label is right."""
    return float(np.mean(predict(X, parameters) == Y))


def _shuffled_batches(X, Y, size, rng):
    # Given code needs its own shuffling: the chapters that use it do not
    # define the mini-batch exercise of chapter 2.
    order = rng.permutation(X.shape[1])
    return [(X[:, order[k:k + size]], Y[:, order[k:k + size]]) for k in range(0, X.shape[1], size)]


def train_network(X, Y, update, init=None, learning_rate=7e-4, schedule=None, mini_batch_size=64,
                  num_epochs=5000, layer_dims=LAYER_DIMS, seed=10, record_every=100):
    """Train the network with mini-batches, the optimizer given as two functions.

    ``init(parameters)`` returns the optimizer's initial state (``None`` when
    omitted); ``update(parameters, grads, state, t, learning_rate)`` returns
    ``(parameters, state)`` for the t-th update (t = 1, 2, ...). With a
    ``schedule(learning_rate, epoch)`` the learning rate of each epoch is
    ``schedule(learning_rate, epoch)``.

    Returns ``(parameters, history)``: ``history["epoch"]``, ``history["cost"]``
    (mean cost over the epoch's mini-batches) and ``history["learning_rate"]``,
    every ``record_every`` epochs and at the last one.
    """
    rng = np.random.default_rng(seed)
    parameters = initialize_network(layer_dims)
    state = init(parameters) if init else None
    history = {"epoch": [], "cost": [], "learning_rate": []}
    t = 0
    for epoch in range(num_epochs):
        lr = schedule(learning_rate, epoch) if schedule else learning_rate
        batches = _shuffled_batches(X, Y, mini_batch_size, rng)
        epoch_cost = 0.0
        for Xb, Yb in batches:
            cost, grads = network_cost_and_grads(Xb, Yb, parameters)
            t += 1
            parameters, state = update(parameters, grads, state, t, lr)
            epoch_cost += cost * Xb.shape[1]
        if epoch % record_every == 0 or epoch == num_epochs - 1:
            history["epoch"].append(epoch)
            history["cost"].append(epoch_cost / X.shape[1])
            history["learning_rate"].append(lr)
    return parameters, history


def plot_decision_boundary(ax, parameters, X, Y, title=None):
    """The two predicted regions, with the data on top."""
    xs = np.linspace(X[0].min() - 0.5, X[0].max() + 0.5, 300)
    ys = np.linspace(X[1].min() - 0.5, X[1].max() + 0.5, 300)
    grid_x, grid_y = np.meshgrid(xs, ys)
    labels = predict(np.stack([grid_x.ravel(), grid_y.ravel()]), parameters).reshape(grid_x.shape)
    ax.contourf(grid_x, grid_y, labels, levels=[-0.5, 0.5, 1.5], colors=["#C6DBEF", "#FDD0A2"], alpha=0.8)
    ax.scatter(X[0], X[1], c=np.where(Y[0] > 0.5, "#E6550D", "#3182BD"), s=12, edgecolors="white",
               linewidths=0.4)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    if title:
        ax.set_title(title)
    return ax
