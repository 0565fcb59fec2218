"""helpers.data: seeded synthetic data sets, the preprocessing of lesson 06, and the real
digits data of the lab (found from the package, checksum-checked)."""

import gzip
import re
import shutil

import numpy as np
import pytest

from helpers import data
from helpers.data import (
    add_intercept,
    holdout_split,
    house_data,
    line_data,
    load_digits,
    regression_data,
    standardize,
)


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


def test_digits_load_from_the_package_with_their_documented_shape():
    X, y = load_digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert X.dtype == float and y.dtype.kind == "i"
    assert X.min() == 0 and X.max() == 16 and np.array_equal(X, np.round(X))
    assert np.array_equal(np.unique(y), np.arange(10))
    counts = np.bincount(y)
    assert counts.min() == 174 and counts.max() == 183  # "balanced (174-183 each)" in data/README
    assert data.DIGITS_FILE.parent.name == "data" and data.DIGITS_FILE.is_file()


def test_digits_readme_states_the_real_checksum_source_and_licence():
    readme = (data.DATA_DIR / "README.md").read_text()
    assert data.DIGITS_SHA256 in readme
    assert f"({data.DIGITS_FILE.stat().st_size:,} bytes)" in readme
    assert "CC BY 4.0" in readme and "creativecommons.org/licenses/by/4.0" in readme
    assert "doi.org/10.24432/C50P49" in readme and "archive.ics.uci.edu" in readme
    assert re.search(r"1797 handwritten digits", readme)


def test_a_changed_or_missing_digits_file_is_an_error(tmp_path):
    copy = tmp_path / "digits.csv.gz"
    shutil.copy(data.DIGITS_FILE, copy)
    assert load_digits(copy)[0].shape == (1797, 64)
    rows = gzip.decompress(copy.read_bytes()).decode().splitlines()
    rows[0] = rows[0].replace("0,0,5", "0,0,6", 1)  # one pixel changed
    copy.write_bytes(gzip.compress("\n".join(rows).encode()))
    with pytest.raises(ValueError, match="not the digits file"):
        load_digits(copy)
    with pytest.raises(FileNotFoundError, match="ships with the course"):
        load_digits(tmp_path / "nothing-here.csv.gz")


def test_holdout_split_is_a_seeded_partition():
    train, test = holdout_split(1797, test_fraction=0.25, seed=0)
    assert len(test) == 449 and len(train) == 1797 - 449
    assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(1797))
    again = holdout_split(1797, 0.25, seed=0)
    assert np.array_equal(again[0], train) and np.array_equal(again[1], test)
    assert not np.array_equal(holdout_split(1797, 0.25, seed=1)[1], test)
    for bad in (0.0, 1.0, -0.1):
        with pytest.raises(ValueError):
            holdout_split(10, bad)
