"""Self-checks of lesson 08, "When training goes wrong"."""

from helpers.questions.model import Question

_CAUSES = [
    "learning rate too large",
    "sign flipped in the update",
    "forgotten zero_grad",
    "integer parameters",
]

QUESTIONS = [
    Question(
        id="08.climb-oscillate",
        prompt=(
            "The loss climbs every step. You print one parameter: 3, −4.2, 5.88, −8.23, 11.5, … "
            "What is the most likely cause?"
        ),
        kind="choice",
        answer="learning rate too large",
        options=_CAUSES,
        explanation=(
            "The parameter changes sign every step and grows ×1.4: each step jumps over the "
            "minimum and lands further away on the other side. That is a step too large "
            "(here 1 − 6η = −1.4, so η = 0.4 > 1/3)."
        ),
        mistakes=[
            (
                "sign flipped in the update",
                "A flipped sign walks uphill in one direction: the parameter "
                "would grow without changing sign.",
            ),
            (
                "forgotten zero_grad",
                "Accumulated gradients make the loss swing up and down; they do not "
                "make it climb on every step.",
            ),
            (
                "integer parameters",
                "Integer parameters truncate updates; these values are not whole numbers.",
            ),
        ],
    ),
    Question(
        id="08.climb-drift",
        prompt=(
            "The loss climbs every step. You print one parameter: 3, 4.8, 7.68, 12.3, 19.7, … "
            "What is the most likely cause?"
        ),
        kind="choice",
        answer="sign flipped in the update",
        options=_CAUSES,
        explanation=(
            "The parameter drifts one way (×1.6 per step, never changing sign) while the loss "
            "grows: each step goes uphill. That is w + lr·grad instead of w − lr·grad."
        ),
        mistakes=[
            (
                "learning rate too large",
                "A step that is too large overshoots, so the parameter would "
                "alternate in sign around the minimum; this one keeps its sign.",
            ),
            (
                "forgotten zero_grad",
                "Accumulated gradients make the loss swing up and down; here it climbs "
                "steadily and the parameter never turns back.",
            ),
            ("integer parameters", "Integer parameters stop moving; these keep growing."),
        ],
    ),
    Question(
        id="08.nan-needs",
        prompt="A diverging run shows loss = inf for many steps, then NaN. Which operation produces the NaN?",
        kind="choice",
        answer="inf − inf (or 0 · inf)",
        options=[
            "inf − inf (or 0 · inf)",
            "a number too large for a float",
            "inf + 1",
            "dividing a large number by a small one",
        ],
        explanation=(
            "Overflow gives ±inf, and inf stays inf under +, × and most functions. NaN needs an "
            "undefined operation: inf − inf, 0 · inf or inf / inf. In gradient descent it appears "
            "when a parameter is already ±inf and the update computes w − lr·grad with grad = ±inf."
        ),
        mistakes=[
            ("a number too large for a float", "Too large a number overflows to inf, not NaN."),
            ("inf + 1", "inf + 1 is inf: adding to infinity is well defined."),
            (
                "dividing a large number by a small one",
                "That overflows to inf (or gives a large number), not NaN.",
            ),
        ],
    ),
    Question(
        id="08.integer-update",
        prompt=(
            "w = np.array([0, 0]); grad = np.array([-6.0, -12.0]); w[:] = w - 0.1 * grad. "
            "What does w hold now?"
        ),
        kind="vector",
        answer=[0.0, 1.0],
        explanation=(
            "w − 0.1·grad = [0.6, 1.2], but w is an integer array (the literals 0, 0 made it "
            "int64), and storing into it truncates toward zero: [0, 1]. The 0.6 is lost, and it "
            "will be lost on every later step too."
        ),
        mistakes=[
            (
                [0.6, 1.2],
                "That is the float result; w = np.array([0, 0]) is an integer array, and assigning "
                "into it (w[:] = ...) truncates each value toward zero.",
            ),
            ([1.0, 1.0], "NumPy truncates toward zero, it does not round: 0.6 becomes 0."),
        ],
    ),
    Question(
        id="08.clip",
        prompt="Clip the gradient [30, 40] to norm at most 5 (clip by norm, as clip_grad_norm_ does).",
        kind="vector",
        answer=[3.0, 4.0],
        explanation=(
            "‖[30, 40]‖ = 50 > 5, so the gradient is scaled by 5/50 = 0.1: [3, 4]. The direction "
            "stays the same; only the length is capped."
        ),
        mistakes=[
            (
                [5.0, 5.0],
                "That clips each coordinate to 5 (clip by value), which also changes the "
                "direction. Clip by norm scales the whole vector.",
            ),
            ([0.6, 0.8], "[0.6, 0.8] has norm 1: scale to norm 5, not to a unit vector."),
            (
                [30.0, 40.0],
                "The norm is 50, above the limit 5, so the gradient must be scaled down.",
            ),
        ],
    ),
    Question(
        id="08.sigmoid-chain",
        prompt=(
            "A gradient passes back through 10 sigmoid layers (weights 1). Each sigmoid slope is at "
            "most 0.25. At most how large is the factor the chain rule multiplies it by?"
        ),
        kind="number",
        answer=0.25**10,
        explanation="Ten slopes of at most 0.25 multiply: 0.25¹⁰ ≈ 9.5·10⁻⁷, so the gradient all but vanishes.",
        mistakes=[
            (2.5, "The chain rule *multiplies* the slopes of the layers: 0.25¹⁰, not 10 × 0.25."),
            (0.25, "That is one layer; ten layers multiply ten such factors."),
        ],
        rtol=0.06,  # 1e-6 counts as right
        atol=0.0,
    ),
    Question(
        id="08.grad-three-backwards",
        prompt=(
            "You forget zero_grad and call backward() three times on loss = x² + 3y² at the same "
            "point (4, 3). What does w.grad hold?"
        ),
        kind="vector",
        answer=[24.0, 54.0],
        explanation="Each call adds the gradient [8, 18]: 3 × [8, 18] = [24, 54].",
        mistakes=[
            (
                [8.0, 18.0],
                "backward() adds into .grad; without zero_grad the three results pile up.",
            ),
            ([16.0, 36.0], "That is two calls; the question has three."),
        ],
    ),
]
