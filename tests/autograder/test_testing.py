"""Unit tests for autograder/testing.py, the assertions the exercises' test cells use."""

import warnings

import numpy as np
import pytest
import sympy as sp

from autograder.portable import portable
from autograder.testing import (
    TestFailure,
    as_array,
    expect_callable,
    expect_close,
    expect_ends_at_first_nonfinite,
    expect_equivalent,
    expect_gradient,
    expect_inputs_unchanged,
    expect_parts,
    expect_rows_distinct,
    expect_shape,
    names_used,
    quietly,
    seeded_rng,
    source_of,
)


def failure(fn, *args, **kwargs) -> str:
    with pytest.raises(TestFailure) as info:
        fn(*args, **kwargs)
    return str(info.value)


# --------------------------------------------------------------------------- basics


def test_test_failure_is_an_assertion_error_with_the_message():
    error = TestFailure("gradient coordinate 1 is off")
    assert isinstance(error, AssertionError) and str(error) == "gradient coordinate 1 is off"


def test_seeded_rng_repeats_per_name_and_differs_between_names():
    assert np.array_equal(seeded_rng("a").normal(size=5), seeded_rng("a").normal(size=5))
    assert not np.array_equal(seeded_rng("a").normal(size=5), seeded_rng("b").normal(size=5))


def test_seeded_rng_is_the_same_in_every_process():
    # SHA-256 of the name, not Python's salted hash(): pin the first draw.
    first = seeded_rng("ex02.mse_loss").integers(0, 2**31)
    assert first == seeded_rng("ex02.mse_loss").integers(0, 2**31)
    import subprocess
    import sys

    code = "from autograder.testing import seeded_rng; print(seeded_rng('ex02.mse_loss').integers(0, 2**31))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout) == first


def test_quietly_silences_numpy_overflow_and_warnings():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with quietly():
            np.array([1e308]) * 10
            warnings.warn("diverged", RuntimeWarning, stacklevel=1)
    assert caught == []


# --------------------------------------------------------------------------- as_array


@pytest.mark.parametrize(
    "value, words",
    [
        (None, "did you forget to `return`"),
        ("6.1", "gave the text '6.1'"),
        (lambda x: x, "gave a function"),
        ({"a": 1}, "gave a dict"),
        ([[1, 2], [3]], "rows of different lengths"),
        (np.array([1 + 2j]), "complex numbers"),
    ],
)
def test_as_array_names_what_came_back(value, words):
    assert words in failure(as_array, value, "f(3)")


def test_as_array_converts_ints_lists_and_torch_tensors():
    torch = pytest.importorskip("torch")
    assert as_array([1, 2], "x").dtype == float
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    assert np.array_equal(as_array(w * 2, "x"), [2.0, 4.0])  # needs detach
    assert np.array_equal(as_array([w[0] * 1, w[1] * 1], "x"), [1.0, 2.0])
    assert "expected shape (3,)" in failure(as_array, [1.0, 2.0], "x", shape=(3,))
    assert "expected a single number" in failure(as_array, [6.1], "x", shape=())


# --------------------------------------------------------------------------- expect_close


def test_expect_close_accepts_within_tolerance_and_returns_none():
    assert expect_close(6.1 + 1e-12, 6.1, "x") is None
    expect_close([1.0, 2.0], np.array([1.0, 2.0 + 1e-9]), "x", rtol=1e-8)
    expect_close(np.float64(3.0), 3, "x")


def test_expect_close_rejects_and_shows_values():
    message = failure(expect_close, 6.0, 6.1, "secant_slope(x**2, 3, 0.1)")
    assert message == "secant_slope(x**2, 3, 0.1) gave 6, expected 6.1"
    message = failure(expect_close, [1.0, 5.0, 3.0], [1.0, 2.0, 3.0], "v")
    assert "first difference at index 1: 5 instead of 2" in message


def test_expect_close_treats_nan_and_inf_explicitly():
    assert "contains nan" in failure(expect_close, [1.0, np.nan], [1.0, 2.0], "v")
    assert "contains inf" in failure(expect_close, np.inf, 2.0, "v")
    expect_close([np.inf, -np.inf, np.nan], [np.inf, -np.inf, np.nan], "v")
    failure(expect_close, np.inf, -np.inf, "v")
    failure(expect_close, 2.0, np.nan, "v")  # NaN matches only NaN


