"""The base class of every explorer widget (introduced with lesson 01's tangent explorer)."""

from __future__ import annotations

import html
import itertools

import ipywidgets as widgets
import matplotlib
from matplotlib.figure import Figure

from helpers.plotting import STYLE

_figure_numbers = itertools.count(1000)


def interactive_figure(figsize=(6, 4), nrows: int = 1, ncols: int = 1, alt: str = "", **subplot_kw):
    """A figure drawn by ipympl (a live canvas widget), in the course style.

    Built directly on ipympl's Canvas rather than through pyplot, so it never
    depends on the ``%matplotlib`` backend and is never displayed twice.
    Returns ``(fig, axes)``; ``fig.canvas`` is the widget to put in a layout.
    """
    from ipympl.backend_nbagg import Canvas, FigureManager

    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=figsize, layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=True, subplot_kw=subplot_kw or None)
    canvas = Canvas(fig)
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


class Explorer:
    """Controls + a live figure + a numeric readout, updated in place.

    Subclasses create their artists once in ``__init__``, register controls with
    :meth:`add_control` and implement :meth:`update`, which only changes existing
    artists and returns the readout text.

    Speed: artists passed to :meth:`animate` are blitted. A full draw (first
    display, or after :meth:`invalidate` when axes or static artists change)
    caches the static background; a slider move then restores that background
    and redraws only the moving artists, instead of re-rendering ticks and text.
    """

    alt_text = ""

    def __init__(self, figsize=(6, 4), **subplot_kw):
        self.fig, self.ax = interactive_figure(figsize=figsize, alt=self.alt_text, **subplot_kw)
        self.readout = widgets.HTML(layout={"min_height": "1.6em"})
        self.readout.add_class("course-readout")
        self.controls: list[widgets.Widget] = []
        self._widget = None
        self._animated: list = []
        self._background = None
        self._full_draw_needed = True
        self._displayed = False
        self.fig.canvas.mpl_connect("draw_event", self._on_full_draw)

    def animate(self, *artists):
        """Mark artists as moving: they are redrawn alone on each update."""
        for artist in artists:
            artist.set_animated(True)
            self._animated.append(artist)
        return artists[0] if len(artists) == 1 else artists

    def invalidate(self) -> None:
        """Static content changed (limits, curve, title): the next refresh draws everything."""
        self._full_draw_needed = True

    def _on_full_draw(self, _event) -> None:
        canvas = self.fig.canvas
        self._background = canvas.copy_from_bbox(self.fig.bbox)
        self._full_draw_needed = False  # any full draw (ours or the browser's) is up to date
        self._draw_animated()

    def _draw_animated(self) -> None:
        for artist in self._animated:
            artist.axes.draw_artist(artist) if artist.axes else self.fig.draw_artist(artist)

    def render(self) -> None:
        """Repaint now: blit the moving artists, or a full draw when needed."""
        canvas = self.fig.canvas
        if self._displayed and getattr(canvas, "syncing_data_url", False):
            # Shown, but the browser has not yet set the canvas up (its "initialized"
            # message waits behind running cells, e.g. a later cell moving this explorer
            # during Run All). Sending an image now leaves ipympl's canvas at 0x0; the
            # browser asks for a full redraw as soon as it is ready.
            self._full_draw_needed = True
            return
        if self._full_draw_needed or self._background is None:
            self._full_draw_needed = False
            canvas.draw()  # fires draw_event -> caches background, draws animated artists
        else:
            canvas.restore_region(self._background)
            self._draw_animated()
            canvas.blit(self.fig.bbox)

    # -- to implement ------------------------------------------------------
    def update(self, **values) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- machinery ---------------------------------------------------------
    def _control_values(self) -> dict:
        return {c._course_name: c.value for c in self.controls if hasattr(c, "_course_name")}

    def add_control(self, name: str, control: widgets.Widget) -> widgets.Widget:
        """Register a control; any change of its value calls :meth:`refresh`."""
        control._course_name = name
        control.observe(lambda _change: self.refresh(), names="value")
        self.controls.append(control)
        return control

    def refresh(self, render: bool = True) -> None:
        """Recompute from the controls' values, move the artists, repaint."""
        text = self.update(**self._control_values())
        self.readout.value = f'<span aria-live="polite">{html.escape(text)}</span>'
        if render:
            self.render()

    @property
    def widget(self) -> widgets.Widget:
        if self._widget is None:
            # No draw yet: drawing before the browser view exists leaves ipympl's
            # canvas at size 0. Its own handshake asks for the first full draw.
            self.refresh(render=False)
            self._widget = widgets.VBox(
                [
                    widgets.HBox(self.controls, layout={"flex_flow": "row wrap"}),
                    self.readout,
                    figure_box(self.fig),
                ]
            )
        return self._widget

    def _ipython_display_(self):
        from IPython.display import display

        widget = self.widget
        self._displayed = True
        display(widget)
