"""Assertions for the graded test cells of the exercises (exercises 01-03).

A test cell in ``solutions/<assignment>/`` checks a student's function with these
helpers, so that a failing test says what is wrong ("gradient coordinate 1 is off by
a factor of 2") instead of showing a bare ``AssertionError``::

    from autograder.portable import portable
    from autograder.testing import expect_close

    square = portable("lambda x: x**2")
    expect_close(secant_slope(square, 3, 0.1), 6.1, "secant_slope(x**2, 3, 0.1)")

The same cell runs in two places, and the helpers behave the same in both:

* in the student's own kernel (nbgrader's *Validate* button), where the student's
  functions are ordinary Python functions;
* in the course's trusted grader (``python -m autograder check`` and ``grade``), where
  the student's functions run in a sandbox and are represented by proxies: what they
  return arrives as plain data (numbers, NumPy arrays, lists, SymPy expressions), a
  function they return arrives as a callable handle, and anything else arrives as a
  handle whose use raises :class:`TestFailure`.

So a test converts every returned value with :func:`as_array` (or lets an ``expect_*``
helper do it), never relies on object identity, checks that inputs are left alone with
:func:`expect_inputs_unchanged`, and reads code with :func:`source_of`. Hidden tests
draw their inputs from :func:`seeded_rng` so that grading is repeatable. Messages name
the mistake; they never quote test code or seeds.

A known wrong answer is declared as a :class:`Mistake` with a stable id next to its
message, ``Mistake("ex01.forgot-inner-derivative", 2.0, "you forgot ...")`` (a plain
3-tuple ``(id, value or predicate, message)`` works too); a failure that recognises
one carries its id in :attr:`TestFailure.mistake`, and the trusted grader records it
in the graded notebook (:attr:`TestFailure.ename`) for the class report.

The ``expect_*`` checks return None, so a test cell that ends with one shows no output
(stock nbgrader would read a cell's output as partial credit); :func:`as_array`,
:func:`expect_parts`, :func:`expect_callable` and :func:`expect_inputs_unchanged` return
the value they check, for use in an assignment.

This module holds no reference solutions: it ships with the student version.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import inspect
import textwrap
import types
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple, TypeAlias

import numpy as np

from autograder.sources import mentioned_names

__all__ = [
    "Mistake",
    "TestFailure",
    "mistake_of",
    "seeded_rng",
    "quietly",
    "as_array",
    "expect_close",
    "expect_gradient",
    "expect_shape",
    "expect_callable",
    "expect_equivalent",
    "expect_rows_distinct",
    "expect_ends_at_first_nonfinite",
    "expect_parts",
    "expect_inputs_unchanged",
    "source_of",
    "names_used",
    "names_reached",
    "modules_used",
]


Array: TypeAlias = "np.ndarray[Any, Any]"


class Mistake(NamedTuple):
    """A known wrong answer: its stable id, the value it gives (or a predicate on the
    answer) and the message a student who made it reads.

    The id (``"ex01.forgot-inner-derivative"``: the exercise, then the mistake) names
    the mistake in the gradebook's reports; it never changes once released, even when
    the message is reworded. ``autograder.mistakes`` maps it to the lesson section that
    teaches it.
    """

    id: str
    candidate: Any
    message: str


# ids of the mistakes these helpers recognise themselves, whatever the exercise
RETURNS_NONE = "common.returns-none"
CHANGES_INPUT = "common.changes-its-input"
SAME_ARRAY_ROWS = "common.same-array-every-row"
RUNS_PAST_NONFINITE = "common.runs-past-nonfinite"
PARTIALS_OUT_OF_ORDER = "common.partials-out-of-order"
SWAPPED_COORDINATES = "common.swapped-gradient-coordinates"
# the error name a failed test cell gets in the graded notebook: "TestFailure", or
# "TestFailure[<mistake id>]" when the failure recognised a known mistake
_ENAME = "TestFailure"


class TestFailure(AssertionError):
    """A failed check. ``str(failure)`` is the message the student sees; ``mistake``
    is the id of the known mistake the check recognised, or None."""

    __test__ = False  # not a pytest test class

    def __init__(self, message: str = "", mistake: str | None = None):
        super().__init__(message)
        self.mistake = mistake

    @property
    def ename(self) -> str:
        """``TestFailure[<mistake id>]`` (or ``TestFailure``): the error name under which
        the trusted grader records this failure in the graded notebook."""
        return f"{_ENAME}[{self.mistake}]" if self.mistake else _ENAME


def mistake_of(ename: str) -> str | None:
    """The mistake id recorded in an error name by :attr:`TestFailure.ename`, else None."""
    if ename.startswith(f"{_ENAME}[") and ename.endswith("]"):
        return ename[len(_ENAME) + 1 : -1] or None
    return None


# --------------------------------------------------------------------------- inputs


def seeded_rng(name: str) -> np.random.Generator:
    """A random generator that gives the same numbers for the same ``name`` on every
    machine and every run (``hash()`` is salted per process; SHA-256 is not)."""
    digest = hashlib.sha256(f"derivatives-course/{name}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


@contextmanager
def quietly() -> Iterator[None]:
    """Silence warnings and NumPy floating-point messages inside the block.

    A correct gradient descent on a diverging run overflows and NumPy warns; in the
    student's kernel that text would land on the test cell's stderr, which stock
    nbgrader counts as a failure. Warnings never cost points.
    """
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


# --------------------------------------------------------------------------- values


def _is_torch_tensor(value: Any) -> bool:
    return type(value).__module__.startswith("torch") and hasattr(value, "detach")


def _plain(value: Any) -> Any:
    """Torch tensors (alone or inside lists/tuples) as NumPy arrays; the trusted
    grader already delivers them so, this makes the student's kernel agree."""
    if _is_torch_tensor(value):
        return value.detach().cpu().numpy()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _type_name(value: Any) -> str:
    if value is None:
        return "None"
    if callable(value) and not isinstance(value, np.ndarray):
        return "function"
    return type(value).__name__


