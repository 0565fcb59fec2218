"""The one table behind the report and the feedback lines, and the similarity finder.

- every mistake id the solutions' test cells declare (and the helpers' own) has an entry
  in ``autograder.mistakes.MISTAKES``, every entry is declared somewhere, and every
  exercise mistake has a lesson section;
- every section names a heading that exists in its lesson (the link's anchor resolves);
- every graded cell of the solutions has a title;
- similar code: a renamed, re-commented copy tops the list, canonical answers that the
  whole class writes are set aside, and the result is the same on every run.
"""

from __future__ import annotations

import nbformat
import pytest

from autograder import mistakes as M
from autograder import testing as T
from autograder.classreport import similarity
from helpers.glossary import anchor, fragment
from tests.autograder.submissions import ASSIGNMENTS, ROOT, SOLUTIONS
from tests.autograder.test_report_mistakes import declared_mistakes, solution_test_cells

COMMON = {
    T.RETURNS_NONE,
    T.CHANGES_INPUT,
    T.SAME_ARRAY_ROWS,
    T.RUNS_PAST_NONFINITE,
    T.PARTIALS_OUT_OF_ORDER,
    T.SWAPPED_COORDINATES,
}


def declared_ids() -> set[str]:
    return {i for _, cell in solution_test_cells() for i in declared_mistakes(cell.source)[0]}


def test_every_declared_mistake_is_in_the_table_and_back():
    declared = declared_ids() | COMMON
    assert declared - set(M.MISTAKES) == set(), "add them to autograder/mistakes.py"
    assert set(M.MISTAKES) - declared == set(), "no test declares these any more"
    for mistake, section in M.MISTAKES.items():
        if not mistake.startswith("common."):
            assert section is not None, f"{mistake}: which lesson section teaches it?"


def headings(lesson: str) -> set[str]:
    nb = nbformat.read(ROOT / "lessons" / lesson, as_version=4)
    return {
        anchor(line.lstrip("#").strip())
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("#")
    }


def test_every_section_is_a_heading_of_its_lesson():
    sections = {s for s in M.MISTAKES.values() if s} | {
        p.section for p in M.PARTS.values() if p.section
    }
    for section in sections:
        assert anchor(section.heading) in headings(section.lesson), section
        assert (
            section.target
            == f"lessons/{section.lesson}#{fragment(section.lesson, section.heading)}"
        )
        assert section.href("https://course.example/lessons/").startswith(
            "https://course.example/lessons/0"
        )


def test_every_graded_cell_has_a_title():
    graded = set()
    for assignment in ASSIGNMENTS:
        nb = nbformat.read(SOLUTIONS / assignment / f"{assignment}.ipynb", as_version=4)
        graded |= {
            c.metadata.nbgrader.grade_id for c in nb.cells if c.metadata.nbgrader.get("grade")
        }
    assert graded == set(M.PARTS)
    assert M.part("test_new_thing").title == "new_thing"  # a cell added later still reads


# --------------------------------------------------------------------------- similarity

ORIGINAL = """
def gradient(f, w, h=1e-5):
    # one coordinate at a time
    point = np.array(w, dtype=float)
    result = np.empty(point.shape[0])
    for index in range(point.shape[0]):
        nudge = np.zeros(point.shape[0])
        nudge[index] = h
        upper, lower = f(point + nudge), f(point - nudge)
        result[index] = (upper - lower) / (h + h)
    return result
"""
RENAMED = """
def gradient(f, w, h=1e-5):
    p = np.array(w, dtype=float)   # a copy
    out = np.empty(p.shape[0])
    for k in range(p.shape[0]):
        e = np.zeros(p.shape[0])
        e[k] = h
        hi, lo = f(p + e), f(p - e)
        out[k] = (hi - lo) / (h + h)   # central difference
    return out
"""
CANONICAL = """
def slope(f, x, h):
    return (f(x + h) - f(x)) / h

def central(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (2 * h)
"""
INDEPENDENT = """
def gradient(f, w, h=1e-5):
    base = np.asarray(w, dtype=float)
    rows = h * np.eye(len(base))
    return np.array([f(base + r) - f(base - r) for r in rows]) / (2 * h)
"""
STARTER = '''
def gradient(f, w, h=1e-5):
    """Central-difference estimate of the gradient of f at w."""
    # YOUR CODE HERE
    raise NotImplementedError()
'''


def test_a_renamed_copy_tops_the_list_and_common_code_is_set_aside():
    answers = {f"s{i:02d}": STARTER + CANONICAL for i in range(12)}
    answers["original"] = STARTER + CANONICAL + ORIGINAL
    answers["copy"] = STARTER + RENAMED + CANONICAL
    answers["independent"] = STARTER + CANONICAL + INDEPENDENT
    pairs = similarity.similar_pairs(answers, STARTER)
    assert [(p.first, p.second) for p in pairs] == [("copy", "original")]
    assert pairs[0].similarity >= 0.8 and pairs[0].shared_chars >= similarity.MIN_SHARED
    assert pairs[0].first_marks and pairs[0].second_marks
    assert pairs == similarity.similar_pairs(answers, STARTER), "the same on every run"


def test_without_setting_common_code_aside_everyone_would_look_alike():
    # the canonical answers alone are long enough to be listed: that is why code most
    # of the class shares is set aside (a fingerprint in more than a tenth of it)
    answers = {f"s{i:02d}": STARTER + CANONICAL * 3 for i in range(2)}
    assert similarity.similar_pairs(answers, STARTER), "two students alone are compared in full"
    assert similarity.common_threshold(30) == 3 and similarity.common_threshold(300) == 30


@pytest.mark.parametrize("count", [0, 1])
def test_fewer_than_two_answers_have_no_pairs(count):
    assert similarity.similar_pairs({f"s{i}": CANONICAL for i in range(count)}, STARTER) == []
