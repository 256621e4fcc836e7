"""Bad arguments get a TypeError / ValueError whose message names the argument.

Also the package-wide contract: what is public, and that solutions/README.md
documents all of it.
"""

import re
from pathlib import Path

import numpy as np
import pytest

import solutions
from assertions import assert_error_names_argument
from solutions import (adagrad_step, adam_step, adamw_step, amsgrad_step, cosine_decay, exponential_decay,
                       gd_step,
                       linear_scaling, linear_warmup, step_decay, warmup_cosine,
                       heavy_ball_step, initialize_adam, initialize_velocity, momentum_step,
                       nadam_step, nesterov_step, numerical_gradient, random_mini_batches,
                       rmsprop_step, run_gradient_descent, schedule_lr_decay,
                       train_with_mini_batches, update_lr, update_parameters_with_adam,
                       update_parameters_with_gd, update_parameters_with_momentum,
                       update_parameters_with_rmsprop)
from solutions import clip_by_global_norm, he_initialization, lr_range_test, random_shift, softmax_cross_entropy

w2, z2, z3 = np.array([1.0, 2.0]), np.zeros(2), np.zeros(3)
P = {"W1": np.ones((2, 2)), "b1": np.ones((2, 1)), "W2": np.ones((1, 2)), "b2": np.ones((1, 1))}
G = {"d" + k: np.zeros_like(p) for k, p in P.items()}
G_no_db2 = {k: x for k, x in G.items() if k != "db2"}
X, Y = np.zeros((3, 5)), np.zeros((1, 5))


def mse(Xb, Yb, p):
    return 0.0, G


def grads_missing(Xb, Yb, p):
    return 0.0, G_no_db2


Z23, y3 = np.zeros((2, 3)), np.array([0, 1, 1])
W1 = {"w": np.ones(1)}


def bowl(params, t):
    return 0.5 * float(params["w"][0]) ** 2, {"dw": params["w"].copy()}


