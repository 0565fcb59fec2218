"""Self-checks of lesson 07, "Automatic differentiation with PyTorch"."""

from helpers.questions.model import Question

QUESTIONS = [
    Question(
        id="07.backward-fills-grad",
        prompt="In a PyTorch training loop, which call fills w.grad with the gradient of the loss?",
        kind="choice",
        answer="loss.backward()",
        options=["optimizer.step()", "loss.backward()", "optimizer.zero_grad()", "loss.item()"],
        explanation=(
            "loss.backward() walks the recorded graph from the loss back to every tensor with "
            "requires_grad=True, applying the chain rule, and adds each gradient into that "
            "tensor's .grad."
        ),
        mistakes=[
            (
                "optimizer.step()",
                "optimizer.step() only *reads* w.grad to update w (w ← w − lr·w.grad); "
                "something must have filled it before.",
            ),
            (
                "optimizer.zero_grad()",
                "zero_grad() empties .grad (sets it to zero or None); it computes nothing.",
            ),
            (
                "loss.item()",
                "loss.item() turns the loss into a Python number for printing; it does not "
                "touch the graph or the gradients.",
            ),
        ],
    ),
    Question(
        id="07.zero-grad-why",
        prompt="Why does a PyTorch training loop call optimizer.zero_grad() in every iteration?",
        kind="choice",
        answer="backward() adds to .grad, so old gradients would pile up",
        options=[
            "backward() adds to .grad, so old gradients would pile up",
            "to reset the learning rate",
            "to free the memory of the graph",
            "because step() needs a zero gradient to start from",
        ],
        explanation=(
            "Gradients accumulate: each backward() call *adds* its result to .grad (useful when a "
            "value is used twice, or to sum gradients over several mini-batches). Without "
            "zero_grad(), step k would use the sum of the gradients of steps 0..k."
        ),
        mistakes=[
            (
                "to reset the learning rate",
                "The learning rate lives in the optimizer and never changes "
                "unless you (or a scheduler) change it.",
            ),
            (
                "to free the memory of the graph",
                "backward() frees the graph itself; zero_grad() only clears the .grad tensors.",
            ),
            (
                "because step() needs a zero gradient to start from",
                "step() uses whatever .grad holds; with a zero gradient it would not move at all.",
            ),
        ],
    ),
    Question(
        id="07.grad-at-4-3",
        prompt=(
            "w = torch.tensor([4.0, 3.0], requires_grad=True); loss = w[0]**2 + 3*w[1]**2; "
            "loss.backward(). What is w.grad?"
        ),
        kind="vector",
        answer=[8.0, 18.0],
        explanation="∇(x² + 3y²) = [2x, 6y]; at (4, 3) that is [8, 18].",
        mistakes=[
            ([8.0, 6.0], "For 3y² the derivative is 3·2y = 6y, so 18 at y = 3: keep the factor 3."),
            ([2.0, 6.0], "[2, 6] are the coefficients of [2x, 6y]; evaluate them at x = 4, y = 3."),
            (
                [16.0, 36.0],
                "That is what .grad holds after *two* backward() calls: gradients accumulate. "
                "One call gives [8, 18].",
            ),
            ([43.0, 43.0], "43 is the loss itself; .grad holds its partial derivatives."),
        ],
    ),
    Question(
        id="07.z-grad-x",
        prompt=(
            "x = torch.tensor(2.0, requires_grad=True); y = torch.tensor(3.0, requires_grad=True); "
            "z = x**2 + 2*x*y + y**2; z.backward(). What is x.grad?"
        ),
        kind="number",
        answer=10.0,
        explanation=(
            "∂z/∂x = 2x + 2y = 4 + 6 = 10 (and ∂z/∂y = 2x + 2y = 10 too: z = (x + y)², "
            "so both partials are 2(x + y))."
        ),
        mistakes=[
            (4.0, "2x = 4 is the derivative of x² alone; 2xy also contains x and adds 2y = 6."),
            (6.0, "2y = 6 is only the derivative of 2xy; add 2x = 4 from x²."),
            (25.0, "25 is z itself, (2 + 3)²; x.grad is ∂z/∂x."),
        ],
    ),
    Question(
        id="07.grad-twice",
        prompt=(
            "Starting from w = torch.tensor([4.0, 3.0], requires_grad=True), you build "
            "loss = w[0]**2 + 3*w[1]**2 and call loss.backward(), then build the loss again and call "
            "backward() again, with no zero_grad in between. What is w.grad now?"
        ),
        kind="vector",
        answer=[16.0, 36.0],
        explanation="Each backward() adds [8, 18] into w.grad: 2 × [8, 18] = [16, 36].",
        mistakes=[
            (
                [8.0, 18.0],
                "Each backward() *adds* to .grad; it does not overwrite it. That is why loops "
                "call zero_grad().",
            ),
            ([0.0, 0.0], "Nothing cleared .grad: zero_grad() was never called."),
        ],
    ),
    Question(
        id="07.reverse-passes",
        prompt=(
            "A scalar loss depends on 1,000,000 parameters. How many backward (reverse-mode) passes "
            "does autograd need for the full gradient?"
        ),
        kind="number",
        answer=1,
        explanation=(
            "Reverse mode costs one pass per *output*; a loss is one number, so one backward "
            "pass gives all 1,000,000 partial derivatives, at a cost of a few forward passes."
        ),
        mistakes=[
            (
                1_000_000,
                "One pass per parameter is forward mode (or one-sided finite differences): "
                "reverse mode needs one pass per output.",
            ),
            (
                2_000_000,
                "2n evaluations is what central differences need; autograd needs one backward "
                "pass.",
            ),
        ],
        rtol=1e-9,
    ),
    Question(
        id="07.numeric-evals",
        prompt=(
            "How many loss evaluations does a central-difference gradient need for a model with "
            "1,000 parameters?"
        ),
        kind="number",
        answer=2000,
        explanation=(
            "Central differences evaluate L(w + h·eᵢ) and L(w − h·eᵢ) for each of the n "
            "coordinates: 2n = 2000 evaluations."
        ),
        mistakes=[
            (1000, "Each coordinate needs two evaluations, one on each side: 2 × 1000."),
            (
                1001,
                "1001 = n + 1 is the count for *forward* differences (one shared L(w)); central "
                "differences need 2n.",
            ),
            (1, "One evaluation gives the loss, not its slope in 1000 directions."),
        ],
        rtol=1e-9,  # a count: 1001 is not 1000
    ),
    Question(
        id="07.vjp",
        prompt=(
            "y = M @ x with M = [[1, 2, 3], [4, 5, 6]] and x of shape (3,). After "
            "y.backward(gradient=torch.tensor([1., 1.])), what is x.grad?"
        ),
        kind="vector",
        answer=[5, 7, 9],
        explanation=(
            "backward with a gradient v computes vᵀJ, and the Jacobian of M @ x is M: "
            "[1, 1] @ M = [1 + 4, 2 + 5, 3 + 6] = [5, 7, 9]. It has the shape of x."
        ),
        mistakes=[
            ([6, 15], "That is M @ [1, 1, 1], the sums of the rows; x.grad is vᵀM, shaped like x."),
        ],
        rtol=1e-9,
    ),
    Question(
        id="07.detach-factor",
        prompt="x = torch.tensor(3., requires_grad=True). What does (x * x.detach()).backward() put in x.grad?",
        kind="number",
        answer=3,
        explanation=(
            "x.detach() is a constant 3 to autograd, so the expression is 3·x and its derivative "
            "is 3: only one factor passes a gradient back."
        ),
        mistakes=[(6, "6 = 2x is the derivative of x·x; the detached factor passes no gradient.")],
        rtol=1e-9,
    ),
    Question(
        id="07.branch",
        prompt=(
            "def f(x): return x**2 if x > 0 else -3 * x. What gradient does autograd give at x = -1?"
        ),
        kind="number",
        answer=-3,
        explanation=(
            "At x = −1 the else branch runs, so the recorded graph is −3·x and its derivative is "
            "−3. Autograd differentiates the path that actually ran."
        ),
        mistakes=[(-2, "−2 = 2x is the slope of the other branch, which did not run at x = −1.")],
        rtol=1e-9,
    ),
]
