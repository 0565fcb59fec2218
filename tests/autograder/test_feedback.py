"""Feedback pages and nbgrader's own UI in a course directory.

- Nothing a student wrote is active in the pages someone else opens: the feedback
  page (the student's classmates never see it, but a TA or the student opens it in a
  browser) and the formgrader's view of a submission (the instructor's browser).
- Nothing hidden reaches a student: not the hidden tests, not what their inputs made a
  student's code print or raise.
- Every course directory the tools create or touch makes nbgrader's own formgrader
  grade with the trusted engine and generate feedback without hidden tests: tested
  through nbgrader's API configured exactly as the formgrader configures it.
- ``feedback`` reports every student it writes no page for, and an interrupted run
  loses nothing.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from html import unescape
from html.parser import HTMLParser

import nbformat
import pytest

from tests.autograder import submissions as S
from tests.autograder.commandline import run
from tests.autograder.conftest import requires_bwrap

pytestmark = [pytest.mark.grading, requires_bwrap]
EX1 = "exercise-01-derivatives"


class ActiveContent(HTMLParser):
    """What in a page could run or load something the fixtures planted: a script or a
    style holding their text, an event handler, a javascript:/data: link, a frame."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.inside: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("iframe", "object", "embed", "frame"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") and "xss" in value:
                self.found.append(f"{tag} {name}")
            if name in ("href", "src", "action") and value.startswith(("javascript:", "data:text")):
                self.found.append(f"{tag} {name}={value[:30]}")
        self.inside = tag if tag in ("script", "style") else None

    def handle_data(self, data):
        if self.inside and ("xss" in data or "display: none" in data.replace("{ ", "{")):
            self.found.append(f"<{self.inside}> {data.strip()[:40]}")

    def handle_endtag(self, tag):
        self.inside = None


