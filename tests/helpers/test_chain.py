"""helpers.widgets.chain: the wiggle-propagation explorer of lesson 03."""

import numpy as np
import pytest

from helpers.gradcheck import central_difference
from helpers.widgets.base import Explorer
from helpers.widgets.chain import COMPOSITIONS, ChainExplorer


def pixels(explorer):
    return np.asarray(explorer.fig.canvas.get_renderer().buffer_rgba()).copy()


@pytest.fixture
def explorer():
    e = ChainExplorer()
    e.widget
    e.refresh()  # the first full draw, which the browser asks for when it shows the widget
    return e


@pytest.mark.parametrize("name", list(COMPOSITIONS))
def test_chain_rule_slopes_match_central_differences(name):
    c = COMPOSITIONS[name]
    for x in np.linspace(*c.xlim, 7):
        assert c.dh(x) == pytest.approx(central_difference(c.h, x), rel=1e-6, abs=1e-8)
        assert c.dg(x) == pytest.approx(central_difference(c.g, x), rel=1e-6, abs=1e-8)


def test_forgetting_the_inner_derivative_is_wrong():
    c = COMPOSITIONS["(3x+1)^2"]
    outer_only = c.df(c.g(0.5))
    assert outer_only != pytest.approx(central_difference(c.h, 0.5), rel=1e-3)
    assert central_difference(c.h, 0.5) / outer_only == pytest.approx(3.0)


def test_lesson_numbers_at_zero(explorer):
    s = explorer.state
    assert (s["g_slope"], s["f_slope"], s["h_slope"]) == (3.0, 2.0, 6.0)
    assert s["du"] == pytest.approx(0.3)
    assert s["dy"] / s["dx"] == pytest.approx(6.9)  # ((1.3)^2 - 1) / 0.1
    assert "h'(x) = f'(g(x))·g'(x) = 2.000 × 3.000 = 6.000" in explorer.readout.value.replace(
        "&#x27;", "'"
    )


def test_smaller_wiggles_give_ratios_closer_to_the_slope(explorer):
    errors = []
    for dx in (0.5, 0.1, 0.02):
        explorer.set_dx(dx)
        errors.append(abs(explorer.state["dy"] / dx - explorer.state["h_slope"]))
    assert errors[0] > errors[1] > errors[2]


def test_bands_show_the_wiggles(explorer):
    explorer.set_x(0.4)
    explorer.set_dx(0.2)
    (vx, hu), (vu, hy), (vx2, hy2) = explorer.bands
    s = explorer.state
    assert vx.get_x() == pytest.approx(0.4) and vx.get_width() == pytest.approx(0.2)
    assert hu.get_y() == pytest.approx(s["u"]) and hu.get_height() == pytest.approx(s["du"])
    assert vu.get_x() == pytest.approx(s["u"]) and vu.get_width() == pytest.approx(s["du"])
    assert hy.get_height() == pytest.approx(s["dy"]) and hy2.get_height() == pytest.approx(s["dy"])


def test_a_move_changes_readout_and_picture(explorer):
    text, before = explorer.readout.value, pixels(explorer)
    explorer.set_x(0.5)
    assert explorer.readout.value != text
    assert not np.array_equal(pixels(explorer), before)


@pytest.mark.parametrize("name", list(COMPOSITIONS))
def test_every_composition_works(explorer, name):
    explorer.composition_choice.value = name
    c = COMPOSITIONS[name]
    assert (explorer.x_slider.min, explorer.x_slider.max) == c.xlim
    explorer.set_x(c.xlim[0] + 0.3)
    assert explorer.state["h_slope"] == pytest.approx(c.dh(c.xlim[0] + 0.3))
    assert "nan" not in explorer.readout.value


def test_vanishing_wiggle_through_a_flat_sigmoid(explorer):
    explorer.composition_choice.value = "sigmoid(4x-2)"
    explorer.set_x(2.5)
    assert explorer.state["f_slope"] < 1e-3  # the outer function is flat at u = 8
    assert explorer.state["h_slope"] < 4 * 1e-3


def test_benchmark_moves():
    e, moves = ChainExplorer.benchmark_moves()
    assert isinstance(e, Explorer) and len(moves) >= 20
    before = e.readout.value
    moves[3]()
    assert e.readout.value != before
