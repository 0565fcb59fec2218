"""``python -m autograder feedback``: one HTML feedback page per student.

nbgrader's ``generate_feedback`` with the course's settings: the hidden tests are
removed from the page (stock nbgrader copies them into every student's feedback).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from autograder.commands.common import EXAMPLE, add_course_arguments, use_gradebook
from autograder.course import api, fail_line, require_course
from autograder.errors import EXIT_OK, BadInput, NotCompleted

NAME = "feedback"
SUMMARY = "write HTML feedback per student, without the hidden tests"
EPILOG = f"""\
example:
  python -m autograder feedback {EXAMPLE} --course ~/course
Writes feedback/<student>/<assignment>/<assignment>.html for every autograded
submission; hidden tests are removed. Return it with `nbgrader release_feedback`
(JupyterHub) or send the files through your LMS."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", metavar="ASSIGNMENT", help="e.g. " + EXAMPLE)
    add_course_arguments(parser)
    parser.add_argument(
        "--student",
        action="append",
        metavar="ID",
        help="only for this student (repeat for several)",
    )


def run(args: argparse.Namespace) -> int:
    feedback(args.assignment, args.course, args.db, args.student)
    return EXIT_OK


def feedback(
    assignment: str,
    course: str | Path | None,
    db_url: str | None = None,
    students: list[str] | None = None,
    out: TextIO = sys.stdout,
) -> list[Path]:
    """HTML feedback for every autograded submission (hidden tests removed)."""
    course = require_course(course)
    graded_root = course / "autograded"
    graded = (
        sorted(p.name for p in graded_root.iterdir() if (p / assignment).is_dir())
        if graded_root.is_dir()
        else []
    )
    if students:
        for s in students:
            if s not in graded:
                raise BadInput(
                    f"unknown student {s!r}: no autograded {assignment} for them (run grade first)"
                )
        graded = students
    if not graded:
        raise BadInput(
            f"no autograded submissions of {assignment} in {course}/autograded/ "
            "(run `python -m autograder grade` first)"
        )
    db_url, _ = use_gradebook(course, db_url, out)
    nbgrader = api(course, db_url)
    written: list[Path] = []
    for student in graded:
        result = nbgrader.generate_feedback(assignment, student, force=True)
        if not result.get("success"):
            raise NotCompleted(f"feedback for {student} failed: {fail_line(result)}")
        written += sorted((course / "feedback" / student / assignment).glob("*.html"))
    print(f"feedback written for {len(graded)} students in {course}/feedback/", file=out)
    return written
