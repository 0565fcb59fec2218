"""helpers.widgets.directional: the directional-derivative explorer of lesson 04."""

import numpy as np
import pytest

from helpers.gradcheck import numerical_gradient
from helpers.widgets.base import Explorer
from helpers.widgets.directional import DirectionalDerivativeExplorer, default_functions


def pixels(explorer):
    return np.asarray(explorer.fig.canvas.get_renderer().buffer_rgba()).copy()


@pytest.fixture
def explorer():
    e = DirectionalDerivativeExplorer()
    e.widget
    e.refresh()  # the first full draw, which the browser asks for when it shows the widget
    return e


def test_is_an_explorer_with_alt_text_and_keyboard_controls(explorer):
    assert isinstance(explorer, Explorer)
    assert "gradient" in explorer.alt_text and "level" in explorer.alt_text
    descriptions = [c.description for c in [*explorer.controls.values(), *explorer.buttons]]
    assert descriptions == [
        "f(x, y) =",
        "angle of u",
        "point x",
        "point y",
        "u along ∇f",
        "u across ∇f",
    ]


def test_lesson_point_has_gradient_4_5(explorer):
    state = explorer.state
    np.testing.assert_allclose(state["point"], [1.0, 2.0])
    np.testing.assert_allclose(state["grad"], [4.0, 5.0])
    assert state["slope"] == pytest.approx(4.0)  # angle 0: u = [1, 0] picks out ∂f/∂x
    assert "∇f·u = 4.000" in explorer.readout.value
    assert "|∇f| = 6.403" in explorer.readout.value


def test_slope_is_largest_along_the_gradient_and_zero_across(explorer):
    slopes = {}
    for angle in range(0, 360, 5):
        explorer.set_angle(angle)
        slopes[angle] = explorer.state["slope"]
    best = max(slopes, key=slopes.get)
    assert abs(best - np.degrees(np.arctan2(5, 4))) <= 2.5
    explorer.point_along_gradient()
    assert explorer.state["slope"] == pytest.approx(np.sqrt(41))
    assert explorer.state["slope"] >= max(slopes.values())
    explorer.point_across_gradient()
    assert explorer.state["slope"] == pytest.approx(0.0, abs=1e-3)
    assert "angle between u and ∇f = 90.0°" in explorer.readout.value
    slider = explorer.angle_slider
    assert slider.stops[slider.index] % 5 == 0  # the handle sits on the nearest 5° stop


def test_slope_equals_a_numerical_directional_derivative(explorer):
    fn = explorer.functions[explorer.function_choice.value]
    for angle in (20, 135, 250):
        explorer.set_angle(angle)
        u, p = explorer.state["u"], explorer.state["point"]
        t = 1e-5
        numeric = (fn(p + t * u) - fn(p - t * u)) / (2 * t)
        assert explorer.state["slope"] == pytest.approx(numeric, rel=1e-6)


def test_a_move_changes_readout_and_picture_but_not_the_static_artists(explorer):
    contours = list(explorer._contours)
    before_text, before_pixels = explorer.readout.value, pixels(explorer)
    explorer.set_angle(120)
    assert explorer.readout.value != before_text
    assert not np.array_equal(pixels(explorer), before_pixels)
    assert explorer._contours == contours  # nothing rebuilt on a slider move


def test_level_line_is_the_level_set_through_the_point(explorer):
    explorer.set_point(-1.0, 0.5)
    fn = explorer.functions[explorer.function_choice.value]
    xs, ys = explorer.level_line.get_data()
    xs, ys = np.asarray(xs), np.asarray(ys)
    ok = np.isfinite(xs)
    values = fn.value(xs[ok], ys[ok])
    assert ok.sum() > 20
    np.testing.assert_allclose(values, fn([-1.0, 0.5]), rtol=2e-3)


def test_moving_the_point_updates_the_gradient(explorer):
    explorer.y_slider.value = -1.0
    np.testing.assert_allclose(explorer.state["point"], [1.0, -1.0])
    np.testing.assert_allclose(explorer.state["grad"], [1.0, -1.0])  # [2x + y, x + 2y]


@pytest.mark.parametrize("name", list(default_functions()))
def test_every_function_works(explorer, name):
    explorer.function_choice.value = name
    fn = explorer.functions[name]
    np.testing.assert_allclose(explorer.state["point"], fn.start)
    assert explorer.x_slider.min == fn.xlim[0] and explorer.x_slider.max == fn.xlim[1]
    grad = numerical_gradient(fn, np.array(fn.start))
    np.testing.assert_allclose(explorer.state["grad"], grad, rtol=1e-5, atol=1e-6)
    explorer.point_along_gradient()
    assert explorer.state["slope"] == pytest.approx(explorer.state["grad_norm"], rel=1e-9)
    assert "nan" not in explorer.readout.value


def test_zero_gradient_is_explained():
    e = DirectionalDerivativeExplorer(function="bowl", point=(0.0, 0.0))
    e.refresh()
    assert e.state["grad_norm"] == 0.0
    assert "stationary point" in e.readout.value
    assert not e.grad_arrow.get_visible()
    e.set_point(1.0, 1.0)
    assert e.grad_arrow.get_visible()


def test_benchmark_moves_each_change_the_readout():
    e, moves = DirectionalDerivativeExplorer.benchmark_moves()
    assert len(moves) >= 20
    seen = {e.readout.value}
    for move in moves[:10]:
        move()
        seen.add(e.readout.value)
    assert len(seen) == 11


def test_aiming_is_exact_and_the_keys_go_on_from_the_nearest_stop(explorer):
    explorer.point_along_gradient()
    slider = explorer.angle_slider
    assert slider.value == pytest.approx(np.degrees(np.arctan2(5, 4)))  # 51.34°, exactly
    assert slider.stops[slider.index] == 50.0  # the handle: the nearest 5° stop
    assert explorer.state["slope"] == pytest.approx(np.sqrt(41), rel=1e-12)
    assert "angle = 51.3°" in explorer.readout.value
    slider.index += 1  # an arrow key in the browser: the next stop, exactly
    assert slider.value == 55.0 and explorer.state["slope"] < np.sqrt(41) - 1e-3
    explorer.point_along_gradient()
    explorer.set_point(1.0, 1.0)  # ∇f = [3, 3] points at 45°; u stays where it was aimed
    assert explorer.state["angle_between"] == pytest.approx(np.degrees(np.arctan2(5, 4)) - 45)
