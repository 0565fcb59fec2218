"""Student answers the graded exercises must judge correctly: data, no test logic.

Each :class:`Case` stands for one student's notebook: the reference source notebook
with some solution cells replaced (``replace`` maps a solution cell's grade_id to the
student's whole cell). ``fails`` lists EXACTLY the test cells that must fail, each with
words its feedback must contain (case-insensitive); every other test cell must pass.

* correct alternatives (``fails`` empty) must keep full marks: loops or vectorised,
  ``r @ X`` or ``X.T @ r``, lists and ints in, a scalar ``w0``, ``y`` as a column,
  float32 torch, a noisy diverging run;
* mistakes (the spec's list and a few more) must lose the points of the cells they
  break, with feedback that names the mistake.

Used by tests/exercises/test_content.py (fast in-process check of the test
logic) and by the engine's tests, which run the same cases through the real grader.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

ASSIGNMENTS = ["exercise-01-derivatives", "exercise-02-gradient-descent", "exercise-03-autograd"]


@dataclass(frozen=True)
class Case:
    assignment: str
    name: str
    about: str
    replace: dict  # solution grade_id -> the student's cell
    fails: dict = field(default_factory=dict)  # test grade_id -> words its feedback contains
    # False where the course's grader judges on purpose what stock nbgrader cannot (a
    # function that delegates to the course's helpers): the throughput benchmark, which
    # checks that both give the same scores, leaves these out of its class
    stock_alike: bool = True

    @property
    def correct(self) -> bool:
        return not self.fails


def _case(assignment, name, about, replace, fails=None, stock_alike=True):
    replace = {key: textwrap.dedent(code).strip("\n") for key, code in replace.items()}
    fails = {key: tuple(words) for key, words in (fails or {}).items()}
    return Case(assignment, name, about, replace, fails, stock_alike)


def ex01(name, about, replace, fails=None, stock_alike=True):
    return _case("exercise-01-derivatives", name, about, replace, fails, stock_alike)


def ex02(name, about, replace, fails=None, stock_alike=True):
    return _case("exercise-02-gradient-descent", name, about, replace, fails, stock_alike)


def ex03(name, about, replace, fails=None, stock_alike=True):
    return _case("exercise-03-autograd", name, about, replace, fails, stock_alike)


# =========================================================================== exercise 01

EX01 = [
    # ------------------------------------------------------------- correct alternatives
    ex01(
        "alt-numerical-gradient-loop-copy",
        "perturb a copy in place and restore each coordinate",
        {
            "numerical_gradient": """
            def numerical_gradient(f, w, h=1e-5):
                w = np.array(w, dtype=float)
                grad = np.zeros(w.shape)
                for i in range(len(w)):
                    original = w[i]
                    w[i] = original + h
                    f_plus = f(w)
                    w[i] = original - h
                    f_minus = f(w)
                    w[i] = original
                    grad[i] = (f_plus - f_minus) / (2 * h)
                return grad
        """
        },
    ),
    ex01(
        "alt-numerical-gradient-identity",
        "rows of h * np.eye(d) as the steps",
        {
            "numerical_gradient": """
            def numerical_gradient(f, w, h=1e-5):
                w = np.asarray(w, dtype=float)
                steps = h * np.eye(w.size)
                return np.array([(f(w + e) - f(w - e)) / (2 * h) for e in steps])
        """
        },
    ),
    ex01(
        "alt-central-difference-divide-twice",
        "divide by 2 and then by h",
        {
            "central_difference": """
            def central_difference(f, x, h=1e-5):
                return (f(x + h) - f(x - h)) / 2 / h
        """
        },
    ),
    ex01(
        "alt-activations-other-forms",
        "exp form of the sigmoid, 1/cosh^2, a boolean-as-float ReLU",
        {
            "sigmoid_prime": """
            def sigmoid_prime(z):
                z = np.asarray(z, dtype=float)
                e = np.exp(-np.abs(z))
                return e / (1 + e) ** 2
        """,
            "tanh_prime": """
            def tanh_prime(z):
                return 1 / np.cosh(np.asarray(z, dtype=float)) ** 2
        """,
            "relu_prime": """
            def relu_prime(z):
                return (np.asarray(z) > 0).astype(float)
        """,
        },
    ),
    ex01(
        "alt-compose-lambda",
        "return a lambda",
        {
            "compose_derivative": """
            def compose_derivative(f_prime, g, g_prime):
                return lambda x: g_prime(x) * f_prime(g(x))
        """
        },
    ),
    ex01(
        "alt-grad-f-indexing",
        "index w, no explicit conversion",
        {
            "grad_f": """
            def grad_f(w):
                x, y = w[0], w[1]
                return np.array([6.0 * x * x - 3.0 * y**2, 5 - 6 * x * y])
        """
        },
    ),
    ex01(
        "alt-symbolic-derive-by-array",
        "sympy.derive_by_array, then a list",
        {
            "symbolic_gradient": """
            def symbolic_gradient(expr, variables):
                return list(sp.derive_by_array(expr, list(variables)))
        """
        },
    ),
    # ------------------------------------------------------------- mistakes
    ex01(
        "mistake-central-is-forward",
        "a forward difference where central differences are asked",
        {
            "central_difference": """
            def central_difference(f, x, h=1e-5):
                return (f(x + h) - f(x)) / h
        """
        },
        {"test_central_difference": ["forward difference"]},
    ),
    ex01(
        "mistake-central-tiny-h",
        "a tiny default h (1e-15)",
        {
            "central_difference": """
            def central_difference(f, x, h=1e-15):
                return (f(x + h) - f(x - h)) / (2 * h)
        """
        },
        {"test_central_difference": ["round-off"]},
    ),
    ex01(
        "mistake-central-ignores-h",
        "always uses h = 1e-5",
        {
            "central_difference": """
            def central_difference(f, x, h=1e-5):
                step = 1e-5
                return (f(x + step) - f(x - step)) / (2 * step)
        """
        },
        {"test_central_difference": ["use the h you are given"]},
    ),
    ex01(
        "mistake-secant-is-central",
        "the central difference where the secant slope is asked",
        {
            "secant_slope": """
            def secant_slope(f, x, h):
                return (f(x + h) - f(x - h)) / (2 * h)
        """
        },
        {"test_secant_slope": ["central difference"]},
    ),
    ex01(
        "mistake-gradient-all-at-once",
        "perturbing all coordinates at once",
        {
            "numerical_gradient": """
            def numerical_gradient(f, w, h=1e-5):
                w = np.asarray(w, dtype=float)
                slope = (f(w + h) - f(w - h)) / (2 * h)
                return np.full(w.shape, slope)
        """
        },
        {"test_numerical_gradient": ["all coordinates at once"]},
    ),
    ex01(
        "mistake-gradient-forward",
        "forward differences in numerical_gradient",
        {
            "numerical_gradient": """
            def numerical_gradient(f, w, h=1e-5):
                w = np.asarray(w, dtype=float)
                grad = np.zeros_like(w)
                for i in range(w.size):
                    e = np.zeros_like(w)
                    e[i] = h
                    grad[i] = (f(w + e) - f(w)) / h
                return grad
        """
        },
        {"test_numerical_gradient": ["forward difference"]},
    ),
    ex01(
        "mistake-gradient-modifies-w",
        "perturbs the caller's array and restores it with += / -=",
        {
            "numerical_gradient": """
            def numerical_gradient(f, w, h=1e-5):
                grad = np.zeros(len(w))
                for i in range(len(w)):
                    w[i] += h
                    f_plus = f(w)
                    w[i] -= 2 * h
                    f_minus = f(w)
                    w[i] += h
                    grad[i] = (f_plus - f_minus) / (2 * h)
                return grad
        """
        },
        {"test_numerical_gradient_inputs": ["changed its input w"]},
    ),
    ex01(
        "mistake-gradient-int-input",
        "keeps integer input as integers",
        {
            "numerical_gradient": """
            def numerical_gradient(f, w, h=1e-5):
                w = np.array(w)
                grad = np.zeros(w.shape)
                for i in range(w.size):
                    plus, minus = w.copy(), w.copy()
                    plus[i] += h
                    minus[i] -= h
                    grad[i] = (f(plus) - f(minus)) / (2 * h)
                return grad
        """
        },
        {"test_numerical_gradient_inputs": ["integer", "dtype=float"]},
    ),
    ex01(
        "mistake-sigmoid-prime-is-sigmoid",
        "returns sigma(z) instead of its derivative",
        {
            "sigmoid_prime": """
            def sigmoid_prime(z):
                return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))
        """
        },
        {"test_sigmoid_prime": ["sigma(z) * (1 - sigma(z))"]},
    ),
    ex01(
        "mistake-tanh-prime-no-square",
        "1 - tanh(z)",
        {
            "tanh_prime": """
            def tanh_prime(z):
                return 1 - np.tanh(np.asarray(z, dtype=float))
        """
        },
        {"test_tanh_prime": ["1 - tanh(z)**2"]},
    ),
    ex01(
        "mistake-relu-prime-at-zero",
        "z >= 0, so relu_prime(0) = 1",
        {
            "relu_prime": """
            def relu_prime(z):
                return np.where(np.asarray(z, dtype=float) >= 0, 1.0, 0.0)
        """
        },
        {"test_relu_prime": ["relu_prime(0) should be 0"]},
    ),
    ex01(
        "mistake-chain-rule-no-inner",
        "forgetting the inner derivative in the chain rule",
        {
            "compose_derivative": """
            def compose_derivative(f_prime, g, g_prime):
                def h_prime(x):
                    return f_prime(g(x))
                return h_prime
        """
        },
        {"test_compose_derivative": ["inner derivative"]},
    ),
    ex01(
        "mistake-chain-rule-outer-at-x",
        "evaluates the outer derivative at x",
        {
            "compose_derivative": """
            def compose_derivative(f_prime, g, g_prime):
                return lambda x: f_prime(x) * g_prime(x)
        """
        },
        {"test_compose_derivative": ["not at x"]},
    ),
    ex01(
        "mistake-compose-returns-number",
        "returns a number, not a function",
        {
            "compose_derivative": """
            def compose_derivative(f_prime, g, g_prime):
                return f_prime(g(0.0)) * g_prime(0.0)
        """
        },
        {"test_compose_derivative": ["expected a function"]},
    ),
    ex01(
        "mistake-grad-f-partial-y",
        "a sign slip in df/dy: +6xy (no message names it: the coordinate is)",
        {
            "grad_f": """
            def grad_f(w):
                x, y = np.asarray(w, dtype=float)
                return np.array([6 * x**2 - 3 * y**2, 6 * x * y + 5])
        """
        },
        {"test_grad_f": ["gradient coordinate 1 (df/dy)"]},
    ),
    ex01(
        "mistake-grad-f-lost-constant",
        "drops the 5 of d(5y)/dy",
        {
            "grad_f": """
            def grad_f(w):
                x, y = np.asarray(w, dtype=float)
                return np.array([6 * x**2 - 3 * y**2, -6 * x * y])
        """
        },
        {"test_grad_f": ["df/dy has lost the 5"]},
    ),
    ex01(
        "mistake-grad-f-power-rule",
        "d(2x**3)/dx as 6x: right at x = 1, the first visible point",
        {
            "grad_f": """
            def grad_f(w):
                x, y = np.asarray(w, dtype=float)
                return np.array([6 * x - 3 * y**2, -6 * x * y + 5])
        """
        },
        {"test_grad_f": ["the derivative of 2x**3 is 6x**2"]},
    ),
    ex01(
        "mistake-grad-f-copied-from-lesson",
        "Lesson 4's worked example (a different function) copied",
        {
            "grad_f": """
            def grad_f(w):
                x, y = w
                return np.array([6 * x + 2 * y, 2 * x + 3 * y**2])
        """
        },
        {"test_grad_f": ["Lesson 4's example"]},
    ),
    ex01(
        "mistake-grad-f-delegates-to-helpers",
        "a numerical gradient from the course's helpers instead of the formula",
        {
            "grad_f": """
            from helpers.gradcheck import numerical_gradient as estimate

            def grad_f(w):
                return estimate(lambda v: 2 * v[0] ** 3 - 3 * v[0] * v[1] ** 2 + 5 * v[1], w)
        """
        },
        {"test_grad_f": ["grad_f calls the course's `helpers` package"]},
        stock_alike=False,
    ),
    ex01(
        "mistake-activations-from-helpers",
        "the three derivatives imported from the course's helpers",
        {
            "sigmoid_prime": "from helpers.activations import sigmoid_prime",
            "tanh_prime": "from helpers.activations import tanh_prime",
            "relu_prime": "from helpers.activations import relu_prime",
        },
        {
            "test_sigmoid_prime": ["sigmoid_prime calls the course's `helpers`"],
            "test_tanh_prime": ["tanh_prime calls the course's `helpers`"],
            "test_relu_prime": ["relu_prime calls the course's `helpers`"],
        },
        stock_alike=False,
    ),
    ex01(
        "mistake-central-abs-h",
        "divides by 2|h|: right for every positive h",
        {
            "central_difference": """
            def central_difference(f, x, h=1e-5):
                return (f(x + h) - f(x - h)) / (2 * abs(h))
        """
        },
        {"test_central_difference": ["negative h"]},
    ),
    ex01(
        "mistake-gradient-abs-h",
        "numerical_gradient divides by 2|h|",
        {
            "numerical_gradient": """
            def numerical_gradient(f, w, h=1e-5):
                w = np.asarray(w, dtype=float)
                grad = np.zeros_like(w)
                for i in range(w.size):
                    step = np.zeros_like(w)
                    step[i] = h
                    grad[i] = (f(w + step) - f(w - step)) / (2 * abs(h))
                return grad
        """
        },
        {"test_numerical_gradient": ["negative h"]},
    ),
    ex01(
        "mistake-gradient-int-array",
        "converts lists but copies an integer array as it is (w.copy() keeps its dtype)",
        {
            "numerical_gradient": """
            def numerical_gradient(f, w, h=1e-5):
                w = np.array(w, dtype=float) if isinstance(w, list) else w.copy()
                grad = np.zeros(w.shape)
                for i in range(w.size):
                    w[i] += h
                    f_plus = f(w)
                    w[i] -= 2 * h
                    f_minus = f(w)
                    w[i] += h
                    grad[i] = (f_plus - f_minus) / (2 * h)
                return grad
        """
        },
        {"test_numerical_gradient_inputs": ["integer array"]},
    ),
    ex01(
        "mistake-relu-prime-in-place",
        "overwrites the caller's float array (np.asarray makes no copy)",
        {
            "relu_prime": """
            def relu_prime(z):
                z = np.asarray(z, dtype=float)
                z[z > 0] = 1.0
                z[z <= 0] = 0.0
                return z
        """
        },
        {"test_relu_prime": ["changed its input z"]},
    ),
    ex01(
        "mistake-grad-f-table",
        "a table of answers for the visible inputs",
        {
            "grad_f": """
            def grad_f(w):
                answers = {(1.0, 2.0): [-6.0, -7.0], (-1.0, 3.0): [-21.0, 23.0]}
                return np.array(answers.get(tuple(float(v) for v in w), [0.0, 0.0]))
        """
        },
        {"test_grad_f": ["grad_f at a random point"]},
    ),
    ex01(
        "mistake-symbolic-order",
        "partials in the order of free_symbols",
        {
            "symbolic_gradient": """
            def symbolic_gradient(expr, variables):
                return [sp.diff(expr, v) for v in sorted(variables, key=str)]
        """
        },
        {"test_symbolic_gradient": ["wrong order"]},
    ),
    ex01(
        "mistake-symbolic-mixed-partial",
        "one diff with every variable: a mixed partial",
        {
            "symbolic_gradient": """
            def symbolic_gradient(expr, variables):
                return sp.diff(expr, *variables)
        """
        },
        {"test_symbolic_gradient": ["expected a list"]},
    ),
]


# =========================================================================== exercise 02

EX02 = [
    # ------------------------------------------------------------- correct alternatives
    ex02(
        "alt-gd-copy-and-append",
        "update in place but append copies; atleast_1d; norm by hand",
        {
            "gradient_descent": """
            def gradient_descent(grad, w0, learning_rate, num_steps, tol=0.0):
                w = np.atleast_1d(np.array(w0, dtype=float))
                path = [w.copy()]
                for step in range(num_steps):
                    g = grad(w)
                    if np.sqrt(np.sum(g ** 2)) <= tol:
                        break
                    w -= learning_rate * g
                    path.append(w.copy())
                    if np.isnan(w).any() or np.isinf(w).any():
                        break
                return np.array(path)
        """
        },
    ),
    ex02(
        "alt-gd-preallocated",
        "a preallocated (num_steps + 1, d) array, sliced at the end",
        {
            "gradient_descent": """
            def gradient_descent(grad, w0, learning_rate, num_steps, tol=0.0):
                w0 = np.asarray(w0, dtype=float).reshape(-1)
                path = np.empty((num_steps + 1, w0.size))
                path[0] = w0
                k = 0
                while k < num_steps:
                    g = np.asarray(grad(path[k]))
                    if np.linalg.norm(g) <= tol:
                        break
                    path[k + 1] = path[k] - learning_rate * g
                    k += 1
                    if not np.isfinite(path[k]).all():
                        break
                return path[:k + 1]
        """
        },
    ),
    ex02(
        "alt-gd-noisy-diverging",
        "correct, and noisy: warns and prints to stderr (warnings never cost points)",
        {
            "gradient_descent": """
            import sys
            import warnings

            def gradient_descent(grad, w0, learning_rate, num_steps, tol=0.0):
                w = np.array(w0, dtype=float).reshape(-1)
                path = [w]
                for _ in range(num_steps):
                    g = grad(w)
                    if np.linalg.norm(g) <= tol:
                        break
                    w = w - learning_rate * g
                    path.append(w)
                    if not np.all(np.isfinite(w)):
                        warnings.warn("gradient descent diverged", RuntimeWarning)
                        print("diverged at step", len(path) - 1, file=sys.stderr)
                        break
                return np.array(path)
        """
        },
    ),
    ex02(
        "alt-bound-numpy",
        "np.minimum of the two reciprocals",
        {
            "stable_learning_rate_bound": """
            def stable_learning_rate_bound(a, b):
                return float(np.minimum(1 / a, 1 / b))
        """
        },
    ),
    ex02(
        "alt-mse-loops",
        "plain loops, y flattened with ravel",
        {
            "mse_loss": """
            def mse_loss(X, y, w):
                X, y, w = np.asarray(X, dtype=float), np.ravel(y), np.asarray(w, dtype=float)
                total = 0.0
                for i in range(len(y)):
                    total += (X[i] @ w - y[i]) ** 2
                return total / len(y)
        """,
            "mse_gradient": """
            def mse_gradient(X, y, w):
                X, y, w = np.asarray(X, dtype=float), np.ravel(y).astype(float), np.asarray(w, dtype=float)
                n, d = X.shape
                grad = np.zeros(d)
                for i in range(n):
                    residual = X[i] @ w - y[i]
                    for j in range(d):
                        grad[j] += 2 * residual * X[i, j] / n
                return grad
        """,
        },
    ),
    ex02(
        "alt-mse-r-at-X",
        "r @ X and np.squeeze",
        {
            "mse_gradient": """
            def mse_gradient(X, y, w):
                X = np.asarray(X, dtype=float)
                r = X @ np.asarray(w, dtype=float) - np.squeeze(np.asarray(y, dtype=float))
                return 2 * (r @ X) / X.shape[0]
        """
        },
    ),
    ex02(
        "alt-mse-expanded",
        "(2/n)(X^T X w - X^T y), y flattened with flatten()",
        {
            "mse_gradient": """
            def mse_gradient(X, y, w):
                X, w = np.asarray(X, dtype=float), np.asarray(w, dtype=float)
                y = np.asarray(y, dtype=float).flatten()
                return (2 / len(X)) * (X.T @ X @ w - X.T @ y)
        """
        },
    ),
    ex02(
        "alt-fit-partial",
        "functools.partial and an explicit zero start",
        {
            "fit_linear_regression": """
            from functools import partial

            def fit_linear_regression(X, y, learning_rate, num_steps):
                X = np.asarray(X, dtype=float)
                grad = partial(mse_gradient, X, np.asarray(y, dtype=float))
                return gradient_descent(grad, np.zeros(X.shape[1]), learning_rate, num_steps)[-1]
        """
        },
    ),
    # ------------------------------------------------------------- mistakes
    ex02(
        "mistake-gd-sign-flip",
        "w + lr*g instead of w - lr*g",
        {
            "gradient_descent": """
            def gradient_descent(grad, w0, learning_rate, num_steps, tol=0.0):
                w = np.array(w0, dtype=float).reshape(-1)
                path = [w]
                for _ in range(num_steps):
                    g = grad(w)
                    if np.linalg.norm(g) <= tol:
                        break
                    w = w + learning_rate * g
                    path.append(w)
                    if not np.all(np.isfinite(w)):
                        break
                return np.array(path)
        """
        },
        {
            "test_gradient_descent_path": ["sign flipped"],
            "test_gradient_descent_stopping": [],
            "test_fit_linear_regression": ["diverged"],
        },
    ),
    ex02(
        "mistake-gd-same-array",
        "the same array object in every row of the path",
        {
            "gradient_descent": """
            def gradient_descent(grad, w0, learning_rate, num_steps, tol=0.0):
                w = np.array(w0, dtype=float).reshape(-1)
                path = [w]
                for _ in range(num_steps):
                    g = grad(w)
                    if np.linalg.norm(g) <= tol:
                        break
                    w -= learning_rate * g
                    path.append(w)
                    if not np.all(np.isfinite(w)):
                        break
                return np.array(path)
        """
        },
        {
            "test_gradient_descent_path": ["path[0] equals path[1]", "same array"],
            "test_gradient_descent_copies": ["same array"],
            "test_gradient_descent_stopping": ["same array"],
        },
    ),
    ex02(
        "mistake-gd-modifies-w0",
        "updates the caller's w0 in place (asarray + reshape make no copy)",
        {
            "gradient_descent": """
            def gradient_descent(grad, w0, learning_rate, num_steps, tol=0.0):
                w = np.asarray(w0, dtype=float).reshape(-1)
                path = [w.copy()]
                for _ in range(num_steps):
                    g = grad(w)
                    if np.linalg.norm(g) <= tol:
                        break
                    w -= learning_rate * g
                    path.append(w.copy())
                    if not np.all(np.isfinite(w)):
                        break
                return np.array(path)
        """
        },
        {"test_gradient_descent_copies": ["changed its input w0"]},
    ),
    ex02(
        "mistake-gd-no-stop-when-not-finite",
        "keeps computing with infinities",
        {
            "gradient_descent": """
            def gradient_descent(grad, w0, learning_rate, num_steps, tol=0.0):
                w = np.array(w0, dtype=float).reshape(-1)
                path = [w]
                for _ in range(num_steps):
                    g = grad(w)
                    if np.linalg.norm(g) <= tol:
                        break
                    w = w - learning_rate * g
                    path.append(w)
                return np.array(path)
        """
        },
        {"test_gradient_descent_stopping": ["is not finite but the path goes on"]},
    ),
    ex02(
        "mistake-gd-strict-tol",
        "stops only when the norm is < tol, so never with tol=0",
        {
            "gradient_descent": """
            def gradient_descent(grad, w0, learning_rate, num_steps, tol=0.0):
                w = np.array(w0, dtype=float).reshape(-1)
                path = [w]
                for _ in range(num_steps):
                    g = grad(w)
                    if np.linalg.norm(g) < tol:
                        break
                    w = w - learning_rate * g
                    path.append(w)
                    if not np.all(np.isfinite(w)):
                        break
                return np.array(path)
        """
        },
        {"test_gradient_descent_stopping": ["started at the minimum", "<= tol"]},
    ),
    ex02(
        "mistake-gd-scalar-path-1d",
        "a scalar w0 gives a 1-D path",
        {
            "gradient_descent": """
            def gradient_descent(grad, w0, learning_rate, num_steps, tol=0.0):
                w = np.array(w0, dtype=float)
                path = [w]
                for _ in range(num_steps):
                    g = grad(w)
                    if np.linalg.norm(g) <= tol:
                        break
                    w = w - learning_rate * g
                    path.append(w)
                    if not np.all(np.isfinite(w)):
                        break
                return np.array(path)
        """
        },
        {
            "test_gradient_descent_path": ["must be 2-D"],
            "test_gradient_descent_stopping": ["shape (20,)"],
        },
    ),
    ex02(
        "mistake-gd-path-without-w0",
        "the path starts after the first step",
        {
            "gradient_descent": """
            def gradient_descent(grad, w0, learning_rate, num_steps, tol=0.0):
                w = np.array(w0, dtype=float).reshape(-1)
                path = []
                for _ in range(num_steps):
                    w = w - learning_rate * grad(w)
                    path.append(w)
                    if np.linalg.norm(grad(w)) <= tol or not np.all(np.isfinite(w)):
                        break
                return np.array(path)
        """
        },
        {"test_gradient_descent_path": ["num_steps + 1"], "test_gradient_descent_stopping": []},
    ),
    ex02(
        "mistake-bound-twice",
        "2 / max(a, b): the curvature of a x^2 is 2a, not a",
        {
            "stable_learning_rate_bound": """
            def stable_learning_rate_bound(a, b):
                return 2 / max(a, b)
        """
        },
        {"test_stable_learning_rate_bound": ["twice too large"]},
    ),
    ex02(
        "mistake-bound-smaller-coefficient",
        "1 / min(a, b)",
        {
            "stable_learning_rate_bound": """
            def stable_learning_rate_bound(a, b):
                return 1 / min(a, b)
        """
        },
        {"test_stable_learning_rate_bound": ["larger coefficient"]},
    ),
    ex02(
        "mistake-mse-loss-sum",
        "a sum instead of the mean",
        {
            "mse_loss": """
            def mse_loss(X, y, w):
                r = np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) - np.asarray(y, dtype=float)
                return float(np.sum(r ** 2))
        """
        },
        {"test_mse_loss": ["sum of the squared residuals"]},
    ),
    # (graded differently from stock nbgrader on purpose: every test of a function that
    # delegates to helpers fails)
    ex02(
        "mistake-gd-delegates-to-lessons",
        "calls the lessons' helpers.descent instead of writing the loop",
        {
            "gradient_descent": """
            def gradient_descent(grad, w0, learning_rate, num_steps, tol=0.0):
                from helpers.descent import run_gradient_descent
                return run_gradient_descent(grad, w0, learning_rate, num_steps, grad_tol=tol).path
        """
        },
        {
            "test_gradient_descent_path": ["gradient_descent calls the course's `helpers`"],
            "test_gradient_descent_copies": ["`helpers`"],
            "test_gradient_descent_stopping": ["`helpers`"],
            "test_fit_linear_regression": ["fit_linear_regression calls the course's `helpers`"],
        },
        stock_alike=False,
    ),
    ex02(
        "mistake-gd-int-array-in-place",
        "converts lists, but updates an integer array w0's copy in place",
        {
            "gradient_descent": """
            def gradient_descent(grad, w0, learning_rate, num_steps, tol=0.0):
                if isinstance(w0, np.ndarray):
                    w = w0.copy().reshape(-1)
                else:
                    w = np.array(w0, dtype=float).reshape(-1)
                path = [w.copy()]
                for _ in range(num_steps):
                    g = grad(w)
                    if np.linalg.norm(g) <= tol:
                        break
                    w -= learning_rate * g
                    path.append(w.copy())
                    if not np.all(np.isfinite(w)):
                        break
                return np.array(path)
        """
        },
        {
            "test_gradient_descent_path": ["UFuncTypeError"],
            "test_gradient_descent_copies": ["UFuncTypeError"],
        },
    ),
    ex02(
        "mistake-mse-gradient-squeeze-one-sample",
        "np.squeeze(y) and len(y): a single sample squeezes to a number",
        {
            "mse_gradient": """
            def mse_gradient(X, y, w):
                X = np.asarray(X, dtype=float)
                y = np.squeeze(np.asarray(y, dtype=float))
                return 2 / len(y) * X.T @ (X @ np.asarray(w, dtype=float) - y)
        """
        },
        {"test_mse_gradient": ["TypeError"], "test_mse_gradient_column_y": ["TypeError"]},
    ),
    ex02(
        "mistake-mse-gradient-squeezed-result",
        "squeezes the gradient: a number when there is one feature",
        {
            "mse_gradient": """
            def mse_gradient(X, y, w):
                X = np.asarray(X, dtype=float)
                r = X @ np.asarray(w, dtype=float) - np.asarray(y, dtype=float).reshape(-1)
                return np.squeeze(2 / len(r) * X.T @ r)
        """
        },
        {"test_mse_gradient": ["do not squeeze"]},
    ),
    ex02(
        "mistake-mse-gradient-one-over-n",
        "(1/n) instead of (2/n)",
        {
            "mse_gradient": """
            def mse_gradient(X, y, w):
                X = np.asarray(X, dtype=float)
                r = X @ np.asarray(w, dtype=float) - np.asarray(y, dtype=float).reshape(-1)
                return X.T @ r / len(r)
        """
        },
        {"test_mse_gradient": ["factor of 2", "(2/n)"]},
    ),
    ex02(
        "mistake-mse-gradient-sum",
        "a sum instead of the mean: 2 X^T r",
        {
            "mse_gradient": """
            def mse_gradient(X, y, w):
                X = np.asarray(X, dtype=float)
                r = X @ np.asarray(w, dtype=float) - np.asarray(y, dtype=float).reshape(-1)
                return 2 * X.T @ r
        """
        },
        {"test_mse_gradient": ["n times too large"], "test_fit_linear_regression": ["diverged"]},
    ),
    ex02(
        "mistake-mse-gradient-broadcast",
        "a column y broadcast into an (n, n) residual",
        {
            "mse_gradient": """
            def mse_gradient(X, y, w):
                X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
                r = X @ np.asarray(w, dtype=float) - y
                return 2 / len(y) * X.T @ r
        """
        },
        {"test_mse_gradient_column_y": ["broadcasts to an (n, n) matrix"]},
    ),
    ex02(
        "mistake-mse-gradient-table",
        "the visible answer whatever the input",
        {
            "mse_gradient": """
            def mse_gradient(X, y, w):
                return np.array([2 / 3, 2.0])
        """
        },
        {"test_mse_gradient": ["random data"], "test_fit_linear_regression": []},
    ),
    ex02(
        "mistake-fit-returns-path",
        "returns the whole path",
        {
            "fit_linear_regression": """
            def fit_linear_regression(X, y, learning_rate, num_steps):
                X = np.asarray(X, dtype=float)
                return gradient_descent(lambda w: mse_gradient(X, y, w), np.zeros(X.shape[1]),
                                        learning_rate, num_steps)
        """
        },
        {"test_fit_linear_regression": ["whole path"]},
    ),
    ex02(
        "mistake-fit-own-loop",
        "its own loop instead of gradient_descent",
        {
            "fit_linear_regression": """
            def fit_linear_regression(X, y, learning_rate, num_steps):
                w = np.zeros(np.shape(X)[1])
                for _ in range(num_steps):
                    w = w - learning_rate * mse_gradient(X, y, w)
                return w
        """
        },
        {"test_fit_linear_regression": ["should call your gradient_descent"]},
    ),
    ex02(
        "mistake-fit-fixed-learning-rate",
        "ignores learning_rate",
        {
            "fit_linear_regression": """
            def fit_linear_regression(X, y, learning_rate, num_steps):
                X = np.asarray(X, dtype=float)
                return gradient_descent(lambda w: mse_gradient(X, y, w), np.zeros(X.shape[1]), 0.01, num_steps)[-1]
        """
        },
        {"test_fit_linear_regression": ["pass learning_rate and num_steps on"]},
    ),
]


# =========================================================================== exercise 03

_SGD_LOOP = """
            def train_with_sgd(X, y, learning_rate, num_steps):
                X = torch.tensor(np.asarray(X, dtype=float))
                y = torch.tensor(np.asarray(y, dtype=float))
                w = torch.zeros(X.shape[1], dtype=torch.float64, requires_grad=True)
                optimizer = torch.optim.SGD([w], lr=learning_rate)
                losses = []
                for _ in range(num_steps):
                    {zero_grad}
                    loss = torch.mean((X @ w - y) ** 2)
                    {record_before}
                    loss.backward()
                    optimizer.step()
                    {record_after}
                return w.detach().numpy(), losses
