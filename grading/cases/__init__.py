"""Random test cases for every graded exercise, registered by function name.

One module per chapter (``ch01.py``, ...) defines ``EXERCISES``, a list of
``Exercise``; this package collects them all into one dict by name.

Each generator yields ``(args, kwargs)`` pairs (or ``Case`` objects) drawn
from a fixed-seed RNG, so a notebook is graded on the same inputs every
time. Cases vary shapes, dtypes and hyperparameters, and pass
hyperparameters by position and by keyword, so that an implementation that
only fits the visible tests fails. The hidden points of an exercise are
shared out over its cases.
"""

import math
from dataclasses import dataclass, field

import numpy as np

FLOATS = (np.float64, np.float32)


@dataclass(frozen=True)
class Exercise:
    name: str
    cases: callable
    dependencies: tuple = ()  # exercises this one may call: graded with the reference versions
    seed: int = 0
    exact_dtype: bool = False  # the exercise is about the dtype (an optimizer's state): float64 for float32 fails

    @property
    def reference(self):
        import solutions
        return getattr(solutions, self.name)

    def tolerance(self, inputs):
        """(rtol, atol) for comparing with the reference: rounding only, at the precision of the inputs.

        The first floating-point array among ``inputs`` (the positional and
        the keyword arguments, inside dicts and lists too) sets the precision:
        float32 inputs are compared at float32 precision, whatever dtype the
        result has.
        """
        if self.precision(inputs) == np.float32:
            return 1e-5, 1e-6
        return 1e-9, 1e-12

    @staticmethod
    def precision(inputs):
        """The dtype of the first floating-point array among ``inputs``, or None."""
        array = _first_float_array(inputs)
        return None if array is None else array.dtype


def _first_float_array(value):
    if isinstance(value, np.ndarray):
        return value if value.dtype.kind == "f" else None
    items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else ()
    for item in items:
        found = _first_float_array(item)
        if found is not None:
            return found
    return None


@dataclass
class Case:
    """One hidden test case: the arguments, and what the result must be.

    By default the result must match the reference's on the same
    arguments; a case may instead bring its own ``expected`` value and
    ``compare(actual, expected)`` (returning None or a sentence), as the
    finite-difference checks of the backward passes do. ``what`` names the
    case in feedback when the arguments alone do not say it.
    """
    args: tuple
    kwargs: dict = field(default_factory=dict)
    expected: object = None
    compare: callable = None
    what: str = ""


class Described:
    """A callable argument with a readable description for failure messages."""

    def __init__(self, function, description):
        self.function = function
        self.description = description

    def __call__(self, *args, **kwargs):
        return self.function(*args, **kwargs)


def random_array(rng, shape, dtype=np.float64, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(dtype)


def log_uniform(rng, low, high):
    return float(10 ** rng.uniform(math.log10(low), math.log10(high)))


def random_network(rng, dtype, prefix=""):
    """Parameters {"W1", "b1", ...} of a random small network (2 to 4 layers of 1 to 4 units)."""
    layers = [int(rng.integers(1, 5)) for _ in range(int(rng.integers(2, 5)))]
    params = {}
    for l in range(1, len(layers)):
        params[f"{prefix}W{l}"] = random_array(rng, (layers[l], layers[l - 1]), dtype)
        params[f"{prefix}b{l}"] = random_array(rng, (layers[l], 1), dtype)
    return params


def _collect():
    import importlib
    import pkgutil
    exercises = {}
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("ch")):
        for exercise in importlib.import_module(f"{__name__}.{module}").EXERCISES:
            assert exercise.name not in exercises, f"{exercise.name} is registered twice"
            exercises[exercise.name] = exercise
    return exercises


EXERCISES = _collect()
