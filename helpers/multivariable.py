"""Derivatives of functions of several variables (introduced in lesson 04).

Finite-difference Jacobians and Hessians to check hand-derived ones, the
directional derivative, and the second-derivative test that tells a minimum
from a maximum from a saddle. The gradient itself is checked with
:func:`helpers.gradcheck.gradcheck`.

Conventions: column vectors, so a layer is ``W @ x`` and the Jacobian of
``F: R^n -> R^m`` has shape ``(m, n)``: row ``i`` is the gradient of output ``i``.
"""

from __future__ import annotations

import numpy as np

from helpers.gradcheck import numerical_gradient

__all__ = [
    "numerical_jacobian",
    "numerical_hessian",
    "directional_derivative",
    "unit_vector",
    "classify_critical_point",
]


def numerical_jacobian(F, x, h: float = 1e-5) -> np.ndarray:
    """Central-difference Jacobian of ``F`` at ``x``: shape ``(m, n)`` for m outputs, n inputs."""
    x = np.array(x, dtype=float)  # a copy: never perturb the caller's array
    if x.ndim != 1:
        raise ValueError(f"x must be a vector (shape (n,)), got shape {x.shape}")
    columns = []
    for j in range(x.size):
        step = np.zeros_like(x)
        step[j] = h
        plus = np.atleast_1d(np.asarray(F(x + step), dtype=float))
        minus = np.atleast_1d(np.asarray(F(x - step), dtype=float))
        columns.append((plus - minus) / (2 * h))
    return np.stack(columns, axis=1)


def numerical_hessian(f, x, h: float = 1e-4) -> np.ndarray:
    """Hessian of a scalar ``f`` at ``x``: central differences of its numerical gradient.

    Symmetrised, as the exact Hessian of a smooth function is (Clairaut's theorem).
    """
    x = np.array(x, dtype=float)
    H = numerical_jacobian(lambda p: numerical_gradient(f, p, h), x, h)
    return (H + H.T) / 2


def unit_vector(angle_degrees: float) -> np.ndarray:
    """The unit vector at ``angle_degrees`` from the positive x-axis."""
    angle = np.deg2rad(angle_degrees)
    return np.array([np.cos(angle), np.sin(angle)])


def directional_derivative(grad, u) -> float:
    """Slope of f along the direction ``u`` (normalised first): ``grad · u/|u|``."""
    u = np.asarray(u, dtype=float)
    norm = np.linalg.norm(u)
    if norm == 0:
        raise ValueError("a direction needs a nonzero vector")
    return float(np.dot(np.asarray(grad, dtype=float), u / norm))


def classify_critical_point(hessian, tol: float = 1e-9) -> str:
    """The second-derivative test at a point where the gradient is zero.

    Returns ``"minimum"`` (all Hessian eigenvalues > 0), ``"maximum"`` (all < 0),
    ``"saddle"`` (some > 0, some < 0) or ``"inconclusive"`` (an eigenvalue is 0:
    the Hessian alone cannot tell, e.g. x^4 + y^4 and x^4 - y^4 at the origin).
    """
    H = np.asarray(hessian, dtype=float)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ValueError(f"a Hessian is square, got shape {H.shape}")
    eigenvalues = np.linalg.eigvalsh((H + H.T) / 2)
    scale = max(1.0, float(np.max(np.abs(eigenvalues))))
    positive = eigenvalues > tol * scale
    negative = eigenvalues < -tol * scale
    if positive.any() and negative.any():
        return "saddle"
    if positive.all():
        return "minimum"
    if negative.all():
        return "maximum"
    return "inconclusive"
