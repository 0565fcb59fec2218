"""``python -m autograder grade``: autograde every submission of an assignment.

Each submission goes through nbgrader's ``autograde`` with the trusted engine
(:mod:`autograder.engine`): the student's code in a bubblewrap sandbox, the tests in
the grader. Several submissions are graded in parallel worker processes.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any, TextIO, TypedDict

from autograder.commands.common import EXAMPLE, add_course_arguments
from autograder.course import (
    api,
    ensure_in_gradebook,
    fail_line,
    require_assignment,
    require_existing_course,
    submitted_students,
    was_autograded,
)
from autograder.errors import EXIT_INCOMPLETE, EXIT_OK, BadInput, NotCompleted
from autograder.sandbox import bwrap_path, bwrap_works

NAME = "grade"
SUMMARY = "autograde every submission of an assignment"
EPILOG = f"""\
examples:
  python -m autograder grade {EXAMPLE} --course ~/course
  python -m autograder grade {EXAMPLE} --course ~/course --student doejane --jobs 1
  python -m autograder grade {EXAMPLE} --course ~/course --db postgresql://host/gradebook

Grades submitted/<student>/<assignment>/ with nbgrader's autograde, the student's code
in a bubblewrap sandbox and the tests in the grader. Re-grading keeps manual grades and
comments. Exit status 0 only if every submission was graded."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", metavar="ASSIGNMENT", help="e.g. " + EXAMPLE)
    add_course_arguments(parser)
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="submissions graded in parallel (default: the number of CPUs)",
    )
    parser.add_argument(
        "--student",
        action="append",
        metavar="ID",
        help="grade only this student (repeat for several)",
    )
    parser.add_argument(
        "--timeout-cell",
        type=int,
        metavar="S",
        help="seconds one cell or one test may take (default 15)",
    )
    parser.add_argument(
        "--timeout-notebook",
        type=int,
        metavar="S",
        help="seconds a whole notebook may take (default 90)",
    )
    parser.add_argument(
        "--allow-unsandboxed",
        action="store_true",
        help="grade even without bubblewrap: NO isolation, not for a real class",
    )


def run(args: argparse.Namespace) -> int:
    engine: dict[str, Any] = {"sandbox": "auto" if args.allow_unsandboxed else "require"}
    if args.timeout_cell:
        engine["timeout_cell"] = args.timeout_cell
    if args.timeout_notebook:
        engine["timeout_notebook"] = args.timeout_notebook
    if args.jobs is not None and args.jobs < 1:
        raise BadInput("--jobs must be at least 1")
    results = grade(args.assignment, args.course, args.db, args.jobs, args.student, engine)
    return EXIT_OK if all(r["success"] for r in results) else EXIT_INCOMPLETE


class GradeResult(TypedDict):
    """What grading one submission gave."""

    student: str
    success: bool
    error: str | None
    seconds: float
    score: float | None
    max_score: float | None


_WORKER_API: dict[tuple[Any, ...], Any] = {}  # (course, db, engine) -> nbgrader API, per process


def _forget_api_after_fork() -> None:
    _WORKER_API.clear()  # its database connections belong to the parent


os.register_at_fork(after_in_child=_forget_api_after_fork)


def grade_one(
    course: str, db_url: str | None, engine: dict[str, Any], assignment: str, student: str
) -> GradeResult:
    """Autograde one submission (runs in a worker process)."""
    key = (course, db_url, tuple(sorted(engine.items())))
    if key not in _WORKER_API:
        _WORKER_API.clear()
        _WORKER_API[key] = api(Path(course), db_url, **engine)
    nbgrader = _WORKER_API[key]
    started = time.monotonic()
    try:
        result = nbgrader.autograde(assignment, student, force=True, create=True)
    except Exception as exc:  # one bad submission never stops the batch
        result = {"success": False, "error": f"{type(exc).__name__}: {exc}"}
    success = bool(result.get("success"))
    return {
        "student": student,
        "success": success,
        "error": None if success else fail_line(result),
        "seconds": time.monotonic() - started,
        "score": None,
        "max_score": None,
    }


