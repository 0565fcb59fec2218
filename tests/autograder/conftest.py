"""What the grader's tests share: the repository root and the bubblewrap requirement."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Grading tests need bubblewrap. On a developer's machine without it they are skipped
# with the reason; under CI (which installs it) a missing bwrap fails them instead.
requires_bwrap = pytest.mark.skipif(
    not shutil.which("bwrap") and not os.environ.get("CI"),
    reason="needs bubblewrap (apt-get install bubblewrap)",
)
