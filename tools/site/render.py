"""Render MyST's page data into the course's static HTML pages (the site theme's render step).

``jupyter-book build --html`` runs this through ``site/theme/template.yml`` after MyST
has parsed every page: ``_build/site`` then holds the pages as MyST AST
(``content/<slug>.json``), the site's table of contents (``config.json``), the search
records (``myst.search.json``) and the output files (``public/``). Everything the
content server (``CONTENT_CDN``) serves lives there, so the files are read directly.
Pages go to ``BUILD_DIRECTORY`` (``_build/html``): the course home as ``index.html``,
every other page as ``<slug>/index.html``, each with every link relative, so the site
works under any base URL (GitHub Pages serves it below ``/<repository>/``).

Every page carries a *Launch on Binder* button opening its notebook in JupyterLab. The
lessons link to sections the way JupyterLab names them (``02-derivative-rules.ipynb
#4.-Derivatives-of-activation-functions``); those links are resolved here to the page
and the section's id. A live widget cannot run on a static page: an output that is a
widget shows the static representation in the same display data (the explorer's first
frame, with its alt text) or, without one (a self-check quiz), a note to open it live.
"""

from __future__ import annotations

import html
import json
import os
import posixpath
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from helpers.glossary import anchor
from tools.site import SITE, Course, course

THEME = SITE / "theme"
ASSETS = ("course.css", "search.js")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
NOTEBOOK_HREF = re.compile(r'href="([^":]+?\.ipynb(?:#[^"]*)?)"')
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
LIVE_NOTE = "Interactive: open this page live (Launch on Binder) to use it."


def plain_text(node: dict) -> str:
    if "value" in node and node["type"] in ("text", "inlineCode", "inlineMath"):
        return node["value"]
    return "".join(plain_text(child) for child in node.get("children", []))


def walk(node: dict):
    yield node
    for child in node.get("children", []):
        yield from walk(child)


@dataclass
class Page:
    slug: str
    title: str
    source: str  # the notebook's path in the repository, e.g. lessons/01-....ipynb
    mdast: dict
    href: str  # the page's folder, relative to the site root ("" for the home)
    anchors: dict[str, str] = field(default_factory=dict)  # any known anchor -> element id

    @property
    def depth(self) -> int:
        return self.href.count("/")


class Site:
    """The whole site: pages in course order, their anchors, and the files they use."""

    def __init__(self, content: Path, course_config: Course):
        self.content = content
        self.course = course_config
        config = json.loads((content / "config.json").read_text())
        project = config["projects"][0]
        self.title = project["title"]
        slugs = [project["index"]] + [p["slug"] for p in project["pages"] if p.get("slug")]
        self.pages = [self._load(slug, index == 0) for index, slug in enumerate(slugs)]
        self.by_source = {page.source: page for page in self.pages}
        self.by_slug = {page.slug: page for page in self.pages}
        self.used_files: set[str] = set()  # public/ files the pages reference
        self.problems: list[str] = []

    def _load(self, slug: str, is_home: bool) -> Page:
        data = json.loads((self.content / "content" / f"{slug}.json").read_text())
        page = Page(
            slug=slug,
            title=data["frontmatter"].get("title", slug),
            source=data["location"].lstrip("/"),
            mdast=data["mdast"],
            href="" if is_home else f"{slug}/",
        )
        for node in walk(page.mdast):
            if node["type"] == "heading" and node.get("html_id"):
                for name in (
                    node["html_id"],
                    node.get("identifier"),
                    anchor(plain_text(node)),
                ):
                    if name:
                        page.anchors.setdefault(name, node["html_id"])
            elif node.get("html_id") and node["type"] != "crossReference":
                page.anchors.setdefault(node["html_id"], node["html_id"])
        # the course links to a section as "#cell-id=<id>" of the notebook cell holding
        # its heading (what JupyterLab resolves); MyST keeps the cell id as the block's
        # identifier: here the fragment names that cell's first heading
        for block in page.mdast.get("children", []):
            if block.get("type") == "block" and block.get("identifier"):
                heading = next((n for n in walk(block) if n["type"] == "heading"), None)
                if heading is not None and heading.get("html_id"):
                    page.anchors.setdefault(f"cell-id={block['identifier']}", heading["html_id"])
        return page

    def link_to(self, page: Page, target: Page, fragment: str = "") -> str:
        """A relative URL from ``page`` to ``target`` (and one of its sections)."""
        path = "../" * page.depth + target.href
        if fragment:
            anchor = target.anchors.get(fragment)
            if anchor is None:
                self.problems.append(f"{page.source}: no section #{fragment} in {target.source}")
                anchor = fragment
            return f"{path or './'}#{anchor}"
        return path or "./"

    def public(self, page: Page, public_path: str) -> str:
        """A URL to a file MyST put in public/ (images, output HTML), copied to build/."""
        name = public_path.lstrip("/")
        self.used_files.add(name)
        return "../" * page.depth + "build/" + name

    def public_text(self, public_path: str) -> str:
        return (self.content / "public" / public_path.lstrip("/")).read_text()


