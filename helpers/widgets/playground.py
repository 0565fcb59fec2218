"""The gradient-descent playground of lesson 05.

Pick a function, a start point (click or drag on the contour plot, or use the
start sliders), a learning rate (log scale, round numbers), a momentum β and a
number of steps; the path, the loss curve and a readout update live. A third
panel shows *why* a learning rate works or not: the factor by which one step
shrinks the slowest direction near a minimum, against the learning rate, with
the stability boundary and the best rate marked (on x^2 + 3y^2 without momentum:
1/3 and 0.25).

Momentum (heavy ball, ``v <- beta v + grad``, ``w <- w - lr v``) changes that
factor: along an eigendirection with curvature ``lam`` the error follows
``e_{k+1} = (1 + beta - lr lam) e_k - beta e_{k-1}``, which shrinks exactly when
``0 < lr lam < 2 (1 + beta)`` (and ``0 <= beta < 1``); the factor per step is the
larger root of ``r^2 - (1 + beta - lr lam) r + beta`` in absolute value.

Only the moving artists (path, start and end points, loss curve, learning-rate
marker) are redrawn on a move (blitting, see :class:`Explorer`). A new step count
or β repaints one panel into the cached background; a new function redraws the figure.
"""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib.backend_bases import MouseEvent
from matplotlib.ticker import FormatStrFormatter, MaxNLocator, NullLocator

from helpers.descent import (
    VERDICTS,
    DescentRun,
    contraction_factor,
    max_stable_lr,
    quadratic_stability,
    run_gradient_descent,
    verdict,
    visible_path,
)
from helpers.functions import FUNCTIONS_2D
from helpers.plotting import COLORS, PALETTE, STYLE, TEXT_COLORS, plot_contour
from helpers.widgets.base import Explorer
from helpers.widgets.controls import Dropdown, Slider, linear_stops, log_stops

LR_RANGE = (1e-4, 2.0)  # learning-rate slider: round numbers, about 12 a decade ...
LR_EXTRA = (0.32, 0.34)  # ... and the two that lesson 5 asks for, either side of 1/3
MOMENTA = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)
MAX_STEPS = 200
LOSS_FLOOR, LOSS_CEILING = 1e-12, 1e6  # loss-gap axis; the curve rides an edge beyond these
BOX_FACTOR = 20.0  # a path is drawn until it leaves 20x the plotted box
GRAD_TOL = 1e-3  # "converged" needs |grad| <= this (and a loss that stopped falling)


def _fmt(value: float) -> str:
    if not np.isfinite(value):
        return "inf" if value > 0 else ("-inf" if value < 0 else "nan")
    if value != 0 and (abs(value) >= 1e4 or abs(value) < 1e-3):
        return f"{value:.2e}"
    return f"{value:.4g}"


