"""Both sides of the optimizer playground's cross-check.

The playground's engine (playground/engine.js) is a second implementation of
`solutions` (update rules, schedules, Newton's step) and of the test
functions of chapters/landscapes.py. `call_engine` runs it under Node
(tests/playground_harness.js); the rest of this module computes what it must
return, with those Python functions. Used by tests/test_playground.py (the
engine) and tests/test_playground_site.py (the widget in a browser).
"""
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Tuple

import numpy as np
import pytest

import landscapes
import solutions

REPO = Path(__file__).resolve().parents[1]
ENGINE = REPO / "playground" / "engine.js"
HARNESS = REPO / "tests" / "playground_harness.js"

# Beyond this a run counts as diverged (the engine's DIVERGED).
DIVERGED = 1e100
# adam_step at this t divides by 1 - beta**t == 1.0 exactly (beta**t underflows
# to 0 for every beta the playground allows): Adam without bias correction.
NO_BIAS_CORRECTION_T = 10 ** 12


def node():
    path = shutil.which("node")
    if path is None:
        pytest.skip("Node.js is not installed, so the playground's engine cannot be checked: "
                    "install it with `apt-get install -y nodejs` (./run test does it when run as root)")
    return path


def call_engine(engine_file, calls):
    """The engine's answers to calls (see tests/playground_harness.js), in order."""
    result = subprocess.run([node(), str(HARNESS), str(engine_file)], input=json.dumps(calls),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"the harness failed on {engine_file}:\n{result.stderr[-3000:]}"
    return json.loads(result.stdout)


# Hessians, by hand from landscapes.py's gradients (test_playground.py checks
# them against central differences of those gradients).

def ravine_hess(w, a=1.0, b=10.0):
    return np.array([[a, 0.0], [0.0, b]])


def saddle_hess(w):
    return np.array([[2.0, 0.0], [0.0, -2.0]])


def monkey_saddle_hess(w):
    x, y = w
    return np.array([[6 * x, -6 * y], [-6 * y, -6 * x]])


def escape_saddle_hess(w):
    return np.array([[1.0, 0.0], [0.0, 3 * w[1] ** 2 - 1]])


def rosenbrock_hess(w, a=1.0, b=100.0):
    x, y = w
    return np.array([[2 - 4 * b * (y - x ** 2) + 8 * b * x ** 2, -4 * b * x], [-4 * b * x, 2 * b]])


def turned_bowl(angle_degrees, curvatures=(0.1, 10.0)):
    """Chapter 4's bowl turned by an angle, as the chapter computes it: loss, gradient, Hessian of w^T H w / 2."""
    a = np.deg2rad(angle_degrees)
    R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    H = R @ np.diag(curvatures) @ R.T
    return (lambda w: 0.5 * np.einsum("i...,ij,j...->...", w, H, w), lambda w: H @ w, lambda w: H)


@dataclass(frozen=True)
class Land:
    """A test function as the playground offers it: landscapes.Landscape plus a Hessian and noise."""

    f: Callable
    grad: Callable
    hess: Callable
    xlim: Tuple[float, float]
    ylim: Tuple[float, float]
    minimum: Optional[Tuple[float, float]]
    start: Tuple[float, float]
    noisy: bool = False


def _from(landscape, hess, noisy=False):
    return Land(landscape.f, landscape.grad, hess, landscape.xlim, landscape.ylim, landscape.minimum,
                landscape.start, noisy)


_TURNED = turned_bowl(30)

# The engine's landscapes by name. The long ravine is chapter 3's (its window
# RAVINE_X, RAVINE_Y and start RAVINE_START), the turned bowl chapter 4's
# (section 4.5: window (-5, 5) x (-2.6, 2.2), start (-4.5, 1.5)).
LANDSCAPES = {
    "ravine": _from(landscapes.RAVINE, ravine_hess),
    "long_ravine": Land(lambda w: landscapes.ravine(w, a=0.1, b=10.0),
                        lambda w: landscapes.ravine_grad(w, a=0.1, b=10.0),
                        lambda w: ravine_hess(w, a=0.1, b=10.0),
                        (-5.0, 5.0), (-2.0, 2.0), (0.0, 0.0), (-4.5, 1.5)),
    "turned_bowl": Land(*_TURNED, (-5.0, 5.0), (-2.6, 2.2), (0.0, 0.0), (-4.5, 1.5)),
    "rosenbrock": _from(landscapes.ROSENBROCK, rosenbrock_hess),
    "saddle": _from(landscapes.SADDLE, saddle_hess),
    "monkey_saddle": _from(landscapes.MONKEY_SADDLE, monkey_saddle_hess),
    "escape_saddle": _from(landscapes.ESCAPE_SADDLE, escape_saddle_hess),
    "noisy_ravine": _from(landscapes.RAVINE, ravine_hess, noisy=True),
}


def reference_rate(schedule, lr0, t, total_steps):
    """The rate of update t (1-based) of a run: the reference schedules count steps from 0."""
    step, kind = t - 1, schedule["kind"]
    if kind == "constant":
        return lr0
    if kind == "inverse_time":
        return solutions.update_lr(lr0, step, schedule["decay_rate"])
    if kind == "fixed_interval":
        return solutions.schedule_lr_decay(lr0, step, schedule["decay_rate"], schedule["time_interval"])
    if kind == "exponential":
        return solutions.exponential_decay(lr0, step, schedule["k"])
    if kind == "step":
        return solutions.step_decay(lr0, step, schedule["drop"], schedule["epochs_per_drop"])
    if kind == "cosine":
        return solutions.cosine_decay(lr0, step, total_steps, schedule["min_fraction"] * lr0)
    if kind == "linear_warmup":
        return solutions.linear_warmup(lr0, step, schedule["warmup_steps"])
    if kind == "warmup_cosine":
        return solutions.warmup_cosine(lr0, step, schedule["warmup_steps"], total_steps,
                                       schedule["min_fraction"] * lr0)
    raise ValueError(f"unknown schedule {kind}")


def initial_state(optimizer, w):
    zeros = np.zeros_like(w)
    return {"gd": None, "newton": None, "adam": (zeros, zeros), "adamw": (zeros, zeros),
            "nadam": (zeros, zeros, 1.0)}.get(optimizer, zeros)


def reference_step(optimizer, w, g, state, t, lr, h, hess):
    """(w, state) after one update with the reference's rule, or None for a singular Hessian."""
    adam_t = t if h.get("bias_correction", True) else NO_BIAS_CORRECTION_T
    if optimizer == "gd":
        return solutions.gd_step(w, g, lr), None
    if optimizer == "momentum":
        return solutions.momentum_step(w, g, state, lr, h["beta"])
    if optimizer == "heavy_ball":
        return solutions.heavy_ball_step(w, g, state, lr, h["rho"])
    if optimizer == "nesterov":
        return solutions.nesterov_step(w, g, state, lr, h["rho"])
    if optimizer == "adagrad":
        return solutions.adagrad_step(w, g, state, lr, h["eps"])
    if optimizer == "rmsprop":
        return solutions.rmsprop_step(w, g, state, lr, h["beta"], h["eps"])
    if optimizer == "adam":
        w, m, v = solutions.adam_step(w, g, *state, adam_t, lr, h["beta1"], h["beta2"], h["eps"])
        return w, (m, v)
    if optimizer == "adamw":
        w, m, v = solutions.adamw_step(w, g, *state, adam_t, lr, h["beta1"], h["beta2"], h["eps"],
                                       h["weight_decay"])
        return w, (m, v)
    if optimizer == "nadam":
        m, v, mu_product = state
        w, m, v, mu_product = solutions.nadam_step(w, g, m, v, t, mu_product, lr, h["beta1"], h["beta2"],
                                                   h["eps"], h["momentum_decay"])
        return w, (m, v, mu_product)
    if optimizer == "newton":
        try:
            return solutions.newton_step(w, g, hess), None
        except np.linalg.LinAlgError:
            return None
    raise ValueError(f"unknown optimizer {optimizer}")


def reference_run(spec, normal_draws=()):
    """The iterates (rows) of the run spec = {landscape, start, steps, optimizer,
    hyper, schedule, sigma}, and why it stopped early (None if it did not).

    normal_draws: the engine's standard normal draws for a noisy landscape
    (2 per step), whose generator has no twin in the reference.
    """
    land = LANDSCAPES[spec["landscape"]]
    hyper, schedule = spec["hyper"], spec.get("schedule") or {"kind": "constant"}
    w = np.array(spec["start"], dtype=np.float64)
    state, path, stopped = initial_state(spec["optimizer"], w), [w], None
    with np.errstate(all="ignore"):
        for t in range(1, spec["steps"] + 1):
            lr = reference_rate(schedule, hyper["lr"], t, spec["steps"]) if "lr" in hyper else None
            g = land.grad(w)
            if land.noisy:
                g = g + spec["sigma"] * np.asarray(normal_draws[2 * t - 2:2 * t])
            step = reference_step(spec["optimizer"], w, g, state, t, lr, hyper, land.hess(w))
            if step is None:
                stopped = f"singular Hessian at step {t}"
                break
            w, state = step
            if not np.all(np.abs(w) < DIVERGED):
                stopped = f"diverged at step {t}"
                break
            path.append(w)
    return np.array(path), stopped


def relative_error(actual, expected):
    """max |actual - expected| / max |expected| over all entries (the difference itself when expected is 0).

    Entries where both numbers are subnormal count as equal.

    Infinite when the shapes differ or actual has a NaN or None where expected has a number.
    """
    try:
        a = np.asarray(actual, dtype=np.float64)
    except (TypeError, ValueError):  # None inside (NaN or inf from JSON)
        return np.inf
    e = np.asarray(expected, dtype=np.float64)
    if a.shape != e.shape or not np.all(np.isfinite(a) == np.isfinite(e)):
        return np.inf
    finite = np.isfinite(e)
    if not finite.any():
        return 0.0
    a, e = a[finite], e[finite]
    # Subnormal numbers (below 2.2e-308) carry no relative precision: two of them count as equal.
    tiny = np.finfo(np.float64).tiny
    differences = np.where((np.abs(a) < tiny) & (np.abs(e) < tiny), 0.0, np.abs(a - e))
    difference = np.max(differences)
    scale = np.max(np.abs(e))
    return float(difference / scale) if scale > 0 else float(difference)
