"""Which code a submission's function is, read from the grader's own copies of its cells.

The grader never trusts the submission's description of itself. It keeps the source
of every cell it sent to the sandbox, in order; the sandbox only says, for each
top-level function, *which* of those cells and which line its code object came from
(``co_firstlineno`` of a function compiled from cell N). The grader then looks for a
definition of that name starting at that line in its own copy of cell N: a ``def``
that never ran (a decoy after a failing line) is never mistaken for the one that did.

:class:`NotebookSources` answers the source rules of the graded tests ("must not use
torch", "must not delegate to the course's helpers") for the function *and* every
function of the notebook it calls, resolving imported names (``import torch as T``,
``from helpers.gradcheck import numerical_gradient as ng``) through the notebook's
imports and assignments. Code that makes this impossible to read (changing code
objects, ``eval``/``exec``, imports from computed strings) is reported as
*unverifiable*: a rule about how a function is written then fails rather than pass
on trust.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# Names whose use anywhere means the grader cannot tell which code runs: code objects
# and function objects rebuilt or patched, memory written from Python, the sandbox's
# own session code rewritten.
TAMPERING = frozenset(
    {"__code__", "co_firstlineno", "co_filename", "co_code", "CodeType", "FunctionType"}
    | {"ctypes", "_child"}
)
# Code compiled from strings: unreadable where a graded function (or one it calls) uses
# it, or where a function that no cell defines may come from it.
DYNAMIC_CODE = frozenset({"eval", "exec", "compile"})
IMPORT_CALLS = frozenset({"__import__", "import_module"})
# the ids under which these failures are recorded (see autograder.mistakes)
CALLS_COURSE_HELPERS = "common.calls-course-helpers"
UNREADABLE_CODE = "common.unreadable-code"


@dataclass(frozen=True)
class Origin:
    """Where the sandbox says a top-level function came from (untrusted, checked here)."""

    cell: int | None = None  # index of the cell in the order the grader sent them
    line: int | None = None  # the code object's first line in that cell
    code_name: str | None = None  # the code object's name (``<lambda>`` for a lambda)
    module: str | None = None  # the module of a function that no cell defined


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def _first_line(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Where a function's code object starts: its first decorator, else ``def``."""
    return min([node.lineno] + [d.lineno for d in node.decorator_list])


def definition_at(source: str, name: str, origin: Origin) -> str | None:
    """The top-level definition of ``name`` in ``source`` that starts at the reported
    line: ``def name`` (decorators included) or ``name = lambda ...``; None if the
    report matches no such definition."""
    tree = _parse(source)
    if tree is None or origin.line is None:
        return None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name == name == origin.code_name and _first_line(node) == origin.line:
                start = node.decorator_list[0] if node.decorator_list else node
                lines = source.splitlines()[start.lineno - 1 : node.end_lineno]
                return "\n".join(lines)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
            targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
            if (
                name in targets
                and origin.code_name == "<lambda>"
                and node.value.lineno == origin.line
            ):
                return ast.get_source_segment(source, node)
    return None


def _root(module: str) -> str:
    return module.split(".")[0]


def _imports(tree: ast.AST) -> dict[str, set[str]]:
    """Names bound by import statements anywhere in ``tree`` -> their module roots."""
    bound: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                bound.setdefault(name, set()).add(_root(alias.name))
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                bound.setdefault(alias.asname or alias.name, set()).add(_root(node.module))
    return bound


def _referenced(node: ast.AST) -> set[str]:
    """Every plain name a piece of code mentions (``np`` of ``np.sin``, ``f`` of ``f(x)``)."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def mentioned_names(tree: ast.AST) -> set[str]:
    """Names and attribute names a piece of code mentions (what the rules look for)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.alias):
            found.update(node.name.split("."))
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.update(node.module.split("."))
    return found


def _string_imports(tree: ast.AST) -> tuple[set[str], bool]:
    """Modules imported by ``__import__("x")`` / ``importlib.import_module("x")``, and
    whether some such call computes its module name (then nobody can tell which)."""
    roots: set[str] = set()
    computed = False
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = (
            func.id
            if isinstance(func, ast.Name)
            else func.attr
            if isinstance(func, ast.Attribute)
            else None
        )
        if called not in IMPORT_CALLS:
            continue
        first = node.args[0] if node.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            roots.add(_root(first.value))
        else:
            computed = True
    return roots, computed


