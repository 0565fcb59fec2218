"""Self-check banks of lessons 01 and 02: right answers pass (in any equivalent form),
recognised mistakes get their own explanation, everything else gets the reasoning."""

from pathlib import Path

import nbformat
import pytest

from helpers.checks import check
from helpers.questions import lesson01, lesson02

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = lesson01.QUESTIONS + lesson02.QUESTIONS


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_answer_is_correct_and_each_mistake_is_recognised(question):
    assert question.id.startswith(("01.", "02."))
    assert question.grade(question.answer).correct is True
    for wrong, why in question.mistakes:
        result = question.grade(wrong)
        assert result.correct is False and result.message.startswith(why), (question.id, wrong)
        assert question.explanation in result.message


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_links_point_at_the_lesson(question):
    assert (ROOT / "lessons" / question.lesson_link).exists()


def test_ids_are_unique_and_notebooks_use_them():
    ids = [q.id for q in QUESTIONS]
    assert len(ids) == len(set(ids))
    for lesson, bank in [("01-secant-to-tangent", lesson01), ("02-derivative-rules", lesson02)]:
        notebook = nbformat.read(ROOT / "lessons" / f"{lesson}.ipynb", as_version=4)
        text = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
        for q in bank.QUESTIONS:
            assert f'"{q.id}"' in text, f"{q.id} is never asked in {lesson}"


@pytest.mark.parametrize("answer", ["12x^2", "12*x**2", "3*4*x^2", "x**2*12", "(2*x)*(6*x)"])
def test_expression_answers_accept_equivalent_forms(answer):
    assert check("02.d-4x3", answer).correct is True


def test_forgot_to_multiply_by_the_exponent():
    result = check("02.d-4x3", "4x^2")
    assert result.correct is False and "forgot to multiply by it" in result.message


def test_unrecognised_wrong_expression_gets_the_reasoning():
    result = check("02.d-3x2-plus-100", "x^3")
    assert result.correct is False and result.message.startswith("Not yet.")
    assert "constant 100" in result.message


def test_numbers_accept_fractions_and_tolerance():
    assert check("02.d-inverse-at-2", "-1/4").correct is True
    assert check("01.numeric-dy", 18.00003).correct is True  # a forward difference is "close to 18"
    assert check("01.numeric-dy", 14.2).correct is False  # h = 1e-15 is not
    assert "round-off" in check("01.numeric-dy", 14.21).message
    assert check("01.slope-at-3", 6.001).correct is False  # a secant slope, not the limit
    assert check("01.house-gradient", "-2*10^8").correct is True


def test_choice_and_unreadable_answers():
    assert check("01.x-cubed-at-0", "neither: an inflection point").correct is True
    assert "f(−0.1)" in check("01.x-cubed-at-0", "a minimum").message
    assert check("01.sign-at-minus-1.5", "sideways").correct is None
    assert check("02.d-4x3", "12x^^2").correct is None
    assert check("02.dw3-at-2", ...).correct is None  # the notebook's placeholder
