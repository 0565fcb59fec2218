"""Lesson 2 in a real browser: the product-rule explorer answers every control from the
keyboard (its figure checked against the kernel's), and a self-check box gives instant,
explained feedback."""

from tests.browser.explorers import (
    changed_figure,
    control,
    first_look,
    number,
    open_lesson,
    press,
    wait_for_readout,
)

LESSON_2 = "lessons/02-derivative-rules.ipynb"
PRODUCT = "helpers.widgets.product_rule:ProductRuleExplorer"


def test_product_rule_explorer_and_self_check(page, lab):
    open_lesson(page, lab, LESSON_2)
    start = lambda t: t.startswith("x = 1.00, Δx = 0.2")
    area, text, pixels = first_look(page, 0, PRODUCT, start, "l02-start")
    assert "product rule g·f' + f·g' = 2 + 3 = 5" in text

    # a smaller step: the corner per Δx shrinks towards 0, the total towards 5
    dx = control(area, "step Δx")
    press(page, dx, "ArrowLeft", 6)  # 0.2 -> 0.1 -> 0.05 -> 0.02 -> 0.01 -> 0.005 -> 0.002
    text = wait_for_readout(area, lambda t: "Δx = 0.002" in t)
    assert number(text, "Δf·Δg/Δx =") < 0.013  # f·g·Δx = 2·3·0.002: it shrinks with Δx
    pixels, _ = changed_figure(page, area, pixels, PRODUCT, name="l02-small-dx")

    press(page, control(area, "x"), "ArrowRight", 4)  # 0.05 a press
    text = wait_for_readout(area, lambda t: t.startswith("x = 1.20"))
    assert "= 10.37" in text  # 5 x^4 at 1.2
    pixels, _ = changed_figure(page, area, pixels, PRODUCT)

    press(page, control(area, "f(x) · g(x)"), "ArrowDown")  # x · e^x, from x = 1
    text = wait_for_readout(area, lambda t: "f = x = 1 " in t and "eˣ" in t)
    pixels, facts = changed_figure(page, area, pixels, PRODUCT, name="l02-x-exp")
    assert "x · eˣ" in facts["titles"][1]

    # the self-check: an answer box with instant feedback
    box = page.locator(".widget-text input").first
    box.scroll_into_view_if_needed()
    box.fill("4x^2")
    box.press("Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[role=alert]')]"
        ".some(e => e.textContent.includes('forgot to multiply'))",
        timeout=15_000,
    )
    box.fill("3*4*x^2")
    box.press("Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[role=alert]')]"
        ".some(e => e.textContent.includes('Correct'))",
        timeout=15_000,
    )
