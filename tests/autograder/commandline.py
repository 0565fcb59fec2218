"""Run ``python -m autograder`` as a user would, and check its one-line errors."""

from __future__ import annotations

import subprocess
import sys

from tests.autograder.submissions import ROOT


def run(*args, cwd=None, env=None):
    """``python -m autograder ARGS`` in a subprocess (from the repository root)."""
    done = subprocess.run(
        [sys.executable, "-m", "autograder", *map(str, args)],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    return done


def assert_one_line_error(done, code=None):
    """A failed command printed exactly one ``error:`` line, last, and no traceback (a
    note before it, e.g. that the course's configuration was written, is allowed)."""
    assert done.returncode != 0
    if code is not None:
        assert done.returncode == code, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert [line for line in lines if line.startswith("error")] == lines[-1:], done.stderr
    assert lines[-1].startswith("error: ")
    assert "Traceback" not in done.stderr + done.stdout
