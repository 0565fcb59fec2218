import colorsys

import numpy as np
import pytest
from matplotlib.colors import to_rgb

from helpers.functions import FUNCTIONS_1D, FUNCTIONS_2D, get_function_2d
from helpers.gradcheck import central_difference
from helpers.plotting import (
    COLORS,
    PALETTE,
    TEXT_COLORS,
    contrast_ratio,
    new_figure,
    plot_contour,
    plot_gradient_field,
    plot_loss_curve,
    plot_path,
    plot_secant,
    plot_tangent,
    show,
    text_color,
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
    assert set(COLORS.values()) <= set(PALETTE.values())


# Colour-vision deficiencies, simulated with the matrices of Machado, Oliveira & Fernandes
# (2009) at full severity, applied to linear RGB.
MACHADO = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
}
MIN_DELTA_E = 15.0  # CIE76; about 2.3 is just noticeable, 15 is plainly different


def _lab(color, vision=None) -> np.ndarray:
    """CIELAB (D65) of a colour as seen with the given deficiency (None: typical vision)."""
    c = np.asarray(to_rgb(color))
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    if vision:
        linear = np.clip(np.asarray(MACHADO[vision]) @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    x, y, z = xyz @ linear / [0.95047, 1.0, 1.08883]
    f = [np.cbrt(t) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29 for t in (x, y, z)]
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _closest_pair(colors, vision):
    return min(
        (np.linalg.norm(_lab(a, vision) - _lab(b, vision)), a, b)
        for i, a in enumerate(colors)
        for b in colors[i + 1 :]
    )


@pytest.mark.parametrize("vision", [None, *MACHADO])
def test_palette_stays_distinguishable_under_colour_vision_deficiencies(vision):
    distance, a, b = _closest_pair(list(PALETTE.values()), vision)
    assert distance >= MIN_DELTA_E, (vision, a, b, distance)


def test_the_simulation_catches_a_red_green_pair():
    red_green = ["#D62728", "#2CA02C"]  # Matplotlib's default red and green (tab10)
    assert _closest_pair(red_green, "deuteranopia")[0] < MIN_DELTA_E
    assert _closest_pair(red_green, None)[0] > MIN_DELTA_E


def test_text_colours_reach_wcag_contrast():
    assert contrast_ratio("black") == pytest.approx(21.0)
    assert contrast_ratio(PALETTE["orange"]) < 4.5  # fine for a line, too light for text
    for role, color in TEXT_COLORS.items():
        assert contrast_ratio(color) >= 4.5, role
        hue = colorsys.rgb_to_hls(*to_rgb(COLORS[role]))[0]
        assert colorsys.rgb_to_hls(*to_rgb(color))[0] == pytest.approx(hue, abs=0.02)  # same hue
    assert text_color(PALETTE["blue"]) == PALETTE["blue"].lower()  # already dark enough
    assert contrast_ratio(text_color(PALETTE["yellow"], background="black"), "black") >= 4.5


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
