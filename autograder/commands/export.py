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
from autograder.course import require_course, was_autograded
from autograder.errors import EXIT_OK, BadInput

NAME = "export"
SUMMARY = "write the grades as CSV, a row per student"
EPILOG = """\
examples:
  python -m autograder export --course ~/course --to grades.csv
  python -m autograder export --course ~/course --db postgresql://grader@db/calc101
Columns: student_id, then for each assignment its total and one column per graded
cell (<assignment>:<cell id>, manual grades included). A submission that has not been
graded is left blank."""


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
    database = gradebook.sqlite_file(url)
    if database is not None and not database.exists():
        raise BadInput(f"no gradebook at {database} (grade something first)")
    with gradebook.opened(url, course_id) as gb:
        if not any(gradebook.autograded_students(gb, a.name) for a in gb.assignments):
            raise BadInput(
                f"the gradebook {gradebook.masked(url)} holds no grades yet (grade something first)"
            )
        assignments = sorted(gb.assignments, key=lambda a: a.name)
        columns = ["student_id"]
        per_assignment = []
        for a in assignments:
            cells = []
            for nb in sorted(a.notebooks, key=lambda n: n.name):
                for gc in sorted(nb.grade_cells, key=lambda g: g.name):
                    cells.append((nb.name, gc.name))
            per_assignment.append((a.name, cells))
            columns.append(a.name)
            columns += [f"{a.name}:{cell}" for _, cell in cells]
        rows = []
        for student in sorted(gb.students, key=lambda s: s.id):
            row = {"student_id": student.id}
            for name, cells in per_assignment:
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


def _number(value: float | None) -> str:
    return "" if value is None else f"{float(value):g}"
