"""helpers.data: seeded synthetic data sets and the preprocessing of lesson 06."""

import numpy as np

from helpers.data import add_intercept, house_data, line_data, regression_data, standardize


def test_data_sets_are_seeded_and_shaped():
    x1, y1 = line_data(n=40, seed=0)
    x2, y2 = line_data(n=40, seed=0)
    x3, _ = line_data(n=40, seed=1)
    assert x1.shape == y1.shape == (40,)
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2) and not np.array_equal(x1, x3)
    X, y, w_true = regression_data(n=100, d=5, seed=0)
    assert X.shape == (100, 5) and y.shape == (100,) and w_true.shape == (5,)
    assert np.array_equal(regression_data(seed=0)[0], X)
    features, price = house_data(n=100, seed=0)
    assert features.shape == (100, 3) and price.shape == (100,)


def test_data_follow_their_generating_models():
    x, y = line_data(n=2000, slope=2.0, intercept=1.0, noise=0.5, seed=0)
    slope, intercept = np.polyfit(x, y, 1)
    assert abs(slope - 2) < 0.05 and abs(intercept - 1) < 0.05
    X, y, w_true = regression_data(n=2000, d=5, noise=0.1, seed=0)
    assert np.allclose(np.linalg.lstsq(X, y, rcond=None)[0], w_true, atol=0.01)
    features, price = house_data(n=2000, seed=0)
    w = np.linalg.lstsq(add_intercept(features), price, rcond=None)[0]
    assert np.allclose(w[1:], [0.15, 10, -1], atol=[0.01, 3, 0.1])
    assert features[:, 0].min() >= 800 and features[:, 0].max() <= 3000
    assert set(np.unique(features[:, 1])) <= {1, 2, 3, 4, 5}


def test_standardize_and_intercept():
    features, _ = house_data(n=50, seed=0)
    original = features.copy()
    z, mean, std = standardize(features)
    assert np.array_equal(features, original)  # input untouched
    assert np.allclose(z.mean(axis=0), 0) and np.allclose(z.std(axis=0), 1)
    assert np.allclose(z * std + mean, features)
    constant = np.column_stack([np.ones(4), [1.0, 2, 3, 4]])
    zc, _, sc = standardize(constant)
    assert np.all(np.isfinite(zc)) and np.allclose(zc[:, 0], 0) and sc[0] == 0
    X1 = add_intercept(features)
    assert X1.shape == (50, 4) and np.all(X1[:, 0] == 1) and np.array_equal(X1[:, 1:], features)
