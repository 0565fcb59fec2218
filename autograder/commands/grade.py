"""``python -m autograder grade``: autograde every submission of an assignment.

Each submission is one task (:mod:`autograder.cluster`): nbgrader's ``autograde``
with the trusted engine (:mod:`autograder.engine`), the student's code in a
bubblewrap sandbox, the tests in the grader. Tasks run on a local Dask cluster of
worker processes (``--jobs``), in this process (``--jobs 1``) or on a running Dask
cluster (``--scheduler``). This process alone writes the results: the autograded
files and the gradebook, one submission at a time, each complete or not at all.

A submission whose grades are in the gradebook, whose autograded files are in place
and whose submitted files have not changed since is not graded again (``--force``
grades it again): a run that was interrupted resumes where it stopped, and a late
resubmission is picked up by running the same command.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO, TypedDict

from autograder import budgets, cluster, gradebook
from autograder.commands.common import EXAMPLE, add_course_arguments, use_gradebook
from autograder.course import (
    ensure_in_gradebook,
    require_assignment,
    require_existing_course,
    submitted_students,
)
from autograder.errors import EXIT_INCOMPLETE, EXIT_OK, BadInput, NotCompleted
from autograder.sandbox import SandboxError, bwrap_path, bwrap_works

NAME = "grade"
SUMMARY = "autograde every submission of an assignment"
EPILOG = f"""\
examples:
  python -m autograder grade {EXAMPLE} --course ~/course
  python -m autograder grade {EXAMPLE} --course ~/course --student doejane --force
  python -m autograder grade {EXAMPLE} --course ~/course --db postgresql://grader@db/calc101
  python -m autograder grade {EXAMPLE} --course ~/course --scheduler tcp://10.0.0.5:8786

