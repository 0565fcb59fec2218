"""Check a derivative two independent ways: SymPy and numbers (introduced in lesson 02).

``verify_derivative(expr, claimed)`` asks SymPy for ``diff(expr, x)`` and
checks that it equals the claimed derivative symbolically, then compares the
claimed derivative with central differences of ``expr`` at a few points. A rule
passes only when both agree, so a typo in the claim or in the rule is caught
even if one of the two checks were fooled.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from helpers.gradcheck import central_difference

__all__ = ["RuleCheck", "verify_derivative"]

DEFAULT_POINTS = (0.3, 0.7, 1.3, 2.1)  # positive, so logs and roots are defined


@dataclass(frozen=True)
class RuleCheck:
    """The verdict of :func:`verify_derivative`."""

    expr: sp.Expr
    claimed: sp.Expr
    sympy_result: sp.Expr
    symbolic_ok: bool
    points: tuple
    max_numeric_error: float

    @property
    def numeric_ok(self) -> bool:
        return self.max_numeric_error < 1e-6

    @property
    def ok(self) -> bool:
        return self.symbolic_ok and self.numeric_ok

    def __str__(self) -> str:
        verdict = "OK" if self.ok else "MISMATCH"
        sympy_says = "agrees" if self.symbolic_ok else f"says {sp.simplify(self.sympy_result)}"
        return (
            f"d/dx [{self.expr}] = {self.claimed}  |  SymPy {sympy_says}  |  numbers: largest "
            f"error {self.max_numeric_error:.0e}  |  {verdict}"
        )

    __repr__ = __str__


def verify_derivative(expr, claimed, var=None, points=DEFAULT_POINTS, h: float = 1e-6) -> RuleCheck:
    """Check ``d expr / d var == claimed`` with SymPy and with central differences.

    ``var`` defaults to the only free symbol of ``expr``. The numeric check
    uses a relative error, so large derivatives are judged fairly.
    """
    expr, claimed = sp.sympify(expr), sp.sympify(claimed)
    if var is None:
        free = expr.free_symbols
        if len(free) != 1:
            raise ValueError(f"say which variable to differentiate by: {expr} has symbols {free}")
        (var,) = free
    sympy_result = sp.diff(expr, var)
    symbolic_ok = sp.simplify(sympy_result - claimed) == 0
    f = sp.lambdify(var, expr, "numpy")
    df = sp.lambdify(var, claimed, "numpy")
    errors = []
    for x in points:
        estimate = central_difference(f, float(x), h)
        exact = float(df(float(x)))
        errors.append(abs(estimate - exact) / max(1.0, abs(exact)))
    return RuleCheck(
        expr, claimed, sympy_result, bool(symbolic_ok), tuple(points), float(max(errors))
    )
