"""The built website: every page of the path with its Binder button, the lessons' outputs
and figures, and nothing of the solutions or hidden tests (``make site`` runs once)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
import yaml

from helpers import course as manifest
from tests.site.leaks import find_leaks, secrets
from tools.site import ROOT, SITE, course

pytestmark = pytest.mark.notebooks

BINDER_BUTTON = re.compile(r'<a class="binder-button" href="([^"]+)"')
IMG = re.compile(r"<img\b[^>]*>")
ALT = re.compile(r'\balt="([^"]*)"')


def toc_files() -> list[str]:
    toc = yaml.safe_load((SITE / "myst.yml").read_text())["project"]["toc"]
    return [entry["file"] for entry in toc]


def pages(html_dir: Path) -> dict[str, str]:
    """Every built page by the notebook its Binder button opens."""
    found = {}
    for path in sorted(html_dir.rglob("index.html")):
        text = path.read_text()
        buttons = BINDER_BUTTON.findall(text)
        if path.parent.name == "search":
            assert not buttons
            continue
        assert len(buttons) == 1, f"{path}: {len(buttons)} Launch on Binder buttons"
        notebook = buttons[0].replace("&amp;", "&").split("urlpath=lab/tree/", 1)[1]
        assert buttons[0].replace("&amp;", "&") == course().binder_url(notebook)
        found[notebook] = text
    return found


def test_built_without_network(built_site):
    if not built_site.offline:
        reason = "cannot isolate the network here (needs root and unshare): built with network"
        if os.environ.get("CI"):
            pytest.fail(reason + " — required under CI")
        pytest.skip(reason)
    assert (built_site.html / "index.html").exists()


def test_every_toc_entry_is_a_page_with_its_binder_button(built_site):
    built = pages(built_site.html)
    assert sorted(built) == sorted(toc_files())
    for notebook in built:
        assert (ROOT / notebook).is_file(), f"the Binder button opens a missing {notebook}"
    home = (built_site.html / "index.html").read_text()
    assert course().binder_url("lessons/00-course-home.ipynb").replace("&", "&amp;") in home


def test_the_table_of_contents_follows_the_course_path(built_site):
    home = (built_site.html / "index.html").read_text()
    toc = re.search(r'<nav class="toc".*?</nav>', home, re.S).group(0)
    titles = re.findall(r"<a [^>]*>([^<]+)</a>", toc)
    expected = [nbformat.read(ROOT / f, as_version=4) for f in toc_files()]
    assert len(titles) == len(expected) == len(manifest.path()) + 2  # + home and glossary
    for title, nb in zip(titles, expected):
        first_line = nb.cells[0].source.splitlines()[0].lstrip("# ").strip()
        assert title.replace("&amp;", "&") == first_line


def test_no_solutions_or_hidden_tests_reach_the_site(built_site):
    secret_lines = secrets(ROOT / "solutions", [ROOT / "exercises", ROOT / "lessons"])
    assert len(secret_lines) > 30  # the solution and hidden-test code of three exercises
    assert not (SITE / "solutions").exists() and not (SITE / "tests").exists()
    # everything MyST wrote (its page data, search index, copies) and the published pages
    assert find_leaks(SITE / "_build", secret_lines) == []
    exercise = pages(built_site.html)[
        "exercises/exercise-01-derivatives/exercise-01-derivatives.ipynb"
    ]
    assert "raise NotImplementedError()" in exercise  # the student version is what is shown


def test_lesson_pages_show_their_outputs_and_figures_with_alt_text(built_site):
    built = pages(built_site.html)
    total_figures = 0
    for notebook in sorted(SITE.glob("lessons/*.ipynb")):
        nb = nbformat.read(notebook, as_version=4)
        figures = sum(
            "<img" in output.get("data", {}).get("text/html", "")
            for cell in nb.cells
            if cell.cell_type == "code"
            for output in cell.outputs
        )
        page = built[f"lessons/{notebook.name}"]
        images = IMG.findall(page)
        alts = [ALT.search(img) for img in images]
        assert all(alt and alt.group(1).strip() for alt in alts), (
            f"{notebook.name}: img without alt"
        )
        assert len(images) >= figures, f"{notebook.name}: {len(images)} images, {figures} figures"
        if any(c.cell_type == "code" and c.outputs for c in nb.cells):
            assert '<div class="outputs">' in page, f"{notebook.name}: no outputs on the page"
        total_figures += figures
    assert total_figures >= 20


def widget_outputs(notebook: Path) -> tuple[int, int]:
    """(explorers, other widgets) among the outputs of an executed notebook; the other
    widgets are the self-check quizzes, which need a kernel to check an answer."""
    explorers = quizzes = 0
    for cell in nbformat.read(notebook, as_version=4).cells:
        for output in cell.get("outputs", []):
            if "application/vnd.jupyter.widget-view+json" in output.get("data", {}):
                if "quiz(" in cell.source:
                    quizzes += 1
                else:
                    explorers += 1
    return explorers, quizzes


def test_widgets_without_a_static_form_say_how_to_use_them_live(built_site):
    built = pages(built_site.html)
    for notebook in sorted(SITE.glob("lessons/*.ipynb")):
        explorers, quizzes = widget_outputs(notebook)
        page = built[f"lessons/{notebook.name}"]
        placeholders = page.count('class="output widget-placeholder"')
        assert quizzes <= placeholders <= quizzes + explorers, notebook.name
        assert "VBox(children=" not in page  # a widget's text form means nothing to a reader


def test_every_explorer_output_shows_its_first_frame_with_alt_text(built_site):
    built = pages(built_site.html)
    total = 0
    for notebook in sorted(SITE.glob("lessons/*.ipynb")):
        explorers, _ = widget_outputs(notebook)
        page = built[f"lessons/{notebook.name}"]
        frames = re.findall(r'<div class="output widget-static">(.*?)</div>\n', page, re.S)
        with_alt = [
            block
            for block in frames
            if (alts := [ALT.search(img) for img in IMG.findall(block)])
            and all(a and a.group(1).strip() for a in alts)
        ]
        assert len(with_alt) >= explorers, (
            f"{notebook.name}: {len(with_alt)} of {explorers} explorers"
        )
        total += explorers
    assert total >= 8
