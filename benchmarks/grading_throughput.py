"""Grading throughput: ``python -m autograder grade`` vs stock serial ``nbgrader autograde``.

Both grade the same class: N students per assignment, cycling through a few
realistic submissions (the reference solution, the unanswered exercise and two
answers with known mistakes from tests/exercises/cases.py). Each run starts from a
fresh copy of the course directory; both commands run as the instructor would
run them (subprocesses, wall-clock time). The scores of every student must be
identical, test by test. Prints the median time of each and the ratio.

    python -m benchmarks.grading_throughput [--students 8] [--repeats 3] [--jobs 2]
                                            [--assignments exercise-01-derivatives ...]

(Run from the repository root with the project's Python. Not a test: the
numbers depend on the machine and on its load.)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from tests.autograder import submissions as S
from tests.exercises.cases import CASES


def class_of(assignment: str, students: int) -> dict:
    mistakes = [c for c in CASES if c.assignment == assignment and not c.correct][:2]
    kinds = [("reference", S.build(assignment, "solution")), ("unanswered", S.released(assignment))]
    kinds += [(c.name, S.build(assignment, "solution", c.replace)) for c in mistakes]
    return {
        f"student{i:03d}-{kinds[i % len(kinds)][0]}": kinds[i % len(kinds)][1]
        for i in range(students)
    }


def prepare(assignment: str, klass: dict, root: Path) -> Path:
    course = root / assignment
    (course / "source" / assignment).mkdir(parents=True)
    shutil.copy(S.SOLUTIONS / assignment / f"{assignment}.ipynb", course / "source" / assignment)
    for student, nb in klass.items():
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / f"{assignment}.ipynb"))
    return course


def run(cmd: list[str], cwd: Path) -> float:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    started = time.monotonic()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    seconds = time.monotonic() - started
    if done.returncode != 0 and "autograder" in " ".join(cmd):
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return seconds


def scores(course: Path, assignment: str, students) -> dict:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for s in students:
            nb = gb.find_submission_notebook(assignment, assignment, s)
            out[s] = {g.name: g.score for g in nb.grades if g.cell_type == "code"}
    return out


def stock(assignment: str, course: Path) -> float:
    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    db = f"sqlite:///{course / 'gradebook.db'}"
    common = [f"--CourseDirectory.root={course}", f"--CourseDirectory.db_url={db}"]
    run([nbgrader, "generate_assignment", assignment, "--force", *common], course)
    return run([nbgrader, "autograde", assignment, "--force", *common], course)


def ours(assignment: str, course: Path, jobs: int) -> float:
    return run(
        [
            sys.executable,
            "-m",
            "autograder",
            "grade",
            assignment,
            "--course",
            str(course),
            "--jobs",
            str(jobs),
        ],
        S.ROOT,
    )


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--students", type=int, default=8, help="students per assignment")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    p.add_argument("--assignments", nargs="*", default=S.ASSIGNMENTS)
    args = p.parse_args(argv)

    classes = {a: class_of(a, args.students) for a in args.assignments}
    n = sum(len(k) for k in classes.values())
    times = {"stock": [], "ours": []}
    per_assignment = {label: {a: [] for a in classes} for label in times}
    for repeat in range(args.repeats):
        for label in ("stock", "ours"):
            with tempfile.TemporaryDirectory(prefix=f"bench-{label}-") as tmp:
                total = 0.0
                graded = {}
                for assignment, klass in classes.items():
                    course = prepare(assignment, klass, Path(tmp))
                    seconds = (
                        stock(assignment, course)
                        if label == "stock"
                        else ours(assignment, course, args.jobs)
                    )
                    per_assignment[label][assignment].append(seconds / len(klass))
                    total += seconds
                    graded[assignment] = scores(course, assignment, klass)
                times[label].append(total)
                if repeat == 0:
                    if label == "stock":
                        reference = graded
                    elif graded != reference:
                        bad = [
                            (a, s)
                            for a in graded
                            for s in graded[a]
                            if graded[a][s] != reference[a][s]
                        ]
                        print(f"SCORES DIFFER for {bad[:5]}", file=sys.stderr)
                        return 1
                print(
                    f"run {repeat + 1}/{args.repeats} {label:5s}: {total:6.1f} s for {n} "
                    f"submissions",
                    flush=True,
                )
    stock_median = statistics.median(times["stock"])
    ours_median = statistics.median(times["ours"])
    print(
        f"\n{n} submissions ({args.students} per assignment: {', '.join(args.assignments)}), "
        f"{args.repeats} runs, {os.cpu_count()} CPUs, jobs={args.jobs}"
    )
    print(
        f"stock nbgrader autograde (serial): median {stock_median:6.1f} s  "
        f"({n / stock_median:.2f} submissions/s)"
    )
    print(
        f"python -m autograder grade       : median {ours_median:6.1f} s  "
        f"({n / ours_median:.2f} submissions/s)"
    )
    print(
        f"throughput ratio (ours / stock)  : {stock_median / ours_median:.2f}x   "
        "(same scores, test by test)"
    )
    print("\n| assignment | stock s/notebook | ours s/notebook | ratio |\n|---|---|---|---|")
    for assignment in classes:
        st = statistics.median(per_assignment["stock"][assignment])
        ou = statistics.median(per_assignment["ours"][assignment])
        print(f"| {assignment} | {st:.2f} | {ou:.2f} | {st / ou:.1f}x |")
    print(
        f"| all | {stock_median / n:.2f} | {ours_median / n:.2f} | "
        f"{stock_median / ours_median:.1f}x |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
