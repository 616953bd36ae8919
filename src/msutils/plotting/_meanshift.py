"""Plots of mean shift at work: trajectories, convergence and clusters.

The helpers take the trajectories recorded by
``MeanShift(record_paths=True).paths_`` — one array of shape
``(n_steps + 1, d)`` per seed, from the seed to where it stopped, near a mode — and the
grid ``(xx, yy, zz)`` returned by :func:`msutils.density.kde_grid`.
"""

from __future__ import annotations

import colorsys
from typing import Any, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.transforms import blended_transform_factory

from msutils._validation import check_bandwidth, check_data, check_positive_int
from msutils.plotting._density import plot_kde_contour

__all__ = ["plot_paths", "climb_animation", "plot_shift_norms", "scatter_clusters", "label_colors"]

_THRESHOLD_GID = "msutils-stopping-threshold"
#: A dark edge around light lines, so that they show on the yellow peaks of viridis too.
_OUTLINE = [patheffects.Stroke(linewidth=2.2, foreground="black", alpha=0.7), patheffects.Normal()]


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
    levels : int or array-like of float, default=12
        Number of contour levels, or the levels themselves: give two panels
        the same levels to give them one colour scale.
    cmap : str, default="viridis"
        Colour map of the contours.
    colorbar : bool, default=True
        Add a colour bar for the contours.
    color, end_color : str
        Colour of the trajectories (drawn with a thin dark outline, so that
        they show on light and dark contours alike) and of the end points
        (crosses).
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
        (line,) = ax.plot(p[:, 0], p[:, 1], color=color, lw=0.9, zorder=3,
                          path_effects=_OUTLINE, label="trajectory" if i == 0 else "_nolegend_")
        lines.append(line)
    ends = np.array([p[-1] for p in paths])
    ax.scatter(ends[:, 0], ends[:, 1], marker="x", s=40, color=end_color, zorder=4, linewidths=1.5,
               path_effects=_OUTLINE, label="where it stopped")
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
    figsize: tuple[float, float] = (7.5, 5.0),
    dpi: int = 96,
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
    figsize : tuple of float, default=(7.5, 5.0)
        Figure size in inches; with the default ``dpi`` the frames are 720
        pixels wide, and the text is set in 11- to 13-point type.
    dpi : int, default=96
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

    from msutils.plotting._animation import ANIMATION_STYLE, animation_html

    X = check_data(X, n_features=2)
    paths = _check_paths(paths, n_features=2)
    max_frames = check_positive_int(max_frames, name="max_frames")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a non-empty description of the animation.")
    n_steps = max(len(p) for p in paths)
    steps = _frame_steps(n_steps, max_frames)

    def positions(t: int) -> np.ndarray:
        return np.array([p[min(t, len(p) - 1)] for p in paths])

    with plt.rc_context(ANIMATION_STYLE):  # legible text: the sizes are fixed when each text is made
        fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
        if background is not None:
            plot_kde_contour(ax, background, levels=levels, cmap=cmap)
        ax.scatter(X[:, 0], X[:, 1], s=6, color="0.6", zorder=2)
        start = positions(0)
        moving = ax.scatter(start[:, 0], start[:, 1], s=22, color="red", edgecolor="white",
                            linewidth=0.5, zorder=3)
        ax.set(xlabel=xlabel, ylabel=ylabel)
        ax.set_title(f"{title} (step 0)")
        fig.tight_layout()

    def update(t: int):
        moving.set_offsets(positions(int(t)))
        ax.title.set_text(f"{title} (step {int(t)})")
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
    summary: bool = False,
    relative: bool = False,
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
        Opacity of the lines (of the band, with ``summary=True``).
    summary : bool, default=False
        Instead of one line per trajectory, draw at each iteration the median
        of the (non-zero) step lengths of the trajectories that take that step,
        and a band from their 10th to their 90th percentile: readable for
        hundreds of trajectories.
    relative : bool, default=False
        Give the step lengths in units of the bandwidth, so that runs with
        different bandwidths share one threshold line.
    title : str
        Title of the axes.

    Returns
    -------
    list of matplotlib.lines.Line2D
        One line per trajectory with at least one step: x is the step number
        (1, 2, ...), y the step length :math:`\|x_{t} - x_{t-1}\|` (divided
        by the bandwidth if ``relative``; zero steps left out).  With
        ``summary=True``, one line: the median.

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
    unit = bandwidth if relative else 1.0
    lines: list[Line2D] = []
    zeros_at: list[int] = []
    runs = []  # (steps, non-zero step lengths) per trajectory
    for p in paths:
        if len(p) < 2:
            continue
        norms = np.linalg.norm(np.diff(p, axis=0), axis=1)
        steps = np.arange(1, len(p))
        zero = norms <= floor
        zeros_at.extend(steps[zero].tolist())
        runs.append((steps[~zero], norms[~zero] / unit))
    if summary:
        per_step: dict[int, list[float]] = {}
        for steps, norms in runs:
            for t, v in zip(steps.tolist(), norms.tolist()):
                per_step.setdefault(t, []).append(v)
        ts = np.array(sorted(per_step))
        if ts.size:
            q = np.array([np.percentile(per_step[t], [10, 50, 90]) for t in ts])
            ax.fill_between(ts, q[:, 0], q[:, 2], color=color, alpha=alpha, linewidth=0,
                            label=f"10th to 90th percentile{f' ({label})' if label else ''}")
            (line,) = ax.plot(ts, q[:, 1], color=color, lw=2, marker=".",
                              label=f"median{f' ({label})' if label else ''}")
            lines.append(line)
    else:
        for steps, norms in runs:
            (line,) = ax.plot(steps, norms, color=color, lw=0.8, alpha=alpha,
                              label=(label if label is not None and not lines else "_nolegend_"))
            lines.append(line)
    if zeros_at:
        bottom = blended_transform_factory(ax.transData, ax.transAxes)
        ax.scatter(sorted(set(zeros_at)), np.full(len(set(zeros_at)), 0.03), transform=bottom,
                   marker="v", color=color, s=30, clip_on=False,
                   label=f"step of length 0{f' ({label})' if label else ''}")
    threshold = tol * bandwidth / unit
    if not any(line.get_gid() == _THRESHOLD_GID and line.get_ydata()[0] == threshold
               for line in ax.lines):
        text = f"stopping threshold {tol:g} h" + ("" if relative else f" = {threshold:.3g}")
        ax.axhline(threshold, color="0.3" if relative else color, ls="--", lw=1.2, gid=_THRESHOLD_GID,
                   label=text)
    ax.set_yscale("log")
    ylabel = "step length $\\|m(x) - x\\| / h$" if relative else "step length $\\|m(x) - x\\|$"
    ax.set(title=title, xlabel="iteration", ylabel=ylabel)
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
        Cluster centres, drawn as large markers with a black edge, in front of
        the points (also on 3-D axes, whose depth sorting is switched off for
        that).
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
        if is_3d:  # mplot3d orders collections by depth and ignores zorder unless told not to
            ax.computed_zorder = False
        center_artist = ax.scatter(*[centers[:, j] for j in range(d)], s=center_size,
                                   color=center_color, edgecolor="black", linewidth=1.5,
                                   marker="o", zorder=10, label="cluster centres")
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    if d == 3:
        ax.set_zlabel(names[2])
    ax.set_title(title)
    return points, center_artist