def test_expect_close_checks_shapes():
    assert "has shape (1,), expected a single number" in failure(expect_close, [6.1], 6.1, "v")
    assert "has shape (4,), expected shape (4, 1)" in failure(
        expect_close, np.zeros(4), np.zeros((4, 1)), "v"
    )


def test_expect_close_names_known_mistakes_by_value_or_predicate():
    mistakes = [(6.0, "that is the central difference"), (lambda v: v < 0, "wrong sign")]
    assert (
        failure(expect_close, 6.0, 6.1, "s", mistakes=mistakes)
        == "s: that is the central difference"
    )
    assert failure(expect_close, -6.1, 6.1, "s", mistakes=mistakes) == "s: wrong sign"
    assert "gave 7" in failure(expect_close, 7.0, 6.1, "s", mistakes=mistakes)
    # a mistake may explain a shape mismatch; a predicate that cannot judge is skipped
    message = failure(
        expect_close,
        np.zeros(4),
        np.zeros((4, 1)),
        "p",
        mistakes=[(lambda p: p[0, 0] > 1, "never"), (lambda p: p.ndim == 1, "must be 2-D")],
    )
    assert message == "p: must be 2-D"


# --------------------------------------------------------------------------- expect_gradient


@pytest.mark.parametrize(
    "actual, words",
    [
        ([16.0, 36.0], "every gradient coordinate is off by a factor of 2 (twice the right value)"),
        ([4.0, 9.0], "every gradient coordinate is off by a factor of 2 (half the right value)"),
        ([-8.0, -18.0], "every gradient coordinate has the wrong sign"),
        ([0.0, 0.0], "every gradient coordinate is zero"),
        ([18.0, 8.0], "the two gradient coordinates are swapped"),
        (
            [8.0, 36.0],
            "gradient coordinate 1 (df/dy) is off by a factor of 2 (twice the right value) (got 36, expected 18)",
        ),
        ([8.0, 12.0], "gradient coordinate 1 (df/dy) is wrong (got 12, expected 18)"),
        ([24.0, 54.0], "every gradient coordinate is off by a factor of 3"),
        ([8.00001, 18.00003], "are wrong"),
    ],
)
def test_expect_gradient_names_coordinate_and_pattern(actual, words):
    message = failure(
        expect_gradient, actual, [8.0, 18.0], "grad_f(4, 3)", rtol=1e-8, names=("df/dx", "df/dy")
    )
    assert message.startswith("grad_f(4, 3): ") and words in message


def test_expect_gradient_small_errors_are_called_close_not_a_factor():
    message = failure(expect_gradient, [8.00001, 18.00003], [8.0, 18.0], "g", rtol=1e-8)
    assert "factor" not in message and "close, but not within the tolerance" in message


def test_expect_gradient_passes_and_prefers_named_mistakes():
    assert expect_gradient([8.0, 18.0 + 1e-9], [8.0, 18.0], "g") is None
    message = failure(
        expect_gradient, [26.0, 26.0], [8.0, 18.0], "g", mistakes=[([26.0, 26.0], "all at once")]
    )
    assert message == "g: all at once"


# --------------------------------------------------------------------------- other checks


def test_expect_shape_and_callable_and_parts():
    assert expect_shape(np.zeros((20, 1)), (20, 1), "p") is None
    assert "expected shape (20, 1): stop earlier" in failure(
        expect_shape, np.zeros((21, 1)), (20, 1), "p", hint="stop earlier"
    )
    f = expect_callable(lambda x: x, "h")
    assert f(2) == 2
    assert "gave a float, expected a function" in failure(
        expect_callable, 6.0, "compose_derivative(...)"
    )
    assert expect_parts((1, 2), ("w", "losses"), "t") == [1, 2]
    assert "gave a ndarray, expected a tuple (w, losses)" in failure(
        expect_parts, np.zeros(2), ("w", "losses"), "t"
    )
    assert "gave 3 values" in failure(expect_parts, [1, 2, 3], ("w", "losses"), "t")


