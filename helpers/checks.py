"""Self-check questions with instant, explanatory feedback (introduced in lesson 01).

In a lesson::

    from helpers.checks import check, quiz
    check("01.secant-2-to-2.1", 4.1)     # prints feedback, saves progress
    quiz("01.secant-2-to-2.1", "01.slope-at-3")   # the same with a text box and a button

Questions live in :mod:`helpers.questions` (one module per lesson), built on the model
of :mod:`helpers.questions.model`. A wrong answer gets the reasoning (and, for a
recognised mistake, what went wrong), not just "no".
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from helpers import progress
from helpers.questions import get
from helpers.questions.model import CheckResult, Question, format_hint


def check(question_id: str, answer) -> CheckResult:
    """Check a self-check answer, record the attempt and return the explained verdict."""
    question = get(question_id)
    result = question.grade(answer)
    if result.correct is not None:
        progress.record(question.id, result.correct)
    return result


def quiz(*question_ids: str) -> widgets.VBox:
    """A form per question: numbered prompt, answer box (or options), Check button, feedback.

    Built for keyboard and screen-reader users: in reading order each question is its
    prompt, then its answer control (labelled "Answer N"), then its Check button; Enter
    in the box checks too. The feedback is an alert region, announced as soon as it
    appears (see :meth:`CheckResult._repr_html_`).
    """
    return widgets.VBox(
        [_question_form(number, get(qid)) for number, qid in enumerate(question_ids, 1)]
    )


def _question_form(number: int, question: Question) -> widgets.VBox:
    prompt = widgets.HTMLMath(f"<b>{number}.</b> {html.escape(question.prompt)}")
    entry: widgets.RadioButtons | widgets.Text
    if question.kind == "choice":
        entry = widgets.RadioButtons(
            options=list(question.options),
            value=None,
            description=f"Answer {number}:",
            layout={"width": "auto"},
        )
    else:
        entry = widgets.Text(
            placeholder=format_hint(question.kind),
            description=f"Answer {number}:",
            continuous_update=False,
        )
    button = widgets.Button(
        description="Check",
        button_style="primary",
        tooltip=f"check your answer to question {number}",
    )
    feedback = widgets.HTML()
    last_checked: list = [None]

    def show_verdict(_=None) -> None:
        value = entry.value if entry.value != "" else None
        last_checked[0] = value
        feedback.value = check(question.id, value)._repr_html_()

    def on_change(change) -> None:
        # Enter (or leaving the box) syncs the value; check it once, not again on the button
        if change["new"] and change["new"] != last_checked[0]:
            show_verdict()

    button.on_click(show_verdict)
    if isinstance(entry, widgets.Text):
        entry.observe(on_change, names="value")
    return widgets.VBox([prompt, widgets.HBox([entry, button]), feedback])