def _reject(value: Any, message: str) -> None:
    """Fail with ``message``, unless ``value`` is the trusted grader's handle for an
    object that is not plain data: touching it raises the grader's own TestFailure,
    which names the type the student's function really returned."""
    try:
        len(value)
    except TestFailure:
        raise
    except Exception:  # an ordinary value without a length
        pass
    raise TestFailure(message)


def _fmt(value: Any) -> str:
    array = np.asarray(value)
    if array.ndim == 0:
        return f"{float(array):.10g}" if array.dtype.kind in "biuf" else repr(value)
    return np.array2string(array, precision=6, separator=", ", threshold=12, edgeitems=3)


def _shape_text(shape: tuple[int, ...]) -> str:
    return "a single number" if shape == () else f"shape {shape}"


def as_array(value: Any, what: str, shape: tuple[int, ...] | None = None) -> Array:
    """``value`` as a float array, or a :class:`TestFailure` that says what came back.

    ``what`` names the value for the message, e.g. ``"secant_slope(x**2, 3, 0.1)"``.
    With ``shape`` the array must have exactly that shape (``()`` for one number).
    """
    if value is None:
        raise TestFailure(
            f"{what} gave None: did you forget to `return` the result?", mistake=RETURNS_NONE
        )
    if isinstance(value, (str, bytes)):
        raise TestFailure(f"{what} gave the text {value!r}, expected numbers")
    if isinstance(value, dict) or (callable(value) and not hasattr(value, "__array__")):
        raise TestFailure(f"{what} gave a {_type_name(value)}, expected numbers")
    try:
        with quietly():
            array = np.asarray(_plain(value))
            if np.iscomplexobj(array) and np.any(array.imag != 0):
                raise TestFailure(f"{what} gave complex numbers, expected real ones")
            array = np.asarray(array.real if np.iscomplexobj(array) else array, dtype=float)
    except TestFailure:
        raise
    except (TypeError, ValueError) as exc:
        detail = " (rows of different lengths?)" if "inhomogeneous" in str(exc) else ""
        raise TestFailure(
            f"{what} gave a {_type_name(value)} that is not an array of numbers{detail}"
        ) from None
    if shape is not None and array.shape != tuple(shape):
        raise TestFailure(
            f"{what} has {_shape_text(array.shape)}, expected {_shape_text(tuple(shape))}"
        )
    return array


