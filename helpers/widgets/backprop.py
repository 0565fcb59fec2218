"""The backward-pass explorer of lesson 07: walk the chain rule back through a graph, one node a step.

The graph is the one PyTorch records for ``z = x**2 + 2*x*y + y**2`` (lesson 07,
section 3), built with :class:`helpers.graph.Value` from lesson 03::

    a = x²     (PowBackward0)      c = b·y    (MulBackward0)     z = s + d  (AddBackward0)
    b = 2x     (MulBackward0)      d = y²     (PowBackward0)
                                   s = a + c  (AddBackward0)

Step 0 shows the forward pass (every node's value). Step 1 seeds ∂z/∂z = 1. Each
further step takes the next node in reverse topological order and *sends* its
gradient to its inputs, each multiplied by the local derivative on the arrow and
added (``+=``) to what the input already holds. ``x`` and ``y`` are each used twice,
so each receives two contributions, and its gradient is complete only after both.

The readout compares the walk's gradients with ``torch.autograd`` and with central
finite differences at the same (x, y): three methods, one answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.ft2font import LoadFlags
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, PathPatch
from matplotlib.path import Path
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D, ScaledTranslation

from helpers.graph import Value, topological_order
from helpers.plotting import COLORS, PALETTE, TEXT_COLORS
from helpers.widgets.base import Explorer
from helpers.widgets.controls import Slider, linear_stops

__all__ = ["BackpropExplorer", "PathText", "Step", "backward_steps", "build_graph", "z_function"]


def z_function(x: float, y: float) -> float:
    """The function of the explorer, written plainly (for finite differences)."""
    return x**2 + 2 * x * y + y**2


def build_graph(x: float, y: float) -> dict[str, Value]:
    """The forward pass of z = x² + 2xy + y², one :class:`Value` per operation PyTorch records."""
    x_node, y_node = Value(x, "x"), Value(y, "y")
    a = (x_node**2).named("a")
    b = (2 * x_node).named("b")
    c = (b * y_node).named("c")
    d = (y_node**2).named("d")
    s = (a + c).named("s")
    z = (s + d).named("z")
    return {node.label: node for node in (x_node, y_node, a, b, c, d, s, z)}


@dataclass(frozen=True)
class Step:
    """The state of the backward pass after one step of the walk.

    ``grads`` maps each named node to the gradient it holds so far (``None``:
    not reached yet); ``final`` is the set of nodes whose gradient is complete.
    ``sender`` is the node whose gradient was sent back in this step and
    ``contributions`` what each input received: ``(input, local derivative, added)``.
    """

    grads: dict
    final: frozenset
    sender: str | None = None
    contributions: tuple = ()
    note: str = ""
    received: frozenset = field(default_factory=frozenset)


def backward_steps(root: Value, names=None) -> list[Step]:
    """Backpropagation from ``root`` split into steps: forward only, the seed, then one node at a time.

    The same loop as :meth:`Value.backward`, paused after each node. Only nodes
    whose label is in ``names`` (default: every labelled node) are reported; a
    constant such as the ``2`` of ``2 * x`` still receives its gradient but is not shown.
    """
    order = topological_order(root)
    shown = [n for n in order if n.label and (names is None or n.label in names)]
    shown_ids = {id(n) for n in shown}
    grad = {id(n): None for n in order}
    # a node's gradient is complete once every node that used it has sent its gradient back
    uses = {id(n): 0 for n in order}
    for node in order:
        for parent in node.parents:
            uses[id(parent)] += 1

    def snapshot(**kwargs) -> Step:
        done = frozenset(n.label for n in shown if grad[id(n)] is not None and uses[id(n)] == 0)
        return Step(grads={n.label: grad[id(n)] for n in shown}, final=done, **kwargs)

    steps = [snapshot(note="forward pass: every node holds its value, no gradient yet")]
    grad[id(root)] = 1.0
    steps.append(
        snapshot(
            sender=None,
            note=f"seed: ∂{root.label}/∂{root.label} = 1",
            received=frozenset({root.label}),
        )
    )
    for node in reversed(order):
        if not node.parents:
            continue  # an input: nothing to send further back
        contributions = []
        for parent, local in zip(node.parents, node.local_grads):
            added = local * grad[id(node)]
            grad[id(parent)] = (grad[id(parent)] or 0.0) + added  # += : a value may be used twice
            uses[id(parent)] -= 1
            if id(parent) in shown_ids:
                contributions.append((parent.label, local, added))
        if id(node) in shown_ids:
            steps.append(
                snapshot(
                    sender=node.label,
                    contributions=tuple(contributions),
                    received=frozenset(p for p, _, _ in contributions),
                )
            )
    return steps


def _fmt(v: float | None, digits: int = 4) -> str:
    """A number for a box or the readout: short, "?" when not known yet, never "-0"."""
    if v is None:
        return "?"
    v = 0.0 if abs(v) < 5e-13 else v
    return f"{v:.{digits}g}"


def _num(v: float) -> str:
    return _fmt(v, digits=8)


# Plotting only. Node -> (centre, title (mathtext), formula for the readout, PyTorch's name for it)
LAYOUT = {
    "x": ((0.0, 1.15), r"$x$", "x", "leaf: AccumulateGrad"),
    "y": ((0.0, -1.15), r"$y$", "y", "leaf: AccumulateGrad"),
    "a": ((1.6, 2.0), r"$a = x^2$", "x²", "PowBackward0"),
    "b": ((1.6, 0.55), r"$b = 2x$", "2x", "MulBackward0"),
    "d": ((1.6, -2.0), r"$d = y^2$", "y²", "PowBackward0"),
    "c": ((3.2, -0.2), r"$c = b\,y$", "b·y", "MulBackward0"),
    "s": ((4.8, 0.95), r"$s = a + c$", "a + c", "AddBackward0"),
    "z": ((6.4, 0.0), r"$z = s + d$", "s + d", "AddBackward0"),
}
BOX_W, BOX_H = 1.1, 0.9
ROWS = (-0.12, -0.34)  # baselines of the "value" and "grad" rows, below the box centre
BOX_STYLE = "round,pad=0.02,rounding_size=0.08"
FACE = {  # translucent fills by role (the readout says the same in words)
    "sender": to_rgba(PALETTE["orange"], 0.4),
    "receiver": to_rgba(PALETTE["sky"], 0.35),
}
EDGE_IDLE, EDGE_ACTIVE = to_rgba("0.55"), to_rgba(COLORS["tangent"])


class PathText:
    """Plotting only: a short line of text drawn as one filled path of cached glyph outlines.

    Numbers in this explorer are redrawn on every move. A matplotlib ``Text`` lays
    out and rasterises its glyphs again at each draw (~0.5 ms a label, twenty labels
    a move); a ``PathPatch`` of outlines cached per character draws in ~0.02 ms.
    ``set_text`` swaps the path. The text sits with its baseline on the anchor
    point (data coordinates), aligned ``"left"``, ``"center"`` or ``"right"``.
    Kerning is ignored, which is invisible for numbers.
    """

    _glyphs: dict = {}  # (font file, size, character) -> (vertices in points, codes, advance)

    def __init__(self, ax, xy, size: float = 8.5, ha: str = "left", **patch_kw):
        self.size, self.ha, self.text = size, ha, ""
        self._font_file = findfont(FontProperties(size=size))
        self._align = Affine2D()
        transform = self._align + ax.figure.dpi_scale_trans + ScaledTranslation(*xy, ax.transData)
        self.patch = ax.add_artist(
            PathPatch(
                Path(np.empty((0, 2))),
                transform=transform,
                linewidth=0,
                facecolor=patch_kw.pop("color", "black"),
                **patch_kw,
            )
        )

    def _glyph(self, char: str):
        key = (self._font_file, self.size, char)
        if key not in self._glyphs:
            if char.isspace():  # no outline (and TextPath cannot make an empty one)
                outline = Path(np.empty((0, 2)), np.empty(0, dtype=Path.code_type))
            else:
                outline = TextPath(
                    (0, 0), char, size=self.size, prop=FontProperties(fname=self._font_file)
                )
            font = get_font(self._font_file)
            font.set_size(self.size, 72)  # 72 dpi: one pixel is one point
            advance = (
                font.load_char(ord(char), flags=LoadFlags.NO_HINTING).linearHoriAdvance / 65536
            )
            self._glyphs[key] = (outline.vertices, outline.codes, advance)
        return self._glyphs[key]

    def set_text(self, text: str) -> None:
        if text == self.text:
            return
        vertices, codes, x = [], [], 0.0
        for char in text:
            glyph_vertices, glyph_codes, advance = self._glyph(char)
            if len(glyph_vertices):
                vertices.append(glyph_vertices + (x, 0.0))
                codes.append(glyph_codes)
            x += advance
        path = (
            Path(np.concatenate(vertices), np.concatenate(codes))
            if vertices
            else Path(np.empty((0, 2)))
        )
        shift = {"left": 0.0, "center": -x / 2, "right": -x}[self.ha]
        self.patch.set_path(path)
        self._align.clear().translate(shift, 0.0).scale(
            1 / 72
        )  # points -> inches; dpi_scale_trans -> pixels
        self.text = text

    def get_text(self) -> str:
        return self.text


def _edge_ends(start, end, gap: float = 0.05):
    """Where the segment between two box centres leaves the first box and enters the second.

    Computed once, so that drawing an arrow needs no clipping against the boxes
    (matplotlib clips a patch-to-patch arrow by bisection, ~2 ms an arrow, on every redraw).
    """
    (x0, y0), (x1, y1) = start, end
    dx, dy = x1 - x0, y1 - y0
    half_w, half_h = BOX_W / 2 + gap, BOX_H / 2 + gap
    t = min(half_w / abs(dx) if dx else np.inf, half_h / abs(dy) if dy else np.inf)
    return (x0 + t * dx, y0 + t * dy), (x1 - t * dx, y1 - t * dy)


def _label_position(start, end, along: float = 0.5, offset: float = 0.13):
    """A point beside an arrow (above it), for the label of its local derivative."""
    (x0, y0), (x1, y1) = start, end
    dx, dy = x1 - x0, y1 - y0
    length = np.hypot(dx, dy)
    nx, ny = -dy / length, dx / length
    if ny < 0:
        nx, ny = -nx, -ny
    return x0 + along * dx + offset * nx, y0 + along * dy + offset * ny


class BackpropExplorer(Explorer):
    """The graph of z = x² + 2xy + y² with each node's value and gradient; a step slider
    walks the backward pass one node at a time. Keyboard: focus a slider, then the arrow keys.
    """

    alt_text = (
        "A computation graph drawn left to right: inputs x and y; the nodes a = x², b = 2x, "
        "c = b·y and d = y²; then s = a + c and z = s + d. Arrows go from each input of an "
        "operation to its result and carry the local derivative. Each box shows the node's value "
        "and its gradient ∂z/∂(node), or a question mark before the backward pass reaches it. "
        "The node sending its gradient at the current step is orange, the nodes receiving it are "
        "light blue. The readout compares the walk's gradients with torch.autograd and with "
        "finite differences."
    )

    def __init__(self, x: float = 2.0, y: float = 3.0, step: int = 0):
        super().__init__(figsize=(8.0, 3.6))
        ax = self.ax
        ax.set_axis_off()
        ax.set_xlim(-0.62, 7.02)
        ax.set_ylim(-2.95, 2.75)
        # Static (drawn once, cached as the background): boxes, titles, PyTorch's names, the words
        # "value" and "grad", grey arrows, constant arrow labels. Animated (redrawn on each move): a
        # translucent highlight over a box, the numbers (PathText: cheap to redraw), the coloured
        # arrows of the node sending its gradient, and the labels that depend on x and y.
        self.highlights, self.numbers, self.edges, self.edge_labels = {}, {}, {}, {}
        for name, ((cx, cy), title, _, torch_name) in LAYOUT.items():
            corner = (cx - BOX_W / 2, cy - BOX_H / 2)
            ax.add_patch(
                FancyBboxPatch(
                    corner,
                    BOX_W,
                    BOX_H,
                    boxstyle=BOX_STYLE,
                    linewidth=1.4,
                    edgecolor=COLORS["point"] if name in "xy" else COLORS["function"],
                    facecolor="white",
                    zorder=2,
                )
            )
            ax.text(cx, cy + 0.22, title, ha="center", va="center", fontsize=10, zorder=3)
            ax.text(
                cx,
                cy + BOX_H / 2 + 0.08,
                torch_name,
                ha="center",
                va="bottom",
                fontsize=7,
                color="0.4",
                style="italic",
                zorder=3,
            )
            left, right = cx - BOX_W / 2 + 0.1, cx + BOX_W / 2 - 0.1
            for row, word in zip(ROWS, ("value", "grad")):
                ax.text(
                    left,
                    cy + row,
                    word,
                    ha="left",
                    va="baseline",
                    fontsize=8.5,
                    color="0.35",
                    zorder=3,
                )
            self.highlights[name] = ax.add_patch(
                FancyBboxPatch(
                    corner, BOX_W, BOX_H, boxstyle=BOX_STYLE, linewidth=3, visible=False, zorder=4
                )
            )
            self.numbers[name] = tuple(PathText(ax, (right, cy + row), ha="right") for row in ROWS)
        graph, elsewhere = build_graph(x, y), build_graph(x + 0.37, y - 0.61)
        for child in graph.values():
            for parent, local, local_elsewhere in zip(
                child.parents, child.local_grads, elsewhere[child.label].local_grads
            ):
                if parent.label not in LAYOUT:
                    continue  # the constant 2 of b = 2x: its factor is on the arrow x -> b
                start, end = _edge_ends(LAYOUT[parent.label][0], LAYOUT[child.label][0])
                arrow = {
                    "arrowstyle": "-|>",
                    "mutation_scale": 13,
                    "shrinkA": 0,
                    "shrinkB": 0,
                    "zorder": 1,
                }
                ax.add_patch(FancyArrowPatch(start, end, linewidth=1.3, color=EDGE_IDLE, **arrow))
                # drawn over the grey arrow while this edge carries a gradient back
                active = ax.add_patch(
                    FancyArrowPatch(
                        start, end, linewidth=2.6, color=EDGE_ACTIVE, visible=False, **arrow
                    )
                )
                where = _label_position(start, end)
                self.edges[(parent.label, child.label)] = active
                if (
                    local != local_elsewhere
                ):  # depends on x and y (×2x, ×y, ...): redrawn on each move
                    label = PathText(
                        ax,
                        (where[0], where[1] - 0.07),
                        size=8,
                        ha="center",
                        color=TEXT_COLORS["tangent"],
                    )
                    self.edge_labels[(parent.label, child.label)] = label
                else:  # a constant factor (×1, ×2) stays in the static background
                    ax.text(
                        *where,
                        f"×{_fmt(local)}",
                        ha="center",
                        va="center",
                        fontsize=8,
                        color=TEXT_COLORS["tangent"],
                        zorder=3,
                    )
        ax.text(
            0.5,
            0.0,
            "arrows: ×local derivative  ·  orange: sends its gradient  ·  blue: receives it "
            "(+=)  ·  ?: not reached yet  ·  + …: more paths to come",
            transform=ax.transAxes,
            ha="center",
            va="bottom",
            fontsize=7.5,
            color="0.3",
            in_layout=False,
        )
        # animated artists are drawn in this order: the highlights first, then what sits on them
        self.animate(
            *self.highlights.values(),
            *self.edges.values(),
            *(text.patch for pair in self.numbers.values() for text in pair),
            *(label.patch for label in self.edge_labels.values()),
        )

        self.x_slider = self.add_control(
            "x", Slider("x", linear_stops(-3.0, 3.0, 0.1), x, fmt=".1f", width="260px")
        )
        self.y_slider = self.add_control(
            "y", Slider("y", linear_stops(-3.0, 3.0, 0.1), y, fmt=".1f", width="260px")
        )
        self.num_steps = len(backward_steps(graph["z"], LAYOUT)) - 1
        self.step_slider = self.add_control(
            "step",
            Slider(
                "backward step",
                linear_stops(0, self.num_steps, 1),
                step,
                fmt=".0f",
                page=2,
                integer=True,
                width="320px",
            ),
        )
        self._cache_key = None
        self.state: dict = {}

    # -- computing ---------------------------------------------------------------
    def _compute(self, x: float, y: float) -> None:
        """Forward pass, the stepped backward pass, torch.autograd and finite differences at (x, y)."""
        if self._cache_key == (x, y):
            return
        import torch  # lazily: importing torch takes a second or two, once

        graph = build_graph(x, y)
        self._graph = graph
        self._steps = backward_steps(graph["z"], LAYOUT)
        xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        yt = torch.tensor(y, dtype=torch.float64, requires_grad=True)
        zt = xt**2 + 2 * xt * yt + yt**2
        gx, gy = torch.autograd.grad(zt, (xt, yt))
        self._torch = (gx.item(), gy.item())
        h = 1e-5
        self._finite = (
            (z_function(x + h, y) - z_function(x - h, y)) / (2 * h),
            (z_function(x, y + h) - z_function(x, y - h)) / (2 * h),
        )
        self._cache_key = (x, y)

    def update(self, x: float, y: float, step: int) -> str:
        self._compute(x, y)
        graph, current = self._graph, self._steps[step]
        for name, node in graph.items():
            g = current.grads[name]
            value_text, grad_text = self.numbers[name]
            value_text.set_text(_fmt(node.data))
            grad_text.set_text(_fmt(g) + ("" if g is None or name in current.final else " + …"))
            role = (
                "sender"
                if name == current.sender
                else "receiver"
                if name in current.received
                else None
            )
            highlight = self.highlights[name]
            highlight.set_visible(role is not None)
            if role is not None:
                highlight.set_facecolor(FACE[role])
                highlight.set_edgecolor(FACE[role][:3])
        for (parent, child), label in self.edge_labels.items():
            local = next(
                loc
                for p, loc in zip(graph[child].parents, graph[child].local_grads)
                if p.label == parent
            )
            label.set_text(f"×{_fmt(local)}")
        for (_parent, child), arrow in self.edges.items():
            arrow.set_visible(child == current.sender)

        walk = (current.grads["x"], current.grads["y"])
        self.state = {
            "x": x,
            "y": y,
            "z": graph["z"].data,
            "step": step,
            "grads": dict(current.grads),
            "final": set(current.final),
            "walk": walk,
            "torch": self._torch,
            "finite": self._finite,
        }
        if current.sender is None:
            what = current.note
        else:
            sender, sent = current.sender, current.grads[current.sender]
            passed = ", ".join(
                f"∂z/∂{p} += {_fmt(local)} × {_fmt(sent)} → {_fmt(current.grads[p])}"
                for p, local, _ in current.contributions
            )
            what = f"{sender} = {LAYOUT[sender][2]} sends ∂z/∂{sender} = {_fmt(sent)}: {passed}"
        walk_text = ", ".join(
            "?" if g is None else _num(g) + ("" if name in current.final else " + …")
            for name, g in zip("xy", walk)
        )
        return (
            f"x = {x:.2f}, y = {y:.2f} → z = {_num(graph['z'].data)} · step {step}/{self.num_steps}: "
            f"{what}\n∂z/∂x, ∂z/∂y: this walk {walk_text} · torch.autograd {_num(self._torch[0])}, "
            f"{_num(self._torch[1])} · finite differences {self._finite[0]:.6f}, {self._finite[1]:.6f}"
        )

    @classmethod
    def benchmark_moves(cls):
        """An explorer and one callable per user move: walking the steps, then moving x and y."""
        explorer = cls(x=2.0, y=3.0)
        explorer.widget  # the first computation, and torch's import, outside the timing
        moves = [lambda k=k: explorer.set(step=k) for k in range(explorer.num_steps + 1)]
        moves += [lambda v=v: explorer.set(x=v) for v in np.round(np.arange(-2.0, 2.01, 0.4), 1)]
        moves += [lambda v=v: explorer.set(y=v) for v in np.round(np.arange(-2.0, 2.01, 0.4), 1)]
        return explorer, moves
