"""check() records progress; quiz() gives explained feedback and is usable by keyboard and
screen reader (labelled controls in reading order, feedback announced)."""

import json

import ipywidgets as widgets

from helpers import progress
from helpers.checks import check, quiz
from tests.helpers.test_questions_model import CHOICE, NUMBER

BANK = {"t.number": NUMBER, "t.choice": CHOICE}


def test_check_records_progress(tmp_path, monkeypatch):
    path = tmp_path / "p.json"
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(path))
    monkeypatch.setattr("helpers.checks.get", BANK.get)
    check(NUMBER.id, "definitely not an answer")
    assert not path.exists() or not progress.load(path).get(NUMBER.id, {}).get("correct")
    check(NUMBER.id, NUMBER.answer)
    assert progress.load(path)[NUMBER.id]["correct"] is True
    assert json.loads(path.read_text())["version"] == 1


def test_quiz_widget_gives_feedback(monkeypatch):
    monkeypatch.setattr("helpers.checks.get", BANK.get)
    number_form, choice_form = quiz("t.number", "t.choice").children
    entry = number_form.children[1].children[0]
    feedback = number_form.children[2]
    entry.value = "4.1"  # continuous_update=False: Enter (or leaving the box) submits
    assert "Correct" in feedback.value
    radio, button = choice_form.children[1].children
    radio.value = "zero"
    button.click()
    assert (
        "Not yet" in choice_form.children[2].value
        and 'role="alert"' in choice_form.children[2].value
    )


def test_quiz_controls_are_labelled_and_in_reading_order(monkeypatch):
    monkeypatch.setattr("helpers.checks.get", BANK.get)
    forms = quiz("t.number", "t.choice", "t.number").children
    labels = []
    for number, form in enumerate(forms, 1):
        prompt, row, feedback = form.children  # prompt, then the controls, then the feedback
        entry, button = row.children
        assert prompt.value.startswith(f"<b>{number}.</b>")
        # ipywidgets renders the description as the <label for=...> of the input
        labels.append(entry.description)
        assert button.description == "Check" and str(number) in button.tooltip
        assert isinstance(feedback, widgets.HTML) and feedback.value == ""
    assert labels == ["Answer 1:", "Answer 2:", "Answer 3:"]  # unique accessible names


def test_enter_checks_once_and_the_button_checks_again(tmp_path, monkeypatch):
    path = tmp_path / "p.json"
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(path))
    monkeypatch.setattr("helpers.checks.get", BANK.get)
    form = quiz("t.number").children[0]
    entry, button = form.children[1].children
    entry.value = "4.2"  # Enter: checked and recorded
    assert "Not yet" in form.children[2].value
    button.click()  # the same answer checked again on purpose: a second attempt
    assert progress.load(path)[NUMBER.id]["attempts"] == 2
    entry.value = ""  # clearing the box is not an answer
    assert progress.load(path)[NUMBER.id]["attempts"] == 2
