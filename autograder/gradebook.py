"""The course's gradebook: nbgrader's database, SQLite by default or PostgreSQL.

Every command that reads or writes grades goes through here:

- :func:`normalise_url` accepts the URL an instructor writes (``postgresql://user@host/db``)
  and selects the psycopg (version 3) driver, the one the course installs;
- :func:`masked` and :func:`scrub` keep passwords out of every message: a URL is only
  ever printed with ``***`` in place of its password;
- :func:`prepare` connects once, creates nbgrader's tables and the course rows
  (an LMS course has no course id: without its row PostgreSQL refuses its assignments
  with ``ForeignKeyViolation ... assignment_course_id_fkey``), before several workers
  write at the same time;
- :func:`remember_in_course_config` writes the URL (never its password) into the course's
  ``nbgrader_config.py``, so that nbgrader's own commands and the formgrader use the same
  database;
- :func:`record` writes one submission's automatic grades in one transaction: a
  reader sees all of them or none, manual grades and comments are never touched, and
  writing the same result twice changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypedDict
from urllib.parse import quote

from autograder.config import _fast_alembic_version, _venv_on_path
from autograder.errors import BadInput, NotCompleted

DEFAULT_COURSE = "default_course"  # the course nbgrader's preprocessors open the gradebook with
CONFIG_MARK = (
    "# gradebook: written by `python -m autograder ... --db` (the password is never written)"
)
_POSTGRES = re.compile(r"^postgres(ql)?://", re.IGNORECASE)


# ------------------------------------------------------------------ URLs
def normalise_url(url: str) -> str:
    """``postgresql://`` (or ``postgres://``) with the psycopg 3 driver; others unchanged."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    text = url.strip()
    if _POSTGRES.match(text):
        text = _POSTGRES.sub("postgresql+psycopg://", text)
    try:
        parsed = make_url(text)
    except (ArgumentError, ValueError):
        raise BadInput(
            f"{masked(url)!r} is not a database URL "
            "(e.g. postgresql://grader@db.example.org/calc101 or sqlite:////path/gradebook.db)"
        ) from None
    if parsed.drivername.startswith("postgresql") and parsed.drivername != "postgresql+psycopg":
        raise BadInput(
            f"{masked(url)}: use postgresql://... (the course talks to PostgreSQL "
            f"with psycopg 3, not {parsed.drivername.split('+')[-1]})"
        )
    return parsed.render_as_string(hide_password=False)


def masked(url: str) -> str:
    """The URL with ``***`` in place of its password (for every message and log)."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: hide anything between ':' and '@'
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def password_of(url: str | None) -> str | None:
    from sqlalchemy.engine import make_url

    if not url:
        return None
    try:
        password = make_url(url).password
    except Exception:
        match = re.search(r"://[^:/@]*:([^@]*)@", url)
        password = match.group(1) if match else None
    return str(password) if password else None


def scrub(text: str, url: str | None) -> str:
    """``text`` with the URL's password (plain or %-encoded) replaced by ``***``."""
    password = password_of(url)
    if not password:
        return text
    for form in {password, quote(password, safe=""), quote(password)}:
        text = text.replace(form, "***")
    return text


def without_password(url: str) -> str:
    from sqlalchemy.engine import URL, make_url

    parsed = make_url(url)  # (URL.set ignores a None password: build the URL anew)
    return URL.create(
        parsed.drivername,
        parsed.username,
        None,
        parsed.host,
        parsed.port,
        parsed.database,
        parsed.query,
    ).render_as_string(hide_password=False)


