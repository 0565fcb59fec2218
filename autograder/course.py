"""An nbgrader course directory, as every instructor command sees it.

A course directory is nbgrader's standard layout::

    course/
      nbgrader_config.py        (the course's grading settings: see :func:`write_course_config`)
      gradebook.db              (SQLite gradebook, created on first use, or --db URL)
      source/<assignment>/      (copied from this repo's solutions/)
      release/<assignment>/     (student version, made by nbgrader generate_assignment)
      submitted/<student>/<assignment>/<assignment>.ipynb
      autograded/...  feedback/...

The commands (:mod:`autograder.commands`) drive nbgrader's own machinery
(``NbGraderAPI``, ``ZipCollectApp``, the ``Gradebook``) configured by
:mod:`autograder.config`; this module holds what several of them share.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path
from typing import Any, TextIO

import nbformat
from nbformat import NotebookNode

from autograder import config as cfg
from autograder.errors import BadInput, NotCompleted

LMS_IDS_FILE = "lms_ids.csv"  # the LMS's own ids of the students, per assignment (collect-zip)
CONFIG_MARK = "from autograder.config import apply"


def grade_ids(nb: NotebookNode) -> set[str]:
    """The nbgrader cell ids of a notebook (what recognises its assignment)."""
    ids: set[str] = set()
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid:
            ids.add(gid)
    return ids


def source_for(assignment: str) -> tuple[Path, bool]:
    """(source notebook, hidden tests included?) for an assignment: solutions/ in this
    repository, or the released exercise in a student copy."""
    src = cfg.SOLUTIONS_DIR / assignment / f"{assignment}.ipynb"
    if src.is_file():
        return src, True
    released = cfg.EXERCISES_DIR / assignment / f"{assignment}.ipynb"
    if released.is_file():
        return released, False
    raise BadInput(f"unknown assignment {assignment!r}")


def assignment_grade_ids(assignment: str, course: Path | None = None) -> set[str]:
    """The cell ids of an assignment's notebook (the course's source, else this repository's)."""
    candidates = sorted((course / "source" / assignment).glob("*.ipynb")) if course else []
    try:
        candidates.append(source_for(assignment)[0])
    except BadInput:
        pass
    for path in candidates:
        try:
            return grade_ids(nbformat.read(str(path), as_version=4))
        except (OSError, ValueError):
            continue
    return set()


def known_assignments() -> list[str]:
    """The assignments of this repository: ``solutions/<name>/<name>.ipynb``."""
    if not cfg.SOLUTIONS_DIR.is_dir():
        return []
    return sorted(p.name for p in cfg.SOLUTIONS_DIR.iterdir() if (p / f"{p.name}.ipynb").is_file())


def require_assignment(name: str, course: Path | None = None) -> None:
    """Raise :class:`BadInput` unless ``name`` is an assignment of the course."""
    names = set(known_assignments())
    if course is not None and (course / "source" / name).is_dir():
        return
    if name not in names:
        listed = ", ".join(sorted(names)) or "none"
        raise BadInput(f"unknown assignment {name!r} (known: {listed})")


def require_course(course: str | Path | None) -> Path:
    """The course directory as an absolute path (it need not exist yet)."""
    if course is None:
        raise BadInput("this command needs --course DIR (an nbgrader course directory)")
    path = Path(course).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise BadInput(f"{path} is not a directory")
    return path


def require_existing_course(course: str | Path | None) -> Path:
    """Like :func:`require_course`, for commands that read what is already there."""
    path = require_course(course)
    if not path.is_dir():
        raise BadInput(f"course directory {path} does not exist")
    return path


def api(course: Path, db_url: str | None = None, **engine: Any) -> Any:
    """nbgrader's ``NbGraderAPI`` for the course, with the course's grading settings."""
    return cfg.api_for(course, db_url, **engine)


_EXCEPTION_LINE = re.compile(r"^([\w.]+(Error|Exception|Unavailable|Invalid\w*)):\s*(.*)$")


