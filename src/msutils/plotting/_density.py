"""Plots of kernel density estimates: kernels, hills and their sum, surfaces, contours.

The 2-D helpers take the grid ``(xx, yy, zz)`` returned by
:func:`msutils.density.kde_grid`.
"""

from __future__ import annotations

from typing import Any, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.contour import QuadContourSet
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, NullFormatter

from msutils._validation import check_bandwidth, check_data, check_positive_int, check_weights
from msutils.density import grid_modes, kde
from msutils.kernels import Kernel, get_kernel

__all__ = [
    "plot_kernel_shapes",
    "plot_kernel_sum_1d",
    "plot_kde_surface",
    "plot_kde_contour",
    "plot_modes_vs_bandwidth",
    "bandwidth_sweep_animation",
]


def _check_grid(grid: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``grid`` as three finite float arrays of one 2-D shape."""
    try:
        xx, yy, zz = (np.asarray(a, dtype=np.float64) for a in grid)
    except (TypeError, ValueError):
        raise ValueError("grid must be a tuple (xx, yy, zz) of 2-D arrays, as returned by kde_grid.") from None
    if xx.ndim != 2 or xx.shape != yy.shape or xx.shape != zz.shape:
        raise ValueError(
            f"grid must hold three 2-D arrays of one shape, got shapes {xx.shape}, {yy.shape}, {zz.shape}."
        )
    if not (np.isfinite(xx).all() and np.isfinite(yy).all() and np.isfinite(zz).all()):
        raise ValueError("grid contains NaN or infinite values; expected finite numbers.")
    return xx, yy, zz


def _check_levels(levels: Any) -> int | np.ndarray:
    """A positive number of contour levels, or an increasing array of finite levels."""
    if isinstance(levels, (int, np.integer)) and not isinstance(levels, bool):
        return check_positive_int(levels, name="levels")
    try:
        arr = np.asarray(levels, dtype=np.float64)
    except (TypeError, ValueError):
        arr = None
    if arr is None or arr.ndim != 1 or arr.size < 2 or not np.isfinite(arr).all() or (np.diff(arr) <= 0).any():
        raise ValueError(f"levels must be a positive integer or an increasing sequence of at least two "
                         f"finite numbers, got {levels!r}.")
    return arr


def _line_grid(data: np.ndarray, h: float, k: Kernel, n: int = 600) -> np.ndarray:
    """An evaluation grid that covers the data and the kernels' tails."""
    pad = (3.5 if np.isinf(k.support) else 1.25 * k.support) * h
    return np.linspace(data.min() - pad, data.max() + pad, n)


def plot_kernel_shapes(
    ax: Axes,
    kernels: Sequence[str] = ("gaussian", "flat", "epanechnikov"),
    *,
    what: str = "density",
    title: str | None = None,
) -> list[Line2D]:
    r"""Draw several kernels on one axes: their 1-D densities or their profiles.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    kernels : sequence of str, default=("gaussian", "flat", "epanechnikov")
        Kernel names (see :func:`msutils.kernels.get_kernel`).
    what : {"density", "profile"}, default="density"
        ``"density"`` draws the normalised 1-D kernel :math:`K(u)`, bandwidth 1,
        for :math:`u \in [-3, 3]`; ``"profile"`` draws the profile
        :math:`k(r)` against the squared distance :math:`r = \|u\|^2 \in [0, 4]`.
    title : str, optional
        Title; a default that says what is drawn.

    Returns
    -------
    list of matplotlib.lines.Line2D
        One line per kernel, labelled with its name.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> lines = plot_kernel_shapes(ax, ["gaussian", "flat"])
    >>> [line.get_label() for line in lines]
    ['gaussian', 'flat']
    >>> plt.close(fig)
    """
    if what not in ("density", "profile"):
        raise ValueError(f"what must be 'density' or 'profile', got {what!r}.")
    if isinstance(kernels, (str, Kernel)):
        kernels = [kernels]
    ks = [get_kernel(k) for k in kernels]
    if not ks:
        raise ValueError("kernels is empty; expected at least one kernel name.")
    lines = []
    if what == "density":
        u = np.linspace(-3, 3, 1201)
        for k in ks:
            lines += ax.plot(u, k.density(u[:, None]), lw=2, label=k.name)
        ax.set(xlabel="$u = (x - x_i) / h$", ylabel="$K(u)$",
               title=title or "Kernels in one dimension (each integrates to 1)")
    else:
        r = np.linspace(0, 4, 801)
        for k in ks:
            lines += ax.plot(r, k.profile(r), lw=2, label=k.name)
        ax.set(xlabel="squared distance $r = \\|u\\|^2$", ylabel="profile $k(r)$",
               title=title or "Kernel profiles")
    ax.legend(fontsize="small")
    return lines


def plot_kernel_sum_1d(
    ax: Axes,
    data: Any,
    bandwidth: float,
    *,
    kernel: str | Kernel = "gaussian",
    weights: Any = None,
    x: Any = None,
    title: str | None = None,
    xlabel: str = "$x$",
) -> tuple[list[Line2D], Line2D]:
    """Draw the kernel on every data point (the hills) and their sum, the KDE.

    Each hill is :math:`w_i K_h(x - x_i)` with the weights summing to one, so
    the hills add up exactly to :func:`msutils.density.kde`.  The data points
    are marked along the bottom.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    data : array-like of shape (n,)
        Points on the line.
    bandwidth : float
        The kernel's bandwidth.
    kernel : str or Kernel, default="gaussian"
        The kernel.
    weights : array-like of shape (n,), optional
        Weights of the points; see :func:`msutils.density.kde`.
    x : array-like of shape (m,), optional
        Where to evaluate; by default a fine grid covering the data and the
        kernels' tails.
    title : str, optional
        Title; by default it names the kernel and the bandwidth.
    xlabel : str, default="$x$"
        Label of the x axis.

    Returns
    -------
    hills : list of matplotlib.lines.Line2D
        One thin line per data point.
    total : matplotlib.lines.Line2D
        The thick line of their sum.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> hills, total = plot_kernel_sum_1d(ax, [0.0, 1.0, 1.5], 0.5)
    >>> len(hills)
    3
    >>> plt.close(fig)
    """
    data = check_data(data, name="data", ensure_2d=False, n_features=1)[:, 0]
    h = check_bandwidth(bandwidth)
    k = get_kernel(kernel)
    w = check_weights(weights, data.size)
    w = np.full(data.size, 1.0 / data.size) if w is None else w / w.sum()
    x = _line_grid(data, h, k) if x is None else check_data(x, name="x", ensure_2d=False, n_features=1)[:, 0]
    hills_y = k.density(((x[:, None] - data[None, :]) / h)[..., None]) / h * w
    hills = []
    for i in range(data.size):
        hills += ax.plot(x, hills_y[:, i], color="C0", lw=1, alpha=0.7,
                         label="one kernel per point" if i == 0 else "_nolegend_")
    (total,) = ax.plot(x, kde(x, data, h, kernel=k, weights=w), color="C3", lw=2.5,
                       label="their sum: the KDE")
    ax.plot(data, np.zeros_like(data), "|", color="black", ms=12, mew=1.5, label="data")
    ax.set(xlabel=xlabel, ylabel="density",
           title=title or f"{k.name.capitalize()} kernels with bandwidth {h:g}, and their sum")
    ax.legend(fontsize="small")
    return hills, total


def plot_kde_surface(
    ax: Axes,
    grid: tuple[np.ndarray, np.ndarray, np.ndarray],
    *,
    X: Any = None,
    cmap: str = "viridis",
    colorbar: bool = True,
    title: str = "Kernel density estimate",
    xlabel: str = "$x_1$",
    ylabel: str = "$x_2$",
    zlabel: str = "density",
):
    """Draw a 2-D density as a 3-D surface, optionally with the data on the floor.

    Parameters
    ----------
    ax : mpl_toolkits.mplot3d.axes3d.Axes3D
        A 3-D axes (``fig.add_subplot(projection="3d")``).
    grid : tuple (xx, yy, zz) of 2-D arrays
        The density on a grid, as returned by :func:`msutils.density.kde_grid`.
    X : array-like of shape (n, 2), optional
        The data, drawn as black dots on the surface, at the height of the
        gridded density at their positions (bilinear interpolation), and
        always in front of it.
    cmap : str, default="viridis"
        Colour map of the surface (colour = height = density).
    colorbar : bool, default=True
        Add a colour bar.
    title, xlabel, ylabel, zlabel : str
        Title and axis labels.

    Returns
    -------
    mpl_toolkits.mplot3d.art3d.Poly3DCollection
        The surface.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from msutils.density import kde_grid
    >>> fig = plt.figure()
    >>> ax = fig.add_subplot(projection="3d")
    >>> X = [[0.0, 0.0], [1.0, 1.0]]
    >>> surf = plot_kde_surface(ax, kde_grid(X, 0.5, grid_size=20), X=X)
    >>> ax.get_zlabel()
    'density'
    >>> plt.close(fig)
    """
    if getattr(ax, "name", "") != "3d":
        raise ValueError("ax must be a 3-D axes; create it with fig.add_subplot(projection='3d').")
    xx, yy, zz = _check_grid(grid)
    surf = ax.plot_surface(xx, yy, zz, cmap=cmap, rstride=1, cstride=1, linewidth=0,
                           antialiased=False, alpha=0.9, zorder=1)
    if X is not None:
        X = check_data(X, n_features=2)
        # mplot3d sorts whole collections by depth, which hides points under a surface; draw
        # the points last instead, on the surface, with a white edge to stand out from it.
        ax.computed_zorder = False
        ax.scatter(X[:, 0], X[:, 1], _surface_height(xx, yy, zz, X), s=10, color="black",
                   edgecolor="white", linewidth=0.4, depthshade=False, zorder=2, label="data")
    if colorbar:
        ax.figure.colorbar(surf, ax=ax, shrink=0.6, pad=0.1, label=zlabel)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel, zlabel=zlabel)
    return surf


