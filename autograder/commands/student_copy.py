"""``python -m autograder student-copy OUT``: the course without its answers.

Copies what a class needs (lessons, exercises, the helper and autograder
packages, setup and Binder files, tools) and leaves out ``solutions/``, the test
suite (it holds reference implementations), benchmarks and anything private.
The copy is then scanned: if any solution or hidden-test marker slipped in, the
copy is deleted and the command fails. In the copy, ``check`` grades with the
visible tests only and says so.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import TextIO

from autograder import config as cfg
from autograder.errors import EXIT_OK, BadInput, NotCompleted

NAME = "student-copy"
SUMMARY = "make a copy of the course for students (no answers)"
EPILOG = """\
example:
  python -m autograder student-copy ../calc101-student
Copies lessons/, exercises/, data/, helpers/, autograder/, docs and setup files; leaves out
solutions/, tests/ and benchmarks/, and refuses to finish if any solution or hidden-test
text slipped in. In the copy, `check` runs the visible tests only and says so."""

# what a class needs, relative to the repository root (a test checks each one exists)
INCLUDE = [
    "lessons",
    "exercises",
    "data",
    "helpers",
    "autograder",
    "tools",
    "docs",
    "README.md",
    "LICENSE",
    "CONTRIBUTING.md",
    "pyproject.toml",
    "environment.yml",
    "postBuild",
    "Makefile",
    ".gitignore",
]
IGNORE = shutil.ignore_patterns(
    "__pycache__", "*.pyc", ".ipynb_checkpoints", ".course-progress.json", "*.egg-info"
)
MARKERS = ("### BEGIN HIDDEN TESTS", "### BEGIN SOLUTION", "BEGIN HIDDEN TESTS")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", metavar="OUT", help="a new or empty directory")


def run(args: argparse.Namespace) -> int:
    student_copy(args.out, sys.stdout)
    return EXIT_OK


def student_copy(destination: str | Path, out_stream: TextIO | None = None) -> Path:
    """Copy the course without solutions and hidden tests to ``destination``."""
    out = Path(destination).expanduser().resolve()
    root = cfg.REPO_ROOT
    if out == root or root in out.parents and out.parts[len(root.parts)] in ("solutions",):
        raise BadInput(f"{out} is inside the course itself; choose another directory")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BadInput(f"{out} already exists and is not empty")
    if not (root / "exercises").is_dir():
        raise BadInput(f"{root}/exercises is missing: run `python -m autograder release` first")
    out.mkdir(parents=True, exist_ok=True)
    copied = []
    for name in INCLUDE:
        src = root / name
        if src.is_dir():
            shutil.copytree(src, out / name, ignore=IGNORE)
            copied.append(name + "/")
        elif src.is_file():
            shutil.copy2(src, out / name)
            copied.append(name)
    leaks = [
        p
        for p in out.rglob("*")
        if p.is_file()
        and p.suffix in (".ipynb", ".py", ".md")
        and any(m in p.read_text(errors="replace") for m in MARKERS)
        and not _is_tooling(p, out)
    ]
    if leaks:
        shutil.rmtree(out)
        raise NotCompleted(
            f"solution or hidden-test text found in {leaks[0].relative_to(out)}; no copy was made"
        )
    if out_stream is not None:
        print(
            f"student copy written to {out} ({', '.join(copied)}); no solutions/, no hidden "
            "tests: `python -m autograder check` there runs the visible tests only",
            file=out_stream,
        )
    return out


def _is_tooling(path: Path, out: Path) -> bool:
    """Grading code that names the markers (it does not contain any answer)."""
    rel = path.relative_to(out).parts
    return rel[0] in ("autograder", "tools") and path.suffix == ".py"
