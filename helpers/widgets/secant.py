"""The secant explorer of lesson 01: shrink h and watch the secant turn into the tangent.

Left: the curve, the dashed tangent at x and the secant through (x, f(x)) and
(x + h, f(x + h)). Right: the error |secant slope - f'(x)| against h on log-log
axes, with a marker at the current h. For moderate h the error falls in step
with h (the secant is a forward difference); for very small h floating-point
round-off takes over, which is the V-shaped plot later in the lesson.
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import FormatStrFormatter

from helpers.functions import FUNCTIONS_1D
from helpers.gradcheck import forward_difference
from helpers.plotting import COLORS, tangent_segment
from helpers.widgets.base import Explorer
from helpers.widgets.controls import R10_MANTISSAS, Dropdown, Slider, log_stops
from helpers.widgets.tangent import show_function, x_stops

H_RANGE = (1e-12, 2.0)
ERROR_FLOOR = 1e-14  # exact zeros are drawn here, so a log axis can show them


class SecantExplorer(Explorer):
    """A secant whose second point slides towards the first as h shrinks.

    Controls: the function, the point x, and h on a log scale (one arrow-key
    press multiplies or divides h by about 1.26). The readout gives h, the
    secant slope, the true slope f'(x) and the error between them.
    """

    fixed_layout = True  # tick labels keep their width: the layout is computed once

    alt_text = (
        "Left: the chosen curve with a dashed tangent line at x and a secant line "
        "through x and x + h; as h shrinks the secant lines up with the tangent. "
        "Right: log-log plot of the secant slope's error against h, with a dot at the "
        "current h. The readout gives h, the secant slope, the true slope and the error."
    )

    def __init__(self, function: str = "x^2", x: float = 1.0, h: float = 1.0, functions=None):
        super().__init__(figsize=(8.0, 3.4), ncols=2)
        self.functions = dict(functions or FUNCTIONS_1D)
        self.ax_curve, self.ax_error = self.ax
        ax = self.ax_curve
        (self.curve,) = ax.plot([], [], color=COLORS["function"], label="f(x)")
        (self.tangent,) = ax.plot([], [], "--", color=COLORS["tangent"], label="tangent at x")
        (self.secant,) = ax.plot([], [], "-.", color=COLORS["secant"], label="secant")
        (self.points,) = ax.plot(
            [], [], "o", color=COLORS["secant"], markeredgecolor="black", zorder=5
        )
        ax.axhline(0, color="0.6", linewidth=0.8)
        ax.set_xlabel("x")
        ax.legend(loc="upper left", fontsize=8)
        for axis in (ax.xaxis, ax.yaxis):  # one tick-label width for every function
            axis.set_major_formatter(FormatStrFormatter("%.1f"))

        er = self.ax_error
        self.hs = np.logspace(np.log10(H_RANGE[0]), np.log10(H_RANGE[1]), 200)
        (self.error_curve,) = er.plot([], [], color=COLORS["secant"], linewidth=1.5)
        (self.error_marker,) = er.plot([], [], "o", color=COLORS["point"], zorder=5)
        er.set_xscale("log")
        er.set_yscale("log")
        er.set_xlim(*H_RANGE)
        er.set_ylim(ERROR_FLOOR / 3, 1e3)
        er.set_xlabel("step h (log scale)")
        er.set_ylabel("|secant slope - f'(x)|")
        er.set_title("error of the secant slope", fontsize=9)
        for xy, text, align in (
            ((0.03, 0.97), "round-off\ndominates", {"va": "top"}),
            ((0.97, 0.03), "truncation\ndominates", {"ha": "right", "va": "bottom"}),
        ):
            er.text(*xy, text, transform=er.transAxes, fontsize=8, color="0.3", **align)

        self.animate(self.tangent, self.secant, self.points, self.error_curve, self.error_marker)

        self.function_choice = self.add_control(
            "function",
            Dropdown("function f(x) =", list(self.functions), function, width="240px"),
            on_change=lambda name: self.x_slider.configure(x_stops(self.functions[name])),
        )
        self.x_slider = self.add_control(
            "x",
            Slider("x", x_stops(self.functions[function]), x, fmt=".2f", page=12, width="260px"),
        )
        self.h_slider = self.add_control(
            "h", Slider("step h", log_stops(*H_RANGE, R10_MANTISSAS), h, fmt=".1e", width="320px")
        )
        self._shown = None
        self._errors_for = None

    def _show_function(self, name: str) -> None:
        """Redraw the curve and rescale (only when the function changes)."""
        fn = self.functions[name]
        show_function(self.ax_curve, self.curve, fn, title=f"f(x) = {fn.name}")
        self._shown = name
        self.invalidate()

    def _error_curve(self, fn, x: float) -> None:
        """The whole error-vs-h curve for this function and point (moves with x)."""
        exact = float(fn.df(x))
        slopes = (fn.f(x + self.hs) - fn.f(x)) / self.hs
        errors = np.maximum(np.abs(slopes - exact), ERROR_FLOOR)
        self.error_curve.set_data(self.hs, errors)
        self._errors_for = (fn.name, x)

    def update(self, function: str, x: float, h: float) -> str:
        if function != self._shown:
            self._show_function(function)
        fn = self.functions[function]
        if self._errors_for != (fn.name, x):
            self._error_curve(fn, x)
        xs, ys = tangent_segment(fn.f, fn.df, x, fn.xlim)
        self.tangent.set_data(xs, ys)
        y0, y1 = float(fn.f(x)), float(fn.f(x + h))
        slope = forward_difference(fn.f, x, h)
        self.secant.set_data(xs, y0 + slope * (xs - x))
        self.points.set_data([x, x + h], [y0, y1])
        exact = float(fn.df(x))
        error = abs(slope - exact)
        self.error_marker.set_data([h], [max(error, ERROR_FLOOR)])
        return (
            f"h = {h:.1e} · secant slope = {slope:.6f} · true slope f'(x) = {exact:.6f}"
            f" · error = {error:.1e}"
        )

    # Convenience for lessons and tests
    def set_h(self, h: float) -> str:
        return self.set(h=h)

    @classmethod
    def benchmark_moves(cls):
        """An explorer and one callable per user move: shrinking h, then moving x."""
        explorer = cls(function="x^2", x=1.0, h=1.0)
        explorer.widget
        moves = [lambda e=e: explorer.set_h(10.0**e) for e in np.arange(-0.5, -8.01, -0.5)]
        moves += [lambda v=v: explorer.set(x=v) for v in (1.5, 2.0, -1.0, 0.5)]
        return explorer, moves
