"""helpers.descent: the lessons' reference gradient descent, verdicts, stability, mini-batches."""

import warnings

import numpy as np
import pytest

from helpers.descent import (
    STOP_REASONS,
    VERDICTS,
    batches,
    contraction_factor,
    minibatch_sgd,
    quadratic_stability,
    run_gradient_descent,
    verdict,
)
from helpers.functions import FUNCTIONS_2D

BOWL = FUNCTIONS_2D["elongated bowl"]


def test_hand_computed_steps_on_the_elongated_bowl():
    run = run_gradient_descent(BOWL.grad, [4.0, 3.0], lr=0.1, num_steps=2, loss=BOWL)
    assert np.allclose(run.path, [[4, 3], [3.2, 1.2], [2.56, 0.48]])
    assert np.allclose(run.losses, [43, 14.56, 7.2448])
    assert np.allclose(run.grad_norms[0], np.hypot(8, 18))
    assert run.num_steps == 2 and run.stop_reason == "max steps"


def test_one_dimensional_closed_form():
    run = run_gradient_descent(lambda x: 2 * (x - 3), 0.0, lr=0.1, num_steps=20)
    assert run.path.shape == (21, 1)
    assert np.allclose(run.path[:, 0], 3 - 3 * 0.8 ** np.arange(21))
    assert np.all(np.isnan(run.losses))  # no loss function given


def test_start_is_not_modified_and_rows_are_copies():
    w0 = np.array([4.0, 3.0])
    run = run_gradient_descent(BOWL.grad, w0, lr=0.1, num_steps=5)
    assert np.array_equal(w0, [4.0, 3.0])
    assert len(np.unique(run.path, axis=0)) == len(run.path)  # every iterate stored, none aliased
    run.path[0, 0] = 99
    assert w0[0] == 4.0


def test_stopping_rules():
    by_grad = run_gradient_descent(BOWL.grad, [4.0, 3.0], lr=0.1, num_steps=1000, grad_tol=1e-6)
    assert by_grad.stop_reason == "gradient norm" and by_grad.grad_norms[-1] <= 1e-6
    assert by_grad.grad_norms[-2] > 1e-6  # it stops at the first such iterate
    by_loss = run_gradient_descent(
        BOWL.grad, [4.0, 3.0], lr=0.1, num_steps=1000, loss=BOWL, loss_tol=1e-10
    )
    assert by_loss.stop_reason == "loss change"
    assert (
        abs(by_loss.losses[-1] - by_loss.losses[-2])
        <= 1e-10
        < abs(by_loss.losses[-2] - by_loss.losses[-3])
    )
    capped = run_gradient_descent(BOWL.grad, [4.0, 3.0], lr=0.1, num_steps=7)
    assert capped.num_steps == 7 and capped.stop_reason == "max steps"
    assert {by_grad.stop_reason, by_loss.stop_reason, capped.stop_reason} <= set(STOP_REASONS)
    with pytest.raises(ValueError):
        run_gradient_descent(
            BOWL.grad, [4.0, 3.0], lr=0.1, num_steps=5, loss_tol=1e-3
        )  # needs loss


def test_start_at_minimum_stops_immediately_with_tolerance():
    run = run_gradient_descent(BOWL.grad, [0.0, 0.0], lr=0.1, num_steps=10, grad_tol=1e-12)
    assert run.num_steps == 0 and run.stop_reason == "gradient norm"


def test_divergence_stops_at_first_non_finite_iterate_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter(
            "error"
        )  # an overflow RuntimeWarning escaping the helper fails the test
        run = run_gradient_descent(BOWL.grad, [4.0, 3.0], lr=0.4, num_steps=5000, loss=BOWL)
    assert run.stop_reason == "not finite" and not run.finite
    assert 1000 < run.num_steps < 1100  # float64: inf after about a thousand steps
    assert np.isinf(run.losses[-1]) and np.all(np.isfinite(run.losses[:-1]))
    assert np.all(np.isfinite(run.grad_norms))  # the norm itself must not overflow first


def test_momentum_is_the_heavy_ball_update():
    grad = BOWL.grad
    w, v = np.array([4.0, 3.0]), np.zeros(2)
    for _ in range(10):
        v = 0.5 * v + grad(w)
        w = w - 0.05 * v
    run = run_gradient_descent(grad, [4.0, 3.0], lr=0.05, num_steps=10, momentum=0.5)
    assert np.allclose(run.final, w)
    plain = run_gradient_descent(grad, [4.0, 3.0], lr=0.05, num_steps=10)
    assert not np.allclose(plain.final, w)


@pytest.mark.parametrize(
    "lr, expected",
    [
        (0.05, "still descending"),
        (0.1, "converged"),
        (0.3, "converged, zig-zagging"),
        (0.3334, "diverged"),  # just above 1/3: slow growth is still divergence
        (0.4, "diverged"),
    ],
)
def test_verdicts_on_the_elongated_bowl(lr, expected):
    run = run_gradient_descent(BOWL.grad, [4.0, 3.0], lr=lr, num_steps=50, loss=BOWL)
    assert verdict(run) == expected and expected in VERDICTS