def _surface_height(xx: np.ndarray, yy: np.ndarray, zz: np.ndarray, X: np.ndarray) -> np.ndarray:
    """The gridded function at the points ``X``, by bilinear interpolation (clipped to the grid)."""
    from scipy.interpolate import RegularGridInterpolator

    interp = RegularGridInterpolator((yy[:, 0], xx[0]), zz, method="linear")
    pts = np.column_stack([np.clip(X[:, 1], yy[0, 0], yy[-1, 0]), np.clip(X[:, 0], xx[0, 0], xx[0, -1])])
    return interp(pts)


def plot_kde_contour(
    ax: Axes,
    grid: tuple[np.ndarray, np.ndarray, np.ndarray],
    *,
    X: Any = None,
    levels: int = 12,
    filled: bool = True,
    cmap: str = "viridis",
    colorbar: bool = True,
    title: str = "Contours of the kernel density estimate",
    xlabel: str = "$x_1$",
    ylabel: str = "$x_2$",
) -> QuadContourSet:
    """Draw a 2-D density as a contour plot, optionally with the data on top.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    grid : tuple (xx, yy, zz) of 2-D arrays
        The density on a grid, as returned by :func:`msutils.density.kde_grid`.
    X : array-like of shape (n, 2), optional
        The data, drawn as small white-edged dots.
    levels : int or array-like of float, default=12
        Number of contour levels, or the levels themselves (increasing); give
        two plots the same levels to give them one colour scale.
    filled : bool, default=True
        Filled contours (``contourf``) or contour lines (``contour``).
    cmap : str, default="viridis"
        Colour map.
    colorbar : bool, default=True
        Add a colour bar labelled "density".
    title, xlabel, ylabel : str
        Title and axis labels.

    Returns
    -------
    matplotlib.contour.QuadContourSet

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from msutils.density import kde_grid
    >>> fig, ax = plt.subplots()
    >>> cs = plot_kde_contour(ax, kde_grid([[0.0, 0.0], [2.0, 1.0]], 0.7, grid_size=30))
    >>> ax.get_title()
    'Contours of the kernel density estimate'
    >>> plt.close(fig)
    """
    xx, yy, zz = _check_grid(grid)
    levels = _check_levels(levels)
    draw = ax.contourf if filled else ax.contour
    cs = draw(xx, yy, zz, levels=levels, cmap=cmap)
    if X is not None:
        X = check_data(X, n_features=2)
        ax.scatter(X[:, 0], X[:, 1], s=10, color="black", edgecolor="white", linewidth=0.4,
                   zorder=3, label="data")
    if colorbar:
        ax.figure.colorbar(cs, ax=ax, label="density")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel, aspect="equal")
    return cs