def fail_line(result: dict[str, Any]) -> str:
    """The most useful single line of an nbgrader failure: its innermost exception."""
    text = (result.get("log") or "") + "\n" + (result.get("error") or "")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        m = _EXCEPTION_LINE.match(line)
        if m and "Please see the" not in line:
            name = m.group(1).rsplit(".", 1)[-1]
            return f"{name}: {m.group(3)}"[:300]
    for line in lines:
        if "[ERROR]" in line and "Please see" not in line and "Traceback" not in line:
            return re.sub(r"^\[.*?\]\s*", "", line)[:300]
    return (lines[-1] if lines else "nbgrader failed")[:300]


def ensure_course_config(course: Path, out: TextIO = sys.stdout) -> None:
    """Every course directory the tools touch loads the course's grading settings.

    Without them nbgrader's own tools in that directory would be stock nbgrader: the
    formgrader's *Generate Feedback* would publish the hidden tests and its
    *Autograde* would run submissions unsandboxed. A missing ``nbgrader_config.py``
    is written; one that does not load the settings gets them appended (its own
    settings are kept, the grading ones win).
    """
    path = course / "nbgrader_config.py"
    if not path.exists():
        write_course_config(course, out=out)
        return
    text = path.read_text()
    if CONFIG_MARK in text:
        return
    path.write_text(
        text.rstrip("\n")
        + "\n\n# added by `python -m autograder`: nbgrader's own tools here (formgrader,\n"
        "# autograde, generate_feedback) grade with the course's trusted engine\n"
        "c = get_config()  # noqa: F821\n"
        f"{CONFIG_MARK}  # noqa: E402\n\n"
        'apply(c, sandbox="require")\n'
    )
    print(f"{path}: the course's grading settings added at its end", file=out)


def reraise_interrupt(result: dict[str, Any]) -> None:
    """nbgrader's API (``capture_log``) turns Ctrl-C into a failed result: turn it back,
    so that an interrupted command stops rather than reporting a failure and going on."""
    if not result.get("success") and "KeyboardInterrupt" in str(result.get("error") or ""):
        raise KeyboardInterrupt


def write_course_config(
    course: Path,
    exchange: str | None = None,
    course_id: str | None = None,
    out: TextIO = sys.stdout,
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


def copy_source(assignment: str, course: Path) -> None:
    """Copy ``solutions/<assignment>/`` to the course's ``source/<assignment>/``."""
    shutil.copytree(
        cfg.SOLUTIONS_DIR / assignment,
        course / "source" / assignment,
        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
    )


def ensure_in_gradebook(assignment: str, course: Path, db_url: str | None) -> None:
    """Make sure nbgrader knows the assignment (generate it from source/ or solutions/),
    in a course directory that has the course's grading settings."""
    from nbgrader.api import Gradebook, MissingEntry

    course.mkdir(parents=True, exist_ok=True)
    ensure_course_config(course, out=sys.stderr)
    nbgrader = api(course, db_url)
    with Gradebook(nbgrader.coursedir.db_url, nbgrader.coursedir.course_id) as gb:
        try:
            gb.find_assignment(assignment)
            if (course / "release" / assignment).is_dir():
                return
        except MissingEntry:
            pass
    if not (course / "source" / assignment).is_dir():
        require_assignment(assignment)
        copy_source(assignment, course)
    result = nbgrader.generate_assignment(assignment, force=True, create=True)
    if not result.get("success"):
        raise NotCompleted(
            f"nbgrader generate_assignment failed for {assignment}: {fail_line(result)}"
        )


def submitted_students(assignment: str, course: Path) -> list[str]:
    """Students with a ``submitted/<student>/<assignment>/`` folder."""
    root = course / "submitted"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / assignment).is_dir())


def was_autograded(submission: Any) -> bool:
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


def assignment_notebook(assignment: str, course: Path) -> str:
    """The file name of the assignment's notebook (release/, source/ or solutions/)."""
    for base in (
        course / "release" / assignment,
        course / "source" / assignment,
        cfg.SOLUTIONS_DIR / assignment,
    ):
        found = sorted(base.glob("*.ipynb")) if base.is_dir() else []
        if found:
            return found[0].name
    return f"{assignment}.ipynb"
