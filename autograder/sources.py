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
from collections.abc import Iterable, Iterator, Mapping
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
# Imports by string: a constant module name is followed, any other use (a computed name,
# the function passed around) is unreadable.
IMPORT_CALLS = frozenset({"__import__", "import_module", "resolve_name"})
# The notebook's namespace reached as an object: names stored through it are invisible.
NAMESPACE_ACCESS = frozenset({"globals", "locals", "vars", "__dict__", "__main__"})
NAMESPACE_ACCESS |= {"builtins", "__builtins__"}
# Calls that keep their arguments (in an object, a class, a container, a wrapper).
STORING_CALLS = frozenset(
    {"setattr", "__setattr__", "__setitem__", "append", "extend", "insert", "add"}
    | {"update", "setdefault", "staticmethod", "classmethod", "property", "partial"}
    | {"dict", "list", "tuple", "set", "frozenset", "type", "SimpleNamespace"}
)
# The origin the sandbox gives a callable whose code it cannot point at.
UNVERIFIABLE_MODULE = "<unverifiable>"
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
    line: ``def name`` (decorators included) or ``name = lambda ...``; for an object
    whose class's ``__call__`` starts there, that whole class (its attributes and
    methods are what the call can reach). None if the report matches no such definition."""
    tree = _parse(source)
    if tree is None or origin.line is None:
        return None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name == name == origin.code_name and _first_line(node) == origin.line:
                start = node.decorator_list[0] if node.decorator_list else node
                lines = source.splitlines()[start.lineno - 1 : node.end_lineno]
                return "\n".join(lines)
        elif isinstance(node, ast.ClassDef) and origin.code_name == "__call__":
            for method in node.body:
                if (
                    isinstance(method, ast.FunctionDef)
                    and method.name == "__call__"
                    and _first_line(method) == origin.line
                ):
                    return ast.get_source_segment(source, node)
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


def _called_name(func: ast.expr) -> str | None:
    """``f`` of ``f(...)`` and of ``obj.f(...)``."""
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def _constant_string(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _import_root(node: ast.AST, sys_names: Iterable[str]) -> tuple[str, str | None] | None:
    """``(what, module root)`` when ``node`` imports a module by string:
    ``__import__("x")``, ``importlib.import_module("x")``,
    ``pkgutil.resolve_name("x.y:z")``, ``sys.modules["x"]`` (root None when the string
    is computed); None for any other node."""
    if isinstance(node, ast.Call) and _called_name(node.func) in IMPORT_CALLS:
        name = _constant_string(node.args[0] if node.args else None)
        return str(_called_name(node.func)), _root(name.split(":")[0]) if name else None
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "modules"
        and isinstance(node.value.value, ast.Name)
        and node.value.value.id in sys_names
    ):
        key = node.slice if isinstance(node.slice, ast.expr) else None
        name = _constant_string(key)
        return "sys.modules", _root(name) if name else None
    return None


def _string_imports(
    tree: ast.AST, sys_names: Iterable[str] = ("sys",)
) -> tuple[set[str], set[str]]:
    """Modules imported by a constant string in ``tree``, and the uses of imports by
    string that nobody can follow: a computed module name, the import function or
    ``sys.modules`` used any other way, ``getattr`` with a computed attribute."""
    sys_names = set(sys_names)
    roots: set[str] = set()
    unreadable: set[str] = set()
    followed: set[int] = set()  # the import functions and sys.modules used as above
    for node in ast.walk(tree):
        found = _import_root(node, sys_names)
        if found is not None:
            what, root = found
            if isinstance(node, (ast.Call, ast.Subscript)):  # (always one of these)
                followed.add(id(node.func if isinstance(node, ast.Call) else node.value))
            if root is None:
                unreadable.add(what)
            else:
                roots.add(root)
        elif (
            isinstance(node, ast.Call)
            and _called_name(node.func) == "getattr"
            and _constant_string(node.args[1] if len(node.args) > 1 else None) is None
        ):
            unreadable.add("getattr")
    for node in ast.walk(tree):
        if id(node) in followed:
            continue
        if isinstance(node, ast.Name) and node.id in IMPORT_CALLS:
            unreadable.add(node.id)
        elif isinstance(node, ast.Attribute) and node.attr in IMPORT_CALLS:
            unreadable.add(node.attr)
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "modules"
            and isinstance(node.value, ast.Name)
            and node.value.id in sys_names
        ):
            unreadable.add("sys.modules")
    return roots, unreadable


def _scope_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of one scope: into ``if``/``for``/``with``/``try`` blocks, not into
    the bodies of functions and classes (scopes of their own)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for block in ("body", "orelse", "finalbody"):
            yield from _scope_statements(getattr(stmt, block, []))
        for handler in getattr(stmt, "handlers", []):
            yield from _scope_statements(handler.body)
        for case in getattr(stmt, "cases", []):
            yield from _scope_statements(case.body)


def _stores(stmt: ast.stmt) -> list[tuple[ast.expr, ast.expr]]:
    """``(target, value)`` of what a statement binds (assignments, ``for``, ``with``)."""
    if isinstance(stmt, ast.Assign):
        return [(t, stmt.value) for t in stmt.targets]
    if isinstance(stmt, (ast.AnnAssign, ast.AugAssign)) and stmt.value is not None:
        return [(stmt.target, stmt.value)]
    if isinstance(stmt, (ast.For, ast.AsyncFor)):
        return [(stmt.target, stmt.iter)]
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return [(i.optional_vars, i.context_expr) for i in stmt.items if i.optional_vars]
    return []


def _keeps_arguments(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether a function stores one of its arguments where it outlives the call: in an
    attribute or item, through a call that keeps it, or in a global."""
    arguments = function.args
    parameters = {
        a.arg
        for a in arguments.posonlyargs
        + arguments.args
        + arguments.kwonlyargs
        + [arguments.vararg, arguments.kwarg]
        if a is not None
    }
    declared = {
        n for node in ast.walk(function) if isinstance(node, ast.Global) for n in node.names
    }
    for node in ast.walk(function):
        for target, value in _stores(node) if isinstance(node, ast.stmt) else []:
            kept = not isinstance(target, ast.Name) or target.id in declared
            if kept and _referenced(value) & parameters:
                return True
        if isinstance(node, ast.Call) and _called_name(node.func) in STORING_CALLS:
            passed = node.args + [k.value for k in node.keywords]
            if set().union(*(_referenced(a) for a in passed)) & parameters:
                return True
    return False


