"""Fixtures for real-browser tests: one JupyterLab server and one chromium for the tests of
this folder, a fresh page per test.

Skipped (with the reason) when /usr/bin/chromium is missing on a developer's
machine; under CI (CI set) a missing browser is a failure, never a skip.
"""

import os
from pathlib import Path

import pytest

from tests.browser.lab import CHROMIUM, CHROMIUM_ARGS, start_lab


def _require_chromium():
    if Path(CHROMIUM).exists():
        return
    reason = (
        f"{CHROMIUM} not found: apt-get install chromium (Debian's package) to run browser tests"
    )
    if os.environ.get("CI"):
        pytest.fail(reason + " — required under CI")
    pytest.skip(reason)


# package scope: both end with this folder's tests. A sync Playwright that stays open keeps
# its event loop running in this thread, and every later test that starts Playwright
# (the website's, the class report's) would fail with "Sync API inside the asyncio loop".
@pytest.fixture(scope="package")
def lab(tmp_path_factory):
    _require_chromium()
    server = start_lab(tmp_path_factory.mktemp("lab"), folders=("lessons", "exercises"))
    yield server
    server.stop()


@pytest.fixture(scope="package")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, lab):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
