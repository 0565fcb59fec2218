"""Self-checks of lesson 02, "Derivative rules"."""

from helpers.questions.model import Question

QUESTIONS = [
    Question(
        id="02.d-4x3",
        prompt="What is d/dx (4x³)? (Type an expression in x, e.g. 3x^2 or 3*x**2.)",
        kind="expression",
        answer="12*x**2",
        explanation=(
            "Constant multiple, then power rule: keep the 4, bring the exponent 3 down "
            "as a factor and lower it by one: 4·3x² = 12x²."
        ),
        mistakes=[
            ("4*x**2", "You lowered the exponent but forgot to multiply by it (the 3)."),
            ("12*x**3", "You multiplied by the exponent but forgot to lower it by one."),
            ("3*x**2", "You dropped the constant factor 4: (c·g)' = c·g'."),
            ("12*x", "The exponent goes down by one, from 3 to 2, not to 1."),
        ],
    ),
    Question(
        id="02.d-3x2-plus-100",
        prompt="What is d/dx (3x² + 100)?",
        kind="expression",
        answer="6*x",
        explanation=(
            "Sum rule: differentiate each term. 3x² gives 3·2x = 6x; the constant 100 "
            "does not change when x changes, so its derivative is 0."
        ),
        mistakes=[
            ("6*x + 100", "The constant 100 should disappear: a constant's derivative is 0."),
            ("3*x", "You lowered the exponent but forgot to multiply by it (the 2)."),
            ("6*x**2", "You multiplied by the exponent but forgot to lower it by one."),
            ("2*x", "You dropped the constant factor 3: (c·g)' = c·g'."),
        ],
    ),
    Question(
        id="02.d-5x3-2x-7",
        prompt="What is d/dx (5x³ − 2x + 7)?",
        kind="expression",
        answer="15*x**2 - 2",
        explanation="Term by term: 5x³ → 15x², −2x → −2, 7 → 0. Together: 15x² − 2.",
        mistakes=[
            ("15*x**2 + 5", "The constant 7 should disappear: its derivative is 0."),
            ("15*x**2", "The term −2x has derivative −2 (the power rule with n = 1: x' = 1)."),
            ("15*x**2 - 2*x", "−2x is −2·x¹; its derivative is −2·1·x⁰ = −2."),
        ],
    ),
    Question(
        id="02.d-5x3-2x-7-at-0",
        prompt="What is the derivative of 5x³ − 2x + 7 evaluated at x = 0?",
        kind="number",
        answer=-2,
        explanation="The derivative is 15x² − 2; at x = 0 that is 0 − 2 = −2.",
        mistakes=[
            (7, "7 is the function's value at 0; differentiate first, then put x = 0."),
            (0, "Putting x = 0 before differentiating loses the −2x term; differentiate first."),
            (2, "Right size, wrong sign: the −2x term has slope −2."),
        ],
        atol=1e-9,
    ),
    Question(
        id="02.product-x2-x3",
        prompt="Use the product rule on x²·x³. What is the derivative?",
        kind="expression",
        answer="5*x**4",
        explanation=(
            "(fg)' = f'g + fg' = 2x·x³ + x²·3x² = 2x⁴ + 3x⁴ = 5x⁴, the same as the power "
            "rule on x⁵."
        ),
        mistakes=[
            ("6*x**3", "That is f'·g' = 2x·3x². The product rule is f'g + fg', not f'g'."),
            ("2*x**4", "That is only f'g; add fg' = x²·3x² = 3x⁴."),
            ("3*x**4", "That is only fg'; add f'g = 2x·x³ = 2x⁴."),
        ],
    ),
    Question(
        id="02.dw3-at-2",
        prompt="J(w) = w³. What is dJ/dw at w = 2?",
        kind="number",
        answer=12,
        explanation="dJ/dw = 3w², and 3·2² = 12.",
        mistakes=[
            (8, "8 is J(2) = 2³, the value; the derivative is 3w²."),
            (6, "3w gives 6; the power rule lowers the exponent by one only: 3w²."),
            (24, "3w³ gives 24; the exponent goes down by one: 3w²."),
        ],
        rtol=1e-6,
    ),
    Question(
        id="02.d-inverse-at-2",
        prompt="J(w) = 1/w. What is dJ/dw at w = 2?",
        kind="number",
        answer=-0.25,
        explanation="1/w = w⁻¹, so the power rule gives −1·w⁻² = −1/w², and −1/2² = −1/4.",
        mistakes=[
            (0.25, "Right size, wrong sign: 1/w falls as w grows, so its slope is negative."),
            (-0.5, "−1/w gives −0.5; the exponent −1 goes down to −2: −1/w²."),
            (0.5, "0.5 is J(2) = 1/2, the value."),
        ],
        rtol=1e-6,
    ),
    Question(
        id="02.sigmoid-max-slope",
        prompt="What is the largest value of σ'(z) = σ(z)(1 − σ(z)) over all z?",
        kind="number",
        answer=0.25,
        explanation=(
            "σ(z)(1 − σ(z)) is largest when σ(z) = 1/2, at z = 0: 1/2·1/2 = 1/4. "
            "Every sigmoid in a chain multiplies a gradient by at most 0.25."
        ),
        mistakes=[
            (0.5, "0.5 is σ(0), the sigmoid's value at 0; its slope there is 0.5·(1 − 0.5)."),
            (1, "1 is the largest slope of tanh, not of the sigmoid."),
        ],
        rtol=1e-6,
    ),
    Question(
        id="02.tanh-slope-at-0",
        prompt="What is tanh'(0)?",
        kind="number",
        answer=1,
        explanation="tanh'(z) = 1 − tanh²(z), and tanh(0) = 0, so tanh'(0) = 1.",
        mistakes=[
            (0, "0 is tanh(0), the value; the slope is 1 − tanh²(0)."),
            (0.25, "0.25 is the sigmoid's largest slope; tanh is steeper, 1 − 0² = 1."),
        ],
        rtol=1e-6,
    ),
    Question(
        id="02.mse-slope",
        prompt="One example, L = (ŷ − y)² with prediction ŷ = 2 and target y = 5. What is dL/dŷ?",
        kind="number",
        answer=-6,
        explanation=(
            "dL/dŷ = 2(ŷ − y) = 2·(2 − 5) = −6: negative, so raising the prediction "
            "lowers the loss."
        ),
        mistakes=[
            (6, "Right size, wrong sign: it is 2(ŷ − y), prediction minus target."),
            (-3, "You forgot the 2 from the power rule."),
            (9, "9 is the loss itself, not its derivative."),
        ],
        rtol=1e-6,
    ),
    Question(
        id="02.bce-slope",
        prompt=(
            "Binary cross-entropy L = −[y ln p + (1 − y) ln(1 − p)] for y = 1 and p = 0.8. "
            "What is dL/dp?"
        ),
        kind="number",
        answer=-1.25,
        explanation=(
            "With y = 1 the loss is −ln p, so dL/dp = −1/p = −1/0.8 = −1.25: raising the "
            "probability of the true class lowers the loss."
        ),
        mistakes=[
            (1.25, "Right size, wrong sign: the loss falls as p moves towards the true label 1."),
            (
                -0.2,
                "−0.2 = p − y is the slope with respect to the score z before the sigmoid "
                "(lesson 03's chain rule), not with respect to p.",
            ),
            (0.22314355131420976, "0.223 is the loss −ln 0.8 itself, not its derivative."),
        ],
        rtol=1e-3,
    ),
    Question(
        id="02.wx-which-rule",
        prompt=(
            "A neuron computes w · x. Which rule gives its slope with respect to the weight w, "
            "for a fixed input x?"
        ),
        kind="choice",
        answer="the constant-multiple rule",
        options=[
            "the constant-multiple rule",
            "the product rule",
            "the power rule",
            "the chain rule",
        ],
        explanation=(
            "The input x does not change when w does, so w · x is a constant times w and its slope "
            "is x. The product rule is for two factors that both depend on the variable, such as "
            "z · σ(z)."
        ),
        mistakes=[
            (
                "the product rule",
                "The product rule would add w · (dx/dw), but dx/dw = 0: x is a fixed input. "
                "It is the constant-multiple rule.",
            ),
            (
                "the power rule",
                "w appears to the first power only; its coefficient x is what matters.",
            ),
            ("the chain rule", "There is no function inside a function here, just x times w."),
        ],
    ),
    Question(
        id="02.silu-slope-at-0",
        prompt="SiLU(z) = z · σ(z). What is its slope at z = 0? (σ(0) = 0.5)",
        kind="number",
        answer=0.5,
        explanation=(
            "Product rule: SiLU'(z) = 1 · σ(z) + z · σ'(z). At z = 0 the second term is "
            "0 · σ'(0) = 0, so the slope is σ(0) = 0.5."
        ),
        mistakes=[
            (
                0.25,
                "0.25 is σ'(0) alone; the product rule adds σ(0) · 1 and multiplies σ'(0) by z = 0.",
            ),
            (0.75, "At z = 0 the term z · σ'(z) is 0, not σ'(0) = 0.25."),
            (0, "SiLU(0) = 0, but its slope there is σ(0) = 0.5."),
        ],
        rtol=1e-6,
    ),
]
