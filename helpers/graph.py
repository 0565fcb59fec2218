"""A tiny scalar computation graph: backpropagation in 100 lines (introduced in lesson 03).

Each :class:`Value` holds a number, the values it was computed from (its
*parents*) and the *local derivatives* of the operation that made it, e.g. for
``w = u * v`` the local derivatives are ``(v, u)``. :meth:`Value.backward`
runs the chain rule backwards through the graph::

    for node in reversed(topological_order):        # outputs before inputs
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad           # += : a value may be used twice

That is all backpropagation is. PyTorch's autograd (lesson 07) does the same
bookkeeping for tensors.

    >>> x, y = Value(2.0, "x"), Value(3.0, "y")
    >>> f = (x * y + x) ** 2
    >>> f.backward()
    >>> f.data, x.grad, y.grad
    (64.0, 64.0, 32.0)
"""

from __future__ import annotations

import math

from helpers import activations
from helpers.plotting import COLORS

__all__ = ["Value", "topological_order", "trace_table", "plot_graph"]


class Value:
    """A scalar that remembers how it was computed, so that it can be differentiated."""

    __slots__ = ("data", "grad", "parents", "local_grads", "op", "label")

    def __init__(
        self,
        data: float,
        label: str = "",
        parents: tuple = (),
        local_grads: tuple = (),
        op: str = "",
    ):
        self.data = float(data)
        self.grad = 0.0  # d(output)/d(self), filled in by backward()
        self.parents = tuple(parents)
        self.local_grads = tuple(float(g) for g in local_grads)
        self.op = op
        self.label = label

    def named(self, label: str) -> Value:
        """Give an intermediate value a name (for tables and figures); returns self."""
        self.label = label
        return self

    def __repr__(self) -> str:
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.6g}, grad={self.grad:.6g})"

    # -- operations: each returns a new node with its local derivatives -------
    @staticmethod
    def _lift(other) -> Value:
        return other if isinstance(other, Value) else Value(other, label=f"{other:g}")

    def __add__(self, other):
        other = Value._lift(other)
        return Value(self.data + other.data, parents=(self, other), local_grads=(1.0, 1.0), op="+")

    def __mul__(self, other):
        other = Value._lift(other)
        return Value(
            self.data * other.data,
            parents=(self, other),
            local_grads=(other.data, self.data),
            op="*",
        )

    def __pow__(self, exponent):
        if isinstance(exponent, Value):
            raise TypeError("only constant exponents are supported: v ** 2, not v ** w")
        return Value(
            self.data**exponent,
            parents=(self,),
            local_grads=(exponent * self.data ** (exponent - 1),),
            op=f"**{exponent:g}",
        )

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-Value._lift(other))

    def __truediv__(self, other):
        return self * Value._lift(other) ** -1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return Value._lift(other) - self

    def __rtruediv__(self, other):
        return Value._lift(other) / self

    def exp(self):
        e = math.exp(self.data)
        return Value(e, parents=(self,), local_grads=(e,), op="exp")

    def log(self):
        return Value(math.log(self.data), parents=(self,), local_grads=(1.0 / self.data,), op="log")

    # the activations and their derivatives have one home: helpers.activations (lesson 02)
    def tanh(self):
        local = float(activations.tanh_prime(self.data))
        return Value(activations.tanh(self.data), parents=(self,), local_grads=(local,), op="tanh")

    def sigmoid(self):
        local = float(activations.sigmoid_prime(self.data))
        return Value(
            activations.sigmoid(self.data), parents=(self,), local_grads=(local,), op="sigmoid"
        )

    def relu(self):  # ReLU'(0) = 0, the convention of PyTorch and JAX (lesson 01)
        local = float(activations.relu_prime(self.data))
        return Value(activations.relu(self.data), parents=(self,), local_grads=(local,), op="relu")

    # -- the backward pass ---------------------------------------------------
    def backward(self) -> None:
        """Fill ``.grad`` of every value this one depends on with d(self)/d(value)."""
        order = topological_order(self)
        for node in order:
            node.grad = 0.0  # start afresh: calling backward twice gives the same answer
        self.grad = 1.0  # d(self)/d(self)
        for node in reversed(order):
            for parent, local in zip(node.parents, node.local_grads):
                parent.grad += local * node.grad  # chain rule; += sums over every use


