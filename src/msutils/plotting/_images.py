"""Plots for image segmentation: pictures, label maps, colour clouds, region ranges."""

from __future__ import annotations

from typing import Any, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.image import AxesImage

from msutils._validation import check_data, check_positive_int
from msutils.plotting._meanshift import label_colors, scatter_clusters

__all__ = [
    "show_image",
    "show_side_by_side",
    "show_labels",
    "label_colors",
    "plot_rgb_cloud",
    "plot_region_ranges",
    "plot_cluster_views",
]


def _check_picture(image: Any, *, name: str = "image") -> np.ndarray:
    arr = np.asarray(image)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}.")
    if not (arr.ndim == 2 or (arr.ndim == 3 and arr.shape[2] in (3, 4))) or arr.size == 0:
        raise ValueError(f"{name} must be an array of shape (H, W), (H, W, 3) or (H, W, 4), got shape {arr.shape}.")
    return arr


def show_image(
    ax: Axes,
    image: Any,
    *,
    title: str = "",
    cmap: Any = None,
    vmin: float | None = None,
    vmax: float | None = None,
    colorbar_label: str | None = None,
) -> AxesImage:
    """Draw a picture (RGB) or a scalar field (2-D, with a colour bar) on ``ax``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    image : array-like of shape (H, W, 3), (H, W, 4) or (H, W)
        RGB(A) pictures are drawn as they are (uint8 0..255 or float 0..1); a
        2-D array is a field drawn with ``cmap``.
    title : str
    cmap : str or Colormap, optional
        Colour map of a 2-D field (default ``"viridis"``).
    vmin, vmax : float, optional
        Range of the colour map.
    colorbar_label : str, optional
        For a 2-D field: add a colour bar with this label (e.g. ``"°C"``).

    Returns
    -------
    matplotlib.image.AxesImage

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> im = show_image(ax, np.eye(4), title="field", colorbar_label="value")
    >>> ax.get_xlabel(), len(fig.axes)  # the colour bar adds an axes
    ('column (pixels)', 2)
    >>> plt.close(fig)
    """
    arr = _check_picture(image)
    if arr.ndim == 2:
        im = ax.imshow(arr, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
        if colorbar_label is not None:
            ax.figure.colorbar(im, ax=ax, label=colorbar_label, shrink=0.85)
    else:
        im = ax.imshow(arr, interpolation="nearest")
    ax.set(title=title, xlabel="column (pixels)", ylabel="row (pixels)")
    return im


def show_side_by_side(
    images: Sequence[Any],
    titles: Sequence[str],
    *,
    cmap: Any = None,
    colorbar_label: str | None = None,
    suptitle: str | None = None,
    figsize: tuple[float, float] | None = None,
) -> tuple[Figure, np.ndarray]:
    """Show pictures next to each other, on one row.

    Parameters
    ----------
    images : sequence of array-like
        Pictures (RGB) or 2-D fields, as accepted by :func:`show_image`.
    titles : sequence of str
        One title per picture.
    cmap, colorbar_label : optional
        Passed to :func:`show_image` for the 2-D fields.
    suptitle : str, optional
        Title of the whole figure.
    figsize : tuple of float, optional
        Default: 4 inches wide per picture, at most 9 inches in all, and 3.6 high.

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : ndarray of Axes

    Examples
    --------
    >>> fig, axes = show_side_by_side([np.zeros((4, 4, 3)), np.ones((4, 4))], ["black", "field"])
    >>> [ax.get_title() for ax in axes]
    ['black', 'field']
    >>> plt.close(fig)
    """
    if len(images) == 0:
        raise ValueError("images is empty; expected at least one picture.")
    if len(titles) != len(images):
        raise ValueError(f"titles must hold one title per image ({len(images)}), got {len(titles)}.")
    n = len(images)
    fig, axes = plt.subplots(1, n, figsize=figsize or (min(9.0, 4.0 * n), 3.6), squeeze=False)
    for ax, image, title in zip(axes[0], images, titles):
        show_image(ax, image, title=title, cmap=cmap, colorbar_label=colorbar_label)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig, axes[0]


def show_labels(ax: Axes, labels: Any, *, title: str = "Segments", colorbar: bool = True) -> AxesImage:
    """Draw a label image, one distinct colour per label, with a colour bar.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    labels : array-like of int, shape (H, W)
        Label of every pixel, 0 to ``n_labels - 1``.
    title : str, default="Segments"
    colorbar : bool, default=True
        Add a colour bar labelled "segment" (one tick per label up to 20
        labels).

    Returns
    -------
    matplotlib.image.AxesImage

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> im = show_labels(ax, np.array([[0, 1], [2, 2]]))
    >>> im.cmap.N, len(fig.axes)
    (3, 2)
    >>> plt.close(fig)
    """
    lab = np.asarray(labels)
    if lab.ndim != 2 or lab.dtype.kind not in "iu" or lab.size == 0:
        raise ValueError(f"labels must be a non-empty 2-D array of integers, got shape {lab.shape}, dtype {lab.dtype}.")
    if lab.min() < 0:
        raise ValueError(f"labels must be non-negative, got a minimum of {lab.min()}.")
    n = int(lab.max()) + 1
    cmap = ListedColormap(label_colors(n), name="labels")
    norm = BoundaryNorm(np.arange(n + 1) - 0.5, n)
    im = ax.imshow(lab, cmap=cmap, norm=norm, interpolation="nearest")
    ax.set(title=title, xlabel="column (pixels)", ylabel="row (pixels)")
    if colorbar:
        ticks = np.arange(n) if n <= 20 else None
        cbar = ax.figure.colorbar(im, ax=ax, ticks=ticks, shrink=0.85)
        cbar.set_label("segment")
    return im


def plot_rgb_cloud(
    ax: Axes,
    pixels: Any,
    *,
    centers: Any = None,
    max_points: int = 4000,
    seed: int = 0,
    size: float = 4,
    title: str = "Pixels in RGB space",
    label_centers: Sequence[int] | None = None,
):
    """Scatter pixels as points in RGB space, each drawn in its own colour.

    Parameters
    ----------
    ax : 3-D matplotlib axes (``projection="3d"``)
    pixels : array-like of shape (n, 3)
        RGB values in 0..255 (e.g. ``to_pixels(image)``).
    centers : array-like of shape (k, 3), optional
        Cluster centres, drawn large in their own colour with a black edge.
    max_points : int, default=4000
        Draw a random subset of at most this many pixels (seeded).
    seed : int, default=0
        Seed of the subset.
    size : float, default=4
        Marker area of the pixels.
    title : str
    label_centers : sequence of int, optional
        Indices of centres to annotate with their cluster number (e.g. the
        centres far from a palette); needs ``centers``.

    Returns
    -------
    points, centers : PathCollection, PathCollection or None

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> ax = fig.add_subplot(projection="3d")
    >>> pts, ctr = plot_rgb_cloud(ax, np.random.default_rng(0).uniform(0, 255, (9000, 3)),
    ...                           centers=[[10, 20, 30]], max_points=500)
    >>> len(pts.get_offsets()), ax.get_xlabel()
    (500, 'red')
    >>> _ = plot_rgb_cloud(ax, [[0, 0, 0], [9, 9, 9]], centers=[[1, 2, 3], [200, 9, 9]], label_centers=[1])
    >>> [t.get_text() for t in ax.texts]
    ['1']
    >>> plt.close(fig)
    """
    pts = check_data(pixels, name="pixels", n_features=3)
    max_points = check_positive_int(max_points, name="max_points")
    if pts.shape[0] > max_points:
        keep = np.sort(np.random.default_rng(seed).choice(pts.shape[0], size=max_points, replace=False))
        pts = pts[keep]
    ctr = None if centers is None else check_data(centers, name="centers", n_features=3)
    marked: list[int] = []
    if label_centers is not None:
        if ctr is None:
            raise ValueError("label_centers needs centers: pass the cluster centres too.")
        marked = [int(i) for i in np.asarray(label_centers, dtype=np.int64).ravel()]
        bad = [i for i in marked if not 0 <= i < ctr.shape[0]]
        if bad:
            raise ValueError(
                f"label_centers must index the {ctr.shape[0]} centres (0 to {ctr.shape[0] - 1}), got {bad}."
            )
    artists = scatter_clusters(
        ax,
        pts,
        centers=ctr,
        color=np.clip(pts / 255.0, 0, 1),
        center_color=None if ctr is None else np.clip(ctr / 255.0, 0, 1),
        size=size,
        center_size=160,
        title=title,
        axis_labels=("red", "green", "blue"),
    )
    for setter in (ax.set_xlim, ax.set_ylim, ax.set_zlim):
        setter(0, 255)
    for i in marked:
        ax.text(*(ctr[i] + 12.0), str(i), fontsize=11, fontweight="bold", color="black",
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.8, "linewidth": 0})
    return artists


