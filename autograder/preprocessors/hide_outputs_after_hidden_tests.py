"""nbgrader preprocessor: no output of the student's cells after a hidden test, in feedback."""

from __future__ import annotations

from typing import Any

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

HIDDEN_MARK = "### BEGIN HIDDEN TESTS"


class HideOutputsAfterHiddenTests(NbGraderPreprocessor):
    """Clear, in a feedback page, the grader's outputs of the student's cells that ran
    after a hidden test had called the student's functions.

    A function can keep the arguments a hidden test gave it and a later cell can print
    them: its output would carry the hidden test's inputs to the student. The student
    has the outputs of their own run anyway; the formgrader still shows these to the
    instructor (this runs in ``GenerateFeedback`` only, before ``ClearHiddenTests``
    removes the markers it looks for).
    """

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        hidden_seen = False
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade") and not meta.get("solution"):
                hidden_seen = hidden_seen or HIDDEN_MARK in cell.source
            elif hidden_seen and cell.get("outputs"):
                cell.outputs = [
                    NotebookNode(
                        output_type="stream",
                        name="stdout",
                        text="(what this cell printed during grading is not shown here: it ran "
                        "after hidden tests, whose inputs it could reveal)\n",
                    )
                ]
        return nb, resources
