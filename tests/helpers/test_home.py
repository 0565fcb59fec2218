"""The course home: the path through lessons and exercises from the manifest, time
estimates, progress at a glance."""

from helpers import course, progress
from helpers.home import CourseHome, course_home, lesson_summary
from helpers.questions import all_questions


def test_rows_follow_the_manifest_path():
    page = course_home()
    assert [r.step for r in page.rows] == course.path()
    assert all(r.exists for r in page.rows)
    assert page.total_minutes == sum(s.minutes for s in course.path())
    html = page._repr_html_()
    for step in course.path():
        assert f'<a href="{step.file}">' in html and f"{step.minutes} min" in html
    assert "Check my work" in html  # how an exercise is graded


def test_summary_counts_lessons_lab_and_exercises(tmp_path):
    page = course_home(tmp_path / "none-yet.json")
    lessons = sum(lesson.kind == "lesson" for lesson in course.LESSONS)
    labs = sum(lesson.kind == "lab" for lesson in course.LESSONS)
    assert labs == 1
    assert f"{lessons} lessons, 1 lab and {len(course.EXERCISES)} exercises" in page.summary()


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


def test_every_self_check_done(tmp_path):
    file = tmp_path / "progress.json"
    for q in all_questions():
        progress.record(q.id, True, file)
    page = course_home(file)
    assert page.next_step is None and "Every self-check is done!" in page.summary()


def test_damaged_progress_file_does_not_break_the_home(tmp_path):
    file = tmp_path / "progress.json"
    file.write_text("{not json")
    page = course_home(file)
    assert page.checks[0] == 0


def test_missing_notebook_is_marked(tmp_path, monkeypatch):
    monkeypatch.setattr(course, "LESSONS_DIR", tmp_path)  # no lesson notebooks there
    html = course_home(tmp_path / "p.json")._repr_html_()
    assert html.count("not available yet") == len(course.LESSONS)


def test_lesson_summary_counts_every_question(tmp_path):
    questions = all_questions()
    summary = lesson_summary(tmp_path / "none.json")
    assert set(summary) == {lesson.key for lesson in course.LESSONS if lesson.key in summary}
    assert sum(total for _, total in summary.values()) == len(questions)
    assert all(correct == 0 for correct, _ in summary.values())
    progress.record(questions[0].id, True, tmp_path / "p.json")
    lesson = questions[0].id.split(".")[0]
    assert lesson_summary(tmp_path / "p.json")[lesson][0] == 1


def test_course_home_object_without_rows_is_safe():
    page = CourseHome([], answered=False)
    assert page.total_minutes == 0 and page.next_step is None
