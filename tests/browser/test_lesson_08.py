"""Lesson 8's training lab in a real browser, every control from the keyboard: the scenario,
problem and dtype drop-downs, the learning-rate and steps sliders, and each check box
(Space). After each change the readout is checked and the canvas must show the kernel's
current figure."""

from tests.browser.explorers import (
    changed_figure,
    control,
    first_look,
    open_lesson,
    press,
    wait_for_readout,
)

LESSON_8 = "lessons/08-when-training-goes-wrong.ipynb"
LAB = "helpers.widgets.training_lab:TrainingLab"


def test_every_control_of_the_training_lab(page, lab):
    open_lesson(page, lab, LESSON_8)
    start = lambda t: t.startswith("learning rate too large")
    area, text, pixels = first_look(page, 0, LAB, start, "l08-start")
    assert "loss 43 →" in text and "Diagnosis" in area.locator(".course-diagnosis").inner_text()

    # learning rate 0.4 -> four stops left: 0.35, 0.34, 0.33, 0.32 < 1/3
    press(page, control(area, "learning rate"), "ArrowLeft", 4)
    wait_for_readout(area, lambda t: t.startswith("healthy"))
    pixels, _ = changed_figure(page, area, pixels, LAB, name="l08-healthy")

    press(page, control(area, "steps"), "ArrowRight", 4)  # 10 a press
    wait_for_readout(area, lambda t: "after 100 steps" in t)
    pixels, _ = changed_figure(page, area, pixels, LAB)

    press(page, control(area, "sign flip: w + lr·grad"), "Space")
    wait_for_readout(area, lambda t: t.startswith("sign flipped"))
    pixels, _ = changed_figure(page, area, pixels, LAB, name="l08-sign-flip")
    press(page, control(area, "sign flip: w + lr·grad"), "Space")
    press(page, control(area, "forget zero_grad"), "Space")
    wait_for_readout(area, lambda t: "zero_grad" in t.split("·")[0])
    pixels, _ = changed_figure(page, area, pixels, LAB)
    press(page, control(area, "forget zero_grad"), "Space")
    for name in ("finite differences, h = 1e-15", "clip gradient norm at 1"):
        before = wait_for_readout(area, lambda t: bool(t))
        press(page, control(area, name), "Space")
        wait_for_readout(area, lambda t, before=before: t != before)
        pixels, _ = changed_figure(page, area, pixels, LAB)
        press(page, control(area, name), "Space")

    # lr 0.32, 100 steps, every toggle off again: float64, then float32 ends a little lower
    wait_for_readout(area, lambda t: t == "healthy · loss 43 → 1.55e-06 after 100 steps")
    press(page, control(area, "w.dtype"), "ArrowDown")
    wait_for_readout(area, lambda t: t == "healthy · loss 43 → 1.54e-06 after 100 steps")
    pixels, _ = changed_figure(page, area, pixels, LAB)
    press(page, control(area, "problem"), "ArrowDown")  # the shifted bowl starts at loss 21
    wait_for_readout(area, lambda t: "loss 21 →" in t)
    pixels, facts = changed_figure(page, area, pixels, LAB, name="l08-problem")
    assert facts["titles"][1] == "parameters (shifted bowl)"

    scenario = control(area, "scenario")
    press(page, scenario, "Home")  # healthy: lr 0.1 on x² + 3y²
    text = wait_for_readout(area, lambda t: t.startswith("healthy") and "after 60 steps" in t)
    pixels, facts = changed_figure(page, area, pixels, LAB, name="l08-scenario-healthy")
    assert facts["titles"][1] == "parameters (elongated bowl)"
    press(page, scenario, "ArrowDown", 4)  # sign flip
    wait_for_readout(area, lambda t: t.startswith("sign flipped"))
    pixels, _ = changed_figure(page, area, pixels, LAB, name="l08-scenario-sign-flip")
