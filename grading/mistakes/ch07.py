"""Mistaken variants of chapter 7's exercises (see __init__.py)."""

import numpy as np

from solutions import cost_and_grads_with_l2, early_stopping, l1_prox_step, ridge_closed_form

CHAPTER = "07_regularization"
REFERENCES = {
    "cost_and_grads_with_l2": cost_and_grads_with_l2,
    "ridge_closed_form": ridge_closed_form,
    "l1_prox_step": l1_prox_step,
    "early_stopping": early_stopping,
}


# ---------------------------------------------------------- cost_and_grads_with_l2

def _l2(X, Y, parameters, cost_and_grads, lambd, cost_factor, grad_factor, penalized=("W",)):
    """cost + cost_factor * sum of squares; dP + grad_factor * P, over the keys starting with `penalized`."""
    cost, grads = cost_and_grads(X, Y, parameters)
    keys = [k for k in parameters if k.startswith(penalized)]
    cost = cost + cost_factor * sum(float(np.sum(parameters[k] ** 2)) for k in keys)
    new = dict(grads)
    for k in keys:
        new["d" + k] = grads["d" + k] + grad_factor * parameters[k]
    return float(cost), new


def l2_biases_penalized(X, Y, parameters, cost_and_grads, lambd):
    m = X.shape[1]
    return _l2(X, Y, parameters, cost_and_grads, lambd, lambd / (2 * m), lambd / m, penalized=("W", "b"))


def l2_cost_lambda_over_m(X, Y, parameters, cost_and_grads, lambd):
    m = X.shape[1]
    return _l2(X, Y, parameters, cost_and_grads, lambd, lambd / m, lambd / m)


def l2_grad_lambda_over_2m(X, Y, parameters, cost_and_grads, lambd):
    m = X.shape[1]
    return _l2(X, Y, parameters, cost_and_grads, lambd, lambd / (2 * m), lambd / (2 * m))


def l2_gradient_subtracted(X, Y, parameters, cost_and_grads, lambd):
    m = X.shape[1]
    return _l2(X, Y, parameters, cost_and_grads, lambd, lambd / (2 * m), -lambd / m)


def l2_not_divided_by_m(X, Y, parameters, cost_and_grads, lambd):
    return _l2(X, Y, parameters, cost_and_grads, lambd, lambd / 2, lambd)


# ---------------------------------------------------------------- ridge_closed_form

def ridge_lambda_not_doubled(X, Y, lambd):
    return Y @ X.T @ np.linalg.inv(X @ X.T + lambd * np.eye(X.shape[0]))


def ridge_no_penalty(X, Y, lambd):
    return Y @ X.T @ np.linalg.inv(X @ X.T)


def ridge_added_everywhere(X, Y, lambd):
    return Y @ X.T @ np.linalg.inv(X @ X.T + 2 * lambd)


# --------------------------------------------------------------------- l1_prox_step

def l1_subgradient(w, g, lr, lambd):
    return w - lr * (g + lambd * np.sign(w))


def l1_no_clip(w, g, lr, lambd):
    u = w - lr * g
    return np.sign(u) * (np.abs(u) - lr * lambd)


def _step_then_threshold(w, g, lr, threshold):
    u = w - lr * g
    return np.sign(u) * np.maximum(np.abs(u) - threshold, 0.0)


def l1_threshold_lambda(w, g, lr, lambd):
    return _step_then_threshold(w, g, lr, lambd)


def l1_threshold_two_lr_lambda(w, g, lr, lambd):
    return _step_then_threshold(w, g, lr, 2 * lr * lambd)


def l1_shrink_first(w, g, lr, lambd):
    return np.sign(w) * np.maximum(np.abs(w) - lr * lambd, 0.0) - lr * g


# ------------------------------------------------------------------- early_stopping

def _stopper(losses, patience, improves, stops, best_of_all=False, best_is_stop=False):
    best = 0
    stop = len(losses) - 1
    for e in range(1, len(losses)):
        if improves(losses, e, best):
            best = e
        elif stops(e, best, patience):
            stop = e
            break
    if best_of_all:
        best = int(np.argmin(losses))
    if best_is_stop:
        best = stop
    return best, stop


