"""A generated class for the class report's tests: 39 submissions of exercise 01, each
with what was planted in it, graded once by the real grader.

Built from tests/exercises/cases.py (known mistakes and correct alternatives) and
tests/autograder/submissions.py (released notebook + answers). What each student should
show in the report is stated here, per test: the mistake id the tests must recognise,
or UNRECOGNISED / NOT_ANSWERED; every other test passes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from autograder.classreport.model import NOT_ANSWERED, UNRECOGNISED
from tests.autograder import submissions as S
from tests.exercises.cases import CASES

EX1 = "exercise-01-derivatives"
CASE = {case.name: case for case in CASES if case.assignment == EX1}


@dataclass
class Planted:
    """One student: the cases planted in their notebook and what the report must show."""

    student: str
    cases: tuple[str, ...] = ()
    own: dict[str, str] = field(default_factory=dict)  # extra answer cells of their own
    expect: dict[str, str] = field(default_factory=dict)  # test -> mistake id or status

    def notebook(self):
        answers: dict[str, str] = {}
        for name in self.cases:
            answers.update(CASE[name].replace)
        answers.update(self.own)
        return S.build(EX1, "solution", answers)


def mistake(student, case, test, mistake_id, *more):
    """A student with one planted mistake (``more``: further (case, test, id) triples)."""
    cases, expect = [case], {test: mistake_id}
    for other, other_test, other_id in more:
        cases.append(other)
        expect[other_test] = other_id
    return Planted(student, tuple(cases), expect=expect)


# Two students who wrote their own, unusual answers: the near-copy pair below starts
# from the first. The second is an independent honest student with a style of her own.
OWN_STYLE = {
    "secant_slope": '''
def secant_slope(f, x, h):
    """Slope of the secant of f between x and x + h."""
    # rise over run between the two points
    left_value = f(x)
    right_value = f(x + h)
    rise = right_value - left_value
    run = h
    return rise / run
''',
    "central_difference": '''
def central_difference(f, x, h=1e-5):
    """Central-difference estimate of f'(x)."""
    # look both ways from x
    ahead = f(x + h)
    behind = f(x - h)
    width = 2.0 * h
    return (ahead - behind) / width
''',
    "numerical_gradient": '''
def numerical_gradient(f, w, h=1e-5):
    """Central-difference estimate of the gradient of f at w."""
    point = np.array(w, dtype=float)
    size = point.shape[0]
    result = np.empty(size)
    # nudge one coordinate at a time, both ways
    for index in range(size):
        nudge = np.zeros(size)
        nudge[index] = h
        upper = f(point + nudge)
        lower = f(point - nudge)
        result[index] = (upper - lower) / (h + h)
    return result
''',
    "grad_f": '''
def grad_f(w):
    """Gradient of f(x, y) = 2x**3 - 3xy**2 + 5y at w = [x, y]."""
    first, second = float(w[0]), float(w[1])
    # partial derivative in x: 6x^2 - 3y^2 ; in y: -6xy + 5
    d_first = 6.0 * first * first - 3.0 * second * second
    d_second = 5.0 - 6.0 * first * second
    return np.array([d_first, d_second])
''',
}
# the copy: every name changed, comments reworded and moved, spacing changed
NEAR_COPY = {
    "secant_slope": '''
def secant_slope(f, x, h):
    """Slope of the secant of f between x and x + h."""
    a = f(x)
    b = f(x + h)
    # change in y
    dy = b - a
    dx = h   # change in x
    return dy / dx
''',
    "central_difference": '''
def central_difference(f, x, h=1e-5):
    """Central-difference estimate of f'(x)."""
    fwd = f(x + h)
    bwd = f(x - h)
    span = 2.0 * h      # symmetric around x
    return (fwd - bwd) / span
''',
    "numerical_gradient": '''
def numerical_gradient(f, w, h=1e-5):
    """Central-difference estimate of the gradient of f at w."""
    # one coordinate at a time
    p = np.array(w, dtype=float)
    n = p.shape[0]
    out = np.empty(n)
    for k in range(n):
        e = np.zeros(n)
        e[k] = h
        hi = f(p + e)
        lo = f(p - e)
        out[k] = (hi - lo) / (h + h)
    return out
