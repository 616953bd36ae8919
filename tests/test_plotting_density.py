"""Tests of msutils.plotting._density: the artists each helper draws and its labels."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.contour import QuadContourSet
from mpl_toolkits.mplot3d.art3d import Poly3DCollection

from msutils.density import kde, kde_grid
from msutils.kernels import get_kernel
from msutils.plotting._density import (
    bandwidth_sweep_animation,
    plot_kde_contour,
    plot_kde_surface,
    plot_kernel_shapes,
    plot_kernel_sum_1d,
    plot_modes_vs_bandwidth,
)


@pytest.fixture
def blobs():
    rng = np.random.default_rng(0)
    return np.vstack([rng.normal([0, 0], 0.5, size=(30, 2)), rng.normal([3, 2], 0.5, size=(30, 2))])


def _labelled(ax):
    return ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


# --- plot_kernel_shapes ------------------------------------------------------------------------

def test_kernel_shapes_draws_each_normalised_kernel(ax):
    lines = plot_kernel_shapes(ax, ["gaussian", "flat", "epanechnikov"])
    assert [line.get_label() for line in lines] == ["gaussian", "flat", "epanechnikov"]
    for line in lines:
        u, y = line.get_data()
        assert np.trapezoid(y, u) == pytest.approx(1.0, abs=5e-3)
        np.testing.assert_allclose(y, get_kernel(line.get_label()).density(u[:, None]))
    assert _labelled(ax)
    assert ax.get_legend() is not None


def test_kernel_shapes_draws_profiles(ax):
    (line,) = plot_kernel_shapes(ax, ["epanechnikov"], what="profile")
    r, y = line.get_data()
    np.testing.assert_allclose(y, np.clip(1 - r, 0, None))
    assert "profile" in ax.get_ylabel()
    assert _labelled(ax)


def test_kernel_shapes_rejects_bad_arguments(ax):
    with pytest.raises(ValueError, match="what must be 'density' or 'profile'"):
        plot_kernel_shapes(ax, what="shape")
    with pytest.raises(ValueError, match="kernel must be one of"):
        plot_kernel_shapes(ax, ["cosine"])
    with pytest.raises(ValueError, match="kernels is empty"):
        plot_kernel_shapes(ax, [])


# --- plot_kernel_sum_1d ------------------------------------------------------------------------

@pytest.mark.parametrize("kernel", ["gaussian", "flat", "epanechnikov"])
def test_hills_add_up_to_the_kde(ax, kernel):
    data = np.array([0.0, 0.4, 2.0, 2.2, 5.0])
    weights = np.array([1.0, 2.0, 1.0, 1.0, 3.0])
    hills, total = plot_kernel_sum_1d(ax, data, 0.6, kernel=kernel, weights=weights)
    assert len(hills) == len(data)
    x, y = total.get_data()
    np.testing.assert_allclose(sum(h.get_ydata() for h in hills), y, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(y, kde(x, data, 0.6, kernel=kernel, weights=weights), rtol=1e-12)
    # each hill is centred on its point and carries its share of the mass
    for hill, xi, wi in zip(hills, data, weights / weights.sum()):
        hx, hy = hill.get_data()
        assert np.sum(hx * hy) / np.sum(hy) == pytest.approx(xi, abs=2 * (hx[1] - hx[0]))
        assert np.trapezoid(hy, hx) == pytest.approx(wi, rel=2e-2)
    assert _labelled(ax)
    assert "0.6" in ax.get_title()


def test_hills_on_a_given_grid(ax):
    x = np.linspace(-1, 1, 11)
    _, total = plot_kernel_sum_1d(ax, [0.0], 1.0, x=x)
    np.testing.assert_array_equal(total.get_xdata(), x)


def test_kernel_sum_rejects_2d_data(ax):
    with pytest.raises(ValueError, match="data has 2 features, but 1 were expected"):
        plot_kernel_sum_1d(ax, [[0.0, 1.0]], 1.0)
    with pytest.raises(ValueError, match="bandwidth must be a positive"):
        plot_kernel_sum_1d(ax, [0.0, 1.0], -1.0)


# --- plot_kde_surface --------------------------------------------------------------------------

def test_surface_has_a_colour_bar_labels_and_the_data(ax3d, blobs):
    grid = kde_grid(blobs, 0.6, grid_size=30)
    surf = plot_kde_surface(ax3d, grid, X=blobs)
    assert isinstance(surf, Poly3DCollection)
    assert surf.get_array() is not None or surf.get_facecolors().size
    assert len(ax3d.figure.axes) == 2  # the surface and its colour bar
    assert ax3d.figure.axes[1].get_ylabel() == "density"
    assert _labelled(ax3d) and ax3d.get_zlabel() == "density"
    (points,) = ax3d.collections[1:]
    assert len(points.get_offsets()) == len(blobs)


def test_surface_without_colour_bar(ax3d, blobs):
    plot_kde_surface(ax3d, kde_grid(blobs, 0.6, grid_size=10), colorbar=False)
    assert len(ax3d.figure.axes) == 1


def test_surface_needs_a_3d_axes(ax, blobs):
    with pytest.raises(ValueError, match="ax must be a 3-D axes"):
        plot_kde_surface(ax, kde_grid(blobs, 0.6, grid_size=10))


# --- plot_kde_contour --------------------------------------------------------------------------

@pytest.mark.parametrize("filled", [True, False])
def test_contour_levels_span_the_density_and_show_the_data(ax, blobs, filled):
    grid = kde_grid(blobs, 0.6, grid_size=40)
    cs = plot_kde_contour(ax, grid, X=blobs, levels=8, filled=filled)
    assert isinstance(cs, QuadContourSet)
    assert cs.filled is filled
    zz = grid[2]
    if filled:  # the bands cover every value of the density
        assert cs.levels.min() <= zz.min() and cs.levels.max() >= zz.max()
    else:  # several lines inside its range
        assert ((cs.levels > zz.min()) & (cs.levels < zz.max())).sum() >= 5
    assert len(ax.figure.axes) == 2
    assert ax.figure.axes[1].get_ylabel() == "density"
    (points,) = [c for c in ax.collections if c.get_label() == "data"]
    np.testing.assert_allclose(points.get_offsets(), blobs)
    assert _labelled(ax)


def test_contour_rejects_bad_grids(ax):
    with pytest.raises(ValueError, match="grid must hold three 2-D arrays of one shape"):
        plot_kde_contour(ax, (np.zeros((3, 3)), np.zeros((3, 3)), np.zeros((3, 4))))
    with pytest.raises(ValueError, match="grid must be a tuple"):
        plot_kde_contour(ax, np.zeros((2, 3, 3)))
    with pytest.raises(ValueError, match=r"grid must hold three 2-D arrays.*\(3,\)"):
        plot_kde_contour(ax, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="grid contains NaN"):
        plot_kde_contour(ax, (np.zeros((3, 3)), np.zeros((3, 3)), np.full((3, 3), np.nan)))
    with pytest.raises(ValueError, match="levels must be an integer >= 1"):
        plot_kde_contour(ax, kde_grid([[0.0, 0.0]], 1.0, grid_size=5), levels=0)


# --- plot_modes_vs_bandwidth -------------------------------------------------------------------

def test_modes_plot_draws_counts_marks_and_reference(ax):
    hs = np.geomspace(0.1, 10, 7)
    counts = [30, 12, 4, 4, 4, 2, 1]
    line = plot_modes_vs_bandwidth(ax, hs, counts, marks={"Scott": 1.2, "Silverman": 1.5}, true_count=4)
    np.testing.assert_allclose(line.get_xdata(), hs)
    np.testing.assert_allclose(line.get_ydata(), counts)
    assert ax.get_xscale() == "log"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Scott: 1.2" in legend and "Silverman: 1.5" in legend
    assert "groups the data were drawn from (4)" in legend
    assert _labelled(ax)


def test_modes_plot_log_counts_has_plain_tick_labels(ax):
    plot_modes_vs_bandwidth(ax, [0.1, 1.0, 10.0], [200, 4, 1], log_counts=True)
    ax.figure.canvas.draw()
    assert ax.get_yscale() == "log"
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert "10" in labels and "100" in labels
    assert "log scale" in ax.get_ylabel()


def test_modes_plot_rejects_bad_input(ax):
    with pytest.raises(ValueError, match="n_modes has length 2, but bandwidths has length 3"):
        plot_modes_vs_bandwidth(ax, [1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="bandwidths must be positive and strictly increasing"):
        plot_modes_vs_bandwidth(ax, [1, 3, 2], [1, 2, 3])
    with pytest.raises(ValueError, match=r"marks\['x'\] must be a positive finite number"):
        plot_modes_vs_bandwidth(ax, [1, 2], [2, 1], marks={"x": 0.0})


# --- bandwidth_sweep_animation -----------------------------------------------------------------

def test_sweep_animation_has_one_frame_per_bandwidth_and_is_deterministic():
    data = np.array([0.0, 0.3, 2.0, 4.0])
    hs = np.geomspace(0.1, 3, 5)
    html = bandwidth_sweep_animation(data, hs, figsize=(2, 2), dpi=30)
    assert len(re.findall(r"frames\[\d+\] = ", html.data)) == 5
    assert html.data == bandwidth_sweep_animation(data, hs, figsize=(2, 2), dpi=30).data
    assert plt.get_fignums() == []  # the figure is closed, no stray still image
    (img,) = re.findall(r"<img[^>]*>", html.data)
    assert re.search(r'alt="Animation of the density estimate of 4 points as the bandwidth goes from 0.1 to 3', img)


def test_sweep_animation_custom_alt_text_is_escaped():
    html = bandwidth_sweep_animation([0.0, 1.0], [0.5, 1.0], figsize=(2, 2), dpi=30, alt='Two "bumps" & more')
    assert 'alt="Two &quot;bumps&quot; &amp; more"' in html.data


def test_sweep_animation_rejects_bad_bandwidths():
    with pytest.raises(ValueError, match=r"bandwidths\[1\] must be a positive finite number"):
        bandwidth_sweep_animation([0.0, 1.0], [0.5, 0.0])
    with pytest.raises(ValueError, match="data has 2 features, but 1 were expected"):
        bandwidth_sweep_animation([[0.0, 1.0]], [0.5])


# --- added for the chapters' figures (issue 11) --------------------------------------------------

def test_surface_draws_the_points_on_the_surface_in_front_of_it(ax3d, blobs):
    h = 0.6
    grid = kde_grid(blobs, h, grid_size=80)
    surf = plot_kde_surface(ax3d, grid, X=blobs)
    (points,) = [c for c in ax3d.collections if c.get_label() == "data"]
    z = points._offsets3d[2]
    # on the surface: the gridded density at the points, close to the exact estimate there
    exact = kde(blobs, blobs, h)
    assert np.max(np.abs(z - exact)) < 0.02 * exact.max()
    assert not ax3d.computed_zorder and points.get_zorder() > surf.get_zorder()


def test_contours_accept_explicit_levels_for_a_shared_colour_scale(ax, blobs):
    levels = np.linspace(0, 0.5, 11)
    cs = plot_kde_contour(ax, kde_grid(blobs, 0.6, grid_size=30), levels=levels)
    np.testing.assert_allclose(cs.levels, levels)


@pytest.mark.parametrize("levels", [[0.3, 0.1], [1.0], "many", 0, [0.0, np.nan]])
def test_contours_reject_bad_levels(ax, blobs, levels):
    with pytest.raises(ValueError, match="levels must be"):
        plot_kde_contour(ax, kde_grid(blobs, 0.6, grid_size=10), levels=levels)


def test_modes_plot_with_marks_puts_the_legend_outside_the_axes(ax):
    plot_modes_vs_bandwidth(ax, [0.1, 1, 10], [9, 3, 1], marks={"rule": 2.0}, true_count=3,
                            true_label="groups")
    legend = ax.get_legend()
    assert legend.get_bbox_to_anchor().x0 > ax.get_window_extent().x1 - 1  # right of the axes
    assert "groups (3)" in [t.get_text() for t in legend.get_texts()]


def test_sweep_animation_frames_are_large_with_legible_text():
    html = bandwidth_sweep_animation([0.0, 1.0, 3.0], [0.2, 2.0]).data
    import base64
    import struct

    first = re.search(r'frames\[0\] = "data:image/png;base64,([^"]+)"', html).group(1)
    png = base64.b64decode(first)
    width, height = struct.unpack(">II", png[16:24])
    assert width >= 640 and height >= 400
