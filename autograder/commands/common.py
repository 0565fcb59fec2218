"""What several commands share: the usual examples' assignment, the course options and
the gradebook they use (``--db``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from autograder import gradebook
from autograder.config import course_config
from autograder.course import write_course_config
from autograder.errors import BadInput

EXAMPLE = "exercise-01-derivatives"


def add_course_arguments(parser: argparse.ArgumentParser, db: bool = True) -> None:
    """``--course DIR`` (required) and, for commands that use the gradebook, ``--db URL``."""
    parser.add_argument(
        "--course",
        required=True,
        metavar="DIR",
        help="the nbgrader course directory (source/, submitted/, gradebook.db)",
    )
    if db:
        parser.add_argument(
            "--db",
            type=_database_url,
            metavar="URL",
            help="the gradebook's database, e.g. postgresql://grader@db.example.org/calc101 "
            "(default: the course's nbgrader_config.py, else sqlite:///DIR/gradebook.db); "
            "remembered in the course's nbgrader_config.py for the formgrader",
        )


def _database_url(text: str) -> str:
    """``--db`` as every command receives it: postgresql:// URLs with the psycopg driver."""
    try:
        return gradebook.normalise_url(text)
    except BadInput as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def gradebook_of(course: Path, db_url: str | None = None) -> tuple[str, str]:
    """(database URL, course id) the course's commands use: ``--db``, else the course's
    ``nbgrader_config.py``, else ``gradebook.db`` in the course directory."""
    config = course_config(course, gradebook.normalise_url(db_url) if db_url else None)
    url = gradebook.normalise_url(str(config.CourseDirectory.db_url))
    return url, str(config.CourseDirectory.get("course_id", ""))


def use_gradebook(course: Path, db_url: str | None, out: TextIO = sys.stdout) -> tuple[str, str]:
    """Resolve, remember and prepare the gradebook before a command writes to it.

    With ``--db`` the URL (never its password) goes into the course's
    ``nbgrader_config.py``, so that the formgrader and nbgrader's own commands use the
    same database. Returns (URL, course id).
    """
    url, course_id = gradebook_of(course, db_url)
    if db_url:
        course.mkdir(parents=True, exist_ok=True)
        write_course_config(course, out=out)
        note = gradebook.remember_in_course_config(course, url)
        if note:
            print(note, file=out)
    gradebook.prepare(url, course_id)
    return url, course_id
