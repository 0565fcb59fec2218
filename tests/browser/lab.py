"""Drive JupyterLab in a real browser (Debian's /usr/bin/chromium via Playwright).

Used by the browser tests and by benchmarks/browser_latency.py. The server runs
on 127.0.0.1 in a temporary copy of lessons/ (so autosave never touches the
repository), with JupyterLab's news pop-up switched off.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
NOTIFICATION_SETTINGS = {"fetchNews": "false", "checkForUpdates": False}
# Every cell rendered, also when scrolled away: with windowing (the default), JupyterLab and
# Notebook 7 skip off-screen cells, whose controls then cannot take focus reliably.
NOTEBOOK_SETTINGS = {"windowingMode": "none"}


@dataclass
class Lab:
    url: str
    token: str
    root: Path
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_lab(
    workdir: Path, folders=("lessons",), timeout: float = 90, notebook_settings=NOTEBOOK_SETTINGS
) -> Lab:
    """Start JupyterLab on 127.0.0.1 serving copies of ``folders``; wait until it answers.

    ``notebook_settings`` override JupyterLab's notebook settings (``{}``: a student's
    defaults, windowing included)."""
    root = workdir / "course"
    for folder in folders:
        shutil.copytree(
            ROOT / folder, root / folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints")
        )
    settings = workdir / "lab-settings" / "@jupyterlab"
    (settings / "apputils-extension").mkdir(parents=True)
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        json.dumps(NOTIFICATION_SETTINGS)
    )
    (settings / "notebook-extension").mkdir()
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        json.dumps(notebook_settings)
    )
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(
        os.environ,
        JUPYTERLAB_SETTINGS_DIR=str(workdir / "lab-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(workdir / "lab-workspaces"),
        JUPYTER_RUNTIME_DIR=str(workdir / "runtime"),
        COURSE_PROGRESS_FILE=str(workdir / "progress.json"),
    )
    log = workdir / "jupyterlab.log"
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",
        "--JupyterNotebookApp.expose_app_in_browser=True",  # Notebook 7: window.jupyterapp too
        "--ServerApp.disable_check_xsrf=False",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    process = subprocess.Popen(command, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited early:\n{log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            return Lab(url, token, root, process, log)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"JupyterLab did not start in {timeout} s:\n{log.read_text()[-2000:]}")


def open_notebook(page, lab: Lab, path: str, timeout: float = 60_000) -> None:
    """Open a notebook (path relative to the served root) and wait for an idle kernel."""
    # reset: start from an empty workspace, not the notebooks earlier tests left open
    page.goto(f"{lab.url}/lab/tree/{path}?reset&token={lab.token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=timeout)
    page.wait_for_function(
        "(path) => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        " return !!(w && w.context && w.context.path === path); }",
        arg=path,
        timeout=timeout,
    )
    wait_kernel_idle(page, timeout)


def _notebook_state_js() -> str:
    return """() => {
        const app = window.jupyterapp;
        const widget = app && app.shell.currentWidget;
        if (!widget || !widget.sessionContext) return null;
        const kernel = widget.sessionContext.session && widget.sessionContext.session.kernel;
        return kernel ? kernel.status : null;
    }"""


def wait_kernel_idle(page, timeout: float = 60_000) -> None:
    page.wait_for_function(f"({_notebook_state_js()})() === 'idle'", timeout=timeout)


def run_all(page, timeout: float = 120_000) -> None:
    """Run All Cells (the Run menu's command) and wait until every cell has run."""
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        """() => {
        const prompts = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')];
        return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
    }""",
        timeout=timeout,
    )
    wait_kernel_idle(page, timeout)
    errors = page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'] .jp-RenderedText, .jp-RenderedText[data-mime-type='application/vnd.jupyter.error']"
    )
    if errors.count():
        raise AssertionError("a cell raised an error:\n" + errors.first.inner_text()[:2000])


def run_all_until_idle(page, timeout: float = 120_000) -> None:
    """Run All and wait until nothing runs any more, errors allowed (an exercise's unsolved
    cells raise NotImplementedError, and JupyterLab stops at the first error)."""
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        """() => ![...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt')]
        .some(p => p.textContent.includes('*'))""",
        timeout=timeout,
    )
    wait_kernel_idle(page, timeout)


def readout_texts(page) -> list[str]:
    """The live readouts of every explorer on the page, in order.

    Text content, not inner text: JupyterLab 4 virtualises cells scrolled out of
    view, and their inner text reads as empty.
    """
    return [" ".join(t.split()) for t in page.locator(".course-readout").all_text_contents()]


def sliders(page):
    """The keyboard-focusable range inputs of every explorer slider, in order."""
    return page.locator(".course-slider input[type=range]")


def focus_slider_and_press(page, index: int, key: str = "ArrowRight", times: int = 1) -> None:
    handle = sliders(page).nth(index)
    handle.scroll_into_view_if_needed()
    handle.focus()
    for _ in range(times):
        page.keyboard.press(key)


def figures(page):
    return page.locator(".jupyter-matplotlib-figure")


def canvas_png(page, index: int) -> bytes:
    figure = figures(page).nth(index)
    figure.scroll_into_view_if_needed()
    return figure.locator("canvas").first.screenshot()


def wait_until_changed(fetch, before, timeout: float = 15.0, interval: float = 0.05):
    """Poll ``fetch()`` until it differs from ``before``; return the new value."""
    deadline = time.monotonic() + timeout
    value = fetch()
    while value == before and time.monotonic() < deadline:
        time.sleep(interval)
        value = fetch()
    return value


def wait_for_value(fetch, condition, timeout: float = 20.0):
    """Poll ``fetch()`` until ``condition(value)`` holds (key presses arrive one by one);
    assert it did, and return the value."""
    deadline = time.monotonic() + timeout
    value = fetch()
    while not condition(value) and time.monotonic() < deadline:
        time.sleep(0.1)
        value = fetch()
    assert condition(value), value
    return value