def _close(actual: Array, expected: Array, rtol: float, atol: float) -> Array:
    """Elementwise closeness that treats NaN and infinities explicitly: NaN matches
    only NaN, an infinity only the same infinity, finite values within
    ``atol + rtol * |expected|``."""
    with np.errstate(all="ignore"):
        both_nan = np.isnan(actual) & np.isnan(expected)
        same_inf = np.isinf(actual) & (actual == expected)
        finite = np.isfinite(actual) & np.isfinite(expected)
        near = np.abs(actual - expected) <= atol + rtol * np.abs(expected)
    close: Array = both_nan | same_inf | (finite & near)
    return close


def _as_mistake(entry: Sequence[Any]) -> Mistake:
    """A :class:`Mistake` from ``(id, candidate, message)``; an old-style pair
    ``(candidate, message)`` still works, as a mistake without an id."""
    if len(entry) == 3:
        return Mistake(str(entry[0]), entry[1], str(entry[2]))
    candidate, message = entry
    return Mistake("", candidate, str(message))


def _match_mistake(
    actual: Array, mistakes: Sequence[Sequence[Any]], rtol: float, atol: float
) -> Mistake | None:
    """The first known mistake that ``actual`` matches.

    Each mistake is ``(id, candidate, message)``; the candidate is either the value
    the mistake produces or a predicate ``candidate(actual) -> bool``.
    """
    for mistake in map(_as_mistake, mistakes):
        candidate = mistake.candidate
        try:
            if callable(candidate) and not isinstance(candidate, np.ndarray):
                with quietly():
                    hit = bool(candidate(actual))
            else:
                wrong = np.asarray(candidate, dtype=float)
                hit = wrong.shape == actual.shape and bool(_close(actual, wrong, rtol, atol).all())
        except Exception:  # a predicate that cannot judge this value does not match
            hit = False
        if hit:
            return mistake
    return None


def _first_difference(actual: np.ndarray, expected: np.ndarray, ok: np.ndarray) -> str:
    index = tuple(int(i) for i in np.argwhere(~ok)[0])
    label = index[0] if len(index) == 1 else index
    return f"first difference at index {label}: {_fmt(actual[index])} instead of {_fmt(expected[index])}"


def _not_finite_hint(actual: np.ndarray, expected: np.ndarray, ok: np.ndarray) -> str:
    bad = ~ok & ~np.isfinite(actual) & np.isfinite(expected)
    if bad.any():
        kind = "nan" if np.isnan(actual[bad]).any() else "inf"
        return f" (it contains {kind} where a finite number was expected: did something overflow or divide by zero?)"
    return ""


def _compare(
    actual: Any,
    expected: Any,
    what: str,
    rtol: float,
    atol: float,
    mistakes: Sequence[Sequence[Any]],
) -> tuple[Array, Array, Array | None]:
    """Shared first half of the ``expect_*`` checks: ``(array, expected, ok)`` where
    ``ok`` is None when everything matched; raises for a shape mismatch or a
    recognised mistake."""
    expected = np.asarray(expected, dtype=float)
    array = as_array(actual, what)
    ok = _close(array, expected, rtol, atol) if array.shape == expected.shape else None
    if ok is not None and ok.all():
        return array, expected, None
    mistake = _match_mistake(array, mistakes, rtol, atol)
    if mistake:
        raise TestFailure(f"{what}: {mistake.message}", mistake=mistake.id or None)
    if ok is None:
        raise TestFailure(
            f"{what} has {_shape_text(array.shape)}, expected {_shape_text(expected.shape)}"
        )
    return array, expected, ok


def _values_differ(what: str, array: Array, expected: Array, ok: Array) -> TestFailure:
    if expected.ndim == 0:
        return TestFailure(
            f"{what} gave {_fmt(array)}, expected {_fmt(expected)}"
            + _not_finite_hint(array, expected, ok)
        )
    return TestFailure(
        f"{what} gave {_fmt(array)}, expected {_fmt(expected)} "
        f"({_first_difference(array, expected, ok)})" + _not_finite_hint(array, expected, ok)
    )


def expect_close(
    actual: Any,
    expected: Any,
    what: str,
    *,
    rtol: float = 1e-7,
    atol: float = 1e-10,
    mistakes: Sequence[Sequence[Any]] = (),
) -> None:
    """Check that ``actual`` equals ``expected`` within ``atol + rtol * |expected|``.

    Shapes must agree (a single number is shape ``()``); NaN matches only NaN and an
    infinity only the same infinity. ``mistakes`` lists known wrong answers as
    :class:`Mistake` ``(id, candidate, message)`` triples, where the candidate is the
    value the mistake gives or a predicate ``candidate(array) -> bool``: when ``actual``
    matches one, the failure's message names that mistake and its ``mistake`` is the id. Returns None, so that a test cell ending with
    it shows no output (stock nbgrader reads a cell's output as partial credit).
    """
    array, expected, ok = _compare(actual, expected, what, rtol, atol, mistakes)
    if ok is not None:
        raise _values_differ(what, array, expected, ok)


