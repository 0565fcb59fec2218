"""``python -m autograder grade`` as an instructor lives it: a class in one batch on the
local Dask cluster, Ctrl-C in the middle, a re-run that resumes, a late resubmission,
a runaway cut by its call budget while honest-but-slow code keeps full marks, and the
bad inputs of ``grade`` and ``export``."""

from __future__ import annotations

import getpass
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder import cluster, gradebook
from autograder.commands.grade import Progress
from tests.autograder import servers
from tests.autograder import submissions as S
from tests.autograder.commandline import assert_one_line_error, run
from tests.exercises.cases import CASES

EX2 = "exercise-02-gradient-descent"
RUNAWAY = (
    "def gradient_descent(grad, w0, learning_rate, num_steps, tol=0.0):\n"
    "    while True:\n"
    "        pass"
)
# honest but ten times slower than the reference: every step computes the gradient ten times
SLOW_DESCENT = """\
def gradient_descent(grad, w0, learning_rate, num_steps, tol=0.0):
    w = np.array(w0, dtype=float).reshape(-1)
    path = [w]
    for _ in range(num_steps):
        for _ in range(10):
            g = np.asarray(grad(w), dtype=float)
        if np.linalg.norm(g) <= tol:
            break
        w = w - learning_rate * g
        path.append(w)
        if not np.all(np.isfinite(w)):
            break
    return np.array(path)"""
# honest, with plain Python loops instead of NumPy
LOOPED_GRADIENT = """\
def mse_gradient(X, y, w):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    w = np.asarray(w, dtype=float)
    n, d = X.shape
    grad = np.zeros(d)
    grad = np.zeros(d)
    for i in range(n):
        residual = sum(X[i, j] * w[j] for j in range(d)) - y[i]
        for j in range(d):
            grad[j] += 2 * X[i, j] * residual / n
    return grad"""


def a_class(students: int) -> dict:
    mistakes = [c for c in CASES if c.assignment == EX2 and not c.correct][:2]
    kinds = [("reference", S.build(EX2, "solution")), ("unanswered", S.released(EX2))]
    kinds += [(c.name, S.build(EX2, "solution", c.replace)) for c in mistakes]
    return {
        f"s{i:02d}-{kinds[i % len(kinds)][0]}": kinds[i % len(kinds)][1] for i in range(students)
    }


def write_class(course: Path, klass: dict) -> None:
    for student, nb in klass.items():
        folder = course / "submitted" / student / EX2
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(folder / f"{EX2}.ipynb"))


def scores(course: Path) -> dict:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sub in gb.find_assignment(EX2).submissions:
            out[sub.student.id] = {
                g.name: g.score for nb in sub.notebooks for g in nb.grades if g.cell_type == "code"
            }
    return out


# ------------------------------------------------------------------ progress
def test_progress_shows_time_left_and_a_running_count_of_failures():
    stream = io.StringIO()
    bar = Progress(4, "grading ex", stream)
    bar.start -= 10  # as if the first two had taken 10 s
    bar.step("ann", True)
    bar.step("bob", False)
    lines = stream.getvalue().splitlines()
    assert "1/4" in lines[0] and "0 failed" in lines[0] and "ann ok" in lines[0]
    assert "2/4" in lines[1] and "1 failed" in lines[1] and "bob FAILED" in lines[1]
    assert "about 0:10 left" in lines[1]  # 10 s for 2, so about 10 s for the last 2
    bar.step("cy", True)
    bar.step("dan", True)
    assert "4/4" in stream.getvalue().splitlines()[-1] and "done" in stream.getvalue()


