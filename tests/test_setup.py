"""The README's two commands, as written, and CI's entry point."""

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser.lab import _free_port
from tools import student_mode

ROOT = Path(__file__).resolve().parents[1]


def test_readme_first_screen_has_the_two_commands_and_binder():
    first_screen = "\n".join((ROOT / "README.md").read_text().splitlines()[:40])
    assert "make lab" in first_screen and "make test" in first_screen
    assert "mybinder.org" in first_screen


def test_readme_links_point_to_existing_files():
    import re

    text = (ROOT / "README.md").read_text()
    for target in re.findall(r"\]\(((?:lessons|exercises|docs)/[^)#?]+|CONTRIBUTING\.md)\)", text):
        assert (ROOT / target).exists(), f"README links to missing {target}"


def test_ci_runs_make_test():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "set -euo pipefail" in ci
    assert "chromium" in ci


def _terminal_processes(rc: str) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and rc in (entry / "cmdline").read_bytes().decode():
                found.add(int(entry.name))
        except OSError:
            continue
    return found


def _assert_terminal_uses_the_course_shell(port: int) -> None:
    """A terminal opened in the server that make lab started runs the course's shell setup."""
    rc = str((ROOT / ".venv" / "etc" / "jupyter" / "course-terminal.bashrc").resolve())
    before = _terminal_processes(rc)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/terminals",
        method="POST",
        headers={"Authorization": "token t0"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        name = json.loads(response.read())["name"]
    try:
        deadline = time.monotonic() + 30
        while not _terminal_processes(rc) - before and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _terminal_processes(rc) - before, "the terminal did not start the course's shell"
    finally:
        delete = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/terminals/{name}",
            method="DELETE",
            headers={"Authorization": "token t0"},
        )
        urllib.request.urlopen(delete, timeout=10).close()


def test_make_lab_serves_the_course_home():
    port = _free_port()
    process = subprocess.Popen(
        ["make", "lab", f"ARGS=--no-browser --port={port} --IdentityProvider.token=t0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=dict(os.environ, JUPYTER_RUNTIME_DIR="/tmp/make-lab-test"),
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read().decode()[-2000:]
            try:
                # served from the repository root, so lessons can link to ../exercises/
                for path in (
                    "lessons/00-course-home.ipynb",
                    "exercises/exercise-01-derivatives/exercise-01-derivatives.ipynb",
                ):
                    with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/api/contents/{path}?token=t0&content=0", timeout=2
                    ) as response:
                        assert response.status == 200
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/?token=t0", timeout=2
                ) as response:
                    assert (
                        response.url.endswith("/lab/tree/lessons/00-course-home.ipynb")
                        or "00-course-home" in response.url
                    ), response.url
                _assert_terminal_uses_the_course_shell(port)
                return
            except urllib.error.HTTPError as error:  # the server answers, but not with the course
                raise AssertionError(
                    f"make lab serves the wrong root: {error.url} -> HTTP {error.code}"
                ) from None
            except OSError:  # not listening yet
                time.sleep(0.5)
        raise AssertionError("make lab did not serve the course within 90 s")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(20)


def _run_shell(command, home, path, script):
    env = {"HOME": str(home), "PATH": path, "TERM": "dumb", "LANG": "C.UTF-8"}
    done = subprocess.run(
        command, input=script, env=env, capture_output=True, text=True, timeout=60
    )
    return done.stdout.split()


def test_terminal_keeps_the_course_python_first_when_bashrc_activates_another(tmp_path):

    if shutil.which("bash") is None:
        pytest.skip("no bash on this machine")
    prefix = tmp_path / "course-env"  # stands for .venv (or Binder's environment)
    (prefix / "bin").mkdir(parents=True)
    (prefix / "bin" / "python").write_text("#!/bin/sh\necho the-course-python\n")
    (prefix / "bin" / "python").chmod(0o755)
    command = student_mode.configure_terminal(prefix)
    config = json.loads((prefix / "etc" / "jupyter" / "jupyter_server_config.json").read_text())
    assert config["ServerApp"]["terminado_settings"]["shell_command"] == command

    # a HOME whose .bashrc activates another Python, as conda and pyenv do: on PATH at start-up
    # and again before every prompt (pyenv-virtualenv's hook); .profile reads .bashrc, as on Debian
    home = tmp_path / "home"
    other = home / "other-python" / "bin"
    other.mkdir(parents=True)
    (other / "python").write_text("#!/bin/sh\necho the-other-python\n")
    (other / "python").chmod(0o755)
    (home / ".bashrc").write_text(
        f'export PATH="{other}:$PATH"\nPROMPT_COMMAND=\'export PATH="{other}:$PATH"\'\n'
        "export SET_BY_BASHRC=yes\n"
    )
    (home / ".profile").write_text('. "$HOME/.bashrc"\n')
    path = f"{prefix / 'bin'}:/usr/bin:/bin"  # how make lab starts the server: the venv first
    script = 'command -v python\npython\necho "bashrc-ran:$SET_BY_BASHRC"\nexit\n'

    # JupyterLab's default terminal, a login shell: the other Python wins (the reported bug)
    assert _run_shell(["bash", "-l", "-i"], home, path, script) == [
        str(other / "python"),
        "the-other-python",
        "bashrc-ran:yes",
    ]
    # the course's terminal: ~/.bashrc still runs, but the course's Python comes first
    assert _run_shell(command, home, path, script) == [
        str(prefix.resolve() / "bin" / "python"),
        "the-course-python",
        "bashrc-ran:yes",
    ]


def test_configuring_the_terminal_keeps_other_server_settings(tmp_path):

    etc = tmp_path / "etc" / "jupyter"
    etc.mkdir(parents=True)
    (etc / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"iopub_data_rate_limit": 1e9}, "Other": {"x": 1}})
    )
    command = student_mode.configure_terminal(tmp_path)
    config = json.loads((etc / "jupyter_server_config.json").read_text())
    assert config["Other"] == {"x": 1} and config["ServerApp"]["iopub_data_rate_limit"] == 1e9
    if shutil.which("bash"):
        assert config["ServerApp"]["terminado_settings"]["shell_command"] == command
        assert command[1:] == ["--rcfile", str((etc / "course-terminal.bashrc").resolve()), "-i"]