_SPECIAL_RATIOS = [
    (2.0, "is off by a factor of 2 (twice the right value)"),
    (0.5, "is off by a factor of 2 (half the right value)"),
    (-1.0, "has the wrong sign"),
    (0.0, "is zero"),
]


def _ratio_words(ratio: float, shared: bool) -> str | None:
    """Words for a common ratio actual/expected: the familiar factors always; any
    other factor only when several coordinates share it (one coordinate off by 0.857
    is an additive slip, not a factor); nothing for a ratio near 1 (small errors)."""
    for value, words in _SPECIAL_RATIOS:
        if abs(ratio - value) <= 1e-3 * max(1.0, abs(value)):
            return words
    if shared and abs(ratio - 1) > 1e-2:
        return f"is off by a factor of {ratio:.4g}"
    return None


def expect_gradient(
    actual: Any,
    expected: Any,
    what: str,
    *,
    rtol: float = 1e-6,
    atol: float = 1e-8,
    mistakes: Sequence[Sequence[Any]] = (),
    names: Sequence[str] | None = None,
) -> None:
    """:func:`expect_close` for gradients: a failure names the coordinate(s) and the
    pattern (a factor of 2, a flipped sign, zeros, swapped coordinates).

    ``names`` optionally labels the coordinates of a vector, e.g. ``("df/dx", "df/dy")``.
    Returns None, like :func:`expect_close`.
    """
    array, expected, ok = _compare(actual, expected, what, rtol, atol, mistakes)
    if ok is None:
        return
    if not np.all(np.isfinite(array)):
        raise _values_differ(what, array, expected, ok)
    bad = [tuple(int(i) for i in index) for index in np.argwhere(~ok)]

    def label(index: tuple[int, ...]) -> str:
        text = str(index[0]) if len(index) == 1 else str(index)
        if names is not None and len(index) == 1:
            text += f" ({names[index[0]]})"
        return text

    got = f"(got {_fmt(array)}, expected {_fmt(expected)})"
    if array.shape == (2,) and np.all(_close(array, expected[::-1], rtol, atol)):
        raise TestFailure(
            f"{what}: the two gradient coordinates are swapped {got}", mistake=SWAPPED_COORDINATES
        )
    with np.errstate(all="ignore"):
        ratios = np.array([array[i] / expected[i] if expected[i] != 0 else np.nan for i in bad])
    words = None
    if np.all(np.isfinite(ratios)) and np.allclose(ratios, ratios[0], rtol=1e-3, atol=1e-9):
        words = _ratio_words(float(ratios[0]), shared=len(bad) > 1)
    if words and len(bad) == array.size > 1:
        raise TestFailure(f"{what}: every gradient coordinate {words} {got}")
    if words and len(bad) == 1:
        i = bad[0]
        raise TestFailure(
            f"{what}: gradient coordinate {label(i)} {words} "
            f"(got {_fmt(array[i])}, expected {_fmt(expected[i])})"
        )
    if words:
        raise TestFailure(
            f"{what}: gradient coordinates {', '.join(label(i) for i in bad)} {words} {got}"
        )
    with np.errstate(all="ignore"):
        worst = float(np.max(np.abs(array - expected) / np.maximum(np.abs(expected), 1e-300)))
    slightly = (
        f" (largest relative error {worst:.2g}: close, but not within the tolerance)"
        if worst < 1e-2
        else ""
    )
    if len(bad) == 1:
        i = bad[0]
        raise TestFailure(
            f"{what}: gradient coordinate {label(i)} is wrong "
            f"(got {_fmt(array[i])}, expected {_fmt(expected[i])}){slightly}"
        )
    raise TestFailure(
        f"{what}: gradient coordinates {', '.join(label(i) for i in bad)} are wrong {got}{slightly}"
    )


