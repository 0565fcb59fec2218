"""The product-rule explorer of lesson 02: the area f·g of a rectangle whose sides grow.

Left: a rectangle of width f(x) and height g(x), so its area is the product
f(x)·g(x). Moving x by a step Δx widens it by Δf = f(x + Δx) - f(x) and raises it
by Δg. The new area is made of four pieces::

    (f + Δf)(g + Δg) = f·g  +  g·Δf  +  f·Δg  +  Δf·Δg
                       old     right    top      corner
                               strip    strip

Right: the change of area per unit of x, the three new pieces divided by Δx,
stacked; beside it the product rule's answer g·f' + f·g'. As Δx shrinks, the strips
per Δx approach g·f' and f·g', and the corner per Δx, Δf·Δg/Δx, vanishes: it is
a small number times a small number. That is why (f·g)' = f'·g + f·g'.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from matplotlib.patches import Rectangle

from helpers.plotting import COLORS, PALETTE
from helpers.widgets.base import Explorer
from helpers.widgets.controls import COARSE_MANTISSAS, Dropdown, Slider, linear_stops, log_stops

DX_RANGE = (0.001, 0.5)


@dataclass(frozen=True)
class Product:
    """f(x)·g(x) with both derivatives; f and g positive and increasing on ``xlim``."""

    name: str
    f_name: str
    g_name: str
    f: Callable
    df: Callable
    g: Callable
    dg: Callable
    xlim: tuple[float, float]
    start: float

    def derivative(self, x: float) -> float:
        """The product rule: (f·g)' = f'·g + f·g'."""
        return self.df(x) * self.g(x) + self.f(x) * self.dg(x)


PRODUCTS: dict[str, Product] = {
    p.name: p
    for p in [
        Product(
            "x² · x³",
            "x²",
            "x³",
            lambda x: x**2,
            lambda x: 2 * x,
            lambda x: x**3,
            lambda x: 3 * x**2,
            (0.2, 1.5),
            1.0,
        ),
        Product("x · eˣ", "x", "eˣ", lambda x: x, lambda x: 1.0, np.exp, np.exp, (0.2, 1.5), 1.0),
        Product(
            "(1 + x) · √x",
            "1 + x",
            "√x",
            lambda x: 1 + x,
            lambda x: 1.0,
            np.sqrt,
            lambda x: 0.5 / np.sqrt(x),
            (0.2, 3.0),
            1.0,
        ),
    ]
}

PIECES = {  # piece -> (colour, hatch): hatches tell the pieces apart without colour
    "f·g": (PALETTE["sky"], ""),
    "g·Δf": (PALETTE["orange"], "//"),
    "f·Δg": (PALETTE["green"], "\\\\"),
    "Δf·Δg": (PALETTE["vermillion"], "xx"),
}


