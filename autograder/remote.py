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

import copy
import importlib

import numpy as np

from autograder import wire

try:  # the content helper's assertion type, so messages are reported the same way
    from autograder.testing import TestFailure
except ImportError:  # pragma: no cover - testing.py missing

    class TestFailure(AssertionError):
        """A failed check (fallback when autograder.testing is absent)."""


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
    """The student's function raised, ran too long, or killed its process."""

    def __init__(self, message: str, raised: str | None = None):
        super().__init__(message)
        self.raised = raised


class Opaque:
    """A value that is not plain data; any use of it fails the test."""

    __slots__ = ("_handle", "_type", "_origin")

    def __init__(self, handle: int | None, type_name: str, origin: str):
        object.__setattr__(self, "_handle", handle)
        object.__setattr__(self, "_type", type_name)
        object.__setattr__(self, "_origin", origin)

    def _fail(self, *args, **kwargs):
        raise TestFailure(
            f"{object.__getattribute__(self, '_origin')} gave a "
            f"{object.__getattribute__(self, '_type')}, expected a number, an "
            "array, a list or a function"
        )

    def __repr__(self):
        return f"<{object.__getattribute__(self, '_type')} object>"

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__") and name not in ("__array__",):
            raise AttributeError(name)
        self._fail()

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _fail
    __bool__ = __float__ = __int__ = __index__ = __complex__ = __len__ = __iter__ = _fail
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __pow__ = __rpow__ = _fail
    __matmul__ = __rmatmul__ = __neg__ = __pos__ = __abs__ = __mod__ = __rmod__ = _fail
    __getitem__ = __contains__ = __array__ = __hash__ = _fail

    def __setattr__(self, name, value):
        self._fail()


class RemoteFunction:
    """A student's function living in the sandbox; calls return plain data.

    ``source`` is the function's own code as the grader read it from the
    submission (empty for functions created at run time).
    """

    def __init__(
        self, runner, handle: int, generation: int, name: str, origin: str | None, source: str = ""
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

    def __repr__(self):
        return f"<student function {self.__name__}>"

    def _current_handle(self) -> int:
        return self._runner.current_handle(self)

    def __call__(self, *args, **kwargs):
        result, _ = self._runner.call(self, args, kwargs, report_inputs=False)
        return result

    def call_with_input_report(self, *args, **kwargs):
        """Call and also report which arguments the function changed in place.

        The sandbox sends back the arguments as they are after the call; the
        grader compares them with its own copies of what it sent.
        """
        before_args = [copy.deepcopy(a) for a in args]
        before_kwargs = {k: copy.deepcopy(v) for k, v in kwargs.items()}
        result, (after_args, after_kwargs) = self._runner.call(
            self, args, kwargs, report_inputs=True
        )
        changed: list = []
        for i, (b, a) in enumerate(zip(before_args, after_args)):
            if not _same(b, a):
                changed.append(i)
        for k, b in before_kwargs.items():
            if not _same(b, after_kwargs.get(k)):
                changed.append(k)
        return result, changed


def _signature_from_source(source: str, name: str):
    """The parameters of ``def name(...)`` in ``source`` (defaults when literal)."""
    import ast
    import inspect

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
            defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
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


def _literal(node):
    import ast

    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        return "..."


def _same(before, after) -> bool:
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


def trusted_module(name: str):
    if name in TRUSTED_MODULES:
        try:
            return importlib.import_module(name)
        except ImportError:
            return None
    return None


# ---------------------------------------------------------------- encoding out
def encode_argument(value, depth: int = 0):
    """Encode an argument the grader sends to a student's function."""
    return wire.encode_plain(value, _encode_other_argument, depth)


def _encode_other_argument(value):
    from autograder.portable import Portable

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


def _library_function_source(fn) -> str | None:
    """``np.sin``, ``math.exp``, ``torch.tanh``: re-created by name in the sandbox."""
    name = getattr(fn, "__name__", None)
    if not isinstance(name, str) or not name.isidentifier():
        return None
    import math

    candidates = [("np", np), ("math", math)]
    try:
        import sys

        if "torch" in sys.modules:
            candidates.append(("torch", sys.modules["torch"]))
    except Exception:
        pass
    for alias, module in candidates:
        if getattr(module, name, None) is fn:
            return f"lambda *args, **kwargs: {alias}.{name}(*args, **kwargs)"
    return None
