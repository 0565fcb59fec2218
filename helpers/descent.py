"""The lessons' reference gradient descent (introduced in lesson 05, reused in lesson 06).

This is the *lessons'* tool: the playground widget, the figures and the worked
runs of lessons 05 and 06 call it, so that every run is computed the same way.
It is not the answer to exercise 02: there you write your own
``gradient_descent(grad, w0, learning_rate, num_steps, tol)`` from scratch, and
the point of the exercise is to write that loop yourself.

What is here:

* :func:`run_gradient_descent` - ``w <- w - lr * grad(w)``, with the three
  stopping rules of lesson 05 (gradient norm, loss change, maximum steps), an
  optional momentum term, and a guard that stops at the first non-finite iterate
  (a diverging run ends with it instead of filling the path with NaN).
* :class:`DescentRun` - the path, losses and gradient norms of one run, and why
  it stopped. :func:`verdict` classifies a run: converged, oscillating,
  diverged, escaping (the loss falls without bound) or still descending.
* :func:`quadratic_stability`, :func:`contraction_factor` and :func:`max_stable_lr` - the stability
  analysis of lesson 05: on a quadratic with Hessian eigenvalues ``lam``, each
  step multiplies the error along eigenvector ``i`` by ``1 - lr * lam_i``, so
  the run converges exactly when ``|1 - lr * lam_i| < 1`` for every ``i``, i.e. (when
  every ``lam_i > 0``) ``0 < lr < 2 / lam_max``; a curvature ``<= 0`` (a saddle) never
  shrinks. The fastest fixed rate is ``2 / (lam_min + lam_max)``.
* :func:`minibatch_sgd` and :func:`batches` - stochastic and mini-batch
  gradient descent on a data set of ``n`` examples (lesson 05).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

STOP_REASONS = ("max steps", "gradient norm", "loss change", "not finite")


@dataclass(frozen=True)
class DescentRun:
    """One gradient-descent run.

    ``path`` has shape ``(k + 1, d)``: the start, then every iterate. ``losses``
    and ``grad_norms`` have shape ``(k + 1,)`` (``losses`` is NaN everywhere
    when no loss function was given). ``stop_reason`` is one of
    :data:`STOP_REASONS`.
    """

    path: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    lr: float
    stop_reason: str
    momentum: float = 0.0

    @property
    def num_steps(self) -> int:
        """How many updates were made (the path has one more row)."""
        return len(self.path) - 1

    @property
    def final(self) -> np.ndarray:
        return self.path[-1]

    @property
    def final_loss(self) -> float:
        return float(self.losses[-1])

    @property
    def finite(self) -> bool:
        """False when the run overflowed (its last iterate is inf or NaN)."""
        return self.stop_reason != "not finite"

    @property
    def steps(self) -> np.ndarray:
        """The update vectors ``path[k+1] - path[k]``, shape ``(k, d)``."""
        with np.errstate(invalid="ignore", over="ignore"):
            return np.diff(self.path, axis=0)


def _norm(vector: np.ndarray) -> float:
    """Euclidean norm without spurious overflow: ||[1e200, 0]|| is 1e200, not inf."""
    return math.hypot(*vector.tolist()) if vector.size else 0.0


def run_gradient_descent(
    grad,
    w0,
    lr: float,
    num_steps: int,
    *,
    loss=None,
    grad_tol: float = 0.0,
    loss_tol: float = 0.0,
    momentum: float = 0.0,
) -> DescentRun:
    """Run ``w <- w - lr * grad(w)`` from ``w0`` for at most ``num_steps`` steps.

    Stopping rules (lesson 05), checked in this order:

    * ``grad_tol``: stop at the first iterate whose gradient norm is ``<= grad_tol``
      (the path ends at that iterate);
    * ``loss_tol`` (needs ``loss``): stop after a step that changed the loss by
      at most ``loss_tol``;
    * a non-finite iterate or loss (overflow): stop, the path ends with it;
    * otherwise after ``num_steps`` steps.

    ``momentum`` (``beta``) turns on the heavy-ball update of lesson 05:
    ``v <- beta * v + grad(w)``, ``w <- w - lr * v`` (``beta = 0`` is plain descent).

    ``w0`` is never modified; a scalar ``w0`` is treated as a 1-D parameter.
    Overflow warnings of a diverging run are silenced: the run reports it.
    """
    w = np.array(w0, dtype=float).reshape(-1)
    if num_steps < 0:
        raise ValueError("num_steps must be >= 0")
    if loss_tol > 0 and loss is None:
        raise ValueError("the loss-change rule needs the loss function: pass loss=...")
    velocity = np.zeros_like(w)
    path, losses, norms = [w.copy()], [], []
    reason = "max steps"
    with np.errstate(over="ignore", invalid="ignore"):
        current_loss = float(loss(w)) if loss is not None else np.nan
        for _ in range(num_steps + 1):
            g = np.asarray(grad(w), dtype=float).reshape(-1)
            norm = _norm(g)
            losses.append(current_loss)
            norms.append(norm)
            if not (
                np.all(np.isfinite(w))
                and np.isfinite(norm)
                and (loss is None or np.isfinite(current_loss))
            ):
                reason = "not finite"
                break
            if norm <= grad_tol:
                reason = "gradient norm"
                break
            if len(path) > 1 and loss_tol > 0 and abs(losses[-1] - losses[-2]) <= loss_tol:
                reason = "loss change"
                break
            if len(path) == num_steps + 1:
                break
            velocity = momentum * velocity + g
            w = w - lr * velocity
            path.append(w.copy())
            current_loss = float(loss(w)) if loss is not None else np.nan
    return DescentRun(
        np.array(path),
        np.array(losses, dtype=float),
        np.array(norms, dtype=float),
        float(lr),
        reason,
        float(momentum),
    )


# ----------------------------------------------------------------------------
# What happened? A verdict for the playground's readout.
# ----------------------------------------------------------------------------

VERDICTS = {
    "converged": "the gradient is (almost) zero, the run has settled",
    "converged, zig-zagging": "settled, after steps that kept reversing direction",
    "oscillating": "steps keep reversing direction and the run has not settled yet",
    "diverged": "the loss grew or overflowed; the learning rate is too large here",
    "escaping": "steps grow while the loss keeps falling; no minimum in that direction",
    "still descending": "the loss is falling but the run has not settled; try more steps or a larger rate",
}


def _increasing(values) -> bool:
    return len(values) > 1 and bool(np.all(np.diff(values) > 0))


def verdict(run: DescentRun, grad_tol: float = 1e-3, loss_tol: float = 1e-6) -> str:
    """Classify a run; the answer is a key of :data:`VERDICTS`. Checked in this order:

    * ``diverged``: a non-finite iterate, or the last five steps each longer than
      the one before while the loss rose;
    * ``converged``: the final gradient norm is at most ``grad_tol`` (absolute) *and*
      the loss has stopped falling: the last step lowered it by at most ``loss_tol``
      times the whole decrease so far (``"converged, zig-zagging"`` when most of the
      last ten steps reversed direction). A gradient that is merely small compared
      with where the run started is not enough: in a slow valley such as
      Rosenbrock's it shrinks a thousandfold while the run is still far from the
      minimum and the loss still falls;
    * ``diverged``: a final loss above the starting loss;
    * ``escaping``: the last five steps grow while the loss falls, and the last
      step is longer than the first (e.g. sliding off a saddle);
    * ``oscillating``: most of the last ten steps reverse direction;
    * ``still descending``: anything else - not converged after ``run.num_steps`` steps.
    """
    if not run.finite:
        return "diverged"
    losses, norms = run.losses, run.grad_norms
    step_lengths = np.linalg.norm(run.steps, axis=1) if run.num_steps else np.zeros(0)
    tail_lengths, tail_losses = step_lengths[-5:], losses[-6:]
    have_loss = bool(np.all(np.isfinite(losses)))
    if (
        have_loss
        and len(tail_lengths) == 5
        and _increasing(tail_lengths)
        and _increasing(tail_losses)
    ):
        return "diverged"
    steps = run.steps[-11:]
    turns = np.einsum("ij,ij->i", steps[:-1], steps[1:]) if len(steps) > 1 else np.zeros(0)
    zigzag = len(turns) >= 2 and np.mean(turns < 0) > 0.5
    settled = (
        not have_loss
        or len(losses) < 2
        or (losses[-2] - losses[-1] <= loss_tol * max(losses[0] - losses[-1], 1e-300))
    )
    if norms[-1] <= grad_tol and settled:
        return "converged, zig-zagging" if zigzag else "converged"
    if have_loss and losses[-1] > losses[0] * (1 + 1e-12) + 1e-12:
        return "diverged"
    if (
        have_loss
        and len(tail_lengths) == 5
        and _increasing(tail_lengths)
        and _increasing(-tail_losses)
        and step_lengths[-1] > step_lengths[0]
    ):
        return "escaping"
    if zigzag:
        return "oscillating"
    return "still descending"


# ----------------------------------------------------------------------------
# Stability of gradient descent on a quadratic (lesson 05).
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Stability:
    """Learning rates for ``w <- w - lr * H w`` with Hessian eigenvalues ``eigenvalues``.

    ``max_lr`` is the stability boundary ``2 / lam_max`` (0 when some
    eigenvalue is <= 0: then no learning rate makes that direction shrink).
    ``best_lr = 2 / (lam_min + lam_max)`` minimises the slowest contraction
    factor, which is then ``best_factor = (lam_max - lam_min) / (lam_max + lam_min)``.
    """

    eigenvalues: np.ndarray
    max_lr: float
    best_lr: float
    best_factor: float

    @property
    def has_negative_curvature(self) -> bool:
        return bool(np.any(self.eigenvalues <= 0))

    def describe(self) -> str:
        lams = ", ".join(f"{v:.4g}" for v in self.eigenvalues)
        if self.has_negative_curvature:
            return (
                f"Hessian eigenvalues {lams}: a curvature <= 0 means |1 - lr*lambda| >= 1 "
                "for every lr > 0 - the run slides away along that direction"
            )
        return (
            f"stable for lr < {self.max_lr:.4g} (|1 - lr*lambda| < 1 for lambda = {lams}); "
            f"fastest fixed lr = {self.best_lr:.4g}"
        )


def quadratic_stability(hessian) -> Stability:
    """Stability boundary and best fixed learning rate for a (local) quadratic."""
    eigenvalues = np.linalg.eigvalsh(np.atleast_2d(np.asarray(hessian, dtype=float)))
    low, high = float(eigenvalues.min()), float(eigenvalues.max())
    if low <= 0:
        return Stability(eigenvalues, 0.0, float("nan"), float("nan"))
    return Stability(eigenvalues, 2.0 / high, 2.0 / (low + high), (high - low) / (high + low))


def contraction_factor(eigenvalues, lr, momentum: float = 0.0):
    """How much one step shrinks the slowest direction of a quadratic (lesson 05).

    Without momentum it is ``max_i |1 - lr * lam_i|``. With heavy-ball momentum ``beta``
    the error along an eigen-direction follows ``e_{k+1} = (1 + beta - lr lam) e_k -
    beta e_{k-1}``, and the factor is the larger absolute root of ``r^2 - (1 + beta -
    lr lam) r + beta`` (``sqrt(beta)`` for a complex pair), the worst over the eigenvalues.
    ``< 1`` means the run converges on the quadratic, ``> 1`` that it diverges.
    ``lr`` may be an array (for plotting the factor against the learning rate).
    """
    lams = np.asarray(eigenvalues, dtype=float).reshape(-1, 1)
    lr = np.asarray(lr, dtype=float)
    a = 1.0 + momentum - lams * lr.reshape(1, -1)
    disc = a**2 - 4.0 * momentum
    root = np.sqrt(np.abs(disc))
    real = np.maximum(np.abs(a + root), np.abs(a - root)) / 2.0
    radius = np.where(disc >= 0, real, np.sqrt(momentum))  # complex pair: |r| = sqrt(beta)
    factors = radius.max(axis=0)
    return factors.reshape(lr.shape) if lr.ndim else float(factors[0])


def max_stable_lr(eigenvalues, momentum: float = 0.0) -> float:
    """The stability boundary ``2 (1 + beta) / lam_max`` of gradient descent with momentum
    ``beta`` on a quadratic (0 when a curvature is <= 0: no learning rate is stable)."""
    lams = np.asarray(eigenvalues, dtype=float)
    return 0.0 if lams.min() <= 0 else 2.0 * (1.0 + momentum) / float(lams.max())


# ----------------------------------------------------------------------------
# Stochastic and mini-batch gradient descent (lesson 05).
# ----------------------------------------------------------------------------


def batches(n: int, batch_size: int, rng) -> list[np.ndarray]:
    """One epoch: the indices ``0..n-1`` shuffled and cut into batches.

    Every example appears exactly once; the last batch is smaller when
    ``batch_size`` does not divide ``n``.
    """
    if not 1 <= batch_size <= n:
        raise ValueError(f"batch_size must be between 1 and n = {n}")
    order = rng.permutation(n)
    return [order[start : start + batch_size] for start in range(0, n, batch_size)]


def minibatch_sgd(
    batch_grad, w0, n: int, lr: float, num_epochs: int, batch_size: int, *, loss=None, seed: int = 0
) -> DescentRun:
    """Mini-batch gradient descent: one update per batch, ``num_epochs`` passes over the data.

    ``batch_grad(w, idx)`` returns the gradient of the mean loss over the
    examples ``idx``. ``batch_size = n`` is full-batch gradient descent,
    ``batch_size = 1`` is stochastic gradient descent. The shuffling uses
    ``numpy.random.default_rng(seed)``, so a run is repeatable.
    ``losses`` (full-data loss, when ``loss(w)`` is given) and ``grad_norms``
    (of the batch gradient used, NaN at the last iterate) follow every update.
    """
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=float).reshape(-1)
    path, norms = [w.copy()], []
    reason = "max steps"
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(num_epochs):
            for idx in batches(n, batch_size, rng):
                g = np.asarray(batch_grad(w, idx), dtype=float).reshape(-1)
                norms.append(_norm(g))
                w = w - lr * g
                path.append(w.copy())
                if not np.all(np.isfinite(w)):
                    reason = "not finite"
                    break
            if reason != "max steps":
                break
    norms.append(np.nan)
    path = np.array(path)
    with np.errstate(over="ignore", invalid="ignore"):
        losses = (
            np.array([loss(p) for p in path], dtype=float)
            if loss is not None
            else np.full(len(path), np.nan)
        )
    return DescentRun(path, losses, np.array(norms), float(lr), reason)


def visible_path(path, low, high, box_factor: float = 20.0) -> np.ndarray:
    """The part of a path worth drawing (the explorers of lessons 05 and 06).

    Keeps the finite rows up to the first non-finite one, then stops at the
    first point more than ``box_factor`` half-widths from the centre of the
    plotted box ``[low, high]``, so a diverging run never wrecks the plot.
    """
    path = np.asarray(path, dtype=float)
    finite = np.all(np.isfinite(path), axis=1)
    path = path[: int(np.argmin(finite)) if not finite.all() else len(path)]
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    centre, half = (low + high) / 2, (high - low) / 2
    outside = np.any(np.abs(path - centre) > box_factor * half, axis=1)
    if outside.any():
        path = path[: int(np.argmax(outside)) + 1]
    return path
