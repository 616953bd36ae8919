"""Plots for the convergence chapter: rates, step ratios, label differences, basins, two climbs side by side."""

from __future__ import annotations

from typing import Any, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap

from msutils._validation import check_data, check_positive_int
from msutils.plotting._meanshift import _check_paths, _frame_steps

__all__ = [
    "plot_rate_vs_bandwidth",
    "plot_step_ratios",
    "plot_label_differences",
    "plot_basins",
    "compare_climbs_animation",
    "plot_em_step",
    "plot_bound_slice",
]


def plot_rate_vs_bandwidth(ax: Axes, sweep: Any, *, title: str = "Linear rate of Gaussian mean shift") -> Axes:
    """Predicted rate (median and largest over the modes) against the bandwidth, with the mode count.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    sweep : msutils.convergence.RateSweep
        From :func:`msutils.convergence.rate_vs_bandwidth`.
    title : str

    Returns
    -------
    matplotlib.axes.Axes
        The twin axes holding the number of modes (right).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from msutils.convergence import RateSweep
    >>> s = RateSweep(np.array([0.5, 1.0]), np.array([2, 1]), np.array([0.4, 0.6]), np.array([0.5, 0.9]))
    >>> fig, ax = plt.subplots()
    >>> twin = plot_rate_vs_bandwidth(ax, s)
    >>> ax.get_ylabel(), twin.get_ylabel()
    ('predicted rate $\\\\rho$', 'number of modes')
    >>> plt.close(fig)
    """
    h = np.asarray(sweep.bandwidths, dtype=float)
    ax.plot(h, sweep.rho_max, "o-", color="C3", ms=3, label=r"largest $\rho$ over the modes")
    ax.plot(h, sweep.rho_median, "s--", color="C0", ms=3, label=r"median $\rho$ over the modes")
    ax.axhline(1.0, color="0.5", lw=0.8, ls=":")
    ax.set(xscale="log", xlabel="bandwidth $h$", ylabel=r"predicted rate $\rho$", ylim=(0, 1.05), title=title)
    twin = ax.twinx()
    twin.step(h, sweep.n_modes, where="mid", color="0.35", lw=1.2, label="number of modes")
    twin.set_ylabel("number of modes")
    twin.set_ylim(0, max(int(np.max(sweep.n_modes)), 1) * 1.1 + 0.5)
    lines = ax.get_lines()[:2] + twin.get_lines()
    ax.legend(lines, [ln.get_label() for ln in lines], loc="upper right", fontsize=8)
    return twin


def plot_step_ratios(
    ax: Axes,
    ratios: Sequence[np.ndarray],
    predicted: Sequence[float],
    *,
    labels: Sequence[str] | None = None,
    title: str = "Ratio of successive step lengths",
) -> None:
    """Measured step-length ratios of a few climbs, each with its predicted rate as a dashed line.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> fig, ax = plt.subplots()
    >>> plot_step_ratios(ax, [np.array([0.3, 0.5, 0.6])], [0.6], labels=["mode 1"])
    >>> len(ax.get_lines())
    2
    >>> plt.close(fig)
    """
    if len(ratios) != len(predicted):
        raise ValueError(f"ratios and predicted must have the same length, got {len(ratios)} and {len(predicted)}.")
    names = list(labels) if labels is not None else [f"climb {i + 1}" for i in range(len(ratios))]
    for i, (r, rho) in enumerate(zip(ratios, predicted)):
        r = np.asarray(r, dtype=float)
        ax.plot(np.arange(2, r.size + 2), r, "o-", ms=3, color=f"C{i}", label=f"{names[i]}: measured")
        ax.axhline(rho, color=f"C{i}", ls="--", lw=1, label=rf"{names[i]}: predicted $\rho$ = {rho:.3f}")
    ax.set(xlabel="step $k$", ylabel=r"$\|x_{k}-x_{k-1}\| \,/\, \|x_{k-1}-x_{k-2}\|$", title=title, ylim=(0, 1.05))
    ax.legend(fontsize=8, loc="lower right")


