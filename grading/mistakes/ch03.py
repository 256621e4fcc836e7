"""Mistaken variants of this chapter's exercises (see __init__.py)."""

import numpy as np

from solutions import (heavy_ball_step, initialize_velocity, momentum_step, nesterov_step,
                       update_parameters_with_momentum)

CHAPTER = "03_momentum"
REFERENCES = {
    "momentum_step": momentum_step,
    "heavy_ball_step": heavy_ball_step,
    "nesterov_step": nesterov_step,
    "initialize_velocity": initialize_velocity,
    "update_parameters_with_momentum": update_parameters_with_momentum,
}


# ------------------------------------------------------------------ momentum_step

def momentum_no_one_minus_beta(w, g, v, lr, beta=0.9):
    v = beta * v + g
    return w - lr * v, v


def momentum_old_velocity(w, g, v, lr, beta=0.9):
    w_new = w - lr * v
    return w_new, beta * v + (1 - beta) * g


def momentum_swapped(w, g, v, lr, beta=0.9):
    v = (1 - beta) * v + beta * g
    return w - lr * v, v


def momentum_only_w(w, g, v, lr, beta=0.9):
    return w - lr * (beta * v + (1 - beta) * g)


def momentum_in_place(w, g, v, lr, beta=0.9):
    v *= beta
    v += (1 - beta) * g
    w -= lr * v
    return w, v


# ---------------------------------------------------------------- heavy_ball_step

def heavy_ball_averaged(w, g, v, lr, rho=0.9):
    v = rho * v + (1 - rho) * g
    return w - lr * v, v


def heavy_ball_old_velocity(w, g, v, lr, rho=0.9):
    return w - lr * v, rho * v + g


def heavy_ball_lr_inside(w, g, v, lr, rho=0.9):
    v = rho * v + lr * g
    return w - v, v


def heavy_ball_only_w(w, g, v, lr, rho=0.9):
    return w - lr * (rho * v + g)


# ------------------------------------------------------------------ nesterov_step

def nesterov_plain_heavy_ball(w, g, v, lr, rho=0.9):
    v_new = rho * v + g
    return w - lr * (g + rho * v), v_new          # the old velocity in the look-ahead term


def nesterov_without_rho(w, g, v, lr, rho=0.9):
    v = rho * v + g
    return w - lr * (g + v), v


def nesterov_swapped_roles(w, g, v, lr, rho=0.9):
    v = rho * v + g
    return w - lr * (v + rho * g), v


def nesterov_only_w(w, g, v, lr, rho=0.9):
    v = rho * v + g
    return w - lr * (g + rho * v)


# ------------------------------------------------------------ initialize_velocity

