"""Training failures, each one switch on one plain gradient-descent loop (lesson 08).

Lesson 08 ("When training goes wrong") and its lab widget
(:class:`helpers.widgets.training_lab.TrainingLab`) use :func:`train`, a
gradient-descent loop written the way a learner writes it, with a switch for each
classic bug: a flipped sign, a forgotten ``zero_grad`` (gradients accumulate),
integer parameters (each update truncated), float32 arithmetic, a finite-difference
gradient with a step ``h`` that is too small, and the fix for exploding gradients,
clipping the gradient norm. A broken run and its fix differ in exactly one setting.

:func:`diagnose` reads only what a practitioner can watch (the losses, the
parameters, the gradient used against a freshly computed one, the size of each
layer's gradient) and says what went wrong and how to fix it.

    run = train(PROBLEMS["elongated bowl"], lr=0.4, num_steps=1200)
    run.first_inf        # 1050: the step at which the loss first overflows
    diagnose(run)[0]     # the main finding, e.g. "learning rate too large"
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from helpers.activations import relu, relu_prime, sigmoid, sigmoid_prime

DTYPES = {"float64": np.float64, "float32": np.float32, "int64": np.int64}


# ----------------------------------------------------------------------------
# Problems: a loss, its exact gradient and a start point
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A loss of the parameter vector ``w`` with its exact gradient.

    ``traced`` names the two parameters plotted by the lab; ``layered`` marks a
    deep chain, whose first and last layer gradients are compared.
    """

    name: str
    loss: Callable[[np.ndarray], float]
    grad: Callable[[np.ndarray], np.ndarray]
    w0: tuple
    description: str
    traced: tuple[tuple[int, str], tuple[int, str]] = ((0, "x"), (1, "y"))
    layered: bool = False


def _bowl(center=(0.0, 0.0)):
    cx, cy = center

    def loss(w):
        return (w[0] - cx) ** 2 + 3 * (w[1] - cy) ** 2

    def grad(w):
        return np.array([2 * (w[0] - cx), 6 * (w[1] - cy)], dtype=np.result_type(w, np.float32))

    return loss, grad


def chain_forward(w, x: float = 1.0, activation: str = "identity"):
    """Forward pass through a chain of scalar layers ``h_k = act(w_k * h_{k-1})``.

    Returns ``(h, z)``: the activations ``h_0 = x, ..., h_n`` and the
    pre-activations ``z_1 ... z_n``, in ``w``'s float type.
    """
    w = np.asarray(w)
    dtype = np.result_type(w, np.float32)
    w = w.astype(dtype, copy=False)
    if activation == "identity":  # h_k = x * w_1 * ... * w_k, all at once
        h = dtype.type(x) * np.cumprod(np.concatenate([np.ones(1, dtype), w]))
        return h, h[1:].copy()
    act = _ACTIVATIONS[activation][0]
    h = np.empty(len(w) + 1, dtype=dtype)
    z = np.empty(len(w), dtype=dtype)
    h[0] = x
    for k in range(len(w)):
        z[k] = w[k] * h[k]
        h[k + 1] = act(z[k])
    return h, z


def chain_gradient(w, x: float = 1.0, target: float = 1.0, activation: str = "identity"):
    """Backpropagation by hand through the chain: dL/dw_k for L = (h_n - target)^2.

    The chain rule run backwards (lesson 03): ``delta`` is dL/dh_k, multiplied
    by each layer's local slope ``act'(z_k) * w_k`` on its way to the input.
    """
    h, z = chain_forward(w, x, activation)
    w = np.asarray(w).astype(h.dtype, copy=False)
    delta = 2 * (h[-1] - h.dtype.type(target))
    if activation == "identity":  # dL/dw_k = delta * h_{k-1} * w_{k+1} * ... * w_n
        after = np.concatenate([np.cumprod(w[:0:-1])[::-1], np.ones(1, h.dtype)])
        return delta * h[:-1] * after
    slope = _ACTIVATIONS[activation][1]
    grad = np.empty_like(z)
    for k in range(len(z) - 1, -1, -1):
        local = delta * slope(z[k])
        grad[k] = local * h[k]
        delta = local * w[k]
    return grad


def chain_input_gradients(w, x: float = 1.0, activation: str = "identity") -> np.ndarray:
    """d(output)/d(h_k) for k = 0 .. n-1: how much a wiggle of each layer's input reaches the output.

    The chain rule makes it the product of the local slopes ``act'(z_j) * w_j`` of
    every layer after ``h_k``: below 1 they vanish, above 1 they explode.
    """
    _, z = chain_forward(w, x, activation)
    slope = _ACTIVATIONS[activation][1]
    local = np.array([slope(z_j) for z_j in z], dtype=z.dtype) * np.asarray(w).astype(z.dtype)
    return np.cumprod(local[::-1])[::-1]


