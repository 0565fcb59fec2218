"""The data format spoken between the trusted grader and the sandboxed submission.

Only plain data crosses the boundary, as JSON (never pickle): ``None``, ``bool``,
``int``, ``float`` (NaN and infinities included), ``complex``, ``str``; NumPy
numeric/bool arrays and scalars (base64 of the raw buffer with an explicit dtype);
lists, tuples and dicts of these; SymPy expressions as a tree of whitelisted
node types (rebuilt node by node, never ``sympify`` of a string); and *handles*:
small integers that name a function or an object kept on the other side.

Messages are framed as a 4-byte big-endian length followed by UTF-8 JSON.

This module is imported on both sides. :func:`decode` is the only code that
turns bytes coming from a submission into Python objects, so it checks
everything: types, dtypes, shapes, sizes and nesting depth. Anything it does not
recognise is a :class:`WireError`, never an object.
"""

from __future__ import annotations

import base64
import json
import math
import os
import select
import struct
import time
from collections.abc import Callable
from typing import Any, Literal, NotRequired, TypedDict

import numpy as np

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64
MAX_SYM_NODES = 20_000
MAX_STR = 16 * 1024 * 1024

# dtype kinds allowed for arrays: bool, signed, unsigned, float, complex
_ARRAY_KINDS = set("biufc")

# SymPy node types that may be rebuilt from a tree (function-like classes take
# their already-rebuilt arguments).
SYMPY_FUNCTIONS = (
    "Add",
    "Mul",
    "Pow",
    "exp",
    "log",
    "sin",
    "cos",
    "tan",
    "cot",
    "sec",
    "csc",
    "asin",
    "acos",
    "atan",
    "atan2",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    "Abs",
    "sign",
    "Heaviside",
    "Max",
    "Min",
    "sqrt",
    "floor",
    "ceiling",
    "re",
    "im",
    "conjugate",
    "erf",
    "gamma",
    "LambertW",
)
SYMPY_SINGLETONS = (
    "Zero",
    "One",
    "NegativeOne",
    "Half",
    "Pi",
    "Exp1",
    "ImaginaryUnit",
    "Infinity",
    "NegativeInfinity",
    "NaN",
    "ComplexInfinity",
    "EulerGamma",
)


class WireError(ValueError):
    """A message that breaks the protocol (too big, malformed, unknown type)."""


class ChannelClosed(EOFError):
    """The other side closed its end (it exited or was killed)."""


class ChannelTimeout(TimeoutError):
    """No complete message arrived before the deadline."""


# -------------------------------------------------------------------- protocol
# Requests the grader sends to a session (``op``): ``exec`` a cell's source, list the
# ``names`` the submission defined, ``get`` their values, ``call`` one of its functions.
# The replies come from untrusted code: the grader turns them into these types only
# through the checks below, which raise :class:`WireError` for anything else.


class ExecReply(TypedDict):
    """The result of running one cell: its (capped) output and its error, if any."""

    ok: bool
    stdout: str
    stderr: str
    error: NotRequired[str]


class NameInfo(TypedDict):
    """What a top-level name of the submission is (a module names its module).

    For a function the sandbox also says where its code came from: the grader's cell
    (``cell``, in the order the grader sent them), the first line of its code object
    in that cell and the code object's name; or the module of a function no cell
    defined. The grader checks that claim against its own copy of the cell.
    """

    kind: Literal["module", "function", "value"]
    module: NotRequired[str]
    cell: NotRequired[int]
    line: NotRequired[int]
    code_name: NotRequired[str]


class NamesReply(TypedDict):
    ok: bool
    names: dict[str, NameInfo]


class CallReply(TypedDict):
    """A call's result (encoded), or the error it raised with the student's own trace."""

    ok: bool
    result: NotRequired[Any]
    args_after: NotRequired[Any]
    kwargs_after: NotRequired[Any]
    error: NotRequired[str]
    raised: NotRequired[str]
    trace: NotRequired[str]
    at: NotRequired[list[int]]  # [cell, line] where it was raised in the submission's cells
    internal: NotRequired[bool]
    raised_by_test: NotRequired[bool]  # by a function the test passed in (its message)


