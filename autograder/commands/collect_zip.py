"""``python -m autograder collect-zip``: import an LMS's zip of submissions.

Canvas and Moodle let an instructor download every submission of an assignment as
one zip. nbgrader's ``ZipCollectApp`` imports it, with a collector plugin that reads
the student id from the LMS's file names; each notebook is stored as
``submitted/<student id>/<assignment>/<assignment>.ipynb``.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import sys
import unicodedata
import zipfile
from pathlib import Path
from typing import Any, TextIO

from autograder import config as cfg
from autograder.commands.common import EXAMPLE, add_course_arguments, use_gradebook
from autograder.course import (
    assignment_notebook,
    ensure_in_gradebook,
    require_assignment,
    require_course,
)
from autograder.errors import EXIT_OK, BadInput, NotCompleted

NAME = "collect-zip"
SUMMARY = "import an LMS zip (Canvas, Moodle) of submissions"
EPILOG = f"""\
examples:
  python -m autograder collect-zip {EXAMPLE} canvas-submissions.zip --course ~/course

Recognised file names (the student id comes from the name; each notebook is stored as
submitted/<student id>/<assignment>/<assignment>.ipynb):
  Canvas  doejane_12345_678901_<any name>.ipynb            -> doejane
  Moodle  Jane Doe_4242_assignsubmission_file_<name>.ipynb -> jane-doe
          (or a folder Jane Doe_4242_assignsubmission_file/ holding the notebook)
  any     <student id>/<any name>.ipynb                    -> the folder name
Other files are skipped and listed."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", metavar="ASSIGNMENT", help="e.g. " + EXAMPLE)
    parser.add_argument("zip", metavar="ZIP", help="the zip downloaded from the LMS")
    add_course_arguments(parser)


def run(args: argparse.Namespace) -> int:
    collect_zip(args.assignment, args.zip, args.course, db_url=args.db)
    return EXIT_OK


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
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _collector_plugin(notebook_name: str) -> type:
    from nbgrader.plugins import FileNameCollectorPlugin

    class LmsFileNames(FileNameCollectorPlugin):
        """Maps Canvas / Moodle / per-student-folder names to nbgrader student ids."""

        def collect(self, submitted_file: str) -> dict[str, Any] | None:
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
            return {"student_id": found[0], "file_id": notebook_name}

    return LmsFileNames


def collect_zip(
    assignment: str,
    zip_path: str | Path,
    course: str | Path | None,
    out: TextIO = sys.stdout,
    db_url: str | None = None,
) -> list[str]:
    """Import an LMS's zip of submissions into submitted/<student>/<assignment>/."""
    course = require_course(course)
    require_assignment(assignment, course)
    zip_path = Path(zip_path).expanduser()
    if not zip_path.is_file():
        raise BadInput(f"{zip_path}: no such file")
    if not zipfile.is_zipfile(zip_path):
        raise BadInput(f"{zip_path} is not a zip file")
    try:
        with zipfile.ZipFile(zip_path) as zf:
            names = [n for n in zf.namelist() if not n.endswith("/")]
            bad = zf.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BadInput(f"{zip_path} is a damaged zip file ({exc})") from None
    if bad is not None:
        raise BadInput(f"{zip_path} is a damaged zip file (bad entry {bad})")
    notebooks = [n for n in names if n.endswith(".ipynb") and "__MACOSX" not in n]
    if not notebooks:
        raise BadInput(f"{zip_path} contains no notebooks (.ipynb files)")
    recognised = {n: student_id_from_name(n) for n in notebooks}
    if not any(recognised.values()):
        raise BadInput(
            f"{zip_path}: no file name matches a known LMS pattern (Canvas "
            "login_userid_submissionid_name.ipynb, Moodle Full Name_123_"
            "assignsubmission_file_name.ipynb, or student/name.ipynb)"
        )
    course.mkdir(parents=True, exist_ok=True)
    db_url, _ = use_gradebook(course, db_url, out)
    ensure_in_gradebook(assignment, course, db_url)
    archive = course / "downloaded" / assignment / "archive"
    if archive.exists():
        shutil.rmtree(archive)
    archive.mkdir(parents=True)
    shutil.copy(zip_path, archive / zip_path.name)

    from nbgrader.apps.zipcollectapp import ZipCollectApp
    from nbgrader.coursedir import CourseDirectory

    config = cfg.course_config(course, db_url)
    notebook_name = assignment_notebook(assignment, course)
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
        raise NotCompleted(f"nbgrader zip_collect could not import {zip_path}") from None
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