class GradersOpaqueHandle:
    """Stands for the trusted grader's handle on a returned object that is not plain data."""

    def __len__(self):
        raise TestFailure(
            "neuron_gradients gave a Widget, expected a number, an array, a list or a function"
        )

    __array__ = __iter__ = __len__


def test_a_graders_opaque_handle_explains_itself():
    handle = GradersOpaqueHandle()
    for check in (
        lambda: expect_parts(handle, ("a", "b"), "t"),
        lambda: expect_callable(handle, "t"),
        lambda: as_array(handle, "t"),
    ):
        assert "gave a Widget" in failure(check)


def test_expect_rows_distinct_spots_one_array_stored_many_times():
    w = np.array([4.0, 3.0])
    path = []
    for _ in range(3):
        path.append(w)
        w -= 0.1 * w
    message = failure(expect_rows_distinct, np.array(path))
    assert message.startswith("path[0] equals path[1]: are you storing the same array each time?")
    assert expect_rows_distinct(np.array([[1.0], [0.5], [0.25]])) is None


def test_expect_ends_at_first_nonfinite():
    assert expect_ends_at_first_nonfinite(np.array([[1.0, 2.0], [3.0, np.inf]])) is None
    assert "every row of path is finite" in failure(expect_ends_at_first_nonfinite, np.ones((3, 2)))
    message = failure(expect_ends_at_first_nonfinite, np.array([[1.0], [np.inf], [np.nan]]))
    assert message.startswith("path[1] is not finite but the path goes on to 3 rows")


def test_expect_equivalent_accepts_any_equal_form_and_explains_the_rest():
    x, y = sp.symbols("x y")
    assert (
        expect_equivalent(
            [2 * (3 * x + y), y * 3 * y + 2 * x], [6 * x + 2 * y, 2 * x + 3 * y**2], "g"
        )
        is None
    )
    assert "wrong order" in failure(expect_equivalent, [2 * x, 2 * y], [2 * y, 2 * x], "g")
    assert failure(
        expect_equivalent, [6 * x, 2 * x], [6 * x, 2 * x + 3 * y**2], "g", symbols=[x, y]
    ) == ("g[1] (d/dy) is 2*x, expected 2*x + 3*y**2")
    assert "expected a list of 2 SymPy expressions" in failure(
        expect_equivalent, sp.Integer(2), [x, y], "g"
    )
    assert "gave 1 expressions, expected 2" in failure(expect_equivalent, [x], [x, y], "g")
    assert "is a str" in failure(expect_equivalent, ["2*x", "y"], [2 * x, y], "g")


# --------------------------------------------------------------------------- inputs and source


def modifies_its_input(f, w, h=1e-5):
    w[0] += h
    return f(w)


def leaves_its_input(f, w, h=1e-5):
    w = np.array(w, dtype=float)
    w[0] += h
    return f(w)


def test_expect_inputs_unchanged_in_the_students_kernel():
    square = portable("lambda w: float(np.dot(w, w))")
    assert expect_inputs_unchanged(leaves_its_input, square, np.array([1.0, 2.0])) == pytest.approx(
        5.00002
    )
    message = failure(expect_inputs_unchanged, modifies_its_input, square, np.array([1.0, 2.0]))
    assert message.startswith("modifies_its_input changed its input w:")
    assert "changed its input w" in failure(
        expect_inputs_unchanged, modifies_its_input, square, w=[1.0, 2.0]
    )


class RemoteFunction:
    """What the trusted grader hands a test cell: a proxy that reports mutations."""

    __name__ = "gradient_descent"
    source = "def gradient_descent(grad, w0, learning_rate, num_steps, tol=0.0):\n    import torch\n    return w0\n"

    def __init__(self, mutated):
        self.mutated = mutated

    def __call__(self, *args, **kwargs):
        return "result"

    def call_with_input_report(self, *args, **kwargs):
        return "result", self.mutated


