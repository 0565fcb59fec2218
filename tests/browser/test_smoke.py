"""The student's JupyterLab: Validate is there, the instructor's tools are not.
(Every explorer is driven in tests/browser/test_lesson_NN.py.)"""


def test_student_lab_hides_instructor_tools(page, lab):
    page.goto(f"{lab.url}/lab?token={lab.token}")
    page.wait_for_selector(".lm-MenuBar-item", timeout=60_000)
    menu = " ".join(page.locator(".lm-MenuBar-item").all_inner_texts())
    assert "Nbgrader" in menu or "nbgrader" in menu.lower()  # students keep Validate / assignments
    commands = page.evaluate("() => window.jupyterapp.commands.listCommands()")
    assert not any("formgrader" in c for c in commands), "instructor formgrader visible to students"
    assert any("assignment" in c for c in commands)
