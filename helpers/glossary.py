"""The course glossary as data: every term, a short definition, and where it is taught.

Rendered by the glossary notebook, lessons/99-glossary.ipynb (introduced with the
course home). Each entry names the lesson file and the section heading that teaches
the term; :func:`link` turns them into a relative link that lands on that section.

Where a link lands: JupyterLab 4 and Notebook 7 give a rendered heading the id
``data-jupyter-id`` = its text with spaces replaced by "-" (:func:`anchor`), but they
only find a heading fragment (``lesson.ipynb#2.-The-chain-rule``) once the target's
markdown has been rendered, so a link to a lesson that is not open yet opens it at the
top. The cell fragment ``lesson.ipynb#cell-id=<id>`` (JupyterLab 4.1 and later) needs no
rendering, so the links point at the cell that holds the heading. A test checks every
section exists, every anchor against a real render, and that clicking a link in
JupyterLab brings the heading into view.

Regenerate the notebook after editing the terms or moving a heading to another cell::

    python -m helpers.glossary lessons/99-glossary.ipynb

Look a term up from any notebook::

    from helpers.glossary import lookup
    lookup("hessian")
"""

from __future__ import annotations

import html
import json
import re
import sys
from dataclasses import dataclass, field
from functools import cache

from helpers import course

L01, L02, L03, L04, L05, L06, L07, L08, L09 = (lesson.file for lesson in course.LESSONS)


@dataclass(frozen=True)
class Term:
    """A glossary entry.

    ``section`` is the text of the heading that teaches the term, exactly as written
    in the lesson (without the leading ``#``). ``aliases`` are other spellings the
    lesson may use (the test accepts any of them). ``also`` lists further
    ``(lesson, section)`` places worth reading.
    """

    term: str
    definition: str
    lesson: str
    section: str
    aliases: tuple[str, ...] = ()
    also: tuple[tuple[str, str], ...] = field(default=())


def anchor(heading: str) -> str:
    """The id JupyterLab and Notebook 7 give a markdown heading: its rendered text,
    spaces replaced by "-".

    Inline markup is dropped first, as the rendered heading's text has none:
    ``### Why `+=`: a value`` becomes ``Why-+=:-a-value``. (A heading with LaTeX gets an
    id that depends on whether MathJax ran first, so sections that the glossary links to
    contain no ``$``: a test checks.)
    """
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # [text](url) -> text
    text = text.replace("`", "").replace("**", "")
    text = re.sub(r"(?<!\w)[*_]([^*_]+)[*_](?!\w)", r"\1", text)  # *emphasis*
    return html.unescape(text.strip()).replace(" ", "-")


@cache
def section_cells(lesson: str) -> dict[str, str]:
    """{heading text: id of the markdown cell that holds it} for a lesson file."""
    cells = json.loads((course.LESSONS_DIR / lesson).read_text(encoding="utf-8"))["cells"]
    found = {}
    for cell in cells:
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for line in source.splitlines():
            heading = re.match(r"#{1,6} (.+)", line)
            if heading:
                found.setdefault(heading.group(1).strip(), cell["id"])
    return found


def lesson_title(lesson: str) -> str:
    """ "Lesson 3" (or "Lab") for a lesson file name."""
    return course.lesson(lesson[:2]).label


def fragment(lesson: str, section: str) -> str:
    """The URL fragment that opens ``lesson`` at the cell holding the heading ``section``:
    ``cell-id=<id>`` (JupyterLab resolves it even before the lesson's headings render)."""
    cell_id = section_cells(lesson).get(section)
    if cell_id is None:
        raise KeyError(f"{lesson} has no heading {section!r}")
    return f"cell-id={cell_id}"


def link(lesson: str, section: str) -> str:
    """A markdown link, relative to the lessons/ folder, to the cell holding a section heading."""
    return f"[{lesson_title(lesson)} · {section.replace('`', '')}]({lesson}#{fragment(lesson, section)})"


