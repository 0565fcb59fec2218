"""Fast content check of the graded exercises (the test cells' logic, not the engine).

For every case in :mod:`tests.exercises.cases` this runs the source notebook's cells
IN-PROCESS, the way nbgrader's Validate runs them in a student's kernel: the code cells
in order in one namespace, with the case's replacement code in the solution cells, and
records which test cells fail and with what message. It checks that

* the reference solutions pass every test cell;
* every correct alternative passes every test cell;
* every mistake fails exactly the expected test cells, with feedback naming it;
* the unanswered notebook (solutions replaced by ``raise NotImplementedError()`` as
  nbgrader's ClearSolutions does) fails every test cell without stopping the run;
* the notebooks are well-formed nbgrader sources, and execute top to bottom in a real
  kernel (nbclient) within 15 s with silent test cells.

This is NOT the grader: the trusted, sandboxed engine runs the same cases in
tests/autograder/test_*.py. This runner only exists to check test logic quickly.
"""

from __future__ import annotations

import ast
import builtins
import copy
import inspect
import io
import linecache
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import nbformat
import pytest

from autograder.sources import not_own_code
from autograder.testing import modules_used
from tests.exercises.cases import ASSIGNMENTS, CASES, SPEC_ALTERNATIVES, SPEC_MISTAKES, Case

ROOT = Path(__file__).resolve().parents[2]
LESSONS = [
    "01-secant-to-tangent",
    "02-derivative-rules",
    "03-chain-rule",
    "04-partial-derivatives-and-gradients",
    "05-gradient-descent",
    "06-vectorized-gradients",
    "07-autograd-with-pytorch",
    "08-when-training-goes-wrong",
]
# The function contracts of the exercises (their names and parameters are relied on by
# the tests, the grading tools and outside graders): name -> parameters.
CONTRACTS = {
    "exercise-01-derivatives": {
        "secant_slope": ["f", "x", "h"],
        "central_difference": ["f", "x", "h=1e-05"],
        "numerical_gradient": ["f", "w", "h=1e-05"],
        "sigmoid_prime": ["z"],
        "tanh_prime": ["z"],
        "relu_prime": ["z"],
        "compose_derivative": ["f_prime", "g", "g_prime"],
        "grad_f": ["w"],
        "symbolic_gradient": ["expr", "variables"],
    },
    "exercise-02-gradient-descent": {
        "gradient_descent": ["grad", "w0", "learning_rate", "num_steps", "tol=0.0"],
        "stable_learning_rate_bound": ["a", "b"],
        "mse_loss": ["X", "y", "w"],
        "mse_gradient": ["X", "y", "w"],
        "fit_linear_regression": ["X", "y", "learning_rate", "num_steps"],
    },
    "exercise-03-autograd": {
        "autograd_gradient": ["f", "w"],
        "neuron_gradients": ["x", "w", "b", "y"],
        "train_with_sgd": ["X", "y", "learning_rate", "num_steps"],
    },
}


def source_path(assignment: str) -> Path:
    return ROOT / "solutions" / assignment / f"{assignment}.ipynb"


def nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def graded_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and nbgrader(c).get("grade")]


# --------------------------------------------------------------------------- the runner


def unanswered(nb):
    """The notebook as a student first gets it: nbgrader's own ClearSolutions."""
    from nbgrader.preprocessors import ClearSolutions

    nb, _ = ClearSolutions().preprocess(copy.deepcopy(nb), {})
    return nb


def own_code_failure(source: str, namespace: dict) -> str | None:
    """The trusted grader's rule, checked before a test cell runs: every function of the
    notebook the test uses is the student's own code, not a call into the course's
    ``helpers`` (directly, under another name, or through the notebook's functions)."""
    for name in sorted(free_names(source)):
        value = namespace.get(name)
        if not callable(value):
            continue
        if inspect.isfunction(value) and value.__module__ == namespace["__name__"]:
            used = modules_used(value)
        else:
            used = {str(getattr(value, "__module__", "")).split(".")[0]}
        if "helpers" in used:
            return f"TestFailure: {not_own_code(name, 'helpers')}"
    return None


