"""Self-checks of lesson 05, "Gradient descent"."""

from helpers.questions.model import Question

QUESTIONS = [
    Question(
        id="05.step-direction",
        prompt="To decrease a loss L as fast as possible from where you stand, which way do you step?",
        kind="choice",
        answer="along −∇L",
        options=["along ∇L", "along −∇L", "at right angles to ∇L", "towards the origin"],
        explanation=(
            "The gradient points in the direction of steepest ascent, so its negative is the "
            "direction of steepest descent: for a small step, L(w − η∇L) ≈ L(w) − η‖∇L‖², "
            "which is below L(w)."
        ),
        mistakes=[
            (
                "along ∇L",
                "Along ∇L the loss goes *up* fastest: L(w + η∇L) ≈ L(w) + η‖∇L‖². "
                "That is the flipped-sign bug.",
            ),
            (
                "at right angles to ∇L",
                "At right angles to ∇L you walk along a contour line: to first "
                "order the loss does not change at all.",
            ),
            (
                "towards the origin",
                "The minimum is not at the origin in general; only the gradient "
                "knows which way is downhill from here.",
            ),
        ],
    ),
    Question(
        id="05.one-step",
        prompt="w = [2, 3], ∇L(w) = [2, −4] and lr = 0.1. What is w after one gradient-descent step?",
        kind="vector",
        answer=[1.8, 3.4],
        explanation=(
            "w_new = w − lr·∇L = [2 − 0.1·2, 3 − 0.1·(−4)] = [2 − 0.2, 3 + 0.4] = [1.8, 3.4]. "
            "Where the gradient is negative the weight goes up."
        ),
        mistakes=[
            (
                [2.2, 2.6],
                "That is w + lr·∇L: you stepped uphill. The update subtracts the gradient.",
            ),
            (
                [1.8, 2.6],
                "The first coordinate is right; in the second, 3 − 0.1·(−4) = 3 + 0.4: "
                "minus a negative number goes up.",
            ),
            (
                [0.0, 7.0],
                "You subtracted the whole gradient; multiply it by the learning rate 0.1 first.",
            ),
            ([-0.2, 0.4], "That is the step −lr·∇L; add it to w to get the new weights."),
        ],
    ),
    Question(
        id="05.loss-after-step-1",
        prompt=(
            "On f(x, y) = x² + 3y² with lr = 0.1, the first step went from (4, 3) to (3.2, 1.2). "
            "Take the next step from (3.2, 1.2). What is the loss after it?"
        ),
        kind="number",
        answer=7.2448,
        explanation=(
            "∇f(3.2, 1.2) = [2·3.2, 6·1.2] = [6.4, 7.2]; the step gives "
            "(3.2 − 0.64, 1.2 − 0.72) = (2.56, 0.48); f = 2.56² + 3·0.48² = 6.5536 + 0.6912 = 7.2448."
        ),
        mistakes=[
            (14.56, "14.56 is the loss at (3.2, 1.2), before the step."),
            (
                6.784,
                "That is 2.56² + 0.48²: the loss is x² + 3y², so the y-term needs its factor 3.",
            ),
            (
                9.3184,
                "You stepped with ∂f/∂y = 2y; the derivative of 3y² is 6y, so y moves from 1.2 to 0.48.",
            ),
            (6.5536, "6.5536 is only the x² part; add 3·0.48² for the y part."),
        ],
        rtol=1e-4,
    ),
    Question(
        id="05.predict-lr-0.3",
        prompt=(
            "Predict before you run it: on f(x, y) = x² + 3y² from (4, 3), what does gradient descent "
            "with lr = 0.3 do?"
        ),
        kind="choice",
        answer="zig-zag but converge",
        options=["converge smoothly", "zig-zag but converge", "diverge"],
        explanation=(
            "Each step multiplies x by 1 − 2·0.3 = 0.4 and y by 1 − 6·0.3 = −0.8. A negative factor "
            "flips the sign of y every step (zig-zag across the valley), and |−0.8| < 1 shrinks "
            "it: the run converges."
        ),
        mistakes=[
            (
                "converge smoothly",
                "x does shrink smoothly (factor 0.4), but y is multiplied by "
                "1 − 6·0.3 = −0.8: its sign flips every step.",
            ),
            (
                "diverge",
                "Divergence needs a factor with |1 − lr·λ| > 1; here the factors are 0.4 and "
                "−0.8, both smaller than 1 in size. lr = 0.3 is below the boundary 1/3.",
            ),
        ],
    ),
    Question(
        id="05.first-diverging-lr",
        prompt=(
            "Gradient descent on f(x, y) = x² + 3y² diverges for every learning rate above a certain "
            "value. Which value?"
        ),
        kind="number",
        answer="1/3",
        explanation=(
            "The Hessian has eigenvalues 2 and 6, so each step multiplies x by 1 − 2·lr and y by "
            "1 − 6·lr. The run converges only if both factors lie strictly between −1 and 1, "
            "i.e. lr < 2/6 = 1/3. Above 1/3, y grows by more than a factor 1 each step (lr = 0.4: "
            "factor −1.4)."
        ),
        mistakes=[
            (
                1,
                "1 = 2/λ for λ = 2 keeps x stable, but y, with the larger curvature 6, fails first: 2/6.",
            ),
            (
                0.25,
                "0.25 is the best fixed learning rate, where both directions shrink by 0.5. It is "
                "well inside the stable range.",
            ),
            (
                "1/6",
                "At lr = 1/6 the y-factor 1 − 6·lr is 0, not −1: y is solved in one step. "
                "Divergence starts where the factor passes −1.",
            ),
            ("2/3", "The curvature along y is the second derivative of 3y², which is 6, not 3."),
        ],
        rtol=1e-3,
    ),
    Question(
        id="05.best-lr",
        prompt="Which fixed learning rate makes the slower of the two directions of x² + 3y² shrink fastest?",
        kind="number",
        answer=0.25,
        explanation=(
            "The factors are |1 − 2·lr| (x) and |1 − 6·lr| (y). The larger of the two is smallest "
            "where they are equal: 1 − 2·lr = 6·lr − 1, so lr = 2/(2 + 6) = 0.25, and both "
            "directions shrink by 0.5 per step."
        ),
        mistakes=[
            ("1/3", "At lr = 1/3 the y-factor is −1: y never shrinks, it just flips sign."),
            (
                "1/6",
                "lr = 1/6 removes y in one step, but x only shrinks by 1 − 2/6 = 2/3 per step; "
                "0.25 does better on the slower direction (0.5 per step).",
            ),
            (
                0.5,
                "lr = 0.5 is best for x alone (factor 0), but makes y's factor 1 − 3 = −2: it diverges.",
            ),
        ],
        rtol=1e-3,
    ),
    Question(
        id="05.small-gradient-minimum",
        prompt="A run stopped because ‖∇L(w)‖ fell below 10⁻⁶. Is w a minimum?",
        kind="choice",
        answer="not necessarily",
        options=["yes", "not necessarily", "no"],
        explanation=(
            "A zero gradient means a flat point: a minimum, a maximum or a saddle. On x² − y² a run "
            "started exactly on the x-axis stops at the saddle (0, 0). The Hessian tells them "
            "apart: all eigenvalues > 0 at a minimum, some < 0 at a saddle."
        ),
        mistakes=[
            (
                "yes",
                "A zero gradient is necessary for a minimum, not sufficient: saddles and maxima are "
                "flat too.",
            ),
            ("no", "It often is a minimum; the point is that the gradient alone cannot tell you."),
        ],
    ),
    Question(
        id="05.which-minimum",
        prompt="On a loss with two minima, what decides which one gradient descent ends in?",
        kind="choice",
        answer="the start point and the step size",
        options=[
            "only the learning rate: a small one gets stuck in a local minimum",
            "the start point and the step size",
            "nothing: gradient descent always finds the lowest minimum",
        ],
        explanation=(
            "Each minimum has a basin of start points that flow into it; a large step can throw "
            "the run across the ridge into the other basin. On the two-minima function, starting "
            "at (−1.75, 1) ends in the left minimum with lr = 0.05 and in the right one with "
            "lr = 0.15, and starting at (1.75, 1) does the opposite."
        ),
        mistakes=[
            (
                "only the learning rate: a small one gets stuck in a local minimum",
                "A small learning rate is slow, not sticky: it follows the slope into the basin it starts "
                "in. Which basin that is depends on the start point.",
            ),
            (
                "nothing: gradient descent always finds the lowest minimum",
                "Gradient descent only sees the local slope; it has no way to know where the lowest "
                "minimum is.",
            ),
        ],
    ),
    Question(
        id="05.minibatch",
        prompt="What is the gradient of the loss on one random mini-batch?",
        kind="choice",
        answer="a noisy estimate of the full gradient",
        options=[
            "the exact gradient of the full loss",
            "a noisy estimate of the full gradient",
            "always smaller than the full gradient",
        ],
        explanation=(
            "The full loss is the mean of the per-example losses, so its gradient is the mean of "
            "per-example gradients. A batch averages only some of them: on average (over random "
            "batches) it equals the full gradient, but each one is off by some noise. That noise "
            "is the price of much cheaper steps."
        ),
        mistakes=[
            (
                "the exact gradient of the full loss",
                "Only a batch containing every example gives the "
                "exact gradient; a smaller batch sees part of the data.",
            ),
            (
                "always smaller than the full gradient",
                "A batch gradient can be larger or smaller; it scatters around the full gradient.",
            ),
        ],
    ),
    Question(
        id="05.momentum-stable-range",
        prompt=(
            "Heavy-ball momentum with β = 0.5 on a quadratic whose largest curvature is λmax = 6. "
            "Below which learning rate is it stable?"
        ),
        kind="number",
        answer=0.5,
        explanation=(
            "Momentum is stable for 0 < ηλ < 2(1 + β) in every direction, so "
            "η < 2(1 + 0.5)/6 = 3/6 = 0.5."
        ),
        mistakes=[
            (1 / 3, "1/3 = 2/λmax is the limit without momentum; β = 0.5 stretches it by 1 + β."),
            (1 / 6, "1/λmax is not the limit: the bound is 2(1 + β)/λmax."),
        ],
        rtol=1e-6,
    ),
    Question(
        id="05.complex-roots",
        prompt=(
            "Momentum with β = 0.81; in some direction the two eigenvalues of the iteration matrix "
            "M are complex. By what factor does the error there shrink per step?"
        ),
        kind="number",
        answer=0.9,
        explanation=(
            "The two eigenvalues multiply to β; complex ones are conjugates with equal modulus, "
            "so each has modulus √β = √0.81 = 0.9, whatever the learning rate."
        ),
        mistakes=[
            (0.81, "0.81 is their product; each of the two conjugate roots has modulus √0.81."),
            (0.19, "The modulus of the roots is √β, not 1 − β."),
        ],
        rtol=1e-6,
    ),
    Question(
        id="05.sqrt-kappa",
        prompt=(
            "A quadratic's curvatures have condition number κ = λmax/λmin = 400. With their best "
            "settings, about how many times fewer steps does momentum need than plain gradient descent?"
        ),
        kind="number",
        answer=20,
        explanation=(
            "Plain descent shrinks the slow direction by about 1 − 2/κ per step, momentum with "
            "the best η and β by about 1 − 2/√κ: the step counts differ by a factor √κ = √400 = 20."
        ),
        mistakes=[
            (400, "That is κ itself; the speed-up is its square root."),
            (200, "The step counts scale like κ/2 and √κ/2: their ratio is √κ."),
        ],
        rtol=0.05,
    ),
]
