"""The Check my work button and check_exercise(): the real grader run with the kernel's
Python, its report shown per test, and the saved version of the notebook is what counts."""

import json
import os
import subprocess
import sys
import threading
import time

import ipywidgets as widgets
import pytest

from helpers import course, grading
from helpers.grading import CheckReport, check_exercise, check_my_work, exercise_path

RESULT = {
    "assignment": "exercise-01-derivatives",
    "score": 7.0,
    "max_score": 10.0,
    "tests": [
        {"name": "secant_slope", "score": 2.0, "max_score": 2.0, "feedback": ""},
        {
            "name": "central_difference",
            "score": 0.0,
            "max_score": 3.0,
            "feedback": "looks like a forward difference <h>",
        },
    ],
    "manual": [{"name": "written answer", "max_score": 2.0}],
}


def test_exercise_paths():
    assert exercise_path(2).name == "exercise-02-gradient-descent.ipynb"
    assert exercise_path("exercise-03-autograd").parent.name == "exercise-03-autograd"
    assert all(exercise_path(e.number).is_file() for e in course.EXERCISES)
    with pytest.raises(ValueError, match="choose 1, 2 or 3"):
        exercise_path(4)


def test_check_exercise_runs_the_grader_with_this_python(monkeypatch):
    calls = []

    def fake_run(command, **kwargs):
        calls.append((command, kwargs))
        return subprocess.CompletedProcess(
            command, 0, json.dumps(RESULT), "warning: no bubblewrap here: running unsandboxed\n"
        )

    monkeypatch.setattr(subprocess, "run", fake_run)
    report = check_exercise(1)
    command, kwargs = calls[0]
    assert command[:4] == [sys.executable, "-m", "autograder", "check"]
    assert command[4] == str(exercise_path(1)) and command[-1] == "--json"
    assert kwargs["cwd"] == course.ROOT
    text = repr(report)
    assert "7 / 10 points" in text
    assert "✗ central_difference: 0/3 — looks like a forward difference" in text
    assert "graded by your instructor" in text
    assert "running unsandboxed" in text  # the grader's own warning is shown, not hidden


def test_report_html_is_a_readable_table():
    page = CheckReport(
        "exercise-01-derivatives", RESULT, notes=("Saved at 10:00:00.",)
    )._repr_html_()
    assert "<table>" in page and "7 of 10 points" in page and "Saved at 10:00:00." in page
    assert page.count("<tr>") == 1 + len(RESULT["tests"]) + len(RESULT["manual"])
    assert 'aria-label="passed">✓' in page and 'aria-label="not passed">✗' in page
    assert "&lt;h&gt;" in page and "<h>" not in page  # feedback is escaped
    assert "graded by your instructor" in page and 'role="status"' in page


def test_errors_and_timeouts_are_reported(monkeypatch):
    monkeypatch.setattr(
        subprocess,
        "run",
        lambda command, **kw: subprocess.CompletedProcess(
            command, 2, "", "error: exercises/x.ipynb: no such file\n"
        ),
    )
    report = check_exercise(2)
    assert repr(report).endswith(
        "Could not check exercise-02-gradient-descent: error: exercises/x.ipynb: no such file"
    )
    assert 'role="alert"' in report._repr_html_()

    def too_slow(command, **kwargs):
        raise subprocess.TimeoutExpired(command, 1)

    monkeypatch.setattr(subprocess, "run", too_slow)
    assert "longer than" in repr(check_exercise(3, timeout=1))
    monkeypatch.setattr(
        subprocess, "run", lambda command, **kw: subprocess.CompletedProcess(command, 0, "{", "")
    )
    assert "not JSON" in repr(check_exercise(1))


def test_outside_a_live_kernel_it_is_only_a_note(monkeypatch):
    # what the grader sees when it runs the exercise: no widget, no import of ipywidgets needed
    monkeypatch.chdir(exercise_path(2).parent)
    note = check_my_work()
    assert isinstance(note, str) and "exercise-02-gradient-descent" in note
    with pytest.raises(KeyError, match="choose 1, 2 or 3"):
        monkeypatch.chdir(course.LESSONS_DIR)
        check_my_work()


