"""What a graded test cell sees of a submission: proxies holding only plain data.

In the trusted grader each name the submission defined reaches the test cell as

- its *value*, when it is plain data (numbers, NumPy arrays, lists, SymPy, ...);
- a :class:`RemoteFunction` when it is callable: calling it runs the student's
  function in the sandbox and returns plain data;
- the grader's own module for a module it knows (``np``, ``math``, ``torch``...);
- an :class:`Opaque` handle for anything else, whose use fails the test with a
  message saying what came back (an object that lies in comparisons never
  reaches the checks).
"""

from __future__ import annotations

import ast
import copy
import importlib
import inspect
import math
import sys
from types import ModuleType
from typing import Any, NoReturn, Protocol

import numpy as np

from autograder import wire
from autograder.portable import Portable
from autograder.testing import TestFailure

# modules a test cell may receive for a student's ``import`` (the grader's own copy)
TRUSTED_MODULES = {
    "numpy",
    "numpy.linalg",
    "numpy.random",
    "math",
    "cmath",
    "random",
    "statistics",
    "functools",
    "itertools",
    "collections",
    "operator",
    "sympy",
    "torch",
    "torch.nn",
    "torch.nn.functional",
    "torch.optim",
    "torch.autograd",
}


class StudentError(Exception):
    """The student's function raised, ran too long, or killed its process.

    ``in_hidden_test`` is the message shown when it happened in a hidden test: without
    what the student's code chose to say (an exception's text, an exit status), which
    could carry the hidden test's inputs out to the student.
    """

    def __init__(
        self,
        message: str,
        raised: str | None = None,
        in_hidden_test: str | None = None,
        test_says: tuple[str, str] | None = None,
    ):
        super().__init__(message)
        self.raised = raised
        self.in_hidden_test = in_hidden_test if in_hidden_test is not None else message
        # (text, message with it): a function the test passed in raised with this text;
        # shown in a hidden test only if the text is one the test itself spells out
        self.test_says = test_says