def plot_mean_shift_step(
    ax: Axes,
    data: Any,
    x: Any,
    bandwidth: float,
    *,
    kernel: str = "flat",
    title: str | None = None,
) -> dict[str, np.ndarray]:
    r"""Draw one mean shift step at ``x``, in one or two dimensions.

    The picture holds everything the step is made of: the data, each drawn
    with a size proportional to its weight :math:`g(\|(x - x_i)/h\|^2)` (grey
    when the weight is zero), the window (the ball of radius :math:`h` for the
    flat kernel; circles at :math:`h` and :math:`2h` for the Gaussian), the
    weighted mean :math:`m(x)`, the arrow :math:`m(x) - x`, and the density that
    the step climbs, estimated with the kernel's shadow (see
    :mod:`msutils.kernels`), with the direction of its gradient at :math:`x`.
    In one dimension the density is a curve and its gradient its tangent at
    :math:`x`; in two, contour lines and a blue arrow under the red one.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    data : array-like of shape (n,), (n, 1) or (n, 2)
        The data, on the line or in the plane.
    x : float or array-like of shape (1,) or (2,)
        Where the step starts.
    bandwidth : float
        The bandwidth :math:`h`.
    kernel : {"flat", "gaussian"}, default="flat"
        The kernel that weights the points.  Its shadow, whose density the step
        climbs, is the Epanechnikov kernel for ``"flat"`` and the Gaussian
        itself for ``"gaussian"``.
    title : str, optional
        Title; by default it names the kernel and its shadow.

    Returns
    -------
    dict
        ``"mean"``: :math:`m(x)`; ``"shift"``: :math:`m(x) - x`; ``"gradient"``:
        the gradient of the shadow's density estimate at :math:`x`; ``"weights"``:
        the weight of every data point.  All arrays of float64.

    Raises
    ------
    ValueError
        For data of more than two dimensions, a kernel other than the two
        above, or a window that holds no data.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> parts = plot_mean_shift_step(ax, [0.0, 1.0, 3.0], 0.5, 1.0)  # flat: mean of 0 and 1
    >>> parts["mean"], parts["shift"]
    (array([0.5]), array([0.]))
    >>> plt.close(fig)
    """
    from matplotlib.patches import Circle

    from msutils.density import kde, kde_gradient, kde_grid
    from msutils.kernels import get_kernel

    D = check_data(data, name="data", ensure_2d=False)
    d = D.shape[1]
    if d > 2:
        raise ValueError(f"data must have 1 or 2 features to be drawn, got {d}.")
    x0 = check_data(np.reshape(np.asarray(x), (1, -1)), name="x", n_features=d)[0]
    h = check_bandwidth(bandwidth)
    if kernel not in ("flat", "gaussian"):
        raise ValueError(f"kernel must be 'flat' or 'gaussian', got {kernel!r}.")
    k = get_kernel(kernel)
    shadow = k.shadow
    r2 = np.sum((D - x0) ** 2, axis=1) / h**2
    w = k.profile(r2)
    if w.sum() == 0:
        raise ValueError(f"the window at x = {x0.tolist()} holds no data; choose x nearer the data or a larger "
                         "bandwidth.")
    mean = w @ D / w.sum()
    shift = mean - x0
    grad = kde_gradient(x0[None], D, h, kernel=shadow)[0]
    sizes = 10 + 60 * w / w.max()
    inside = w > 0
    if d == 1:
        lo, hi = min(D.min(), x0[0]) - 2.5 * h, max(D.max(), x0[0]) + 2.5 * h
        line = np.linspace(lo, hi, 1200)
        f = kde(line, D, h, kernel=shadow)
        top = f.max()
        ax.plot(line, f, color="C3", lw=2, label=f"density climbed ({shadow} KDE)")
        fx = float(kde(x0[None], D, h, kernel=shadow)[0])
        t = np.linspace(x0[0] - 0.6 * h, x0[0] + 0.6 * h, 2)
        ax.plot(t, fx + grad[0] * (t - x0[0]), color="C0", lw=2, ls="--", label="its slope at $x$ (gradient)")
        if kernel == "flat":
            ax.axvspan(x0[0] - h, x0[0] + h, color="0.85", zorder=0, label="window $|x_i - x| \\leq h$")
        else:
            ax.plot(line, 0.6 * top * k.profile((line - x0[0]) ** 2 / h**2), color="0.5", lw=1.2, ls=":",
                    label="weights $g$ (scaled)")
        ax.scatter(D[inside, 0], np.zeros(inside.sum()), s=sizes[inside], color="black", zorder=3,
                   label="data, sized by weight")
        if (~inside).any():
            ax.scatter(D[~inside, 0], np.zeros((~inside).sum()), s=12, color="0.6", zorder=3,
                       label="data, weight 0")
        ax.plot([x0[0]], [fx], "o", color="C0", ms=8, zorder=4, label="$x$")
        ax.plot([mean[0]], [0], "D", color="C3", ms=9, zorder=4, markeredgecolor="black", label="$m(x)$")
        y_arrow = -0.12 * top
        ax.annotate("", xy=(mean[0], y_arrow), xytext=(x0[0], y_arrow),
                    arrowprops=dict(arrowstyle="-|>", color="C3", lw=2.5, mutation_scale=18))
        ax.text((x0[0] + mean[0]) / 2, y_arrow - 0.03 * top, "$m(x) - x$", ha="center", va="top", color="C3")
        ax.set(xlim=(lo, hi), ylim=(-0.25 * top, 1.15 * top), xlabel="$x$", ylabel="density")
        ax.axhline(0, color="0.3", lw=0.8)
    else:
        bounds = [(min(D[:, j].min(), x0[j]) - 1.5 * h, max(D[:, j].max(), x0[j]) + 1.5 * h) for j in range(2)]
        grid = kde_grid(D, h, kernel=shadow, grid_size=150, bounds=bounds)
        cs = ax.contour(*grid, levels=10, cmap="viridis", linewidths=1)
        ax.figure.colorbar(cs, ax=ax, label=f"{shadow} density estimate")
        radii = [h] if kernel == "flat" else [h, 2 * h]
        for j, r in enumerate(radii):
            ax.add_patch(Circle(tuple(x0), r, fill=kernel == "flat" and j == 0, facecolor="0.9",
                                edgecolor="0.35", ls="-" if j == 0 else ":", lw=1.2, zorder=0,
                                label="window $\\|x_i - x\\| \\leq h$" if kernel == "flat"
                                else ("$h$ and $2h$ from $x$" if j == 0 else "_nolegend_")))
        ax.scatter(D[inside, 0], D[inside, 1], s=sizes[inside], color="black", zorder=3,
                   label="data, sized by weight")
        if (~inside).any():
            ax.scatter(D[~inside, 0], D[~inside, 1], s=10, color="0.6", zorder=3, label="data, weight 0")
        length = np.linalg.norm(shift)
        g_dir = grad / np.linalg.norm(grad) if np.linalg.norm(grad) > 0 else grad
        ax.annotate("", xy=tuple(x0 + 1.35 * length * g_dir), xytext=tuple(x0),
                    arrowprops=dict(arrowstyle="-|>", color="C0", lw=5, alpha=0.6, mutation_scale=22), zorder=4)
        ax.annotate("", xy=tuple(mean), xytext=tuple(x0),
                    arrowprops=dict(arrowstyle="-|>", color="C3", lw=2.5, mutation_scale=18), zorder=5)
        ax.plot([x0[0]], [x0[1]], "o", color="C0", ms=9, zorder=6, markeredgecolor="white", label="$x$")
        ax.plot([mean[0]], [mean[1]], "D", color="C3", ms=9, zorder=6, markeredgecolor="black", label="$m(x)$")
        ax.plot([], [], color="C3", lw=2.5, label="$m(x) - x$")
        ax.plot([], [], color="C0", lw=5, alpha=0.6, label="gradient direction")
        ax.set(xlim=bounds[0], ylim=bounds[1], xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    ax.set_title(title or f"One mean shift step, {kernel} weights (climbs the {shadow} KDE)")
    ax.legend(fontsize="small", loc="upper right" if d == 1 else "lower right")
    return {"mean": mean, "shift": shift, "gradient": grad, "weights": w}


def plot_shadow_pair(axes: Sequence[Axes], kernel: str = "flat") -> tuple[Line2D, Line2D]:
    r"""Draw a kernel's profile :math:`g` beside its shadow's profile :math:`k`, with :math:`k' = -g`.

    Left, the weights mean shift gives a point at squared distance
    :math:`r = \|(x_i - x)/h\|^2`; right, the profile of the kernel whose
    density those weights climb (Cheng, 1995): its slope is minus the left
    curve, up to a constant factor.  For ``"flat"`` the pair is the flat kernel
    and the Epanechnikov kernel, :math:`k(r) = 1 - r` with slope :math:`-1 = -g`
    on :math:`[0, 1]`; for ``"epanechnikov"``, the Epanechnikov and biweight
    kernels, :math:`k(r) = (1 - r)^2` with :math:`k' = -2g`.

    Parameters
    ----------
    axes : sequence of two matplotlib.axes.Axes
        Where to draw: the weights, then the shadow.
    kernel : {"flat", "epanechnikov"}, default="flat"
        The weighting kernel.

    Returns
    -------
    (weights, shadow) : two matplotlib.lines.Line2D

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, axes = plt.subplots(1, 2)
    >>> g, k = plot_shadow_pair(axes)
    >>> g.get_label()
    'flat: $g(r)$'
    >>> k.get_ydata()[:3].tolist()  # 1 - r
    [1.0, 0.999, 0.998]
    >>> plt.close(fig)
    """
    from msutils.kernels import get_kernel

    if kernel not in ("flat", "epanechnikov"):
        raise ValueError(f"kernel must be 'flat' or 'epanechnikov', got {kernel!r}.")
    if len(axes) != 2:
        raise ValueError(f"axes must hold two axes (weights, shadow), got {len(axes)}.")
    g = get_kernel(kernel)
    k = get_kernel(g.shadow)
    r = np.linspace(0, 1.5, 1501)
    factor = 1.0 if kernel == "flat" else 2.0  # k' = -factor * g
    (g_line,) = axes[0].plot(r, g.profile(r), color="C0", lw=2.5, label=f"{g.name}: $g(r)$")
    axes[0].set(title=f"Weights: {g.name} kernel", xlabel="squared distance $r = \\|x_i - x\\|^2 / h^2$",
                ylabel="weight $g(r)$", ylim=(-0.05, 1.15))
    (k_line,) = axes[1].plot(r, k.profile(r), color="C3", lw=2.5,
                             label=f"{k.name}: $k(r)$, with $k'(r) = -{'' if factor == 1 else '2'}g(r)$")
    slope_text = "-g(r) = -1" if kernel == "flat" else "-2g(r)"
    axes[1].annotate(f"slope ${slope_text}$", xy=(0.45, float(k.profile(0.45))), xytext=(0.6, 0.75),
                     arrowprops=dict(arrowstyle="->", color="0.3"), color="0.2")
    axes[1].set(title=f"Its shadow: {k.name} kernel", xlabel="squared distance $r = \\|x - x_i\\|^2 / h^2$",
                ylabel="profile $k(r)$", ylim=(-0.05, 1.15))
    for ax in axes:
        ax.legend(fontsize="small", loc="upper right")
    return g_line, k_line