TERMS: list[Term] = [
    # ---- lesson 1 -----------------------------------------------------------
    Term(
        "rate of change",
        "How much an output changes per unit change of an input. Over an interval it is an *average* rate "
        "(a secant slope); at a single point it is the *instantaneous* rate, the derivative.",
        L01,
        "1. Rate of change",
        also=((L01, "2. Average versus instantaneous rate of change"),),
    ),
    Term(
        "secant",
        "A line through two points of a graph, $(x, f(x))$ and $(x+h, f(x+h))$. Its slope "
        "$\\frac{f(x+h)-f(x)}{h}$ is the average rate of change over that interval.",
        L01,
        "2. Average versus instantaneous rate of change",
    ),
    Term(
        "tangent",
        "The line that touches a smooth graph at one point with the same slope as the graph there. Its "
        "slope is the derivative; it is what secants turn into as $h \\to 0$.",
        L01,
        "6. From secant to tangent: the secant explorer",
        also=((L01, "5. What a derivative tells you: the tangent explorer"),),
    ),
    Term(
        "limit",
        "The value an expression approaches as a quantity (such as the step $h$) gets arbitrarily close to "
        "a target, without having to reach it: $\\lim_{h\\to0}$.",
        L01,
        "3. The limit definition",
    ),
    Term(
        "derivative",
        "The instantaneous rate of change of $f$ at $x$: $f'(x) = \\lim_{h\\to 0}\\frac{f(x+h)-f(x)}{h}$, "
        "the slope of the tangent. Written $f'(x)$, $\\frac{df}{dx}$ or $\\frac{dy}{dx}$. Its sign gives the "
        "direction in which $f$ changes, its size the sensitivity.",
        L01,
        "3. The limit definition",
        also=((L01, "4. Notation"),),
    ),
    Term(
        "stationary point",
        "A point where the derivative (or the gradient) is zero. It can be a minimum, a maximum, or neither: "
        "an inflection point such as $x^3$ at 0, or a saddle point.",
        L01,
        "5. What a derivative tells you: the tangent explorer",
        aliases=("stationary",),
        also=((L04, "9. A zero gradient is necessary, not sufficient"),),
    ),
    Term(
        "inflection point",
        "A point where the curve changes from bending one way to bending the other. The derivative may be "
        "zero there ($x^3$ at 0) although it is neither a minimum nor a maximum.",
        L01,
        "5. What a derivative tells you: the tangent explorer",
        aliases=("inflection",),
    ),
    Term(
        "finite differences",
        "Estimating a derivative from values of the function at nearby points, e.g. "
        "$\\frac{f(x+h)-f(x)}{h}$. Works on any function, but is approximate and costs evaluations.",
        L01,
        "7. Numerical derivatives: forward versus central differences",
        aliases=("finite difference", "finite-difference", "numerical derivative"),
        also=(
            (L06, "4. Checking a gradient against finite differences"),
            (L08, "5. A finite-difference step that is too small"),
        ),
    ),
    Term(
        "forward difference",
        "$\\frac{f(x+h)-f(x)}{h}$: the secant slope. Its error shrinks like $h$: with $h = 10^{-5}$, "
        "$\\partial/\\partial y$ of $x^2+3y^2$ at $(4, 3)$ comes out as 18.00003 instead of 18.",
        L01,
        "7. Numerical derivatives: forward versus central differences",
    ),
    Term(
        "central difference",
        "$\\frac{f(x+h)-f(x-h)}{2h}$: a symmetric estimate whose error shrinks like $h^2$, so it is far more "
        "accurate than the forward difference at the same $h$; $h \\approx 10^{-5}$ is a good default.",
        L01,
        "7. Numerical derivatives: forward versus central differences",
    ),
    Term(
        "truncation error",
        "The error of a finite-difference formula that comes from the step $h$ being finite (the neglected "
        "terms of the Taylor expansion). It shrinks as $h$ shrinks.",
        L01,
        "7. Numerical derivatives: forward versus central differences",
    ),
    Term(
        "round-off error",
        "The error from storing numbers with finitely many digits. In a finite difference with a tiny $h$, "
        "$f(x+h) - f(x)$ is only a few float spacings and the estimate is ruined "
        "(14.2 instead of 18 at $h = 10^{-15}$).",
        L01,
        "7. Numerical derivatives: forward versus central differences",
        also=((L08, "5. A finite-difference step that is too small"),),
    ),
    Term(
        "differentiable",
        "A function is differentiable at $x$ when the limit defining $f'(x)$ exists: no corner, jump or "
        "vertical tangent. $|x|$ and ReLU are not differentiable at 0; frameworks use ReLU$'(0) = 0$.",
        L01,
        "8. Where there is no derivative",
        aliases=("differentiab",),
    ),
    Term(
        "loss",
        "A number that measures how wrong a model's predictions are, as a function of its parameters "
        "(e.g. $L(w) = (w\\cdot\\text{sqft} - 400000)^2$). Training minimises it.",
        L01,
        "9. Why this matters for machine learning",
        aliases=("loss function",),
    ),
    # ---- lesson 2 -----------------------------------------------------------
    Term(
        "derivative rules",
        "Constant ($c' = 0$), power ($(x^n)' = n x^{n-1}$), constant multiple, sum, product, quotient, "
        "exponential ($(e^x)' = e^x$) and logarithm ($(\\ln x)' = 1/x$): derivatives without limits.",
        L02,
        "2. The rules",
        aliases=("rules",),
    ),
    Term(
        "power rule",
        "$\\frac{d}{dx}x^n = n\\,x^{n-1}$: bring the exponent down, lower it by one. It holds for every $x$ "
        "when $n$ is a whole number (except $x = 0$ for negative $n$), and for $x > 0$ for any other real $n$, "
        "where $x^n$ is defined.",
        L02,
        "2. The rules",
    ),
    Term(
        "product rule",
        "$(fg)' = f'g + fg'$: each factor's derivative times the other factor, when both factors depend on "
        "the variable (as in SiLU, $z\\,\\sigma(z)$). A weight times a fixed input, $w\\cdot x$, is the "
        "constant-multiple rule in $w$.",
        L02,
        "2. The rules",
    ),
    Term(
        "quotient rule",
        "$\\left(\\frac{f}{g}\\right)' = \\frac{f'g - fg'}{g^2}$.",
        L02,
        "2. The rules",
    ),
    Term(
        "sum rule",
        "$(f + g)' = f' + g'$: the derivative of a sum is the sum of the derivatives.",
        L02,
        "2. The rules",
    ),
    Term(
        "activation function",
        "A nonlinear function applied elementwise after a layer's linear map $Wx + b$, such as ReLU, "
        "sigmoid or tanh. Its derivative enters every gradient that flows through the layer.",
        L02,
        "4. Derivatives of activation functions",
        aliases=("activation",),
    ),
    Term(
        "sigmoid",
        "$\\sigma(z) = \\frac{1}{1 + e^{-z}}$, squashing any number into $(0, 1)$. Its derivative "
        "$\\sigma(1-\\sigma)$ is at most 0.25, the source of vanishing gradients in deep sigmoid networks.",
        L02,
        "4. Derivatives of activation functions",
    ),
    Term(
        "tanh",
        "The hyperbolic tangent, squashing any number into $(-1, 1)$; its derivative is $1 - \\tanh^2$, "
        "at most 1.",
        L02,
        "4. Derivatives of activation functions",
    ),
    Term(
        "ReLU",
        "The rectified linear unit, $\\max(0, z)$. Its slope is 0 for $z < 0$ and 1 for $z > 0$; at the "
        "corner $z = 0$ frameworks use 0.",
        L02,
        "4. Derivatives of activation functions",
        also=((L01, "8. Where there is no derivative"),),
    ),
    Term(
        "SiLU (swish)",
        "The gated activation $z\\,\\sigma(z)$: the input scaled by its own sigmoid. Smooth, about 0 for very "
        "negative $z$ and about $z$ for large $z$; its slope $\\sigma(z)(1 + z(1 - \\sigma(z)))$ comes from the "
        "product rule.",
        L02,
        "2. The rules",
        aliases=("SiLU", "swish"),
        also=((L02, "4. Derivatives of activation functions"),),
    ),
    Term(
        "softmax",
        "Turns a vector of scores into probabilities, $e^{z_i} / \\sum_j e^{z_j}$. Each output depends on "
        "every input, so its derivative is a Jacobian matrix.",
        L02,
        "4. Derivatives of activation functions",
    ),
    Term(
        "mean squared error (MSE)",
        "The average of the squared differences between predictions and targets, "
        "$\\frac1n\\lVert Xw - y\\rVert^2$ for a linear model; its gradient is "
        "$\\frac2n X^\\top(Xw - y)$.",
        L02,
        "5. Derivatives of two losses",
        aliases=("mean squared error", "MSE"),
        also=((L06, "2. The gradient, derived"),),
    ),
    Term(
        "cross-entropy",
        "The loss for predicted probabilities. Binary cross-entropy for a label $y \\in \\{0, 1\\}$ and a "
        "prediction $p$ is $-[y\\ln p + (1-y)\\ln(1-p)]$; it punishes confident wrong predictions hard.",
        L02,
        "5. Derivatives of two losses",
        aliases=("binary cross-entropy",),
        also=((L09, "2. The model and its gradient"),),
    ),
    # ---- lesson 3 -----------------------------------------------------------
    Term(
        "composition",
        "Feeding one function's output into another: $h(x) = f(g(x))$, with $g$ the *inner* and $f$ the "
        "*outer* function. A network is a long composition of layers.",
        L03,
        "1. Functions inside functions",
        aliases=("compos",),
    ),
    Term(
        "chain rule",
        "The derivative of a composition: $\\frac{d}{dx}f(g(x)) = f'(g(x))\\,g'(x)$, the outer derivative "
        "at the inner value times the inner derivative. Forgetting the inner derivative is the classic "
        "mistake.",
        L03,
        "2. The chain rule",
        also=((L03, "6. The most common mistake: forgetting the inner derivative"),),
    ),
    Term(
        "computation graph",
        "A record of a computation as nodes (values and operations) joined by edges (which value feeds "
        "which operation). Backpropagation and autograd work on it.",
        L03,
        "7. Backpropagation: the chain rule, run backwards",
        also=((L07, "3. The graph: `requires_grad`, `grad_fn` and `backward`"),),
    ),
    Term(
        "backpropagation",
        "The chain rule run backwards through a computation graph: starting from the loss, each node "
        "multiplies the incoming gradient by its local derivative and passes it on; where a value is used "
        "twice, the contributions are added. It is reverse-mode automatic differentiation.",
        L03,
        "7. Backpropagation: the chain rule, run backwards",
    ),
    Term(
        "vanishing gradients",
        "Gradients that shrink geometrically on their way back through many layers, because the chain "
        "rule multiplies many slopes below 1 (sigmoid slopes are at most 0.25: $0.25^{10} \\approx "
        "9.5\\cdot10^{-7}$). The early layers then barely learn.",
        L03,
        "8. Vanishing and exploding gradients",
        aliases=("vanishing",),
        also=((L08, "6. Vanishing and exploding gradients in a deep chain"),),
    ),
    Term(
        "exploding gradients",
        "Gradients that grow geometrically through many layers because the multiplied slopes exceed 1; "
        "one step can throw the weights far away and overflow. Fixed by gradient clipping or better "
        "initialisation.",
        L03,
        "8. Vanishing and exploding gradients",
        aliases=("exploding",),
        also=((L08, "6. Vanishing and exploding gradients in a deep chain"),),
    ),
    Term(
        "residual connection",
        "A layer that adds its input to its output, $h_k = h_{k-1} + f(h_{k-1})$, so its local slope is "
        "$1 + f'$: gradients pass through many such layers without vanishing.",
        L08,
        "6. Vanishing and exploding gradients in a deep chain",
        aliases=("residual connections",),
    ),
    # ---- lesson 4 -----------------------------------------------------------
    Term(
        "partial derivative",
        "The derivative of a function of several variables with respect to one of them, the others held "
        "fixed: $\\frac{\\partial f}{\\partial x}$.",
        L04,
        "1. Partial derivatives: one variable at a time",
    ),
    Term(
        "gradient",
        "The vector of all partial derivatives, $\\nabla f = [\\partial f/\\partial x_1, \\dots]$. It has the "
        "shape of the parameters and points in the direction of steepest ascent.",
        L04,
        "2. The gradient: all the partials in one vector",
        also=((L04, "The gradient has the shape of the parameters"),),
    ),
    Term(
        "directional derivative",
        "The rate of change of $f$ along a unit direction $u$: $\\nabla f\\cdot u$. Largest along $\\nabla f$, "
        "zero at right angles to it.",
        L04,
        "3. Slopes in every direction",
        also=((L04, "5. Explore: the directional derivative"),),
    ),
    Term(
        "steepest ascent",
        "The direction in which a function increases fastest: the direction of the gradient. Its opposite, "
        "$-\\nabla f$, is the direction of steepest descent.",
        L04,
        "3. Slopes in every direction",
        aliases=("steepest",),
    ),
    Term(
        "level set (contour)",
        "All points where a function has the same value; in two dimensions, a contour line. The gradient is "
        "perpendicular to the level set through each point.",
        L04,
        "4. The picture: contours and the gradient field",
        aliases=("level set", "contour"),
    ),
    Term(
        "Jacobian",
        "For a function with vector outputs, the matrix of all partial derivatives "
        "$J_{ij} = \\partial f_i/\\partial x_j$: one row per output. A gradient is the Jacobian of a "
        "scalar function (written as a vector).",
        L04,
        "6. Vector outputs: the Jacobian",
    ),
    Term(
        "quadratic form",
        "An expression $x^\\top A x = \\sum_{i,j} x_i A_{ij} x_j$. Its gradient is $(A + A^\\top)x$, which is $2Ax$ "
        "only when $A$ is symmetric; $\\lVert x\\rVert^2$ is the case $A = I$.",
        L04,
        "7. Gradients of vector expressions",
        aliases=("xᵀAx",),
        also=((L06, "7. The normal equations: solving instead of descending"),),
    ),
    Term(
        "multivariable chain rule",
        "When $f$ depends on $t$ through several intermediate variables, $df/dt$ is a sum over the paths from "
        "$t$ to $f$ of the products of the derivatives along each path; in matrix form "
        "$\\nabla_x L(F(x)) = J_F^\\top \\nabla_F L$.",
        L04,
        "The multivariable chain rule: a sum over paths",
        aliases=("sum over paths", "sum over the paths"),
    ),
    Term(
        "Hessian",
        "The matrix of second partial derivatives $H_{ij} = \\partial^2 f/\\partial x_i\\partial x_j$. Its "
        "eigenvalues are the curvatures along its eigenvectors. At a point with zero gradient: all positive, "
        "a minimum; all negative, a maximum; mixed signs, a saddle.",
        L04,
        "8. Curvature: the Hessian",
        also=((L05, "The general rule: Hessian eigenvalues"),),
    ),
    Term(
        "curvature",
        "How fast the slope changes: the second derivative, or in several variables the Hessian's "
        "eigenvalues. High curvature needs a small learning rate.",
        L04,
        "8. Curvature: the Hessian",
    ),
    Term(
        "saddle point",
        "A point with zero gradient that is a minimum along some directions and a maximum along others, "
        "like $x^2 - y^2$ at the origin. A zero gradient is necessary for an interior minimum, not "
        "sufficient.",
        L04,
        "9. A zero gradient is necessary, not sufficient",
        aliases=("saddle",),
        also=((L05, "7. Local minima and saddle points"),),
    ),
    # ---- lesson 5 -----------------------------------------------------------
    Term(
        "gradient descent",
        "The iteration $w \\leftarrow w - \\eta\\,\\nabla L(w)$: repeatedly step against the gradient. The "
        "minus sign makes each small step lower the loss by about $\\eta\\lVert\\nabla L\\rVert^2$.",
        L05,
        "1. The update rule, and why it subtracts",
    ),
    Term(
        "learning rate",
        "The step size $\\eta$ (`lr` in code) of gradient descent. Too large and it oscillates and "
        "diverges; too small and it is slow (not stuck).",
        L05,
        "4. The learning rate, derived",
        aliases=("lr",),
        also=((L08, "1. A learning rate too large: oscillation, overflow, NaN"),),
    ),
    Term(
        "stability limit",
        "On a quadratic loss whose curvatures are all positive, gradient descent converges exactly when "
        "$\\eta < 2/\\lambda_{\\max}$ (the largest curvature): 1/3 on $x^2 + 3y^2$. The best fixed rate is "
        "$2/(\\lambda_{\\min} + \\lambda_{\\max})$. A direction of zero or negative curvature (a saddle) never "
        "shrinks, whatever the rate; momentum stretches the limit to $2(1 + \\beta)/\\lambda_{\\max}$.",
        L05,
        "4. The learning rate, derived",
        aliases=("stability", "stable"),
    ),
    Term(
        "convergence",
        "Iterates settling at a point (the gradient goes to zero and the loss stops changing). Guaranteed "
        "on a convex quadratic only when the learning rate is below the stability limit.",
        L05,
        "4. The learning rate, derived",
        aliases=("converge",),
    ),
    Term(
        "stopping rule",
        "When to end gradient descent: the gradient norm is small, the loss barely changes, or a maximum "
        "number of steps is reached (always keep the cap).",
        L05,
        "6. When to stop",
        aliases=("stopping", "stop"),
    ),
    Term(
        "local minimum",
        "A point lower than every point near it. A function can have several; which one gradient descent "
        "reaches depends on the start point and the step size. The lowest of all is the global minimum.",
        L05,
        "7. Local minima and saddle points",
        aliases=("local minima",),
    ),
    Term(
        "stochastic gradient descent (SGD)",
        "Gradient descent that estimates the gradient from one example, or a few, at a time instead of the "
        "whole data set: noisy but cheap steps. `torch.optim.SGD` is the optimizer that applies the plain "
        "update.",
        L05,
        "8. Stochastic and mini-batch gradient descent",
        aliases=("stochastic", "SGD"),
        also=((L07, "5. The training loop with `torch.optim.SGD`"),),
    ),
    Term(
        "mini-batch",
        "A small random subset of the training examples used to estimate the gradient for one step.",
        L05,
        "8. Stochastic and mini-batch gradient descent",
    ),
    Term(
        "epoch",
        "One pass through the whole training set; with mini-batches of size $b$ from $n$ examples, an "
        "epoch has about $n/b$ steps.",
        L05,
        "8. Stochastic and mini-batch gradient descent",
    ),
    Term(
        "momentum",
        "Gradient descent with a running velocity, $v \\leftarrow \\beta v + \\nabla L$, "
        "$w \\leftarrow w - \\eta v$: steps keep some of their direction, which speeds up long narrow "
        "valleys. On a quadratic it is stable for $0 < \\eta\\lambda < 2(1 + \\beta)$, and with the best "
        "$\\eta$ and $\\beta$ it needs about $\\sqrt{\\kappa}$ times fewer steps than plain descent.",
        L05,
        "9. Momentum: a one-line extension",
        aliases=("heavy ball",),
        also=((L05, "Momentum, analysed: one 2 × 2 matrix per direction"),),
    ),
    Term(
        "iteration matrix",
        "The matrix that maps the state of an iterative method from one step to the next. For momentum on a "
        "quadratic, along a curvature $\\lambda$: $\\begin{bmatrix} 1 + \\beta - \\eta\\lambda & -\\beta \\\\ 1 & 0 "
        "\\end{bmatrix}$ acting on the last two errors.",
        L05,
        "Momentum, analysed: one 2 × 2 matrix per direction",
    ),
    Term(
        "spectral radius",
        "The largest modulus of a matrix's eigenvalues, $\\rho(M)$. Repeating $x \\leftarrow Mx$ shrinks every "
        "start to 0 exactly when $\\rho(M) < 1$, roughly by the factor $\\rho$ per step.",
        L05,
        "Momentum, analysed: one 2 × 2 matrix per direction",
    ),
    Term(
        "condition number",
        "The ratio $\\kappa = \\lambda_{\\max}/\\lambda_{\\min}$ of the largest to the smallest curvature (for a "
        "matrix, of its largest to smallest singular value). A large $\\kappa$ makes gradient descent slow and "
        "costs digits in a linear solve; $\\kappa(X^\\top X) = \\kappa(X)^2$.",
        L05,
        "Momentum, analysed: one 2 × 2 matrix per direction",
        also=(
            (L06, "6. Feature scaling and the usable learning rate"),
            (L06, "7. The normal equations: solving instead of descending"),
        ),
    ),
    # ---- lesson 6 -----------------------------------------------------------
    Term(
        "linear regression",
        "Predicting $\\hat y = Xw$: each prediction is a weighted sum of the features. Fitted by minimising "
        "the mean squared error.",
        L06,
        "1. Linear regression with matrices",
    ),
    Term(
        "residual",
        "The vector of prediction errors $Xw - y$, one entry per example, shape $(n,)$. (Not to be "
        "confused with a residual connection.)",
        L06,
        "1. Linear regression with matrices",
    ),
    Term(
        "vectorization",
        "Writing a computation as whole-array operations ($X^\\top(Xw-y)$) instead of Python loops over "
        "examples: shorter, and much faster with NumPy or PyTorch.",
        L06,
        "2. The gradient, derived",
        aliases=("vectoriz",),
    ),
    Term(
        "shape",
        "The size of an array along each axis, e.g. $(100, 5)$ for 100 examples with 5 features. A gradient "
        "has the shape of the parameters: $(5,)$ for $w$ of shape $(5,)$.",
        L06,
        "3. Shapes",
        also=((L04, "The gradient has the shape of the parameters"),),
    ),
    Term(
        "broadcasting",
        "NumPy's rule for combining arrays of different shapes. It can silently turn a residual of shape "
        "$(n,)$ minus a column $(n, 1)$ into an $(n, n)$ matrix.",
        L06,
        "3. Shapes",
        aliases=("broadcast",),
    ),
    Term(
        "gradient check",
        "Comparing a gradient (hand-written or from autograd) with central finite differences at a few "
        "points before trusting it.",
        L06,
        "4. Checking a gradient against finite differences",
        aliases=("gradcheck",),
        also=((L08, "5. A finite-difference step that is too small"),),
    ),
    Term(
        "feature scaling",
        "Rescaling input features to similar ranges (e.g. zero mean, unit variance). It makes the loss "
        "surface rounder, so a larger learning rate is stable and training is faster.",
        L06,
        "6. Feature scaling and the usable learning rate",
    ),
    Term(
        "normal equations",
        "$X^\\top X\\, w = X^\\top y$: the linear equations that the minimiser of the least-squares loss "
        "$\\frac1n\\lVert Xw - y\\rVert^2$ solves, found by setting its gradient to zero. One solve costs about "
        "$nd^2 + d^3/3$ and $d^2$ memory; gradient descent costs $2nd$ per step.",
        L06,
        "7. The normal equations: solving instead of descending",
    ),
    # ---- lesson 7 -----------------------------------------------------------
    Term(
        "symbolic differentiation",
        "Applying derivative rules to a formula to get a new formula (SymPy's `diff`): exact, but the "
        "result can swell.",
        L07,
        "1. Three ways to get a derivative",
        aliases=("symbolic",),
    ),
    Term(
        "numerical differentiation",
        "Estimating derivatives by finite differences: works on any function, approximate, and costs $2n$ "
        "evaluations for a gradient in $n$ parameters (central differences).",
        L07,
        "1. Three ways to get a derivative",
        aliases=("numerical",),
    ),
    Term(
        "automatic differentiation (autograd)",
        "Recording the elementary operations of a program as it runs and applying the chain rule to that "
        "record with numbers: exact up to rounding, at the cost of about one extra pass.",
        L07,
        "1. Three ways to get a derivative",
        aliases=("automatic differentiation", "autograd"),
    ),
    Term(
        "expression swell",
        "The growth of symbolic derivatives: the chain and product rules copy subexpressions, so the "
        "derivative's formula grows much faster than the function's.",
        L07,
        "Exactness is not the only cost",
        aliases=("swell",),
    ),
    Term(
        "forward mode",
        "Automatic differentiation that carries derivatives along with the values from the inputs forward "
        "(e.g. with dual numbers): one pass per input direction.",
        L07,
        "2. Forward mode and reverse mode",
    ),
    Term(
        "reverse mode",
        "Automatic differentiation that runs the computation forward, then carries derivatives of one output "
        "backwards to every input: one pass per output. Backpropagation is reverse mode.",
        L07,
        "2. Forward mode and reverse mode",
    ),
    Term(
        "dual number",
        "A value paired with its derivative along one direction; arithmetic on pairs applies the sum and "
        "product rules. The simplest implementation of forward mode.",
        L07,
        "2. Forward mode and reverse mode",
        aliases=("Dual",),
    ),
    Term(
        "requires_grad",
        "A flag on a PyTorch tensor asking autograd to record every operation that uses it, so that "
        "gradients with respect to it can be computed.",
        L07,
        "3. The graph: `requires_grad`, `grad_fn` and `backward`",
    ),
    Term(
        "backward() and .grad",
        "`loss.backward()` runs reverse mode through the recorded graph and *adds* $\\partial$loss$/\\partial w$ "
        "into `w.grad` for every leaf tensor `w` with `requires_grad=True`.",
        L07,
        "3. The graph: `requires_grad`, `grad_fn` and `backward`",
        aliases=(".backward()", ".grad"),
    ),
    Term(
        "zero_grad",
        "Clearing accumulated gradients before the next backward pass: `optimizer.zero_grad()` or "
        "`w.grad.zero_()`. Forgetting it makes each step use the sum of all past gradients.",
        L07,
        "Gradients accumulate",
        aliases=("zero_grad", "zero_"),
        also=((L08, "3. A forgotten `zero_grad`: gradients pile up"),),
    ),
    Term(
        "vector-Jacobian product (VJP)",
        "$v^\\top J$ for the Jacobian $J$ of a function and a vector $v$ shaped like its output, computed by one "
        "reverse-mode pass without forming $J$: `y.backward(gradient=v)` puts it in `x.grad`.",
        L07,
        "`backward` on a vector: the `gradient` argument",
        aliases=("vector-Jacobian", "vjp"),
        also=((L07, "2. Forward mode and reverse mode"),),
    ),
    Term(
        "no_grad and detach",
        "`with torch.no_grad():` runs code without recording it (for parameter updates); `t.detach()` gives "
        "the same numbers without history (for logging or NumPy). Prefer `.detach()` to `.data`.",
        L07,
        "4. Updating parameters: `no_grad` and `detach`",
        aliases=("no_grad", "detach"),
        also=((L07, "`detach` inside a computation: stopping a gradient"),),
    ),
    Term(
        "optimizer",
        "An object that holds the parameters and applies an update rule to them from their `.grad`: "
        "`torch.optim.SGD` does $w \\leftarrow w - \\eta\\,$`w.grad` on `step()`; others (momentum, Adam) keep "
        "extra state.",
        L07,
        "5. The training loop with `torch.optim.SGD`",
    ),
    Term(
        "training loop",
        "The four lines repeated in every PyTorch training run: `optimizer.zero_grad()`, forward pass "
        "(compute the loss), `loss.backward()`, `optimizer.step()`.",
        L07,
        "5. The training loop with `torch.optim.SGD`",
    ),
    # ---- lesson 8 -----------------------------------------------------------
    Term(
        "overflow",
        "A result too large for its float type becomes `inf`: beyond about $1.8\\cdot10^{308}$ in float64 "
        "and $3.4\\cdot10^{38}$ in float32. A diverging run overflows after many steps (1050 for "
        "$\\eta = 0.4$ on $x^2 + 3y^2$ in float64, 127 in float32).",
        L08,
        "1. A learning rate too large: oscillation, overflow, NaN",
        aliases=("overflow",),
    ),
    Term(
        "NaN",
        '"Not a number": the result of an undefined operation such as $\\infty - \\infty$ or '
        "$0\\cdot\\infty$. Overflow alone gives `inf`; NaN appears when `inf` meets such an operation, e.g. "
        "in the update $w - \\eta g$ with $w$ and $g$ both infinite.",
        L08,
        "1. A learning rate too large: oscillation, overflow, NaN",
    ),
    Term(
        "float32 and float64",
        "Floating-point numbers with about 7 and 16 significant digits. PyTorch's default is float32: it "
        "overflows sooner, and round-off ruins finite differences at larger steps; check gradients in "
        "float64.",
        L08,
        "1. A learning rate too large: oscillation, overflow, NaN",
        aliases=("float32", "float64"),
    ),
    Term(
        "convexity",
        "A function is convex when every chord lies on or above its graph (for a smooth function: its "
        "Hessian has no negative eigenvalues). Every local minimum is then global, but gradient descent "
        "still diverges if $\\eta > 2/\\lambda_{\\max}$.",
        L08,
        "1. A learning rate too large: oscillation, overflow, NaN",
        aliases=("convex",),
    ),
    Term(
        "gradient clipping",
        "Scaling a gradient down when its norm exceeds a limit $c$, $g \\leftarrow g\\min(1, c/\\lVert g\\rVert)$: "
        "same direction, capped step length. The standard fix for exploding gradients "
        "(`torch.nn.utils.clip_grad_norm_`).",
        L08,
        "7. Gradient clipping",
        aliases=("clipping", "clip"),
    ),
    # ---- the lab ------------------------------------------------------------
    Term(
        "softmax regression",
        "A linear classifier: each class $k$ gets a score $z_k = a\\cdot w_k$, the softmax turns the scores into "
        "probabilities, and the cross-entropy is the loss. Its gradient is $\\frac1n A^\\top(P - Y)$. Also "
        "called multinomial logistic regression.",
        L09,
        "2. The model and its gradient",
        aliases=("multinomial logistic regression",),
    ),
    Term(
        "one-hot encoding",
        "Writing a class label as a vector with a 1 in the position of the class and 0 elsewhere (label 2 of "
        "ten becomes $[0, 0, 1, 0, \\dots, 0]$), so that labels and predicted probabilities can be subtracted.",
        L09,
        "2. The model and its gradient",
        aliases=("one-hot",),
    ),
    Term(
        "held-out data",
        "Examples set aside before training and never used for it (not even for standardising), so that "
        "the model's score on them measures how it does on new data. Also called a test set.",
        L09,
        "1. The data",
        aliases=("held-out", "held out", "test set"),
    ),
    Term(
        "accuracy",
        "The share of examples a classifier gets right: a *metric*, the number you report. It is a staircase "
        "in the weights, with zero gradient almost everywhere, so models are trained on a smooth loss such "
        "as the cross-entropy and judged by the accuracy on held-out data.",
        L09,
        "4. The loss is what we train on; the accuracy is what we care about",
        aliases=("metric",),
    ),
]


