"""Lesson 7's backward-pass explorer in a real browser: keyboard moves walk the backward pass and
move the inputs; the readout and the figure follow."""

import time

from tests.browser.lab import (
    canvas_png,
    figures,
    focus_slider_and_press,
    open_notebook,
    readout_texts,
    run_all,
    wait_until_changed,
)

LESSON_7 = "lessons/07-autograd-with-pytorch.ipynb"


def _readout(page) -> str:
    # JupyterLab 4 skips rendering cells outside the viewport: bring the explorer into view first
    page.locator(".course-readout").first.scroll_into_view_if_needed()
    return readout_texts(page)[0]


def wait_for_readout(page, fragment, timeout=15.0):
    """The explorer's readout once it contains ``fragment`` (each key press updates it on the way)."""
    deadline = time.monotonic() + timeout
    text = _readout(page)
    while fragment not in text and time.monotonic() < deadline:
        time.sleep(0.05)
        text = _readout(page)
    return text


def test_backprop_explorer_responds_to_keyboard(page, lab):
    open_notebook(page, lab, LESSON_7)
    run_all(page)
    page.locator(".course-readout").first.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => document.querySelector('.course-readout').innerText.trim().length > 0",
        timeout=30_000,
    )
    figures(page).first.wait_for(timeout=30_000)
    before_text, before_png = _readout(page), canvas_png(page, 0)
    assert before_text.startswith("x = 2.00, y = 3.00 → z = 25 · step 0/7: forward pass"), (
        before_text
    )
    assert "this walk ?, ? · torch.autograd 10, 10" in before_text

    # slider 2 is "backward step": seven presses walk the whole backward pass
    focus_slider_and_press(page, 2, "ArrowRight", times=7)
    walked = wait_for_readout(page, "step 7/7")
    assert "step 7/7" in walked, walked
    assert (
        "this walk 10, 10 · torch.autograd 10, 10 · finite differences 10.000000, 10.000000"
        in walked
    )
    walked_png = wait_until_changed(lambda: canvas_png(page, 0), before_png)
    assert walked_png != before_png, "the figure did not repaint after the step slider moved"

    # slider 0 is x (0.1 a press): the three gradients move together to 2x + 2y = 10.2
    focus_slider_and_press(page, 0, "ArrowRight", times=1)
    moved = wait_for_readout(page, "x = 2.10")
    assert moved.startswith("x = 2.10, y = 3.00"), moved
    assert (
        "this walk 10.2, 10.2 · torch.autograd 10.2, 10.2 · finite differences 10.200000, 10.200000"
    ) in moved
    assert wait_until_changed(lambda: canvas_png(page, 0), walked_png) != walked_png
