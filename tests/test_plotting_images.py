"""Tests of the image-chapter plotting helpers: cluster views and labelled RGB clouds."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from msutils.plotting import plot_cluster_views, plot_rgb_cloud  # noqa: E402


@pytest.fixture
def blobs():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(c, 0.3, size=(20, 3)) for c in ([0, 0, 0], [5, 0, 0], [0, 5, 5])])
    return X, np.repeat(np.arange(3), 20)


def test_cluster_views_draw_every_point_in_each_projection(blobs):
    X, labels = blobs
    centres = np.array([X[labels == k].mean(axis=0) for k in range(3)])
    fig, axes = plot_cluster_views(X, [labels, None], centers=[centres, None], titles=["a", "b"])
    try:
        assert axes.shape == (2, 4)
        assert axes[0, 0].name == "3d" and all(ax.name != "3d" for ax in axes[0, 1:])
        # projection j shows the coordinate pair (0,1), (0,2), (1,2) of every point
        for j, (a, b) in enumerate([(0, 1), (0, 2), (1, 2)], start=1):
            points, centre_dots = axes[0, j].collections[:2]
            assert np.allclose(points.get_offsets(), X[:, [a, b]])
            assert np.allclose(centre_dots.get_offsets(), centres[:, [a, b]])
        # one colour per cluster, the same in every panel, and no red (tab10's index 3)
        colours = axes[0, 1].collections[0].get_facecolors()[:, :3]
        assert len({tuple(c.round(3)) for c in colours}) == 3
        red = np.array(plt.get_cmap("tab10").colors[3])
        assert not np.any(np.all(np.isclose(colours, red, atol=1e-3), axis=1))
        assert axes[0, 0].get_title() == "a" and axes[1, 0].get_title() == "b"
        assert len(axes[1, 1].collections) == 1          # no centres on the second row
    finally:
        plt.close(fig)


def test_cluster_views_grey_for_unlabelled_points(blobs):
    X, labels = blobs
    labels = labels.copy()
    labels[:5] = -1
    fig, axes = plot_cluster_views(X, [labels])
    try:
        colours = axes[0, 1].collections[0].get_facecolors()[:, :3]
        assert np.allclose(colours[:5], 0.6)
        assert not np.allclose(colours[5:], 0.6)
    finally:
        plt.close(fig)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"labelings": []}, "at least one"),
        ({"labelings": [np.zeros(3, dtype=int)]}, "60 integers"),
        ({"labelings": [None], "titles": ["a", "b"]}, "one entry per labelling"),
        ({"labelings": [None], "axis_labels": ("x", "y")}, "3 labels"),
    ],
)
def test_cluster_views_reject_bad_arguments(blobs, kwargs, match):
    X, _ = blobs
    with pytest.raises(ValueError, match=match):
        plot_cluster_views(X, **kwargs)
    plt.close("all")


def test_cluster_views_need_three_features():
    with pytest.raises(ValueError, match="3"):
        plot_cluster_views(np.zeros((5, 2)), [None])


def test_rgb_cloud_labels_only_the_chosen_centres():
    fig = plt.figure()
    ax = fig.add_subplot(projection="3d")
    try:
        centres = np.array([[10.0, 10, 10], [200, 30, 30], [30, 200, 30]])
        plot_rgb_cloud(ax, np.zeros((4, 3)), centers=centres, label_centers=[2, 0])
        texts = sorted((t.get_text(), t.get_position()) for t in ax.texts)
        assert [t for t, _ in texts] == ["0", "2"]
        with pytest.raises(ValueError, match="index the 3 centres"):
            plot_rgb_cloud(ax, np.zeros((4, 3)), centers=centres, label_centers=[3])
        with pytest.raises(ValueError, match="needs centers"):
            plot_rgb_cloud(ax, np.zeros((4, 3)), label_centers=[0])
    finally:
        plt.close(fig)


def test_cluster_views_draw_centres_in_front_in_3d(blobs):
    X, labels = blobs
    centres = np.array([X[labels == k].mean(axis=0) for k in range(3)])
    fig, axes = plot_cluster_views(X, [labels], centers=[centres])
    try:
        ax3 = axes[0, 0]
        assert ax3.computed_zorder is False          # drawing order is the order of the calls
        assert ax3.collections[-1].get_label() == "cluster centres"
    finally:
        plt.close(fig)
