"""An LMS course (no course id) kept in a real PostgreSQL gradebook, command by command.

Debian's PostgreSQL runs on 127.0.0.1 (tests/autograder/servers.py) with a password.
``collect-zip``, ``grade``, ``feedback`` and ``export`` all take ``--db``; an LMS course
has no course id, which PostgreSQL used to refuse (``ForeignKeyViolation ...
assignment_course_id_fkey``). The password never appears in any output, not even when
it is wrong.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import zipfile

import nbformat
import pytest

from tests.autograder import servers
from tests.autograder import submissions as S
from tests.autograder.commandline import assert_one_line_error, run

pytestmark = pytest.mark.grading
EX1 = "exercise-01-derivatives"


@pytest.fixture(scope="module")
def pg():
    with servers.postgres() as server:
        yield server


def test_an_lms_course_in_postgres_through_every_command(pg, tmp_path):
    url = pg.create_database("calc_lms")
    course = tmp_path / "course"
    archive = tmp_path / "canvas.zip"
    wrong = "def secant_slope(f, x, h):\n    return (f(x + h) - f(x - h)) / (2 * h)"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"doejane_12345_678901_{EX1}.ipynb", nbformat.writes(S.build(EX1, "solution")))
        zf.writestr(
            f"smithjohn_23456_789012_{EX1}.ipynb",
            nbformat.writes(S.build(EX1, "solution", {"secant_slope": wrong})),
        )
    outputs = []

    done = run("collect-zip", EX1, archive, "--course", course, "--db", url)
    outputs.append(done.stdout + done.stderr)
    assert done.returncode == 0, done.stderr
    config = (course / "nbgrader_config.py").read_text()
    assert "postgresql+psycopg://grader@127.0.0.1" in config and pg.password not in config

    done = run("grade", EX1, "--course", course, "--db", url, "--jobs", "1")
    outputs.append(done.stdout + done.stderr)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "graded 2 of 2" in done.stdout and "postgresql+psycopg://grader:***@" in done.stdout

    done = run("feedback", EX1, "--course", course, "--db", url)
    outputs.append(done.stdout + done.stderr)
    assert done.returncode == 0, done.stderr
    assert (course / "feedback" / "doejane" / EX1 / f"{EX1}.html").is_file()

    done = run("export", "--course", course, "--db", url)
    outputs.append(done.stdout + done.stderr)
    assert done.returncode == 0, done.stderr
    rows = {r["student_id"]: r for r in csv.DictReader(io.StringIO(done.stdout))}
    assert set(rows) == {"doejane", "smithjohn"}
    assert float(rows["smithjohn"][f"{EX1}:test_secant_slope"]) == 0
    assert float(rows["doejane"][EX1]) > float(rows["smithjohn"][EX1]) > 0

    # the guide's backup and restore, into a fresh database: the same grades come back
    restored = pg.create_database("calc_lms_restored")
    env = {**os.environ, "PGPASSWORD": pg.password}
    dump = tmp_path / "calc_lms.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", f"--file={dump}", pg.url("calc_lms", password=False)],
        check=True, env=env, timeout=120,
    )  # fmt: skip
    subprocess.run(
        ["pg_restore", "--clean", "--if-exists", f"--dbname={pg.url('calc_lms_restored', password=False)}", str(dump)],
        check=True, env=env, timeout=120,
    )  # fmt: skip
    again = run("export", "--course", course, "--db", restored)
    assert again.returncode == 0 and again.stdout == done.stdout

    # a wrong password: one line, exit 1, and neither password shown
    bad = url.replace(pg.password, "not-" + pg.password)
    done = run("export", "--course", course, "--db", bad)
    outputs.append(done.stdout + done.stderr)
    assert_one_line_error(done, 1)
    assert "password authentication failed" in done.stderr
    for text in outputs:
        assert pg.password not in text, text
