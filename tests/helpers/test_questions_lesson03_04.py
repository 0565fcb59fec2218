"""Self-checks of lessons 03 and 04: right answers pass, recognised mistakes are explained."""

import math

import pytest

from helpers.questions import lesson03, lesson04

QUESTIONS = lesson03.QUESTIONS + lesson04.QUESTIONS
BY_ID = {q.id: q for q in QUESTIONS}


def test_ids_are_unique_and_prefixed():
    assert len(BY_ID) == len(QUESTIONS)
    assert all(q.id.startswith("03.") for q in lesson03.QUESTIONS)
    assert all(q.id.startswith("04.") for q in lesson04.QUESTIONS)


def test_registered_in_the_bank():
    from helpers.questions import get

    for q in QUESTIONS:
        assert get(q.id) is q


@pytest.mark.parametrize("qid", list(BY_ID))
def test_the_answer_is_correct(qid):
    q = BY_ID[qid]
    assert q.grade(q.answer).correct is True


@pytest.mark.parametrize(
    "qid, wrong, why", [(q.id, wrong, why) for q in QUESTIONS for wrong, why in q.mistakes]
)
def test_each_recognised_mistake_gets_its_message(qid, wrong, why):
    q = BY_ID[qid]
    result = q.grade(wrong)
    assert result.correct is False
    assert result.message.startswith(why)
    assert q.explanation in result.message


@pytest.mark.parametrize(
    "qid, given",
    [
        ("03.derivative-5x-2-squared", "50x - 20"),
        ("03.derivative-5x-2-squared", "2*(5x-2)*5"),
        ("03.x2plus1-cubed", "6x(x^2+1)^2"),
        ("03.x2plus1-cubed", "6*x**5 + 12*x**3 + 6*x"),
        ("03.h-prime-at-1", "24.0"),
        ("03.h-prime-at-4.5", 40.0),
        ("03.sigmoid-10-layers", "0.25^10"),
        ("03.sigmoid-10-layers", "1/1048576"),
        ("03.sigmoid-10-layers", 1e-6),  # "about a millionth" is the point
        ("03.exploding-factor", 57.67),
        ("04.dfdx-x2y-5y", "2xy"),
        ("04.dfdx-x2y-5y", "2*y*x"),
        ("04.dfdy-x2y-5y", "5 + x^2"),
        ("04.grad-at-1-2", "[10, 14]"),
        ("04.grad-at-1-2", (10.0, 14.0)),
        ("04.grad-at-1-2", "10, 14"),
        ("04.gradient-shape", "(10000,)"),
        ("04.steepest-slope", "sqrt(25)"),
        ("04.steepest-slope", 5.0),
        ("04.saddle", "A saddle point"),
    ],
)
def test_equivalent_forms_are_accepted(qid, given):
    assert BY_ID[qid].grade(given).correct is True


@pytest.mark.parametrize(
    "qid, given",
    [
        ("03.h-prime-at-1", 25),
        ("03.derivative-5x-2-squared", "10*(5*x + 2)"),
        ("03.sigmoid-10-layers", 1e-5),
        ("03.graph-dfdx", 64),  # the answer at (2, 3), the lesson's worked point
        ("04.dfdx-x2y-5y", "2*x*y**2"),
        ("04.grad-at-1-2", [10, 14, 0]),
        ("04.gradient-shape", (100,)),
        ("04.steepest-slope", 6.0),
        ("04.steepest-slope", 4.9),
    ],
)
def test_other_wrong_answers_explain_the_reasoning(qid, given):
    q = BY_ID[qid]
    result = q.grade(given)
    assert result.correct is False
    assert q.explanation in result.message


def test_unreadable_answers_are_not_judged():
    assert BY_ID["03.h-prime-at-1"].grade("twenty-four").correct is None
    assert BY_ID["03.h-prime-at-1"].grade(...).correct is None


def test_stated_numbers():
    assert math.isclose(BY_ID["03.sigmoid-10-layers"].answer, 9.5367431640625e-07)
    assert math.isclose(BY_ID["03.exploding-factor"].answer, 57.6650390625)
    assert BY_ID["04.steepest-slope"].answer == math.hypot(3, -4)


@pytest.mark.parametrize(
    "notebook, module",
    [
        ("03-chain-rule.ipynb", lesson03),
        ("04-partial-derivatives-and-gradients.ipynb", lesson04),
    ],
)
def test_each_lesson_asks_every_question_of_its_bank(notebook, module):
    import re
    from pathlib import Path

    import nbformat

    path = Path(__file__).resolve().parents[2] / "lessons" / notebook
    nb = nbformat.read(path, as_version=4)
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    asked = set(re.findall(r'"(0[34]\.[\w.-]+)"', source))
    assert asked == {q.id for q in module.QUESTIONS}
    assert all(q.lesson_link == notebook for q in module.QUESTIONS)
