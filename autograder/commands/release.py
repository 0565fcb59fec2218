"""``python -m autograder release``: generate the student versions with nbgrader.

Regenerates ``exercises/`` from ``solutions/`` (nbgrader's ``generate_assignment``)
and, with ``--course``, generates the assignment in a course directory and releases
it to a JupyterHub exchange.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TextIO

import nbformat

from autograder import config as cfg
from autograder.commands.common import EXAMPLE
from autograder.course import (
    api,
    copy_source,
    fail_line,
    known_assignments,
    require_assignment,
    require_course,
    write_course_config,
)
from autograder.errors import EXIT_OK, BadInput, NotCompleted

NAME = "release"
SUMMARY = "regenerate exercises/ from solutions/ with nbgrader"
EPILOG = f"""\
examples:
  python -m autograder release                      # every assignment, into exercises/
  python -m autograder release {EXAMPLE} --course ~/course
  python -m autograder release {EXAMPLE} --course ~/course \\
      --exchange /srv/nbgrader/exchange --course-id calc101

A file in exercises/ that holds someone's answers or outputs is never overwritten
(unless --force). Students who already fetched an assignment keep their copy."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "assignments",
        nargs="*",
        metavar="ASSIGNMENT",
        help="assignments to release (default: all of solutions/)",
    )
    parser.add_argument(
        "--course",
        metavar="DIR",
        help="also generate them in this nbgrader course directory (and its gradebook)",
    )
    parser.add_argument(
        "--exchange",
        metavar="DIR",
        help="and release them to this nbgrader exchange for JupyterHub students "
        "(needs --course and a course id)",
    )
    parser.add_argument(
        "--course-id",
        metavar="ID",
        help="the course id in the exchange (or c.CourseDirectory.course_id in "
        "the course's nbgrader_config.py)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="overwrite files in exercises/ even if they hold someone's answers",
    )


def run(args: argparse.Namespace) -> int:
    if (args.exchange or args.course_id) and not args.course:
        raise BadInput(
            "--exchange and --course-id need --course DIR (the course "
            "directory the assignment is generated in)"
        )
    release(args.assignments, args.course, args.exchange, args.course_id, args.force)
    return EXIT_OK


def notebook_has_work(path: Path) -> bool:
    """Whether a released exercise file holds a student's work in progress.

    nbgrader stores a checksum of every answer cell as released; any answer that
    no longer matches it, or any output, means someone worked in this file.
    """
    from nbgrader.utils import compute_checksum, is_solution

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception:
        return True  # unreadable: do not touch it
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
        copy_source(assignment, course)
        result = api(course).generate_assignment(assignment, force=True, create=True)
        if not result.get("success"):
            raise NotCompleted(
                f"nbgrader generate_assignment failed for {assignment}: {fail_line(result)}"
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
    course: str | Path | None = None,
    exchange: str | None = None,
    course_id: str | None = None,
    force: bool = False,
    out: TextIO = sys.stdout,
) -> None:
    """Regenerate exercises/ (and, with a course, the course's release + exchange)."""
    names = assignments or known_assignments()
    if not names:
        raise BadInput(f"no assignments found in {cfg.SOLUTIONS_DIR}")
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
                    raise BadInput(
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
    out: TextIO = sys.stdout,
) -> None:
    """Generate ``assignment`` in ``course`` and, with an exchange, release it there."""
    from traitlets.config import Config

    source = course / "source" / assignment
    course.mkdir(parents=True, exist_ok=True)
    if source.exists():
        shutil.rmtree(source)
    copy_source(assignment, course)
    extra = Config()
    if exchange:
        Path(exchange).expanduser().mkdir(parents=True, exist_ok=True)
        extra.Exchange.root = str(Path(exchange).expanduser().resolve())
    if course_id:
        extra.CourseDirectory.course_id = course_id
    write_course_config(course, exchange, course_id, out=out)
    nbgrader = cfg.api_for(course, extra=extra)
    result = nbgrader.generate_assignment(assignment, force=True, create=True)
    if not result.get("success"):
        raise NotCompleted(
            f"nbgrader generate_assignment failed for {assignment}: {fail_line(result)}"
        )
    print(
        f"{course}/release/{assignment}/ generated (gradebook: {nbgrader.coursedir.db_url})",
        file=out,
    )
    root = nbgrader.config.Exchange.root if "root" in nbgrader.config.Exchange else None
    if not root:
        print(
            "  not put in an exchange: give --exchange DIR (or set c.Exchange.root in the "
            "course's nbgrader_config.py) to release it to JupyterHub students",
            file=out,
        )
        return
    if not nbgrader.coursedir.course_id:
        raise BadInput(
            "releasing to an exchange needs a course id: --course-id ID or "
            "c.CourseDirectory.course_id in the course's nbgrader_config.py"
        )
    result = nbgrader.release_assignment(assignment)
    if not result.get("success"):
        # nbgrader refuses to replace a release without force; retry with it
        nbgrader.config.ReleaseAssignment.force = True
        nbgrader.config.ExchangeReleaseAssignment.force = True
        result = nbgrader.release_assignment(assignment)
    if not result.get("success"):
        raise NotCompleted(f"nbgrader release_assignment failed: {fail_line(result)}")
    print(
        f"  released to the exchange {root} for course {nbgrader.coursedir.course_id} "
        "(students who already fetched it keep their own copy)",
        file=out,
    )
