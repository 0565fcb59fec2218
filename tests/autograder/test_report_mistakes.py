"""Stable mistake ids: declared by the tests next to their messages, carried by the failure.

- ``expect_close`` / ``expect_gradient`` give the failure the id of the mistake they
  recognise (``Mistake(id, candidate, message)`` or a plain 3-tuple); an old-style pair
  still works, without an id;
- the helpers' own diagnoses (``None`` returned, an input changed, ...) carry
  ``common.*`` ids; an unrecognised failure carries none;
- the error name the grader records round-trips to the id;
- every ``mistakes=`` entry and every explicit ``raise TestFailure`` of the solutions'
  test cells declares an id (read statically, so a new test without one is caught).
"""

from __future__ import annotations

import ast

import nbformat
import numpy as np
import pytest

from autograder import testing as T
from autograder.testing import Mistake, TestFailure, expect_close, expect_gradient, mistake_of
from tests.autograder.submissions import ASSIGNMENTS, SOLUTIONS, is_test


def caught(check, *args, **kwargs) -> TestFailure:
    with pytest.raises(TestFailure) as info:
        check(*args, **kwargs)
    return info.value


def test_recognised_mistake_carries_its_id_and_message():
    mistakes = [
        Mistake("ex01.secant-is-central-difference", 6.0, "that is the central difference"),
        ("ex01.secant-sign-flipped", lambda v: v < 0, "wrong sign"),
    ]
    failure = caught(expect_close, 6.0, 6.1, "s", mistakes=mistakes)
    assert str(failure) == "s: that is the central difference"
    assert failure.mistake == "ex01.secant-is-central-difference"
    assert caught(expect_close, -6.1, 6.1, "s", mistakes=mistakes).mistake == (
        "ex01.secant-sign-flipped"
    )
    unrecognised = caught(expect_close, 7.0, 6.1, "s", mistakes=mistakes)
    assert unrecognised.mistake is None and "gave 7" in str(unrecognised)


def test_expect_gradient_prefers_the_declared_mistake():
    failure = caught(
        expect_gradient,
        [26.0, 26.0],
        [8.0, 18.0],
        "g",
        mistakes=[("ex01.gradient-all-coordinates-at-once", [26.0, 26.0], "all at once")],
    )
    assert (str(failure), failure.mistake) == (
        "g: all at once",
        "ex01.gradient-all-coordinates-at-once",
    )
    swapped = caught(expect_gradient, [18.0, 8.0], [8.0, 18.0], "g")
    assert swapped.mistake == T.SWAPPED_COORDINATES
    assert caught(expect_gradient, [8.0, 12.0], [8.0, 18.0], "g").mistake is None


def test_old_style_pairs_still_work_without_an_id():
    failure = caught(expect_close, 6.0, 6.1, "s", mistakes=[(6.0, "central difference")])
    assert str(failure) == "s: central difference" and failure.mistake is None


def test_the_helpers_own_diagnoses_have_common_ids():
    assert caught(T.as_array, None, "f(x)").mistake == T.RETURNS_NONE
    rows = np.array([[1.0, 2.0], [1.0, 2.0]])
    assert caught(T.expect_rows_distinct, rows).mistake == T.SAME_ARRAY_ROWS
    path = np.array([[1.0], [np.inf], [np.inf]])
    assert caught(T.expect_ends_at_first_nonfinite, path).mistake == T.RUNS_PAST_NONFINITE

    def scale_in_place(w):
        w *= 2
        return w

    assert caught(T.expect_inputs_unchanged, scale_in_place, np.ones(2)).mistake == (
        T.CHANGES_INPUT
    )
    import sympy

    x, y = sympy.symbols("x y")
    order = caught(T.expect_equivalent, [x, 2 * y], [2 * y, x], "g")
    assert order.mistake == T.PARTIALS_OUT_OF_ORDER


def test_explicit_checks_and_error_names_round_trip():
    failure = TestFailure("neuron_gradients uses torch", mistake="ex03.neuron-uses-torch")
    assert failure.ename == "TestFailure[ex03.neuron-uses-torch]"
    assert mistake_of(failure.ename) == "ex03.neuron-uses-torch"
    assert TestFailure("plain").ename == "TestFailure" and mistake_of("TestFailure") is None
    for other in ("NotImplementedError", "TestFailure[]", "TypeError[x]", ""):
        assert mistake_of(other) is None


# --------------------------------------------------------------------------- the test cells


def entry_id(entry: ast.expr) -> str | None:
    """The id of a ``mistakes=`` entry: a 3-tuple or ``Mistake(...)`` led by a string."""
    items = (
        entry.elts
        if isinstance(entry, ast.Tuple)
        else entry.args
        if isinstance(entry, ast.Call)
        else []
    )
    if len(items) == 3 and isinstance(items[0], ast.Constant) and isinstance(items[0].value, str):
        return items[0].value
    return None


def declared_mistakes(source: str) -> tuple[list[str], list[str]]:
    """(ids declared in a test cell, its known mistakes declared without an id)."""
    ids, missing = [], []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg == "mistakes":
                for entry in keyword.value.elts:
                    found = entry_id(entry)
                    (ids if found else missing).append(found or ast.unparse(entry)[:80])
        if isinstance(node.func, ast.Name) and node.func.id == "TestFailure":
            given = {k.arg: k.value for k in node.keywords}.get("mistake")
            if isinstance(given, ast.Constant) and isinstance(given.value, str):
                ids.append(given.value)
            else:
                missing.append(ast.unparse(node)[:80])
    return ids, missing


def solution_test_cells():
    for assignment in ASSIGNMENTS:
        nb = nbformat.read(SOLUTIONS / assignment / f"{assignment}.ipynb", as_version=4)
        for cell in nb.cells:
            if is_test(cell):
                yield assignment, cell


def test_every_known_mistake_in_the_solutions_has_an_id():
    for assignment, cell in solution_test_cells():
        ids, missing = declared_mistakes(cell.source)
        grade_id = cell.metadata.nbgrader.grade_id
        assert not missing, f"{assignment} {grade_id}: mistakes without an id: {missing}"
        prefix = f"ex{assignment.split('-')[1]}."
        assert all(i.startswith(prefix) for i in ids), (grade_id, ids)


def test_the_checker_sees_entries_without_ids():
    ids, missing = declared_mistakes(
        "expect_close(a, 1, 'a', mistakes=[(2, M), ('ex01.x', 3, M), Mistake('ex01.y', 4, M)])\n"
        "raise TestFailure('no id')\n"
        "raise TestFailure('id', mistake='ex01.z')\n"
    )
    assert sorted(ids) == ["ex01.x", "ex01.y", "ex01.z"]
    assert len(missing) == 2
