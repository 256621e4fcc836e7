"""Mistaken variants of this chapter's exercises (see __init__.py)."""

import numpy as np

from solutions import adam_step, adamw_step, initialize_adam, nadam_step, update_parameters_with_adam

CHAPTER = "05_adam"
REFERENCES = {
    "adam_step": adam_step,
    "initialize_adam": initialize_adam,
    "update_parameters_with_adam": update_parameters_with_adam,
    "adamw_step": adamw_step,
    "nadam_step": nadam_step,
}


# ------------------------------------------------------------------ adam_step
# One general Adam step with switches, so that each variant below changes one thing.

def _adam(w, g, m, v, t, lr, beta1, beta2, eps, *, correct=True, t_shift=0, keep=False,
          eps_inside=False, return_corrected=False, no_sqrt=False, power_of_one_minus_beta=False):
    c1, c2 = (1 - beta1, 1 - beta2) if not keep else (1.0, 1.0)
    m = beta1 * m + c1 * g
    v = beta2 * v + c2 * g * g
    tt = t + t_shift
    if power_of_one_minus_beta:   # (1 - beta)**t, not 1 - beta**t
        m_hat, v_hat = m / (1 - beta1) ** tt, v / (1 - beta2) ** tt
    else:
        m_hat = m / (1 - beta1 ** tt) if correct else m
        v_hat = v / (1 - beta2 ** tt) if correct else v
    if eps_inside:
        denominator = np.sqrt(v_hat + eps)
    elif no_sqrt:
        denominator = v_hat + eps
    else:
        denominator = np.sqrt(v_hat) + eps
    w = w - lr * m_hat / denominator
    if return_corrected:
        return w, m_hat, v_hat
    return w, m, v