def plot_region_ranges(
    ax: Axes,
    stats: dict[str, np.ndarray],
    *,
    colors: Any = None,
    bands: Any = None,
    ylabel: str = "temperature (°C)",
    title: str = "Temperature range of each segment",
) -> None:
    """Draw each region's range of a scalar field, from :func:`msutils.segmentation.region_stats`.

    A thin line spans the minimum to the maximum, a thick bar the 5th to the
    95th percentile, a white dot marks the median; regions are placed from
    left to right in the order of ``stats`` (by median).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    stats : dict of ndarray
        Output of :func:`~msutils.segmentation.region_stats`.
    colors : array-like of shape (n_labels, 3), optional
        Colour of each label (RGB in 0..1), e.g. the clusters' centres / 255.
    bands : array-like of float, optional
        Values at which to draw faint horizontal lines (e.g. band edges).
    ylabel, title : str

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from msutils.segmentation import region_stats
    >>> fig, ax = plt.subplots()
    >>> plot_region_ranges(ax, region_stats([[0, 0, 1]], [[1.0, 3.0, 10.0]]))
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['0', '1']
    >>> plt.close(fig)
    """
    keys = ("label", "min", "p05", "median", "p95", "max")
    if not isinstance(stats, dict) or any(k not in stats for k in keys):
        raise ValueError(f"stats must be the dict returned by region_stats, with keys {keys}.")
    labels = np.asarray(stats["label"])
    x = np.arange(labels.size)
    palette = None if colors is None else np.asarray(colors, dtype=np.float64)
    if palette is not None and (palette.ndim != 2 or palette.shape[0] <= labels.max()):
        raise ValueError(f"colors must have one row per label (at least {labels.max() + 1}), got shape {palette.shape}.")
    col = [palette[k] if palette is not None else "C0" for k in labels]
    if bands is not None:
        for b in np.asarray(bands, dtype=np.float64):
            ax.axhline(b, color="0.85", lw=0.8, zorder=0)
    ax.vlines(x, stats["min"], stats["max"], colors="0.3", lw=1)
    ax.vlines(x, stats["p05"], stats["p95"], colors=col, lw=8)
    ax.scatter(x, stats["median"], s=18, color="white", edgecolor="black", zorder=3, label="median")
    ax.set_xticks(x, [str(k) for k in labels])
    ax.set(title=title, xlabel="segment (sorted by median)", ylabel=ylabel)


