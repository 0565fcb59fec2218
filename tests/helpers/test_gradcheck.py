import numpy as np
import pytest

from helpers.functions import FUNCTIONS_2D
from helpers.gradcheck import central_difference, forward_difference, gradcheck, numerical_gradient


def f(w):
    return w[0] ** 2 + 3 * w[1] ** 2


def test_central_beats_forward():
    exact = 3 * np.exp(3.0)
    g = lambda x: np.exp(3 * x)
    assert abs(central_difference(g, 1.0, 1e-4) - exact) < 1e-5 * exact
    assert abs(forward_difference(g, 1.0, 1e-4) - exact) > 1e-4 * exact


def test_numerical_gradient_matches_spec_example_and_leaves_input_alone():
    w = np.array([4.0, 3.0])
    assert np.allclose(numerical_gradient(f, w), [8.0, 18.0], atol=1e-6)
    assert w.tolist() == [4.0, 3.0]
    assert numerical_gradient(lambda m: (m**2).sum(), np.ones((2, 3))).shape == (2, 3)


@pytest.mark.parametrize("name", sorted(FUNCTIONS_2D))
def test_library_gradients_are_right(name):
    fn = FUNCTIONS_2D[name]
    rng = np.random.default_rng(1)
    for _ in range(5):
        w = rng.uniform(-1.5, 1.5, 2)
        report = gradcheck(fn, fn.grad, w, rtol=1e-6, atol=1e-6)
        assert report.ok, report
        hess_numeric = np.array(
            [numerical_gradient(lambda v, i=i: fn.grad(v)[i], w) for i in range(2)]
        )
        assert np.allclose(fn.hessian(w), hess_numeric, atol=1e-4)


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (lambda w: -np.array([2 * w[0], 6 * w[1]]), "sign"),
        (lambda w: 2 * np.array([2 * w[0], 6 * w[1]]), "factor of two too large"),
        (lambda w: np.array([w[0], 3 * w[1]]), "factor of two too small"),
        (lambda w: np.array([2 * w[0], 7 * w[1]]), "only coordinate (1,)"),
        (lambda w: np.array([2 * w[0]]), "shape mismatch"),
    ],
)
def test_wrong_gradients_are_caught_with_a_hint(wrong, hint):
    report = gradcheck(f, wrong, [4.0, 3.0])
    assert not report.ok
    assert hint in report.hint, str(report)
    assert "MISMATCH" in str(report) or "shape" in report.hint


def test_report_for_a_right_gradient():
    report = gradcheck(f, lambda w: np.array([2 * w[0], 6 * w[1]]), [4.0, 3.0])
    assert report.ok and bool(report)
    assert "close match" in str(report)
    assert report.worst_index in [(0,), (1,)]