def test_expect_inputs_unchanged_with_the_graders_proxy():
    assert expect_inputs_unchanged(RemoteFunction([]), None, [1.0], 0.1, 3) == "result"
    assert "gradient_descent changed its input w0:" in failure(
        expect_inputs_unchanged, RemoteFunction([1]), None, [1.0], 0.1, 3
    )
    assert "changed its input tol:" in failure(
        expect_inputs_unchanged, RemoteFunction(["tol"]), None, [1.0], 0.1, 3
    )


def test_source_of_and_names_used():
    assert source_of(leaves_its_input).startswith("def leaves_its_input(f, w, h=1e-5):")
    assert source_of(RemoteFunction([])) == RemoteFunction.source
    assert {"torch", "w0"} <= names_used(RemoteFunction([]))
    assert {"np", "array", "float"} <= names_used(leaves_its_input)
    assert "torch" not in names_used(leaves_its_input)
    namespace = {}
    exec("def hidden(x):\n    return x\n", namespace)  # no source file behind it
    assert "could not read the source code of hidden" in failure(source_of, namespace["hidden"])


def test_names_used_sees_imports_inside_a_function():
    namespace = {}
    source = "def f(x):\n    from torch.optim import SGD\n    import numpy.linalg as la\n    return SGD, la\n"
    import linecache

    linecache.cache["<names-used-test>"] = (
        len(source),
        None,
        source.splitlines(True),
        "<names-used-test>",
    )
    exec(compile(source, "<names-used-test>", "exec"), namespace)
    assert {"torch", "optim", "SGD", "numpy", "linalg"} <= names_used(namespace["f"])


def _notebook_functions(source: str) -> dict:
    """Run ``source`` as a notebook cell would: its functions keep their source."""
    import linecache

    filename = f"<notebook-cell-{abs(hash(source))}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {"__name__": "__main__"}
    exec(compile(source, filename, "exec"), namespace)
    return namespace


def test_names_reached_and_modules_used_follow_the_notebook_s_own_functions():
    """In the student's kernel a rule covers the function, the notebook's functions it
    calls, and names imported under other names."""
    from autograder.testing import modules_used, names_reached

    namespace = _notebook_functions(
        "import numpy as np\n"
        "import torch as T\n"
        "from torch.optim import SGD as Step\n"
        "def sigma(z):\n    return T.sigmoid(z)\n"
        "def neuron(x, w):\n    return sigma(np.dot(w, x))\n"
        "def plain(x):\n    return np.tanh(x)\n"
        "def fit(w):\n    return Step([w], lr=0.1)\n"
    )
    assert "torch" in modules_used(namespace["neuron"])  # through sigma, as T
    assert "sigmoid" in names_reached(namespace["neuron"])
    assert "torch" not in names_used(namespace["neuron"])  # (what names_used alone misses)
    assert modules_used(namespace["plain"]) == {"numpy"}
    assert "torch" in modules_used(namespace["fit"])  # an imported name: SGD as Step


def test_names_reached_and_modules_used_ask_the_grader_s_proxy():
    from autograder.testing import modules_used, names_reached

    class Notebook:
        def names_reached(self, source):
            return {"reached", source}

        def modules_reached(self, source):
            return {"torch"}

    class Proxy:
        __name__ = "neuron"
        source = "def neuron(x):\n    return x"
        notebook = Notebook()

    assert names_reached(Proxy()) == {"reached", Proxy.source}
    assert modules_used(Proxy()) == {"torch"}

    class Unread(Proxy):
        source = ""  # the grader found no definition that ran

    assert "could not read the source code of neuron" in failure(modules_used, Unread())


def test_expect_equivalent_refuses_expressions_too_large_to_compare():
    x = sp.Symbol("x")
    huge = sp.Pow(sp.Add(x, 1, evaluate=False), 10**6, evaluate=False)
    tower = sp.Pow(sp.Integer(10), sp.Integer(10) ** 300, evaluate=False)
    long_sum = sp.Add(*[x**k for k in range(2500)])
    for answer in (huge, tower, long_sum):
        assert "too large to compare" in failure(expect_equivalent, [answer], [x], "g")
    # a moderately large but honest answer is still compared
    expect_equivalent([sp.expand((x + 1) ** 20)], [(x + 1) ** 20], "g")