"""


def _sgd(
    zero_grad="optimizer.zero_grad()",
    record_before="losses.append(loss.item())",
    record_after="pass",
):
    return _SGD_LOOP.format(
        zero_grad=zero_grad, record_before=record_before, record_after=record_after
    )


EX03 = [
    # ------------------------------------------------------------- correct alternatives
    ex03(
        "alt-autograd-functional",
        "torch.autograd.grad",
        {
            "autograd_gradient": """
            def autograd_gradient(f, w):
                w = torch.tensor(np.asarray(w, dtype=float), requires_grad=True)
                (gradient,) = torch.autograd.grad(f(w), w)
                return gradient.numpy()
        """
        },
    ),
    ex03(
        "alt-autograd-float32",
        "float32 tensors (less accurate, still right)",
        {
            "autograd_gradient": """
            def autograd_gradient(f, w):
                w = torch.tensor(np.asarray(w, dtype=np.float32), requires_grad=True)
                loss = f(w)
                loss.backward()
                return w.grad.detach().numpy().astype(float)
        """
        },
    ),
    ex03(
        "alt-autograd-torch-func",
        "torch.func.grad",
        {
            "autograd_gradient": """
            def autograd_gradient(f, w):
                return torch.func.grad(f)(torch.as_tensor(np.asarray(w, dtype=float))).numpy()
        """
        },
    ),
    ex03(
        "alt-neuron-helpers-and-loop",
        "a sigmoid helper and a loop over the weights",
        {
            "neuron_gradients": """
            def sigmoid(z):
                return 1.0 / (1.0 + np.exp(-z))

            def neuron_gradients(x, w, b, y):
                z = sum(float(wi) * float(xi) for wi, xi in zip(w, x)) + b
                s = sigmoid(z)
                delta = 2.0 * (s - y) * sigmoid(z) * (1.0 - sigmoid(z))
                dL_dw = np.array([delta * float(xi) for xi in x])
                return dL_dw, delta
        """
        },
    ),
    ex03(
        "alt-sgd-nn-linear",
        "nn.Linear without bias, nn.MSELoss, y as a column",
        {
            "train_with_sgd": """
            def train_with_sgd(X, y, learning_rate, num_steps):
                X = torch.as_tensor(np.asarray(X, dtype=float))
                y = torch.as_tensor(np.asarray(y, dtype=float)).reshape(-1, 1)
                model = torch.nn.Linear(X.shape[1], 1, bias=False, dtype=torch.float64)
                with torch.no_grad():
                    model.weight.zero_()
                optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
                loss_fn = torch.nn.MSELoss()
                losses = []
                for _ in range(num_steps):
                    optimizer.zero_grad()
                    loss = loss_fn(model(X), y)
                    losses.append(float(loss))
                    loss.backward()
                    optimizer.step()
                return model.weight.detach().numpy().ravel(), losses
        """
        },
    ),
    ex03(
        "alt-sgd-float32-tensor-losses",
        "float32 throughout; losses returned as a detached tensor",
        {
            "train_with_sgd": """
            def train_with_sgd(X, y, learning_rate, num_steps):
                X = torch.tensor(np.asarray(X), dtype=torch.float32)
                y = torch.tensor(np.asarray(y), dtype=torch.float32)
                w = torch.zeros(X.shape[1], requires_grad=True)
                optimizer = torch.optim.SGD([w], lr=learning_rate)
                losses = []
                for _ in range(num_steps):
                    loss = ((X @ w - y) ** 2).mean()
                    losses.append(loss.detach())
                    loss.backward()
                    optimizer.step()
                    optimizer.zero_grad()
                return w.detach().numpy(), torch.stack(losses)
        """
        },
    ),
    ex03(
        "alt-sgd-grad-zero",
        "w.grad.zero_() instead of optimizer.zero_grad()",
        {"train_with_sgd": _sgd(zero_grad="if w.grad is not None: w.grad.zero_()")},
    ),
    # ------------------------------------------------------------- mistakes
    ex03(
        "mistake-autograd-finite-differences",
        "central differences on torch tensors, no autograd",
        {
            "autograd_gradient": """
            def autograd_gradient(f, w):
                w = torch.tensor(np.asarray(w, dtype=float))
                h = 1e-6
                grad = torch.zeros_like(w)
                for i in range(len(w)):
                    e = torch.zeros_like(w)
                    e[i] = h
                    grad[i] = (f(w + e) - f(w - e)) / (2 * h)
                return grad.numpy()
        """
        },
        {"test_autograd_gradient": ["requires_grad=True", "finite differences"]},
    ),
    ex03(
        "mistake-autograd-int-list",
        "requires_grad on an integer tensor made from a list of ints",
        {
            "autograd_gradient": """
            def autograd_gradient(f, w):
                w = torch.tensor(w, requires_grad=True)
                f(w).backward()
                return w.grad.numpy()
        """
        },
        {"test_autograd_gradient": ["floating point"]},
    ),
    ex03(
        "mistake-neuron-no-sigma-prime",
        "forgetting the inner derivative sigma'(z)",
        {
            "neuron_gradients": """
            def neuron_gradients(x, w, b, y):
                x = np.asarray(x, dtype=float)
                s = 1 / (1 + np.exp(-(np.asarray(w, dtype=float) @ x + b)))
                return 2 * (s - y) * x, 2 * (s - y)
        """
        },
        {"test_neuron_gradients": ["inner derivative"]},
    ),
    ex03(
        "mistake-neuron-no-two",
        "drops the 2 of the square",
        {
            "neuron_gradients": """
            def neuron_gradients(x, w, b, y):
                x = np.asarray(x, dtype=float)
                s = 1 / (1 + np.exp(-(np.asarray(w, dtype=float) @ x + b)))
                delta = (s - y) * s * (1 - s)
                return delta * x, delta
        """
        },
        {"test_neuron_gradients": ["half the right value"]},
    ),
    ex03(
        "mistake-neuron-uses-torch",
        "lets autograd do it",
        {
            "neuron_gradients": """
            def neuron_gradients(x, w, b, y):
                x = torch.tensor(np.asarray(x, dtype=float))
                w = torch.tensor(np.asarray(w, dtype=float), requires_grad=True)
                b = torch.tensor(float(b), requires_grad=True)
                loss = (torch.sigmoid(w @ x + b) - y) ** 2
                loss.backward()
                return w.grad.numpy(), b.grad.item()
        """
        },
        {"test_neuron_gradients": ["uses torch"]},
    ),
    ex03(
        "mistake-neuron-torch-alias",
        "autograd under another name (import torch as T)",
        {
            "neuron_gradients": """
            import torch as T

            def neuron_gradients(x, w, b, y):
                x = T.as_tensor(np.asarray(x, dtype=float))
                w = T.tensor(np.asarray(w, dtype=float), requires_grad=True)
                b = T.tensor(float(b), requires_grad=True)
                ((T.sigmoid(w @ x + b) - y) ** 2).backward()
                return w.grad.numpy(), b.grad.item()
        """
        },
        {"test_neuron_gradients": ["uses torch"]},
    ),
    ex03(
        "mistake-neuron-through-own-helper",
        "calls the student's own autograd_gradient",
        {
            "neuron_gradients": """
            def neuron_gradients(x, w, b, y):
                x = np.asarray(x, dtype=float)
                loss = lambda p: (torch.sigmoid(p[:-1] @ torch.as_tensor(x) + p[-1]) - y) ** 2
                g = autograd_gradient(loss, np.append(np.asarray(w, dtype=float), b))
                return g[:-1], float(g[-1])
        """
        },
        {"test_neuron_gradients": ["uses torch"]},
    ),
    ex03(
        "mistake-neuron-decoy-definition",
        "autograd defined first; a NumPy decoy after a line that stops the cell never runs",
        {
            "neuron_gradients": """
            def neuron_gradients(x, w, b, y):
                x = torch.tensor(np.asarray(x, dtype=float))
                w = torch.tensor(np.asarray(w, dtype=float), requires_grad=True)
                b = torch.tensor(float(b), requires_grad=True)
                ((torch.sigmoid(w @ x + b) - y) ** 2).backward()
                return w.grad.numpy(), b.grad.item()

            raise RuntimeError("the rest of this cell never runs")

            def neuron_gradients(x, w, b, y):
                x = np.asarray(x, dtype=float)
                s = 1 / (1 + np.exp(-(np.asarray(w, dtype=float) @ x + b)))
                delta = 2 * (s - y) * s * (1 - s)
                return delta * x, delta
        """
        },
        {"test_neuron_gradients": ["uses torch"]},
    ),
    ex03(
        "mistake-neuron-squeezed",
        "squeezes dL_dw: a number when there is one input",
        {
            "neuron_gradients": """
            def neuron_gradients(x, w, b, y):
                x = np.asarray(x, dtype=float)
                s = 1 / (1 + np.exp(-(np.asarray(w, dtype=float) @ x + b)))
                delta = 2 * (s - y) * s * (1 - s)
                return np.squeeze(delta * x), float(delta)
        """
        },
        {"test_neuron_gradients": ["not a number"]},
    ),
    ex03(
        "mistake-autograd-flattened",
        "returns the gradient flattened: right for vectors only",
        {
            "autograd_gradient": """
            def autograd_gradient(f, w):
                shape = np.shape(w)
                w = torch.tensor(np.ravel(np.asarray(w, dtype=float)), requires_grad=True)
                f(w.reshape(shape)).backward()
                return w.grad.numpy()
        """
        },
        {"test_autograd_gradient": ["the shape of w"]},
    ),
    ex03(
        "mistake-sgd-integer-data",
        "torch.tensor(X) of integer data is an integer tensor",
        {
            "train_with_sgd": _SGD_LOOP.replace("np.asarray(X, dtype=float)", "X")
            .replace("np.asarray(y, dtype=float)", "y")
            .format(
                zero_grad="optimizer.zero_grad()",
                record_before="losses.append(loss.item())",
                record_after="pass",
            )
        },
        {"test_train_with_sgd_weights": ["RuntimeError"]},
    ),
    ex03(
        "mistake-sgd-squeezed-weights",
        "squeezes w: a number when there is one feature",
        {
            "train_with_sgd": _sgd().replace(
                "return w.detach().numpy(), losses", "return w.detach().numpy().squeeze(), losses"
            )
        },
        {"test_train_with_sgd_weights": ["shape (d,)"]},
    ),
    ex03(
        "mistake-neuron-table",
        "the visible answers whatever the input",
        {
            "neuron_gradients": """
            def neuron_gradients(x, w, b, y):
                if y == 1:
                    return np.array([-0.25, -0.5]), -0.25
                return np.array([0.25, 0.5]), 0.25
        """
        },
        {"test_neuron_gradients": ["random neuron"]},
    ),
    ex03(
        "mistake-sgd-no-zero-grad",
        "forgetting optimizer.zero_grad()",
        {"train_with_sgd": _sgd(zero_grad="pass")},
        {"test_train_with_sgd_losses": ["zero_grad"], "test_train_with_sgd_weights": ["zero_grad"]},
    ),
    ex03(
        "mistake-sgd-loss-after-step",
        "records the loss after the step",
        {
            "train_with_sgd": _sgd(
                record_before="pass",
                record_after="losses.append(torch.mean((X @ w - y) ** 2).item())",
            )
        },
        {"test_train_with_sgd_losses": ["before step i"]},
    ),
    ex03(
        "mistake-sgd-broadcast",
        "an (n, 1) prediction minus a (n,) target",
        {
            "train_with_sgd": """
            def train_with_sgd(X, y, learning_rate, num_steps):
                X = torch.tensor(np.asarray(X, dtype=float))
                y = torch.tensor(np.asarray(y, dtype=float))
                model = torch.nn.Linear(X.shape[1], 1, bias=False, dtype=torch.float64)
                torch.nn.init.zeros_(model.weight)
                optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
                losses = []
                for _ in range(num_steps):
                    optimizer.zero_grad()
                    loss = torch.mean((model(X) - y) ** 2)
                    losses.append(loss.item())
                    loss.backward()
                    optimizer.step()
                return model.weight.detach().numpy().ravel(), losses
        """
        },
        {"test_train_with_sgd_losses": ["broadcasts"], "test_train_with_sgd_weights": []},
    ),
    ex03(
        "mistake-sgd-no-optimizer",
        "updates w by hand, without torch.optim.SGD",
        {
            "train_with_sgd": """
            def train_with_sgd(X, y, learning_rate, num_steps):
                X = torch.tensor(np.asarray(X, dtype=float))
                y = torch.tensor(np.asarray(y, dtype=float))
                w = torch.zeros(X.shape[1], dtype=torch.float64, requires_grad=True)
                losses = []
                for _ in range(num_steps):
                    loss = torch.mean((X @ w - y) ** 2)
                    losses.append(loss.item())
                    loss.backward()
                    with torch.no_grad():
                        w -= learning_rate * w.grad
                        w.grad.zero_()
                return w.detach().numpy(), losses
        """
        },
        {"test_train_with_sgd_weights": ["torch.optim.SGD"]},
    ),
]

CASES = EX01 + EX02 + EX03

# The mistakes every graded exercise must catch -> the cases that show it.
SPEC_MISTAKES = {
    "forgetting the inner derivative in the chain rule": [
        "mistake-chain-rule-no-inner",
        "mistake-neuron-no-sigma-prime",
    ],
    "w + lr*g instead of w - lr*g": ["mistake-gd-sign-flip"],
    "(1/n) or a sum instead of (2/n) in the MSE gradient": [
        "mistake-mse-gradient-one-over-n",
        "mistake-mse-gradient-sum",
    ],
    "broadcasting a column y into an (n, n) residual": ["mistake-mse-gradient-broadcast"],
    "storing the same array object in every row of the path": ["mistake-gd-same-array"],
    "a forward difference or a tiny h (1e-15) where central differences are asked": [
        "mistake-central-is-forward",
        "mistake-central-tiny-h",
        "mistake-gradient-forward",
    ],
    "perturbing all coordinates at once in numerical_gradient": ["mistake-gradient-all-at-once"],
    "forgetting optimizer.zero_grad()": ["mistake-sgd-no-zero-grad"],
    "a table of answers for the visible inputs must fail": [
        "mistake-grad-f-table",
        "mistake-mse-gradient-table",
        "mistake-neuron-table",
    ],
}

# The correct alternatives that must keep full marks -> the cases that show it.
SPEC_ALTERNATIVES = {
    "loops or vectorized": [
        "alt-mse-loops",
        "alt-numerical-gradient-loop-copy",
        "alt-neuron-helpers-and-loop",
    ],
    "r @ X or X.T @ r": ["alt-mse-r-at-X"],
    "a diverging run that warns keeps full marks": ["alt-gd-noisy-diverging"],
    "float32 torch code": ["alt-autograd-float32", "alt-sgd-float32-tensor-losses"],
}
