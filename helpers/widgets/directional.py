"""The directional-derivative explorer of lesson 04: turn a unit vector u, watch ∇f·u.

Left: contours of f, a point p, the direction of ∇f(p) (green), the unit vector
u (vermillion), the level set through p (dashed) and the projection of u onto
the gradient direction (orange). Right: the slope ∇f·u as a function of the
angle of u, a cosine of height |∇f| that peaks where u points along ∇f and is
zero where u points along the level set.
"""

from __future__ import annotations

import contourpy
import numpy as np
from matplotlib import patheffects
from matplotlib.ticker import FormatStrFormatter

from helpers.functions import FUNCTIONS_2D, Function2D
from helpers.plotting import COLORS, grid
from helpers.widgets.base import Explorer
from helpers.widgets.controls import Dropdown, Slider, linear_stops

# Two functions worked by hand in lesson 04, then the course's standard set.
LESSON_FUNCTIONS_2D: dict[str, Function2D] = {
    f.name: f
    for f in [
        Function2D(
            "x^2 + xy + y^2",
            r"x^2 + xy + y^2",
            lambda x, y: x**2 + x * y + y**2,
            lambda x, y: (2 * x + y, x + 2 * y),
            lambda x, y: ((2.0, 1.0), (1.0, 2.0)),
            (-3.0, 3.0),
            (-3.0, 3.0),
            minima=((0.0, 0.0),),
            start=(1.0, 2.0),
            note="∇f(1, 2) = [4, 5]: worked in the lesson",
        ),
        Function2D(
            "3x^2 + 2xy + y^3",
            r"3x^2 + 2xy + y^3",
            lambda x, y: 3 * x**2 + 2 * x * y + y**3,
            lambda x, y: (6 * x + 2 * y, 2 * x + 3 * y**2),
            lambda x, y: ((6.0, 2.0), (2.0, 6.0 * y)),
            (-2.0, 2.0),
            (-2.0, 2.0),
            start=(1.0, 1.0),
            note="∇f = [6x + 2y, 2x + 3y²]; a saddle at the origin",
        ),
    ]
}


def default_functions() -> dict[str, Function2D]:
    return {**LESSON_FUNCTIONS_2D, **FUNCTIONS_2D}


