"""Binder's environment rebuilt as faithfully as this machine allows, then used.

A fresh virtualenv gets exactly the pip section of environment.yml, then the
repository's postBuild runs in a copy of the working tree, as on Binder. In it every
lesson executes, and ``python -m autograder check`` grades exercises with no
bubblewrap on PATH (Binder has none) and reports as a learner would see it.

Two departures from Binder, forced by the machine: conda is not here (the venv uses
this Python 3.11, the version environment.yml asks for), and PyTorch's CPU wheel index
is not reachable, so ``torch==2.13.0+cpu`` from that index becomes ``torch==2.13.0``,
the CPU build this machine's package index serves. pip's cache is reused.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import course as manifest
from tools.site import HOME, ROOT

pytestmark = [pytest.mark.notebooks, pytest.mark.grading]

INSTALL_TIMEOUT_S = 1800  # hang guards, far above a quiet machine's minutes
RUN_TIMEOUT_S = 900
EXERCISES = ("exercise-01-derivatives", "exercise-02-gradient-descent", "exercise-03-autograd")


def binder_pip_requirements() -> list[str]:
    """environment.yml's pip section, with the two substitutions this machine needs."""
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    requirements = []
    for line in pip_section:
        if line.startswith("--extra-index-url"):
            assert line.endswith("download.pytorch.org/whl/cpu")  # Binder: CPU wheels only
            continue
        requirements.append("torch==2.13.0" if line == "torch==2.13.0+cpu" else line)
    assert "torch==2.13.0" in requirements and len(requirements) == len(pip_section) - 1
    return requirements


def working_tree_copy(destination: Path) -> Path:
    """The repository as committed plus uncommitted changes, without ignored files."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
            target.chmod(source.stat().st_mode)
    return destination


def path_without(program: str, bin_dir: Path, path: str) -> str:
    """A PATH with every program on ``path`` except ``program`` (linked into ``bin_dir``)."""
    bin_dir.mkdir()
    for folder in path.split(os.pathsep):
        if not os.path.isdir(folder):
            continue
        for entry in os.scandir(folder):
            link = bin_dir / entry.name
            if entry.name != program and not link.exists() and not link.is_symlink():
                link.symlink_to(entry.path)
    return str(bin_dir)


@pytest.fixture(scope="module")
def binder(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("binder")
    repo = working_tree_copy(scratch / "repo")
    venv = scratch / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    requirements = scratch / "requirements.txt"
    requirements.write_text("\n".join(binder_pip_requirements()) + "\n")
    install = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "-r", str(requirements)],
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT_S,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    env = dict(
        os.environ,
        # the venv's own bin first: a link to its python from elsewhere would not find the
        # venv (Python looks for pyvenv.cfg beside the program it was started as)
        PATH=os.pathsep.join(
            [str(venv / "bin"), path_without("bwrap", scratch / "bin", os.environ["PATH"])]
        ),
        VIRTUAL_ENV=str(venv),
        JUPYTER_DATA_DIR=str(scratch / "jupyter-data"),  # no kernels from the user's folders
        JUPYTER_CONFIG_DIR=str(scratch / "jupyter-config"),
        COURSE_PROGRESS_FILE=str(scratch / "progress.json"),
        MPLBACKEND="Agg",
    )
    env.pop("PYTHONPATH", None)
    post_build = subprocess.run(
        ["bash", "postBuild"], cwd=repo, env=env, capture_output=True, text=True, timeout=600
    )
    assert post_build.returncode == 0, post_build.stdout[-2000:] + post_build.stderr[-3000:]
    return repo, venv, env


def run(command: list[str], binder, timeout: float = RUN_TIMEOUT_S):
    repo, _, env = binder
    return subprocess.run(
        command, cwd=repo, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_the_environment_is_the_pinned_cpu_one_without_bubblewrap(binder):
    repo, venv, env = binder
    assert run(["sh", "-c", "command -v bwrap"], binder).returncode != 0
    listed = run([str(venv / "bin" / "pip"), "list", "--format=json"], binder)
    installed = {p["name"].lower(): p["version"] for p in json.loads(listed.stdout)}
    assert installed["torch"].split("+")[0] == "2.13.0"
    assert not [name for name in installed if name.startswith("nvidia")], "CUDA packages pulled in"
    assert installed["jupyterlab"] == "4.6.6"
    # postBuild installed the course's packages from this copy and hid the instructor tools
    where = run(["python", "-c", "import helpers, autograder; print(helpers.__file__)"], binder)
    assert where.stdout.strip().startswith(str(repo))
    listed = run(["jupyter", "server", "extension", "list"], binder)
    status = [
        re.sub(r"\x1b\[[0-9;]*m", "", line).split()
        for line in (listed.stdout + listed.stderr).splitlines()
    ]
    assert ["nbgrader.server_extensions.formgrader", "disabled"] in status


def test_every_lesson_runs_in_binders_environment(binder):
    repo, _, _ = binder
    lessons = sorted(str(p.relative_to(repo)) for p in (repo / "lessons").glob("*.ipynb"))
    # every lesson of the manifest, the course home and the glossary
    expected = [f"lessons/{lesson.file}" for lesson in manifest.LESSONS]
    assert sorted(expected + [HOME, "lessons/99-glossary.ipynb"]) == lessons
    done = run(["jupyter", "execute", "--timeout=300", *lessons], binder)
    assert done.returncode == 0, done.stderr[-4000:]
    for lesson in lessons:
        assert f"Executing {lesson}" in done.stderr


def test_autograder_check_reports_without_bubblewrap(binder):
    student = run(
        [
            "python",
            "-m",
            "autograder",
            "check",
            "--json",
            f"exercises/{EXERCISES[0]}/{EXERCISES[0]}.ipynb",
        ],
        binder,
    )
    assert student.returncode == 0, student.stderr[-3000:]
    assert "bubblewrap (bwrap) is not available" in student.stderr
    report = json.loads(student.stdout)
    assert report["assignment"] == EXERCISES[0]
    assert report["score"] == 0 and report["max_score"] == 24
    assert report["tests"] and all("NotImplementedError" in t["feedback"] for t in report["tests"])
    for exercise in EXERCISES:  # the instructors' solutions get full marks there too
        solved = run(
            [
                "python",
                "-m",
                "autograder",
                "check",
                "--json",
                f"solutions/{exercise}/{exercise}.ipynb",
            ],
            binder,
        )
        assert solved.returncode == 0, solved.stderr[-3000:]
        report = json.loads(solved.stdout)
        assert report["score"] == report["max_score"] > 0, report