def expect_shape(actual: Any, shape: tuple[int, ...], what: str, hint: str = "") -> None:
    """Check the shape of a returned array (``()`` for one number)."""
    array = as_array(actual, what)
    if array.shape != tuple(shape):
        raise TestFailure(
            f"{what} has {_shape_text(array.shape)}, expected "
            f"{_shape_text(tuple(shape))}" + (f": {hint}" if hint else "")
        )


def expect_callable(value: Any, what: str, hint: str = "") -> Any:
    """Check that a function came back (e.g. from ``compose_derivative``); return it."""
    if not callable(value) or isinstance(value, np.ndarray):
        _reject(
            value,
            f"{what} gave a {_type_name(value)}, expected a function"
            + (f": {hint}" if hint else ""),
        )
    return value


def expect_rows_distinct(path: Any, what: str = "path") -> None:
    """Check that consecutive rows of an optimisation path differ.

    Two equal rows in a row are the signature of appending the same array object at
    every step and then updating it in place (``w -= ...``): every row ends up as the
    last iterate. Call it only on runs whose gradient is never exactly zero.
    """
    array = as_array(path, what)
    if array.ndim == 2:
        for i in range(len(array) - 1):
            if np.array_equal(array[i], array[i + 1]):
                raise TestFailure(
                    f"{what}[{i}] equals {what}[{i + 1}]: are you storing the same array each time? "
                    "Updating w in place (w -= ...) changes every row that refers to it; append "
                    "w.copy(), or make a new array with w = w - learning_rate * g",
                    mistake=SAME_ARRAY_ROWS,
                )


def expect_ends_at_first_nonfinite(path: Any, what: str = "path") -> None:
    """Check the stopping rule of a diverging run: every row finite except the last.

    A run that overflows must stop at its first iterate that is not finite (inf or
    nan) and end with it, not go on computing with infinities.
    """
    array = as_array(path, what)
    if array.ndim != 2 or len(array) == 0:
        raise TestFailure(f"{what} has {_shape_text(array.shape)}, expected rows of a 2-D array")
    finite = np.all(np.isfinite(array), axis=1)
    if finite.all():
        raise TestFailure(
            f"every row of {what} is finite ({len(array)} rows): stop at the first "
            "iterate that is not finite and end the path with it"
        )
    first = int(np.argmin(finite))
    if first != len(array) - 1:
        raise TestFailure(
            f"{what}[{first}] is not finite but the path goes on to {len(array)} rows: "
            "stop at the first iterate that is not finite (the path ends with it)",
            mistake=RUNS_PAST_NONFINITE,
        )


def expect_parts(value: Any, names: Sequence[str], what: str) -> list[Any]:
    """Check that a function returned a tuple (or list) of ``len(names)`` parts, e.g.
    ``dL_dw, dL_db = expect_parts(result, ("dL_dw", "dL_db"), "neuron_gradients(...)")``."""
    expected = f"a tuple ({', '.join(names)})"
    if not isinstance(value, (tuple, list)):
        _reject(value, f"{what} gave a {_type_name(value)}, expected {expected}")
    if len(value) != len(names):
        raise TestFailure(f"{what} gave {len(value)} values, expected {expected}")
    return list(value)


def expect_equivalent(
    actual: Any, expected: Any, what: str, symbols: Sequence[Any] | None = None
) -> None:
    """Check a list of SymPy expressions against the expected list, term by term.

    Any algebraically equal form is accepted (``2*x*y`` and ``x*y*2``): the
    difference must simplify to zero.
    """
    import sympy

    expected = list(expected)
    if isinstance(actual, (str, bytes)) or actual is None:
        raise TestFailure(
            f"{what} gave {_type_name(actual)}, expected a list of "
            f"{len(expected)} SymPy expressions"
        )
    try:
        items = list(actual)
    except TypeError:
        raise TestFailure(
            f"{what} gave a {_type_name(actual)}, expected a list of "
            f"{len(expected)} SymPy expressions"
        ) from None
    if len(items) != len(expected):
        raise TestFailure(
            f"{what} gave {len(items)} expressions, expected {len(expected)} "
            "(one partial derivative per variable)"
        )
    for position, item in enumerate(items):
        if isinstance(item, str) or not isinstance(item, (sympy.Basic, int, float)):
            raise TestFailure(
                f"{what}[{position}] is a {_type_name(item)}, expected a SymPy "
                "expression (sympy.diff returns one)"
            )
    for position, item in enumerate(items):
        _expect_small_expression(item, f"{what}[{position}]")
    wrong = [i for i, (a, b) in enumerate(zip(items, expected)) if not _same_expression(a, b)]
    if not wrong:
        return
    # Right expressions in the wrong places?
    if all(any(_same_expression(items[i], b) for b in expected) for i in wrong):
        raise TestFailure(
            f"{what}: the partial derivatives are right but in the wrong order; "
            "return them in the order of `variables`",
            mistake=PARTIALS_OUT_OF_ORDER,
        )
    i = wrong[0]
    label = f" (d/d{symbols[i]})" if symbols is not None else ""
    raise TestFailure(f"{what}[{i}]{label} is {items[i]}, expected {expected[i]}")


