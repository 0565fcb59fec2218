"""Lesson 6's feature-scaling explorer in a real browser: keys move the scale of feature 2
and the learning rate, Space ticks "standardize"; the readout and the figure change each time."""

import re

from tests.browser.lab import (
    canvas_png,
    figures,
    focus_slider_and_press,
    open_notebook,
    run_all,
    wait_for_value,
    wait_until_changed,
)

LESSON_6 = "lessons/06-vectorized-gradients.ipynb"
SCALE, LR, STEPS = 0, 1, 2  # slider order in the explorer (the lesson's only sliders)


def _readout(page) -> str:
    element = page.locator(".course-readout").first
    element.scroll_into_view_if_needed()
    return element.inner_text()


def _max_lr(text: str) -> float:
    return float(re.search(r"max stable lr = 2/λmax = ([-0-9.e+]+)", text).group(1))


def _lr(text: str) -> float:
    return float(re.search(r"· lr = ([-0-9.e+]+) is", text).group(1))


def test_scaling_explorer_responds_to_keyboard(page, lab):
    open_notebook(page, lab, LESSON_6)
    run_all(page)
    page.locator(".course-readout").first.wait_for(state="attached", timeout=30_000)
    figures(page).first.wait_for(state="attached", timeout=30_000)
    readout = lambda: _readout(page)
    start = wait_for_value(readout, lambda t: "feature 2 ×1 (raw units)" in t)
    assert "converged" in start and _max_lr(start) == 1.03 and _lr(start) == 0.1, start
    png = wait_until_changed(lambda: canvas_png(page, 0), b"")

    # scale of feature 2: ten key presses of 0.1 decade -> x10; the same lr now diverges
    focus_slider_and_press(page, SCALE, "ArrowRight", times=10)
    scaled = wait_for_value(readout, lambda t: "feature 2 ×10 (raw units)" in t)
    assert (
        _max_lr(scaled) == 0.0122 and "OUTSIDE the stable range" in scaled and "diverged" in scaled
    )
    png_scaled = wait_until_changed(lambda: canvas_png(page, 0), png)
    assert png_scaled != png

    # learning rate: 19 presses of 0.05 decade -> 10**-1.95 = 0.0112, inside the range but slow
    focus_slider_and_press(page, LR, "ArrowLeft", times=19)
    slow = wait_for_value(readout, lambda t: _lr(t) < 0.012)
    assert "inside the stable range" in slow and "slow" in slow
    png_slow = wait_until_changed(lambda: canvas_png(page, 0), png_scaled)
    assert png_slow != png_scaled

    # standardize (Space on the check box): the condition number falls back to about 1
    box = page.locator(".widget-checkbox input").first  # the lesson's only check box
    box.scroll_into_view_if_needed()
    box.focus()
    page.keyboard.press("Space")
    standardized = wait_for_value(readout, lambda t: "then standardized" in t)
    assert "κ = λmax/λmin = 1.3" in standardized and _max_lr(standardized) == 0.886
    png_std = wait_until_changed(lambda: canvas_png(page, 0), png_slow)
    assert png_std != png_slow

    # the step count moves the path only
    focus_slider_and_press(page, STEPS, "ArrowRight", times=5)
    wait_for_value(readout, lambda t: "after 55 steps" in t)
    assert wait_until_changed(lambda: canvas_png(page, 0), png_std) != png_std
