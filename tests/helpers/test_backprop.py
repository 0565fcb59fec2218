"""helpers.widgets.backprop: the backward-pass explorer of lesson 07."""

import numpy as np
import pytest
import torch

from helpers.gradcheck import numerical_gradient
from helpers.graph import Value
from helpers.widgets.backprop import (
    BackpropExplorer,
    PathText,
    backward_steps,
    build_graph,
    z_function,
)
from helpers.widgets.base import Explorer

POINTS = [(2.0, 3.0), (-1.5, 0.7), (0.0, 0.0), (2.9, -2.4), (-3.0, -3.0), (0.3, -0.3)]


def pixels(explorer):
    return np.asarray(explorer.fig.canvas.get_renderer().buffer_rgba()).copy()


def torch_gradient(x, y):
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    yt = torch.tensor(y, dtype=torch.float64, requires_grad=True)
    (xt**2 + 2 * xt * yt + yt**2).backward()
    return xt.grad.item(), yt.grad.item()


@pytest.fixture
def explorer():
    e = BackpropExplorer(x=2.0, y=3.0)
    e.widget
    e.refresh()  # the first full draw, which the browser asks for when it shows the widget
    return e


def test_is_an_explorer_with_alt_text_and_keyboard_controls(explorer):
    assert isinstance(explorer, Explorer) and len(explorer.alt_text) > 100
    assert [c.description for c in explorer.controls.values()] == ["x", "y", "backward step"]
    assert (
        explorer.x_slider.texts[50] == "2.0" and explorer.x_slider.stops[50] == 2.0
    )  # not 2.0000000000000004
    assert (explorer.step_slider.min, explorer.step_slider.max) == (0, explorer.num_steps) == (0, 7)


@pytest.mark.parametrize("x, y", POINTS)
def test_walk_agrees_with_torch_and_finite_differences(explorer, x, y):
    explorer.set(x=x, y=y, step=explorer.num_steps)
    s = explorer.state
    exact = (2 * x + 2 * y, 2 * x + 2 * y)  # z = (x + y)^2
    assert s["walk"] == pytest.approx(exact, abs=1e-12)
    assert s["torch"] == pytest.approx(torch_gradient(x, y), abs=1e-12)
    assert s["walk"] == pytest.approx(s["torch"], abs=1e-12)
    assert s["finite"] == pytest.approx(
        numerical_gradient(lambda w: z_function(*w), [x, y]), abs=1e-12
    )
    assert s["finite"] == pytest.approx(s["walk"], abs=1e-6)
    assert s["z"] == pytest.approx((x + y) ** 2, abs=1e-12)


@pytest.mark.parametrize("x, y", POINTS)
def test_stepped_walk_ends_where_value_backward_ends(x, y):
    graph = build_graph(x, y)
    final = backward_steps(graph["z"], names=graph)[-1].grads
    graph["z"].backward()
    assert final == {name: node.grad for name, node in graph.items()}


def test_lesson_numbers_at_2_3(explorer):
    text = explorer.set(step=explorer.num_steps)
    assert explorer.state["walk"] == (10.0, 10.0) and explorer.state["torch"] == (10.0, 10.0)
    assert explorer.state["z"] == 25.0
    assert "z = 25" in text and "this walk 10, 10 · torch.autograd 10, 10" in text
    assert "finite differences 10.000000, 10.000000" in text
    assert explorer.state["grads"] == {
        "x": 10,
        "y": 10,
        "a": 1,
        "b": 3,
        "c": 1,
        "d": 1,
        "s": 1,
        "z": 1,
    }


def test_forward_pass_then_seed(explorer):
    assert explorer.state["step"] == 0
    assert all(g is None for g in explorer.state["grads"].values())
    assert "this walk ?, ?" in explorer.readout_text
    explorer.set(step=1)
    assert {k: g for k, g in explorer.state["grads"].items() if g is not None} == {"z": 1.0}
    assert "seed: ∂z/∂z = 1" in explorer.readout_text


def test_gradients_accumulate_over_both_paths(explorer):
    """y first gets 2y = 6 from d = y², then b = 4 from c = b·y; x gets 2·3 = 6, then 2x = 4."""
    seen = []
    for step in range(explorer.num_steps + 1):
        explorer.set(step=step)
        seen.append((explorer.state["grads"]["x"], explorer.state["grads"]["y"]))
    assert seen == [
        (None, None),
        (None, None),
        (None, None),
        (None, 6.0),
        (None, 6.0),
        (None, 10.0),
        (6.0, 10.0),
        (10.0, 10.0),
    ]
    explorer.set(step=6)
    assert "x" not in explorer.state["final"] and "y" in explorer.state["final"]
    assert "this walk 6 + …, 10" in explorer.readout_text
    # a partial gradient is not the gradient: wrong until the last path has arrived
    assert explorer.state["walk"][0] != pytest.approx(explorer.state["torch"][0])


def test_each_node_sends_only_after_every_user_has_sent_to_it():
    graph = build_graph(1.3, -0.4)
    steps = backward_steps(graph["z"])
    order = [s.sender for s in steps if s.sender]
    assert order[0] == "z" and set(order) == {"z", "s", "d", "c", "b", "a"}
    consumers = {"s": ["z"], "d": ["z"], "a": ["s"], "c": ["s"], "b": ["c"]}
    for node, users in consumers.items():
        assert all(order.index(u) < order.index(node) for u in users)


