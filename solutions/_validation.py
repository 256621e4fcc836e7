"""Argument checks shared by every public function of the package.

Each check takes the value and the argument's name, raises a ``TypeError``
(wrong kind of object) or ``ValueError`` (right kind, bad value) whose
message names the argument, and returns the value in the form the
computation wants: hyperparameters as Python ``float``/``int`` (so that
float32 arrays stay float32 under NumPy 2's promotion rules), arrays as
``np.ndarray``.

The public functions call these checks once, at their boundary; the
private computational helpers they share never re-check.
"""

import numbers

import numpy as np

__all__ = []  # nothing public: the checks are the package's internals

SEED_MAX = 2 ** 32 - 1  # the largest seed np.random.seed accepts


# --------------------------------------------------------------------------
# Scalars (hyperparameters, step counts)
# --------------------------------------------------------------------------

def _type_name(x):
    return type(x).__name__


def _unwrap_0d(x):
    """A 0-d NumPy array behaves as the scalar it holds."""
    if isinstance(x, np.ndarray) and x.ndim == 0:
        return x[()]
    return x


def _is_real(x):
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def check_real(x, name):
    """A finite real number (Python or NumPy int/float), returned as ``float``."""
    x = _unwrap_0d(x)
    if not _is_real(x):
        raise TypeError(f"{name} must be a real number, got {_type_name(x)}")
    x = float(x)
    if not np.isfinite(x):
        raise ValueError(f"{name} must be finite, got {x}")
    return x


def check_nonnegative(x, name):
    x = check_real(x, name)
    if x < 0:
        raise ValueError(f"{name} must be non-negative, got {x}")
    return x


def check_positive(x, name):
    x = check_real(x, name)
    if x <= 0:
        raise ValueError(f"{name} must be positive, got {x}")
    return x


def check_decay(x, name):
    """A decay factor (beta, rho, beta1, beta2) in the half-open interval [0, 1)."""
    x = check_real(x, name)
    if not 0 <= x < 1:
        raise ValueError(f"{name} must be in [0, 1), got {x}")
    return x


def check_int(x, name, minimum, what="an integer", maximum=None):
    """An integer (Python or NumPy) ``>= minimum`` (and ``<= maximum``), returned as ``int``.

    A number that is not of an integer type (``1.5``, but also ``2.0``) is a
    ``ValueError``; something that is not a number at all is a ``TypeError``.
    """
    x = _unwrap_0d(x)
    if not _is_real(x):
        raise TypeError(f"{name} must be {what} >= {minimum}, got {_type_name(x)}")
    if not isinstance(x, numbers.Integral):
        raise ValueError(f"{name} must be {what} >= {minimum}, got {x!r} ({_type_name(x)})")
    x = int(x)
    if x < minimum:
        raise ValueError(f"{name} must be {what} >= {minimum}, got {x}")
    if maximum is not None and x > maximum:
        raise ValueError(f"{name} must be {what} <= {maximum}, got {x}")
    return x


def check_step(t):
    """The 1-based index ``t`` of the update being made."""
    return check_int(t, "t", 1, what="an integer (the 1-based index of the update)")


def check_mu_product(x):
    """NAdam's running product of momentum coefficients: starts at 1.0, shrinks."""
    x = check_real(x, "mu_product")
    if not 0 <= x <= 1:
        raise ValueError(f"mu_product must be in [0, 1] (it starts at 1.0), got {x}")
    return x


def check_callable(f, name):
    if not callable(f):
        raise TypeError(f"{name} must be callable (a function), got {_type_name(f)}")
    return f


# --------------------------------------------------------------------------
# Arrays
# --------------------------------------------------------------------------