Grades submitted/<student>/<assignment>/ with nbgrader's autograde, the student's code
in a bubblewrap sandbox and the tests in the grader, on a local Dask cluster (one worker
per CPU) or on the Dask cluster given with --scheduler. Submissions already graded and
unchanged since are skipped (--force grades them again); re-grading keeps manual grades
and comments. Ctrl-C stops within seconds and keeps every result finished so far: run
the same command again to grade the rest. Exit status 0 only if every submission was
graded."""

STATE_DIR = ".autograder"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", metavar="ASSIGNMENT", help="e.g. " + EXAMPLE)
    add_course_arguments(parser)
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes of the local Dask cluster (default: the number of CPUs; "
        "1 grades in this process)",
    )
    where.add_argument(
        "--scheduler",
        metavar="URL",
        help="grade on the running Dask cluster of this scheduler, e.g. tcp://10.0.0.5:8786",
    )
    parser.add_argument(
        "--student",
        action="append",
        metavar="ID",
        help="grade only this student (repeat for several)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="grade again submissions that are already graded and unchanged",
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
        "--no-call-budgets",
        action="store_true",
        help="give each call of a test the whole --timeout-cell instead of a budget derived "
        "from the reference solution's own time",
    )
    parser.add_argument(
        "--allow-unsandboxed",
        action="store_true",
        help="grade even without bubblewrap: NO isolation, not for a real class",
    )


def run(args: argparse.Namespace) -> int:
    engine: dict[str, Any] = {"sandbox": "auto" if args.allow_unsandboxed else "require"}
    for option in ("timeout_cell", "timeout_notebook"):
        value = getattr(args, option)
        if value is not None and value < 1:
            raise BadInput(f"--{option.replace('_', '-')} must be at least 1")
        if value:
            engine[option] = value
    if args.jobs is not None and args.jobs < 1:
        raise BadInput("--jobs must be at least 1")
    results = grade(
        args.assignment,
        args.course,
        args.db,
        args.jobs,
        args.student,
        engine,
        scheduler=args.scheduler,
        force=args.force,
        call_budgets=not args.no_call_budgets,
    )
    return EXIT_OK if all(r["success"] for r in results) else EXIT_INCOMPLETE


class GradeResult(TypedDict):
    """What grading one submission gave."""

    student: str
    success: bool
    error: str | None
    seconds: float  # the task on its worker (0 when skipped)
    engine_seconds: float  # of which running the notebook
    score: float | None
    max_score: float | None
    skipped: bool  # already graded and unchanged: not graded again


class Progress:
    """A one-line progress bar on stderr (plain lines when not a terminal): done and
    total, elapsed time, an estimate of the time left and a running count of failures."""

    def __init__(self, total: int, label: str, stream: TextIO = sys.stderr):
        self.total, self.label, self.stream = total, label, stream
        self.done = 0
        self.failed = 0
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.start = time.monotonic()

    def step(self, student: str, ok: bool) -> None:
        self.done += 1
        self.failed += not ok
        width = 30
        filled = int(width * self.done / max(1, self.total))
        bar = "#" * filled + "." * (width - filled)
        elapsed = time.monotonic() - self.start
        left = elapsed / self.done * (self.total - self.done)
        line = (
            f"{self.label} [{bar}] {self.done}/{self.total}  {_clock(elapsed)} elapsed, "
            f"{'about ' + _clock(left) + ' left' if self.done < self.total else 'done'}, "
            f"{self.failed} failed  {student} {'ok' if ok else 'FAILED'}"
        )
        if self.tty:
            self.stream.write("\r\x1b[K" + line[:200])
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def grade(
    assignment: str,
    course: str | Path | None,
    db_url: str | None = None,
    jobs: int | None = None,
    students: list[str] | None = None,
    engine: dict[str, Any] | None = None,
    out: TextIO = sys.stdout,
    progress_stream: TextIO = sys.stderr,
    *,
    scheduler: str | None = None,
    force: bool = False,
    call_budgets: bool = True,
) -> list[GradeResult]:
    """Autograde the submissions of ``assignment``; returns one result per student."""
    course = require_existing_course(course)
    engine = dict(engine or {})
    engine.setdefault("sandbox", "require")
    require_assignment(assignment, course)
    if scheduler is not None and jobs is not None:
        raise BadInput(
            "--jobs is for the local cluster: with --scheduler the cluster's workers grade"
        )
    found = submitted_students(assignment, course)
    if students:
        missing = [s for s in students if s not in found]
        if missing:
            raise BadInput(
                f"unknown student {missing[0]!r}: no {course}/submitted/{missing[0]}/"
                f"{assignment}/ folder"
            )
        found = list(dict.fromkeys(students))
    if not found:
        raise BadInput(
            f"no submissions of {assignment} in {course}/submitted/<student>/{assignment}/"
        )
    if scheduler is None and engine["sandbox"] == "require":
        bwrap = bwrap_path()
        if not (bwrap and bwrap_works(bwrap)):
            raise NotCompleted(
                "bubblewrap (bwrap) is needed to grade a class safely and is not "
                "available here (install it: apt-get install bubblewrap), or pass "
                "--allow-unsandboxed to grade without isolation"
            )
    url, course_id = use_gradebook(course, db_url, out)
    ensure_in_gradebook(assignment, course, url)
    tasks: list[cluster.SubmissionTask] = []
    unreadable: dict[str, str] = {}
    for student in found:
        try:
            files = cluster.read_folder(course / "submitted" / student / assignment)
        except (OSError, ValueError) as exc:
            unreadable[student] = str(exc)
            continue
        tasks.append({"student": student, "files": files, "digest": cluster.digest_of(files)})
    with gradebook.opened(url, course_id) as gb:
        if not force:
            done = gradebook.autograded_students(gb, assignment)
            tasks = [t for t in tasks if not _up_to_date(course, assignment, t, done)]
        package = _package(course, assignment, engine, course_id, gb)
        results = _run(
            course, assignment, package, tasks, gb, jobs, scheduler, call_budgets, progress_stream
        )
        todo = {t["student"] for t in tasks}
        for student in found:
            if student in unreadable:
                results[student] = _result(student, False, f"cannot read it: {unreadable[student]}")
            elif student not in todo:
                results[student] = _result(student, True, None, skipped=True)
        scores = _scores(gb, assignment)
    ordered = [results[s] for s in found if s in results]
    for r in ordered:
        r["score"], r["max_score"] = scores.get(r["student"], (None, None))
    _summary(assignment, ordered, url, out)
    return ordered


def _up_to_date(
    course: Path, assignment: str, task: cluster.SubmissionTask, autograded: set[str]
) -> bool:
    """Graded from these very files, and its results are all in place."""
    student = task["student"]
    state = _state_file(course, assignment, student)
    return (
        student in autograded
        and (course / "autograded" / student / assignment).is_dir()
        and state.is_file()
        and state.read_text().strip() == task["digest"]
    )


def _state_file(course: Path, assignment: str, student: str) -> Path:
    return course / STATE_DIR / "graded" / assignment / student


def _package(
    course: Path, assignment: str, engine: dict[str, Any], course_id: str, gb: Any
) -> cluster.AssignmentPackage:
    from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

    try:
        loaded = dict(PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config())
    except ConfigFileNotFound:
        loaded = {}
    settings = {k: v for k, v in loaded.items() if k not in ("Exchange", "NbGrader")}
    if "CourseDirectory" in settings:  # the worker has its own root and scratch gradebook
        settings["CourseDirectory"] = {
            k: v
            for k, v in settings["CourseDirectory"].items()
            if k not in ("root", "db_url", "course_id")
        }
    return {
        "assignment": assignment,
        "source": cluster.read_folder(course / "source" / assignment),
        "settings": settings,
        "course_id": course_id,
        "duedate": gb.find_assignment(assignment).duedate,
        "engine": dict(engine),
        "call_budgets": {},
    }


def _run(
    course: Path,
    assignment: str,
    package: cluster.AssignmentPackage,
    tasks: list[cluster.SubmissionTask],
    gb: Any,
    jobs: int | None,
    scheduler: str | None,
    call_budgets: bool,
    progress_stream: TextIO,
) -> dict[str, GradeResult]:
    results: dict[str, GradeResult] = {}
    if not tasks:
        return results
    runner: cluster.Runner
    if scheduler is not None:
        runner = cluster.remote_cluster(scheduler)
    else:
        workers = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
        runner = cluster.InProcess() if workers == 1 else cluster.local_cluster(workers)
    try:
        if call_budgets:
            package["call_budgets"] = _call_budgets(course, assignment, package, runner)
        bar = Progress(len(tasks), f"grading {assignment}", progress_stream)
        for outcome in runner.grade_all(package, tasks):
            student = outcome["student"]
            if student in results:
                continue  # graded exactly once: a second result for a student is dropped
            error = outcome["error"]
            if outcome["success"]:
                try:
                    with _uninterrupted():
                        _commit(course, assignment, outcome, gb)
                except (OSError, ValueError, NotCompleted) as exc:
                    error = f"could not save the result: {exc}"
            ok = error is None
            results[student] = _result(
                student, ok, error, outcome["seconds"], outcome["engine_seconds"]
            )
            bar.step(student, ok)
    except KeyboardInterrupt:
        print(
            f"interrupted: {len(results)} of {len(tasks)} submissions graded and saved, "
            "nothing half-written; run the same command again to grade the rest",
            file=progress_stream,
            flush=True,
        )
        raise
    finally:
        with _uninterrupted():
            runner.close()
    return results


def _call_budgets(
    course: Path, assignment: str, package: cluster.AssignmentPackage, runner: cluster.Runner
) -> budgets.Budgets:
    """The stored budget table, or one measured now (on a worker) and stored."""
    notebooks = {n: b for n, b in package["source"].items() if n.endswith(".ipynb")}
    table = budgets.load(course, assignment, notebooks)
    if table is None:
        try:
            table = runner.call(package)
        except (ValueError, SandboxError) as exc:  # the reference fails a test; no sandbox
            # (each submission then says what went wrong: nothing is stopped here)
            print(f"warning: no call budgets for {assignment}: {exc}", file=sys.stderr)
            return {}
        budgets.save(course, assignment, table)
    return table["budgets"]


@contextlib.contextmanager
def _uninterrupted() -> Iterator[None]:
    """Ctrl-C waits until the block is done (a result is written whole or not at all)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: caught.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught:
            raise KeyboardInterrupt


