"""Tests of the hyperparameter-search functions (chapter 10), against independent expectations."""

import doctest
import math

import numpy as np
import pytest

import solutions
from solutions import coarse_to_fine, log_uniform, random_search

SPACE = {"learning_rate": (1e-4, 1.0, "log"), "beta1": (0.8, 1.0, "linear")}


def bowl(config):
    return (math.log10(config["learning_rate"]) + 2) ** 2 + 10 * (config["beta1"] - 0.9) ** 2


def test_docstring_examples_run():
    result = doctest.testmod(solutions.search)
    assert result.attempted >= 6 and result.failed == 0


def test_log_uniform_is_ten_to_a_uniform_exponent():
    u = np.random.default_rng(0).random(5)                     # uniform(a, b) = a + (b - a) * random()
    expected = 10.0 ** (-4 + 4 * u)
    x = log_uniform(1e-4, 1.0, 5, np.random.default_rng(0))
    np.testing.assert_allclose(x, expected, rtol=1e-13)
    assert x.dtype == np.float64 and x.shape == (5,)


def test_log_uniform_shapes_bounds_and_decades():
    x = log_uniform(1e-3, 10.0, (200, 50), np.random.default_rng(1))
    assert x.shape == (200, 50) and np.all((x >= 1e-3) & (x <= 10.0))
    shares = [np.mean((x >= 10.0 ** k) & (x < 10.0 ** (k + 1))) for k in range(-3, 1)]
    np.testing.assert_allclose(shares, 0.25, atol=0.02)         # a quarter of the draws per decade
    assert log_uniform(0.5, 0.5, 3, np.random.default_rng(0)).tolist() == pytest.approx([0.5] * 3)
    assert log_uniform(1.0, 2.0, 0, np.random.default_rng(0)).shape == (0,)


def test_random_search_draw_order_and_best():
    rng = np.random.default_rng(0)
    lr = 10.0 ** rng.uniform(-4, 0, 3)                          # all values of the first hyperparameter,
    beta1 = rng.uniform(0.8, 1.0, 3)                            # then all of the second
    trials, best = random_search(bowl, SPACE, 3, np.random.default_rng(0))
    assert [list(c) for c, _ in trials] == [["learning_rate", "beta1"]] * 3
    np.testing.assert_allclose([c["learning_rate"] for c, _ in trials], lr, rtol=1e-13)
    np.testing.assert_allclose([c["beta1"] for c, _ in trials], beta1, rtol=1e-13)
    scores = [bowl({"learning_rate": a, "beta1": b}) for a, b in zip(lr, beta1)]
    np.testing.assert_allclose([s for _, s in trials], scores, rtol=1e-13)
    assert best is trials[int(np.argmin(scores))]
    assert all(type(v) is float for c, s in trials for v in list(c.values()) + [s])


def test_random_search_ties_go_to_the_earliest_and_inf_is_allowed():
    trials, best = random_search(lambda c: 2.0, {"x": (0.0, 1.0, "linear")}, 5, np.random.default_rng(3))
    assert best is trials[0]
    trials, best = random_search(lambda c: math.inf if c["x"] > 0.5 else c["x"], {"x": (0.0, 1.0, "linear")}, 8,
                                 np.random.default_rng(3))
    assert best[1] == min(s for _, s in trials) < math.inf


def test_random_search_does_not_modify_its_inputs():
    space = {"a": [1e-3, 1.0, "log"], "b": (0.0, 1.0, "linear")}
    before = {k: list(v) for k, v in space.items()}
    random_search(lambda c: c["b"], space, 4, np.random.default_rng(0))
    assert {k: list(v) for k, v in space.items()} == before


def test_coarse_to_fine_windows_by_hand():
    trials, best, spaces = coarse_to_fine(bowl, SPACE, 3, 3, 0.5, np.random.default_rng(0))
    first, _ = random_search(bowl, SPACE, 3, np.random.default_rng(0))
    assert trials[:3] == first                                  # round 0 is plain random search
    c = first[0][0]                                             # its best trial (score 0.394)
    e = math.log10(c["learning_rate"])
    assert spaces[0] == {"learning_rate": (1e-4, 1.0), "beta1": (0.8, 1.0)}
    assert spaces[1]["learning_rate"] == pytest.approx((10 ** (e - 1), 10 ** (e + 1)), rel=1e-12)
    assert spaces[1]["beta1"] == pytest.approx((0.8, c["beta1"] + 0.05), rel=1e-12)   # clipped below
    assert spaces[2]["learning_rate"] == pytest.approx((10 ** (e - 0.5), 10 ** (e + 0.5)), rel=1e-12)
    assert spaces[2]["beta1"] == pytest.approx((0.8, c["beta1"] + 0.025), rel=1e-12)
    assert len(trials) == 9 and best == min(trials, key=lambda t: t[1])
    for r in range(3):                                          # every trial lies in its round's window
        for config, _ in trials[3 * r:3 * r + 3]:
            for name, (lo, hi) in spaces[r].items():
                assert lo <= config[name] <= hi * (1 + 1e-12)


