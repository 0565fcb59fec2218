"""Instructor operations on an nbgrader course directory.

A course directory is nbgrader's standard layout::

    course/
      nbgrader_config.py        (optional: course id, exchange root, ...)
      gradebook.db              (SQLite gradebook, created on first use)
      source/<assignment>/      (copied from this repo's solutions/ by `release`)
      release/<assignment>/     (student version, made by nbgrader generate_assignment)
      submitted/<student>/<assignment>/<assignment>.ipynb
      autograded/...  feedback/...

Everything here drives nbgrader's own machinery (``NbGraderAPI``: generate_assignment,
autograde, generate_feedback, the exchange; ``ZipCollectApp`` for LMS zips; the
``Gradebook``) configured by :mod:`autograder.config`. Errors that a user can fix
are raised as :class:`UserError` with a one-line message.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat

from autograder import config as cfg


class UserError(Exception):
    """A problem with the user's input: reported as one line, exit status non-zero."""


# ------------------------------------------------------------------ helpers
def known_assignments() -> list[str]:
    if not cfg.SOLUTIONS_DIR.is_dir():
        return []
    return sorted(p.name for p in cfg.SOLUTIONS_DIR.iterdir() if (p / f"{p.name}.ipynb").is_file())


def require_assignment(name: str, course: Path | None = None) -> None:
    names = set(known_assignments())
    if course is not None and (course / "source" / name).is_dir():
        return
    if name not in names:
        listed = ", ".join(sorted(names)) or "none"
        raise UserError(f"unknown assignment {name!r} (known: {listed})")


def require_course(course) -> Path:
    if course is None:
        raise UserError("this command needs --course DIR (an nbgrader course directory)")
    course = Path(course).expanduser().resolve()
    if course.exists() and not course.is_dir():
        raise UserError(f"{course} is not a directory")
    return course


def _quiet_api(course: Path, db_url: str | None = None, **engine):
    return cfg.api_for(course, db_url, **engine)


def _fail_line(result: dict) -> str:
    """The most useful single line of an nbgrader failure: its innermost exception."""
    text = (result.get("log") or "") + "\n" + (result.get("error") or "")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    exception = re.compile(r"^([\w.]+(Error|Exception|Unavailable|Invalid\w*)):\s*(.*)$")
    for line in lines:
        m = exception.match(line)
        if m and "Please see the" not in line:
            name = m.group(1).rsplit(".", 1)[-1]
            return f"{name}: {m.group(3)}"[:300]
    for line in lines:
        if "[ERROR]" in line and "Please see" not in line and "Traceback" not in line:
            return re.sub(r"^\[.*?\]\s*", "", line)[:300]
    return (lines[-1] if lines else "nbgrader failed")[:300]


# ------------------------------------------------------------------ release
def notebook_has_work(path: Path) -> bool:
    """Whether a released exercise file holds a student's work in progress.

    nbgrader stores a checksum of every answer cell as released; any answer that
    no longer matches it, or any output, means someone worked in this file.
    """
    from nbgrader.utils import compute_checksum, is_solution

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception:
        return True
    for cell in nb.cells:
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count")):
            return True
        meta = cell.metadata.get("nbgrader", {})
        if is_solution(cell) and "checksum" in meta and meta["checksum"] != compute_checksum(cell):
            return True
    return False


def generate_student_version(assignment: str, out_dir: Path) -> list[Path]:
    """nbgrader generate_assignment of solutions/<assignment> into ``out_dir``."""
    require_assignment(assignment)
    with tempfile.TemporaryDirectory(prefix="autograder-release-") as tmp:
        course = Path(tmp)
        shutil.copytree(
            cfg.SOLUTIONS_DIR / assignment,
            course / "source" / assignment,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
        api = _quiet_api(course)
        result = api.generate_assignment(assignment, force=True, create=True)
        if not result.get("success"):
            raise UserError(
                f"nbgrader generate_assignment failed for {assignment}: {_fail_line(result)}"
            )
        released = course / "release" / assignment
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for path in sorted(released.rglob("*")):
            if path.is_file():
                dest = out_dir / path.relative_to(released)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, dest)
                written.append(dest)
        return written


