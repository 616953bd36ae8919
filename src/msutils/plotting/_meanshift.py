"""Plots of mean shift at work: trajectories, convergence and clusters.

The helpers take the trajectories recorded by
``MeanShift(record_paths=True).paths_`` — one array of shape
``(n_steps + 1, d)`` per seed, from the seed to its converged mode — and the
grid ``(xx, yy, zz)`` returned by :func:`msutils.density.kde_grid`.
"""

from __future__ import annotations

import colorsys
from typing import Any, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.transforms import blended_transform_factory

from msutils._validation import check_bandwidth, check_data, check_positive_int
from msutils.plotting._density import plot_kde_contour

__all__ = ["plot_paths", "climb_animation", "plot_shift_norms", "scatter_clusters", "label_colors"]

_THRESHOLD_GID = "msutils-stopping-threshold"


def _check_paths(paths: Any, *, n_features: int | None = None) -> list[np.ndarray]:
    """Return ``paths`` as a list of finite float arrays of shape (n_steps + 1, d)."""
    if isinstance(paths, np.ndarray) and paths.ndim == 3:
        paths = list(paths)
    if not isinstance(paths, (list, tuple)):
        raise TypeError(
            "paths must be a list of arrays of shape (n_steps + 1, n_features), one per seed, "
            f"got {type(paths).__name__}."
        )
    if len(paths) == 0:
        raise ValueError("paths is empty; expected at least one trajectory.")
    out = [check_data(p, name=f"paths[{i}]") for i, p in enumerate(paths)]
    d = out[0].shape[1] if n_features is None else n_features
    for i, p in enumerate(out):
        if p.shape[1] != d:
            raise ValueError(f"paths[{i}] has {p.shape[1]} features, but {d} were expected.")
    return out


def plot_paths(
    ax: Axes,
    paths: Sequence[np.ndarray],
    *,
    X: np.ndarray | None = None,
    background: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    levels: int = 12,
    cmap: str = "viridis",
    colorbar: bool = True,
    color: str = "white",
    end_color: str = "red",
    title: str = "Mean shift trajectories",
    xlabel: str = "$x_1$",
    ylabel: str = "$x_2$",
) -> list[Line2D]:
    """Draw 2-D mean shift trajectories, optionally over a density contour plot.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    paths : list of ndarray of shape (n_steps + 1, 2)
        One trajectory per seed, from the seed to where it stopped
        (``MeanShift(record_paths=True).paths_``).
    X : array-like of shape (n_samples, 2), optional
        The data, drawn as small black dots.
    background : tuple (xx, yy, zz) of 2-D arrays, optional
        A density on a grid (as returned by :func:`msutils.density.kde_grid`),
        drawn as filled contours with a colour bar by
        :func:`msutils.plotting.plot_kde_contour`.
    levels : int, default=12
        Number of contour levels.
    cmap : str, default="viridis"
        Colour map of the contours.
    colorbar : bool, default=True
        Add a colour bar for the contours.
    color, end_color : str
        Colour of the trajectories and of the end points (crosses).
    title, xlabel, ylabel : str
        Title and axis labels.

    Returns
    -------
    list of matplotlib.lines.Line2D
        One line per trajectory, in the order of ``paths``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> fig, ax = plt.subplots()
    >>> paths = [np.array([[1.0, 1.0], [0.5, 0.5], [0.0, 0.0]])]
    >>> lines = plot_paths(ax, paths)
    >>> len(lines), lines[0].get_xydata().shape
    (1, (3, 2))
    >>> plt.close(fig)
    """
    paths = _check_paths(paths, n_features=2)
    if background is not None:
        plot_kde_contour(ax, background, X=X, levels=levels, cmap=cmap, colorbar=colorbar)
    elif X is not None:
        X = check_data(X, n_features=2)
        ax.scatter(X[:, 0], X[:, 1], s=10, color="black", zorder=3, label="data")
    lines = []
    for i, p in enumerate(paths):
        (line,) = ax.plot(p[:, 0], p[:, 1], color=color, lw=0.8, alpha=0.8, zorder=3,
                          label="trajectory" if i == 0 else "_nolegend_")
        lines.append(line)
    ends = np.array([p[-1] for p in paths])
    ax.scatter(ends[:, 0], ends[:, 1], marker="x", s=40, color=end_color, zorder=4,
               label="where it stopped")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return lines


