"""Lesson 1's two explorers in a real browser, every control from the keyboard: the
tangent explorer (function drop-down through every function, x slider with arrows,
Home and End) and the secant explorer (function, x, h on its log scale). After each
change the readout is checked and the canvas must show the kernel's current figure."""

from tests.browser.explorers import (
    changed_figure,
    control,
    first_look,
    number,
    open_lesson,
    press,
    wait_for_readout,
)

LESSON_1 = "lessons/01-secant-to-tangent.ipynb"
TANGENT = "helpers.widgets.tangent:TangentExplorer"
SECANT = "helpers.widgets.secant:SecantExplorer"
FUNCTIONS = ["x^2", "x^3", "sin x", "e^x", "relu"]


def test_every_control_of_both_explorers(page, lab):
    open_lesson(page, lab, LESSON_1)

    # --- the tangent explorer
    start = lambda t: t.startswith("x = 1.00")
    area, text, pixels = first_look(page, 0, TANGENT, start, "l01-tangent-start")
    assert "slope f'(x) = 2.000" in text
    x = control(area, "x")
    press(page, x, "ArrowRight", 5)  # 0.05 a press on x^2's range [-3, 3]
    text = wait_for_readout(area, lambda t: t.startswith("x = 1.25"))
    assert "slope f'(x) = 2.500" in text and x.get_attribute("aria-valuetext") == "x 1.25"
    pixels, _ = changed_figure(page, area, pixels, TANGENT)
    press(page, x, "End")
    wait_for_readout(area, lambda t: t.startswith("x = 3.00") and "slope f'(x) = 6.000" in t)
    pixels, _ = changed_figure(page, area, pixels, TANGENT)
    press(page, x, "Home")
    wait_for_readout(area, lambda t: t.startswith("x = -3.00") and "decreasing" in t)
    pixels, _ = changed_figure(page, area, pixels, TANGENT)
    function = control(area, "function f(x) =")
    press(page, function, "Home")
    for index, name in enumerate(FUNCTIONS[1:], start=1):
        press(page, function, "ArrowDown")
        pixels, facts = changed_figure(page, area, pixels, TANGENT, name=f"l01-tangent-{index}")
        assert facts["titles"][0].startswith(f"f(x) = {name} "), facts["titles"]
    text = wait_for_readout(area, lambda t: t.startswith("x = -2.00"))  # relu's range is [-2, 2]
    assert "slope f'(x) = 0.000" in text

    # --- the secant explorer (the lesson set h = 0.1 from code)
    start = lambda t: t.startswith("h = 1.0e-01")
    area, text, pixels = first_look(page, 1, SECANT, start, "l01-secant-start")
    assert "secant slope = 2.100000" in text
    h = control(area, "step h")
    press(page, h, "ArrowLeft", 10)  # ten presses: h / 10
    text = wait_for_readout(area, lambda t: t.startswith("h = 1.0e-02"))
    assert "secant slope = 2.010000" in text and number(text, "error =") < 0.011
    pixels, _ = changed_figure(page, area, pixels, SECANT, name="l01-secant-h")
    press(page, h, "PageDown")  # a decade at a time
    wait_for_readout(area, lambda t: t.startswith("h = 1.0e-03"))
    pixels, _ = changed_figure(page, area, pixels, SECANT)
    press(page, control(area, "x"), "ArrowRight", 2)
    text = wait_for_readout(area, lambda t: "true slope f'(x) = 2.200000" in t)
    pixels, _ = changed_figure(page, area, pixels, SECANT)
    press(page, control(area, "function f(x) ="), "ArrowDown")
    text = wait_for_readout(area, lambda t: "true slope f'(x) = 3.630000" in t)  # 3 * 1.1**2
    pixels, facts = changed_figure(page, area, pixels, SECANT, name="l01-secant-x3")
    assert facts["titles"][0] == "f(x) = x^3"
