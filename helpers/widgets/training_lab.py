"""The training lab of lesson 08: switch a bug on, watch the run fail, read the diagnosis.

One gradient-descent loop (:func:`helpers.failures.train`) with a toggle per
classic failure; the left panel shows the loss per step, the right panel two
parameters per step, and the readout the diagnosis that
:func:`helpers.failures.diagnose` reads from those symptoms. A *scenario*
preset sets up each failure (and each fix); every control can then be changed.
"""

from __future__ import annotations

import html
import math

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import FixedLocator, NullLocator

from helpers.failures import PROBLEMS, diagnose, train
from helpers.plotting import COLORS
from helpers.widgets.base import Explorer
from helpers.widgets.controls import Dropdown, Slider, linear_stops

DEFAULTS = dict(
    problem="elongated bowl",
    lr=0.1,
    num_steps=60,
    dtype="float64",
    flip_sign=False,
    forget_zero_grad=False,
    tiny_fd_step=False,
    clip=False,
)

# scenario -> the settings that differ from DEFAULTS
SCENARIOS = {
    "healthy: lr 0.1 on x² + 3y²": {},
    "learning rate too large": dict(lr=0.4),
    "too large, run to overflow (float64)": dict(lr=0.4, num_steps=2200),
    "too large, run to overflow (float32)": dict(lr=0.4, num_steps=300, dtype="float32"),
    "sign flip": dict(flip_sign=True),
    "forgotten zero_grad": dict(forget_zero_grad=True),
    "integer parameters": dict(problem="shifted bowl", dtype="int64"),
    "finite-difference step too small": dict(tiny_fd_step=True),
    "exploding gradients (deep chain)": dict(problem="deep linear chain", lr=0.01, num_steps=200),
    "fix: gradient clipping": dict(problem="deep linear chain", lr=0.01, num_steps=200, clip=True),
    "vanishing gradients (sigmoid chain)": dict(problem="sigmoid chain", lr=0.5, num_steps=100),
    "fix: ReLU chain": dict(problem="relu chain", lr=0.05, num_steps=100),
}

# The learning-rate slider's stops: exact values (a log slider would snap 0.4 to 0.398), dense
# around the stability limit 1/3 of the elongated bowl.
LEARNING_RATES = (
    0.001,
    0.002,
    0.005,
    0.01,
    0.02,
    0.05,
    0.1,
    0.15,
    0.2,
    0.25,
    0.3,
    0.32,
    0.33,
    0.34,
    0.35,
    0.4,
    0.45,
    0.5,
    0.6,
    0.8,
    1.0,
)
TINY_H = 1e-15
STEP_LADDER = (10, 20, 50, 100, 200, 500, 1000, 2000, 2500)


def _decade_range(values, lowest=-30, highest=300, quantum=5) -> tuple[int, int]:
    """Exponents (low, high) of a log axis holding the positive finite ``values``,
    rounded outwards to multiples of ``quantum`` decades.

    Capped at 1e300: Matplotlib cannot label ticks near the float64 limit (1.8e308).
    """
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    if values.size == 0:
        return -quantum, quantum
    low = max(lowest, quantum * math.floor(math.log10(values.min()) / quantum))
    high = min(highest, quantum * math.ceil(math.log10(values.max()) / quantum + 1e-9))
    return low, max(high, low + quantum)


def _settle(current, wanted):
    """Keep the current axis range while it holds the data and is not far too wide.

    Fewer limit changes mean fewer full redraws: a slider move then only moves lines.
    """
    if (
        current is not None
        and current[0] <= wanted[0]
        and current[1] >= wanted[1]
        and current[1] - current[0] <= 3 * (wanted[1] - wanted[0]) + 20
    ):
        return current
    return wanted


def _decade_ticks(low: float, high: float, most: int = 6) -> list[float]:
    """At most ``most`` + 1 ticks at whole decades from ``low`` to ``high``.

    Fixed ticks, because Matplotlib's own log locator overflows near 1e308.
    """
    a, b = round(math.log10(low)), round(math.log10(high))
    stride = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100) if (b - a) / s <= most)
    return [10.0**e for e in range(a, b + 1) if e % stride == 0]