class Opaque:
    """A value that is not plain data; any use of it fails the test."""

    __slots__ = ("_handle", "_type", "_origin")

    def __init__(self, handle: int | None, type_name: str, origin: str):
        object.__setattr__(self, "_handle", handle)
        object.__setattr__(self, "_type", type_name)
        object.__setattr__(self, "_origin", origin)

    def _fail(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TestFailure(
            f"{object.__getattribute__(self, '_origin')} gave a "
            f"{object.__getattribute__(self, '_type')}, expected a number, an "
            "array, a list or a function"
        )

    def __repr__(self) -> str:
        return f"<{object.__getattribute__(self, '_type')} object>"

    def __getattr__(self, name: str) -> NoReturn:
        if name.startswith("__") and name.endswith("__") and name not in ("__array__",):
            raise AttributeError(name)
        self._fail()

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _fail
    __bool__ = __float__ = __int__ = __index__ = __complex__ = __len__ = __iter__ = _fail
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __pow__ = __rpow__ = _fail
    __matmul__ = __rmatmul__ = __neg__ = __pos__ = __abs__ = __mod__ = __rmod__ = _fail
    __getitem__ = __contains__ = __array__ = __hash__ = _fail

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        self._fail()


class SourceLookup(Protocol):
    """The grader's reading of the submission's code (see :mod:`autograder.sources`)."""

    def source_of(self, name: str) -> str: ...

    def names_reached(self, source: str) -> set[str]: ...

    def modules_reached(self, source: str) -> set[str]: ...


class Runner(Protocol):
    """What a :class:`RemoteFunction` needs from the engine's view of a submission."""

    @property
    def generation(self) -> int: ...

    @property
    def sources(self) -> SourceLookup: ...

    def call(
        self, fn: RemoteFunction, args: tuple[Any, ...], kwargs: dict[str, Any], report_inputs: bool
    ) -> tuple[Any, tuple[list[Any], dict[str, Any]] | None]: ...

    def current_handle(self, fn: RemoteFunction) -> int: ...


class RemoteFunction:
    """A student's function living in the sandbox; calls return plain data.

    ``source`` is the function's own code as the grader read it from its copy of the
    cell that defined it (empty for functions created at run time); ``notebook``
    answers questions about the code it reaches (for :mod:`autograder.testing`'s
    source rules).
    """

    def __init__(
        self,
        runner: Runner,
        handle: int,
        generation: int,
        name: str,
        origin: str | None,
        source: str = "",
    ):
        self._runner = runner
        self._handle = handle
        self._generation = generation
        self.__name__ = self.name = name
        self._origin = origin  # the top-level name it was found under, if any
        self.source = source
        signature = _signature_from_source(source, name)
        if signature is not None:
            self.__signature__ = signature  # what inspect.signature() reports

    def __repr__(self) -> str:
        return f"<student function {self.__name__}>"

    @property
    def notebook(self) -> SourceLookup:
        return self._runner.sources

    def _current_handle(self) -> int:
        return self._runner.current_handle(self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        result, _ = self._runner.call(self, args, kwargs, report_inputs=False)
        return result

    def call_with_input_report(self, *args: Any, **kwargs: Any) -> tuple[Any, list[int | str]]:
        """Call and also report which arguments the function changed in place.

        The sandbox sends back the arguments as they are after the call; the
        grader compares them with its own copies of what it sent.
        """
        before_args = [copy.deepcopy(a) for a in args]
        before_kwargs = {k: copy.deepcopy(v) for k, v in kwargs.items()}
        result, after = self._runner.call(self, args, kwargs, report_inputs=True)
        assert after is not None  # report_inputs=True always reports
        after_args, after_kwargs = after
        changed: list[int | str] = []
        for i, (b, a) in enumerate(zip(before_args, after_args)):
            if not _same(b, a):
                changed.append(i)
        for k, b in before_kwargs.items():
            if not _same(b, after_kwargs.get(k)):
                changed.append(k)
        return result, changed


def _signature_from_source(source: str, name: str) -> inspect.Signature | None:
    """The parameters of ``def name(...)`` in ``source`` (defaults when literal)."""
    if not source:
        return None
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            args = node.args
            positional = args.posonlyargs + args.args
            defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
            defaults += args.defaults
            params = []
            try:
                for arg, default in zip(positional, defaults):
                    value = inspect.Parameter.empty if default is None else _literal(default)
                    params.append(
                        inspect.Parameter(
                            arg.arg, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=value
                        )
                    )
                if args.vararg:
                    params.append(
                        inspect.Parameter(args.vararg.arg, inspect.Parameter.VAR_POSITIONAL)
                    )
                for arg, default in zip(args.kwonlyargs, args.kw_defaults):
                    value = inspect.Parameter.empty if default is None else _literal(default)
                    params.append(
                        inspect.Parameter(arg.arg, inspect.Parameter.KEYWORD_ONLY, default=value)
                    )
                if args.kwarg:
                    params.append(inspect.Parameter(args.kwarg.arg, inspect.Parameter.VAR_KEYWORD))
                return inspect.Signature(params)
            except (ValueError, TypeError):
                return None
    return None


def _literal(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        return "..."


def _same(before: Any, after: Any) -> bool:
    if isinstance(before, (RemoteFunction, Opaque)) or callable(before):
        return True
    if isinstance(before, np.ndarray) or isinstance(after, np.ndarray):
        try:
            b, a = np.asarray(before), np.asarray(after)
            return b.shape == a.shape and bool(np.array_equal(b, a, equal_nan=b.dtype.kind in "fc"))
        except (TypeError, ValueError):
            return False
    if isinstance(before, (list, tuple)) and isinstance(after, (list, tuple)):
        return len(before) == len(after) and all(_same(b, a) for b, a in zip(before, after))
    if isinstance(before, dict) and isinstance(after, dict):
        return before.keys() == after.keys() and all(_same(before[k], after[k]) for k in before)
    try:
        return bool(before == after) or (before != before and after != after)
    except Exception:
        return False


def trusted_module(name: str) -> ModuleType | None:
    if name in TRUSTED_MODULES:
        try:
            return importlib.import_module(name)
        except ImportError:
            return None
    return None


# ---------------------------------------------------------------- encoding out
def encode_argument(value: Any, depth: int = 0) -> Any:
    """Encode an argument the grader sends to a student's function."""
    return wire.encode_plain(value, _encode_other_argument, depth)


def _encode_other_argument(value: Any) -> Any:
    if isinstance(value, RemoteFunction):
        return {"__t": "fnref", "id": value._current_handle()}
    if isinstance(value, Opaque):
        return {"__t": "ref", "id": object.__getattribute__(value, "_handle")}
    if isinstance(value, Portable):
        return {"__t": "portable", "source": value.source, "name": value.name}
    mod = type(value).__module__ or ""
    if mod.startswith("sympy"):
        return {"__t": "sym", "tree": wire.sympy_to_tree(value)}
    if mod.startswith("torch") and hasattr(value, "detach"):
        return {
            "__t": "tensor",
            "array": wire.encode_array(value.detach().cpu().numpy()),
            "requires_grad": bool(value.requires_grad),
        }
    if callable(value):
        source = _library_function_source(value)
        if source:
            return {"__t": "portable", "source": source, "name": getattr(value, "__name__", None)}
        raise TypeError(
            "a test passes a function to a student's function: wrap it with "
            'autograder.portable.portable("lambda x: ...") so it can reach the sandbox'
        )
    raise TypeError(f"cannot send a {type(value).__name__} to a student's function")


def _library_function_source(fn: Any) -> str | None:
    """``np.sin``, ``math.exp``, ``torch.tanh``: re-created by name in the sandbox."""
    name = getattr(fn, "__name__", None)
    if not isinstance(name, str) or not name.isidentifier():
        return None
    candidates: list[tuple[str, ModuleType]] = [("np", np), ("math", math)]
    if "torch" in sys.modules:  # (only when a test imported it)
        candidates.append(("torch", sys.modules["torch"]))
    for alias, module in candidates:
        if getattr(module, name, None) is fn:
            return f"lambda *args, **kwargs: {alias}.{name}(*args, **kwargs)"
    return None


# ---------------------------------------------------------------- decoding in
def decode(runner: Runner, obj: Any, origin: str, top_name: str | None = None) -> Any:
    """Rebuild a value the submission sent: plain data as itself, a function as a
    :class:`RemoteFunction` on ``runner``, SymPy from its tree, anything else as an
    :class:`Opaque` handle.

    ``origin`` names where the value came from, for messages ("secant_slope");
    ``top_name`` is the submission's own name for ``obj`` when it is one of its
    top-level names (its source code is then known to the grader).
    """

    def tagged(item: dict[str, Any], depth: int) -> Any:
        tag = item.get("__t")
        if tag == "fn":
            hid = item.get("id")
            if type(hid) is not int:
                raise wire.WireError("bad handle")
            sent = item.get("name")
            name = sent if isinstance(sent, str) else "function"
            own = top_name if top_name is not None and item is obj else None
            source = runner.sources.source_of(own) if own else ""
            return RemoteFunction(runner, hid, runner.generation, own or name[:80], own, source)
        if tag == "obj":
            hid = item.get("id")
            sent = item.get("type")
            type_name = sent if isinstance(sent, str) else "object"
            return Opaque(hid if type(hid) is int else None, type_name[:80], origin)
        if tag == "sym":
            return wire.tree_to_sympy(item.get("tree"))
        raise wire.WireError(f"unexpected value type {tag!r}")

    return wire.decode_plain(obj, tagged)