''',
    "grad_f": '''
def grad_f(w):
    """Gradient of f(x, y) = 2x**3 - 3xy**2 + 5y at w = [x, y]."""
    # d/dx = 6x^2 - 3y^2 and d/dy = -6xy + 5
    u, v = float(w[0]), float(w[1])
    du = 6.0 * u * u - 3.0 * v * v
    dv = 5.0 - 6.0 * u * v
    return np.array([du, dv])
''',
}
INDEPENDENT = {
    "secant_slope": '''
def secant_slope(f, x, h):
    """Slope of the secant of f between x and x + h."""
    points = [(x, f(x)), (x + h, f(x + h))]
    (x0, y0), (x1, y1) = points
    return (y1 - y0) / (x1 - x0) if x1 != x0 else float("nan")
''',
    "numerical_gradient": '''
def numerical_gradient(f, w, h=1e-5):
    """Central-difference estimate of the gradient of f at w."""
    base = np.asarray(w, dtype=float).copy()
    def partial(i):
        shifted_up, shifted_down = base.copy(), base.copy()
        shifted_up[i] += h
        shifted_down[i] -= h
        return (f(shifted_up) - f(shifted_down)) / (2 * h)
    return np.array([partial(i) for i in range(len(base))], dtype=float)
''',
    "relu_prime": '''
def relu_prime(z):
    """Derivative of ReLU, elementwise, with relu_prime(0) = 0."""
    z = np.asarray(z, dtype=float)
    out = np.zeros_like(z)
    out[z > 0] = 1.0
    return out