class DirectionalDerivativeExplorer(Explorer):
    """Contours, a point, ∇f there and a unit vector u at an angle chosen by a slider.

    Keyboard: focus the angle slider and use the arrow keys (5° a press); the
    buttons turn u exactly along or across ∇f; the x and y sliders move the point.
    """

    fixed_layout = True  # tick labels keep their width: the layout is computed once

    alt_text = (
        "Left: contour map of the chosen function with a point, a green arrow along the "
        "gradient, a vermillion arrow for the unit direction u set by the angle slider, the "
        "dashed level curve through the point and the orange projection of u onto the "
        "gradient direction. Right: the slope along u against the angle of u, a cosine "
        "wave of height |∇f|, largest when u points along the gradient and zero when u "
        "points along the level curve. The readout gives the numbers."
    )

    ARROW_FRACTION = 0.2  # arrow length as a fraction of the smaller side of the plot box

    def __init__(
        self, function: str = "x^2 + xy + y^2", angle: float = 0.0, point=None, functions=None
    ):
        super().__init__(figsize=(7.6, 3.8), ncols=2)
        self.functions = dict(functions or default_functions())
        self.ax_map, self.ax_slope = self.ax
        self.ax_map.get_subplotspec().get_gridspec().set_width_ratios([1.15, 1.0])
        self._contours = []
        self._cache: dict[str, tuple] = {}
        self._shown = None
        self._build_map()
        self._build_slope_panel()

        fn = self.functions[function]
        start = fn.start if point is None else point
        self.function_choice = self.add_control(
            "function",
            Dropdown("f(x, y) =", list(self.functions), function, width="240px"),
            on_change=self._on_function,
        )
        self.angle_slider = self.add_control(
            "angle",
            Slider(
                "angle of u",
                linear_stops(0.0, 360.0, 5.0),
                angle,
                fmt=lambda a: f"{a:.0f}°",
                page=9,
                width="320px",
            ),
        )
        self.x_slider = self.add_control(
            "x", Slider("point x", self._point_stops(fn.xlim), start[0], fmt=".2f", width="250px")
        )
        self.y_slider = self.add_control(
            "y", Slider("point y", self._point_stops(fn.ylim), start[1], fmt=".2f", width="250px")
        )
        self.add_button(
            "u along ∇f", self.point_along_gradient, "turn u to point along the gradient"
        )
        self.add_button("u across ∇f", self.point_across_gradient, "turn u along the level set")
        self.state: dict = {}

    @staticmethod
    def _point_stops(limits):
        low, high = limits
        return linear_stops(
            low, high, 0.05 if high - low <= 8 else 0.1
        )  # start points on this grid

    def _on_function(self, name: str) -> None:
        """Another function: its own box, the point at its usual start."""
        fn = self.functions[name]
        self.x_slider.configure(self._point_stops(fn.xlim), fn.start[0])
        self.y_slider.configure(self._point_stops(fn.ylim), fn.start[1])

    # -- static parts ----------------------------------------------------------
    def _build_map(self) -> None:
        ax = self.ax_map
        quiver_kw = {"angles": "xy", "scale_units": "xy", "scale": 1, "zorder": 6}
        # the gradient arrow is wider, so it still shows when u lies on top of it
        self.grad_arrow = ax.quiver(
            [0], [0], [1], [0], color=COLORS["gradient"], width=0.02, **quiver_kw
        )
        self.u_arrow = ax.quiver(
            [0], [0], [1], [0], color=COLORS["tangent"], width=0.01, **quiver_kw
        )
        outline = [patheffects.withStroke(linewidth=3.2, foreground="black")]
        (self.level_line,) = ax.plot(
            [], [], "--", color="white", linewidth=1.6, zorder=4, path_effects=outline
        )
        (self.projection,) = ax.plot(
            [], [], "-", color=COLORS["secant"], linewidth=4, zorder=5, solid_capstyle="butt"
        )
        (self.drop,) = ax.plot([], [], ":", color=COLORS["secant"], linewidth=1.5, zorder=5)
        (self.point,) = ax.plot([], [], "o", color=COLORS["point"], markersize=6, zorder=7)
        self.animate(
            self.level_line, self.projection, self.drop, self.grad_arrow, self.u_arrow, self.point
        )
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.grid(False)
        for axis in (ax.xaxis, ax.yaxis):  # one width for every function's ticks
            axis.set_major_formatter(FormatStrFormatter("%.1f"))
        # legend proxies (static)
        ax.plot([], [], color=COLORS["gradient"], label="direction of ∇f")
        ax.plot([], [], color=COLORS["tangent"], label="u")
        ax.plot(
            [],
            [],
            "--",
            color="white",
            linewidth=1.6,
            path_effects=outline,
            label="level set through p",
        )
        ax.plot([], [], color=COLORS["secant"], linewidth=4, label="projection of u on ∇f")

    def _build_slope_panel(self) -> None:
        ax = self.ax_slope
        self._thetas = np.linspace(0.0, 360.0, 361)
        (self.slope_curve,) = ax.plot([], [], color=COLORS["function"], label="∇f·u as u turns")
        (self.max_line,) = ax.plot(
            [], [], "-", color=COLORS["gradient"], linewidth=1.5, label="u along ∇f: slope |∇f|"
        )
        (self.zero_lines,) = ax.plot(
            [], [], ":", color="0.3", linewidth=1.5, label="u across ∇f: slope 0"
        )
        (self.slope_marker,) = ax.plot([], [], "o", color=COLORS["tangent"], markersize=8, zorder=5)
        self.animate(self.slope_curve, self.max_line, self.zero_lines, self.slope_marker)
        ax.axhline(0.0, color="0.6", linewidth=0.8)
        ax.set_xlim(0.0, 360.0)
        ax.set_ylim(-1.3, 1.45)
        ax.set_xticks(range(0, 361, 90))
        ax.set_yticks([-1.0, 0.0, 1.0], ["−|∇f|", "0", "|∇f|"])
        ax.set_xlabel("angle of u (degrees)")
        ax.set_title("slope along u:  ∇f·u = |∇f| cos(angle from ∇f to u)", fontsize=9)
        handles = self.ax_map.get_legend_handles_labels()[0] + ax.get_legend_handles_labels()[0]
        self.fig.legend(
            handles=handles, loc="outside lower center", ncols=4, fontsize=7.5, frameon=False
        )

    def _grid_for(self, name: str):
        if name not in self._cache:
            fn = self.functions[name]
            X, Y = grid(fn.xlim, fn.ylim, 160)
            Z = np.asarray(fn.value(X, Y), dtype=float)
            self._cache[name] = (X, Y, Z, contourpy.contour_generator(X, Y, Z))
        return self._cache[name]

    def _show_function(self, name: str) -> None:
        """Redraw the contours (only when the function changes)."""
        fn = self.functions[name]
        X, Y, Z, _ = self._grid_for(name)
        for cs in self._contours:
            cs.remove()
        shown = np.log1p(Z - Z.min()) if name == "rosenbrock" else Z  # log: a huge range of values
        ax = self.ax_map
        self._contours = [
            ax.contourf(X, Y, shown, levels=18, cmap="cividis", alpha=0.75, zorder=1),
            ax.contour(X, Y, shown, levels=18, colors="0.25", linewidths=0.4, zorder=2),
        ]
        ax.set_xlim(fn.xlim)
        ax.set_ylim(fn.ylim)
        ax.set_aspect("equal", adjustable="box")
        ax.set_title(f"$f(x, y) = {fn.latex}$", fontsize=9)
        self._arrow_length = self.ARROW_FRACTION * min(np.ptp(fn.xlim), np.ptp(fn.ylim))
        self._shown = name
        self.invalidate()

    # -- moving parts ------------------------------------------------------------
    def update(self, function: str, angle: float, x: float, y: float) -> str:
        if function != self._shown:
            self._show_function(function)
        fn = self.functions[function]
        p = np.array([x, y], dtype=float)
        g = fn.grad(p)
        norm = float(np.hypot(*g))
        theta = np.deg2rad(angle)
        u = np.array([np.cos(theta), np.sin(theta)])
        slope = round(float(g @ u), 12) + 0.0  # + 0.0: no "-0.000" in the readout
        L = self._arrow_length

        self.point.set_data([x], [y])
        self.u_arrow.set_offsets([p])
        self.u_arrow.set_UVC([L * u[0]], [L * u[1]])
        _, _, _, contours = self._grid_for(function)
        lines = contours.lines(fn(p))
        if lines:
            xy = np.concatenate([np.vstack([seg, [np.nan, np.nan]]) for seg in lines])
            self.level_line.set_data(xy[:, 0], xy[:, 1])
        else:
            self.level_line.set_data([], [])

        if norm > 1e-12:
            g_hat = g / norm
            theta_g = float(np.degrees(np.arctan2(g[1], g[0])) % 360.0)
            cos_angle = float(np.clip(g_hat @ u, -1.0, 1.0))
            foot = p + L * cos_angle * g_hat
            self.grad_arrow.set_visible(True)
            self.grad_arrow.set_offsets([p])
            self.grad_arrow.set_UVC([L * g_hat[0]], [L * g_hat[1]])
            self.projection.set_data([p[0], foot[0]], [p[1], foot[1]])
            self.drop.set_data([p[0] + L * u[0], foot[0]], [p[1] + L * u[1], foot[1]])
            self.slope_curve.set_data(self._thetas, np.cos(np.deg2rad(self._thetas - theta_g)))
            self.max_line.set_data([theta_g, theta_g], [-1.3, 1.3])
            zeros = [(theta_g + 90.0) % 360.0, (theta_g + 270.0) % 360.0]
            self.zero_lines.set_data(
                [zeros[0], zeros[0], np.nan, zeros[1], zeros[1]], [-1.3, 1.3, np.nan, -1.3, 1.3]
            )
            self.slope_marker.set_data([angle], [cos_angle])
            between = float(np.degrees(np.arccos(cos_angle)))
        else:
            theta_g, between = float("nan"), float("nan")
            self.grad_arrow.set_visible(False)
            for line in (self.projection, self.drop, self.max_line, self.zero_lines):
                line.set_data([], [])
            self.slope_curve.set_data(self._thetas, np.zeros_like(self._thetas))
            self.slope_marker.set_data([angle], [0.0])

        self.state = {
            "point": p,
            "u": u,
            "grad": g,
            "slope": slope,
            "grad_norm": norm,
            "gradient_angle": theta_g,
            "angle_between": between,
        }
        text = (
            f"angle = {angle:.1f}° · u = [{u[0]:.3f}, {u[1]:.3f}] · at ({x:.2f}, {y:.2f}): "
            f"∇f = [{g[0]:.3f}, {g[1]:.3f}]\n∇f·u = {slope:.3f} · |∇f| = {norm:.3f}"
        )
        if norm <= 1e-12:
            return text + " · ∇f = 0 here: every direction is flat (a stationary point)"
        return text + f" · angle between u and ∇f = {between:.1f}°"

    # -- convenience for lessons and tests ---------------------------------------
    def set_angle(self, angle: float) -> str:
        return self.set(angle=float(angle) % 360.0)

    def set_point(self, x: float, y: float) -> str:
        return self.set(x=x, y=y)

    def point_along_gradient(self) -> None:
        """Turn u exactly along ∇f (the steepest way up)."""
        self._aim(0.0)

    def point_across_gradient(self) -> None:
        """Turn u exactly across ∇f (along the level set)."""
        self._aim(90.0)

    def _aim(self, offset: float) -> None:
        """The exact angle of ∇f plus ``offset`` (the slider shows the nearest 5° stop)."""
        g = self.functions[self.function_choice.value].grad(
            (self.x_slider.value, self.y_slider.value)
        )
        if np.any(g != 0):
            self.set_angle(np.degrees(np.arctan2(g[1], g[0])) + offset)

    @classmethod
    def benchmark_moves(cls):
        explorer = cls()
        explorer.widget
        moves = [lambda a=a: explorer.set_angle(a) for a in range(15, 360, 15)]
        moves += [lambda v=v: setattr(explorer.x_slider, "value", v) for v in np.linspace(-2, 2, 9)]
        moves += [lambda v=v: setattr(explorer.y_slider, "value", v) for v in np.linspace(-2, 2, 9)]
        return explorer, moves
