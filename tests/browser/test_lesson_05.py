"""Lesson 5's gradient-descent playground in a real browser, every control: the function
drop-down (keyboard, every function), the learning rate, momentum, steps and start sliders
(keyboard), a click and a drag on the contour plot. After each change the readout is
checked, and the canvas must show the kernel's current figure (contours, title, stability
panel, one loss curve), never the previous function's."""

import pytest

from tests.browser.explorers import (
    browser_figure,
    changed_figure,
    check_figure,
    control,
    explorer,
    number,
    open_lesson,
    press,
    wait_for_readout,
)

LESSON_5 = "lessons/05-gradient-descent.ipynb"
PLAYGROUND = "helpers.widgets.playground:GradientDescentPlayground"
# what the figure must hold: titles (contour, loss, stability panels) and one loss curve
FACTS = "len(_e.ax_loss.lines)"
FUNCTIONS = ["bowl", "elongated bowl", "rosenbrock", "two minima", "saddle"]


def _start(text: str) -> tuple[float, float]:
    inside = text.split("start (", 1)[1].split(")", 1)[0]
    x, y = inside.split(",")
    return float(x), float(y)


@pytest.fixture
def playground(page, lab):
    open_lesson(page, lab, LESSON_5)
    area = explorer(page)
    area.scroll_into_view_if_needed()
    wait_for_readout(area, lambda t: t.startswith("elongated bowl"))
    return area


