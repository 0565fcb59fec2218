"""The feature-scaling explorer of lesson 06: Hessian, stable range, verdicts, in-place repaints."""

import numpy as np
import pytest

from helpers.data import regression_data
from helpers.descent import quadratic_stability, run_gradient_descent
from helpers.widgets.base import Explorer
from helpers.widgets.scaling import FeatureScalingExplorer


@pytest.fixture
def explorer():
    e = FeatureScalingExplorer(scale=1.0, lr=0.1, steps=50)
    e.widget
    e.fig.canvas.draw()  # as the browser's first full draw
    return e


def _data(seed=1):
    X, y, _ = regression_data(n=100, d=2, noise=0.1, seed=seed)
    return X - X.mean(axis=0), y - y.mean()


def _pixels(e):
    return np.asarray(e.fig.canvas.get_renderer().buffer_rgba()).copy()


def test_is_a_keyboard_explorer_with_alt_text(explorer):
    assert isinstance(explorer, Explorer)
    assert list(explorer.controls) == ["scale", "standardized", "lr", "steps"]
    for slider in (explorer.scale_slider, explorer.lr_slider):  # log sliders: even ratios
        ratios = np.diff(np.log10(slider.stops))
        assert ratios.max() < 0.13 and ratios.min() > 0.05
    assert (explorer.scale_slider.min, explorer.scale_slider.max) == (0.01, 100.0)
    assert explorer.steps_slider.value == 50 and isinstance(explorer.steps_slider.value, int)
    assert "contour" in explorer.alt_text and "2/λmax" in explorer.alt_text


@pytest.mark.parametrize("scale", [0.01, 1.0, 10.0, 100.0])
def test_readout_matches_the_lessons_formulas(explorer, scale):
    text = explorer.set(scale=scale, lr=1e-3)
    X, y = _data()
    Xs = X * [1.0, scale]
    H = 2 / len(y) * Xs.T @ Xs
    stab = quadratic_stability(H)
    lams = np.linalg.eigvalsh(H)
    assert np.allclose(explorer.hessian, H) and np.allclose(explorer.stability.eigenvalues, lams)
    assert np.isclose(explorer.condition_number, lams[1] / lams[0])
    assert f"λ = {lams[0]:.3g}, {lams[1]:.3g}" in text
    assert f"κ = λmax/λmin = {lams[1] / lams[0]:.3g}" in text
    assert f"max stable lr = 2/λmax = {stab.max_lr:.3g}" in text
    assert f"best fixed lr = 2/(λmin+λmax) = {stab.best_lr:.3g}" in text
    assert np.allclose(explorer.w_best, np.linalg.lstsq(Xs, y, rcond=None)[0])


def test_gradient_and_path_are_the_lessons_gradient_descent(explorer):
    explorer.set(scale=10.0, lr=0.005, steps=30)
    X, y = _data()
    Xs = X * [1.0, 10.0]
    w = np.random.default_rng(0).normal(size=2)
    assert np.allclose(explorer.gradient(w), 2 / len(y) * Xs.T @ (Xs @ w - y))
    assert np.isclose(explorer.loss(w), np.mean((Xs @ w - y) ** 2))
    expected = run_gradient_descent(
        lambda v: 2 / len(y) * Xs.T @ (Xs @ v - y), np.zeros(2), 0.005, 30
    )
    assert np.allclose(explorer.run.path, expected.path)
    xs, ys = explorer.path_line.get_data()
    assert np.allclose(np.column_stack([xs, ys]), expected.path)
    assert np.allclose(
        explorer.end_point.get_data(), ([expected.path[-1, 0]], [expected.path[-1, 1]])
    )
    _, gaps = explorer.loss_line.get_data()
    assert len(gaps) == 31 and np.all(np.diff(gaps) < 0)  # stable: the loss falls every step


def test_scaling_a_feature_by_s_divides_the_stable_lr_by_about_s_squared(explorer):
    max_lr = {}
    for scale in (1.0, 10.0, 100.0):
        explorer.set(scale=scale)
        max_lr[scale] = explorer.stability.max_lr
    assert 50 < max_lr[1.0] / max_lr[10.0] < 100  # the steepest direction gets s² steeper ...
    assert np.isclose(
        max_lr[10.0] / max_lr[100.0], 100, rtol=0.01
    )  # ... exactly so once it dominates
    explorer.set(scale=100.0)
    assert explorer.condition_number > 9000


def test_verdicts_converged_slow_diverged(explorer):
    text = explorer.set(scale=1.0, lr=0.1, steps=50)
    assert (
        explorer.outcome == "converged"
        and "converged" in text
        and "inside the stable range" in text
    )
    text = explorer.set(scale=10.0)  # the same learning rate, feature 2 in other units
    assert explorer.outcome == "diverged" and "OUTSIDE the stable range" in text
    boundary = explorer.stability.max_lr
    text = explorer.set(lr=0.9 * boundary)  # stable now, but the flat direction crawls
    assert explorer.outcome == "slow" and "flat direction" in text and "inside" in text
    text = explorer.set(lr=0.99 * boundary)  # at the edge: now the steep direction is the slow one
    assert explorer.outcome == "slow" and "steep direction zig-zags" in text
    explorer.set(lr=1.1 * boundary, steps=200)
    assert explorer.outcome == "diverged"
    explorer.set(scale=1.0, lr=1e-4, steps=50)  # small lr, round bowl: slow for another reason
    assert explorer.outcome == "slow" and "well below the stable limit" in explorer.readout_text