# (id, call, exception, the argument the message must start with, another fragment it contains)
CASES = [
    # --- arrays ---------------------------------------------------------------------------
    ("w list", lambda: gd_step([1.0, 2.0], w2, 0.1), TypeError, "w",
     "use np.asarray(w, dtype=float)"),
    ("w int array", lambda: gd_step(np.array([1, 2]), w2, 0.1), TypeError, "w",
     "w must be a floating-point array, got int64; use w.astype(float)"),
    ("w bool array", lambda: gd_step(np.array([True]), np.array([1.0]), 0.1), TypeError, "w",
     "got bool"),
    ("w complex", lambda: gd_step(w2 + 0j, w2, 0.1), TypeError, "w", "complex128"),
    ("w int scalar", lambda: gd_step(1, 2.0, 0.1), TypeError, "w", "float(w)"),
    ("g shape", lambda: gd_step(w2, z3, 0.1), ValueError, "g",
     "g has shape (3,) but w has shape (2,)"),
    ("g int", lambda: gd_step(w2, np.array([1, 2]), 0.1), TypeError, "g", "g.astype(float)"),
    ("g None", lambda: gd_step(w2, None, 0.1), TypeError, "g", "NoneType"),
    ("momentum v shape", lambda: momentum_step(w2, w2, z3, 0.1), ValueError, "v", "(3,)"),
    ("heavy_ball v int", lambda: heavy_ball_step(w2, w2, np.zeros(2, int), 0.1), TypeError, "v",
     "int64"),
    ("nesterov v shape", lambda: nesterov_step(w2, w2, np.zeros((2, 1)), 0.1), ValueError, "v",
     "(2, 1)"),
    ("adagrad G shape", lambda: adagrad_step(w2, w2, z3, 0.1), ValueError, "G", "(3,)"),
    ("rmsprop s int", lambda: rmsprop_step(w2, w2, np.zeros(2, int), 0.1), TypeError, "s", ""),
    ("adam m shape", lambda: adam_step(w2, w2, z3, z2, 1), ValueError, "m", ""),
    ("adam v shape", lambda: adam_step(w2, w2, z2, z3, 1), ValueError, "v", ""),
    ("adamw g shape", lambda: adamw_step(w2, z3, z2, z2, 1), ValueError, "g", ""),
    ("nadam v shape", lambda: nadam_step(w2, w2, z2, z3, 1, 1.0), ValueError, "v", ""),
    ("amsgrad v_max shape", lambda: amsgrad_step(w2, w2, z2, z2, z3, 1), ValueError, "v_max",
     "v_max has shape (3,) but w has shape (2,)"),
    ("amsgrad beta2", lambda: amsgrad_step(w2, w2, z2, z2, z2, 1, beta2=1.0), ValueError, "beta2", ""),
    ("amsgrad t zero", lambda: amsgrad_step(w2, w2, z2, z2, z2, 0), ValueError, "t", ""),
    # --- learning rates and hyperparameters -----------------------------------------------
    ("lr negative", lambda: gd_step(w2, w2, -0.1), ValueError, "lr", "non-negative, got -0.1"),
    ("lr string", lambda: momentum_step(w2, w2, z2, "0.1"), TypeError, "lr", "str"),
    ("lr nan", lambda: adagrad_step(w2, w2, z2, float("nan")), ValueError, "lr", "finite"),
    ("lr array", lambda: gd_step(w2, w2, np.array([0.1])), TypeError, "lr", "ndarray"),
    ("adam lr negative", lambda: adam_step(w2, w2, z2, z2, 1, lr=-1e-3), ValueError, "lr", ""),
    ("nadam lr negative", lambda: nadam_step(w2, w2, z2, z2, 1, 1.0, lr=-1.0), ValueError,
     "lr", ""),
    ("beta one", lambda: momentum_step(w2, w2, z2, 0.1, beta=1.0), ValueError, "beta",
     "[0, 1), got 1.0"),
    ("beta negative", lambda: rmsprop_step(w2, w2, z2, 0.1, beta=-0.1), ValueError, "beta", ""),
    ("rho one", lambda: heavy_ball_step(w2, w2, z2, 0.1, rho=1.0), ValueError, "rho", "[0, 1)"),
    ("nesterov rho", lambda: nesterov_step(w2, w2, z2, 0.1, rho=1.5), ValueError, "rho", ""),
    ("beta1", lambda: adam_step(w2, w2, z2, z2, 1, beta1=1.0), ValueError, "beta1", ""),
    ("beta2", lambda: adamw_step(w2, w2, z2, z2, 1, beta2=1.2), ValueError, "beta2", ""),
    ("nadam beta1", lambda: nadam_step(w2, w2, z2, z2, 1, 1.0, beta1=-0.5), ValueError,
     "beta1", ""),
    ("eps zero", lambda: adagrad_step(w2, w2, z2, 0.1, eps=0.0), ValueError, "eps", "positive"),
    ("eps negative", lambda: adam_step(w2, w2, z2, z2, 1, eps=-1e-8), ValueError, "eps", ""),
    ("rmsprop eps", lambda: rmsprop_step(w2, w2, z2, 0.1, eps=0), ValueError, "eps", ""),
    ("weight_decay", lambda: adamw_step(w2, w2, z2, z2, 1, weight_decay=-0.1), ValueError,
     "weight_decay", ""),
    ("momentum_decay", lambda: nadam_step(w2, w2, z2, z2, 1, 1.0, momentum_decay=-1.0),
     ValueError, "momentum_decay", ""),
    ("mu_product > 1", lambda: nadam_step(w2, w2, z2, z2, 1, 1.5), ValueError, "mu_product",
     "starts at 1.0"),
    ("mu_product array", lambda: nadam_step(w2, w2, z2, z2, 1, z2), TypeError, "mu_product", ""),
    # --- the step counter t ---------------------------------------------------------------
    ("t zero", lambda: adam_step(w2, w2, z2, z2, 0), ValueError, "t", "1-based"),
    ("t negative", lambda: adamw_step(w2, w2, z2, z2, -3), ValueError, "t", "got -3"),
    ("t fractional", lambda: adam_step(w2, w2, z2, z2, 1.5), ValueError, "t", "1.5"),
    ("t float", lambda: nadam_step(w2, w2, z2, z2, 2.0, 1.0), ValueError, "t", "float"),
    ("t string", lambda: adam_step(w2, w2, z2, z2, "1"), TypeError, "t", "str"),
    ("t bool", lambda: adam_step(w2, w2, z2, z2, True), TypeError, "t", "bool"),
    ("dict t zero", lambda: update_parameters_with_adam(P, G, G, G, 0), ValueError, "t", ""),
    # --- dictionaries ---------------------------------------------------------------------
    ("grads missing key", lambda: update_parameters_with_gd(P, G_no_db2, 0.1), ValueError,
     "grads", "grads has no 'db2' for parameters 'b2'"),
    ("parameters not dict", lambda: update_parameters_with_gd([P], G, 0.1), TypeError,
     "parameters", "list"),
    ("parameters int array", lambda: update_parameters_with_gd({"W1": np.ones((2, 2), int)},
                                                               G, 0.1),
     TypeError, "parameters['W1']", "use parameters['W1'].astype(float)"),
    ("grads shape", lambda: update_parameters_with_gd(P, {**G, "dW1": np.zeros((3, 2))}, 0.1),
     ValueError, "grads['dW1']", "grads['dW1'] has shape (3, 2) but parameters['W1'] has shape "
                                 "(2, 2)"),
    ("grads not dict", lambda: update_parameters_with_gd(P, None, 0.1), TypeError, "grads", ""),
    ("learning_rate", lambda: update_parameters_with_gd(P, G, -1.0), ValueError,
     "learning_rate", ""),
    ("initialize_velocity", lambda: initialize_velocity({"W1": [1.0]}), TypeError,
     "parameters['W1']", ""),
    ("initialize_adam", lambda: initialize_adam("W1"), TypeError, "parameters", ""),
    ("momentum v missing", lambda: update_parameters_with_momentum(P, G, G_no_db2, 0.9, 0.1),
     ValueError, "v", "v has no 'db2' for parameters 'b2'"),
    ("momentum beta", lambda: update_parameters_with_momentum(P, G, G, 1.0, 0.1), ValueError,
     "beta", ""),
    ("momentum learning_rate", lambda: update_parameters_with_momentum(P, G, G, 0.9, -0.1),
     ValueError, "learning_rate", ""),
    ("rmsprop s missing", lambda: update_parameters_with_rmsprop(P, G, G_no_db2, 0.1), ValueError,
     "s", "s has no 'db2' for parameters 'b2'"),
    ("rmsprop beta", lambda: update_parameters_with_rmsprop(P, G, G, 0.1, beta=1.0), ValueError,
     "beta", ""),
    ("rmsprop epsilon", lambda: update_parameters_with_rmsprop(P, G, G, 0.1, epsilon=0.0),
     ValueError, "epsilon", ""),
    ("adam s missing", lambda: update_parameters_with_adam(P, G, G, G_no_db2, 1), ValueError,
     "s", "s has no 'db2'"),
    ("adam v missing", lambda: update_parameters_with_adam(P, G, G_no_db2, G, 1), ValueError,
     "v", "v has no 'db2'"),
    ("adam grads missing", lambda: update_parameters_with_adam(P, G_no_db2, G, G, 1),
     ValueError, "grads", ""),
    ("adam epsilon", lambda: update_parameters_with_adam(P, G, G, G, 1, epsilon=0.0),
     ValueError, "epsilon", ""),
    ("adam beta2", lambda: update_parameters_with_adam(P, G, G, G, 1, beta2=1.0), ValueError,
     "beta2", ""),
    # --- mini-batches ---------------------------------------------------------------------
    ("mini_batch_size zero", lambda: random_mini_batches(X, Y, 0), ValueError,
     "mini_batch_size", ">= 1, got 0"),
    ("mini_batch_size float", lambda: random_mini_batches(X, Y, 2.5), ValueError,
     "mini_batch_size", "2.5"),
    ("mini_batch_size str", lambda: random_mini_batches(X, Y, "64"), TypeError,
     "mini_batch_size", ""),
    ("X Y columns", lambda: random_mini_batches(X, np.zeros((1, 4))), ValueError, "X",
     "X has 5 columns (examples) but Y has 4"),
    ("X list", lambda: random_mini_batches([[1.0]], Y), TypeError, "X", ""),
    ("Y 1-D", lambda: random_mini_batches(X, np.zeros(5)), ValueError, "Y", "Y.reshape(1, -1)"),
    ("seed negative", lambda: random_mini_batches(X, Y, 2, seed=-1), ValueError, "seed", ""),
    ("seed too large", lambda: random_mini_batches(X, Y, 2, seed=2 ** 32), ValueError, "seed",
     "<= 4294967295"),
    # --- schedules ------------------------------------------------------------------------
    ("learning_rate0", lambda: update_lr(-0.1, 1, 1.0), ValueError, "learning_rate0", ""),
    ("epoch_num negative", lambda: update_lr(0.1, -1, 1.0), ValueError, "epoch_num", ""),
    ("epoch_num str", lambda: exponential_decay(0.1, "1", 1.0), TypeError, "epoch_num", ""),
    ("epoch_num array negative", lambda: schedule_lr_decay(0.1, np.array([1, -1]), 1.0),
     ValueError, "epoch_num", ""),
    ("decay_rate", lambda: update_lr(0.1, 1, -1.0), ValueError, "decay_rate", ""),
    ("step_decay drop", lambda: step_decay(0.1, 5, drop=1.5), ValueError, "drop", ""),
    ("step_decay epochs_per_drop", lambda: step_decay(0.1, 5, epochs_per_drop=0), ValueError,
     "epochs_per_drop", ""),
    ("cosine_decay total_steps", lambda: cosine_decay(0.1, 5, 0), ValueError, "total_steps", ""),
    ("cosine_decay step", lambda: cosine_decay(0.1, -1, 10), ValueError, "step", ""),
    ("cosine_decay min", lambda: cosine_decay(0.1, 1, 10, min_learning_rate=0.5), ValueError,
     "min_learning_rate", ""),
    ("linear_warmup warmup_steps", lambda: linear_warmup(0.1, 1, 0), ValueError, "warmup_steps", ""),
    ("warmup_cosine warmup_steps", lambda: warmup_cosine(0.1, 1, 20, 10), ValueError,
     "warmup_steps", "less than total_steps"),
    ("linear_scaling batch_size", lambda: linear_scaling(0.1, 0), ValueError, "batch_size", ""),
    ("linear_scaling learning_rate0", lambda: linear_scaling(-0.1, 32), ValueError,
     "learning_rate0", ""),
    ("schedule decay_rate", lambda: schedule_lr_decay(0.1, 1, -1.0), ValueError, "decay_rate",
     ""),
    ("time_interval", lambda: schedule_lr_decay(0.1, 1, 1.0, time_interval=0), ValueError,
     "time_interval", "positive"),
    ("k", lambda: exponential_decay(0.1, 1, -0.5), ValueError, "k", ""),
    ("k str", lambda: exponential_decay(0.1, 1, None), TypeError, "k", ""),
    # --- chapter 1-2 additions ------------------------------------------------------------
    ("grad not callable", lambda: run_gradient_descent(w2, w2, 0.1, 3), TypeError, "grad",
     "callable"),
    ("w0 int", lambda: run_gradient_descent(lambda w: w, np.array([1, 2]), 0.1, 3), TypeError,
     "w0", "w0.astype(float)"),
    ("run lr", lambda: run_gradient_descent(lambda w: w, w2, -0.1, 3), ValueError, "lr", ""),
    ("num_steps negative", lambda: run_gradient_descent(lambda w: w, w2, 0.1, -1), ValueError,
     "num_steps", ""),
    ("num_steps float", lambda: run_gradient_descent(lambda w: w, w2, 0.1, 2.5), ValueError,
     "num_steps", ""),
    ("grad(w) shape", lambda: run_gradient_descent(lambda w: z3, w2, 0.1, 3), ValueError,
     "grad(w)", "grad(w) returned shape (3,) but w0 has shape (2,)"),
    ("f not callable", lambda: numerical_gradient(1.0, w2), TypeError, "f", ""),
    ("numerical w", lambda: numerical_gradient(np.sum, "w"), TypeError, "w", ""),
    ("numerical w bool", lambda: numerical_gradient(np.sum, np.array([True])), TypeError, "w",
     ""),
    ("h zero", lambda: numerical_gradient(np.sum, w2, h=0.0), ValueError, "h", ""),
    ("f vector", lambda: numerical_gradient(lambda w: w, w2), ValueError, "f",
     "f must return a scalar"),
    ("train cost_and_grads", lambda: train_with_mini_batches(X, Y, P, None, 0.1), TypeError,
     "cost_and_grads", ""),
    ("train parameters", lambda: train_with_mini_batches(X, Y, [1.0], mse, 0.1), TypeError,
     "parameters", ""),
    ("train learning_rate", lambda: train_with_mini_batches(X, Y, P, mse, -0.1), ValueError,
     "learning_rate", ""),
    ("train mini_batch_size", lambda: train_with_mini_batches(X, Y, P, mse, 0.1, 0),
     ValueError, "mini_batch_size", ""),
    ("train num_epochs", lambda: train_with_mini_batches(X, Y, P, mse, 0.1, 2, -1), ValueError,
     "num_epochs", ""),
    ("train seed", lambda: train_with_mini_batches(X, Y, P, mse, 0.1, 2, 1, seed=1.5),
     ValueError, "seed", ""),
    ("train seed + epochs", lambda: train_with_mini_batches(X, Y, P, mse, 0.1, 2, 3,
                                                            seed=2 ** 32 - 2),
     ValueError, "seed", "<= 4294967293"),
    ("train X Y", lambda: train_with_mini_batches(X, np.zeros((1, 2)), P, mse, 0.1), ValueError,
     "X", "but Y has 2"),
    ("train grads missing", lambda: train_with_mini_batches(X, Y, P, grads_missing, 0.1),
     ValueError, "grads", "grads has no 'db2'"),
    # --- chapter 11: training on real data -------------------------------------------------
    ("softmax Z list", lambda: softmax_cross_entropy([[1.0], [0.0]], np.array([0])), TypeError, "Z",
     "np.asarray(Z, dtype=float)"),
    ("softmax Z int", lambda: softmax_cross_entropy(np.ones((2, 3), int), y3), TypeError, "Z",
     "Z.astype(float)"),
    ("softmax Z 1-D", lambda: softmax_cross_entropy(np.zeros(3), y3), ValueError, "Z", "shape (K, m)"),
    ("softmax y float", lambda: softmax_cross_entropy(Z23, np.array([0.0, 1.0, 1.0])), TypeError, "y",
     "use integer labels"),
    ("softmax y bool", lambda: softmax_cross_entropy(Z23, np.array([True, False, True])), TypeError, "y",
     "got bool"),
    ("softmax y list", lambda: softmax_cross_entropy(Z23, [0, 1, 1]), TypeError, "y", "np.asarray(y)"),
    ("softmax y too large", lambda: softmax_cross_entropy(Z23, np.array([0, 2, 1])), ValueError, "y",
     "labels in 0..1 (Z has 2 rows, one per class), got 2"),
    ("softmax y negative", lambda: softmax_cross_entropy(Z23, np.array([0, -1, 1])), ValueError, "y",
     "got -1"),
    ("softmax y one-hot", lambda: softmax_cross_entropy(Z23, np.eye(2)[:, y3]), ValueError, "y",
     "y.argmax(axis=0)"),
    ("softmax y row", lambda: softmax_cross_entropy(Z23, y3.reshape(1, 3)), ValueError, "y", "y.ravel()"),
    ("softmax y length", lambda: softmax_cross_entropy(Z23, np.array([0, 1])), ValueError, "y",
     "y has 2 labels but Z has 3 columns"),
    ("he layer_dims int", lambda: he_initialization(3, 0), TypeError, "layer_dims", "list of layer sizes"),
    ("he layer_dims str", lambda: he_initialization("32", 0), TypeError, "layer_dims", "str"),
    ("he layer_dims short", lambda: he_initialization([3], 0), ValueError, "layer_dims", "at least two"),
    ("he layer_dims zero", lambda: he_initialization([3, 0, 1], 0), ValueError, "layer_dims[1]",
     ">= 1, got 0"),
    ("he layer_dims float", lambda: he_initialization([3, 2.0], 0), ValueError, "layer_dims[1]", "2.0"),
    ("he layer_dims 2-D", lambda: he_initialization(np.ones((2, 2), int), 0), ValueError, "layer_dims",
     "1-D"),
    ("he seed negative", lambda: he_initialization([3, 1], -1), ValueError, "seed", ">= 0"),
    ("he seed float", lambda: he_initialization([3, 1], 1.5), ValueError, "seed", "1.5"),
    ("he seed None", lambda: he_initialization([3, 1], None), TypeError, "seed", "NoneType"),
    ("clip grads list", lambda: clip_by_global_norm([np.ones(2)], 1.0), TypeError, "grads", "dict"),
    ("clip grads empty", lambda: clip_by_global_norm({}, 1.0), ValueError, "grads", "empty dict"),
    ("clip grads int", lambda: clip_by_global_norm({"dW1": np.ones(2, int)}, 1.0), TypeError,
     "grads['dW1']", "grads['dW1'].astype(float)"),
    ("clip max_norm zero", lambda: clip_by_global_norm(G, 0.0), ValueError, "max_norm", "positive"),
    ("clip max_norm negative", lambda: clip_by_global_norm(G, -1.0), ValueError, "max_norm", "positive"),
    ("clip max_norm nan", lambda: clip_by_global_norm(G, float("nan")), ValueError, "max_norm", "finite"),
    ("clip max_norm bool", lambda: clip_by_global_norm(G, True), TypeError, "max_norm", "bool"),
    ("clip max_norm str", lambda: clip_by_global_norm(G, "1.0"), TypeError, "max_norm", "str"),
    ("shift images 2-D", lambda: random_shift(np.zeros((3, 3)), 1, 0), ValueError, "images",
     "shape (m, H, W)"),
    ("shift images int", lambda: random_shift(np.zeros((1, 3, 3), int), 1, 0), TypeError, "images",
     "images.astype(float)"),
    ("shift images list", lambda: random_shift([[[1.0]]], 1, 0), TypeError, "images", "np.asarray"),
    ("shift max_shift negative", lambda: random_shift(np.zeros((1, 3, 3)), -1, 0), ValueError,
     "max_shift", ">= 0, got -1"),
    ("shift max_shift float", lambda: random_shift(np.zeros((1, 3, 3)), 1.0, 0), ValueError,
     "max_shift", "1.0"),
    ("shift seed too large", lambda: random_shift(np.zeros((1, 3, 3)), 1, 2 ** 32), ValueError, "seed",
     "<= 4294967295"),
    ("range loss_and_grads", lambda: lr_range_test(None, W1, 1e-3, 1.0, 5), TypeError, "loss_and_grads",
     "callable"),
    ("range parameters", lambda: lr_range_test(bowl, [1.0], 1e-3, 1.0, 5), TypeError, "parameters",
     "dict"),
    ("range parameters int", lambda: lr_range_test(bowl, {"w": np.ones(1, int)}, 1e-3, 1.0, 5), TypeError,
     "parameters['w']", "astype(float)"),
    ("range lr_min zero", lambda: lr_range_test(bowl, W1, 0.0, 1.0, 5), ValueError, "lr_min", "positive"),
    ("range lr_max below", lambda: lr_range_test(bowl, W1, 1.0, 0.1, 5), ValueError, "lr_max",
     "greater than lr_min (1.0), got 0.1"),
    ("range lr_max equal", lambda: lr_range_test(bowl, W1, 0.1, 0.1, 5), ValueError, "lr_max", ""),
    ("range lr_max inf", lambda: lr_range_test(bowl, W1, 0.1, float("inf"), 5), ValueError, "lr_max",
     "finite"),
    ("range num_steps one", lambda: lr_range_test(bowl, W1, 1e-3, 1.0, 1), ValueError, "num_steps",
     ">= 2, got 1"),
    ("range num_steps float", lambda: lr_range_test(bowl, W1, 1e-3, 1.0, 5.0), ValueError, "num_steps",
     "5.0"),
    ("range diverge_factor one", lambda: lr_range_test(bowl, W1, 1e-3, 1.0, 5, 1.0), ValueError,
     "diverge_factor", "greater than 1"),
    ("range diverge_factor str", lambda: lr_range_test(bowl, W1, 1e-3, 1.0, 5, diverge_factor="4"),
     TypeError, "diverge_factor", "str"),
    ("range not a pair", lambda: lr_range_test(lambda p, t: 1.0, W1, 1e-3, 1.0, 5), TypeError,
     "loss_and_grads(params, t)", "a pair (loss, grads), got float"),
    ("range loss str", lambda: lr_range_test(lambda p, t: ("1.0", {"dw": p["w"]}), W1, 1e-3, 1.0, 5),
     TypeError, "loss_and_grads(params, t)", "real-number loss, got str"),
    ("range grads missing", lambda: lr_range_test(lambda p, t: (1.0, {}), W1, 1e-3, 1.0, 5), ValueError,
     "grads", "grads has no 'dw' for parameters 'w'"),
    ("range grads shape", lambda: lr_range_test(lambda p, t: (1.0, {"dw": np.ones(2)}), W1, 1e-3, 1.0, 5),
     ValueError, "grads['dw']", "grads['dw'] has shape (2,) but parameters['w'] has shape (1,)"),
]


