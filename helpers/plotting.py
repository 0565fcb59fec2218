"""Plotting helpers shared by every lesson (introduced in lesson 01).

One consistent look: the Okabe-Ito colour-blind-safe palette, line styles that
differ as well as colours, and alt text on every figure.

Static figures are plain :class:`matplotlib.figure.Figure` objects (no pyplot
state) shown with :func:`show`, which embeds the PNG with an ``alt`` attribute.
Interactive figures come from :func:`helpers.widgets.interactive_figure`.
"""

from __future__ import annotations

import base64
import colorsys
import html
import io

import numpy as np
from cycler import cycler
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure

# Okabe & Ito (2008), safe for the common colour-vision deficiencies.
PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
# Roles, so that a tangent is the same colour in every lesson.
COLORS = {
    "function": PALETTE["blue"],
    "tangent": PALETTE["vermillion"],
    "secant": PALETTE["orange"],
    "point": PALETTE["black"],
    "gradient": PALETTE["green"],
    "path": PALETTE["vermillion"],
    "loss": PALETTE["blue"],
    "derivative": PALETTE["orange"],
    "reference": PALETTE["purple"],
    "accent": PALETTE["sky"],
}
CYCLE = [PALETTE[k] for k in ("blue", "vermillion", "green", "orange", "purple", "sky", "black")]


def relative_luminance(color) -> float:
    """WCAG 2 relative luminance of a Matplotlib colour (0 black ... 1 white)."""
    channels = np.asarray(to_rgb(color))
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def contrast_ratio(foreground, background="white") -> float:
    """WCAG 2 contrast ratio, from 1 (same) to 21 (black on white)."""
    light, dark = sorted((relative_luminance(foreground), relative_luminance(background)))[::-1]
    return (light + 0.05) / (dark + 0.05)


def text_color(color, background="white", minimum: float = 4.5) -> str:
    """``color`` darkened (same hue and saturation) until text in it reaches WCAG AA
    contrast (4.5:1) against ``background``; unchanged if it already does.

    Okabe-Ito's orange, green or purple are fine for lines but too light for text on white.
    """
    hue, lightness, saturation = colorsys.rgb_to_hls(*to_rgb(color))
    while (
        lightness > 0
        and contrast_ratio(colorsys.hls_to_rgb(hue, lightness, saturation), background) < minimum
    ):
        lightness -= 0.01
    return to_hex(colorsys.hls_to_rgb(hue, max(lightness, 0.0), saturation))


# The role colours for text (labels drawn in a figure): dark enough to read.
TEXT_COLORS = {role: text_color(color) for role, color in COLORS.items()}

STYLE = {
    "axes.prop_cycle": cycler(color=CYCLE),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
    "lines.linewidth": 2,
    "figure.dpi": 100,
}


def new_figure(nrows: int = 1, ncols: int = 1, figsize=(6, 4), **subplot_kw):
    """A static figure in the course style: ``fig, ax = new_figure()``.

    Display it with ``show(fig, alt="...")``.
    """
    import matplotlib

    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=figsize, layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=True, subplot_kw=subplot_kw or None)
    return fig, axes