def test_other_verdicts():
    bowl = FUNCTIONS_2D["bowl"]
    period_two = run_gradient_descent(bowl.grad, [4.0, 3.0], lr=1.0, num_steps=50, loss=bowl)
    assert verdict(period_two) == "oscillating"  # factor exactly -1: bounces forever
    saddle = FUNCTIONS_2D["saddle"]
    escape = run_gradient_descent(saddle.grad, [2.5, 0.01], lr=0.1, num_steps=50, loss=saddle)
    assert verdict(escape) == "escaping"
    rosen = FUNCTIONS_2D["rosenbrock"]
    early = run_gradient_descent(rosen.grad, rosen.start, lr=0.001, num_steps=50, loss=rosen)
    assert verdict(early) == "still descending"  # accelerating along the valley is not escaping
    overflow = run_gradient_descent(rosen.grad, rosen.start, lr=0.05, num_steps=50, loss=rosen)
    assert verdict(overflow) == "diverged" and overflow.num_steps < 50


def test_quadratic_stability_numbers():
    stab = quadratic_stability(BOWL.hessian([0, 0]))
    assert np.allclose(stab.eigenvalues, [2, 6])
    assert (
        np.isclose(stab.max_lr, 1 / 3)
        and np.isclose(stab.best_lr, 0.25)
        and np.isclose(stab.best_factor, 0.5)
    )
    assert "0.3333" in stab.describe() and "0.25" in stab.describe()
    saddle = quadratic_stability(FUNCTIONS_2D["saddle"].hessian([0, 0]))
    assert saddle.has_negative_curvature and saddle.max_lr == 0 and np.isnan(saddle.best_lr)
    assert "negative" in saddle.describe() or "<= 0" in saddle.describe()


def test_contraction_factor_matches_runs():
    eig = [2.0, 6.0]
    assert np.isclose(contraction_factor(eig, 0.3), 0.8)
    assert np.isclose(contraction_factor(eig, 0.4), 1.4)
    lrs = np.array([0.05, 0.25, 1 / 3])
    assert np.allclose(contraction_factor(eig, lrs), [0.9, 0.5, 1.0])
    # empirically: the y coordinate shrinks by |1 - 6 lr| per step
    run = run_gradient_descent(BOWL.grad, [0.0, 1.0], lr=0.3, num_steps=3)
    assert np.allclose(np.abs(run.path[1:, 1] / run.path[:-1, 1]), 0.8)


def test_batches_cover_every_example_once():
    rng = np.random.default_rng(0)
    parts = batches(10, 4, rng)
    assert [len(p) for p in parts] == [4, 4, 2]
    assert sorted(np.concatenate(parts).tolist()) == list(range(10))
    with pytest.raises(ValueError):
        batches(10, 0, rng)
    with pytest.raises(ValueError):
        batches(10, 11, rng)


def _line_problem():
    rng = np.random.default_rng(3)
    x = rng.uniform(-2, 2, 24)
    y = 2 * x + 1 + 0.1 * rng.standard_normal(24)

    def batch_grad(w, idx):
        r = w[0] * x[idx] + w[1] - y[idx]
        return np.array([2 * np.mean(r * x[idx]), 2 * np.mean(r)])

    def loss(w):
        return np.mean((w[0] * x + w[1] - y) ** 2)

    return x, y, batch_grad, loss


def test_full_batch_minibatch_sgd_equals_gradient_descent():
    x, y, batch_grad, loss = _line_problem()
    full = minibatch_sgd(
        batch_grad, [0, 0], len(x), lr=0.1, num_epochs=15, batch_size=len(x), loss=loss
    )
    plain = run_gradient_descent(
        lambda w: batch_grad(w, np.arange(len(x))), [0, 0], lr=0.1, num_steps=15, loss=loss
    )
    assert np.allclose(full.path, plain.path) and np.allclose(full.losses, plain.losses)


def test_minibatch_sgd_updates_repeatability_and_convergence():
    x, y, batch_grad, loss = _line_problem()
    a = minibatch_sgd(
        batch_grad, [0, 0], len(x), lr=0.05, num_epochs=30, batch_size=6, loss=loss, seed=7
    )
    b = minibatch_sgd(
        batch_grad, [0, 0], len(x), lr=0.05, num_epochs=30, batch_size=6, loss=loss, seed=7
    )
    c = minibatch_sgd(
        batch_grad, [0, 0], len(x), lr=0.05, num_epochs=30, batch_size=6, loss=loss, seed=8
    )
    assert (
        a.num_steps == 30 * 4
        and np.array_equal(a.path, b.path)
        and not np.array_equal(a.path, c.path)
    )
    best = np.polyfit(x, y, 1)
    assert np.allclose(a.final, best, atol=0.05) and a.final_loss < loss(best) + 1e-2


def test_minibatch_sgd_guards_divergence():
    x, y, batch_grad, loss = _line_problem()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = minibatch_sgd(
            batch_grad, [0, 0], len(x), lr=50.0, num_epochs=500, batch_size=1, loss=loss
        )
    assert run.stop_reason == "not finite" and not np.all(np.isfinite(run.path[-1]))


def test_visible_path_stops_at_non_finite_and_far_points():
    from helpers.descent import visible_path

    box = (np.array([-1.0, -1.0]), np.array([1.0, 1.0]))
    path = np.array([[0.5, 0.5], [2.0, 0.0], [30.0, 0.0], [np.inf, 0.0], [1.0, 1.0]])
    assert visible_path(path, *box, box_factor=20).tolist() == [[0.5, 0.5], [2.0, 0.0], [30.0, 0.0]]
    assert visible_path(path, *box, box_factor=10).tolist() == [[0.5, 0.5], [2.0, 0.0], [30.0, 0.0]]
    assert len(visible_path(path, *box, box_factor=1.5)) == 2  # ends with the first far point
    assert len(visible_path(path[:2], *box)) == 2
