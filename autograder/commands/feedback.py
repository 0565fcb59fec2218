"""``python -m autograder feedback``: one HTML feedback page per student.

nbgrader's ``generate_feedback`` with the course's settings: the hidden tests are
removed from the page (stock nbgrader copies them into every student's feedback) and
what students wrote is sanitised. Each page is written aside first and moved into
``feedback/`` only when complete, so an interrupted run leaves every earlier page as
it was and no half-written one. Every student who has a submission but gets no page
(not autograded, or nbgrader failed) is reported on a line of its own.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import TextIO, TypedDict

from autograder.commands.common import EXAMPLE, add_course_arguments, use_gradebook
from autograder.course import (
    api,
    ensure_course_config,
    fail_line,
    require_course,
    reraise_interrupt,
)
from autograder.errors import EXIT_INCOMPLETE, EXIT_OK, BadInput

NAME = "feedback"
SUMMARY = "write HTML feedback per student, without the hidden tests"
EPILOG = f"""\
example:
  python -m autograder feedback {EXAMPLE} --course ~/course
Writes feedback/<student>/<assignment>/<assignment>.html for every autograded
submission; hidden tests are removed. Return it with `nbgrader release_feedback`
(JupyterHub) or send the files through your LMS. A student with a submission but no
feedback (not graded yet, or it failed) is listed on a line of its own, and the exit
status is then 1."""

STAGING = ".feedback-partial"  # pages being written, moved into feedback/ when complete


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
    result = feedback(args.assignment, args.course, args.db, args.student)
    return EXIT_INCOMPLETE if result["missing"] else EXIT_OK


class FeedbackResult(TypedDict):
    """The pages written, and why each other student got none."""

    written: list[Path]
    missing: dict[str, str]


def _students_with(folder: Path, assignment: str) -> set[str]:
    if not folder.is_dir():
        return set()
    return {p.name for p in folder.iterdir() if (p / assignment).is_dir()}


def _publish(staged: Path, final: Path) -> None:
    """Replace ``final`` by the complete ``staged`` folder (the old one is kept until then)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = final.with_name(final.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        final.rename(old)
    staged.rename(final)
    if old.exists():
        shutil.rmtree(old)


def feedback(
    assignment: str,
    course: str | Path | None,
    db_url: str | None = None,
    students: list[str] | None = None,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> FeedbackResult:
    """HTML feedback for every autograded submission (hidden tests removed)."""
    course = require_course(course)
    graded = _students_with(course / "autograded", assignment)
    submitted = _students_with(course / "submitted", assignment) | graded
    if students:
        for s in students:
            if s not in submitted:
                raise BadInput(f"unknown student {s!r}: no submission of {assignment} for them")
        wanted = sorted(students)
    else:
        wanted = sorted(submitted)
    if not graded & set(wanted):
        raise BadInput(
            f"no autograded submissions of {assignment} in {course}/autograded/ "
            "(run `python -m autograder grade` first)"
        )
    ensure_course_config(course, out=err)
    db_url, _ = use_gradebook(course, db_url, out)
    nbgrader = api(course, db_url)
    staging = course / STAGING
    nbgrader.coursedir.feedback_directory = STAGING
    result: FeedbackResult = {"written": [], "missing": {}}
    try:
        for student in wanted:
            if student not in graded:
                result["missing"][student] = (
                    "not autograded (run `python -m autograder grade` for this student)"
                )
                continue
            outcome = nbgrader.generate_feedback(assignment, student, force=True)
            reraise_interrupt(outcome)
            staged = staging / student / assignment
            if not outcome.get("success") or not any(staged.glob("*.html")):
                result["missing"][student] = fail_line(outcome)
                continue
            final = course / "feedback" / student / assignment
            _publish(staged, final)
            result["written"] += sorted(final.glob("*.html"))
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # (an interrupted page is never kept)
    done = len(wanted) - len(result["missing"])
    print(f"feedback written for {done} students in {course}/feedback/", file=out)
    for student, why in sorted(result["missing"].items()):
        print(f"no feedback for {student}: {why}", file=err)
    return result
