"""Grading throughput: stock serial ``nbgrader autograde`` against ``python -m autograder
grade`` in this process (``--jobs 1``), on the local Dask cluster (``--jobs N``) and on a
running Dask cluster (``--scheduler``, a ``dask scheduler`` and ``dask worker`` processes
started here on 127.0.0.1), in one run.

Each assignment's class has N students cycling through realistic submissions (the
reference solution, the unanswered exercise, two answers with known mistakes from
tests/exercises/cases.py) plus one runaway whose first function loops forever. Every
run starts from a fresh copy of the course directory (so each of ours also times the
reference solution once, for the call budgets) and runs the command as the instructor
would (a subprocess, wall-clock time). The scores of every student must be identical to
stock nbgrader's, test by test. Then:

- a scaling table: submissions per minute against the number of local workers;
- the per-submission overhead: the time a task takes on its worker minus the time the
  engine spends running the notebook (student cells and tests), from an in-process run;
- a projection to 1,000 students, with its assumptions.

    python -m benchmarks.grading_throughput [--students 40] [--repeats 1]
                                            [--assignments exercise-02-gradient-descent ...]

(Run from the repository root with the project's Python. Not a test: the numbers
depend on the machine and on its load.)
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from tests.autograder import servers
from tests.autograder import submissions as S
from tests.exercises.cases import CASES


def runaway(assignment: str):
    """The reference solution, except its first function loops forever."""
    name, code = next(iter(S.solution_code(assignment).items()))
    signature = next(line for line in code.splitlines() if line.startswith("def "))
    return S.build(assignment, "solution", {name: f"{signature}\n    while True:\n        pass"})


def class_of(assignment: str, students: int) -> dict:
    mistakes = [c for c in CASES if c.assignment == assignment and not c.correct and c.stock_alike][
        :2
    ]
    kinds = [("reference", S.build(assignment, "solution")), ("unanswered", S.released(assignment))]
    kinds += [(c.name, S.build(assignment, "solution", c.replace)) for c in mistakes]
    klass = {
        f"student{i:03d}-{kinds[i % len(kinds)][0]}": kinds[i % len(kinds)][1]
        for i in range(students - 1)
    }
    klass["student999-runaway"] = runaway(assignment)
    return klass


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


def ours(assignment: str, course: Path, *options: str) -> float:
    grade = [sys.executable, "-m", "autograder", "grade", assignment, "--course", str(course)]
    return run([*grade, *options], S.ROOT)


def overhead(assignment: str, klass: dict, root: Path) -> list[tuple[float, float]]:
    """(task seconds, engine seconds) of every submission graded in this process."""
    from autograder.commands.grade import grade

    course = prepare(assignment, klass, root / "overhead")
    results = grade(assignment, course, jobs=1, out=io.StringIO(), progress_stream=io.StringIO())
    return [(r["seconds"], r["engine_seconds"]) for r in results if r["success"]]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--students", type=int, default=40, help="students per assignment")
    p.add_argument("--repeats", type=int, default=1)
    p.add_argument("--assignments", nargs="*", default=S.ASSIGNMENTS)
    args = p.parse_args(argv)
    cores = os.cpu_count() or 1

    classes = {a: class_of(a, args.students) for a in args.assignments}
    n = sum(len(k) for k in classes.values())
    labels = ["stock"] + [f"jobs{j}" for j in range(1, cores + 1)] + ["scheduler"]
    times: dict[str, list[float]] = {label: [] for label in labels}
    per_assignment: dict[str, dict[str, list[float]]] = {
        label: {a: [] for a in classes} for label in labels
    }
    reference: dict = {}
    differ: list = []
    with servers.dask_cluster(workers=cores) as dask:
        for repeat in range(args.repeats):
            for label in labels:
                with tempfile.TemporaryDirectory(prefix=f"bench-{label}-") as tmp:
                    total = 0.0
                    for assignment, klass in classes.items():
                        course = prepare(assignment, klass, Path(tmp))
                        if label == "stock":
                            seconds = stock(assignment, course)
                        elif label == "scheduler":
                            seconds = ours(assignment, course, "--scheduler", dask.address)
                        else:
                            seconds = ours(assignment, course, "--jobs", label[len("jobs") :])
                        total += seconds
                        per_assignment[label][assignment].append(seconds)
                        graded = scores(course, assignment, klass)
                        if label == "stock" and repeat == 0:
                            reference[assignment] = graded
                        elif repeat == 0:
                            differ += [
                                (label, assignment, s)
                                for s in klass
                                if graded[s] != reference[assignment][s]
                            ]
                    times[label].append(total)
                    print(f"run {repeat + 1}/{args.repeats} {label:9s}: {total:6.1f} s", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-overhead-") as tmp:
        pairs = [pair for a, k in classes.items() for pair in overhead(a, k, Path(tmp))]

    median = {label: statistics.median(t) for label, t in times.items()}
    honest_differ = [d for d in differ if "runaway" not in d[2]]
    names = {
        "stock": "stock nbgrader autograde (serial)",
        "scheduler": f"grade --scheduler ({cores} dask workers)",
        **{
            f"jobs{j}": f"grade --jobs {j}" + (" (in-process)" if j == 1 else " (local Dask)")
            for j in range(1, cores + 1)
        },
    }
    print(
        f"\n{n} submissions ({args.students} per assignment, one runaway each: "
        f"{', '.join(args.assignments)}), {args.repeats} run(s), {cores} CPUs, "
        f"load average at the end {os.getloadavg()[0]:.1f}"
    )
    print("\n| command | median s | submissions/min | vs stock |\n|---|---|---|---|")
    for label in labels:
        print(
            f"| {names[label]} | {median[label]:.1f} | {60 * n / median[label]:.1f} | "
            f"{median['stock'] / median[label]:.2f}x |"
        )
    print("\n| assignment | " + " | ".join(names[label] for label in labels) + " |")
    print("|---" * (len(labels) + 1) + "|")
    for assignment in classes:
        cells = [statistics.median(per_assignment[label][assignment]) for label in labels]
        print(f"| {assignment} (s) | " + " | ".join(f"{c:.1f}" for c in cells) + " |")
    print(
        f"\nscores identical to stock nbgrader, test by test: honest submissions "
        f"{'yes' if not honest_differ else 'NO ' + str(honest_differ[:5])}; runaways "
        f"{'yes' if len(differ) == len(honest_differ) else 'differ: ' + str(differ[:5])}"
    )
    print("\nscaling (local workers):\n| workers | submissions/min | speed-up |\n|---|---|---|")
    for j in range(1, cores + 1):
        rate = 60 * n / median[f"jobs{j}"]
        print(f"| {j} | {rate:.1f} | {median['jobs1'] / median[f'jobs{j}']:.2f}x |")
    task = statistics.median(t for t, _ in pairs)
    engine = statistics.median(e for _, e in pairs)
    over = statistics.median(t - e for t, e in pairs)
    print(
        f"\nper-submission overhead (task on its worker minus running the notebook), median of "
        f"{len(pairs)}: {over:.3f} s  (task {task:.3f} s, engine {engine:.3f} s)"
    )
    rate1 = n / median["jobs1"]  # submissions per second with one worker, start-up included
    efficiency = (n / median[f"jobs{cores}"]) / (cores * rate1)
    print(
        f"\nprojection to 1,000 students (one assignment of this mix) with W workers: "
        f"1000 / ({60 * rate1:.1f} submissions/min x W x efficiency) minutes"
    )
    print("| workers | linear scaling (min) | at the efficiency measured here (min) |")
    print("|---|---|---|")
    for workers in sorted({cores, 8, 32, 64}):
        linear = 1000 / (rate1 * workers) / 60
        print(f"| {workers} | {linear:.1f} | {linear / efficiency:.1f} |")
    print(
        f"assumptions: the class mix above (1 runaway in {args.students}); one worker's rate "
        f"as measured with --jobs 1 (start-up included); each worker has a core of its own "
        f"(the measured efficiency, {efficiency:.2f} with {cores} local workers, is what this "
        "machine gave with the client, the scheduler and other work sharing its cores); the "
        "client writes each result in one short transaction, far below a worker's rate; "
        "PostgreSQL rather than SQLite for several machines; every worker warm (its sandbox "
        "started), so a few seconds of start-up per worker come on top."
    )
    return 1 if honest_differ else 0


if __name__ == "__main__":
    sys.exit(main())
