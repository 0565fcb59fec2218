"""The README's two commands, as written, and CI's entry point."""

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.browser.lab import _free_port

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