# activation -> (function, slope), applied to one NumPy scalar at a time in its own
# float type (the activations keep float32 as float32)
_ACTIVATIONS = {
    "identity": (lambda z: z, lambda z: z.dtype.type(1)),
    "sigmoid": (sigmoid, sigmoid_prime),
    "relu": (relu, relu_prime),  # ReLU'(0) = 0, the frameworks' convention
}


def _chain(activation, x, target):
    def loss(w):
        h, _ = chain_forward(w, x, activation)
        return (h[-1] - target) ** 2

    def grad(w):
        return chain_gradient(w, x, target, activation)

    return loss, grad


_bowl_loss, _bowl_grad = _bowl()
_shifted_loss, _shifted_grad = _bowl((3.0, 2.0))
_linear_loss, _linear_grad = _chain("identity", 1.0, 1.0)
_sigmoid_loss, _sigmoid_grad = _chain("sigmoid", 1.0, 0.2)
_relu_loss, _relu_grad = _chain("relu", 1.0, 0.2)

PROBLEMS: dict[str, Problem] = {
    p.name: p
    for p in [
        Problem(
            "elongated bowl",
            _bowl_loss,
            _bowl_grad,
            (4.0, 3.0),
            "L = x² + 3y² from (4, 3); curvatures 2 and 6, so lr must stay below 1/3",
        ),
        Problem(
            "shifted bowl",
            _shifted_loss,
            _shifted_grad,
            (0.0, 0.0),
            "L = (x − 3)² + 3(y − 2)² from (0, 0); the minimum is at (3, 2)",
        ),
        Problem(
            "deep linear chain",
            _linear_loss,
            _linear_grad,
            (1.2,) * 20,
            "20 layers h = w·h, every w = 1.2, loss (output − 1)²: output 1.2²⁰ ≈ 38",
            traced=((0, "w₁ (first layer)"), (19, "w₂₀ (last layer)")),
            layered=True,
        ),
        Problem(
            "sigmoid chain",
            _sigmoid_loss,
            _sigmoid_grad,
            (1.0,) * 10,
            "10 layers h = σ(w·h), every w = 1, loss (output − 0.2)²",
            traced=((0, "w₁ (first layer)"), (9, "w₁₀ (last layer)")),
            layered=True,
        ),
        Problem(
            "relu chain",
            _relu_loss,
            _relu_grad,
            (1.0,) * 10,
            "10 layers h = relu(w·h), every w = 1, loss (output − 0.2)²",
            traced=((0, "w₁ (first layer)"), (9, "w₁₀ (last layer)")),
            layered=True,
        ),
    ]
}


# ----------------------------------------------------------------------------
# Gradients as a learner might compute them
# ----------------------------------------------------------------------------


def finite_difference_gradient(loss, w, h: float, method: str = "forward") -> np.ndarray:
    """Finite-difference gradient, one coordinate at a time, in ``w``'s float type.

    ``method="forward"`` is (L(w + h e_i) − L(w)) / h, the secant of lesson 01;
    ``"central"`` is (L(w + h e_i) − L(w − h e_i)) / 2h.

    Deliberately not :func:`helpers.gradcheck.numerical_gradient`, which always works
    in float64: lesson 08 shows what round-off does to a float32 gradient check, so
    every step here must stay in ``w``'s own precision.
    """
    w = np.asarray(w)
    w = w.astype(np.result_type(w, np.float32))  # a copy: the caller's w is never perturbed
    h = w.dtype.type(h)
    grad = np.empty_like(w)
    base = loss(w) if method == "forward" else None
    for i in range(len(w)):
        original = w[i]
        w[i] = original + h
        plus = loss(w)
        if method == "forward":
            w[i] = original
            grad[i] = (plus - base) / h
        else:
            w[i] = original - h
            minus = loss(w)
            w[i] = original
            grad[i] = (plus - minus) / (2 * h)
    return grad


def clip_by_norm(grad, max_norm: float) -> np.ndarray:
    """Scale ``grad`` down so its Euclidean norm is at most ``max_norm``.

    The same rule as ``torch.nn.utils.clip_grad_norm_``: multiply by
    ``min(1, max_norm / (norm + 1e-6))``; the direction never changes.
    """
    grad = np.asarray(grad)
    norm = float(np.sqrt(np.sum(np.square(grad, dtype=np.float64))))
    coef = min(1.0, max_norm / (norm + 1e-6))
    return grad * grad.dtype.type(coef) if coef < 1.0 else grad.copy()