# ----------------------------------------------------------------------------
# Rendering
# ----------------------------------------------------------------------------


def sorted_terms(terms=None) -> list[Term]:
    """Alphabetical, ignoring case and leading punctuation."""
    return sorted(terms or TERMS, key=lambda t: t.term.lower().lstrip("._"))


def entry_markdown(term: Term) -> str:
    places = [link(term.lesson, term.section)] + [
        link(lesson, section) for lesson, section in term.also
    ]
    return f"**{term.term}**: {term.definition}  \n*Taught in* " + "; *see also* ".join(places)


def markdown_cells(terms=None) -> list[str]:
    """The glossary notebook's markdown cells: a title, a letter index, one cell per letter."""
    groups: dict[str, list[Term]] = {}
    for term in sorted_terms(terms):
        groups.setdefault(term.term.lstrip("._")[0].upper(), []).append(term)
    letters = " · ".join(f"[{letter}](#{letter})" for letter in groups)
    title = (
        f"# Glossary\n\nEvery term the course uses, in a sentence or two, with a link to the lesson "
        f"section that teaches it ({len(sorted_terms(terms))} terms). Use your browser's search "
        f"(Ctrl+F) or the search cell at the end.\n\n{letters}\n\n"
        "Back to the [course home](00-course-home.ipynb)."
    )
    cells = [title]
    for letter, group in groups.items():
        cells.append(f"## {letter}\n\n" + "\n\n".join(entry_markdown(t) for t in group))
    return cells


