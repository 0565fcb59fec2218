"""``python -m autograder``: every bad input gets one ``error:`` line, exit 2, no traceback."""

from __future__ import annotations

import zipfile

import nbformat
import pytest

from tests.autograder import submissions as S
from tests.autograder.commandline import assert_one_line_error, run

pytestmark = pytest.mark.grading
ROOT = S.ROOT
EX1 = "exercise-01-derivatives"


def test_no_command_and_unknown_command():
    assert run().returncode == 2
    assert_one_line_error(run("frobnicate"), 2)


@pytest.mark.parametrize(
    "args, words",
    [
        (["grade", "exercise-99", "--course", "{tmp}"], "unknown assignment"),
        (["grade", EX1, "--course", "{tmp}"], "no submissions"),
        (["grade", EX1, "--course", "{tmp}/nowhere"], "does not exist"),
        (["grade", EX1], "--course"),
        (["feedback", EX1, "--course", "{tmp}"], "no autograded submissions"),
        (["export", "--course", "{tmp}"], "no gradebook"),
        (["collect-zip", EX1, "{tmp}/none.zip", "--course", "{tmp}"], "no such file"),
        (["collect-zip", EX1, "{tmp}/notzip.zip", "--course", "{tmp}"], "not a zip file"),
        (["collect-zip", EX1, "{tmp}/empty.zip", "--course", "{tmp}"], "nothing to import"),
        (["collect-zip", EX1, "{tmp}/strange.zip", "--course", "{tmp}"], "matches no LMS pattern"),
        (
            ["collect-zip", "exercise-99", "{tmp}/empty.zip", "--course", "{tmp}"],
            "unknown assignment",
        ),
        (["release", "exercise-99"], "unknown assignment"),
        (["student-copy", "{tmp}/notempty"], "not empty"),
    ],
)
def test_bad_input_one_line_nonzero(tmp_path, args, words):
    (tmp_path / "notzip.zip").write_text("hello")
    with zipfile.ZipFile(tmp_path / "empty.zip", "w"):
        pass
    with zipfile.ZipFile(tmp_path / "strange.zip", "w") as zf:
        zf.writestr("whatever.ipynb", "{}")
    (tmp_path / "notempty").mkdir()
    (tmp_path / "notempty" / "file").write_text("x")
    done = run(*[a.format(tmp=tmp_path) for a in args])
    assert_one_line_error(done, 2)
    assert words in done.stderr, done.stderr


def test_grade_unknown_student(tmp_path):
    folder = tmp_path / "submitted" / "alice" / EX1
    folder.mkdir(parents=True)
    nbformat.write(S.released(EX1), str(folder / f"{EX1}.ipynb"))
    done = run("grade", EX1, "--course", tmp_path, "--student", "mallory")
    assert_one_line_error(done, 2)
    assert "unknown student" in done.stderr