# ----------------------------------------------------------------------------
# The training loop with its switches
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """What a training run leaves behind.

    ``losses[k]`` and ``path[k]`` belong together: the loss *at* ``path[k]``,
    before step k is taken. ``used[k]`` is the gradient the update applied at
    step k (after accumulation and clipping), ``exact[k]`` the true gradient at
    ``path[k]``. A run stops early at the first NaN loss (nothing changes after).
    """

    problem: Problem
    settings: dict
    losses: np.ndarray
    path: np.ndarray
    used: np.ndarray
    exact: np.ndarray
    clipped: int = 0
    stopped_early: bool = False

    @property
    def num_steps(self) -> int:
        return len(self.losses) - 1

    def _first(self, mask) -> int | None:
        hits = np.flatnonzero(mask)
        return int(hits[0]) if hits.size else None

    @property
    def first_inf(self) -> int | None:
        """The first step whose loss is ±inf (None when it never overflows)."""
        return self._first(np.isinf(self.losses))

    @property
    def first_nan(self) -> int | None:
        """The first step whose loss is NaN."""
        return self._first(np.isnan(self.losses))


def train(
    problem: Problem | str,
    lr: float,
    num_steps: int,
    *,
    flip_sign: bool = False,
    zero_grad: bool = True,
    dtype: str = "float64",
    fd_step: float | None = None,
    fd_method: str = "forward",
    clip_norm: float | None = None,
    w0=None,
) -> Run:
    """Plain gradient descent ``w ← w − lr·grad`` with one switch per classic bug.

    - ``flip_sign``: ``w + lr·grad`` (walks uphill);
    - ``zero_grad=False``: the gradient buffer is never cleared, so each step
      uses the sum of every gradient so far, as PyTorch's ``.grad`` does when
      ``optimizer.zero_grad()`` is forgotten;
    - ``dtype="int64"``: integer parameters; ``w[:] = w - lr*grad`` silently
      truncates each new value toward zero;
    - ``dtype="float32"``: every value is a 32-bit float (PyTorch's default);
    - ``fd_step=h``: the gradient comes from finite differences with step ``h``;
    - ``clip_norm``: the fix for exploding gradients (:func:`clip_by_norm`).

    ``w0`` overrides the problem's start point (never modified).
    """
    if isinstance(problem, str):
        problem = PROBLEMS[problem]
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {sorted(DTYPES)}")
    integer = dtype == "int64"
    float_type = np.float64 if integer else DTYPES[dtype]
    w = np.array(problem.w0 if w0 is None else w0, dtype=DTYPES[dtype])
    step_size = float_type(lr)
    buffer = np.zeros(w.shape, dtype=float_type)
    losses, path, used, exact = [], [], [], []
    clipped = 0
    stopped = False
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(num_steps + 1):
            wf = w.astype(float_type)
            loss = problem.loss(wf)
            losses.append(loss)
            path.append(wf)
            if np.isnan(loss) or len(losses) == num_steps + 1:
                stopped = np.isnan(loss) and len(losses) < num_steps + 1
                break
            true_grad = problem.grad(wf)
            grad = (
                true_grad
                if fd_step is None
                else finite_difference_gradient(problem.loss, wf, fd_step, fd_method)
            )
            buffer = grad if zero_grad else buffer + grad
            step = buffer
            if clip_norm is not None:
                step = clip_by_norm(buffer, clip_norm)
                clipped += not np.array_equal(step, buffer)
            used.append(step)
            exact.append(true_grad)
            new = wf + step_size * step if flip_sign else wf - step_size * step
            if integer:
                if not np.all(np.isfinite(new)):
                    stopped = True
                    break
                w[:] = new  # the silent bug: NumPy truncates floats stored into an int array
            else:
                w = new
    d = len(w)
    settings = dict(
        lr=lr,
        num_steps=num_steps,
        flip_sign=flip_sign,
        zero_grad=zero_grad,
        dtype=dtype,
        fd_step=fd_step,
        fd_method=fd_method,
        clip_norm=clip_norm,
    )
    return Run(
        problem,
        settings,
        np.array(losses, dtype=np.float64),
        np.array(path, dtype=np.float64),
        np.array(used, dtype=np.float64).reshape(-1, d),
        np.array(exact, dtype=np.float64).reshape(-1, d),
        clipped,
        stopped,
    )


