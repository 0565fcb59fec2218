"""The secant explorer of lesson 01: readout, artists moved in place, blitting, speed hooks."""

import numpy as np
import pytest

from helpers.widgets.controls import Slider
from helpers.widgets.secant import SecantExplorer


def text_of(explorer):
    return explorer.readout.value.replace("&#x27;", "'")


def test_readout_matches_the_secant_table():
    explorer = SecantExplorer(function="x^2", x=3.0, h=0.1)
    explorer.widget
    assert "secant slope = 6.100000" in text_of(explorer)
    assert "true slope f'(x) = 6.000000" in text_of(explorer)
    assert "error = 1.0e-01" in text_of(explorer)
    explorer.set_h(0.001)
    assert "secant slope = 6.001000" in explorer.readout_text
    assert "h = 1.0e-03" in explorer.readout_text


def test_drawn_secant_has_the_readout_slope_and_passes_through_both_points():
    explorer = SecantExplorer(function="x^2", x=1.0, h=0.5)
    explorer.widget
    xs, ys = explorer.secant.get_data()
    assert np.allclose(np.diff(ys) / np.diff(xs), 2.5)
    px, py = explorer.points.get_data()
    assert np.allclose(px, [1.0, 1.5]) and np.allclose(py, [1.0, 2.25])
    tx, ty = explorer.tangent.get_data()
    assert np.allclose(np.diff(ty) / np.diff(tx), 2.0)


def test_secant_turns_into_the_tangent():
    explorer = SecantExplorer(function="sin x", x=0.7, h=1.0)
    explorer.widget
    errors = []
    for h in [1.0, 0.1, 0.01, 0.001]:
        explorer.set_h(h)
        errors.append(float(explorer.readout_text.split("error = ")[1]))
    assert errors == sorted(errors, reverse=True) and errors[-1] < 1e-3
    sx, sy = explorer.secant.get_data()
    tx, ty = explorer.tangent.get_data()
    assert np.allclose(sy, ty, atol=5e-3 * np.ptp(ty))


def test_error_panel_marker_follows_h_and_curve_follows_x():
    explorer = SecantExplorer(function="x^2", x=1.0, h=0.01)
    explorer.widget
    hx, hy = explorer.error_marker.get_data()
    assert hx[0] == pytest.approx(0.01) and hy[0] == pytest.approx(
        0.01, rel=1e-6
    )  # error = h for x²
    before = explorer.error_curve.get_ydata().copy()
    explorer.function_choice.value = "e^x"
    assert not np.allclose(explorer.error_curve.get_ydata(), before)
    assert np.all(explorer.error_curve.get_ydata() > 0)  # log axis: never zero


def test_h_moves_are_blitted_and_function_change_redraws_once():
    explorer = SecantExplorer()
    explorer.widget
    explorer.fig.canvas.draw()
    full_draws = []
    explorer.fig.canvas.mpl_connect("draw_event", lambda e: full_draws.append(e))
    for h in [0.5, 0.05, 1e-4, 1e-9]:
        explorer.set_h(h)
    explorer.x_slider.value = 2.0
    assert full_draws == []
    explorer.function_choice.value = "x^3"
    assert len(full_draws) == 1
    before = np.asarray(explorer.fig.canvas.get_renderer().buffer_rgba()).copy()
    explorer.set_h(1.0)
    assert (np.asarray(explorer.fig.canvas.get_renderer().buffer_rgba()) != before).any()


def test_keyboard_operable_log_slider_and_alt_text():
    explorer = SecantExplorer()
    stops = np.array(explorer.h_slider.stops)
    assert isinstance(explorer.h_slider, Slider)
    assert stops[0] <= 1e-10 and stops[-1] >= 1
    # one arrow press divides h by about 1.26, ten presses by exactly 10
    assert np.allclose(np.diff(np.log10(stops)), 0.1, atol=0.011)
    assert np.allclose(stops[10:] / stops[:-10], 10)
    assert "secant" in explorer.alt_text and "tangent" in explorer.alt_text


def test_benchmark_moves_each_change_the_readout():
    explorer, moves = SecantExplorer.benchmark_moves()
    assert len(moves) >= 10
    seen = {explorer.readout.value}
    for move in moves:
        move()
        seen.add(explorer.readout.value)
    assert len(seen) == len(moves) + 1