def plot_modes_vs_bandwidth(
    ax: Axes,
    bandwidths: Any,
    n_modes: Any,
    *,
    marks: dict[str, float] | None = None,
    true_count: int | None = None,
    true_label: str = "groups the data were drawn from",
    log_counts: bool = False,
    title: str = "Number of modes against the bandwidth",
    ylabel: str = "number of modes",
) -> Line2D:
    """Plot a mode (or cluster) count against the bandwidth, on a log bandwidth axis.

    Flat stretches of the curve (plateaus) are bandwidths over which the
    answer does not depend on the exact choice.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    bandwidths : array-like of shape (m,)
        Positive bandwidths, increasing.
    n_modes : array-like of shape (m,)
        The count at each bandwidth.
    marks : dict of str to float, optional
        Named bandwidths (say, from rules of thumb) drawn as labelled vertical
        lines; the legend then goes to the right of the axes.
    true_count : int, optional
        A reference count, drawn as a dotted horizontal line labelled
        ``true_label``.
    true_label : str, default="groups the data were drawn from"
        What the reference count is (its value is appended).
    log_counts : bool, default=False
        Use a log scale for the counts too (with plain-number tick labels),
        for counts that run from hundreds down to one.
    title, ylabel : str
        Title and y-axis label.

    Returns
    -------
    matplotlib.lines.Line2D
        The step line of the counts.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> line = plot_modes_vs_bandwidth(ax, [0.1, 1, 10], [9, 3, 1], marks={"rule": 2.0})
    >>> ax.get_xscale()
    'log'
    >>> plt.close(fig)
    """
    h = check_data(bandwidths, name="bandwidths", ensure_2d=False, n_features=1)[:, 0]
    m = check_data(n_modes, name="n_modes", ensure_2d=False, n_features=1)[:, 0]
    if m.size != h.size:
        raise ValueError(f"n_modes has length {m.size}, but bandwidths has length {h.size}.")
    if h.min() <= 0 or (np.diff(h) <= 0).any():
        raise ValueError("bandwidths must be positive and strictly increasing.")
    (line,) = ax.step(h, m, where="mid", color="C0", lw=2, marker=".", label="modes")
    if true_count is not None:
        ax.axhline(true_count, color="0.4", ls=":", lw=1.5, label=f"{true_label} ({true_count})")
    for i, (name, value) in enumerate((marks or {}).items()):
        ax.axvline(check_bandwidth(value, name=f"marks[{name!r}]"), color=f"C{i + 1}", ls="--", lw=1.5,
                   label=f"{name}: {value:.3g}")
    ax.set_xscale("log")
    if log_counts:
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ylabel = f"{ylabel} (log scale)"
    ax.set(title=title, xlabel="bandwidth $h$ (log scale)", ylabel=ylabel)
    if marks:  # outside the axes, so that it covers none of the lines
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    else:
        ax.legend(fontsize="small")
    return line


