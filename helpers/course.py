"""The course manifest: the one place that lists the lessons, the lab and the exercises.

Every other part of the course reads it: the course home (lessons/00-course-home.ipynb,
:mod:`helpers.home`) for the path and the time estimates, the glossary
(:mod:`helpers.glossary`) for the lesson files it links to, the self-check bank
(:mod:`helpers.questions`) for the lesson a question belongs to, and the tests, which
check that each notebook's title and time line and the README's course table agree
with it. Regenerate the README's table after editing this file::

    python -m helpers.course README.md

A lesson's ``key`` ("01" ... "09") is the prefix of its file name and of its
self-check ids ("05.best-lr").
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LESSONS_DIR = ROOT / "lessons"
EXERCISES_DIR = ROOT / "exercises"


@dataclass(frozen=True)
class Lesson:
    """A lesson notebook ``lessons/NN-slug.ipynb`` (``kind`` "lab" for the hands-on lab)."""

    number: int
    slug: str
    title: str
    minutes: int
    summary: str
    kind: str = "lesson"

    @property
    def key(self) -> str:
        return f"{self.number:02d}"

    @property
    def file(self) -> str:
        """The file name, relative to lessons/."""
        return f"{self.key}-{self.slug}.ipynb"

    @property
    def path(self) -> Path:
        return LESSONS_DIR / self.file

    @property
    def label(self) -> str:
        return "Lab" if self.kind == "lab" else f"Lesson {self.number}"

    @property
    def heading(self) -> str:
        """The notebook's first line: ``# Lesson 3 · The chain rule``."""
        return f"# {self.label} · {self.title}"


@dataclass(frozen=True)
class Exercise:
    """A graded assignment ``exercises/<name>/<name>.ipynb``, done after ``after`` (lesson numbers)."""

    name: str
    title: str
    minutes: int
    summary: str
    after: tuple[int, ...]

    @property
    def key(self) -> str:
        return self.name

    @property
    def number(self) -> int:
        return int(self.name.split("-")[1])

    @property
    def file(self) -> str:
        """The student notebook, relative to lessons/ (so lessons can link to it)."""
        return f"../exercises/{self.name}/{self.name}.ipynb"

    @property
    def path(self) -> Path:
        return EXERCISES_DIR / self.name / f"{self.name}.ipynb"

    @property
    def label(self) -> str:
        return f"Exercise {self.number}"


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        1,
        "secant-to-tangent",
        "Secant to tangent: what a derivative is",
        50,
        "slopes, the limit, numerical derivatives",
    ),
    Lesson(
        2,
        "derivative-rules",
        "Derivative rules",
        50,
        "the rules, activations and losses, checked with SymPy",
    ),
    Lesson(3, "chain-rule", "The chain rule", 50, "compositions, backpropagation by hand"),
    Lesson(
        4,
        "partial-derivatives-and-gradients",
        "Partial derivatives and gradients",
        70,
        "gradients, matrix calculus, directional derivatives, Jacobian and Hessian",
    ),
    Lesson(
        5,
        "gradient-descent",
        "Gradient descent",
        75,
        "the update rule, learning rates derived, SGD, momentum analysed",
    ),
    Lesson(
        6,
        "vectorized-gradients",
        "Vectorized gradients",
        60,
        "linear regression, shapes, gradient checks, normal equations, feature scaling",
    ),
    Lesson(
        7,
        "autograd-with-pytorch",
        "Automatic differentiation with PyTorch",
        60,
        "autograd, forward and reverse mode, vector-Jacobian products, the training loop",
    ),
    Lesson(
        8,
        "when-training-goes-wrong",
        "When training goes wrong",
        55,
        "diagnosing and fixing failed training runs",
    ),
    Lesson(
        9,
        "lab-handwritten-digits",
        "Handwritten digits, end to end",
        45,
        "a classifier trained on real data, by your own gradient descent and by PyTorch",
        kind="lab",
    ),
)

EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "exercise-01-derivatives",
        "Derivatives",
        60,
        "finite differences, activation derivatives, the chain rule, a gradient",
        after=(1, 2, 3, 4),
    ),
    Exercise(
        "exercise-02-gradient-descent",
        "Gradient descent from scratch",
        75,
        "your own gradient-descent loop and linear regression",
        after=(5, 6),
    ),
    Exercise(
        "exercise-03-autograd",
        "Autograd",
        60,
        "gradients with torch.autograd, a neuron by hand, SGD in PyTorch",
        after=(7, 8),
    ),
)


def path() -> list[Lesson | Exercise]:
    """Every lesson and exercise in the order to do them: an exercise right after the
    last lesson it needs."""
    steps: list[Lesson | Exercise] = []
    for lesson in LESSONS:
        steps.append(lesson)
        steps += [e for e in EXERCISES if max(e.after) == lesson.number]
    return steps


def lesson(key: str | int) -> Lesson:
    """A lesson by number (5) or key ("05")."""
    number = int(key)
    for candidate in LESSONS:
        if candidate.number == number:
            return candidate
    raise KeyError(f"no lesson {key!r}; the course has lessons {[x.number for x in LESSONS]}")


def exercise(which: str | int) -> Exercise:
    """An exercise by number (2) or name ("exercise-02-gradient-descent")."""
    for candidate in EXERCISES:
        if which in (candidate.number, candidate.name):
            return candidate
    raise KeyError(f"no exercise {which!r}; choose 1, 2 or 3")


def path_markdown() -> str:
    """The numbered path of the course home notebook (links relative to lessons/)."""
    return "\n".join(
        f"{i}. [{step.label} · {step.title}]({step.file})" for i, step in enumerate(path(), 1)
    )


# ----------------------------------------------------------------------------
# The README's course table, generated from the manifest
# ----------------------------------------------------------------------------

TABLE_START = "<!-- course-table:start (generated by `python -m helpers.course README.md`) -->"
TABLE_END = "<!-- course-table:end -->"


def readme_table() -> str:
    """The README's course table, in the order of :func:`path`."""
    rows = [
        "| step | notebook | what you learn | time |",
        "|---|---|---|---|",
        "| | [Course home: the path and your progress](lessons/00-course-home.ipynb) | | |",
    ]
    for step in path():
        link = step.path.relative_to(ROOT).as_posix()
        rows.append(
            f"| {step.label} | [{step.title}]({link}) | {step.summary} | {step.minutes} min |"
        )
    rows.append("| | [Glossary](lessons/99-glossary.ipynb) | every term, linked to its lesson | |")
    return "\n".join(rows)


def with_readme_table(readme: str) -> str:
    """``readme`` with the text between the table markers replaced by :func:`readme_table`."""
    pattern = re.compile(re.escape(TABLE_START) + r".*?" + re.escape(TABLE_END), re.DOTALL)
    if not pattern.search(readme):
        raise ValueError("the README has no course-table markers")
    block = f"{TABLE_START}\n{readme_table()}\n{TABLE_END}"
    return pattern.sub(lambda _: block, readme)


if __name__ == "__main__":  # python -m helpers.course README.md
    target = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "README.md")
    target.write_text(with_readme_table(target.read_text(encoding="utf-8")), encoding="utf-8")