class PageRenderer:
    """MyST AST of one page -> HTML."""

    def __init__(self, site: Site, page: Page):
        self.site = site
        self.page = page
        self.unknown: set[str] = set()

    def render(self, node: dict) -> str:
        handler = getattr(self, f"node_{node['type']}", None)
        if handler is None:
            self.unknown.add(node["type"])
            return self.children(node)
        return handler(node)

    def children(self, node: dict) -> str:
        return "".join(self.render(child) for child in node.get("children", []))

    # -- structure -------------------------------------------------------------------------
    def node_root(self, node):
        return self.children(node)

    def node_block(self, node):
        kind = "code-cell" if any(c["type"] == "code" for c in node.get("children", [])) else "text"
        return f'<section class="cell {kind}">{self.children(node)}</section>\n'

    def node_heading(self, node):
        depth = min(6, node.get("depth", 2))
        ident = node.get("html_id", "")
        attrs = f' id="{html.escape(ident)}"' if ident else ""
        link = (
            f' <a class="anchor" href="#{html.escape(ident)}" aria-hidden="true">#</a>'
            if ident
            else ""
        )
        return f"<h{depth}{attrs}>{self.children(node)}{link}</h{depth}>\n"

    def node_paragraph(self, node):
        return f"<p>{self.children(node)}</p>\n"

    def node_text(self, node):
        return html.escape(node["value"])

    def node_emphasis(self, node):
        return f"<em>{self.children(node)}</em>"

    def node_strong(self, node):
        return f"<strong>{self.children(node)}</strong>"

    def node_delete(self, node):
        return f"<del>{self.children(node)}</del>"

    def node_subscript(self, node):
        return f"<sub>{self.children(node)}</sub>"

    def node_superscript(self, node):
        return f"<sup>{self.children(node)}</sup>"

    def node_span(self, node):  # inline HTML in the Markdown, e.g. <span>0.25<sup>10</sup></span>
        return f"<span>{self.children(node)}</span>"

    def node_break(self, node):
        return "<br>\n"

    def node_thematicBreak(self, node):
        return "<hr>\n"

    def node_blockquote(self, node):
        return f"<blockquote>{self.children(node)}</blockquote>\n"

    def node_list(self, node):
        if not node.get("spread"):  # a tight list: its items' paragraphs are not separate blocks
            for item in node.get("children", []):
                item["children"] = [
                    {"type": "span", "children": c["children"]} if c["type"] == "paragraph" else c
                    for c in item.get("children", [])
                ]
        if node.get("ordered"):
            start = node.get("start")
            attrs = f' start="{int(start)}"' if start not in (None, 1) else ""
            return f"<ol{attrs}>{self.children(node)}</ol>\n"
        return f"<ul>{self.children(node)}</ul>\n"

    def node_listItem(self, node):
        return f"<li>{self.children(node)}</li>\n"

    def node_table(self, node):
        return f'<div class="table-wrap"><table>{self.children(node)}</table></div>\n'

    def node_tableRow(self, node):
        return f"<tr>{self.children(node)}</tr>\n"

    def node_tableCell(self, node):
        tag = "th" if node.get("header") else "td"
        align = node.get("align")
        attrs = f' style="text-align:{align}"' if align in ("left", "right", "center") else ""
        return f"<{tag}{attrs}>{self.children(node)}</{tag}>"

    def node_html(self, node):
        return node.get("value", "")

    def node_comment(self, node):
        return ""

    def node_admonition(self, node):
        kind = html.escape(node.get("kind", "note"))
        return f'<aside class="admonition {kind}">{self.children(node)}</aside>\n'

    def node_admonitionTitle(self, node):
        return f'<p class="admonition-title">{self.children(node)}</p>'

    def node_container(self, node):
        return f"<figure>{self.children(node)}</figure>\n"

    def node_caption(self, node):
        return f"<figcaption>{self.children(node)}</figcaption>"

    def node_image(self, node):
        url = node.get("url", "")
        src = url if re.match(r"^(https?:|data:)", url) else self.site.public(self.page, url)
        alt = html.escape(node.get("alt") or node.get("title") or "", quote=True)
        return f'<img src="{html.escape(src, quote=True)}" alt="{alt}">'

    # -- maths and code --------------------------------------------------------------------
    def node_inlineMath(self, node):
        if node.get("html"):
            return f'<span class="math">{node["html"]}</span>'
        return f'<code class="tex">{html.escape(node["value"])}</code>'

    def node_math(self, node):
        if node.get("html"):
            return f'<div class="math display">{node["html"]}</div>\n'
        return f'<pre class="tex">{html.escape(node["value"])}</pre>\n'

    def node_inlineCode(self, node):
        return f"<code>{html.escape(node['value'])}</code>"

    def node_code(self, node):
        value = node.get("value", "")
        if node.get("lang") in ("python", "ipython", "python3"):
            return highlight(value, PythonLexer(), HtmlFormatter(cssclass="code python"))
        return f'<pre class="code"><code>{html.escape(value)}</code></pre>\n'

    # -- links -----------------------------------------------------------------------------
    def node_link(self, node):
        href = self.link_href(node)
        external = href.startswith(("http://", "https://", "mailto:"))
        attrs = ' rel="noopener"' if external else ""
        return f'<a href="{html.escape(href, quote=True)}"{attrs}>{self.children(node)}</a>'

    def node_crossReference(self, node):
        if node.get("urlSource"):  # written as a Markdown link: resolve it as written
            href = self.link_href(node)
        else:  # a section of this page
            ident = node.get("html_id") or node.get("identifier", "")
            if ident not in self.page.anchors:
                self.site.problems.append(f"{self.page.source}: no section #{ident}")
            href = f"#{ident}"
        return f'<a href="{html.escape(href, quote=True)}">{self.children(node)}</a>'

    def link_href(self, node) -> str:
        return self.resolve(node.get("urlSource") or node.get("url", ""))

    def resolve(self, source: str) -> str:
        """The site URL of a link as written in the notebook (relative to the notebook)."""
        if re.match(r"^[a-z][a-z0-9+.-]*:", source):  # https:, mailto: ...
            return source
        path, _, fragment = source.partition("#")
        if not path:
            return f"#{self.page.anchors.get(fragment, fragment)}"
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(self.page.source), path))
        target = self.site.by_source.get(resolved)
        if target is not None:
            return self.site.link_to(self.page, target, fragment)
        self.site.problems.append(f"{self.page.source}: link to {source}, which is not on the site")
        return source

    def output_html(self, text: str) -> str:
        """An output's HTML, with its links to notebooks (the course home's table) resolved."""

        def replace(match: re.Match) -> str:
            return f'href="{html.escape(self.resolve(html.unescape(match.group(1))), quote=True)}"'

        return NOTEBOOK_HREF.sub(replace, text)

    # -- notebook outputs ------------------------------------------------------------------
    def node_outputs(self, node):
        inner = self.children(node)
        return f'<div class="outputs">{inner}</div>\n' if inner else ""

    def node_output(self, node):
        data = node.get("jupyter_data", {})
        kind = data.get("output_type")
        if kind == "stream":
            name = "stderr" if data.get("name") == "stderr" else "stdout"
            return f'<pre class="output {name}">{html.escape(ANSI.sub("", data.get("text", "")))}</pre>\n'
        if kind == "error":
            trace = ANSI.sub("", "\n".join(data.get("traceback", [])))
            return f'<pre class="output error">{html.escape(trace)}</pre>\n'
        return self.mime_bundle(data.get("data", {}), data.get("metadata", {}))

    def bundle_text(self, entry: dict) -> str:
        if "content" in entry:
            return entry["content"]
        return self.site.public_text(entry["path"])

    def mime_bundle(self, bundle: dict, metadata: dict) -> str:
        is_widget = WIDGET_MIME in bundle
        body = ""
        if "text/html" in bundle:
            body = f'<div class="output html">{self.output_html(self.bundle_text(bundle["text/html"]))}</div>'
        elif "image/png" in bundle or "image/jpeg" in bundle:
            mime = "image/png" if "image/png" in bundle else "image/jpeg"
            entry = bundle[mime]
            alt = (metadata.get(mime) or {}).get("alt") or (
                "" if is_widget else self.bundle_text(bundle.get("text/plain", {"content": ""}))
            )
            src = self.site.public(self.page, entry["path"])
            body = f'<img class="output image" src="{html.escape(src, quote=True)}" alt="{html.escape(alt, quote=True)}">'
        elif is_widget:
            return f'<div class="output widget-placeholder" role="note">{html.escape(LIVE_NOTE)}</div>\n'
        elif "text/plain" in bundle:
            text = ANSI.sub("", self.bundle_text(bundle["text/plain"]))
            body = f'<pre class="output text">{html.escape(text)}</pre>'
        if is_widget and body:
            return f'<div class="output widget-static">{body}</div>\n'
        return body + "\n"