def test_coarse_to_fine_one_round_is_random_search_and_windows_stay_in_range():
    trials, best, spaces = coarse_to_fine(bowl, SPACE, 5, 1, 0.5, np.random.default_rng(4))
    assert (trials, best) == random_search(bowl, SPACE, 5, np.random.default_rng(4)) and len(spaces) == 1
    trials, _, spaces = coarse_to_fine(bowl, SPACE, 2, 3, 1.0, np.random.default_rng(4))
    for r in (1, 2):                    # shrink = 1: a full-width window centered on the best, clipped
        c = min(trials[:2 * r], key=lambda t: t[1])[0]
        lo, hi = spaces[r]["beta1"]
        assert lo == pytest.approx(max(0.8, c["beta1"] - 0.1)) and hi == pytest.approx(min(1.0, c["beta1"] + 0.1))
        lo, hi = spaces[r]["learning_rate"]
        e = math.log10(c["learning_rate"])
        assert lo == pytest.approx(10 ** max(-4, e - 2)) and hi == pytest.approx(10 ** min(0, e + 2))


def test_coarse_to_fine_converges_on_a_bowl():
    _, best, _ = coarse_to_fine(bowl, SPACE, 10, 5, 0.5, np.random.default_rng(0))
    _, rs_best = random_search(bowl, SPACE, 50, np.random.default_rng(0))
    assert best[1] < 1e-2 and best[1] <= rs_best[1]


RNG = np.random.default_rng(0)
OK = {"x": (0.0, 1.0, "linear")}

BAD = [
    ("low zero", lambda: log_uniform(0.0, 1.0, 3, RNG), ValueError, "low"),
    ("high below low", lambda: log_uniform(1.0, 0.1, 3, RNG), ValueError, "high"),
    ("low string", lambda: log_uniform("1e-3", 1.0, 3, RNG), TypeError, "low"),
    ("size negative", lambda: log_uniform(1e-3, 1.0, -1, RNG), ValueError, "size"),
    ("size float", lambda: log_uniform(1e-3, 1.0, 2.5, RNG), ValueError, "size"),
    ("rng legacy", lambda: log_uniform(1e-3, 1.0, 3, np.random), TypeError, "rng"),
    ("rng seed", lambda: random_search(lambda c: 0.0, OK, 3, 0), TypeError, "rng"),
    ("objective", lambda: random_search(None, OK, 3, RNG), TypeError, "objective"),
    ("space list", lambda: random_search(lambda c: 0.0, [(0, 1, "linear")], 3, RNG), TypeError, "space"),
    ("space empty", lambda: random_search(lambda c: 0.0, {}, 3, RNG), ValueError, "space"),
    ("space scale", lambda: random_search(lambda c: 0.0, {"x": (0, 1, "lin")}, 3, RNG), ValueError, "space"),
    ("space log low", lambda: random_search(lambda c: 0.0, {"x": (0, 1, "log")}, 3, RNG), ValueError, "space"),
    ("space pair", lambda: random_search(lambda c: 0.0, {"x": (0, 1)}, 3, RNG), ValueError, "space"),
    ("num_trials zero", lambda: random_search(lambda c: 0.0, OK, 0, RNG), ValueError, "num_trials"),
    ("objective nan", lambda: random_search(lambda c: math.nan, OK, 2, RNG), ValueError, "objective"),
    ("objective str", lambda: random_search(lambda c: "0.1", OK, 2, RNG), TypeError, "objective"),
    ("num_rounds zero", lambda: coarse_to_fine(lambda c: 0.0, OK, 2, 0, 0.5, RNG), ValueError, "num_rounds"),
    ("shrink zero", lambda: coarse_to_fine(lambda c: 0.0, OK, 2, 2, 0.0, RNG), ValueError, "shrink"),
    ("shrink big", lambda: coarse_to_fine(lambda c: 0.0, OK, 2, 2, 1.5, RNG), ValueError, "shrink"),
    ("ctf rng", lambda: coarse_to_fine(lambda c: 0.0, OK, 2, 2, 0.5, None), TypeError, "rng"),
]


@pytest.mark.parametrize("call, error, name", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_arguments_name_the_argument(call, error, name):
    with pytest.raises(error) as info:
        call()
    assert str(info.value).startswith(name), str(info.value)
