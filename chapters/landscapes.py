"""Loss landscapes to optimize on, and the plots to look at them with.

Every two-dimensional function here follows one convention, so that the
same code evaluates it at a single point and on a whole grid:

* ``f(w)`` takes ``w`` whose first axis holds the coordinates,
  ``x, y = w[0], w[1]``, with ``w[0]`` and ``w[1]`` arrays of any (matching)
  shape. A point is ``w`` of shape ``(2,)``; a grid is ``np.stack([X, Y])``
  of shape ``(2, ny, nx)``. The value has shape ``w.shape[1:]``.
* ``grad(w)`` returns the gradient with the same convention: an array of
  shape ``w.shape`` whose first axis holds ``(df/dx, df/dy)``.

The functions are pure: they never change ``w`` and keep no state.

Landscapes
    ``ravine``         ill-conditioned quadratic  (a x^2 + b y^2) / 2
    ``saddle``         x^2 - y^2
    ``monkey_saddle``  x^3 - 3 x y^2
    ``escape_saddle``  x^2/2 - y^2/2 + y^4/4: a saddle between two minima
    ``rosenbrock``     (a - x)^2 + b (y - x^2)^2
    ``double_well``    a one-dimensional loss with a local and a global minimum

Each two-dimensional landscape also comes packaged as a ``Landscape``
(``RAVINE``, ``SADDLE``, ``MONKEY_SADDLE``, ``ESCAPE_SADDLE``,
``ROSENBROCK``) with plotting limits, its minimum and a starting point, so
that later chapters can race optimizers on them.

Plots
    ``plot_contours(f, xlim, ylim)``  contour map of a landscape
    ``plot_path(ax, path)``           a trajectory of iterates on that map
    ``plot_surface(f, xlim, ylim)``   the landscape as a 3-D surface
"""

from dataclasses import dataclass
from typing import Callable, Optional, Tuple

import numpy as np

__all__ = [
    "Landscape",
    "ravine", "ravine_grad",
    "saddle", "saddle_grad",
    "monkey_saddle", "monkey_saddle_grad",
    "escape_saddle", "escape_saddle_grad",
    "rosenbrock", "rosenbrock_grad",
    "double_well", "double_well_grad", "double_well_minima",
    "RAVINE", "SADDLE", "MONKEY_SADDLE", "ESCAPE_SADDLE", "ROSENBROCK", "LANDSCAPES",
    "plot_contours", "plot_path", "plot_surface",
]


def _xy(w):
    """The two coordinate arrays of ``w`` (as float arrays; ``w`` is not changed)."""
    w = np.asarray(w, dtype=np.float64)
    if w.ndim == 0 or w.shape[0] != 2:
        raise ValueError(f"w must have shape (2, ...) with the coordinates on the first axis, got {w.shape}")
    return w[0], w[1]


# --------------------------------------------------------------------------
# Two-dimensional landscapes
# --------------------------------------------------------------------------

def ravine(w, a=1.0, b=10.0):
    """Ill-conditioned quadratic ("taco"): f(x, y) = (a x^2 + b y^2) / 2.

    The curvature is ``a`` along x (the shallow floor of the ravine) and
    ``b`` along y (its steep walls); the condition number is b / a.
    Minimum 0 at (0, 0).
    """
    x, y = _xy(w)
    return 0.5 * (a * x ** 2 + b * y ** 2)


def ravine_grad(w, a=1.0, b=10.0):
    """Gradient of ``ravine``: (a x, b y)."""
    x, y = _xy(w)
    return np.stack([a * x, b * y])


def saddle(w):
    """Saddle f(x, y) = x^2 - y^2: a minimum along x, a maximum along y, at (0, 0)."""
    x, y = _xy(w)
    return x ** 2 - y ** 2


def saddle_grad(w):
    """Gradient of ``saddle``: (2x, -2y)."""
    x, y = _xy(w)
    return np.stack([2 * x, -2 * y])


def monkey_saddle(w):
    """Monkey saddle f(x, y) = x^3 - 3 x y^2: three valleys meet at a flat point (0, 0).

    The gradient and the Hessian both vanish at the origin, so the
    second-derivative test says nothing there.
    """
    x, y = _xy(w)
    return x ** 3 - 3 * x * y ** 2


def monkey_saddle_grad(w):
    """Gradient of ``monkey_saddle``: (3x^2 - 3y^2, -6xy)."""
    x, y = _xy(w)
    return np.stack([3 * x ** 2 - 3 * y ** 2, -6 * x * y])


