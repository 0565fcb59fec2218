"""Shared fixtures. Tests never write to the learner's progress file."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _isolated_progress(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))


def pytest_report_header(config):
    return f"course root: {ROOT}; CI={os.environ.get('CI', '')}"
