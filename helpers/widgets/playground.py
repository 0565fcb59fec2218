"""The gradient-descent playground of lesson 05.

Pick a function, a start point (click or drag on the contour plot, or use the
x0/y0 sliders), a learning rate (log scale) and a number of steps; the path,
the loss curve and a readout update live. A third panel shows *why* a
learning rate works or not: the contraction factor ``max |1 - lr * lambda|``
over the Hessian eigenvalues ``lambda`` at the minimum, with the stability
boundary ``2 / lambda_max`` and the best fixed rate ``2 / (lambda_min + lambda_max)``
(on x^2 + 3y^2: 1/3 and 0.25).

Only the moving artists (path, start and end points, loss curve, learning-rate
marker) are redrawn on a move (blitting, see :class:`Explorer`). Changing the
function redraws the figure once; changing the number of steps repaints only the
step labels into the cached background, since the step axis always runs from the
first to the last step.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import offset_copy

from helpers.descent import (
    VERDICTS,
    DescentRun,
    contraction_factor,
    quadratic_stability,
    run_gradient_descent,
    verdict,
    visible_path,
)
from helpers.functions import FUNCTIONS_2D
from helpers.plotting import COLORS, PALETTE, STYLE, plot_contour
from helpers.widgets.base import Explorer

LR_MIN_EXP, LR_MAX_EXP = -4.0, 0.3  # learning-rate slider: 1e-4 ... ~2 on a log scale
LOSS_FLOOR, LOSS_CEILING = 1e-12, 1e6  # loss-gap axis; the curve rides an edge beyond these
BOX_FACTOR = 20.0  # a path is drawn until it leaves 20x the plotted box


def _fmt(value: float) -> str:
    if not np.isfinite(value):
        return "inf" if value > 0 else ("-inf" if value < 0 else "nan")
    if value != 0 and (abs(value) >= 1e4 or abs(value) < 1e-3):
        return f"{value:.2e}"
    return f"{value:.4g}"


class GradientDescentPlayground(Explorer):
    """Gradient descent on a 2-D function, with its path, loss curve and stability panel.

    Keyboard: Tab to a slider, then the arrow keys (Page Up/Down for big moves).
    Mouse: click or drag on the contour plot to move the start point.
    Programmatic (lessons and tests): :meth:`set`, :attr:`run`, :attr:`verdict`.
    """

    alt_text = (
        "Gradient-descent playground. Left: contour plot of the chosen function with the "
        "path of gradient descent from the start point (black square) to the end point "
        "(circle); click or drag to move the start. Top right: the loss, minus the lowest "
        "minimum, at every step on a log scale. Bottom right: the factor by which one step "
        "shrinks the slowest direction near a minimum, against the learning rate; below 1 "
        "the run converges, the dashed line marks the stability boundary and the dotted "
        "line the best fixed learning rate. The readout above the figure states the end "
        "point, final loss, a verdict (converged, oscillating, diverged) and the stable range."
    )

    def __init__(
        self,
        function: str = "elongated bowl",
        lr: float | None = None,
        steps: int = 50,
        start=None,
        functions=None,
    ):
        self.functions = dict(functions or FUNCTIONS_2D)
        super().__init__(figsize=(8.0, 3.9))
        fig = self.fig
        fig.clear()
        with matplotlib.rc_context(STYLE):
            axes = fig.subplot_mosaic(
                [["contour", "loss"], ["contour", "stability"]], width_ratios=[1.2, 1.0]
            )
        self.ax = axes["contour"]
        self.ax_loss, self.ax_stab = axes["loss"], axes["stability"]
        self._build_artists()

        fn = self.functions[function]
        start = fn.start if start is None else start
        self._suspend = True  # build the controls without one refresh per control
        self.function_choice = self.add_control(
            "function",
            widgets.Dropdown(
                options=list(self.functions),
                value=function,
                description="function",
                layout={"width": "220px"},
            ),
        )
        self.lr_slider = self.add_control(
            "lr",
            widgets.FloatLogSlider(
                value=fn.lr if lr is None else lr,
                base=10,
                min=LR_MIN_EXP,
                max=LR_MAX_EXP,
                step=0.01,
                description="lr",
                readout_format=".3g",
                continuous_update=True,
                layout={"width": "340px"},
            ),
        )
        self.steps_slider = self.add_control(
            "steps",
            widgets.IntSlider(
                value=steps,
                min=1,
                max=200,
                step=1,
                description="steps",
                continuous_update=True,
                layout={"width": "300px"},
            ),
        )
        self.x0_slider = self.add_control(
            "x0",
            widgets.FloatSlider(
                value=start[0],
                min=fn.xlim[0],
                max=fn.xlim[1],
                step=0.05,
                description="start x0",
                readout_format=".2f",
                continuous_update=True,
                layout={"width": "300px"},
            ),
        )
        self.y0_slider = self.add_control(
            "y0",
            widgets.FloatSlider(
                value=start[1],
                min=fn.ylim[0],
                max=fn.ylim[1],
                step=0.05,
                description="start y0",
                readout_format=".2f",
                continuous_update=True,
                layout={"width": "300px"},
            ),
        )
        self._suspend = False
        self._shown_function = None
        self._shown_steps = None
        self._dragging = False
        self.run: DescentRun | None = None
        self.verdict = ""
        canvas = self.fig.canvas
        canvas.mpl_connect("button_press_event", self._on_press)
        canvas.mpl_connect("motion_notify_event", self._on_motion)
        canvas.mpl_connect("button_release_event", self._on_release)

    # -- figure ----------------------------------------------------------------
    def _build_artists(self) -> None:
        ax, ax_loss, ax_stab = self.ax, self.ax_loss, self.ax_stab
        self._contour = None
        self._static = []  # per-function artists, removed when the function changes
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
        (self.loss_line,) = ax_loss.plot([], [], color=COLORS["loss"])
        ax_loss.set_yscale("log")
        ax_loss.set_ylim(LOSS_FLOOR, LOSS_CEILING)
        ax_loss.set_xlabel("step")
        # The step axis changes with the steps slider. A full redraw costs ~100 ms (tick layout,
        # contours), so the x-axis runs from 0 to 1 (= the last step) and its labels are plain
        # texts, repainted alone into the cached background when the step count changes.
        ax_loss.set_xlim(0, 1)
        ax_loss.set_xticks([1.0], ["\u2007" * 3])  # blank, 3 digits wide: keeps room for the labels
        ax_loss.tick_params(axis="x", length=0)
        ax_loss.grid(False, axis="x")
        below = offset_copy(ax_loss.get_xaxis_transform(), fig=self.fig, y=-3.5, units="points")
        self._step_labels = [
            ax_loss.text(
                0,
                0,
                "",
                transform=below,
                ha="center",
                va="top",
                fontsize=matplotlib.rcParams["xtick.labelsize"],
                clip_on=False,
            )
            for _ in range(8)
        ]
        for label in self._step_labels:
            label.set_in_layout(False)  # the layout must not depend on the labels
        ax_stab.set_ylim(0, 2)
        ax_stab.axhline(1.0, color="0.4", linestyle=":", linewidth=1)
        ax_stab.set_xlabel("learning rate lr")
        ax_stab.set_ylabel("factor per step")
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
        """Draw what depends on the function only: contours, minima, loss axis, stability curves."""
        suspended, self._suspend = self._suspend, True  # slider range changes must not refresh
        try:
            self._draw_function(name)
        finally:
            self._suspend = suspended

    def _draw_function(self, name: str) -> None:
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
        ax.set_title(f"{fn.name}:  ${fn.latex}$", fontsize=10)

        # Loss axis: the gap to the lowest minimum on a log scale; without a minimum, symlog.
        ax_loss = self.ax_loss
        if fn.minima:
            self._loss_offset = min(fn(m) for m in fn.minima)
            ax_loss.set_yscale("log")
            ax_loss.set_ylim(LOSS_FLOOR, LOSS_CEILING)
            ax_loss.set_yticks([1e-12, 1e-8, 1e-4, 1, 1e4])
            ax_loss.set_ylabel("loss - lowest minimum")
        else:
            self._loss_offset = 0.0
            ax_loss.set_yscale("symlog", linthresh=1.0)
            ax_loss.set_ylim(-LOSS_CEILING, LOSS_CEILING)
            ax_loss.set_yticks([-1e6, -1e3, 0, 1e3, 1e6])
            ax_loss.set_ylabel("loss (symlog)")

        # Stability panel: per-step factor |1 - lr*lambda| at each minimum (or the saddle point),
        # on a linear lr axis from 0 to twice the stability boundary.
        ax_stab = self.ax_stab
        points = list(fn.minima) or [(0.0, 0.0)]
        self._stabilities = [(point, quadratic_stability(fn.hessian(point))) for point in points]
        bounds = [stab.max_lr for _, stab in self._stabilities if stab.max_lr > 0]
        self._stab_xmax = 2.0 * max(bounds) if bounds else 1.0
        ax_stab.set_xlim(0.0, self._stab_xmax)
        ax_stab.xaxis.set_major_locator(MaxNLocator(5))
        lrs = np.linspace(0.0, self._stab_xmax, 400)
        single = len(points) == 1
        label_box = {"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1}
        for i, (_point, stab) in enumerate(self._stabilities):
            factor = np.minimum(contraction_factor(stab.eigenvalues, lrs), 2.5)
            self._static += ax_stab.plot(
                lrs, factor, "-" if i == 0 else "--", color=COLORS["function"], linewidth=2
            )
            if single:  # one thin line per eigen-direction: the thick curve is their upper envelope
                for lam, style in zip(stab.eigenvalues, ("-.", ":")):
                    self._static += ax_stab.plot(
                        lrs,
                        np.minimum(np.abs(1 - lrs * lam), 2.5),
                        style,
                        color=COLORS["reference"],
                        linewidth=1,
                    )
                    x_end = self._stab_xmax
                    y_end = abs(1 - x_end * lam)
                    if y_end > 1.95:  # label where the line leaves the top of the panel
                        x_end, y_end = 2.95 / lam if lam > 0 else x_end, 1.95
                    self._static.append(
                        ax_stab.text(
                            x_end,
                            min(y_end, 1.95),
                            f"λ={lam:.3g}",
                            fontsize=7,
                            color=COLORS["reference"],
                            ha="right",
                            va="top",
                        )
                    )
            if not stab.has_negative_curvature:
                self._static.append(
                    ax_stab.axvspan(
                        0.0,
                        stab.max_lr,
                        color=COLORS["gradient"],
                        alpha=0.15 if single else 0.08,
                        linewidth=0,
                    )
                )
                self._static.append(
                    ax_stab.axvline(
                        stab.max_lr, color=COLORS["gradient"], linestyle="--", linewidth=1.2
                    )
                )
                self._static.append(
                    ax_stab.axvline(
                        stab.best_lr, color=COLORS["secant"], linestyle=":", linewidth=1.5
                    )
                )
                if i == 0:
                    self._static.append(
                        ax_stab.text(
                            stab.max_lr,
                            0.08,
                            " 2/λmax",
                            fontsize=7,
                            rotation=90,
                            color=COLORS["gradient"],
                            va="bottom",
                            ha="left",
                            bbox=label_box,
                        )
                    )
                    self._static.append(
                        ax_stab.text(
                            stab.best_lr,
                            0.08,
                            "best ",
                            fontsize=7,
                            rotation=90,
                            color=COLORS["secant"],
                            va="bottom",
                            ha="right",
                            bbox=label_box,
                        )
                    )
        first = self._stabilities[0][1]
        if single and not first.has_negative_curvature:
            text = f"stable: lr < {first.max_lr:.4g}\nbest: lr = {first.best_lr:.4g}"
        elif not single:
            text = "stable:\n" + "\n".join(
                f"lr < {s.max_lr:.4g} ({'left' if p[0] < 0 else 'right'} min., {style})"
                for (p, s), style in zip(self._stabilities, ("solid", "dashed"))
            )
        else:
            text = "no lr is stable here:\na curvature is negative"
        self._static.append(
            ax_stab.text(
                0.02,
                0.96,
                text,
                transform=ax_stab.transAxes,
                va="top",
                ha="left",
                fontsize=8,
                bbox=label_box,
            )
        )

        # The start sliders follow the plotted box.
        for slider, (low, high) in ((self.x0_slider, fn.xlim), (self.y0_slider, fn.ylim)):
            with slider.hold_trait_notifications():
                slider.min, slider.max = -1e9, 1e9
                slider.min, slider.max = low, high
        self._box = (np.array([fn.xlim[0], fn.ylim[0]]), np.array([fn.xlim[1], fn.ylim[1]]))
        self._shown_function = name
        self.invalidate()

    def _show_steps(self, steps: int) -> None:
        """Relabel the step axis; repaint only the labels (no full redraw)."""
        renderer = self.fig.canvas.get_renderer()
        drawn = self._background is not None and not self._full_draw_needed
        old = (
            [t.get_window_extent(renderer) for t in self._step_labels if t.get_text()]
            if drawn
            else []
        )
        ticks = MaxNLocator(nbins=5, integer=True).tick_values(0, steps)
        ticks = ticks[(ticks >= 0) & (ticks <= steps)]
        for label in self._step_labels:
            label.set_text("")
        for label, tick in zip(self._step_labels, ticks):
            label.set_text(f"{tick:.0f}")
            label.set_x(tick / max(steps, 1))
        self._shown_steps = steps
        if drawn:
            self._repaint_labels(old)

    def _repaint_labels(self, old_extents) -> None:
        """Paint over the old step labels and draw the new ones into the cached background."""
        canvas = self.fig.canvas
        renderer = canvas.get_renderer()
        canvas.restore_region(self._background)
        for box in old_extents:
            cover = Rectangle(
                (box.x0 - 1, box.y0 - 1),
                box.width + 2,
                box.height + 2,
                transform=None,
                facecolor=self.fig.get_facecolor(),
                edgecolor="none",
            )
            cover.set_figure(self.fig)
            cover.draw(renderer)
        for label in self._step_labels:
            if label.get_text():
                label.draw(renderer)
        self._background = canvas.copy_from_bbox(self.fig.bbox)

    def _visible_path(self, path: np.ndarray) -> np.ndarray:
        """The finite part of the path, up to the first point far outside the plotted box."""
        return visible_path(path, *self._box, box_factor=BOX_FACTOR)

    # -- the update ----------------------------------------------------------------
    def update(self, function: str, lr: float, steps: int, x0: float, y0: float) -> str:
        if function != self._shown_function:
            self._show_function(function)
        if steps != self._shown_steps:
            self._show_steps(steps)
        fn = self.functions[function]
        run = run_gradient_descent(fn.grad, (x0, y0), lr, steps, loss=fn)
        self.run, self.verdict = run, verdict(run)

        shown = self._visible_path(run.path)
        self.path_line.set_data(shown[:, 0], shown[:, 1])
        self.start_point.set_data([x0], [y0])
        self.end_point.set_data(shown[-1:, 0], shown[-1:, 1])
        gap = run.losses - self._loss_offset
        finite = np.isfinite(gap)
        if fn.minima:
            gap = np.clip(gap[finite], LOSS_FLOOR, LOSS_CEILING * 10)
        else:
            gap = np.clip(gap[finite], -LOSS_CEILING * 10, LOSS_CEILING * 10)
        self.loss_line.set_data(np.arange(len(gap)) / max(steps, 1), gap)
        shown_lr = min(lr, self._stab_xmax)  # beyond the panel: pinned to its right edge
        self.lr_line.set_xdata([shown_lr, shown_lr])
        factor = contraction_factor(self._stabilities[0][1].eigenvalues, lr)
        self.lr_marker.set_data([shown_lr], [min(factor, 1.97)])
        self.lr_marker.set_marker("o" if lr <= self._stab_xmax else ">")
        return self._readout(fn, lr, run)

    def _readout(self, fn, lr: float, run: DescentRun) -> str:
        end = run.final
        overflow = "" if run.finite else f" (overflow at step {run.num_steps}: stopped)"
        start = run.path[0]
        first = (
            f"{fn.name} · start ({start[0]:.2f}, {start[1]:.2f}) · lr = {lr:.3g} · "
            f"{run.num_steps} steps{overflow} · end ({_fmt(end[0])}, {_fmt(end[1])}) · "
            f"loss {_fmt(run.final_loss)} · {self.verdict}"
        )
        if self.verdict.startswith("converged") and run.finite:
            curvature = np.linalg.eigvalsh(fn.hessian(end))
            if curvature.min() < 0:
                first += " - at a saddle point (a curvature < 0), not a minimum"
        lines = [first, f"{self.verdict}: {VERDICTS[self.verdict]}"]
        for point, stab in self._stabilities:
            where = f"near ({point[0]:.3g}, {point[1]:.3g})"
            if stab.has_negative_curvature:
                lines.append(
                    f"{where}: Hessian eigenvalues "
                    + ", ".join(f"{v:.3g}" for v in stab.eigenvalues)
                    + " - no learning rate is stable there; descent slides away"
                )
            else:
                state = "inside" if lr < stab.max_lr else "OUTSIDE"
                lines.append(
                    f"{where}: stable for lr < {stab.max_lr:.4g} (= 2/λmax, λ = "
                    + ", ".join(f"{v:.3g}" for v in stab.eigenvalues)
                    + f"), best fixed lr = {stab.best_lr:.4g}; lr = {lr:.3g} is {state}; "
                    f"one step multiplies the slowest error by {contraction_factor(stab.eigenvalues, lr):.4g}"
                )
        self.readout_lines = lines
        return "\n".join(lines)

    def refresh(self, render: bool = True) -> None:
        """As :meth:`Explorer.refresh`, with one readout line per verdict/stability statement."""
        if self._suspend:
            return
        text = self.update(**self._control_values())
        body = "<br>".join(html.escape(line) for line in text.split("\n"))
        self.readout.value = f'<span aria-live="polite">{body}</span>'
        if render:
            self.render()

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
    def set_start(self, x: float, y: float) -> None:
        """Move the start point (clamped to the plot), with a single refresh."""
        self.set(start=(x, y))

    def set(
        self,
        function: str | None = None,
        lr: float | None = None,
        steps: int | None = None,
        start=None,
    ) -> str:
        """Change several controls at once, refresh once, return the readout text."""
        self._suspend = True
        try:
            if function is not None and function != self._shown_function:
                fn = self.functions[function]
                self.function_choice.value = function
                self._show_function(function)
                if start is None:
                    start = fn.start
                if lr is None:
                    lr = fn.lr
            if lr is not None:
                self.lr_slider.value = float(np.clip(lr, 10**LR_MIN_EXP, 10**LR_MAX_EXP))
            if steps is not None:
                self.steps_slider.value = int(steps)
            if start is not None:
                for slider, value in ((self.x0_slider, start[0]), (self.y0_slider, start[1])):
                    slider.value = float(np.clip(value, slider.min, slider.max))
        finally:
            self._suspend = False
        self.refresh()
        return "\n".join(self.readout_lines)

    def _on_function_change(self, change) -> None:
        """A new function opens with its own start point and learning rate."""
        if self._suspend or change["new"] == self._shown_function:
            return
        self.set(function=change["new"])

    def add_control(self, name, control):
        if name == "function":
            control._course_name = name
            control.observe(self._on_function_change, names="value")
            self.controls.append(control)
            return control
        return super().add_control(name, control)

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
        moves = []
        for value in (0.05, 0.1, 0.2, 0.25, 0.3, 0.32, 0.34, 0.4):
            moves.append(lambda v=value: setattr(explorer.lr_slider, "value", v))
        for value in (3.0, 2.0, -1.0, -3.5):
            moves.append(lambda v=value: setattr(explorer.x0_slider, "value", v))
        for value in (49, 51, 50):  # the step count (relabels the step axis)
            moves.append(lambda v=value: setattr(explorer.steps_slider, "value", v))

        def mouse(kind, x, y):
            from matplotlib.backend_bases import MouseEvent

            px, py = explorer.ax.transData.transform((x, y))
            event = MouseEvent(kind, fig.canvas, px, py, button=1)
            fig.canvas.callbacks.process(kind, event)

        moves.append(lambda: mouse("button_press_event", -2.0, 1.0))
        for i in range(1, 7):  # a drag: every motion event moves the start (the release is free)
            moves.append(lambda t=i: mouse("motion_notify_event", -2.0 + 0.5 * t, 1.0 - 0.3 * t))
        return explorer, moves
