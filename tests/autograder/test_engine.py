"""The engine as a whole: deterministic verdicts, and a grader failure is never a zero."""

from __future__ import annotations

import json

import nbformat
import pytest

from tests.autograder.conftest import requires_bwrap

pytestmark = [pytest.mark.grading, requires_bwrap]


def test_grading_is_deterministic():
    from autograder.engine import Limits, NotebookRunner, get_sandbox

    cells = [
        nbformat.v4.new_code_cell(
            "import numpy as np\nimport random\n"
            "def noisy(x):\n    return x + np.random.rand() + random.random()"
        ),
        nbformat.v4.new_code_cell(
            "value = noisy(1.0)\nassert abs(value - 1.9) < 0.05, f'{value!r}'"
        ),
    ]
    cells[1].metadata["nbgrader"] = {
        "grade": True,
        "solution": False,
        "locked": True,
        "grade_id": "t",
        "points": 1,
        "schema_version": 3,
    }
    messages = []
    for _ in range(3):
        nb = nbformat.v4.new_notebook(cells=[nbformat.from_dict(c) for c in cells])
        NotebookRunner(get_sandbox(("numpy",), True), Limits(10, 30)).run(nb)
        messages.append(json.dumps(nb.cells[1].outputs))
    assert len(set(messages)) == 1


def test_a_sandbox_that_cannot_start_means_not_graded_never_zero(tmp_path, monkeypatch):
    """The grader's own failure must not be recorded as the student's zero."""
    import io

    import nbformat as nbf

    from autograder import engine
    from autograder.cli import main
    from autograder.commands.grade import grade
    from autograder.sandbox import Sandbox, SandboxUnavailable
    from tests.autograder import submissions as S

    def broken_start(self):
        raise SandboxUnavailable("the sandbox did not start: simulated")

    monkeypatch.setattr(engine, "_POOL", {})
    monkeypatch.setattr(Sandbox, "start", broken_start)
    assignment = "exercise-01-derivatives"
    folder = tmp_path / "course" / "submitted" / "alice" / assignment
    folder.mkdir(parents=True)
    nbf.write(S.build(assignment, "solution"), str(folder / f"{assignment}.ipynb"))
    results = grade(
        assignment, tmp_path / "course", jobs=1, out=io.StringIO(), progress_stream=io.StringIO()
    )
    assert [r["success"] for r in results] == [False]
    assert "simulated" in results[0]["error"]
    assert results[0]["score"] is None  # nothing recorded in the gradebook

    assert main(["check", str(folder / f"{assignment}.ipynb"), "--json"]) == 1


def _graded(cell, grade_id):
    cell.metadata["nbgrader"] = {
        "grade": True,
        "solution": False,
        "locked": True,
        "grade_id": grade_id,
        "points": 1,
        "schema_version": 3,
    }
    return cell


def test_a_test_too_costly_for_the_grader_fails_alone():
    """Every test cell runs in a child process of the grader with a time and memory
    budget: one that loops or eats memory there fails with a message, the others pass."""
    from autograder.engine import Limits, NotebookRunner, get_sandbox

    code = nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook(
        cells=[
            code("def f(x):\n    return x + 1"),
            _graded(code("assert f(1) == 2"), "before"),
            _graded(code("assert f(1) == 2\nwhile True:\n    pass"), "grader_loops"),
            _graded(code("assert f(1) == 2\nblob = bytearray(3 * 1024**3)"), "grader_memory"),
            _graded(code("assert f(2) == 3"), "after"),
        ]
    )
    limits = Limits(cell_seconds=3, notebook_seconds=60, grader_memory_mb=512)
    NotebookRunner(get_sandbox(("numpy",), True), limits).run(nb)
    outputs = {c.metadata["nbgrader"]["grade_id"]: c.outputs for c in nb.cells[1:]}
    assert outputs["before"] == [] and outputs["after"] == []
    (loops,) = outputs["grader_loops"]
    assert loops.ename == "TimeoutError" and "in the grader" in loops.evalue
    (memory,) = outputs["grader_memory"]
    assert memory.ename == "GraderLimit" and "512 MB" in memory.evalue


