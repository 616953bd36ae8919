"""Tests of msutils.plotting._meanshift, on synthetic trajectories."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgba

from msutils.plotting._meanshift import (
    _frame_steps,
    climb_animation,
    plot_paths,
    plot_shift_norms,
    scatter_clusters,
)


def geometric_paths(starts, n_steps, ratio=0.5, mode=(0.0, 0.0)):
    """Trajectories that halve their distance to ``mode`` at every step."""
    mode = np.asarray(mode, dtype=float)
    return [mode + (np.asarray(s, float) - mode) * ratio ** np.arange(n + 1)[:, None]
            for s, n in zip(starts, n_steps)]


@pytest.fixture
def background():
    x = np.linspace(-3, 3, 30)
    xx, yy = np.meshgrid(x, np.linspace(-2, 2, 20))
    return xx, yy, np.exp(-0.5 * (xx**2 + yy**2))


# --- plot_paths -------------------------------------------------------------------------------

def test_plot_paths_one_line_per_path_through_its_points(ax):
    paths = geometric_paths([(2, 1), (-1, 3), (0.5, -2)], [4, 6, 2])
    lines = plot_paths(ax, paths)
    assert len(lines) == 3
    for line, p in zip(lines, paths):
        np.testing.assert_array_equal(line.get_xydata(), p)
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


def test_plot_paths_marks_where_each_path_stopped(ax):
    paths = geometric_paths([(2, 1), (-1, 3)], [3, 5], mode=(1.0, -1.0))
    plot_paths(ax, paths, end_color="red")
    ends = [c for c in ax.collections if c.get_label() == "where it stopped"]
    assert len(ends) == 1
    np.testing.assert_allclose(ends[0].get_offsets(), [p[-1] for p in paths])


def test_plot_paths_with_data_and_background_adds_contours_and_colorbar(ax, background):
    X = np.array([[0.0, 0.0], [1.0, 1.0], [-1.0, 0.5]])
    plot_paths(ax, geometric_paths([(2, 1)], [3]), X=X, background=background)
    data = [c for c in ax.collections if c.get_label() == "data"]
    np.testing.assert_array_equal(data[0].get_offsets(), X)
    assert len(ax.figure.axes) == 2  # the colour bar's axes
    assert ax.figure.axes[1].get_ylabel() == "density"


def test_plot_paths_without_colorbar(ax, background):
    plot_paths(ax, geometric_paths([(2, 1)], [3]), background=background, colorbar=False)
    assert len(ax.figure.axes) == 1


def test_plot_paths_rejects_3d_paths(ax):
    with pytest.raises(ValueError, match=r"paths\[0\] has 3 features, but 2 were expected"):
        plot_paths(ax, [np.zeros((3, 3))])


def test_plot_paths_rejects_mixed_dimensions(ax):
    with pytest.raises(ValueError, match=r"paths\[1\] has 3 features"):
        plot_paths(ax, [np.zeros((3, 2)), np.zeros((2, 3))])


def test_plot_paths_rejects_a_single_array_of_points(ax):
    with pytest.raises(TypeError, match="paths must be a list of arrays"):
        plot_paths(ax, "not paths")


def test_plot_paths_rejects_empty_list(ax):
    with pytest.raises(ValueError, match="paths is empty"):
        plot_paths(ax, [])


def test_plot_paths_rejects_nan_in_a_path(ax):
    with pytest.raises(ValueError, match=r"paths\[0\] contains NaN"):
        plot_paths(ax, [np.array([[0.0, np.nan]])])


def test_plot_paths_rejects_bad_background(ax):
    xx, yy = np.meshgrid(np.arange(4.0), np.arange(3.0))
    with pytest.raises(ValueError, match="grid must hold three 2-D arrays of one shape"):
        plot_paths(ax, geometric_paths([(2, 1)], [3]), background=(xx, yy, np.zeros((4, 3))))
    with pytest.raises(ValueError, match="grid must be a tuple"):
        plot_paths(ax, geometric_paths([(2, 1)], [3]), background=(xx, yy))


# --- climb_animation ----------------------------------------------------------------------------

@pytest.mark.parametrize(("n_steps", "max_frames"), [(1, 40), (5, 40), (40, 40), (41, 40), (300, 40),
                                                      (300, 7)])
def test_frame_steps_span_first_to_last_within_the_budget(n_steps, max_frames):
    steps = _frame_steps(n_steps, max_frames)
    assert steps[0] == 0 and steps[-1] == n_steps - 1
    assert len(steps) == min(n_steps, max_frames)
    assert np.all(np.diff(steps) > 0)


def n_frames(html) -> int:
    return len(re.findall(r"frames\[\d+\] = ", html.data))


def test_climb_animation_shows_every_step_of_short_paths():
    paths = geometric_paths([(2, 1), (-1, 3)], [4, 7])  # longest path: 8 positions
    html = climb_animation(np.zeros((2, 2)), paths, figsize=(2, 2), dpi=30)
    assert n_frames(html) == 8
    assert plt.get_fignums() == []  # the figure was closed, no stray still image


def test_climb_animation_caps_the_number_of_frames(background):
    paths = geometric_paths([(2, 1), (-1, 3)], [100, 60], ratio=0.95)
    html = climb_animation(np.zeros((2, 2)), paths, background=background, max_frames=12,
                           figsize=(2, 2), dpi=30)
    assert n_frames(html) == 12


def test_climb_animation_is_deterministic():
    paths = geometric_paths([(2, 1), (-1, 3)], [4, 7])
    a = climb_animation(np.zeros((2, 2)), paths, figsize=(2, 2), dpi=30).data
    b = climb_animation(np.zeros((2, 2)), paths, figsize=(2, 2), dpi=30).data
    assert a == b


def test_climb_animation_puts_the_alt_text_on_the_player_image():
    paths = geometric_paths([(2, 1)], [3])
    data = climb_animation(np.zeros((1, 2)), paths, figsize=(2, 2), dpi=30, alt='Points "climb" <uphill>').data
    imgs = re.findall(r"<img[^>]*>", data)
    assert len(imgs) == 1
    assert 'alt="Points &quot;climb&quot; &lt;uphill&gt;"' in imgs[0]


def test_climb_animation_rejects_empty_alt():
    with pytest.raises(ValueError, match="alt must be a non-empty description"):
        climb_animation(np.zeros((1, 2)), geometric_paths([(2, 1)], [3]), alt="  ")


def test_climb_animation_rejects_3d_data():
    with pytest.raises(ValueError, match="X has 3 features, but 2 were expected"):
        climb_animation(np.zeros((2, 3)), geometric_paths([(2, 1)], [3]))


def test_climb_animation_rejects_zero_frames():
    with pytest.raises(ValueError, match="max_frames must be an integer >= 1"):
        climb_animation(np.zeros((2, 2)), geometric_paths([(2, 1)], [3]), max_frames=0)


# --- plot_shift_norms ---------------------------------------------------------------------------

def test_plot_shift_norms_plots_step_lengths_per_iteration_on_log_scale(ax):
    paths = geometric_paths([(3, 4), (0, 1)], [4, 2])  # step lengths 2.5, 1.25, ... and 0.5, 0.25
    lines = plot_shift_norms(ax, paths, bandwidth=2.0, label="run")
    assert len(lines) == 2
    np.testing.assert_allclose(lines[0].get_xdata(), [1, 2, 3, 4])
    np.testing.assert_allclose(lines[0].get_ydata(), [2.5, 1.25, 0.625, 0.3125])
    np.testing.assert_allclose(lines[1].get_ydata(), [0.5, 0.25])
    assert ax.get_yscale() == "log"
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert lines[0].get_label() == "run" and lines[1].get_label() == "_nolegend_"


def test_plot_shift_norms_draws_the_stopping_threshold_once(ax):
    paths = geometric_paths([(3, 4)], [4])
    plot_shift_norms(ax, paths, bandwidth=2.0, tol=1e-3)
    plot_shift_norms(ax, paths, bandwidth=2.0, tol=1e-3, color="C1")
    thresholds = [line for line in ax.lines if "stopping threshold" in line.get_label()]
    assert len(thresholds) == 1
    assert thresholds[0].get_ydata()[0] == pytest.approx(2e-3)


def test_plot_shift_norms_marks_zero_steps_instead_of_dropping_them_silently(ax):
    path = np.array([[4.0, 0.0], [1.0, 0.0], [1.0, 0.0]])  # second step has length 0
    (line,) = plot_shift_norms(ax, [path], bandwidth=1.0)
    np.testing.assert_array_equal(line.get_xdata(), [1])
    zeros = [c for c in ax.collections if c.get_label().startswith("step of length 0")]
    assert len(zeros) == 1
    np.testing.assert_array_equal(zeros[0].get_offsets()[:, 0], [2])


def test_plot_shift_norms_counts_rounding_level_steps_as_zero(ax):
    # a rounding-level step (1e-16) is a zero step; a 1e-9 step (above 1e-12 h) is drawn
    path = np.array([[4.0, 0.0], [1.0, 0.0], [1.0, 1e-9], [1.0, 1e-9 + 1e-16]])
    (line,) = plot_shift_norms(ax, [path], bandwidth=1.0)
    np.testing.assert_array_equal(line.get_xdata(), [1, 2])
    np.testing.assert_allclose(line.get_ydata(), [3.0, 1e-9])
    zeros = [c for c in ax.collections if c.get_label().startswith("step of length 0")]
    np.testing.assert_array_equal(zeros[0].get_offsets()[:, 0], [3])


def test_plot_shift_norms_zero_tol_is_relative_to_the_bandwidth(ax):
    path = np.array([[0.0, 0.0], [1.0, 0.0], [1.0 + 1e-9, 0.0]])
    (line,) = plot_shift_norms(ax, [path], bandwidth=1e4, zero_tol=1e-12)  # 1e-9 <= 1e-8: zero
    np.testing.assert_array_equal(line.get_xdata(), [1])
    (line,) = plot_shift_norms(ax, [path], bandwidth=1.0, zero_tol=1e-12)  # 1e-9 > 1e-12: drawn
    np.testing.assert_array_equal(line.get_xdata(), [1, 2])


def test_plot_shift_norms_rejects_zero_tol_not_below_tol(ax):
    with pytest.raises(ValueError, match=r"zero_tol must be a number in \[0, tol\)"):
        plot_shift_norms(ax, geometric_paths([(3, 4)], [4]), bandwidth=1.0, zero_tol=1e-3)


def test_plot_shift_norms_skips_paths_that_never_moved(ax):
    lines = plot_shift_norms(ax, [np.zeros((1, 2)), np.array([[1.0, 0], [0, 0]])], bandwidth=1.0)
    assert len(lines) == 1


def test_plot_shift_norms_rejects_bad_bandwidth(ax):
    with pytest.raises(ValueError, match="bandwidth must be a positive finite number"):
        plot_shift_norms(ax, geometric_paths([(3, 4)], [4]), bandwidth=0)


# --- scatter_clusters ---------------------------------------------------------------------------

def test_scatter_clusters_3d_points_and_centres(ax3d):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3))
    centers = np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
    points, ctr = scatter_clusters(ax3d, X, centers=centers, color="green", center_color="red",
                                   title="Estimated number of clusters: 2")
    np.testing.assert_allclose(np.column_stack(points._offsets3d), X)
    np.testing.assert_allclose(np.column_stack(ctr._offsets3d), centers)
    np.testing.assert_allclose(points.get_facecolor()[0][:3], to_rgba("green")[:3])
    assert ax3d.get_title() == "Estimated number of clusters: 2"
    assert ax3d.get_xlabel() and ax3d.get_ylabel() and ax3d.get_zlabel()


def test_scatter_clusters_colours_by_label(ax):
    X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [9.0, 9.0]])
    points, ctr = scatter_clusters(ax, X, labels=[0, 0, 1, -1])
    assert ctr is None
    fc = points.get_facecolor()
    np.testing.assert_array_equal(fc[0], fc[1])
    assert not np.array_equal(fc[0], fc[2])
    np.testing.assert_allclose(fc[3][:3], [0.6, 0.6, 0.6])  # label -1: no cluster, grey
    assert ax.get_title() and ax.get_xlabel() == "$x_1$"


def test_scatter_clusters_custom_axis_labels(ax3d):
    scatter_clusters(ax3d, np.zeros((2, 3)), axis_labels=["R", "G", "B"])
    assert (ax3d.get_xlabel(), ax3d.get_ylabel(), ax3d.get_zlabel()) == ("R", "G", "B")


def test_scatter_clusters_rejects_3d_data_on_2d_axes(ax):
    with pytest.raises(ValueError, match="projection='3d'"):
        scatter_clusters(ax, np.zeros((4, 3)))


def test_scatter_clusters_rejects_2d_data_on_3d_axes(ax3d):
    with pytest.raises(ValueError, match="X has 2 features but ax is a 3-D axes"):
        scatter_clusters(ax3d, np.zeros((4, 2)))


def test_scatter_clusters_rejects_too_many_features(ax):
    with pytest.raises(ValueError, match="X must have 2 or 3 features"):
        scatter_clusters(ax, np.zeros((4, 5)))


def test_scatter_clusters_rejects_labels_of_wrong_length(ax):
    with pytest.raises(ValueError, match="labels must be a 1-D array of 4 integers"):
        scatter_clusters(ax, np.zeros((4, 2)), labels=[0, 1])


def test_scatter_clusters_rejects_centres_of_wrong_dimension(ax):
    with pytest.raises(ValueError, match="centers has 3 features, but 2 were expected"):
        scatter_clusters(ax, np.zeros((4, 2)), centers=np.zeros((1, 3)))


def test_scatter_clusters_rejects_wrong_number_of_axis_labels(ax):
    with pytest.raises(ValueError, match="axis_labels must hold 2 labels"):
        scatter_clusters(ax, np.zeros((4, 2)), axis_labels=["a"])


# --- plot_shift_norms summary, outlines, animation size, one step, shadow pair --------------------

from msutils.density import kde, kde_gradient  # noqa: E402
from msutils.plotting._meanshift import plot_mean_shift_step, plot_shadow_pair  # noqa: E402


def test_shift_norms_summary_draws_the_median_and_a_band(ax):
    paths = geometric_paths([(4, 0), (2, 0), (1, 0)], [3, 3, 2])
    (median,) = plot_shift_norms(ax, paths, bandwidth=1.0, summary=True, label="run")
    # step t of a halving path from s has length s * 2**-t
    np.testing.assert_allclose(median.get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(median.get_ydata(), [1.0, 0.5, 0.375])  # median of 3 at steps 1-2, of 2 at 3
    assert any(c.get_label() == "10th to 90th percentile (run)" for c in ax.collections)


def test_shift_norms_relative_divides_by_the_bandwidth(ax):
    path = np.array([[8.0, 0.0], [4.0, 0.0], [3.0, 0.0]])
    (line,) = plot_shift_norms(ax, [path], bandwidth=2.0, relative=True)
    np.testing.assert_allclose(line.get_ydata(), [2.0, 0.5])
    threshold = [ln for ln in ax.lines if ln.get_gid() == "msutils-stopping-threshold"]
    assert threshold[0].get_ydata()[0] == pytest.approx(1e-3)
    assert ax.get_ylabel().endswith("/ h$")


def test_paths_have_a_dark_outline(ax):
    (line,) = plot_paths(ax, geometric_paths([(2, 1)], [3]))
    assert line.get_path_effects()


def test_climb_animation_frames_are_at_least_640_pixels_wide():
    import base64
    import struct

    html = climb_animation(np.zeros((1, 2)), geometric_paths([(1, 1)], [2])).data
    first = re.search(r'frames\[0\] = "data:image/png;base64,([^"]+)"', html).group(1)
    width, _ = struct.unpack(">II", base64.b64decode(first)[16:24])
    assert width >= 640


@pytest.mark.parametrize("kernel", ["flat", "gaussian"])
@pytest.mark.parametrize("d", [1, 2])
def test_one_step_figure_returns_the_weighted_mean_and_the_shadow_gradient(ax, kernel, d):
    rng = np.random.default_rng(1)
    data = rng.normal(size=(40, d))
    x = np.full(d, 0.4)
    h = 1.2
    parts = plot_mean_shift_step(ax, data if d == 2 else data[:, 0], x, h, kernel=kernel)
    r2 = np.sum((data - x) ** 2, axis=1) / h**2
    w = (r2 <= 1).astype(float) if kernel == "flat" else np.exp(-0.5 * r2)
    np.testing.assert_allclose(parts["mean"], w @ data / w.sum())
    np.testing.assert_allclose(parts["shift"], parts["mean"] - x)
    shadow = "epanechnikov" if kernel == "flat" else "gaussian"
    np.testing.assert_allclose(parts["gradient"], kde_gradient(x[None], data, h, kernel=shadow)[0])
    # the step points along the gradient (Cheng 1995): the cosine between them is 1
    cos = parts["shift"] @ parts["gradient"] / np.linalg.norm(parts["shift"]) / np.linalg.norm(parts["gradient"])
    assert cos == pytest.approx(1.0, abs=1e-12)
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "$m(x)$" in labels and "$x$" in labels


def test_one_step_figure_rejects_bad_input(ax):
    with pytest.raises(ValueError, match="1 or 2 features"):
        plot_mean_shift_step(ax, np.zeros((5, 3)), np.zeros(3), 1.0)
    with pytest.raises(ValueError, match="kernel must be 'flat' or 'gaussian'"):
        plot_mean_shift_step(ax, [0.0, 1.0], 0.0, 1.0, kernel="biweight")
    with pytest.raises(ValueError, match="holds no data"):
        plot_mean_shift_step(ax, [0.0, 1.0], 10.0, 1.0)
    with pytest.raises(ValueError, match="x"):
        plot_mean_shift_step(ax, np.zeros((5, 2)), [0.0, 0.0, 0.0], 1.0)


@pytest.mark.parametrize("kernel, factor", [("flat", 1.0), ("epanechnikov", 2.0)])
def test_shadow_pair_slope_is_minus_the_weights(kernel, factor):
    fig, axes = plt.subplots(1, 2)
    g, k = plot_shadow_pair(axes, kernel)
    r, gy = g.get_xydata().T
    _, ky = k.get_xydata().T
    inside = (r > 0.01) & (r < 0.99)
    slope = np.gradient(ky, r)[inside]
    np.testing.assert_allclose(slope, -factor * gy[inside], atol=1e-6)
    plt.close(fig)
    with pytest.raises(ValueError, match="kernel must be"):
        plot_shadow_pair(axes, "gaussian")


def test_3d_centres_are_drawn_in_front_of_the_points(ax3d):
    X = np.random.default_rng(0).normal(size=(30, 3))
    pts, ctr = scatter_clusters(ax3d, X, labels=np.zeros(30, dtype=int), centers=[[0.0, 0.0, 0.0]])
    assert not ax3d.computed_zorder and ctr.get_zorder() > pts.get_zorder()