def test_standardizing_undoes_the_scale(explorer):
    results = []
    for scale in (0.01, 1.0, 100.0):
        text = explorer.set(scale=scale, standardized=True, lr=0.5)
        assert "then standardized" in text and explorer.outcome == "converged"
        results.append((explorer.stability.eigenvalues.copy(), explorer.lowest_loss))
        assert np.allclose(explorer.X_used.std(axis=0), 1) and np.allclose(
            explorer.X_used.mean(axis=0), 0
        )
    for eigenvalues, lowest in results[1:]:
        assert np.allclose(eigenvalues, results[0][0]) and np.isclose(lowest, results[0][1])
    assert explorer.condition_number < 2
    raw_lowest = (explorer.set(scale=100.0, standardized=False), explorer.lowest_loss)[1]
    assert np.isclose(raw_lowest, results[0][1])  # the same model, the same best fit


def test_contours_stretch_with_the_condition_number(explorer):
    """The drawn ellipses have axis ratio sqrt(λmax/λmin) along the Hessian's eigenvectors."""
    for scale in (1.0, 4.0):
        explorer.set(scale=scale)
        _, vectors = np.linalg.eigh(explorer.hessian)
        paths = explorer._contour.get_paths()
        ratios = []
        for path in paths[3:8]:  # closed rings well inside the box
            if len(path.vertices) < 20:
                continue
            d = (path.vertices - explorer.w_best) @ vectors
            ratios.append(np.abs(d[:, 0]).max() / np.abs(d[:, 1]).max())
        assert ratios and np.allclose(ratios, np.sqrt(explorer.condition_number), rtol=0.1), ratios
    low, high = explorer.ax.get_xlim(), explorer.ax.get_ylim()
    assert np.isclose(low[1] - low[0], high[1] - high[0])  # a square box at equal aspect


def test_lr_and_steps_moves_are_blitted(explorer):
    canvas = explorer.fig.canvas
    full_draws = []
    canvas.mpl_connect("draw_event", full_draws.append)
    before = _pixels(explorer)
    explorer.lr_slider.value = 0.5
    explorer.steps_slider.value = 120
    assert full_draws == [] and (before != _pixels(explorer)).any()
    explorer.set(lr=0.1, steps=50)
    assert (_pixels(explorer) == before).all()  # no trails


def test_scale_moves_repaint_two_panels_like_a_full_draw(explorer):
    canvas = explorer.fig.canvas
    full_draws = []
    canvas.mpl_connect("draw_event", full_draws.append)
    for scale in (10.0, 100.0, 0.01, 0.3):
        before = _pixels(explorer)
        explorer.scale_slider.value = scale
        assert full_draws == []
        repainted = _pixels(explorer)
        assert (repainted != before).any()
        explorer.invalidate()
        explorer.refresh()  # now a full draw, for comparison
        assert len(full_draws) == 1
        full_draws.clear()
        difference = np.abs(repainted.astype(int) - _pixels(explorer).astype(int)).max(axis=2)
        assert (difference > 2).sum() == 0 and (difference > 0).sum() <= 4


def test_scale_under_standardize_changes_nothing_static(explorer, monkeypatch):
    explorer.set(standardized=True)
    repaints = []
    monkeypatch.setattr(explorer, "repaint", lambda *axes: repaints.append(axes))
    explorer.scale_slider.value = 50.0
    assert repaints == [] and "feature 2 ×50" in explorer.readout_text
    explorer.standardize_box.value = False
    assert repaints == [(explorer.ax, explorer.ax_lr)]  # the contours and the stable range


def test_a_diverging_run_never_breaks_the_plot(explorer):
    text = explorer.set(scale=100.0, lr=2.0, steps=200)
    assert explorer.outcome == "diverged" and not explorer.run.finite and "overflow" in text
    xs, ys = explorer.path_line.get_data()
    assert np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))
    _, gaps = explorer.loss_line.get_data()
    assert np.all(np.isfinite(gaps))
    explorer.fig.canvas.draw()


def test_set_clamps_and_bad_data_is_refused(explorer):
    explorer.set(scale=1e6, lr=50.0)
    assert explorer.scale_slider.value == 100.0 and explorer.lr_slider.value == 2.0
    with pytest.raises(ValueError):
        FeatureScalingExplorer(data=(np.ones((10, 3)), np.ones(10)))


def test_every_benchmark_move_repaints_the_figure():
    """benchmarks/widget_updates.py times these moves; here each must really change
    what the student sees (speed itself is measured there, never asserted in a test)."""
    explorer, moves = FeatureScalingExplorer.benchmark_moves()
    assert len(moves) >= 10
    explorer.fig.canvas.syncing_data_url = False
    explorer.fig.canvas.draw()
    explorer.fig.canvas.draw()
    before = np.asarray(explorer.fig.canvas.buffer_rgba()).copy()
    unchanged = []
    for index, move in enumerate(moves):
        move()
        explorer.fig.canvas.get_diff_image()
        after = np.asarray(explorer.fig.canvas.buffer_rgba()).copy()
        if np.array_equal(before, after):
            unchanged.append(index)
        before = after
    assert not unchanged, f"moves {unchanged} left the figure as it was"


def test_panel_repaint_matches_a_full_draw_on_a_high_dpi_screen(explorer):
    explorer.fig.set_dpi(200)  # what ipympl does for device_pixel_ratio = 2
    explorer.invalidate()
    explorer.refresh()
    for scale in (10.0, 0.01):
        explorer.scale_slider.value = scale
        repainted = _pixels(explorer)
        explorer.invalidate()
        explorer.refresh()
        difference = np.abs(repainted.astype(int) - _pixels(explorer).astype(int)).max(axis=2)
        assert (difference > 2).sum() == 0 and (difference > 0).sum() <= 8
