"""Stage the website's sources under ``site/``: every lesson executed, the exercises as
students get them.

Only the folders in ``PUBLISHED`` are copied, so solutions, hidden tests and the test
suite cannot reach the site. Lessons run headless (nbclient) in their staged folder,
with a throw-away self-check progress file, so the course home shows a fresh learner's
table and no builder's progress. Exercises are copied unexecuted: their answer cells
raise ``NotImplementedError`` until a student fills them in.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from tools.clean_notebooks import notebooks
from tools.site import PUBLISHED, ROOT, SITE

CELL_TIMEOUT_S = 300  # a hang guard, far above any lesson's cells on a quiet machine


class LessonFailed(Exception):
    """A lesson raised while executing; the site would show an error, so it is not built."""


def execute(path: Path, progress_file: Path) -> float:
    """Execute the notebook at ``path`` in place (in its folder); return the seconds taken."""
    nb = nbformat.read(path, as_version=4)
    os.environ["COURSE_PROGRESS_FILE"] = str(progress_file)
    os.environ["MPLBACKEND"] = "Agg"
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as error:
        raise LessonFailed(f"{path.relative_to(SITE)}: {str(error).splitlines()[-1]}") from None
    nbformat.write(nb, path)
    return time.perf_counter() - start


def stage(root: Path = ROOT, site: Path = SITE) -> list[Path]:
    """Copy the published folders from ``root`` into ``site`` and execute the lessons."""
    for folder in PUBLISHED:
        shutil.rmtree(site / folder, ignore_errors=True)
        shutil.copytree(
            root / folder, site / folder, ignore=shutil.ignore_patterns(".*", "__pycache__")
        )
    lessons = notebooks([site / "lessons"])
    with tempfile.TemporaryDirectory(prefix="site-progress-") as scratch:
        for index, path in enumerate(lessons, 1):
            seconds = execute(path, Path(scratch) / "progress.json")
            print(f"[{index}/{len(lessons)}] executed {path.relative_to(site)} in {seconds:.1f} s")
    return lessons


def main() -> int:
    try:
        stage()
    except LessonFailed as error:
        print(f"error: a lesson failed to execute: {error}", file=sys.stderr)
        return 1
    return 0
