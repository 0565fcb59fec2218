"""``python -m autograder report``: what the class got wrong, at a glance.

One self-contained HTML page per assignment (figures embedded, no network, opens from
a file): the score distribution and who is not graded, each test's pass rate, the
mistakes the tests recognised with the feedback students got and the lesson section
that teaches each, the written answers still to grade, and pairs of similar
submissions as leads for a human. The same data as JSON and CSV on request.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from autograder.classreport import analysis, build, default_lessons_url, page
from autograder.classreport.model import ClassData
from autograder.commands.common import EXAMPLE, add_course_arguments
from autograder.course import require_existing_course
from autograder.errors import EXIT_OK, BadInput

NAME = "report"
SUMMARY = "write the class report: scores, hardest tests, misconceptions, similar code"
EPILOG = f"""\
examples:
  python -m autograder report {EXAMPLE} --course ~/course
  python -m autograder report {EXAMPLE} --course ~/course --anonymise --to class.html
  python -m autograder report {EXAMPLE} --course ~/course --json report.json --csv report.csv

Writes one HTML page (default: DIR/reports/<assignment>.html) that opens from a file
with no network. Run `grade` first; students not graded are listed with the reason.
--anonymise replaces every name by a pseudonym that stays the same from run to run
(the key is DIR/reports/.pseudonym-key). Lesson links point to this repository's
lessons/ unless --lessons-url gives the address of the lessons (a course website, or
a JupyterLab such as http://localhost:8888/lab/tree/lessons/)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", metavar="ASSIGNMENT", help="e.g. " + EXAMPLE)
    add_course_arguments(parser)
    parser.add_argument(
        "--to", metavar="FILE", help="the HTML page to write (default: DIR/reports/ASSIGNMENT.html)"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the report's data as JSON")
    parser.add_argument("--csv", metavar="FILE", help="also write one CSV row per student and test")
    parser.add_argument(
        "--anonymise",
        "--anonymize",
        action="store_true",
        help="show stable pseudonyms instead of student ids (e.g. to show it in class)",
    )
    parser.add_argument(
        "--lessons-url",
        metavar="URL",
        help="where the lessons are, for the links to lesson sections (ends with /)",
    )


def run(args: argparse.Namespace) -> int:
    report(
        args.assignment,
        args.course,
        args.db,
        to=args.to,
        json_to=args.json,
        csv_to=args.csv,
        anonymise=args.anonymise,
        lessons_url=args.lessons_url,
    )
    return EXIT_OK


def _target(path: str | Path) -> Path:
    target = Path(path).expanduser().resolve()
    if target.is_dir():
        raise BadInput(f"{target} is a directory: give a file name")
    return target


def report(
    assignment: str,
    course: str | Path | None,
    db_url: str | None = None,
    *,
    to: str | Path | None = None,
    json_to: str | Path | None = None,
    csv_to: str | Path | None = None,
    anonymise: bool = False,
    lessons_url: str | None = None,
    out: TextIO = sys.stdout,
) -> ClassData:
    """Write the report (and the JSON and CSV if asked); returns its data."""
    course_dir = require_existing_course(course)
    html_path = _target(to or course_dir / "reports" / f"{assignment}.html")
    extra = [_target(p) for p in (json_to, csv_to) if p]
    if lessons_url is not None and not lessons_url.endswith("/"):
        lessons_url += "/"
    data = build(
        assignment,
        course_dir,
        db_url,
        lessons_url=lessons_url if lessons_url is not None else default_lessons_url(html_path),
        anonymise=anonymise,
    )
    for path in [html_path, *extra]:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BadInput(f"cannot write {path}: {exc.strerror or exc}") from None
    html_path.write_text(page.render(data), encoding="utf-8")
    if json_to:
        _target(json_to).write_text(json.dumps(analysis.as_json(data), indent=1), encoding="utf-8")
    if csv_to:
        _target(csv_to).write_text(analysis.as_csv(data), encoding="utf-8")
    graded = len(data.graded)
    print(
        f"class report of {assignment} ({graded} of {len(data.students)} students graded) "
        f"written to {html_path}",
        file=out,
    )
    for path in extra:
        print(f"  data: {path}", file=out)
    return data
