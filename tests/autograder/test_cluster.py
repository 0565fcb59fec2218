"""A class graded on a real Dask cluster into a real PostgreSQL gradebook.

Debian's PostgreSQL and a ``dask scheduler`` with two worker processes
(``dask worker --nworkers 2 --nthreads 1``) run on 127.0.0.1 (tests/autograder/servers.py). A class of 31 submissions (the reference,
the unanswered exercise, two kinds of mistakes and one runaway) is graded through
them with ``python -m autograder grade --scheduler ... --db postgresql://...``; one
worker process is killed (SIGKILL) while it grades a submission. Then:

- every submission is graded exactly once: one result per student, every score equal,
  test by test, to grading the same class serially in this process;
- manual grades and comments written in between survive a second, forced grading
  (on a local cluster this time, by two commands writing at the same time);
- the password of the database appears in no output, and the course's
  ``nbgrader_config.py`` points nbgrader's own commands (the formgrader's) at the
  same database, without the password.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.autograder import servers
from tests.autograder import submissions as S
from tests.exercises.cases import CASES

pytestmark = pytest.mark.grading
EX2 = "exercise-02-gradient-descent"
RUNAWAY = (
    "def gradient_descent(grad, w0, learning_rate, num_steps, tol=0.0):\n"
    "    while True:\n"
    "        pass"
)


def class_of(students: int) -> dict:
    mistakes = [c for c in CASES if c.assignment == EX2 and not c.correct][:2]
    kinds = [("reference", S.build(EX2, "solution")), ("unanswered", S.released(EX2))]
    kinds += [(c.name, S.build(EX2, "solution", c.replace)) for c in mistakes]
    klass = {
        f"s{i:03d}-{kinds[i % len(kinds)][0]}": kinds[i % len(kinds)][1] for i in range(students)
    }
    klass["s999-runaway"] = S.build(EX2, "solution", {"gradient_descent": RUNAWAY})
    return klass


def write_class(course: Path, klass: dict) -> None:
    for student, nb in klass.items():
        folder = course / "submitted" / student / EX2
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(folder / f"{EX2}.ipynb"))


def cli(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograder", *map(str, args)],
        cwd=S.ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )


def scores_in(url: str, students) -> dict:
    from nbgrader.api import Gradebook

    from autograder.gradebook import normalise_url

    out = {}
    with Gradebook(normalise_url(url)) as gb:
        for s in students:
            nb = gb.find_submission_notebook(EX2, EX2, s)
            out[s] = {g.name: g.score for g in nb.grades if g.cell_type == "code"}
    return out


@pytest.fixture(scope="module")
def servers_up():
    with servers.postgres() as pg, servers.dask_cluster(workers=2) as dask:
        yield pg, dask


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    """The same class graded serially, in this process, into SQLite: the reference."""
    from autograder.commands.grade import grade

    course = tmp_path_factory.mktemp("serial")
    klass = class_of(30)
    write_class(course, klass)
    results = grade(EX2, course, jobs=1, out=io.StringIO(), progress_stream=io.StringIO())
    assert all(r["success"] for r in results)
    return klass, scores_in(f"sqlite:///{course / 'gradebook.db'}", klass)


def test_class_on_a_dask_cluster_into_postgres_survives_a_killed_worker(
    servers_up, serial, tmp_path
):
    from distributed import Client
    from nbgrader.api import Gradebook

    from autograder.gradebook import normalise_url

    pg, dask = servers_up
    klass, expected = serial
    url = pg.create_database("calc_cluster")
    course = tmp_path / "course"
    write_class(course, klass)

    # 1. grade on the cluster; kill a worker while it is grading a submission
    progress = tmp_path / "progress.txt"
    with progress.open("w") as err:
        grading = subprocess.Popen(
            [sys.executable, "-m", "autograder", "grade", EX2, "--course", course,
             "--db", url, "--scheduler", dask.address],
            cwd=S.ROOT, stdout=subprocess.PIPE, stderr=err, text=True,
        )  # fmt: skip
        with Client(dask.address, timeout=60) as client:

            def busy_worker():
                for address, keys in client.processing().items():
                    if any(str(k).startswith("grade-") for k in keys):
                        return address
                return None

            assert servers.wait_for(lambda: "3/31" in progress.read_text(), timeout=300), (
                progress.read_text()
            )
            assert servers.wait_for(lambda: busy_worker() is not None, timeout=60)
            victim = dask.worker_pids()[busy_worker()]
            os.kill(victim, signal.SIGKILL)  # (its nanny starts a fresh worker process)
        out, _ = grading.communicate(timeout=900)
    err_text = progress.read_text()
    assert grading.returncode == 0, out + err_text
    assert victim not in dask.worker_pids().values()  # that worker process is gone
    assert "graded 31 of 31" in out
    assert pg.password not in out + err_text

    # exactly once: one submission per student, each with its autograded notebook
    with Gradebook(normalise_url(url)) as gb:
        submissions = gb.find_assignment(EX2).submissions
        assert sorted(s.student.id for s in submissions) == sorted(klass)
    for student in klass:
        assert (course / "autograded" / student / EX2 / f"{EX2}.ipynb").is_file()
    assert not list((course / "autograded").rglob(".*partial*"))
    # every score, test by test, as in serial grading
    assert scores_in(url, klass) == expected

    # 2. the instructor grades written answers and comments (as in the formgrader)
    manual = {s: 4.0 for s in list(klass)[:3]}
    with Gradebook(normalise_url(url)) as gb:
        for student, points in manual.items():
            nb = gb.find_submission_notebook(EX2, EX2, student)
            written = [g for g in nb.grades if g.cell_type == "markdown"][0]
            written.manual_score = points
            gb.find_comment(written.name, EX2, EX2, student).manual_comment = "Well argued."
        gb.db.commit()
        written_id = written.name

    # 3. two forced re-gradings at the same time (half of the class each, local
    #    clusters): concurrent writers into one database; manual grades survive
    names = sorted(klass)
    halves = [names[::2], names[1::2]]
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "autograder",
                "grade",
                EX2,
                "--course",
                course,
                "--db",
                url,
                "--force",
                "--jobs",
                "2",
                *[a for s in half for a in ("--student", s)],
            ],
            cwd=S.ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for half in halves
    ]
    for run in runs:
        out, err = run.communicate(timeout=900)
        assert run.returncode == 0, out + err
        assert pg.password not in out + err
    assert scores_in(url, klass) == expected
    with Gradebook(normalise_url(url)) as gb:
        for student, points in manual.items():
            assert gb.find_grade(written_id, EX2, EX2, student).manual_score == points
            assert gb.find_comment(written_id, EX2, EX2, student).manual_comment == "Well argued."

    # 4. nbgrader's own commands in the course directory (what the formgrader reads)
    #    use the same database; the password is not in the file (libpq's PGPASSWORD or
    #    ~/.pgpass supplies it)
    config = (course / "nbgrader_config.py").read_text()
    assert pg.url("calc_cluster", password=False).split("://")[1] in config
    assert pg.password not in config
    exported = subprocess.run(
        [str(servers.BIN / "nbgrader"), "export", "--to", str(tmp_path / "nbgrader.csv")],
        cwd=course, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PGPASSWORD": pg.password},
    )  # fmt: skip
    assert exported.returncode == 0, exported.stdout + exported.stderr
    rows = (tmp_path / "nbgrader.csv").read_text().splitlines()
    assert len(rows) == 1 + len(klass)

    # 5. our export from the same database
    done = cli("export", "--course", course, "--db", url)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 1 + len(klass)
    assert pg.password not in done.stdout + done.stderr
