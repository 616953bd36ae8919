"""Plots of the clusterer comparison and of parameter sweeps (chapter *When mean shift fails*)."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

__all__ = ["plot_clustering_grid", "plot_curves"]


def _panel_colours(labels: np.ndarray) -> np.ndarray:
    from msutils.plotting._images import label_colors

    palette = label_colors(max(int(labels.max()) + 1, 1))
    grey = np.array([0.6, 0.6, 0.6])
    return np.array([palette[lab][:3] if lab >= 0 else grey for lab in labels])


def plot_clustering_grid(
    result: Any, *, panel_size: float = 1.6, point_size: float = 3.0, title: str | None = None
) -> Figure:
    """One panel per (data set, method): the points coloured by cluster, with the ARI and the cluster count.

    Parameters
    ----------
    result : msutils.compare.GridResult
        What :func:`msutils.compare.run_grid` returned.
    panel_size : float, default=1.6
        Edge of a panel, in inches.
    point_size : float, default=3.0
        Marker area.
    title : str, optional
        A title above the whole grid.

    Returns
    -------
    matplotlib.figure.Figure
        Rows are data sets, columns methods; noise points (label -1) are grey.
        Each panel's corner reads ``ARI <value>`` and ``<k> cl.``.

    Examples
    --------
    >>> import numpy as np
    >>> from msutils.compare import GridResult
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]])
    >>> r = GridResult(["d"], ["m"], {"d": X}, {"d": {"m": np.array([0, 0, 1])}},
    ...                {"d": {"m": 1.0}}, {"d": {"m": 2}})
    >>> fig = plot_clustering_grid(r)
    >>> fig.axes[0].texts[0].get_text()
    'ARI 1.00\\n2 cl.'
    >>> plt.close(fig)
    """
    for attr in ("datasets", "methods", "X", "labels", "ari", "n_clusters"):
        if not hasattr(result, attr):
            raise TypeError(f"result must be a msutils.compare.GridResult (no attribute {attr!r}).")
    rows, cols = len(result.datasets), len(result.methods)
    fig, axes = plt.subplots(rows, cols, figsize=(panel_size * cols, panel_size * rows), squeeze=False)
    for i, d in enumerate(result.datasets):
        X = result.X[d]
        for j, m in enumerate(result.methods):
            ax = axes[i, j]
            labels = np.asarray(result.labels[d][m])
            ax.scatter(X[:, 0], X[:, 1], s=point_size, c=_panel_colours(labels), linewidths=0)
            ax.text(0.98, 0.02, f"ARI {round(result.ari[d][m], 2) + 0.0:.2f}\n{result.n_clusters[d][m]} cl.",
                    transform=ax.transAxes, ha="right", va="bottom", fontsize=7,
                    bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1})
            ax.set_xticks([])
            ax.set_yticks([])
            if i == 0:
                ax.set_title(m.replace(", ", ",\n"), fontsize=8)
            if j == 0:
                ax.set_ylabel(d, fontsize=9)
    top = 1 - 0.45 / (panel_size * rows) - (0.3 / (panel_size * rows) if title else 0.0)
    fig.subplots_adjust(wspace=0.04, hspace=0.04, left=0.03, right=0.995, bottom=0.01, top=top)
    if title:
        fig.suptitle(title, fontsize=11, y=1 - 0.08 / (panel_size * rows))
    return fig


def plot_curves(
    ax: Axes,
    x: Sequence[float],
    curves: Mapping[str, Sequence[float]],
    *,
    xlabel: str,
    ylabel: str,
    title: str,
    logx: bool = False,
    hline: float | None = None,
    hline_label: str | None = None,
) -> list[Line2D]:
    """One line with markers per named curve, against a shared ``x``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    x : sequence of float
        The abscissae.
    curves : mapping of str to sequence of float
        Label -> values (one per ``x``).
    xlabel, ylabel, title : str
        Axis labels and title.
    logx : bool, default=False
        Logarithmic x axis.
    hline : float, optional
        A dashed horizontal reference line at this height, labelled ``hline_label``.

    Returns
    -------
    list of matplotlib.lines.Line2D
        The curves, in the order given.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> lines = plot_curves(ax, [1, 2, 3], {"a": [0.1, 0.5, 0.4]}, xlabel="h", ylabel="ARI", title="t")
    >>> lines[0].get_label(), ax.get_xlabel()
    ('a', 'h')
    >>> plt.close(fig)
    """
    xs = np.asarray(x, dtype=float)
    if xs.ndim != 1 or xs.size == 0:
        raise ValueError(f"x must be a non-empty 1-D sequence of numbers, got shape {xs.shape}.")
    if not isinstance(curves, Mapping) or not curves:
        raise TypeError("curves must be a non-empty mapping of label -> values.")
    lines = []
    for name, ys in curves.items():
        ys = np.asarray(ys, dtype=float)
        if ys.shape != xs.shape:
            raise ValueError(f"curves[{name!r}] has {ys.size} values, but x has {xs.size}.")
        (line,) = ax.plot(xs, ys, marker="o", markersize=4, label=name)
        lines.append(line)
    if hline is not None:
        ax.axhline(hline, color="grey", linestyle="--", linewidth=1, label=hline_label)
    if logx:
        ax.set_xscale("log")
        ax.minorticks_off()
        ax.set_xticks(xs, [f"{v:g}" for v in xs])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)
    return lines
