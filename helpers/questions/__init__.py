"""The self-check question bank: one module per lesson (``lesson01.py`` ...).

Each module defines ``QUESTIONS``, a list of :class:`helpers.checks.Question`
whose ids start with the lesson number ("01.", "02." ...).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache


@cache
def _bank() -> dict:
    bank = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for question in getattr(module, "QUESTIONS", []):
            if question.id in bank:
                raise ValueError(f"duplicate self-check id {question.id!r}")
            bank[question.id] = question
    return bank


def all_questions():
    """Every question, in lesson order."""
    return list(_bank().values())


def get(question_id: str):
    """A question by id, with the list of ids of its lesson when it is unknown."""
    bank = _bank()
    if question_id not in bank:
        lesson = question_id.split(".", 1)[0]
        near = [q for q in bank if q.startswith(lesson + ".")]
        raise KeyError(
            f"no self-check question {question_id!r}"
            + (f"; this lesson has {near}" if near else "")
        )
    return bank[question_id]