def _check_fields(raw: Any, text: tuple[str, ...]) -> dict[str, Any]:
    if type(raw) is not dict or type(raw.get("ok")) is not bool:
        raise WireError("a reply must be an object with a boolean 'ok'")
    for key in text:
        if key in raw and type(raw[key]) is not str:
            raise WireError(f"'{key}' of a reply must be text")
    return raw


def exec_reply(raw: Any) -> ExecReply:
    """Check an ``exec`` reply."""
    reply = _check_fields(raw, ("stdout", "stderr", "error"))
    checked: ExecReply = {
        "ok": reply["ok"],
        "stdout": reply.get("stdout", ""),
        "stderr": reply.get("stderr", ""),
    }
    if "error" in reply:
        checked["error"] = reply["error"]
    return checked


def names_reply(raw: Any) -> NamesReply:
    """Check a ``names`` reply (entries that are not well-formed are dropped)."""
    reply = _check_fields(raw, ())
    names = reply.get("names")
    if type(names) is not dict:
        raise WireError("'names' of a reply must be an object")
    checked: dict[str, NameInfo] = {}
    for name, info in names.items():
        if type(name) is not str or type(info) is not dict:
            continue
        kind = info.get("kind")
        if kind == "module":
            module = info.get("module")
            checked[name] = {"kind": "module", "module": module if type(module) is str else ""}
        elif kind == "value":
            checked[name] = {"kind": "value"}
        elif kind == "function":
            entry: NameInfo = {"kind": "function"}
            cell, line, code_name = info.get("cell"), info.get("line"), info.get("code_name")
            if type(cell) is int and type(line) is int and type(code_name) is str:
                entry["cell"], entry["line"], entry["code_name"] = cell, line, code_name[:200]
            elif type(info.get("module")) is str:
                entry["module"] = info["module"][:200]
            checked[name] = entry
    return {"ok": reply["ok"], "names": checked}


def call_reply(raw: Any) -> CallReply:
    """Check a ``call`` reply (the values inside are decoded later, strictly)."""
    reply = _check_fields(raw, ("error", "raised", "trace"))
    for flag in ("internal", "raised_by_test"):
        if flag in reply and type(reply[flag]) is not bool:
            raise WireError(f"'{flag}' of a reply must be a boolean")
    at = reply.get("at", [])
    if type(at) is not list or len(at) not in (0, 2) or any(type(n) is not int for n in at):
        raise WireError("'at' of a reply must be [cell, line]")
    checked: CallReply = {"ok": reply["ok"]}
    for key in (
        "at",
        "result",
        "args_after",
        "kwargs_after",
        "error",
        "raised",
        "trace",
        "internal",
        "raised_by_test",
    ):
        if key in reply:
            checked[key] = reply[key]
    return checked


# --------------------------------------------------------------------- framing
def write_message(fd: int, message: Any) -> None:
    data = json.dumps(message, allow_nan=True, separators=(",", ":")).encode("utf-8")
    if len(data) > MAX_MESSAGE_BYTES:
        raise WireError(f"message of {len(data)} bytes exceeds the limit")
    payload = struct.pack(">I", len(data)) + data
    view = memoryview(payload)
    while view:
        try:
            written = os.write(fd, view)
        except (BrokenPipeError, ConnectionResetError) as exc:
            raise ChannelClosed("the other side has gone") from exc
        view = view[written:]