def run_cells(nb, replace: dict | None = None) -> dict:
    """Run the code cells in one namespace; return {test grade_id: None or message}.

    ``replace`` maps a solution cell's grade_id to the code that stands in it. Errors in
    non-test cells are kept going past, like nbgrader's autograding does. Each cell's
    source goes into ``linecache`` so that ``inspect.getsource`` works as in IPython.
    Before a test cell runs, :func:`own_code_failure` applies the grader's own-code rule.
    """
    replace = dict(replace or {})
    namespace = {"__name__": "__exercise__"}
    results = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        meta = nbgrader(cell)
        grade_id = meta.get("grade_id", f"cell-{index}")
        source = replace.pop(grade_id, cell.source)
        filename = f"<exercise-cell-{index}-{grade_id}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        if meta.get("grade") and (failure := own_code_failure(source, namespace)):
            results[grade_id] = failure
            continue
        try:
            with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
                exec(compile(source, filename, "exec"), namespace)
        except Exception as exc:
            if meta.get("grade"):
                results[grade_id] = (
                    f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                )
        else:
            if meta.get("grade"):
                results[grade_id] = None
    assert not replace, f"no solution cells with grade_id {sorted(replace)}"
    return results


# --------------------------------------------------------------------------- structure


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_nbgrader_metadata(assignment):
    nb = nbformat.read(source_path(assignment), as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    ids = [nbgrader(c)["grade_id"] for c in nb.cells]
    assert len(ids) == len(set(ids)), "grade ids must be unique"
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", i) for i in ids)
    for cell in nb.cells:
        meta = nbgrader(cell)
        assert meta["schema_version"] == 3 and meta["task"] is False
        assert set(meta) >= {"grade", "solution", "locked", "grade_id"}
        assert not cell.get("outputs") and not cell.get("execution_count"), "commit notebooks clean"
        begin = cell.source.count("### BEGIN SOLUTION")
        hidden = cell.source.count("### BEGIN HIDDEN TESTS")
        if meta["grade"]:
            assert meta["points"] > 0
        if cell.cell_type == "code" and meta["solution"]:  # autograded answer
            assert not meta["grade"] and not meta["locked"]
            assert begin == 1 and cell.source.count("### END SOLUTION") == 1
        elif meta["grade"] and not meta["solution"]:  # autograder tests
            assert meta["locked"] and cell.cell_type == "code"
            assert hidden == 1 and cell.source.count("### END HIDDEN TESTS") == 1, meta["grade_id"]
            visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
            assert "expect_" in visible, f"{meta['grade_id']} has no visible tests"
        elif meta["grade"] and meta["solution"]:  # manually graded answer
            assert cell.cell_type == "markdown"
        else:  # read-only
            assert meta["locked"] and begin == 0 and hidden == 0
            assert "BEGIN SOLUTION" not in cell.source and "HIDDEN TESTS" not in cell.source
    manual = [c for c in nb.cells if nbgrader(c)["grade"] and nbgrader(c)["solution"]]
    assert len(manual) == 1, "one manually graded written answer"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_contract_functions_and_pages(assignment):
    nb = nbformat.read(source_path(assignment), as_version=4)
    defined = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and nbgrader(cell)["solution"]:
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.FunctionDef):
                    args = node.args
                    defaults = [None] * (len(args.args) - len(args.defaults)) + args.defaults
                    defined[node.name] = [
                        a.arg if d is None else f"{a.arg}={ast.literal_eval(d)!r}"
                        for a, d in zip(args.args, defaults)
                    ]
    assert defined == CONTRACTS[assignment]
    intro, final = nb.cells[0].source, nb.cells[-1].source
    links = re.findall(r"\]\(\.\./\.\./lessons/([^)]+)\.ipynb\)", intro)
    assert links and set(links) <= set(LESSONS)
    for name in CONTRACTS[assignment]:
        assert f"`{name}(" in intro, f"the points table names {name}"
    total = sum(nbgrader(c)["points"] for c in nb.cells if nbgrader(c)["grade"])
    auto = sum(nbgrader(c)["points"] for c in graded_cells(nb))
    assert f"**{auto:g} automatic + {total - auto:g} by hand = {total:g}**" in intro
    assert "Validate" in intro and f"python -m autograder check {assignment}.ipynb" in intro
    assert f"python -m autograder check {assignment}.ipynb" in final
    assert f"!python -m autograder check {assignment}.ipynb" in final
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert "autograder check" not in cell.source, "no code cell runs the grader"


