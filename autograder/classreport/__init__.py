"""The class report: where a class stands on an assignment and what to teach again.

:func:`build` reads the gradebook and the course directory
(:mod:`~autograder.classreport.gather`), finds similar submissions
(:mod:`~autograder.classreport.similarity`) and returns the report's data;
:mod:`~autograder.classreport.page` renders it as one self-contained HTML page and
:mod:`~autograder.classreport.analysis` as JSON and CSV. ``python -m autograder report``
(:mod:`autograder.commands.report`) is the command.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from autograder import config as cfg
from autograder.classreport import similarity
from autograder.classreport.gather import gather, pseudonyms
from autograder.classreport.model import ClassData


def default_lessons_url(report: Path) -> str:
    """Links to this repository's lessons, relative to where the report is written."""
    return Path(os.path.relpath(cfg.REPO_ROOT / "lessons", report.parent)).as_posix() + "/"


def build(
    assignment: str,
    course: Path,
    db_url: str | None = None,
    *,
    lessons_url: str = "",
    anonymise: bool = False,
) -> ClassData:
    """The report's data for one assignment of a course (see :mod:`autograder.classreport`)."""
    found = gather(assignment, course, db_url, lessons_url)
    if anonymise:
        names = pseudonyms([s.id for s in found.students], course)
        for student in found.students:
            student.name = names[student.id]
    data = ClassData(
        assignment=assignment,
        course=str(course),
        generated=datetime.now().strftime("%Y-%m-%d %H:%M"),
        anonymised=anonymise,
        tests=found.tests,
        written=found.written,
        students=found.students,
        outcomes=found.outcomes,
        written_scores=found.written_scores,
        similar=similarity.similar_pairs(found.answers, found.starter),
        similarity_method=similarity.describe(len(found.answers)),
        lessons_url=lessons_url,
    )
    if anonymise:
        data.course = ""  # the course path may name the instructor or the class
    return data