def test_a_value_used_twice_gets_both_contributions():
    a = Value(3.0, "a")
    twice = (a + a).named("t")  # lesson 03: d(a + a)/da = 2, not 1
    steps = backward_steps(twice)
    assert steps[-1].grads["a"] == 2.0 and steps[-1].contributions == (
        ("a", 1.0, 1.0),
        ("a", 1.0, 1.0),
    )


def test_constants_are_not_reported():
    graph = build_graph(2.0, 3.0)
    steps = backward_steps(graph["z"], names=["x", "y", "z"])
    assert set(steps[-1].grads) == {"x", "y", "z"}
    assert set(backward_steps(graph["z"])[-1].grads) == set(graph) | {
        "2"
    }  # the 2 of 2x, when asked


def test_highlights_and_arrows_follow_the_step(explorer):
    explorer.set(step=5)  # c = b·y sends to b and y
    visible = {name for name, patch in explorer.highlights.items() if patch.get_visible()}
    assert visible == {"c", "b", "y"}
    active = {edge for edge, arrow in explorer.edges.items() if arrow.get_visible()}
    assert active == {("b", "c"), ("y", "c")}
    assert (
        "c = b·y sends ∂z/∂c = 1: ∂z/∂b += 3 × 1 → 3, ∂z/∂y += 4 × 1 → 10" in explorer.readout_text
    )
    explorer.set(step=0)
    assert not any(p.get_visible() for p in explorer.highlights.values())
    assert not any(a.get_visible() for a in explorer.edges.values())


def test_boxes_and_arrow_labels_show_the_numbers(explorer):
    explorer.set(step=3)
    shown = {name: tuple(t.get_text() for t in pair) for name, pair in explorer.numbers.items()}
    assert shown == {
        "x": ("2", "?"),
        "y": ("3", "6 + …"),
        "a": ("4", "?"),
        "b": ("4", "?"),
        "c": ("12", "?"),
        "d": ("9", "1"),
        "s": ("16", "1"),
        "z": ("25", "1"),
    }
    labels = {edge: t.get_text() for edge, t in explorer.edge_labels.items()}
    assert labels == {("x", "a"): "×4", ("b", "c"): "×3", ("y", "c"): "×4", ("y", "d"): "×6"}
    explorer.set(x=-1.5)
    assert explorer.edge_labels[("x", "a")].get_text() == "×-3"
    assert explorer.edge_labels[("y", "c")].get_text() == "×-3"  # ∂c/∂y = b = 2x


def test_moves_change_artists_in_place(explorer):
    artists = (len(explorer.ax.patches), len(explorer.ax.texts))
    text, before = explorer.readout.value, pixels(explorer)
    explorer.set(step=4)
    assert explorer.readout.value != text
    after = pixels(explorer)
    assert not np.array_equal(after, before)
    explorer.set(x=-0.7)
    assert not np.array_equal(pixels(explorer), after)
    assert (len(explorer.ax.patches), len(explorer.ax.texts)) == artists  # nothing rebuilt


def test_slider_moves_refresh_the_readout(explorer):
    explorer.step_slider.value = 7
    assert "step 7/7" in explorer.readout.value
    explorer.x_slider.value = 1.0
    assert "torch.autograd 8, 8" in explorer.readout_text


def test_benchmark_moves_each_make_a_move():
    explorer, moves = BackpropExplorer.benchmark_moves()
    assert len(moves) >= 20
    readouts = set()
    for move in moves:
        move()
        readouts.add(explorer.readout_text)
    assert len(readouts) > 15


def test_path_text_matches_matplotlib_text():
    """The fast number labels: same width as matplotlib's own text, aligned at the anchor."""
    from matplotlib.figure import Figure
    from matplotlib.textpath import TextPath

    fig = Figure(figsize=(4, 2), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1), xlim=(0, 4), ylim=(0, 2))
    right = PathText(ax, (3.0, 1.0), size=10, ha="right")
    centred = PathText(ax, (2.0, 1.0), size=10, ha="center")
    for text in ("12.5 + …", "-3", "?", " "):
        right.set_text(text)
        centred.set_text(text)
        assert right.get_text() == text
        if not text.strip():
            assert len(right.patch.get_path().vertices) == 0
            continue
        drawn = right.patch.get_path().transformed(right.patch.get_transform()).get_extents()
        reference = TextPath((0, 0), text, size=10).get_extents()
        anchor_x = ax.transData.transform((3.0, 1.0))[0]
        assert drawn.x1 == pytest.approx(anchor_x, abs=reference.width * 0.1 + 1)
        assert drawn.width == pytest.approx(
            reference.width * 100 / 72, rel=0.03
        )  # points -> pixels at 100 dpi
        assert drawn.height == pytest.approx(reference.height * 100 / 72, rel=0.03)
        middle = centred.patch.get_path().transformed(centred.patch.get_transform()).get_extents()
        assert (middle.x0 + middle.x1) / 2 == pytest.approx(
            ax.transData.transform((2.0, 1.0))[0], abs=2
        )