def free_names(source: str) -> set:
    """Names a piece of code reads but never binds (imports, assignments, defs, args)."""
    bound, loaded = set(), set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.Lambda)):
            if isinstance(node, ast.FunctionDef):
                bound.add(node.name)
            args = node.args
            bound.update(a.arg for a in args.posonlyargs + args.args + args.kwonlyargs)
    return loaded - bound - set(dir(builtins))


def test_free_names_finds_what_a_cell_does_not_import():
    assert free_names("import numpy as np\nx = np.zeros(3)\nprint(secant_slope(x))") == {
        "secant_slope"
    }
    assert free_names("y = [e for e in np.eye(2)]\nf = lambda w: w + k") == {"np", "k"}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_test_cells_import_what_they_use(assignment):
    """In the trusted grader each test cell runs in a fresh namespace that holds only the
    student's functions, and the student's copy has no hidden part: so the visible part,
    and the whole cell, read no name but builtins and the contract's functions."""
    nb = nbformat.read(source_path(assignment), as_version=4)
    allowed = set(CONTRACTS[assignment])
    for cell in graded_cells(nb):
        visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
        for part in (visible, cell.source):
            assert free_names(part) <= allowed, (
                nbgrader(cell)["grade_id"],
                free_names(part) - allowed,
            )


# --------------------------------------------------------------------------- cases


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_solution_passes(assignment):
    nb = nbformat.read(source_path(assignment), as_version=4)
    results = run_cells(nb)
    assert set(results) == {nbgrader(c)["grade_id"] for c in graded_cells(nb)}
    assert {k: v for k, v in results.items() if v} == {}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_unanswered_notebook_fails_every_test(assignment):
    nb = unanswered(nbformat.read(source_path(assignment), as_version=4))
    assert "### BEGIN SOLUTION" not in nbformat.writes(nb)
    results = run_cells(nb)
    assert len(results) == len(graded_cells(nb))
    passed = [grade_id for grade_id, message in results.items() if message is None]
    assert passed == [], f"unanswered notebook passes {passed}"


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.assignment[:11]}-{case.name}")
def test_case(case: Case):
    nb = nbformat.read(source_path(case.assignment), as_version=4)
    results = run_cells(nb, case.replace)
    failed = {grade_id: message for grade_id, message in results.items() if message}
    assert set(failed) == set(case.fails), (
        f"{case.name}: expected failures {sorted(case.fails)}, got {failed}"
    )
    for grade_id, words in case.fails.items():
        for word in words:
            assert word.lower() in failed[grade_id].lower(), (
                f"{case.name}: the feedback of {grade_id} should mention {word!r}: {failed[grade_id]}"
            )


def test_every_spec_mistake_has_a_case():
    names = {case.name for case in CASES}
    for mistake, case_names in SPEC_MISTAKES.items():
        assert case_names and set(case_names) <= names, mistake
        assert all(next(c for c in CASES if c.name == n).fails for n in case_names), mistake


def test_every_spec_alternative_has_a_case():
    correct = {case.name for case in CASES if case.correct}
    for requirement, case_names in SPEC_ALTERNATIVES.items():
        assert case_names and set(case_names) <= correct, requirement


def test_cases_name_real_cells():
    for case in CASES:
        nb = nbformat.read(source_path(case.assignment), as_version=4)
        solutions = {nbgrader(c)["grade_id"] for c in nb.cells if nbgrader(c)["solution"]}
        tests = {nbgrader(c)["grade_id"] for c in graded_cells(nb)}
        assert set(case.replace) <= solutions and set(case.fails) <= tests, case.name


