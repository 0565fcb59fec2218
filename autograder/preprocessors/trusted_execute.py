"""nbgrader preprocessor: execute a submission with the trusted engine."""

from __future__ import annotations

import time
from typing import Any

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Dict, Integer, List, Unicode

from autograder.engine import FORBIDDEN_PACKAGES, Limits, NotebookRunner, get_sandbox, preload_for


class TrustedExecute(NbGraderPreprocessor):
    """Run the student's cells in the sandbox and the graded tests in the grader.

    Configure it instead of nbgrader's ``Execute``::

        c.Autograde.autograde_preprocessors = [TrustedExecute, ...]  # see autograder.config
    """

    timeout_cell = Integer(15, help="Seconds one student cell or one test may take").tag(
        config=True
    )
    timeout_notebook = Integer(90, help="Seconds the whole notebook may take").tag(config=True)
    memory_mb = Integer(1024, help="Memory a submission may allocate, in MB").tag(config=True)
    output_chars = Integer(10_000, help="Characters of output kept per cell").tag(config=True)
    grader_memory_mb = Integer(
        2048, help="Memory the grader may use to check one test's answers, in MB"
    ).tag(config=True)
    forbidden_packages = List(
        Unicode(),
        list(FORBIDDEN_PACKAGES),
        help="Packages a graded function may not call (the course's own implementations)",
    ).tag(config=True)
    sandbox = Unicode(
        "auto",
        help="'require' (bubblewrap or fail), 'auto' (bubblewrap when "
        "available, with a warning otherwise) or 'off'",
    ).tag(config=True)
    call_budgets = Dict(
        {},
        help="Seconds each call of a test may take, {test id: {function: seconds}} "
        "(autograder.budgets derives them from the reference solution's time)",
    ).tag(config=True)

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        isolate = {"require": True, "off": False}.get(self.sandbox)
        sandbox = get_sandbox(preload_for(nb), isolate)
        limits = Limits(
            self.timeout_cell,
            self.timeout_notebook,
            self.memory_mb,
            self.output_chars,
            self.call_budgets,
            self.grader_memory_mb,
        )
        started = time.monotonic()
        try:
            NotebookRunner(sandbox, limits, self.log, self.forbidden_packages).run(nb)
        finally:
            _ENGINE_SECONDS[0] += time.monotonic() - started
        return nb, resources


_ENGINE_SECONDS = [0.0]


def engine_seconds() -> float:
    """Seconds this process has spent running notebooks (the benchmark's overhead measure)."""
    return _ENGINE_SECONDS[0]
