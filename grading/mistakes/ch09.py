"""Mistaken variants of this chapter's exercises (see __init__.py)."""

import numpy as np

from solutions import conjugate_gradient, lbfgs_direction, newton_step

CHAPTER = "09_second_order"
REFERENCES = {
    "newton_step": newton_step,
    "conjugate_gradient": conjugate_gradient,
    "lbfgs_direction": lbfgs_direction,
}


# -------------------------------------------------------------- newton_step

def newton_sign_error(w, grad, hess):
    return w + np.linalg.solve(hess, grad)


def newton_times_hessian(w, grad, hess):
    return w - hess @ grad


def newton_diagonal_only(w, grad, hess):
    return w - grad / np.diag(hess)


def newton_returns_step(w, grad, hess):
    return -np.linalg.solve(hess, grad)


def newton_inverse_gradient(w, grad, hess):
    return w - hess @ (1.0 / grad)


# ------------------------------------------------------- conjugate_gradient

def _cg(A, b, x0, tol, max_iter, residual_sign=1.0, swap_beta=False, no_beta=False,
        stop="tol ||b||", extra_iteration=False, residual_update="r - alpha A p"):
    n = b.shape[0]
    x = np.zeros(n, dtype=b.dtype) if x0 is None else x0.astype(b.dtype)
    max_iter = 10 * n if max_iter is None else max_iter
    r = residual_sign * (b - A @ x)
    p = r.copy()
    norms = [np.linalg.norm(r)]
    threshold = {"tol ||b||": tol * np.linalg.norm(b), "tol": tol, "tol ||r0||": tol * norms[0]}[stop]
    for _ in range(max_iter + extra_iteration):
        if norms[-1] <= threshold:
            break
        Ap = A @ p
        alpha = (r @ r) / (p @ Ap)
        x = x + alpha * p
        if residual_update == "r + alpha A p":
            r_new = r + alpha * Ap
        elif residual_update == "r - alpha p":
            r_new = r - alpha * p
        else:
            r_new = r - alpha * Ap
        if no_beta:
            beta = 0.0
        elif swap_beta:
            beta = (r @ r) / (r_new @ r_new)
        else:
            beta = (r_new @ r_new) / (r @ r)
        p = r_new + beta * p
        r = r_new
        norms.append(np.linalg.norm(r))
    return x, np.array(norms, dtype=b.dtype)


def cg_residual_sign(A, b, x0=None, tol=1e-10, max_iter=None):
    return _cg(A, b, x0, tol, max_iter, residual_sign=-1.0)      # r = A x - b, the rest unchanged


def cg_beta_swapped(A, b, x0=None, tol=1e-10, max_iter=None):
    return _cg(A, b, x0, tol, max_iter, swap_beta=True)


def cg_no_beta(A, b, x0=None, tol=1e-10, max_iter=None):
    return _cg(A, b, x0, tol, max_iter, no_beta=True)             # steepest descent with exact steps


def cg_absolute_tolerance(A, b, x0=None, tol=1e-10, max_iter=None):
    return _cg(A, b, x0, tol, max_iter, stop="tol")


def cg_tolerance_relative_to_r0(A, b, x0=None, tol=1e-10, max_iter=None):
    return _cg(A, b, x0, tol, max_iter, stop="tol ||r0||")


def cg_one_iteration_too_many(A, b, x0=None, tol=1e-10, max_iter=None):
    return _cg(A, b, x0, tol, max_iter, extra_iteration=True)


def cg_residual_update_plus(A, b, x0=None, tol=1e-10, max_iter=None):
    return _cg(A, b, x0, tol, max_iter, residual_update="r + alpha A p")


def cg_residual_update_without_A(A, b, x0=None, tol=1e-10, max_iter=None):
    return _cg(A, b, x0, tol, max_iter, residual_update="r - alpha p")


def cg_ignores_x0(A, b, x0=None, tol=1e-10, max_iter=None):
    return _cg(A, b, None, tol, max_iter)


def cg_returns_x_only(A, b, x0=None, tol=1e-10, max_iter=None):
    return _cg(A, b, x0, tol, max_iter)[0]


# ---------------------------------------------------------- lbfgs_direction

def _two_loop(grad, s_history, y_history, first_order="newest", use_rho=True, scaling="s.y/y.y", sign=-1.0,
              scaling_pair=-1, alphas_in_first_order=False):
    pairs = list(zip(s_history, y_history))
    rho = [1.0 / (s @ y) if use_rho else 1.0 for s, y in pairs]
    order = list(range(len(pairs)))
    first = order[::-1] if first_order == "newest" else order
    q = grad.copy()
    alpha = {}
    for i in first:
        s, y = pairs[i]
        alpha[i] = rho[i] * (s @ q)
        q = q - alpha[i] * y
    if alphas_in_first_order:   # the second loop takes the alphas as the first one stored them
        alpha = dict(zip(first[::-1], [alpha[i] for i in first]))
    if pairs:
        s, y = pairs[scaling_pair]
        gamma = {"s.y/y.y": (s @ y) / (y @ y), "y.y/s.y": (y @ y) / (s @ y), "s.s/s.y": (s @ s) / (s @ y),
                 "1": 1.0}[scaling]
        q = gamma * q
    for i in first[::-1]:
        s, y = pairs[i]
        beta = rho[i] * (y @ q)
        q = q + (alpha[i] - beta) * s
    return sign * q


