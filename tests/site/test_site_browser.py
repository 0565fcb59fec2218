"""The built website in a real browser (Debian's chromium), served from 127.0.0.1.

Every page loads without console errors, every figure is decoded with a non-zero size
and has alt text, every internal link reaches a page and, with a #fragment, an element
with that id, and the search box finds a glossary term. The page test also leaves
screenshots of a few pages in site/_build/screenshots for a person to look at.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from tests.browser.conftest import _require_chromium
from tests.browser.lab import CHROMIUM, CHROMIUM_ARGS, _free_port
from tools.site import SITE

pytestmark = pytest.mark.browser

SCREENSHOTS = {
    "home": "",
    "lesson-01": "secant-to-tangent/",
    "glossary": "glossary/",
    "exercise-01": "exercise-01-derivatives/",
    "search": "search/?q=learning+rate",
}


@pytest.fixture(scope="module")
def server(built_site):
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "http.server",
            str(port),
            "--bind",
            "127.0.0.1",
            "-d",
            str(built_site.html),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, (
                "HTTP server did not start"
            )
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="module")
def browser_page():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        yield context.new_page()
        browser.close()


VISIBLE_IMAGES = """async () => {
    const found = [];
    for (const img of document.querySelectorAll('img')) {
        img.scrollIntoView();
        try { await img.decode(); } catch (e) {}
        const box = img.getBoundingClientRect();
        found.push({src: img.src.slice(0, 80), alt: img.alt.trim(), complete: img.complete,
                    natural: img.naturalWidth * img.naturalHeight, area: box.width * box.height,
                    hidden: getComputedStyle(img).visibility === 'hidden'});
    }
    return found;
}"""


def page_paths(built_site) -> list[str]:
    return sorted(
        str(p.parent.relative_to(built_site.html)).replace(".", "") + "/"
        for p in built_site.html.rglob("index.html")
    )


def test_every_page_loads_cleanly_with_visible_figures_with_alt_text(
    server, browser_page, built_site
):
    page = browser_page
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: messages.append(str(error)))
    paths = page_paths(built_site)
    assert len(paths) == 14  # 13 course pages and the search page
    shots = SITE / "_build" / "screenshots"  # for a person to look at
    shots.mkdir(parents=True, exist_ok=True)
    problems, figures = [], 0
    for path in paths:
        messages.clear()
        page.goto(server + path.lstrip("/"), wait_until="networkidle")
        images = page.evaluate(VISIBLE_IMAGES)
        for image in images:
            if (
                not (image["complete"] and image["natural"] > 0 and image["area"] > 0)
                or image["hidden"]
            ):
                problems.append(f"{path}: figure not shown: {image}")
            if not image["alt"]:
                problems.append(f"{path}: figure without alt text: {image['src']}")
        figures += len(images)
        problems += [f"{path}: console: {m}" for m in messages]
    assert problems == []
    assert figures >= 20
    for name, path in SCREENSHOTS.items():
        page.goto(server + path, wait_until="networkidle")
        page.screenshot(path=str(shots / f"{name}.png"))


def test_every_internal_link_and_anchor_resolves(server, browser_page, built_site):
    page = browser_page
    links: set[str] = set()
    for path in page_paths(built_site):
        page.goto(server + path.lstrip("/"))
        links |= set(page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)"))
    internal = sorted(link for link in links if link.startswith(server))
    assert len(internal) > 100
    ids_by_page: dict[str, set[str]] = {}
    broken = []
    for link in internal:
        target, _, fragment = link.partition("#")
        if target not in ids_by_page:
            response = page.goto(target)
            if response is None or response.status != 200:
                broken.append(f"{link}: HTTP {response.status if response else 'no response'}")
                ids_by_page[target] = set()
                continue
            ids_by_page[target] = set(page.eval_on_selector_all("[id]", "es => es.map(e => e.id)"))
        if fragment and urllib.parse.unquote(fragment) not in ids_by_page[target]:
            broken.append(f"{link}: no element with id {fragment!r}")
    assert broken == []
    # the glossary links to the lesson sections that teach each term
    assert sum("#" in link and "glossary" not in link for link in internal) > 40


def test_search_finds_a_glossary_term(server, browser_page):
    page = browser_page
    page.goto(server)
    page.fill(".search-form input", "learning rate")
    page.press(".search-form input", "Enter")
    page.wait_for_selector("#search-results li")
    first = page.locator("#search-results li a").first
    assert "Glossary" in first.inner_text()
    first.click()
    page.wait_for_load_state()
    assert "/glossary/" in page.url and page.url.split("#")[1]
    definition = page.locator("p", has_text="learning rate: The step size").first
    assert definition.is_visible()
