"""``python -m autograder check PATH``: grade one notebook like the instructor would.

The notebook is graded by nbgrader's own pipeline in a throw-away course
directory: ``generate_assignment`` of the assignment's source (with its hidden
tests) from ``solutions/``, then ``autograde`` with the trusted engine, then the
scores are read back from the gradebook. PATH itself is only read.

In a student copy of the course (no ``solutions/``) the released exercise is the
source: only the visible tests run, and the report says so.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, TypedDict

import nbformat
from nbformat import NotebookNode

from autograder import config as cfg
from autograder.commands.common import EXAMPLE
from autograder.course import (
    fail_line,
    grade_ids,
    known_assignments,
    reraise_interrupt,
    source_for,
)
from autograder.errors import EXIT_OK, BadInput, NotCompleted

NAME = "check"
SUMMARY = "grade one notebook with the real tests, hidden ones included"
EPILOG = f"""\
examples:
  python -m autograder check exercises/{EXAMPLE}/{EXAMPLE}.ipynb
  python -m autograder check my-work.ipynb --json

The assignment is recognised from the notebook's cells, whatever the file is called.
With --json, one object on stdout:
  {{"assignment", "score", "max_score", "tests": [{{"name", "score", "max_score",
  "feedback"}}], "manual": [{{"name", "max_score"}}]}}
score and max_score count the automatic tests; "manual" lists the written answers
your instructor grades. Exit status: 0 when grading finished (whatever the score),
2 for a missing, unreadable or non-notebook file or an unknown assignment, 1 when the
notebook could not be graded. The notebook itself is never modified."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", help="the notebook to grade (never modified)")
    parser.add_argument("--json", action="store_true", help="print one JSON object (see below)")
    parser.add_argument(
        "--assignment",
        metavar="NAME",
        help="which assignment it is, if it cannot be recognised",
    )


def run(args: argparse.Namespace) -> int:
    """Exit 0 when grading finished (whatever the score); errors are raised as
    :class:`BadInput` (exit 2) or :class:`NotCompleted` (exit 1)."""
    report = check(args.path, args.assignment)
    if args.json:
        # exactly the JSON contract; the visible-tests-only note of a student copy
        # goes to stderr
        print(json.dumps(contract(report)))
        if not report["hidden_tests_included"]:
            print("note: " + HIDDEN_NOTE, file=sys.stderr)
    else:
        print(format_report(report))
    return EXIT_OK


class TestReport(TypedDict):
    """One automatically graded test of the report."""

    name: str
    score: float
    max_score: float
    feedback: str


class ManualPart(TypedDict):
    """A part the instructor grades by hand."""

    name: str
    max_score: float


class Report(TypedDict):
    """What ``check`` returns; its first five keys are the ``--json`` contract."""

    assignment: str
    score: float
    max_score: float
    tests: list[TestReport]
    manual: list[ManualPart]
    hidden_tests_included: bool


def read_notebook(path: Path) -> NotebookNode:
    if not path.exists():
        raise BadInput(f"{path}: no such file")
    if path.is_dir():
        raise BadInput(f"{path} is a directory, not a notebook")
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{path}: cannot read it ({exc.strerror or exc})") from None
    try:
        nb = nbformat.reads(text.decode("utf-8"), as_version=4)
    except Exception:
        raise BadInput(f"{path} is not a Jupyter notebook (or its JSON is damaged)") from None
    if not isinstance(nb.get("cells"), list):
        raise BadInput(f"{path} is not a Jupyter notebook")
    notebook: NotebookNode = nb
    return notebook


def available_assignments() -> list[str]:
    names = set(known_assignments())
    if cfg.EXERCISES_DIR.is_dir():
        names |= {p.name for p in cfg.EXERCISES_DIR.iterdir() if (p / f"{p.name}.ipynb").is_file()}
    return sorted(names)


def identify(path: Path, nb: NotebookNode, assignment: str | None) -> str:
    names = available_assignments()
    if assignment:
        if assignment not in names:
            raise BadInput(
                f"unknown assignment {assignment!r} (known: {', '.join(names) or 'none'})"
            )
        return assignment
    ids = grade_ids(nb)
    best: str | None = None
    overlap = 0
    for name in names:
        try:
            src, _ = source_for(name)
            common = len(ids & grade_ids(nbformat.read(str(src), as_version=4)))
        except (BadInput, OSError, ValueError):
            continue
        if common > overlap:
            best, overlap = name, common
    if best:
        return best
    for guess in (path.stem, path.parent.name):
        if guess in names:
            return guess
    raise BadInput(
        f"{path} is not one of the course's exercises (known: "
        f"{', '.join(names) or 'none'}); pass --assignment NAME if it was renamed"
    )