def plot_label_differences(
    ax: Axes,
    X: Any,
    labels_a: Any,
    labels_b: Any,
    *,
    centers: Any = None,
    title: str = "Points labelled differently",
) -> int:
    """All points in grey; those whose two labels differ as red crosses.  Returns how many differ.

    The labels must use the same numbering (the same cluster centres), as
    ``MeanShift`` gives with ``assign_labels="nearest"`` and ``"basin"``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> plot_label_differences(ax, [[0, 0], [1, 1], [2, 2]], [0, 0, 1], [0, 1, 1])
    1
    >>> plt.close(fig)
    """
    X = check_data(X, n_features=2)
    a, b = np.asarray(labels_a), np.asarray(labels_b)
    if a.shape != (X.shape[0],) or b.shape != (X.shape[0],):
        raise ValueError(f"labels_a and labels_b must each hold {X.shape[0]} labels (one per row of X).")
    differ = a != b
    ax.scatter(X[~differ, 0], X[~differ, 1], s=8, color="0.7", label="same label")
    ax.scatter(X[differ, 0], X[differ, 1], s=30, color="red", marker="x", label=f"different label ({differ.sum()})")
    if centers is not None:
        C = check_data(centers, name="centers", n_features=2)
        ax.scatter(C[:, 0], C[:, 1], s=120, color="black", marker="*", label="cluster centres")
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title)
    ax.legend(fontsize=8, loc="best")
    return int(differ.sum())


def plot_basins(
    ax: Axes,
    xx: Any,
    yy: Any,
    grid_labels: Any,
    *,
    X: Any = None,
    centers: Any = None,
    title: str = "Basins of attraction",
) -> None:
    """Basins on a grid (one colour per centre, with a colour bar), the data and the centres on top.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> xx, yy = np.meshgrid(np.linspace(0, 1, 4), np.linspace(0, 1, 3))
    >>> fig, ax = plt.subplots()
    >>> plot_basins(ax, xx, yy, (xx > 0.5).astype(int))
    >>> ax.get_title()
    'Basins of attraction'
    >>> plt.close(fig)
    """
    from msutils.plotting._images import label_colors

    L = np.asarray(grid_labels)
    xx, yy = np.asarray(xx, dtype=float), np.asarray(yy, dtype=float)
    if not (L.shape == xx.shape == yy.shape and L.ndim == 2) or L.dtype.kind not in "iu":
        raise ValueError("xx, yy and grid_labels must be 2-D arrays of one shape, grid_labels of integers.")
    k = int(L.max()) + 1
    cmap = ListedColormap(label_colors(max(k, 1)))
    mesh = ax.pcolormesh(xx, yy, L, cmap=cmap, vmin=-0.5, vmax=k - 0.5, shading="nearest", alpha=0.55)
    cbar = plt.colorbar(mesh, ax=ax, ticks=np.arange(k))
    cbar.set_label("basin (index of the centre reached)")
    if X is not None:
        P = check_data(X, n_features=2)
        ax.scatter(P[:, 0], P[:, 1], s=5, color="black", alpha=0.6, label="data")
    if centers is not None:
        C = check_data(centers, name="centers", n_features=2)
        ax.scatter(C[:, 0], C[:, 1], s=150, color="white", edgecolor="black", marker="*", label="centres")
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title)
    if X is not None or centers is not None:
        ax.legend(fontsize=8, loc="upper right")


def compare_climbs_animation(
    X: Any,
    paths_left: Sequence[np.ndarray],
    paths_right: Sequence[np.ndarray],
    *,
    titles: tuple[str, str] = ("standard mean shift", "blurring mean shift"),
    max_frames: int = 30,
    figsize: tuple[float, float] = (10, 4.6),
    dpi: int = 80,
    interval: int = 250,
    alt: str,
):
    """Two sets of 2-D trajectories side by side, one step per frame (a player for the static page).

    Frame ``t`` shows every path at step ``t`` (a path that has stopped stays
    at its end), over the data in grey; each panel's title gives its step.

    Examples
    --------
    >>> import numpy as np
    >>> p = [np.array([[0.0, 0.0], [1.0, 1.0]])]
    >>> html = compare_climbs_animation(np.zeros((1, 2)), p, p, figsize=(3, 2), dpi=30, alt="two dots")
    >>> 'alt="two dots"' in html.data
    True
    """
    from matplotlib.animation import FuncAnimation

    from msutils.plotting._animation import animation_html

    X = check_data(X, n_features=2)
    left, right = _check_paths(paths_left, n_features=2), _check_paths(paths_right, n_features=2)
    max_frames = check_positive_int(max_frames, name="max_frames")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a non-empty description of the animation.")
    n_steps = max(max(len(p) for p in left), max(len(p) for p in right))
    steps = _frame_steps(n_steps, max_frames)

    def pos(paths, t):
        return np.array([p[min(t, len(p) - 1)] for p in paths])

    fig, axes = plt.subplots(1, 2, figsize=figsize, dpi=dpi, sharex=True, sharey=True)
    dots = []
    for ax, paths, name in zip(axes, (left, right), titles):
        ax.scatter(X[:, 0], X[:, 1], s=5, color="0.75", zorder=1)
        p0 = pos(paths, 0)
        dots.append(ax.scatter(p0[:, 0], p0[:, 1], s=14, color="C3", edgecolor="white", linewidth=0.3, zorder=2))
        ax.set(xlabel="$x_1$", ylabel="$x_2$", title=f"{name} (step 0)")
    fig.tight_layout()

    def update(t):
        t = int(t)
        for ax, dot, paths, name in zip(axes, dots, (left, right), titles):
            dot.set_offsets(pos(paths, t))
            done = min(t, max(len(p) for p in paths) - 1)
            ax.set_title(f"{name} (step {done})")
        return tuple(dots)

    anim = FuncAnimation(fig, update, frames=steps, interval=interval, blit=False)
    return animation_html(anim, alt=alt)


