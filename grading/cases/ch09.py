"""Hidden-test cases of chapter 9."""

import numpy as np

from . import FLOATS, Exercise, log_uniform, random_array


def _symmetric(rng, n, low, high, dtype, negative=0):
    """A random symmetric matrix with eigenvalues in [low, high] (the first `negative` of them negated)."""
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    eigenvalues = rng.uniform(low, high, size=n)
    eigenvalues[:negative] *= -1
    return ((Q * eigenvalues) @ Q.T).astype(dtype)


def newton_step_cases(rng):
    sizes = [1, 2, 3, 5, 8]
    for i in range(16):
        dtype = FLOATS[i % 2]
        n = sizes[i % len(sizes)]
        # float32 solves stay well conditioned, so that any correct way of solving agrees to rounding
        high = 10.0 if dtype == np.float32 else 100.0
        negative = int(rng.integers(0, n)) if i % 4 == 3 else 0     # some indefinite Hessians
        hess = _symmetric(rng, n, 1.0, high, dtype, negative) * log_uniform(rng, 0.1, 10.0)
        hess = hess.astype(dtype)
        w, grad = random_array(rng, (n,), dtype, 3.0), random_array(rng, (n,), dtype)
        yield ((w, grad, hess), {}) if i % 3 else ((w,), {"grad": grad, "hess": hess})


def conjugate_gradient_cases(rng):
    sizes = [1, 2, 3, 4, 6, 10]
    for i in range(18):
        dtype = FLOATS[i % 2] if i < 14 else np.float64
        n = sizes[i % len(sizes)]
        kappa = 10.0 if dtype == np.float32 else 10 ** rng.uniform(0, 2.5)
        A = _symmetric(rng, n, 1.0, kappa, dtype)
        b = random_array(rng, (n,), dtype)
        x0 = random_array(rng, (n,), dtype) if i % 3 else None
        tol = 1e-3 if dtype == np.float32 else [1e-10, 1e-6, 1e-8][i % 3]
        if i % 6 == 0:
            yield (A, b), {}                                           # all defaults
        elif i % 6 == 1:
            yield (A, b, x0, tol), {}
        elif i % 6 == 2:
            yield (A, b), {"x0": x0, "tol": tol, "max_iter": int(rng.integers(0, n + 1))}  # stopped early
        elif i % 6 == 3:
            yield (A, b, x0, tol, 2 * n), {}
        elif i % 6 == 4:
            yield (A, b), {"x0": x0, "max_iter": 1}
        else:
            yield (A, b), {"tol": tol}
    # The tolerance decides the stop: the solves above all reach rounding level within n
    # iterations, where any stopping rule stops at the same place.
    for i in range(4):
        yield _stopped_by_tolerance(rng, scale=[1e-2, 1e2, 1e-2, 1.0][i], dtype=np.float64)
    # Started at the solution: no iteration at all (the residual is tested before each one).
    A = _symmetric(rng, 5, 1.0, 20.0, np.float64)
    x_star = random_array(rng, (5,))
    yield (A, A @ x_star), {"x0": x_star, "tol": 1e-8}


def _stopped_by_tolerance(rng, scale, dtype):
    """(args, kwargs) of a solve that the tolerance stops part-way, well clear of the threshold.

    The threshold tol ||b|| is put halfway (geometrically) across a clear drop of the residual
    norms: every norm before the drop is above it by at least 20 %, the one after below it,
    so that rounding cannot move the stop, while ||r|| <= tol or <= tol ||r_0|| stop elsewhere.
    """
    import solutions   # (the cases are drawn where the reference is: in the grader's process)
    n = 30
    A = _symmetric(rng, n, 1.0, 1e3, dtype)
    b = random_array(rng, (n,), dtype, scale)
    x0 = random_array(rng, (n,), dtype)
    _, norms = solutions.conjugate_gradient(A, b, x0, tol=0.0, max_iter=n)
    drops = [k for k in range(2, n - 1) if norms[k + 1] * 1.5 < norms[:k + 1].min()]
    k = drops[len(drops) // 2]
    threshold = float(np.sqrt(norms[:k + 1].min() * norms[k + 1]))
    return (A, b, x0, threshold / float(np.linalg.norm(b))), {}


def lbfgs_direction_cases(rng):
    sizes = [1, 2, 3, 5, 4]
    for i in range(16):
        dtype = FLOATS[i % 2]
        n = sizes[i % len(sizes)]
        m = [0, 1, 2, 3, 5][i % 5]
        hess = _symmetric(rng, n, 1.0, 10.0 if dtype == np.float32 else 50.0, np.float64)
        s_history = [random_array(rng, (n,)) for _ in range(m)]
        # pairs of a quadratic, perturbed a little (as on a non-quadratic loss), kept with s.y > 0
        y_history = [hess @ s + 0.1 * random_array(rng, (n,)) * np.linalg.norm(s) for s in s_history]
        kept = [(s, y) for s, y in zip(s_history, y_history) if s @ y > 0]
        s_history = [s.astype(dtype) for s, _ in kept]
        y_history = [y.astype(dtype) for _, y in kept]
        grad = random_array(rng, (n,), dtype, log_uniform(rng, 0.01, 100.0))
        yield ((grad, s_history, y_history), {}) if i % 3 else ((grad,), {"s_history": s_history,
                                                                         "y_history": y_history})


EXERCISES = [
    Exercise("newton_step", newton_step_cases, seed=91),
    Exercise("conjugate_gradient", conjugate_gradient_cases, seed=92),
    Exercise("lbfgs_direction", lbfgs_direction_cases, seed=93),
]
