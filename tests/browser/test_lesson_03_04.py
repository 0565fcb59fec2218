"""Lessons 3 and 4 in a real browser, every control from the keyboard (and the buttons with
the mouse too): the wiggle explorer (composition, x, Δx) and the directional-derivative
explorer (function, angle, point, along / across buttons). After each change the readout
is checked and the canvas must show the kernel's current figure."""

import math

from tests.browser.explorers import (
    changed_figure,
    control,
    first_look,
    number,
    open_lesson,
    press,
    wait_for_readout,
)

LESSON_3 = "lessons/03-chain-rule.ipynb"
LESSON_4 = "lessons/04-partial-derivatives-and-gradients.ipynb"
CHAIN = "helpers.widgets.chain:ChainExplorer"
DIRECTIONAL = "helpers.widgets.directional:DirectionalDerivativeExplorer"


def test_every_control_of_the_chain_explorer(page, lab):
    open_lesson(page, lab, LESSON_3)
    start = lambda t: t.startswith("x = 0.00")
    area, text, pixels = first_look(page, 0, CHAIN, start, "l03-start")
    assert "h'(x) = f'(g(x))·g'(x) = 2.000 × 3.000 = 6.000" in text

    press(page, control(area, "x"), "ArrowRight", 4)  # 0.05 a press
    text = wait_for_readout(area, lambda t: t.startswith("x = 0.20"))
    assert f"= {6 * (3 * 0.2 + 1):.3f}" in text  # h'(x) = 6(3x + 1): still the chain rule
    pixels, _ = changed_figure(page, area, pixels, CHAIN)

    press(page, control(area, "wiggle Δx"), "ArrowLeft", 5)  # 0.10 -> 0.05
    text = wait_for_readout(area, lambda t: "wiggle Δx = 0.05" in t)
    pixels, _ = changed_figure(page, area, pixels, CHAIN)

    press(page, control(area, "h(x) ="), "ArrowDown")  # (x^2+1)^3
    text = wait_for_readout(area, lambda t: "u = g(x) = 1.040" in t)  # x^2 + 1 at 0.2
    pixels, facts = changed_figure(page, area, pixels, CHAIN, name="l03-composition-2")
    assert facts["titles"][0] == "inner: $u = g(x) = x^2 + 1$"


def test_every_control_of_the_directional_explorer(page, lab):
    open_lesson(page, lab, LESSON_4)
    start = lambda t: t.startswith("angle = 0.0°")
    area, text, pixels = first_look(page, 0, DIRECTIONAL, start, "l04-start")
    assert number(text, "∇f·u =") == 4.0  # u = [1, 0] at (1, 2): ∂f/∂x

    angle = control(area, "angle of u")
    press(page, angle, "ArrowRight", 3)  # 5° a press
    text = wait_for_readout(area, lambda t: t.startswith("angle = 15.0°"))
    expected = 4 * math.cos(math.radians(15)) + 5 * math.sin(math.radians(15))
    assert abs(number(text, "∇f·u =") - expected) < 2e-3
    assert angle.get_attribute("aria-valuetext") == "angle of u 15°"
    pixels, _ = changed_figure(page, area, pixels, DIRECTIONAL)

    press(page, area.get_by_role("button", name="u along ∇f"), "Enter")
    text = wait_for_readout(area, lambda t: t.startswith("angle = 51.3°"))
    assert number(text, "∇f·u =") == number(text, "|∇f| =") == 6.403
    pixels, _ = changed_figure(page, area, pixels, DIRECTIONAL, name="l04-along")
    area.get_by_role("button", name="u across ∇f").click()  # the mouse
    text = wait_for_readout(area, lambda t: t.startswith("angle = 141.3°"))
    assert number(text, "∇f·u =") == 0.0
    pixels, _ = changed_figure(page, area, pixels, DIRECTIONAL, name="l04-across")

    press(page, control(area, "point x"), "ArrowLeft", 20)  # 0.05 a press: x = 0
    text = wait_for_readout(area, lambda t: "at (0.00, 2.00)" in t)
    assert "∇f = [2.000, 4.000]" in text
    pixels, _ = changed_figure(page, area, pixels, DIRECTIONAL)
    press(page, control(area, "point y"), "ArrowLeft", 40)  # y = 0: the minimum, ∇f = 0
    text = wait_for_readout(area, lambda t: "at (0.00, 0.00)" in t)
    assert "every direction is flat" in text
    pixels, _ = changed_figure(page, area, pixels, DIRECTIONAL, name="l04-flat")

    function = control(area, "f(x, y) =")
    press(page, function, "ArrowDown")  # 3x^2 + 2xy + y^3, at its start (1, 1)
    text = wait_for_readout(area, lambda t: "at (1.00, 1.00)" in t)
    assert "∇f = [8.000, 5.000]" in text
    pixels, facts = changed_figure(page, area, pixels, DIRECTIONAL, name="l04-function-2")
    assert facts["titles"][0] == "$f(x, y) = 3x^2 + 2xy + y^3$"
