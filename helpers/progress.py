"""Self-check progress, saved in a small JSON file in the learner's folder.

Introduced with the self-checks of lesson 01 and summarised by the course home
(lessons/00-course-home.ipynb). The file is ``.course-progress.json`` in the
current working folder (the lessons/ folder when a lesson runs in Jupyter), or
the path in the ``COURSE_PROGRESS_FILE`` environment variable. A damaged file is
set aside (renamed ``*.damaged``), never a reason for a lesson to fail.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

FILE_NAME = ".course-progress.json"


def progress_path() -> Path:
    override = os.environ.get("COURSE_PROGRESS_FILE")
    return Path(override) if override else Path.cwd() / FILE_NAME


def load(path: Path | None = None) -> dict:
    """{question_id: {"correct": bool, "attempts": int, "time": float}}."""
    path = path or progress_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("answers"), dict):
            return data["answers"]
        raise ValueError("unexpected layout")
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        try:
            path.replace(path.with_name(path.name + ".damaged"))
        except OSError:
            pass
        return {}


def record(question_id: str, correct: bool, path: Path | None = None) -> None:
    """Remember an attempt. A correct answer stays correct once given."""
    path = path or progress_path()
    answers = load(path)
    entry = answers.get(question_id, {"correct": False, "attempts": 0})
    entry["attempts"] = int(entry.get("attempts", 0)) + 1
    entry["correct"] = bool(entry.get("correct")) or bool(correct)
    entry["time"] = time.time()
    answers[question_id] = entry
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # write-then-rename: an interrupted save never leaves half a file
        with tempfile.NamedTemporaryFile(
            "w", dir=path.parent, delete=False, prefix=".progress-", suffix=".tmp", encoding="utf-8"
        ) as tmp:
            json.dump({"version": 1, "answers": answers}, tmp, indent=1, sort_keys=True)
        os.replace(tmp.name, path)
    except OSError:
        pass  # a read-only folder must not break a lesson; progress is a convenience
