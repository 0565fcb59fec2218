"""The glossary: every term is defined, linked to a lesson section that exists and uses the term,
and the glossary notebook shows exactly the data in helpers.glossary."""

import re
from pathlib import Path

import nbformat
import pytest

from helpers.glossary import (
    SEARCH_CELL,
    TERMS,
    anchor,
    entry_markdown,
    link,
    lookup,
    markdown_cells,
    sorted_terms,
)

LESSONS = Path(__file__).resolve().parents[2] / "lessons"

# the terms the course brief requires, each matched by a glossary entry's name
REQUIRED = [
    "derivative",
    "secant",
    "tangent",
    "limit",
    "partial derivative",
    "gradient",
    "Jacobian",
    "Hessian",
    "chain rule",
    "backpropagation",
    "computation graph",
    "learning rate",
    "gradient descent",
    "SGD",
    "mini-batch",
    "momentum",
    "loss",
    "MSE",
    "cross-entropy",
    "activation",
    "sigmoid",
    "ReLU",
    "tanh",
    "softmax",
    "vanishing gradients",
    "exploding gradients",
    "gradient clipping",
    "finite differences",
    "central difference",
    "autograd",
    "forward mode",
    "reverse mode",
    "optimizer",
    "convexity",
    "saddle point",
    "local minimum",
    "feature scaling",
    "residual",
    "epoch",
]

_cache = {}


def lesson(name):
    """(set of heading anchors, full text) of a lesson notebook."""
    if name not in _cache:
        nb = nbformat.read(LESSONS / name, as_version=4)
        text = "\n".join(cell.source for cell in nb.cells)
        headings = {
            anchor(line.lstrip("#").strip())
            for cell in nb.cells
            if cell.cell_type == "markdown"
            for line in cell.source.splitlines()
            if re.match(r"#{1,6} ", line)
        }
        _cache[name] = (headings, text)
    return _cache[name]


def places(term):
    return [(term.lesson, term.section), *term.also]


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t.term)
def test_every_link_points_to_an_existing_lesson_section(term):
    for name, section in places(term):
        assert (LESSONS / name).is_file(), f"{term.term}: no lesson file {name}"
        headings, _ = lesson(name)
        assert anchor(section) in headings, (
            f"{term.term}: {name} has no heading {section!r}; its headings: {sorted(headings)}"
        )
        assert not re.search(r"[\s()$\\]", anchor(section)), (
            f"{term.term}: anchor {anchor(section)!r} breaks links"
        )


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t.term)
def test_the_linked_lesson_uses_the_term(term):
    _, text = lesson(term.lesson)
    spellings = [term.term, *term.aliases]
    assert any(s.lower() in text.lower() for s in spellings), (
        f"{term.lesson} never mentions {term.term!r} (or {term.aliases})"
    )


def test_required_terms_are_all_there():
    names = " | ".join(t.term.lower() for t in TERMS)
    missing = [r for r in REQUIRED if r.lower() not in names]
    assert not missing, missing


def test_terms_are_unique_and_defined():
    names = [t.term.lower() for t in TERMS]
    assert len(names) == len(set(names))
    assert all(
        len(t.definition) > 30 and t.definition[0].isupper() or t.definition[0] in '$"`'
        for t in TERMS
    )
    assert len(TERMS) >= 60


def test_anchor_matches_jupyterlab_heading_ids():
    # JupyterLab: the heading's rendered text with spaces replaced by "-"
    assert (
        anchor("7. Backpropagation: the chain rule, run backwards")
        == "7.-Backpropagation:-the-chain-rule,-run-backwards"
    )
    assert anchor("Why `+=`: a value used twice") == "Why-+=:-a-value-used-twice"
    assert (
        anchor("3. A forgotten `zero_grad`: gradients pile up")
        == "3.-A-forgotten-zero_grad:-gradients-pile-up"
    )
    assert anchor("A **bold** and *emphasised* word") == "A-bold-and-emphasised-word"
    assert anchor("Café &amp; crème") == "Café-&-crème"  # entities decoded, accents kept
    # the browser test (tests/browser/test_glossary_links.py) checks these against a real render


def test_links_point_at_the_cell_that_holds_the_heading():
    cells = {c.id: c.source for c in nbformat.read(LESSONS / "03-chain-rule.ipynb", 4).cells}
    text = link("03-chain-rule.ipynb", "2. The chain rule")
    label, target = text[1:-1].split("](")
    assert label == "Lesson 3 · 2. The chain rule"
    file, fragment = target.split("#cell-id=")
    assert file == "03-chain-rule.ipynb" and "## 2. The chain rule" in cells[fragment]
    with pytest.raises(KeyError, match="no heading"):
        link("03-chain-rule.ipynb", "2. The chain rules")


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t.term)
def test_linked_sections_have_no_maths(term):
    # a heading with LaTeX gets an id that depends on whether MathJax ran first
    for _, section in places(term):
        assert "$" not in section, (term.term, section)


def test_glossary_lessons_come_from_the_manifest():
    from helpers import course

    files = {lesson.file for lesson in course.LESSONS}
    for term in TERMS:
        assert {term.lesson, *(name for name, _ in term.also)} <= files


def test_notebook_shows_the_generated_glossary():
    nb = nbformat.read(LESSONS / "99-glossary.ipynb", as_version=4)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert markdown[:-1] == markdown_cells(), (
        "lessons/99-glossary.ipynb is out of date: run  python -m helpers.glossary lessons/99-glossary.ipynb"
    )
    assert nb.cells[-1].cell_type == "code" and nb.cells[-1].source == SEARCH_CELL
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    text = "\n".join(markdown)
    for term in TERMS:
        assert entry_markdown(term) in text


def test_glossary_is_alphabetical_with_a_letter_index():
    cells = markdown_cells()
    letters = [c.split("\n", 1)[0][3:] for c in cells[1:]]
    assert letters == sorted(letters)
    for letter in letters:
        assert f"[{letter}](#{letter})" in cells[0]
    names = [t.term.lower().lstrip("._") for t in sorted_terms()]
    assert names == sorted(names)


def test_lookup_finds_names_first_then_definitions():
    found = lookup("Hessian").terms
    assert found[0].term == "Hessian" and any(t.term == "convexity" for t in found)
    assert "taught in 04-partial-derivatives-and-gradients.ipynb" in repr(lookup("jacobian"))
    assert "No glossary entry" in repr(lookup("xylophone"))
    assert "](04-partial-derivatives-and-gradients.ipynb#" in lookup("jacobian")._repr_markdown_()
