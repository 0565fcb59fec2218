"""Lesson 5's gradient-descent playground in a real browser: keys move the learning rate,
the step count and the start point, a click on the contour plot moves the start; the
readout and the figure change each time."""

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

LESSON_5 = "lessons/05-gradient-descent.ipynb"
LR, STEPS, X0, Y0 = 0, 1, 2, 3  # slider order in the playground (the lesson's only sliders)


def _number(text: str, label: str) -> float:
    return float(re.search(label + r" = ([-0-9.e+]+)", text).group(1))


def _start(text: str) -> tuple[float, float]:
    x, y = re.search(r"start \(([-0-9.]+), ([-0-9.]+)\)", text).groups()
    return float(x), float(y)


def _readout(page) -> str:
    # The playground sits mid-notebook: scroll it into view, since JupyterLab may not
    # render cells far outside the viewport.
    element = page.locator(".course-readout").first
    element.scroll_into_view_if_needed()
    return element.inner_text()


def test_playground_responds_to_keyboard_and_click(page, lab):
    open_notebook(page, lab, LESSON_5)
    run_all(page)
    page.locator(".course-readout").first.wait_for(state="attached", timeout=30_000)
    figures(page).first.wait_for(state="attached", timeout=30_000)
    readout = lambda: _readout(page)
    before = wait_until_changed(readout, "")
    assert (
        "elongated bowl" in before and "lr = 0.1" in before and "stable for lr < 0.3333" in before
    )
    assert _start(before) == (4.0, 3.0)
    png = canvas_png(page, 0)

    # learning rate: ten key presses on the log slider (0.01 decades each) -> lr x 10**0.1
    focus_slider_and_press(page, LR, "ArrowRight", times=10)
    wait_for_value(readout, lambda t: 0.12 < _number(t, "lr") < 0.13)
    png_lr = wait_until_changed(lambda: canvas_png(page, 0), png)
    assert png_lr != png

    # step count: the path gets longer, the readout counts the steps
    focus_slider_and_press(page, STEPS, "ArrowRight", times=5)
    wait_for_value(readout, lambda t: "55 steps" in t)
    png_steps = wait_until_changed(lambda: canvas_png(page, 0), png_lr)
    assert png_steps != png_lr
    png_lr = png_steps

    # start point from the keyboard
    focus_slider_and_press(page, X0, "ArrowLeft", times=10)
    wait_for_value(readout, lambda t: _start(t) == (3.5, 3.0))  # ten steps of 0.05
    png_x0 = wait_until_changed(lambda: canvas_png(page, 0), png_lr)
    assert png_x0 != png_lr

    # start point by clicking on the contour plot (left part of the figure)
    canvas = figures(page).first.locator("canvas").first
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + 0.15 * box["width"], box["y"] + 0.75 * box["height"])
    wait_for_value(readout, lambda t: _start(t)[0] < 0 and _start(t)[1] < 0)  # lower left
    png_click = wait_until_changed(lambda: canvas_png(page, 0), png_x0)
    assert png_click != png_x0

    # a learning rate above the stability boundary: the readout says so
    focus_slider_and_press(page, LR, "ArrowRight", times=50)  # x 10**0.5 -> about 0.4
    diverged = wait_for_value(readout, lambda t: _number(t, "lr") > 0.39)
    assert "diverged" in diverged and "OUTSIDE" in diverged
