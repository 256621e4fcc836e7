"""The optimizer playground's engine is a second implementation of the reference.

Node runs playground/engine.js (through tests/playground_harness.js) on fixed
vectors, and every update rule, schedule, test function and whole run is
compared with the reference package `solutions` and chapters/landscapes.py
(tests/playground_crosscheck.py): each rule step by step, each call given the
state the reference returned at the step before, to a relative error of at
most 1e-12 in float64. Copies of the engine with one rule altered must fail
the same comparison, one copy per rule.

The built site's copy of the engine, the widget in a browser and what the
site publishes are tested in tests/test_playground_site.py.
"""
import re

import nbformat
import numpy as np
import pytest

import solutions
from nbtools import chapter_notebooks
from playground_crosscheck import (ENGINE, LANDSCAPES, NO_BIAS_CORRECTION_T, call_engine,
                                   reference_run, relative_error)

TOLERANCE = 1e-12

N = 5                                               # entries per vector
STEPS = 20                                          # consecutive calls per chain
SCALES = np.array([1e-3, 0.1, 1.0, 10.0, 300.0])    # gradient entries of very different sizes

# What the engine exports besides the reference's twins.
ENGINE_OWN = {"landscapes", "optimizers", "normal_draws", "scheduled_rate", "run"}


def as_json(value):
    """Arrays and tuples as (nested) lists, NumPy scalars as Python numbers."""
    if isinstance(value, (np.ndarray, list, tuple)):
        return [as_json(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


# ------------------------------------------------------------------ the cases


def chain(rng, name, first_args, feedback, t_index=None, fresh=None, js_extra=(), reference_t=None):
    """STEPS cases (rule, JS arguments, reference outputs) of `name` called in a row.

    The JS functions take the reference's arguments in the reference's order.
    Each call gets a fresh gradient (and whatever `fresh` renews), and the
    state the reference returned at the step before: `feedback` maps an
    output's position to the argument it becomes. js_extra is appended to the
    JS call only; reference_t replaces t in the reference call only.
    """
    args, cases = list(first_args), []
    for _ in range(STEPS):
        args[1] = rng.standard_normal(N) * SCALES
        if fresh:
            fresh(rng, args)
        reference_args = list(args)
        if reference_t is not None:
            reference_args[t_index] = reference_t
        expected = getattr(solutions, name)(*reference_args)
        outputs = expected if isinstance(expected, tuple) else (expected,)
        cases.append((name, as_json(args) + list(js_extra), outputs))
        for output, argument in feedback.items():
            args[argument] = outputs[output]
        if t_index is not None:
            args[t_index] += 1
    return cases


def spd_matrix(rng, n):
    """A random symmetric positive definite matrix with condition number below about 100."""
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return Q @ np.diag(rng.uniform(0.1, 10.0, n)) @ Q.T


def renew_hessian(rng, args):
    args[2] = spd_matrix(rng, N)


def w0(rng):
    return rng.standard_normal(N) * 3


def zeros():
    return np.zeros(N)


# rule: the cases of that rule (hyperparameters at the defaults, at edges, at random)
RULE_CASES = {
    "gd_step": lambda rng: sum((chain(rng, "gd_step", [w0(rng), None, lr], {0: 0})
                                for lr in (0.1, 1e-3, 2.5)), []),
    "momentum_step": lambda rng: sum((chain(rng, "momentum_step", [w0(rng), None, zeros(), lr, beta],
                                            {0: 0, 1: 2})
                                      for lr, beta in ((0.1, 0.9), (0.5, 0.0), (0.03, 0.999))), []),
    "heavy_ball_step": lambda rng: sum((chain(rng, "heavy_ball_step", [w0(rng), None, zeros(), lr, rho],
                                              {0: 0, 1: 2})
                                        for lr, rho in ((0.01, 0.9), (0.5, 0.0), (0.003, 0.99))), []),
    "nesterov_step": lambda rng: sum((chain(rng, "nesterov_step", [w0(rng), None, zeros(), lr, rho],
                                            {0: 0, 1: 2})
                                      for lr, rho in ((0.01, 0.9), (0.5, 0.0), (0.003, 0.99))), []),
    "adagrad_step": lambda rng: sum((chain(rng, "adagrad_step", [w0(rng), None, zeros(), lr, eps],
                                           {0: 0, 1: 2})
                                     for lr, eps in ((1.0, 1e-8), (0.1, 1e-2), (0.5, 1.0))), []),
    "rmsprop_step": lambda rng: sum((chain(rng, "rmsprop_step", [w0(rng), None, zeros(), lr, beta, eps],
                                           {0: 0, 1: 2})
                                     for lr, beta, eps in ((0.1, 0.9, 1e-8), (0.01, 0.0, 1e-3),
                                                           (0.3, 0.999, 1e-12))), []),
    "adam_step": lambda rng: sum((chain(rng, "adam_step", [w0(rng), None, zeros(), zeros(), 1, *h],
                                        {0: 0, 1: 2, 2: 3}, t_index=4)
                                  for h in ((1e-3, 0.9, 0.999, 1e-8), (0.3, 0.5, 0.8, 1e-3),
                                            (0.05, 0.0, 0.99999, 1e-12))), []),
    "adam_step without bias correction": lambda rng: sum((
        chain(rng, "adam_step", [w0(rng), None, zeros(), zeros(), 1, *h], {0: 0, 1: 2, 2: 3}, t_index=4,
              js_extra=[False], reference_t=NO_BIAS_CORRECTION_T)
        for h in ((0.3, 0.9, 0.999, 1e-8), (0.05, 0.5, 0.99999, 1e-6))), []),
    "adamw_step": lambda rng: sum((chain(rng, "adamw_step", [w0(rng), None, zeros(), zeros(), 1, *h],
                                         {0: 0, 1: 2, 2: 3}, t_index=4)
                                   for h in ((1e-3, 0.9, 0.999, 1e-8, 1e-2), (0.3, 0.5, 0.8, 1e-3, 0.5),
                                             (0.05, 0.9, 0.99, 1e-8, 3.0))), []),
    "adamw_step without bias correction": lambda rng: chain(
        rng, "adamw_step", [w0(rng), None, zeros(), zeros(), 1, 0.3, 0.9, 0.999, 1e-8, 0.1],
        {0: 0, 1: 2, 2: 3}, t_index=4, js_extra=[False], reference_t=NO_BIAS_CORRECTION_T),
    "nadam_step": lambda rng: sum((chain(rng, "nadam_step", [w0(rng), None, zeros(), zeros(), 1, 1.0, *h],
                                         {0: 0, 1: 2, 2: 3, 3: 5}, t_index=4)
                                   for h in ((2e-3, 0.9, 0.999, 1e-8, 4e-3), (0.3, 0.5, 0.8, 1e-3, 0.5),
                                             (0.05, 0.99, 0.99999, 1e-12, 0.0))), []),
    "newton_step": lambda rng: chain(rng, "newton_step", [w0(rng), None, None], {0: 0},
                                     fresh=renew_hessian),
}

EPOCHS = [0, 1, 2, 5, 9, 10, 11, 37.25, 99, 100, 101, 250, 999, 1000, 1001, 4999, 5000, 7500]

# schedule: [the reference's arguments after (learning_rate0, epoch)]
SCHEDULE_ARGUMENTS = {
    "update_lr": [(1.0,), (0.02,), (0.0,)],
    "schedule_lr_decay": [(1.0, 1000), (0.3, 100), (2.0, 7)],
    "exponential_decay": [(np.log(2) / 1000,), (0.01,), (0.0,)],
    "step_decay": [(0.5, 1000), (0.1, 10), (1.0, 3)],
    "cosine_decay": [(5000,), (100, 0.01), (1, 0.0)],
    "linear_warmup": [(4,), (250,), (1,)],
    "warmup_cosine": [(250, 5000), (4, 14, 0.01), (0, 100)],
}


def schedule_cases():
    return {name: [(name, [lr0, epoch, *more], (getattr(solutions, name)(lr0, epoch, *more),))
                   for more in arguments for lr0 in (0.1, 0.5) for epoch in EPOCHS]
            for name, arguments in SCHEDULE_ARGUMENTS.items()}


def all_rule_cases():
    rng = np.random.default_rng(20260611)
    cases = {rule: make(rng) for rule, make in RULE_CASES.items()}
    cases.update(schedule_cases())
    return cases


def worst_errors(engine_file, cases):
    """{rule: the largest relative error of any output of any of its cases}."""
    flat = [case for rule in cases for case in cases[rule]]
    answers = iter(call_engine(engine_file, [{"fn": name, "args": args} for name, args, _ in flat]))
    worst = {}
    for rule, rule_cases in cases.items():
        errors = []
        for (_, _, expected), answer in zip(rule_cases, answers):
            outputs = answer if isinstance(answer, list) and len(expected) > 1 else [answer]
            if isinstance(answer, dict) or len(outputs) != len(expected):
                errors.append(np.inf)
                continue
            errors.extend(relative_error(a, e) for a, e in zip(outputs, expected))
        worst[rule] = max(errors)
    return worst


@pytest.fixture(scope="module")
def cases():
    return all_rule_cases()


# ---------------------------------------------------------------- the rules


def test_every_rule_and_schedule_matches_the_reference_step_by_step(cases):
    worst = worst_errors(ENGINE, cases)
    failing = {rule: error for rule, error in worst.items() if not error <= TOLERANCE}
    assert not failing, f"relative errors above {TOLERANCE}: {failing}"


def test_every_function_of_the_engine_is_a_twin_of_the_reference_and_is_checked(cases):
    exported = set(call_engine(ENGINE, [{"names": True}])[0])
    twins = exported - ENGINE_OWN
    assert twins <= set(solutions.__all__), f"not in the reference: {twins - set(solutions.__all__)}"
    checked = {rule.split(" ")[0] for rule in cases}
    assert twins == checked, f"exported but not checked: {twins - checked}; checked but not exported: {checked - twins}"


# (rule, function of engine.js to alter, text in it, replacement): a slip in each rule.
ALTERATIONS = [
    ("gd_step", "gd_step", "wi - lr * g[i]", "wi + lr * g[i]"),
    ("momentum_step", "momentum_step", "ema(v, g, beta)", "ema(v, g, 1 - beta)"),
    ("heavy_ball_step", "heavy_ball_step", "rho * vi + g[i]", "rho * vi + (1.0 - rho) * g[i]"),
    ("nesterov_step", "nesterov_step", "rho * v_new[i]", "rho * v[i]"),
    ("adagrad_step", "adagrad_step", "G_new, lr, eps", "G, lr, eps"),
    ("rmsprop_step", "rmsprop_step", "square(g), beta", "g, beta"),
    ("adam_step", "adam_update", "debias(v_new, beta2, t)", "debias(v_new, beta2, t + 1)"),
    ("adam_step without bias correction", "adam_step", "bias_correction !== false", "true"),
    ("adamw_step", "adamw_step", "1.0 - lr * weight_decay", "1.0 - weight_decay"),
    ("adamw_step without bias correction", "adamw_step", "bias_correction !== false", "true"),
    ("nadam_step", "nadam_step", "mu_product * mu;", "mu_product * mu_next;"),
    ("newton_step", "newton_step", "return -gi;", "return gi;"),
    ("update_lr", "update_lr", "decay_rate * epoch_num", "decay_rate * (epoch_num + 1)"),
    ("schedule_lr_decay", "schedule_lr_decay", "Math.floor(epoch_num / time_interval)", "epoch_num / time_interval"),
    ("exponential_decay", "exponential_decay", "-k * epoch_num", "-k * (epoch_num + 1)"),
    ("step_decay", "step_decay", "Math.floor(", "Math.round("),
    ("cosine_decay", "cosine", "Math.min(step, total_steps)", "step"),
    ("linear_warmup", "linear_warmup", "(step + 1.0)", "step"),
    ("warmup_cosine", "warmup_cosine", "step - warmup_steps, 0.0", "step, 0.0"),
]


def altered(source, function, old, new):
    """source with `old` replaced by `new` inside `function`'s body, where it must occur exactly once."""
    match = re.search(rf"\n  function {re.escape(function)}\(.*?\n  }}\n", source, re.S)
    assert match, f"engine.js has no function {function}"
    body = match.group(0)
    assert body.count(old) == 1, f"{old!r} occurs {body.count(old)} times in {function}"
    return source[:match.start()] + body.replace(old, new) + source[match.end():]


def test_the_alterations_cover_every_checked_rule(cases):
    assert {rule for rule, *_ in ALTERATIONS} == set(cases)


@pytest.mark.parametrize("rule, function, old, new", ALTERATIONS, ids=[a[0] for a in ALTERATIONS])
def test_the_cross_check_fails_for_a_copy_with_one_rule_altered(cases, tmp_path, rule, function, old, new):
    copy = tmp_path / "engine.js"
    copy.write_text(altered(ENGINE.read_text(), function, old, new))
    worst = worst_errors(copy, {rule: cases[rule]})
    assert worst[rule] > TOLERANCE, f"altering {function} ({old!r} -> {new!r}) went unnoticed"


# ---------------------------------------------------------- test functions


def random_points(rng, land, count=40):
    """Points in the window widened by half its size on every side."""
    (x0, x1), (y0, y1) = land.xlim, land.ylim
    xs = rng.uniform(x0 - (x1 - x0) / 2, x1 + (x1 - x0) / 2, count)
    ys = rng.uniform(y0 - (y1 - y0) / 2, y1 + (y1 - y0) / 2, count)
    return np.stack([xs, ys], axis=1)


@pytest.mark.parametrize("name", LANDSCAPES)
def test_every_test_function_matches_the_reference(name):
    land = LANDSCAPES[name]
    points = random_points(np.random.default_rng(len(name)), land)
    calls = [{"landscape": name, "method": method, "args": [list(p)]}
             for p in points for method in ("f", "grad", "hess")]
    answers = iter(call_engine(ENGINE, calls))
    for p in points:
        for method, expected in (("f", land.f(p)), ("grad", land.grad(p)), ("hess", land.hess(p))):
            error = relative_error(next(answers), expected)
            assert error <= TOLERANCE, f"{name}.{method} at {p}: relative error {error}"


@pytest.mark.parametrize("name", LANDSCAPES)
def test_every_test_function_has_the_courses_window_minimum_and_start(name):
    land = LANDSCAPES[name]
    fields = ("xlim", "ylim", "minimum", "start", "noisy")
    answers = call_engine(ENGINE, [{"landscape": name, "field": field} for field in fields])
    expected = [list(land.xlim), list(land.ylim), None if land.minimum is None else list(land.minimum),
                list(land.start), True if land.noisy else None]
    assert answers == expected


@pytest.mark.parametrize("name", LANDSCAPES)
def test_the_reference_hessians_are_the_derivatives_of_the_gradients(name):
    # The Hessians of tests/playground_crosscheck.py, written by hand, against
    # central differences of landscapes.py's gradients.
    land, h = LANDSCAPES[name], 1e-6
    for p in random_points(np.random.default_rng(1), land, count=10):
        columns = [(land.grad(p + h * e) - land.grad(p - h * e)) / (2 * h) for e in np.eye(2)]
        numerical = np.stack(columns, axis=1)
        assert relative_error(land.hess(p), numerical) < 1e-6, f"{name} at {p}"


def test_the_noise_is_standard_normal_and_reproducible():
    draws, again, other = call_engine(ENGINE, [{"fn": "normal_draws", "args": [1, 200_000]},
                                               {"fn": "normal_draws", "args": [1, 1000]},
                                               {"fn": "normal_draws", "args": [2, 1000]}])
    draws = np.array(draws)
    assert again == list(draws[:1000]) and other != again
    # Mean and variance within about four standard errors; quartiles of N(0, 1) at +-0.6745.
    assert abs(draws.mean()) < 0.01 and abs(draws.var() - 1) < 0.015
    assert np.allclose(np.quantile(draws, [0.25, 0.5, 0.75]), [-0.6745, 0, 0.6745], atol=0.01)
    assert abs(np.corrcoef(draws[:-1], draws[1:])[0, 1]) < 0.01


# ---------------------------------------------------------------- the runs

HYPER = {  # the widget's defaults (playground/widget.js), chapter 5's race rates
    "gd": {"lr": 0.15}, "momentum": {"lr": 0.15, "beta": 0.9}, "heavy_ball": {"lr": 0.015, "rho": 0.9},
    "nesterov": {"lr": 0.015, "rho": 0.9}, "adagrad": {"lr": 1.0, "eps": 1e-8},
    "rmsprop": {"lr": 0.1, "beta": 0.9, "eps": 1e-8},
    "adam": {"lr": 0.3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "bias_correction": True},
    "adamw": {"lr": 0.3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01,
              "bias_correction": True},
    "nadam": {"lr": 0.3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "momentum_decay": 4e-3},
    "newton": {},
}
# Chapter 5's race rates, but NAdam's 0.05: there the run amplifies a last-bit
# difference in 0.96**(t psi) (JavaScript's Math.pow against C's pow) by a
# factor of about 1.4 per step, past 1e-12 within a hundred steps. That is the
# run's sensitivity, not the rule's error, which the step-by-step checks pin down.
ROSENBROCK_RATES = {"gd": 1e-3, "momentum": 1e-2, "heavy_ball": 1e-3, "nesterov": 1e-3, "adagrad": 0.5,
                    "rmsprop": 0.01, "adam": 0.05, "adamw": 0.05, "nadam": 0.02}
SCHEDULES = [
    {"kind": "constant"}, {"kind": "inverse_time", "decay_rate": 0.02},
    {"kind": "fixed_interval", "decay_rate": 1.0, "time_interval": 20}, {"kind": "exponential", "k": 0.01},
    {"kind": "step", "drop": 0.5, "epochs_per_drop": 20}, {"kind": "cosine", "min_fraction": 0.1},
    {"kind": "linear_warmup", "warmup_steps": 10}, {"kind": "warmup_cosine", "warmup_steps": 10, "min_fraction": 0},
]


def spec(landscape, optimizer, steps, hyper=None, schedule=None, start=None, sigma=2.0, seed=1):
    return {"landscape": landscape, "start": list(start or LANDSCAPES[landscape].start), "steps": steps,
            "optimizer": optimizer, "hyper": dict(HYPER[optimizer], **(hyper or {})),
            "schedule": schedule or {"kind": "constant"}, "sigma": sigma, "seed": seed}


RUNS = (
    [spec("rosenbrock", name, 150, {"lr": rate}) for name, rate in ROSENBROCK_RATES.items()]
    + [spec("rosenbrock", "newton", 10), spec("monkey_saddle", "newton", 30), spec("saddle", "newton", 3),
       spec("monkey_saddle", "newton", 3, start=[0.0, 0.0])]
    + [spec(name, optimizer, 60) for name in LANDSCAPES for optimizer in ("gd", "adam", "nesterov")]
    + [spec("ravine", "gd", 200, {"lr": 0.1}, schedule) for schedule in SCHEDULES]
    + [spec("ravine", "adam", 50, {"bias_correction": False}), spec("ravine", "gd", 100, {"lr": 0.25}),
       spec("noisy_ravine", "gd", 1000, {"lr": 0.1}, {"kind": "inverse_time", "decay_rate": 0.02})]
)


def test_whole_runs_match_the_reference():
    answers = call_engine(ENGINE, [{"fn": "run", "args": [s]} for s in RUNS])
    draws = call_engine(ENGINE, [{"fn": "normal_draws", "args": [1, 2000]}])[0]
    stops = set()
    for run_spec, answer in zip(RUNS, answers):
        path, stopped = reference_run(run_spec, draws)
        where = f"{run_spec['optimizer']} on {run_spec['landscape']} ({run_spec['schedule']['kind']})"
        assert answer["stopped"] == stopped, where
        error = relative_error(answer["path"], path)
        assert error <= TOLERANCE, f"{where}: relative error {error} along the path"
        expected_losses = [LANDSCAPES[run_spec["landscape"]].f(w) for w in path]
        assert relative_error(answer["losses"], expected_losses) <= TOLERANCE, where
        stops.add(stopped.split(" at ")[0] if stopped else None)
    # The cases reach both ways a run stops early, and runs that do not.
    assert stops == {None, "diverged", "singular Hessian"}


# ------------------------------------------------------ where the widget sits


@pytest.fixture(scope="module")
def engine_names():
    """The exercises the engine has a twin of; run_gradient_descent is its run loop."""
    exported = set(call_engine(ENGINE, [{"names": True}])[0]) - ENGINE_OWN
    return exported | {"run_gradient_descent"}


@pytest.mark.parametrize("path", chapter_notebooks(), ids=lambda p: p.stem)
def test_the_playground_comes_after_the_chapters_exercises_it_implements(path, engine_names):
    # A second line of defence (README.md, "The optimizer playground"): on a
    # chapter page the playground follows every exercise whose rule it runs.
    cells = nbformat.read(path, as_version=4).cells
    embeds = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and "descent-playground" in c.source]
    exercises = [i for i, c in enumerate(cells)
                 if c.metadata.get("nbgrader", {}).get("solution")
                 and c.metadata["nbgrader"].get("grade_id") in engine_names]
    for embed in embeds:
        assert all(embed > exercise for exercise in exercises), f"{path.name}: cell {embed} precedes an exercise"


EMBED = re.compile(r'<div class="descent-playground[^"]*" data-preset="(\w+)">\n(.*?)\n</div>', re.S)


def test_each_embed_shows_jupyter_a_sentence_and_runs_no_script_there():
    found = {}
    for path in chapter_notebooks():
        for cell in nbformat.read(path, as_version=4).cells:
            if "descent-playground" not in cell.source:
                continue
            assert cell.cell_type == "markdown", f"{path.name}: the playground belongs in a Markdown cell"
            match = EMBED.search(cell.source)
            assert match, f"{path.name}: malformed embed:\n{cell.source}"
            assert "<script" not in cell.source
            assert re.sub(r"<[^>]+>", "", match.group(2)).strip(), f"{path.name}: no fallback text for Jupyter"
            assert cell.source.startswith("**Try it in the playground.**"), path.name
            found[path.stem] = match.group(1)
    assert sorted(found) == ["01_gradient_descent", "03_momentum", "04_adagrad_rmsprop", "05_adam",
                             "06_schedules"]
