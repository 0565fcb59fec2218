"""helpers.numerics: secant tables, the error-vs-h study, partial differences."""

import numpy as np
import pytest

from helpers.numerics import (
    difference_errors,
    log_steps,
    partial_difference,
    plot_error_study,
    secant_slopes,
)
from helpers.plotting import new_figure


def square(x):
    return x**2


def test_secant_table_of_lesson_01():
    hs = [0.1, 0.01, 0.001]
    assert np.allclose(secant_slopes(square, 3.0, hs), [6.1, 6.01, 6.001])
    assert np.allclose(secant_slopes(square, 1.0, hs), [2.1, 2.01, 2.001])
    assert np.allclose(secant_slopes(square, 2.0, 0.1), [4.1])  # the self-check's answer


def test_log_steps():
    hs = log_steps(1e-16, 1.0, per_decade=4)
    assert hs[0] == pytest.approx(1e-16) and hs[-1] == pytest.approx(1.0) and len(hs) == 65
    assert np.allclose(np.diff(np.log10(hs)), 0.25)
    with pytest.raises(ValueError):
        log_steps(1.0, 1e-3)


def test_error_study_has_the_v_shape():
    study = difference_errors(np.sin, np.cos, 1.0)
    assert study.exact == pytest.approx(np.cos(1.0))
    assert 1e-9 <= study.best_h("forward") <= 1e-7
    assert 1e-7 <= study.best_h("central") <= 1e-4
    assert study.smallest_error("central") < study.smallest_error("forward")
    # both arms of the V: much worse at the smallest and at the largest h than at the bottom
    for method in ("forward", "central"):
        errors = getattr(study, method)
        bottom = study.smallest_error(method)
        assert errors[0] > 1e4 * bottom and errors[-1] > 1e4 * bottom


def test_truncation_slopes_one_and_two():
    hs = np.array([1e-2, 1e-3])
    study = difference_errors(np.exp, np.exp, 0.5, hs)
    assert study.forward[0] / study.forward[1] == pytest.approx(10, rel=0.05)
    assert study.central[0] / study.central[1] == pytest.approx(100, rel=0.05)
    with pytest.raises(ValueError):
        study.best_h("backward")


def test_partial_difference_of_the_elongated_bowl():
    def bowl(w):
        return w[0] ** 2 + 3 * w[1] ** 2

    point = np.array([4.0, 3.0])
    assert partial_difference(bowl, point, 1) == pytest.approx(18.0, rel=1e-9)
    assert partial_difference(bowl, point, 0) == pytest.approx(8.0, rel=1e-9)
    forward = partial_difference(bowl, point, 1, h=1e-5, method="forward")
    assert forward - 18.0 == pytest.approx(3e-5, rel=1e-3)  # "close to 18", not 18
    tiny = partial_difference(bowl, point, 1, h=1e-15, method="forward")
    assert tiny == pytest.approx(14.2, abs=0.05) and abs(tiny - 18) > 3
    assert point.tolist() == [4.0, 3.0]  # the caller's point is untouched
    with pytest.raises(IndexError):
        partial_difference(bowl, point, 2)
    with pytest.raises(ValueError):
        partial_difference(bowl, point, 0, method="sideways")


def test_plot_error_study_draws_both_curves():
    fig, ax = new_figure()
    artists = plot_error_study(ax, difference_errors(np.sin, np.cos, 1.0), title="t")
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert {"forward", "central", "guide1", "guide2", "best_forward", "best_central"} <= set(
        artists
    )
    assert np.all(artists["forward"].get_ydata() > 0)  # zeros are lifted onto the log axis


def test_each_branch_label_points_at_its_own_branch():
    study = difference_errors(np.sin, np.cos, 1.0)
    fig, ax = new_figure()
    artists = plot_error_study(ax, study)
    roundoff, truncation = artists["roundoff_label"], artists["truncation_label"]
    assert "round-off" in roundoff.get_text() and "truncation" in truncation.get_text()
    # the arrow tips sit on the central curve, left and right of the bottom of the V
    for label in (roundoff, truncation):
        h, error = label.xy
        assert error == study.central[np.flatnonzero(study.hs == h)[0]]
        assert label.xyann[1] < error  # the text hangs below the curve, clear of it
    assert roundoff.xy[0] < study.best_h("forward") and truncation.xy[0] > study.best_h("central")
    assert study.forward[study.hs == truncation.xy[0]] > study.central[study.hs == truncation.xy[0]]
