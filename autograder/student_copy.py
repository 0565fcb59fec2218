"""``python -m autograder student-copy OUT``: the course without its answers.

Copies what a class needs (lessons, exercises, the helper and autograder
packages, setup and Binder files, tools) and leaves out ``solutions/``, the test
suite (it holds reference implementations), benchmarks and anything private.
The copy is then scanned: if any solution or hidden-test marker slipped in, the
copy is deleted and the command fails. In the copy, ``check`` grades with the
visible tests only and says so.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from autograder import config as cfg
from autograder.course import UserError

INCLUDE = [
    "lessons",
    "exercises",
    "helpers",
    "autograder",
    "tools",
    "binder",
    "README.md",
    "LICENSE",
    "CONTRIBUTING.md",
    "pyproject.toml",
    "environment.yml",
    "postBuild",
    "Makefile",
    ".gitignore",
    "apt.txt",
    "runtime.txt",
    "docs",
]
IGNORE = shutil.ignore_patterns(
    "__pycache__", "*.pyc", ".ipynb_checkpoints", ".course-progress.json", "*.egg-info"
)
MARKERS = ("### BEGIN HIDDEN TESTS", "### BEGIN SOLUTION", "BEGIN HIDDEN TESTS")


def student_copy(out, out_stream=None) -> Path:
    out = Path(out).expanduser().resolve()
    root = cfg.REPO_ROOT
    if out == root or root in out.parents and out.parts[len(root.parts)] in ("solutions",):
        raise UserError(f"{out} is inside the course itself; choose another directory")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UserError(f"{out} already exists and is not empty")
    if not (root / "exercises").is_dir():
        raise UserError(f"{root}/exercises is missing: run `python -m autograder release` first")
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
        raise UserError(
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