class GradientDescentPlayground(Explorer):
    """Gradient descent on a 2-D function, with its path, loss curve and stability panel.

    Keyboard: Tab to a control, then the arrow keys (Page Up/Down for big moves).
    Mouse: click or drag on the contour plot to move the start point.
    Programmatic (lessons and tests): :meth:`set` (also ``start=(x, y)``), :attr:`run`,
    :attr:`verdict`.
    """

    alt_text = (
        "Gradient-descent playground. Left: contour plot of the chosen function with the "
        "path of gradient descent from the start point (black square) to the end point "
        "(circle); click or drag to move the start. Top right: the loss, minus the lowest "
        "minimum, at every step on a log scale. Bottom right: the factor by which one step "
        "shrinks the slowest direction near a minimum, against the learning rate; below 1 "
        "the run converges, the dashed line marks the stability boundary, the dotted line "
        "the best learning rate for the chosen momentum and the solid line the current one. "
        "The readout above the figure states the end point, final loss, a verdict (converged, "
        "still descending, oscillating, diverged) and the stable range."
    )

    fixed_layout = True  # tick labels keep their width (one decimal), titles are placed at y = 1

    def __init__(
        self,
        function: str = "elongated bowl",
        lr: float | None = None,
        steps: int = 50,
        start=None,
        momentum: float = 0.0,
        functions=None,
    ):
        self.functions = dict(functions or FUNCTIONS_2D)
        super().__init__(figsize=(8.0, 3.9))
        fig = self.fig
        fig.clear()
        # a clear gap between the right-hand panels: each is repainted alone (steps, momentum)
        fig.get_layout_engine().set(h_pad=0.08)
        with matplotlib.rc_context(STYLE):
            axes = fig.subplot_mosaic(
                [["contour", "loss"], ["contour", "stability"]], width_ratios=[1.2, 1.0]
            )
        self.ax = axes["contour"]
        self.ax_loss, self.ax_stab = axes["loss"], axes["stability"]
        self._build_artists()
        self.repaintable(self.ax_loss, self.ax_stab)

        fn = self.functions[function]
        start = fn.start if start is None else start
        self.function_choice = self.add_control(
            "function",
            Dropdown("function", list(self.functions), function),
            on_change=self._on_function,
        )
        self.lr_slider = self.add_control(
            "lr",
            Slider(
                "learning rate",
                sorted({*log_stops(*LR_RANGE), *LR_EXTRA}),
                fn.lr if lr is None else lr,
                fmt=".3g",
                page=12,
                width="300px",
            ),
        )
        self.momentum_slider = self.add_control(
            "momentum", Slider("momentum β", MOMENTA, momentum, fmt="g", page=3, width="260px")
        )
        self.steps_slider = self.add_control(
            "steps",
            Slider(
                "steps",
                linear_stops(1, MAX_STEPS, 1),
                steps,
                fmt=".0f",
                integer=True,
                width="300px",
            ),
        )
        self.x0_slider = self.add_control(
            "x0", Slider("start x", self._start_stops(fn.xlim), start[0], fmt=".2f", width="250px")
        )
        self.y0_slider = self.add_control(
            "y0", Slider("start y", self._start_stops(fn.ylim), start[1], fmt=".2f", width="250px")
        )
        self._shown_function = None
        self._shown_momentum = None
        self._shown_steps = None
        self._dragging = False
        self.run: DescentRun | None = None
        self.verdict = ""
        canvas = self.fig.canvas
        canvas.mpl_connect("button_press_event", self._on_press)
        canvas.mpl_connect("motion_notify_event", self._on_motion)
        canvas.mpl_connect("button_release_event", self._on_release)

    @staticmethod
    def _start_stops(limits):
        return linear_stops(*limits, 0.05)

    def _on_function(self, name: str) -> None:
        """A new function opens with its own start point and learning rate."""
        fn = self.functions[name]
        self.lr_slider.value = fn.lr
        self.x0_slider.configure(self._start_stops(fn.xlim), fn.start[0])
        self.y0_slider.configure(self._start_stops(fn.ylim), fn.start[1])

    def control_rows(self):
        c = self.controls
        return [
            [c["function"], c["lr"], c["momentum"]],
            [c["steps"], c["x0"], c["y0"]],
        ]

    # -- figure ----------------------------------------------------------------
    def _build_artists(self) -> None:
        ax, ax_loss, ax_stab = self.ax, self.ax_loss, self.ax_stab
        self._contour = None
        self._static = []  # per-function artists of the contour panel
        self._stab_static = []  # per-function-and-momentum artists of the stability panel
        (self.path_line,) = ax.plot(
            [], [], "-o", color=COLORS["path"], markersize=3, linewidth=1.5, label="path"
        )
        (self.start_point,) = ax.plot(
            [], [], "s", color=COLORS["point"], markersize=8, label="start"
        )
        (self.end_point,) = ax.plot(
            [], [], "o", color=PALETTE["yellow"], markeredgecolor="black", markersize=8, label="end"
        )
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        for axis in (ax.xaxis, ax.yaxis):  # the same width for every function's ticks
            axis.set_major_formatter(FormatStrFormatter("%.1f"))
        (self.loss_line,) = ax_loss.plot([], [], color=COLORS["loss"])
        ax_loss.set_xlabel("step")
        ax_loss.yaxis.set_minor_locator(NullLocator())  # minor log ticks: 100+ marks a repaint
        ax_loss.xaxis.set_major_locator(MaxNLocator(5, integer=True))
        ax_stab.set_ylim(0, 2)
        ax_stab.axhline(1.0, color="0.4", linestyle=":", linewidth=1)
        ax_stab.set_xlabel("learning rate lr")
        ax_stab.set_ylabel("factor per step")
        ax_stab.xaxis.set_major_locator(MaxNLocator(5))
        self.lr_line = ax_stab.axvline(1e-2, color=COLORS["path"], linewidth=1.5)
        (self.lr_marker,) = ax_stab.plot([], [], "o", color=COLORS["path"], markersize=6)
        self.animate(
            self.path_line,
            self.start_point,
            self.end_point,
            self.loss_line,
            self.lr_line,
            self.lr_marker,
        )

    def _show_function(self, name: str) -> None:
        """Draw what depends on the function only: contours, minima, loss axis."""
        fn = self.functions[name]
        for artist in self._static:
            artist.remove()
        self._static = []
        if self._contour is not None:
            self._contour.remove()
        ax = self.ax
        self._contour = plot_contour(ax, fn.value, fn.xlim, fn.ylim, levels=18, num=120, log=True)
        for mx, my in fn.minima:
            self._static += ax.plot(
                [mx],
                [my],
                "*",
                color=PALETTE["sky"],
                markeredgecolor="black",
                markersize=13,
                zorder=4,
            )
        ax.set_title(f"{fn.name}:  ${fn.latex}$", fontsize=10, y=1.0)

        # Loss axis: the gap to the lowest minimum on a log scale; without a minimum, symlog.
        # (Named in the title: a y label that long does not fit beside a short panel.)
        ax_loss = self.ax_loss
        if fn.minima:
            self._loss_offset = min(fn(m) for m in fn.minima)
            ax_loss.set_yscale("log")
            ax_loss.set_ylim(LOSS_FLOOR, LOSS_CEILING)
            ax_loss.set_yticks([1e-12, 1e-8, 1e-4, 1, 1e4])
            ax_loss.set_title("loss − lowest minimum (log scale)", fontsize=9, y=1.0)
        else:
            self._loss_offset = 0.0
            ax_loss.set_yscale("symlog", linthresh=1.0)
            ax_loss.set_ylim(-LOSS_CEILING, LOSS_CEILING)
            ax_loss.set_yticks([-1e6, -1e3, 0, 1e3, 1e6])
            ax_loss.set_title("loss (symmetric log scale)", fontsize=9, y=1.0)
        points = list(fn.minima) or [(0.0, 0.0)]  # no minimum: the saddle point
        self._stabilities = [(point, quadratic_stability(fn.hessian(point))) for point in points]
        self._box = (np.array([fn.xlim[0], fn.ylim[0]]), np.array([fn.xlim[1], fn.ylim[1]]))
        self._shown_function = name
        self._shown_momentum = None
        self.invalidate()

    def _show_momentum(self, beta: float) -> None:
        """The stability panel for this function and momentum: the factor per step against lr
        at each minimum, the stable range (green) and the best rate (dotted)."""
        for artist in self._stab_static:
            artist.remove()
        self._stab_static = []
        ax = self.ax_stab
        bounds = [max_stable_lr(s.eigenvalues, beta) for _, s in self._stabilities]
        self._stab_xmax = 2.0 * max(bounds) if max(bounds) > 0 else 1.0
        ax.set_xlim(0.0, self._stab_xmax)
        lrs = np.linspace(0.0, self._stab_xmax, 400)
        single = len(self._stabilities) == 1
        label_box = {"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1}
        self._lowest = []  # per minimum: (lowest factor over lr, lr where it is reached)
        for i, ((_point, stab), bound) in enumerate(zip(self._stabilities, bounds)):
            factor = contraction_factor(stab.eigenvalues, lrs, beta)
            self._stab_static += ax.plot(
                lrs, np.minimum(factor, 2.5), "-" if i == 0 else "--", color=COLORS["function"]
            )
            if single:  # one thin line per eigen-direction: the thick curve is their upper envelope
                for lam, style in zip(stab.eigenvalues, ("-.", ":")):
                    self._stab_static += ax.plot(
                        lrs,
                        np.minimum(contraction_factor([lam], lrs, beta), 2.5),
                        style,
                        color=COLORS["reference"],
                        linewidth=1,
                    )
            best = int(np.argmin(np.where(lrs > 0, factor, np.inf)))
            self._lowest.append((float(factor[best]), float(lrs[best])))
            if stab.has_negative_curvature:
                continue
            self._stab_static += [
                ax.axvspan(
                    0.0, bound, color=COLORS["gradient"], alpha=0.15 if single else 0.08, lw=0
                ),
                ax.axvline(bound, color=COLORS["gradient"], linestyle="--", linewidth=1.2),
            ]
            labels = [
                (bound, " 2(1+β)/λmax" if beta else " 2/λmax", TEXT_COLORS["gradient"], "left")
            ]
            if beta == 0:  # with momentum the lowest factor, sqrt(beta), holds over a whole range
                self._stab_static.append(
                    ax.axvline(stab.best_lr, color=COLORS["secant"], linestyle=":", linewidth=1.5)
                )
                labels.append((stab.best_lr, "best ", TEXT_COLORS["secant"], "right"))
            if i == 0:
                for x, text, color, align in labels:
                    self._stab_static.append(
                        ax.text(
                            x,
                            0.08,
                            text,
                            fontsize=7,
                            rotation=90,
                            color=color,
                            va="bottom",
                            ha=align,
                            bbox=label_box,
                        )
                    )
        if single and not self._stabilities[0][1].has_negative_curvature:
            title = f"stable for lr < {bounds[0]:.4g}"
        elif not single:
            title = "stable for lr < " + " (left), ".join(f"{b:.4g}" for b in bounds) + " (right)"
        else:
            title = "no lr is stable: a curvature is negative"
        ax.set_title(f"β = {beta:g}: {title}", fontsize=9, y=1.0)
        self._shown_momentum = beta
        self.repaint(self.ax_stab)

    def _show_steps(self, steps: int) -> None:
        """The step axis runs from 0 to the last step: repaint the loss panel alone."""
        self.ax_loss.set_xlim(0, steps)
        self._shown_steps = steps
        self.repaint(self.ax_loss)

    def _visible_path(self, path: np.ndarray) -> np.ndarray:
        """The finite part of the path, up to the first point far outside the plotted box."""
        return visible_path(path, *self._box, box_factor=BOX_FACTOR)

    # -- the update ----------------------------------------------------------------
    def update(
        self, function: str, lr: float, momentum: float, steps: int, x0: float, y0: float
    ) -> str:
        steps = int(steps)
        if function != self._shown_function:
            self._show_function(function)
        if momentum != self._shown_momentum:
            self._show_momentum(momentum)
        if steps != self._shown_steps:
            self._show_steps(steps)
        fn = self.functions[function]
        run = run_gradient_descent(fn.grad, (x0, y0), lr, steps, loss=fn, momentum=momentum)
        self.run, self.verdict = run, verdict(run, grad_tol=GRAD_TOL)

        shown = self._visible_path(run.path)
        self.path_line.set_data(shown[:, 0], shown[:, 1])
        self.start_point.set_data([x0], [y0])
        self.end_point.set_data(shown[-1:, 0], shown[-1:, 1])
        gap = run.losses - self._loss_offset
        finite = np.isfinite(gap)
        low = LOSS_FLOOR if fn.minima else -LOSS_CEILING * 10
        gap = np.clip(gap[finite], low, LOSS_CEILING * 10)
        self.loss_line.set_data(np.arange(len(gap)), gap)
        shown_lr = min(lr, self._stab_xmax)  # beyond the panel: pinned to its right edge
        self.lr_line.set_xdata([shown_lr, shown_lr])
        factor = contraction_factor(self._stabilities[0][1].eigenvalues, lr, momentum)
        self.lr_marker.set_data([shown_lr], [min(factor, 1.97)])
        self.lr_marker.set_marker("o" if lr <= self._stab_xmax else ">")
        return self._readout(fn, lr, momentum, run)

    def _readout(self, fn, lr: float, beta: float, run: DescentRun) -> str:
        end = run.final
        overflow = "" if run.finite else f" (overflow at step {run.num_steps}: stopped)"
        start = run.path[0]
        first = (
            f"{fn.name} · start ({start[0]:.2f}, {start[1]:.2f}) · lr = {lr:.3g} · β = {beta:g} · "
            f"{run.num_steps} steps{overflow} · end ({_fmt(end[0])}, {_fmt(end[1])}) · "
            f"loss {_fmt(run.final_loss)} · {self.verdict}"
        )
        if self.verdict.startswith("converged") and run.finite:
            curvature = np.linalg.eigvalsh(fn.hessian(end))
            if curvature.min() < 0:
                first += " - at a saddle point (a curvature < 0), not a minimum"
        lines = [first, f"{self.verdict}: {VERDICTS[self.verdict]}" + self._why(run)]
        for (point, stab), (lowest, _) in zip(self._stabilities, self._lowest):
            where = f"near ({point[0]:.3g}, {point[1]:.3g})"
            lams = ", ".join(f"{v:.3g}" for v in stab.eigenvalues)
            if stab.has_negative_curvature:
                lines.append(
                    f"{where}: Hessian eigenvalues {lams} - no learning rate is stable there; "
                    "descent slides away"
                )
                continue
            bound = max_stable_lr(stab.eigenvalues, beta)
            rule = "2/λmax" if beta == 0 else f"2(1+β)/λmax, β = {beta:g}"
            state = "inside" if lr < bound else "OUTSIDE"
            best_text = (
                f"best fixed lr = {stab.best_lr:.4g}"
                if beta == 0
                else f"with this β the smallest factor any lr gives is {lowest:.3g}"
                + (" = √β" if abs(lowest - np.sqrt(beta)) < 1e-3 else "")
            )
            lines.append(
                f"{where}: stable for lr < {bound:.4g} (= {rule}, λ = {lams}), {best_text}; "
                f"lr = {lr:.3g} is {state}; one step multiplies the slowest error by "
                f"{contraction_factor(stab.eigenvalues, lr, beta):.4g}"
            )
        return "\n".join(lines)

    @staticmethod
    def _why(run: DescentRun) -> str:
        """The numbers behind a converged / not-converged verdict."""
        if not run.finite or run.num_steps == 0:
            return ""
        norm = run.grad_norms[-1]
        drop = run.losses[-2] - run.losses[-1]
        if norm <= GRAD_TOL:
            return f" (gradient norm {_fmt(norm)} ≤ {GRAD_TOL:g}, the loss no longer falls)"
        return (
            f" - not converged after {run.num_steps} steps: gradient norm {_fmt(norm)} > "
            f"{GRAD_TOL:g}, the last step changed the loss by {_fmt(-drop)}"
        )

    # -- mouse: click or drag the start point -----------------------------------------
    def _on_press(self, event) -> None:
        if event.inaxes is self.ax and event.button == 1 and event.xdata is not None:
            self._dragging = True
            self.set_start(event.xdata, event.ydata)

    def _on_motion(self, event) -> None:
        if self._dragging and event.inaxes is self.ax and event.xdata is not None:
            self.set_start(event.xdata, event.ydata)

    def _on_release(self, _event) -> None:
        self._dragging = False

    # -- programmatic control (lessons, tests, benchmarks) ----------------------------
    def set_start(self, x: float, y: float) -> str:
        """Move the start point (clamped to the plot), with a single refresh."""
        return self.set(x0=x, y0=y)

    def set(self, start=None, **values) -> str:
        """As :meth:`Explorer.set`; ``start=(x, y)`` sets both start sliders."""
        if start is not None:
            values["x0"], values["y0"] = start
        return super().set(**values)

    # -- benchmark -------------------------------------------------------------
    @classmethod
    def benchmark_moves(cls):
        """A 50-step path on the elongated bowl: moves of the learning rate, the start point and
        the step count (49-51), a click and a drag.

        The first move's ``button_press_event`` starts the drag; the motion events that
        follow move the start point while the button is held.
        """
        explorer = cls("elongated bowl", lr=0.1, steps=50)
        explorer.widget  # controls, readout and canvas assembled as in a lesson
        fig = explorer.fig
        moves = [lambda v=v: explorer.set(lr=v) for v in (0.05, 0.1, 0.2, 0.25, 0.3, 0.35, 0.4)]
        moves += [lambda v=v: explorer.set(x0=v) for v in (3.0, 2.0, -1.0, -3.5)]
        moves += [lambda v=v: explorer.set(steps=v) for v in (49, 51, 50)]
        moves += [lambda v=v: explorer.set(momentum=v) for v in (0.5, 0.9, 0.0)]

        def mouse(kind, x, y):
            px, py = explorer.ax.transData.transform((x, y))
            event = MouseEvent(kind, fig.canvas, px, py, button=1)
            fig.canvas.callbacks.process(kind, event)

        moves.append(lambda: mouse("button_press_event", -2.0, 1.0))
        for i in range(1, 7):  # a drag: every motion event moves the start (the release is free)
            moves.append(lambda t=i: mouse("motion_notify_event", -2.0 + 0.5 * t, 1.0 - 0.3 * t))
        return explorer, moves

    @classmethod
    def benchmark_function_moves(cls):
        """Switching functions: each one redraws the whole figure (contours)."""
        explorer = cls("elongated bowl", lr=0.1, steps=50)
        explorer.widget
        moves = [lambda f=f: explorer.set(function=f) for f in list(explorer.functions)[::-1]]
        return explorer, moves
