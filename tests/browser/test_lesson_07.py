"""Lesson 7's backward-pass explorer in a real browser, every control from the keyboard: the
step slider walks the backward pass, x and y move the inputs. After each change the readout
is checked and the canvas must show the kernel's current figure."""

from tests.browser.explorers import (
    changed_figure,
    control,
    first_look,
    open_lesson,
    press,
    wait_for_readout,
)

LESSON_7 = "lessons/07-autograd-with-pytorch.ipynb"
BACKPROP = "helpers.widgets.backprop:BackpropExplorer"


def test_every_control_of_the_backprop_explorer(page, lab):
    open_lesson(page, lab, LESSON_7)
    start = lambda t: t.startswith("x = 2.00, y = 3.00 → z = 25 · step 0/7")
    area, text, pixels = first_look(page, 0, BACKPROP, start, "l07-start")
    assert "this walk ?, ? · torch.autograd 10, 10" in text

    step = control(area, "backward step")
    press(page, step, "ArrowRight", 3)
    text = wait_for_readout(area, lambda t: "step 3/7" in t)
    pixels, _ = changed_figure(page, area, pixels, BACKPROP, name="l07-step-3")
    press(page, step, "End")
    text = wait_for_readout(area, lambda t: "step 7/7" in t)
    assert (
        "this walk 10, 10 · torch.autograd 10, 10 · finite differences 10.000000, 10.000000" in text
    )
    pixels, _ = changed_figure(page, area, pixels, BACKPROP, name="l07-step-7")

    x = control(area, "x")
    press(page, x, "ArrowRight")  # 0.1 a press
    text = wait_for_readout(area, lambda t: t.startswith("x = 2.10, y = 3.00"))
    assert "this walk 10.2, 10.2 · torch.autograd 10.2, 10.2" in text
    assert x.get_attribute("aria-valuetext") == "x 2.1"
    pixels, _ = changed_figure(page, area, pixels, BACKPROP)
    press(page, control(area, "y"), "ArrowLeft", 5)
    text = wait_for_readout(area, lambda t: t.startswith("x = 2.10, y = 2.50"))
    assert "this walk 9.2, 9.2" in text
    pixels, _ = changed_figure(page, area, pixels, BACKPROP)
