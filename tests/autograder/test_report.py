"""``python -m autograder report`` on a generated class of 42 graded submissions.

The class (tests/autograder/report_class.py) is graded once by the real grader, with
known mistakes planted from tests/exercises/cases.py. Then:

- the report's counts of each recognised mistake per test match what was planted,
  exactly, and every planted student's outcome on every test is the planted one;
- students not graded are listed with the reason; written answers are counted;
- the two planted near-copies top the similarity list, and no pair of independent
  honest students is listed;
- ``--anonymise`` hides every name, with pseudonyms stable from run to run;
- text a student caused (a returned string with HTML in it) is escaped;
- the page opens in chromium with every figure visible and no console error or request;
- the feedback page's summary names each line and gives the mistake and its lesson;
- bad input (unknown assignment, empty class, ungraded class) gives one line and exit 2.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from html import unescape
from pathlib import Path

import pytest

from autograder.classreport.model import MISTAKE, NOT_ANSWERED, PASSED, UNRECOGNISED
from autograder.commands.report import report
from helpers.glossary import fragment
from tests.autograder import report_class as C
from tests.autograder.commandline import assert_one_line_error, run
from tests.autograder.conftest import requires_bwrap

# the link into lesson 3 that a student who forgot the inner derivative gets: the cell
# holding that section's heading (the glossary's kind of link)
INNER_DERIVATIVE_CELL = fragment(
    "03-chain-rule.ipynb", "6. The most common mistake: forgetting the inner derivative"
)

pytestmark = [pytest.mark.grading, requires_bwrap]


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    course = tmp_path_factory.mktemp("report-class") / "course"
    C.build_class(course)
    return course


@pytest.fixture(scope="module")
def written(course, tmp_path_factory) -> dict:
    """The report written once: {"data", "html", "json", "csv", "stdout"}."""
    out = tmp_path_factory.mktemp("report-out")
    stdout = io.StringIO()
    data = report(
        C.EX1,
        course,
        to=out / "class.html",
        json_to=out / "class.json",
        csv_to=out / "class.csv",
        out=stdout,
    )
    return {
        "data": data,
        "html": (out / "class.html").read_text(),
        "html_path": out / "class.html",
        "json": json.loads((out / "class.json").read_text()),
        "csv": list(csv.DictReader(io.StringIO((out / "class.csv").read_text()))),
        "stdout": stdout.getvalue(),
    }


def test_it_says_where_the_page_is(written):
    assert f"written to {written['html_path']}" in written["stdout"]
    assert written["html"].startswith("<!DOCTYPE html>")


def test_mistake_counts_match_what_was_planted_exactly(written):
    found = {(m["test"], m["mistake"]): m["students"] for m in written["json"]["mistakes"]}
    assert found == C.expected_counts()


def test_every_planted_outcome_is_reported(written):
    outcomes = {(o["student"], o["test"]): o for o in written["json"]["outcomes"]}
    tests = {t["id"] for t in written["json"]["tests"]}
    for planted in C.CLASS:
        for test in tests:
            outcome = outcomes[(planted.student, test)]
            expected = planted.expect.get(test, PASSED)
            if expected in (PASSED, UNRECOGNISED, NOT_ANSWERED):
                assert outcome["status"] == expected, (planted.student, test, outcome)
            else:
                assert (outcome["status"], outcome["mistake"]) == (MISTAKE, expected), (
                    planted.student,
                    test,
                    outcome,
                )
    for test in tests:  # the untouched released notebook raises NotImplementedError
        assert outcomes[(C.UNANSWERED, test)]["status"] == NOT_ANSWERED


def test_each_test_counts_passes_and_failures(written):
    rows = {t["id"]: t for t in written["json"]["tests"]}
    graded = len(C.CLASS) + 1  # and the unanswered notebook
    for test, row in rows.items():
        planted = [p.expect[test] for p in C.CLASS if test in p.expect]
        assert row["students"] == graded
        assert row["passed"] == graded - len(planted) - 1
        assert row["not_answered"] == 1
        assert row["unrecognised"] == planted.count(UNRECOGNISED)
        assert row["mistakes"] == len(planted) - planted.count(UNRECOGNISED)
    rates = [t["pass_rate"] for t in written["json"]["tests"]]
    assert rates == sorted(rates), "hardest first"
    # a recognised mistake's row gives the feedback sentence and the lesson that teaches it
    chain = next(
        m for m in written["json"]["mistakes"] if m["mistake"] == "ex01.forgot-inner-derivative"
    )
    assert "forgot the inner derivative" in chain["message"]
    assert chain["lesson_href"].endswith(f"03-chain-rule.ipynb#{INNER_DERIVATIVE_CELL}")


def test_unrecognised_failures_are_counted_apart_with_anonymous_examples(written):
    others = {u["test"]: u for u in written["json"]["unrecognised"]}
    assert others["test_grad_f"]["students"] == 1
    assert any("df/dy" in e for e in others["test_grad_f"]["examples"])
    html = written["html"]
    assert "Unrecognised failures: 1" in html


def test_students_not_graded_are_listed_with_the_reason(written):
    missing = {s["student"]: s["reason"] for s in written["json"]["students"] if not s["graded"]}
    assert set(missing) == {C.DAMAGED, C.ABSENT}
    assert "damaged" in missing[C.DAMAGED] and missing[C.ABSENT] == "no submission"
    graded = [s for s in written["json"]["students"] if s["graded"]]
    assert len(graded) == len(C.CLASS) + 1
    scores = written["json"]["scores"]
    assert scores["students"] == len(graded) and scores["lowest"] == 0 and scores["highest"] == 24


def test_written_answers_scores_and_what_is_still_ungraded(written):
    (row,) = written["json"]["written"]
    assert row["graded"] == len(C.WRITTEN_GRADED)
    assert row["ungraded"] == len(C.WRITTEN_UNGRADED)
    assert row["blank"] == len(C.CLASS) + 1 - len(C.WRITTEN_GRADED) - len(C.WRITTEN_UNGRADED)
    assert row["mean"] == pytest.approx(sum(C.WRITTEN_GRADED.values()) / len(C.WRITTEN_GRADED))


def test_near_copies_top_the_similarity_list_and_honest_students_do_not(written):
    pairs = written["json"]["similar"]
    assert pairs, "the planted near-copies must be found"
    top = pairs[0]
    assert {top["first"], top["second"]} == set(C.NEAR_COPIES)
    assert top["similarity"] >= 0.9
    cases = {p.student: set(p.cases) for p in C.CLASS}
    for pair in pairs[1:]:
        a, b = pair["first"], pair["second"]
        # any other lead is two students planted with the very same wrong code
        assert cases.get(a) and cases.get(a) == cases.get(b), pair
        assert pair["similarity"] <= top["similarity"]
    independent = [p.student for p in C.CLASS if not p.expect] + [C.UNANSWERED]
    listed = {frozenset((p["first"], p["second"])) for p in pairs}
    for pair in listed:
        assert pair == frozenset(C.NEAR_COPIES) or not pair <= set(independent), pair
    assert "A lead for a human, never a verdict" in written["html"]


def test_csv_has_one_row_per_graded_student_and_test(written):
    rows = written["csv"]
    assert len(rows) == (len(C.CLASS) + 1) * len(written["json"]["tests"])
    row = next(
        r for r in rows if r["student"] == "chain-1" and r["test"] == "test_compose_derivative"
    )
    assert (row["outcome"], row["mistake"], row["score"]) == (
        MISTAKE,
        "ex01.forgot-inner-derivative",
        "0",
    )


def test_student_caused_text_is_escaped(written):
    html = written["html"]
    assert "onerror=alert(1)" in unescape(html)  # the message is shown ...
    assert "<img src=x" not in html and "<script>alert" not in html  # ... as text
    assert "&lt;img src=x" in html


def test_anonymise_hides_every_name_with_stable_pseudonyms(course, tmp_path):
    first = report(
        C.EX1,
        course,
        to=tmp_path / "a.html",
        json_to=tmp_path / "a.json",
        anonymise=True,
        out=io.StringIO(),
    )
    again = report(C.EX1, course, to=tmp_path / "b.html", anonymise=True, out=io.StringIO())
    names = {s.id: s.name for s in first.students}
    assert names == {s.id: s.name for s in again.students}, "stable from run to run"
    assert len(set(names.values())) == len(names)
    assert all(re.fullmatch(r"student-[0-9a-f]{6,}", n) for n in names.values())
    html = (tmp_path / "a.html").read_text()
    data = (tmp_path / "a.json").read_text()
    for student in ("kim-original", "lee-near-copy", C.DAMAGED, C.ABSENT, "honest-03", "chain-2"):
        assert student not in html and student not in data, student
    assert str(course) not in html
    pair = json.loads(data)["similar"][0]
    assert {pair["first"], pair["second"]} == {names[s] for s in C.NEAR_COPIES}


@pytest.mark.browser
def test_the_page_opens_in_chromium_with_every_figure_visible(written):
    from playwright.sync_api import sync_playwright

    from tests.browser.lab import CHROMIUM, CHROMIUM_ARGS

    errors, requests = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(written["html_path"].as_uri())
            page.wait_for_load_state("load")
            images = page.eval_on_selector_all(
                "img",
                "imgs => imgs.map(i => ({alt: i.alt, w: i.naturalWidth, h: i.naturalHeight,"
                " shown: i.getBoundingClientRect().width > 0 && i.complete}))",
            )
            for details in page.query_selector_all("details"):
                details.evaluate("d => d.open = true")
            shown_text = page.inner_text("main")
        finally:
            browser.close()
    assert len(images) >= 2
    for image in images:
        assert image["alt"].strip() and image["w"] > 0 and image["h"] > 0 and image["shown"], image
    assert errors == []
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    assert "return rise / run" in shown_text and "return dy / dx" in shown_text  # the code pair


def test_feedback_summary_names_each_line_and_gives_the_mistake(course):
    done = run(
        "feedback", C.EX1, "--course", course, "--student", "chain-3", "--student", "hostile"
    )
    assert done.returncode == 0, done.stderr
    page = (course / "feedback" / "chain-3" / C.EX1 / f"{C.EX1}.html").read_text()
    summary = page.split('id="toc"', 1)[1].split("</ol>", 1)[0]
    assert "Test cell" not in summary
    text = unescape(re.sub(r"<[^>]+>", "", summary))
    assert "secant_slope" in text and "numerical_gradient: lists of ints, inputs unchanged" in text
    assert "you forgot the inner derivative" in text
    assert "sigma(z) itself" in text
    assert f'href="../../lessons/03-chain-rule.ipynb#{INNER_DERIVATIVE_CELL}"' in summary
    hostile = (course / "feedback" / "hostile" / C.EX1 / f"{C.EX1}.html").read_text()
    toc = hostile.split('id="toc"', 1)[1].split("</ol>", 1)[0]
    assert "<img src=x" not in toc and "&lt;img src=x" in toc


# --------------------------------------------------------------------------- bad input


def test_bad_input_gives_one_line_and_exit_2(course, tmp_path):
    done = run("report", "exercise-09-nothing", "--course", course)
    assert_one_line_error(done, 2)
    assert "unknown assignment" in done.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    done = run("report", C.EX1, "--course", empty)
    assert_one_line_error(done, 2)
    assert "no submissions" in done.stderr
    ungraded = tmp_path / "ungraded"
    shutil.copytree(course / "submitted", ungraded / "submitted")
    done = run("report", C.EX1, "--course", ungraded)
    assert_one_line_error(done, 2)
    assert "none of the" in done.stderr and "graded yet" in done.stderr
    done = run("report", C.EX1, "--course", tmp_path / "missing")
    assert_one_line_error(done, 2)
    done = run("report", C.EX1, "--course", course, "--to", tmp_path)
    assert_one_line_error(done, 2)
    assert "is a directory" in done.stderr
