"""An automated accessibility audit (axe-core 4.12, the engine behind most checkers) of
every notebook's outputs after Run All, in JupyterLab 4: the course's widgets, figures,
quizzes and readouts, not JupyterLab's own interface. Any serious or critical violation
fails the test, listed by rule and element."""

import time

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.lab import ROOT, open_notebook, run_all_until_idle

NOTEBOOKS = sorted(
    str(p.relative_to(ROOT))
    for p in [*ROOT.glob("lessons/*.ipynb"), *ROOT.glob("exercises/*/*.ipynb")]
)
OUTPUTS = {"include": [[".jp-OutputArea-output"]]}


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations inside the notebook's output areas."""
    if not page.locator(".jp-OutputArea-output").count():
        return []
    results = Axe().run(page, context=OUTPUTS, options={"resultTypes": ["violations"]})
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} - "
        f"{' '.join(node['target'])}: {node['html'][:160]}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.rsplit("/", 1)[-1][:-6])
def test_outputs_have_no_serious_accessibility_violation(page, lab, path):
    open_notebook(page, lab, path)
    run_all_until_idle(page)
    page.wait_for_function(  # widget views render after the kernel went idle
        "() => !document.querySelector('.jp-OutputArea-output .jupyter-widgets-view:empty')",
        timeout=30_000,
    )
    time.sleep(1)
    violations = serious_violations(page)
    assert not violations, f"{path}:\n" + "\n".join(violations)


def test_the_audit_catches_an_unnamed_slider(page):
    """The check itself: ipywidgets 8.1's slider handle (before this course's own slider)."""
    page.set_content(
        '<main><div class="jp-OutputArea-output"><div class="noUi-handle" role="slider" '
        'tabindex="0" aria-valuemin="0" aria-valuemax="0.3" aria-valuenow="0.107"></div></div></main>'
    )
    assert any(v.startswith("aria-input-field-name (serious)") for v in serious_violations(page))
