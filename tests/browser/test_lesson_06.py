"""Lesson 6's feature-scaling explorer in a real browser, every control from the keyboard:
the scale of feature 2, "standardize" (Space), the learning rate and the steps. After each
change the readout is checked and the canvas must show the kernel's current figure."""

import re

from tests.browser.explorers import (
    changed_figure,
    control,
    first_look,
    open_lesson,
    press,
    wait_for_readout,
)

LESSON_6 = "lessons/06-vectorized-gradients.ipynb"
SCALING = "helpers.widgets.scaling:FeatureScalingExplorer"


def _max_lr(text: str) -> float:
    return float(re.search(r"max stable lr = 2/λmax = ([-0-9.e+]+)", text).group(1))


def test_every_control_of_the_scaling_explorer(page, lab):
    open_lesson(page, lab, LESSON_6)
    start = lambda t: "feature 2 ×1 (raw units)" in t
    area, text, pixels = first_look(page, 0, SCALING, start, "l06-start")
    assert "converged" in text and _max_lr(text) == 1.03

    # scale of feature 2: ten presses of about 1.26x -> x10; the same lr now diverges
    press(page, control(area, "scale of x2"), "ArrowRight", 10)
    text = wait_for_readout(area, lambda t: "feature 2 ×10 (raw units)" in t)
    assert _max_lr(text) == 0.0122 and "OUTSIDE the stable range" in text and "diverged" in text
    pixels, facts = changed_figure(page, area, pixels, SCALING, name="l06-scale-10")
    assert facts["titles"][0] == "loss contours, feature 2 ×10"

    # learning rate: round numbers, 12 a decade; a decade down (Page Down) and two more stops
    lr = control(area, "learning rate")
    press(page, lr, "PageDown")
    press(page, lr, "ArrowLeft", 2)  # 0.01 -> 0.008 -> 0.007
    text = wait_for_readout(area, lambda t: "lr = 0.007 is inside the stable range" in t)
    assert "slow" in text
    pixels, _ = changed_figure(page, area, pixels, SCALING, name="l06-lr")

    press(page, control(area, "steps"), "End")
    text = wait_for_readout(area, lambda t: "after 200 steps" in t)
    pixels, _ = changed_figure(page, area, pixels, SCALING)

    press(page, control(area, "standardize the features"), "Space")
    text = wait_for_readout(area, lambda t: "then standardized" in t)
    assert "κ = λmax/λmin = 1.3" in text  # round contours again (lr 0.007 is now merely slow)
    pixels, facts = changed_figure(page, area, pixels, SCALING, name="l06-standardized")
    assert facts["titles"][0] == "loss contours, feature 2 standardized"
