"""The site's pieces without a build: the one repository URL, the command line, the
renderer on a small hand-made MyST site, and the leak scanner on planted secrets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from tests.site.leaks import find_leaks, secrets
from tools.site import ROOT, SITE, Course, course, toc_files
from tools.site.render import build

EXAMPLE = Course("https://github.com/owner/name", "main", "https://mybinder.org", "https://x.io/")


def test_one_repository_url_drives_the_readme_badge_and_the_buttons():
    configured = course()
    readme = (ROOT / "README.md").read_text()
    assert f"]({configured.binder_url('lessons/00-course-home.ipynb')})" in readme
    assert configured.site_url in readme  # the site's address
    myst = (ROOT / "site" / "myst.yml").read_text()
    assert "github.com" not in myst  # the site takes the URL from [tool.course], not a copy


def test_binder_url_opens_the_notebook_in_jupyterlab():
    assert EXAMPLE.binder_url("lessons/01 a.ipynb") == (
        "https://mybinder.org/v2/gh/owner/name/main?urlpath=lab/tree/lessons/01%20a.ipynb"
    )


@pytest.mark.parametrize(
    "bad", ["https://gitlab.com/a/b", "https://github.com/only-owner", "nonsense"]
)
def test_a_repository_that_is_not_on_github_is_refused(bad):
    with pytest.raises(ValueError, match="github.com/OWNER/NAME"):
        Course(bad, "HEAD", "https://mybinder.org", "").binder_url("x.ipynb")


@pytest.mark.parametrize("argv", [[], ["bogus"], ["prepare", "extra"]])
def test_command_line_refuses_bad_input_with_one_error_line(argv):
    done = subprocess.run(
        [sys.executable, "-m", "tools.site", *argv], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1


def test_render_outside_a_myst_build_says_so(monkeypatch):
    monkeypatch.delenv("BUILD_DIRECTORY", raising=False)
    done = subprocess.run(
        [sys.executable, "-m", "tools.site", "render"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 2 and done.stderr.startswith("error: BUILD_DIRECTORY")


def test_the_table_of_contents_is_the_course_path_of_the_manifest():
    toc = yaml.safe_load((SITE / "myst.yml").read_text())["project"]["toc"]
    assert [entry["file"] for entry in toc] == toc_files(), (
        "site/myst.yml's toc differs from helpers.course: run  python -m tools.site toc"
    )


def text(value):
    return {"type": "text", "value": value}


def heading(label, html_id, depth=2):
    return {"type": "heading", "depth": depth, "children": [text(label)], "html_id": html_id}


def write_site(folder: Path) -> Path:
    """A two-page MyST build: a home page linking to a section of a lesson, and a lesson
    with a figure, an explorer with a static first frame, and a quiz widget."""
    widget = {"application/vnd.jupyter.widget-view+json": {"content": "{}"}}
    home = {
        "location": "/lessons/00-home.ipynb",
        "frontmatter": {"title": "Home"},
        "mdast": {
            "type": "root",
            "children": [
                {
                    "type": "paragraph",
                    "children": [
                        {
                            "type": "crossReference",
                            "urlSource": "01-lesson.ipynb#2.-The-rules",
                            "children": [text("the rules")],
                        },
                        {
                            "type": "link",
                            "urlSource": "https://example.org",
                            "children": [text("out")],
                        },
                    ],
                }
            ],
        },
    }
    lesson = {
        "location": "/lessons/01-lesson.ipynb",
        "frontmatter": {"title": "Lesson 1"},
        "mdast": {
            "type": "root",
            "children": [
                heading("2. The rules", "id-2-the-rules"),
                {
                    "type": "outputs",
                    "children": [
                        {
                            "type": "output",
                            "jupyter_data": {
                                "output_type": "display_data",
                                "metadata": {"image/png": {"alt": "first frame of the explorer"}},
                                "data": {**widget, "image/png": {"path": "/frame.png"}},
                            },
                        },
                        {
                            "type": "output",
                            "jupyter_data": {
                                "output_type": "display_data",
                                "data": {**widget, "text/plain": {"content": "VBox(children=...)"}},
                            },
                        },
                        {
                            "type": "output",
                            "jupyter_data": {
                                "output_type": "execute_result",
                                "data": {"text/html": {"path": "/table.html"}},
                            },
                        },
                    ],
                },
            ],
        },
    }
    (folder / "content").mkdir(parents=True)
    (folder / "public").mkdir()
    (folder / "public" / "frame.png").write_bytes(b"\x89PNG fake")
    (folder / "public" / "table.html").write_text('<a href="00-home.ipynb">home</a>')
    (folder / "content" / "index.json").write_text(json.dumps(home))
    (folder / "content" / "lesson.json").write_text(json.dumps(lesson))
    config = {"projects": [{"title": "Course", "index": "index", "pages": [{"slug": "lesson"}]}]}
    (folder / "config.json").write_text(json.dumps(config))
    records = [
        {
            "hierarchy": {"lvl1": "Lesson 1", "lvl2": "2. The rules"},
            "url": "/lesson#id-2-the-rules",
            "content": "rules",
        }
    ]
    (folder / "myst.search.json").write_text(json.dumps({"records": records}))
    return folder


def test_renderer_resolves_links_and_shows_widgets_statically(tmp_path):
    site = build(write_site(tmp_path / "site"), tmp_path / "html", EXAMPLE)
    assert site.problems == []
    home = (tmp_path / "html" / "index.html").read_text()
    lesson = (tmp_path / "html" / "lesson" / "index.html").read_text()
    assert 'href="lesson/#id-2-the-rules"' in home  # JupyterLab's anchor -> the section's id
    assert 'href="https://example.org" rel="noopener"' in home
    assert EXAMPLE.binder_url("lessons/00-home.ipynb") in home
    assert EXAMPLE.binder_url("lessons/01-lesson.ipynb") in lesson
    assert '<h2 id="id-2-the-rules">' in lesson
    assert 'src="../build/frame.png" alt="first frame of the explorer"' in lesson
    assert lesson.count("widget-placeholder") == 1 and "VBox" not in lesson
    assert '<a href="../">home</a>' in lesson  # a notebook link inside an output's HTML
    assert (tmp_path / "html" / "build" / "frame.png").exists()
    assert not (tmp_path / "html" / "build" / "table.html").exists()  # inlined, not copied
    search = json.loads((tmp_path / "html" / "search.json").read_text())
    assert search == [
        {"title": "Lesson 1 › 2. The rules", "url": "lesson/#id-2-the-rules", "text": "rules"}
    ]


def test_a_cell_id_fragment_lands_on_the_first_heading_of_that_cell(tmp_path):
    """The glossary and the feedback link a section as ``#cell-id=<id>`` (what
    JupyterLab resolves); MyST keeps the cell id as the block's identifier."""
    folder = write_site(tmp_path / "site")
    lesson = json.loads((folder / "content" / "lesson.json").read_text())
    section = lesson["mdast"]["children"].pop(0)
    lesson["mdast"]["children"].insert(
        0, {"type": "block", "identifier": "c0ffee", "children": [section]}
    )
    (folder / "content" / "lesson.json").write_text(json.dumps(lesson))
    index = json.loads((folder / "content" / "index.json").read_text())
    index["mdast"]["children"][0]["children"][0]["urlSource"] = "01-lesson.ipynb#cell-id=c0ffee"
    (folder / "content" / "index.json").write_text(json.dumps(index))
    site = build(folder, tmp_path / "html", EXAMPLE)
    assert site.problems == []
    assert 'href="lesson/#id-2-the-rules"' in (tmp_path / "html" / "index.html").read_text()


