"""Check a gradient function against central finite differences (lessons 01, 04, 06).

``gradcheck(f, grad, w)`` compares ``grad(w)`` with the central-difference
estimate of the gradient of ``f`` at ``w`` and reports, like micrograd's ``cmp``,
whether they match, the worst coordinate, its relative error, and a hint when
the pattern is a familiar bug (a flipped sign, a factor of two, one coordinate).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def central_difference(f, x: float, h: float = 1e-5) -> float:
    """(f(x+h) - f(x-h)) / 2h: error shrinks like h**2 (forward differences: like h)."""
    return (f(x + h) - f(x - h)) / (2 * h)


def forward_difference(f, x: float, h: float = 1e-5) -> float:
    """(f(x+h) - f(x)) / h, the secant slope of lesson 01."""
    return (f(x + h) - f(x)) / h


def numerical_gradient(f, w, h: float = 1e-5) -> np.ndarray:
    """Central differences, one coordinate at a time; same shape as ``w``."""
    w = np.array(w, dtype=float)  # a copy: never perturb the caller's array
    grad = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        original = w[index]
        w[index] = original + h
        f_plus = f(w)
        w[index] = original - h
        f_minus = f(w)
        w[index] = original
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


@dataclass(frozen=True)
class GradCheck:
    """The outcome of :func:`gradcheck`. ``ok`` is the verdict; ``str()`` explains it."""

    ok: bool
    analytic: np.ndarray
    numeric: np.ndarray
    worst_index: tuple
    max_abs_error: float
    max_rel_error: float
    hint: str

    @property
    def exact(self) -> bool:
        return bool(np.array_equal(self.analytic, self.numeric))

    def __str__(self) -> str:
        verdict = "exact match" if self.exact else ("close match" if self.ok else "MISMATCH")
        text = (
            f"gradcheck: {verdict}; largest difference {self.max_abs_error:.3g} "
            f"at coordinate {self.worst_index} (relative {self.max_rel_error:.3g})"
        )
        return text + (f"\n  hint: {self.hint}" if self.hint else "")

    __repr__ = __str__

    def __bool__(self) -> bool:
        return self.ok


def _ratio_hint(analytic: np.ndarray, numeric: np.ndarray, bad: np.ndarray) -> str:
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = analytic[bad] / numeric[bad]
    ratios = ratios[np.isfinite(ratios)]
    if ratios.size and np.allclose(ratios, ratios[0], rtol=1e-3):
        r = ratios[0]
        for value, text in [
            (-1.0, "the sign is flipped (ratio -1)"),
            (2.0, "a factor of two too large (ratio 2)"),
            (0.5, "a factor of two too small (ratio 0.5): a missing 2 from a power rule?"),
            (0.0, "the analytic gradient is zero where it should not be"),
        ]:
            if np.isclose(r, value, atol=1e-3):
                return text
        return f"off by a constant factor {r:.4g}"
    return ""


def gradcheck(f, grad, w, h: float = 1e-5, rtol: float = 1e-5, atol: float = 1e-7) -> GradCheck:
    """Compare ``grad(w)`` with central differences of ``f`` at ``w``."""
    w = np.asarray(w, dtype=float)
    analytic = np.asarray(grad(w.copy()), dtype=float)
    numeric = numerical_gradient(f, w, h)
    if analytic.shape != numeric.shape:
        return GradCheck(
            False,
            analytic,
            numeric,
            (),
            np.inf,
            np.inf,
            f"shape mismatch: grad returned {analytic.shape}, parameters have {numeric.shape}"
            " (the gradient has the shape of the parameters)",
        )
    error = np.abs(analytic - numeric)
    scale = np.maximum(np.abs(analytic), np.abs(numeric))
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(scale > 0, error / scale, 0.0)
    bad = ~np.isclose(analytic, numeric, rtol=rtol, atol=atol)
    worst = np.unravel_index(int(np.argmax(error)), error.shape) if error.size else ()
    worst = tuple(int(i) for i in worst)
    hint = ""
    if bad.any():
        hint = _ratio_hint(analytic, numeric, bad)
        if bad.sum() == 1 and bad.size > 1:
            bad_index = tuple(int(i) for i in np.argwhere(bad)[0])
            hint = f"only coordinate {bad_index} is wrong" + (f": {hint}" if hint else "")
        if not np.all(np.isfinite(analytic)):
            hint = "the analytic gradient contains NaN or inf"
    return GradCheck(
        not bad.any(),
        analytic,
        numeric,
        worst,
        float(error.max(initial=0.0)),
        float(rel.max(initial=0.0)),
        hint,
    )