def _frame_steps(n_steps: int, max_frames: int) -> np.ndarray:
    """At most ``max_frames`` step indices from 0 to ``n_steps - 1``, both included."""
    return np.unique(np.round(np.linspace(0, n_steps - 1, min(max_frames, n_steps))).astype(int))


def climb_animation(
    X: np.ndarray,
    paths: Sequence[np.ndarray],
    *,
    background: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    max_frames: int = 40,
    figsize: tuple[float, float] = (6, 4),
    dpi: int = 70,
    interval: int = 150,
    levels: int = 12,
    cmap: str = "viridis",
    title: str = "Points climbing the density",
    xlabel: str = "$x_1$",
    ylabel: str = "$x_2$",
    alt: str = "Animation: points moving uphill on a density, one mean shift step per frame.",
):
    r"""Animate 2-D points moving uphill, one mean shift step per frame.

    Frame ``t`` shows every seed at step ``t`` of its trajectory (a seed that
    has already stopped stays where it stopped).  When the longest trajectory
    has more steps than ``max_frames``, evenly spaced steps are shown, always
    including the first and the last.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        The data, drawn as faint grey dots in every frame.
    paths : list of ndarray of shape (n_steps + 1, 2)
        One trajectory per seed (``MeanShift(record_paths=True).paths_``).
    background : tuple (xx, yy, zz) of 2-D arrays, optional
        A density on a grid, drawn as filled contours (with a colour bar).
    max_frames : int, default=40
        The largest number of frames.
    figsize : tuple of float, default=(6, 4)
        Figure size in inches.
    dpi : int, default=70
        Resolution of the frames; with ``figsize`` it sets the HTML size.
    interval : int, default=150
        Delay between frames, in milliseconds.
    levels, cmap :
        Contour levels and colour map of the background.
    title, xlabel, ylabel : str
        Title (the step number is appended) and axis labels.
    alt : str
        Text alternative put on the player's image, for screen readers and for
        readers who cannot see the animation.

    Returns
    -------
    IPython.display.HTML
        A self-contained player (see :func:`msutils.plotting.animation_html`).

    Examples
    --------
    >>> import numpy as np
    >>> paths = [np.array([[1.0, 1.0], [0.5, 0.5], [0.0, 0.0]])]
    >>> html = climb_animation(np.zeros((1, 2)), paths, figsize=(2, 2), dpi=30)
    >>> import re
    >>> len(re.findall(r"frames\[\d+\] = ", html.data))  # one frame per step
    3
    """
    from matplotlib.animation import FuncAnimation

    from msutils.plotting._animation import animation_html

    X = check_data(X, n_features=2)
    paths = _check_paths(paths, n_features=2)
    max_frames = check_positive_int(max_frames, name="max_frames")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a non-empty description of the animation.")
    n_steps = max(len(p) for p in paths)
    steps = _frame_steps(n_steps, max_frames)

    def positions(t: int) -> np.ndarray:
        return np.array([p[min(t, len(p) - 1)] for p in paths])

    fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
    if background is not None:
        plot_kde_contour(ax, background, levels=levels, cmap=cmap)
    ax.scatter(X[:, 0], X[:, 1], s=4, color="0.6", zorder=2)
    start = positions(0)
    moving = ax.scatter(start[:, 0], start[:, 1], s=14, color="red", edgecolor="white",
                        linewidth=0.4, zorder=3)
    ax.set(xlabel=xlabel, ylabel=ylabel)
    ax.set_title(f"{title} (step 0)")
    fig.tight_layout()

    def update(t: int):
        moving.set_offsets(positions(int(t)))
        ax.set_title(f"{title} (step {int(t)})")
        return (moving,)

    anim = FuncAnimation(fig, update, frames=steps, interval=interval, blit=False)
    return animation_html(anim, alt=alt)


