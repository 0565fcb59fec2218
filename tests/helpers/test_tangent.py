"""The tangent explorer of lesson 01: the words in its readout and its benchmark moves.

(The in-place update pattern itself is tested in test_widget_base.py.)"""

from helpers.widgets.tangent import TangentExplorer, slope_meaning


def test_readout_names_the_direction():
    explorer = TangentExplorer(function="x^2", x=-1.5)
    explorer.widget
    assert "slope f'(x) = -3.000 (f is decreasing here)" in explorer.readout_text
    explorer.set_x(0.0)
    assert "(flat: a stationary point)" in explorer.readout_text
    explorer.set_x(2.0)
    assert "(f is increasing here)" in explorer.readout_text


def test_relu_corner_and_x_cubed():
    assert slope_meaning("relu", 0.0, 0.0).startswith("a corner")
    assert slope_meaning("relu", -1.0, 0.0).startswith("flat")
    assert slope_meaning("x^3", 0.0, 0.0).startswith("flat")
    assert slope_meaning("x^3", 1.0, 3.0) == "f is increasing here"


def test_readout_starts_with_x_for_the_browser_smoke_test():
    explorer = TangentExplorer()
    explorer.widget
    text = explorer.readout_text
    assert text.startswith("x = 1.00 ·") and float(text.split("x =")[1].split("·")[0]) == 1.0


def test_benchmark_moves():
    explorer, moves = TangentExplorer.benchmark_moves()
    assert len(moves) >= 10
    readouts = set()
    for move in moves:
        move()
        readouts.add(explorer.readout_text)
    assert len(readouts) == len(moves)


def test_moves_before_the_browser_is_ready_wait_for_its_redraw():
    """A later cell moving a shown explorer (Run All) must not send images before the
    browser has set the canvas up: ipympl would leave it at 0x0. (helpers/widgets/base.py)"""
    explorer = TangentExplorer()
    explorer._repr_mimebundle_()  # what IPython's display() calls
    canvas = explorer.fig.canvas
    assert canvas.syncing_data_url  # no browser has said "initialized" yet
    full_draws = []
    canvas.mpl_connect("draw_event", lambda e: full_draws.append(e))
    explorer.set_x(2.0)
    assert full_draws == [] and "x = 2.00" in explorer.readout_text  # readout moves, no image sent
    canvas._handle_message(canvas, {"type": "initialized"}, [])  # the browser is ready
    assert not canvas.syncing_data_url
    explorer.set_x(2.5)
    assert len(full_draws) == 1  # the deferred full draw, then blitting as usual
    explorer.set_x(-1.0)
    assert len(full_draws) == 1


def test_zero_is_on_the_slider_grid_for_every_function():
    """The lesson asks for x = 0 on x^3 (an inflection point) and on relu (the corner)."""
    explorer = TangentExplorer()
    explorer.widget
    for name in explorer.functions:
        explorer.function_choice.value = name
        slider = explorer.x_slider
        assert 0.0 in slider.stops, name  # a key press can land exactly on 0
        slider.index = slider.stops.index(0.0)  # as the browser moves it
        assert slider.value == 0.0 and "x = 0.00" in explorer.readout_text, name
        if name in ("x^2", "x^3"):
            assert "(flat: a stationary point)" in explorer.readout_text, name
        if name == "relu":
            assert "corner" in explorer.readout_text
