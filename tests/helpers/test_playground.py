"""The gradient-descent playground of lesson 05: in-place updates, readout, mouse, stability panel."""

import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent

from helpers.descent import contraction_factor, max_stable_lr, run_gradient_descent, verdict
from helpers.functions import FUNCTIONS_2D
from helpers.widgets.base import Explorer
from helpers.widgets.playground import GradientDescentPlayground


@pytest.fixture
def playground():
    pg = GradientDescentPlayground("elongated bowl", lr=0.1, steps=50, start=(4.0, 3.0))
    pg.widget
    pg.fig.canvas.draw()
    return pg


def _readout(pg):
    return pg.readout.value.replace("&lt;", "<")


def test_is_an_explorer_with_keyboard_controls_and_alt_text(playground):
    assert isinstance(playground, Explorer)
    assert list(playground.controls) == ["function", "lr", "momentum", "steps", "x0", "y0"]
    assert "contour" in playground.alt_text and "click or drag" in playground.alt_text


def test_readout_states_run_verdict_and_stability(playground):
    text = _readout(playground)
    assert "elongated bowl" in text and "lr = 0.1" in text and "50 steps" in text
    assert "converged" in text
    assert "stable for lr < 0.3333" in text and "best fixed lr = 0.25" in text
    assert "λ = 2, 6" in text
    playground.lr_slider.value = 0.4
    text = _readout(playground)
    assert "diverged" in text and "OUTSIDE" in text and "1.4" in text
    playground.lr_slider.value = 0.3
    assert "converged, zig-zagging" in _readout(playground)


def test_path_and_loss_curve_follow_the_run(playground):
    playground.set(lr=0.1, steps=3)
    xs, ys = playground.path_line.get_data()
    assert np.allclose(
        np.column_stack([xs, ys]), [[4, 3], [3.2, 1.2], [2.56, 0.48], [2.048, 0.192]]
    )
    _, losses = playground.loss_line.get_data()
    assert np.allclose(losses[:3], [43, 14.56, 7.2448])
    assert np.allclose(playground.end_point.get_data(), ([2.048], [0.192]))


def test_moves_are_blitted_and_change_the_pixels(playground):
    canvas = playground.fig.canvas
    full_draws = []
    canvas.mpl_connect("draw_event", full_draws.append)
    before = np.asarray(canvas.get_renderer().buffer_rgba()).copy()
    playground.lr_slider.value = 0.3
    playground.x0_slider.value = -2.0
    playground.set_start(1.0, -2.0)
    assert full_draws == []
    after = np.asarray(canvas.get_renderer().buffer_rgba()).copy()
    assert (before != after).any()
    playground.set(lr=0.1, start=(4.0, 3.0))
    assert (np.asarray(canvas.get_renderer().buffer_rgba()) == before).all()  # no trails
    playground.steps_slider.value = 80  # the step axis is relabelled, still no full draw
    playground.function_choice.value = "rosenbrock"  # a new function: one full draw
    assert len(full_draws) == 1


def test_steps_and_momentum_repaint_one_panel_exactly_as_a_full_draw(playground):
    canvas = playground.fig.canvas
    # freeze the layout (constrained layout moves axes by a pixel on successive full draws)
    playground.fig.set_layout_engine("none")
    playground.invalidate()
    playground.refresh()
    full_draws = []
    canvas.mpl_connect("draw_event", full_draws.append)
    for steps, beta in ((80, 0.0), (7, 0.5), (200, 0.9), (50, 0.0), (123, 0.95)):
        playground.set(steps=steps, momentum=beta)
        xs, _ = playground.loss_line.get_data()
        assert len(xs) == steps + 1 and playground.ax_loss.get_xlim() == (0, steps)
        assert f"β = {beta:g}" in playground.ax_stab.get_title()
        repainted = np.asarray(canvas.get_renderer().buffer_rgba()).copy()
        playground.invalidate()
        playground.refresh()
        assert (np.asarray(canvas.get_renderer().buffer_rgba()) == repainted).all(), (steps, beta)
    assert len(full_draws) == 5  # only the comparison draws


