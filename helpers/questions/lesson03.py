"""Self-checks of lesson 03, the chain rule (lessons/03-chain-rule.ipynb)."""

from helpers.questions.model import Question

FORGOT_INNER = "That is the outer derivative alone: you forgot to multiply by the inner derivative"

QUESTIONS = [
    Question(
        id="03.inner-outer",
        prompt="For h(x) = (5x − 2)², which is the inner function g and which is the outer function f?",
        kind="choice",
        options=[
            "inner g(x) = 5x − 2, outer f(u) = u²",
            "inner g(x) = u², outer f(u) = 5u − 2",
            "inner g(x) = x², outer f(u) = 5u − 2",
        ],
        answer="inner g(x) = 5x − 2, outer f(u) = u²",
        explanation=(
            "Work from x outwards: the first thing computed from x is 5x − 2 (the inner "
            "function); its result u is then squared (the outer function), so h(x) = f(g(x)) "
            "with g(x) = 5x − 2 and f(u) = u²."
        ),
        mistakes=[
            (
                "inner g(x) = u², outer f(u) = 5u − 2",
                "Reversed: squaring first and then computing 5u − 2 gives 5x² − 2, not (5x − 2)².",
            ),
            (
                "inner g(x) = x², outer f(u) = 5u − 2",
                "f(g(x)) would then be 5x² − 2, a different function.",
            ),
        ],
    ),
    Question(
        id="03.derivative-5x-2-squared",
        prompt="Differentiate h(x) = (5x − 2)² with the chain rule. h'(x) = ?",
        kind="expression",
        answer="10*(5*x - 2)",
        explanation=(
            "Outer f(u) = u² has f'(u) = 2u, evaluated at the inner value: 2(5x − 2). Inner "
            "g(x) = 5x − 2 has g'(x) = 5. Multiply: h'(x) = 2(5x − 2)·5 = 10(5x − 2) = 50x − 20."
        ),
        mistakes=[
            ("2*(5*x - 2)", FORGOT_INNER + " g'(x) = 5."),
            ("5*(5*x - 2)", "The factor 5 is there, but the outer derivative of u² is 2u, not u."),
        ],
    ),
    Question(
        id="03.h-prime-at-1",
        prompt="Using h'(x) = 6(3x + 1), the derivative of h(x) = (3x + 1)², compute h'(1).",
        kind="number",
        answer=24,
        explanation="h'(1) = 6·(3·1 + 1) = 6·4 = 24: outer slope 2·4 = 8 at u = 4, times inner slope 3.",
        mistakes=[
            (8, FORGOT_INNER + " g'(x) = 3 (8 × 3 = 24)."),
            (16, "16 is h(1) = (3 + 1)², the value of the function, not its slope."),
            (4, "4 is the inner value 3·1 + 1; the derivative multiplies it by 6."),
            (6, "6 is the constant in front; multiply it by (3x + 1) at x = 1."),
        ],
    ),
    Question(
        id="03.h-prime-at-4.5",
        prompt="For h(x) = (2x + 1)², compute h'(4.5).",
        kind="number",
        answer=40,
        explanation=(
            "Inner g(x) = 2x + 1 with g'(x) = 2; outer f(u) = u² with f'(u) = 2u. "
            "h'(x) = 2(2x + 1)·2 = 4(2x + 1), and at x = 4.5: 4·10 = 40."
        ),
        mistakes=[
            (20, FORGOT_INNER + " g'(x) = 2 (20 × 2 = 40)."),
            (100, "100 is h(4.5) = 10², the value of the function, not its slope."),
            (10, "10 is the inner value 2·4.5 + 1."),
        ],
    ),
    Question(
        id="03.x2plus1-cubed",
        prompt="Differentiate h(x) = (x² + 1)³. h'(x) = ?",
        kind="expression",
        answer="6*x*(x**2 + 1)**2",
        explanation=(
            "Outer f(u) = u³ gives 3u² = 3(x² + 1)²; inner g(x) = x² + 1 gives 2x. "
            "h'(x) = 3(x² + 1)²·2x = 6x(x² + 1)²."
        ),
        mistakes=[
            ("3*(x**2 + 1)**2", FORGOT_INNER + " g'(x) = 2x."),
            ("6*(x**2 + 1)**2", "The inner derivative of x² + 1 is 2x, not 2."),
            ("6*x*(x**2 + 1)", "The outer derivative of u³ is 3u²: keep the square on (x² + 1)."),
        ],
    ),
    Question(
        id="03.graph-dfdx",
        prompt=(
            "f = (x·y + x)² is computed as u = x·y, v = u + x, f = v². At x = 4, y = 2, "
            "what is ∂f/∂x (the derivative with respect to x, y held fixed)?"
        ),
        kind="number",
        answer=72,
        explanation=(
            "Forward: u = 8, v = 12, f = 144. Backward: ∂f/∂v = 2v = 24; x is used twice, so "
            "its gradient is the sum over both uses: through u = x·y it gets 24·y = 48, directly "
            "through v = u + x it gets 24·1 = 24; total 72. Check: f = x²(y + 1)², so "
            "∂f/∂x = 2x(y + 1)² = 72."
        ),
        mistakes=[
            (
                48,
                "That is only the path through u = x·y: add the direct path through v = u + x (+24).",
            ),
            (
                24,
                "That is only the direct path through v = u + x: add the path through u = x·y (+48).",
            ),
            (96, "96 is ∂f/∂y = 24·x. For ∂f/∂x, x's local derivative in u = x·y is y."),
            (
                144,
                "144 is the value f itself, from the forward pass; the backward pass gives the slope.",
            ),
        ],
    ),
    Question(
        id="03.a-plus-a",
        prompt="b = a + a. In the backward pass, what is ∂b/∂a?",
        kind="number",
        answer=2,
        explanation=(
            "a reaches b along two edges, each with local derivative 1; backpropagation adds "
            "the contributions (a.grad += 1, twice), giving 2, as b = 2a says."
        ),
        mistakes=[
            (
                1,
                "That is what you get when the second contribution overwrites the first "
                "(grad = ... instead of grad += ...).",
            ),
        ],
    ),
    Question(
        id="03.sigmoid-10-layers",
        prompt=(
            "A sigmoid's slope is at most 0.25. Through a chain of 10 sigmoid layers, what is the "
            "largest possible product of their slopes? (A number such as 1e-6 or 0.25^10.)"
        ),
        kind="number",
        answer=0.25**10,
        rtol=0.06,  # "about 1e-6" is the point; the exact value is 9.54e-7
        explanation=(
            "The chain rule multiplies the slopes: 0.25¹⁰ = 1/4¹⁰ = 1/1048576 ≈ 9.5·10⁻⁷. "
            "Even in the best case the gradient reaching the first layer shrinks a millionfold."
        ),
        mistakes=[
            (2.5, "Slopes along a chain multiply; they do not add (0.25 × 10 = 2.5)."),
            (0.25, "That is one layer; the chain rule multiplies ten such factors."),
        ],
    ),
    Question(
        id="03.exploding-factor",
        prompt=(
            "Each of 10 layers multiplies the gradient flowing backwards by 1.5. By what factor "
            "has it grown when it reaches the first layer?"
        ),
        kind="number",
        answer=1.5**10,
        explanation="Ten factors of 1.5 multiply: 1.5¹⁰ ≈ 57.7. Fifty such layers would give about 6.4·10⁸.",
        mistakes=[
            (15, "Factors along a chain multiply (1.5¹⁰), they do not add up to 1.5 × 10."),
            (1.5, "That is one layer; there are ten factors."),
        ],
    ),
]
