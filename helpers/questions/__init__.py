"""The self-check question bank: one module per lesson (``lesson01.py`` ...).

Each module defines ``QUESTIONS``, a list of :class:`helpers.questions.model.Question`
whose ids start with the lesson's key ("01.", "02." ...; see :mod:`helpers.course`).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from helpers.questions.model import Question


@cache
def _bank() -> dict[str, Question]:
    bank: dict[str, Question] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("lesson"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for question in module.QUESTIONS:
            if question.id in bank:
                raise ValueError(f"duplicate self-check id {question.id!r}")
            if not question.id.startswith(info.name.removeprefix("lesson") + "."):
                raise ValueError(f"{question.id!r} is in {info.name}.py: wrong lesson prefix")
            bank[question.id] = question
    return bank


def all_questions() -> list[Question]:
    """Every question, in lesson order."""
    return list(_bank().values())


def get(question_id: str) -> Question:
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
