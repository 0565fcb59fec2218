"""Reproduce a red-team fixture of this folder: grade it in a batch with honest students,
or import its LMS zips.

    .venv/bin/python -m tests.autograder.redteam.reproduce r03-leak-via-visible-message
    .venv/bin/python -m tests.autograder.redteam.reproduce r06-lms-suffix-collision

A notebook fixture (``metadata.adversarial`` as in ../adversarial/) is graded with
``python -m autograder grade`` (two workers) together with two reference solutions,
then ``feedback`` is written (``extra_files``: files the attacker submits next to the notebook, names
given in hex); the scores, the failed tests' messages and the course
directory are printed. A zip fixture (``metadata.adversarial.lms_zips``) is imported
zip by zip with ``collect-zip``; whose work each ``submitted/<id>/`` holds, lms_ids.csv
and the gradebook's LMS ids are printed.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat

from tests.autograder import submissions as S

HERE = Path(__file__).resolve().parent


def labelled(assignment: str, label: str) -> str:
    """The reference solution, its secant_slope cell saying whose it is."""
    nb = S.build(assignment, "solution")
    cell = next(c for c in nb.cells if S.grade_id(c) == "secant_slope")
    cell.source = f"# written by {label}\n" + cell.source
    return nbformat.writes(nb)


def author(course: Path, student: str, assignment: str) -> str:
    nb = nbformat.read(
        str(course / "submitted" / student / assignment / f"{assignment}.ipynb"), as_version=4
    )
    cell = next(c for c in nb.cells if S.grade_id(c) == "secant_slope")
    return cell.source.splitlines()[0]


def command(*args: str | Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "autograder", *map(str, args)], capture_output=True, text=True
    )
    print(f"$ autograder {' '.join(map(str, args))}  -> exit {done.returncode}")
    print(done.stdout + done.stderr)


def import_zips(meta: dict, course: Path) -> None:
    assignment = meta["assignment"]
    for number, entries in enumerate(meta["lms_zips"]):
        path = course.parent / f"lms-{number}.zip"
        with zipfile.ZipFile(path, "w") as zf:
            for entry in entries:
                info = zipfile.ZipInfo(
                    entry["entry"], tuple(entry.get("date_time", (2026, 1, 1, 0, 0, 0)))
                )
                zf.writestr(info, labelled(assignment, entry["label"]))
        command("collect-zip", assignment, path, "--course", course)
    for folder in sorted((course / "submitted").iterdir()):
        print(f"{folder.name}: {author(course, folder.name, assignment)}")
    print((course / "lms_ids.csv").read_text())
    with sqlite3.connect(course / "gradebook.db") as db:
        print("gradebook students:", db.execute("select id, lms_user_id from student").fetchall())


def grade_batch(path: Path, meta: dict, course: Path) -> None:
    assignment = meta["assignment"]
    batch = {"attack": S.from_fixture(path)}
    batch |= {f"honest{i}": S.build(assignment, "solution") for i in (1, 2)}
    if "extra_files" in meta:  # files a student submits next to the notebook
        folder = bytes(course / "submitted" / "attack" / assignment)
        Path(folder.decode()).mkdir(parents=True)
        for extra in meta["extra_files"]:
            name = bytes.fromhex(extra["name_hex"])
            if "count" in extra:  # that many empty files in a folder of that name
                Path((folder + b"/" + name).decode()).mkdir()
                for number in range(extra["count"]):
                    Path((folder + b"/" + name).decode(), f"f{number:07d}").touch()
                continue
            with open(folder + b"/" + name, "w") as fh:
                fh.write(extra["text"])
    try:
        results = S.grade_many(assignment, batch, course=course)
    except Exception as exc:  # the batch stopped: show what the instructor sees
        print(f"the batch stopped: {type(exc).__name__}: {exc}")
        command("grade", assignment, "--course", course)
        return
    for student, result in results.items():
        print(f"{student}: {result['score']:g} / {result['max_score']:g}")
        for test, message in result["feedback"].items():
            print(f"    {test}: {message[:700]}")
    command("feedback", assignment, "--course", course)


def main() -> None:
    path = HERE / f"{sys.argv[1].removesuffix('.ipynb')}.ipynb"
    meta = S.fixture_meta(path)
    course = Path(tempfile.mkdtemp(prefix="redteam-")) / "course"
    course.mkdir()
    if "lms_zips" in meta:
        import_zips(meta, course)
    else:
        grade_batch(path, meta, course)
    print(f"course directory: {course}")


if __name__ == "__main__":
    main()