def plot_shift_norms(
    ax: Axes,
    paths: Sequence[np.ndarray],
    bandwidth: float,
    *,
    tol: float = 1e-3,
    zero_tol: float = 1e-12,
    color: str = "C0",
    label: str | None = None,
    alpha: float = 0.4,
    title: str = "Length of each mean shift step",
) -> list[Line2D]:
    r"""Plot the length of every step, per trajectory, on a log scale.

    The stopping rule of mean shift (scikit-learn's and :class:`msutils.MeanShift`'s)
    ends a trajectory at the first step no longer than ``tol * bandwidth``;
    that threshold is drawn as a dashed horizontal line in the run's colour.  A step of length
    exactly zero (the flat kernel stops this way once its window no longer
    changes) has no place on a log scale: steps no longer than
    ``zero_tol * bandwidth`` — zero up to rounding error — are marked by a
    triangle at the bottom edge of the axes instead.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.  Call again on the same axes to compare two runs
        (the threshold line is drawn only once per value).
    paths : list of ndarray of shape (n_steps + 1, d)
        One trajectory per seed.
    bandwidth : float
        The bandwidth of the run, which sets the threshold.
    tol : float, default=1e-3
        The threshold, in units of the bandwidth.
    zero_tol : float, default=1e-12
        Steps no longer than this, in units of the bandwidth, count as zero.
    color : str, default="C0"
        Colour of this run's lines.
    label : str, optional
        Legend label of this run (attached to its first line).
    alpha : float, default=0.4
        Opacity of the lines.
    title : str
        Title of the axes.

    Returns
    -------
    list of matplotlib.lines.Line2D
        One line per trajectory with at least one step: x is the step number
        (1, 2, ...), y the step length :math:`\|x_{t} - x_{t-1}\|` (zero
        steps left out).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> fig, ax = plt.subplots()
    >>> path = np.array([[8.0, 0.0], [4.0, 0.0], [3.0, 0.0]])
    >>> (line,) = plot_shift_norms(ax, [path], bandwidth=1.0)
    >>> line.get_ydata().tolist()
    [4.0, 1.0]
    >>> plt.close(fig)
    """
    paths = _check_paths(paths)
    bandwidth = check_bandwidth(bandwidth)
    tol = check_bandwidth(tol, name="tol")
    if isinstance(zero_tol, bool) or not isinstance(zero_tol, (int, float)) or not 0 <= zero_tol < tol:
        raise ValueError(f"zero_tol must be a number in [0, tol) = [0, {tol:g}), got {zero_tol!r}.")
    floor = zero_tol * bandwidth
    lines: list[Line2D] = []
    zeros_at: list[int] = []
    for p in paths:
        if len(p) < 2:
            continue
        norms = np.linalg.norm(np.diff(p, axis=0), axis=1)
        steps = np.arange(1, len(p))
        zero = norms <= floor
        zeros_at.extend(steps[zero].tolist())
        (line,) = ax.plot(steps[~zero], norms[~zero], color=color, lw=0.8, alpha=alpha,
                          label=(label if label is not None and not lines else "_nolegend_"))
        lines.append(line)
    if zeros_at:
        bottom = blended_transform_factory(ax.transData, ax.transAxes)
        ax.scatter(sorted(set(zeros_at)), np.full(len(set(zeros_at)), 0.03), transform=bottom,
                   marker="v", color=color, s=30, clip_on=False,
                   label=f"step of length 0{f' ({label})' if label else ''}")
    threshold = tol * bandwidth
    if not any(line.get_gid() == _THRESHOLD_GID and line.get_ydata()[0] == threshold
               for line in ax.lines):
        ax.axhline(threshold, color=color, ls="--", lw=1.2, gid=_THRESHOLD_GID,
                   label=f"stopping threshold {tol:g} h = {threshold:.3g}")
    ax.set_yscale("log")
    ax.set(title=title, xlabel="iteration", ylabel="step length $\\|m(x) - x\\|$")
    return lines