PAGE_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · {site_title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{root}course.css">
<link rel="stylesheet" href="{root}pygments.css">
</head>
<body>
<a class="skip" href="#main">Skip to the lesson</a>
<header class="topbar">
  <a class="brand" href="{home}">{site_title}</a>
  <form class="search-form" action="{root}search/" method="get" role="search">
    <input type="search" name="q" placeholder="Search the course" aria-label="Search the course">
    <button type="submit">Search</button>
  </form>
  {binder}
</header>
<div class="layout">
<nav class="toc" aria-label="Course contents">
<p class="toc-title">The path</p>
<ol>
{toc}
</ol>
</nav>
<main id="main">
<article>
<h1>{title}</h1>
{body}
</article>
<nav class="pager" aria-label="Previous and next">{pager}</nav>
</main>
</div>
<footer class="footer">{footer}</footer>
<script src="{root}search.js" defer></script>
</body>
</html>
"""


def binder_button(site: Site, page: Page) -> str:
    url = html.escape(site.course.binder_url(page.source), quote=True)
    return (
        f'<a class="binder-button" href="{url}" '
        f'title="Open {html.escape(page.source)} in JupyterLab on Binder">Launch on Binder</a>'
    )


def page_html(site: Site, page: Page, body: str, title: str | None = None) -> str:
    root = "../" * page.depth
    current = ' aria-current="page"'
    toc = "\n".join(
        f"<li{current if other is page else ''}>"
        f'<a href="{site.link_to(page, other)}">{html.escape(other.title)}</a></li>'
        for other in site.pages
    )
    index = site.pages.index(page) if page in site.pages else -1
    pager = ""
    if index > 0:
        before = site.pages[index - 1]
        pager += (
            f'<a class="prev" href="{site.link_to(page, before)}">← {html.escape(before.title)}</a>'
        )
    if 0 <= index < len(site.pages) - 1:
        after = site.pages[index + 1]
        pager += (
            f'<a class="next" href="{site.link_to(page, after)}">{html.escape(after.title)} →</a>'
        )
    repository = html.escape(site.course.repository, quote=True)
    return PAGE_TEMPLATE.format(
        title=html.escape(title or page.title),
        site_title=html.escape(site.title),
        root=root,
        home=root or "./",
        binder=binder_button(site, page) if page in site.pages else "",
        toc=toc,
        body=body,
        pager=pager,
        footer=f'Source and notebooks: <a href="{repository}">{repository}</a>',
    )


def search_records(site: Site) -> list[dict]:
    """MyST's search records, with URLs relative to the site root."""
    records = json.loads((site.content / "myst.search.json").read_text())["records"]
    out = []
    for record in records:
        slug, _, fragment = record["url"].lstrip("/").partition("#")
        page = site.by_slug.get(slug) or (site.pages[0] if slug in ("", "index") else None)
        if page is None:
            continue
        levels = record["hierarchy"]
        title = " › ".join(levels[k] for k in sorted(levels) if levels[k])
        href = page.href + (f"#{page.anchors.get(fragment, fragment)}" if fragment else "")
        out.append({"title": title, "url": href or "./", "text": record.get("content", "")})
    return out


def build(content: Path, out: Path, course_config: Course) -> Site:
    site = Site(content, course_config)
    out.mkdir(parents=True, exist_ok=True)
    unknown: set[str] = set()
    for page in site.pages:
        renderer = PageRenderer(site, page)
        body = renderer.render(page.mdast)
        unknown |= renderer.unknown
        target = out / page.href / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page_html(site, page, body))
    search_page = Page("search", "Search", "", {}, "search/")
    (out / "search").mkdir(exist_ok=True)
    (out / "search" / "index.html").write_text(
        page_html(site, search_page, '<div id="search-results" aria-live="polite"></div>')
    )
    (out / "search.json").write_text(json.dumps(search_records(site)))
    (out / "build").mkdir(exist_ok=True)
    for name in sorted(site.used_files):
        shutil.copy2(content / "public" / name, out / "build" / name)
    for asset in ASSETS:
        shutil.copy2(THEME / asset, out / asset)
    (out / "pygments.css").write_text(HtmlFormatter(cssclass="code").get_style_defs(".code"))
    if unknown:
        site.problems.append(f"MyST node types rendered as plain children: {sorted(unknown)}")
    return site


def main() -> int:
    build_dir = os.environ.get("BUILD_DIRECTORY")
    if not build_dir:
        print("error: BUILD_DIRECTORY is not set (run `make site`)", file=sys.stderr)
        return 2
    out = Path(build_dir)
    content = out.parent / "site"
    try:
        site = build(content, out, course())
    except (OSError, KeyError, ValueError) as error:
        print(f"error: cannot render the site from {content}: {error}", file=sys.stderr)
        return 1
    for problem in site.problems:
        print(f"error: {problem}", file=sys.stderr)
    print(f"rendered {len(site.pages)} pages and the search page into {out}")
    return 1 if site.problems else 0
