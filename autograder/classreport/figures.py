"""The class report's figures, in the course's plotting style (``helpers.plotting``:
the Okabe-Ito colour-blind-safe palette), each as PNG bytes with its alt text."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers.plotting import COLORS, PALETTE, figure_png, new_figure


@dataclass(frozen=True)
class Figure:
    """A rendered figure and the alt text that says what it shows."""

    png: bytes
    alt: str


def score_histogram(scores: list[float], max_score: float) -> Figure:
    """Histogram of the automatic scores with the median and quartiles marked."""
    values = np.asarray(scores, dtype=float)
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    fig, ax = new_figure(figsize=(7, 3.2))
    top = max(max_score, 1.0)
    bins = np.arange(0, top + 2) - 0.5 if top <= 40 else np.linspace(0, top, 21)
    ax.hist(values, bins=bins, color=COLORS["function"], edgecolor="white")
    ax.axvspan(q1, q3, color=PALETTE["sky"], alpha=0.25, label=f"middle half: {q1:g} to {q3:g}")
    ax.axvline(median, color=COLORS["tangent"], linestyle="--", label=f"median {median:g}")
    ax.set_xlim(-0.5, top + 0.5)
    ax.set_xlabel(f"points from the automatic tests (out of {max_score:g})")
    ax.set_ylabel("students")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="upper left", frameon=False)
    alt = (
        f"Histogram of the automatic scores of {len(values)} graded students, out of "
        f"{max_score:g} points: median {median:g}, middle half between {q1:g} and {q3:g}, "
        f"lowest {values.min():g}, highest {values.max():g}."
    )
    return Figure(figure_png(fig), alt)


def common_mistakes(labels: list[str], counts: list[int], students: int) -> Figure:
    """Horizontal bars: how many students made each recognised mistake, most common on top."""
    fig, ax = new_figure(figsize=(7, 0.4 * len(labels) + 1.0))
    positions = np.arange(len(labels))
    ax.barh(positions, counts, color=COLORS["tangent"])
    for y, count in zip(positions, counts):
        ax.text(count + 0.1, y, f"{count}", va="center", fontsize=9)
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, max(counts) * 1.15 + 0.5)
    ax.set_xlabel(f"students (of {students} graded)")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="y", visible=False)
    listed = "; ".join(f"{label}: {count}" for label, count in zip(labels, counts))
    return Figure(
        figure_png(fig), f"Recognised mistakes by number of students, most common first: {listed}."
    )