def label_colors(n: int) -> np.ndarray:
    """``n`` distinct colours for label maps, RGB in [0, 1].

    Up to 10 labels: matplotlib's ``tab10``; up to 20: ``tab20``; beyond,
    hues spaced by the golden ratio (so that consecutive labels, often
    neighbours in the picture, differ strongly).

    Examples
    --------
    >>> label_colors(3).shape
    (3, 3)
    >>> len({tuple(c) for c in label_colors(50).round(6)})
    50
    """
    n = check_positive_int(n, name="n")
    if n <= 10:
        return np.asarray(plt.get_cmap("tab10").colors[:n])
    if n <= 20:
        return np.asarray(plt.get_cmap("tab20").colors[:n])
    golden = (np.sqrt(5) - 1) / 2
    return np.array(
        [colorsys.hsv_to_rgb((k * golden) % 1.0, 0.55 + 0.45 * (k % 3) / 2, 0.95 - 0.3 * (k % 2)) for k in range(n)]
    )


def scatter_clusters(
    ax: Axes,
    X: np.ndarray,
    *,
    labels: np.ndarray | None = None,
    centers: np.ndarray | None = None,
    color: str = "C0",
    center_color: str = "red",
    size: float = 12,
    center_size: float = 200,
    title: str = "Clusters",
    axis_labels: Sequence[str] | None = None,
) -> tuple[PathCollection, PathCollection | None]:
    """Scatter 2-D or 3-D points, coloured by cluster, with the cluster centres.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A 2-D axes for 2-D data; a 3-D axes (``projection="3d"``) for 3-D data.
    X : array-like of shape (n_samples, 2) or (n_samples, 3)
        The points.
    labels : array-like of int, shape (n_samples,), optional
        Cluster labels; points get one colour per label (label -1, "no
        cluster", is grey).  Without labels every point has ``color``.
    centers : array-like of shape (n_clusters, d), optional
        Cluster centres, drawn as large markers with a black edge.
    color : str, default="C0"
        Colour of the points when ``labels`` is None.
    center_color : str, default="red"
        Colour of the centres.
    size, center_size : float
        Marker areas of the points and of the centres.
    title : str
        Title of the axes.
    axis_labels : sequence of str, optional
        Axis labels; by default ``$x_1$``, ``$x_2$`` (, ``$x_3$``).

    Returns
    -------
    points : matplotlib.collections.PathCollection
    centers : matplotlib.collections.PathCollection or None
        None when no ``centers`` were given.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> pts, ctr = scatter_clusters(ax, [[0, 0], [1, 1], [5, 5]], labels=[0, 0, 1],
    ...                             centers=[[0.5, 0.5], [5, 5]])
    >>> len(pts.get_offsets()), len(ctr.get_offsets())
    (3, 2)
    >>> plt.close(fig)
    """
    X = check_data(X)
    d = X.shape[1]
    if d not in (2, 3):
        raise ValueError(f"X must have 2 or 3 features to be drawn, got {d}.")
    is_3d = getattr(ax, "name", "") == "3d"
    if (d == 3) != is_3d:
        raise ValueError(
            f"X has {d} features but ax is a {'3-D' if is_3d else '2-D'} axes; "
            + ("create ax with projection='3d'." if d == 3 else "use a 2-D axes for 2-D data.")
        )
    names = list(axis_labels) if axis_labels is not None else [f"$x_{j + 1}$" for j in range(d)]
    if len(names) != d:
        raise ValueError(f"axis_labels must hold {d} labels, got {len(names)}.")
    if labels is not None:
        labels = np.asarray(labels)
        if labels.shape != (X.shape[0],) or labels.dtype.kind not in "iu":
            raise ValueError(
                f"labels must be a 1-D array of {X.shape[0]} integers (one per row of X), "
                f"got shape {labels.shape} and dtype {labels.dtype}."
            )
        palette = label_colors(max(int(labels.max()) + 1, 1))
        colors = np.array([palette[lab] if lab >= 0 else (0.6, 0.6, 0.6) for lab in labels])
    else:
        colors = color
    coords = [X[:, j] for j in range(d)]
    points = ax.scatter(*coords, s=size, c=colors, marker="o", alpha=0.8, label="points")
    center_artist = None
    if centers is not None:
        centers = check_data(centers, name="centers", n_features=d)
        center_artist = ax.scatter(*[centers[:, j] for j in range(d)], s=center_size,
                                   color=center_color, edgecolor="black", linewidth=1.5,
                                   marker="o", zorder=10, label="cluster centres")
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    if d == 3:
        ax.set_zlabel(names[2])
    ax.set_title(title)
    return points, center_artist
