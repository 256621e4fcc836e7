r"""Second-order methods (chapter 9): Newton's step, linear conjugate gradient, L-BFGS.

The three functions work on flat parameter vectors ``w`` of shape ``(n,)``
with a Hessian (or a symmetric positive definite matrix) of shape
``(n, n)``. Like the rest of the package they never modify their inputs and
keep the floating-point dtype of their first array argument. The reference
for all three is Nocedal & Wright, *Numerical Optimization* (2nd ed., 2006):
Newton's step (3.30), conjugate gradient Algorithm 5.2, the L-BFGS two-loop
recursion Algorithm 7.4 with the initial scaling (7.20).
"""

import numpy as np

from ._validation import check_arrays, check_float_array, check_int, check_nonnegative

__all__ = ["newton_step", "conjugate_gradient", "lbfgs_direction"]


def _check_vector(x, name):
    x = check_float_array(x, name)
    if x.ndim != 1:
        raise ValueError(f"{name} must be a 1-D vector of shape (n,), got shape {x.shape}; "
                         f"use {name}.ravel()")
    return x


def _check_matrix(M, name, n, vector_name):
    M = check_float_array(M, name)
    if M.shape != (n, n):
        raise ValueError(f"{name} has shape {M.shape} but {vector_name} has shape ({n},); "
                         f"{name} must be ({n}, {n})")
    return M


def newton_step(w, grad, hess):
    r"""One step of Newton's method: jump to the minimum of the second-order model.

    .. math:: w_{\text{new}} = w + \delta, \qquad H\,\delta = -\nabla\mathcal{L}(w)

    i.e. :math:`w - H^{-1}\nabla\mathcal{L}(w)`, computed by solving the linear
    system (``np.linalg.solve``), never by forming :math:`H^{-1}`. There is no
    learning rate. On a quadratic :math:`\tfrac12 w^\top A w - b^\top w` the
    step lands on the minimizer :math:`A^{-1}b` from any ``w``. When ``hess``
    is not positive definite the step goes to the stationary point of the
    model, which can be a saddle or a maximum. Source: Nocedal & Wright
    (2006), eq. (3.30).

    Parameters
    ----------
    w : ndarray of float, shape (n,)
        Current parameters.
    grad : ndarray of float, shape (n,)
        Gradient :math:`\nabla\mathcal{L}(w)`.
    hess : ndarray of float, shape (n, n)
        Hessian :math:`H = \nabla^2\mathcal{L}(w)`, nonsingular.

    Returns
    -------
    ndarray, shape (n,), dtype of ``w``

    Raises
    ------
    numpy.linalg.LinAlgError (a ValueError) when ``hess`` is singular.

    Examples
    --------
    >>> import numpy as np
    >>> newton_step(np.array([3.0, -1.0]), np.array([5.0, 3.0]), np.array([[4.0, 1.0], [1.0, 2.0]]))
    array([ 2., -2.])
    """
    w, grad = check_arrays(w=w, grad=grad)
    w = _check_vector(w, "w")
    hess = _check_matrix(hess, "hess", w.shape[0], "w")
    delta = np.linalg.solve(hess, -grad)
    return (w + delta).astype(w.dtype, copy=False)


