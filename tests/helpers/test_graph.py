"""helpers.graph: every gradient agrees with finite differences (and PyTorch)."""

import math

import numpy as np
import pytest

from helpers.gradcheck import numerical_gradient
from helpers.graph import Value, plot_graph, topological_order, trace_table
from helpers.plotting import new_figure

# Each case: a function of Values (also valid on floats) and a point.
CASES = {
    "lesson example (x*y + x)^2": (lambda x, y: (x * y + x) ** 2, [2.0, 3.0]),
    "division and subtraction": (lambda x, y: (x - 3.0) / (y + 1.5) - 2.0 / x, [1.3, -0.4]),
    "reverse operators": (lambda x, y: 1.0 - 2.0 * x + 3.0 / y, [0.7, 2.0]),
    "exp and log": (lambda x, y: (x * y).exp() + (x * x + 1.0).log(), [0.3, -1.1]),
    "tanh neuron": (lambda x, y: (2.0 * x - 0.5 * y + 0.1).tanh(), [0.4, 0.9]),
    "sigmoid squared error": (lambda x, y: ((x * 1.5 + y).sigmoid() - 1.0) ** 2, [-0.3, 0.2]),
    "relu active": (lambda x, y: (x * y).relu() + y, [1.5, 2.0]),
    "value used three times": (lambda x, y: x * x * x + x * y, [1.2, -0.7]),
}


def _as_float_function(build):
    def f(w):
        x, y = (Value(float(v)) for v in w)
        return build(x, y).data

    return f


def _backprop(build, point):
    x, y = Value(point[0], "x"), Value(point[1], "y")
    out = build(x, y)
    out.backward()
    return out, np.array([x.grad, y.grad])


@pytest.mark.parametrize("name", CASES)
def test_gradients_match_central_differences(name):
    build, point = CASES[name]
    _, grad = _backprop(build, point)
    numeric = numerical_gradient(_as_float_function(build), point, h=1e-6)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)


def test_lesson_example_values():
    out, grad = _backprop(CASES["lesson example (x*y + x)^2"][0], [2.0, 3.0])
    assert out.data == 64.0
    assert grad.tolist() == [64.0, 32.0]  # 16*3 + 16*1 = 64, 16*2 = 32


def test_a_plus_a_accumulates():
    a = Value(5.0, "a")
    b = a + a
    b.backward()
    assert a.grad == 2.0  # overwriting instead of += would give 1


def test_backward_twice_gives_the_same_gradient():
    x = Value(3.0, "x")
    f = x * x
    f.backward()
    f.backward()
    assert x.grad == 6.0


def test_relu_corner_has_derivative_zero():
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0


def test_sigmoid_slope_is_at_most_a_quarter():
    for z in np.linspace(-6, 6, 121):
        v = Value(z)
        v.sigmoid().backward()
        assert v.grad <= 0.25 + 1e-15
    v = Value(0.0)
    v.sigmoid().backward()
    assert v.grad == 0.25


def test_deep_chain_does_not_hit_recursion_limit_and_vanishes():
    x = Value(0.5)
    h = x
    for _ in range(3000):
        h = h.sigmoid()
    h.backward()
    assert 0.0 <= x.grad < 1e-300  # a product of 3000 slopes below 0.25 underflows
    assert len(topological_order(h)) == 3001


def test_topological_order_puts_parents_first():
    x, y = Value(1.0, "x"), Value(2.0, "y")
    u = (x * y).named("u")
    v = (u + x).named("v")
    f = (v * u).named("f")
    order = topological_order(f)
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)]
    assert order[-1] is f
    assert len(order) == 5  # x, y, u, v, f: shared nodes listed once


def test_wrong_local_derivative_is_caught_by_finite_differences():
    # A deliberately broken square: forgets the factor 2 of the power rule.
    def broken_square(v):
        return Value(v.data**2, parents=(v,), local_grads=(v.data,), op="bad**2")

    x = Value(1.7)
    broken_square(x * 3.0).backward()
    numeric = numerical_gradient(lambda w: (3.0 * float(w)) ** 2, 1.7)
    assert not np.isclose(x.grad, numeric, rtol=1e-4)
    assert np.isclose(numeric / x.grad, 2.0)


def test_value_exponent_is_rejected():
    with pytest.raises(TypeError):
        Value(2.0) ** Value(3.0)


def test_trace_table_lists_every_node_with_value_and_grad():
    x, y = Value(2.0, "x"), Value(3.0, "y")
    u = (x * y).named("u")
    v = (u + x).named("v")
    f = (v**2).named("f")
    f.backward()
    text = trace_table(f)
    lines = text.splitlines()
    assert lines[0].split() == ["node", "made", "by", "value", "grad"]
    assert len(lines) == 2 + 5
    row_f = next(line for line in lines if line.startswith("f "))
    assert row_f.split()[-2:] == ["64", "1"]
    row_x = next(line for line in lines if line.startswith("x "))
    assert row_x.split()[-2:] == ["2", "64"]
    assert "*(x, y)" in text and "+(u, x)" in text


def test_plot_graph_draws_a_box_per_node_and_a_label_per_edge():
    x, y = Value(2.0, "x"), Value(3.0, "y")
    f = ((x * y).named("u") + x).named("v") ** 2
    f.backward()
    fig, ax = new_figure()
    plot_graph(ax, f)
    boxes = [t for t in ax.texts if "value" in t.get_text()]
    edge_labels = [t for t in ax.texts if t.get_text().startswith("×")]
    assert len(boxes) == 5
    assert len(edge_labels) == 5  # x->u, y->u, u->v, x->v, v->f
    assert any("grad 64" in t.get_text() for t in boxes)


def test_plot_graph_labels_a_value_used_twice_with_both_local_derivatives():
    a = Value(5.0, "a")
    b = (a + a).named("b")
    b.backward()
    fig, ax = new_figure()
    plot_graph(ax, b)
    labels = [t.get_text() for t in ax.texts if t.get_text().startswith("×")]
    assert labels == ["×1, ×1"]
    assert any("grad 2" in t.get_text() for t in ax.texts)


def test_matches_pytorch():
    torch = pytest.importorskip("torch")
    x, y = Value(0.8, "x"), Value(-1.3, "y")
    out = ((x * y).tanh() + (x / y).exp() * 2.0 - (y * y + 1.0).log()) ** 2
    out.backward()
    tx = torch.tensor(0.8, dtype=torch.float64, requires_grad=True)
    ty = torch.tensor(-1.3, dtype=torch.float64, requires_grad=True)
    tout = (torch.tanh(tx * ty) + torch.exp(tx / ty) * 2.0 - torch.log(ty * ty + 1.0)) ** 2
    tout.backward()
    assert math.isclose(out.data, tout.item(), rel_tol=1e-12)
    assert math.isclose(x.grad, tx.grad.item(), rel_tol=1e-12)
    assert math.isclose(y.grad, ty.grad.item(), rel_tol=1e-12)
