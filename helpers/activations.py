"""Activation functions, two losses, and their derivatives (introduced in lesson 02).

The course's one implementation of each: the lessons, the training failures of
lesson 08 (:mod:`helpers.failures`) and the lab import them from here. Every function
works elementwise on scalars and NumPy arrays and returns floats of the input's float
type (float32 stays float32, as lesson 08 needs; ints and lists become float64).
The derivatives are the formulas derived in lesson 02:

* ``relu_prime``: 1 for z > 0, else 0. At the corner z = 0 ReLU has no
  derivative; like PyTorch and JAX we use 0 there.
* ``sigmoid_prime``: sigma(z) * (1 - sigma(z)), at most 0.25 (at z = 0).
* ``tanh_prime``: 1 - tanh(z)**2, at most 1 (at z = 0).
* ``silu_prime``: the product rule on SiLU(z) = z * sigma(z), the gated unit of
  lesson 02: sigma(z) + z * sigma'(z) = sigma(z) * (1 + z * (1 - sigma(z))).
* ``softmax_jacobian``: diag(s) - s s^T for s = softmax(z).
* ``mse_prime``: d/d(prediction) of the mean squared error.
* ``bce_prime``: d/dp of the binary cross-entropy of a probability p.

Lesson 03 reuses the sigmoid's bound (0.25) to explain vanishing gradients.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "relu",
    "relu_prime",
    "sigmoid",
    "sigmoid_prime",
    "tanh",
    "tanh_prime",
    "silu",
    "silu_prime",
    "softmax",
    "softmax_jacobian",
    "mse",
    "mse_prime",
    "bce",
    "bce_prime",
    "ACTIVATIONS",
]


def _as_float(z):
    """``z`` as a float array: float32 stays float32 (lesson 08 trains in float32),
    everything else (ints, lists, Python floats) becomes float64."""
    z = np.asarray(z)
    return z if np.issubdtype(z.dtype, np.floating) else z.astype(np.float64)


def _scalar_or_array(result, z):
    """A Python float for float64 scalar input, a float32 scalar for float32 scalar input,
    an array of ``z``'s float type otherwise."""
    result = np.asarray(result, dtype=_as_float(z).dtype)
    if np.ndim(z) != 0:
        return result
    return float(result) if result.dtype == np.float64 else result[()]


# -- activations -------------------------------------------------------------


def relu(z):
    """max(0, z)."""
    z = _as_float(z)
    return _scalar_or_array(np.maximum(z, 0.0), z)


def relu_prime(z):
    """1 where z > 0, 0 elsewhere (0 at the corner z = 0, the frameworks' convention)."""
    z = _as_float(z)
    return _scalar_or_array(z > 0, z)


def sigmoid(z):
    """1 / (1 + e^(-z)), computed without overflow for large |z|."""
    z = _as_float(z)
    # For z < 0 use e^z / (1 + e^z): the exponent is then never positive.
    e = np.exp(-np.abs(z))
    result = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return _scalar_or_array(result, z)


def sigmoid_prime(z):
    """sigma(z) * (1 - sigma(z)): largest (0.25) at z = 0, tiny for large |z|."""
    s = _as_float(sigmoid(z))
    return _scalar_or_array(s * (1.0 - s), _as_float(z))


def tanh(z):
    """The hyperbolic tangent, (e^z - e^-z) / (e^z + e^-z)."""
    z = _as_float(z)
    return _scalar_or_array(np.tanh(z), z)


def tanh_prime(z):
    """1 - tanh(z)**2: largest (1) at z = 0."""
    t = np.tanh(_as_float(z))
    return _scalar_or_array(1.0 - t**2, _as_float(z))


def silu(z):
    """SiLU (also called swish), z * sigma(z): the input, gated by its own sigmoid."""
    z = _as_float(z)
    return _scalar_or_array(z * _as_float(sigmoid(z)), z)


def silu_prime(z):
    """The product rule: (z * sigma)' = sigma + z * sigma' = sigma * (1 + z * (1 - sigma))."""
    z = _as_float(z)
    s = _as_float(sigmoid(z))
    return _scalar_or_array(s * (1 + z * (1 - s)), z)


def softmax(z):
    """exp(z) / sum(exp(z)) along the last axis (shifted by the max, so it never overflows)."""
    z = _as_float(z)
    if z.ndim == 0:
        raise ValueError("softmax needs a vector of scores, got a scalar")
    shifted = np.exp(z - z.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def softmax_jacobian(z):
    """J[i, j] = d softmax_i / d z_j = s_i (delta_ij - s_j), i.e. diag(s) - s s^T.

    For a single score vector z of length k; returns a (k, k) array whose
    rows each sum to 0 (the probabilities always add up to 1).
    """
    z = _as_float(z)
    if z.ndim != 1:
        raise ValueError(f"softmax_jacobian takes one score vector, got shape {z.shape}")
    s = softmax(z)
    return np.diag(s) - np.outer(s, s)


# -- losses ------------------------------------------------------------------


def mse(prediction, target) -> float:
    """Mean squared error (1/n) * sum((prediction - target)**2)."""
    prediction, target = np.broadcast_arrays(_as_float(prediction), _as_float(target))
    return float(np.mean((prediction - target) ** 2))


def mse_prime(prediction, target):
    """d mse / d prediction = (2/n) * (prediction - target), same shape as prediction."""
    prediction, target = np.broadcast_arrays(_as_float(prediction), _as_float(target))
    n = prediction.size
    return _scalar_or_array(2.0 * (prediction - target) / n, prediction)


def _check_probability(p):
    p = _as_float(p)
    if np.any((p <= 0) | (p >= 1)):
        raise ValueError("binary cross-entropy needs probabilities strictly between 0 and 1")
    return p


def bce(p, y) -> float:
    """Binary cross-entropy -[y log p + (1 - y) log(1 - p)], averaged over examples."""
    p = _check_probability(p)
    y = _as_float(y)
    return float(np.mean(-(y * np.log(p) + (1.0 - y) * np.log1p(-p))))


def bce_prime(p, y):
    """d/dp of one example's binary cross-entropy: -y/p + (1 - y)/(1 - p) = (p - y) / (p (1 - p)).

    Elementwise (per example, not divided by n). Composed with p = sigmoid(z),
    the chain rule of lesson 03 turns this into the famously simple p - y.
    """
    p = _check_probability(p)
    y = _as_float(y)
    return _scalar_or_array((p - y) / (p * (1.0 - p)), np.broadcast_to(p, np.broadcast(p, y).shape))


# name -> (function, derivative, formula of the derivative), for plots and tables
ACTIVATIONS = {
    "ReLU": (relu, relu_prime, r"$\mathrm{ReLU}'(z) = 1$ if $z > 0$, else $0$"),
    "sigmoid": (sigmoid, sigmoid_prime, r"$\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$"),
    "tanh": (tanh, tanh_prime, r"$\tanh'(z) = 1 - \tanh^2 z$"),
    "SiLU": (silu, silu_prime, r"$\mathrm{SiLU}'(z) = \sigma(z)\,(1 + z\,(1 - \sigma(z)))$"),
}
