"""Read a graded class: the gradebook's scores and the graded notebooks' failures.

Scores come from nbgrader's gradebook. What each failed test recognised comes from
the graded notebook (``autograded/<student>/<assignment>/``): the trusted engine
writes a failed test as one ``error`` output whose name is ``TestFailure[<mistake
id>]`` for a recognised mistake (:attr:`autograder.testing.TestFailure.ename`), and
nbgrader's later steps keep outputs as they are. Feedback text is never parsed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from autograder import config as cfg
from autograder.classreport.model import (
    MISTAKE,
    NOT_ANSWERED,
    PASSED,
    UNRECOGNISED,
    Outcome,
    Student,
    Test,
    WrittenPart,
    WrittenScore,
)
from autograder.course import api, require_existing_course, submitted_students, was_autograded
from autograder.errors import BadInput
from autograder.mistakes import part
from autograder.testing import mistake_of

MESSAGE_CHARS = 300  # of a feedback message kept for the report (its first line)


@dataclass
class Gathered:
    """What the gradebook and the course directory say about one assignment."""

    tests: list[Test]
    written: list[WrittenPart]
    students: list[Student]
    outcomes: list[Outcome]
    written_scores: list[WrittenScore]
    answers: dict[str, str]  # student id -> the code they wrote (graded or not)
    starter: str  # the code every student was given


def gather(assignment: str, course: Path, db_url: str | None, lessons_url: str) -> Gathered:
    """Read the class; :class:`BadInput` for an unknown assignment, an empty class or a
    class none of whose submissions is graded."""
    from nbgrader.api import Gradebook, MissingEntry

    course = require_existing_course(course)
    url = api(course, db_url).coursedir.db_url
    submitted = submitted_students(assignment, course)
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///") :]).exists():
        if submitted:
            raise BadInput(_ungraded(assignment, course, len(submitted)))
        raise BadInput(
            f"no gradebook at {url[len('sqlite:///') :]} and no submissions to report on"
        )
    with Gradebook(url, api(course, db_url).coursedir.course_id) as gb:
        try:
            found = gb.find_assignment(assignment)
        except MissingEntry:
            known = sorted(a.name for a in gb.assignments)
            raise BadInput(
                f"unknown assignment {assignment!r} in the gradebook "
                f"(known: {', '.join(known) or 'none'})"
            ) from None
        notebooks = sorted(found.notebooks, key=lambda n: n.name)
        tests, written = _parts(notebooks, course, assignment, lessons_url)
        roster = {s.id for s in gb.students}
        in_gradebook = {}
        for student_id in sorted(roster):
            try:
                in_gradebook[student_id] = gb.find_submission(assignment, student_id)
            except MissingEntry:
                continue
        everyone = sorted(set(submitted) | set(in_gradebook) | roster)
        if not set(submitted) | set(in_gradebook):
            raise BadInput(
                f"no submissions of {assignment}: {course}/submitted/<student>/{assignment}/ "
                "is empty and the gradebook has none"
            )
        students, outcomes, written_scores = [], [], []
        for student_id in everyone:
            submission = in_gradebook.get(student_id)
            if submission is None or not was_autograded(submission):
                reason = _why_not_graded(assignment, course, student_id, submission)
                students.append(Student(student_id, student_id, False, reason))
                continue
            graded = _graded_cells(course, assignment, student_id, notebooks)
            student = Student(student_id, student_id, True)
            written_total: float | None = 0.0
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    key = _key(notebook.name, grade.name, len(notebooks))
                    if any(t.id == key for t in tests):
                        outcome = _outcome(student_id, key, grade, graded.get(key))
                        outcomes.append(outcome)
                        student.auto_score += outcome.score
                    elif any(w.id == key for w in written):
                        score = _written(student_id, key, grade)
                        written_scores.append(score)
                        if score.score is None or written_total is None:
                            written_total = None
                        else:
                            written_total += score.score
            student.written_score = written_total
            students.append(student)
    if not any(s.graded for s in students):
        raise BadInput(_ungraded(assignment, course, len(students)))
    answers = {s: code for s in everyone if (code := answer_code(course, assignment, s))}
    return Gathered(
        tests,
        written,
        students,
        outcomes,
        written_scores,
        answers,
        starter_code(course, assignment),
    )


def _ungraded(assignment: str, course: Path, count: int) -> str:
    return (
        f"none of the {count} submissions of {assignment} is graded yet: run "
        f"`python -m autograder grade {assignment} --course {course}` first"
    )


def _key(notebook: str, grade_id: str, notebooks: int) -> str:
    return grade_id if notebooks == 1 else f"{notebook}:{grade_id}"


def _parts(
    notebooks: list[Any], course: Path, assignment: str, lessons_url: str
) -> tuple[list[Test], list[WrittenPart]]:
    """The automatic tests and the written answers, in the notebook's order."""
    tests: list[Test] = []
    written: list[WrittenPart] = []
    for notebook in notebooks:
        solutions = {c.name for c in notebook.solution_cells}
        order = _cell_order(course, assignment, notebook.name)
        cells = sorted(notebook.grade_cells, key=lambda c: (order.get(c.name, 10**6), c.name))
        for cell in cells:
            key = _key(notebook.name, cell.name, len(notebooks))
            about = part(cell.name)
            if cell.cell_type == "code" and cell.name not in solutions:
                section = about.section
                tests.append(
                    Test(
                        key,
                        about.title,
                        float(cell.max_score),
                        section.label if section else "",
                        section.href(lessons_url) if section else "",
                    )
                )
            else:
                written.append(WrittenPart(key, about.title, float(cell.max_score)))
    return tests, written