@dataclass
class NotebookSources:
    """The executed cells of a submission (grader's copies) and the sandbox's report of
    where each top-level function came from."""

    cells: list[str]
    origins: Mapping[str, Origin] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.trees = [t for t in (_parse(c) for c in self.cells) if t is not None]
        self.functions: dict[str, str] = {}
        # the class source judged for a callable object -> the names of those objects
        self.objects: dict[str, set[str]] = {}
        for name, origin in self.origins.items():
            if origin.cell is not None and 0 <= origin.cell < len(self.cells):
                found = definition_at(self.cells[origin.cell], name, origin)
                if found is not None:
                    self.functions[name] = found
                    if origin.code_name == "__call__":
                        self.objects.setdefault(found, set()).add(name)
        self.imported: dict[str, set[str]] = {}
        for tree in self.trees:
            for name, roots in _imports(tree).items():
                self.imported.setdefault(name, set()).update(roots)
        self.sys_names = {n for n, roots in self.imported.items() if "sys" in roots}
        self.bindings = self._module_bindings()
        self.aliases = self._aliases()
        self.smuggled = self._smuggled()
        self.tampering = sorted(
            {name for tree in self.trees for name in mentioned_names(tree) & TAMPERING}
            | {name for tree in self.trees for name in mentioned_names(tree) & NAMESPACE_ACCESS}
            | {
                root
                for tree in self.trees
                for root in self._string_imports(tree)[0] & NAMESPACE_ACCESS
            }
            | {
                name
                for tree in self.trees
                for stmt in _scope_statements(tree.body)
                for name in self._string_imports(stmt, module_scope=True)[1]
            }
        )

    def _string_imports(
        self, node: ast.AST, module_scope: bool = False
    ) -> tuple[set[str], set[str]]:
        """:func:`_string_imports` of ``node`` (with the notebook's names for ``sys``);
        at module scope, without descending into the functions it defines."""
        if module_scope and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return set(), set()
        if module_scope and isinstance(node, (ast.If, ast.For, ast.While, ast.With, ast.Try)):
            return set(), set()  # (their statements come one by one)
        return _string_imports(node, self.sys_names | {"sys"})

    def _module_statements(self) -> Iterator[ast.stmt]:
        """The statements that bind the notebook's top-level names: those of its cells
        outside functions and classes, and those of functions that store to a name
        they declare ``global``."""
        for tree in self.trees:
            yield from _scope_statements(tree.body)
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    declared = {
                        name
                        for stmt in ast.walk(node)
                        if isinstance(stmt, ast.Global)
                        for name in stmt.names
                    }
                    for stmt in _scope_statements(node.body):
                        stores = _stores(stmt)
                        if any(_referenced(target) & declared for target, _ in stores):
                            yield stmt

    def _module_bindings(self) -> dict[str, set[str]]:
        """Top-level name -> the module roots it may refer to: imports; names (and the
        objects of attributes and items) assigned from code that mentions such a name
        (``ng = helpers.gradcheck.f``, ``X.lib = torch``) or imports by string; classes
        and functions that no report points at, from what their code mentions."""
        bound = {name: set(roots) for name, roots in self.imported.items()}
        assignments: list[tuple[list[str], set[str]]] = []
        for stmt in self._module_statements():
            for target, value in _stores(stmt):
                strings = self._string_imports(value)[0]
                assignments.append((sorted(_referenced(target)), _referenced(value)))
                if strings:
                    for name in _referenced(target):
                        bound.setdefault(name, set()).update(strings)
            if isinstance(stmt, ast.ClassDef) or (
                isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
                and stmt.name not in self.functions
            ):
                assignments.append(([stmt.name], _referenced(stmt)))
                bound.setdefault(stmt.name, set()).update(self._string_imports(stmt)[0])
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
                call = stmt.value  # obj.append(x), setattr(obj, "a", x): obj holds x
                func = call.func
                holders = _referenced(func.value) if isinstance(func, ast.Attribute) else set()
                if isinstance(func, ast.Name) and func.id in STORING_CALLS:
                    holders |= set().union(*(_referenced(a) for a in call.args[:1]))
                used = set().union(*(_referenced(a) for a in call.args + call.keywords))
                assignments.append((sorted(holders - set(self.imported)), used))
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

    def _aliases(self) -> dict[str, set[str]]:
        """Names that *are* a module or something from it (not a value computed with
        it): ``import torch as T``, ``t = torch``, ``sig = torch.sigmoid``."""
        aliases = {name: set(roots) for name, roots in self.imported.items()}
        plain = [
            (target.id, value)
            for stmt in self._module_statements()
            for target, value in _stores(stmt)
            if isinstance(target, ast.Name)
        ]
        changed = True
        while changed:
            changed = False
            for name, value in plain:
                roots = self._alias_roots(value, aliases)
                if not roots <= aliases.setdefault(name, set()):
                    aliases[name] |= roots
                    changed = True
        return aliases

    def _alias_roots(self, node: ast.AST, aliases: Mapping[str, set[str]]) -> set[str]:
        """The modules an expression is (or is a part of): ``torch``, ``T.sigmoid``,
        ``getattr(torch, "x")``, ``resolve_name("torch:x")``, ``lambda: torch``."""
        if isinstance(node, ast.Name):
            return set(aliases.get(node.id, set()))
        if isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred, ast.NamedExpr)):
            return self._alias_roots(node.value, aliases)
        if isinstance(node, (ast.IfExp, ast.BoolOp)):
            parts = [node.body, node.orelse] if isinstance(node, ast.IfExp) else node.values
            return set().union(*(self._alias_roots(p, aliases) for p in parts))
        if isinstance(node, ast.Lambda):
            return set().union(*(aliases.get(n, set()) for n in _referenced(node.body)))
        if isinstance(node, ast.Call):
            found = _import_root(node, self.sys_names | {"sys"})
            if found is not None:
                return {found[1]} if found[1] else set()
            if _called_name(node.func) in {"getattr", "vars"} and node.args:
                return self._alias_roots(node.args[0], aliases)
        return set()

    def _smuggled(self) -> dict[str, set[str]]:
        """Module root -> how the notebook keeps it (or something from it) where the
        grader cannot follow a name: an attribute or item, a class attribute, a
        container, a default argument, an argument of a call that keeps it. A rule
        about such a module cannot be checked for any of the notebook's functions."""
        found: dict[str, set[str]] = {}

        def note(node: ast.AST | None, how: str) -> None:
            if node is not None:
                for root in self._alias_roots(node, self.aliases):
                    found.setdefault(root, set()).add(how)

        storing = STORING_CALLS | {
            node.name
            for tree in self.trees
            for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _keeps_arguments(node)
        }
        class_bodies = [
            stmt
            for tree in self.trees
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)
            for stmt in _scope_statements(node.body)
        ]
        for stmt in class_bodies:
            for _, value in _stores(stmt):
                note(value, "a class attribute")
        for tree in self.trees:
            for node in ast.walk(tree):
                for target, value in _stores(node) if isinstance(node, ast.stmt) else []:
                    if not isinstance(target, ast.Name):
                        note(value, "an attribute, item or unpacking")
                if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
                    for element in node.elts:
                        note(element, "a container")
                elif isinstance(node, ast.Dict):
                    for part in node.keys + node.values:
                        note(part, "a container")
                elif isinstance(node, ast.arguments):
                    for default in node.defaults + node.kw_defaults:
                        note(default, "a default argument")
                elif isinstance(node, ast.Call) and _called_name(node.func) in storing:
                    for argument in node.args + [k.value for k in node.keywords]:
                        note(argument, f"an argument of {_called_name(node.func)}")
        return found

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
        resolved through the notebook's imports and assignments; and every module the
        notebook keeps where no name leads to it (:meth:`_smuggled`)."""
        roots: set[str] = set(self.smuggled)
        for text in self.reached(source):
            tree = _parse(text)
            if tree is None:
                continue
            local = _imports(tree)
            used = _referenced(tree) | self.objects.get(text, set())
            for name in used:
                roots |= local.get(name, set()) | self.bindings.get(name, set())
            roots |= set().union(*local.values()) if local else set()
            roots |= self._string_imports(tree)[0]
        return roots

    def unverifiable(self, name: str) -> list[str]:
        """What makes the code of the submission's ``name`` impossible to read: code
        objects changed anywhere, the notebook's namespace reached as an object, an
        import by a computed string outside functions; code from strings or imports by
        string that cannot be followed in it (or in what it calls), or anywhere when no
        cell defines ``name`` itself; an object whose code the sandbox cannot show."""
        found = set(self.tampering)
        origin = self.origins.get(name)
        if origin is not None and origin.module == UNVERIFIABLE_MODULE:
            found.add("a callable that is not a function")
        texts = self.reached(self.functions[name]) if name in self.functions else self.cells
        for text in texts:
            tree = _parse(text)
            if tree is not None:
                found |= mentioned_names(tree) & DYNAMIC_CODE
                found |= self._string_imports(tree)[1]
        return sorted(found)

    def modules_of_name(self, name: str) -> set[str]:
        """The modules a top-level name of the submission uses or comes from."""
        if name in self.functions:
            return self.modules_reached(self.functions[name])
        return set(self.bindings.get(name, set())) | set(self.smuggled)


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
    kept = sorted(set(sources.smuggled) & set(packages))
    if kept:
        how = sorted(sources.smuggled[kept[0]])[0]
        return UNREADABLE_CODE, (
            f"the notebook keeps the course's `{kept[0]}` package (or a part of it) in {how}, "
            f"so the grader cannot tell whether {name} calls it: name what you import "
            "with `import` or a plain assignment, and write graded functions yourself"
        )
    used = sources.modules_of_name(name) & set(packages)
    return (CALLS_COURSE_HELPERS, not_own_code(name, sorted(used)[0])) if used else None
