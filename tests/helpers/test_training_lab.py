"""The lesson-08 training lab: toggles change the run in place and the readout names the failure."""

import html
import re

import ipywidgets as widgets
import numpy as np
import pytest

from helpers.widgets.controls import Dropdown, Slider
from helpers.widgets.training_lab import SCENARIOS, TrainingLab, _decade_ticks, _settle


def readout(lab):
    return re.sub("<[^>]+>", "", html.unescape(lab.readout.value))


@pytest.fixture
def lab():
    lab = TrainingLab("healthy: lr 0.1 on x² + 3y²")
    lab.widget
    return lab


EXPECTED = {
    "healthy: lr 0.1 on x² + 3y²": "healthy",
    "learning rate too large": "learning rate too large",
    "too large, run to overflow (float64)": "learning rate too large",
    "too large, run to overflow (float32)": "learning rate too large",
    "sign flip": "sign flipped",
    "forgotten zero_grad": "gradients accumulate",
    "integer parameters": "updates lost",
    "finite-difference step too small": "wrong gradient estimate",
    "exploding gradients (deep chain)": "exploding gradients",
    "fix: gradient clipping": "healthy",
    "vanishing gradients (sigmoid chain)": "vanishing gradients",
    "fix: ReLU chain": "healthy",
}


def test_every_scenario_is_diagnosed(lab):
    assert set(EXPECTED) == set(SCENARIOS)
    for name, verdict in EXPECTED.items():
        lab.scenario.value = name
        assert readout(lab).startswith(verdict), (name, readout(lab))
        assert verdict in lab.details.value


def test_overflow_marks_sit_at_the_inf_and_nan_steps(lab):
    lab.scenario.value = "too large, run to overflow (float64)"
    assert "inf at step 1050" in readout(lab) and "NaN at step 2103" in readout(lab)
    assert lab.inf_marks[0].get_xdata()[0] == 1050 and lab.nan_marks[1].get_xdata()[0] == 2103
    lab.scenario.value = "too large, run to overflow (float32)"
    assert "inf at step 127" in readout(lab) and "NaN at step 258" in readout(lab)
    lab.scenario.value = "healthy: lr 0.1 on x² + 3y²"
    assert np.isnan(lab.inf_marks[0].get_xdata()[0])  # hidden when nothing overflows


def test_a_toggle_changes_the_run_in_place(lab):
    fig, line = lab.fig, lab.loss_line
    before = readout(lab)
    lab.toggles["flip_sign"].value = True
    assert readout(lab).startswith("sign flipped") and readout(lab) != before
    assert lab.fig is fig and lab.loss_line is line
    steps, losses = line.get_data()
    assert len(steps) == 61 and np.all(np.diff(losses) > 0)
    lab.toggles["flip_sign"].value = False
    assert readout(lab) == before


def test_presets_set_every_control(lab):
    lab.toggles["clip"].value = True
    lab.scenario.value = "integer parameters"
    assert lab.dtype.value == "int64" and lab.problem.value == "shifted bowl"
    assert not lab.toggles["clip"].value  # a preset resets the other switches
    y = lab.param_lines[1].get_ydata()
    assert y[0] == 0 and np.all(y[1:] == 1)  # truncated: stuck at y = 1


def test_small_slider_moves_are_blitted(lab):
    lab.scenario.value = "learning rate too large"
    canvas = lab.fig.canvas
    canvas.draw()
    full_draws = []
    canvas.mpl_connect("draw_event", full_draws.append)
    texts = set()
    for value in (0.4, 0.35, 0.34, 0.35):  # within the axis range of the first run
        lab.lr.value = value
        texts.add(readout(lab))
    assert len(texts) == 3 and full_draws == []


def test_benchmark_moves_each_change_something():
    lab, moves = TrainingLab.benchmark_moves()
    assert len(moves) >= 20
    changed = 0
    for move in moves:
        before = (readout(lab), lab.loss_line.get_ydata().copy())
        move()
        after = (readout(lab), lab.loss_line.get_ydata())
        changed += (
            before[0] != after[0]
            or len(before[1]) != len(after[1])
            or not np.array_equal(before[1], after[1])
        )
    assert changed >= len(moves) - 2


def test_controls_are_keyboard_widgets_and_figure_has_alt_text(lab):
    controls = [lab.scenario, lab.problem, lab.lr, lab.num_steps, lab.dtype, *lab.toggles.values()]
    assert all(isinstance(c, (Dropdown, Slider, widgets.Checkbox)) for c in controls)
    assert {settings.get("lr", 0.1) for settings in SCENARIOS.values()} <= set(lab.lr.stops)
    caption = lab.widget.children[-2].children[1].value  # the figure box, above the diagnosis
    assert "loss" in lab.alt_text and "Figure:" in caption and "zig-zag" in caption


def test_axis_helpers():
    assert _decade_ticks(1e-30, 1e300) == [1.0, 1e100, 1e200, 1e300]  # never beyond 1e300
    assert len(_decade_ticks(1e0, 1e10)) <= 7
    assert _settle((0, 20), (0, 10)) == (0, 20)  # still holds the data: keep
    assert _settle((0, 20), (-5, 10)) == (-5, 10)  # data outside: change
    assert _settle((-30, 300), (0, 5)) == (0, 5)  # far too wide: change
    assert _settle(None, (0, 5)) == (0, 5)


def test_the_parameter_panel_names_the_problem_shown(lab):
    lab.set(problem="shifted bowl")
    assert lab.param_ax.get_title() == "parameters (shifted bowl)"
    lab.set(problem="elongated bowl")
    assert lab.param_ax.get_title() == "parameters (elongated bowl)"
