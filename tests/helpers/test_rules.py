"""helpers.rules.verify_derivative: right claims pass, wrong claims fail both ways."""

import pytest
import sympy as sp

from helpers.rules import verify_derivative

x, w = sp.symbols("x w")


@pytest.mark.parametrize(
    "expr, claimed",
    [
        (sp.Integer(7), 0),
        (x**3, 3 * x**2),
        (5 * x**3 - 2 * x + 7, 15 * x**2 - 2),
        (x**2 * sp.sin(x), 2 * x * sp.sin(x) + x**2 * sp.cos(x)),
        (sp.exp(x), sp.exp(x)),
        (sp.log(x), 1 / x),
        (1 / w, -1 / w**2),
    ],
)
def test_correct_derivatives_pass(expr, claimed):
    result = verify_derivative(expr, claimed, var=x if not expr.free_symbols else None)
    assert result.ok and result.symbolic_ok and result.numeric_ok
    assert "OK" in str(result)


@pytest.mark.parametrize(
    "expr, claimed",
    [
        (x**3, 3 * x**3),  # forgot to lower the exponent
        (x**2 * x**3, 6 * x**3),  # f'g' instead of the product rule
        (5 * x**3 - 2 * x + 7, 15 * x**2 + 5),  # kept the constant
        (1 / w, 1 / w**2),  # sign
    ],
)
def test_wrong_derivatives_fail(expr, claimed):
    result = verify_derivative(expr, claimed)
    assert not result.ok and not result.symbolic_ok and not result.numeric_ok
    assert "MISMATCH" in str(result)


def test_a_small_error_is_caught_by_both_checks():
    result = verify_derivative(x**2, 2 * x + sp.Rational(1, 1000))
    assert not result.symbolic_ok and not result.numeric_ok


def test_needs_a_variable_when_ambiguous():
    y = sp.symbols("y")
    with pytest.raises(ValueError):
        verify_derivative(x * y, y)
