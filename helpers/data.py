"""Data sets: small synthetic, seeded ones (lessons 05 and 06) and one real one (the lab).

Every synthetic generator takes a ``seed`` and draws from
``numpy.random.default_rng(seed)``, so a lesson shows the same numbers on every run and
on every machine.

* :func:`line_data` - points scattered around a straight line (lesson 05:
  stochastic and mini-batch gradient descent on a two-parameter fit).
* :func:`regression_data` - a linear-regression problem ``y = X w_true + noise``
  with ``X`` of shape ``(n, d)`` (lesson 06: shapes, gradient check, fitting).
* :func:`house_data` - house features on very different scales (square feet,
  bedrooms, age) and prices (lesson 06: feature scaling and the usable
  learning rate).
* :func:`standardize` and :func:`add_intercept` - the preprocessing of lesson 06.
* :func:`load_digits` - the real data of the lab: 1797 handwritten digits (8x8 pixels,
  UCI, CC BY 4.0), shipped in ``data/`` with its source and licence; and
  :func:`holdout_split`, a seeded train/test split.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parents[1] / "data"  # data/ beside the helpers package
DIGITS_FILE = DATA_DIR / "digits.csv.gz"
DIGITS_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"


def line_data(
    n: int = 40, slope: float = 2.0, intercept: float = 1.0, noise: float = 0.5, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``x`` uniform on [-2, 2] and ``y = slope * x + intercept + noise * N(0, 1)``; both shape ``(n,)``."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, n)
    y = slope * x + intercept + noise * rng.standard_normal(n)
    return x, y


def regression_data(
    n: int = 100, d: int = 5, noise: float = 0.1, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``X`` (n, d) standard normal, ``w_true`` (d,) and ``y = X @ w_true + noise * N(0, 1)`` (n,)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w_true = np.round(rng.uniform(-3.0, 3.0, d), 1)
    y = X @ w_true + noise * rng.standard_normal(n)
    return X, y, w_true


HOUSE_FEATURES = ("square feet", "bedrooms", "age (years)")


def house_data(n: int = 100, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Features ``X`` (n, 3) in their natural units and prices ``y`` (n,) in $1000s.

    Columns (see :data:`HOUSE_FEATURES`): square feet (about 800-3000),
    bedrooms (1-5), age in years (0-60). Price = 50 + 0.15 per square foot
    + 10 per bedroom - 1 per year of age + noise (sd 20).
    """
    rng = np.random.default_rng(seed)
    sqft = rng.uniform(800.0, 3000.0, n)
    bedrooms = np.clip(np.round(sqft / 700 + rng.normal(0.0, 0.7, n)), 1, 5)
    age = rng.uniform(0.0, 60.0, n)
    X = np.column_stack([sqft, bedrooms, age])
    y = 50.0 + 0.15 * sqft + 10.0 * bedrooms - 1.0 * age + rng.normal(0.0, 20.0, n)
    return X, y


def standardize(X) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(X - mean) / std`` column by column; returns ``(X_std, mean, std)``.

    Use the *training* mean and std for any new data: ``(X_new - mean) / std``.
    A constant column (std 0) is only centred.
    """
    X = np.asarray(X, dtype=float)
    mean, std = X.mean(axis=0), X.std(axis=0)
    safe = np.where(std > 0, std, 1.0)
    return (X - mean) / safe, mean, std


def add_intercept(X) -> np.ndarray:
    """Prepend a column of ones, so that ``w[0]`` is the intercept."""
    X = np.asarray(X, dtype=float)
    return np.column_stack([np.ones(len(X)), X])


def load_digits(path: Path = DIGITS_FILE) -> tuple[np.ndarray, np.ndarray]:
    """The handwritten digits of the lab: pixels ``X`` (1797, 64), floats 0-16, row by row
    of each 8x8 image, and labels ``y`` (1797,), ints 0-9.

    The file's SHA-256 is checked first (data/README.md gives its source and licence), so
    a damaged or replaced file is an error, not a silently different lesson.
    """
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise FileNotFoundError(
            f"the digits data is missing ({path}): it ships with the course in data/"
        ) from error
    if hashlib.sha256(raw).hexdigest() != DIGITS_SHA256:
        raise ValueError(f"{path} is not the digits file described in data/README.md")
    table = np.loadtxt(gzip.decompress(raw).decode("ascii").splitlines(), delimiter=",")
    return table[:, :-1], table[:, -1].astype(int)


def holdout_split(n: int, test_fraction: float = 0.25, seed: int = 0):
    """Indices ``(train, test)`` of a random split of ``n`` examples, repeatable by ``seed``.

    Every example lands in exactly one part; the test part holds ``round(test_fraction * n)``.
    """
    if not 0 < test_fraction < 1:
        raise ValueError("test_fraction must be between 0 and 1")
    order = np.random.default_rng(seed).permutation(n)
    n_test = int(round(test_fraction * n))
    return np.sort(order[n_test:]), np.sort(order[:n_test])