# --------------------------------------------------------------------------- real kernel


def without_hidden_tests(nb):
    """What a student's kernel runs on Validate: nbgrader's ClearHiddenTests."""
    from nbgrader.preprocessors import ClearHiddenTests

    nb, _ = ClearHiddenTests().preprocess(copy.deepcopy(nb), {})
    return nb


@pytest.mark.notebooks
@pytest.mark.parametrize("hidden", [True, False], ids=["with-hidden-tests", "as-validated"])
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebook_passes_silently(assignment, hidden):
    """The reference solutions pass in a real kernel, and every test cell stays silent:
    stock nbgrader counts an error or any stderr text as a failure and reads an
    execute_result as partial credit. Run both with the hidden tests (grading) and
    without them (the student's Validate), since the last statement differs."""
    from nbclient import NotebookClient

    nb = nbformat.read(source_path(assignment), as_version=4)
    if not hidden:
        nb = without_hidden_tests(nb)
        assert "HIDDEN TESTS" not in nbformat.writes(nb)
    # (the timeout only guards against a hang; speed is measured by benchmarks/)
    NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(source_path(assignment).parent)}},
    ).execute()
    for cell in graded_cells(nb):
        kinds = [(o.output_type, o.get("name")) for o in cell.outputs]
        assert kinds == [], f"{nbgrader(cell)['grade_id']} printed {kinds}"


# --------------------------------------------------------------------------- not copyable


def lesson_definitions() -> list[tuple[str, str, str]]:
    """(lesson, function name, source) of every lesson cell's ``def`` of a contract name."""
    names = {name for contract in CONTRACTS.values() for name in contract}
    found = []
    for lesson in LESSONS:
        nb = nbformat.read(str(ROOT / "lessons" / f"{lesson}.ipynb"), as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:  # (IPython magics)
                continue
            for node in tree.body:
                if isinstance(node, ast.FunctionDef) and node.name in names:
                    found.append((lesson, node.name, ast.get_source_segment(cell.source, node)))
    return found


def test_no_lesson_cell_answers_an_exercise():
    """A lesson's worked example with an exercise function's name, pasted as the answer,
    fails that function's tests (lesson 4 works out grad_f for another function)."""
    found = lesson_definitions()
    assert {name for _, name, _ in found} >= {"grad_f"}  # (the check sees the lessons)
    for lesson, name, source in found:
        assignment = next(a for a, contract in CONTRACTS.items() if name in contract)
        nb = nbformat.read(source_path(assignment), as_version=4)
        results = run_cells(nb, {name: source})
        failed = [t for t, message in results.items() if message and name in t]
        assert failed, f"{lesson}'s {name}, pasted as the answer, passes its tests"


def helpers_implementations() -> list[tuple[str, str]]:
    """(module, name) of every function of the course's helpers with a contract name."""
    import importlib
    import pkgutil

    import helpers

    names = {name for contract in CONTRACTS.values() for name in contract}
    found = []
    for info in pkgutil.walk_packages(helpers.__path__, "helpers."):
        module = importlib.import_module(info.name)
        found += [
            (info.name, name)
            for name in names
            if inspect.isfunction(getattr(module, name, None))
            and getattr(module, name).__module__ == info.name
        ]
    return found


def test_no_graded_function_can_be_answered_by_the_courses_helpers():
    """Every exercise function the helpers package implements, imported as the answer,
    fails its tests with the own-code message (the helpers are the lessons' tools)."""
    found = helpers_implementations()
    assert {name for _, name in found} >= {"central_difference", "numerical_gradient"}
    for module, name in found:
        assignment = next(a for a, contract in CONTRACTS.items() if name in contract)
        nb = nbformat.read(source_path(assignment), as_version=4)
        results = run_cells(nb, {name: f"from {module} import {name}"})
        failed = {t: m for t, m in results.items() if m and name in t}
        assert failed and all("`helpers` package" in m for m in failed.values()), (name, failed)
