"""The base class of every explorer widget (introduced with lesson 01's tangent explorer).

What every explorer shares lives here; each explorer keeps only its own drawing:

* **Controls by name.** :meth:`Explorer.add_control` registers a control whose
  ``value`` is passed to :meth:`Explorer.update` under that name.
  :meth:`Explorer.set` changes several at once and ``with explorer.batch():``
  groups any changes: either way the explorer refreshes once, and the browser
  gets the new control states in one message per control.
* **One readout.** :meth:`Explorer.update` moves the artists and returns the
  readout text, one line per statement; it is shown as a live region
  (``role="status"``), so a screen reader announces it after every change.
* **Fast, correct repaints.** Artists passed to :meth:`Explorer.animate` are
  blitted: a full draw (first display, or after :meth:`Explorer.invalidate`
  when axes or static artists change) caches the static background; a move
  restores it and redraws only the moving artists.
* **Safe under JupyterLab's comm threads** and **complete frames**: see
  :class:`CourseCanvas`.
* **A static first frame.** Displayed, an explorer publishes its live widget
  *and* a PNG of its first frame with its alt text and a note: JupyterLab shows
  the widget, a static renderer (a website built from executed notebooks) the image.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import struct
import threading
import zlib
from contextlib import ExitStack, contextmanager

import ipywidgets as widgets
import matplotlib
import numpy as np
from ipympl.backend_nbagg import Canvas, FigureManager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox
from PIL import Image

from helpers.plotting import STYLE

_figure_numbers = itertools.count(1000)
STATIC_NOTE = "A still of the first frame: open the notebook live (JupyterLab or Binder) to move the controls."


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def rgb_png(rgb: np.ndarray) -> bytes:
    """An (h, w, 3) uint8 image as PNG, written quickly for a live frame.

    Rows unfiltered, zlib at level 1: about three times faster than Pillow's PNG
    writer (which tries a filter per row) and as small on figures, whose large flat
    areas compress well without a filter.
    """
    height, width, _ = rgb.shape
    rows = np.empty((height, width * 3 + 1), np.uint8)
    rows[:, 0] = 0  # filter type "None" for every row
    rows[:, 1:] = rgb.reshape(height, width * 3)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 1))
        + _chunk(b"IEND", b"")
    )


class CourseCanvas(Canvas):
    """ipympl's canvas widget, made safe for live explorers.

    **One lock per figure.** JupyterLab 4 sends widget messages to a kernel
    *subshell*, a second thread, so a control change can be handled while the main
    thread is still drawing the previous one. That is how the playground's figure
    went stale: a browser echo of a start slider blitted the old function's cached
    background in the middle of the full draw for the new function. Every message
    to this canvas (the browser's draw requests, mouse events, resizing) and every
    explorer refresh holds :attr:`lock`.

    **Complete frames.** ipympl's front end decodes frames through a single image:
    a frame arriving before the previous one is decoded replaces it, and the
    previous one is never painted. Matplotlib sends *diff* frames (only the changed
    pixels), so a lost frame stayed lost. Here every frame is the whole figure (an
    RGB PNG written by :func:`rgb_png`: quicker to encode than a diff), so the last
    frame received always shows the current state.
    """

    def __init__(self, figure, **kwargs):
        self.lock = threading.RLock()
        super().__init__(figure, **kwargs)

    def _handle_message(self, object, content, buffers):
        with self.lock:
            super()._handle_message(object, content, buffers)

    def get_diff_image(self):
        if not self._png_is_old:
            return None
        pixels = np.asarray(self.get_renderer().buffer_rgba())
        if self.syncing_data_url:  # no browser yet: ipympl keeps a snapshot for the page
            self._last_buff = pixels.view(np.uint32).squeeze(2).copy()
        self._png_is_old = self._force_full = False
        self.set_image_mode("full")
        if pixels[..., 3].min() == 255:  # opaque, as every course figure
            return rgb_png(pixels[..., :3])
        with io.BytesIO() as png:
            Image.fromarray(pixels).save(png, format="png", compress_level=1)
            return png.getvalue()


def interactive_figure(figsize=(6, 4), nrows: int = 1, ncols: int = 1, alt: str = "", **subplot_kw):
    """A figure drawn by ipympl (a live canvas widget), in the course style.

    Built directly on :class:`CourseCanvas` rather than through pyplot, so it never
    depends on the ``%matplotlib`` backend and is never displayed twice.
    Returns ``(fig, axes)``; ``fig.canvas`` is the widget to put in a layout.
    """
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=figsize, layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=True, subplot_kw=subplot_kw or None)
    canvas = CourseCanvas(fig)
    FigureManager(canvas, next(_figure_numbers))
    canvas.header_visible = False
    canvas.footer_visible = False
    canvas.toolbar_visible = False
    canvas.resizable = False
    canvas.capture_scroll = False
    # Not a `tooltip`: with one, ipympl's view fails to render (ipywidgets 8.1 +
    # jupyter-matplotlib 0.12). figure_box() shows the alt text as a caption.
    canvas._course_alt = alt
    return fig, axes


def figure_box(fig) -> widgets.VBox:
    """The live canvas with its alt text as a caption below (read by screen readers)."""
    alt = getattr(fig.canvas, "_course_alt", "")
    caption = widgets.HTML(
        f'<p class="course-alt" style="font-size:smaller;margin:0">Figure: {html.escape(alt)}</p>'
    )
    box = widgets.VBox([fig.canvas, caption] if alt else [fig.canvas])
    box.add_class("course-figure")
    return box


def readout_html(lines) -> str:
    """The readout as a live region: one line per statement."""
    body = "<br>".join(html.escape(line) for line in lines)
    return f'<div class="course-readout-text" role="status" aria-live="polite">{body}</div>'


class Explorer:
    """Controls + a live figure + a numeric readout, updated in place.

    Subclasses create their artists once in ``__init__``, register controls with
    :meth:`add_control` (and buttons with :meth:`add_button`) and implement
    :meth:`update`, which only changes existing artists and returns the readout.
    """

    alt_text = ""
    # True: the layout is computed once, when the widget is built, then kept. A full draw
    # (a new function) then skips constrained layout's text measuring, which costs as much
    # as the drawing; fit for explorers whose tick labels keep their width.
    fixed_layout = False

    def __init__(self, figsize=(6, 4), **subplot_kw):
        self.fig, self.ax = interactive_figure(figsize=figsize, alt=self.alt_text, **subplot_kw)
        self.readout = widgets.HTML(layout={"min_height": "1.6em"})
        self.readout.add_class("course-readout")
        self.controls: dict[str, widgets.Widget] = {}
        self.buttons: list[widgets.Button] = []
        self.notes: list[widgets.Widget] = []  # shown below the figure (e.g. a diagnosis)
        self.readout_lines: list[str] = []
        self._lock = self.fig.canvas.lock
        self._held = 0  # depth of batch() / refresh(): changes inside wait for one refresh
        self._pending = False
        self._widget: widgets.Widget | None = None
        self._animated: list = []
        self._slots: dict = {}  # axes that repaint() may redraw -> a fixed slot or None
        self._painted: dict = {}  # tracked axes -> the tight box they last painted
        self._background = None
        self._full_draw_needed = True
        self._displayed = False
        self.fig.canvas.mpl_connect("draw_event", self._on_full_draw)

    # -- controls ----------------------------------------------------------------
    def add_control(self, name: str, control, on_change=None):
        """Register ``control``; its value reaches :meth:`update` as ``name``.

        ``on_change(new_value)``, if given, runs first when the control changes, in
        the same batch: it may set other controls (a new function brings its own
        range and start) and the explorer still refreshes once.
        """

        def changed(change) -> None:
            with self.batch():
                if on_change is not None:
                    on_change(change["new"])
                self._pending = True

        control.observe(changed, names="value")
        self.controls[name] = control
        return control

    def add_button(self, description: str, action, tooltip: str = "") -> widgets.Button:
        """A button whose click runs ``action()`` in a batch (one refresh)."""

        def clicked(_button) -> None:
            with self.batch():
                action()

        button = widgets.Button(description=description, tooltip=tooltip)
        button.on_click(clicked)
        self.buttons.append(button)
        return button

    def values(self) -> dict:
        """The controls' current values, by name."""
        return {name: control.value for name, control in self.controls.items()}

    @contextmanager
    def batch(self):
        """Group control changes: ``with explorer.batch(): ...`` refreshes once, at the end."""
        with self._lock:
            self._held += 1
            try:
                with ExitStack() as stack:
                    for control in self.controls.values():
                        stack.enter_context(control.hold_sync())  # one message per control
                    yield self
            finally:
                self._held -= 1
            if self._held == 0 and self._pending:
                self.refresh()

    def set(self, **values) -> str:
        """Set several controls by name with one refresh; returns the readout text.

        Controls are set in the order they were added, so that a control's
        ``on_change`` (a new function resets the start point) comes before the
        values given explicitly in the same call.
        """
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise TypeError(
                f"unknown control(s) {unknown}; this explorer has {list(self.controls)}"
            )
        with self.batch():
            for name, control in self.controls.items():
                if name in values:
                    control.value = values[name]
            if not self.readout_lines:
                self._pending = True  # never computed yet: compute now
        return self.readout_text

    @property
    def readout_text(self) -> str:
        return "\n".join(self.readout_lines)

    # -- to implement ------------------------------------------------------
    def update(self, **values) -> str:  # pragma: no cover - abstract
        """Move the artists for these control values; return the readout (lines joined by \\n)."""
        raise NotImplementedError

    # -- refreshing and rendering ---------------------------------------------------
    def refresh(self, render: bool = True) -> None:
        """Recompute from the controls' values, move the artists, repaint (once shown)."""
        with self._lock:
            self._held += 1
            try:
                for _ in range(2):  # update() may move a control (a range change): once more
                    self._pending = False
                    text = self.update(**self.values())
                    if not self._pending:
                        break
            finally:
                self._held -= 1
                self._pending = False
            self.readout_lines = text.split("\n")
            self.readout.value = readout_html(self.readout_lines)
            if render and self._widget is not None:
                self.render()

    def animate(self, *artists):
        """Mark artists as moving: they are redrawn alone on each update."""
        for artist in artists:
            artist.set_animated(True)
            self._animated.append(artist)
        return artists[0] if len(artists) == 1 else artists

    def invalidate(self) -> None:
        """Static content changed (limits, curve, title): the next render draws everything."""
        self._full_draw_needed = True

    def _on_full_draw(self, _event) -> None:
        canvas = self.fig.canvas
        if canvas.is_saving():
            return  # savefig draws the moving artists too: no background to take from it
        self._background = canvas.copy_from_bbox(self.fig.bbox)
        self._full_draw_needed = False  # any full draw (ours or the browser's) is up to date
        renderer = canvas.get_renderer()
        for ax, slot in self._slots.items():
            if slot is None:
                self._painted[ax] = ax.get_tightbbox(renderer)
        self._draw_animated()

    def repaintable(self, *axes, slot=None) -> None:
        """Allow :meth:`repaint` on these axes.

        ``slot`` says what to paint over and draw again:

        * ``None``: the axes with its labels; its tight box is tracked (that costs a
          layout of every tick label per repaint);
        * ``(left, bottom, right, top)`` in figure fractions: the same, inside this fixed box
          (for a fixed layout);
        * ``"data"``: only the data area and the spines; ticks, labels and title stay as
          they are (for a panel whose axis never changes).
        """
        for ax in axes:
            self._slots[ax] = slot

    def _slot(self, ax, renderer):
        """The display box to paint over before drawing ``ax`` again."""
        slot = self._slots[ax]
        if slot == "data":  # the data area, its spines and the tick marks outside them
            pt = self.fig.dpi / 72  # pixels per point (2x on a high-DPI screen)
            tick = (matplotlib.rcParams["xtick.major.size"] + 1.0) * pt
            box = ax.bbox
            return Bbox.from_extents(box.x0 - tick, box.y0 - tick, box.x1 + 2 * pt, box.y1 + 2 * pt)
        if isinstance(slot, tuple):  # a fixed slot in figure fractions
            return Bbox.from_extents(*slot).transformed(self.fig.transFigure)
        new = ax.get_tightbbox(renderer)
        old = self._painted.get(ax, new)
        self._painted[ax] = new
        return Bbox.union([old, new]).padded(2)  # the old labels and the new ones

    @staticmethod
    def _draw_data_area(ax, renderer) -> None:
        """The axes' background, its artists and spines in z-order (not the animated ones), and
        the tick marks (not their labels)."""
        ax.patch.draw(renderer)
        skip = {ax.patch, ax.xaxis, ax.yaxis, ax.title, ax._left_title, ax._right_title}
        artists = [a for a in ax.get_children() if a not in skip and not a.get_animated()]
        for artist in sorted(artists, key=lambda a: a.get_zorder()):
            artist.draw(renderer)
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks():
                if tick.tick1line.get_visible() and low <= tick.get_loc() <= high:
                    tick.tick1line.draw(renderer)

    def repaint(self, *axes) -> None:
        """Redraw these axes' static content (ticks, labels, curves) into the cached background.

        For static content that changes with a control (a step axis, a panel's curves):
        much cheaper than a full draw. The axes' slot is painted over in the figure's
        colour first (see :meth:`repaintable`); the layout keeps slots apart. Without a
        background yet there is nothing to do: the coming full draw paints everything.
        """
        if self._background is None or self._full_draw_needed:
            return
        canvas = self.fig.canvas
        renderer = canvas.get_renderer()
        canvas.restore_region(self._background)
        for ax in axes:
            box = self._slot(ax, renderer)
            cover = Rectangle(
                (box.x0, box.y0),
                box.width,
                box.height,
                transform=None,
                facecolor=self.fig.get_facecolor(),
                edgecolor="none",
                antialiased=False,
            )
            cover.set_figure(self.fig)
            cover.draw(renderer)
            if self._slots[ax] == "data":
                self._draw_data_area(ax, renderer)
            else:
                ax.draw(renderer)  # Axes.draw leaves out the animated artists
        self._background = canvas.copy_from_bbox(self.fig.bbox)

    def _draw_animated(self) -> None:
        for artist in self._animated:
            artist.axes.draw_artist(artist) if artist.axes else self.fig.draw_artist(artist)

    def render(self) -> None:
        """Repaint now: blit the moving artists, or a full draw when needed."""
        canvas = self.fig.canvas
        with self._lock:
            if self._displayed and canvas.syncing_data_url:
                # Shown, but the browser has not yet set the canvas up (its "initialized"
                # message waits behind running cells, e.g. a later cell moving this explorer
                # during Run All). Sending an image now leaves ipympl's canvas at 0x0; the
                # browser asks for a full redraw as soon as it is ready.
                self._full_draw_needed = True
                return
            if self._full_draw_needed or self._background is None:
                canvas.draw()  # fires draw_event -> caches background, draws animated artists
            else:
                canvas.restore_region(self._background)
                self._draw_animated()
                canvas.blit(self.fig.bbox)

    # -- display -----------------------------------------------------------------
    def control_rows(self) -> list[list[widgets.Widget]]:
        """The controls as rows of the layout, in reading order (subclasses may regroup them)."""
        return [[*self.controls.values(), *self.buttons]]

    @property
    def widget(self) -> widgets.Widget:
        """The explorer as one widget: controls, readout, figure with its alt text."""
        if self._widget is None:
            # No draw yet: drawing before the browser view exists leaves ipympl's
            # canvas at size 0. Its own handshake asks for the first full draw.
            self.refresh(render=False)
            if self.fixed_layout:
                self._freeze_layout()
            row = {"flex_flow": "row wrap", "align_items": "center"}
            rows = [widgets.HBox(controls, layout=row) for controls in self.control_rows()]
            self._widget = widgets.VBox([*rows, self.readout, figure_box(self.fig), *self.notes])
            self._widget.add_class("course-explorer")
        return self._widget

    def _freeze_layout(self) -> None:
        """Settle the layout, then keep it: axes positions, axis-label places and the boxes
        of repaintable axes stay put."""
        fig = self.fig
        for _ in range(3):  # constrained layout settles over a few runs
            fig.draw_without_rendering()
        fig.set_layout_engine("none")
        renderer = fig.canvas.get_renderer()
        boxes = {ax: ax.get_tightbbox(renderer) for ax in fig.axes}
        for ax, slot in self._slots.items():  # repaintable axes: a fixed box from now on
            if slot is None:
                extents = self._free_box(ax, boxes, fig.bbox)
                self._slots[ax] = tuple(
                    Bbox(extents).transformed(fig.transFigure.inverted()).extents
                )
        for ax in fig.axes:
            to_axes = ax.transAxes.inverted()
            if ax.xaxis.label.get_text():  # x: axes fraction; y: display pixels, as placed
                x, y = ax.xaxis.label.get_position()
                ax.xaxis.set_label_coords(x, to_axes.transform((0, y))[1])
            if ax.yaxis.label.get_text():
                x, y = ax.yaxis.label.get_position()
                ax.yaxis.set_label_coords(to_axes.transform((x, 0))[0], y)

    def _free_box(self, ax, boxes: dict, figure_box) -> list:
        """The largest box around ``ax`` that no other axes' labels use: out to the figure's
        edges, up to each neighbour (halfway to a neighbour that is repainted too).

        A repaint may then draw longer tick labels than the first layout had."""
        own = boxes[ax]
        (x0, y0), (x1, y1) = figure_box.min, figure_box.max
        for other, box in boxes.items():
            if other is ax:
                continue
            shared = other in self._slots
            beside = box.y0 < own.y1 and box.y1 > own.y0  # overlaps own's rows
            above_below = box.x0 < own.x1 and box.x1 > own.x0  # overlaps own's columns
            if beside and box.intervalx.mean() < own.intervalx.mean():
                x0 = max(x0, (box.x1 + own.x0) / 2 if shared else box.x1 + 2)
            if beside and box.intervalx.mean() > own.intervalx.mean():
                x1 = min(x1, (box.x0 + own.x1) / 2 if shared else box.x0 - 2)
            if above_below and box.intervaly.mean() < own.intervaly.mean():
                y0 = max(y0, (box.y1 + own.y0) / 2 if shared else box.y1 + 2)
            if above_below and box.intervaly.mean() > own.intervaly.mean():
                y1 = min(y1, (box.y0 + own.y1) / 2 if shared else box.y0 - 2)
        return [[x0, y0], [x1, y1]]

    def first_frame_png(self) -> bytes:
        """The figure as it is now, exactly as the live canvas shows it, as PNG bytes."""
        with self._lock, io.BytesIO() as png:
            for _ in range(3):  # constrained layout settles over a few runs (legends outside)
                self.fig.draw_without_rendering()
            # a full draw as the canvas does it (static artists, then the moving ones on
            # top), without sending a frame to a browser that may not be there yet
            FigureCanvasAgg.draw(self.fig.canvas)
            pixels = np.asarray(self.fig.canvas.buffer_rgba())
            Image.fromarray(pixels[..., :3]).save(png, format="png")
            return png.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None):
        widget = self.widget
        self._displayed = True
        png = base64.b64encode(self.first_frame_png()).decode("ascii")
        alt = html.escape(self.alt_text, quote=True)
        note = html.escape(STATIC_NOTE)
        readout = html.escape(self.readout_text).replace("\n", "<br>")
        bundle = widget._repr_mimebundle_()
        bundle.update(
            {
                "text/plain": f"{self.alt_text}\n{self.readout_text}\n({STATIC_NOTE})",
                "image/png": png,
                "text/html": (
                    f'<figure class="course-static-explorer" style="margin:0">'
                    f'<p class="course-readout-static">{readout}</p>'
                    f'<img src="data:image/png;base64,{png}" alt="{alt}" style="max-width:100%">'
                    f"<figcaption><em>{note}</em></figcaption></figure>"
                ),
            }
        )
        return bundle
