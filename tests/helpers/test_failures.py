"""The failure scenarios of lesson 08: each switch breaks training the way it does in real code."""

import math

import numpy as np
import pytest

from helpers.failures import (
    PROBLEMS,
    chain_forward,
    chain_gradient,
    chain_input_gradients,
    clip_by_norm,
    diagnose,
    finite_difference_gradient,
    sign_change_fraction,
    train,
)


def names(run):
    return [f.name for f in diagnose(run)]


# ---- the healthy loop is plain gradient descent -------------------------------


def test_healthy_run_matches_gradient_descent_by_hand():
    run = train("elongated bowl", lr=0.1, num_steps=2)
    assert np.allclose(run.path, [[4, 3], [3.2, 1.2], [2.56, 0.48]])
    assert np.allclose(run.losses, [43, 14.56, 7.2448])  # lesson 05's numbers
    assert np.allclose(run.used[0], [8, 18]) and np.allclose(run.exact, run.used)
    assert names(train("elongated bowl", lr=0.1, num_steps=60)) == ["healthy"]


def test_loss_and_path_rows_belong_together():
    run = train("shifted bowl", lr=0.05, num_steps=10)
    for w, loss in zip(run.path, run.losses):
        assert np.isclose(PROBLEMS["shifted bowl"].loss(w), loss)


def test_problem_start_is_not_modified():
    start = np.array([4.0, 3.0])
    train("elongated bowl", lr=0.1, num_steps=5, w0=start)
    assert start.tolist() == [4.0, 3.0]


# ---- learning rate too large: oscillation, then overflow, then NaN --------------


def test_large_learning_rate_overflows_after_about_a_thousand_steps_in_float64():
    run = train("elongated bowl", lr=0.4, num_steps=2500)
    y = run.path[:30, 1]
    assert np.allclose(y, 3 * (-1.4) ** np.arange(30))  # y is multiplied by 1 - 6*lr each step
    assert run.first_inf == 1050
    assert run.first_nan == 2103 and run.stopped_early
    assert np.isinf(run.path[run.first_nan - 1, 1])  # a parameter is inf just before the NaN
    assert names(run) == ["learning rate too large", "overflow"]
    assert "inf − inf" in str(diagnose(run)[1])


def test_float32_overflows_much_sooner():
    run = train("elongated bowl", lr=0.4, num_steps=500, dtype="float32")
    assert run.first_inf == 127 and run.first_nan == 258
    # the first overflow is where 3 * y**2 exceeds the largest float32
    y = 3 * 1.4 ** np.arange(200.0)
    assert np.argmax(3 * y**2 > np.finfo(np.float32).max) == 127


def test_stable_learning_rates_do_not_overflow():
    for lr in (0.05, 0.25, 0.3, 0.33):
        run = train("elongated bowl", lr=lr, num_steps=400)
        assert run.first_inf is None and run.losses[-1] < run.losses[0]


# ---- sign flip versus too-large learning rate -----------------------------------


def test_sign_flip_drifts_one_way_while_large_lr_oscillates():
    flipped = train("elongated bowl", lr=0.1, num_steps=30, flip_sign=True)
    too_large = train("elongated bowl", lr=0.4, num_steps=30)
    for run in (flipped, too_large):
        assert np.all(np.diff(run.losses) > 0)  # both: the loss climbs every step
    assert np.allclose(flipped.path[:, 1], 3 * 1.6 ** np.arange(31))
    assert sign_change_fraction(np.diff(flipped.path[:, 1])) == 0.0
    assert sign_change_fraction(np.diff(too_large.path[:, 1])) == 1.0
    assert names(flipped) == ["sign flipped (update goes uphill)"]
    assert names(too_large) == ["learning rate too large"]


def test_sign_change_fraction():
    assert sign_change_fraction([1, -1, 1, -1]) == 1.0
    assert sign_change_fraction([1, 2, 3, 4]) == 0.0
    assert sign_change_fraction([1, 2]) == 0.0  # too short to judge
    assert sign_change_fraction([1, np.nan, -1, 1]) == 1.0


# ---- forgotten zero_grad --------------------------------------------------------


