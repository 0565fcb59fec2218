"""An instructor's whole run in a temporary course directory, through the CLI.

release (into the course and an exchange) -> submissions (one fetched, submitted and
collected through nbgrader's exchange, and an LMS zip with Canvas and Moodle names)
-> grade -> manual grade and
comment in the gradebook -> re-grade (nothing lost) -> feedback (no hidden tests)
-> export (CSV checked cell by cell).
"""

from __future__ import annotations

import csv
import getpass
import io
import re
import subprocess
import sys
import zipfile
from html import unescape as html_unescape
from pathlib import Path

import nbformat
import pytest

from tests.autograder import submissions as S

pytestmark = pytest.mark.grading
EX1 = "exercise-01-derivatives"


def cli(*args):
    done = subprocess.run(
        [sys.executable, "-m", "autograder", *map(str, args)],
        cwd=S.ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def nbgrader(cwd, *args):
    """nbgrader's own command line, as a student or the instructor runs it."""
    command = Path(sys.executable).parent / "nbgrader"
    done = subprocess.run(
        [str(command), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_instructor_workflow(tmp_path):
    course, exchange = tmp_path / "course", tmp_path / "exchange"

    # 1. release into the course and the exchange
    done = cli("release", EX1, "--course", course, "--exchange", exchange, "--course-id", "calc101")
    assert done.returncode == 0, done.stderr
    assert (course / "release" / EX1 / f"{EX1}.ipynb").is_file()
    assert (exchange / "calc101" / "outbound" / EX1 / f"{EX1}.ipynb").is_file()
    released = (course / "release" / EX1 / f"{EX1}.ipynb").read_text()
    assert "BEGIN HIDDEN TESTS" not in released and "BEGIN SOLUTION" not in released
    config = (course / "nbgrader_config.py").read_text()
    assert "calc101" in config and str(exchange) in config  # for nbgrader's own commands

    # 2. submissions: one through the JupyterHub exchange (a student fetches and
    #    submits, the instructor runs nbgrader collect), four from an LMS zip
    home = tmp_path / "student-home"
    home.mkdir()
    student_args = ["--course", "calc101", f"--Exchange.root={exchange}"]
    nbgrader(home, "fetch_assignment", EX1, *student_args)
    work = home / EX1 / f"{EX1}.ipynb"
    nb = nbformat.read(str(work), as_version=4)
    answers = S.solution_code(EX1)
    for cell in nb.cells:
        if S.grade_id(cell) in answers:
            cell.source = answers[S.grade_id(cell)]
    nbformat.write(nb, str(work))
    nbgrader(home, "submit", EX1, *student_args)
    nbgrader(course, "collect", EX1)  # reads the course's nbgrader_config.py
    hubstudent = getpass.getuser()
    assert (course / "submitted" / hubstudent / EX1 / f"{EX1}.ipynb").is_file()
    wrong_chain = "def compose_derivative(f_prime, g, g_prime):\n    return lambda x: f_prime(g(x))"
    archive = tmp_path / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"doejane_12345_678901_{EX1}.ipynb", nbformat.writes(S.build(EX1, "solution")))
        zf.writestr(
            f"smithjohn_late_23456_789012_{EX1}-1.ipynb",
            nbformat.writes(S.build(EX1, "solution", {"compose_derivative": wrong_chain})),
        )
        zf.writestr(
            f"Ana Lopez_4242_assignsubmission_file_{EX1}.ipynb", nbformat.writes(S.released(EX1))
        )
        # newer Moodle: one folder per submission; accents dropped from the id
        zf.writestr(
            f"José Núñez_4343_assignsubmission_file/my {EX1}.ipynb",
            nbformat.writes(S.build(EX1, "solution")),
        )
        zf.writestr("readme.txt", "not a notebook")
    done = cli("collect-zip", EX1, archive, "--course", course)
    assert done.returncode == 0, done.stderr
    for student in ("doejane", "smithjohn", "ana-lopez", "jose-nunez"):
        assert (course / "submitted" / student / EX1 / f"{EX1}.ipynb").is_file(), student

    # 3. grade: every submission graded, exit 0, progress shown
    done = cli("grade", EX1, "--course", course, "--jobs", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "graded 5 of 5" in done.stdout
    assert "5/5" in done.stderr  # the progress bar
    assert (course / "gradebook.db").is_file()

    # 4. the instructor grades the written answer and comments (as in the formgrader)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        written = [
            g
            for g in gb.find_submission_notebook(EX1, EX1, "doejane").grades
            if g.cell_type == "markdown"
        ][0]
        written.manual_score = 5
        comment = gb.find_comment(written.name, EX1, EX1, "doejane")
        comment.manual_comment = "Clear and correct."
        gb.db.commit()
        written_id = written.name

    # 5. re-grading keeps them (a plain re-run skips what is graded and unchanged;
    #    --force grades every submission again)
    done = cli("grade", EX1, "--course", course, "--force")
    assert done.returncode == 0, done.stderr
    assert "graded 5 of 5" in done.stdout
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_grade(written_id, EX1, EX1, "doejane").manual_score == 5
        assert (
            gb.find_comment(written_id, EX1, EX1, "doejane").manual_comment == "Clear and correct."
        )

    # 6. feedback, without hidden tests
    done = cli("feedback", EX1, "--course", course)
    assert done.returncode == 0, done.stderr
    html = (course / "feedback" / "smithjohn" / EX1 / f"{EX1}.html").read_text()
    text = html_unescape(re.sub(r"<[^>]+>", "", html))  # what a reader of the page sees
    assert "inner derivative" in text  # the failing test's feedback is there
    source_nb = S.source(EX1)
    public = S.public_text(EX1)  # (a hidden line that is also public is no leak)
    for cell in S.source(EX1).cells:
        if S.is_test(cell) and "### BEGIN HIDDEN TESTS" in cell.source:
            hidden = cell.source.split("### BEGIN HIDDEN TESTS", 1)[1]
            hidden = hidden.split("### END HIDDEN TESTS", 1)[0]
            for line in hidden.splitlines():
                if len(line.strip()) > 20 and line.strip() not in public:
                    assert line.strip() not in text, line
    for path in (course / "feedback").rglob("*.html"):
        page = html_unescape(re.sub(r"<[^>]+>", "", path.read_text()))
        assert "HIDDEN TESTS" not in page and "seeded_rng" not in page, path

    # 7. export: one row per student, a column per assignment and per test
    out = tmp_path / "grades.csv"
    done = cli("export", "--course", course, "--to", out)
    assert done.returncode == 0, done.stderr
    rows = {r["student_id"]: r for r in csv.DictReader(io.StringIO(out.read_text()))}
    assert set(rows) == {hubstudent, "doejane", "smithjohn", "ana-lopez", "jose-nunez"}
    tests = S.test_ids(EX1)
    header = list(next(csv.reader(io.StringIO(out.read_text()))))
    assert EX1 in header and all(f"{EX1}:{t}" in header for t in tests)
    full = sum(float(c.metadata["nbgrader"]["points"]) for c in source_nb.cells if S.is_test(c))
    assert float(rows[hubstudent][EX1]) == full
    assert float(rows["doejane"][EX1]) == full + 5
    assert float(rows["doejane"][f"{EX1}:{written_id}"]) == 5
    assert float(rows["smithjohn"][f"{EX1}:test_compose_derivative"]) == 0
    chain = [
        float(c.metadata["nbgrader"]["points"])
        for c in source_nb.cells
        if S.grade_id(c) == "test_compose_derivative"
    ][0]
    assert float(rows["smithjohn"][EX1]) == full - chain
    assert float(rows["ana-lopez"][EX1]) == 0
    assert float(rows["jose-nunez"][EX1]) == full
