"""``python -m autograder``: the command-line contract (EXERCISES.md) and bad inputs.

Every bad input gets one ``error:`` line on stderr, a non-zero exit status and no
traceback; ``check`` prints the exact JSON contract, exits 0 whenever grading
finished, 2 for a bad file or an unknown assignment, and never modifies PATH.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from tests.grading import submissions as S

pytestmark = pytest.mark.grading
ROOT = S.ROOT
EX1 = "exercise-01-derivatives"


def run(*args, cwd=None, env=None):
    done = subprocess.run(
        [sys.executable, "-m", "autograder", *map(str, args)],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    return done


def assert_one_line_error(done, code=None):
    assert done.returncode != 0
    if code is not None:
        assert done.returncode == code, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in done.stderr + done.stdout


# ------------------------------------------------------------------ check
@pytest.fixture(scope="module")
def reference_copy(tmp_path_factory):
    path = tmp_path_factory.mktemp("check") / "my-work.ipynb"
    nbformat.write(S.build(EX1, "solution"), str(path))
    return path


def test_check_json_contract_full_marks(reference_copy):
    before = hashlib.sha256(reference_copy.read_bytes()).hexdigest()
    mtime = reference_copy.stat().st_mtime_ns
    done = run("check", reference_copy, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert list(report) == ["assignment", "score", "max_score", "tests", "manual"]
    assert report["assignment"] == EX1
    assert isinstance(report["score"], float) and isinstance(report["max_score"], float)
    assert report["score"] == report["max_score"] > 0
    assert [t["name"] for t in report["tests"]] == S.test_ids(EX1)
    for t in report["tests"]:
        assert set(t) == {"name", "score", "max_score", "feedback"}
        assert isinstance(t["feedback"], str)
    assert report["manual"] and all(set(m) == {"name", "max_score"} for m in report["manual"])
    assert sum(t["max_score"] for t in report["tests"]) == report["max_score"]
    # PATH is never modified
    assert hashlib.sha256(reference_copy.read_bytes()).hexdigest() == before
    assert reference_copy.stat().st_mtime_ns == mtime


def test_check_every_solution_full_marks(tmp_path):
    for assignment in S.ASSIGNMENTS[1:]:
        path = tmp_path / f"{assignment}.ipynb"
        nbformat.write(S.build(assignment, "solution"), str(path))
        report = json.loads(run("check", path, "--json").stdout)
        assert report["score"] == report["max_score"] > 0, report


def test_check_unanswered_exercise_exits_0_with_zero_and_readable_report(tmp_path):
    path = tmp_path / "exercise.ipynb"
    nbformat.write(S.released(EX1), str(path))
    done = run("check", path)
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith(f"{EX1}: 0 / ")
    assert "FAIL" in done.stdout and "NotImplementedError" in done.stdout
    assert "instructor" in done.stdout  # the written answer is listed as manual


def test_check_feedback_names_the_mistake(tmp_path):
    path = tmp_path / "wrong.ipynb"
    wrong = "def compose_derivative(f_prime, g, g_prime):\n    return lambda x: f_prime(g(x))"
    nbformat.write(S.build(EX1, "solution", {"compose_derivative": wrong}), str(path))
    report = json.loads(run("check", path, "--json").stdout)
    failed = {t["name"]: t["feedback"] for t in report["tests"] if t["score"] < t["max_score"]}
    assert list(failed) == ["test_compose_derivative"]
    assert "inner derivative" in failed["test_compose_derivative"]
    assert "HIDDEN" not in json.dumps(report) and "seeded_rng" not in json.dumps(report)


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda d: d / "missing.ipynb", "no such file"),
        (lambda d: d, "directory"),
        (lambda d: _write(d / "notes.txt", "just text"), "not a Jupyter notebook"),
        (
            lambda d: _write(d / "broken.ipynb", '{"cells": [ {"cell_type": '),
            "not a Jupyter notebook",
        ),
        (lambda d: _write(d / "empty.ipynb", ""), "not a Jupyter notebook"),
        (lambda d: _unreadable(d / "secret.ipynb"), "cannot read"),
    ],
)
def test_check_bad_file_exits_2_with_one_line(tmp_path, make, words):
    done = run("check", make(tmp_path), "--json")
    assert_one_line_error(done, 2)
    assert words in done.stderr
    assert done.stdout == ""


def test_check_unknown_assignment_exits_2(tmp_path):
    path = tmp_path / "other.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), str(path))
    assert_one_line_error(run("check", path), 2)
    done = run("check", path, "--assignment", "exercise-99-nothing")
    assert_one_line_error(done, 2)
    assert "unknown assignment" in done.stderr


def test_check_without_bubblewrap_warns_in_one_line_and_still_grades(reference_copy):
    import os

    env = dict(os.environ, AUTOGRADER_NO_BWRAP="1")
    done = run("check", reference_copy, "--json", env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["score"] == report["max_score"]
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("warning: bubblewrap"), done.stderr
    # a class is never graded without the sandbox unless the instructor says so
    course = reference_copy.parent / "course"
    folder = course / "submitted" / "alice" / EX1
    folder.mkdir(parents=True)
    nbformat.write(S.released(EX1), str(folder / f"{EX1}.ipynb"))
    refused = run("grade", EX1, "--course", course, env=env)
    assert_one_line_error(refused)
    assert "bubblewrap" in refused.stderr
    allowed = run("grade", EX1, "--course", course, "--allow-unsandboxed", env=env)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr


def test_check_finds_a_renamed_exercise(tmp_path):
    path = tmp_path / "Copy of my exercise (1).ipynb"
    nbformat.write(S.build("exercise-02-gradient-descent", "unanswered"), str(path))
    report = json.loads(run("check", path, "--json").stdout)
    assert report["assignment"] == "exercise-02-gradient-descent"


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _unreadable(path: Path) -> Path:
    """A file that exists but cannot be read (root reads any mode 000 file)."""
    import os

    if os.geteuid() == 0:
        return Path("/proc/self/mem")  # exists; reading it fails with an I/O error
    path.write_text("{}")
    path.chmod(0)
    return path


# ------------------------------------------------------------------ other commands
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
        (["collect-zip", EX1, "{tmp}/empty.zip", "--course", "{tmp}"], "no notebooks"),
        (["collect-zip", EX1, "{tmp}/strange.zip", "--course", "{tmp}"], "no file name matches"),
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
    assert_one_line_error(done)
    assert words in done.stderr, done.stderr


def test_grade_unknown_student(tmp_path):
    folder = tmp_path / "submitted" / "alice" / EX1
    folder.mkdir(parents=True)
    nbformat.write(S.released(EX1), str(folder / f"{EX1}.ipynb"))
    done = run("grade", EX1, "--course", tmp_path, "--student", "mallory")
    assert_one_line_error(done)
    assert "unknown student" in done.stderr


# ------------------------------------------------------------------ release and exercises/
def test_exercises_match_what_release_generates(tmp_path):
    from autograder.course import generate_student_version

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
        public = "\n".join(_public_text(c) for c in S.source(assignment).cells)
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


def _public_text(cell) -> str:
    """What a source cell shows students: no solution region, no hidden tests."""
    m = cell.metadata.get("nbgrader", {})
    if m.get("solution") and "### BEGIN SOLUTION" not in cell.source:
        return ""
    text = cell.source
    for begin, end in (
        ("### BEGIN SOLUTION", "### END SOLUTION"),
        ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"),
    ):
        while begin in text and end in text:
            head, rest = text.split(begin, 1)
            text = head + rest.split(end, 1)[1]
    return text


def test_release_does_not_overwrite_work_in_progress(tmp_path):
    from autograder import course

    exercises = tmp_path / "exercises"
    target = exercises / EX1 / f"{EX1}.ipynb"
    env_solutions, env_exercises = course.cfg.SOLUTIONS_DIR, course.cfg.EXERCISES_DIR
    course.cfg.EXERCISES_DIR = exercises
    try:
        course.release([EX1], out=open("/dev/null", "w"))
        clean = target.read_text()
        nb = nbformat.read(str(target), as_version=4)
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == "secant_slope":
                cell.source = "def secant_slope(f, x, h):\n    return 42  # my work"
        nbformat.write(nb, str(target))
        with pytest.raises(course.UserError, match="work in progress"):
            course.release([EX1], out=open("/dev/null", "w"))
        assert "my work" in target.read_text()
        course.release([EX1], force=True, out=open("/dev/null", "w"))
        assert target.read_text() == clean
    finally:
        course.cfg.SOLUTIONS_DIR, course.cfg.EXERCISES_DIR = env_solutions, env_exercises


# ------------------------------------------------------------------ student copy
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
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("AUTOGRADER_")}
    checked = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1]); "
            "from autograder.cli import main; sys.exit(main(sys.argv[2:]))",
            str(out),
            "check",
            str(work),
        ],
        capture_output=True,
        text=True,
        cwd=out,
        env=env,
        timeout=600,
    )
    assert checked.returncode == 0, checked.stderr
    assert "hidden tests are not included" in checked.stdout
    as_json = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1]); "
            "from autograder.cli import main; sys.exit(main(sys.argv[2:]))",
            str(out),
            "check",
            str(work),
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=out,
        env=env,
        timeout=600,
    )
    report = json.loads(as_json.stdout)
    assert set(report) == {"assignment", "score", "max_score", "tests", "manual"}
    assert report["score"] == report["max_score"] > 0
    assert "hidden tests are not included" in as_json.stderr