def sqlite_file(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL (None for other databases and in-memory ones)."""
    if not url.startswith("sqlite:///"):
        return None
    name = url[len("sqlite:///") :]
    return Path(name) if name and name != ":memory:" else None


# ------------------------------------------------------------ connecting
@contextlib.contextmanager
def opened(url: str, course_id: str = DEFAULT_COURSE) -> Iterator[Any]:
    """nbgrader's ``Gradebook`` on ``url``; a failure to connect or to write is one
    clear :class:`NotCompleted` line that never shows the password."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SQLAlchemyError

    # a new gradebook gets nbgrader's schema version without a subprocess
    _venv_on_path()
    _fast_alembic_version()
    try:
        gradebook = Gradebook(url, course_id)
    except ModuleNotFoundError as exc:  # a driver that is not installed
        raise NotCompleted(
            f"cannot open the gradebook {masked(url)}: the Python module {exc.name!r} is "
            "missing (run `make env` to install the course's dependencies)"
        ) from None
    except (SQLAlchemyError, OSError) as exc:
        raise NotCompleted(
            f"cannot open the gradebook {masked(url)}: {_reason(exc, url)}"
        ) from None
    try:
        yield gradebook
    except SQLAlchemyError as exc:
        gradebook.db.rollback()
        raise NotCompleted(f"the gradebook {masked(url)} failed: {_reason(exc, url)}") from None
    finally:
        gradebook.close()


def _reason(exc: BaseException, url: str) -> str:
    """The first meaningful line of a database error, password removed."""
    text = str(getattr(exc, "orig", None) or exc)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    line = next((ln for ln in lines if not ln.startswith("(Background")), type(exc).__name__)
    line = re.sub(r"^\([\w.]+\)\s*", "", line)
    return scrub(line, url)[:300]


def prepare(url: str, course_id: str) -> None:
    """Tables, and the rows of the course and of nbgrader's default course, created once
    before anything else writes (concurrent first writers would race to create them)."""
    from nbgrader.api import Course

    with opened(url, DEFAULT_COURSE) as gb:
        if gb.db.get(Course, course_id) is None:
            gb.db.add(Course(id=course_id))  # also '' for an LMS course without an id
            gb.db.commit()


def remember_in_course_config(course: Path, url: str) -> str | None:
    """Write ``c.CourseDirectory.db_url`` (without password) into the course's
    ``nbgrader_config.py`` so the formgrader and nbgrader's commands use this database.

    The file must exist (``autograder.course.write_course_config`` writes it). Returns a
    one-line note for the instructor, or None when nothing changed.
    """
    config = course / "nbgrader_config.py"
    stored = without_password(url)
    line = f"c.CourseDirectory.db_url = {stored!r}"
    text = config.read_text()
    if line in text.splitlines():
        return None
    kept = []
    skip_next = False
    for existing in text.splitlines():
        if skip_next:
            skip_next = False
            continue
        if existing == CONFIG_MARK:
            skip_next = True  # our previous line follows the mark
            continue
        kept.append(existing)
    body = "\n".join(kept).rstrip("\n") + f"\n\n{CONFIG_MARK}\n{line}\n"
    config.write_text(body)
    note = (
        f"{config}: the formgrader and nbgrader's commands now use the gradebook {masked(stored)}"
    )
    if password_of(url):
        note += " (the password is not written there: put it in ~/.pgpass for them)"
    return note


# ------------------------------------------------------------- results
class NotebookGrades(TypedDict):
    """The automatic part of one graded notebook, as nbgrader's autograde left it."""

    submitted: bool  # False: the notebook was missing and every grade is 0
    late_penalty: float | None
    grades: dict[str, tuple[float | None, bool]]  # grade id -> (auto score, needs manual grade)
    comments: dict[str, str | None]  # grade id -> automatic comment


class SubmissionGrades(TypedDict):
    timestamp: datetime.datetime | None
    notebooks: dict[str, NotebookGrades]


def read_grades(gb: Any, assignment: str, student: str) -> SubmissionGrades:
    """What nbgrader's autograde wrote for one submission (read in a scratch gradebook)."""
    submission = gb.find_submission(assignment, student)
    notebooks: dict[str, NotebookGrades] = {}
    for nb in submission.notebooks:
        grades = {g.name: (g.auto_score, bool(g.needs_manual_grade)) for g in nb.grades}
        notebooks[nb.name] = {
            "submitted": True,
            "late_penalty": nb.late_submission_penalty,
            "grades": grades,
            "comments": {c.name: c.auto_comment for c in nb.comments},
        }
    return {"timestamp": submission.timestamp, "notebooks": notebooks}


def record(gb: Any, assignment: str, student: str, grades: SubmissionGrades) -> None:
    """Write one submission's automatic grades into the course's gradebook, in one
    transaction; manual scores and comments stay as they are (as nbgrader's own
    ``SaveAutoGrades`` does, a cell with a manual score is flagged for review)."""
    from nbgrader.api import InvalidEntry

    for attempt in (1, 2):
        try:
            _record_once(gb, assignment, student, grades)
            return
        except InvalidEntry:  # another writer created the same rows at the same moment
            gb.db.rollback()
            if attempt == 2:
                raise


def _record_once(gb: Any, assignment: str, student: str, grades: SubmissionGrades) -> None:
    gb.update_or_create_student(student)
    if grades["timestamp"] is not None:
        gb.update_or_create_submission(assignment, student, timestamp=grades["timestamp"])
    else:
        gb.update_or_create_submission(assignment, student)
    for name, got in grades["notebooks"].items():
        nb = gb.find_submission_notebook(name, assignment, student)
        nb.late_submission_penalty = got["late_penalty"]
        for grade in nb.grades:
            if grade.name not in got["grades"]:
                continue
            auto, needs = got["grades"][grade.name]
            grade.auto_score = auto
            grade.needs_manual_grade = needs or (
                got["submitted"] and grade.manual_score is not None
            )
        for comment in nb.comments:
            if comment.name in got["comments"]:
                comment.auto_comment = got["comments"][comment.name]
    gb.db.commit()


def autograded_students(gb: Any, assignment: str) -> set[str]:
    """Students whose submission of ``assignment`` has automatic scores."""
    from nbgrader.api import MissingEntry

    try:
        assignment_row = gb.find_assignment(assignment)
    except MissingEntry:
        return set()
    return {
        sub.student.id
        for sub in assignment_row.submissions
        if any(
            g.auto_score is not None
            for nb in sub.notebooks
            for g in nb.grades
            if g.cell_type == "code"
        )
    }
