"""Lessons 03 and 04 in a real browser: run all, then drive each explorer with the keyboard
and see its readout and its figure change."""

import math
import re

from tests.browser.lab import (
    canvas_png,
    figures,
    focus_slider_and_press,
    readout_texts,
    run_all,
    wait_kernel_idle,
    wait_until_changed,
)

LESSON_3 = "lessons/03-chain-rule.ipynb"
LESSON_4 = "lessons/04-partial-derivatives-and-gradients.ipynb"


def _number(text: str, label: str) -> float:
    match = re.search(re.escape(label) + r"\s*(-?[\d.]+)", text)
    assert match, f"{label!r} not found in readout {text!r}"
    return float(match.group(1))


def _readout(page) -> str:
    # JupyterLab 4 skips rendering cells outside the viewport (content-visibility), and
    # innerText of a skipped element is empty: bring the explorer into view first.
    page.locator(".course-readout").first.scroll_into_view_if_needed()
    return readout_texts(page)[0]


def _open_notebook_alone(page, lab, path: str, timeout: float = 60_000) -> None:
    # Like lab.open_notebook, but with ?reset: the server is shared by the session, and
    # without it JupyterLab restores the previous test's notebook as well, whose idle
    # kernel can satisfy the idle check before this notebook's kernel is ready.
    page.goto(f"{lab.url}/lab/tree/{path}?reset&token={lab.token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=timeout)
    name = path.rsplit("/", 1)[-1]
    page.wait_for_function(
        f"() => {{ const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        f" return !!w && w.title.label === {name!r}; }}",
        timeout=timeout,
    )
    wait_kernel_idle(page, timeout)


def _open_and_run(page, lab, path):
    _open_notebook_alone(page, lab, path)
    run_all(page)
    page.wait_for_selector(".course-readout", timeout=30_000)
    figures(page).first.wait_for(timeout=30_000)


def test_chain_explorer_responds_to_keyboard(page, lab):
    _open_and_run(page, lab, LESSON_3)
    before_text, before_png = _readout(page), canvas_png(page, 0)
    assert _number(before_text, "x =") == 0.0
    assert "h'(x) = f'(g(x))·g'(x) = 2.000 × 3.000 = 6.000" in before_text

    focus_slider_and_press(page, 0, "ArrowRight", times=4)  # the x slider, 0.05 a step

    after_text = wait_until_changed(lambda: _readout(page), before_text)
    assert _number(after_text, "x =") > 0.0
    x = _number(after_text, "x =")
    assert f"= {6 * (3 * x + 1):.3f}" in after_text  # h'(x) = 6(3x + 1), still the chain rule
    after_png = wait_until_changed(lambda: canvas_png(page, 0), before_png)
    assert after_png != before_png, "the figure did not repaint after the slider moved"


def test_directional_explorer_responds_to_keyboard(page, lab):
    _open_and_run(page, lab, LESSON_4)
    before_text, before_png = _readout(page), canvas_png(page, 0)
    assert _number(before_text, "angle =") == 0.0
    assert _number(before_text, "∇f·u =") == 4.0  # u = [1, 0] at (1, 2): ∂f/∂x

    focus_slider_and_press(page, 0, "ArrowRight", times=3)  # the angle slider, 5° a step

    after_text = wait_until_changed(lambda: _readout(page), before_text)
    angle = _number(after_text, "angle =")
    assert angle > 0.0
    slope = _number(after_text, "∇f·u =")
    expected = 4.0 * math.cos(math.radians(angle)) + 5.0 * math.sin(math.radians(angle))  # ∇f·u
    assert abs(slope - expected) < 2e-3
    after_png = wait_until_changed(lambda: canvas_png(page, 0), before_png)
    assert after_png != before_png, "the figure did not repaint after the slider moved"

    # the "u along ∇f" button, pressed from the keyboard, turns u to the steepest direction
    button = page.get_by_role("button", name="u along ∇f")
    button.focus()
    page.keyboard.press("Enter")
    steepest = wait_until_changed(lambda: _readout(page), after_text)
    assert _number(steepest, "∇f·u =") == _number(steepest, "|∇f| =") == 6.403
