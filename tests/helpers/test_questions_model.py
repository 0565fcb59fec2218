"""The self-check model: right answers pass in any equivalent form, wrong answers explain,
unreadable answers are not judged."""

import numpy as np
import pytest
import sympy

from helpers.questions import all_questions, get
from helpers.questions.model import Question, expressions_equal

NUMBER = Question(
    "t.number",
    "secant slope of x^2 from 2 to 2.1?",
    "number",
    4.1,
    "Slope = (f(2.1) - f(2)) / 0.1.",
    mistakes=[(0.41, "You forgot to divide by h.")],
)
VECTOR = Question(
    "t.vector",
    "next w?",
    "vector",
    [1.8, 3.4],
    "w - lr * grad.",
    mistakes=[([2.2, 2.6], "You added the gradient step instead of subtracting it.")],
)
EXPR = Question(
    "t.expr",
    "d/dx 4x^3?",
    "expression",
    "12*x**2",
    "Power rule: bring the 3 down.",
    mistakes=[("4*x**2", "You lowered the exponent but did not multiply by it.")],
)
CHOICE = Question(
    "t.choice",
    "sign of slope at -1.5?",
    "choice",
    "negative",
    "f'(x)=2x.",
    options=["negative", "zero", "positive"],
)
SHAPE = Question("t.shape", "shape?", "shape", (5,), "One entry per parameter.")


@pytest.mark.parametrize(
    "question, answer",
    [
        (NUMBER, 4.1),
        (NUMBER, "4.1"),
        (NUMBER, "41/10"),
        (NUMBER, np.float32(4.1)),
        (VECTOR, [1.8, 3.4]),
        (VECTOR, np.array([1.8, 3.4])),
        (VECTOR, "[1.8, 3.4]"),
        (EXPR, "12x^2"),
        (EXPR, "12*x**2"),
        (EXPR, sympy.Symbol("x") ** 2 * 12),
        (EXPR, "4*3*x*x"),
        (CHOICE, "negative"),
        (CHOICE, " Negative "),
        (SHAPE, (5,)),
        (SHAPE, "(5,)"),
        (SHAPE, 5),
    ],
)
def test_correct_answers_in_any_equivalent_form(question, answer):
    result = question.grade(answer)
    assert result.correct is True, result.message


@pytest.mark.parametrize(
    "question, answer, words",
    [
        (NUMBER, 4.2, "Slope ="),
        (NUMBER, 0.41, "forgot to divide"),
        (VECTOR, [2.2, 2.6], "added the gradient"),
        (VECTOR, [1.8], "shape (1,)"),
        (EXPR, "4x^2", "did not multiply"),
        (EXPR, "12x^3", "Power rule"),
        (CHOICE, "positive", "f'(x)=2x"),
        (SHAPE, (5, 1), "One entry per parameter"),
    ],
)
def test_wrong_answers_get_reasons(question, answer, words):
    result = question.grade(answer)
    assert result.correct is False
    assert words in result.message


@pytest.mark.parametrize(
    "question, answer",
    [(NUMBER, ...), (NUMBER, None), (NUMBER, "four"), (EXPR, "12x^^2"), (CHOICE, "maybe")],
)
def test_unreadable_answers_are_not_judged(question, answer):
    result = question.grade(answer)
    assert result.correct is None
    assert result.message


def test_expression_equivalence():
    assert expressions_equal("6*(3*x+1)", "18x + 6")
    assert expressions_equal("sigma(x)*(1-sigma(x))", "sigma(x) - sigma(x)^2")
    assert not expressions_equal("6*(3*x+1)", "2*(3*x+1)")


def test_result_renders_as_text_and_an_announced_alert():
    wrong = NUMBER.grade(4.2)
    assert "✗" in repr(wrong) and "t.number" in repr(wrong) and "Not yet" in repr(wrong)
    page = wrong._repr_html_()
    # screen readers announce an alert as soon as it appears, and read the symbol in words
    assert 'role="alert"' in page and 'aria-atomic="true"' in page
    assert 'aria-label="not right">✗' in page
    assert 'aria-label="right">✓' in NUMBER.grade(4.1)._repr_html_()
    assert 'aria-label="not checked">?' in NUMBER.grade("four")._repr_html_()
    assert "&lt;b&gt;" in NUMBER.grade("<b>")._repr_html_()  # an answer is escaped, not rendered


def test_a_question_links_to_its_lesson_from_the_manifest():
    from helpers import course

    for question in all_questions():
        lesson = course.lesson(question.id.split(".")[0])
        assert question.lesson_link == lesson.file and lesson.path.is_file()


def test_every_registered_question_accepts_its_own_answer():
    for question in all_questions():
        assert question.grade(question.answer).correct is True, question.id
        for wrong, _ in question.mistakes:
            assert question.grade(wrong).correct is False, (question.id, wrong)


def test_unknown_question_id():
    with pytest.raises(KeyError, match="no self-check question"):
        get("00.no-such-question")


def test_invalid_question_definitions():
    with pytest.raises(ValueError):
        Question("t.bad", "?", "essay", 1, "")
    with pytest.raises(ValueError):
        Question("t.bad", "?", "choice", "c", "", options=["a", "b"])