''',
}

NEAR_COPIES = ("kim-original", "lee-near-copy")
HOSTILE = "<img src=x onerror=alert(1)></pre><script>alert(2)</script>"

CLASS: list[Planted] = [
    *(Planted(f"honest-{i:02d}") for i in range(1, 9)),
    Planted("kim-original", own={k: v.strip("\n") for k, v in OWN_STYLE.items()}),
    Planted("lee-near-copy", own={k: v.strip("\n") for k, v in NEAR_COPY.items()}),
    Planted("maya-own-style", own={k: v.strip("\n") for k, v in INDEPENDENT.items()}),
    *(Planted(f"alt-{name[4:]}", (name,)) for name in CASE if name.startswith("alt-")),
    mistake(
        "chain-1",
        "mistake-chain-rule-no-inner",
        "test_compose_derivative",
        "ex01.forgot-inner-derivative",
    ),
    mistake(
        "chain-2",
        "mistake-chain-rule-no-inner",
        "test_compose_derivative",
        "ex01.forgot-inner-derivative",
    ),
    mistake(
        "chain-3",
        "mistake-chain-rule-no-inner",
        "test_compose_derivative",
        "ex01.forgot-inner-derivative",
        ("mistake-sigmoid-prime-is-sigmoid", "test_sigmoid_prime", "ex01.sigmoid-prime-is-sigmoid"),
    ),
    mistake(
        "outer-at-x",
        "mistake-chain-rule-outer-at-x",
        "test_compose_derivative",
        "ex01.outer-derivative-at-x",
    ),
    mistake(
        "forward-1",
        "mistake-central-is-forward",
        "test_central_difference",
        "ex01.central-is-forward-difference",
    ),
    mistake(
        "forward-2",
        "mistake-central-is-forward",
        "test_central_difference",
        "ex01.central-is-forward-difference",
        ("mistake-relu-prime-at-zero", "test_relu_prime", "ex01.relu-prime-one-at-zero"),
    ),
    mistake(
        "tiny-h",
        "mistake-central-tiny-h",
        "test_central_difference",
        "ex01.central-far-from-derivative",
    ),
    mistake(
        "ignores-h",
        "mistake-central-ignores-h",
        "test_central_difference",
        "ex01.central-ignores-h",
    ),
    mistake(
        "secant-1",
        "mistake-secant-is-central",
        "test_secant_slope",
        "ex01.secant-is-central-difference",
    ),
    mistake(
        "secant-2",
        "mistake-secant-is-central",
        "test_secant_slope",
        "ex01.secant-is-central-difference",
    ),
    mistake(
        "at-once-1",
        "mistake-gradient-all-at-once",
        "test_numerical_gradient",
        "ex01.gradient-all-coordinates-at-once",
    ),
    mistake(
        "at-once-2",
        "mistake-gradient-all-at-once",
        "test_numerical_gradient",
        "ex01.gradient-all-coordinates-at-once",
    ),
    mistake(
        "grad-forward",
        "mistake-gradient-forward",
        "test_numerical_gradient",
        "ex01.gradient-forward-difference",
    ),
    mistake(
        "modifies-w",
        "mistake-gradient-modifies-w",
        "test_numerical_gradient_inputs",
        "common.changes-its-input",
    ),
    mistake(
        "int-input",
        "mistake-gradient-int-input",
        "test_numerical_gradient_inputs",
        "ex01.gradient-integer-input",
    ),
    mistake(
        "sigmoid",
        "mistake-sigmoid-prime-is-sigmoid",
        "test_sigmoid_prime",
        "ex01.sigmoid-prime-is-sigmoid",
    ),
    mistake("tanh", "mistake-tanh-prime-no-square", "test_tanh_prime", "ex01.tanh-prime-no-square"),
    mistake("relu", "mistake-relu-prime-at-zero", "test_relu_prime", "ex01.relu-prime-one-at-zero"),
    mistake(
        "order", "mistake-symbolic-order", "test_symbolic_gradient", "common.partials-out-of-order"
    ),
    mistake("number", "mistake-compose-returns-number", "test_compose_derivative", UNRECOGNISED),
    mistake("partial-y", "mistake-grad-f-partial-y", "test_grad_f", UNRECOGNISED),
    mistake("mixed", "mistake-symbolic-mixed-partial", "test_symbolic_gradient", UNRECOGNISED),
    # hostile text in what the report shows: a returned string that lands in the feedback
    Planted(
        "hostile",
        own={"secant_slope": f"def secant_slope(f, x, h):\n    return {HOSTILE!r}"},
        expect={"test_secant_slope": UNRECOGNISED},
    ),
]
UNANSWERED = "unanswered"
DAMAGED = "quinn-upload"
ABSENT = "ravi-roster"  # on the roster, never submitted
WRITTEN = "written_finite_differences"
WRITTEN_GRADED = {"honest-01": 6, "honest-02": 4, "chain-1": 3, "kim-original": 5}
# these wrote an answer that nobody has graded yet; everyone else left it blank
WRITTEN_UNGRADED = ("honest-03", "honest-04", "alt-compose-lambda", "tanh", "forward-1")


def build_class(course: Path) -> dict:
    """Grade the class into ``course``; returns grade_many's results by student."""
    submissions = {p.student: p.notebook() for p in CLASS}
    for student in (*WRITTEN_GRADED, *WRITTEN_UNGRADED):
        for cell in submissions[student].cells:
            if S.grade_id(cell) == WRITTEN:
                cell.source = "The central difference cancels the even Taylor terms."
    submissions[UNANSWERED] = S.released(EX1)
    results = S.grade_many(EX1, submissions, jobs=2, course=course)
    folder = course / "submitted" / DAMAGED / EX1
    folder.mkdir(parents=True)
    (folder / f"{EX1}.ipynb").write_text('{"cells": [')  # cut off mid-upload
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.add_student(ABSENT)
        for student, score in WRITTEN_GRADED.items():
            notebook = gb.find_submission_notebook(EX1, EX1, student)
            written = [g for g in notebook.grades if g.cell_type == "markdown"][0]
            written.manual_score = score
        gb.db.commit()
    return results


def expected_counts() -> dict[tuple[str, str], int]:
    """(test, mistake id) -> how many students were planted with it."""
    counts: dict[tuple[str, str], int] = {}
    for planted in CLASS:
        for test, what in planted.expect.items():
            if what not in (UNRECOGNISED, NOT_ANSWERED):
                counts[(test, what)] = counts.get((test, what), 0) + 1
    return counts