# Bounds on a symbolic answer before it is compared: the comparison (simplify) of an
# expression built to explode would otherwise run for minutes.
MAX_EXPRESSION_NODES = 2000
MAX_INTEGER_DIGITS = 200
MAX_EXPONENT = 1000


def _expect_small_expression(item: Any, what: str) -> None:
    """Fail (as the student's mistake) when an expression is too large to compare."""
    import sympy

    if not isinstance(item, sympy.Basic):
        return
    for count, node in enumerate(sympy.preorder_traversal(item)):
        too_big = count > MAX_EXPRESSION_NODES
        if isinstance(node, sympy.Integer) and len(str(abs(int(node)))) > MAX_INTEGER_DIGITS:
            too_big = True
        if isinstance(node, sympy.Pow) and node.exp.is_Number and abs(node.exp) > MAX_EXPONENT:
            too_big = True
        if too_big:
            raise TestFailure(
                f"{what} is too large to compare with the expected derivative (more than "
                f"{MAX_EXPRESSION_NODES} terms, or a number or power far too large): "
                "return the partial derivatives themselves"
            )


def _same_expression(actual: Any, expected: Any) -> bool:
    """Whether two (small) expressions are algebraically equal: identical, or their
    difference simplifies to zero."""
    import sympy

    actual = sympy.sympify(actual)
    if actual == expected:
        return True
    return bool(sympy.simplify(actual - expected) == 0)


# --------------------------------------------------------------------------- code and inputs


def _function_name(fn: Any) -> str:
    for attribute in ("__name__", "name"):
        name = getattr(fn, attribute, None)
        if isinstance(name, str) and name:
            return name
    return "the function"


def source_of(fn: Any) -> str:
    """The source code of a student's function.

    In the trusted grader the function's proxy carries its source (``.source``, read
    from the submission by the grader); in the student's kernel ``inspect`` finds it.
    """
    source = getattr(fn, "source", None)
    if isinstance(source, str) and source:
        return source
    try:
        if isinstance(source, str):  # the grader found no definition that ran
            raise OSError("no source")
        return textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError):
        raise TestFailure(
            f"could not read the source code of {_function_name(fn)}: define it "
            "with `def` in a code cell of this notebook"
        ) from None


def names_used(fn: Any) -> set[str]:
    """Every name a function's source mentions: variables, attributes, imported modules.

    ``"torch" in names_used(neuron_gradients)`` tells whether the function uses torch;
    ``"mse_gradient" in names_used(fit_linear_regression)`` whether it calls that function.
    """
    try:
        tree = ast.parse(source_of(fn))
    except SyntaxError:
        raise TestFailure(f"could not read the source code of {_function_name(fn)}") from None
    return mentioned_names(tree)


def _functions_reached(fn: Any) -> list[Any]:
    """``fn`` and the functions of the same notebook it calls, and those they call
    (in the student's kernel, where they are ordinary functions)."""
    found, todo, seen = [fn], [fn], {id(fn)}
    while todo:
        current = todo.pop()
        namespace = getattr(current, "__globals__", {})
        for node in ast.walk(ast.parse(source_of(current))):
            value = namespace.get(node.id) if isinstance(node, ast.Name) else None
            if (
                inspect.isfunction(value)
                and value.__module__ == fn.__module__
                and id(value) not in seen
            ):
                seen.add(id(value))
                found.append(value)
                todo.append(value)
    return found


