"""Numerical derivatives and how accurate they are (introduced in lesson 01).

* :func:`secant_slopes` - the table of secant slopes (f(x+h) - f(x)) / h for
  shrinking h that opens lesson 01.
* :func:`difference_errors` - the error-vs-h study: forward and central
  differences against the exact derivative over many step sizes h. On a
  log-log plot the errors form a V: truncation error (the formula is only an
  approximation) falls as h shrinks, round-off error (floating point keeps
  about 16 significant digits) grows as h shrinks.
* :func:`partial_difference` - one partial derivative of a function of a point
  ``w`` by a forward or central difference (the 14.2-instead-of-18 example).

The one-coordinate-at-a-time gradient lives in :mod:`helpers.gradcheck`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers.gradcheck import central_difference, forward_difference
from helpers.plotting import COLORS, PALETTE

__all__ = [
    "secant_slopes",
    "ErrorStudy",
    "difference_errors",
    "partial_difference",
    "log_steps",
    "plot_error_study",
]

_METHODS = {"forward": forward_difference, "central": central_difference}


def secant_slopes(f, x: float, hs) -> np.ndarray:
    """(f(x + h) - f(x)) / h for every h in ``hs``: slopes of secants through x."""
    return np.array([forward_difference(f, x, h) for h in np.atleast_1d(hs)], dtype=float)


def log_steps(smallest: float = 1e-16, largest: float = 1.0, per_decade: int = 4) -> np.ndarray:
    """Step sizes spaced evenly on a log scale, from ``smallest`` to ``largest``."""
    if not 0 < smallest < largest:
        raise ValueError("need 0 < smallest < largest")
    decades = np.log10(largest) - np.log10(smallest)
    num = int(round(decades * per_decade)) + 1
    return np.logspace(np.log10(smallest), np.log10(largest), num)


@dataclass(frozen=True)
class ErrorStudy:
    """Absolute errors of forward and central differences for each step size."""

    hs: np.ndarray
    forward: np.ndarray
    central: np.ndarray
    exact: float

    def best_h(self, method: str = "central") -> float:
        """The step size with the smallest error (the bottom of the V)."""
        errors = self._errors(method)
        return float(self.hs[int(np.argmin(errors))])

    def smallest_error(self, method: str = "central") -> float:
        return float(np.min(self._errors(method)))

    def _errors(self, method: str) -> np.ndarray:
        if method not in _METHODS:
            raise ValueError(f"method must be one of {sorted(_METHODS)}, got {method!r}")
        return getattr(self, method)


def difference_errors(f, df, x: float, hs=None) -> ErrorStudy:
    """Errors |estimate - df(x)| of forward and central differences of ``f`` at ``x``.

    ``hs`` defaults to :func:`log_steps` from 1e-16 to 1.
    """
    hs = log_steps() if hs is None else np.asarray(hs, dtype=float)
    exact = float(df(x))
    forward = np.array([abs(forward_difference(f, x, h) - exact) for h in hs])
    central = np.array([abs(central_difference(f, x, h) - exact) for h in hs])
    return ErrorStudy(hs, forward, central, exact)


def partial_difference(f, w, index: int, h: float = 1e-5, method: str = "central") -> float:
    """Estimate the partial derivative of ``f`` (a function of a point) along coordinate ``index``.

    >>> f = lambda w: w[0]**2 + 3 * w[1]**2
    >>> round(partial_difference(f, [4.0, 3.0], 1), 6)
    18.0
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {sorted(_METHODS)}, got {method!r}")
    w = np.array(w, dtype=float)  # a copy: the caller's point is never changed
    if not 0 <= index < w.size:
        raise IndexError(f"coordinate {index} does not exist in a point of size {w.size}")

    def along(t):
        moved = w.copy()
        moved.flat[index] = t
        return f(moved)

    return float(_METHODS[method](along, float(w.flat[index]), h))


def plot_error_study(ax, study: ErrorStudy, title: str = "") -> dict:
    """Draw the log-log V plot of an :class:`ErrorStudy` on ``ax`` (plotting only).

    Both error curves, with dotted guide lines of slope 1 (forward: error ~ h) and
    slope 2 (central: error ~ h^2) through the truncation side, and the best h of
    each method marked, and each branch labelled (round-off on the left, truncation on
    the right) with an arrow up to the central curve. Exact zeros are drawn at 1e-17 so
    the log axis can show them. Returns the artists by name.
    """
    floor = 1e-17
    hs = study.hs
    (forward,) = ax.loglog(
        hs,
        np.maximum(study.forward, floor),
        "o-",
        markersize=3,
        color=COLORS["secant"],
        label="forward difference",
    )
    (central,) = ax.loglog(
        hs,
        np.maximum(study.central, floor),
        "s-",
        markersize=3,
        color=COLORS["gradient"],
        label="central difference",
    )
    # guides anchored (3x above the data, so both stay visible) at the largest h,
    # where truncation error dominates
    anchor_h = hs[-1]
    slope1 = 3 * study.forward[-1] * (hs / anchor_h)
    slope2 = 3 * study.central[-1] * (hs / anchor_h) ** 2
    keep1, keep2 = slope1 > 1e-12, slope2 > 1e-12
    (guide1,) = ax.loglog(
        hs[keep1],
        slope1[keep1],
        ":",
        color=PALETTE["black"],
        linewidth=1.2,
        label="slope 1: error ~ h",
    )
    (guide2,) = ax.loglog(
        hs[keep2],
        slope2[keep2],
        "--",
        color=PALETTE["purple"],
        linewidth=1.2,
        label="slope 2: error ~ h²",
    )
    best = {}
    for method, colour in (("forward", COLORS["secant"]), ("central", COLORS["gradient"])):
        h = study.best_h(method)
        best[method] = ax.axvline(
            h,
            color=colour,
            linewidth=1,
            linestyle="-.",
            alpha=0.8,
            label=f"best h, {method}: {h:.0e}",
        )
    positive = np.concatenate([study.forward, study.central])
    positive = positive[positive > 0]
    ax.set_ylim(max(floor, positive.min() / 10) if positive.size else floor, None)
    # each label sits under its own branch of the V, with an arrow up to the curve
    logs = np.log10(hs)
    labels = {}
    for name, share, text in (
        ("roundoff_label", 0.12, "round-off dominates:\nerror grows as h shrinks"),
        ("truncation_label", 0.88, "truncation dominates:\nerror shrinks with h"),
    ):
        i = int(np.argmin(np.abs(logs - (logs[0] + share * (logs[-1] - logs[0])))))
        on_curve = max(study.central[i], floor)
        labels[name] = ax.annotate(
            text,
            xy=(hs[i], on_curve),
            xytext=(hs[i], on_curve * 1e-4),
            ha="center",
            va="top",
            fontsize=8.5,
            color="0.25",
            arrowprops={"arrowstyle": "->", "color": "0.35", "linewidth": 0.8},
        )
    ax.set_xlabel("step size h")
    ax.set_ylabel("|estimate − exact derivative|")
    if title:
        ax.set_title(title, fontsize=10)
    ax.legend(loc="upper center", fontsize=8)
    return {
        "forward": forward,
        "central": central,
        "guide1": guide1,
        "guide2": guide2,
        **{f"best_{k}": v for k, v in best.items()},
        **labels,
    }
