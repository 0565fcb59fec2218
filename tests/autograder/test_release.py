"""``python -m autograder release``: exercises/ is what nbgrader generates, with no answers."""

from __future__ import annotations

import io
import json

import nbformat
import pytest

from tests.autograder import submissions as S

pytestmark = pytest.mark.grading
ROOT = S.ROOT
EX1 = "exercise-01-derivatives"


def test_exercises_match_what_release_generates(tmp_path):
    from autograder.commands.release import generate_student_version

    for assignment in S.ASSIGNMENTS:
        committed = ROOT / "exercises" / assignment / f"{assignment}.ipynb"
        assert committed.is_file(), f"run `python -m autograder release`: {committed} is missing"
        generate_student_version(assignment, tmp_path / assignment)
        fresh = (tmp_path / assignment / f"{assignment}.ipynb").read_text()
        assert committed.read_text() == fresh, (
            f"exercises/{assignment} is out of date: run `python -m autograder release`"
        )


def test_exercises_hold_no_solution_or_hidden_test_text():
    for assignment in S.ASSIGNMENTS:
        text = (ROOT / "exercises" / assignment / f"{assignment}.ipynb").read_text()
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "seeded_rng("):
            assert marker not in text, (assignment, marker)
        released = json.loads(text)
        sources = "\n".join("".join(c["source"]) for c in released["cells"])
        public = S.public_text(assignment)
        for gid, code in S.solution_code(assignment).items():
            body = [
                line.strip()
                for line in code.splitlines()
                if line.strip() and not line.strip().startswith(("def ", '"""', "#"))
            ]
            leaked = [
                line for line in body if len(line) > 25 and line in sources and line not in public
            ]
            assert not leaked, (assignment, gid, leaked)
        for cell in S.source(assignment).cells:
            if S.is_test(cell) and "### BEGIN HIDDEN TESTS" in cell.source:
                before, rest = cell.source.split("### BEGIN HIDDEN TESTS", 1)
                hidden, after = rest.split("### END HIDDEN TESTS", 1)
                visible = before + after
                for line in hidden.splitlines():
                    # (a line the student may see elsewhere, e.g. in a visible test, is no leak)
                    if len(line.strip()) > 30 and line.strip() not in visible + public:
                        assert line.strip() not in sources, (assignment, line)
        for cell in S.source(assignment).cells:
            m = cell.metadata.get("nbgrader", {})
            if m.get("solution") and cell.cell_type == "markdown":
                assert cell.source.strip()[:60] not in sources


def test_release_does_not_overwrite_work_in_progress(tmp_path, monkeypatch):
    from autograder import config
    from autograder.commands.release import release
    from autograder.errors import BadInput

    exercises = tmp_path / "exercises"
    target = exercises / EX1 / f"{EX1}.ipynb"
    monkeypatch.setattr(config, "EXERCISES_DIR", exercises)
    quiet = io.StringIO()
    release([EX1], out=quiet)
    clean = target.read_text()
    nb = nbformat.read(str(target), as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "secant_slope":
            cell.source = "def secant_slope(f, x, h):\n    return 42  # my work"
    nbformat.write(nb, str(target))
    with pytest.raises(BadInput, match="work in progress"):
        release([EX1], out=quiet)
    assert "my work" in target.read_text()
    release([EX1], force=True, out=quiet)
    assert target.read_text() == clean