# ----------------------------------------------------------------------------
# Diagnosis from the symptoms
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One thing that went wrong (or right): what is seen, why, and the fix."""

    name: str
    symptom: str
    fix: str

    def __str__(self) -> str:
        return f"{self.name}: {self.symptom}" + (f" Fix: {self.fix}" if self.fix else "")


def _fmt(value: float) -> str:
    return f"{value:.3g}" if np.isfinite(value) else str(value)


def sign_change_fraction(values) -> float:
    """Share of consecutive nonzero values that change sign (1 = flips every time)."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values) & (values != 0)]
    if len(values) < 3:
        return 0.0
    return float(np.mean(np.sign(values[1:]) != np.sign(values[:-1])))


def diagnose(run: Run) -> list[Finding]:
    """What went wrong, read from what one can watch: losses, parameters, gradients.

    The first finding is the main one. It never looks at the switches
    (``run.settings``) to decide, only at the symptoms, so it could run on any log.
    """
    with np.errstate(all="ignore"):
        return _diagnose(run)


def _gradient_findings(run: Run) -> list[Finding]:
    """Is the gradient used the gradient? Compared with a fresh, exact one."""
    used, exact, k = run.used, run.exact, len(run.used)
    if k == 0 or run.clipped:
        return []
    if k >= 2:
        running_sum = np.cumsum(exact, axis=0)[1:]
        later_used, later_exact = used[1:], exact[1:]
        ok = np.isfinite(later_used).all(axis=1) & np.isfinite(running_sum).all(axis=1)
        if (
            ok.any()
            and np.allclose(later_used[ok], running_sum[ok], rtol=1e-4, atol=1e-9)
            and not np.allclose(later_used[ok], later_exact[ok], rtol=1e-2, atol=1e-9)
        ):
            ratio = np.linalg.norm(used[1]) / max(np.linalg.norm(exact[1]), 1e-300)
            return [
                Finding(
                    "gradients accumulate (forgotten zero_grad)",
                    f"the gradient used at step 1 is {ratio:.3g}× the fresh gradient: it is the sum of every "
                    "gradient so far, so the loss swings up and down instead of settling.",
                    "clear the gradient before each backward pass: optimizer.zero_grad() (or w.grad.zero_()).",
                )
            ]
    if np.all(np.isfinite(exact[0])):
        rel = float(np.max(np.abs(used[0] - exact[0]) / np.maximum(np.abs(exact[0]), 1e-12)))
        if rel > 1e-3:
            return [
                Finding(
                    "wrong gradient estimate (finite-difference step)",
                    f"the finite-difference gradient at the start, {np.round(used[0], 4).tolist()}, is off from the "
                    f"exact {np.round(exact[0], 4).tolist()} by up to {100 * rel:.3g}%: with a tiny step h, "
                    "L(w + h) − L(w) is a few float spacings, mostly round-off.",
                    "use central differences with h ≈ 1e-5, or autograd; check against a gradient you trust.",
                )
            ]
    return []


def _layer_findings(run: Run) -> list[Finding]:
    """Exploding or vanishing gradients through a deep chain."""
    if not run.problem.layered or len(run.exact) == 0 or not np.all(np.isfinite(run.exact[0])):
        return []
    g = np.abs(run.exact[0])
    first, last = run.problem.traced[0][0], run.problem.traced[1][0]
    norm = float(np.linalg.norm(g))
    if norm > 1e3:
        if run.clipped:
            return [
                Finding(
                    "exploding gradients, clipped",
                    f"the gradient norm at the start is {_fmt(norm)}; clipping scaled it down in "
                    f"{run.clipped} of {len(run.used)} steps, so each step stays small.",
                    "",
                )
            ]
        return [
            Finding(
                "exploding gradients",
                f"the gradient norm at the start is {_fmt(norm)}: the chain rule multiplies the "
                "slopes of all the layers, and one step throws the weights far away.",
                "clip the gradient norm (torch.nn.utils.clip_grad_norm_), or initialise the weights "
                "so each layer's slope is near 1.",
            )
        ]
    if g[last] > 0 and g[first] / g[last] < 1e-3:
        return [
            Finding(
                "vanishing gradients",
                f"|∂L/∂w| is {_fmt(g[first])} at the first layer but {_fmt(g[last])} at the last "
                f"(ratio {_fmt(g[first] / g[last])}): each sigmoid slope is ≤ 0.25, and the chain rule "
                "multiplies them, so the early layers barely learn.",
                "activations whose slope is 1 where active (ReLU), residual connections, or normalisation.",
            )
        ]
    return []


