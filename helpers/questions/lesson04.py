"""Self-checks of lesson 04, partial derivatives and gradients
(lessons/04-partial-derivatives-and-gradients.ipynb)."""

from helpers.questions.model import Question

QUESTIONS = [
    Question(
        id="04.dfdx-x2y-5y",
        prompt="For f(x, y) = x²y + 5y, what is ∂f/∂x?",
        kind="expression",
        answer="2*x*y",
        explanation=(
            "Hold y fixed, as if it were a number: x²y is (a constant y) times x², with "
            "derivative 2x·y; 5y does not change with x, so its partial derivative is 0. "
            "∂f/∂x = 2xy."
        ),
        mistakes=[
            ("2*x", "y is held fixed but it is still there: x²·y differentiates to 2x·y."),
            ("2*x*y + 5", "5y contains no x: with y held fixed it is a constant, derivative 0."),
            ("x**2 + 5", "That is ∂f/∂y (y varies, x held fixed). For ∂f/∂x, x varies."),
        ],
    ),
    Question(
        id="04.dfdy-x2y-5y",
        prompt="For f(x, y) = x²y + 5y, what is ∂f/∂y?",
        kind="expression",
        answer="x**2 + 5",
        explanation=(
            "Hold x fixed: x²y is (a constant x²) times y, derivative x²; 5y has derivative 5. "
            "∂f/∂y = x² + 5."
        ),
        mistakes=[
            ("x**2", "The term 5y depends on y too: add its derivative, 5."),
            ("5", "x²y also changes with y: with x fixed it is x²·y, derivative x²."),
            ("2*x*y", "That is ∂f/∂x. For ∂f/∂y, hold x fixed and let y vary."),
        ],
    ),
    Question(
        id="04.grad-at-1-2",
        prompt="∇f(x, y) = [6x + 2y, 2x + 3y²]. What is ∇f(1, 2)?",
        kind="vector",
        answer=[10, 14],
        explanation="Substitute x = 1, y = 2 in each entry: 6·1 + 2·2 = 10 and 2·1 + 3·2² = 2 + 12 = 14.",
        mistakes=[
            ([14, 10], "The entries are in the order of the variables: ∂f/∂x first, then ∂f/∂y."),
            ([10, 8], "3y² at y = 2 is 3·4 = 12, not 3·2 = 6: square y before multiplying."),
            ([10, 38], "3y² means 3·(y²) = 12, not (3y)² = 36."),
        ],
    ),
    Question(
        id="04.gradient-shape",
        prompt="w is a weight vector of shape (10000,) and L(w) is a scalar loss. What is the shape of ∇L(w)?",
        kind="shape",
        answer=(10000,),
        explanation=(
            "The gradient has one partial derivative per parameter, arranged like the "
            "parameters: shape (10000,), the shape of w."
        ),
        mistakes=[
            ((), "The loss is a single number, but its gradient has one entry per weight."),
            ((1,), "The loss is a single number, but its gradient has one entry per weight."),
            (
                (10000, 10000),
                "That is the shape of the Hessian (all second derivatives), not the gradient.",
            ),
            (
                (10000, 1),
                "A (10000, 1) column is a 2-D array; the gradient has exactly the shape of w, (10000,).",
            ),
        ],
    ),
    Question(
        id="04.steepest-slope",
        prompt=(
            "At a point p, ∇f(p) = [3, −4]. What is the largest slope ∇f·u over all unit "
            "vectors u (the slope of the steepest way up)?"
        ),
        kind="number",
        answer=5,
        explanation=(
            "∇f·u = |∇f|·|u|·cos θ is largest when u points along ∇f (cos θ = 1), where it equals "
            "|∇f| = √(3² + (−4)²) = √25 = 5."
        ),
        mistakes=[
            (7, "Adding the sizes of the entries is not a slope along any unit vector. Use |∇f|."),
            (
                -1,
                "Adding the entries gives the slope along [1, 1], which is not a unit vector (and not the steepest).",
            ),
            (25, "25 is |∇f|²; the slope is |∇f| = √25."),
            (3, "3 is the slope along the x-axis, u = [1, 0]; turning u towards ∇f gives more."),
            (-4, "−4 is the slope along the y-axis, u = [0, 1]; turning u towards ∇f gives more."),
            (4, "4 is the slope along u = [0, −1]; turning u towards ∇f gives more."),
        ],
    ),
    Question(
        id="04.level-set-slope",
        prompt="You move from p in the direction of the level set through p (along the contour line). The slope ∇f·u is:",
        kind="choice",
        options=["0", "|∇f|", "−|∇f|", "it depends on the function"],
        answer="0",
        explanation=(
            "Along a level set f does not change, so the slope is 0; that is why ∇f is "
            "perpendicular to the level set (∇f·u = 0 means u ⟂ ∇f)."
        ),
        mistakes=[
            (
                "|∇f|",
                "|∇f| is the slope when u points along ∇f, straight across the contour lines.",
            ),
            ("−|∇f|", "−|∇f| is the slope when u points against ∇f, the steepest way down."),
            (
                "it depends on the function",
                "For every differentiable f the value on a level set is constant.",
            ),
        ],
    ),
    Question(
        id="04.saddle",
        prompt=(
            "f(x, y) = x² − y² has ∇f(0, 0) = [0, 0] and Hessian [[2, 0], [0, −2]]. "
            "What is the origin?"
        ),
        kind="choice",
        options=["a minimum", "a maximum", "a saddle point", "cannot tell"],
        answer="a saddle point",
        explanation=(
            "The Hessian's eigenvalues are 2 and −2: f curves up along x and down along y, so "
            "the origin is a minimum along one line and a maximum along another: a saddle. "
            "A zero gradient is necessary for an interior extremum, not sufficient."
        ),
        mistakes=[
            ("a minimum", "f(0, 0.1) = −0.01 < f(0, 0): there are lower points arbitrarily close."),
            ("a maximum", "f(0.1, 0) = 0.01 > f(0, 0): there are higher points arbitrarily close."),
            (
                "cannot tell",
                "Here the Hessian decides: one positive and one negative eigenvalue is a saddle. "
                "Only a zero eigenvalue leaves the test inconclusive.",
            ),
        ],
    ),
    Question(
        id="04.grad-xAx",
        prompt="For A = [[1, 2], [0, 3]] and x = [1, 1], what is the gradient of xᵀAx?",
        kind="vector",
        answer=[4, 8],
        explanation=(
            "∇(xᵀAx) = (A + Aᵀ)x. Here A + Aᵀ = [[2, 2], [2, 6]], so the gradient is "
            "[2 + 2, 2 + 6] = [4, 8]."
        ),
        mistakes=[
            ([6, 6], "That is 2Ax, right only for a symmetric A; this A is not, so use (A + Aᵀ)x."),
            (
                [3, 3],
                "That is Ax: each xₖ appears twice in xᵀAx, once as a row and once as a column index.",
            ),
            ([2, 10], "That is 2Aᵀx; the gradient needs both A and Aᵀ: (A + Aᵀ)x."),
        ],
    ),
    Question(
        id="04.affine-jacobian-shape",
        prompt="A has shape (3, 5) and b shape (3,). What is the shape of the Jacobian of Ax − b with respect to x?",
        kind="shape",
        answer=(3, 5),
        explanation=("∂(Ax − b)ᵢ/∂xⱼ = Aᵢⱼ: the Jacobian is A itself, outputs × inputs = (3, 5)."),
        mistakes=[
            (
                (5, 3),
                "That is Aᵀ: a Jacobian has one row per output (3) and one column per input (5).",
            ),
            ((5,), "(5,) is the shape of x; the Jacobian has a row for each of the 3 outputs."),
            (
                (3,),
                "(3,) is the shape of the output; the Jacobian has a column for each of the 5 inputs.",
            ),
        ],
    ),
    Question(
        id="04.two-paths",
        prompt=(
            "f depends on t through u and v: at some t, ∂f/∂u = 2, du/dt = 4, ∂f/∂v = 3 and "
            "dv/dt = −1. What is df/dt?"
        ),
        kind="number",
        answer=5,
        explanation=(
            "Sum over the paths, each the product along it: ∂f/∂u·du/dt + ∂f/∂v·dv/dt = "
            "2·4 + 3·(−1) = 8 − 3 = 5."
        ),
        mistakes=[
            (8, "That is only the path through u; the path through v adds 3·(−1) = −3."),
            (-3, "That is only the path through v; add the path through u, 2·4 = 8."),
            (-24, "Paths add; only the derivatives *along* one path multiply."),
        ],
        rtol=1e-9,
    ),
]
