"""The explorers' controls: accessible sliders and drop-downs (introduced with lesson 01's explorers).

ipywidgets 8.1's sliders give their handle no accessible name (a screen reader says
"slider 0.107", not which quantity) and announce raw floats ("2.000000000000001");
and in JupyterLab the notebook's own shortcuts take the arrow keys away from a
focused drop-down. These two controls are small `anywidget` widgets built on the
browser's native ``<input type="range">`` and ``<select>``:

* the visible label is a ``<label>`` around the control, so it is also the
  accessible name ("learning rate", "start x");
* a slider moves between *stops*, a list of values chosen for the quantity: even
  steps (:func:`linear_stops`), a few round numbers per decade on a log scale
  (:func:`log_stops`), or any list. Arrow keys move one stop, Page Up/Down
  ``page`` stops, Home/End to the ends;
* it says its value with meaning: ``aria-valuetext`` is the label, the formatted
  value and an optional ``meaning`` ("learning rate 0.107, stable below 0.333");
* from code, ``slider.value`` may be set to any value in range (the lessons set
  exact values such as 0.34); the handle then sits on the nearest stop.

Both have a ``value`` trait, so ``control.observe(handler, names="value")`` works
as for ipywidgets.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path

import anywidget
import numpy as np
import traitlets

# Round numbers per decade for log sliders: about 12 a decade, each 1.14-1.33x the previous,
# and the values the lessons talk about (0.05, 0.1, 0.25, 0.3, 0.35 ...) are all stops.
ROUND_MANTISSAS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 7.0, 8.0)
COARSE_MANTISSAS = (1.0, 2.0, 5.0)
# Renard's R10 preferred numbers: ten a decade, each about 1.26x the one before (ten presses
# of an arrow key multiply the value by 10).
R10_MANTISSAS = (1.0, 1.25, 1.6, 2.0, 2.5, 3.15, 4.0, 5.0, 6.3, 8.0)

_ESM = Path(__file__).with_name("controls.js")
_CSS = """
.course-control { display: inline-flex; align-items: center; gap: 0.5em; margin: 2px 12px 2px 0;
  font-size: var(--jp-widgets-font-size, 13px); color: var(--jp-widgets-label-color, #000); }
.course-control label { display: inline-flex; flex: 1 1 auto; align-items: center; gap: 0.5em;
  white-space: nowrap; }
.course-slider input[type=range] { flex: 1 1 auto; min-width: 6em; margin: 0; }
.course-slider output { min-width: 4.2em; font-variant-numeric: tabular-nums; }
.course-control :focus-visible { outline: 2px solid #0072B2; outline-offset: 2px; }
"""


def linear_stops(low: float, high: float, step: float) -> tuple[float, ...]:
    """``low, low + step, ..., high``, rounded so that 0.1 * 20 is 2.0, not 2.0000000000000004."""
    if not step > 0 or not high >= low:
        raise ValueError(f"need low <= high and step > 0, got {low}, {high}, {step}")
    count = int(math.floor((high - low) / step + 1e-9)) + 1
    return tuple(float(v) for v in np.round(low + step * np.arange(count), 10))


def log_stops(low: float, high: float, mantissas: Sequence[float] = ROUND_MANTISSAS) -> tuple:
    """Round numbers from ``low`` to ``high`` (inclusive): each decade's ``mantissas`` x 10^k."""
    if not 0 < low <= high:
        raise ValueError(f"need 0 < low <= high, got {low}, {high}")
    values = {
        float(f"{m * 10.0**k:.12g}")
        for k in range(math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 1)
        for m in mantissas
    }
    return tuple(sorted(v for v in values if low * (1 - 1e-12) <= v <= high * (1 + 1e-12)))


def _formatter(fmt: str | Callable[[float], str]) -> Callable[[float], str]:
    return fmt if callable(fmt) else (lambda value: format(value, fmt))


class Slider(anywidget.AnyWidget):
    """A slider over a list of stops, with a label, a readout and a spoken value.

    ``Slider("learning rate", log_stops(1e-4, 2), value=0.1, fmt=".3g")``;
    ``Slider("steps", linear_stops(1, 200, 1), 50, integer=True)`` gives ``int`` values.
    """

    _esm = _ESM
    _css = _CSS
    kind = traitlets.Unicode("slider").tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    texts = traitlets.List(traitlets.Unicode()).tag(sync=True)  # the readout of each stop
    index = traitlets.Int(0).tag(sync=True)  # the stop the handle sits on
    value_text = traitlets.Unicode("").tag(sync=True)  # the readout of the value itself
    meaning = traitlets.Unicode("").tag(sync=True)  # spoken after the value: ", stable below 0.33"
    page = traitlets.Int(10).tag(sync=True)  # stops per Page Up / Page Down
    disabled = traitlets.Bool(False).tag(sync=True)
    width = traitlets.Unicode("").tag(sync=True)
    value = traitlets.Union([traitlets.Int(), traitlets.Float()], default_value=0.0)  # kernel only

    def __init__(
        self,
        description: str,
        stops: Sequence[float],
        value: float | None = None,
        *,
        fmt: str | Callable[[float], str] = ".3g",
        page: int = 10,
        width: str = "300px",
        meaning: str = "",
        integer: bool = False,
    ):
        self._format = _formatter(fmt)
        self._integer = integer  # values are ints (a step count): stops and value are rounded
        super().__init__(description=description, page=page, width=width, meaning=meaning)
        self.configure(stops, stops[0] if value is None else value)

    @property
    def stops(self) -> tuple[float, ...]:
        return self._stops

    @property
    def min(self) -> float:
        return self._stops[0]

    @property
    def max(self) -> float:
        return self._stops[-1]

    def configure(self, stops: Sequence[float] | None = None, value: float | None = None) -> None:
        """New stops and/or value, sent to the browser in one message (the handle never
        lands on a half-updated range there, so the browser never sends back a clipped value)."""
        with self.hold_sync(), self.hold_trait_notifications():
            if stops is not None:
                stops = tuple(float(s) for s in stops)
                if not stops or any(b <= a for a, b in zip(stops, stops[1:])):
                    raise ValueError("stops must be a non-empty increasing sequence")
                self._stops = stops
                self._log = stops[0] > 0 and stops[-1] / stops[0] >= 100
                self.texts = [self._format(s) for s in stops]
            target = self.value if value is None else value
            target = min(max(float(target), self._stops[0]), self._stops[-1])  # into the new range
            if target == self.value:  # unchanged value, new stops: place the handle again
                self._place(target)
            self.value = int(round(target)) if self._integer else target

    def nearest_index(self, value: float) -> int:
        """The stop closest to ``value`` (in ratio on a log slider)."""
        stops = np.asarray(self._stops)
        if self._log and value > 0:
            return int(np.argmin(np.abs(np.log(stops) - math.log(value))))
        return int(np.argmin(np.abs(stops - value)))

    def _place(self, value: float) -> None:
        self.index = self.nearest_index(value)
        self.value_text = self._format(value)

    @traitlets.validate("value")
    def _clamp(self, proposal):
        value = float(proposal["value"])
        if math.isnan(value):
            raise traitlets.TraitError("a slider value cannot be NaN")
        value = min(max(value, self._stops[0]), self._stops[-1])
        return int(round(value)) if self._integer else value

    @traitlets.observe("value")
    def _value_changed(self, change) -> None:
        self._place(change["new"])

    @traitlets.observe("index")
    def _index_changed(self, change) -> None:
        index = min(max(int(change["new"]), 0), len(self._stops) - 1)
        if index != self.nearest_index(self.value):  # a move in the browser: exactly the stop
            self.value = self._stops[index]


class Dropdown(anywidget.AnyWidget):
    """A labelled ``<select>`` whose arrow keys are its own (not the notebook's)."""

    _esm = _ESM
    _css = _CSS
    kind = traitlets.Unicode("dropdown").tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    options = traitlets.List(traitlets.Unicode()).tag(sync=True)
    index = traitlets.Int(0).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    width = traitlets.Unicode("").tag(sync=True)
    value = traitlets.Unicode("")  # kernel side only: the chosen option

    def __init__(
        self, description: str, options: Sequence[str], value: str | None = None, *, width=""
    ):
        options = [str(o) for o in options]
        if not options:
            raise ValueError("a drop-down needs at least one option")
        super().__init__(description=description, options=options, width=width)
        self.value = options[0] if value is None else value

    @traitlets.validate("value")
    def _known(self, proposal):
        if proposal["value"] not in self.options:
            raise traitlets.TraitError(
                f"{proposal['value']!r} is not one of the options {self.options}"
            )
        return proposal["value"]

    @traitlets.observe("value")
    def _value_changed(self, change) -> None:
        self.index = self.options.index(change["new"])

    @traitlets.observe("index")
    def _index_changed(self, change) -> None:
        self.value = self.options[min(max(int(change["new"]), 0), len(self.options) - 1)]
