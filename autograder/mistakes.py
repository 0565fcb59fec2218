"""What each graded test checks and which lesson section teaches each known mistake.

The one table behind the class report (``python -m autograder report``) and the named
lines of a student's feedback page. The mistakes themselves, each with its stable id
and the message a student reads, are declared by the test cells of ``solutions/``
(``mistakes=[(id, value or predicate, message), ...]``, see :mod:`autograder.testing`);
here each id gets the lesson section to read again, and each test a short title.

A section is a lesson file and the exact text of one of its headings; its link opens
the lesson at the cell holding that heading (:func:`helpers.glossary.fragment`, the same
``#cell-id=`` fragments as the glossary's links, which JupyterLab resolves even in a
lesson that is not open yet). A test checks that every heading exists and that
every id the solutions declare is in :data:`MISTAKES`.
"""

from __future__ import annotations

from dataclasses import dataclass

from autograder import testing
from helpers.glossary import L01, L02, L03, L04, L05, L06, L07, L08, fragment, lesson_title


@dataclass(frozen=True)
class Section:
    """A lesson section: ``lesson`` is a file in ``lessons/``, ``heading`` the exact
    text of one of its headings (without the leading ``#``)."""

    lesson: str
    heading: str

    @property
    def target(self) -> str:
        """The link target relative to the repository: ``lessons/<file>#cell-id=<id>``."""
        return f"lessons/{self.lesson}#{fragment(self.lesson, self.heading)}"

    @property
    def label(self) -> str:
        """``Lesson 3 · 6. The most common mistake: ...`` (no markup)."""
        return f"{lesson_title(self.lesson)} · {self.heading.replace('`', '')}"

    def href(self, lessons_url: str) -> str:
        """The link with ``lessons_url`` (ending in ``/``) in front of the lesson file."""
        return f"{lessons_url}{self.lesson}#{fragment(self.lesson, self.heading)}"


AVERAGE_RATE = Section(L01, "2. Average versus instantaneous rate of change")
CENTRAL = Section(L01, "7. Numerical derivatives: forward versus central differences")
NO_DERIVATIVE = Section(L01, "8. Where there is no derivative")
ACTIVATIONS = Section(L02, "4. Derivatives of activation functions")
TWO_LOSSES = Section(L02, "5. Derivatives of two losses")
CHAIN_RULE = Section(L03, "2. The chain rule")
INNER_DERIVATIVE = Section(L03, "6. The most common mistake: forgetting the inner derivative")
BACKPROP = Section(L03, "7. Backpropagation: the chain rule, run backwards")
PARTIALS = Section(L04, "1. Partial derivatives: one variable at a time")
GRADIENT = Section(L04, "2. The gradient: all the partials in one vector")
UPDATE_RULE = Section(L05, "1. The update rule, and why it subtracts")
BY_HAND_1D = Section(L05, "2. One dimension, by hand")
LEARNING_RATE = Section(L05, "4. The learning rate, derived")
WHEN_TO_STOP = Section(L05, "6. When to stop")
REGRESSION = Section(L06, "1. Linear regression with matrices")
MSE_GRADIENT = Section(L06, "2. The gradient, derived")
SHAPES = Section(L06, "3. Shapes")
FITTING = Section(L06, "5. Fitting the data by gradient descent")
AUTOGRAD_GRAPH = Section(L07, "3. The graph: `requires_grad`, `grad_fn` and `backward`")
NO_GRAD = Section(L07, "4. Updating parameters: `no_grad` and `detach`")
SGD_LOOP = Section(L07, "5. The training loop with `torch.optim.SGD`")
TOO_LARGE = Section(L08, "1. A learning rate too large: oscillation, overflow, NaN")
ZERO_GRAD = Section(L08, "3. A forgotten `zero_grad`: gradients pile up")
INTEGERS = Section(L08, "4. Integer arrays truncate every update")
TINY_STEP = Section(L08, "5. A finite-difference step that is too small")