def _read_exact(
    fd: int,
    n: int,
    deadline: float | None,
    tick: Callable[[], None] | None = None,
    tick_every: float = 0.2,
) -> bytes:
    chunks = []
    remaining = n
    while remaining:
        if deadline is not None or tick is not None:
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                raise ChannelTimeout()
            if tick is not None:
                wait = tick_every if wait is None else min(wait, tick_every)
            ready, _, _ = select.select([fd], [], [], wait)
            if not ready:
                if tick is not None and (deadline is None or time.monotonic() < deadline):
                    tick()  # e.g. the grader's check of the sandbox's memory; may raise
                    continue
                raise ChannelTimeout()
        try:
            chunk = os.read(fd, min(remaining, 1 << 20))
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            raise ChannelClosed("the other side closed the channel")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_message(
    fd: int,
    deadline: float | None = None,
    max_bytes: int = MAX_MESSAGE_BYTES,
    tick: Callable[[], None] | None = None,
) -> Any:
    """Read one framed JSON message; ``deadline`` is a ``time.monotonic()`` value.

    ``tick()`` is called every 0.2 s while waiting; an exception it raises ends the
    read. A message longer than ``max_bytes`` is refused before it is read.
    """
    (length,) = struct.unpack(">I", _read_exact(fd, 4, deadline, tick))
    if length > max_bytes:
        raise WireError(f"message of {length} bytes exceeds the limit of {max_bytes}")
    data = _read_exact(fd, length, deadline, tick)
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError, ValueError) as exc:
        raise WireError(f"malformed message: {exc}") from None


# ------------------------------------------------------------------- encoding
def encode_array(arr: np.ndarray[Any, Any]) -> dict[str, Any]:
    arr = np.asarray(arr)
    if not arr.flags.c_contiguous:  # (np.ascontiguousarray would turn 0-d into 1-d)
        arr = arr.copy(order="C")
    return {
        "__t": "nd",
        "dtype": arr.dtype.str,
        "shape": list(arr.shape),
        "b64": base64.b64encode(arr.tobytes()).decode("ascii"),
    }


def encode_scalar(value: np.generic[Any]) -> dict[str, Any]:
    arr = np.asarray(value)
    return {
        "__t": "np",
        "dtype": arr.dtype.str,
        "b64": base64.b64encode(arr.tobytes()).decode("ascii"),
    }


def encode_float(value: float) -> float:
    # JSON (with allow_nan) carries nan/inf; repr round-trips every float exactly.
    return float(value)


def encode_plain(value: Any, on_other: Callable[[Any], Any], depth: int = 0) -> Any:
    """Encode ``value``; anything that is not plain data goes through ``on_other``.

    ``on_other(value)`` returns the encoding of a value this function does not
    know (a handle, a SymPy tree, ...). Used by both sides with their own hook.
    """
    if depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    t = type(value)
    if value is None or t is bool or t is str:
        return value
    if t is int:
        return value if abs(value) < 1 << 1000 else {"__t": "bigint", "v": str(value)}
    if t is float:
        return encode_float(value)
    if t is complex:
        return {"__t": "c", "re": value.real, "im": value.imag}
    if isinstance(value, np.ndarray) and value.dtype.kind in _ARRAY_KINDS:
        return encode_array(value)
    if isinstance(value, np.generic) and np.dtype(type(value)).kind in _ARRAY_KINDS:
        return encode_scalar(value)
    if t is list:
        return [encode_plain(v, on_other, depth + 1) for v in value]
    if t is tuple:
        return {"__t": "tuple", "items": [encode_plain(v, on_other, depth + 1) for v in value]}
    if t is dict:
        return {
            "__t": "dict",
            "items": [
                [encode_plain(k, on_other, depth + 1), encode_plain(v, on_other, depth + 1)]
                for k, v in value.items()
            ],
        }
    return on_other(value)


# ------------------------------------------------------------------- decoding
def _decode_dtype(text: Any) -> np.dtype[Any]:
    if not isinstance(text, str) or len(text) > 8:
        raise WireError("bad dtype")
    try:
        dtype = np.dtype(text)
    except TypeError:
        raise WireError(f"unknown dtype {text!r}") from None
    if dtype.kind not in _ARRAY_KINDS or dtype.itemsize > 32 or dtype.fields is not None:
        raise WireError(f"dtype {text!r} is not allowed")
    return dtype


