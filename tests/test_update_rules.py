"""Tests of the array-level update rules (reference API, section 1).

Expected values come from hand calculations (written out next to them),
closed forms (unrolled averages, changes of variables) or an independent
re-implementation written here from the published formulas, never from
the code under test.
"""

import copy
import doctest
import math

import numpy as np
import pytest

import solutions
from assertions import assert_public_with_signature
from solutions import (adagrad_step, adam_step, adamw_step, amsgrad_step, gd_step,
                       heavy_ball_step, momentum_step, nadam_step, nesterov_step, rmsprop_step)

# ---------------------------------------------------------------------------
# A uniform driver: every rule as step(w, g, state, t, **hp) -> (w, state)
# ---------------------------------------------------------------------------

ONE_STATE = {"momentum": momentum_step, "heavy_ball": heavy_ball_step,
             "nesterov": nesterov_step, "adagrad": adagrad_step, "rmsprop": rmsprop_step}
TWO_STATE = {"adam": adam_step, "adamw": adamw_step}
RULES = ["gd", *ONE_STATE, *TWO_STATE, "nadam", "amsgrad"]


def init_state(name, w):
    if name == "gd":
        return ()
    if name in ONE_STATE:
        return (np.zeros_like(w),)
    if name in TWO_STATE:
        return (np.zeros_like(w), np.zeros_like(w))
    if name == "amsgrad":
        return (np.zeros_like(w), np.zeros_like(w), np.zeros_like(w))
    return (np.zeros_like(w), np.zeros_like(w), 1.0)


def step(name, w, g, state, t, **hp):
    if name == "gd":
        return gd_step(w, g, **hp), ()
    if name in ONE_STATE:
        w, s = ONE_STATE[name](w, g, *state, **hp)
        return w, (s,)
    if name in TWO_STATE:
        w, m, v = TWO_STATE[name](w, g, *state, t, **hp)
        return w, (m, v)
    if name == "amsgrad":
        w, m, v, v_max = amsgrad_step(w, g, *state, t, **hp)
        return w, (m, v, v_max)
    m, v, mu_product = state
    w, m, v, mu_product = nadam_step(w, g, m, v, t, mu_product, **hp)
    return w, (m, v, mu_product)


def close(actual, expected, rtol=1e-7, atol=1e-12):
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


# ---------------------------------------------------------------------------
# The contract: names and signatures exactly as in reference-api.md
# ---------------------------------------------------------------------------

CONTRACT = {
    "gd_step": "w, g, lr",
    "momentum_step": "w, g, v, lr, beta=0.9",
    "heavy_ball_step": "w, g, v, lr, rho=0.9",
    "nesterov_step": "w, g, v, lr, rho=0.9",
    "adagrad_step": "w, g, G, lr, eps=1e-8",
    "rmsprop_step": "w, g, s, lr, beta=0.9, eps=1e-8",
    "adam_step": "w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8",
    "adamw_step": "w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, "
                  "weight_decay=1e-2",
    "nadam_step": "w, g, m, v, t, mu_product, lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8, "
                  "momentum_decay=4e-3",
    "amsgrad_step": "w, g, m, v, v_max, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8",
}


@pytest.mark.parametrize("name", CONTRACT)
def test_signature_matches_reference_api(name):
    assert_public_with_signature(name, CONTRACT[name])


@pytest.mark.parametrize("name", CONTRACT)
def test_docstring_states_rule_source_and_example(name):
    doc = getattr(solutions, name).__doc__
    assert ".. math::" in doc and "Convention" in doc
    assert ">>> " in doc


