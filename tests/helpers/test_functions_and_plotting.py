import numpy as np
import pytest

from helpers.functions import FUNCTIONS_1D, FUNCTIONS_2D, get_function_2d
from helpers.gradcheck import central_difference
from helpers.plotting import (
    COLORS,
    PALETTE,
    new_figure,
    plot_contour,
    plot_gradient_field,
    plot_loss_curve,
    plot_path,
    plot_secant,
    plot_tangent,
    show,
)


@pytest.mark.parametrize("name", sorted(FUNCTIONS_1D))
def test_1d_derivatives(name):
    fn = FUNCTIONS_1D[name]
    for x in np.linspace(*fn.xlim, 7):
        if name == "relu" and abs(x) < 1e-3:
            continue
        assert np.isclose(fn.df(x), central_difference(fn.f, x, 1e-6), atol=1e-5)
    if name == "relu":
        assert fn.df(0.0) == 0.0  # the frameworks' convention at the corner


def test_2d_minima_are_stationary_with_positive_curvature():
    for fn in FUNCTIONS_2D.values():
        for m in fn.minima:
            assert np.linalg.norm(fn.grad(m)) < 1e-3, fn.name
            assert np.all(np.linalg.eigvalsh(fn.hessian(m)) > 0), fn.name
    saddle = FUNCTIONS_2D["saddle"]
    assert np.allclose(saddle.grad([0, 0]), 0) and sorted(
        np.linalg.eigvalsh(saddle.hessian([0, 0]))
    ) == [-2, 2]


def test_elongated_bowl_spec_numbers():
    fn = get_function_2d("elongated bowl")
    assert fn([4, 3]) == 43 and fn.grad([4, 3]).tolist() == [8, 18]
    assert np.linalg.eigvalsh(fn.hessian([0, 0])).tolist() == [2, 6]
    with pytest.raises(KeyError, match="choose from"):
        get_function_2d("nope")


def test_palette_is_okabe_ito():
    assert PALETTE["vermillion"] == "#D55E00" and COLORS["tangent"] == PALETTE["vermillion"]


def test_static_figures_need_alt_text_and_render():
    fig, ax = new_figure()
    f = FUNCTIONS_1D["x^2"]
    plot_tangent(ax, f.f, f.df, 1.0, (-2, 2))
    _, _, slope = plot_secant(ax, f.f, 3.0, 0.1, (-2, 2))
    assert np.isclose(slope, 6.1)
    with pytest.raises(ValueError):
        show(fig, alt="")
    shown = show(fig, alt="a parabola with a tangent")
    assert shown.png.startswith(b"\x89PNG")
    assert 'alt="a parabola with a tangent"' in shown._repr_html_()


def test_contour_field_path_and_loss():
    fig, (left, right) = new_figure(1, 2, figsize=(8, 3))
    fn = FUNCTIONS_2D["elongated bowl"]
    plot_contour(left, fn.value, fn.xlim, fn.ylim)
    quiver = plot_gradient_field(left, fn.gradient, fn.xlim, fn.ylim, num=5)
    assert quiver.U.shape == (25,)
    line, start = plot_path(left, [[4, 3], [3.2, 1.2], [2.56, 0.48]])
    assert line.get_xdata().tolist() == [4, 3.2, 2.56]
    loss_line = plot_loss_curve(right, [43, 14.56, 7.2448])
    assert right.get_yscale() == "log" and len(loss_line.get_ydata()) == 3
