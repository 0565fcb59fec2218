"""The explorer pattern: artists move in place, the figure is never rebuilt."""

import numpy as np

from helpers.widgets import TangentExplorer, base


def test_tangent_explorer_updates_in_place():
    explorer = TangentExplorer(function="x^2", x=1.0)
    widget = explorer.widget
    fig, tangent, curve = explorer.fig, explorer.tangent, explorer.curve
    assert (
        "x = 1.00" in explorer.readout.value
        and "slope f'(x) = 2.000" in explorer.readout.value.replace("&#x27;", "'")
    )
    explorer.set_x(3.0)
    text = explorer.readout.value.replace("&#x27;", "'")
    assert "f(x) = 9.000" in text and "slope f'(x) = 6.000" in text
    assert explorer.fig is fig and explorer.tangent is tangent and explorer.curve is curve
    xs, ys = tangent.get_data()
    assert np.allclose(np.diff(ys) / np.diff(xs), 6.0)  # the drawn line has the readout's slope
    assert widget.children[-1].children[0] is fig.canvas


def test_function_change_rescales_without_new_figure():
    explorer = TangentExplorer()
    explorer.widget
    before = explorer.fig
    explorer.function_choice.value = "sin x"
    assert explorer.fig is before
    assert np.isclose(explorer.x_slider.min, -2 * np.pi)
    assert np.isclose(explorer.curve.get_xdata()[0], -2 * np.pi)
    explorer.set_x(0.0)
    assert "slope f'(x) = 1.000" in explorer.readout.value.replace("&#x27;", "'")


def test_slider_moves_are_blitted_not_full_draws():
    explorer = TangentExplorer()
    explorer.widget
    explorer.fig.canvas.draw()
    full_draws = []
    explorer.fig.canvas.mpl_connect("draw_event", lambda e: full_draws.append(e))
    for x in np.linspace(-2, 2, 5):
        explorer.set_x(float(x))
    assert full_draws == []  # only the background restore + moving artists
    explorer.function_choice.value = "x^3"
    assert len(full_draws) == 1


def test_blitted_frame_shows_the_tangent():
    explorer = TangentExplorer()
    explorer.widget
    canvas = explorer.fig.canvas
    explorer.set_x(-2.0)
    first = np.asarray(canvas.get_renderer().buffer_rgba()).copy()
    explorer.set_x(2.0)
    second = np.asarray(canvas.get_renderer().buffer_rgba()).copy()
    assert (first != second).any()
    explorer.set_x(-2.0)
    assert (np.asarray(canvas.get_renderer().buffer_rgba()) == first).all()  # no trails left behind


def test_alt_text_on_the_figure_box():
    explorer = TangentExplorer()
    box = explorer.widget.children[-1]
    assert "course-figure" in box._dom_classes
    assert "tangent" in box.children[1].value and "Figure:" in box.children[1].value


def _pixels(explorer):
    return np.asarray(explorer.fig.canvas.get_renderer().buffer_rgba()).copy()


def test_a_background_drawn_before_is_reused_only_for_the_same_content_and_size(monkeypatch):
    monkeypatch.setattr(base, "MAX_BACKGROUND_BYTES", 2.5 * 4 * 600 * 340)  # two frames
    explorer = TangentExplorer(function="x^2", x=1.0)
    explorer.widget
    canvas = explorer.fig.canvas
    canvas.draw()
    full_draws = []
    canvas.mpl_connect("draw_event", full_draws.append)
    explorer.function_choice.value = "x^3"
    explorer.set(function="x^2", x=1.0)  # drawn before: a blit of its background
    assert len(full_draws) == 1
    blitted = _pixels(explorer)
    canvas.draw()
    assert (_pixels(explorer) == blitted).all()  # exactly what a full draw shows
    explorer.function_choice.value = "sin x"  # a third background: x^3's is dropped (oldest)
    explorer.function_choice.value = "x^3"
    assert len(full_draws) == 4
    explorer.fig.set_size_inches(7, 4)  # another size: nothing drawn before fits
    explorer.function_choice.value = "sin x"
    assert len(full_draws) == 5