def test_a_hidden_test_shows_what_failed_but_not_what_the_student_s_code_said():
    """In a hidden test the student's exception text (which could quote the test's
    inputs) is not shown; in a visible test it is."""
    from autograder.engine import Limits, NotebookRunner, get_sandbox

    code = nbformat.v4.new_code_cell
    test = "f(1)\n### BEGIN HIDDEN TESTS\nf(123456)\n### END HIDDEN TESTS"
    nb = nbformat.v4.new_notebook(
        cells=[
            code(
                "def f(x):\n    if x > 100:\n        raise ValueError(f'secret {x}')\n    return x"
            ),
            _graded(code(test), "hidden"),
            _graded(code("f(654321)"), "visible"),
        ]
    )
    NotebookRunner(get_sandbox(("numpy",), True), Limits(10, 60)).run(nb)
    (hidden,) = nb.cells[1].outputs
    (visible,) = nb.cells[2].outputs
    assert hidden.ename == visible.ename == "ValueError"
    assert "123456" not in hidden.evalue and "not shown" in hidden.evalue
    assert "raise ValueError" in hidden.evalue  # the student's own line
    assert "secret 654321" in visible.evalue


def test_what_code_kept_from_a_hidden_test_never_comes_back_later():
    """A function that remembers its inputs (in memory or in files) cannot show them in a
    later visible test (the process is renewed after every test with hidden parts, the
    student's cells replayed), nor through an exception named after them in the hidden
    test itself."""
    from autograder.engine import Limits, NotebookRunner, get_sandbox

    code = nbformat.v4.new_code_cell
    student = (
        "import os\n"
        "seen = []\n"
        "def f(x):\n"
        "    seen.append(x)\n"
        "    for folder in ('/tmp', '/dev/shm', os.path.expanduser('~'), '.'):\n"
        "        with open(os.path.join(folder, 'seen.txt'), 'a') as kept:\n"
        "            kept.write(f'{x} ')\n"
        "    if x > 100:\n"
        "        raise type(f'Leak{x}', (Exception,), {})('see my name')\n"
        "    return x\n"
        "def g():\n"
        "    for folder in ('/tmp', '/dev/shm', os.path.expanduser('~'), '.'):\n"
        "        with open(os.path.join(folder, 'seen.txt')) as kept:\n"
        "            seen.append(kept.read())\n"
        "    raise ValueError(f'seen {seen}')"
    )
    first = "f(1)\n### BEGIN HIDDEN TESTS\nf(123456)\n### END HIDDEN TESTS"
    nb = nbformat.v4.new_notebook(
        cells=[
            code(student),
            _graded(code(first), "hidden"),
            _graded(code("assert f(2) == 2\ng()"), "later"),
        ]
    )
    NotebookRunner(get_sandbox(("numpy",), True), Limits(10, 60)).run(nb)
    (hidden,) = nb.cells[1].outputs
    (later,) = nb.cells[2].outputs
    assert "123456" not in hidden.ename + hidden.evalue and hidden.ename == "Error"
    assert "an exception" in hidden.evalue and "raise type(" in hidden.evalue  # own line
    # a fresh process, with fresh files: only what this test's own call wrote
    assert later.ename == "ValueError" and "seen [2, '2 " in later.evalue
    assert "1 " not in later.evalue  # (not even what the first test's visible call wrote)
    assert "123456" not in later.evalue


def test_a_function_the_test_passes_in_shows_only_the_test_s_own_words_in_a_hidden_test():
    """The test's own ``raise`` with a message it spells out is shown; an error the
    student provoked in the test's function (an operand whose type is named after the
    hidden inputs) is not."""
    from autograder.engine import Limits, NotebookRunner, get_sandbox

    code = nbformat.v4.new_code_cell
    student = (
        "def call(f, x):\n"
        "    return f(type(f'Leak{x}', (), {})())\n"
        "def call_plain(f, x):\n"
        "    return f(x)"
    )
    test = (
        "from autograder.portable import portable\n"
        "### BEGIN HIDDEN TESTS\n"
        'guarded = portable("""def f(w):\n'
        "    if w < 0:\n"
        '        raise ValueError("f only takes numbers of at least 0")\n'
        '    return w + 1""")\n'
        "call_plain(guarded, -123456)\n"
        "### END HIDDEN TESTS"
    )
    provoked = (
        "from autograder.portable import portable\n"
        "### BEGIN HIDDEN TESTS\n"
        'call(portable("lambda w: w + 1"), 123456)\n'
        "### END HIDDEN TESTS"
    )
    nb = nbformat.v4.new_notebook(
        cells=[code(student), _graded(code(test), "own_words"), _graded(code(provoked), "provoked")]
    )
    NotebookRunner(get_sandbox(("numpy",), True), Limits(10, 60)).run(nb)
    (own,) = nb.cells[1].outputs
    (provoked_error,) = nb.cells[2].outputs
    assert own.ename == "ValueError" and "f only takes numbers of at least 0" in own.evalue
    assert "123456" not in own.evalue
    assert provoked_error.ename == "TypeError" and "123456" not in provoked_error.evalue
    assert "not shown" in provoked_error.evalue