def plot_em_step(axes: Sequence[Axes], X: Any, x: Any, weights: Any, step: Any, *, msutils_step: Any = None) -> None:
    """Gaussian mean shift as EM: posterior weights (left, E step) and their mean (right, M step).

    Parameters
    ----------
    axes : two matplotlib axes
    X : array-like of shape (n_samples, 2)
    x : array-like of shape (2,)
        The current point.
    weights : array-like of shape (n_samples,)
        Posterior weights :math:`p(n \\mid x)` (:func:`msutils.convergence.posterior_weights`).
    step : array-like of shape (2,)
        The M step, ``weights @ X``.
    msutils_step : array-like of shape (2,), optional
        The same step computed by ``msutils`` (drawn as a ring around it).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> fig, axes = plt.subplots(1, 2)
    >>> plot_em_step(axes, np.eye(2), [0.0, 0.0], [0.5, 0.5], [0.5, 0.5])
    >>> len(fig.axes)  # the two panels and the colour bar
    3
    >>> plt.close(fig)
    """
    X = check_data(X, n_features=2)
    p = np.asarray(weights, dtype=float)
    if p.shape != (X.shape[0],):
        raise ValueError(f"weights must hold {X.shape[0]} values (one per row of X), got shape {p.shape}.")
    x, m = np.asarray(x, dtype=float), np.asarray(step, dtype=float)
    left, right = axes
    sc = left.scatter(X[:, 0], X[:, 1], c=p, cmap="viridis", s=12 + 400 * p / max(p.max(), 1e-300))
    left.scatter(*x, marker="P", s=150, color="red", edgecolor="black", label="current point $x$")
    plt.colorbar(sc, ax=left).set_label(r"posterior weight $p(n \mid x)$")
    left.set(xlabel="$x_1$", ylabel="$x_2$", title="E step: posterior weights")
    left.legend(fontsize=8, loc="upper right")
    right.scatter(X[:, 0], X[:, 1], s=6, color="0.7")
    right.annotate("", xy=m, xytext=x, arrowprops=dict(arrowstyle="->", color="black", lw=1.5))
    right.scatter(*x, marker="P", s=150, color="red", edgecolor="black", label="current point $x$")
    right.scatter(*m, marker="o", s=60, color="C1", edgecolor="black", zorder=3,
                  label=r"M step: $\sum_n p(n \mid x)\, x_n$")
    if msutils_step is not None:
        ms = np.asarray(msutils_step, dtype=float)
        right.scatter(*ms, marker="o", s=260, facecolor="none", edgecolor="C0", lw=1.5, zorder=4,
                      label="msutils: first step of its climb")
    right.set(xlabel="$x_1$", ylabel="$x_2$", title="M step: their weighted mean")
    right.legend(fontsize=8, loc="upper right")


def plot_bound_slice(ax: Axes, t: Any, density: Any, bound: Any, *, title: str = "One step maximises a lower bound") -> None:
    """The density and the bound :math:`Q_x` along the line ``x + t (m(x) - x)`` (``t = 0``: x, ``t = 1``: m(x)).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> t = np.linspace(-1, 2, 7)
    >>> fig, ax = plt.subplots()
    >>> plot_bound_slice(ax, t, 1 - (t - 1) ** 2 / 9, 1 - (t - 1) ** 2 / 4)
    >>> len(ax.get_lines())
    4
    >>> plt.close(fig)
    """
    t, f, q = (np.asarray(a, dtype=float) for a in (t, density, bound))
    if not (t.shape == f.shape == q.shape and t.ndim == 1):
        raise ValueError("t, density and bound must be 1-D arrays of one length.")
    ax.plot(t, f, color="C0", lw=2, label="density $f$ (Gaussian KDE)")
    ax.plot(t, q, color="C1", ls="--", lw=2, label="lower bound $Q_x$")
    ax.axvline(0, color="0.4", lw=0.8, ls=":", label="$t = 0$: current point $x$")
    ax.axvline(1, color="C3", lw=1, label="$t = 1$: next point $m(x)$")
    ax.set(xlabel="position along the step, $t$", ylabel="density", title=title)
    ax.legend(fontsize=8, loc="lower center")