def _commit(course: Path, assignment: str, outcome: cluster.SubmissionResult, gb: Any) -> None:
    """The gradebook first (one transaction), then the autograded folder swapped in whole,
    then the note of what was graded (what a re-run compares with)."""
    student = outcome["student"]
    if outcome["grades"] is None:
        raise ValueError("the task returned no grades")
    folder = course / "autograded" / student / assignment
    staging = folder.parent / f".{assignment}.partial-{os.getpid()}"
    retired = folder.parent / f".{assignment}.old-{os.getpid()}"
    for leftover in (staging, retired):
        shutil.rmtree(leftover, ignore_errors=True)
    try:
        cluster.write_folder(staging, outcome["files"])
        for path in staging.rglob("*"):
            if path.is_file():
                path.chmod(0o444)  # as nbgrader leaves autograded files
        gradebook.record(gb, assignment, student, outcome["grades"])
        if folder.exists():
            folder.rename(retired)
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)
    state = _state_file(course, assignment, student)
    state.parent.mkdir(parents=True, exist_ok=True)
    partial = state.with_name(f".{state.name}.partial")
    partial.write_text(outcome["digest"] + "\n")
    partial.replace(state)


def _result(
    student: str,
    success: bool,
    error: str | None,
    seconds: float = 0.0,
    engine_seconds: float = 0.0,
    skipped: bool = False,
) -> GradeResult:
    return {
        "student": student,
        "success": success,
        "error": error,
        "seconds": seconds,
        "engine_seconds": engine_seconds,
        "score": None,
        "max_score": None,
        "skipped": skipped,
    }


def _scores(gb: Any, assignment: str) -> dict[str, tuple[float | None, float | None]]:
    from nbgrader.api import MissingEntry

    graded = gradebook.autograded_students(gb, assignment)
    out: dict[str, tuple[float | None, float | None]] = {}
    for student in graded:
        try:
            sub = gb.find_submission(assignment, student)
        except MissingEntry:
            continue
        out[student] = (sub.score, sub.max_score)
    return out


def _summary(assignment: str, results: list[GradeResult], url: str, out: TextIO) -> None:
    graded = [r for r in results if r["success"] and not r["skipped"]]
    skipped = [r for r in results if r["skipped"]]
    failed = [r for r in results if not r["success"]]
    line = f"graded {len(graded)} of {len(graded) + len(failed)} submissions of {assignment}"
    if skipped:
        line += f" ({len(skipped)} more already graded and unchanged: --force grades them again)"
    print(f"{line} (gradebook: {gradebook.masked(url)})", file=out)
    for r in results:
        if r["success"] and r["score"] is not None and r["max_score"] is not None:
            note = "  (unchanged, not graded again)" if r["skipped"] else ""
            print(f"  {r['student']}: {r['score']:g} / {r['max_score']:g}{note}", file=out)
        elif r["success"]:
            print(f"  {r['student']}: graded", file=out)
        else:
            print(
                f"  {r['student']}: NOT GRADED: {gradebook.scrub(str(r['error']), url)}", file=out
            )