SEARCH_CELL = (
    "from helpers.glossary import lookup\n\n"
    'lookup("gradient")  # any word: shows every entry whose name or definition contains it'
)


class Lookup:
    """Glossary entries matching a word, shown as HTML with links (or as text)."""

    def __init__(self, word: str, terms: list[Term]):
        self.word, self.terms = word, terms

    def __repr__(self) -> str:
        if not self.terms:
            return f"No glossary entry mentions {self.word!r}."
        return "\n\n".join(
            f"{t.term}: {t.definition}\n  taught in {t.lesson} § {t.section}" for t in self.terms
        )

    def _repr_markdown_(self) -> str:
        if not self.terms:
            return f"No glossary entry mentions *{html.escape(self.word)}*."
        return "\n\n".join(entry_markdown(t) for t in self.terms)


def lookup(word: str) -> Lookup:
    """Entries whose name (first) or definition mentions ``word`` (case-insensitive)."""
    needle = word.lower().strip()
    by_name = [t for t in sorted_terms() if needle in t.term.lower()]
    by_text = [t for t in sorted_terms() if needle in t.definition.lower() and t not in by_name]
    return Lookup(word, by_name + by_text)


def write_notebook(path) -> None:
    """Write the glossary notebook (markdown generated from :data:`TERMS`, one search cell).

    Cells keep the ids of the notebook they replace, position by position, so that
    regenerating it changes only the text that changed.
    """
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    cells = [new_markdown_cell(text) for text in markdown_cells()]
    cells.append(new_markdown_cell("## Search"))
    cells.append(new_code_cell(SEARCH_CELL))
    try:
        old_ids = [cell.id for cell in nbformat.read(str(path), as_version=4).cells]
    except (OSError, ValueError):
        old_ids = []
    for cell, old_id in zip(cells, old_ids):
        cell.id = old_id
    nb = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "name": "python3",
            },
            "language_info": {"name": "python"},
        },
    )
    nbformat.write(nb, str(path))


if __name__ == "__main__":  # python -m helpers.glossary lessons/99-glossary.ipynb
    write_notebook(sys.argv[1] if len(sys.argv) > 1 else "lessons/99-glossary.ipynb")
