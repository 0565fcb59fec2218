"""The self-check model: a question, the verdict on an answer, and how answers are read.

The ground floor of the self-checks introduced in lesson 01: :mod:`helpers.questions`
holds the question bank built from these :class:`Question` objects and
:mod:`helpers.checks` shows them in the lessons. Numbers are compared with a
tolerance and may be typed as fractions ("1/4"); expressions are compared with SymPy,
so any equivalent form is accepted.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from helpers import course

KINDS = ("number", "vector", "expression", "choice", "shape")


class AnswerFormatError(ValueError):
    """The answer could not be read as the kind of answer the question expects."""


def _to_number(value) -> float:
    if isinstance(value, str):
        import sympy

        try:
            value = sympy.sympify(value.replace("^", "**"))
        except (sympy.SympifyError, SyntaxError, TypeError) as exc:
            raise AnswerFormatError(f"could not read {value!r} as a number") from exc
    try:
        number = complex(value)
    except (TypeError, ValueError) as exc:
        raise AnswerFormatError(f"expected a number, got {type(value).__name__}") from exc
    if number.imag != 0:
        raise AnswerFormatError("expected a real number")
    return number.real


def _to_vector(value) -> np.ndarray:
    if isinstance(value, str):
        text = value.strip().strip("[]()")
        value = [_to_number(part) for part in text.replace(";", ",").split(",") if part.strip()]
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise AnswerFormatError("expected a list or array of numbers") from exc


def to_expression(value, symbols: str = "x y z w"):
    """Read a SymPy expression: a SymPy object, a number, or a string like ``3x^2 + 2x``."""
    import sympy
    from sympy.parsing.sympy_parser import (
        convert_xor,
        implicit_multiplication_application,
        parse_expr,
        standard_transformations,
    )

    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, (int, float, np.number)):
        return sympy.nsimplify(value)
    if not isinstance(value, str):
        raise AnswerFormatError(f"expected an expression, got {type(value).__name__}")
    local = {name: sympy.Symbol(name) for name in symbols.split()}
    local.update({"e": sympy.E, "ln": sympy.log, "sigma": sympy.Function("sigma")})
    try:
        return parse_expr(
            value,
            local_dict=local,
            transformations=standard_transformations
            + (implicit_multiplication_application, convert_xor),
        )
    except Exception as exc:  # parse_expr raises many kinds of errors
        raise AnswerFormatError(f"could not read {value!r} as an expression") from exc


def expressions_equal(a, b, symbols: str = "x y z w") -> bool:
    """True when two expressions are mathematically equal (SymPy, then a numeric spot check)."""
    import sympy

    a, b = to_expression(a, symbols), to_expression(b, symbols)
    difference = sympy.simplify(a - b)
    if difference == 0:
        return True
    free = sorted(difference.free_symbols, key=str)
    if not free:
        return bool(abs(complex(difference)) < 1e-12)
    rng = np.random.default_rng(0)
    f = sympy.lambdify(free, difference, "numpy")
    values = [f(*rng.uniform(0.3, 2.0, len(free))) for _ in range(8)]
    return bool(np.allclose(np.abs(values), 0.0, atol=1e-9))


@dataclass(frozen=True)
class Question:
    """A self-check question.

    ``mistakes`` maps a recognised wrong answer to what that answer shows the
    learner got wrong; ``explanation`` is the reasoning shown on any wrong answer.
    For ``choice`` questions, ``answer`` is the correct option and ``mistakes``
    holds an explanation for each wrong option.
    """

    id: str
    prompt: str
    kind: str
    answer: Any
    explanation: str
    mistakes: Sequence[tuple[Any, str]] = field(default=())
    options: Sequence[str] = field(default=())
    rtol: float = 1e-3
    atol: float = 1e-9
    symbols: str = "x y z w"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"{self.id}: kind must be one of {KINDS}")
        if self.kind == "choice" and self.answer not in self.options:
            raise ValueError(f"{self.id}: the answer must be one of the options")

    @property
    def lesson_link(self) -> str:
        """The file of the lesson the question belongs to (its id starts with the lesson key)."""
        return course.lesson(self.id.split(".", 1)[0]).file

    # -- comparison -------------------------------------------------------
    def matches(self, given, expected) -> bool:
        """Whether ``given`` equals ``expected`` for this kind of question."""
        if self.kind == "number":
            return bool(
                np.isclose(_to_number(given), _to_number(expected), rtol=self.rtol, atol=self.atol)
            )
        if self.kind == "vector":
            g, e = _to_vector(given), _to_vector(expected)
            return g.shape == e.shape and bool(np.allclose(g, e, rtol=self.rtol, atol=self.atol))
        if self.kind == "expression":
            return expressions_equal(given, expected, self.symbols)
        if self.kind == "choice":
            return str(given).strip().lower() == str(expected).strip().lower()
        if self.kind == "shape":
            return _to_shape(given) == tuple(expected)
        raise AssertionError(self.kind)

    def grade(self, given) -> CheckResult:
        """Judge an answer and explain the judgement."""
        if given is Ellipsis or given is None:
            return CheckResult(
                self, None, "Replace `...` with your answer, then run the cell again."
            )
        if self.kind == "choice" and str(given).strip().lower() not in {
            o.lower() for o in self.options
        }:
            return CheckResult(self, None, f"Choose one of: {', '.join(map(repr, self.options))}.")
        try:
            if self.matches(given, self.answer):
                note = ""
                if self.kind == "shape" and not isinstance(given, (tuple, list)):
                    note = " (NumPy writes a shape as a tuple: (5,) rather than 5.)"
                return CheckResult(self, True, "Correct." + note)
            for wrong, why in self.mistakes:
                if self.matches(given, wrong):
                    return CheckResult(self, False, f"{why} {self.explanation}")
        except AnswerFormatError as exc:
            return CheckResult(self, None, f"{exc}. " + format_hint(self.kind))
        if self.kind == "vector":
            g, e = _to_vector(given), _to_vector(self.answer)
            if g.shape != e.shape:
                return CheckResult(
                    self,
                    False,
                    f"Your answer has shape {g.shape}, the answer has shape {e.shape}. "
                    + self.explanation,
                )
        return CheckResult(self, False, "Not yet. " + self.explanation)


def _to_shape(value) -> tuple:
    if isinstance(value, str):
        value = [int(p) for p in value.strip().strip("()[]").split(",") if p.strip()]
    if isinstance(value, (int, np.integer)):
        return (int(value),)
    try:
        return tuple(int(v) for v in value)
    except (TypeError, ValueError) as exc:
        raise AnswerFormatError("expected a shape such as (100, 5)") from exc


def format_hint(kind: str) -> str:
    return {
        "number": "Type a number, e.g. 4.1 or 1/4.",
        "vector": "Type a list of numbers, e.g. [1.8, 3.4].",
        "expression": "Type an expression in x (and y), e.g. 3*x**2 + 2*x or 3x^2 + 2x.",
        "shape": "Type a shape, e.g. (100, 5).",
        "choice": "Type one of the options.",
    }[kind]


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one answer. ``correct`` is None when the answer could not be judged."""

    question: Question
    correct: bool | None
    message: str

    @property
    def symbol(self) -> str:
        return {True: "✓", False: "✗", None: "?"}[self.correct]

    def __repr__(self) -> str:
        return f"{self.symbol} [{self.question.id}] {self.message}"

    @property
    def verdict(self) -> str:
        """The symbol in words, for screen readers."""
        return {True: "right", False: "not right", None: "not checked"}[self.correct]

    def _repr_html_(self) -> str:
        """The verdict as an alert: screen readers announce it as soon as it appears.

        (A polite status region would have to exist before its text changes; the quiz's
        feedback box replaces its whole content, so an alert is what gets announced.)
        """
        colour = {True: "#009E73", False: "#D55E00", None: "#E69F00"}[self.correct]
        return (
            f'<div role="alert" aria-atomic="true" class="course-feedback" '
            f'style="border-left:4px solid {colour};padding:4px 8px">'
            f'<b role="img" aria-label="{self.verdict}">{html.escape(self.symbol)}</b> '
            f"{html.escape(self.message)}</div>"
        )