# Cluster colours for scatter plots: tab10 without its red (index 3, moved last), so that no cluster
# looks like another of a similar hue at small k (orange next to red) and the centres, drawn white with
# a black edge, stand out on every cluster.
_VIEW_ORDER = (0, 1, 2, 4, 9, 6, 5, 8, 7, 3)


def _view_colors(labels: np.ndarray) -> np.ndarray:
    n = int(labels.max()) + 1 if labels.size and labels.max() >= 0 else 1
    base = np.asarray(plt.get_cmap("tab10").colors)[list(_VIEW_ORDER)] if n <= 10 else label_colors(n)
    grey = np.array([0.6, 0.6, 0.6])
    return np.array([base[lab] if lab >= 0 else grey for lab in labels])


def plot_cluster_views(
    X: Any,
    labelings: Sequence[Any],
    *,
    centers: Sequence[Any] | None = None,
    titles: Sequence[str] | None = None,
    axis_labels: Sequence[str] = ("$x_1$", "$x_2$", "$x_3$"),
    size: float = 14,
    row_height: float = 3.2,
) -> tuple[Figure, np.ndarray]:
    """Show 3-D points four ways: a 3-D scatter and its three 2-D projections.

    One row per labelling: the 3-D view first, then the projections on
    (x1, x2), (x1, x3) and (x2, x3), where groups that overlap in the 3-D
    picture come apart.  Points take their cluster's colour (label -1, "no
    cluster", is grey); centres are large white dots with a black edge.

    Parameters
    ----------
    X : array-like of shape (n_samples, 3)
    labelings : sequence of (array-like of int of shape (n_samples,) or None)
        One labelling per row; None draws every point in one colour.
    centers : sequence of (array-like of shape (k, 3) or None), optional
        Centres to draw on each row.
    titles : sequence of str, optional
        Title of each row (written above its 3-D view).
    axis_labels : sequence of 3 str
    size : float, default=14
        Marker area of the points.
    row_height : float, default=3.2
        Height of one row, inches (the figure is 13 inches wide).

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : ndarray of Axes, shape (n_rows, 4)

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> X = np.random.default_rng(0).normal(size=(30, 3))
    >>> fig, axes = plot_cluster_views(X, [np.arange(30) % 2], centers=[X[:2]], titles=["two"])
    >>> axes.shape, axes[0, 0].name, axes[0, 1].get_xlabel(), axes[0, 3].get_ylabel()
    ((1, 4), '3d', '$x_1$', '$x_3$')
    >>> plt.close(fig)
    """
    pts = check_data(X, name="X", n_features=3)
    rows = list(labelings)
    if not rows:
        raise ValueError("labelings is empty; expected at least one labelling (or None).")
    ctrs = [None] * len(rows) if centers is None else list(centers)
    names = [""] * len(rows) if titles is None else list(titles)
    if len(ctrs) != len(rows) or len(names) != len(rows):
        raise ValueError(
            f"centers and titles must have one entry per labelling ({len(rows)}), got {len(ctrs)} and {len(names)}."
        )
    axis_labels = list(axis_labels)
    if len(axis_labels) != 3:
        raise ValueError(f"axis_labels must hold 3 labels, got {len(axis_labels)}.")
    fig = plt.figure(figsize=(13, row_height * len(rows)))
    grid = fig.add_gridspec(len(rows), 4, width_ratios=(1.6, 1, 1, 1))
    axes = np.empty((len(rows), 4), dtype=object)
    pairs = [(0, 1), (0, 2), (1, 2)]
    for r, (lab, ctr, name) in enumerate(zip(rows, ctrs, names)):
        if lab is None:
            colors: Any = "C0"
        else:
            lab = np.asarray(lab)
            if lab.shape != (pts.shape[0],) or lab.dtype.kind not in "iu":
                raise ValueError(
                    f"each labelling must be a 1-D array of {pts.shape[0]} integers, "
                    f"got shape {lab.shape} and dtype {lab.dtype}."
                )
            colors = _view_colors(lab)
        c = None if ctr is None else check_data(ctr, name="centers", n_features=3)
        ax3 = fig.add_subplot(grid[r, 0], projection="3d")
        # draw in the order given, so that the centres (drawn last) are never hidden behind points:
        # with the default computed_zorder=True, mplot3d orders artists by depth and ignores zorder
        ax3.computed_zorder = False
        scatter_clusters(ax3, pts, color=colors, size=size, title=name, axis_labels=axis_labels)
        if c is not None:
            ax3.scatter(*c.T, s=150, color="white", edgecolor="black", linewidth=1.5, depthshade=False,
                        label="cluster centres")
        ax3.set_box_aspect(None, zoom=1.0)
        axes[r, 0] = ax3
        for j, (a, b) in enumerate(pairs, start=1):
            ax = fig.add_subplot(grid[r, j])
            scatter_clusters(ax, pts[:, [a, b]], color=colors, size=size,
                             title=f"seen along {axis_labels[3 - a - b]}",
                             axis_labels=(axis_labels[a], axis_labels[b]))
            if c is not None:
                ax.scatter(c[:, a], c[:, b], s=110, color="white", edgecolor="black", linewidth=1.5, zorder=3)
            ax.set_aspect("equal", adjustable="datalim")
            axes[r, j] = ax
    fig.tight_layout()
    return fig, axes
