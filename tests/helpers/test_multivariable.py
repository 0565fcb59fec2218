"""helpers.multivariable: Jacobians, Hessians, directional derivatives, critical points."""

import numpy as np
import pytest

from helpers.functions import FUNCTIONS_2D
from helpers.multivariable import (
    classify_critical_point,
    directional_derivative,
    numerical_hessian,
    numerical_jacobian,
    unit_vector,
)


def test_jacobian_of_a_layer_is_its_weight_matrix():
    rng = np.random.default_rng(3)
    W, b = rng.normal(size=(3, 4)), rng.normal(size=3)
    J = numerical_jacobian(lambda x: W @ x + b, rng.normal(size=4))
    assert J.shape == (3, 4)  # (outputs, inputs): column-vector convention
    np.testing.assert_allclose(J, W, atol=1e-9)


def test_jacobian_of_a_nonlinear_map():
    def F(p):
        x, y = p
        return np.array([x**2 * y, 5 * x + np.sin(y)])

    x, y = 1.5, -0.7
    exact = np.array([[2 * x * y, x**2], [5.0, np.cos(y)]])
    np.testing.assert_allclose(numerical_jacobian(F, [x, y]), exact, rtol=1e-8, atol=1e-9)
    # a transposed Jacobian (the row-vector convention) is a different matrix
    assert not np.allclose(numerical_jacobian(F, [x, y]), exact.T)


def test_jacobian_of_a_scalar_function_is_one_row():
    J = numerical_jacobian(lambda p: p[0] ** 2 + 3 * p[1] ** 2, [4.0, 3.0])
    assert J.shape == (1, 2)
    np.testing.assert_allclose(J[0], [8.0, 18.0], rtol=1e-8)


def test_jacobian_does_not_modify_input_and_rejects_matrices():
    x = np.array([1.0, 2.0])
    numerical_jacobian(lambda p: p * 2, x)
    assert x.tolist() == [1.0, 2.0]
    with pytest.raises(ValueError):
        numerical_jacobian(lambda p: p, np.ones((2, 2)))


@pytest.mark.parametrize("name", list(FUNCTIONS_2D))
def test_numerical_hessian_matches_the_library_functions(name):
    fn = FUNCTIONS_2D[name]
    point = np.array([0.3, 0.6])
    H = numerical_hessian(fn, point)
    np.testing.assert_allclose(H, fn.hessian(point), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(H, H.T)


def test_hessian_of_the_lesson_function_has_the_cubic_term():
    f = lambda p: 3 * p[0] ** 2 + 2 * p[0] * p[1] + p[1] ** 3
    H = numerical_hessian(f, [1.0, 2.0])
    np.testing.assert_allclose(H, [[6.0, 2.0], [2.0, 12.0]], rtol=1e-5)


def test_directional_derivative_is_largest_along_the_gradient():
    grad = np.array([4.0, 5.0])
    angles = np.arange(0.0, 360.0, 0.5)
    slopes = np.array([directional_derivative(grad, unit_vector(a)) for a in angles])
    best = angles[np.argmax(slopes)]
    assert abs(best - np.degrees(np.arctan2(5, 4))) <= 0.5
    assert np.isclose(slopes.max(), np.sqrt(41), rtol=1e-4)
    across = np.array([-5.0, 4.0])
    assert directional_derivative(grad, across) == pytest.approx(0.0, abs=1e-12)
    assert directional_derivative(grad, -grad) == pytest.approx(-np.sqrt(41))


def test_directional_derivative_normalises_the_direction():
    assert directional_derivative([4.0, 5.0], [10.0, 0.0]) == pytest.approx(4.0)
    with pytest.raises(ValueError):
        directional_derivative([1.0, 2.0], [0.0, 0.0])


def test_unit_vector():
    np.testing.assert_allclose(unit_vector(90), [0.0, 1.0], atol=1e-15)
    for angle in (0, 33, 210):
        assert np.isclose(np.linalg.norm(unit_vector(angle)), 1.0)


@pytest.mark.parametrize(
    "H, kind",
    [
        ([[2, 0], [0, 2]], "minimum"),
        ([[2, 0], [0, 6]], "minimum"),
        ([[-2, 0], [0, -2]], "maximum"),
        ([[2, 0], [0, -2]], "saddle"),  # x^2 - y^2
        ([[6, 2], [2, 0]], "saddle"),  # 3x^2 + 2xy + y^3 at (0, 0)
        ([[6, 2], [2, 4 / 3]], "minimum"),  # ... at (-2/27, 2/9)
        ([[0, 0], [0, 0]], "inconclusive"),  # x^4 + y^4 and x^4 - y^4 at the origin
        ([[2, 0], [0, 0]], "inconclusive"),
    ],
)
def test_classify_critical_point(H, kind):
    assert classify_critical_point(H) == kind


def test_classify_rejects_non_square():
    with pytest.raises(ValueError):
        classify_critical_point([[1, 2, 3]])
