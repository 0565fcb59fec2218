"""A class graded in one batch: honest students beside hostile ones.

Every attack fixture that could reach beyond its own submission is graded in one batch
with honest students, one worker (every submission through the same sandbox, one
after another: an honest canary right after each attack) and two workers. Each honest
student must get exactly the score, test by test, that they get when graded alone, and
nothing of an attack may show in their outputs.

The canary (h04-honest-canary) is an honest submission that looks for what another
submission may have left behind (files in any place it can write, modules that shadow
standard ones, processes) and answers one function wrongly if it finds anything: a
leak between submissions costs it points.
"""

from __future__ import annotations

import pytest

from tests.autograder import submissions as S
from tests.autograder.conftest import requires_bwrap
from tests.exercises.cases import CASES

pytestmark = [pytest.mark.grading, requires_bwrap]
EX1 = "exercise-01-derivatives"
# the attacks that try to reach, outlast or slow down what is graded next
ATTACKS = [
    "a25-planted-files",
    "a26-reaching-outside",
    "a22-expensive-answers",
    "a13-signals",
    "a15-memory-bomb",
    "a28-leaks-hidden-inputs",
    "a24-delegates-to-helpers",
    "a16-huge-output",
]
MARKERS = ("PLANTED", "LEAK-", "reached", "planted")


def fixture(name):
    return S.from_fixture(S.ADVERSARIAL / f"{name}.ipynb")


def honest() -> dict:
    mistake = next(c for c in CASES if c.name == "mistake-chain-rule-no-inner")
    return {
        "reference": S.build(EX1, "solution"),
        "mistake": S.build(EX1, "solution", mistake.replace),
        "canary": fixture("h04-honest-canary"),
    }


@pytest.fixture(scope="module")
def alone():
    """Each honest student graded on their own, in a course of their own."""
    return {name: S.grade_many(EX1, {name: nb}, jobs=1)[name] for name, nb in honest().items()}


def a_class() -> tuple[dict, dict[str, str]]:
    """Submissions in grading order: each attack followed by a canary, then the honest
    reference and mistake; and which honest student each name is."""
    batch, who = {}, {}
    for index, attack in enumerate(ATTACKS):
        batch[f"{2 * index:02d}-{attack}"] = fixture(attack)
        batch[f"{2 * index + 1:02d}-canary-after-{attack}"] = fixture("h04-honest-canary")
        who[f"{2 * index + 1:02d}-canary-after-{attack}"] = "canary"
    for name, nb in honest().items():
        if name != "canary":
            batch[f"99-{name}"] = nb
            who[f"99-{name}"] = name
    return batch, who


@pytest.mark.parametrize("jobs", [1, 2])
def test_honest_scores_do_not_depend_on_who_was_graded_before(alone, jobs):
    batch, who = a_class()
    results = S.grade_many(EX1, batch, jobs=jobs, timeout_cell=10, timeout_notebook=300)
    assert all(r["graded"] for r in results.values()), S.dump(results)
    for student, name in who.items():
        got, expected = results[student], alone[name]
        assert got["tests"] == expected["tests"], (student, got["feedback"])
        assert got["feedback"] == expected["feedback"], student
        leaked = [m for m in MARKERS if m in got.get("outputs_text", "")]
        assert not leaked, (student, leaked)
    assert alone["reference"]["score"] == alone["reference"]["max_score"]
    assert alone["canary"]["score"] == alone["canary"]["max_score"]
    assert alone["mistake"]["score"] < alone["mistake"]["max_score"]
    # the expensive answers failed their own tests, and the others still count
    costly = results["04-a22-expensive-answers"]
    assert costly["tests"]["test_relu_prime"] == 2 and costly["tests"]["test_grad_f"] == 0
    assert "too large to compare" in costly["feedback"]["test_symbolic_gradient"]
