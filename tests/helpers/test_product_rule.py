"""The product-rule explorer of lesson 02: the pieces of the new area, checked by hand and
against SymPy; they add up to the change of f·g, and per Δx they tend to f'g + fg'."""

import numpy as np
import pytest
import sympy as sp

from helpers.widgets.product_rule import PRODUCTS, ProductRuleExplorer


@pytest.fixture
def explorer():
    e = ProductRuleExplorer()
    e.widget
    e.fig.canvas.draw()
    return e


def test_pieces_of_x2_times_x3_at_1(explorer):
    text = explorer.set(x=1.0, dx=0.2)
    state = explorer.state
    f, g, df, dg = 1.0, 1.0, 1.2**2 - 1, 1.2**3 - 1  # 0.44 and 0.728
    assert state["df"] == pytest.approx(df) and state["dg"] == pytest.approx(dg)
    assert state["pieces"]["g·Δf"] == pytest.approx(g * df)
    assert state["pieces"]["f·Δg"] == pytest.approx(f * dg)
    assert state["pieces"]["Δf·Δg"] == pytest.approx(df * dg)
    assert state["change"] == pytest.approx(1.2**5 - 1)  # (f + Δf)(g + Δg) - f g
    assert "product rule g·f' + f·g' = 2 + 3 = 5" in text  # 5x^4 at 1
    assert explorer.pieces["Δf·Δg"].get_bbox().bounds == pytest.approx((1.0, 1.0, df, dg))


@pytest.mark.parametrize("name", list(PRODUCTS))
def test_rates_tend_to_the_product_rule_and_the_corner_vanishes(explorer, name):
    product = PRODUCTS[name]
    x = sp.symbols("x", positive=True)
    exprs = {"x² · x³": x**2 * x**3, "x · eˣ": x * sp.exp(x), "(1 + x) · √x": (1 + x) * sp.sqrt(x)}
    x0 = product.start
    exact = float(sp.diff(exprs[name], x).subs(x, x0))
    assert product.derivative(x0) == pytest.approx(exact)
    corners = []
    for dx in (0.5, 0.05, 0.005):
        explorer.set(product=name, x=x0, dx=dx)
        rates = explorer.state["rates"]
        corners.append(rates["Δf·Δg"])
        if dx < 0.5:
            assert sum(rates.values()) == pytest.approx(exact, rel=3 * dx)  # error ~ Δx
    assert corners[0] > 9 * corners[1] > 81 * corners[2] > 0  # the corner per Δx shrinks like Δx


def test_moves_repaint_and_keep_the_rectangle_in_view(explorer):
    canvas = explorer.fig.canvas
    full_draws = []
    canvas.mpl_connect("draw_event", full_draws.append)
    before = np.asarray(canvas.buffer_rgba()).copy()
    explorer.set(x=1.4, dx=0.01)
    assert full_draws == []  # limits follow the rectangle without a full draw: no ticks
    after = np.asarray(canvas.buffer_rgba()).copy()
    assert (before != after).any()
    width = explorer.state["f"] + explorer.state["df"]
    assert explorer.ax_area.get_xlim()[1] == pytest.approx(1.15 * width)
    explorer.set(product="x · eˣ")
    assert len(full_draws) == 1  # new titles: one full draw