def release(
    assignments: list[str],
    course=None,
    exchange: str | None = None,
    course_id: str | None = None,
    force: bool = False,
    out=sys.stdout,
) -> None:
    """Regenerate exercises/ (and, with a course, the course's release + exchange)."""
    names = assignments or known_assignments()
    if not names:
        raise UserError(f"no assignments found in {cfg.SOLUTIONS_DIR}")
    for name in names:
        require_assignment(name)
    for name in names:
        target = cfg.EXERCISES_DIR / name
        with tempfile.TemporaryDirectory(prefix="autograder-out-") as tmp:
            files = generate_student_version(name, Path(tmp))
            for path in files:
                dest = target / path.relative_to(tmp)
                if (
                    dest.exists()
                    and path.suffix == ".ipynb"
                    and not force
                    and notebook_has_work(dest)
                ):
                    raise UserError(
                        f"{dest} has answers or outputs in it (a student's work in "
                        "progress?): not overwriting it; move it away or use --force"
                    )
            for path in files:
                dest = target / path.relative_to(tmp)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, dest)
        print(f"exercises/{name}/ regenerated from solutions/{name}/", file=out)
        if course is not None:
            release_to_course(name, require_course(course), exchange, course_id, out=out)


def release_to_course(
    assignment: str,
    course: Path,
    exchange: str | None = None,
    course_id: str | None = None,
    out=sys.stdout,
) -> None:
    source = course / "source" / assignment
    course.mkdir(parents=True, exist_ok=True)
    if source.exists():
        shutil.rmtree(source)
    shutil.copytree(
        cfg.SOLUTIONS_DIR / assignment,
        source,
        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
    )
    from traitlets.config import Config

    extra = Config()
    if exchange:
        Path(exchange).expanduser().mkdir(parents=True, exist_ok=True)
        extra.Exchange.root = str(Path(exchange).expanduser().resolve())
    if course_id:
        extra.CourseDirectory.course_id = course_id
    write_course_config(course, exchange, course_id, out=out)
    api = cfg.api_for(course, extra=extra)
    result = api.generate_assignment(assignment, force=True, create=True)
    if not result.get("success"):
        raise UserError(
            f"nbgrader generate_assignment failed for {assignment}: {_fail_line(result)}"
        )
    print(f"{course}/release/{assignment}/ generated (gradebook: {api.coursedir.db_url})", file=out)
    root = api.config.Exchange.root if "root" in api.config.Exchange else None
    if not root:
        print(
            "  not put in an exchange: give --exchange DIR (or set c.Exchange.root in the "
            "course's nbgrader_config.py) to release it to JupyterHub students",
            file=out,
        )
        return
    if not api.coursedir.course_id:
        raise UserError(
            "releasing to an exchange needs a course id: --course-id ID or "
            "c.CourseDirectory.course_id in the course's nbgrader_config.py"
        )
    result = api.release_assignment(assignment)
    if not result.get("success"):
        # nbgrader refuses to replace a release without force; retry with it
        api.config.ReleaseAssignment.force = True
        api.config.ExchangeReleaseAssignment.force = True
        result = api.release_assignment(assignment)
    if not result.get("success"):
        raise UserError(f"nbgrader release_assignment failed: {_fail_line(result)}")
    print(
        f"  released to the exchange {root} for course {api.coursedir.course_id} "
        "(students who already fetched it keep their own copy)",
        file=out,
    )


def write_course_config(
    course: Path, exchange: str | None = None, course_id: str | None = None, out=sys.stdout
) -> None:
    """Give a course directory its ``nbgrader_config.py`` (once; never overwritten).

    It loads the course's grading settings (so that ``nbgrader autograde``, ``nbgrader
    collect``, ``release_feedback`` and the formgrader, run in the course directory,
    behave like ``python -m autograder``) plus the course id and exchange given here.
    """
    path = course / "nbgrader_config.py"
    if path.exists():
        return
    text = (cfg.PACKAGE_DIR / "nbgrader_config.py").read_text()
    extra = []
    if course_id:
        extra.append(f"c.CourseDirectory.course_id = {course_id!r}")
    if exchange:
        extra.append(f"c.Exchange.root = {str(Path(exchange).expanduser().resolve())!r}")
    if extra:
        text += "\n# written by `python -m autograder release`\n" + "\n".join(extra) + "\n"
    path.write_text(text)
    print(f"{path} written (nbgrader's own commands in {course} use the same settings)", file=out)