class TrainingLab(Explorer):
    """Toggles for each training failure, a live loss and parameter plot, and a diagnosis.

    Keyboard: Tab to a control; arrows move the sliders and choose in the
    drop-downs; space toggles a check box.
    """

    alt_text = (
        "Two panels. Left: the training loss at each step on a logarithmic scale, with dashed "
        "vertical lines where the loss first becomes inf and NaN. Right: two parameters at each "
        "step on a symmetric logarithmic scale, so oscillation shows as a zig-zag across zero and "
        "a one-way drift as a climbing curve. The readout above names the diagnosis."
    )

    def __init__(self, scenario: str = "learning rate too large"):
        super().__init__(figsize=(7.6, 3.1), ncols=2)
        # fixed margins: constrained layout would re-measure every tick label on each full draw
        self.fig.set_layout_engine("none")
        self.ax[0].set_position([0.075, 0.14, 0.41, 0.77])
        self.ax[1].set_position([0.575, 0.14, 0.41, 0.77])
        self.loss_ax, self.param_ax = self.ax
        colors = (COLORS["function"], COLORS["tangent"])
        (self.loss_line,) = self.loss_ax.plot([], [], color=COLORS["loss"], label="loss")
        self.param_lines = [
            self.param_ax.plot([], [], color=c, lw=1.5, label=" ")[0] for c in colors
        ]
        self.inf_marks = [
            ax.axvline(np.nan, color=COLORS["reference"], ls="--", lw=1) for ax in self.ax
        ]
        self.nan_marks = [
            ax.axvline(np.nan, color=COLORS["point"], ls=":", lw=1.5) for ax in self.ax
        ]
        self.animate(self.loss_line, *self.param_lines, *self.inf_marks, *self.nan_marks)
        self.loss_ax.set_yscale("log")
        self.loss_ax.set_xlabel("step")
        self.loss_ax.set_title("loss (inf: dashed line, NaN: dotted line)", fontsize=9)
        self.param_ax.set_yscale("symlog", linthresh=1.0)
        for ax in self.ax:
            ax.yaxis.set_minor_locator(NullLocator())
        self.param_ax.set_xlabel("step")
        self.param_ax.axhline(0, color="0.6", lw=0.8)
        self._limits = None
        self._legend = None
        self.run = None
        self.findings = []
        self.details = widgets.HTML(layout={"min_height": "3em"})
        self.notes = [self.details]

        self.scenario = self.add_control(
            "scenario",
            Dropdown("scenario", list(SCENARIOS), scenario),
            on_change=self._apply_settings,
        )
        self.problem = self.add_control("problem", Dropdown("problem", list(PROBLEMS)))
        self.dtype = self.add_control("dtype", Dropdown("w.dtype", ["float64", "float32", "int64"]))
        self.lr = self.add_control(
            "lr", Slider("learning rate", LEARNING_RATES, 0.1, fmt="g", page=3, width="340px")
        )
        self.num_steps = self.add_control(
            "num_steps",
            Slider("steps", linear_stops(10, 2500, 10), 60, fmt=".0f", integer=True, width="340px"),
        )
        toggles = [
            ("flip_sign", "sign flip: w + lr·grad"),
            ("forget_zero_grad", "forget zero_grad"),
            ("tiny_fd_step", f"finite differences, h = {TINY_H:g}"),
            ("clip", "clip gradient norm at 1"),
        ]
        self.toggles = {
            name: self.add_control(
                name,
                widgets.Checkbox(
                    value=False, description=text, indent=False, layout={"width": "auto"}
                ),
            )
            for name, text in toggles
        }
        self._apply_settings(scenario)

    # -- presets -------------------------------------------------------------
    def _apply_settings(self, name: str) -> None:
        """Every control to the scenario's settings (inside a batch: one refresh)."""
        settings = {**DEFAULTS, **SCENARIOS[name]}
        for key in ("problem", "lr", "num_steps", "dtype"):
            self.controls[key].value = settings[key]
        for key, box in self.toggles.items():
            box.value = settings[key]

    def apply_scenario(self, name: str) -> str:
        """Choose a scenario and set every control to it (again, if it was already chosen)."""
        with self.batch():
            self.scenario.value = name
            self._apply_settings(name)
            self._pending = True
        return self.readout_text

    def control_rows(self):
        return [
            [self.scenario, self.problem, self.dtype],
            [self.lr, self.num_steps],
            list(self.toggles.values()),
        ]

    # -- drawing -------------------------------------------------------------
    def _set_limits(self, steps: int, losses, params, labels) -> None:
        x_max = next((n for n in STEP_LADDER if n >= steps), STEP_LADDER[-1])
        old = self._limits or (None, None, None, None)
        loss_range = _settle(old[1], _decade_range(losses, quantum=10))
        magnitude = np.abs(params[np.isfinite(params)])
        param_range = _settle(old[2], (0, _decade_range(magnitude, lowest=0)[1]))
        limits = (x_max, loss_range, param_range, labels, self.run.problem.name)  # name: the title
        if limits == self._limits:
            return
        self._limits = limits
        for ax in self.ax:
            ax.set_xlim(0, x_max)
        low, high = 10.0 ** loss_range[0], 10.0 ** loss_range[1]
        self.loss_ax.set_ylim(low, high)
        self.loss_ax.yaxis.set_major_locator(FixedLocator(_decade_ticks(low, high)))
        p_high = 10.0 ** param_range[1]
        self.param_ax.set_ylim(-p_high, p_high)
        up = _decade_ticks(1.0, p_high)
        if len(up) > 1 and up[1] > 10:  # wide range: ±1 would print on top of 0
            up = up[1:]
        self.param_ax.yaxis.set_major_locator(FixedLocator([-t for t in up[::-1]] + [0.0] + up))
        for line, label in zip(self.param_lines, labels):
            line.set_label(label)
        if self._legend is not None:
            self._legend.remove()
        self._legend = self.param_ax.legend(loc="upper left", fontsize=8)
        self.param_ax.set_title(f"parameters ({self.run.problem.name})", fontsize=9)
        self.invalidate()

    def update(
        self,
        scenario,
        problem,
        lr,
        num_steps,
        dtype,
        flip_sign,
        forget_zero_grad,
        tiny_fd_step,
        clip,
    ) -> str:
        del scenario  # a preset of the other controls: they say what runs
        self.run = run = train(
            problem,
            lr,
            num_steps,
            flip_sign=flip_sign,
            zero_grad=not forget_zero_grad,
            dtype=dtype,
            fd_step=TINY_H if tiny_fd_step else None,
            clip_norm=1.0 if clip else None,
        )
        self.findings = diagnose(run)
        steps = np.arange(len(run.losses))
        traced = run.problem.traced
        params = run.path[:, [i for i, _ in traced]]
        self._set_limits(run.num_steps, run.losses, params, tuple(label for _, label in traced))
        self.loss_line.set_data(steps, run.losses)
        for line, column in zip(self.param_lines, params.T):
            line.set_data(steps, column)
        for marks, step in ((self.inf_marks, run.first_inf), (self.nan_marks, run.first_nan)):
            for mark in marks:
                mark.set_xdata([np.nan if step is None else step] * 2)
        finite = run.losses[np.isfinite(run.losses)]
        self.details.value = self._details_html()
        text = f"{self.findings[0].name} · loss {finite[0]:.3g} → {run.losses[-1]:.3g} after {run.num_steps} steps"
        if run.first_inf is not None:
            text += f" · inf at step {run.first_inf}"
        if run.first_nan is not None:
            text += f" · NaN at step {run.first_nan}"
        return text

    def _details_html(self) -> str:
        items = "".join(
            f"<li><b>{html.escape(f.name)}</b>: {html.escape(f.symptom)}"
            + (f" <i>Fix:</i> {html.escape(f.fix)}" if f.fix else "")
            + "</li>"
            for f in self.findings
        )
        return (
            f'<div class="course-diagnosis"><b>Diagnosis</b> '
            f"({html.escape(self.run.problem.description)})<ul>{items}</ul></div>"
        )

    # -- benchmark -----------------------------------------------------------
    @classmethod
    def benchmark_moves(cls):
        """User moves: arrow keys on the lr slider (across the stability limit 1/3 and back),
        on the num_steps slider, two check boxes on and off, one scenario change."""
        lab = cls("learning rate too large")
        lab.widget
        start = LEARNING_RATES.index(0.4)
        stops = [LEARNING_RATES[start - i] for i in range(1, 8)]  # 0.35 ... 0.15
        stops += stops[-2::-1] + [0.4, 0.45, 0.5, 0.45, 0.4]
        moves = [lambda v=v: lab.set(lr=v) for v in stops]
        moves += [lambda n=n: lab.set(num_steps=n) for n in (70, 80, 90, 100, 90, 80, 70, 60)]
        for name in ("flip_sign", "forget_zero_grad"):
            moves += [
                lambda name=name: lab.set(**{name: True}),
                lambda name=name: lab.set(**{name: False}),
            ]
        moves.append(lambda: lab.set(scenario="sign flip"))
        return lab, moves
