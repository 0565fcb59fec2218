"""The course website, built once per test session with ``make site``.

The build runs in a network namespace with only the loopback interface up whenever
the machine allows it (root, as on CI): that proves the site builds offline once the
packages are installed. ``make env`` runs first, outside, since installing needs PyPI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tools.site import HTML, ROOT

BUILD_TIMEOUT_S = 1800  # a hang guard: the build takes about 1.5 min on a quiet machine


@dataclass
class BuiltSite:
    html: Path
    offline: bool  # built with no network but the loopback interface
    log: str


def _network_isolation() -> list[str] | None:
    """The command prefix that runs a command without network, if this machine allows it."""
    if os.geteuid() != 0 or not (shutil.which("unshare") and shutil.which("ip")):
        return None
    probe = subprocess.run(
        ["unshare", "--net", "ip", "link", "set", "lo", "up"], capture_output=True
    )
    return (
        ["unshare", "--net", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"]
        if probe.returncode == 0
        else None
    )


@pytest.fixture(scope="session")
def built_site() -> BuiltSite:
    subprocess.run(["make", "env"], cwd=ROOT, check=True, capture_output=True)
    isolation = _network_isolation()
    done = subprocess.run(
        [*(isolation or []), "make", "site"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
    )
    log = done.stdout + done.stderr
    assert done.returncode == 0, f"make site failed:\n{log[-4000:]}"
    return BuiltSite(html=HTML, offline=isolation is not None, log=log)