# ---------------------------------------------------------------- bad input
def test_export_without_grades_says_so(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    done = run("export", "--course", course)
    assert_one_line_error(done, 2)
    assert "no gradebook" in done.stderr
    with gradebook.opened(f"sqlite:///{course / 'gradebook.db'}"):
        pass  # a gradebook, empty
    done = run("export", "--course", course)
    assert_one_line_error(done, 2)
    assert "no grades yet" in done.stderr and done.stdout == ""


@pytest.mark.parametrize(
    "args, words",
    [
        (["--db", "not a url"], "not a database URL"),
        (["--db", "postgresql+psycopg2://u:secret@h/db"], "psycopg 3"),
        (["--jobs", "2", "--scheduler", "tcp://127.0.0.1:1"], "not allowed with"),
        (["--jobs", "0"], "at least 1"),
        (["--timeout-cell", "0"], "at least 1"),
    ],
)
def test_grade_refuses_bad_options_in_one_line(tmp_path, args, words):
    course = tmp_path / "course"
    write_class(course, {"ann": S.build(EX2, "solution")})
    done = run("grade", EX2, "--course", course, *args)
    assert_one_line_error(done, 2)
    assert words in done.stderr and "secret" not in done.stderr


def test_grade_says_when_the_scheduler_cannot_be_reached(tmp_path):
    course = tmp_path / "course"
    write_class(course, {"ann": S.build(EX2, "solution")})
    done = run(
        "grade", EX2, "--course", course, "--scheduler", f"tcp://127.0.0.1:{servers.free_port()}"
    )
    assert_one_line_error(done, 1)
    assert "cannot reach the Dask scheduler" in done.stderr


# ------------------------------------------------------------ a class, whole
def interrupt_after(course: Path, done: int, total: int, log: Path, *extra: str):
    """Start ``grade``, press Ctrl-C once ``done`` results are in; (status, output, seconds)."""
    with log.open("w") as err:
        grading = subprocess.Popen(
            [sys.executable, "-m", "autograder", "grade", EX2, "--course", str(course), *extra],
            cwd=S.ROOT, stdout=subprocess.PIPE, stderr=err, text=True,
            # as in a terminal (a shell's background job would start it with SIGINT ignored)
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )  # fmt: skip
        assert servers.wait_for(lambda: f"{done}/{total}" in log.read_text(), timeout=300), (
            log.read_text()
        )
        grading.send_signal(signal.SIGINT)
        interrupted_at = time.monotonic()
        out, _ = grading.communicate(timeout=120)
    return grading.returncode, out + log.read_text(), time.monotonic() - interrupted_at


def by_kind(found: dict) -> dict:
    """{kind of submission: its scores}: every student of a kind must score the same."""
    kinds: dict = {}
    for student, tests in found.items():
        kinds.setdefault(student.split("-", 1)[1], []).append(tests)
    assert all(all(t == tests[0] for t in tests) for tests in kinds.values()), kinds
    return {kind: tests[0] for kind, tests in kinds.items()}


@pytest.mark.grading
def test_ctrl_c_keeps_every_result_and_a_rerun_resumes(tmp_path):
    course = tmp_path / "course"
    klass = a_class(12)
    write_class(course, klass)

    status, output, stopped_after = interrupt_after(course, 3, 12, tmp_path / "log1")
    assert status == 130, output
    assert "Traceback" not in output
    assert "interrupted:" in output and "run the same command again" in output
    assert stopped_after < 60, stopped_after  # a generous guard against a hang, not a timing
    saved = scores(course)
    assert 3 <= len(saved) < 12
    for student in klass:  # a result is saved whole, or not at all
        notebook = course / "autograded" / student / EX2 / f"{EX2}.ipynb"
        assert notebook.is_file() == (student in saved), student
    assert not list((course / "autograded").rglob(".*partial*"))

    # the re-run grades only what is missing
    resumed = run("grade", EX2, "--course", course, "--jobs", "2")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert f"graded {12 - len(saved)} of {12 - len(saved)}" in resumed.stdout
    assert f"{len(saved)} more already graded" in resumed.stdout
    complete = scores(course)
    assert {s: complete[s] for s in saved} == saved and len(complete) == 12
    expected = by_kind(complete)
    assert sum(expected["reference"].values()) > 0 == sum(expected["unanswered"].values())

    # a forced re-grading interrupted: every earlier result stays (old or new, never gone)
    status, output, _ = interrupt_after(course, 3, 12, tmp_path / "log2", "--force")
    assert status == 130, output
    for student in klass:
        assert (course / "autograded" / student / EX2 / f"{EX2}.ipynb").is_file(), student
    assert scores(course) == complete
    assert run("grade", EX2, "--course", course).returncode == 0
    assert by_kind(scores(course)) == expected


@pytest.mark.grading
def test_a_late_resubmission_is_regraded_for_one_student(tmp_path):
    course = tmp_path / "course"
    klass = a_class(4)
    write_class(course, klass)
    assert run("grade", EX2, "--course", course, "--jobs", "1").returncode == 0
    before = scores(course)
    late = "s01-unanswered"
    assert sum(before[late].values()) == 0
    # the student sends a corrected notebook after the deadline (collect-zip or
    # `nbgrader collect --update` puts it in submitted/)
    nbformat.write(
        S.build(EX2, "solution"), str(course / "submitted" / late / EX2 / f"{EX2}.ipynb")
    )
    done = run("grade", EX2, "--course", course, "--student", late, "--force")
    assert done.returncode == 0, done.stderr
    assert "graded 1 of 1" in done.stdout
    after = scores(course)
    assert after[late] == before["s00-reference"]
    assert {s: v for s, v in after.items() if s != late} == {
        s: v for s, v in before.items() if s != late
    }
    # without --force a changed submission is noticed as well
    nbformat.write(S.released(EX2), str(course / "submitted" / late / EX2 / f"{EX2}.ipynb"))
    done = run("grade", EX2, "--course", course)
    assert "graded 1 of 1" in done.stdout and "3 more already graded" in done.stdout
    assert sum(scores(course)[late].values()) == 0

    # the guide's backup of a SQLite gradebook is a consistent copy
    if shutil.which("sqlite3"):
        subprocess.run(
            ["sqlite3", str(course / "gradebook.db"), f".backup {tmp_path / 'backup.db'}"],
            check=True,
            timeout=60,
        )
        (tmp_path / "copy").mkdir()
        shutil.copy(tmp_path / "backup.db", tmp_path / "copy" / "gradebook.db")
        assert scores(tmp_path / "copy") == scores(course)


def nbgrader(cwd: Path, *args) -> None:
    done = subprocess.run(
        [str(servers.BIN / "nbgrader"), *map(str, args)],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.grading
def test_a_late_resubmission_through_the_exchange_with_the_guides_commands(tmp_path):
    course, exchange, home = tmp_path / "course", tmp_path / "exchange", tmp_path / "home"
    home.mkdir()
    done = run("release", EX2, "--course", course, "--exchange", exchange, "--course-id", "calc101")
    assert done.returncode == 0, done.stderr
    student = ["--course", "calc101", f"--Exchange.root={exchange}"]
    nbgrader(home, "fetch_assignment", EX2, *student)
    nbgrader(home, "submit", EX2, *student)  # on time, unanswered
    nbgrader(course, "collect", EX2)
    assert run("grade", EX2, "--course", course).returncode == 0
    me = getpass.getuser()
    assert sum(scores(course)[me].values()) == 0
    # after the deadline the student answers and submits again
    time.sleep(1.1)  # (nbgrader's timestamps: the new one must be later)
    work = home / EX2 / f"{EX2}.ipynb"
    nbformat.write(S.build(EX2, "solution"), str(work))
    nbgrader(home, "submit", EX2, *student)
    # the guide's two lines
    nbgrader(course, "collect", "--update", "--student", me, EX2)
    done = run("grade", EX2, "--course", course, "--student", me, "--force")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "graded 1 of 1" in done.stdout
    assert sum(scores(course)[me].values()) > 0


@pytest.mark.grading
def test_a_runaway_is_cut_by_its_call_budget_and_slow_honest_code_keeps_full_marks(tmp_path):
    submissions = {
        "reference": S.build(EX2, "solution"),
        "slow-descent": S.build(EX2, "solution", {"gradient_descent": SLOW_DESCENT}),
        "looped-gradient": S.build(EX2, "solution", {"mse_gradient": LOOPED_GRADIENT}),
        "runaway": S.build(EX2, "solution", {"gradient_descent": RUNAWAY}),
    }
    results = S.grade_many(EX2, submissions, jobs=2, course=tmp_path / "course")
    for honest in ("slow-descent", "looped-gradient"):
        assert results[honest]["tests"] == results["reference"]["tests"], results[honest][
            "feedback"
        ]
        assert results[honest]["score"] == results["reference"]["score"] > 0
    runaway = results["runaway"]
    cut = [t for t, text in runaway["feedback"].items() if "for this call" in text]
    assert {"test_gradient_descent_path", "test_gradient_descent_stopping"} <= set(cut)
    for test, points in results["reference"]["tests"].items():
        if test not in runaway["feedback"]:
            assert runaway["tests"][test] == points  # the other answers still count
    budget = (tmp_path / "course" / ".autograder" / "budgets" / f"{EX2}.json").read_text()
    assert '"test_gradient_descent_path"' in budget


@pytest.mark.grading
def test_a_folder_that_cannot_be_shipped_costs_only_its_student(tmp_path):
    """A file name that is not UTF-8, or thousands of files, next to a notebook: that
    student is reported, quickly, and the rest of the class is graded as alone."""
    course = tmp_path / "course"
    klass = {name: S.build(EX2, "solution") for name in ("a-honest", "b-bytes", "c-files")}
    write_class(course, klass)
    folder = course / "submitted"
    undecodable = os.fsdecode(b"notes\xff.txt")  # as Python names a file of those bytes
    (folder / "b-bytes" / EX2 / undecodable).write_text("x")
    for i in range(cluster.MAX_SUBMISSION_FILES + 50):
        (folder / "c-files" / EX2 / f"empty-{i:05d}.txt").touch()
    done = run("grade", EX2, "--course", course, "--jobs", "1")
    assert "Traceback" not in done.stderr and done.returncode == 1, done.stdout + done.stderr
    assert "graded 1 of 3" in done.stdout, done.stdout
    lines = (done.stdout + done.stderr).splitlines()
    (bytes_line,) = [line for line in lines if "b-bytes" in line]
    assert "not UTF-8" in bytes_line and "notes\\udcff.txt" in bytes_line
    (files_line,) = [line for line in lines if "c-files" in line]
    assert f"more than {cluster.MAX_SUBMISSION_FILES} files" in files_line
    graded = scores(course)
    assert set(graded) == {"a-honest"} and all(
        score == graded["a-honest"][test] for test, score in graded["a-honest"].items()
    )
    assert sum(graded["a-honest"].values()) > 0
