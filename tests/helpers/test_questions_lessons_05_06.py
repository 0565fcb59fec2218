"""The self-checks of lessons 05 and 06: right answers pass in equivalent forms, known
mistakes get their own explanation, and the numbers agree with a computation."""

import numpy as np
import pytest

from helpers.checks import check
from helpers.questions import get
from helpers.questions.lesson05 import QUESTIONS as Q05
from helpers.questions.lesson06 import QUESTIONS as Q06


@pytest.mark.parametrize("question", Q05 + Q06, ids=lambda q: q.id)
def test_answer_passes_and_every_mistake_is_recognised(question):
    assert question.id.startswith(("05.", "06.")) and get(question.id) is question
    assert question.grade(question.answer).correct is True
    for wrong, why in question.mistakes:
        result = question.grade(wrong)
        assert result.correct is False, (question.id, wrong)
        assert why in result.message  # the specific explanation, not just "wrong"
        assert question.explanation in result.message
    assert question.lesson_link in ("05-gradient-descent.ipynb", "06-vectorized-gradients.ipynb")


def _x2_3y2_step(w, lr=0.1):
    w = np.asarray(w, dtype=float)
    return w - lr * np.array([2 * w[0], 6 * w[1]])


def test_numbers_agree_with_a_computation():
    w2 = _x2_3y2_step(_x2_3y2_step([4, 3]))
    assert check("05.loss-after-step-1", w2[0] ** 2 + 3 * w2[1] ** 2).correct
    assert check("05.one-step", np.array([2, 3]) - 0.1 * np.array([2, -4])).correct
    assert check("06.delta-w", -0.1 * np.array([2, -3, 1])).correct
    X, y, w = np.ones((100, 5)), np.zeros(100), np.zeros(5)
    assert check("06.gradient-shape", (2 / 100 * X.T @ (X @ w - y)).shape).correct
    assert check("06.residual-shape", (X @ w - y).shape).correct
    assert check("05.first-diverging-lr", 2 / 6).correct
    assert check("06.max-stable-lr", 2 / 8).correct


@pytest.mark.parametrize(
    "qid, given",
    [
        ("05.first-diverging-lr", "1/3"),
        ("05.first-diverging-lr", 0.3333),
        ("05.best-lr", "1/4"),
        ("05.one-step", "[1.8, 3.4]"),
        ("05.one-step", "1.8, 3.4"),
        ("06.gradient-shape", "(5,)"),
        ("06.gradient-shape", 5),
        ("06.residual-shape", [100]),
        ("05.predict-lr-0.3", "Zig-zag but converge"),
        ("06.delta-w", "-0.2, 0.3, -0.1"),
    ],
)
def test_equivalent_forms_are_accepted(qid, given):
    assert check(qid, given).correct


@pytest.mark.parametrize(
    "qid, given",
    [
        ("05.first-diverging-lr", 0.4),
        ("05.loss-after-step-1", 7.3),
        ("06.gradient-shape", (100,)),
        ("05.predict-lr-0.3", "diverge"),
        ("06.delta-w", [0.2, -0.3, 0.1]),
        ("05.one-step", [1.8, 3.4, 0]),
    ],
)
def test_wrong_answers_are_rejected(qid, given):
    assert check(qid, given).correct is False


def test_unanswered_placeholder_is_not_graded():
    assert check("05.loss-after-step-1", ...).correct is None
