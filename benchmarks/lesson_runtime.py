"""How long each lesson and solution notebook takes to run headless, top to bottom.

Target: at most 15 s per notebook on a quiet machine (a student's Run All; also what
keeps the test suite and the website build short). Each notebook runs in a fresh
kernel (nbclient) in its own folder, with a throw-away self-check progress file;
the median of ``--repeats`` runs is reported.

    .venv/bin/python -m benchmarks.lesson_runtime [--repeats 3] [--only 05]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tools.clean_notebooks import notebooks

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 15.0


def run_once(path: Path) -> float:
    """Seconds to execute the notebook at ``path`` in a fresh kernel."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", default="", help="run only notebooks whose name contains this")
    args = parser.parse_args(argv)
    paths = [p for p in notebooks([ROOT / "lessons", ROOT / "solutions"]) if args.only in p.name]
    os.environ["MPLBACKEND"] = "Agg"
    print(f"{'notebook':52} {'median s':>9} {'max s':>7}  target {TARGET_S:.0f} s")
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="lesson-runtime-") as scratch:
        os.environ["COURSE_PROGRESS_FILE"] = str(Path(scratch) / "progress.json")
        for path in paths:
            samples = [run_once(path) for _ in range(args.repeats)]
            median = statistics.median(samples)
            worst = max(worst, median)
            flag = "" if median <= TARGET_S else "  OVER TARGET"
            name = str(path.relative_to(ROOT))
            print(f"{name:52} {median:9.1f} {max(samples):7.1f}{flag}", flush=True)
    return 0 if worst <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