def _layers(parameters):
    return range(1, len(parameters) // 2 + 1)


def velocity_parameter_keys(parameters):
    return {key: np.zeros_like(value) for key, value in parameters.items()}


def velocity_len_shape(parameters):
    v = {}
    for l in _layers(parameters):
        v["dW" + str(l)] = np.zeros(len(parameters["W" + str(l)]))
        v["db" + str(l)] = np.zeros(len(parameters["b" + str(l)]))
    return v


def velocity_first_layer_only(parameters):
    L = len(parameters) // 2
    v = {}
    for l in range(1, L):                          # off by one: stops before layer L
        v["dW" + str(l)] = np.zeros_like(parameters["W" + str(l)])
        v["db" + str(l)] = np.zeros_like(parameters["b" + str(l)])
    return v


def velocity_float64(parameters):
    v = {}
    for l in _layers(parameters):
        v["dW" + str(l)] = np.zeros(parameters["W" + str(l)].shape)
        v["db" + str(l)] = np.zeros(parameters["b" + str(l)].shape)
    return v


# ------------------------------------------------ update_parameters_with_momentum

def _dict_momentum(parameters, grads, v, beta, learning_rate, velocity, old_velocity_step=False, b_gradient="db"):
    """A momentum step on every layer with the velocity rule ``velocity(v, g, beta)``."""
    new_parameters, new_v = {}, {}
    for l in _layers(parameters):
        for name, gradient_name in (("W", "dW"), ("b", b_gradient)):
            key, vkey = name + str(l), "d" + name + str(l)
            new_v[vkey] = velocity(v[vkey], grads[gradient_name + str(l)], beta)
            used = v[vkey] if old_velocity_step else new_v[vkey]
            new_parameters[key] = parameters[key] - learning_rate * used
    return new_parameters, new_v


def dict_no_one_minus_beta(parameters, grads, v, beta, learning_rate):
    return _dict_momentum(parameters, grads, v, beta, learning_rate, lambda v, g, b: b * v + g)


def dict_old_velocity(parameters, grads, v, beta, learning_rate):
    return _dict_momentum(parameters, grads, v, beta, learning_rate, lambda v, g, b: b * v + (1 - b) * g,
                          old_velocity_step=True)


def dict_swapped(parameters, grads, v, beta, learning_rate):
    return _dict_momentum(parameters, grads, v, beta, learning_rate, lambda v, g, b: (1 - b) * v + b * g)


def dict_b_with_dW(parameters, grads, v, beta, learning_rate):
    return _dict_momentum(parameters, grads, v, beta, learning_rate, lambda v, g, b: b * v + (1 - b) * g,
                          b_gradient="dW")


def dict_in_place(parameters, grads, v, beta, learning_rate):
    for l in _layers(parameters):                  # the seed assignment's loop, writing into the given dicts
        for name in ("W", "b"):
            key, vkey = name + str(l), "d" + name + str(l)
            v[vkey] = beta * v[vkey] + (1 - beta) * grads[vkey]
            parameters[key] = parameters[key] - learning_rate * v[vkey]
    return parameters, v


MISTAKES = [
    ("momentum_step", momentum_no_one_minus_beta,
     "the factor (1 - beta) in front of g was forgotten (v = beta * v + g is the heavy-ball form of section 3.4)"),
    ("momentum_step", momentum_old_velocity, "the step used the old velocity (update v first, then step with the new v)"),
    ("momentum_step", momentum_swapped, "beta and (1 - beta) were swapped (v = (1 - beta) * v + beta * g)"),
    ("momentum_step", momentum_only_w,
     "only w was returned (return the pair (w_new, v_new): the velocity is needed at the next step)"),
    ("heavy_ball_step", heavy_ball_averaged,
     "the gradient was scaled by (1 - rho), which is the moving-average form (3.1); here v = rho * v + g"),
    ("heavy_ball_step", heavy_ball_old_velocity,
     "the step used the old velocity (update v first, then step with the new v)"),
    ("heavy_ball_step", heavy_ball_lr_inside,
     "the learning rate was put inside the velocity (v = rho * v + lr * g, w - v); "
     "keep v = rho * v + g and step w - lr * v"),
    ("heavy_ball_step", heavy_ball_only_w,
     "only w was returned (return the pair (w_new, v_new): the velocity is needed at the next step)"),
    ("nesterov_step", nesterov_plain_heavy_ball,
     "the look-ahead term is missing: w - lr * v_new (which equals w - lr * (g + rho * v_old)) is the heavy ball; "
     "Nesterov steps w - lr * (g + rho * v_new)"),
    ("nesterov_step", nesterov_without_rho,
     "rho is missing from the look-ahead term (w - lr * (g + v_new) instead of w - lr * (g + rho * v_new))"),
    ("nesterov_step", nesterov_swapped_roles,
     "g and the velocity swapped roles (w - lr * (v_new + rho * g) instead of w - lr * (g + rho * v_new))"),
    ("nesterov_step", nesterov_only_w,
     "only w was returned (return the pair (w_new, v_new): the velocity is needed at the next step)"),
    ("initialize_velocity", velocity_parameter_keys,
     'the velocities are stored under the parameter keys ("W1") instead of the gradient keys ("dW1")'),
    ("initialize_velocity", velocity_len_shape,
     "the zeros have the wrong shape: np.zeros(len(W)) is a 1-D array of len(W) = W.shape[0] entries "
     "(use np.zeros_like(W) or np.zeros(W.shape))"),
    ("initialize_velocity", velocity_first_layer_only,
     "only the first layer got a velocity (loop over l = 1, ..., D, with D = len(parameters) // 2)"),
    ("initialize_velocity", velocity_float64,
     "the velocities are float64 for float32 parameters (np.zeros(W.shape) is always float64; use np.zeros_like(W))"),
    ("update_parameters_with_momentum", dict_no_one_minus_beta,
     "the factor (1 - beta) in front of the gradients was forgotten (v = beta * v + dW is the "
     "heavy-ball form of section 3.4; use v = beta * v + (1 - beta) * dW)"),
    ("update_parameters_with_momentum", dict_old_velocity,
     "the step used the old velocities (update v first, then step with the new v)"),
    ("update_parameters_with_momentum", dict_swapped,
     "beta and (1 - beta) were swapped (v = (1 - beta) * v + beta * dW)"),
    ("update_parameters_with_momentum", dict_b_with_dW, "the velocity of b was updated with dW instead of db"),
]

ACCEPTED = [
    ("momentum_step", momentum_in_place, "w was changed in place"),
    ("update_parameters_with_momentum", dict_in_place, "parameters was changed in place"),
]
