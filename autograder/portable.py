"""Functions that can cross the sandbox boundary as source text.

Graded test cells run in the trusted grader, but the student's functions run in
an isolated process. A test that passes a function to a student's function
(``secant_slope(f, 3, 0.1)``) therefore wraps it::

    square = portable("lambda x: x**2")
    secant_slope(square, 3, 0.1)          # works in the student's kernel too

A :class:`Portable` is an ordinary callable everywhere; the grader sends only its
``source`` to the sandbox, which rebuilds it there. The source may be a lambda
expression or one ``def``; it sees ``np``, ``math`` and (when it mentions it)
``torch``.
"""

from __future__ import annotations

import ast
import math
from typing import Any

import numpy as np


class Portable:
    """A callable rebuilt from source text (see the module docstring)."""

    __slots__ = ("source", "name", "_fn")

    def __init__(self, source: str, name: str | None = None):
        if not isinstance(source, str):
            raise TypeError("portable() takes the function's source text")
        tree = ast.parse(source.strip())
        if len(tree.body) != 1:
            raise ValueError("portable() takes one lambda expression or one def")
        node = tree.body[0]
        namespace = {"np": np, "math": math}
        if "torch" in source:
            import torch

            namespace["torch"] = torch
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Lambda):
            fn = eval(compile(ast.Expression(node.value), "<portable>", "eval"), namespace)
            default_name = "<lambda>"
        elif isinstance(node, ast.FunctionDef):
            exec(compile(tree, "<portable>", "exec"), namespace)
            fn = namespace[node.name]
            default_name = node.name
        else:
            raise ValueError("portable() takes one lambda expression or one def")
        self.source = source.strip()
        self.name = name or default_name
        self._fn = fn

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"portable({self.source!r})"


def portable(source: str, name: str | None = None) -> Portable:
    """Make a function from source text that the grader can send to the sandbox."""
    return Portable(source, name)