def escape_saddle(w):
    """A saddle between two minima: f(x, y) = x^2/2 - y^2/2 + y^4/4.

    Saddle point (0, 0) with value 0 (curvature +1 along x, -1 along y);
    two global minima (0, -1) and (0, 1) with value -1/4. Gradient descent
    started close to the line y = 0 crawls along a plateau near the saddle
    before it escapes into one of the minima.
    """
    x, y = _xy(w)
    return 0.5 * x ** 2 - 0.5 * y ** 2 + 0.25 * y ** 4


def escape_saddle_grad(w):
    """Gradient of ``escape_saddle``: (x, y^3 - y)."""
    x, y = _xy(w)
    return np.stack([x, y ** 3 - y])


def rosenbrock(w, a=1.0, b=100.0):
    """Rosenbrock's banana: f(x, y) = (a - x)^2 + b (y - x^2)^2. Minimum 0 at (a, a^2)."""
    x, y = _xy(w)
    return (a - x) ** 2 + b * (y - x ** 2) ** 2


def rosenbrock_grad(w, a=1.0, b=100.0):
    """Gradient of ``rosenbrock``: (-2(a - x) - 4 b x (y - x^2), 2 b (y - x^2))."""
    x, y = _xy(w)
    return np.stack([-2 * (a - x) - 4 * b * x * (y - x ** 2), 2 * b * (y - x ** 2)])


# --------------------------------------------------------------------------
# A one-dimensional landscape with two basins
# --------------------------------------------------------------------------

def double_well(x, tilt=0.3):
    """Tilted double well f(x) = (x^2 - 1)^2 + tilt * x, element-wise on an array of any shape.

    For 0 < tilt < 8 / (3 sqrt(3)) it has two minima: the global one near
    x = -1 and a local one near x = +1, separated by a maximum near x = 0.
    ``double_well_minima`` gives their exact positions.
    """
    x = np.asarray(x, dtype=np.float64)
    return (x ** 2 - 1) ** 2 + tilt * x


def double_well_grad(x, tilt=0.3):
    """Derivative of ``double_well``: 4 x (x^2 - 1) + tilt."""
    x = np.asarray(x, dtype=np.float64)
    return 4 * x * (x ** 2 - 1) + tilt


def double_well_minima(tilt=0.3):
    """Positions ``(global_minimum, local_minimum, maximum)`` of ``double_well``.

    They are the three real roots of the cubic 4x^3 - 4x + tilt = 0, in the
    order: smallest (global minimum, for tilt > 0), largest (local minimum),
    middle (the maximum between the wells). Requires
    0 < tilt < 8 / (3 sqrt(3)) so that all three roots are real.
    """
    if not 0 < tilt < 8 / (3 * np.sqrt(3)):
        raise ValueError(f"tilt must be in (0, 8/(3*sqrt(3))) for two wells, got {tilt}")
    # Trigonometric solution of the depressed cubic x^3 - x + tilt/4 = 0.
    k = np.arange(3)
    roots = 2 / np.sqrt(3) * np.cos(np.arccos(-tilt / 4 * 1.5 * np.sqrt(3)) / 3 - 2 * np.pi * k / 3)
    low, middle, high = np.sort(roots)
    return float(low), float(high), float(middle)


# --------------------------------------------------------------------------
# Packaged landscapes for races
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Landscape:
    """A two-dimensional test function with everything needed to race optimizers on it.

    Attributes
    ----------
    name : str
        Title for plots.
    f, grad : callable
        The function and its gradient, following the module's convention
        (``w`` of shape ``(2, ...)``).
    xlim, ylim : (float, float)
        A plotting window that shows the interesting part.
    minimum : (float, float) or None
        The global minimizer, or None when ``f`` is unbounded below.
    start : (float, float) or None
        A suggested starting point for optimizers.
    """

    name: str
    f: Callable
    grad: Callable
    xlim: Tuple[float, float]
    ylim: Tuple[float, float]
    minimum: Optional[Tuple[float, float]]
    start: Optional[Tuple[float, float]] = None


RAVINE = Landscape("Ravine  (x² + 10y²)/2", ravine, ravine_grad,
                   xlim=(-5.0, 5.0), ylim=(-2.0, 2.0), minimum=(0.0, 0.0), start=(-4.5, 1.5))
SADDLE = Landscape("Saddle  x² − y²", saddle, saddle_grad,
                   xlim=(-1.5, 1.5), ylim=(-1.5, 1.5), minimum=None, start=(1.0, 0.01))
MONKEY_SADDLE = Landscape("Monkey saddle  x³ − 3xy²", monkey_saddle, monkey_saddle_grad,
                          xlim=(-1.5, 1.5), ylim=(-1.5, 1.5), minimum=None, start=(0.5, 0.6))