def _stuck_findings(run: Run, finite) -> list[Finding]:
    """The gradient is not zero, the loss is not small, yet the parameters do not move."""
    path, losses = run.path[finite], run.losses[finite]
    if len(path) < 4 or len(run.exact) == 0:
        return []
    moves = np.abs(np.diff(path, axis=0)).sum(axis=1)
    if (
        np.all(moves[-3:] == 0)
        and losses[-1] > 1e-3 * losses[0]
        and np.linalg.norm(run.exact[-1]) > 1e-6
    ):
        return [
            Finding(
                "updates lost (integer parameters)",
                f"the parameters stopped at {np.round(path[-1], 4).tolist()} although the gradient there is "
                f"{np.round(run.exact[-1], 4).tolist()}: each update is rounded away, as when w is an integer "
                "array and w[:] = w − lr·grad truncates toward zero.",
                "make the parameters floats: np.asarray(w0, dtype=float).",
            )
        ]
    return []


def _trend_findings(run: Run, finite, judged: bool) -> list[Finding]:
    """Which way the loss goes, and how the parameters move while it does."""
    losses, path = run.losses[finite], run.path[finite]
    if len(losses) < 3:
        return []
    if losses[-1] > 1.5 * losses[0]:
        i = int(np.argmax(np.abs(path[-1] - path[0])))  # the parameter that moved most
        flips = sign_change_fraction(np.diff(path[:, i]))
        factor = (losses[-1] / losses[0]) ** (1 / (len(losses) - 1)) if losses[0] > 0 else np.inf
        name = dict(run.problem.traced).get(i, f"w[{i}]")
        if flips > 0.8:
            return [
                Finding(
                    "learning rate too large",
                    f"the loss grows ×{factor:.3g} per step while each step of {name} reverses "
                    "direction: it overshoots the minimum further every time.",
                    "lower the learning rate: on a quadratic, below 2/(largest curvature).",
                )
            ]
        if flips < 0.2:
            return [
                Finding(
                    "sign flipped (update goes uphill)",
                    f"the loss grows ×{factor:.3g} per step while {name} drifts one way and never "
                    "turns back.",
                    "subtract the gradient: w ← w − lr·grad.",
                )
            ]
        return (
            []
            if judged
            else [
                Finding(
                    "unstable",
                    "the loss grows without a clear pattern.",
                    "lower the learning rate, then check the gradient.",
                )
            ]
        )
    if judged:
        return []
    falls = np.diff(losses) < 0
    if losses[-1] <= 1e-3 * losses[0]:
        return [
            Finding(
                "healthy",
                f"the loss fell from {_fmt(losses[0])} to {_fmt(losses[-1])} in "
                f"{len(losses) - 1} steps.",
                "",
            )
        ]
    if falls.mean() > 0.9:
        return [
            Finding(
                "slow",
                f"the loss falls steadily but only ×{_fmt(losses[0] / losses[-1])} so far.",
                "more steps, or a larger learning rate (below the stability limit).",
            )
        ]
    return [
        Finding(
            "not settling",
            f"the loss moves up and down ({100 * falls.mean():.0f}% of steps go "
            "down) without settling.",
            "lower the learning rate.",
        )
    ]


def _overflow_findings(run: Run) -> list[Finding]:
    if run.first_inf is None and run.first_nan is None:
        return []
    text = (
        f"the loss overflowed to inf at step {run.first_inf}"
        if run.first_inf is not None
        else "the loss became NaN"
    )
    if run.first_nan is not None and run.first_inf is not None:
        text += (
            f" and became NaN at step {run.first_nan}: NaN needs an undefined operation such as "
            "inf − inf or 0·inf, which the update makes once a parameter or a gradient is ±inf"
        )
    return [
        Finding("overflow", text + ".", "remove the cause above; the overflow is only its end.")
    ]


def _diagnose(run: Run) -> list[Finding]:
    finite = np.isfinite(run.losses)
    findings = _gradient_findings(run) + _layer_findings(run) + _stuck_findings(run, finite)
    # a clipped explosion is handled: the loss trend gives the verdict, the clipping is a note
    judged = any(f.name != "exploding gradients, clipped" for f in findings)
    findings += _trend_findings(run, finite, judged)
    findings.sort(key=lambda f: f.name == "exploding gradients, clipped")
    findings += _overflow_findings(run)
    return findings or [Finding("no clear verdict", "too few steps to judge.", "run more steps.")]