def _decode_b64(text: Any) -> bytes:
    if not isinstance(text, str) or len(text) > MAX_MESSAGE_BYTES:
        raise WireError("bad buffer")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise WireError("bad base64 buffer") from None


def decode_array(obj: dict[str, Any]) -> np.ndarray[Any, Any]:
    dtype = _decode_dtype(obj.get("dtype"))
    shape = obj.get("shape")
    if (
        not isinstance(shape, list)
        or len(shape) > 32
        or not all(type(n) is int and 0 <= n <= 1 << 40 for n in shape)
    ):
        raise WireError("bad array shape")
    raw = _decode_b64(obj.get("b64"))
    count = math.prod(shape)
    if count * dtype.itemsize != len(raw):
        raise WireError("array buffer does not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def decode_scalar(obj: dict[str, Any]) -> np.generic[Any]:
    dtype = _decode_dtype(obj.get("dtype"))
    raw = _decode_b64(obj.get("b64"))
    if len(raw) != dtype.itemsize:
        raise WireError("bad scalar buffer")
    scalar: np.generic[Any] = np.frombuffer(raw, dtype=dtype)[0]
    return scalar


def decode_plain(obj: Any, on_tagged: Callable[[dict[str, Any], int], Any], depth: int = 0) -> Any:
    """Rebuild a value; tagged dicts other than the plain ones go to ``on_tagged``."""
    if depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    t = type(obj)
    if obj is None or t is bool or t is float:
        return obj
    if t is int:
        if abs(obj) >= 1 << 1000:
            raise WireError("integer too large")
        return obj
    if t is str:
        if len(obj) > MAX_STR:
            raise WireError("string too long")
        return obj
    if t is list:
        return [decode_plain(v, on_tagged, depth + 1) for v in obj]
    if t is not dict:
        raise WireError(f"unexpected {t.__name__} in message")
    tag = obj.get("__t")
    if tag == "nd":
        return decode_array(obj)
    if tag == "np":
        return decode_scalar(obj)
    if tag == "c":
        re_, im_ = obj.get("re"), obj.get("im")
        if not all(type(v) in (int, float) for v in (re_, im_)):
            raise WireError("bad complex number")
        return complex(re_, im_)
    if tag == "bigint":
        text = obj.get("v")
        if not isinstance(text, str) or len(text) > 4000:
            raise WireError("bad integer")
        try:
            return int(text)
        except ValueError:
            raise WireError("bad integer") from None
    if tag == "tuple":
        items = obj.get("items")
        if type(items) is not list:
            raise WireError("bad tuple")
        return tuple(decode_plain(v, on_tagged, depth + 1) for v in items)
    if tag == "dict":
        items = obj.get("items")
        if type(items) is not list:
            raise WireError("bad dict")
        out = {}
        for pair in items:
            if type(pair) is not list or len(pair) != 2:
                raise WireError("bad dict item")
            key = decode_plain(pair[0], on_tagged, depth + 1)
            try:
                hash(key)
            except TypeError:
                raise WireError("unhashable dict key") from None
            out[key] = decode_plain(pair[1], on_tagged, depth + 1)
        return out
    return on_tagged(obj, depth)


# ---------------------------------------------------------------------- SymPy
def sympy_to_tree(expr: Any, budget: list[int] | None = None) -> list[Any]:
    """Encode a SymPy expression as nested lists of whitelisted node names.

    Raises :class:`WireError` for node types outside the whitelist.
    """
    import sympy

    budget = budget if budget is not None else [MAX_SYM_NODES]
    budget[0] -= 1
    if budget[0] < 0:
        raise WireError("SymPy expression too large")
    if isinstance(expr, sympy.Symbol):
        if type(expr) is not sympy.Symbol:
            raise WireError(f"unsupported SymPy node {type(expr).__name__}")
        assumptions = {k: v for k, v in expr._assumptions_orig.items() if isinstance(v, bool)}
        return ["Symbol", expr.name, assumptions]
    if isinstance(expr, sympy.Integer):
        return ["Integer", str(int(expr))]
    if isinstance(expr, sympy.Rational):
        return ["Rational", str(expr.p), str(expr.q)]
    if isinstance(expr, sympy.Float):
        return ["Float", str(expr), int(expr._prec)]
    for name in SYMPY_SINGLETONS:
        if expr is getattr(sympy.S, name):
            return ["S", name]
    if isinstance(expr, sympy.MatrixBase):
        return ["Matrix", [[sympy_to_tree(e, budget) for e in row] for row in expr.tolist()]]
    name = type(expr).__name__
    if name in SYMPY_FUNCTIONS and type(expr) is getattr(sympy, name, None):
        return [name] + [sympy_to_tree(a, budget) for a in expr.args]
    raise WireError(f"unsupported SymPy node {name}")


def tree_to_sympy(tree: Any, depth: int = 0, budget: list[int] | None = None) -> Any:
    """Rebuild a SymPy expression from :func:`sympy_to_tree` output, strictly.

    Nothing is evaluated while rebuilding (``evaluate=False``): ``10**(10**4000)``
    arrives as that power, not as a number with 10**4000 digits. Whatever a test then
    does with it runs under the test's own time and memory budget (see
    :mod:`autograder.engine`)."""
    import sympy

    budget = budget if budget is not None else [MAX_SYM_NODES]
    budget[0] -= 1
    if budget[0] < 0 or depth > 200:
        raise WireError("SymPy expression too large")
    if type(tree) is not list or not tree or type(tree[0]) is not str:
        raise WireError("bad SymPy tree")
    head, args = tree[0], tree[1:]
    try:
        if head == "Symbol":
            name, assumptions = args
            if (
                type(name) is not str
                or len(name) > 200
                or type(assumptions) is not dict
                or not all(type(k) is str and type(v) is bool for k, v in assumptions.items())
            ):
                raise WireError("bad Symbol")
            return sympy.Symbol(name, **assumptions)
        if head == "Integer":
            (text,) = args
            if type(text) is not str or len(text) > 4000:
                raise WireError("bad Integer")
            return sympy.Integer(int(text))
        if head == "Rational":
            p, q = args
            if type(p) is not str or type(q) is not str or len(p) + len(q) > 8000:
                raise WireError("bad Rational")
            return sympy.Rational(int(p), int(q))
        if head == "Float":
            text, prec = args
            if (
                type(text) is not str
                or len(text) > 200
                or type(prec) is not int
                or not 1 <= prec <= 10_000
            ):
                raise WireError("bad Float")
            return sympy.Float(text, precision=prec)
        if head == "S":
            (name,) = args
            if name not in SYMPY_SINGLETONS:
                raise WireError("bad SymPy constant")
            return getattr(sympy.S, name)
        if head == "Matrix":
            (rows,) = args
            if type(rows) is not list or not all(type(r) is list for r in rows):
                raise WireError("bad Matrix")
            if len({len(r) for r in rows}) > 1:
                raise WireError("bad Matrix")
            return sympy.ImmutableMatrix(
                [[tree_to_sympy(e, depth + 1, budget) for e in r] for r in rows]
            )
        if head in SYMPY_FUNCTIONS:
            built = [tree_to_sympy(a, depth + 1, budget) for a in args]
            return getattr(sympy, head)(*built, evaluate=False)
    except WireError:
        raise
    except RecursionError:
        raise WireError("SymPy expression nested too deeply") from None
    except Exception as exc:  # whatever SymPy objects to, it is not an answer
        raise WireError(f"bad SymPy tree: {type(exc).__name__}") from None
    raise WireError(f"unsupported SymPy node {head!r}")
