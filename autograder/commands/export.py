"""``python -m autograder export``: the gradebook as CSV, a row per student."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path
from typing import TextIO

from autograder import gradebook
from autograder.commands.common import add_course_arguments, gradebook_of
from autograder.course import LMS_IDS_FILE, require_course, was_autograded
from autograder.errors import EXIT_OK, BadInput

NAME = "export"
SUMMARY = "write the grades as CSV, a row per student"
EPILOG = """\
examples:
  python -m autograder export --course ~/course --to grades.csv
  python -m autograder export --course ~/course --db postgresql://grader@db/calc101
Columns: student_id, lms_id (the LMS's own id, when the submissions came from an LMS
zip), then for each assignment its total, <assignment>:lms_id when that assignment
was imported from an LMS zip (Moodle numbers participants per assignment), and one
column per graded cell (<assignment>:<cell id>, manual grades included). A submission
that has not been graded is left blank."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_course_arguments(parser)
    parser.add_argument(
        "--to", metavar="FILE", help="the CSV file to write (default: standard output)"
    )


def run(args: argparse.Namespace) -> int:
    export(args.course, args.to, args.db)
    return EXIT_OK


def export(
    course: str | Path | None,
    to: str | None = None,
    db_url: str | None = None,
    out: TextIO = sys.stdout,
) -> str:
    """Grades as CSV: one row per student, a column per assignment and per test."""
    from nbgrader.api import MissingEntry

    course = require_course(course)
    url, course_id = gradebook_of(course, db_url)
    lms_ids = _lms_ids(course)
    database = gradebook.sqlite_file(url)
    if database is not None and not database.exists():
        raise BadInput(f"no gradebook at {database} (grade something first)")
    with gradebook.opened(url, course_id) as gb:
        if not any(gradebook.autograded_students(gb, a.name) for a in gb.assignments):
            raise BadInput(
                f"the gradebook {gradebook.masked(url)} holds no grades yet (grade something first)"
            )
        assignments = sorted(gb.assignments, key=lambda a: a.name)
        columns = ["student_id", "lms_id"]
        per_assignment = []
        for a in assignments:
            cells = []
            for nb in sorted(a.notebooks, key=lambda n: n.name):
                for gc in sorted(nb.grade_cells, key=lambda g: g.name):
                    cells.append((nb.name, gc.name))
            per_assignment.append((a.name, cells))
            columns.append(a.name)
            if a.name in lms_ids:
                columns.append(f"{a.name}:lms_id")
            columns += [f"{a.name}:{cell}" for _, cell in cells]
        rows = []
        for student in sorted(gb.students, key=lambda s: s.id):
            row = {"student_id": student.id, "lms_id": student.lms_user_id or ""}
            for name, cells in per_assignment:
                if student.id in lms_ids.get(name, {}):
                    row[f"{name}:lms_id"] = lms_ids[name][student.id]
                try:
                    sub = gb.find_submission(name, student.id)
                except MissingEntry:
                    continue
                if not was_autograded(sub):
                    continue  # submitted but not graded (yet): blank, not zero
                row[name] = _number(sub.score)
                for nb_name, cell in cells:
                    try:
                        grade = gb.find_grade(cell, nb_name, name, student.id)
                        row[f"{name}:{cell}"] = _number(grade.score)
                    except MissingEntry:
                        pass
            rows.append(row)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    text = buffer.getvalue()
    if to:
        Path(to).write_text(text)
        print(f"grades of {len(rows)} students written to {to}", file=out)
    else:
        out.write(text)
    return text


def _lms_ids(course: Path) -> dict[str, dict[str, str]]:
    """{assignment: {student id: the LMS's id}} recorded by collect-zip."""
    path = course / LMS_IDS_FILE
    found: dict[str, dict[str, str]] = {}
    if path.is_file():
        with path.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row.get("assignment") and row.get("student_id"):
                    found.setdefault(row["assignment"], {})[row["student_id"]] = row.get(
                        "lms_id", ""
                    )
    return found


def _number(value: float | None) -> str:
    return "" if value is None else f"{float(value):g}"
