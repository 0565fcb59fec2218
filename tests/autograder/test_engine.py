"""The engine as a whole: deterministic verdicts, and a grader failure is never a zero."""

from __future__ import annotations

import json

import nbformat
import pytest

from tests.autograder.conftest import requires_bwrap

pytestmark = [pytest.mark.grading, requires_bwrap]


def test_grading_is_deterministic():
    from autograder.engine import Limits, NotebookRunner, get_sandbox

    cells = [
        nbformat.v4.new_code_cell(
            "import numpy as np\nimport random\n"
            "def noisy(x):\n    return x + np.random.rand() + random.random()"
        ),
        nbformat.v4.new_code_cell(
            "value = noisy(1.0)\nassert abs(value - 1.9) < 0.05, f'{value!r}'"
        ),
    ]
    cells[1].metadata["nbgrader"] = {
        "grade": True,
        "solution": False,
        "locked": True,
        "grade_id": "t",
        "points": 1,
        "schema_version": 3,
    }
    messages = []
    for _ in range(3):
        nb = nbformat.v4.new_notebook(cells=[nbformat.from_dict(c) for c in cells])
        NotebookRunner(get_sandbox(("numpy",), True), Limits(10, 30)).run(nb)
        messages.append(json.dumps(nb.cells[1].outputs))
    assert len(set(messages)) == 1


def test_a_sandbox_that_cannot_start_means_not_graded_never_zero(tmp_path, monkeypatch):
    """The grader's own failure must not be recorded as the student's zero."""
    import io

    import nbformat as nbf

    from autograder import engine
    from autograder.cli import main
    from autograder.commands.grade import grade
    from autograder.sandbox import Sandbox, SandboxUnavailable
    from tests.autograder import submissions as S

    def broken_start(self):
        raise SandboxUnavailable("the sandbox did not start: simulated")

    monkeypatch.setattr(engine, "_POOL", {})
    monkeypatch.setattr(Sandbox, "start", broken_start)
    assignment = "exercise-01-derivatives"
    folder = tmp_path / "course" / "submitted" / "alice" / assignment
    folder.mkdir(parents=True)
    nbf.write(S.build(assignment, "solution"), str(folder / f"{assignment}.ipynb"))
    results = grade(
        assignment, tmp_path / "course", jobs=1, out=io.StringIO(), progress_stream=io.StringIO()
    )
    assert [r["success"] for r in results] == [False]
    assert "simulated" in results[0]["error"]
    assert results[0]["score"] is None  # nothing recorded in the gradebook

    assert main(["check", str(folder / f"{assignment}.ipynb"), "--json"]) == 1