def test_nbgrader_autograde_and_validate_get_the_note(monkeypatch):
    class FakeShell:
        kernel = object()  # a live kernel...

    monkeypatch.setattr("IPython.get_ipython", lambda: FakeShell())
    # (nbgrader's own autograde, run in-process by other tests, leaves this set)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert grading._in_live_kernel()
    for execution in ("autograde", "validate"):  # ...but nbgrader is running the notebook
        monkeypatch.setenv("NBGRADER_EXECUTION", execution)
        assert not grading._in_live_kernel()
        assert isinstance(check_my_work(1), str)


@pytest.fixture
def live_exercise(tmp_path, monkeypatch):
    """An exercise folder in a fake live kernel, with a stand-in for the grader."""
    folder = tmp_path / "exercise-01-derivatives"
    folder.mkdir()
    notebook = folder / "exercise-01-derivatives.ipynb"
    notebook.write_text("{}")
    old = time.time() - 600
    os.utime(notebook, (old, old))
    monkeypatch.chdir(folder)
    monkeypatch.setattr(grading, "_in_live_kernel", lambda: True)
    monkeypatch.setattr(grading, "SAVE_WAIT_S", 1.0)
    graded = []

    def fake_check(which, timeout=600, path=None):
        graded.append(path)
        return CheckReport("exercise-01-derivatives", RESULT)

    monkeypatch.setattr(grading, "check_exercise", fake_check)
    # the button's work runs in a thread; here it runs at once, so the test can look at it
    monkeypatch.setattr(grading, "run_in_background", lambda work: work())
    return notebook, graded


def _click(box):
    button = box.children[0].children[0]
    assert isinstance(button, widgets.Button) and button.description == "Check my work"
    button.click()
    return box.children[0].children[1].value, box.children[2].value


def test_button_saves_then_grades_the_saved_file(live_exercise):
    notebook, graded = live_exercise
    box = check_my_work()
    page_script = box.children[1]

    def page_saves():  # what the page does when the save script runs
        while not page_script.outputs:
            time.sleep(0.01)
        time.sleep(0.2)
        notebook.write_text("{}")

    saver = threading.Thread(target=page_saves)
    saver.start()
    status, report = _click(box)
    saver.join()
    script = page_script.outputs[0]["data"]["application/javascript"]
    assert 'data-command="docmanager:save"' in script and ".click()" in script
    assert graded == [notebook]
    assert status == "" and "7 of 10 points" in report
    assert "Saved your notebook at" in report and "graded that version" in report


def test_the_click_handler_returns_before_the_work(live_exercise, monkeypatch):
    # the page only runs the save script after the handler returns: it must not wait
    queued = []
    monkeypatch.setattr(grading, "run_in_background", queued.append)
    box = check_my_work()
    box.children[0].children[0].click()
    button, status = box.children[0].children
    assert len(queued) == 1 and button.disabled and "Saving" in status.value
    assert box.children[1].outputs and box.children[2].value == ""  # script sent, no report yet
    queued[0]()
    assert not button.disabled and "7 of 10 points" in box.children[2].value


def test_an_unexpected_error_is_shown_and_the_button_comes_back(live_exercise, monkeypatch):
    def broken(which, timeout=600, path=None):
        raise OSError("disk on fire")

    monkeypatch.setattr(grading, "check_exercise", broken)
    box = check_my_work()
    _, report = _click(box)
    assert "OSError: disk on fire" in report and not box.children[0].children[0].disabled


def test_button_says_when_it_could_not_save(live_exercise):
    notebook, graded = live_exercise
    status, report = _click(check_my_work())  # nothing saves the page: JavaScript blocked
    assert graded == [notebook]
    assert "Could not save the notebook from here" in report
    assert "10 min before you clicked" in report and "Ctrl+S" in report


@pytest.mark.grading
def test_check_exercise_grades_the_real_exercise():
    report = check_exercise(1)
    assert report.result is not None, report.error
    assert report.result["assignment"] == "exercise-01-derivatives"
    assert report.result["score"] == 0 and report.result["max_score"] == 24
    assert all("NotImplementedError" in t["feedback"] for t in report.tests)
    assert report.result["manual"][0]["max_score"] == 6
