"""Self-checks of lesson 06, "Vectorized gradients"."""

from helpers.questions.model import Question

QUESTIONS = [
    Question(
        id="06.delta-w",
        prompt="∇L(w) = [2, −3, 1] and lr = 0.1. What is the update Δw = w_new − w?",
        kind="vector",
        answer=[-0.2, 0.3, -0.1],
        explanation=(
            "Δw = −lr·∇L = −0.1·[2, −3, 1] = [−0.2, 0.3, −0.1]: every coordinate moves against "
            "its own partial derivative, by lr times its size."
        ),
        mistakes=[
            ([0.2, -0.3, 0.1], "That is +lr·∇L, a step uphill. Gradient descent subtracts."),
            ([-2, 3, -1], "Right direction, but the step is scaled by the learning rate 0.1."),
        ],
    ),
    Question(
        id="06.residual",
        prompt="In ∇L = (2/n)·Xᵀ(Xw − y), what is the vector Xw − y?",
        kind="choice",
        answer="the residuals",
        options=["the predictions", "the residuals", "the gradient", "the loss"],
        explanation=(
            "Xw is the vector of predictions (one per example) and y the targets, so Xw − y holds "
            "each example's error, prediction minus target: the residuals. The loss is the mean "
            "of their squares; Xᵀ turns them into one number per weight."
        ),
        mistakes=[
            ("the predictions", "The predictions are Xw; subtracting y turns them into errors."),
            (
                "the gradient",
                "The gradient has one entry per weight (d of them); Xw − y has one entry "
                "per example (n).",
            ),
            ("the loss", "The loss is one number, the mean of the squared residuals."),
        ],
    ),
    Question(
        id="06.residual-shape",
        prompt="X has shape (100, 5), w shape (5,), y shape (100,). What is the shape of X @ w − y?",
        kind="shape",
        answer=(100,),
        explanation="X @ w is (100, 5) @ (5,) → (100,), one prediction per example; minus y (100,) keeps (100,).",
        mistakes=[
            (
                (100, 100),
                "(100, 100) is what broadcasting does when y is a column (100, 1): every "
                "prediction minus every target. Flatten y first: y.reshape(-1).",
            ),
            (
                (5,),
                "(5,) is the shape of w and of the gradient; the residual has one entry per example.",
            ),
        ],
    ),
    Question(
        id="06.gradient-shape",
        prompt=(
            "X has shape (100, 5), w shape (5,), y shape (100,). What is the shape of "
            "(2/n) * X.T @ (X @ w − y)?"
        ),
        kind="shape",
        answer=(5,),
        explanation=(
            "X.T is (5, 100) and the residual (100,), so X.T @ residual is (5,): one partial "
            "derivative per weight. The gradient always has the shape of the parameters."
        ),
        mistakes=[
            (
                (100,),
                "(100,) is the residual; X.T @ sums over the 100 examples, leaving one number per weight.",
            ),
            ((5, 5), "(5, 5) is the shape of XᵀX (the Hessian up to 2/n), not of the gradient."),
            ((100, 5), "(100, 5) is X itself; the gradient has the shape of w."),
        ],
    ),
    Question(
        id="06.gradcheck-half",
        prompt=(
            "gradcheck says your MSE gradient is 'a factor of two too small (ratio 0.5)' in every "
            "coordinate. What is the most likely bug?"
        ),
        kind="choice",
        answer="(1/n) instead of (2/n)",
        options=["the sign is flipped", "(1/n) instead of (2/n)", "X and w are swapped"],
        explanation=(
            "The derivative of a square r² is 2r: the MSE gradient is (2/n)·Xᵀ(Xw − y). Writing "
            "(1/n) drops that 2 and halves every coordinate."
        ),
        mistakes=[
            ("the sign is flipped", "A flipped sign gives ratio −1, not 0.5."),
            (
                "X and w are swapped",
                "Swapping them would give a shape error, not a clean factor of 0.5.",
            ),
        ],
    ),
    Question(
        id="06.max-stable-lr",
        prompt=(
            "The Hessian (2/n)·XᵀX of an MSE loss has eigenvalues 0.5 and 8. What is the largest "
            "learning rate for which gradient descent converges (the stability boundary)?"
        ),
        kind="number",
        answer=0.25,
        explanation=(
            "The MSE loss is exactly quadratic, so lesson 5's rule holds: |1 − lr·λ| < 1 for every "
            "eigenvalue λ, i.e. lr < 2/λmax = 2/8 = 0.25."
        ),
        mistakes=[
            (
                4,
                "4 = 2/0.5 uses the smallest eigenvalue; the steepest direction (λ = 8) diverges first.",
            ),
            (
                0.125,
                "0.125 = 1/8: the bound is 2/λmax, the point where the factor 1 − lr·λ reaches −1.",
            ),
            (
                "2/8.5",
                "2/(λmin + λmax) ≈ 0.235 is the best fixed learning rate, just inside the boundary.",
            ),
        ],
        rtol=1e-3,
    ),
    Question(
        id="06.why-scaling",
        prompt="Why does standardising the features let gradient descent use a much larger learning rate?",
        kind="choice",
        answer="it shrinks the largest curvature",
        options=[
            "it shrinks the largest curvature",
            "it moves the minimum closer to the start",
            "it makes the gradient smaller everywhere by the same factor",
        ],
        explanation=(
            "The stable range is lr < 2/λmax, where λmax is the largest eigenvalue of the Hessian "
            "(2/n)XᵀX. A feature measured in thousands (square feet) makes λmax huge; "
            "standardising gives every feature variance 1, so λmax drops to a few units and the "
            "curvatures of all directions become similar. The allowed lr grows, and no direction "
            "is left crawling."
        ),
        mistakes=[
            (
                "it moves the minimum closer to the start",
                "The start can stay at zero either way; what changes is the shape of the bowl.",
            ),
            (
                "it makes the gradient smaller everywhere by the same factor",
                "If it only rescaled everything equally, a proportionally larger lr would undo it and "
                "nothing would improve. Standardising changes the *relative* curvatures.",
            ),
        ],
    ),
    Question(
        id="06.normal-equations",
        prompt="Setting the gradient of L(w) = (1/n)‖Xw − y‖² to zero gives which equations?",
        kind="choice",
        answer="XᵀX w = Xᵀy",
        options=["XᵀX w = Xᵀy", "X w = y", "XXᵀ w = Xy", "w = Xᵀy"],
        explanation=(
            "∇L = (2/n)Xᵀ(Xw − y) = 0 gives XᵀX w = Xᵀy: d equations for the d weights, "
            "the normal equations."
        ),
        mistakes=[
            (
                "X w = y",
                "Xw = y has n equations for d unknowns and usually no solution: the data are noisy. "
                "The minimiser solves XᵀXw = Xᵀy instead.",
            ),
            ("XXᵀ w = Xy", "Check the shapes: XXᵀ is (n, n) while w is (d,). It is XᵀX, (d, d)."),
            ("w = Xᵀy", "That skips the matrix XᵀX; it holds only when XᵀX = I."),
        ],
    ),
    Question(
        id="06.condition-squared",
        prompt="A data matrix X has condition number κ(X) = 1000. What is the condition number of XᵀX?",
        kind="number",
        answer=1e6,
        explanation=(
            "The singular values of XᵀX are the squares of those of X, so κ(XᵀX) = κ(X)² = 10⁶: "
            "forming XᵀX doubles the number of digits at risk."
        ),
        mistakes=[(1000, "XᵀX squares the singular values, and with them the condition number.")],
        rtol=1e-6,
    ),
    Question(
        id="06.xtx-memory",
        prompt="How many bytes does XᵀX take in float64 for d = 20 000 features?",
        kind="number",
        answer=3.2e9,
        explanation=(
            "XᵀX is d × d: 20 000² = 4·10⁸ numbers of 8 bytes each, 3.2·10⁹ bytes (3.2 GB), "
            "whatever the number of examples. Gradient descent needs only vectors of length d."
        ),
        mistakes=[
            (1.6e5, "That is 8·d, one vector; XᵀX has d² entries."),
            (4e8, "4·10⁸ is the number of entries; each float64 takes 8 bytes."),
        ],
        rtol=1e-6,
    ),
]
