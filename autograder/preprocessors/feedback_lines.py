"""nbgrader preprocessor: name each line of the feedback page's summary."""

from __future__ import annotations

from typing import Any

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from autograder.mistakes import part, section_of
from autograder.testing import mistake_of

MESSAGE_CHARS = 240


class NameFeedbackLines(NbGraderPreprocessor):
    """For the summary at the top of a student's feedback page: what each graded cell
    checks (``secant_slope``, ``gradient_descent: stopping rules``), and for a lost
    score the one-line message of the mistake the test recognised, with the lesson
    section that teaches it (the cell's own lesson when no mistake was recognised).

    Runs in ``GenerateFeedback`` after ``GetGrades``; the course's feedback template
    (``autograder/templates/feedback/course_feedback.html.j2``) reads ``resources["feedback_lines"]``.
    The recognised mistake is read from the error the trusted engine recorded
    (``TestFailure[<id>]``), never from the message text.
    """

    lessons_url = Unicode(
        "../../lessons/",
        help="Where the lessons are, for the links (ends with /). The default suits a page "
        "saved beside the exercise in a copy of the course; give your course site's address.",
    ).tag(config=True)

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        lines: dict[str, dict[str, str]] = {}
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if not meta.get("grade") or not meta.get("grade_id"):
                continue
            about = part(meta["grade_id"])
            line = {"title": about.title, "message": "", "lesson": "", "href": ""}
            lost = float(meta.get("score") or 0) < float(meta.get("points") or 0)
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if lost and errors and cell.cell_type == "code":
                mistake = mistake_of(str(errors[0].get("ename", "")))
                text = str(errors[0].get("evalue", "")).strip().splitlines()
                first = text[0] if text else ""
                line["message"] = (
                    first if len(first) <= MESSAGE_CHARS else first[: MESSAGE_CHARS - 1] + "…"
                )
                section = section_of(mistake) if mistake else about.section
                if section is not None:
                    line["lesson"] = section.label
                    line["href"] = section.href(self.lessons_url)
            lines[meta["grade_id"]] = line
        resources["feedback_lines"] = lines
        return nb, resources