# mistake id (declared by the test cells, or by autograder.testing) -> the section that
# teaches it; None where no lesson teaches it (Python and NumPy habits)
MISTAKES: dict[str, Section | None] = {
    "ex01.secant-is-central-difference": CENTRAL,
    "ex01.secant-sign-flipped": AVERAGE_RATE,
    "ex01.central-is-forward-difference": CENTRAL,
    "ex01.central-far-from-derivative": TINY_STEP,
    "ex01.central-ignores-h": CENTRAL,
    "ex01.gradient-all-coordinates-at-once": PARTIALS,
    "ex01.gradient-forward-difference": CENTRAL,
    "ex01.gradient-integer-input": INTEGERS,
    "ex01.sigmoid-prime-is-sigmoid": ACTIVATIONS,
    "ex01.tanh-prime-no-square": ACTIVATIONS,
    "ex01.relu-prime-one-at-zero": NO_DERIVATIVE,
    "ex01.relu-prime-is-relu": ACTIVATIONS,
    "ex01.difference-abs-h": CENTRAL,
    "ex01.gradient-wrong-shape": PARTIALS,
    "ex01.forgot-inner-derivative": INNER_DERIVATIVE,
    "ex01.outer-derivative-at-x": CHAIN_RULE,
    "ex01.grad-f-lost-constant": PARTIALS,
    "ex01.grad-f-power-rule": PARTIALS,
    "ex01.grad-f-lesson-example": GRADIENT,
    "ex02.descent-sign-flipped": UPDATE_RULE,
    "ex02.path-not-2d": BY_HAND_1D,
    "ex02.path-wrong-length": BY_HAND_1D,
    "ex02.descent-integer-w0": INTEGERS,
    "ex02.bound-twice-too-large": LEARNING_RATE,
    "ex02.bound-smaller-coefficient": LEARNING_RATE,
    "ex02.bound-fastest-rate": LEARNING_RATE,
    "ex02.bound-integer-division": INTEGERS,
    "ex02.loss-sum-not-mean": REGRESSION,
    "ex02.loss-root-mean": REGRESSION,
    "ex02.loss-half-convention": REGRESSION,
    "ex02.loss-divides-by-d": REGRESSION,
    "ex02.gradient-missing-two": MSE_GRADIENT,
    "ex02.gradient-sum-not-mean": MSE_GRADIENT,
    "ex02.gradient-no-two-over-n": MSE_GRADIENT,
    "ex02.gradient-x-not-transposed": MSE_GRADIENT,
    "ex02.gradient-squeezed": SHAPES,
    "ex02.gradient-integer-arrays": INTEGERS,
    "ex02.column-y-broadcast": SHAPES,
    "ex02.fit-returns-path": FITTING,
    "ex02.fit-diverged": FITTING,
    "ex02.fit-ignores-arguments": FITTING,
    "ex02.fit-not-built-from-own-pieces": FITTING,
    "ex03.autograd-transposed": AUTOGRAD_GRAPH,
    "ex03.autograd-wrong-shape": AUTOGRAD_GRAPH,
    "ex03.forgot-sigma-prime": INNER_DERIVATIVE,
    "ex03.neuron-missing-two": TWO_LOSSES,
    "ex03.neuron-sign-flipped": TWO_LOSSES,
    "ex03.neuron-uses-torch": BACKPROP,
    "ex03.neuron-squeezed": SHAPES,
    "ex03.forgot-zero-grad": ZERO_GRAD,
    "ex03.loss-after-step": SGD_LOOP,
    "ex03.loss-broadcast": SHAPES,
    "ex03.weights-wrong-shape": NO_GRAD,
    "ex03.sgd-not-used": SGD_LOOP,
    testing.RETURNS_NONE: None,
    testing.CHANGES_INPUT: None,
    testing.SAME_ARRAY_ROWS: None,
    testing.RUNS_PAST_NONFINITE: TOO_LARGE,
    testing.PARTIALS_OUT_OF_ORDER: GRADIENT,
    testing.SWAPPED_COORDINATES: GRADIENT,
}


@dataclass(frozen=True)
class Part:
    """A graded cell: a short title saying what it checks, and the section it practises."""

    title: str
    section: Section | None


# grade id of a graded cell (unique across the exercises) -> what it checks
PARTS: dict[str, Part] = {
    "test_secant_slope": Part("secant_slope", AVERAGE_RATE),
    "test_central_difference": Part("central_difference", CENTRAL),
    "test_numerical_gradient": Part("numerical_gradient", PARTIALS),
    "test_numerical_gradient_inputs": Part(
        "numerical_gradient: lists of ints, inputs unchanged", INTEGERS
    ),
    "test_sigmoid_prime": Part("sigmoid_prime", ACTIVATIONS),
    "test_tanh_prime": Part("tanh_prime", ACTIVATIONS),
    "test_relu_prime": Part("relu_prime", ACTIVATIONS),
    "test_compose_derivative": Part("compose_derivative", CHAIN_RULE),
    "test_grad_f": Part("grad_f", PARTIALS),
    "test_symbolic_gradient": Part("symbolic_gradient", GRADIENT),
    "written_finite_differences": Part("written: central vs forward differences", CENTRAL),
    "test_gradient_descent_path": Part("gradient_descent: path shape and values", BY_HAND_1D),
    "test_gradient_descent_copies": Part("gradient_descent: copies, w0 unchanged", BY_HAND_1D),
    "test_gradient_descent_stopping": Part("gradient_descent: stopping rules", WHEN_TO_STOP),
    "test_stable_learning_rate_bound": Part("stable_learning_rate_bound", LEARNING_RATE),
    "test_mse_loss": Part("mse_loss", REGRESSION),
    "test_mse_gradient": Part("mse_gradient", MSE_GRADIENT),
    "test_mse_gradient_column_y": Part("mse_gradient: y as a column", SHAPES),
    "test_fit_linear_regression": Part("fit_linear_regression", FITTING),
    "written_sign_or_learning_rate": Part("written: sign error or learning rate?", TOO_LARGE),
    "test_autograd_gradient": Part("autograd_gradient", AUTOGRAD_GRAPH),
    "test_neuron_gradients": Part("neuron_gradients", BACKPROP),
    "test_train_with_sgd_losses": Part("train_with_sgd: the losses", SGD_LOOP),
    "test_train_with_sgd_weights": Part("train_with_sgd: the weights", SGD_LOOP),
    "written_zero_grad": Part("written: why optimizer.zero_grad()?", ZERO_GRAD),
}


def part(grade_id: str) -> Part:
    """What a graded cell checks; a cell missing from :data:`PARTS` is named after its
    grade id (``test_foo_bar`` reads ``foo_bar``)."""
    known = PARTS.get(grade_id)
    if known is not None:
        return known
    return Part(grade_id.removeprefix("test_"), None)


def section_of(mistake: str | None) -> Section | None:
    """The lesson section that teaches a mistake (None if unknown or not taught)."""
    return MISTAKES.get(mistake) if mistake else None
