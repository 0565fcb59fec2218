"""The course also works in Notebook 7 (QUALITY.md): lesson 1 opens in the Notebook 7
interface, Run All (from its menu) finishes without an error, and the tangent
explorer renders with its live readout and an ipympl canvas. (Keyboard moves are
tested in JupyterLab, tests/browser/test_smoke.py.)"""

from tests.browser.lab import readout_texts


def test_lesson_1_runs_in_notebook_7(page, lab):
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
    assert (
        page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']").count()
        == 0
    )
    # "attached", not visible: Notebook 7 virtualises cells scrolled out of view
    page.wait_for_selector(".course-readout", state="attached", timeout=60_000)
    page.wait_for_selector(".jupyter-matplotlib-figure canvas", state="attached", timeout=60_000)
    assert "slope f'(x) = 2.000" in readout_texts(page)[0]
    assert (
        page.locator(".lm-MenuBar-item", has_text="Nbgrader").count() == 1
    )  # Validate is there for students
