"""The feature-scaling explorer of lesson 06: why the units of a feature decide the learning rate.

Linear regression with two features, ``L(w) = (1/n)||Xw - y||^2``, on seeded data
from :func:`helpers.data.regression_data` (both features centred, spread about 1).
The second feature is multiplied by a *scale* ``s`` (a log slider from 0.01 to
100), as if it were measured in other units. Its diagonal entry of the Hessian
``H = (2/n) X^T X`` grows by ``s^2``, so the eigenvalues become about ``2 var(x1)``
and ``2 s^2 var(x2)``: the stable learning rates ``lr < 2 / lambda_max`` shrink
with the steep direction, while the flat direction (curvature ``lambda_min``)
still needs on the order of ``kappa = lambda_max / lambda_min`` steps even at the
best fixed rate. A *standardize* box applies :func:`helpers.data.standardize` to
the scaled features and undoes all of it.

The figure: left, the loss contours in the ``(w1, w2)`` plane at equal aspect
(ellipses that stretch into a narrow valley as the scale moves away from 1) and
the gradient-descent path from ``w = 0``; top right, the loss minus its lowest
value at every step; bottom right, a log learning-rate axis with the stable
range ``(0, 2/lambda_max)`` shaded, the best fixed rate ``2/(lambda_min + lambda_max)``
marked and the current learning rate as a moving line.

Speed. Moves of the learning rate or the step count only move the path, the
loss curve and the learning-rate line (blitted, see :class:`Explorer`). A new
scale, or ticking *standardize*, changes static content: the contours, limits
and title of the left panel and the shading of the learning-rate strip. Those
two are repainted into the cached background (:meth:`_repaint_panels`: the
left panel's slot is covered and its axes drawn again; the strip's data area
only), which gives the same pixels as a full draw for about two thirds of its
cost; the loss panel, whose static content never changes, is not redrawn. A coarse grid
and a few contour levels keep the contours cheap. Under *standardize* the scale
no longer changes the data the model sees, and a scale move is a blitted move.
"""

from __future__ import annotations

import math

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator

from helpers.data import regression_data, standardize
from helpers.descent import (
    DescentRun,
    Stability,
    contraction_factor,
    quadratic_stability,
    run_gradient_descent,
    verdict,
    visible_path,
)
from helpers.plotting import COLORS, PALETTE, STYLE, TEXT_COLORS
from helpers.widgets.base import Explorer
from helpers.widgets.controls import R10_MANTISSAS, ROUND_MANTISSAS, Slider, linear_stops, log_stops

SCALE_RANGE = (0.01, 100.0)  # scale of feature 2 (log slider, ten stops a decade)
LR_RANGE = (1e-6, 2.0)  # learning rate (log slider, round numbers)
LR_AXIS = (1e-6, 20.0)  # the learning-rate strip (room to the right for "diverges")
MAX_STEPS = 200
LOSS_FLOOR, LOSS_CEILING = 1e-10, 1e6  # loss-gap axis; the curve rides an edge beyond these
BOX_FACTOR = 20.0  # a path is drawn until it leaves 20x the plotted box
CONTOUR_RECT = (0.085, 0.125, 0.37, 0.8)  # fixed axes positions (figure fractions)
LOSS_RECT = (0.595, 0.45, 0.385, 0.5)
LR_RECT = (0.595, 0.125, 0.385, 0.17)
# (left, bottom, right, top): all that a panel may paint, its labels included
CONTOUR_SLOT = (0.0, 0.0, 0.49, 1.0)
# "converged": gradient norm at most this (and the loss no longer falling); the start's gradient
# is about 4, so w is then within about 0.01 / lambda_min of the minimum
GRAD_TOL = 1e-2
GRID = 61  # contour grid per side (coarse: contours are ellipses)
LEVELS = 2.0 ** np.arange(-10, 3)  # contour levels: loss gap as a multiple of the start's gap

