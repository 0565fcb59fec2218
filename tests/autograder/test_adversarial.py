"""The adversarial suite (issue 6): submissions that try to cheat or to break grading.

Each fixture in tests/autograder/adversarial/ is a small notebook that says in its
first cell what it tries; tests/autograder/submissions.py turns it into a student
submission of the released exercise. All fixtures are graded in one batch per
assignment through the real grader (``grade`` with bubblewrap) with short
limits (TIMEOUT_CELL per cell or test; a notebook budget that only guards against a
hang, far above what the slowest fixture needs on a busy machine), then:

- an attack on top of wrong answers scores no more, test by test, than the same
  wrong answers without the attack (the ``b0N-wrong-answers`` baselines), and
  never full marks;
- a containment fixture (exits, signals, loops, memory, output) loses exactly
  the tests of the functions that misbehave, keeps every other point, and costs
  at most one notebook budget;
- honest submissions that print, warn and plot keep full marks;
- nothing the submission printed shows that it could read an instructor file.

benchmarks/adversarial_stock.py grades the same fixtures with stock nbgrader for
the before/after table.
"""

from __future__ import annotations

import pytest

from tests.autograder import submissions as S

pytestmark = pytest.mark.grading

# generous enough for honest code on a busy machine (honest tests take well under 1 s);
# the notebook budget must hold every costly test of a22 at its cell limit and more
TIMEOUT_CELL = 10
TIMEOUT_NOTEBOOK = 300
FIXTURES = S.fixtures()


@pytest.fixture(scope="module")
def graded():
    batches: dict = {}
    for path in FIXTURES:
        meta = S.fixture_meta(path)
        batches.setdefault(meta["assignment"], {})[path.stem] = S.from_fixture(path)
    results = {}
    for assignment, batch in batches.items():
        results.update(
            S.grade_many(
                assignment,
                batch,
                jobs=2,
                timeout_cell=TIMEOUT_CELL,
                timeout_notebook=TIMEOUT_NOTEBOOK,
            )
        )
    return results


def test_every_fixture_says_what_it_tries():
    import nbformat

    assert len(FIXTURES) >= 20
    for path in FIXTURES:
        nb = nbformat.read(str(path), as_version=4)
        assert nb.cells[0].cell_type == "markdown"
        assert "**What it tries.**" in nb.cells[0].source, path.name


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture(graded, path):
    meta = S.fixture_meta(path)
    expect = meta["expect"]
    r = graded[path.stem]
    assert r["graded"], f"{path.stem} was not graded"
    assert "FOUND" not in r.get("outputs_text", ""), "the submission read an instructor file"
    if "no_gain_over" in expect:
        base = graded[expect["no_gain_over"]]
        assert r["score"] < r["max_score"]
        gained = {t: (s, base["tests"][t]) for t, s in r["tests"].items() if s > base["tests"][t]}
        assert not gained, f"{path.stem} gained points on {gained}"
        assert r["score"] <= base["score"]
    if expect.get("full"):
        assert r["score"] == r["max_score"], r["feedback"]
    if "zero" in expect:
        for test_id in expect["zero"]:
            assert r["tests"][test_id] == 0, test_id
        if expect.get("others_full"):
            assert set(r["feedback"]) == set(expect["zero"]), r["feedback"]
            assert r["score"] == r["max_score"] - _points(path, expect["zero"])
    if "max_autograded_bytes" in expect:
        assert r["autograded"] <= expect["max_autograded_bytes"]
    if expect.get("reference"):
        assert r["score"] < r["max_score"]


def _points(path, test_ids) -> float:
    meta = S.fixture_meta(path)
    points = {
        S.grade_id(c): float(c.metadata["nbgrader"]["points"])
        for c in S.source(meta["assignment"]).cells
        if S.is_test(c)
    }
    return sum(points[t] for t in test_ids)


def test_runaways_are_cut_by_the_per_test_budget_and_keep_their_other_answers(graded):
    # every fixture of exercise 1 was graded in one batch; a runaway is stopped by the
    # configured per-test limit (how long that takes is measured by benchmarks/)
    for name in ("a13-signals", "a14-infinite-loops"):
        result = graded[name]
        stopped = [
            text
            for text in result["feedback"].values()
            if f"limit {TIMEOUT_CELL} s per test" in text
        ]
        assert stopped, f"{name}: no test reports the {TIMEOUT_CELL} s limit"
        assert 0 < result["score"] < result["max_score"], name


def test_crash_feedback_says_what_happened(graded):
    exits = graded["a12-exit-calls"]["feedback"]
    assert "exited" in exits["test_secant_slope"]
    assert "SystemExit" in exits["test_central_difference"]
    signals = graded["a13-signals"]["feedback"]
    assert "SIGKILL" in signals["test_secant_slope"]
    assert "did not finish" in signals["test_central_difference"]
    loops = graded["a14-infinite-loops"]["feedback"]
    assert "infinite loop" in loops["test_secant_slope"]
    memory = graded["a15-memory-bomb"]["feedback"]
    assert "MemoryError" in memory["test_numerical_gradient"]