def _strict(losses, e, best):
    return losses[e] < losses[best]


def stop_patience_plus_one(losses, patience):
    return _stopper(losses, patience, _strict, lambda e, b, p: e - b > p)


def stop_patience_minus_one(losses, patience):
    return _stopper(losses, patience, _strict, lambda e, b, p: e - b >= p - 1)


def stop_returns_last_epoch(losses, patience):
    return _stopper(losses, patience, _strict, lambda e, b, p: e - b >= p, best_is_stop=True)


def stop_best_of_whole_list(losses, patience):
    return _stopper(losses, patience, _strict, lambda e, b, p: e - b >= p, best_of_all=True)


def stop_compares_previous_epoch(losses, patience):
    return _stopper(losses, patience, lambda l, e, b: l[e] < l[e - 1], lambda e, b, p: e - b >= p)


def stop_ties_improve(losses, patience):
    return _stopper(losses, patience, lambda l, e, b: l[e] <= l[b], lambda e, b, p: e - b >= p)


MISTAKES = [
    ("cost_and_grads_with_l2", l2_biases_penalized, 'the biases were penalized too (only the weights W1, W2, ... are)'),
    ("cost_and_grads_with_l2", l2_cost_lambda_over_m, 'the penalty in the cost is lambda/m instead of lambda/(2m) (a factor 2)'),
    ("cost_and_grads_with_l2", l2_grad_lambda_over_2m,
     'the gradient of the penalty is lambda/(2m) W instead of lambda/m W (the derivative of W^2 is 2W)'),
    ("cost_and_grads_with_l2", l2_gradient_subtracted,
     'the gradient of the penalty was subtracted (add it, dW + lambda/m W, so that the step pulls the weights towards 0)'),
    ("cost_and_grads_with_l2", l2_not_divided_by_m, 'the penalty was not divided by m (lambda/(2m) in the cost, lambda/m in the gradient)'),
    ("ridge_closed_form", ridge_lambda_not_doubled, 'lambda was not doubled: X X^T + lambda I is the minimizer of ||W X - Y||^2 + lambda ||W||^2 without the 1/2; with the 1/2 of (7.5) it is X X^T + 2 lambda I'),
    ("ridge_closed_form", ridge_no_penalty, 'the penalty is missing (that is plain least squares)'),
    ("ridge_closed_form", ridge_added_everywhere, '2 lambda was added to every entry of X X^T instead of its diagonal (use 2 * lambd * np.eye(n))'),
    ("l1_prox_step", l1_subgradient, 'this is the plain subgradient step w - lr (g + lambd sign(w)) of (7.7): it has the sign term but no threshold, so small weights jump across zero instead of stopping at zero'),
    ("l1_prox_step", l1_no_clip, 'the max(..., 0) is missing: entries with |u| < lr * lambd must become 0, not change sign'),
    ("l1_prox_step", l1_threshold_lambda, 'the threshold is lambd instead of lr * lambd'),
    ("l1_prox_step", l1_threshold_two_lr_lambda, 'the threshold is 2 * lr * lambd instead of lr * lambd'),
    ("l1_prox_step", l1_shrink_first, 'w was shrunk before the gradient step instead of after it (threshold u = w - lr * g)'),
    ("early_stopping", stop_patience_plus_one, 'patience is off by one: stop when e - best_epoch == patience, not patience + 1'),
    ("early_stopping", stop_patience_minus_one, 'patience is off by one: stop when e - best_epoch == patience, not patience - 1'),
    ("early_stopping", stop_returns_last_epoch, 'the stop epoch was returned as the best epoch (keep the parameters of the best epoch, not the last)'),
    ("early_stopping", stop_best_of_whole_list, 'the best epoch looked past the stop (the minimum of the whole list; epochs after the stop were never trained)'),
    ("early_stopping", stop_compares_previous_epoch, "each loss was compared with the previous epoch's instead of the best so far"),
    ("early_stopping", stop_ties_improve, 'a loss equal to the best was counted as an improvement (use <, not <=)'),
]

ACCEPTED = [
]