def test_forgotten_zero_grad_uses_the_running_sum_of_gradients():
    run = train("elongated bowl", lr=0.1, num_steps=40, zero_grad=False)
    assert np.allclose(run.used, np.cumsum(run.exact, axis=0))
    assert np.allclose(
        run.used[1], [8 + 6.4, 18 + 7.2]
    )  # [8, 18] at (4, 3) plus [6.4, 7.2] at (3.2, 1.2)
    assert not np.all(np.diff(run.losses) < 0)  # it swings instead of settling
    assert run.losses[-1] > 1e-3 * run.losses[0]
    assert names(run) == ["gradients accumulate (forgotten zero_grad)"]


def test_forgotten_zero_grad_matches_pytorch():
    torch = pytest.importorskip("torch")
    w = torch.tensor([4.0, 3.0], dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=0.1)
    path = []
    for _ in range(10):
        path.append(w.detach().clone().numpy())
        loss = w[0] ** 2 + 3 * w[1] ** 2
        loss.backward()  # no optimizer.zero_grad(): .grad accumulates
        optimizer.step()
    run = train("elongated bowl", lr=0.1, num_steps=9, zero_grad=False)
    assert np.allclose(run.path, path)


# ---- integer parameters ---------------------------------------------------------


def test_integer_parameters_truncate_every_update():
    run = train("shifted bowl", lr=0.1, num_steps=20, dtype="int64")
    # x: 0 + 0.6 -> 0; y: 0 + 1.2 -> 1, then 1 + 0.6 -> 1: stuck at (0, 1)
    assert run.path[1].tolist() == [0.0, 1.0] and run.path[-1].tolist() == [0.0, 1.0]
    assert run.losses[-1] == 12.0
    assert names(run) == ["updates lost (integer parameters)"]
    fixed = train("shifted bowl", lr=0.1, num_steps=60)
    assert np.allclose(fixed.path[-1], [3, 2]) and names(fixed) == ["healthy"]


def test_numpy_really_truncates_silently():
    w = np.array([0, 0])
    w[:] = w - 0.1 * np.array([-6.0, -12.0])
    assert w.tolist() == [0, 1]


# ---- finite-difference step too small -------------------------------------------


def test_tiny_forward_difference_step_gives_14_2_instead_of_18():
    loss = PROBLEMS["elongated bowl"].loss
    grad = finite_difference_gradient(loss, [4.0, 3.0], h=1e-15)
    assert np.allclose(grad, [7.105427357601002, 14.210854715202004])
    assert np.isclose(finite_difference_gradient(loss, [4.0, 3.0], 1e-5)[1], 18.00003, rtol=1e-7)
    assert np.allclose(
        finite_difference_gradient(loss, [4.0, 3.0], 1e-5, "central"), [8, 18], rtol=1e-9
    )
    run = train("elongated bowl", lr=0.1, num_steps=30, fd_step=1e-15)
    assert names(run)[0] == "wrong gradient estimate (finite-difference step)"
    assert names(
        train("elongated bowl", lr=0.1, num_steps=60, fd_step=1e-5, fd_method="central")
    ) == ["healthy"]


def test_finite_difference_does_not_modify_its_input():
    w = np.array([4.0, 3.0])
    finite_difference_gradient(PROBLEMS["elongated bowl"].loss, w, 1e-3, "central")
    assert w.tolist() == [4.0, 3.0]


# ---- deep chains: exploding, vanishing, clipping ---------------------------------


