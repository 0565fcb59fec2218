"""Lesson 8's training lab in a real browser: keyboard moves change the run, the readout and the figure."""

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

LESSON_8 = "lessons/08-when-training-goes-wrong.ipynb"


def wait_for_readout(page, prefix, timeout=15.0):
    """The lab's readout once it starts with ``prefix`` (each key press updates it on the way)."""
    deadline = time.monotonic() + timeout
    text = readout_texts(page)[0]
    while not text.startswith(prefix) and time.monotonic() < deadline:
        time.sleep(0.05)
        text = readout_texts(page)[0]
    return text


def test_training_lab_responds_to_keyboard(page, lab):
    open_notebook(page, lab, LESSON_8)
    run_all(page)
    # JupyterLab renders cells lazily: bring the lab into view, then wait for its first readout
    page.locator(".course-readout").first.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => document.querySelector('.course-readout').innerText.trim().length > 0",
        timeout=30_000,
    )
    figures(page).first.wait_for(timeout=30_000)
    before_text = readout_texts(page)[0]
    before_png = canvas_png(page, 0)
    assert before_text.startswith("learning rate too large"), before_text
    assert "loss 43 →" in before_text
    assert "Diagnosis" in page.locator(".course-diagnosis").first.inner_text()

    # slider 0 is the learning rate, at 0.4; four stops left is 0.32 < 1/3 (0.35, 0.34, 0.33, 0.32)
    focus_slider_and_press(page, 0, "ArrowLeft", times=4)
    after_text = wait_for_readout(page, "healthy")
    assert after_text.startswith("healthy"), after_text
    after_png = wait_until_changed(lambda: canvas_png(page, 0), before_png)
    assert after_png != before_png, "the figure did not repaint after the slider moved"

    # the sign-flip check box, toggled with the keyboard
    box = page.locator(".widget-checkbox input").first
    box.focus()
    page.keyboard.press("Space")
    flipped_text = wait_for_readout(page, "sign flipped")
    assert flipped_text.startswith("sign flipped"), flipped_text
    assert wait_until_changed(lambda: canvas_png(page, 0), after_png) != after_png
