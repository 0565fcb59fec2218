"""Which code a submission's function is: the definition that ran, read from the
grader's own copy of its cell, and what it reaches (autograder/sources.py)."""

from __future__ import annotations

import textwrap

from autograder.sources import NotebookSources, Origin, definition_at, delegation

DECOY_CELL = textwrap.dedent(
    """
    import torch

    def neuron_gradients(x, w, b, y):
        return torch.autograd.grad(x, w)

    raise RuntimeError("stop")

    def neuron_gradients(x, w, b, y):
        return x * 2
    """
).strip()


def test_the_definition_that_ran_is_found_by_its_first_line():
    ran = definition_at(DECOY_CELL, "neuron_gradients", Origin(0, 3, "neuron_gradients"))
    decoy = definition_at(DECOY_CELL, "neuron_gradients", Origin(0, 8, "neuron_gradients"))
    assert ran is not None and "torch" in ran and "x * 2" not in ran
    assert decoy is not None and "x * 2" in decoy and "torch" not in decoy


def test_a_report_that_matches_no_definition_gives_no_source():
    # a line inside the function, another name, a lambda claimed for a def: all refused
    assert definition_at(DECOY_CELL, "neuron_gradients", Origin(0, 4, "neuron_gradients")) is None
    assert definition_at(DECOY_CELL, "neuron_gradients", Origin(0, 3, "other")) is None
    assert definition_at(DECOY_CELL, "neuron_gradients", Origin(0, 3, "<lambda>")) is None
    assert definition_at("def (", "f", Origin(0, 1, "f")) is None


def test_decorators_and_lambdas():
    cell = (
        "import functools\n\n@functools.lru_cache\ndef f(x):\n    return x\n\ng = lambda w: w + 1"
    )
    assert definition_at(cell, "f", Origin(0, 3, "f")).startswith("@functools.lru_cache")
    assert definition_at(cell, "g", Origin(0, 7, "<lambda>")) == "g = lambda w: w + 1"


def notebook(*cells, **origins):
    return NotebookSources(list(cells), {n: Origin(*o) for n, o in origins.items()})


def why(sources, name):
    """The message of the own-code rule for ``name`` ("" when it is its own code)."""
    found = delegation(sources, name, ["helpers"])
    return found[1] if found else ""


def test_modules_are_resolved_through_imports_aliases_and_own_functions():
    sources = notebook(
        "import numpy as np\nimport torch as T\nfrom helpers.gradcheck import numerical_gradient as ng",
        "def helper(w):\n    return T.sigmoid(w)\n\ndef neuron(w):\n    return helper(w) + np.ones(1)",
        "def grad_f(w):\n    return ng(lambda v: v @ v, w)",
        "estimate = ng\n\ndef other(w):\n    return estimate(w)",
        helper=(1, 1, "helper"),
        neuron=(1, 4, "neuron"),
        grad_f=(2, 1, "grad_f"),
        other=(3, 3, "other"),
    )
    assert sources.modules_of_name("neuron") == {"torch", "numpy"}  # through helper
    assert "sigmoid" in sources.names_reached(sources.source_of("neuron"))
    assert sources.modules_of_name("grad_f") == {"helpers"}
    assert sources.modules_of_name("other") == {"helpers"}  # through an assigned name
    assert delegation(sources, "neuron", ["helpers"]) is None
    assert delegation(sources, "grad_f", ["helpers"])[0] == "common.calls-course-helpers"
    assert "grad_f calls the course's `helpers`" in why(sources, "grad_f")
    assert "other calls" in why(sources, "other")


def test_imports_inside_a_function_and_by_string_count():
    sources = notebook(
        "def a(w):\n    from helpers.descent import run_gradient_descent\n    return run_gradient_descent",
        "def b(w):\n    return __import__('helpers.descent').descent",
        "def c(w):\n    return __import__('hel' + 'pers')",
        a=(0, 1, "a"),
        b=(1, 1, "b"),
        c=(2, 1, "c"),
    )
    assert sources.modules_of_name("a") == {"helpers"}
    assert sources.modules_of_name("b") == {"helpers"}
    assert "cannot tell which code c runs" in why(sources, "c")
    assert delegation(sources, "c", ["helpers"])[0] == "common.unreadable-code"


def test_a_function_no_cell_defined_is_judged_by_where_it_came_from():
    sources = notebook(
        "from helpers.activations import relu_prime",
        relu_prime=(None, None, None, "helpers.activations"),
        tanh_prime=(None, None, None, "numpy"),
    )
    assert "relu_prime calls the course's `helpers`" in why(sources, "relu_prime")
    assert delegation(sources, "tanh_prime", ["helpers"]) is None


def test_code_objects_changed_anywhere_make_every_rule_unverifiable():
    sources = notebook(
        "def f(w):\n    return w",
        "f.__code__ = (lambda w: 0).__code__",
        f=(0, 1, "f"),
    )
    assert "cannot tell which code f runs" in why(sources, "f")


