"""What every explorer shares (helpers/widgets/base.py): the static first frame, readable
figure text, named controls, one refresh per batch, complete frames and a lock that keeps a
second thread's change from painting over a full draw in progress."""

import base64
import importlib
import inspect
import io
import pkgutil
import threading

import numpy as np
import pytest
from matplotlib.text import Text
from PIL import Image

import helpers.widgets
from helpers.plotting import contrast_ratio
from helpers.widgets.base import STATIC_NOTE, Explorer, rgb_png
from helpers.widgets.playground import GradientDescentPlayground
from helpers.widgets.tangent import TangentExplorer


def _explorer_classes():
    found = []
    for info in pkgutil.iter_modules(helpers.widgets.__path__):
        module = importlib.import_module(f"helpers.widgets.{info.name}")
        found += [
            cls
            for _, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, Explorer)
            and cls is not Explorer
            and cls.__module__ == module.__name__
        ]
    return sorted(found, key=lambda cls: cls.__name__)


EXPLORERS = _explorer_classes()


def _pixels(explorer) -> np.ndarray:
    return np.asarray(explorer.fig.canvas.buffer_rgba())[..., :3].copy()


def test_there_are_nine_explorers():
    assert len(EXPLORERS) == 9  # eight lessons' explorers and lesson 2's product rule


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_display_bundle_has_the_widget_and_a_still_with_alt_text(cls):
    explorer = cls()
    bundle = explorer._repr_mimebundle_()
    assert (
        bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == explorer.widget.model_id
    )
    png = base64.b64decode(bundle["image/png"])
    still = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    explorer.fig.canvas.draw()  # what the live figure shows first
    assert np.array_equal(still, _pixels(explorer))  # the still is that first frame
    html = bundle["text/html"]
    assert f'src="data:image/png;base64,{bundle["image/png"]}"' in html
    assert f'alt="{explorer.alt_text[:40]}' in html.replace("&#x27;", "'")
    assert STATIC_NOTE in html and explorer.readout_lines[0][:20] in bundle["text/plain"]


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_figure_text_is_readable_and_controls_are_named(cls):
    explorer = cls()
    explorer.widget
    explorer.fig.canvas.draw()
    for text in explorer.fig.findobj(Text):
        if not (text.get_visible() and text.get_text().strip()):
            continue
        patch = text.get_bbox_patch()
        background = patch.get_facecolor() if patch is not None else "white"
        if patch is not None and patch.get_alpha() is not None and patch.get_alpha() < 1:
            alpha = patch.get_alpha()
            background = tuple(alpha * c + (1 - alpha) for c in background[:3])  # over white
        assert contrast_ratio(text.get_color(), background[:3] if patch else background) >= 4.5, (
            text.get_text(),
            text.get_color(),
        )
    names = [control.description for control in [*explorer.controls.values(), *explorer.buttons]]
    assert all(name.strip() for name in names) and len(set(names)) == len(names), names


def test_set_changes_several_controls_with_one_refresh():
    explorer = GradientDescentPlayground()
    explorer.widget
    updates = []
    original = explorer.update
    explorer.update = lambda **values: (updates.append(values), original(**values))[1]
    text = explorer.set(function="rosenbrock", lr=0.0015, steps=80, start=(2.0, 2.0))
    assert len(updates) == 1
    assert updates[0] == {
        "function": "rosenbrock",
        "lr": 0.0015,  # given explicitly: wins over the function's default learning rate
        "momentum": 0.0,
        "steps": 80,
        "x0": 2.0,
        "y0": 2.0,
    }
    assert text.startswith("rosenbrock · start (2.00, 2.00) · lr = 0.0015")
    with explorer.batch():
        explorer.lr_slider.value = 0.001
        explorer.steps_slider.value = 50
    assert len(updates) == 2
    with pytest.raises(TypeError, match="unknown control"):
        explorer.set(learning_rate=0.1)


def test_frames_are_complete_images_of_the_figure(monkeypatch):
    explorer = TangentExplorer()
    explorer.widget
    canvas = explorer.fig.canvas
    canvas.syncing_data_url = False  # as once the browser has set the canvas up
    sent = []
    monkeypatch.setattr(canvas, "send_binary", sent.append)
    canvas.draw()
    for x in (-1.0, 0.5, 2.0):
        explorer.set(x=x)  # a blitted move: only the tangent changed
        assert canvas._current_image_mode == "full"  # never a diff that needs the frame before
        image = np.asarray(Image.open(io.BytesIO(sent[-1])).convert("RGB"))
        assert np.array_equal(image, _pixels(explorer))  # the whole figure, as it is now
    assert len(sent) == 4 and canvas.get_diff_image() is None  # one frame a change, no more


def test_a_change_from_a_second_thread_waits_for_the_full_draw_in_progress():
    """The stale playground: JupyterLab handles widget messages on a second kernel thread. A
    start-slider change arriving while the figure is redrawn for a new function must not
    blit the old function's background; it waits, then blits on the new one."""
    explorer = GradientDescentPlayground()
    explorer.widget
    explorer.fig.set_layout_engine("none")  # identical layout for the comparison draw below
    explorer.fig.canvas.draw()
    in_update, go_on = threading.Event(), threading.Event()
    original = explorer.update

    def slow_update(**values):
        in_update.set()
        go_on.wait(10)
        return original(**values)

    explorer.update = slow_update
    switch = threading.Thread(target=explorer.set, kwargs={"function": "rosenbrock"})
    switch.start()
    assert in_update.wait(10)
    explorer.update = original
    drag = threading.Thread(target=explorer.set, kwargs={"x0": 1.5})
    drag.start()
    drag.join(0.5)
    assert drag.is_alive()  # waiting for the lock, not painting
    go_on.set()
    switch.join(10)
    drag.join(10)
    shown = _pixels(explorer)
    assert explorer.run.path[0][0] == 1.5 and "rosenbrock" in explorer.readout_text
    explorer.invalidate()
    explorer.render()
    assert np.array_equal(shown, _pixels(explorer))  # what a full draw of the final state shows


def test_the_quick_png_writer_is_exact():
    rng = np.random.default_rng(0)
    for shape in ((1, 1, 3), (7, 5, 3), (390, 800, 3)):
        rgb = rng.integers(0, 256, size=shape, dtype=np.uint8)
        decoded = np.asarray(Image.open(io.BytesIO(rgb_png(rgb))).convert("RGB"))
        assert np.array_equal(decoded, rgb)