def topological_order(root: Value) -> list[Value]:
    """Every value ``root`` depends on, each after its parents (inputs first, ``root`` last)."""
    order, seen = [], set()
    stack = [(root, False)]
    while stack:  # iterative depth-first search: deep chains do not hit the recursion limit
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((p, False) for p in reversed(node.parents) if id(p) not in seen)
    return order


def _name(node: Value, names: dict) -> str:
    if node.label:
        return node.label
    return names.setdefault(id(node), f"t{len(names) + 1}")


def trace_table(root: Value) -> str:
    """The forward values and backward gradients of every node, inputs first, as text."""
    names: dict = {}
    rows = [("node", "made by", "value", "grad")]
    for node in topological_order(root):
        made_by = (
            "input"
            if not node.parents
            else f"{node.op}({', '.join(_name(p, names) for p in node.parents)})"
        )
        rows.append((_name(node, names), made_by, f"{node.data:.6g}", f"{node.grad:.6g}"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [
        "  ".join(
            cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths))
        )
        for r in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def plot_graph(ax, root: Value) -> None:
    """Plotting only: draw the graph left to right, each node with its value and gradient.

    Columns are depths (inputs on the left, ``root`` on the right); an arrow goes
    from each parent to the value computed from it, labelled with the local
    derivative that backward() multiplies by (two labels when the parent is used
    twice, as in ``a + a``).
    """
    order = topological_order(root)
    depth: dict[int, int] = {}
    for node in order:
        depth[id(node)] = 1 + max((depth[id(p)] for p in node.parents), default=-1)
    # inputs stacked in the first column; every other value at the mean height of its inputs,
    # nudged apart when two values of a column would overlap
    pos: dict[int, tuple[float, float]] = {}
    inputs = [n for n in order if not n.parents]
    for i, node in enumerate(inputs):
        pos[id(node)] = (0.0, (len(inputs) - 1) / 2 - i)
    for node in order:
        if node.parents:
            height = sum(pos[id(p)][1] for p in node.parents) / len(node.parents)
            taken = [y for (x, y) in pos.values() if x == depth[id(node)]]
            while any(abs(height - y) < 0.8 for y in taken):
                height -= 0.8
            pos[id(node)] = (float(depth[id(node)]), height)
    names: dict = {}
    for node in order:
        x1, y1 = pos[id(node)]
        edges: dict[
            int, tuple[Value, list[float]]
        ] = {}  # a value used twice (a + a): one arrow, two labels
        for parent, local in zip(node.parents, node.local_grads):
            edges.setdefault(id(parent), (parent, []))[1].append(local)
        for parent, locals_ in edges.values():
            x0, y0 = pos[id(parent)]
            ax.annotate(
                "",
                xy=(x1, y1),
                xytext=(x0, y0),
                arrowprops={"arrowstyle": "-|>", "color": "0.45", "shrinkA": 30, "shrinkB": 30},
            )
            t = 0.5 if x1 - x0 <= 1 else 0.75  # long edges: label near the value they feed
            label = ", ".join(f"×{local:g}" for local in locals_)
            ax.text(
                x0 + t * (x1 - x0),
                y0 + t * (y1 - y0),
                label,
                ha="center",
                va="center",
                fontsize=8,
                color=COLORS["tangent"],
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
            )
    for node in order:
        x, y = pos[id(node)]
        title = _name(node, names) + (f" = {node.op}" if node.parents else "")
        ax.text(
            x,
            y,
            f"{title}\nvalue {node.data:g}\ngrad {node.grad:g}",
            ha="center",
            va="center",
            fontsize=8.5,
            bbox={
                "boxstyle": "round,pad=0.4",
                "facecolor": "white",
                "edgecolor": COLORS["function"] if node.parents else COLORS["point"],
            },
        )
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
    ax.set_axis_off()