def conjugate_gradient(A, b, x0=None, tol=1e-10, max_iter=None):
    r"""Solve :math:`Ax = b` for a symmetric positive definite ``A`` by linear conjugate gradient.

    Equivalently, minimize the quadratic :math:`\tfrac12 x^\top A x - b^\top x`,
    whose gradient is :math:`Ax - b = -r`. Starting from ``x0`` (zeros if
    None), with :math:`r_0 = b - A x_0` and :math:`p_0 = r_0`, each iteration is

    .. math::

        \alpha_k = \frac{r_k^\top r_k}{p_k^\top A p_k}, \quad
        x_{k+1} = x_k + \alpha_k p_k, \quad
        r_{k+1} = r_k - \alpha_k A p_k, \quad
        \beta_k = \frac{r_{k+1}^\top r_{k+1}}{r_k^\top r_k}, \quad
        p_{k+1} = r_{k+1} + \beta_k p_k.

    It stops as soon as :math:`\|r_k\| \le \text{tol}\cdot\|b\|` (checked
    before every iteration, so a start that already satisfies it makes no
    iteration) or after ``max_iter`` iterations. In exact arithmetic the
    directions :math:`p_k` are A-conjugate and the residual vanishes after at
    most n iterations; with rounding a few more may be needed, so the default
    ``max_iter`` is 10 n (as in SciPy). Source: Nocedal & Wright (2006),
    Algorithm 5.2 (which writes :math:`r = Ax - b`; here :math:`r = b - Ax`).

    Parameters
    ----------
    A : ndarray of float, shape (n, n)
        Symmetric positive definite matrix.
    b : ndarray of float, shape (n,)
        Right-hand side.
    x0 : ndarray of float, shape (n,), optional
        Starting point; zeros if None.
    tol : float, default 1e-10
        Relative tolerance on the residual norm, ``>= 0``.
    max_iter : int, optional
        Largest number of iterations, ``>= 0``; ``10 * n`` if None.

    Returns
    -------
    x : ndarray, shape (n,), dtype of ``b``
        The approximate solution.
    residual_norms : ndarray, shape (k + 1,), dtype of ``b``
        :math:`\|r_0\|, \|r_1\|, \dots, \|r_k\|` after ``k`` iterations (so
        ``len(residual_norms) - 1`` is the number of iterations made).

    Raises
    ------
    ValueError
        If ``A`` is not symmetric, or a direction with
        :math:`p^\top A p \le 0` shows that it is not positive definite.

    Examples
    --------
    >>> import numpy as np
    >>> A, b = np.array([[4.0, 1.0], [1.0, 3.0]]), np.array([1.0, 2.0])
    >>> x, norms = conjugate_gradient(A, b, x0=np.array([2.0, 1.0]))
    >>> x * 11                 # the solution (1/11, 7/11), in n = 2 iterations
    array([1., 7.])
    >>> len(norms) - 1
    2
    """
    b = _check_vector(b, "b")
    n = b.shape[0]
    A = _check_matrix(A, "A", n, "b")
    if not np.allclose(A, A.T, rtol=1e-6, atol=0.0):
        raise ValueError("A must be symmetric (A == A.T); conjugate gradient needs a symmetric "
                         "positive definite matrix")
    if x0 is None:
        x = np.zeros(n, dtype=b.dtype)
    else:
        x0 = _check_vector(x0, "x0")
        if x0.shape != b.shape:
            raise ValueError(f"x0 has shape {x0.shape} but b has shape {b.shape}")
        x = x0.astype(b.dtype)  # a copy
    tol = check_nonnegative(tol, "tol")
    max_iter = 10 * n if max_iter is None else check_int(max_iter, "max_iter", 0)
    A = A.astype(b.dtype, copy=False)

    r = b - A @ x
    p = r.copy()
    rr = r @ r
    threshold = tol * np.linalg.norm(b)
    norms = [np.sqrt(rr)]
    for _ in range(max_iter):
        if norms[-1] <= threshold:
            break
        Ap = A @ p
        curvature = p @ Ap
        if curvature <= 0:
            raise ValueError(f"A is not positive definite: a direction p has p @ A @ p = {curvature}")
        alpha = rr / curvature
        x = x + alpha * p
        r = r - alpha * Ap
        rr_new = r @ r
        p = r + (rr_new / rr) * p
        rr = rr_new
        norms.append(np.sqrt(rr))
    return x, np.array(norms, dtype=b.dtype)