def test_exec_matters_only_where_the_function_could_come_from_it():
    sources = notebook(
        "def f(w):\n    return w",
        "exec('print(1)')",
        f=(0, 1, "f"),
        g=(None, None, None, "__main__"),
    )
    assert delegation(sources, "f", ["helpers"]) is None  # f is a def of its own
    assert "`exec`" in why(sources, "g")  # g may come from the exec


def rule_of(cells, name, packages, **origins):
    """The own-code rule (mistake id or None) for ``name`` of a notebook of ``cells``."""
    found = delegation(notebook(*cells, **origins), name, packages)
    return found[0] if found else None


GRADED = "def graded(z):\n    return lib(z)"  # cell 1 of every notebook below
ROUTES = {
    # the course's helpers (or torch) kept somewhere no plain name leads to
    "tuple unpacking": "import helpers.activations as lib0\nlib, _ = lib0.sigmoid_prime, 0",
    "class attribute": "import helpers\n\nclass K:\n    f = helpers.activations.sigmoid_prime\n\nlib = K().f",
    "staticmethod": "import helpers\n\nclass K:\n    f = staticmethod(helpers.gradcheck.central_difference)\n\nlib = K.f",
    "attribute store": "import helpers\nimport types\n\nK = types.SimpleNamespace()\nK.f = helpers\nlib = K.f.x",
    "setattr": "import helpers\n\nclass K:\n    pass\n\nsetattr(K, 'f', helpers)\nlib = K.f.x",
    "for loop": "import helpers\nfor lib in [helpers.activations.tanh_prime]:\n    pass",
    "dict": "import helpers\ntable = {'f': helpers.activations.relu_prime}\nlib = table['f']",
    "list append": "import helpers\nkept = []\nkept.append(helpers)\nlib = kept[0].x",
    "default argument": "import helpers\n\ndef pick(f=helpers.x):\n    return f\n\nlib = pick()",
    "global in a function": "import helpers\n\ndef setup():\n    global lib\n    lib = helpers.x\n\nsetup()",
    "inside an if": "import helpers\nif True:\n    lib = helpers.x",
    "a function that keeps its argument": (
        "import helpers\nkept = {}\n\ndef keep(f):\n    kept['f'] = f\n\n"
        "keep(helpers.x)\nlib = kept['f']"
    ),
}


def test_helpers_kept_where_no_plain_name_leads_fail_the_own_code_rule():
    for route, cell in ROUTES.items():
        found = rule_of([cell, GRADED], "graded", ["helpers"], graded=(1, 1, "graded"))
        assert found is not None, route
        # the same notebook judged for another package: nothing to report
        assert rule_of([cell, GRADED], "graded", ["sympy"], graded=(1, 1, "graded")) is None, route


def test_torch_kept_in_a_class_attribute_counts_as_used():
    sources = notebook(
        "import pkgutil\nimport torch\n\nclass Autograd:\n    lib = torch",
        "def neuron_gradients(x, w, b, y):\n    return Autograd.lib.sigmoid(w)",
        "def other(w):\n    return w",
        neuron_gradients=(1, 1, "neuron_gradients"),
        other=(2, 1, "other"),
    )
    assert "torch" in sources.modules_reached(sources.source_of("neuron_gradients"))
    assert "a class attribute" in sources.smuggled["torch"]
    assert delegation(sources, "neuron_gradients", ["helpers"]) is None  # not about helpers


def test_imports_by_string_are_followed_or_unreadable():
    sources = notebook(
        "import pkgutil, importlib, sys",
        "def a(z):\n    return pkgutil.resolve_name('helpers.activations:sigmoid_prime')(z)",
        "def b(z):\n    return pkgutil.resolve_name('torch:sigmoid')(z)",
        "def c(z):\n    return sys.modules['helpers.activations'].sigmoid_prime(z)",
        "def d(z):\n    load = importlib.import_module\n    return load('helpers').x(z)",
        "def e(z):\n    return sys.modules.get('helpers')",
        "def f(z, name):\n    return getattr(importlib, name)('helpers')",
        "def g(z):\n    return pkgutil.resolve_name('hel' + 'pers:x')",
        a=(1, 1, "a"),
        b=(2, 1, "b"),
        c=(3, 1, "c"),
        d=(4, 1, "d"),
        e=(5, 1, "e"),
        f=(6, 1, "f"),
        g=(7, 1, "g"),
    )
    assert "helpers" in sources.modules_of_name("a")
    assert "torch" in sources.modules_reached(sources.source_of("b"))
    assert "helpers" in sources.modules_of_name("c")
    for name in "defg":
        assert "cannot tell which code" in why(sources, name), name


def test_imports_by_string_outside_functions():
    assert (
        rule_of(
            [
                "import pkgutil\nlib = pkgutil.resolve_name('helpers.activations:sigmoid_prime')",
                GRADED,
            ],
            "graded",
            ["helpers"],
            graded=(1, 1, "graded"),
        )
        == "common.calls-course-helpers"
    )
    for cell in (
        "import importlib\nlib = importlib.import_module('hel' + 'pers')",
        "globals()['lib'] = __import__('helpers')",
        "import sys\nsys.modules['__main__'].lib = 1",
    ):
        assert rule_of([cell, GRADED], "graded", ["helpers"], graded=(1, 1, "graded")) == (
            "common.unreadable-code"
        ), cell


