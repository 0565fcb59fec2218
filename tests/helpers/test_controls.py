"""The explorers' own controls (helpers/widgets/controls.py): stops, exact values from code,
moves from the browser, ranges that change in one message, drop-downs."""

import numpy as np
import pytest
import traitlets

from helpers.widgets.controls import (
    COARSE_MANTISSAS,
    R10_MANTISSAS,
    ROUND_MANTISSAS,
    Dropdown,
    Slider,
    linear_stops,
    log_stops,
)


def test_linear_stops_are_round_numbers():
    stops = linear_stops(-3.0, 3.0, 0.1)
    assert len(stops) == 61 and stops[0] == -3.0 and stops[-1] == 3.0
    assert stops[50] == 2.0 and 0.0 in stops  # not 2.0000000000000004, and zero is a stop
    assert linear_stops(1, 200, 1)[-1] == 200
    with pytest.raises(ValueError):
        linear_stops(1.0, 0.0, 0.1)


def test_log_stops_are_round_numbers_per_decade():
    lrs = log_stops(1e-4, 2.0, ROUND_MANTISSAS)
    assert lrs[0] == 1e-4 and lrs[-1] == 2.0 and len(lrs) == 4 * 12 + 4
    for value in (0.05, 0.1, 0.25, 0.3, 0.35, 0.4):  # the rates lesson 5 talks about
        assert value in lrs
    ratios = np.array(lrs[1:]) / np.array(lrs[:-1])
    assert 1.14 <= ratios.min() and ratios.max() <= 1.34  # about 12 a decade
    assert log_stops(0.01, 100, COARSE_MANTISSAS) == (
        0.01,
        0.02,
        0.05,
        0.1,
        0.2,
        0.5,
        1,
        2,
        5,
        10,
        20,
        50,
        100,
    )
    r10 = np.array(log_stops(1e-3, 1.0, R10_MANTISSAS))
    assert np.allclose(r10[10:] / r10[:-10], 10)  # ten presses: a factor 10


def test_code_sets_exact_values_the_handle_sits_on_the_nearest_stop():
    slider = Slider("learning rate", log_stops(1e-4, 2.0), 0.1)
    assert slider.value == 0.1 and slider.texts[slider.index] == "0.1"
    slider.value = 0.34  # between 0.3 and 0.35: kept exactly, shown exactly
    assert slider.value == 0.34 and slider.value_text == "0.34"
    assert slider.stops[slider.index] == 0.35  # nearest in ratio
    slider.value = 50.0
    assert slider.value == 2.0  # clamped to the range
    with pytest.raises(traitlets.TraitError):
        slider.value = float("nan")


def test_a_browser_move_lands_exactly_on_a_stop():
    slider = Slider("x", linear_stops(-3.0, 3.0, 0.05), 1.0, fmt=".2f")
    seen = []
    slider.observe(lambda change: seen.append(change["new"]), names="value")
    slider.index += 1  # what the browser sends for ArrowRight
    assert slider.value == 1.05 and slider.value_text == "1.05" and seen == [1.05]
    slider.value = 1.07  # off the grid, from code; the handle on 1.05
    slider.index = slider.index  # no move: nothing happens
    assert slider.value == 1.07


def test_integer_sliders_give_ints():
    steps = Slider("steps", linear_stops(1, 200, 1), 50, integer=True)
    assert steps.value == 50 and isinstance(steps.value, int)
    steps.value = 80.4
    assert steps.value == 80 and isinstance(steps.value, int)
    steps.index = 0
    assert steps.value == 1 and isinstance(steps.value, int)


def test_a_new_range_reaches_the_browser_in_one_message(monkeypatch):
    slider = Slider("x", linear_stops(-3.0, 3.0, 0.05), 2.5)
    messages = []
    monkeypatch.setattr(slider, "_send", lambda msg, buffers=None: messages.append(msg))
    slider.configure(linear_stops(-2.0, 2.0, 0.05))  # 2.5 is outside: clamped to 2.0
    assert slider.value == 2.0 and slider.texts[-1] == "2" and slider.texts[slider.index] == "2"
    assert len(messages) == 1
    state = messages[0]["state"]
    assert {"texts", "index", "value_text"} <= set(state)  # range, handle and readout together
    with pytest.raises(ValueError):
        slider.configure([1.0, 1.0])


def test_dropdown_value_and_index_agree():
    menu = Dropdown("function", ["bowl", "elongated bowl", "rosenbrock"], "elongated bowl")
    assert menu.index == 1
    menu.index = 2  # the browser's choice
    assert menu.value == "rosenbrock"
    menu.value = "bowl"
    assert menu.index == 0
    with pytest.raises(traitlets.TraitError, match="not one of the options"):
        menu.value = "saddle"