# How a run ended, in the words of the lesson (from helpers.descent.verdict).
OUTCOMES = {
    "converged": "converged",
    "converged, zig-zagging": "converged",
    "diverged": "diverged",
    "still descending": "slow",
    "oscillating": "slow",
    "escaping": "diverged",
}
OUTCOME_REASONS = {
    "converged": "the gradient is (almost) zero: the run reached the minimum",
    "diverged": "lr is above 2/λmax: the steep direction overshoots further at every step",
}


def _fmt(value: float) -> str:
    if not np.isfinite(value):
        return "inf" if value > 0 else "nan"
    return f"{value:.3g}"


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power_of_ten(value: float, _position=None) -> str:
    """Tick label ``10⁻⁶`` in plain text (mathtext labels cost ~1 ms each per draw)."""
    return "10" + str(int(round(np.log10(value)))).translate(_SUPERSCRIPT) if value > 0 else ""


def _fmt_factor(factor: float) -> str:
    """A contraction factor: enough digits to tell 0.99988 from 1."""
    if 0.99 <= factor < 1.0:
        digits = int(np.ceil(-np.log10(1.0 - factor))) + 2
        return f"{factor:.{min(digits, 10)}f}"
    return _fmt(factor)


class FeatureScalingExplorer(Explorer):
    """Two-feature linear regression; the scale of feature 2, standardising, learning rate, steps.

    Keyboard: Tab to a slider or the check box, then the arrow keys (space toggles the box).
    Programmatic (lessons and tests): :meth:`set` changes several controls with one refresh;
    :attr:`X_used`, :attr:`hessian`, :attr:`stability`, :attr:`condition_number`, :attr:`run`,
    :attr:`outcome` and :attr:`readout_lines` describe what is shown.
    """

    alt_text = (
        "Feature-scaling explorer. Left: contour ellipses of the linear-regression loss over the "
        "two weights w1 and w2, drawn at equal scale, with the path of gradient descent from "
        "w = (0, 0) (black square) to its end point (circle) and the minimum (star). Scaling "
        "feature 2 away from 1 stretches the ellipses into a narrow valley. Top right: the loss "
        "minus its lowest value at every step, on a log scale. Bottom right: a log axis of "
        "learning rates with the stable range below 2/λmax shaded green, the best fixed rate "
        "dotted and the current learning rate as a vertical line. The readout above the figure "
        "gives the Hessian eigenvalues, the condition number, the largest stable learning rate, "
        "the current one and whether the run converged, is slow or diverged."
    )

    def __init__(
        self,
        scale: float = 1.0,
        lr: float = 0.1,
        steps: int = 50,
        standardized: bool = False,
        n: int = 100,
        seed: int = 1,
        data=None,
    ):
        if data is None:
            X, y, _ = regression_data(n=n, d=2, noise=0.1, seed=seed)
        else:
            X, y = (np.asarray(a, dtype=float) for a in data)
        if X.ndim != 2 or X.shape[1] != 2 or y.shape != (len(X),):
            raise ValueError("the explorer needs X of shape (n, 2) and y of shape (n,)")
        # Centred data (the job of an intercept, done once): then standardising only rescales,
        # and the two-weight model fits equally well before and after it.
        self.X_base, self.y = X - X.mean(axis=0), y - y.mean()
        super().__init__(figsize=(8.0, 3.9))
        self._build_figure()
        self.scale_slider = self.add_control(
            "scale",
            Slider(
                "scale of x2",
                log_stops(*SCALE_RANGE, R10_MANTISSAS),
                scale,
                fmt=".3g",
                width="320px",
            ),
        )
        self.standardize_box = self.add_control(
            "standardized",
            widgets.Checkbox(
                value=standardized,
                description="standardize the features",
                indent=False,
                layout={"width": "210px"},
            ),
        )
        self.lr_slider = self.add_control(
            "lr",
            Slider("learning rate", log_stops(*LR_RANGE, ROUND_MANTISSAS), lr, fmt=".3g", page=12),
        )
        self.steps_slider = self.add_control(
            "steps", Slider("steps", linear_stops(1, MAX_STEPS, 1), steps, fmt=".0f", integer=True)
        )
        self._shown_data = None
        self.run: DescentRun | None = None
        self.outcome = ""

    # -- figure -----------------------------------------------------------------
    def _build_figure(self) -> None:
        fig = self.fig
        fig.clear()
        # A fixed layout (no layout engine): constrained layout would cost more than all
        # the drawing on every full draw, and nothing here changes size.
        fig.set_layout_engine("none")
        with matplotlib.rc_context(STYLE):
            self.ax = fig.add_axes(CONTOUR_RECT)
            self.ax_loss = fig.add_axes(LOSS_RECT)
            self.ax_lr = fig.add_axes(LR_RECT)
        ax, ax_loss, ax_lr = self.ax, self.ax_loss, self.ax_lr
        self._contour = None
        (self.path_line,) = ax.plot(
            [],
            [],
            "-o",
            color=COLORS["path"],
            markersize=2.5,
            linewidth=1.4,
            label="gradient descent",
        )
        (self.start_point,) = ax.plot(
            [0.0], [0.0], "s", color=COLORS["point"], markersize=7, label="start"
        )
        (self.end_point,) = ax.plot(
            [], [], "o", color=PALETTE["yellow"], markeredgecolor="black", markersize=7, label="end"
        )
        (self.minimum_point,) = ax.plot(
            [],
            [],
            "*",
            color=PALETTE["sky"],
            markeredgecolor="black",
            markersize=12,
            label="minimum",
            zorder=4,
        )
        ax.set_aspect("equal", adjustable="box")
        ax.xaxis.set_major_locator(MaxNLocator(4))  # few labels: each is drawn on every scale move
        ax.yaxis.set_major_locator(MaxNLocator(4))
        ax.set_xlabel("w1 (weight of feature 1)")
        ax.set_ylabel("w2 (weight of feature 2)")
        # fixed label places: placing them by the tick labels costs a layout of every label
        ax.xaxis.set_label_coords(0.5, -0.1)
        ax.yaxis.set_label_coords(-0.17, 0.5)

        (self.loss_line,) = ax_loss.plot([], [], color=COLORS["loss"])
        ax_loss.set_yscale("log")
        ax_loss.set_ylim(LOSS_FLOOR, LOSS_CEILING)
        ax_loss.set_yticks([1e-10, 1e-6, 1e-2, 1e2, 1e6])
        ax_loss.yaxis.set_minor_locator(NullLocator())  # minor log ticks: 100+ artists per draw
        ax_loss.yaxis.set_major_formatter(FuncFormatter(_power_of_ten))
        ax_loss.set_xlim(0, MAX_STEPS)
        ax_loss.set_xlabel("step")
        ax_loss.set_ylabel("loss − lowest loss")

        # The learning-rate strip. Its stable range changes only with the data: static content,
        # repainted with the contour panel, so a learning-rate move blits just the lr line.
        ax_lr.set_xscale("log")
        ax_lr.set_xlim(*LR_AXIS)
        ax_lr.set_xticks(10.0 ** np.arange(-6, 2))  # 10⁻⁶ ... 10¹
        ax_lr.xaxis.set_minor_locator(NullLocator())
        ax_lr.xaxis.set_major_formatter(FuncFormatter(_power_of_ten))
        ax_lr.set_ylim(0, 1)
        ax_lr.set_yticks([])
        ax_lr.grid(False)
        ax_lr.set_xlabel("learning rate lr (log scale)")
        label_box = {"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1}
        self.stable_span = ax_lr.axvspan(
            LR_AXIS[0], 1.0, color=COLORS["gradient"], alpha=0.3, linewidth=0
        )
        self.unstable_span = ax_lr.axvspan(
            1.0, LR_AXIS[1], color=COLORS["tangent"], alpha=0.12, linewidth=0
        )
        self.max_lr_line = ax_lr.axvline(
            1.0, color=COLORS["gradient"], linestyle="--", linewidth=1.5
        )
        self.best_lr_line = ax_lr.axvline(0.5, color=COLORS["secant"], linestyle=":", linewidth=2)
        label = {
            "fontsize": 8,
            "bbox": label_box,
            "clip_on": True,
        }  # nothing paints outside the strip
        self.max_lr_label = ax_lr.text(1.0, 0.95, "", va="top", color="black", **label)
        self.best_lr_label = ax_lr.text(
            0.5, 0.1, "best ", va="bottom", ha="right", color=TEXT_COLORS["secant"], **label
        )
        self.diverges_label = ax_lr.text(
            1.3, 0.1, "diverges", va="bottom", ha="left", color=TEXT_COLORS["tangent"], **label
        )
        stable_label = ax_lr.text(
            LR_AXIS[0] * 1.4, 0.1, "stable", va="bottom", ha="left", color="black", **label
        )
        self._lr_static = [
            self.stable_span,
            self.unstable_span,
            self.max_lr_line,
            self.best_lr_line,
            self.max_lr_label,
            self.best_lr_label,
            self.diverges_label,
            stable_label,
        ]
        self.lr_line = ax_lr.axvline(0.1, ymax=0.72, color=COLORS["path"], linewidth=2.5)
        self.animate(self.path_line, self.start_point, self.end_point, self.loss_line, self.lr_line)
        self.repaintable(self.ax, slot=CONTOUR_SLOT)
        self.repaintable(self.ax_lr, slot="data")  # the lr axis itself never changes

    def _data_key(self, scale: float, standardized: bool):
        """What the model sees: under standardisation, the scale makes no difference."""
        return ("standardized",) if standardized else ("raw", float(scale))

    def _show_data(self, scale: float, standardized: bool) -> None:
        """Everything that depends on the (scaled) data: Hessian, minimum, contours, stable range."""
        X = self.X_base * np.array([1.0, scale])
        if standardized:
            X = standardize(X)[0]
        n = len(self.y)
        self.X_used = X
        self.hessian = 2.0 / n * X.T @ X
        self._b = 2.0 / n * X.T @ self.y  # gradient = H w - b
        self.stability: Stability = quadratic_stability(self.hessian)
        lams = self.stability.eigenvalues
        self.condition_number = float(lams.max() / lams.min())
        self.w_best = np.linalg.solve(X.T @ X, X.T @ self.y)
        self.lowest_loss = self.loss(self.w_best)
        self._draw_contours(scale, standardized)
        self._move_stable_range()
        self._shown_data = self._data_key(scale, standardized)
        self.repaint(self.ax, self.ax_lr)  # the loss panel's static content never changes

    def _draw_contours(self, scale: float, standardized: bool) -> None:
        """New contours, limits and title (static content of the left panel)."""
        if self._contour is not None:
            self._contour.remove()
        ax = self.ax
        # An equal-aspect square box around the start (0, 0) and the minimum.
        corners = np.array([[0.0, 0.0], self.w_best])
        centre = corners.mean(axis=0)
        half = 0.62 * np.abs(corners[1] - corners[0]).max() + 1e-9
        low, high = centre - half, centre + half
        self._box = (low, high)
        WX, WY = np.meshgrid(np.linspace(low[0], high[0], GRID), np.linspace(low[1], high[1], GRID))
        DX, DY = WX - self.w_best[0], WY - self.w_best[1]
        h = self.hessian
        gap = 0.5 * (
            h[0, 0] * DX**2 + 2 * h[0, 1] * DX * DY + h[1, 1] * DY**2
        )  # exact: L is quadratic
        # Filled log-spaced levels (each ellipse sqrt(2) times the size of the one inside it),
        # coloured evenly by drawing log10 of the loss gap.
        start_gap = self.loss(np.zeros(2)) - self.lowest_loss
        log_gap = np.log10(np.maximum(gap, start_gap * LEVELS[0] * 1e-3))
        top = max(float(log_gap.max()), np.log10(start_gap * LEVELS[-1])) + 1e-6
        levels = np.concatenate([[log_gap.min() - 1e-6], np.log10(start_gap * LEVELS), [top]])
        self._contour = ax.contourf(
            WX, WY, log_gap, levels=np.unique(np.minimum(levels, top)), cmap="cividis", alpha=0.85
        )
        ax.set_xlim(low[0], high[0])
        ax.set_ylim(low[1], high[1])
        self.minimum_point.set_data([self.w_best[0]], [self.w_best[1]])
        what = "standardized" if standardized else f"×{scale:.3g}"
        ax.set_title(f"loss contours, feature 2 {what}", fontsize=10)

    def _move_stable_range(self) -> None:
        """Shade ``(0, 2/lambda_max)`` green and beyond it red; mark the best fixed rate."""
        max_lr, best_lr = self.stability.max_lr, self.stability.best_lr
        low, high = LR_AXIS
        self.stable_span.set_bounds(low, 0.0, max_lr - low, 1.0)
        self.unstable_span.set_bounds(max_lr, 0.0, high - max_lr, 1.0)
        self.max_lr_line.set_xdata([max_lr, max_lr])
        self.best_lr_line.set_xdata([best_lr, best_lr])
        room_left = max_lr / low > 3e3  # the label fits to the left of the boundary
        self.max_lr_label.set_text(
            ("2/λmax = " + _fmt(max_lr) + " ") if room_left else (" 2/λmax = " + _fmt(max_lr))
        )
        self.max_lr_label.set_x(max_lr)
        self.max_lr_label.set_horizontalalignment("right" if room_left else "left")
        self.best_lr_line.set_visible(max_lr / best_lr > 1.3)  # else it sits on the boundary
        self.best_lr_label.set_visible(max_lr / best_lr > 1.3)
        self.best_lr_label.set_x(best_lr)
        near_edge = max_lr * 30 > high  # too little room right of the boundary
        self.diverges_label.set_x(high / 1.1 if near_edge else max_lr * 1.3)
        self.diverges_label.set_horizontalalignment("right" if near_edge else "left")

    def loss(self, w) -> float:
        """``(1/n)||X_used w - y||^2`` for the data shown."""
        return float(np.mean((self.X_used @ np.asarray(w, dtype=float) - self.y) ** 2))

    def gradient(self, w) -> np.ndarray:
        """``(2/n) X_used^T (X_used w - y)`` (computed as ``H w - (2/n) X^T y``)."""
        return self.hessian @ np.asarray(w, dtype=float) - self._b

    def _visible_path(self, path: np.ndarray) -> np.ndarray:
        """The finite part of the path, up to the first point far outside the plotted box."""
        return visible_path(path, *self._box, box_factor=BOX_FACTOR)

    # -- the update ---------------------------------------------------------------
    def update(self, scale: float, standardized: bool, lr: float, steps: int) -> str:
        if self._data_key(scale, standardized) != self._shown_data:
            self._show_data(scale, standardized)
        run = run_gradient_descent(self.gradient, np.zeros(2), lr, steps, loss=self.loss)
        self.run = run
        self.outcome = OUTCOMES[verdict(run, grad_tol=GRAD_TOL)]

        shown = self._visible_path(run.path)
        self.path_line.set_data(shown[:, 0], shown[:, 1])
        self.end_point.set_data(shown[-1:, 0], shown[-1:, 1])
        gap = run.losses - self.lowest_loss
        gap = np.clip(gap[np.isfinite(gap)], LOSS_FLOOR, LOSS_CEILING * 10)
        self.loss_line.set_data(np.arange(len(gap)), gap)
        self.lr_line.set_xdata([lr, lr])
        return self._readout(scale, standardized, lr, run)

    def _readout(self, scale: float, standardized: bool, lr: float, run: DescentRun) -> str:
        stab = self.stability
        lams = stab.eigenvalues
        data = (
            f"feature 2 ×{scale:.3g}, then standardized"
            if standardized
            else f"feature 2 ×{scale:.3g} (raw units)"
        )
        factor = contraction_factor(lams, lr)
        state = "inside the stable range" if lr < stab.max_lr else "OUTSIDE the stable range"
        # Steps for the error to shrink 1000x at the best fixed rate: the slow direction's pace.
        best_steps = np.log(1e-3) / np.log(stab.best_factor) if stab.best_factor > 0 else 1.0
        ended = "" if run.finite else f" (overflow: stopped at step {run.num_steps})"
        lines = [
            f"{data} · Hessian (2/n)XᵀX eigenvalues λ = {_fmt(lams[0])}, {_fmt(lams[1])} · "
            f"condition number κ = λmax/λmin = {_fmt(self.condition_number)}",
            f"max stable lr = 2/λmax = {_fmt(stab.max_lr)} · best fixed lr = 2/(λmin+λmax) = "
            f"{_fmt(stab.best_lr)} · lr = {_fmt(lr)} is {state} "
            f"(per step the error in the worst direction is multiplied by {_fmt_factor(factor)})",
            f"after {run.num_steps} steps{ended}: w = ({_fmt(run.final[0])}, {_fmt(run.final[1])}), "
            f"loss {_fmt(run.final_loss)} (lowest {_fmt(self.lowest_loss)}) · {self.outcome}: "
            f"{self._reason(lr)}",
            f"even at the best fixed lr, shrinking the error 1000× takes {math.ceil(max(best_steps, 1)):,} steps",
        ]
        return "\n".join(lines)

    def _reason(self, lr: float) -> str:
        """Why the run ended as it did, in one clause."""
        if self.outcome in OUTCOME_REASONS:
            return OUTCOME_REASONS[self.outcome]
        lam_min, lam_max = self.stability.eigenvalues.min(), self.stability.eigenvalues.max()
        flat, steep = abs(1.0 - lr * lam_min), abs(1.0 - lr * lam_max)
        if lr < 0.25 * self.stability.max_lr:
            return "the loss is still falling; lr is well below the stable limit 2/λmax, a larger one would be faster"
        if steep > flat:
            return (
                f"the loss is still falling; lr is close to 2/λmax, so the steep direction zig-zags and "
                f"its error shrinks only by the factor {_fmt_factor(steep)} per step"
            )
        return (
            f"the loss is still falling; along the flat direction (λmin) the error shrinks only by "
            f"the factor {_fmt_factor(flat)} per step, since lr must stay below 2/λmax for the steep one"
        )

    # -- benchmark -------------------------------------------------------------------
    @classmethod
    def benchmark_moves(cls):
        """Learning-rate moves (blitted) across the stable boundary, at scale 10.

        :meth:`benchmark_scale_moves` gives the scale moves, which redraw the contours.
        """
        explorer = cls(scale=10.0, lr=0.001, steps=50)
        explorer.widget
        # step counts first, while the path is stable (a diverged path leaves the view,
        # so more steps would change nothing on screen)
        moves = [lambda v=v: explorer.set(steps=v) for v in (60, 80, 120, 200, 50)]
        moves += [lambda v=v: explorer.set(lr=v) for v in log_stops(1e-4, 0.02)]
        return explorer, moves

    @classmethod
    def benchmark_scale_moves(cls):
        """Scale moves: each one repaints the contour panel and the stable range (no full draw)."""
        explorer = cls(scale=1.0, lr=0.001, steps=50)
        explorer.widget
        moves = [lambda v=v: explorer.set(scale=v) for v in 10.0 ** np.arange(-2.0, 2.01, 0.5)]
        return explorer, moves