# ------------------------------------------------------------------ grading
def ensure_in_gradebook(assignment: str, course: Path, db_url: str | None) -> None:
    """Make sure nbgrader knows the assignment (generate it from source/ or solutions/)."""
    from nbgrader.api import Gradebook, MissingEntry

    api = _quiet_api(course, db_url)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        try:
            gb.find_assignment(assignment)
            if (course / "release" / assignment).is_dir():
                return
        except MissingEntry:
            pass
    if not (course / "source" / assignment).is_dir():
        require_assignment(assignment)
        shutil.copytree(
            cfg.SOLUTIONS_DIR / assignment,
            course / "source" / assignment,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
    result = api.generate_assignment(assignment, force=True, create=True)
    if not result.get("success"):
        raise UserError(
            f"nbgrader generate_assignment failed for {assignment}: {_fail_line(result)}"
        )


def submitted_students(assignment: str, course: Path) -> list[str]:
    root = course / "submitted"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / assignment).is_dir())


_WORKER_API: dict = {}  # (course, db_url, engine settings) -> nbgrader API, per process


def _forget_api_after_fork() -> None:
    _WORKER_API.clear()  # its database connections belong to the parent


os.register_at_fork(after_in_child=_forget_api_after_fork)


def _grade_one(course: str, db_url, engine: dict, assignment: str, student: str) -> dict:
    """Autograde one submission (runs in a worker process)."""
    key = (course, db_url, tuple(sorted(engine.items())))
    if key not in _WORKER_API:
        _WORKER_API.clear()
        _WORKER_API[key] = _quiet_api(Path(course), db_url, **engine)
    api = _WORKER_API[key]
    started = time.monotonic()
    try:
        result = api.autograde(assignment, student, force=True, create=True)
    except Exception as exc:
        result = {"success": False, "error": f"{type(exc).__name__}: {exc}"}
    return {
        "student": student,
        "success": bool(result.get("success")),
        "error": None if result.get("success") else _fail_line(result),
        "seconds": time.monotonic() - started,
    }


class Progress:
    """A one-line progress bar on stderr (plain lines when not a terminal)."""

    def __init__(self, total: int, label: str, stream=sys.stderr):
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
    course,
    db_url: str | None = None,
    jobs: int | None = None,
    students: list[str] | None = None,
    engine: dict | None = None,
    out=sys.stdout,
    progress_stream=sys.stderr,
) -> list[dict]:
    """Autograde every submission of ``assignment``; returns one result per student."""
    course = require_course(course)
    if not course.is_dir():
        raise UserError(f"course directory {course} does not exist")
    engine = dict(engine or {})
    engine.setdefault("sandbox", "require")
    require_assignment(assignment, course)
    found = submitted_students(assignment, course)
    if students:
        missing = [s for s in students if s not in found]
        if missing:
            raise UserError(
                f"unknown student {missing[0]!r}: no {course}/submitted/{missing[0]}/"
                f"{assignment}/ folder"
            )
        found = students
    if not found:
        raise UserError(
            f"no submissions of {assignment} in {course}/submitted/<student>/{assignment}/"
        )
    if engine["sandbox"] == "require":
        from autograder.sandbox import bwrap_path, bwrap_works

        bwrap = bwrap_path()
        if not (bwrap and bwrap_works(bwrap)):
            raise UserError(
                "bubblewrap (bwrap) is needed to grade a class safely and is not "
                "available here (install it: apt-get install bubblewrap), or pass "
                "--allow-unsandboxed to grade without isolation"
            )
    ensure_in_gradebook(assignment, course, db_url)
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(found)))
    bar = Progress(len(found), f"grading {assignment}", progress_stream)
    results = []
    if jobs == 1:
        for student in found:
            r = _grade_one(str(course), db_url, engine, assignment, student)
            results.append(r)
            bar.step(f"{student} {'ok' if r['success'] else 'FAILED'}")
    else:
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            futures = [
                pool.submit(_grade_one, str(course), db_url, engine, assignment, s) for s in found
            ]
            for fut in as_completed(futures):
                try:
                    r = fut.result()
                except Exception as exc:
                    r = {"student": "?", "success": False, "error": f"worker failed: {exc}"}
                results.append(r)
                bar.step(f"{r['student']} {'ok' if r['success'] else 'FAILED'}")
    results.sort(key=lambda r: r["student"])
    scores = _scores(assignment, course, db_url)
    for r in results:
        r["score"], r["max_score"] = scores.get(r["student"], (None, None))
    ok = sum(r["success"] for r in results)
    print(
        f"graded {ok} of {len(results)} submissions of {assignment} "
        f"(gradebook: {_quiet_api(course, db_url).coursedir.db_url})",
        file=out,
    )
    for r in results:
        if r["success"] and r["score"] is not None:
            print(f"  {r['student']}: {r['score']:g} / {r['max_score']:g}", file=out)
        else:
            print(f"  {r['student']}: NOT GRADED: {r['error']}", file=out)
    return results