def check_float_array(x, name):
    """A floating-point ``np.ndarray`` (or a float scalar, made a 0-d array).

    Integer, boolean and complex arrays are refused: the update rules need
    real floating-point numbers, and an integer array would silently change
    dtype (or, updated in place, truncate).
    """
    if isinstance(x, (float, np.floating)):
        return np.asarray(x)
    if isinstance(x, (bool, np.bool_, numbers.Integral)):
        raise TypeError(f"{name} must be a floating-point array or float, got "
                        f"{_type_name(x)}; use float({name})")
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {_type_name(x)}; "
                        f"use np.asarray({name}, dtype=float)")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{name} must be a floating-point array, got {x.dtype}; "
                        f"use {name}.astype(float)")
    return x


def check_real_array(x, name):
    """A real numeric ``np.ndarray`` or scalar (ints allowed, bool/complex not)."""
    if _is_real(x):
        return np.asarray(x)
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array or a real number, got "
                        f"{_type_name(x)}; use np.asarray({name}, dtype=float)")
    if x.dtype == np.bool_ or not (np.issubdtype(x.dtype, np.integer)
                                    or np.issubdtype(x.dtype, np.floating)):
        raise TypeError(f"{name} must be a real numeric array, got {x.dtype}; "
                        f"use {name}.astype(float)")
    return x


def check_same_shape(x, x_name, ref, ref_name):
    if x.shape != ref.shape:
        raise ValueError(f"{x_name} has shape {x.shape} but {ref_name} has shape {ref.shape}")
    return x


def check_arrays(**arrays):
    """Check float arrays that must all have the shape of the first one.

    ``w, g, v = check_arrays(w=w, g=g, v=v)``: the first keyword is the
    reference (the parameters); the others are gradients and optimizer
    states of the same shape.
    """
    names = list(arrays)
    checked = [check_float_array(arrays[n], n) for n in names]
    for name, x in zip(names[1:], checked[1:]):
        check_same_shape(x, name, checked[0], names[0])
    return checked


# --------------------------------------------------------------------------
# Dictionaries of parameters / gradients / optimizer states
# --------------------------------------------------------------------------

def grad_key(key):
    """The gradient (and optimizer-state) key of a parameter key: 'W1' -> 'dW1'."""
    return "d" + key


def check_parameters(parameters, name="parameters"):
    """A dict of floating-point arrays, e.g. ``{"W1": ..., "b1": ...}``."""
    if not isinstance(parameters, dict):
        raise TypeError(f"{name} must be a dict of arrays, got {_type_name(parameters)}")
    for key, value in parameters.items():
        check_float_array(value, f"{name}[{key!r}]")
    return parameters


def check_matching(d, name, parameters):
    """``d`` holds, for every key ``k`` of ``parameters``, an array ``d['d'+k]`` of its shape.

    Extra keys in ``d`` (caches such as ``'dA1'``) are ignored.
    """
    if not isinstance(d, dict):
        raise TypeError(f"{name} must be a dict of arrays, got {_type_name(d)}")
    for key, p in parameters.items():
        gkey = grad_key(key)
        if gkey not in d:
            raise ValueError(f"{name} has no {gkey!r} for parameters {key!r}")
        x = check_float_array(d[gkey], f"{name}[{gkey!r}]")
        check_same_shape(x, f"{name}[{gkey!r}]", np.asarray(p), f"parameters[{key!r}]")
    return d


def check_data(X, Y):
    """Column-major data: ``X`` of shape (n_features, m), ``Y`` of shape (k, m)."""
    for x, name in ((X, "X"), (Y, "Y")):
        if not isinstance(x, np.ndarray):
            raise TypeError(f"{name} must be a NumPy array, got {_type_name(x)}; "
                            f"use np.asarray({name})")
        if x.ndim != 2:
            raise ValueError(f"{name} must be 2-D with one column per example, got shape "
                             f"{x.shape}; use {name}.reshape(-1, m) (e.g. Y.reshape(1, -1))")
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"X has {X.shape[1]} columns (examples) but Y has {Y.shape[1]}; "
                         "both must have one column per example")
    return X, Y
