"""The course home (lessons/00-course-home.ipynb): the path, the time it takes, your progress.

Introduced by the course home notebook. :func:`course_home` shows the lessons, the lab
and the exercises in the order to do them (from the manifest, :mod:`helpers.course`),
with a time estimate for each and, per lesson, how many of its self-checks you have
answered correctly, read from the local progress file of :mod:`helpers.progress`. With
no progress file yet (a fresh Binder session or laptop) everything simply shows zero.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from helpers import course, progress
from helpers.course import Exercise, Lesson
from helpers.questions import all_questions


def lesson_summary(progress_path: Path | None = None) -> dict[str, tuple[int, int]]:
    """{lesson key: (correct, total)} over every self-check question of the bank."""
    answers = progress.load(progress_path)
    summary: dict[str, list[int]] = {}
    for question in all_questions():
        done = summary.setdefault(question.id.split(".", 1)[0], [0, 0])
        done[1] += 1
        done[0] += bool(answers.get(question.id, {}).get("correct"))
    return {key: (correct, total) for key, (correct, total) in sorted(summary.items())}


@dataclass(frozen=True)
class Row:
    """One stop on the path with its self-check progress (0, 0 for an exercise)."""

    step: Lesson | Exercise
    exists: bool
    correct: int
    total: int

    @property
    def is_lesson(self) -> bool:
        return isinstance(self.step, Lesson)


class CourseHome:
    """The path with progress; displays as an HTML table (or plain text)."""

    def __init__(self, rows: list[Row], answered: bool):
        self.rows = rows
        self.answered = answered

    @property
    def total_minutes(self) -> int:
        return sum(r.step.minutes for r in self.rows)

    @property
    def checks(self) -> tuple[int, int]:
        return sum(r.correct for r in self.rows), sum(r.total for r in self.rows)

    @property
    def next_step(self) -> Row | None:
        """The first lesson with self-checks not yet all answered correctly."""
        return next(
            (r for r in self.rows if r.is_lesson and (r.total == 0 or r.correct < r.total)),
            None,
        )

    def summary(self) -> str:
        correct, total = self.checks
        kinds = [r.step.kind if r.is_lesson else "exercise" for r in self.rows]
        labs = kinds.count("lab")
        text = (
            f"The whole course takes about {self.total_minutes / 60:.0f} hours "
            f"({self.total_minutes} minutes): {kinds.count('lesson')} lessons, "
            + (f"{labs} lab{'s' * (labs > 1)} and " if labs else "")
            + f"{kinds.count('exercise')} exercises. "
        )
        if not self.answered:
            return text + (
                f"No self-checks answered yet ({total} to go): start with "
                f"{self.rows[0].step.label}."
            )
        text += f"Self-checks answered correctly: {correct} of {total}."
        nxt = self.next_step
        if nxt is None:
            return text + " Every self-check is done!"
        return text + f" Continue with {nxt.step.label}: {nxt.step.title}."

    def __repr__(self) -> str:
        lines = [self.summary(), ""]
        for r in self.rows:
            checks = f"{r.correct}/{r.total} self-checks" if r.is_lesson else "graded exercise"
            lines.append(
                f"{r.step.label:12s} {r.step.title:45s} {r.step.minutes:4d} min   {checks}"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        body = []
        for i, r in enumerate(self.rows, 1):
            name = html.escape(f"{r.step.label} · {r.step.title}")
            link = (
                f'<a href="{html.escape(r.step.file)}">{name}</a>'
                if r.exists
                else f"{name} <i>(not available yet)</i>"
            )
            if r.is_lesson:
                status = (
                    f'<progress value="{r.correct}" max="{max(r.total, 1)}" '
                    f'aria-label="{r.correct} of {r.total} self-checks correct"></progress> '
                    f"{r.correct} / {r.total}" + (" ✓" if r.total and r.correct == r.total else "")
                )
            else:
                status = "graded: press <b>Check my work</b> in the exercise"
            body.append(
                f"<tr><td>{i}</td><td>{link}<br><small>{html.escape(r.step.summary)}</small></td>"
                f"<td>{r.step.minutes} min</td><td>{status}</td></tr>"
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
    summary = lesson_summary(progress_path)
    rows = []
    for step in course.path():
        correct, total = summary.get(step.key, (0, 0)) if isinstance(step, Lesson) else (0, 0)
        rows.append(Row(step, step.path.is_file(), correct, total))
    return CourseHome(rows, answered=bool(progress.load(progress_path)))