def _scores(assignment: str, course: Path, db_url: str | None) -> dict:
    from nbgrader.api import Gradebook, MissingEntry

    api = _quiet_api(course, db_url)
    out = {}
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        for student in gb.students:
            try:
                sub = gb.find_submission(assignment, student.id)
            except MissingEntry:
                continue
            out[student.id] = (sub.score, sub.max_score) if was_autograded(sub) else (None, None)
    return out


def was_autograded(submission) -> bool:
    """Whether nbgrader recorded automatic scores for a submission.

    nbgrader puts a submission in the gradebook before it runs it, so a run that
    failed (or never happened) leaves one whose score reads 0: that is not a grade.
    """
    return any(
        g.auto_score is not None
        for nb in submission.notebooks
        for g in nb.grades
        if g.cell_type == "code"
    )


# ------------------------------------------------------------------ feedback
def feedback(
    assignment: str,
    course,
    db_url: str | None = None,
    students: list[str] | None = None,
    out=sys.stdout,
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
                raise UserError(
                    f"unknown student {s!r}: no autograded {assignment} for them (run grade first)"
                )
        graded = students
    if not graded:
        raise UserError(
            f"no autograded submissions of {assignment} in {course}/autograded/ "
            "(run `python -m autograder grade` first)"
        )
    api = _quiet_api(course, db_url)
    written = []
    for student in graded:
        result = api.generate_feedback(assignment, student, force=True)
        if not result.get("success"):
            raise UserError(f"feedback for {student} failed: {_fail_line(result)}")
        written += sorted((course / "feedback" / student / assignment).glob("*.html"))
    print(f"feedback written for {len(graded)} students in {course}/feedback/", file=out)
    return written


# ------------------------------------------------------------------ export
def export(course, to: str | None = None, db_url: str | None = None, out=sys.stdout) -> str:
    """Grades as CSV: one row per student, a column per assignment and per test."""
    from nbgrader.api import Gradebook, MissingEntry

    course = require_course(course)
    api = _quiet_api(course, db_url)
    url = api.coursedir.db_url
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///") :]).exists():
        raise UserError(f"no gradebook at {url[len('sqlite:///') :]} (grade something first)")
    with Gradebook(url, api.coursedir.course_id) as gb:
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
                row[name] = _num(sub.score)
                for nb_name, cell in cells:
                    try:
                        grade = gb.find_grade(cell, nb_name, name, student.id)
                        row[f"{name}:{cell}"] = _num(grade.score)
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


def _num(value):
    if value is None:
        return ""
    return f"{float(value):g}"


# ------------------------------------------------------------------ LMS zips
# File names produced by learning management systems when an instructor
# downloads all submissions of an assignment. The student id is taken from the
# name; the notebook is renamed to the assignment's notebook.
LMS_PATTERNS = [
    # Canvas: <loginname>[_late]_<user id>_<submission id>_<original name>.ipynb
    (
        "Canvas",
        re.compile(
            r"^(?P<student_id>[A-Za-z][A-Za-z0-9\-]*?)(?:_LATE|_late)?_(?P<user_id>\d+)_"
            r"(?P<submission_id>\d+)_(?P<original>.+)$"
        ),
    ),
    # Moodle: <Full Name>_<participant id>_assignsubmission_file_<original name>.ipynb
    #   (newer Moodle puts the file in a folder <Full Name>_<id>_assignsubmission_file[_]/)
    (
        "Moodle",
        re.compile(
            r"^(?P<full_name>[^_/]+)_(?P<participant>\d+)_assignsubmission_file"
            r"(?:_/|[_/])(?P<original>[^/]+)$"
        ),
    ),
    # A folder per student: <student id>/<original name>.ipynb
    ("folder", re.compile(r"^(?P<student_id>[A-Za-z0-9][A-Za-z0-9_.\-]*)/(?P<original>[^/]+)$")),
]


def student_id_from_name(relative: str) -> tuple[str, str] | None:
    """``(student_id, LMS name)`` for a path inside an LMS zip, or None."""
    relative = relative.replace("\\", "/").strip("/")
    parts = relative.split("/")
    candidates = [parts[-1], "/".join(parts[-2:])] if len(parts) >= 2 else [parts[-1]]
    for text in candidates + ["/".join(parts)]:
        for lms, pattern in LMS_PATTERNS:
            m = pattern.match(text)
            if not m:
                continue
            groups = m.groupdict()
            if lms == "Moodle":
                sid = re.sub(r"[^a-z0-9]+", "-", _ascii(groups["full_name"]).lower()).strip("-")
            else:
                sid = groups["student_id"].lower()
            if sid:
                return sid, lms
    return None


def _ascii(text: str) -> str:
    """``José Núñez`` -> ``Jose Nunez`` (accents dropped, for student ids)."""
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _collector_plugin(assignment_notebook: str):
    from nbgrader.plugins import FileNameCollectorPlugin

    class LmsFileNames(FileNameCollectorPlugin):
        """Maps Canvas / Moodle / per-student-folder names to nbgrader student ids."""

        def collect(self, submitted_file):
            extracted = submitted_file
            marker = os.sep + "extracted" + os.sep
            relative = extracted.split(marker, 1)[-1]
            # drop the folder nbgrader creates for the zip itself
            relative = relative.split(os.sep, 1)[-1] if os.sep in relative else relative
            if not relative.endswith(".ipynb"):
                return None
            found = student_id_from_name(relative.replace(os.sep, "/"))
            if not found:
                self.log.warning("Skipped file with an unrecognised name: %s", relative)
                return None
            return {"student_id": found[0], "file_id": assignment_notebook}

    return LmsFileNames


def collect_zip(assignment: str, zip_path, course, out=sys.stdout) -> list[str]:
    """Import an LMS's zip of submissions into submitted/<student>/<assignment>/."""
    course = require_course(course)
    require_assignment(assignment, course)
    zip_path = Path(zip_path).expanduser()
    if not zip_path.is_file():
        raise UserError(f"{zip_path}: no such file")
    if not zipfile.is_zipfile(zip_path):
        raise UserError(f"{zip_path} is not a zip file")
    try:
        with zipfile.ZipFile(zip_path) as zf:
            names = [n for n in zf.namelist() if not n.endswith("/")]
            bad = zf.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise UserError(f"{zip_path} is a damaged zip file ({exc})") from None
    if bad is not None:
        raise UserError(f"{zip_path} is a damaged zip file (bad entry {bad})")
    notebooks = [n for n in names if n.endswith(".ipynb") and "__MACOSX" not in n]
    if not notebooks:
        raise UserError(f"{zip_path} contains no notebooks (.ipynb files)")
    recognised = {n: student_id_from_name(n) for n in notebooks}
    if not any(recognised.values()):
        raise UserError(
            f"{zip_path}: no file name matches a known LMS pattern (Canvas "
            "login_userid_submissionid_name.ipynb, Moodle Full Name_123_"
            "assignsubmission_file_name.ipynb, or student/name.ipynb)"
        )
    course.mkdir(parents=True, exist_ok=True)
    ensure_in_gradebook(assignment, course, None)
    archive = course / "downloaded" / assignment / "archive"
    if archive.exists():
        shutil.rmtree(archive)
    archive.mkdir(parents=True)
    shutil.copy(zip_path, archive / zip_path.name)

    import logging

    from nbgrader.apps.zipcollectapp import ZipCollectApp
    from nbgrader.coursedir import CourseDirectory

    config = cfg.course_config(course)
    notebook_name = _assignment_notebook(assignment, course)
    config.ZipCollectApp.collector_plugin = _collector_plugin(notebook_name)
    config.ZipCollectApp.force = True
    config.CourseDirectory.assignment_id = assignment
    app = ZipCollectApp(config=config)
    app.log.setLevel(logging.ERROR)
    app.coursedir = CourseDirectory(config=config)
    app.coursedir.assignment_id = assignment
    try:
        app.start()
    except SystemExit:
        raise UserError(f"nbgrader zip_collect could not import {zip_path}") from None
    students = sorted({sid for sid, _ in filter(None, recognised.values())})
    skipped = [n for n, r in recognised.items() if not r]
    print(
        f"imported {len(students)} submissions of {assignment} from {zip_path.name} into "
        f"{course}/submitted/: {', '.join(students)}",
        file=out,
    )
    for name in skipped:
        print(f"  skipped {name}: the name matches no LMS pattern", file=out)
    return students


def _assignment_notebook(assignment: str, course: Path) -> str:
    for base in (
        course / "release" / assignment,
        course / "source" / assignment,
        cfg.SOLUTIONS_DIR / assignment,
    ):
        found = sorted(base.glob("*.ipynb")) if base.is_dir() else []
        if found:
            return found[0].name
    return f"{assignment}.ipynb"


def write_json(obj, out=sys.stdout) -> None:
    out.write(json.dumps(obj, indent=2) + "\n")
