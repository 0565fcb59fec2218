"""Self-checks of the lab, "Handwritten digits, end to end"."""

from helpers.questions.model import Question

QUESTIONS = [
    Question(
        id="09.gradient-shape",
        prompt="The weights W of the softmax regression have shape (65, 10). What shape is ∇_W L?",
        kind="shape",
        answer=(65, 10),
        explanation=(
            "A gradient has the shape of the parameters: one partial derivative per weight, "
            "so (65, 10). The formula agrees: Aᵀ (65 × n) times P − Y (n × 10)."
        ),
        mistakes=[
            ((10, 65), "That is the shape of Wᵀ; the gradient is shaped like W itself."),
            ((1348, 10), "That is the shape of P − Y, one row per example; Aᵀ sums over them."),
            (
                (650,),
                "Flattened for the descent loop it has 650 entries, but as a matrix it is (65, 10).",
            ),
        ],
    ),
    Question(
        id="09.softmax-ce-slope",
        prompt=(
            "One digit, three classes: the softmax gives s = [0.7, 0.2, 0.1] and the right class "
            "is class 0. What is the gradient of its cross-entropy with respect to the scores z?"
        ),
        kind="vector",
        answer=[-0.3, 0.2, 0.1],
        explanation=(
            "∇_z ℓ = s − y with y one-hot: [0.7 − 1, 0.2 − 0, 0.1 − 0] = [−0.3, 0.2, 0.1]. "
            "Descent raises the right class's score and lowers the others."
        ),
        mistakes=[
            ([0.3, -0.2, -0.1], "That is y − s: the sign is flipped. The gradient points uphill."),
            (
                [-0.3, 0.0, 0.0],
                "Every score moves the loss, not only the right class's: s_j − 0 for j ≠ c.",
            ),
            ([0.7, 0.2, 0.1], "Subtract the one-hot truth y = [1, 0, 0] from s."),
        ],
    ),
    Question(
        id="09.why-not-accuracy",
        prompt="Why is the classifier trained on the cross-entropy loss rather than on the accuracy?",
        kind="choice",
        answer="the accuracy's gradient is zero almost everywhere",
        options=[
            "the accuracy's gradient is zero almost everywhere",
            "the accuracy is too slow to compute",
            "the accuracy cannot be measured on training data",
            "the loss and the accuracy always rank models the same way",
        ],
        explanation=(
            "The accuracy only changes when a digit's top class flips, so it is a staircase in the "
            "weights: flat between jumps, slope 0, and gradient descent would never move. The smooth "
            "loss gives a useful direction; the accuracy is what we report."
        ),
        mistakes=[
            (
                "the accuracy is too slow to compute",
                "It is one argmax and a comparison per example, about as cheap as the loss.",
            ),
            (
                "the accuracy cannot be measured on training data",
                "The lab measures it on both the training and the held-out digits.",
            ),
            (
                "the loss and the accuracy always rank models the same way",
                "They do not: after step 100 the loss kept falling while held-out accuracy stood still.",
            ),
        ],
    ),
    Question(
        id="09.chance",
        prompt="With ten equally common classes, what accuracy does guessing a class at random get?",
        kind="number",
        answer=0.1,
        atol=1e-9,
        explanation="Each guess is right with probability 1/10, so about 0.1 (10%): the floor any model must beat.",
        mistakes=[(10, "As a fraction, please: 10% is 0.1.")],
    ),
    Question(
        id="09.held-out",
        prompt="Which number tells you best how the model will do on digits nobody has shown it?",
        kind="choice",
        answer="the accuracy on the held-out digits",
        options=[
            "the accuracy on the held-out digits",
            "the accuracy on the training digits",
            "the training loss",
            "the number of steps",
        ],
        explanation=(
            "Only the held-out digits were never used for training (not even for the "
            "standardisation), so only they measure performance on new data."
        ),
        mistakes=[
            (
                "the accuracy on the training digits",
                "The model was fitted to those digits; it ends near 99% there but about 96% on unseen ones.",
            ),
            (
                "the training loss",
                "The training loss kept falling long after the held-out accuracy stopped improving.",
            ),
            (
                "the number of steps",
                "More steps lowered the training loss, not the held-out error.",
            ),
        ],
    ),
    Question(
        id="09.held-out-accuracy",
        prompt="The held-out accuracy of the trained softmax regression (a fraction between 0 and 1)",
        kind="number",
        answer=428 / 449,
        rtol=1e-6,
        explanation=(
            "accuracy(w_end, A_held, y_held): the share of the 449 held-out digits whose "
            "highest-scoring class is the right one."
        ),
        mistakes=[
            (
                1342 / 1348,
                "That looks like the accuracy on the training digits; use A_held and y_held.",
            )
        ],
    ),
]
