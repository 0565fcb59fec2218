"""The self-checks of lessons 07 and 08: right answers pass, each known mistake gets its own reason,
and every answer agrees with the code it is about."""

import numpy as np
import pytest

from helpers.failures import clip_by_norm, train
from helpers.questions import get
from helpers.questions.lesson07 import QUESTIONS as Q07
from helpers.questions.lesson08 import QUESTIONS as Q08


@pytest.mark.parametrize("question", Q07 + Q08, ids=lambda q: q.id)
def test_answer_passes_and_each_mistake_is_explained(question):
    assert get(question.id) is question
    assert question.grade(question.answer).correct is True
    assert question.lesson_link.startswith(question.id[:2] + "-")
    for wrong, why in question.mistakes:
        result = question.grade(wrong)
        assert result.correct is False, (question.id, wrong)
        assert why in result.message
    if question.kind == "choice":
        explained = {wrong for wrong, _ in question.mistakes}
        assert explained == set(question.options) - {question.answer}


def test_autograd_answers_match_pytorch():
    torch = pytest.importorskip("torch")
    w = torch.tensor([4.0, 3.0], requires_grad=True)
    for calls in (1, 2, 3):
        (w[0] ** 2 + 3 * w[1] ** 2).backward()
        expected = {1: "07.grad-at-4-3", 2: "07.grad-twice", 3: "08.grad-three-backwards"}[calls]
        assert get(expected).grade(w.grad.tolist()).correct
    x = torch.tensor(2.0, requires_grad=True)
    y = torch.tensor(3.0, requires_grad=True)
    (x**2 + 2 * x * y + y**2).backward()
    assert get("07.z-grad-x").grade(x.grad.item()).correct and y.grad.item() == x.grad.item()


def test_lesson08_answers_match_the_code():
    w = np.array([0, 0])
    w[:] = w - 0.1 * np.array([-6.0, -12.0])
    assert get("08.integer-update").grade(w.tolist()).correct
    assert get("08.clip").grade(clip_by_norm(np.array([30.0, 40.0]), 5.0)).correct
    too_large = train("elongated bowl", lr=0.4, num_steps=4).path[:, 1]
    assert np.allclose(too_large, [3, -4.2, 5.88, -8.232, 11.5248])
    flipped = train("elongated bowl", lr=0.1, num_steps=4, flip_sign=True).path[:, 1]
    assert np.allclose(flipped, [3, 4.8, 7.68, 12.288, 19.6608])
    assert (
        get("08.sigmoid-chain").grade(1e-6).correct
        and not get("08.sigmoid-chain").grade(1e-5).correct
    )
    with np.errstate(invalid="ignore"):
        assert np.isnan(np.inf - np.inf) and np.isinf(np.inf + 1)
