"""The course also works in Notebook 7: lesson 1 opens in the Notebook 7 interface, Run All
(from its menu) finishes without an error, Validate is there, and both explorers answer the
keyboard there as in JupyterLab: sliders (arrows, Page Down) and the function drop-down,
with the canvas showing the kernel's figure after each change."""

from tests.browser.explorers import (
    browser_figure,
    changed_figure,
    check_figure,
    control,
    explorer,
    press,
    wait_for_readout,
)

TANGENT = "helpers.widgets.tangent:TangentExplorer"
SECANT = "helpers.widgets.secant:SecantExplorer"


def test_lesson_1_explorers_in_notebook_7(page, lab):
    page.goto(f"{lab.url}/notebooks/lessons/01-secant-to-tangent.ipynb?token={lab.token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
    page.locator(".lm-MenuBar-item", has_text="Run").click()
    page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
    page.wait_for_function(
        """() => {
        const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
        return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
    }""",
        timeout=120_000,
    )
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
    assert (
        page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']").count()
        == 0
    )
    assert page.locator(".lm-MenuBar-item", has_text="Nbgrader").count() == 1  # Validate

    tangent = explorer(page, 0)
    tangent.scroll_into_view_if_needed()
    wait_for_readout(tangent, lambda t: t.startswith("x = 1.00") and "slope f'(x) = 2.000" in t)
    check_figure(page, tangent, TANGENT, name="nb7-tangent-start")
    pixels = browser_figure(tangent)
    press(page, control(tangent, "x"), "ArrowRight", 5)
    wait_for_readout(tangent, lambda t: t.startswith("x = 1.25") and "slope f'(x) = 2.500" in t)
    pixels, _ = changed_figure(page, tangent, pixels, TANGENT)
    press(page, control(tangent, "function f(x) ="), "ArrowDown")
    wait_for_readout(tangent, lambda t: "slope f'(x) = 4.688" in t)  # 3 x^2 at 1.25
    pixels, facts = changed_figure(page, tangent, pixels, TANGENT, name="nb7-tangent-x3")
    assert facts["titles"][0].startswith("f(x) = x^3")

    secant = explorer(page, 1)
    secant.scroll_into_view_if_needed()
    wait_for_readout(secant, lambda t: t.startswith("h = 1.0e-01"))
    pixels = browser_figure(secant)
    press(page, control(secant, "step h"), "PageDown")
    wait_for_readout(secant, lambda t: t.startswith("h = 1.0e-02"))
    changed_figure(page, secant, pixels, SECANT, name="nb7-secant")
