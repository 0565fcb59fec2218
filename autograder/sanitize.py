"""Student-written HTML, made safe to show to someone else.

A student's markdown cell (a written answer, or any cell they add) may hold raw
HTML: ``<script>``, ``<img onerror=...>``, ``javascript:`` links. Rendered as it is in
the feedback page a student opens, or in the formgrader page an instructor opens,
that would run in their browser. nbconvert renders markdown with raw HTML passed
through, so the course's configuration (:mod:`autograder.config`) replaces its
``markdown2html`` filter with :func:`safe_markdown2html`: the same rendering (math,
tables, code highlighting, attachments), then the HTML cleaned by `nh3
<https://nh3.readthedocs.io>`_, a maintained sanitiser (Ammonia), with an explicit
list of the tags and attributes a page needs. Raw cells are left out of those pages
altogether (``HTMLExporter.exclude_raw``), and the outputs the trusted engine writes
are text, which nbconvert escapes.
"""

from __future__ import annotations

from typing import Any

import nh3
from jinja2 import pass_context

# what rendered markdown needs: text formatting, lists, tables, code, math (as text),
# images and links; no scripts, styles, forms, frames or event handlers
TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol",
    "p", "pre", "s", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ATTRIBUTES = {
    "*": {"class", "id", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"style", "align"},
    "th": {"style", "align"},
    "ol": {"start"},
}
STYLE_PROPERTIES = {"text-align"}
URL_SCHEMES = {"http", "https", "mailto", "data"}
# data: URLs only as images, and only raster ones (an SVG image could carry script)
IMAGE_DATA = ("data:image/png;", "data:image/jpeg;", "data:image/gif;", "data:image/webp;")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    url = value.strip().lower()
    if tag == "img" and attribute == "src":
        # an image is the cell's own (an attachment, embedded as data:) or nothing: a
        # remote one would tell its server who opened the page, and when (a tracking pixel)
        return value if url.startswith(IMAGE_DATA) else None
    if url.startswith("data:"):
        return None
    return value


def clean_html(html: str) -> str:
    """``html`` with everything that could run or load active content removed."""
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags={"script", "style"},
        attributes=ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        filter_style_properties=STYLE_PROPERTIES,
        link_rel="noopener noreferrer nofollow",
    )


@pass_context
def safe_markdown2html(context: Any, source: str) -> str:
    """nbconvert's ``markdown2html`` (the HTML exporter's), with the result cleaned.

    Registered as the HTML exporter's ``markdown2html`` filter by the course's
    configuration, so it renders every markdown cell of the feedback pages and of the
    formgrader. Images are never read from disk (only a cell's own attachments are
    embedded), and ``javascript:`` links are dropped before cleaning.
    """
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    cell = context.get("cell", {}) if hasattr(context, "get") else {}
    renderer = IPythonRenderer(
        escape=False,
        allow_harmful_protocols=False,
        embed_images=False,
        attachments=cell.get("attachments", {}),
    )
    return clean_html(MarkdownWithMath(renderer=renderer).render(source))