def adam_no_bias_correction(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(w, g, m, v, t, lr, beta1, beta2, eps, correct=False)


def adam_t_minus_one(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(w, g, m, v, t, lr, beta1, beta2, eps, t_shift=-1)


def adam_t_plus_one(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(w, g, m, v, t, lr, beta1, beta2, eps, t_shift=1)


def adam_power_of_one_minus_beta(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(w, g, m, v, t, lr, beta1, beta2, eps, power_of_one_minus_beta=True)


def adam_forgot_one_minus_beta(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(w, g, m, v, t, lr, beta1, beta2, eps, keep=True)


def adam_returns_corrected_moments(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(w, g, m, v, t, lr, beta1, beta2, eps, return_corrected=True)


def adam_eps_inside_sqrt(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(w, g, m, v, t, lr, beta1, beta2, eps, eps_inside=True)


def adam_no_sqrt(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(w, g, m, v, t, lr, beta1, beta2, eps, no_sqrt=True)


def adam_in_place(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * g
    v *= beta2
    v += (1 - beta2) * g * g
    w -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    return w, m, v


# ------------------------------------------------------------ initialize_adam

def init_first_layer_only(parameters):
    v, s = {}, {}
    for l in range(1, len(parameters) // 2):   # off by one: stops before the last layer
        for name in ("W", "b"):
            v[f"d{name}{l}"] = np.zeros_like(parameters[f"{name}{l}"])
            s[f"d{name}{l}"] = np.zeros_like(parameters[f"{name}{l}"])
    return v, s


def init_parameter_keys(parameters):
    return ({k: np.zeros_like(p) for k, p in parameters.items()},
            {k: np.zeros_like(p) for k, p in parameters.items()})


def init_float64(parameters):
    return ({"d" + k: np.zeros(p.shape) for k, p in parameters.items()},
            {"d" + k: np.zeros(p.shape) for k, p in parameters.items()})


def init_b_like_W(parameters):
    v, s = {}, {}
    for l in range(1, len(parameters) // 2 + 1):
        W = parameters[f"W{l}"]
        for d in (v, s):
            d[f"dW{l}"] = np.zeros_like(W)
            d[f"db{l}"] = np.zeros_like(W)
    return v, s


# ------------------------------------------------ update_parameters_with_adam

def _update_dict(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, *, correct=True,
                 t_shift=0, keep=False, b_with_dW=False, swap=False, eps_inside=False):
    L = len(parameters) // 2
    new_p, new_v, new_s, v_c, s_c = {}, {}, {}, {}, {}
    c1, c2 = (1 - beta1, 1 - beta2) if not keep else (1.0, 1.0)
    tt = t + t_shift
    for l in range(1, L + 1):
        for name in ("W", "b"):
            key = f"d{name}{l}"
            g = grads[f"dW{l}"] if b_with_dW else grads[key]
            new_v[key] = beta1 * v[key] + c1 * g
            new_s[key] = beta2 * s[key] + c2 * g * g
            v_c[key] = new_v[key] / (1 - beta1 ** tt) if correct else new_v[key]
            s_c[key] = new_s[key] / (1 - beta2 ** tt) if correct else new_s[key]
            denominator = np.sqrt(s_c[key] + epsilon) if eps_inside else np.sqrt(s_c[key]) + epsilon
            new_p[f"{name}{l}"] = parameters[f"{name}{l}"] - learning_rate * v_c[key] / denominator
    if swap:
        return new_p, v_c, s_c, new_v, new_s
    return new_p, new_v, new_s, v_c, s_c


def adam_dict_b_with_dW(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _update_dict(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, b_with_dW=True)


def adam_dict_no_bias_correction(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                 epsilon=1e-8):
    return _update_dict(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, correct=False)


def adam_dict_t_minus_one(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    return _update_dict(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, t_shift=-1)


def adam_dict_forgot_one_minus_beta(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                    epsilon=1e-8):
    return _update_dict(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, keep=True)


def adam_dict_eps_inside_sqrt(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                              epsilon=1e-8):
    return _update_dict(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, eps_inside=True)


def adam_dict_swapped_returns(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                              epsilon=1e-8):
    return _update_dict(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, swap=True)


def adam_dict_in_place(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    v_c, s_c = {}, {}
    for key in parameters:
        d = "d" + key
        v[d] = beta1 * v[d] + (1 - beta1) * grads[d]
        s[d] = beta2 * s[d] + (1 - beta2) * grads[d] ** 2
        v_c[d] = v[d] / (1 - beta1 ** t)
        s_c[d] = s[d] / (1 - beta2 ** t)
        parameters[key] = parameters[key] - learning_rate * v_c[d] / (np.sqrt(s_c[d]) + epsilon)
    return parameters, v, s, v_c, s_c


# ------------------------------------------------------------------ adamw_step

def adamw_l2_in_gradient(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    return _adam(w, g + weight_decay * w, m, v, t, lr, beta1, beta2, eps)


def adamw_decay_after_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    w, m, v = _adam(w, g, m, v, t, lr, beta1, beta2, eps)
    return w * (1 - lr * weight_decay), m, v


def adamw_decay_without_lr(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    return _adam(w * (1 - weight_decay), g, m, v, t, lr, beta1, beta2, eps)


def adamw_no_decay(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    return _adam(w, g, m, v, t, lr, beta1, beta2, eps)


# ------------------------------------------------------------------ nadam_step

def _nadam(w, g, m, v, t, mu_product, lr, beta1, beta2, eps, psi, *, update_product=True,
           constant_mu=False, swap_mu=False, no_schedule_power=False):
    def mu(step):
        if constant_mu:
            return beta1
        if no_schedule_power:
            return beta1 * (1 - 0.5 * 0.96 ** step * psi)
        return beta1 * (1 - 0.5 * 0.96 ** (step * psi))
    mu_t, mu_next = mu(t), mu(t + 1)
    if swap_mu:
        mu_t, mu_next = mu_next, mu_t
    product = mu_product * mu_t
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    denominator = np.sqrt(v / (1 - beta2 ** t)) + eps
    w = (w - lr * (1 - mu_t) / (1 - product) * g / denominator
         - lr * mu_next / (1 - product * mu_next) * m / denominator)
    return w, m, v, (product if update_product else mu_product)


def nadam_product_not_updated(w, g, m, v, t, mu_product, lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                              momentum_decay=4e-3):
    return _nadam(w, g, m, v, t, mu_product, lr, beta1, beta2, eps, momentum_decay, update_product=False)


def nadam_constant_mu(w, g, m, v, t, mu_product, lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                      momentum_decay=4e-3):
    return _nadam(w, g, m, v, t, mu_product, lr, beta1, beta2, eps, momentum_decay, constant_mu=True)


def nadam_swapped_mu(w, g, m, v, t, mu_product, lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                     momentum_decay=4e-3):
    return _nadam(w, g, m, v, t, mu_product, lr, beta1, beta2, eps, momentum_decay, swap_mu=True)


def nadam_power_misplaced(w, g, m, v, t, mu_product, lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                          momentum_decay=4e-3):
    return _nadam(w, g, m, v, t, mu_product, lr, beta1, beta2, eps, momentum_decay, no_schedule_power=True)


MISTAKES = [
    ("adam_step", adam_no_bias_correction,
     "the bias correction is missing (divide m by 1 - beta1**t and v by 1 - beta2**t)"),
    ("adam_step", adam_t_minus_one,
     "t was counted from 0: the correction used t - 1 (the first update has t = 1)"),
    ("adam_step", adam_t_plus_one, "the bias correction used t + 1 instead of t"),
    ("adam_step", adam_power_of_one_minus_beta,
     "the bias correction divided by (1 - beta)**t instead of 1 - beta**t"),
    ("adam_step", adam_forgot_one_minus_beta,
     "the factors (1 - beta1) and (1 - beta2) were forgotten in the averages"),
    ("adam_step", adam_returns_corrected_moments,
     "the bias-corrected moments were returned instead of m and v (return the uncorrected ones)"),
    ("adam_step", adam_no_sqrt, "the square root of v_hat was forgotten"),
    ("adam_step", adam_eps_inside_sqrt, "eps was put inside the square root (write sqrt(v_hat) + eps)"),
    ("initialize_adam", init_first_layer_only,
     "the last layer is missing (loop over l = 1, ..., D, with D = len(parameters) // 2)"),
    ("initialize_adam", init_parameter_keys,
     "the keys are the parameters' names; use the gradients' names \"dW1\", \"db1\", ..."),
    ("initialize_adam", init_float64,
     "the zeros are float64 although the parameters are float32 (use np.zeros_like)"),
    ("initialize_adam", init_b_like_W,
     "the state of b was shaped like W (use the shape of parameters[\"b\" + str(l)])"),
    ("update_parameters_with_adam", adam_dict_b_with_dW, "b was updated with dW instead of db"),
    ("update_parameters_with_adam", adam_dict_no_bias_correction,
     "the bias correction is missing (divide v by 1 - beta1**t and s by 1 - beta2**t)"),
    ("update_parameters_with_adam", adam_dict_t_minus_one,
     "t was counted from 0: the correction used t - 1 (the first update has t = 1)"),
    ("update_parameters_with_adam", adam_dict_forgot_one_minus_beta,
     "the factors (1 - beta1) and (1 - beta2) were forgotten in the averages"),
    ("update_parameters_with_adam", adam_dict_eps_inside_sqrt,
     "epsilon was put inside the square root (write sqrt(s_corrected) + epsilon)"),
    ("update_parameters_with_adam", adam_dict_swapped_returns,
     "the corrected and the uncorrected moments were returned in each other's places"),
    ("adamw_step", adamw_l2_in_gradient,
     "the weight decay was added to the gradient as an L2 penalty (AdamW decays w directly, "
     "and the moments see g alone)"),
    ("adamw_step", adamw_decay_after_step,
     "the weight decay was applied after the Adam step (decay w first, then take the Adam step)"),
    ("adamw_step", adamw_decay_without_lr,
     "the weight decay was not multiplied by the learning rate (use w * (1 - lr * weight_decay))"),
    ("adamw_step", adamw_no_decay, "the weight decay is missing"),
    ("nadam_step", nadam_product_not_updated,
     "the returned mu_product was not updated (return mu_product * mu_t)"),
    ("nadam_step", nadam_constant_mu,
     "the momentum schedule is missing (mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay)), not beta1)"),
    ("nadam_step", nadam_swapped_mu,
     "mu_t and mu_{t+1} were swapped (the gradient term uses mu_t, the momentum term mu_{t+1})"),
    ("nadam_step", nadam_power_misplaced,
     "the schedule was computed as 0.96 ** t * psi instead of 0.96 ** (t * psi)"),
]

ACCEPTED = [
    ("adam_step", adam_in_place, "w was changed in place"),
    ("update_parameters_with_adam", adam_dict_in_place, "parameters was changed in place"),
]