def test_every_control_of_the_playground(page, playground):
    area = playground
    text = wait_for_readout(area, lambda t: "stable for lr < 0.3333" in t)
    assert "lr = 0.1 · β = 0 · 50 steps" in text and _start(text) == (4.0, 3.0)
    facts = check_figure(page, area, PLAYGROUND, FACTS, name="l05-start")
    assert facts["titles"][0].startswith("elongated bowl") and facts["extra"] == 1
    pixels = browser_figure(area)

    # learning rate: round numbers, one stop a key press: 0.1 -> 0.12 -> 0.15 -> 0.2 -> 0.25 -> 0.3
    lr = control(area, "learning rate")
    press(page, lr, "ArrowRight", 5)
    text = wait_for_readout(area, lambda t: "lr = 0.3 ·" in t)
    assert "converged, zig-zagging" in text
    assert lr.get_attribute("aria-valuetext") == "learning rate 0.3"
    pixels, _ = changed_figure(page, area, pixels, PLAYGROUND, name="l05-lr-0.3")
    press(page, lr, "ArrowRight", 2)  # 0.32, then 0.34: just beyond 1/3
    text = wait_for_readout(area, lambda t: "lr = 0.34 ·" in t)
    assert "diverged" in text and "OUTSIDE" in text
    pixels, _ = changed_figure(page, area, pixels, PLAYGROUND, name="l05-lr-0.34")
    press(page, lr, "PageDown")  # twelve stops down: 0.04
    wait_for_readout(area, lambda t: "lr = 0.04 ·" in t)
    pixels, _ = changed_figure(page, area, pixels, PLAYGROUND)

    # momentum: beta changes the stability panel (its title and curves) and the path
    beta = control(area, "momentum β")
    press(page, beta, "ArrowRight", 9)
    text = wait_for_readout(area, lambda t: "β = 0.9 ·" in t)
    assert "stable for lr < 0.6333 (= 2(1+β)/λmax" in text  # 2 (1 + 0.9) / 6
    pixels, facts = changed_figure(page, area, pixels, PLAYGROUND, FACTS, name="l05-beta-0.9")
    assert facts["titles"][2].startswith("β = 0.9: stable for lr < 0.6333")
    press(page, beta, "Home")
    wait_for_readout(area, lambda t: "β = 0 ·" in t)
    pixels, _ = changed_figure(page, area, pixels, PLAYGROUND)

    # steps: the path, the loss curve and the step axis
    steps = control(area, "steps")
    press(page, steps, "ArrowRight", 5)
    wait_for_readout(area, lambda t: "55 steps" in t)
    pixels, facts = changed_figure(page, area, pixels, PLAYGROUND, FACTS)
    assert facts["extra"] == 1  # still one loss curve

    # start point from the keyboard: 0.05 a press
    press(page, control(area, "start x"), "ArrowLeft", 10)
    wait_for_readout(area, lambda t: _start(t) == (3.5, 3.0))
    press(page, control(area, "start y"), "ArrowLeft", 20)
    wait_for_readout(area, lambda t: _start(t) == (3.5, 2.0))
    pixels, _ = changed_figure(page, area, pixels, PLAYGROUND, name="l05-start-keys")

    # start point with the mouse: a click, then a drag, on the contour plot
    canvas = area.locator(".jupyter-matplotlib-figure canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + 0.15 * box["width"], box["y"] + 0.75 * box["height"])
    text = wait_for_readout(area, lambda t: _start(t)[0] < 0 and _start(t)[1] < 0)
    pixels, _ = changed_figure(page, area, pixels, PLAYGROUND, name="l05-click")
    page.mouse.move(box["x"] + 0.15 * box["width"], box["y"] + 0.75 * box["height"])
    page.mouse.down()
    for i in range(1, 6):
        page.mouse.move(box["x"] + (0.15 + 0.05 * i) * box["width"], box["y"] + 0.6 * box["height"])
    page.mouse.up()
    dragged = wait_for_readout(area, lambda t: _start(t)[0] > _start(text)[0] + 1)
    assert _start(dragged)[1] > _start(text)[1]
    pixels, _ = changed_figure(page, area, pixels, PLAYGROUND, name="l05-drag")

    # every function, chosen with the keyboard on the drop-down, after that drag
    function = control(area, "function")
    press(page, function, "Home")
    for index, name in enumerate(FUNCTIONS):
        if index:
            press(page, function, "ArrowDown")
        text = wait_for_readout(area, lambda t, name=name: t.startswith(name + " ·"))
        pixels, facts = changed_figure(
            page, area, pixels, PLAYGROUND, FACTS, name=f"l05-function-{index}"
        )
        assert facts["titles"][0].startswith(name + ":") and facts["extra"] == 1
        stability_title = facts["titles"][2]
        if name == "saddle":
            assert "no lr is stable" in stability_title and "no learning rate is stable" in text
        else:
            bound = number(text, "stable for lr <")  # the readout's (first) stability boundary
            assert "stable for lr <" in stability_title and f"{bound:.4g}" in stability_title
    assert function.evaluate("e => e === document.activeElement")  # focus stayed on the control

    # Rosenbrock from (2, 2): slow valley, honestly "still descending", not "converged"
    press(page, function, "ArrowUp", 2)
    wait_for_readout(area, lambda t: t.startswith("rosenbrock ·"))
    press(page, control(area, "start x"), "End")
    text = wait_for_readout(area, lambda t: _start(t) == (2.0, 2.0))
    assert "still descending" in text and "not converged after 55 steps" in text
    check_figure(page, area, PLAYGROUND, name="l05-rosenbrock-2-2")


def test_focus_follows_reading_order_and_leaves_the_figure(page, playground):
    """Tab walks the controls in reading order, then through the figure and out of it."""
    area = playground
    control(area, "function").focus()
    visited = []
    for _ in range(12):
        visited.append(
            page.evaluate(
                """() => { const e = document.activeElement;
                const inside = !!e.closest('.course-explorer');
                return inside ? (e.getAttribute('aria-label') || e.className || e.tagName)
                              : 'outside'; }"""
            )
        )
        if visited[-1] == "outside":
            break
        page.keyboard.press("Tab")
    names = ["function", "learning rate", "momentum β", "steps", "start x", "start y"]
    assert visited[: len(names)] == names, visited
    assert visited[-1] == "outside", f"focus stayed in the explorer: {visited}"
