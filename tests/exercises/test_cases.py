"""The graded exercises through the REAL grader (sandbox + trusted tests + nbgrader).

For each assignment one batch is graded with ``python -m autograder grade``'s code:
the reference solutions, the unanswered student version, every case of
tests/exercises/cases.py (correct alternatives and known mistakes) and a correct
submission whose diverging run prints RuntimeWarnings. Then:

- the reference solutions get full marks, and so does every correct alternative;
- the unanswered exercise scores 0 and the batch still grades everything else;
- every mistake fails exactly the test cells cases.py lists, with its feedback words;
- a RuntimeWarning never costs points.
"""

from __future__ import annotations

import pytest

from tests.autograder import submissions as S
from tests.exercises.cases import CASES

pytestmark = pytest.mark.grading

NOISY_GD = """
import warnings
import numpy as np

def gradient_descent(grad, w0, learning_rate, num_steps, tol=0.0):
    np.seterr(all="warn")
    warnings.simplefilter("always")
    w = np.array(w0, dtype=float).reshape(-1) if np.ndim(w0) == 0 else np.array(w0, dtype=float)
    path = [w.copy()]
    for _ in range(num_steps):
        g = np.asarray(grad(w), dtype=float)
        if np.linalg.norm(g) <= tol:
            break
        w = w - learning_rate * g
        path.append(w.copy())
        if not np.all(np.isfinite(w)):
            break
    return np.array(path)

_ = np.exp(np.array([1000.0]))   # prints "RuntimeWarning: overflow" right away
"""


@pytest.fixture(scope="module")
def graded():
    """{assignment: {student: result}} for every assignment, graded once."""
    out = {}
    for assignment in S.ASSIGNMENTS:
        batch = {"reference": S.build(assignment, "solution"), "unanswered": S.released(assignment)}
        for case in CASES:
            if case.assignment == assignment:
                batch[case.name] = S.build(assignment, "solution", case.replace)
        if assignment == "exercise-02-gradient-descent":
            batch["runtime-warning"] = S.build(
                assignment, "solution", {"gradient_descent": NOISY_GD}
            )
        out[assignment] = S.grade_many(assignment, batch, jobs=2)
    return out


@pytest.mark.parametrize("assignment", S.ASSIGNMENTS)
def test_reference_solution_full_marks(graded, assignment):
    r = graded[assignment]["reference"]
    assert r["graded"]
    assert r["score"] == r["max_score"] > 0, r["feedback"]


@pytest.mark.parametrize("assignment", S.ASSIGNMENTS)
def test_unanswered_exercise_scores_zero_without_stopping_the_batch(graded, assignment):
    results = graded[assignment]
    assert results["unanswered"]["graded"]
    assert results["unanswered"]["score"] == 0
    assert set(results["unanswered"]["feedback"]) == set(S.test_ids(assignment))
    assert any("NotImplementedError" in m for m in results["unanswered"]["feedback"].values())
    assert all(r["graded"] for r in results.values())


def test_runtime_warning_keeps_full_marks(graded):
    r = graded["exercise-02-gradient-descent"]["runtime-warning"]
    assert r["score"] == r["max_score"], r["feedback"]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_through_the_trusted_engine(graded, case):
    r = graded[case.assignment][case.name]
    assert r["graded"]
    failed = set(r["feedback"])
    assert failed == set(case.fails), (case.about, r["feedback"])
    for test_id, words in case.fails.items():
        message = r["feedback"][test_id].lower()
        for word in words:
            assert word.lower() in message, (test_id, word, message)
    if case.correct:
        assert r["score"] == r["max_score"]