def lbfgs_loops_swapped(grad, s_history, y_history):
    return _two_loop(grad, s_history, y_history, first_order="oldest")


def lbfgs_no_rho(grad, s_history, y_history):
    return _two_loop(grad, s_history, y_history, use_rho=False)


def lbfgs_inverted_scaling(grad, s_history, y_history):
    return _two_loop(grad, s_history, y_history, scaling="y.y/s.y")


def lbfgs_no_scaling(grad, s_history, y_history):
    return _two_loop(grad, s_history, y_history, scaling="1")


def lbfgs_no_minus(grad, s_history, y_history):
    return _two_loop(grad, s_history, y_history, sign=1.0)


def lbfgs_scaling_of_oldest_pair(grad, s_history, y_history):
    return _two_loop(grad, s_history, y_history, scaling_pair=0)


def lbfgs_other_scaling(grad, s_history, y_history):
    return _two_loop(grad, s_history, y_history, scaling="s.s/s.y")


def lbfgs_alphas_not_reversed(grad, s_history, y_history):
    return _two_loop(grad, s_history, y_history, alphas_in_first_order=True)


MISTAKES = [
    ("newton_step", newton_sign_error,
     "the step was added with the wrong sign (w + H^-1 g instead of w - H^-1 g)"),
    ("newton_step", newton_times_hessian,
     "the gradient was multiplied by H instead of solving H delta = -g (w - H g)"),
    ("newton_step", newton_diagonal_only,
     "only the diagonal of H was used (w - g / diag(H)); solve with the whole matrix"),
    ("newton_step", newton_returns_step,
     "the step delta was returned instead of the new parameters w + delta"),
    ("newton_step", newton_inverse_gradient,
     "the inverse of the gradient was used (w - H (1/g)) instead of the inverse of the Hessian"),
    ("conjugate_gradient", cg_residual_sign,
     "the residual has the wrong sign (r = A x - b; conjugate gradient here uses r = b - A x)"),
    ("conjugate_gradient", cg_beta_swapped,
     "beta used the old and new residuals the wrong way round (beta = r.r / r_new.r_new instead of "
     "r_new.r_new / r.r)"),
    ("conjugate_gradient", cg_no_beta,
     "the new direction is the residual alone (p = r, steepest descent): add beta * p"),
    ("conjugate_gradient", cg_ignores_x0, "the start x0 was ignored (the iteration started at zero)"),
    ("conjugate_gradient", cg_absolute_tolerance,
     "the loop stopped when ||r|| <= tol instead of ||r|| <= tol * ||b|| (the tolerance is relative)"),
    ("conjugate_gradient", cg_tolerance_relative_to_r0,
     "the loop stopped when ||r|| <= tol * ||r_0|| instead of tol * ||b||"),
    ("conjugate_gradient", cg_one_iteration_too_many,
     "one iteration more than max_iter was run (at most max_iter iterations)"),
    ("conjugate_gradient", cg_residual_update_plus,
     "the residual was updated with the wrong sign (r_new = r - alpha A p)"),
    ("conjugate_gradient", cg_residual_update_without_A,
     "the residual was updated without A (r_new = r - alpha A p, not r - alpha p)"),
    ("conjugate_gradient", cg_returns_x_only,
     "only x was returned (return the tuple (x, residual_norms))"),
    ("lbfgs_direction", lbfgs_loops_swapped,
     "the two loops run in the wrong order (the first goes from the newest pair to the oldest, "
     "the second from the oldest to the newest)"),
    ("lbfgs_direction", lbfgs_no_rho, "the factor rho_i = 1 / (y_i . s_i) was left out"),
    ("lbfgs_direction", lbfgs_inverted_scaling,
     "the initial scaling was inverted (gamma = y.y / s.y instead of s.y / y.y)"),
    ("lbfgs_direction", lbfgs_no_scaling,
     "the initial scaling gamma = s.y / y.y of the newest pair was left out"),
    ("lbfgs_direction", lbfgs_scaling_of_oldest_pair,
     "gamma came from the oldest pair (use the newest: s_history[-1], y_history[-1])"),
    ("lbfgs_direction", lbfgs_other_scaling,
     "gamma = s.s / s.y was used (another scaling in the literature; this exercise uses s.y / y.y)"),
    ("lbfgs_direction", lbfgs_alphas_not_reversed,
     "the second loop took the alphas in the order the first loop stored them (newest first): "
     "each pair needs its own alpha_i"),
    ("lbfgs_direction", lbfgs_no_minus,
     "the minus sign was left out (the direction is -H g, a descent direction)"),
]

ACCEPTED = [
]