class ProductRuleExplorer(Explorer):
    """A rectangle f(x) by g(x) and the pieces its area gains when x moves by Δx.

    Keyboard: Tab to a control; arrow keys move a slider or choose a product.
    """

    fixed_layout = True  # no tick labels that change width

    alt_text = (
        "Left: a rectangle whose width is f(x) and whose height is g(x), so its area is f·g "
        "(light blue). Moving x by Δx adds a strip on the right of area g·Δf (orange, hatched /), "
        "a strip on top of area f·Δg (green, hatched \\) and a small corner Δf·Δg (vermillion, "
        "cross-hatched). Right: two stacked bars. The first stacks the three new pieces divided "
        "by Δx; the second is the product rule's g·f' + f·g'. As Δx shrinks the bars match and "
        "the corner's share vanishes. The readout above gives every number."
    )

    def __init__(self, product: str = "x² · x³", x: float | None = None, dx: float = 0.2):
        super().__init__(figsize=(7.6, 3.3), ncols=2)
        self.ax_area, self.ax_rate = self.ax
        self.ax_area.get_subplotspec().get_gridspec().set_width_ratios([1.25, 1.0])
        self._shown = None
        self._build_area()
        self._build_rates()
        first = PRODUCTS[product]
        self.product_choice = self.add_control(
            "product",
            Dropdown("f(x) · g(x)", list(PRODUCTS), product, width="220px"),
            on_change=self._on_product,
        )
        self.x_slider = self.add_control(
            "x", Slider("x", self._x_stops(first), first.start if x is None else x, fmt=".2f")
        )
        self.dx_slider = self.add_control(
            "dx",
            Slider(
                "step Δx",
                log_stops(*DX_RANGE, COARSE_MANTISSAS),
                dx,
                fmt=".3g",
                page=3,
                meaning=" (smaller: the corner vanishes)",
            ),
        )
        self.state: dict = {}

    @staticmethod
    def _x_stops(product: Product):
        return linear_stops(*product.xlim, 0.05)

    def _on_product(self, name: str) -> None:
        product = PRODUCTS[name]
        self.x_slider.configure(self._x_stops(product), product.start)

    # -- figure ------------------------------------------------------------------
    def _build_area(self) -> None:
        ax = self.ax_area
        self.pieces = {}
        for name, (color, hatch) in PIECES.items():
            patch = Rectangle(
                (0, 0), 0, 0, facecolor=color, alpha=0.55, hatch=hatch, edgecolor="black", lw=1
            )
            ax.add_patch(patch)
            self.pieces[name] = patch
        self.piece_labels = {
            name: ax.text(0, 0, name, ha="center", va="center", fontsize=9) for name in PIECES
        }
        ax.set_xlabel("width: f(x), then f(x + Δx)")
        ax.set_ylabel("height: g(x), then g(x + Δx)")
        # No ticks: the axes follow the rectangle (limits set on every move), and nothing drawn
        # once depends on them. The readout gives the numbers.
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        self.animate(*self.pieces.values(), *self.piece_labels.values())

    def _build_rates(self) -> None:
        ax = self.ax_rate
        self.bars = {}
        bars = [(0, name, 0.75, f"{name} / Δx") for name in ("g·Δf", "f·Δg", "Δf·Δg")]
        bars += [(1, "g·Δf", 0.35, "g·f'"), (1, "f·Δg", 0.35, "f·g'")]  # the product rule's
        for position, piece, alpha, label in bars:
            color, hatch = PIECES[piece]
            self.bars[label.removesuffix(" / Δx")] = ax.bar(
                [position],
                [0],
                width=0.6,
                color=color,
                alpha=alpha,
                hatch=hatch,
                edgecolor="black",
                label=label,
            )[0]
        (self.exact_line,) = ax.plot(
            [-0.45, 1.45], [0, 0], "--", color=COLORS["point"], lw=1.2, label="(f·g)' at x"
        )
        self.bar_values = [ax.text(i, 0, "", ha="center", va="bottom", fontsize=9) for i in (0, 1)]
        ax.set_xticks([0, 1], ["new area / Δx", "product rule"])
        ax.set_xlim(-0.5, 1.5)
        ax.set_yticks([])  # the bars carry their values; the axis follows them
        ax.set_ylabel("change of area per unit of x")
        ax.legend(loc="upper center", fontsize=7.5, ncols=2, bbox_to_anchor=(0.5, -0.12))
        ax.grid(False)
        self.animate(*self.bars.values(), self.exact_line, *self.bar_values)

    def _show_product(self, product: Product) -> None:
        """The titles of this product (static content)."""
        self.ax_area.set_title(
            f"area = f·g with f(x) = {product.f_name}, g(x) = {product.g_name}", fontsize=9
        )
        self.ax_rate.set_title(f"d/dx [{product.name}]: the pieces add up", fontsize=9)
        self._shown = product.name
        self.invalidate()

    # -- the update ----------------------------------------------------------------
    def update(self, product: str, x: float, dx: float) -> str:
        p = PRODUCTS[product]
        if product != self._shown:
            self._show_product(p)
        f, g = float(p.f(x)), float(p.g(x))
        df, dg = float(p.f(x + dx)) - f, float(p.g(x + dx)) - g
        pieces = {"f·g": f * g, "g·Δf": g * df, "f·Δg": f * dg, "Δf·Δg": df * dg}
        boxes = {
            "f·g": (0, 0, f, g),
            "g·Δf": (f, 0, df, g),
            "f·Δg": (0, g, f, dg),
            "Δf·Δg": (f, g, df, dg),
        }
        for name, (x0, y0, width, height) in boxes.items():
            self.pieces[name].set_bounds(x0, y0, width, height)
            label = self.piece_labels[name]
            label.set_position((x0 + width / 2, y0 + height / 2))
            # a label only where its piece is big enough to hold it
            label.set_visible(name == "f·g" or min(width / f, height / g) > 0.12)
        slope_f, slope_g = float(p.df(x)), float(p.dg(x))
        rates = {name: pieces[name] / dx for name in ("g·Δf", "f·Δg", "Δf·Δg")}
        bottom = 0.0
        for name, rate in rates.items():
            self.bars[name].set_y(bottom)
            self.bars[name].set_height(rate)
            bottom += rate
        self.bars["g·f'"].set_height(g * slope_f)
        self.bars["f·g'"].set_y(g * slope_f)
        self.bars["f·g'"].set_height(f * slope_g)
        exact = p.derivative(x)
        self.exact_line.set_ydata([exact, exact])
        total = sum(rates.values())
        for label, height in zip(self.bar_values, (total, exact)):
            label.set_position((label.get_position()[0], height))
            label.set_text(f"{height:.4g}")
        self.ax_area.set_xlim(0, 1.15 * (f + df))  # the axes follow the rectangle
        self.ax_area.set_ylim(0, 1.15 * (g + dg))
        self.ax_rate.set_ylim(0, 1.25 * max(total, exact))
        change = total * dx
        self.state = {
            "f": f,
            "g": g,
            "df": df,
            "dg": dg,
            "pieces": pieces,
            "rates": rates,
            "change": change,
            "exact": exact,
        }
        return "\n".join(
            [
                f"x = {x:.2f}, Δx = {dx:.3g}: f = {p.f_name} = {f:.4g} → {f + df:.4g} "
                f"(Δf = {df:.4g}) · g = {p.g_name} = {g:.4g} → {g + dg:.4g} (Δg = {dg:.4g})",
                f"new area = g·Δf + f·Δg + Δf·Δg = {pieces['g·Δf']:.4g} + {pieces['f·Δg']:.4g} "
                f"+ {pieces['Δf·Δg']:.4g} = {change:.4g}",
                f"per Δx: {rates['g·Δf']:.4g} + {rates['f·Δg']:.4g} + {rates['Δf·Δg']:.4g} = "
                f"{sum(rates.values()):.4g} · product rule g·f' + f·g' = {g * slope_f:.4g} + "
                f"{f * slope_g:.4g} = {exact:.4g} (the corner per Δx, Δf·Δg/Δx = "
                f"{rates['Δf·Δg']:.3g}, vanishes as Δx → 0)",
            ]
        )

    @classmethod
    def benchmark_moves(cls):
        """An explorer and one callable per user move: x across its range, then Δx."""
        explorer = cls()
        explorer.widget
        moves = [lambda v=v: explorer.set(x=v) for v in np.arange(0.3, 1.5, 0.1)]
        moves += [lambda v=v: explorer.set(dx=v) for v in log_stops(*DX_RANGE, COARSE_MANTISSAS)]
        return explorer, moves