def test_click_and_drag_move_the_start(playground):
    canvas, ax = playground.fig.canvas, playground.ax

    def mouse(kind, x, y):
        px, py = ax.transData.transform((x, y))
        canvas.callbacks.process(kind, MouseEvent(kind, canvas, px, py, button=1))

    mouse("button_press_event", -2.0, 1.0)
    assert np.isclose(playground.x0_slider.value, -2.0, atol=0.02)
    assert np.isclose(playground.y0_slider.value, 1.0, atol=0.02)
    assert np.allclose(
        playground.run.path[0], [playground.x0_slider.value, playground.y0_slider.value]
    )
    mouse("motion_notify_event", -1.0, -2.5)
    assert np.isclose(playground.x0_slider.value, -1.0, atol=0.02)
    mouse("button_release_event", -1.0, -2.5)
    mouse("motion_notify_event", 3.0, 3.0)  # no button held: nothing moves
    assert np.isclose(playground.x0_slider.value, -1.0, atol=0.02)
    # a click on another panel does not move the start
    px, py = playground.ax_loss.transData.transform((10, 1.0))
    canvas.callbacks.process(
        "button_press_event", MouseEvent("button_press_event", canvas, px, py, button=1)
    )
    assert np.isclose(playground.x0_slider.value, -1.0, atol=0.02)


def test_set_start_is_clamped_to_the_plot(playground):
    playground.set_start(100.0, -100.0)
    fn = FUNCTIONS_2D["elongated bowl"]
    assert playground.x0_slider.value == fn.xlim[1] and playground.y0_slider.value == fn.ylim[0]


def test_divergent_runs_do_not_break_the_plot(playground):
    playground.set(function="rosenbrock", lr=0.5)
    assert playground.verdict == "diverged" and not playground.run.finite
    xs, ys = playground.path_line.get_data()
    assert np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))
    _, losses = playground.loss_line.get_data()
    assert np.all(np.isfinite(losses))
    assert "overflow" in _readout(playground)
    playground.fig.canvas.draw()  # renders without error


@pytest.mark.parametrize("name", list(FUNCTIONS_2D))
def test_every_function_opens_with_its_defaults(playground, name):
    fn = FUNCTIONS_2D[name]
    playground.function_choice.value = name  # as a user would, through the dropdown
    assert np.isclose(playground.lr_slider.value, fn.lr)
    assert np.allclose(playground.run.path[0], fn.start)
    assert (playground.x0_slider.min, playground.x0_slider.max) == fn.xlim
    assert name in _readout(playground)
    playground.fig.canvas.draw()


def test_stability_panel_per_function(playground):
    playground.set(function="two minima")
    text = _readout(playground)
    assert text.count("stable for lr <") == 2 and "0.2291" in text and "0.2768" in text
    playground.set(function="saddle", start=(2.5, 0.0))
    text = _readout(playground)
    assert "no learning rate is stable" in text
    assert "saddle point" in text  # converged, but to a saddle
    playground.set(start=(2.5, 0.01))
    assert playground.verdict == "escaping"
    playground.set(function="bowl", lr=0.5, steps=1)
    assert np.allclose(playground.run.final, [0, 0])  # 2/(2+2): one step to the minimum


def test_lr_marker_pins_to_panel_edge(playground):
    playground.set(lr=1.5)
    x, _ = playground.lr_marker.get_data()
    assert (
        np.isclose(x[0], playground.ax_stab.get_xlim()[1])
        and playground.lr_marker.get_marker() == ">"
    )
    playground.set(lr=0.25)
    x, y = playground.lr_marker.get_data()
    assert (
        np.isclose(x[0], 0.25)
        and np.isclose(y[0], 0.5)
        and playground.lr_marker.get_marker() == "o"
    )


def test_every_benchmark_move_repaints_the_figure():
    """benchmarks/widget_updates.py times these moves; here each must really change
    what the student sees (speed itself is measured there, never asserted in a test)."""
    explorer, moves = GradientDescentPlayground.benchmark_moves()
    assert len(moves) >= 10 and explorer.steps_slider.value == 50
    explorer.fig.canvas.syncing_data_url = False  # as once a browser shows the figure
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