def check(path: str | Path, assignment: str | None = None, sandbox: str = "auto") -> Report:
    """Grade one notebook; returns the report dict of the JSON contract."""
    path = Path(path).expanduser()
    nb = read_notebook(path)
    name = identify(path, nb, assignment)
    source, hidden_included = source_for(name)
    with tempfile.TemporaryDirectory(prefix="autograder-check-") as tmp:
        course = Path(tmp)
        (course / "source" / name).mkdir(parents=True)
        shutil.copy(source, course / "source" / name / f"{name}.ipynb")
        submitted = course / "submitted" / "learner" / name
        submitted.mkdir(parents=True)
        (submitted / f"{name}.ipynb").write_bytes(path.read_bytes())
        nbgrader = cfg.api_for(course, sandbox=sandbox)
        result = nbgrader.generate_assignment(name, force=True, create=True)
        reraise_interrupt(result)
        if not result.get("success"):
            raise NotCompleted(f"could not prepare {name}: {fail_line(result)}")
        result = nbgrader.autograde(name, "learner", force=True, create=True)
        reraise_interrupt(result)
        if not result.get("success"):
            raise NotCompleted(f"{path} could not be graded: {fail_line(result)}")
        graded = nbformat.read(
            str(course / "autograded" / "learner" / name / f"{name}.ipynb"), as_version=4
        )
        return _report(nbgrader, name, graded, hidden_included)


def _feedback_of(cell: NotebookNode) -> str:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return str(out.get("evalue") or out.get("ename") or "failed")
    return "passed"


def _report(nbgrader: Any, name: str, graded: NotebookNode, hidden_included: bool) -> Report:
    from nbgrader.api import Gradebook

    cells = {
        c.metadata.nbgrader["grade_id"]: c
        for c in graded.cells
        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    }
    tests: list[TestReport] = []
    manual: list[ManualPart] = []
    with Gradebook(nbgrader.coursedir.db_url) as gb:
        nb_entry = gb.find_submission_notebook(name, name, "learner")
        grades = {g.name: g for g in nb_entry.grades}
        order = [gid for gid in cells if gid in grades] + [g for g in grades if g not in cells]
        for gid in order:
            g = grades[gid]
            if g.cell_type == "code" and not _is_solution(cells.get(gid)):
                tests.append(
                    {
                        "name": gid,
                        "score": float(g.auto_score or 0.0),
                        "max_score": float(g.max_score),
                        "feedback": _feedback_of(cells[gid]) if gid in cells else "missing",
                    }
                )
            else:
                manual.append({"name": gid, "max_score": float(g.max_score)})
    return {
        "assignment": name,
        "score": float(sum(t["score"] for t in tests)),
        "max_score": float(sum(t["max_score"] for t in tests)),
        "tests": tests,
        "manual": manual,
        "hidden_tests_included": hidden_included,
    }


def _is_solution(cell: NotebookNode | None) -> bool:
    return bool(cell is not None and cell.get("metadata", {}).get("nbgrader", {}).get("solution"))


def format_report(report: Report) -> str:
    lines = [
        f"{report['assignment']}: {report['score']:g} / {report['max_score']:g} points "
        "from the automatic tests"
    ]
    width = max([len(t["name"]) for t in report["tests"]] + [10])
    for t in report["tests"]:
        mark = "PASS" if t["score"] >= t["max_score"] else "FAIL"
        line = f"  {mark}  {t['name']:<{width}}  {t['score']:g}/{t['max_score']:g}"
        if mark == "FAIL":
            feedback = t["feedback"].strip().splitlines()
            line += "  " + (feedback[0] if feedback else "")
            line += "".join("\n" + " " * (width + 20) + more for more in feedback[1:6])
        lines.append(line)
    if report.get("manual"):
        parts = ", ".join(f"{m['name']} ({m['max_score']:g} points)" for m in report["manual"])
        lines.append(f"Graded by your instructor, not here: {parts}")
    if not report["hidden_tests_included"]:
        lines.append("Note: " + HIDDEN_NOTE)
    return "\n".join(lines)


HIDDEN_NOTE = (
    "hidden tests are not included in this copy of the course, so this score counts "
    "the visible tests only; your instructor's grading also runs hidden tests on new "
    "inputs."
)


def contract(report: Report) -> dict[str, Any]:
    """The report as the ``--json`` contract has it (nothing more)."""
    return {
        "assignment": report["assignment"],
        "score": report["score"],
        "max_score": report["max_score"],
        "tests": report["tests"],
        "manual": report["manual"],
    }