@pytest.mark.parametrize("call, error, name, fragment", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_error_message_names_the_argument(call, error, name, fragment):
    assert_error_names_argument(call, error, name, fragment)


def test_every_public_function_has_validation_cases():
    # Later chapters keep their bad-input tables in their own test files.
    called = " ".join(" ".join(re.findall(r"lambda[^\n]*", f.read_text()))
                      for f in Path(__file__).parent.glob("test_*.py"))
    untested = [n for n in solutions.__all__ if n + "(" not in called]
    assert untested == []


# ---------------------------------------------------------------------------
# What is accepted: Python / NumPy scalars, 0-d arrays, NumPy integers for counts
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("lr", [0.1, np.float32(0.1), np.float64(0.1), np.array(0.1), 1,
                                np.int64(0)])
def test_hyperparameters_accept_python_and_numpy_scalars(lr):
    w, m, v = adam_step(w2, w2, z2, z2, np.int64(1), lr=lr, beta1=np.float32(0.9),
                        beta2=np.float64(0.999), eps=np.float32(1e-8))
    assert w.dtype == np.float64
    np.testing.assert_allclose(w, w2 - float(lr) * np.sign(w2), rtol=1e-6, atol=1e-7)


def test_zero_decay_factors_are_allowed():
    w, v = momentum_step(w2, w2, z2, 0.1, beta=0.0)          # beta = 0 is plain GD
    np.testing.assert_allclose(w, w2 - 0.1 * w2)


def test_counts_accept_numpy_integers():
    assert len(random_mini_batches(X, Y, np.int64(2), np.int32(3))) == 3
    assert run_gradient_descent(lambda w: w, w2, 0.1, np.int64(2)).shape == (3, 2)


# ---------------------------------------------------------------------------
# The package's public surface and its documentation
# ---------------------------------------------------------------------------

MODULES = [solutions.update_rules, solutions.parameters, solutions.schedules,
           solutions.gradient_descent, solutions.regularization, solutions.layers,
           solutions.second_order, solutions.search, solutions.training]


def test_all_is_exactly_the_union_of_the_modules():
    names = [n for mod in MODULES for n in mod.__all__]
    assert sorted(names) == sorted(solutions.__all__) and len(set(names)) == len(names)
    for n in solutions.__all__:
        f = getattr(solutions, n)
        assert callable(f) and f.__doc__ and ">>> " in f.__doc__


def test_readme_documents_every_public_name_with_its_signature():
    import inspect
    readme = (Path(solutions.__file__).parent / "README.md").read_text()
    for n in solutions.__all__:
        found = re.search(rf"^\| `{n}\(([^)]*)\)` \|", readme, re.MULTILINE)
        assert found, f"{n} is not in a table row of solutions/README.md"
        documented = inspect.signature(eval(f"lambda {found.group(1)}: None"))
        assert inspect.signature(getattr(solutions, n)) == documented, n
