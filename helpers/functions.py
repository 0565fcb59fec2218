"""A small library of test functions with exact derivatives.

Shared by the lessons (tangent explorer in lesson 01, contour plots in lesson 04,
the gradient-descent playground in lesson 05), the exercises' tests and the unit
tests, so that "the elongated bowl" means the same function everywhere.

1-D functions take and return NumPy arrays (or floats). 2-D functions are called
either on a point ``w = [x, y]`` (``f(w)``, ``f.grad(w)``, ``f.hessian(w)``) or
on coordinate grids for plotting (``f.value(X, Y)``, ``f.gradient(X, Y)``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from helpers.activations import relu, relu_prime


@dataclass(frozen=True)
class Function1D:
    """y = f(x) with its exact derivative."""

    name: str
    latex: str
    f: Callable
    df: Callable
    xlim: tuple[float, float]
    note: str = ""

    def __call__(self, x):
        return self.f(x)


FUNCTIONS_1D: dict[str, Function1D] = {
    f.name: f
    for f in [
        Function1D(
            "x^2",
            r"x^2",
            lambda x: x**2,
            lambda x: 2 * x,
            (-3.0, 3.0),
            "slope 2x: negative left of 0, zero at the minimum, positive right",
        ),
        Function1D(
            "x^3",
            r"x^3",
            lambda x: x**3,
            lambda x: 3 * x**2,
            (-2.0, 2.0),
            "slope 3x^2 is zero at 0, yet 0 is neither a minimum nor a maximum",
        ),
        Function1D(
            "sin x",
            r"\sin x",
            np.sin,
            np.cos,
            (-2 * np.pi, 2 * np.pi),
            "slope cos x: zero at every peak and trough",
        ),
        Function1D("e^x", r"e^x", np.exp, np.exp, (-2.0, 2.0), "the slope equals the value"),
        Function1D(
            "relu",
            r"\max(0, x)",
            relu,
            relu_prime,  # 0 at the corner, the frameworks' convention
            (-2.0, 2.0),
            "a corner at 0: no derivative there; frameworks use 0",
        ),
    ]
}


@dataclass(frozen=True)
class Function2D:
    """z = f(x, y) with exact gradient and Hessian.

    ``value(X, Y)`` and ``gradient(X, Y)`` work elementwise on arrays (for
    plots); ``__call__``, ``grad`` and ``hessian`` take a point ``w = [x, y]``.
    """

    name: str
    latex: str
    value: Callable
    gradient: Callable
    hessian_fn: Callable
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    minima: tuple = field(default=())
    start: tuple[float, float] = (-2.0, 2.0)
    lr: float = 0.1
    note: str = ""

    def __call__(self, w) -> float:
        x, y = np.asarray(w, dtype=float)
        return float(self.value(x, y))

    def grad(self, w) -> np.ndarray:
        x, y = np.asarray(w, dtype=float)
        return np.array(self.gradient(x, y), dtype=float)

    def hessian(self, w) -> np.ndarray:
        x, y = np.asarray(w, dtype=float)
        return np.array(self.hessian_fn(x, y), dtype=float)


def _quadratic(name, a, b, **kw):
    return Function2D(
        name,
        rf"{a if a != 1 else ''}x^2 + {b if b != 1 else ''}y^2",
        lambda x, y: a * x**2 + b * y**2,
        lambda x, y: (2 * a * x, 2 * b * y),
        lambda x, y: ((2.0 * a, 0.0), (0.0, 2.0 * b)),
        (-5.0, 5.0),
        (-4.0, 4.0),
        minima=((0.0, 0.0),),
        **kw,
    )


def _two_minima_grad(x, y):
    return 4 * x * (x**2 - 1) + 0.25, y


FUNCTIONS_2D: dict[str, Function2D] = {
    f.name: f
    for f in [
        _quadratic(
            "bowl",
            1,
            1,
            start=(4.0, 3.0),
            lr=0.1,
            note="round bowl: the gradient points straight away from the minimum",
        ),
        _quadratic(
            "elongated bowl",
            1,
            3,
            start=(4.0, 3.0),
            lr=0.1,
            note="curvature 2 along x, 6 along y: gradient descent diverges for lr > 1/3",
        ),
        Function2D(
            "rosenbrock",
            r"(1-x)^2 + 100(y-x^2)^2",
            lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
            lambda x, y: (-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)),
            lambda x, y: ((2 - 400 * y + 1200 * x**2, -400 * x), (-400 * x, 200.0)),
            (-2.0, 2.0),
            (-1.0, 3.0),
            minima=((1.0, 1.0),),
            start=(-1.5, 2.0),
            lr=0.001,
            note="a curved narrow valley: easy to enter, slow to follow",
        ),
        Function2D(
            "two minima",
            r"(x^2-1)^2 + \frac{1}{2}y^2 + \frac{1}{4}x",
            lambda x, y: (x**2 - 1) ** 2 + 0.5 * y**2 + 0.25 * x,
            _two_minima_grad,
            lambda x, y: ((12 * x**2 - 4, 0.0), (0.0, 1.0)),
            (-2.0, 2.0),
            (-2.0, 2.0),
            minima=((-1.02990, 0.0), (0.96715, 0.0)),
            start=(0.2, 1.5),
            lr=0.05,
            note="the minimum you reach depends on where you start (and on the step size)",
        ),
        Function2D(
            "saddle",
            r"x^2 - y^2",
            lambda x, y: x**2 - y**2,
            lambda x, y: (2 * x, -2 * y),
            lambda x, y: ((2.0, 0.0), (0.0, -2.0)),
            (-3.0, 3.0),
            (-3.0, 3.0),
            minima=(),
            start=(2.5, 0.01),
            lr=0.1,
            note="zero gradient at the origin, but it is not a minimum",
        ),
    ]
}


def get_function_2d(name: str) -> Function2D:
    """Look up a 2-D test function by name, with a helpful error."""
    try:
        return FUNCTIONS_2D[name]
    except KeyError:
        raise KeyError(f"unknown function {name!r}; choose from {sorted(FUNCTIONS_2D)}") from None