ESCAPE_SADDLE = Landscape("Saddle between two minima", escape_saddle, escape_saddle_grad,
                          xlim=(-2.0, 2.0), ylim=(-1.6, 1.6), minimum=(0.0, 1.0), start=(1.8, 0.01))
ROSENBROCK = Landscape("Rosenbrock  (1 − x)² + 100(y − x²)²", rosenbrock, rosenbrock_grad,
                       xlim=(-2.0, 2.0), ylim=(-1.0, 3.0), minimum=(1.0, 1.0), start=(-1.5, 2.0))

LANDSCAPES = (RAVINE, SADDLE, MONKEY_SADDLE, ESCAPE_SADDLE, ROSENBROCK)


# --------------------------------------------------------------------------
# Plots
# --------------------------------------------------------------------------

def _grid(f, xlim, ylim, resolution):
    xs = np.linspace(xlim[0], xlim[1], resolution)
    ys = np.linspace(ylim[0], ylim[1], resolution)
    X, Y = np.meshgrid(xs, ys)
    return X, Y, np.asarray(f(np.stack([X, Y])), dtype=np.float64)


def plot_contours(f, xlim, ylim, ax=None, levels=30, log_scale=False):
    """Draw a contour map of ``f`` over the rectangle ``xlim`` x ``ylim``; return the axes.

    Filled contours with thin level lines on top, equal scales on both axes
    (so that a gradient, which is perpendicular to the level lines, also
    looks perpendicular), axes labeled x and y.

    Parameters
    ----------
    f : callable
        Vectorized function, ``f(np.stack([X, Y]))`` of grid shape.
    xlim, ylim : (float, float)
        The window.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made if None.
    levels : int
        Number of contour levels.
    log_scale : bool
        Space the levels geometrically above the minimum on the grid
        (use it for functions with a large range, such as Rosenbrock).
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    X, Y, Z = _grid(f, xlim, ylim, 200)
    if log_scale:
        shifted = Z - Z.min()
        low = max(float(np.percentile(shifted, 0.5)), 1e-12 * max(float(shifted.max()), 1.0))
        level_values = Z.min() + np.geomspace(low, shifted.max(), levels)
    else:
        level_values = np.linspace(Z.min(), Z.max(), levels)
    ax.contourf(X, Y, Z, levels=level_values, cmap="Blues_r", alpha=0.85, extend="both")
    ax.contour(X, Y, Z, levels=level_values, colors="white", linewidths=0.4, alpha=0.7)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    return ax


def plot_path(ax, path, label=None, color=None, marker="o"):
    """Draw a trajectory of iterates on ``ax``; return the line.

    ``path`` is an array of shape (n, 2), one iterate per row. The iterates
    are joined by a line with small markers; the first one gets a large
    hollow circle, the last one a cross. Rows that are not finite (a
    diverging run) are dropped, and the axes keep the limits they had.
    """
    path = np.asarray(path, dtype=np.float64)
    if path.ndim != 2 or path.shape[1] != 2:
        raise ValueError(f"path must have shape (n, 2), got {path.shape}")
    path = path[np.all(np.isfinite(path), axis=1)]
    had_data = ax.has_data()
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    (line,) = ax.plot(path[:, 0], path[:, 1], marker=marker, markersize=3, linewidth=1.3,
                      color=color, label=label, zorder=3)
    if len(path):
        c = line.get_color()
        ax.plot(path[0, 0], path[0, 1], marker="o", markersize=9, markerfacecolor="white",
                markeredgecolor=c, markeredgewidth=1.8, linestyle="none", zorder=4)
        ax.plot(path[-1, 0], path[-1, 1], marker="X", markersize=9, color=c,
                markeredgecolor="white", markeredgewidth=0.8, linestyle="none", zorder=5)
    if had_data:
        ax.set_xlim(xlim)
        ax.set_ylim(ylim)
    return line


def plot_surface(f, xlim, ylim, ax=None, resolution=60):
    """Draw ``f`` as a 3-D surface over ``xlim`` x ``ylim``; return the (3-D) axes.

    ``ax`` must be a 3-D axes (``projection="3d"``) if given; a new figure
    is made if None.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        fig = plt.figure(figsize=(5, 4))
        ax = fig.add_subplot(projection="3d")
    X, Y, Z = _grid(f, xlim, ylim, resolution)
    ax.plot_surface(X, Y, Z, cmap="viridis", rstride=1, cstride=1, linewidth=0,
                    antialiased=True, alpha=0.95)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    return ax
