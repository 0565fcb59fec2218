"""The tangent explorer of lesson 01: move x, see the tangent line and its slope."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import FormatStrFormatter

from helpers.functions import FUNCTIONS_1D, Function1D
from helpers.plotting import COLORS, tangent_segment
from helpers.widgets.base import Explorer
from helpers.widgets.controls import Dropdown, Slider, linear_stops

X_STEPS = 120  # stops of the x slider across a function's range: x = 0 is always one of them


def x_stops(fn: Function1D) -> tuple[float, ...]:
    """The x slider's stops for ``fn``: its plotted range in 120 even steps."""
    low, high = fn.xlim
    return linear_stops(low, high, (high - low) / X_STEPS)


def show_function(ax, curve, fn: Function1D, title: str) -> None:
    """Draw ``fn`` on the ``curve`` line and fit ``ax`` to it (a static-content change).

    Shared by the tangent and secant explorers of lesson 01.
    """
    xs = np.linspace(*fn.xlim, 400)
    ys = fn.f(xs)
    curve.set_data(xs, ys)
    pad = 0.15 * (ys.max() - ys.min() or 1.0)
    ax.set_xlim(*fn.xlim)
    ax.set_ylim(ys.min() - pad, ys.max() + pad)
    ax.set_title(title, fontsize=9)


def slope_meaning(function: str, x: float, slope: float) -> str:
    """What the sign of the slope says at x, in words, for the readout."""
    if function == "relu" and abs(x) < 1e-9:
        return "a corner: no derivative here; frameworks use 0"
    if abs(slope) < 1e-9:
        return "flat: a stationary point"
    return "f is increasing here" if slope > 0 else "f is decreasing here"


class TangentExplorer(Explorer):
    """A curve, a point on it and the tangent line there, with a live readout
    ``x · f(x) · slope``. Keyboard: Tab to the slider, then the arrow keys.
    """

    fixed_layout = True  # tick labels keep their width: the layout is computed once

    alt_text = (
        "Graph of the chosen function with a dashed tangent line touching it at the "
        "point x chosen by the slider; the readout above gives x, f(x) and the slope."
    )

    def __init__(self, function: str = "x^2", x: float = 1.0, functions=None):
        super().__init__(figsize=(6, 3.4))
        self.functions = dict(functions or FUNCTIONS_1D)
        ax = self.ax
        (self.curve,) = ax.plot([], [], color=COLORS["function"], label="f(x)")
        (self.tangent,) = ax.plot([], [], "--", color=COLORS["tangent"], label="tangent at x")
        (self.point,) = ax.plot([], [], "o", color=COLORS["point"], zorder=5)
        self.animate(self.tangent, self.point)
        ax.axhline(0, color="0.6", linewidth=0.8)
        ax.legend(loc="upper left")
        ax.set_xlabel("x")
        for axis in (ax.xaxis, ax.yaxis):  # one tick-label width for every function
            axis.set_major_formatter(FormatStrFormatter("%.1f"))
        self.function_choice = self.add_control(
            "function",
            Dropdown("function f(x) =", list(self.functions), function, width="240px"),
            on_change=lambda name: self.x_slider.configure(x_stops(self.functions[name])),
        )
        self.x_slider = self.add_control(
            "x", Slider("x", x_stops(self.functions[function]), x, fmt=".2f", page=12)
        )
        self._shown = None

    def _show_function(self, name: str) -> None:
        """Redraw the curve and rescale (only when the function changes)."""
        fn = self.functions[name]
        show_function(self.ax, self.curve, fn, title=f"f(x) = {fn.name}   ({fn.note})")
        self._shown = name
        self.invalidate()

    def update(self, function: str, x: float) -> str:
        if function != self._shown:
            self._show_function(function)
        fn = self.functions[function]
        xs, ys = tangent_segment(fn.f, fn.df, x, fn.xlim)
        self.tangent.set_data(xs, ys)
        y, slope = float(fn.f(x)), float(fn.df(x))
        self.point.set_data([x], [y])
        return (
            f"x = {x:.2f} · f(x) = {y:.3f} · slope f'(x) = {slope:.3f} "
            f"({slope_meaning(function, x, slope)})"
        )

    # Convenience for lessons and tests
    def set_x(self, x: float) -> str:
        return self.set(x=x)

    @classmethod
    def benchmark_moves(cls):
        """An explorer and one callable per user move: sweeping x across the curve."""
        explorer = cls(function="x^2", x=1.0)
        explorer.widget
        moves = [lambda v=v: explorer.set_x(v) for v in np.arange(-2.5, 2.51, 0.25)]
        return explorer, moves
