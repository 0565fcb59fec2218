"""``python -m autograder student-copy``: the course without solutions or hidden tests."""

from __future__ import annotations

import json
import os

import nbformat
import pytest

from tests.autograder import submissions as S
from tests.autograder.commandline import run

pytestmark = pytest.mark.grading
ROOT = S.ROOT
EX1 = "exercise-01-derivatives"


def test_student_copy_has_no_answers_and_check_says_hidden_tests_are_missing(tmp_path):
    out = tmp_path / "class"
    done = run("student-copy", out)
    assert done.returncode == 0, done.stderr
    assert not (out / "solutions").exists() and not (out / "tests").exists()
    for needed in ("lessons", "exercises", "helpers", "autograder", "pyproject.toml"):
        assert (out / needed).exists(), needed
    for path in out.rglob("*.ipynb"):
        text = path.read_text()
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, path
    work = tmp_path / "mine.ipynb"
    nbformat.write(S.build(EX1, "solution"), str(work))
    # run from inside the copy: `python -m autograder` then imports the copy's own
    # package (its solutions/ are missing, so only the visible tests can run)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOGRADER_")}
    checked = run("check", work, cwd=out, env=env)
    assert checked.returncode == 0, checked.stderr
    assert "hidden tests are not included" in checked.stdout
    as_json = run("check", work, "--json", cwd=out, env=env)
    report = json.loads(as_json.stdout)
    assert set(report) == {"assignment", "score", "max_score", "tests", "manual"}
    assert report["score"] == report["max_score"] > 0
    assert "hidden tests are not included" in as_json.stderr


def test_every_listed_file_of_the_student_copy_exists():
    from autograder.commands.student_copy import INCLUDE

    missing = [name for name in INCLUDE if not (ROOT / name).exists()]
    assert not missing, f"student_copy.INCLUDE lists files that do not exist: {missing}"