def _cell_order(course: Path, assignment: str, notebook: str) -> dict[str, int]:
    for base in (course / "source", course / "release", cfg.SOLUTIONS_DIR):
        nb = _read(base / assignment / f"{notebook}.ipynb")
        if nb is not None:
            return {gid: i for i, cell in enumerate(nb.cells) if (gid := _grade_id(cell))}
    return {}


def _read(path: Path) -> NotebookNode | None:
    try:
        notebook: NotebookNode = nbformat.read(str(path), as_version=4)
    except Exception:  # missing, unreadable or damaged: the caller says what it means
        return None
    return notebook


def _grade_id(cell: NotebookNode) -> str | None:
    gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return gid if isinstance(gid, str) else None


def _graded_cells(
    course: Path, assignment: str, student: str, notebooks: list[Any]
) -> dict[str, NotebookNode]:
    """The graded notebook's test cells by key (empty if the file is gone)."""
    out: dict[str, NotebookNode] = {}
    for notebook in notebooks:
        nb = _read(course / "autograded" / student / assignment / f"{notebook.name}.ipynb")
        for cell in nb.cells if nb is not None else []:
            gid = _grade_id(cell)
            if gid:
                out[_key(notebook.name, gid, len(notebooks))] = cell
    return out


def _first_line(text: str) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= MESSAGE_CHARS else line[: MESSAGE_CHARS - 1] + "…"


def _outcome(student: str, key: str, grade: Any, cell: NotebookNode | None) -> Outcome:
    score = float(grade.score or 0.0)
    max_score = float(grade.max_score)
    outcome = Outcome(student, key, score, max_score, PASSED)
    errors = [
        o for o in (cell.get("outputs", []) if cell else []) if o.get("output_type") == "error"
    ]
    if score >= max_score:
        return outcome
    if errors:
        outcome.error = str(errors[0].get("ename", ""))
        outcome.message = _first_line(str(errors[0].get("evalue", "")))
    outcome.mistake = mistake_of(outcome.error)
    if outcome.mistake:
        outcome.status = MISTAKE
        outcome.error = "TestFailure"
    elif outcome.error == "NotImplementedError":
        outcome.status = NOT_ANSWERED
    else:
        outcome.status = UNRECOGNISED
        if not errors:
            outcome.message = "no error message (points changed by hand, or output on stderr)"
    return outcome


def _written(student: str, key: str, grade: Any) -> WrittenScore:
    if grade.manual_score is not None:
        return WrittenScore(student, key, float(grade.max_score), float(grade.manual_score))
    blank = grade.auto_score is not None  # nbgrader gives an unchanged answer cell 0
    return WrittenScore(student, key, float(grade.max_score), 0.0 if blank else None, blank=blank)


def _why_not_graded(assignment: str, course: Path, student: str, submission: Any) -> str:
    folder = course / "submitted" / student / assignment
    if not folder.is_dir():
        return "no submission"
    notebooks = sorted(folder.glob("*.ipynb"))
    if not notebooks:
        return f"no notebook in submitted/{student}/{assignment}/"
    if any(_read(path) is None for path in notebooks):
        return "the notebook is damaged (not a readable Jupyter notebook)"
    if submission is None:
        return "submitted, not graded yet (run grade)"
    return "grading did not finish (run grade again: its NOT GRADED line says why)"


# --------------------------------------------------------------------------- code


def _code_cells(nb: NotebookNode) -> Iterable[str]:
    """The student's own code: answer cells and cells they added (not the locked cells
    or the tests, which nbgrader restores from the source)."""
    for cell in nb.cells:
        if cell.get("cell_type") != "code" or not cell.get("source", "").strip():
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") or not meta or not (meta.get("locked") or meta.get("grade")):
            yield str(cell.source)


def answer_code(course: Path, assignment: str, student: str) -> str:
    """The code a student wrote for an assignment, as submitted ("" if unreadable)."""
    folder = course / "submitted" / student / assignment
    parts: list[str] = []
    for path in sorted(folder.glob("*.ipynb")) if folder.is_dir() else []:
        nb = _read(path)
        if nb is not None:
            parts.extend(_code_cells(nb))
    return "\n\n".join(parts)


def starter_code(course: Path, assignment: str) -> str:
    """All the code cells of the released assignment: what every student started from."""
    for folder in (course / "release" / assignment, cfg.EXERCISES_DIR / assignment):
        found = [nb for path in sorted(folder.glob("*.ipynb")) if (nb := _read(path))]
        if found:
            return "\n\n".join(
                str(c.source) for nb in found for c in nb.cells if c.get("cell_type") == "code"
            )
    return ""


# --------------------------------------------------------------------------- names


def pseudonyms(students: Iterable[str], course: Path) -> dict[str, str]:
    """Stable pseudonyms (``student-3f9a2c``): the same student gets the same one on
    every run for this course, and nobody can compute it from the id without the
    course's key (``reports/.pseudonym-key``, created once)."""
    key_file = course / "reports" / ".pseudonym-key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    key = key_file.read_text().strip().encode()
    digests = {s: hmac.new(key, s.encode(), hashlib.sha256).hexdigest() for s in students}
    length = 6
    while len({d[:length] for d in digests.values()}) < len(digests):
        length += 2  # two students share a prefix: longer pseudonyms for everyone
    return {s: f"student-{d[:length]}" for s, d in digests.items()}
