"""The course manifest is the one home of the lesson list: the notebooks, the course home,
the README and the question bank agree with it."""

import re

import nbformat
import pytest

from helpers import course
from helpers.questions import all_questions


def first_cell(path):
    return nbformat.read(path, as_version=4).cells[0].source


@pytest.mark.parametrize("lesson", course.LESSONS, ids=lambda lesson: lesson.file)
def test_each_lesson_states_the_manifests_title_and_time(lesson):
    text = first_cell(lesson.path)
    assert text.splitlines()[0] == lesson.heading
    times = re.findall(r"\*\*Time:\*\* about (\d+) minutes", text)
    assert times == [str(lesson.minutes)], f"{lesson.file}: time {times} != {lesson.minutes}"


@pytest.mark.parametrize("lesson", course.LESSONS[:-1], ids=lambda lesson: lesson.file)
def test_each_lesson_links_to_the_next(lesson):
    following = course.LESSONS[course.LESSONS.index(lesson) + 1]
    last = nbformat.read(lesson.path, as_version=4).cells[-1].source
    assert f"]({following.file})" in last, f"{lesson.file} does not link to {following.file}"


def test_the_path_puts_each_exercise_after_its_lessons():
    steps = course.path()
    assert len(steps) == len(course.LESSONS) + len(course.EXERCISES)
    for exercise in course.EXERCISES:
        assert exercise.path.is_file()
        position = steps.index(exercise)
        assert all(steps.index(course.lesson(n)) < position for n in exercise.after)
    assert [s.number for s in steps if isinstance(s, course.Lesson)] == list(range(1, 10))


def test_lookups():
    assert course.lesson("05") is course.lesson(5) and course.lesson(5).label == "Lesson 5"
    assert course.lesson(9).label == "Lab" and course.lesson(9).kind == "lab"
    assert course.exercise(2) is course.exercise("exercise-02-gradient-descent")
    with pytest.raises(KeyError, match="no lesson"):
        course.lesson(10)
    with pytest.raises(KeyError, match="choose 1, 2 or 3"):
        course.exercise("exercise-04")


def test_course_home_notebook_shows_the_manifests_path():
    text = first_cell(course.LESSONS_DIR / "00-course-home.ipynb")
    assert course.path_markdown() in text


def test_readme_course_table_is_the_generated_one():
    readme = (course.ROOT / "README.md").read_text(encoding="utf-8")
    assert course.with_readme_table(readme) == readme, (
        "README.md's course table is out of date: run  python -m helpers.course README.md"
    )
    table = readme[readme.index(course.TABLE_START) : readme.index(course.TABLE_END)]
    for step in course.path():
        assert f"]({step.path.relative_to(course.ROOT).as_posix()})" in table


def test_readme_markers_are_required():
    with pytest.raises(ValueError, match="markers"):
        course.with_readme_table("# a README without the table")


def test_every_question_belongs_to_a_lesson_of_the_manifest():
    keys = {lesson.key for lesson in course.LESSONS}
    assert {q.id.split(".")[0] for q in all_questions()} <= keys