# -- the verdict is honest on every function (helpers.descent.verdict, with the playground's tolerance)
@pytest.mark.parametrize(
    "name, start, lr, steps, expected",
    [
        ("bowl", (4.0, 3.0), 0.1, 50, "converged"),
        ("elongated bowl", (4.0, 3.0), 0.05, 50, "still descending"),
        ("elongated bowl", (4.0, 3.0), 0.3, 50, "converged, zig-zagging"),
        ("rosenbrock", (2.0, 2.0), 0.001, 50, "still descending"),  # 0.68 from the minimum
        ("rosenbrock", (2.0, 2.0), 0.001, 200, "still descending"),
        ("two minima", (0.2, 1.5), 0.05, 50, "still descending"),
        ("two minima", (0.2, 1.5), 0.05, 200, "converged"),
        ("saddle", (2.5, 0.0), 0.1, 50, "converged"),  # ... to the saddle point: said below
        ("saddle", (2.5, 0.01), 0.1, 50, "escaping"),
    ],
)
def test_verdict_is_honest_on_every_function(playground, name, start, lr, steps, expected):
    pg = playground
    text = pg.set(function=name, lr=lr, steps=steps, start=start)
    assert pg.verdict == expected, text
    norm, losses = pg.run.grad_norms[-1], pg.run.losses
    if expected.startswith("converged"):
        assert norm <= 1e-3 and "the loss no longer falls" in text
    else:  # "not converged": the numbers that say why
        assert f"not converged after {steps} steps" in text
        assert norm > 1e-3 or losses[-2] - losses[-1] > 1e-6 * (losses[0] - losses[-1])
    if name == "saddle" and expected == "converged":
        assert "at a saddle point" in text


def test_rosenbrock_converges_only_near_its_minimum():
    rosen = FUNCTIONS_2D["rosenbrock"]
    slow = run_gradient_descent(rosen.grad, (2.0, 2.0), 0.001, 50, loss=rosen)
    assert np.isclose(slow.grad_norms[-1], 0.1995, atol=1e-4)  # the run
    assert np.linalg.norm(slow.final - [1, 1]) > 0.6 and verdict(slow) == "still descending"
    long = run_gradient_descent(rosen.grad, (2.0, 2.0), 0.001, 40_000, loss=rosen)
    assert verdict(long) == "converged" and np.linalg.norm(long.final - [1, 1]) < 1e-2


# -- momentum
def test_momentum_factor_and_stable_range():
    lams = [2.0, 6.0]
    lrs = np.linspace(0.01, 0.6, 60)
    no_momentum = np.abs(1 - np.outer(lams, lrs)).max(axis=0)
    assert np.allclose(contraction_factor(lams, lrs, 0.0), no_momentum)
    for beta in (0.0, 0.5, 0.9):
        bound = max_stable_lr(lams, beta)
        assert np.isclose(bound, 2 * (1 + beta) / 6)  # eta * lambda_max < 2 (1 + beta)
        assert (
            contraction_factor(lams, 0.99 * bound, beta)
            < 1
            < contraction_factor(lams, 1.01 * bound, beta)
        )
    assert np.isclose(contraction_factor([2.0], 0.5, 0.64), 0.8)  # complex pair: sqrt(beta)


def test_momentum_factor_is_what_a_run_shows():
    bowl = FUNCTIONS_2D["elongated bowl"]
    for lr, beta in ((0.1, 0.5), (0.3, 0.8), (0.2, 0.0)):
        run = run_gradient_descent(bowl.grad, (4.0, 3.0), lr, 400, momentum=beta)
        errors = np.linalg.norm(run.path, axis=1)
        rate = (errors[400] / errors[200]) ** (1 / 200)  # per-step shrink, measured
        assert np.isclose(rate, contraction_factor([2.0, 6.0], lr, beta), rtol=0.02), (lr, beta)
    inside = run_gradient_descent(bowl.grad, (4.0, 3.0), 0.6, 300, momentum=0.9, loss=bowl)
    assert verdict(inside) == "converged, zig-zagging"  # beyond 1/3, inside 2 (1 + 0.9) / 6
    outside = run_gradient_descent(bowl.grad, (4.0, 3.0), 0.65, 200, momentum=0.9, loss=bowl)
    assert verdict(outside) == "diverged"


def test_readout_and_panel_show_beta_and_its_stable_range(playground):
    text = playground.set(momentum=0.9, lr=0.5)
    assert "β = 0.9" in text and "stable for lr < 0.6333 (= 2(1+β)/λmax, β = 0.9" in text
    assert "lr = 0.5 is inside" in text
    assert playground.ax_stab.get_title() == "β = 0.9: stable for lr < 0.6333"
    assert np.isclose(playground.ax_stab.get_xlim()[1], 2 * 0.6333, atol=1e-3)


def test_learning_rate_moves_in_usable_steps(playground):
    stops = playground.lr_slider.stops
    i = stops.index(0.1)
    assert stops[i : i + 6] == (0.1, 0.12, 0.15, 0.2, 0.25, 0.3)  # 0.1 to 0.3 in five presses
    assert stops[i + 5 : i + 9] == (0.3, 0.32, 0.34, 0.35)  # the lesson's rates around 1/3
    assert playground.lr_slider.page == 12  # Page Up / Down: a decade