CALLABLE_CELL = textwrap.dedent(
    """
    import torch

    def neuron_gradients(x, w, b, y):
        return x

    class ByAutograd:
        func = neuron_gradients

        def __call__(self, x, w, b, y):
            return torch.sigmoid(w)

    neuron_gradients = ByAutograd()
    """
).strip()


def test_a_callable_object_is_judged_by_its_class():
    sources = notebook(CALLABLE_CELL, neuron_gradients=(0, 9, "__call__"))
    source = sources.source_of("neuron_gradients")
    assert source.startswith("class ByAutograd") and "torch.sigmoid" in source
    assert "torch" in sources.modules_reached(source)
    # a __call__ reported at a line where the cell has none matches nothing
    assert notebook(CALLABLE_CELL, neuron_gradients=(0, 3, "__call__")).functions == {}
    # the object's class's own attributes count, and those set on the object
    sources = notebook(
        "import helpers\n\nclass Box:\n    def __call__(self, z):\n        return self.f(z)",
        "box = Box()\nbox.f = helpers.activations.sigmoid_prime\nsigmoid_prime = box",
        sigmoid_prime=(0, 4, "__call__"),
    )
    assert why(sources, "sigmoid_prime")


def test_a_callable_the_sandbox_cannot_show_is_unverifiable():
    sources = notebook(
        "class Clean:\n    pass",
        tanh_prime=(None, None, None, "<unverifiable>"),
    )
    assert "a callable that is not a function" in why(sources, "tanh_prime")


HONEST_TORCH = textwrap.dedent(
    """
    import numpy as np
    import torch
    import torch as T
    from helpers.grading import check_my_work

    DTYPE = torch.float64
    X_t = torch.tensor([[1.0, 2.0]], dtype=torch.float32)
    pair = torch.stack([X_t[0], X_t[0]])
    results = [X_t.sum().item(), np.float64(1.0)]

    def train_with_sgd(X, y, lr, steps):
        w = torch.zeros(X.shape[1], dtype=T.float64, requires_grad=True)
        opt = torch.optim.SGD([w], lr=lr)
        losses = []
        losses.append(float(w.sum()))
        return w.detach().numpy(), losses

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    def neuron_gradients(x, w, b, y):
        s = sigmoid(np.dot(w, x) + b)
        dz = 2 * (s - y) * s * (1 - s)
        return dz * np.asarray(x, dtype=float), dz

    check_my_work("exercise-03-autograd")
    """
).strip()


def test_honest_torch_elsewhere_keeps_the_rules():
    sources = notebook(
        HONEST_TORCH,
        train_with_sgd=(0, 11, "train_with_sgd"),
        sigmoid=(0, 18, "sigmoid"),
        neuron_gradients=(0, 21, "neuron_gradients"),
    )
    assert sources.modules_reached(sources.source_of("neuron_gradients")) == {"numpy"}
    assert sources.modules_reached(sources.source_of("train_with_sgd")) == {"torch"}
    for name in ("neuron_gradients", "train_with_sgd", "sigmoid"):
        assert delegation(sources, name, ["helpers"]) is None, name


ORIGIN_CELL = textwrap.dedent(
    """
    import functools

    def decoy(x):
        return 0

    def real(x, h=1):
        return x

    class Lying:
        func = decoy
        __module__ = "numpy"

        def __call__(self, x):
            return x

    class NoCode:
        __call__ = staticmethod(len)

    class Partial(functools.partial):
        func = decoy

    objects = {
        "real": real,
        "partial": functools.partial(real, h=2),
        "lying": Lying(),
        "nocode": NoCode(),
        "subclass": Partial(real),
        "method": Lying().__call__,
        "builtin": len,
    }
    """
).strip()


def test_the_sandbox_reports_the_code_a_call_runs_not_what_the_object_says():
    from autograder._child import Session

    session = Session.__new__(Session)  # only the origin bookkeeping is needed here
    session.cell_of_count = {7: 3}
    namespace: dict = {}
    exec(compile(ORIGIN_CELL, "<ipython-input-7-0123abcd>", "exec"), namespace)
    origins = {k: session._origin(v) for k, v in namespace["objects"].items()}
    assert origins["real"] == {"cell": 3, "line": 6, "code_name": "real"}
    assert origins["partial"] == origins["real"]  # a real functools.partial is followed
    # an object's own `func` is never followed: its class's __call__ is what runs
    assert origins["lying"] == {"cell": 3, "line": 13, "code_name": "__call__"}
    assert origins["subclass"] == {"module": "<unverifiable>"}
    assert origins["nocode"] == {"module": "<unverifiable>"}
    assert origins["method"] == {"module": "<unverifiable>"}
    assert origins["builtin"] == {"module": "builtins"}
