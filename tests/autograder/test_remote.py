"""Proxies of the trusted grader: values that are not plain data fail every use."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.remote import Opaque, TestFailure


def test_opaque_values_fail_every_use_with_a_clear_message():
    liar = Opaque(1, "Liar", "secant_slope")
    for use in (
        lambda: liar == 1,
        lambda: float(liar),
        lambda: liar - 1,
        lambda: abs(liar),
        lambda: bool(liar),
        lambda: np.asarray(liar, dtype=float),
        lambda: len(liar),
        lambda: liar.anything,
        lambda: np.isclose(liar, 1.0),
    ):
        with pytest.raises(TestFailure, match="secant_slope gave a Liar"):
            use()
    assert repr(liar) == "<Liar object>"