def test_docstring_examples_run():
    result = doctest.testmod(solutions.update_rules, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 9 and result.failed == 0


# ---------------------------------------------------------------------------
# Hand-computed small cases, one per rule
# ---------------------------------------------------------------------------

a = np.array
HAND_CASES = {
    # w - lr*g = [1 - 0.1*0.5, -2 - 0.1*4] = [0.95, -2.4]
    "gd": (gd_step, (a([1.0, -2.0]), a([0.5, 4.0])), dict(lr=0.1),
           (a([0.95, -2.4]),)),
    # v = 0.9*[1, 0] + 0.1*[2, -4] = [1.1, -0.4];  w = [1, -1] - 0.1*v = [0.89, -0.96]
    "momentum": (momentum_step, (a([1.0, -1.0]), a([2.0, -4.0]), a([1.0, 0.0])),
                 dict(lr=0.1, beta=0.9), (a([0.89, -0.96]), a([1.1, -0.4]))),
    # v = 0.9*[1, 0] + [2, -4] = [2.9, -4];  w = [1, -1] - 0.1*v = [0.71, -0.6]
    "heavy_ball": (heavy_ball_step, (a([1.0, -1.0]), a([2.0, -4.0]), a([1.0, 0.0])),
                   dict(lr=0.1, rho=0.9), (a([0.71, -0.6]), a([2.9, -4.0]))),
    # v = [2.9, -4];  g + 0.9 v = [2 + 2.61, -4 - 3.6] = [4.61, -7.6]
    # w = [1, -1] - 0.1*[4.61, -7.6] = [0.539, -0.24]
    "nesterov": (nesterov_step, (a([1.0, -1.0]), a([2.0, -4.0]), a([1.0, 0.0])),
                 dict(lr=0.1, rho=0.9), (a([0.539, -0.24]), a([2.9, -4.0]))),
    # G = [16 + 9, 9 + 16] = [25, 25];  w = [1 - 0.5*3/5, -1 + 0.5*4/5] = [0.7, -0.6]
    "adagrad": (adagrad_step, (a([1.0, -1.0]), a([3.0, -4.0]), a([16.0, 9.0])),
                dict(lr=0.5), (a([0.7, -0.6]), a([25.0, 25.0]))),
    # s = 0.75*[0, 16] + 0.25*[4, 16] = [1, 16];  w = [1 - 0.1*2/1, -1 + 0.1*4/4] = [0.8, -0.9]
    "rmsprop": (rmsprop_step, (a([1.0, -1.0]), a([2.0, -4.0]), a([0.0, 16.0])),
                dict(lr=0.1, beta=0.75), (a([0.8, -0.9]), a([1.0, 16.0]))),
    # t = 2, beta1 = beta2 = 0.5, so both corrections divide by 1 - 0.25 = 0.75:
    # m = 0.5*[1, -0.5] + 0.5*[2, -1] = [1.5, -0.75] -> m_hat = [2, -1]
    # v = 0.5*[2, 5] + 0.5*[4, 1] = [3, 3]           -> v_hat = [4, 4], sqrt = 2
    # w = [1, -1] - 0.1*[2, -1]/2 = [0.9, -0.95]
    "adam": (adam_step, (a([1.0, -1.0]), a([2.0, -1.0]), a([1.0, -0.5]), a([2.0, 5.0]), 2),
             dict(lr=0.1, beta1=0.5, beta2=0.5), (a([0.9, -0.95]), a([1.5, -0.75]), a([3.0, 3.0]))),
    # default betas, t = 1, zero moments: m = 0.1 g = [0.05, -2], v = 0.001 g^2 = [2.5e-4, 0.4],
    # m_hat = g, v_hat = g^2, w = [1, 1] - 0.1*sign(g) = [0.9, 1.1]
    "adam_first": (adam_step, (a([1.0, 1.0]), a([0.5, -20.0]), a([0.0, 0.0]), a([0.0, 0.0]), 1),
                   dict(lr=0.1), (a([0.9, 1.1]), a([0.05, -2.0]), a([2.5e-4, 0.4]))),
    # as "adam" with weight_decay 0.5: w*(1 - 0.1*0.5) = [0.95, -0.95]; minus the Adam
    # step 0.1*[2, -1]/2 = [0.1, -0.05]  ->  [0.85, -0.9]
    "adamw": (adamw_step, (a([1.0, -1.0]), a([2.0, -1.0]), a([1.0, -0.5]), a([2.0, 5.0]), 2),
              dict(lr=0.1, beta1=0.5, beta2=0.5, weight_decay=0.5),
              (a([0.85, -0.9]), a([1.5, -0.75]), a([3.0, 3.0]))),
    # t = 1, mu_product = 1, beta1 = 0.9, psi = 0.004, lr = 0.1, w = 1, g = 2:
    # 0.96**0.004 = 0.99983672535, 0.96**0.008 = 0.99967347736
    # mu_1 = 0.9*(1 - 0.5*0.99983672535) = 0.45007347359
    # mu_2 = 0.9*(1 - 0.5*0.99967347736) = 0.45014693519
    # mu_product = mu_1;  m = 0.1*2 = 0.2;  v = 0.001*4 = 0.004;  v_hat = 4, sqrt = 2
    # gradient term: 0.1*(1 - mu_1)/(1 - mu_1) * 2/2 = 0.1
    # momentum term: 0.1*mu_2/(1 - mu_1*mu_2) * 0.2/2 = 0.1*0.45014693519/0.79740080525*0.1
    #              = 0.00564517784
    # w = 1 - 0.1 - 0.00564517784 = 0.89435482216
    "nadam": (nadam_step, (a([1.0]), a([2.0]), a([0.0]), a([0.0]), 1, 1.0), dict(lr=0.1),
              (a([0.89435482216]), a([0.2]), a([0.004]), 0.45007347359)),
    # as "adam", with v_max = [5, 1] before the step: v = [3, 3], v_max = max([5, 1], [3, 3]) = [5, 3]
    # corrected: m_hat = [2, -1], v_max / 0.75 = [20/3, 4], roots [2.5819889, 2]
    # w = [1 - 0.1*2/2.5819889, -1 + 0.1*1/2] = [0.92254033, -0.95]
    "amsgrad": (amsgrad_step,
                (a([1.0, -1.0]), a([2.0, -1.0]), a([1.0, -0.5]), a([2.0, 5.0]), a([5.0, 1.0]), 2),
                dict(lr=0.1, beta1=0.5, beta2=0.5),
                (a([0.92254033, -0.95]), a([1.5, -0.75]), a([3.0, 3.0]), a([5.0, 3.0]))),
}


@pytest.mark.parametrize("case", HAND_CASES)
def test_hand_computed_step(case):
    fn, args, kwargs, expected = HAND_CASES[case]
    out = fn(*args, **kwargs)
    out = out if isinstance(out, tuple) else (out,)
    assert len(out) == len(expected)
    for actual, want in zip(out, expected):
        close(actual, want, rtol=1e-7)  # eps = 1e-8 shifts the steps by ~1e-9 relative


def test_nadam_second_step_by_hand():
    # t = 2 from the state of the first hand case, g = -1, lr = 0.1:
    # mu_3 = 0.9*(1 - 0.5*0.96**0.012) = 0.9*(1 - 0.5*0.99951025603) = 0.45022038479
    # pi = mu_1*mu_2 = 0.45007347359*0.45014693519 = 0.20259919475;  pi*mu_3 = 0.09121428742
    # m = 0.9*0.2 + 0.1*(-1) = 0.08;  v = 0.999*0.004 + 0.001*1 = 0.004996
    # v_hat = 0.004996/(1 - 0.999**2) = 0.004996/0.001999 = 2.49924962, sqrt = 1.58090152
    # gradient term: 0.1*(1 - mu_2)/(1 - pi)*(-1)/1.58090152
    #              = 0.1*0.54985306481/0.79740080525*(-1)/1.58090152 = -0.04361794
    # momentum term: 0.1*mu_3/(1 - pi*mu_3)*0.08/1.58090152
    #              = 0.1*0.45022038479/0.90878571258*0.08/1.58090152 = 0.00250697
    # w = 0.89435482216 + 0.04361794 - 0.00250697 = 0.93546579
    w, m, v, mu = nadam_step(a([1.0]), a([2.0]), a([0.0]), a([0.0]), 1, 1.0, lr=0.1)
    w, m, v, mu = nadam_step(w, a([-1.0]), m, v, 2, mu, lr=0.1)
    close(mu, 0.20259919475, rtol=1e-9)
    close(m, [0.08]), close(v, [0.004996])
    close(w, [0.93546579], rtol=1e-7)


# eps sits outside the square root: with eps = 1 the difference is visible.
EPS_CASES = {
    # G = 9, w = 0 - 1*3/(sqrt(9) + 1) = -0.75   (inside the root: -3/sqrt(10) = -0.949)
    "adagrad": (lambda eps: adagrad_step(a([0.0]), a([3.0]), a([0.0]), lr=1.0, eps=eps)[0], -0.75),
    # s = 0.25*4 = 1, w = -2/(1 + 1) = -1           (inside: -2/sqrt(2) = -1.414)
    "rmsprop": (lambda eps: rmsprop_step(a([0.0]), a([2.0]), a([0.0]), lr=1.0, beta=0.75,
                                         eps=eps)[0], -1.0),
    # m_hat = 3, v_hat = 9, w = -3/(3 + 1) = -0.75   (inside: -0.949)
    "adam": (lambda eps: adam_step(a([0.0]), a([3.0]), a([0.0]), a([0.0]), 1, lr=1.0,
                                   eps=eps)[0], -0.75),
}


@pytest.mark.parametrize("name", EPS_CASES)
def test_eps_is_outside_the_square_root(name):
    fn, expected = EPS_CASES[name]
    close(fn(1.0), [expected], rtol=1e-12)


# ---------------------------------------------------------------------------
# Adam: the first step is lr * sign(g); constant gradients
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("scale", [1e-4, 1.0, 1e4])
def test_adam_first_step_moves_every_coordinate_by_lr_sign_g(scale, dtype):
    rng = np.random.default_rng(0)
    g = (scale * rng.uniform(0.5, 2.0, 50) * rng.choice([-1.0, 1.0], 50)).astype(dtype)
    w = np.zeros(50, dtype)
    lr = 1e-3
    w1, _, _ = adam_step(w, g, np.zeros_like(w), np.zeros_like(w), t=1, lr=lr)
    assert w1.dtype == dtype
    # |step| = lr*|g|/(|g| + eps): relative deviation eps/|g| plus rounding
    rtol = 2 * 1e-8 / np.abs(g).min() + (1e-5 if dtype == np.float32 else 1e-12)
    close(w1, -lr * np.sign(g), rtol=rtol, atol=0)


@pytest.mark.parametrize("beta1, beta2", [(0.9, 0.999), (0.5, 0.9), (0.0, 0.0)])
def test_adam_bias_corrected_moments_equal_a_constant_gradient(beta1, beta2):
    # m_t = (1 - beta1^t) g and v_t = (1 - beta2^t) g^2 exactly, so the corrected
    # moments are g and g^2 and every step has length lr*|g|/(|g| + eps).
    g = a([0.3, -2.0, 7.0])
    w, m, v = a([1.0, 2.0, 3.0]), np.zeros(3), np.zeros(3)
    for t in range(1, 31):
        w_new, m, v = adam_step(w, g, m, v, t, lr=0.01, beta1=beta1, beta2=beta2)
        close(m / (1 - beta1 ** t), g, rtol=1e-12)
        close(v / (1 - beta2 ** t), g ** 2, rtol=1e-12)
        close(w - w_new, 0.01 * g / (np.abs(g) + 1e-8), rtol=1e-10)
        w = w_new


def test_adamw_is_adam_on_decayed_weights():
    # Loshchilov & Hutter: w <- w*(1 - lr*wd), then the Adam update (which does not depend on w).
    rng = np.random.default_rng(1)
    w, m, v = rng.normal(size=5), rng.normal(size=5), rng.uniform(0.1, 1.0, 5)
    for t, lr, wd in [(1, 1e-3, 1e-2), (7, 0.05, 0.3), (100, 0.5, 0.0)]:
        g = rng.normal(size=5)
        expected = adam_step(w * (1 - lr * wd), g, m, v, t, lr=lr)
        actual = adamw_step(w, g, m, v, t, lr=lr, weight_decay=wd)
        for x, y in zip(actual, expected):
            close(x, y, rtol=1e-14)


def test_adamw_decay_is_not_rescaled_by_the_denominator():
    # With g = 0 and zero moments Adam does not move; AdamW still shrinks w by lr*wd
    # (an L2 term added to g would instead be normalized to a step of size ~lr).
    w = a([2.0, -4.0])
    out, _, _ = adamw_step(w, np.zeros(2), np.zeros(2), np.zeros(2), 1, lr=0.1, weight_decay=0.5)
    close(out, w * 0.95, rtol=1e-14)


# ---------------------------------------------------------------------------
# Momentum family: unrolled velocities, the two conventions, Nesterov's rewrite
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.99])
def test_momentum_velocity_is_the_unrolled_weighted_average(beta):
    # v_n = (1 - beta) * sum_{i=1}^n beta^(n-i) g_i   (from v_0 = 0)
    rng = np.random.default_rng(2)
    gs = rng.normal(size=(12, 3))
    w, v = np.zeros(3), np.zeros(3)
    for n in range(1, len(gs) + 1):
        w, v = momentum_step(w, gs[n - 1], v, lr=0.1, beta=beta)
        expected = (1 - beta) * sum(beta ** (n - i) * gs[i - 1] for i in range(1, n + 1))
        close(v, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("rule", [heavy_ball_step, nesterov_step])
@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9])
def test_velocity_sum_is_the_unrolled_sum(rule, rho):
    # v_n = sum_{i=1}^n rho^(n-i) g_i   (from v_0 = 0), for heavy ball and Nesterov alike
    rng = np.random.default_rng(3)
    gs = rng.normal(size=(12, 3))
    w, v = np.zeros(3), np.zeros(3)
    for n in range(1, len(gs) + 1):
        w, v = rule(w, gs[n - 1], v, lr=0.1, rho=rho)
        expected = sum(rho ** (n - i) * gs[i - 1] for i in range(1, n + 1))
        close(v, expected, rtol=1e-12, atol=1e-14)