class Progress:
    """A one-line progress bar on stderr (plain lines when not a terminal)."""

    def __init__(self, total: int, label: str, stream: TextIO = sys.stderr):
        self.total, self.label, self.stream = total, label, stream
        self.done = 0
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.start = time.monotonic()

    def step(self, note: str) -> None:
        self.done += 1
        width = 30
        filled = int(width * self.done / max(1, self.total))
        bar = "#" * filled + "." * (width - filled)
        elapsed = time.monotonic() - self.start
        line = f"{self.label} [{bar}] {self.done}/{self.total} {elapsed:5.1f}s  {note}"
        if self.tty:
            self.stream.write("\r\x1b[K" + line[:200])
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def grade(
    assignment: str,
    course: str | Path | None,
    db_url: str | None = None,
    jobs: int | None = None,
    students: list[str] | None = None,
    engine: dict[str, Any] | None = None,
    out: TextIO = sys.stdout,
    progress_stream: TextIO = sys.stderr,
) -> list[GradeResult]:
    """Autograde every submission of ``assignment``; returns one result per student."""
    course = require_existing_course(course)
    engine = dict(engine or {})
    engine.setdefault("sandbox", "require")
    require_assignment(assignment, course)
    found = submitted_students(assignment, course)
    if students:
        missing = [s for s in students if s not in found]
        if missing:
            raise BadInput(
                f"unknown student {missing[0]!r}: no {course}/submitted/{missing[0]}/"
                f"{assignment}/ folder"
            )
        found = students
    if not found:
        raise BadInput(
            f"no submissions of {assignment} in {course}/submitted/<student>/{assignment}/"
        )
    if engine["sandbox"] == "require":
        bwrap = bwrap_path()
        if not (bwrap and bwrap_works(bwrap)):
            raise NotCompleted(
                "bubblewrap (bwrap) is needed to grade a class safely and is not "
                "available here (install it: apt-get install bubblewrap), or pass "
                "--allow-unsandboxed to grade without isolation"
            )
    ensure_in_gradebook(assignment, course, db_url)
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(found)))
    bar = Progress(len(found), f"grading {assignment}", progress_stream)
    results: list[GradeResult] = []
    if jobs == 1:
        for student in found:
            r = grade_one(str(course), db_url, engine, assignment, student)
            results.append(r)
            bar.step(f"{student} {'ok' if r['success'] else 'FAILED'}")
    else:
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            futures = {
                pool.submit(grade_one, str(course), db_url, engine, assignment, s): s for s in found
            }
            for fut in as_completed(futures):
                try:
                    r = fut.result()
                except Exception as exc:  # a worker process died
                    r = {
                        "student": futures[fut],
                        "success": False,
                        "error": f"worker failed: {exc}",
                        "seconds": 0.0,
                        "score": None,
                        "max_score": None,
                    }
                results.append(r)
                bar.step(f"{r['student']} {'ok' if r['success'] else 'FAILED'}")
    results.sort(key=lambda r: r["student"])
    scores = _scores(assignment, course, db_url)
    for r in results:
        r["score"], r["max_score"] = scores.get(r["student"], (None, None))
    ok = sum(r["success"] for r in results)
    print(
        f"graded {ok} of {len(results)} submissions of {assignment} "
        f"(gradebook: {api(course, db_url).coursedir.db_url})",
        file=out,
    )
    for r in results:
        if r["success"] and r["score"] is not None:
            print(f"  {r['student']}: {r['score']:g} / {r['max_score']:g}", file=out)
        else:
            print(f"  {r['student']}: NOT GRADED: {r['error']}", file=out)
    return results


def _scores(
    assignment: str, course: Path, db_url: str | None
) -> dict[str, tuple[float | None, float | None]]:
    from nbgrader.api import Gradebook, MissingEntry

    nbgrader = api(course, db_url)
    out: dict[str, tuple[float | None, float | None]] = {}
    with Gradebook(nbgrader.coursedir.db_url, nbgrader.coursedir.course_id) as gb:
        for student in gb.students:
            try:
                sub = gb.find_submission(assignment, student.id)
            except MissingEntry:
                continue
            out[student.id] = (sub.score, sub.max_score) if was_autograded(sub) else (None, None)
    return out
