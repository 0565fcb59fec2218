"""The tangent explorer of lesson 01: move x, see the tangent line and its slope."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from helpers.functions import FUNCTIONS_1D
from helpers.plotting import COLORS, tangent_segment
from helpers.widgets.base import Explorer


def show_function(ax, curve, x_slider, fn, title: str) -> None:
    """Draw ``fn`` on the ``curve`` line, fit ``ax`` to it and give ``x_slider`` its range.

    Shared by the tangent and secant explorers of lesson 01 (called only when the
    chosen function changes: a static-content change).
    """
    xs = np.linspace(*fn.xlim, 400)
    ys = fn.f(xs)
    curve.set_data(xs, ys)
    pad = 0.15 * (ys.max() - ys.min() or 1.0)
    ax.set_xlim(*fn.xlim)
    ax.set_ylim(ys.min() - pad, ys.max() + pad)
    ax.set_title(title, fontsize=9)
    low, high = fn.xlim
    with x_slider.hold_trait_notifications():
        x_slider.min, x_slider.max = -1e9, 1e9  # avoid min > max transients
        x_slider.min, x_slider.max = low, high
        x_slider.step = (high - low) / 120  # an even split: x = 0 is always reachable


class TangentExplorer(Explorer):
    """A curve, a point on it and the tangent line there, with a live readout
    ``x · f(x) · slope``. Keyboard: focus the slider, then arrow keys.
    """

    alt_text = (
        "Graph of the chosen function with a dashed tangent line touching it at the "
        "point x chosen by the slider; the readout above gives x, f(x) and the slope."
    )

    def __init__(self, function: str = "x^2", x: float = 1.0, functions=None):
        super().__init__(figsize=(6, 3.6))
        self.functions = dict(functions or FUNCTIONS_1D)
        ax = self.ax
        (self.curve,) = ax.plot([], [], color=COLORS["function"], label="f(x)")
        (self.tangent,) = ax.plot([], [], "--", color=COLORS["tangent"], label="tangent at x")
        (self.point,) = ax.plot([], [], "o", color=COLORS["point"], zorder=5)
        self.animate(self.tangent, self.point)
        ax.axhline(0, color="0.6", linewidth=0.8)
        ax.legend(loc="upper left")
        ax.set_xlabel("x")
        self.function_choice = self.add_control(
            "function",
            widgets.Dropdown(
                options=list(self.functions),
                value=function,
                description="f(x) =",
                layout={"width": "180px"},
            ),
        )
        self.x_slider = self.add_control(
            "x",
            widgets.FloatSlider(
                value=x,
                min=-3.0,
                max=3.0,
                step=0.05,
                description="x",
                continuous_update=True,
                readout_format=".2f",
                layout={"width": "360px"},
            ),
        )
        self._shown = None
        self.readout_text = ""

    def _show_function(self, name: str) -> None:
        """Redraw the curve and rescale (only when the function changes)."""
        fn = self.functions[name]
        show_function(
            self.ax, self.curve, self.x_slider, fn, title=f"f(x) = {fn.name}   ({fn.note})"
        )
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
        self.readout_text = (
            f"x = {x:.2f} · f(x) = {y:.3f} · slope f'(x) = {slope:.3f} "
            f"({slope_meaning(function, x, slope)})"
        )
        return self.readout_text

    # Convenience for lessons and tests
    def set_x(self, x: float) -> None:
        self.x_slider.value = x

    @classmethod
    def benchmark_moves(cls):
        """An explorer and one callable per user move: sweeping x across the curve."""
        explorer = cls(function="x^2", x=1.0)
        explorer.refresh()
        moves = [lambda v=v: explorer.set_x(v) for v in np.arange(-2.5, 2.51, 0.25)]
        return explorer, moves


def slope_meaning(function: str, x: float, slope: float) -> str:
    """What the sign of the slope says at x, in words, for the readout."""
    if function == "relu" and abs(x) < 1e-9:
        return "a corner: no derivative here; frameworks use 0"
    if abs(slope) < 1e-9:
        return "flat: a stationary point"
    return "f is increasing here" if slope > 0 else "f is decreasing here"
