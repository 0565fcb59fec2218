"""Drive an explorer in the browser and check what its figure shows.

The figure is checked against the kernel: after a control change, the canvas in
the browser must show, pixel for pixel (up to PNG round-off), the figure the
kernel's explorer holds, and the kernel's figure must show the right thing (its
title, its number of curves). Together: the browser shows the current state, not a
stale one. Unit tests check that the kernel's state itself is right.

Set COURSE_SCREENSHOTS to a folder to keep a screenshot of each checked state.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import time
from pathlib import Path

import numpy as np
from PIL import Image

from tests.browser.lab import open_notebook, run_all

# Runs in the kernel: the one displayed explorer of a class, its figure as PNG and a few facts.
PROBE = """
import base64 as _b64, gc as _gc, importlib as _il, io as _io, json as _json
import numpy as _np
from PIL import Image as _Image
_cls = getattr(_il.import_module({module!r}), {name!r})
_e = [_o for _o in _gc.get_objects() if isinstance(_o, _cls) and _o._displayed][-1]
with _e._lock:
    _buf = _np.asarray(_e.fig.canvas.buffer_rgba())[..., :3].copy()
    _facts = {{"titles": [_a.get_title() for _a in _e.fig.axes], "readout": _e.readout_text,
              "extra": {extra}}}
_png = _io.BytesIO()
_Image.fromarray(_buf).save(_png, format="png")
print(_json.dumps({{"png": _b64.b64encode(_png.getvalue()).decode(), **_facts}}, default=str))
"""

RUN_IN_KERNEL = """async (code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({ code, silent: false, store_history: false });
  let out = "", error = "";
  future.onIOPub = (msg) => {
    const { msg_type } = msg.header;
    if (msg_type === "stream" && msg.content.name === "stdout") out += msg.content.text;
    if (msg_type === "error") error = `${msg.content.ename}: ${msg.content.evalue}`;
  };
  await future.done;
  if (error) throw new Error(error);
  return out;
}"""


def run_in_kernel(page, code: str) -> str:
    """Run ``code`` in the current notebook's kernel (JupyterLab); return what it printed."""
    return page.evaluate(RUN_IN_KERNEL, code)


def kernel_figure(page, explorer_class: str, extra: str = "None") -> tuple[np.ndarray, dict]:
    """The kernel's figure of the displayed ``module:Class`` explorer (RGB) and facts about it.

    ``extra`` is a Python expression evaluated with the explorer as ``_e``.
    """
    module, name = explorer_class.split(":")
    facts = json.loads(run_in_kernel(page, PROBE.format(module=module, name=name, extra=extra)))
    return _decode(facts.pop("png")), facts


def _decode(png_base64: str) -> np.ndarray:
    image = Image.open(io.BytesIO(base64.b64decode(png_base64.split(",")[-1])))
    return np.asarray(image.convert("RGB"), dtype=np.int16)


def explorer(page, index: int = 0):
    """The ``index``-th explorer on the page (its whole widget)."""
    return page.locator(".course-explorer").nth(index)


def readout(area) -> str:
    return " ".join(area.locator(".course-readout").text_content().split())


def control(area, name: str):
    """A control by its accessible name (a labelled slider, drop-down or check box)."""
    return area.get_by_label(name, exact=True)


def press(page, target, key: str, times: int = 1) -> None:
    """Focus ``target`` and press ``key``, like a keyboard user (arrow keys one at a time)."""
    target.scroll_into_view_if_needed()
    target.focus()
    for _ in range(times):
        page.keyboard.press(key)


def browser_figure(area) -> np.ndarray:
    """The pixels on the explorer's canvas in the browser (RGB)."""
    canvas = area.locator(".jupyter-matplotlib-figure canvas").first
    url = canvas.evaluate("c => c.toDataURL('image/png')")
    if url == "data:,":  # a canvas of size 0: not set up yet
        return np.zeros((0, 0, 3), dtype=np.int16)
    return _decode(url)


def same_image(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal up to PNG and canvas round-off: at most 0.1 % of the pixels off by more than 8."""
    if a.shape != b.shape:
        return False
    off = np.abs(a - b).max(axis=2) > 8
    return off.mean() <= 1e-3


def wait_for(fetch, condition, timeout: float = 20.0, what: str = "condition"):
    """Poll ``fetch()`` until ``condition(value)``; fail with the last value."""
    deadline = time.monotonic() + timeout
    value = fetch()
    while not condition(value) and time.monotonic() < deadline:
        time.sleep(0.1)
        value = fetch()
    assert condition(value), f"{what} never held; last value: {str(value)[:600]}"
    return value


def wait_for_readout(area, condition, timeout: float = 20.0) -> str:
    return wait_for(lambda: readout(area), condition, timeout, "readout condition")


def number(text: str, label: str) -> float:
    """The number after ``label`` in a readout, e.g. number(text, "lr =")."""
    match = re.search(re.escape(label) + r"\s*\(?(-?[\d.]+(?:e[-+]?\d+)?)", text)
    assert match, f"{label!r} not in {text!r}"
    return float(match.group(1))


def check_figure(page, area, explorer_class: str, extra: str = "None", name: str = "") -> dict:
    """Wait until the browser's canvas shows the kernel's figure; return the kernel's facts.

    Also saves a screenshot of the explorer when COURSE_SCREENSHOTS names a folder.
    """
    facts = {}

    def matches() -> bool:
        kernel, found = kernel_figure(page, explorer_class, extra)
        facts.update(found)
        return same_image(browser_figure(area), kernel)

    wait_for(matches, bool, timeout=20.0, what=f"browser figure == kernel figure ({name})")
    folder = os.environ.get("COURSE_SCREENSHOTS")
    if folder and name:
        Path(folder).mkdir(parents=True, exist_ok=True)
        area.screenshot(path=str(Path(folder) / f"{name}.png"))
    return facts


def changed_figure(
    page, area, before: np.ndarray, explorer_class: str, extra: str = "None", name: str = ""
) -> tuple:
    """As :func:`check_figure`, and the canvas differs from ``before``; returns (pixels, facts)."""
    facts = check_figure(page, area, explorer_class, extra, name)
    after = browser_figure(area)
    assert not same_image(after, before), "the figure did not change"
    return after, facts


def open_lesson(page, lab, lesson: str) -> None:
    """Open a lesson in JupyterLab and run all its cells."""
    open_notebook(page, lab, lesson)
    run_all(page)


def first_look(page, index: int, explorer_class: str, condition, name: str) -> tuple:
    """The ``index``-th explorer once its readout meets ``condition`` and its canvas shows the
    kernel's figure: ``(area, readout text, pixels)``."""
    area = explorer(page, index)
    area.scroll_into_view_if_needed()
    text = wait_for_readout(area, condition)
    check_figure(page, area, explorer_class, name=name)
    return area, text, browser_figure(area)
