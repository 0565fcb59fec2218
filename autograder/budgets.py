"""Per-call time budgets, derived from the reference solution's own time.

A test calls the student's functions; each call may take at most ``--timeout-cell``
seconds (15 by default). A submission whose function loops forever would then cost
that much for every call of every test that uses it. Instead, before grading a class,
the reference solution (``source/<assignment>/``, hidden tests included) is run
through the same engine, on the same inputs, :data:`RUNS` times, and every call a
test makes gets the budget

    max(FLOOR_SECONDS, MULTIPLIER x the reference's time for it)

(never more than the per-test limit). Honest code that is many times slower than the
reference (a plain Python loop instead of NumPy) stays far inside it; an infinite loop
is cut after a few seconds per test, and the notebook's other answers still count.

The table is computed once per assignment and kept in the course directory
(:func:`table_path`), next to the SHA-256 of the source notebooks it was measured on:
a changed source is measured again.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import time
from pathlib import Path
from typing import TypedDict

import nbformat

from autograder.engine import Limits, NotebookRunner, get_sandbox, is_test_cell, preload_for

FLOOR_SECONDS = 2.0
MULTIPLIER = 40.0
RUNS = 3
ANY_FUNCTION = "*"

Budgets = dict[str, dict[str, float]]  # {test id: {function: seconds}}


class BudgetTable(TypedDict):
    """What is stored in the course directory for one assignment."""

    source_sha256: str
    floor_seconds: float
    multiplier: float
    runs: int
    reference_seconds: Budgets  # each call's time, the median over the runs
    budgets: Budgets


def table_path(course: Path, assignment: str) -> Path:
    return course / ".autograder" / "budgets" / f"{assignment}.json"


def source_digest(files: dict[str, bytes]) -> str:
    """SHA-256 over the source files (name and content), whatever their order."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name] + b"\0")
    return digest.hexdigest()


def measure(
    notebooks: dict[str, bytes], isolate: bool | None, cell_seconds: float = 15.0
) -> Budgets:
    """The time of every (test, function) call of the reference notebooks run through
    the engine: in each run the slowest call of that kind, and of :data:`RUNS` runs the
    median (one run slowed down by a busy machine does not decide).

    Raises ``ValueError`` when a test fails on the reference solution: its times would
    say nothing, and its budgets would cut honest students.
    """
    runs: dict[tuple[str, str], list[float]] = {}
    for name, content in sorted(notebooks.items()):
        nb = nbformat.reads(content.decode("utf-8"), as_version=4)
        sandbox = get_sandbox(preload_for(nb), isolate)
        for _ in range(RUNS):
            runner = NotebookRunner(
                sandbox, Limits(cell_seconds=cell_seconds, notebook_seconds=20 * cell_seconds)
            )
            ran = runner.run(nbformat.from_dict(nb))
            failed = [
                str(cell.metadata.get("nbgrader", {}).get("grade_id", "?"))
                for cell in ran.cells
                if is_test_cell(cell)
                and any(out.get("output_type") == "error" for out in cell.get("outputs", []))
            ]
            if failed:
                raise ValueError(
                    f"the reference solution {name} fails {', '.join(failed)}: "
                    "fix the source notebook before grading"
                )
            slowest: dict[tuple[str, str], float] = {}
            for test_id, function, seconds in runner.calls:
                key = (test_id, function)
                slowest[key] = max(seconds, slowest.get(key, 0.0))
            for key, seconds in slowest.items():
                runs.setdefault(key, []).append(seconds)
    reference: Budgets = {}
    for (test_id, function), times in runs.items():
        reference.setdefault(test_id, {})[function] = statistics.median(times)
    return reference


def derive(reference: Budgets) -> Budgets:
    """Budgets from reference times: a floor, a multiplier, and one for any function of
    the test (a student's function may return a differently named one)."""
    budgets: Budgets = {}
    for test_id, per_test in reference.items():
        budgets[test_id] = {
            function: round(max(FLOOR_SECONDS, MULTIPLIER * seconds), 3)
            for function, seconds in per_test.items()
        }
        budgets[test_id][ANY_FUNCTION] = max(budgets[test_id].values())
    return budgets


def build_table(
    notebooks: dict[str, bytes], isolate: bool | None, cell_seconds: float = 15.0
) -> BudgetTable:
    """Measure and derive, for one assignment's source notebooks ({file name: bytes})."""
    reference = measure(notebooks, isolate, cell_seconds)
    return {
        "source_sha256": source_digest(notebooks),
        "floor_seconds": FLOOR_SECONDS,
        "multiplier": MULTIPLIER,
        "runs": RUNS,
        "reference_seconds": {
            t: {f: round(s, 6) for f, s in per.items()} for t, per in reference.items()
        },
        "budgets": derive(reference),
    }


def load(course: Path, assignment: str, notebooks: dict[str, bytes]) -> BudgetTable | None:
    """The stored table, if it was measured on these very source notebooks."""
    path = table_path(course, assignment)
    try:
        table: BudgetTable = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if (
        not isinstance(table, dict)
        or table.get("source_sha256") != source_digest(notebooks)
        or table.get("floor_seconds") != FLOOR_SECONDS
        or table.get("multiplier") != MULTIPLIER
        or not isinstance(table.get("budgets"), dict)
    ):
        return None
    return table


def save(course: Path, assignment: str, table: BudgetTable) -> Path:
    """Write the table atomically (a reader never sees half of it)."""
    path = table_path(course, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{time.monotonic_ns()}")
    partial.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    partial.replace(path)
    return path
