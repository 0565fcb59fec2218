"""helpers.activations: values, derivatives (against central differences), edge cases."""

import numpy as np
import pytest

from helpers.activations import (
    ACTIVATIONS,
    bce,
    bce_prime,
    mse,
    mse_prime,
    relu,
    relu_prime,
    sigmoid,
    sigmoid_prime,
    softmax,
    softmax_jacobian,
    tanh,
    tanh_prime,
)
from helpers.gradcheck import central_difference, numerical_gradient

GRID = np.array([-4.0, -1.3, -0.2, 0.3, 1.0, 2.5])


def test_values():
    assert relu(-2.0) == 0.0 and relu(3.0) == 3.0
    assert sigmoid(0.0) == 0.5
    assert np.isclose(sigmoid(2.0), 1 / (1 + np.exp(-2.0)))
    assert np.isclose(tanh(1.0), np.tanh(1.0))


def test_scalars_in_scalars_out_and_arrays_keep_shape():
    for name, (f, df, _) in ACTIVATIONS.items():
        assert isinstance(f(0.5), float) and isinstance(df(0.5), float), name
        grid = np.zeros((2, 3))
        assert f(grid).shape == (2, 3) and df(grid).shape == (2, 3), name
    assert relu_prime([1, -1, 0]).tolist() == [1.0, 0.0, 0.0]  # lists of ints work


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_derivatives_match_central_differences(name):
    f, df, _ = ACTIVATIONS[name]
    numeric = np.array([central_difference(f, z, 1e-6) for z in GRID])
    assert np.allclose(df(GRID), numeric, atol=1e-8)


def test_relu_corner_convention_is_zero():
    assert relu_prime(0.0) == 0.0
    assert relu_prime(1e-12) == 1.0 and relu_prime(-1e-12) == 0.0


def test_sigmoid_slope_peaks_at_a_quarter():
    zs = np.linspace(-10, 10, 2001)
    slopes = sigmoid_prime(zs)
    assert np.isclose(slopes.max(), 0.25) and zs[np.argmax(slopes)] == 0.0
    assert np.all(slopes <= 0.25)
    assert np.allclose(slopes, sigmoid(zs) * (1 - sigmoid(zs)))


def test_sigmoid_never_overflows():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        values = sigmoid(np.array([-1000.0, 1000.0]))
    assert values.tolist() == [0.0, 1.0]
    assert np.isclose(sigmoid(-30.0), np.exp(-30.0) / (1 + np.exp(-30.0)), rtol=1e-12)


def test_tanh_slope_is_one_minus_square():
    assert tanh_prime(0.0) == 1.0
    assert np.allclose(tanh_prime(GRID), 1 - np.tanh(GRID) ** 2)
    assert np.all(tanh_prime(GRID) < 1)


def test_softmax_sums_to_one_and_survives_large_scores():
    s = softmax([1000.0, 1001.0, 1002.0])
    assert np.isclose(s.sum(), 1.0) and np.allclose(s, softmax([0.0, 1.0, 2.0]))
    batch = softmax(np.array([[0.0, 0.0], [0.0, np.log(3.0)]]))
    assert np.allclose(batch, [[0.5, 0.5], [0.25, 0.75]])
    with pytest.raises(ValueError):
        softmax(1.0)


def test_softmax_jacobian_matches_numeric_and_rows_sum_to_zero():
    z = np.array([0.5, -1.0, 2.0, 0.0])
    J = softmax_jacobian(z)
    numeric = np.array([numerical_gradient(lambda v, i=i: softmax(v)[i], z) for i in range(4)])
    assert J.shape == (4, 4)
    assert np.allclose(J, numeric, atol=1e-9)
    assert np.allclose(J.sum(axis=1), 0) and np.allclose(J, J.T)
    with pytest.raises(ValueError):
        softmax_jacobian(np.zeros((2, 2)))


def test_mse_and_its_slope():
    prediction, target = np.array([2.0, 0.5, 3.0]), np.array([5.0, 0.0, 3.0])
    assert np.isclose(mse(prediction, target), (9 + 0.25 + 0) / 3)
    slope = mse_prime(prediction, target)
    assert np.allclose(slope, [-2.0, 1 / 3, 0.0])
    assert np.allclose(slope, numerical_gradient(lambda p: mse(p, target), prediction))
    assert mse_prime(2.0, 5.0) == -6.0  # one example: 2(y_hat - y)


def test_bce_and_its_slope():
    assert np.isclose(bce(0.8, 1), -np.log(0.8))
    assert np.isclose(bce(0.8, 0), -np.log(0.2))
    assert np.isclose(bce_prime(0.8, 1), -1.25)
    assert np.isclose(bce_prime(0.8, 0), 5.0)
    for p, y in [(0.3, 1.0), (0.6, 0.0), (0.5, 0.25)]:
        assert np.isclose(
            bce_prime(p, y), central_difference(lambda q: bce(q, y), p, 1e-7), rtol=1e-6
        )
    slopes = bce_prime(np.array([0.2, 0.9]), np.array([1.0, 0.0]))
    assert slopes.shape == (2,) and np.allclose(slopes, [-5.0, 10.0])


def test_bce_composed_with_sigmoid_has_slope_p_minus_y():
    for z, y in [(-1.0, 1.0), (0.7, 0.0), (2.0, 1.0)]:
        numeric = central_difference(lambda t: bce(sigmoid(t), y), z, 1e-6)
        assert np.isclose(numeric, sigmoid(z) - y, atol=1e-8)


@pytest.mark.parametrize("p", [0.0, 1.0, -0.1, 1.5])
def test_bce_rejects_probabilities_outside_open_interval(p):
    with pytest.raises(ValueError):
        bce(p, 1)
    with pytest.raises(ValueError):
        bce_prime(p, 1)