@dataclass
class NotebookSources:
    """The executed cells of a submission (grader's copies) and the sandbox's report of
    where each top-level function came from."""

    cells: list[str]
    origins: Mapping[str, Origin] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.trees = [t for t in (_parse(c) for c in self.cells) if t is not None]
        self.functions: dict[str, str] = {}
        for name, origin in self.origins.items():
            if origin.cell is not None and 0 <= origin.cell < len(self.cells):
                found = definition_at(self.cells[origin.cell], name, origin)
                if found is not None:
                    self.functions[name] = found
        self.bindings = self._module_bindings()
        self.tampering = sorted(
            {name for tree in self.trees for name in mentioned_names(tree) & TAMPERING}
        )

    def _module_bindings(self) -> dict[str, set[str]]:
        """Top-level name -> the module roots it may refer to: imports, and assignments
        whose right-hand side mentions such a name (``ng = helpers.gradcheck.f``)."""
        bound: dict[str, set[str]] = {}
        assignments: list[tuple[list[str], set[str]]] = []
        for tree in self.trees:
            for name, roots in _imports(tree).items():
                bound.setdefault(name, set()).update(roots)
            for node in tree.body:
                if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    names = [t.id for t in targets if isinstance(t, ast.Name)]
                    if node.value is not None and names:
                        assignments.append((names, _referenced(node.value)))
        for name, origin in self.origins.items():
            if origin.module and name not in self.functions:
                bound.setdefault(name, set()).add(_root(origin.module))
        changed = True
        while changed:  # (a fixpoint: a = helpers.x; b = a; ...)
            changed = False
            for names, used in assignments:
                roots = set().union(*(bound.get(u, set()) for u in used))
                for name in names:
                    if not roots <= bound.setdefault(name, set()):
                        bound[name] |= roots
                        changed = True
        return bound

    def source_of(self, name: str) -> str:
        """The definition of a top-level function as it ran ("" when it has none)."""
        return self.functions.get(name, "")

    def reached(self, source: str) -> list[str]:
        """``source`` and the definitions of the notebook's own functions it calls,
        and of those they call (transitively)."""
        out = [source]
        seen: set[str] = set()
        todo = [source]
        while todo:
            tree = _parse(todo.pop())
            if tree is None:
                continue
            for name in sorted(_referenced(tree)):
                if name in self.functions and name not in seen:
                    seen.add(name)
                    out.append(self.functions[name])
                    todo.append(self.functions[name])
        return out

    def names_reached(self, source: str) -> set[str]:
        """Every name and attribute the function and the functions it calls mention."""
        found: set[str] = set()
        for text in self.reached(source):
            tree = _parse(text)
            if tree is not None:
                found |= mentioned_names(tree)
        return found

    def modules_reached(self, source: str) -> set[str]:
        """Top-level modules the function (and those it calls) uses, imported names
        resolved through the notebook's imports and assignments."""
        roots: set[str] = set()
        for text in self.reached(source):
            tree = _parse(text)
            if tree is None:
                continue
            local = _imports(tree)
            for name in _referenced(tree):
                roots |= local.get(name, set()) | self.bindings.get(name, set())
            roots |= set().union(*local.values()) if local else set()
            roots |= _string_imports(tree)[0]
        return roots

    def unverifiable(self, name: str) -> list[str]:
        """What makes the code of the submission's ``name`` impossible to read: code
        objects changed anywhere; code from strings in it (or in what it calls), or
        anywhere when no cell defines ``name`` itself."""
        found = set(self.tampering)
        texts = self.reached(self.functions[name]) if name in self.functions else self.cells
        for text in texts:
            tree = _parse(text)
            if tree is not None:
                found |= mentioned_names(tree) & DYNAMIC_CODE
                found |= {"__import__"} if _string_imports(tree)[1] else set()
        return sorted(found)

    def modules_of_name(self, name: str) -> set[str]:
        """The modules a top-level name of the submission uses or comes from."""
        if name in self.functions:
            return self.modules_reached(self.functions[name])
        return set(self.bindings.get(name, set()))


def not_own_code(name: str, package: str) -> str:
    """The failure of a graded function that calls one of the course's own packages."""
    return (
        f"{name} calls the course's `{package}` package (itself or through a function it "
        "calls): a graded function must be your own code, not a call to what the lessons provide"
    )


def delegation(
    sources: NotebookSources, name: str, packages: Iterable[str]
) -> tuple[str, str] | None:
    """``(mistake id, message)`` saying why the submission's ``name`` is not its own
    code: it uses one of ``packages`` (directly, through an imported name, or through
    the notebook's other functions), or the notebook makes that impossible to check.
    None when it is its own code."""
    unreadable = sources.unverifiable(name)
    if unreadable:
        shown = ", ".join(f"`{n}`" for n in unreadable[:3])
        return UNREADABLE_CODE, (
            f"the notebook uses {shown}, so the grader cannot tell which code {name} runs: "
            f"define {name} with `def` in a code cell, without code objects, exec or eval"
        )
    used = sources.modules_of_name(name) & set(packages)
    return (CALLS_COURSE_HELPERS, not_own_code(name, sorted(used)[0])) if used else None