def test_renderer_reports_a_link_to_a_missing_section(tmp_path):
    folder = write_site(tmp_path / "site")
    index = json.loads((folder / "content" / "index.json").read_text())
    index["mdast"]["children"][0]["children"][0]["urlSource"] = "01-lesson.ipynb#No-such-section"
    (folder / "content" / "index.json").write_text(json.dumps(index))
    site = build(folder, tmp_path / "html", EXAMPLE)
    assert site.problems == [
        "lessons/00-home.ipynb: no section #No-such-section in lessons/01-lesson.ipynb"
    ]


def test_leak_scanner_finds_solution_lines_however_they_are_written(tmp_path):
    solutions, exercises, built = tmp_path / "solutions", tmp_path / "exercises", tmp_path / "built"
    for folder, body in (
        (solutions, "    ### BEGIN SOLUTION\n    return 2 * secret_value\n    ### END SOLUTION"),
        (exercises, "    # YOUR CODE HERE\n    raise NotImplementedError()"),
    ):
        folder.mkdir()
        nb = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell(f"def f(secret_value):\n{body}")]
        )
        nbformat.write(nb, folder / "e.ipynb")
    secret_lines = secrets(solutions, [exercises])
    assert "return 2 * secret_value" in secret_lines
    built.mkdir()
    (built / "clean.html").write_text("<p>raise NotImplementedError()</p>")
    assert find_leaks(built, secret_lines) == []
    # highlighted code: every token in its own span, entities for the operators
    (built / "page.html").write_text(
        '<span class="k">return</span> <span class="mi">2</span> <span class="o">*</span> secret_value'
    )
    (built / "index.json").write_text(
        json.dumps({"records": [{"content": "x\n### BEGIN SOLUTION"}]})
    )
    leaks = find_leaks(built, secret_lines)
    assert any("page.html" in leak for leak in leaks) and any(
        "index.json" in leak for leak in leaks
    )
