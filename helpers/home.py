"""The course home (lessons/00-course-home.ipynb): the path, the time it takes, your progress.

Introduced by the course home notebook. :func:`course_home` shows the lessons and
exercises in the order to do them, with a time estimate for each (read from the
"**Time:** about N minutes" line of each notebook when it has one) and, per lesson,
how many of its self-checks you have answered correctly, read from the local progress
file of :mod:`helpers.progress`. With no progress file yet (a fresh Binder session or
laptop) everything simply shows zero. :func:`check_exercise` grades an exercise with
``python -m autograder check`` from inside a notebook.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"


@dataclass(frozen=True)
class Step:
    """One stop on the path: a lesson (``key`` is its number, "01") or an exercise
    (``key`` is the assignment name). ``path`` is relative to the lessons/ folder.
    ``minutes`` is the estimate used when the notebook states none."""

    kind: str
    key: str
    title: str
    path: str
    minutes: int
    what: str

    @property
    def file(self) -> Path:
        return (LESSONS / self.path).resolve()

    @property
    def label(self) -> str:
        if self.kind == "lesson":
            return f"Lesson {int(self.key)}"
        return f"Exercise {int(self.key.split('-')[1])}"


def _lesson(key, slug, title, minutes, what):
    return Step("lesson", key, title, f"{key}-{slug}.ipynb", minutes, what)


def _exercise(name, title, minutes, what):
    return Step("exercise", name, title, f"../exercises/{name}/{name}.ipynb", minutes, what)


PATH: list[Step] = [
    _lesson(
        "01",
        "secant-to-tangent",
        "Secant to tangent: what a derivative is",
        50,
        "slopes, the limit, numerical derivatives",
    ),
    _lesson(
        "02",
        "derivative-rules",
        "Derivative rules",
        45,
        "the rules, activations and losses, checked with SymPy",
    ),
    _lesson("03", "chain-rule", "The chain rule", 50, "compositions, backpropagation by hand"),
    _lesson(
        "04",
        "partial-derivatives-and-gradients",
        "Partial derivatives and gradients",
        60,
        "gradients, directional derivatives, Jacobian and Hessian",
    ),
    _exercise(
        "exercise-01-derivatives",
        "Derivatives",
        60,
        "finite differences, activation derivatives, the chain rule, a gradient",
    ),
    _lesson(
        "05",
        "gradient-descent",
        "Gradient descent",
        60,
        "the update rule, learning rates derived, SGD, momentum",
    ),
    _lesson(
        "06",
        "vectorized-gradients",
        "Vectorized gradients",
        45,
        "linear regression, shapes, gradient checks, feature scaling",
    ),
    _exercise(
        "exercise-02-gradient-descent",
        "Gradient descent from scratch",
        75,
        "your own gradient-descent loop and linear regression",
    ),
    _lesson(
        "07",
        "autograd-with-pytorch",
        "Automatic differentiation with PyTorch",
        50,
        "autograd, forward and reverse mode, the training loop",
    ),
    _lesson(
        "08",
        "when-training-goes-wrong",
        "When training goes wrong",
        55,
        "diagnosing and fixing failed training runs",
    ),
    _exercise(
        "exercise-03-autograd",
        "Autograd",
        60,
        "gradients with torch.autograd, a neuron by hand, SGD in PyTorch",
    ),
]

_TIME = re.compile(r"\*\*Time:?\*\*:?\s*(?:about|~|approximately)?\s*(\d+)\s*min", re.IGNORECASE)
_TITLE = re.compile(r"^#\s+(?:Lesson\s+\d+|Exercise\s+\d+)?\s*[·:—-]?\s*(.+)$", re.MULTILINE)


def _first_markdown(path: Path) -> str | None:
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            return "".join(source) if isinstance(source, list) else source
    return None


def notebook_facts(step: Step) -> tuple[str, int, bool]:
    """(title, minutes, exists) for a step: from its notebook where it says so, else the defaults."""
    text = _first_markdown(step.file)
    if text is None:
        return step.title, step.minutes, step.file.is_file()
    time_match, title_match = _TIME.search(text), _TITLE.search(text)
    minutes = int(time_match.group(1)) if time_match else step.minutes
    title = title_match.group(1).strip() if title_match and step.kind == "lesson" else step.title
    return title, minutes, True


@dataclass(frozen=True)
class Row:
    step: Step
    title: str
    minutes: int
    exists: bool
    correct: int
    total: int


class CourseHome:
    """The path with progress; displays as an HTML table (or plain text)."""

    def __init__(self, rows: list[Row], answered: bool):
        self.rows = rows
        self.answered = answered

    @property
    def total_minutes(self) -> int:
        return sum(r.minutes for r in self.rows)

    @property
    def checks(self) -> tuple[int, int]:
        return sum(r.correct for r in self.rows), sum(r.total for r in self.rows)

    @property
    def next_step(self) -> Row | None:
        """The first lesson with self-checks not yet all answered correctly."""
        return next(
            (
                r
                for r in self.rows
                if r.step.kind == "lesson" and (r.total == 0 or r.correct < r.total)
            ),
            None,
        )

    def summary(self) -> str:
        correct, total = self.checks
        hours = self.total_minutes / 60
        text = (
            f"The whole course takes about {hours:.0f} hours ({self.total_minutes} minutes): "
            f"{sum(r.step.kind == 'lesson' for r in self.rows)} lessons and "
            f"{sum(r.step.kind == 'exercise' for r in self.rows)} exercises. "
        )
        if not self.answered:
            text += (
                f"No self-checks answered yet ({total} to go): start with "
                f"{self.rows[0].step.label}."
            )
        else:
            text += f"Self-checks answered correctly: {correct} of {total}."
            nxt = self.next_step
            text += (
                f" Continue with {nxt.step.label}: {nxt.title}."
                if nxt
                else " Every self-check is done!"
            )
        return text

    def __repr__(self) -> str:
        lines = [self.summary(), ""]
        for r in self.rows:
            checks = (
                f"{r.correct}/{r.total} self-checks"
                if r.step.kind == "lesson"
                else "graded exercise"
            )
            lines.append(f"{r.step.label:12s} {r.title:45s} {r.minutes:4d} min   {checks}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        body = []
        for i, r in enumerate(self.rows, 1):
            name = html.escape(f"{r.step.label} · {r.title}")
            link = (
                f'<a href="{html.escape(r.step.path)}">{name}</a>'
                if r.exists
                else f"{name} <i>(not available yet)</i>"
            )
            if r.step.kind == "lesson":
                status = (
                    f'<progress value="{r.correct}" max="{max(r.total, 1)}" '
                    f'aria-label="{r.correct} of {r.total} self-checks correct"></progress> '
                    f"{r.correct} / {r.total}" + (" ✓" if r.total and r.correct == r.total else "")
                )
            else:
                status = (
                    "graded: <code>check_exercise("
                    + r.step.key.split("-")[1].lstrip("0")
                    + ")</code>"
                )
            body.append(
                f"<tr><td>{i}</td><td>{link}<br><small>{html.escape(r.step.what)}</small></td>"
                f"<td>{r.minutes} min</td><td>{status}</td></tr>"
            )
        return (
            f'<div class="course-home"><p>{html.escape(self.summary())}</p>'
            "<table><thead><tr><th>#</th><th>step</th><th>time</th><th>progress</th></tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>"
        )


def course_home(progress_path: Path | None = None) -> CourseHome:
    """The path through the course with time estimates and your self-check progress.

    Reads the progress file of :mod:`helpers.progress` (none yet is fine: zero progress).
    """
    from helpers import progress

    summary = progress.lesson_summary(progress_path)
    answered = bool(progress.load(progress_path))
    rows = []
    for step in PATH:
        title, minutes, exists = notebook_facts(step)
        correct, total = summary.get(step.key, (0, 0)) if step.kind == "lesson" else (0, 0)
        rows.append(Row(step, title, minutes, exists, correct, total))
    return CourseHome(rows, answered)


# ----------------------------------------------------------------------------
# Checking an exercise from a notebook
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckReport:
    """The result of ``python -m autograder check``: a score and feedback per test, or an error."""

    assignment: str
    result: dict | None
    error: str = ""

    def __repr__(self) -> str:
        if self.result is None:
            return f"Could not check {self.assignment}: {self.error}"
        r = self.result
        lines = [
            f"{r.get('assignment', self.assignment)}: {r['score']:g} / {r['max_score']:g} points "
            "(automatically graded tests)"
        ]
        for test in r.get("tests", []):
            mark = "✓" if test["score"] >= test["max_score"] else "✗"
            lines.append(
                f"  {mark} {test['name']}: {test['score']:g}/{test['max_score']:g}"
                + (
                    " — " + test["feedback"].strip().replace("\n", "\n      ")
                    if test.get("feedback")
                    else ""
                )
            )
        for manual in r.get("manual", []):
            lines.append(
                f"  … {manual['name']}: {manual['max_score']:g} points, graded by your instructor"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(repr(self))}</pre>"


def exercise_path(which) -> Path:
    """The student notebook of exercise 1, 2 or 3 (or of an assignment name)."""
    names = {int(s.key.split("-")[1]): s.key for s in PATH if s.kind == "exercise"}
    name = names.get(which, which) if isinstance(which, int) else str(which)
    if name not in names.values():
        raise ValueError(f"no exercise {which!r}; choose 1, 2 or 3")
    return ROOT / "exercises" / name / f"{name}.ipynb"


def check_exercise(which, timeout: float = 600) -> CheckReport:
    """Grade your exercise notebook with the real tests: ``python -m autograder check PATH --json``.

    Save the notebook first: the saved file is what gets graded.
    """
    path = exercise_path(which)
    name = path.stem
    command = [sys.executable, "-m", "autograder", "check", str(path), "--json"]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return CheckReport(name, None, f"grading took longer than {timeout:.0f} s")
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["the autograder failed"])[-1]
        return CheckReport(name, None, last)
    try:
        return CheckReport(name, json.loads(done.stdout))
    except ValueError:
        return CheckReport(name, None, "the autograder's output was not JSON")
