"""The wiggle-propagation explorer of lesson 03: how a small change travels through f(g(x)).

Three panels: the inner function u = g(x), the outer function y = f(u) and the
composition y = h(x) = f(g(x)). A wiggle Δx of the input (orange band) becomes a
wiggle Δu ≈ g'(x)·Δx of the inner value (blue band), which becomes a wiggle
Δy ≈ f'(u)·Δu of the output (green band). The rates multiply: h'(x) = f'(g(x))·g'(x).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import FormatStrFormatter

from helpers.activations import sigmoid, sigmoid_prime
from helpers.plotting import COLORS
from helpers.widgets.base import Explorer
from helpers.widgets.controls import Dropdown, Slider, linear_stops


@dataclass(frozen=True)
class Composition:
    """h(x) = f(g(x)) with the derivatives of both pieces."""

    name: str
    inner: str  # LaTeX (matplotlib mathtext), in x
    outer: str  # LaTeX, in u
    g: Callable
    dg: Callable
    f: Callable
    df: Callable
    xlim: tuple[float, float]
    note: str = ""

    def h(self, x):
        return self.f(self.g(x))

    def dh(self, x):
        """The chain rule: outer slope at the inner value, times the inner slope."""
        return self.df(self.g(x)) * self.dg(x)


COMPOSITIONS: dict[str, Composition] = {
    c.name: c
    for c in [
        Composition(
            "(3x+1)^2",
            "3x + 1",
            "u^2",
            lambda x: 3 * x + 1,
            lambda x: 3.0 + 0 * x,
            lambda u: u**2,
            lambda u: 2 * u,
            (-1.5, 1.5),
            "the inner function stretches every wiggle by 3",
        ),
        Composition(
            "(x^2+1)^3",
            "x^2 + 1",
            "u^3",
            lambda x: x**2 + 1,
            lambda x: 2 * x,
            lambda u: u**3,
            lambda u: 3 * u**2,
            (-1.5, 1.5),
            "at x = 0 the inner slope is 0: the wiggle dies in the first step",
        ),
        Composition(
            "sin(x^2)",
            "x^2",
            r"\sin u",
            lambda x: x**2,
            lambda x: 2 * x,
            np.sin,
            np.cos,
            (-2.5, 2.5),
            "the outer slope cos u changes sign as u grows",
        ),
        Composition(
            "sigmoid(4x-2)",
            "4x - 2",
            r"\sigma(u)",
            lambda x: 4 * x - 2,
            lambda x: 4.0 + 0 * x,
            sigmoid,
            sigmoid_prime,
            (-1.5, 2.5),
            "far from x = 0.5 the sigmoid is flat: the wiggle almost vanishes",
        ),
    ]
}


class ChainExplorer(Explorer):
    """Move x and the wiggle size Δx; watch Δx → Δu → Δy and the product of slopes.

    Keyboard: focus a slider, then use the arrow keys.
    """

    fixed_layout = True  # tick labels keep their width: the layout is computed once

    alt_text = (
        "Three graphs side by side: the inner function u = g(x), the outer function "
        "y = f(u) and the composition y = f(g(x)). An orange band marks a small wiggle of x, "
        "a blue band the wiggle of u it causes, a green band the resulting wiggle of y; "
        "dashed tangent lines show the slopes. The readout gives the wiggles and the "
        "product of slopes f'(g(x))·g'(x)."
    )

    BANDS = {"x": COLORS["secant"], "u": COLORS["accent"], "y": COLORS["gradient"]}

    def __init__(
        self, composition: str = "(3x+1)^2", x: float = 0.0, dx: float = 0.1, compositions=None
    ):
        super().__init__(figsize=(7.8, 3.0), ncols=3)
        self.compositions = dict(compositions or COMPOSITIONS)
        self.curves, self.tangents, self.points, self.bands = [], [], [], []
        # panel: (input band, output band)
        roles = [("x", "u"), ("u", "y"), ("x", "y")]
        for ax, (src, dst) in zip(self.ax, roles):
            (curve,) = ax.plot([], [], color=COLORS["function"])
            (tangent,) = ax.plot([], [], "--", color=COLORS["tangent"], linewidth=1.5)
            (point,) = ax.plot([], [], "o", color=COLORS["point"], zorder=5)
            vband = Rectangle(
                (0, 0),
                0,
                1,
                transform=ax.get_xaxis_transform(),
                color=self.BANDS[src],
                alpha=0.35,
                linewidth=0,
            )
            hband = Rectangle(
                (0, 0),
                1,
                0,
                transform=ax.get_yaxis_transform(),
                color=self.BANDS[dst],
                alpha=0.35,
                linewidth=0,
            )
            ax.add_patch(vband)
            ax.add_patch(hband)
            self.animate(vband, hband, tangent, point)
            self.curves.append(curve)
            self.tangents.append(tangent)
            self.points.append(point)
            self.bands.append((vband, hband))
            ax.set_xlabel(src)
            ax.set_ylabel(dst, rotation=0, labelpad=8)
            ax.yaxis.set_major_formatter(FormatStrFormatter("%.1f"))  # one width everywhere

        self.composition_choice = self.add_control(
            "composition",
            Dropdown("h(x) =", list(self.compositions), composition, width="220px"),
            on_change=lambda name: self.x_slider.configure(self._x_stops(name)),
        )
        self.x_slider = self.add_control(
            "x", Slider("x", self._x_stops(composition), x, fmt=".2f", page=10)
        )
        self.dx_slider = self.add_control(
            "dx", Slider("wiggle Δx", linear_stops(0.01, 0.5, 0.01), dx, fmt=".2f", page=10)
        )
        self._shown = None
        self.state: dict = {}

    def _x_stops(self, name: str):
        return linear_stops(*self.compositions[name].xlim, 0.05)

    def _show_composition(self, name: str) -> None:
        """Redraw the curves and rescale (only when the composition changes)."""
        c = self.compositions[name]
        xs = np.linspace(*c.xlim, 300)
        us = c.g(xs)
        us_sorted = np.linspace(us.min(), us.max(), 300)
        data = [(xs, us), (us_sorted, c.f(us_sorted)), (xs, c.h(xs))]
        titles = [
            f"inner: $u = g(x) = {c.inner}$",
            f"outer: $y = f(u) = {c.outer}$",
            "together: $y = h(x) = f(g(x))$",
        ]
        for ax, curve, (a, b), title in zip(self.ax, self.curves, data, titles):
            curve.set_data(a, b)
            pad_a = 0.05 * (np.ptp(a) or 1.0)
            pad_b = 0.12 * (np.ptp(b) or 1.0)
            ax.set_xlim(a.min() - pad_a, a.max() + pad_a)
            ax.set_ylim(b.min() - pad_b, b.max() + pad_b)
            ax.set_title(title, fontsize=9)
        self._shown = name
        self.invalidate()

    @staticmethod
    def _segment(ax, x0, y0, slope):
        """A tangent segment across the middle 60% of the panel's x-range."""
        low, high = ax.get_xlim()
        half = 0.3 * (high - low)
        xs = np.array([x0 - half, x0 + half])
        return xs, y0 + slope * (xs - x0)

    def update(self, composition: str, x: float, dx: float) -> str:
        if composition != self._shown:
            self._show_composition(composition)
        c = self.compositions[composition]
        u, du_exact = float(c.g(x)), float(c.g(x + dx) - c.g(x))
        y, dy_exact = float(c.f(u)), float(c.h(x + dx) - c.h(x))
        g_slope, f_slope = float(c.dg(x)), float(c.df(u))
        h_slope = f_slope * g_slope
        panels = [
            (x, u, g_slope, dx, du_exact),
            (u, y, f_slope, du_exact, dy_exact),
            (x, y, h_slope, dx, dy_exact),
        ]
        for ax, tangent, point, (vband, hband), (a, b, slope, da, db) in zip(
            self.ax, self.tangents, self.points, self.bands, panels
        ):
            tangent.set_data(*self._segment(ax, a, b, slope))
            point.set_data([a], [b])
            vband.set_x(a)
            vband.set_width(da)
            hband.set_y(b)
            hband.set_height(db)
        self.state = {
            "x": x,
            "u": u,
            "y": y,
            "dx": dx,
            "du": du_exact,
            "dy": dy_exact,
            "g_slope": g_slope,
            "f_slope": f_slope,
            "h_slope": h_slope,
        }
        return (
            f"x = {x:.2f} → u = g(x) = {u:.3f} → y = f(u) = {y:.3f}\n"
            f"wiggle Δx = {dx:.2f} → Δu = {du_exact:.4f} (g'(x)·Δx = {g_slope:.3f} × {dx:.2f} = "
            f"{g_slope * dx:.4f}) → Δy = {dy_exact:.4f} (f'(u)·Δu = {f_slope:.3f} × {du_exact:.4f} = "
            f"{f_slope * du_exact:.4f})\n"
            f"Δy/Δx = {dy_exact / dx:.3f} · "
            f"h'(x) = f'(g(x))·g'(x) = {f_slope:.3f} × {g_slope:.3f} = {h_slope:.3f}"
        )

    # -- convenience for lessons and tests ---------------------------------------
    def set_x(self, x: float) -> str:
        return self.set(x=x)

    def set_dx(self, dx: float) -> str:
        return self.set(dx=dx)

    @classmethod
    def benchmark_moves(cls):
        explorer = cls()
        explorer.widget
        moves = [lambda v=v: explorer.set_x(v) for v in np.linspace(-1.5, 1.5, 31)]
        moves += [lambda v=v: explorer.set_dx(v) for v in np.linspace(0.02, 0.5, 25)]
        return explorer, moves
