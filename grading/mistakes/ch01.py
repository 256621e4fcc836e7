"""Mistaken variants of this chapter's exercises (see __init__.py)."""

import numpy as np

from solutions import gd_step, numerical_gradient, run_gradient_descent

CHAPTER = "01_gradient_descent"
REFERENCES = {
    "gd_step": gd_step,
    "run_gradient_descent": run_gradient_descent,
    "numerical_gradient": numerical_gradient,
}


# ------------------------------------------------------------------ gd_step

def gd_step_sign_error(w, g, lr):
    return w + lr * g


def gd_step_no_lr(w, g, lr):
    return w - g


def gd_step_returns_step(w, g, lr):
    return -lr * g


def gd_step_in_place(w, g, lr):
    w -= lr * g
    return w


# ----------------------------------------------------- run_gradient_descent

def run_gd_missing_start(grad, w0, lr, num_steps):
    w, path = w0, []
    for _ in range(num_steps):
        w = w - lr * grad(w)
        path.append(w)
    return np.array(path)


def run_gd_same_object(grad, w0, lr, num_steps):
    w = w0.copy()
    path = [w]
    for _ in range(num_steps):
        w -= lr * grad(w)          # updates the array already in the list
        path.append(w)
    return np.array(path)


def run_gd_sign_error(grad, w0, lr, num_steps):
    path = [w0]
    for _ in range(num_steps):
        path.append(path[-1] + lr * grad(path[-1]))
    return np.array(path)


def run_gd_no_lr(grad, w0, lr, num_steps):
    path = [w0]
    for _ in range(num_steps):
        path.append(path[-1] - grad(path[-1]))
    return np.array(path)


def run_gd_returns_list(grad, w0, lr, num_steps):
    path = [w0]
    for _ in range(num_steps):
        path.append(path[-1] - lr * grad(path[-1]))
    return path


# ------------------------------------------------------- numerical_gradient

def _differences(f, w, h, quotient):
    w = np.asarray(w, dtype=np.float64)
    grad = np.zeros(w.shape)
    for i in np.ndindex(w.shape):
        e = np.zeros(w.shape)
        e[i] = h
        grad[i] = quotient(f, w, e, h)
    return grad


def numgrad_forward(f, w, h=1e-5):
    return _differences(f, w, h, lambda f, w, e, h: (f(w + e) - f(w)) / h)


def numgrad_no_division(f, w, h=1e-5):
    return _differences(f, w, h, lambda f, w, e, h: f(w + e) - f(w - e))


def numgrad_divide_by_h(f, w, h=1e-5):
    return _differences(f, w, h, lambda f, w, e, h: (f(w + e) - f(w - e)) / h)


def numgrad_first_coordinate_only(f, w, h=1e-5):
    w = np.asarray(w, dtype=np.float64)
    grad = np.zeros(w.shape)
    first = (0,) * w.ndim
    e = np.zeros(w.shape)
    e[first] = h
    grad[first] = (f(w + e) - f(w - e)) / (2 * h)
    return grad


def numgrad_integer_step(f, w, h=1e-5):
    grad = np.zeros(np.shape(w))
    for i in np.ndindex(np.shape(w)):
        e = np.zeros_like(w)                   # an integer array when w is: e[i] = h stores 0
        e[i] = h
        grad[i] = (f(w + e) - f(w - e)) / (2 * h)
    return grad


def numgrad_integer_copy(f, w, h=1e-5):
    grad = np.zeros(np.shape(w))
    for i in np.ndindex(np.shape(w)):
        w_plus, w_minus = w.copy(), w.copy()   # keeps an integer dtype: w + h rounds back to w
        w_plus[i] += h
        w_minus[i] -= h
        grad[i] = (f(w_plus) - f(w_minus)) / (2 * h)
    return grad


MISTAKES = [
    ("gd_step", gd_step_sign_error, "the gradient was added instead of subtracted (sign error)"),
    ("gd_step", gd_step_no_lr, "the learning rate was not applied (w - g)"),
    ("gd_step", gd_step_returns_step,
     "the step -lr * g was returned instead of the new parameters w - lr * g"),
    ("run_gradient_descent", run_gd_missing_start,
     "the trajectory is missing the starting point w0 (it has num_steps rows, not num_steps + 1)"),
    ("run_gradient_descent", run_gd_same_object,
     "every row is the same array object, updated in place after it was appended "
     "(all rows equal the last iterate)"),
    ("run_gradient_descent", run_gd_sign_error,
     "the gradient was added instead of subtracted (each step multiplies w by 1 + 0.5 = 1.5)"),
    ("run_gradient_descent", run_gd_no_lr, "the learning rate was not applied (each step is w - 2w = -w)"),
    ("run_gradient_descent", run_gd_returns_list, "run_gradient_descent should return a NumPy array"),
    ("numerical_gradient", numgrad_forward,
     "you used the forward difference (f(w + h e_i) - f(w)) / h instead of the central difference"),
    ("numerical_gradient", numgrad_no_division, "you forgot to divide by 2h"),
    ("numerical_gradient", numgrad_divide_by_h, "you divided by h instead of 2h"),
    ("numerical_gradient", numgrad_first_coordinate_only,
     "only the first entry of w was differentiated (the others were left at 0)"),
    ("numerical_gradient", numgrad_integer_step,
     "the perturbation h was rounded away because w is an integer array (convert w to float64 first)"),
    ("numerical_gradient", numgrad_integer_copy,
     "w + h and w - h were truncated to integers because w is an integer array (convert w to float64 first)"),
]

ACCEPTED = [
    ("gd_step", gd_step_in_place, "w was changed in place"),
]
