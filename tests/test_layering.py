"""Modules import only downward: no module imports one above it, at module level or
inside a function.

Every ``import`` statement of the course's packages is read with ``ast`` (wherever it
stands), and checked against the layers below, listed bottom to top. A module may
import modules of lower layers; modules of one layer do not import each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# autograder/, bottom to top
AUTOGRADER_LAYERS = [
    # plain data, paths and errors: no dependency on the rest of the grader
    [
        "autograder",
        "autograder.paths",
        "autograder.errors",
        "autograder.wire",
        "autograder.portable",
        "autograder.sources",
        "autograder.sanitize",
    ],
    # what test cells use, and the sandbox's own process
    ["autograder.testing", "autograder._child"],
    # proxies (the grader's view of a student's value) and the sandbox (processes);
    # what each test checks and where each known mistake is taught
    ["autograder.remote", "autograder.sandbox", "autograder.mistakes"],
    # running one notebook
    ["autograder.engine"],
    # nbgrader preprocessors, one per module
    ["autograder.preprocessors.*"],
    ["autograder.preprocessors"],
    # the course's nbgrader configuration
    ["autograder.config"],
    # call budgets from the reference solution's time; the gradebook's database
    ["autograder.budgets", "autograder.gradebook"],
    # a course directory, shared by the commands
    ["autograder.course"],
    # one task per submission, on a Dask cluster or in this process
    ["autograder.cluster"],
    # the class report: its data, then reading a class, similar code and figures, then
    # the numbers, the page, and building it all
    ["autograder.classreport.model"],
    [
        "autograder.classreport.gather",
        "autograder.classreport.similarity",
        "autograder.classreport.figures",
    ],
    ["autograder.classreport.analysis"],
    ["autograder.classreport.page"],
    ["autograder.classreport"],
    # one module per command
    ["autograder.commands.common"],
    ["autograder.commands.*"],
    ["autograder.commands"],
    # the command line
    ["autograder.cli"],
    ["autograder.__main__"],
]

# helpers/, bottom to top
HELPERS_LAYERS = [
    # the ground floor: the course manifest, activations, plotting style, progress file,
    # the lessons' numerical building blocks
    [
        "helpers",
        "helpers.course",
        "helpers.activations",
        "helpers.plotting",
        "helpers.progress",
        "helpers.data",
        "helpers.descent",
        "helpers.gradcheck",
    ],
    # maths and content built on them; the self-check model
    [
        "helpers.functions",
        "helpers.failures",
        "helpers.graph",
        "helpers.multivariable",
        "helpers.numerics",
        "helpers.rules",
        "helpers.glossary",
        "helpers.grading",
        "helpers.questions.model",
    ],
    # the explorers' controls and their shared base; the question bank of each lesson
    ["helpers.widgets.controls", "helpers.questions.lesson*"],
    ["helpers.widgets.base", "helpers.questions"],
    # the explorers (the secant explorer extends the tangent explorer)
    ["helpers.widgets.*"],
    ["helpers.widgets.secant"],
    ["helpers.widgets"],
    # what the notebooks call: self-checks and the course home
    ["helpers.checks", "helpers.home"],
]
LAYERS = {"autograder": AUTOGRADER_LAYERS, "helpers": HELPERS_LAYERS}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, name: str | None = None) -> list[tuple[int, str]]:
    """(line, imported module) for every import statement in the file, however nested."""
    name = name or module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import
                anchor = package.split(".")
                base = ".".join(anchor[: len(anchor) - node.level + 1] + ([base] if base else []))
            found.append((node.lineno, base))
            # `from autograder import wire` imports the module autograder.wire
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def layer_of(name: str, layers: list[list[str]]) -> int | None:
    """The layer that lists ``name`` itself, else the first with a pattern that matches it
    (``pkg.*``, ``pkg.prefix*``)."""
    for index, patterns in enumerate(layers):
        if name in patterns:
            return index
    for index, patterns in enumerate(layers):
        for pattern in patterns:
            if pattern.endswith("*") and name.startswith(pattern[:-1]):
                return index
    return None


def package_modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize(
    "path",
    package_modules("autograder") + package_modules("helpers"),
    ids=module_name,
)
def test_module_has_a_layer_and_imports_only_below_it(path):
    if path.name == "nbgrader_config.py":  # a traitlets config file, not a module
        return
    me = module_name(path)
    package = me.split(".")[0]
    layers = LAYERS[package]
    mine = layer_of(me, layers)
    assert mine is not None, f"{me} is in no layer of {package}'s layers: add it"
    modules = {module_name(p) for p in package_modules(package)}
    upward = []
    for line, imported in imports_of(path):
        if imported not in modules or imported == me:
            continue  # another package, or a name imported from a module
        theirs = layer_of(imported, layers)
        assert theirs is not None, f"{imported} is in no layer"
        if theirs >= mine:
            upward.append(f"line {line}: {imported} (layer {theirs} >= {mine})")
    assert not upward, f"{me} imports at or above its own layer: " + "; ".join(upward)


def import_graph(package: str) -> dict[str, set[str]]:
    modules = {module_name(p): p for p in package_modules(package)}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph[name] = {imp for _, imp in imports_of(path) if imp in modules and imp != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


@pytest.mark.parametrize("package", ["autograder", "helpers", "tools"])
def test_imports_form_no_cycle(package):
    """Counting imports inside functions too: a cycle means some module imports upward."""
    cycle = find_cycle(import_graph(package))
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_checker_sees_imports_inside_functions_and_relative_ones(tmp_path):
    source = tmp_path / "engine.py"
    source.write_text(
        "import os\n"
        "def f():\n"
        "    from autograder.cli import main\n"
        "    if True:\n"
        "        from . import course\n"
    )
    found = imports_of(source, "autograder.engine")
    assert (3, "autograder.cli") in found and (5, "autograder.course") in found