@pytest.mark.parametrize("activation", ["identity", "sigmoid", "relu"])
def test_chain_gradient_matches_pytorch(activation):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    w = 1.0 + 0.2 * rng.standard_normal(12)
    expected = chain_gradient(w, x=0.7, target=0.3, activation=activation)
    wt = torch.tensor(w, requires_grad=True)
    h = torch.tensor(0.7, dtype=torch.float64)
    for k in range(len(w)):
        z = wt[k] * h
        h = {"identity": z, "sigmoid": torch.sigmoid(z), "relu": torch.relu(z)}[activation]
    ((h - 0.3) ** 2).backward()
    assert np.allclose(expected, wt.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    "activation, weight, expected_first",
    [("sigmoid", 1.0, None), ("identity", 1.2, 1.2**20), ("relu", 1.0, 1.0)],
)
def test_input_gradients_multiply_the_layer_slopes(activation, weight, expected_first):
    torch = pytest.importorskip("torch")
    w = np.full(20, weight)
    grads = chain_input_gradients(w, 1.0, activation)
    hs = [torch.tensor(1.0, dtype=torch.float64, requires_grad=True)]
    for k in range(20):
        z = float(w[k]) * hs[-1]
        h = {"identity": z, "sigmoid": torch.sigmoid(z), "relu": torch.relu(z)}[activation]
        h.retain_grad()
        hs.append(h)
    hs[-1].backward()
    assert np.allclose(grads, [h.grad.item() for h in hs[:-1]], rtol=1e-12)
    if expected_first is not None:
        assert np.isclose(grads[0], expected_first)
    else:
        assert grads[0] < 0.25**20 and np.all(np.diff(grads) > 0)  # shrinks toward the input


def test_chain_keeps_float32():
    h, _ = chain_forward(np.ones(5, dtype=np.float32) * 1.5)
    assert h.dtype == np.float32 and np.isclose(h[-1], 1.5**5)
    assert chain_gradient(np.ones(3, dtype=np.float32), activation="sigmoid").dtype == np.float32


def test_relu_chain_uses_zero_slope_at_the_corner():
    assert np.all(chain_gradient([1.0, 0.0, 1.0], x=1.0, activation="relu")[:2] == 0)


def test_deep_linear_chain_explodes_and_clipping_fixes_it():
    run = train("deep linear chain", lr=0.01, num_steps=100)
    assert np.linalg.norm(run.exact[0]) > 1e4
    assert run.first_nan is not None and run.first_nan < 10
    assert names(run) == ["exploding gradients", "overflow"]
    clipped = train("deep linear chain", lr=0.01, num_steps=200, clip_norm=1.0)
    assert clipped.first_inf is None and clipped.losses[-1] < 1e-10
    assert np.all(np.linalg.norm(clipped.used, axis=1) <= 1.0 + 1e-9)
    assert 0 < clipped.clipped < 200
    assert names(clipped) == ["healthy", "exploding gradients, clipped"]


def test_sigmoid_chain_gradient_vanishes_toward_the_input():
    run = train("sigmoid chain", lr=0.5, num_steps=50)
    g = np.abs(run.exact[0])
    assert g[0] / g[-1] < 1e-5
    assert g[0] <= 0.25**9 * 2  # nine sigmoid slopes below 0.25 stand between w1 and the output
    assert np.isclose(run.path[-1, 0], 1.0, atol=1e-4)  # the first layer barely moves
    assert names(run) == ["vanishing gradients"]
    assert names(train("relu chain", lr=0.05, num_steps=100)) == ["healthy"]


def test_clip_by_norm_matches_torch():
    torch = pytest.importorskip("torch")
    g = np.array([30.0, 40.0])
    assert np.allclose(clip_by_norm(g, 5.0), [3.0, 4.0], atol=1e-6)
    small = np.array([0.3, 0.4])
    assert np.array_equal(clip_by_norm(small, 5.0), small) and clip_by_norm(small, 5.0) is not small
    t = torch.tensor(g, requires_grad=True)
    t.grad = torch.tensor(g.copy())
    torch.nn.utils.clip_grad_norm_([t], max_norm=5.0)
    assert np.allclose(clip_by_norm(g, 5.0), t.grad.numpy(), rtol=1e-12)
    assert g.tolist() == [30.0, 40.0]


def test_wrong_inputs_are_rejected():
    with pytest.raises(ValueError):
        train("elongated bowl", lr=0.1, num_steps=3, dtype="float16")
    with pytest.raises(KeyError):
        train("no such problem", lr=0.1, num_steps=3)


def test_slow_learning_is_not_called_healthy():
    assert names(train("elongated bowl", lr=0.001, num_steps=100)) == ["slow"]
    assert math.isfinite(train("elongated bowl", lr=0.001, num_steps=1).losses[-1])
