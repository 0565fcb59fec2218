"""Self-checks of lesson 01, "Secant to tangent: what a derivative is"."""

from helpers.questions.model import Question

QUESTIONS = [
    Question(
        id="01.secant-2-to-2.1",
        prompt="For f(x) = x², what is the slope of the secant from x = 2 to x = 2.1?",
        kind="number",
        answer=4.1,
        explanation=(
            "The secant slope is (f(2.1) − f(2)) / (2.1 − 2) = (4.41 − 4) / 0.1 = 4.1: "
            "change in f divided by change in x."
        ),
        mistakes=[
            (
                4.0,
                "4 is the derivative at x = 2, the limit of secant slopes; this secant has h = 0.1.",
            ),
            (0.41, "0.41 is the change in f; divide it by the change in x (0.1)."),
            (4.41, "4.41 is f(2.1), a value of the function, not a slope."),
        ],
        rtol=1e-6,
    ),
    Question(
        id="01.slope-at-3",
        prompt="For f(x) = x², what is f'(3)?",
        kind="number",
        answer=6,
        explanation="The limit definition gives f'(x) = 2x, so f'(3) = 2·3 = 6.",
        mistakes=[
            (9, "9 is f(3), the height of the curve; the derivative is its slope."),
            (6.1, "6.1 is the secant slope with h = 0.1; the derivative is the limit as h → 0."),
            (6.01, "6.01 is the secant slope with h = 0.01; the derivative is the limit as h → 0."),
            (
                6.001,
                "6.001 is the secant slope with h = 0.001; the derivative is the limit as h → 0.",
            ),
            (3, "3 is x itself; the derivative of x² is 2x, not x."),
        ],
        rtol=1e-6,
    ),
    Question(
        id="01.sign-at-minus-1.5",
        prompt="Move the tangent explorer to x = −1.5 on f(x) = x². Is the slope positive, zero or negative?",
        kind="choice",
        answer="negative",
        options=["positive", "zero", "negative"],
        explanation=(
            "Left of the minimum at 0 the parabola goes down as x grows, so the tangent "
            "falls from left to right: f'(−1.5) = 2·(−1.5) = −3."
        ),
        mistakes=[
            (
                "positive",
                "f(−1.5) = 2.25 is positive, but the slope is about direction: moving "
                "right from −1.5, f goes down.",
            ),
            ("zero", "The slope is zero only at the bottom of the parabola, x = 0."),
        ],
    ),
    Question(
        id="01.slope-at-minus-1.5",
        prompt="And its value: what is f'(−1.5) for f(x) = x²?",
        kind="number",
        answer=-3,
        explanation="f'(x) = 2x, so f'(−1.5) = 2·(−1.5) = −3.",
        mistakes=[
            (3, "Right size, wrong sign: left of the minimum the parabola is going down."),
            (2.25, "2.25 is f(−1.5), the height; the derivative is the slope."),
            (-1.5, "−1.5 is x; the derivative of x² is 2x."),
        ],
        rtol=1e-9,
    ),
    Question(
        id="01.x-cubed-at-0",
        prompt="f(x) = x³ has f'(0) = 0. What kind of point is x = 0?",
        kind="choice",
        answer="neither: an inflection point",
        options=["a minimum", "a maximum", "neither: an inflection point"],
        explanation=(
            "x³ is negative left of 0 and positive right of 0, so 0 is neither the "
            "lowest nor the highest value nearby. The curve flattens for a moment and "
            "keeps rising: a zero derivative alone does not prove an extremum."
        ),
        mistakes=[
            ("a minimum", "Just left of 0, f(−0.1) = −0.001 is lower than f(0) = 0."),
            ("a maximum", "Just right of 0, f(0.1) = 0.001 is higher than f(0) = 0."),
        ],
    ),
    Question(
        id="01.numeric-dy",
        prompt=(
            "Estimate ∂f/∂y of f(x, y) = x² + 3y² at (4, 3) with a central difference "
            "(h = 1e-5): wiggle y only."
        ),
        kind="number",
        answer=18,
        explanation=(
            "Hold x = 4 fixed and wiggle y: (f(4, 3+h) − f(4, 3−h)) / (2h) ≈ 18, "
            "because ∂f/∂y = 6y = 18 at y = 3. Any value within 0.1% of 18 counts: "
            "a finite difference is an estimate."
        ),
        mistakes=[
            (8, "8 is ∂f/∂x = 2x at x = 4: you wiggled x instead of y."),
            (43, "43 is f(4, 3), the value; divide the change in f by the change in y."),
            (
                14.210854715202002,
                "14.2 is what h = 1e-15 gives: round-off error swamps the "
                "tiny difference. Use h around 1e-5.",
            ),
        ],
        rtol=1e-3,
    ),
    Question(
        id="01.central-or-forward",
        prompt="Which difference has an error that shrinks like h² (ten times smaller h, a hundred times smaller error)?",
        kind="choice",
        answer="central",
        options=["forward", "central"],
        explanation=(
            "The central difference (f(x+h) − f(x−h)) / 2h is symmetric around x, so "
            "the error terms proportional to h cancel; what is left shrinks like h²."
        ),
        mistakes=[
            (
                "forward",
                "The forward difference's error shrinks only like h: the error-vs-h "
                "plot shows its line with slope 1, the central one with slope 2.",
            )
        ],
    ),
    Question(
        id="01.relu-at-0",
        prompt="ReLU(x) = max(0, x) has a corner at 0. What value do PyTorch and JAX use for ReLU'(0)?",
        kind="number",
        answer=0,
        explanation=(
            "The slope is 0 from the left and 1 from the right, so no derivative exists "
            "at 0. The frameworks pick 0, the left slope; the lesson checks it with torch."
        ),
        mistakes=[
            (1, "1 is the slope from the right; the frameworks use the left slope, 0."),
            (
                0.5,
                "0.5 lies between the two one-sided slopes and would be a valid choice in "
                "theory, but it is not what the frameworks use.",
            ),
        ],
        atol=1e-12,
    ),
    Question(
        id="01.house-direction",
        prompt=(
            "The house-price model predicts 350,000 for a house that sold for 400,000, and "
            "dL/dw < 0. To lower the loss, should w go up or down?"
        ),
        kind="choice",
        answer="increase w",
        options=["increase w", "decrease w", "leave w alone"],
        explanation=(
            "A negative derivative means the loss falls as w grows, so increase w. "
            "That also makes sense: the prediction is too low and w·sqft grows with w."
        ),
        mistakes=[
            (
                "decrease w",
                "Moving against a negative slope raises the loss: a smaller w makes "
                "the too-low prediction even lower.",
            ),
            ("leave w alone", "The derivative is not zero, so w is not at the minimum yet."),
        ],
    ),
    Question(
        id="01.house-gradient",
        prompt="For L(w) = (w·sqft − 400000)² with sqft = 2000 and w = 175 (prediction 350,000), compute dL/dw.",
        kind="number",
        answer=-2e8,
        explanation=(
            "dL/dw = 2(w·sqft − 400000)·sqft = 2·(−50000)·2000 = −200,000,000. "
            "The factor sqft comes from differentiating w·sqft with respect to w."
        ),
        mistakes=[
            (
                2e8,
                "Right size, wrong sign: the prediction is below the price, so w·sqft − 400000 < 0.",
            ),
            (-1e5, "You have 2(w·sqft − 400000); multiply by sqft = 2000 as well."),
            (-1e8, "You dropped the 2 from the power rule: d(u²) = 2u·du."),
            (2.5e9, "2.5e9 is the loss L itself, not its derivative."),
        ],
        rtol=1e-6,
    ),
]
