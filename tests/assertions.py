"""Assertions and checks shared by the reference package's test files."""

import numpy as np
import pytest


def assert_error_names_argument(call, error, name, fragment):
    """``call()`` raises ``error`` whose message starts with the argument's name and contains ``fragment``."""
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert message.startswith(name + " "), message
    assert fragment in message, message


def assert_public_with_signature(name, parameters):
    """``solutions.<name>`` is exported and has exactly the signature ``def name(<parameters>)``."""
    import inspect

    import solutions

    assert name in solutions.__all__, f"{name} is not exported by solutions"
    expected = inspect.signature(eval(f"lambda {parameters}: None"))
    assert inspect.signature(getattr(solutions, name)) == expected


def central_differences(f, x, h=1e-5):
    """Independent of the package: central differences of a scalar f at every entry of x (float64)."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        grad[i] = (f(x + e) - f(x - e)) / (2 * h)
    return grad