def active_content(html: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(html)
    return parser.found


def fixture(name):
    return S.from_fixture(S.ADVERSARIAL / f"{name}.ipynb")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """One course: the HTML attack, the hidden-input leak and an honest student, graded
    and given feedback by the commands an instructor runs."""
    from autograder.commands.feedback import feedback

    course = tmp_path_factory.mktemp("feedback") / "course"
    submissions = {
        "alice": S.build(EX1, "solution"),
        "eve": fixture("a28-leaks-hidden-inputs"),
        "mallory": fixture("a27-html-injection"),
    }
    results = S.grade_many(EX1, submissions, jobs=1, course=course)
    assert all(r["graded"] for r in results.values()), S.dump(results)
    feedback(EX1, course, out=io.StringIO(), err=io.StringIO())
    return course, results


def page(course, student):
    return (course / "feedback" / student / EX1 / f"{EX1}.html").read_text()


def formgrader(course):
    """nbgrader's formgrader extension, configured as it is when JupyterLab starts in the
    course directory (its own config loading, then the course directory's file)."""
    from nbgrader.auth import Authenticator
    from nbgrader.server_extensions.formgrader.formgrader import FormgradeExtension

    before = os.getcwd()
    os.chdir(course)
    try:
        app = FormgradeExtension()
        app.root_dir = str(course)
        app.initialize([])
        app.load_config_file()
        return app, Authenticator(parent=app)
    finally:
        os.chdir(before)


def formgrader_view(course, student):
    """The page the formgrader shows the instructor for a submission (its exporter,
    its template, the resources its handler passes)."""
    from nbconvert.exporters import HTMLExporter

    app, _ = formgrader(course)
    exporter = HTMLExporter(config=app.config)
    notebook = course / "autograded" / student / EX1 / f"{EX1}.ipynb"
    resources = {
        "assignment_id": EX1,
        "notebook_id": EX1,
        "submission_id": "id",
        "index": 0,
        "total": 1,
        "base_url": "",
        "student": student,
        "last_name": None,
        "first_name": None,
        "notebook_path": str(notebook),
    }
    html, _ = exporter.from_filename(str(notebook), resources=resources)
    return html


def test_student_html_is_not_active_in_feedback_or_in_the_formgrader(course):
    course, results = course
    assert results["mallory"]["score"] == results["mallory"]["max_score"]
    # the submission is hostile: rendered by a plain nbconvert exporter, it would run
    from nbconvert.exporters import HTMLExporter

    raw, _ = HTMLExporter().from_filename(
        str(course / "autograded" / "mallory" / EX1 / f"{EX1}.ipynb")
    )
    assert len(active_content(raw)) >= 5, "the fixture no longer carries active content"
    for label, html in (
        ("feedback", page(course, "mallory")),
        ("formgrader", formgrader_view(course, "mallory")),
    ):
        found = active_content(html)
        assert not found, (label, found)
        assert "xss-raw" not in html, label  # raw cells are left out
        # what a student wrote is still there, as text
        text = unescape(re.sub(r"<[^>]+>", " ", html))
        assert "The central difference is more accurate" in text, label
        assert "My notes" in text, label


def test_no_hidden_input_reaches_the_student(course):
    course, results = course
    eve = results["eve"]
    assert eve["score"] == eve["max_score"] - 2 and set(eve["feedback"]) == {"test_secant_slope"}
    html = page(course, "eve")
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    # (the student's own code, which mentions these markers, is shown; what it printed
    # or raised with the tests' numbers is not)
    printed = re.compile(r"LEAK-[A-Z]+[ x=]*[\[(\d-]")
    assert not printed.findall(text), printed.findall(text)
    assert "ValueError" in text and "is not shown" in text  # what failed, not what it said
    assert "HIDDEN TESTS" not in text and "seeded_rng" not in text
    # the instructor still sees, in the formgrader, what the cells printed during grading
    instructor = unescape(re.sub(r"<[^>]+>", " ", formgrader_view(course, "eve")))
    assert printed.findall(instructor)


def test_nbgrader_ui_in_a_course_directory_uses_the_trusted_engine(tmp_path):
    """The formgrader's *Autograde* and *Generate Feedback*, in a course directory that
    collect-zip made (and in one that had its own configuration): the trusted engine
    grades, and no hidden test is published."""
    from nbgrader.apps.api import NbGraderAPI

    course = tmp_path / "course"
    own = tmp_path / "course-with-config"
    own.mkdir()
    (own / "nbgrader_config.py").write_text(
        'c = get_config()  # noqa: F821\nc.CourseDirectory.course_id = "calc-own"\n'
    )
    archive = tmp_path / "lms.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        cheat = fixture("a02-patch-testing-helpers")
        zf.writestr(f"mallory_1_11_{EX1}.ipynb", nbformat.writes(cheat))
        zf.writestr(f"alice_2_12_{EX1}.ipynb", nbformat.writes(S.build(EX1, "solution")))
    baseline = S.grade_many(EX1, {"b": fixture("b01-wrong-answers")}, jobs=1)["b"]
    for target in (course, own):
        done = run("collect-zip", EX1, archive, "--course", target)
        assert done.returncode == 0, done.stderr
        text = (target / "nbgrader_config.py").read_text()
        assert "from autograder.config import apply" in text
        app, authenticator = formgrader(target)
        names = [
            getattr(p, "__name__", str(p)) for p in app.config.Autograde.autograde_preprocessors
        ]
        assert "TrustedExecute" in names and "Execute" not in names
        api = NbGraderAPI(app.coursedir, authenticator, parent=app)
        for student in ("alice", "mallory"):
            assert api.autograde(EX1, student)["success"]
        assert api.generate_feedback(EX1)["success"]
        scores = S._read_result(EX1, target, "mallory", True, 0)
        assert scores["score"] <= baseline["score"] < scores["max_score"]  # no gain
        for student in ("alice", "mallory"):
            html = page(target, student)
            for line in hidden_lines():
                assert line not in html, (student, line)
    assert 'course_id = "calc-own"' in (own / "nbgrader_config.py").read_text()


def test_the_formgrader_refuses_to_autograde_without_the_sandbox(tmp_path, monkeypatch):
    """Without bubblewrap the formgrader's *Autograde* refuses (one clear line) rather
    than run a submission unconfined."""
    from nbgrader.apps.api import NbGraderAPI

    from autograder import engine

    course = tmp_path / "course"
    archive = tmp_path / "lms.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"alice_2_12_{EX1}.ipynb", nbformat.writes(S.build(EX1, "solution")))
    assert run("collect-zip", EX1, archive, "--course", course).returncode == 0
    monkeypatch.setenv("AUTOGRADER_NO_BWRAP", "1")
    monkeypatch.setattr(engine, "_POOL", {})
    app, authenticator = formgrader(course)
    result = NbGraderAPI(app.coursedir, authenticator, parent=app).autograde(EX1, "alice")
    assert not result["success"]
    refusal = [line for line in result.get("log", "").splitlines() if "SandboxError" in line]
    assert refusal and "bubblewrap (bwrap) is needed to grade safely" in refusal[-1], result
    assert not (course / "autograded" / "alice" / EX1).exists()  # nothing graded


def hidden_lines():
    public = S.public_text(EX1)
    for cell in S.source(EX1).cells:
        if S.is_test(cell) and "### BEGIN HIDDEN TESTS" in cell.source:
            hidden = cell.source.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN", 1)[0]
            for line in hidden.splitlines():
                if len(line.strip()) > 25 and line.strip() not in public:
                    yield line.strip()


def test_feedback_names_every_student_it_writes_nothing_for(course, tmp_path):
    course, _ = course
    waiting = course / "submitted" / "zoe" / EX1
    waiting.mkdir(parents=True)
    nbformat.write(S.build(EX1, "solution"), str(waiting / f"{EX1}.ipynb"))
    try:
        done = run("feedback", EX1, "--course", course)
        assert done.returncode == 1, done.stdout + done.stderr
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        assert lines == [
            "no feedback for zoe: not autograded (run `python -m autograder grade` for "
            "this student)"
        ]
        assert "feedback written for 3 students" in done.stdout
        assert "Traceback" not in done.stderr
    finally:
        import shutil

        shutil.rmtree(course / "submitted" / "zoe")


def test_an_interrupted_feedback_run_loses_nothing(course, monkeypatch):
    """Ctrl-C while a page is being written: every page written before is complete, the
    interrupted student keeps the page they had, and nothing half-written is left."""
    from nbgrader.apps.api import NbGraderAPI

    from autograder.commands.feedback import STAGING, feedback

    course, _ = course
    before = {s: page(course, s) for s in ("alice", "eve", "mallory")}
    (course / "feedback" / "mallory" / EX1 / f"{EX1}.html").write_text("the page mallory had")
    real = NbGraderAPI.generate_feedback

    def interrupted(self, assignment, student=None, force=True):
        result = real(self, assignment, student, force)
        if student == "mallory":  # halfway through writing mallory's page
            staged = course / STAGING / student / assignment / f"{assignment}.html"
            staged.write_text(staged.read_text()[:100])
            raise KeyboardInterrupt
        return result

    monkeypatch.setattr(NbGraderAPI, "generate_feedback", interrupted)
    with pytest.raises(KeyboardInterrupt):
        feedback(EX1, course, out=io.StringIO(), err=io.StringIO())
    assert page(course, "alice") == before["alice"] and page(course, "eve") == before["eve"]
    assert page(course, "mallory") == "the page mallory had"
    assert not (course / STAGING).exists()
    assert not list((course / "feedback").rglob("*.old"))