def bandwidth_sweep_animation(
    data: Any,
    bandwidths: Any,
    *,
    kernel: str | Kernel = "gaussian",
    x: Any = None,
    figsize: tuple[float, float] = (7.5, 4.5),
    dpi: int = 96,
    interval: int = 250,
    title: str = "KDE",
    xlabel: str = "$x$",
    alt: str | None = None,
):
    """Animate the 1-D density estimate of ``data`` as the bandwidth changes.

    One frame per bandwidth; each frame's title gives the bandwidth and the
    number of modes (local maxima on the evaluation grid, see
    :func:`msutils.density.grid_modes`), and the modes are marked.  The y axis
    is fixed, so narrow kernels show as tall spikes and wide ones as low hills.

    Parameters
    ----------
    data : array-like of shape (n,)
        Points on the line.
    bandwidths : array-like of shape (n_frames,)
        Positive bandwidths, one per frame (keep it to about 40 frames).
    kernel : str or Kernel, default="gaussian"
        The kernel.
    x : array-like of shape (m,), optional
        Where to evaluate; by default 800 points over the data's range plus
        a margin (the widest kernel's tails, up to 30 % of the range).
    figsize : tuple of float, default=(7.5, 4.5)
        Figure size in inches; with the default ``dpi`` the frames are 720
        pixels wide, and the text is set in 12-point type.
    dpi : int, default=96
        Resolution of the frames.
    interval : int, default=250
        Delay between frames, in milliseconds.
    title : str, default="KDE"
        Start of each frame's title.
    xlabel : str, default="$x$"
        Label of the x axis.
    alt : str, optional
        Alternative text of the player's image (for screen readers and the
        book's accessibility check); by default a sentence giving the range of
        bandwidths.

    Returns
    -------
    IPython.display.HTML
        A self-contained player (see :func:`msutils.plotting.animation_html`).

    Examples
    --------
    >>> import re
    >>> html = bandwidth_sweep_animation([0.0, 1.0, 3.0], [0.2, 0.5, 2.0], figsize=(2, 2), dpi=30)
    >>> len(re.findall(r"frames\\[\\d+\\] = ", html.data))  # one frame per bandwidth
    3
    """
    from matplotlib.animation import FuncAnimation

    from msutils.plotting._animation import ANIMATION_STYLE, animation_html

    data = check_data(data, name="data", ensure_2d=False, n_features=1)[:, 0]
    hs = check_data(bandwidths, name="bandwidths", ensure_2d=False, n_features=1)[:, 0]
    for i, h in enumerate(hs):
        check_bandwidth(h, name=f"bandwidths[{i}]")
    k = get_kernel(kernel)
    check_positive_int(dpi, name="dpi")
    if x is None:  # the data's range plus the widest tails, cropped to keep the data large
        span = data.max() - data.min()
        pad = max(min(3.5 * hs.max(), 0.3 * span), 3.5 * hs.min()) if span > 0 else 3.5 * hs.max()
        x = np.linspace(data.min() - pad, data.max() + pad, 800)
    else:
        x = check_data(x, name="x", ensure_2d=False, n_features=1)[:, 0]
    curves = [kde(x, data, h, kernel=k) for h in hs]
    modes = [grid_modes(x, c) for c in curves]

    with plt.rc_context(ANIMATION_STYLE):  # legible text: the sizes are fixed when each text is made
        fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
        (line,) = ax.plot(x, curves[0], color="C3", lw=2)
        dots = ax.scatter(modes[0], np.interp(modes[0], x, curves[0]), color="black", s=28, zorder=3,
                          label="modes")
        ax.plot(data, np.zeros_like(data), "|", color="0.3", ms=10)
        top = max(c.max() for c in curves)
        ax.set(xlim=(x[0], x[-1]), ylim=(-0.03 * top, 1.05 * top), xlabel=xlabel, ylabel="density")
        ax.legend(loc="upper right")
        ax.set_title(title)

        def update(i: int):
            line.set_ydata(curves[i])
            dots.set_offsets(np.column_stack([modes[i], np.interp(modes[i], x, curves[i])]))
            n = len(modes[i])
            ax.title.set_text(f"{title}: h = {hs[i]:.3g}, {n} mode{'s' if n != 1 else ''}")
            return line, dots

        update(0)
        fig.tight_layout()
    anim = FuncAnimation(fig, update, frames=len(hs), interval=interval, blit=False)
    if alt is None:
        alt = (f"Animation of the density estimate of {data.size} points as the bandwidth goes from "
               f"{hs[0]:.3g} to {hs[-1]:.3g}, with its modes marked.")
    return animation_html(anim, alt=alt)
