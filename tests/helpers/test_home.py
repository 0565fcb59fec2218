"""The course home: the path through lessons and exercises, time estimates, progress at a glance."""

import json
import subprocess

import pytest

from helpers import home, progress
from helpers.home import (
    PATH,
    CourseHome,
    check_exercise,
    course_home,
    exercise_path,
    notebook_facts,
)
from helpers.questions import all_questions

LESSON_FILES = [
    "01-secant-to-tangent",
    "02-derivative-rules",
    "03-chain-rule",
    "04-partial-derivatives-and-gradients",
    "05-gradient-descent",
    "06-vectorized-gradients",
    "07-autograd-with-pytorch",
    "08-when-training-goes-wrong",
]


def test_path_order_lessons_then_their_exercises():
    lessons = [s.path for s in PATH if s.kind == "lesson"]
    assert lessons == [f"{name}.ipynb" for name in LESSON_FILES]
    order = [s.key for s in PATH]
    # each exercise comes after the lessons it needs
    assert order.index("exercise-01-derivatives") > order.index("04")
    assert order.index("exercise-02-gradient-descent") > order.index("06")
    assert order.index("exercise-03-autograd") > order.index("07")
    for step in PATH:
        if step.kind == "exercise":
            assert step.path == f"../exercises/{step.key}/{step.key}.ipynb"
    assert all((home.LESSONS / s.path).is_file() for s in PATH if s.kind == "lesson")


def test_no_progress_file_means_zero_progress(tmp_path):
    page = course_home(tmp_path / "none-yet.json")
    assert not page.answered and page.checks[0] == 0
    assert page.checks[1] == len(all_questions())
    assert (
        "No self-checks answered yet" in page.summary() and "start with Lesson 1" in page.summary()
    )
    assert "<table>" in page._repr_html_() and "0 / " in page._repr_html_()
    assert not (tmp_path / "none-yet.json").exists()  # showing progress never creates the file


def test_progress_per_lesson_from_the_progress_file(tmp_path):
    file = tmp_path / "progress.json"
    ids07 = [q.id for q in all_questions() if q.id.startswith("07.")]
    progress.record(ids07[0], True, file)
    progress.record(ids07[1], False, file)  # a wrong answer does not count
    progress.record(ids07[2], True, file)
    page = course_home(file)
    row = next(r for r in page.rows if r.step.key == "07")
    assert (row.correct, row.total) == (2, len(ids07))
    assert page.checks[0] == 2 and page.answered
    assert "Self-checks answered correctly: 2 of" in page.summary()
    assert "Continue with Lesson 1" in page.summary()
    assert f'aria-label="2 of {len(ids07)} self-checks correct"' in page._repr_html_()
    assert "Lesson 7" in repr(page) and f"2/{len(ids07)} self-checks" in repr(page)


def test_completed_lessons_are_skipped_in_next_step(tmp_path):
    file = tmp_path / "progress.json"
    for q in all_questions():
        if q.id[:2] in ("01", "02"):
            progress.record(q.id, True, file)
    page = course_home(file)
    assert page.next_step.step.key == "03"
    assert "✓" in page._repr_html_()


def test_damaged_progress_file_does_not_break_the_home(tmp_path):
    file = tmp_path / "progress.json"
    file.write_text("{not json")
    page = course_home(file)
    assert page.checks[0] == 0


def test_time_estimates_come_from_the_notebooks(tmp_path, monkeypatch):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    nb = {
        "cells": [
            {
                "cell_type": "markdown",
                "source": ["# Lesson 1 · A new title\n", "\n", "**Time:** about 35 minutes."],
            }
        ]
    }
    (lessons / "01-secant-to-tangent.ipynb").write_text(json.dumps(nb))
    monkeypatch.setattr(home, "LESSONS", lessons)
    first = PATH[0]
    assert notebook_facts(first) == ("A new title", 35, True)
    missing = PATH[1]
    assert notebook_facts(missing) == (
        missing.title,
        missing.minutes,
        False,
    )  # defaults, marked missing
    page = course_home(tmp_path / "p.json")
    assert "not available yet" in page._repr_html_()


def test_real_notebooks_state_their_time():
    for step in PATH:
        if step.kind == "lesson":
            title, minutes, exists = notebook_facts(step)
            assert exists and 20 <= minutes <= 90, (step.path, minutes)
            assert "Lesson" not in title and title


def test_exercise_paths():
    assert exercise_path(2).name == "exercise-02-gradient-descent.ipynb"
    assert exercise_path("exercise-03-autograd").parent.name == "exercise-03-autograd"
    with pytest.raises(ValueError):
        exercise_path(4)


def test_check_exercise_reports_scores_and_errors(monkeypatch):
    result = {
        "assignment": "exercise-01-derivatives",
        "score": 7.0,
        "max_score": 10.0,
        "tests": [
            {"name": "secant_slope", "score": 2.0, "max_score": 2.0, "feedback": ""},
            {
                "name": "central_difference",
                "score": 0.0,
                "max_score": 3.0,
                "feedback": "looks like a forward difference",
            },
        ],
        "manual": [{"name": "written answer", "max_score": 2.0}],
    }
    calls = []

    def fake_run(command, **kwargs):
        calls.append(command)
        return subprocess.CompletedProcess(command, 0, json.dumps(result), "")

    monkeypatch.setattr(subprocess, "run", fake_run)
    report = check_exercise(1)
    assert calls[0][1:4] == ["-m", "autograder", "check"] and calls[0][-1] == "--json"
    text = repr(report)
    assert (
        "7 / 10 points" in text
        and "✗ central_difference: 0/3 — looks like a forward difference" in text
    )
    assert "graded by your instructor" in text and "<pre>" in report._repr_html_()

    monkeypatch.setattr(
        subprocess,
        "run",
        lambda command, **kw: subprocess.CompletedProcess(
            command, 2, "", "exercises/x.ipynb: no such file\n"
        ),
    )
    assert (
        repr(check_exercise(2))
        == "Could not check exercise-02-gradient-descent: exercises/x.ipynb: no such file"
    )

    def too_slow(command, **kwargs):
        raise subprocess.TimeoutExpired(command, 1)

    monkeypatch.setattr(subprocess, "run", too_slow)
    assert "longer than" in repr(check_exercise(3, timeout=1))


def test_course_home_object_without_rows_is_safe():
    page = CourseHome([], answered=False)
    assert page.total_minutes == 0 and page.next_step is None
