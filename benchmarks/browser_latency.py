"""Key press -> repainted figure, in a real browser (QUALITY.md: <= 100 ms median).

Serves the lessons with JupyterLab on 127.0.0.1, opens a lesson in Debian's
chromium (Playwright), runs it, focuses an explorer's slider and presses an
arrow key repeatedly. Latency = time from the key press to the moment ipympl
paints the new frame onto the canvas (a wrapped ``drawImage``).

    .venv/bin/python -m benchmarks.browser_latency [--lesson lessons/01-secant-to-tangent.ipynb] [--slider 0]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tests.browser.lab import CHROMIUM, CHROMIUM_ARGS, open_notebook, run_all, sliders, start_lab

HOOK = """() => {
  if (window.__paintHook) return;
  window.__paintHook = true; window.__lastPaint = 0;
  const original = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (...args) {
    window.__lastPaint = performance.now();
    return original.apply(this, args);
  };
}"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="lessons/01-secant-to-tangent.ipynb")
    parser.add_argument("--slider", type=int, default=0)
    parser.add_argument("--presses", type=int, default=40)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    lab = start_lab(Path(tempfile.mkdtemp(prefix="latency-")))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            open_notebook(page, lab, args.lesson)
            run_all(page)
            page.wait_for_selector(".jupyter-matplotlib-figure canvas")
            time.sleep(2)
            page.evaluate(HOOK)
            handle = sliders(page).nth(args.slider)
            handle.scroll_into_view_if_needed()
            handle.focus()
            samples = []
            for i in range(args.presses):
                key = "ArrowRight" if (i // 10) % 2 == 0 else "ArrowLeft"
                start = page.evaluate("() => (window.__t0 = performance.now())")
                page.keyboard.press(key)
                page.wait_for_function("() => window.__lastPaint > window.__t0", timeout=10_000)
                samples.append(page.evaluate("() => window.__lastPaint") - start)
                time.sleep(0.15)  # a person's key repeat, not a flood
            browser.close()
    finally:
        lab.stop()
    median = statistics.median(samples)
    print(
        f"{args.lesson} slider {args.slider}: key press -> repaint median {median:.0f} ms, "
        f"p90 {statistics.quantiles(samples, n=10)[-1]:.0f} ms over {len(samples)} presses (target 100 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
