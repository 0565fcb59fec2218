"""Check an exercise from inside Jupyter: the *Check my work* button of every exercise.

Introduced by the exercises (the cell ``check_my_work()`` near the top of each) and the
course home. The button grades the exercise with the same hidden tests and engine as
the instructor's grading, ``python -m autograder check PATH --json``, run with the
kernel's own Python (so it works on Binder and in any JupyterLab, no terminal needed),
and shows the per-test report in the notebook.

The grader reads the *saved* file. So the button first asks the page to save the
notebook (it presses the notebook's own Save button, in JupyterLab 4 and Notebook 7),
waits until the file on disk is newer than the click, and then grades; if the page
could not save (another front end, JavaScript blocked), it says so and grades the last
saved version, naming its time.

    check_exercise(2)        # the same report, from any notebook
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from helpers import course

SAVE_WAIT_S = 5.0  # how long to wait for the page's save to reach the disk


def run_in_background(work) -> None:
    """Run ``work`` in a thread, so the kernel stays free (and the page gets the save script)."""
    threading.Thread(target=work, daemon=True).start()


# Runs in the page, next to the button's output: press the Save button of the notebook
# that holds this output (JupyterLab 4 and Notebook 7 both have one in their toolbar).
# The output is rendered before it is attached to the page, so look for the notebook
# again for a few seconds until it is there.
SAVE_SCRIPT = """
const pressSave = (triesLeft) => {
    const panel = element.closest('.jp-NotebookPanel');
    const save = panel && panel.querySelector('[data-command="docmanager:save"]');
    if (save) {
        save.click();
    } else if (triesLeft > 0) {
        setTimeout(() => pressSave(triesLeft - 1), 100);
    }
};
pressSave(30);
"""


@dataclass(frozen=True)
class CheckReport:
    """The result of ``python -m autograder check``: a score and feedback per test, or an
    error. ``notes`` are lines to show above the report (which version was graded, and
    the grader's own warnings, e.g. that it ran without a sandbox)."""

    assignment: str
    result: dict | None
    error: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def tests(self) -> list[dict]:
        return (self.result or {}).get("tests", [])

    def __repr__(self) -> str:
        lines = list(self.notes)
        if self.result is None:
            return "\n".join([*lines, f"Could not check {self.assignment}: {self.error}"])
        r = self.result
        lines.append(
            f"{r.get('assignment', self.assignment)}: {r['score']:g} / {r['max_score']:g} points "
            "(automatically graded tests)"
        )
        for test in self.tests:
            mark = "✓" if test["score"] >= test["max_score"] else "✗"
            feedback = test.get("feedback", "").strip().replace("\n", "\n      ")
            lines.append(
                f"  {mark} {test['name']}: {test['score']:g}/{test['max_score']:g}"
                + (f" — {feedback}" if feedback else "")
            )
        for manual in r.get("manual", []):
            lines.append(
                f"  … {manual['name']}: {manual['max_score']:g} points, graded by your instructor"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        notes = "".join(f"<p>{html.escape(note)}</p>" for note in self.notes)
        if self.result is None:
            return (
                f'<div role="alert" class="course-check-report">{notes}<p><b>Could not check '
                f"{html.escape(self.assignment)}:</b> {html.escape(self.error)}</p></div>"
            )
        r = self.result
        rows = []
        for test in self.tests:
            passed = test["score"] >= test["max_score"]
            mark = "✓" if passed else "✗"
            rows.append(
                f'<tr><td><span role="img" aria-label="{"passed" if passed else "not passed"}">'
                f"{mark}</span></td><td><code>{html.escape(test['name'])}</code></td>"
                f"<td>{test['score']:g} / {test['max_score']:g}</td>"
                f'<td style="white-space:pre-wrap;text-align:left">'
                f"{html.escape(test.get('feedback', '').strip())}</td></tr>"
            )
        for manual in r.get("manual", []):
            rows.append(
                f"<tr><td>…</td><td><code>{html.escape(manual['name'])}</code></td>"
                f"<td>– / {manual['max_score']:g}</td>"
                "<td style='text-align:left'>graded by your instructor</td></tr>"
            )
        return (
            f'<div role="status" class="course-check-report">{notes}'
            f"<p><b>{html.escape(r.get('assignment', self.assignment))}: {r['score']:g} of "
            f"{r['max_score']:g} points</b> from the automatically graded tests.</p>"
            "<table><thead><tr><th></th><th>test</th><th>points</th><th>feedback</th></tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table></div>"
        )


def exercise_path(which) -> Path:
    """The student notebook of exercise 1, 2 or 3 (or of an assignment name)."""
    try:
        return course.exercise(which).path
    except KeyError as error:
        raise ValueError(error.args[0]) from None


def check_exercise(which, timeout: float = 600, path: Path | None = None) -> CheckReport:
    """Grade an exercise notebook with the real tests: ``python -m autograder check PATH --json``.

    ``path`` defaults to the exercise's notebook in ``exercises/``. The saved file is
    what gets graded, never changed.
    """
    path = path or exercise_path(which)
    name = course.exercise(which).name
    command = [sys.executable, "-m", "autograder", "check", str(path), "--json"]
    try:
        done = subprocess.run(
            command, cwd=course.ROOT, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return CheckReport(name, None, f"grading took longer than {timeout:.0f} s")
    warnings = tuple(line for line in done.stderr.splitlines() if line.strip())
    if done.returncode != 0:
        return CheckReport(name, None, (warnings or ("the autograder failed",))[-1])
    try:
        return CheckReport(name, json.loads(done.stdout), notes=warnings)
    except ValueError:
        return CheckReport(name, None, "the autograder's output was not JSON")


def _in_live_kernel() -> bool:
    """True inside a Jupyter kernel where a student can click, False while a grader runs
    the notebook: the course's engine (no kernel) or nbgrader's autograde and Validate,
    which set ``NBGRADER_EXECUTION``."""
    if os.environ.get("NBGRADER_EXECUTION"):
        return False
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _saved_at(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%H:%M:%S")


def saved_version_note(path: Path, clicked_at: float, saved: bool) -> str:
    """Which version of the notebook is graded, in a sentence."""
    if saved:
        return f"Saved your notebook at {_when(_saved_at(path))} and graded that version."
    return (
        f"Could not save the notebook from here: grading the version saved at "
        f"{_when(_saved_at(path))} ({(clicked_at - _saved_at(path)) / 60:.0f} min before you "
        "clicked). If you changed anything since, press Ctrl+S (Cmd+S on a Mac) and click again."
    )


def check_my_work(which=None):
    """The *Check my work* button: save, grade with the hidden tests, show the report.

    ``which`` is the exercise (1, 2, 3 or its name); by default the exercise whose
    folder the notebook runs in. Outside a live kernel (e.g. while the exercise itself
    is being graded) it only returns a one-line note, and creates no widget.
    """
    exercise = course.exercise(which if which is not None else Path.cwd().name)
    path = Path.cwd() / f"{exercise.name}.ipynb"
    if not path.is_file():
        path = exercise.path
    if not _in_live_kernel():
        return f"Check my work: a button that grades {exercise.name} (in Jupyter)."

    import ipywidgets as widgets
    from IPython.display import Javascript

    button = widgets.Button(
        description="Check my work",
        button_style="success",
        icon="check",
        tooltip=f"save {path.name}, then grade it with the hidden tests",
    )
    status = widgets.HTML(
        "Grades the saved notebook with the hidden tests, as your instructor will "
        "(takes about 10 seconds)."
    )
    page_script = widgets.Output(layout={"display": "none"})
    report = widgets.HTML()

    def save_then_grade(clicked_at: float) -> None:
        try:
            deadline = clicked_at + SAVE_WAIT_S
            while _saved_at(path) < clicked_at and time.time() < deadline:
                time.sleep(0.1)
            note = saved_version_note(path, clicked_at, saved=_saved_at(path) >= clicked_at)
            status.value = f"<span role='status'>{html.escape(note)} Grading…</span>"
            result = check_exercise(exercise.name, path=path)
            result = CheckReport(
                result.assignment, result.result, result.error, (note, *result.notes)
            )
        except Exception as error:  # shown in the notebook, never lost in a thread
            result = CheckReport(exercise.name, None, f"{type(error).__name__}: {error}")
        finally:
            status.value = ""
            button.disabled = False
        report.value = result._repr_html_()

    def on_click(_) -> None:
        button.disabled = True
        clicked_at = time.time()
        status.value = "<span role='status'>Saving the notebook…</span>"
        page_script.clear_output()
        page_script.append_display_data(Javascript(SAVE_SCRIPT))
        # return at once: the page receives (and runs) the save script only after this
        # handler returns, so the waiting and grading happen in the background
        run_in_background(lambda: save_then_grade(clicked_at))

    button.on_click(on_click)
    return widgets.VBox([widgets.HBox([button, status]), page_script, report])
