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