# A non-diagonal ill-conditioned quadratic f(w) = 1/2 w'Aw - b'w, minimizer A^{-1} b.
A = np.array([[10.0, 2.0, 0.0], [2.0, 3.0, 0.5], [0.0, 0.5, 1.0]])
B = np.array([1.0, -2.0, 0.5])


def quad_grad(w):
    return A @ w - B


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.99])
def test_heavy_ball_and_momentum_trace_the_same_path(beta):
    # Unrolled, v_momentum = (1 - beta) v_heavy_ball; so lr_m*v_m = lr_hb*v_hb when
    # lr_m = lr_hb/(1 - beta), and the iterates coincide.
    lr_hb = 0.01
    w_hb = w_m = a([1.0, 1.0, 1.0])
    v_hb = v_m = np.zeros(3)
    for _ in range(60):
        w_hb, v_hb = heavy_ball_step(w_hb, quad_grad(w_hb), v_hb, lr_hb, rho=beta)
        w_m, v_m = momentum_step(w_m, quad_grad(w_m), v_m, lr_hb / (1 - beta), beta=beta)
        close(w_m, w_hb, rtol=1e-10, atol=1e-12)
        close(v_m, (1 - beta) * v_hb, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("rho", [0.5, 0.9])
def test_nesterov_equals_the_look_ahead_form(rho):
    # Look-ahead form (velocity sum, gradient at the point the velocity is about to reach):
    #     v_{k+1} = rho v_k + grad f(w_k - lr rho v_k),    w_{k+1} = w_k - lr v_{k+1}.
    # Change of variables u_k = w_k - lr rho v_k (the look-ahead point), g_k = grad f(u_k):
    #     u_{k+1} = w_{k+1} - lr rho v_{k+1}
    #             = (u_k + lr rho v_k) - lr (rho v_k + g_k) - lr rho v_{k+1}
    #             = u_k - lr (g_k + rho v_{k+1}),
    # which is nesterov_step(u_k, grad f(u_k), v_k) with the same velocity; u_0 = w_0 as v_0 = 0.
    lr = 0.05
    w, v = a([1.0, -1.0, 2.0]), np.zeros(3)
    u, v_u = w.copy(), np.zeros(3)
    for _ in range(40):
        v = rho * v + quad_grad(w - lr * rho * v)
        w = w - lr * v
        u, v_u = nesterov_step(u, quad_grad(u), v_u, lr, rho=rho)
        close(v_u, v, rtol=1e-10, atol=1e-12)
        close(u, w - lr * rho * v, rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------------------
# Adaptive accumulators
# ---------------------------------------------------------------------------

def test_adagrad_accumulator_is_the_sum_of_squares():
    rng = np.random.default_rng(4)
    gs = rng.normal(size=(15, 4))
    G0 = a([0.0, 1.0, 2.0, 3.0])
    w, G = np.zeros(4), G0
    for n in range(1, len(gs) + 1):
        w, G = adagrad_step(w, gs[n - 1], G, lr=0.1)
        close(G, G0 + (gs[:n] ** 2).sum(axis=0), rtol=1e-12)


@pytest.mark.parametrize("beta", [0.0, 0.9, 0.999])
def test_rmsprop_accumulator_is_the_unrolled_average(beta):
    # s_n = beta^n s_0 + (1 - beta) sum_{i=1}^n beta^(n-i) g_i^2
    rng = np.random.default_rng(5)
    gs = rng.normal(size=(15, 4))
    s0 = a([0.0, 1.0, 2.0, 3.0])
    w, s = np.zeros(4), s0
    for n in range(1, len(gs) + 1):
        w, s = rmsprop_step(w, gs[n - 1], s, lr=0.1, beta=beta)
        expected = beta ** n * s0 + (1 - beta) * sum(
            beta ** (n - i) * gs[i - 1] ** 2 for i in range(1, n + 1))
        close(s, expected, rtol=1e-12, atol=1e-14)


def test_adagrad_effective_learning_rate_shrinks_steep_coordinates():
    # g = (0.1, 10) every step: AdaGrad's step is lr*g/sqrt(n g^2) = lr/sqrt(n) in both
    # coordinates, although the gradients differ by a factor 100.
    w, G = np.zeros(2), np.zeros(2)
    for n in range(1, 6):
        w_new, G = adagrad_step(w, a([0.1, 10.0]), G, lr=0.5)
        close(w - w_new, [0.5 / math.sqrt(n)] * 2, rtol=1e-6)
        w = w_new


# ---------------------------------------------------------------------------
# NAdam against an independent re-derivation (torch.optim.NAdam docstring form)
# ---------------------------------------------------------------------------

def nadam_reference(w, grad, steps, lr, beta1, beta2, eps, psi):
    """Straight from the formulas, with the products of mu recomputed each step:
    mu_t = beta1 (1 - 0.5 * 0.96^(t psi)),
    m_hat = mu_{t+1} m_t / (1 - prod_{i<=t+1} mu_i) + (1 - mu_t) g_t / (1 - prod_{i<=t} mu_i),
    v_hat = v_t / (1 - beta2^t),  w = w - lr m_hat / (sqrt(v_hat) + eps)."""
    mus, m, v, path = [], 0.0, 0.0, []
    for t in range(1, steps + 1):
        g = grad(w)
        mus.append(beta1 * (1 - 0.5 * 0.96 ** (t * psi)))
        mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = (mu_next * m / (1 - math.prod(mus) * mu_next)
                 + (1 - mus[-1]) * g / (1 - math.prod(mus)))
        v_hat = v / (1 - beta2 ** t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
        path.append((w, m, v, math.prod(mus)))
    return path


@pytest.mark.parametrize("hp", [
    dict(lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8, momentum_decay=4e-3),
    dict(lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6, momentum_decay=0.1),
    dict(lr=0.1, beta1=0.0, beta2=0.5, eps=1e-8, momentum_decay=4e-3),
])
def test_nadam_matches_independent_derivation(hp):
    w0 = a([1.0, -1.0, 2.0])
    expected = nadam_reference(w0, quad_grad, 40, hp["lr"], hp["beta1"], hp["beta2"],
                               hp["eps"], hp["momentum_decay"])
    w, m, v, mu = w0, np.zeros(3), np.zeros(3), 1.0
    for t, (w_e, m_e, v_e, mu_e) in enumerate(expected, start=1):
        w, m, v, mu = nadam_step(w, quad_grad(w), m, v, t, mu, **hp)
        close(w, w_e, rtol=1e-11, atol=1e-13)
        close(m, m_e, rtol=1e-11, atol=1e-13)
        close(v, v_e, rtol=1e-11, atol=1e-13)
        close(mu, mu_e, rtol=1e-12)
        assert isinstance(mu, float)


# ---------------------------------------------------------------------------
# AMSGrad: Adam with a denominator that never shrinks
# ---------------------------------------------------------------------------

def test_amsgrad_is_adam_while_the_second_moment_grows():
    # |g| grows every step, so v only grows and its running maximum is v itself
    w, m, v, v_max = a([0.3, -2.0]), np.zeros(2), np.zeros(2), np.zeros(2)
    w_adam, m_adam, v_adam = w, m, v
    for t in range(1, 20):
        g = a([1.0, -0.5]) * 1.2 ** t
        w, m, v, v_max = amsgrad_step(w, g, m, v, v_max, t, lr=0.05)
        w_adam, m_adam, v_adam = adam_step(w_adam, g, m_adam, v_adam, t, lr=0.05)
        close(w, w_adam, rtol=1e-12)
        np.testing.assert_array_equal(v_max, v)


def test_amsgrad_remembers_a_large_gradient_that_adam_forgets():
    # one large gradient, then small ones (the gradients do not depend on w, so both rules
    # see the same m and v): Adam's step grows back as v forgets the large gradient,
    # AMSGrad's denominator keeps it, so its step is never larger than Adam's
    ams, adam = (a([0.0]), np.zeros(1), np.zeros(1), np.zeros(1)), (a([0.0]), np.zeros(1), np.zeros(1))
    previous_max = np.zeros(1)
    for t in range(1, 200):
        g = a([100.0 if t == 1 else 0.1])
        w_ams, w_adam = ams[0], adam[0]
        ams = amsgrad_step(*ams[:1], g, *ams[1:], t, lr=0.01, beta1=0.0, beta2=0.9)
        adam = adam_step(*adam[:1], g, *adam[1:], t, lr=0.01, beta1=0.0, beta2=0.9)
        step_ams, step_adam = abs(ams[0] - w_ams)[0], abs(adam[0] - w_adam)[0]
        assert step_ams <= step_adam * (1 + 1e-12)
        assert ams[3][0] >= previous_max[0] and ams[3][0] >= ams[2][0]
        previous_max = ams[3]
    assert ams[3][0] == pytest.approx((1 - 0.9) * 100.0 ** 2)   # kept for ever
    # after 198 small gradients Adam's v is back near 0.1^2: its step is about lr again,
    # AMSGrad's is lr * 0.1 / sqrt(1000)
    assert step_adam == pytest.approx(0.01, rel=1e-3)
    assert step_ams == pytest.approx(0.01 * 0.1 / math.sqrt(1000.0), rel=1e-3)


def reddi_counterexample(rule, steps=3000, C=3.0):
    """Reddi, Kale & Kumar (2018), section 3: f_t(x) = C x once every three steps, -x otherwise,
    on [-1, 1]; the average loss (C - 2) x / 3 is smallest at x = -1. With beta1 = 0,
    beta2 = 1 / (1 + C^2) and learning rate 0.5 / sqrt(t), Adam is driven to x = +1."""
    x, state = a([1.0]), (np.zeros(1), np.zeros(1)) if rule == "adam" else (np.zeros(1),) * 3
    path = []
    for t in range(1, steps + 1):
        g = a([C if t % 3 == 1 else -1.0])
        hp = dict(lr=0.5 / math.sqrt(t), beta1=0.0, beta2=1.0 / (1.0 + C ** 2))
        if rule == "adam":
            x, *state = adam_step(x, g, *state, t, **hp)
        else:
            x, *state = amsgrad_step(x, g, *state, t, **hp)
        x = np.clip(x, -1.0, 1.0)   # the projection onto the feasible set
        path.append(x[0])
    return np.array(path)


def test_adam_fails_and_amsgrad_solves_reddis_counterexample():
    assert reddi_counterexample("adam")[-300:].mean() > 0.99        # the worst point of [-1, 1]
    assert reddi_counterexample("amsgrad")[-300:].mean() < -0.99    # the minimum


# ---------------------------------------------------------------------------
# Convergence on an ill-conditioned quadratic, every optimizer
# ---------------------------------------------------------------------------

# f(w) = 1/2 (w - w*)' diag(1, 50) (w - w*), condition number 50, from w0 = (-1, 1).
CURV, W_STAR = np.array([1.0, 50.0]), np.array([1.0, -2.0])
CONVERGENCE = [
    ("gd", dict(lr=0.035), 1e-6),             # GD needs lr < 2/50; rate 1 - 0.035 per step
    ("momentum", dict(lr=0.2, beta=0.9), 1e-9),
    ("heavy_ball", dict(lr=0.02, rho=0.9), 1e-9),
    ("nesterov", dict(lr=0.02, rho=0.9), 1e-9),
    ("adagrad", dict(lr=0.5), 1e-9),
    # with beta = 0.9 a fixed lr leaves RMSProp circling at distance ~lr; a long memory
    # lets the step shrink with the gradient
    ("rmsprop", dict(lr=0.01, beta=0.999), 1e-6),
    ("adam", dict(lr=0.05), 1e-8),
    # decoupled decay keeps pulling towards 0: a small decay, a looser tolerance
    ("adamw", dict(lr=0.05, weight_decay=1e-4), 1e-3),
    ("nadam", dict(lr=0.05), 1e-9),
    ("amsgrad", dict(lr=0.05), 1e-8),
]


@pytest.mark.parametrize("name, hp, tol", CONVERGENCE, ids=[c[0] for c in CONVERGENCE])
def test_converges_on_an_ill_conditioned_quadratic(name, hp, tol):
    w = a([-1.0, 1.0])
    state = init_state(name, w)
    for t in range(1, 501):
        w, state = step(name, w, CURV * (w - W_STAR), state, t, **hp)
    assert np.linalg.norm(w - W_STAR) < tol


# ---------------------------------------------------------------------------
# Purity and dtypes, every rule
# ---------------------------------------------------------------------------

def random_state(name, w, rng):
    """A non-trivial optimizer state of w's shape and dtype (NAdam: with mu_product 0.3)."""
    if name == "nadam":
        return (rng.normal(size=w.shape).astype(w.dtype),
                rng.uniform(0.1, 1.0, w.shape).astype(w.dtype), 0.3)
    if name == "amsgrad":
        return (rng.normal(size=w.shape).astype(w.dtype),
                *(rng.uniform(0.1, 1.0, w.shape).astype(w.dtype) for _ in range(2)))
    return tuple(rng.uniform(0.1, 1.0, w.shape).astype(w.dtype) for _ in init_state(name, w))


@pytest.mark.parametrize("name", RULES)
def test_inputs_are_not_modified_and_outputs_are_new(name):
    rng = np.random.default_rng(6)
    w, g = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    state = random_state(name, w, rng)
    before = copy.deepcopy((w, g, state))
    w_new, state_new = step(name, w, g, state, 3, lr=0.1)
    for x, y in zip((w, g, *state), (before[0], before[1], *before[2])):
        np.testing.assert_array_equal(x, y)
    for out in (w_new, *state_new):
        if isinstance(out, np.ndarray):
            assert not any(np.shares_memory(out, x) for x in (w, g, *state)
                           if isinstance(x, np.ndarray))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", RULES)
def test_dtype_is_kept(name, dtype):
    rng = np.random.default_rng(7)
    w, g = rng.normal(size=4).astype(dtype), rng.normal(size=4).astype(dtype)
    # numpy float64 hyperparameters must not promote float32 arrays
    w_new, state = step(name, w, g, random_state(name, w, rng), 2, lr=np.float64(0.01))
    assert w_new.dtype == dtype
    for s in state:
        assert s.dtype == dtype if isinstance(s, np.ndarray) else isinstance(s, float)


@pytest.mark.parametrize("name", RULES)
def test_float64_gradient_on_float32_parameters_gives_float32(name):
    rng = np.random.default_rng(8)
    w = rng.normal(size=4).astype(np.float32)
    w_new, state = step(name, w, rng.normal(size=4), random_state(name, w, rng), 1, lr=0.01)
    assert w_new.dtype == np.float32
    assert all(s.dtype == np.float32 for s in state if isinstance(s, np.ndarray))


@pytest.mark.parametrize("name", RULES)
def test_zero_learning_rate_leaves_w_unchanged(name):
    rng = np.random.default_rng(9)
    w = rng.normal(size=5)
    w_new, _ = step(name, w, rng.normal(size=5), random_state(name, w, rng), 4, lr=0.0)
    np.testing.assert_array_equal(w_new, w)


@pytest.mark.parametrize("name", RULES)
def test_float_scalars_are_accepted(name):
    # 1-D examples of chapter 1 use plain floats: w = 1, g = 2
    w_new, _ = step(name, 1.0, 2.0, tuple(0.0 if i < 2 else 1.0 for i in
                                          range(len(init_state(name, np.zeros(()))))), 1, lr=0.1)
    assert np.ndim(w_new) == 0 and float(w_new) < 1.0


def test_chapter_5s_own_amsgrad_is_the_reference():
    # Chapter 5's demo defines a short AMSGrad of its own on top of the student's adam_step (a
    # student's notebook has no reference package); with the reference adam_step it must be the
    # rule of solutions.amsgrad_step.
    import ast
    from pathlib import Path

    import nbformat
    notebook = nbformat.read(Path(__file__).parents[1] / "chapters" / "05_adam.ipynb", as_version=4)
    definitions = [node for cell in notebook.cells if cell.cell_type == "code"
                   for node in ast.parse(cell.source).body
                   if isinstance(node, ast.FunctionDef) and node.name == "amsgrad_step"]
    assert len(definitions) == 1, "chapter 5 defines amsgrad_step once"
    namespace = {"np": np, "adam_step": adam_step}
    exec(compile(ast.Module(body=definitions, type_ignores=[]), "chapter 5", "exec"), namespace)
    rng = np.random.default_rng(11)
    for hp in [{}, dict(lr=0.3, beta1=0.0, beta2=0.1), dict(lr=0.05, beta1=0.5, beta2=0.99, eps=1e-3)]:
        theirs = ours = (rng.normal(size=3), np.zeros(3), np.zeros(3), np.zeros(3))
        for t in range(1, 30):
            g = rng.normal(size=3) * (10.0 if t % 7 == 1 else 0.1)
            w, *state = theirs
            theirs = namespace["amsgrad_step"](w, g, *state, t, **hp)
            w, *state = ours
            ours = amsgrad_step(w, g, *state, t, **hp)
            for a_, b_ in zip(theirs, ours):
                close(a_, b_, rtol=1e-12)
