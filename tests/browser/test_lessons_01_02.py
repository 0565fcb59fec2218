"""Lessons 1 and 2 in a real browser: the secant explorer answers the keyboard,
and a self-check box gives instant, explained feedback."""

import re

from tests.browser.lab import (
    canvas_png,
    figures,
    focus_slider_and_press,
    run_all,
    wait_kernel_idle,
    wait_until_changed,
)

LESSON_1 = "lessons/01-secant-to-tangent.ipynb"
LESSON_2 = "lessons/02-derivative-rules.ipynb"
# lesson 1's sliders, in page order: tangent x, secant x, secant h
SECANT_H_SLIDER, SECANT_READOUT, SECANT_FIGURE = 2, 1, 1


def _open_alone(page, lab, path: str, timeout: float = 60_000) -> None:
    """Open a notebook in an emptied workspace (``reset``), so that notebooks opened by
    earlier tests of the same JupyterLab session are not restored beside it."""
    page.goto(f"{lab.url}/lab/tree/{path}?token={lab.token}&reset")
    page.wait_for_selector(
        ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell", timeout=timeout
    )
    wait_kernel_idle(page, timeout)


def _readout(page, index: int) -> str:
    """One explorer's readout (textContent: also right while the cell is scrolled away)."""
    return page.locator(".course-readout").nth(index).text_content()


def _h_and_error(text: str) -> tuple[float, float]:
    h = float(re.search(r"h = ([-+.e\d]+)", text).group(1))
    error = float(re.search(r"error = ([-+.e\d]+)", text).group(1))
    return h, error


def test_secant_explorer_h_slider_responds_to_keyboard(page, lab):
    _open_alone(page, lab, LESSON_1)
    run_all(page)
    page.wait_for_selector(".course-readout", timeout=30_000)
    figures(page).nth(SECANT_FIGURE).wait_for(timeout=30_000)
    before_text = _readout(page, SECANT_READOUT)
    before_png = canvas_png(page, SECANT_FIGURE)
    h_before, error_before = _h_and_error(before_text)
    assert "secant slope" in before_text and abs(h_before - 0.1) < 1e-9  # the lesson set h = 0.1

    focus_slider_and_press(page, SECANT_H_SLIDER, "ArrowLeft", times=10)  # ten steps of 10^-0.1

    after_text = wait_until_changed(lambda: _readout(page, SECANT_READOUT), before_text)
    h_after, error_after = _h_and_error(after_text)
    assert h_after < h_before and error_after < error_before
    after_png = wait_until_changed(lambda: canvas_png(page, SECANT_FIGURE), before_png)
    assert after_png != before_png, "the secant figure did not repaint after the slider moved"


def test_lesson_2_self_check_gives_instant_feedback(page, lab):
    _open_alone(page, lab, LESSON_2)
    run_all(page)
    box = page.locator(".widget-text input").first
    box.wait_for(timeout=30_000)
    feedback = page.locator("[role=status]")

    box.fill("4x^2")
    box.press("Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[role=status]')]"
        ".some(e => e.textContent.includes('forgot to multiply'))",
        timeout=15_000,
    )

    box.fill("3*4*x^2")
    box.press("Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[role=status]')]"
        ".some(e => e.textContent.includes('Correct'))",
        timeout=15_000,
    )
    assert feedback.first.inner_text().startswith("✓")