def lbfgs_direction(grad, s_history, y_history):
    r"""The L-BFGS search direction :math:`-H_k\nabla\mathcal{L}` by the two-loop recursion.

    :math:`H_k` is the BFGS approximation of the inverse Hessian built from
    the stored pairs :math:`s_i = w_{i+1} - w_i`,
    :math:`y_i = \nabla\mathcal{L}(w_{i+1}) - \nabla\mathcal{L}(w_i)`, applied to
    :math:`H_k^0 = \gamma_k I` with :math:`\gamma_k = s_{k-1}^\top y_{k-1} / y_{k-1}^\top y_{k-1}`
    of the newest pair (:math:`\gamma_k = 1` with no pairs, so the direction is then
    :math:`-\nabla\mathcal{L}`). With :math:`\rho_i = 1/(y_i^\top s_i)`:

    .. math::

        &q \leftarrow \nabla\mathcal{L};\quad
        \text{for } i = \text{newest} \dots \text{oldest}:\;
        \alpha_i = \rho_i s_i^\top q,\; q \leftarrow q - \alpha_i y_i \\
        &r \leftarrow \gamma_k q;\quad
        \text{for } i = \text{oldest} \dots \text{newest}:\;
        \beta_i = \rho_i y_i^\top r,\; r \leftarrow r + (\alpha_i - \beta_i)\, s_i \\
        &\text{return } -r

    Source: Nocedal & Wright (2006), Algorithm 7.4 and eq. (7.20).

    Parameters
    ----------
    grad : ndarray of float, shape (n,)
        Current gradient.
    s_history, y_history : lists of ndarrays of shape (n,)
        The last m pairs, **oldest first** (``s_history[-1]`` is the newest),
        of equal length m >= 0; every pair must satisfy the curvature
        condition :math:`s_i^\top y_i > 0`.

    Returns
    -------
    ndarray, shape (n,), dtype of ``grad``
        The search direction :math:`-H_k\nabla\mathcal{L}` (a descent direction).

    Examples
    --------
    >>> import numpy as np
    >>> g = np.array([1.0, 2.0])
    >>> lbfgs_direction(g, [], [])                 # no pairs yet: steepest descent
    array([-1., -2.])
    >>> s, y = [np.array([1.0, 0.0]), np.array([0.0, 1.0])], [np.array([2.0, 0.0]), np.array([0.0, 4.0])]
    >>> lbfgs_direction(g, s, y)                   # pairs of H = diag(2, 4): -H^{-1} g
    array([-0.5, -0.5])
    """
    grad = _check_vector(grad, "grad")
    for history, name in ((s_history, "s_history"), (y_history, "y_history")):
        if not isinstance(history, (list, tuple)):
            raise TypeError(f"{name} must be a list of arrays (oldest first), got {type(history).__name__}")
    if len(s_history) != len(y_history):
        raise ValueError(f"s_history has {len(s_history)} vectors but y_history has {len(y_history)}; "
                         "they must hold the same pairs")
    pairs = []
    for i, (s, y) in enumerate(zip(s_history, y_history)):
        _, s, y = check_arrays(grad=grad, **{f"s_history[{i}]": s, f"y_history[{i}]": y})
        s, y = s.astype(grad.dtype, copy=False), y.astype(grad.dtype, copy=False)
        sy = s @ y
        if not sy > 0:
            raise ValueError(f"s_history[{i}] @ y_history[{i}] must be positive (the curvature "
                             f"condition), got {sy}")
        pairs.append((s, y, 1.0 / sy))

    q = grad.copy()
    alphas = []
    for s, y, rho in reversed(pairs):              # newest to oldest
        alpha = rho * (s @ q)
        q = q - alpha * y
        alphas.append(alpha)
    if pairs:
        s, y, _ = pairs[-1]
        q = (s @ y) / (y @ y) * q
    for (s, y, rho), alpha in zip(pairs, reversed(alphas)):   # oldest to newest
        beta = rho * (y @ q)
        q = q + (alpha - beta) * s
    return (-q).astype(grad.dtype, copy=False)