def names_reached(fn: Any) -> set[str]:
    """:func:`names_used` of ``fn`` and of every function of the notebook it calls,
    directly or through other functions: a rule about how ``fn`` is written also
    covers the helpers a student wrote for it."""
    notebook = getattr(fn, "notebook", None)
    if notebook is not None:  # the trusted grader's proxy: the grader's reading
        found: set[str] = notebook.names_reached(source_of(fn))
        return found
    return set().union(*(names_used(f) for f in _functions_reached(fn)))


def _module_root(value: Any) -> str | None:
    if isinstance(value, types.ModuleType):
        return value.__name__.split(".")[0]
    module = getattr(value, "__module__", None)
    return module.split(".")[0] if isinstance(module, str) else None


def modules_used(fn: Any) -> set[str]:
    """The top-level modules ``fn`` uses, itself or through the notebook's functions it
    calls, with names imported under other names resolved: ``"torch" in
    modules_used(neuron_gradients)`` also catches ``import torch as T`` and
    ``from torch import sigmoid``."""
    notebook = getattr(fn, "notebook", None)
    if notebook is not None:  # the trusted grader's proxy: the grader's reading
        found: set[str] = notebook.modules_reached(source_of(fn))
        return found
    roots: set[str] = set()
    for f in _functions_reached(fn):
        namespace = getattr(f, "__globals__", {})
        for node in ast.walk(ast.parse(source_of(f))):
            if isinstance(node, ast.Name) and node.id in namespace:
                roots.add(_module_root(namespace[node.id]) or "")
            elif isinstance(node, ast.Import):
                roots.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                roots.add(node.module.split(".")[0])
    return roots - {"", fn.__module__.split(".")[0], "builtins"}


def _parameter_names(fn: Any) -> list[str]:
    """Names of the positional parameters, for messages: from the function's own source
    when it carries one (the trusted grader's proxy), else from its signature."""
    if not isinstance(getattr(fn, "source", None), str):
        try:
            parameters = inspect.signature(fn).parameters.values()
            return [
                p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            ]
        except (TypeError, ValueError):
            pass
    try:
        for node in ast.walk(ast.parse(source_of(fn))):
            if isinstance(node, ast.FunctionDef):
                return [a.arg for a in node.args.posonlyargs + node.args.args]
    except (TestFailure, SyntaxError):
        pass
    return []


def _same(before: Any, after: Any) -> bool:
    if isinstance(before, np.ndarray) or isinstance(after, np.ndarray):
        return (
            isinstance(after, np.ndarray)
            and isinstance(before, np.ndarray)
            and before.shape == after.shape
            and before.dtype == after.dtype
            and np.array_equal(before, after, equal_nan=before.dtype.kind in "fc")
        )
    if isinstance(before, (list, tuple)) and isinstance(after, (list, tuple)):
        return len(before) == len(after) and all(_same(a, b) for a, b in zip(before, after))
    if _is_torch_tensor(before):
        return _same(before.detach().cpu().numpy(), _plain(after))
    try:
        return bool(before == after)
    except Exception:
        return before is after


def expect_inputs_unchanged(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call ``fn(*args, **kwargs)``, check that it left every argument as it was, and
    return the result.

    In the student's kernel the arguments are deep-copied before the call and compared
    after it. In the trusted grader ``fn`` is a proxy whose ``call_with_input_report``
    makes the sandbox compare its own copies and report the changed positions.
    """
    if hasattr(fn, "call_with_input_report"):
        result, changed = fn.call_with_input_report(*args, **kwargs)
    else:
        before_args = [arg if callable(arg) else copy.deepcopy(arg) for arg in args]
        before_kwargs = {k: v if callable(v) else copy.deepcopy(v) for k, v in kwargs.items()}
        result = fn(*args, **kwargs)
        changed = [i for i, (a, b) in enumerate(zip(before_args, args)) if not _same(a, b)]
        changed += [k for k, v in before_kwargs.items() if not _same(v, kwargs[k])]
    if changed:
        parameters = _parameter_names(fn)
        labels = [
            position
            if isinstance(position, str)
            else parameters[position]
            if position < len(parameters)
            else f"argument {position + 1}"
            for position in changed
        ]
        raise TestFailure(
            f"{_function_name(fn)} changed its input {', '.join(labels)}: a function must leave "
            "its arguments as they were. Work on a copy (np.array(w, dtype=float) copies; "
            "np.asarray does not copy an array that is already float), and avoid in-place "
            "updates such as w -= ... or w[i] += ... on the caller's array",
            mistake=CHANGES_INPUT,
        )
    return result
