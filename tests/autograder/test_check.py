"""``python -m autograder check``: the JSON contract, exit statuses, PATH never modified."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import nbformat
import pytest

from tests.autograder import submissions as S
from tests.autograder.commandline import assert_one_line_error, run

pytestmark = pytest.mark.grading
ROOT = S.ROOT
EX1 = "exercise-01-derivatives"


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

    if os.geteuid() == 0:
        return Path("/proc/self/mem")  # exists; reading it fails with an I/O error
    path.write_text("{}")
    path.chmod(0)
    return path


def _start_time(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[19]
    except OSError:
        return None


def _state(pid: int) -> str:
    """A process's state letter and command line ("Z" for a zombie, already dead)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            state = fh.read().rsplit(")", 1)[1].split()[0]
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return state + " " + fh.read().replace(b"\0", b" ").decode()[:100]
    except OSError:
        return "Z"


def _descendants(root: int) -> set[tuple[int, str | None]]:
    """(pid, start time) of ``root``'s descendants (a pid reused later is not confused)."""
    from autograder.sandbox import _process_tree

    return {(pid, _start_time(pid)) for pid in _process_tree(root) if pid != root}


def test_interrupting_check_in_a_class_is_safe(tmp_path, reference_copy):
    """A class runs check one after another; one run is interrupted (Ctrl-C) while its
    notebook is being graded: it stops at once with one line, leaves no process and no
    temporary directory, and the next student's check gives the same report as before."""
    import signal
    import subprocess
    import sys
    import time

    from tests.autograder.conftest import ROOT as REPO

    first = json.loads(run("check", reference_copy, "--json").stdout)
    slow = tmp_path / "slow.ipynb"
    runaway = S.from_fixture(S.ADVERSARIAL / "a14-infinite-loops.ipynb")
    # about a minute of the student's own cells first (each within its cell limit), so
    # that the interrupt finds the check still grading however busy the machine is
    waits = [nbformat.v4.new_code_cell("import time\ntime.sleep(12)") for _ in range(5)]
    runaway.cells[1:1] = waits
    nbformat.write(runaway, str(slow))
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "autograder", "check", str(slow)],
        cwd=REPO,
        env=dict(os.environ, TMPDIR=str(scratch)),
        # as from a terminal: a shell without job control starts background jobs with
        # SIGINT ignored (CI scripts run so), and the check would never see the Ctrl-C
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = time.monotonic()
    tree: set = set()
    while time.monotonic() - started < 300 and len(tree) < 3:  # a sandbox is grading
        time.sleep(0.5)
        tree = _descendants(proc.pid)
    assert proc.poll() is None and len(tree) >= 3, "the check never got to grading"
    time.sleep(2)  # (inside a runaway test by now)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip() == "error: interrupted" and "Traceback" not in out + err

    def still_running():
        return [
            (pid, _state(pid))
            for pid, start in tree
            if start is not None and _start_time(pid) == start and _state(pid)[0] != "Z"
        ]

    # (the kernel reaps the sandbox's processes as its namespaces end: on a busy machine
    # that takes a moment; a hang guard, not a speed check)
    deadline = time.monotonic() + 60
    while (still_running() or list(scratch.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not still_running(), f"processes of the interrupted check still run: {still_running()}"
    assert list(scratch.iterdir()) == []
    again = json.loads(run("check", reference_copy, "--json").stdout)
    assert again == first