def figure_png(fig: Figure, dpi: int = 100) -> bytes:
    """Render a figure to PNG bytes (Agg)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


class FigureWithAlt:
    """A rendered figure that displays as ``<img alt=...>`` in Jupyter."""

    def __init__(self, fig: Figure, alt: str):
        if not alt or not alt.strip():
            raise ValueError("every figure needs alt text describing what it shows")
        self.fig = fig
        self.alt = alt.strip()
        self.png = figure_png(fig)

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        alt = html.escape(self.alt, quote=True)
        return f'<img src="data:image/png;base64,{data}" alt="{alt}" title="{alt}" style="max-width:100%">'

    def _repr_png_(self) -> bytes:
        return self.png

    def __repr__(self) -> str:
        return f"<figure: {self.alt}>"


def show(fig: Figure, alt: str) -> FigureWithAlt:
    """Show a static figure with alt text (the last expression of a cell)."""
    return FigureWithAlt(fig, alt)


# ----------------------------------------------------------------------------
# Building blocks. Each returns the artists it drew so widgets can update them.
# ----------------------------------------------------------------------------


def plot_function(ax, f, xlim, num: int = 400, label: str | None = None, **kw):
    """Draw y = f(x) on ``ax``; returns the Line2D."""
    xs = np.linspace(*xlim, num)
    (line,) = ax.plot(xs, f(xs), color=kw.pop("color", COLORS["function"]), label=label, **kw)
    return line


def tangent_segment(f, df, x0: float, xlim):
    """End points of the tangent line to f at x0 across ``xlim``."""
    xs = np.asarray(xlim, dtype=float)
    return xs, f(x0) + df(x0) * (xs - x0)


def plot_tangent(ax, f, df, x0: float, xlim, **kw):
    """Draw the tangent at x0 (dashed) and the point of tangency; returns (line, point)."""
    xs, ys = tangent_segment(f, df, x0, xlim)
    (line,) = ax.plot(
        xs,
        ys,
        linestyle="--",
        color=kw.pop("color", COLORS["tangent"]),
        label=kw.pop("label", "tangent"),
        **kw,
    )
    (point,) = ax.plot([x0], [f(x0)], "o", color=COLORS["point"], zorder=5)
    return line, point


def secant_segment(f, x0: float, h: float, xlim):
    """End points of the secant through (x0, f(x0)) and (x0+h, f(x0+h)) across ``xlim``."""
    slope = (f(x0 + h) - f(x0)) / h
    xs = np.asarray(xlim, dtype=float)
    return xs, f(x0) + slope * (xs - x0), slope


def plot_secant(ax, f, x0: float, h: float, xlim, **kw):
    """Draw the secant line and its two points; returns (line, points, slope)."""
    xs, ys, slope = secant_segment(f, x0, h, xlim)
    (line,) = ax.plot(
        xs,
        ys,
        linestyle="-.",
        color=kw.pop("color", COLORS["secant"]),
        label=kw.pop("label", "secant"),
        **kw,
    )
    (points,) = ax.plot([x0, x0 + h], [f(x0), f(x0 + h)], "o", color=COLORS["secant"], zorder=5)
    return line, points, slope


def grid(xlim, ylim, num: int = 200):
    """A meshgrid covering the box ``xlim`` x ``ylim``."""
    return np.meshgrid(np.linspace(*xlim, num), np.linspace(*ylim, num))


def plot_contour(ax, f2d, xlim, ylim, levels=20, num: int = 200, log: bool = False, filled=True):
    """Contours of a 2-D function ``f2d(x, y)`` (vectorised); returns the contour set."""
    X, Y = grid(xlim, ylim, num)
    Z = f2d(X, Y)
    if log:
        Z = np.log1p(Z - Z.min())
    draw = ax.contourf if filled else ax.contour
    kw = (
        {"cmap": "cividis", "alpha": 0.75}
        if filled
        else {"colors": COLORS["reference"], "linewidths": 0.8}
    )
    cs = draw(X, Y, Z, levels=levels, **kw)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return cs


def plot_gradient_field(ax, grad2d, xlim, ylim, num: int = 15, normalize: bool = True, **kw):
    """Arrows of the gradient ``grad2d(x, y) -> (gx, gy)`` on a coarse grid; returns the Quiver."""
    X, Y = grid(xlim, ylim, num)
    U, V = grad2d(X, Y)
    if normalize:
        norm = np.hypot(U, V)
        norm[norm == 0] = 1.0
        U, V = U / norm, V / norm
    return ax.quiver(X, Y, U, V, color=kw.pop("color", COLORS["gradient"]), angles="xy", **kw)


def plot_path(ax, path, **kw):
    """An optimisation path (k+1, 2): line through iterates, start and end marked."""
    path = np.asarray(path, dtype=float)
    (line,) = ax.plot(
        path[:, 0],
        path[:, 1],
        "-o",
        markersize=3,
        color=kw.pop("color", COLORS["path"]),
        label=kw.pop("label", "path"),
        **kw,
    )
    (start,) = ax.plot(
        path[:1, 0], path[:1, 1], "s", color=COLORS["point"], markersize=7, label="start"
    )
    return line, start


def plot_loss_curve(ax, losses, log: bool = True, **kw):
    """Loss per step; a log scale by default because losses shrink geometrically."""
    losses = np.asarray(losses, dtype=float)
    (line,) = ax.plot(np.arange(len(losses)), losses, color=kw.pop("color", COLORS["loss"]), **kw)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    if log and np.all(losses[np.isfinite(losses)] > 0):
        ax.set_yscale("log")
    return line
