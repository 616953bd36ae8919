"""Interactive 3-D figures (Plotly) that work offline and give the same output every run.

Each function returns a :class:`Figure3D`: in the built book it is a Plotly
figure the reader can turn (drag), zoom (scroll) and hover; where JavaScript
does not run (a notebook opened in JupyterLab, GitHub's viewer, an untrusted
notebook) the reader sees a static matplotlib picture with alt text instead.

How the output is kept offline and reproducible:

* the HTML never loads Plotly's JavaScript (``plotly.min.js``): the book serves
  it from its own ``_static`` folder (``_ext/plotly_offline.py``) and the
  figure's script draws only when ``window.Plotly`` exists;
* the element id is ``msutils-3d-<name>`` or a hash of the figure's data and
  alt text, never a random id, so re-running a notebook gives byte-identical
  output (nbval compares ``text/html``);
* the fallback picture is a PNG inside that HTML.  It is the same from run to
  run, but its pixels can differ between CPUs (the colour cloud's did with
  numpy's AVX2/FMA kernels disabled), so ``book/nbval_sanitize.cfg`` masks it
  as nbval masks every ``image/png``; the figure's data and ids are compared;
* every number is rounded to a few significant digits (relative to the
  largest value of its array) before it is written, so that last-bit
  differences between CPUs' floating-point kernels do not show in the output.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from html import escape
from typing import Any, Sequence

import matplotlib.pyplot as plt
import numpy as np

from msutils._validation import check_data, check_positive_int

__all__ = ["Figure3D", "kde_surface_3d", "clusters_3d", "colour_cloud_3d"]

#: Significant digits kept in the figure data (relative to each array's largest magnitude).
SIG_DIGITS = 4
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
# No Plotly logo, no "edit in Chart Studio" / send-to-cloud links: nothing that leaves the book.
_PLOT_CONFIG = {"responsive": True, "displaylogo": False, "scrollZoom": True, "showLink": False,
                "showSendToCloud": False, "showEditInChartStudio": False}


class Figure3D:
    """An interactive 3-D Plotly figure with a static fallback picture.

    Made by :func:`kde_surface_3d`, :func:`clusters_3d` and
    :func:`colour_cloud_3d`; as the last expression of a notebook cell it
    displays itself (``_repr_html_``).

    Attributes
    ----------
    figure : dict
        The Plotly figure (``data`` and ``layout``) with rounded numbers,
        exactly as written into the HTML.
    alt : str
        The description of the figure (the fallback image's alt text).
    div_id : str
        The id of the figure's ``<div>`` element.
    html : str
        The HTML: a ``<div class="msutils-3d">`` holding the fallback
        ``<img>``, and a script that replaces it by the Plotly figure when
        ``window.Plotly`` is defined.
    """

    def __init__(self, figure: dict, fallback_png: bytes, *, alt: str, name: str | None = None):
        self.figure = figure
        self.alt = alt
        payload = json.dumps(figure, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
        png64 = base64.b64encode(fallback_png).decode("ascii")
        if name is None:
            # The data and the description, not the picture: matplotlib's rasteriser can differ
            # in a few pixels between CPUs (numpy's SIMD kernels), and the id must not.
            name = hashlib.sha256((payload + "\n" + alt).encode()).hexdigest()[:16]
        self.div_id = f"msutils-3d-{name}"
        # "</" inside a <script> would end it early; "\u003c" is the same character for JSON.
        script_json = payload.replace("<", "\\u003c")
        title = figure.get("layout", {}).get("title", {}).get("text", "")
        self.html = (
            f'<div class="msutils-3d" id="{self.div_id}" role="figure" aria-label="{escape(alt, quote=True)}">'
            f'<img class="msutils-3d-fallback" alt="{escape(alt, quote=True)}" style="max-width:100%"'
            f' src="data:image/png;base64,{png64}"></div>\n'
            '<script type="text/javascript">\n'
            "(function () {\n"
            f'  var id = "{self.div_id}", fig = {script_json};\n'
            "  function draw() {\n"
            "    var el = document.getElementById(id);\n"
            "    if (!el || !window.Plotly || el.getAttribute(\"data-drawn\")) return;\n"
            "    el.setAttribute(\"data-drawn\", \"1\");\n"
            "    var img = el.querySelector(\"img.msutils-3d-fallback\");\n"
            "    if (img) img.remove();\n"
            "    el.classList.add(\"msutils-3d-live\");\n"
            f"    window.Plotly.newPlot(el, fig.data, fig.layout, {json.dumps(_PLOT_CONFIG, sort_keys=True)});\n"
            "  }\n"
            "  if (window.Plotly) draw();\n"
            "  else if (document.readyState === \"loading\") document.addEventListener(\"DOMContentLoaded\", draw);\n"
            "})();\n"
            "</script>"
        )
        self._title = title

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<Figure3D {self.div_id}: {self._title}>"


# ---------------------------------------------------------------------------
# helpers


def _check_alt(alt: Any) -> str:
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a non-empty description of the figure, for readers who cannot see it.")
    return alt.strip()


def _check_name(name: Any) -> str | None:
    if name is None:
        return None
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(
            "name must be None or 1-64 letters, digits, '-' or '_' starting with a letter or digit "
            f"(it becomes the element id), got {name!r}."
        )
    return name


def _check_labels(labels: Any, n: int, *, name: str = "labels") -> np.ndarray:
    if labels is None:
        raise TypeError(f"{name} must be an array of {n} integer cluster labels, got None.")
    arr = np.asarray(labels)
    if arr.dtype.kind not in "iu" or arr.shape != (n,):
        raise ValueError(
            f"{name} must be a 1-D array of {n} integers (one per point), "
            f"got shape {arr.shape} and dtype {arr.dtype}."
        )
    if n and arr.min() < -1:
        raise ValueError(f"{name} must be cluster indices >= 0, or -1 for 'no cluster'; got {int(arr.min())}.")
    return arr.astype(np.int64)


def _check_text(value: Any, *, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}.")
    return value


def _check_axis_labels(axis_labels: Any) -> list[str]:
    if isinstance(axis_labels, str) or not isinstance(axis_labels, Sequence) or len(axis_labels) != 3:
        raise ValueError(f"axis_labels must be a sequence of 3 strings, got {axis_labels!r}.")
    return [_check_text(a, name="axis_labels") for a in axis_labels]


def _rounded(a: Any, sig: int = SIG_DIGITS) -> np.ndarray:
    """``a`` rounded to ``sig`` significant digits of its largest magnitude.

    The result is ``integer / 10**k`` (or ``integer * 10**k``), so each value
    prints as a short decimal.

    >>> _rounded([3.14159265, 0.000012345, 271.828]).tolist()
    [3.1, 0.0, 271.8]
    """
    a = np.asarray(a, dtype=np.float64)
    top = float(np.max(np.abs(a))) if a.size else 0.0
    if top == 0.0:
        return np.zeros_like(a)
    k = sig - 1 - int(np.floor(np.log10(top)))
    if k >= 0:
        return np.round(a * 10.0**k) / 10.0**k + 0.0  # + 0.0 turns -0.0 into 0.0
    return np.round(a / 10.0**-k) * 10.0**-k + 0.0


def _hex(rgb01: np.ndarray) -> list[str]:
    rgb = np.clip(np.round(np.asarray(rgb01, dtype=np.float64) * 255), 0, 255).astype(int)
    return ["#%02x%02x%02x" % tuple(c) for c in rgb.reshape(-1, 3)]


def _layout(title: str, axis_labels: Sequence[str], height: int, *, ranges=None, aspectmode="auto",
            distance: float = 1.0) -> dict:
    axes = {}
    for i, (key, label) in enumerate(zip(("xaxis", "yaxis", "zaxis"), axis_labels)):
        axes[key] = {"title": {"text": label}, "backgroundcolor": "#f2f2f2", "showbackground": True,
                     "gridcolor": "#ffffff", "zerolinecolor": "#ffffff"}
        if ranges is not None and ranges[i] is not None:
            axes[key]["range"] = list(ranges[i])
    return {
        # Title on the left: the tool bar (mode bar) sits at the top right.
        "title": {"text": title, "x": 0.02, "xanchor": "left"},
        "height": height,
        "margin": {"l": 0, "r": 0, "t": 56, "b": 0},
        "paper_bgcolor": "#ffffff",
        "font": {"family": "sans-serif", "size": 13, "color": "#222222"},
        "legend": {"itemsizing": "constant", "bgcolor": "rgba(255,255,255,0.7)"},
        "scene": {**axes, "aspectmode": aspectmode,
                  "camera": {"eye": {"x": round(1.5 * distance, 3), "y": round(-1.5 * distance, 3),
                                     "z": round(0.9 * distance, 3)}}},
        "hoverlabel": {"namelength": -1},
    }


def _png(draw, *, figsize=(7.0, 5.0), dpi: int = 80) -> bytes:
    """Run ``draw(fig)`` on a new figure and return the figure as PNG bytes (no metadata)."""
    fig = plt.figure(figsize=figsize, dpi=dpi)
    try:
        draw(fig)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    finally:
        plt.close(fig)
    return buf.getvalue()


def _plain(label: str) -> str:
    """A Plotly axis label as matplotlib text: no HTML tags."""
    return re.sub(r"<[^>]+>", "", label)


# ---------------------------------------------------------------------------
# the figures


def kde_surface_3d(
    grid: tuple[np.ndarray, np.ndarray, np.ndarray],
    *,
    alt: str,
    X: Any = None,
    name: str | None = None,
    title: str = "Kernel density estimate",
    axis_labels: Sequence[str] = ("x₁", "x₂", "density"),
    colorscale: str = "Viridis",
    max_grid: int = 80,
    height: int = 560,
) -> Figure3D:
    """A 2-D density as a 3-D surface the reader can turn, with the data on the floor.

    Parameters
    ----------
    grid : tuple (xx, yy, zz) of 2-D arrays
        The density on a regular grid, as returned by
        :func:`msutils.density.kde_grid` (``xx`` constant down each column,
        ``yy`` constant along each row).
    alt : str
        What the figure shows, for readers who cannot see it (the fallback
        image's alt text and the figure's ``aria-label``).  Required.
    X : array-like of shape (n, 2), optional
        The data, drawn as small black dots at height 0.
    name : str, optional
        The element id's suffix (``msutils-3d-<name>``); by default a hash of
        the figure's content.  Letters, digits, ``-`` and ``_``.
    title : str, default="Kernel density estimate"
    axis_labels : sequence of 3 str, default=("x₁", "x₂", "density")
        Plain text (no ``$``: Plotly would hand it to MathJax).
    colorscale : str, default="Viridis"
        A Plotly colour scale name for the surface (colour = height), with a
        colour bar.
    max_grid : int, default=80
        The surface keeps at most this many grid lines along each axis (every
        k-th line of a finer grid), which bounds the HTML's size.
    height : int, default=560
        Height of the interactive figure in pixels.

    Returns
    -------
    Figure3D

    Examples
    --------
    >>> from msutils.density import kde_grid
    >>> X = [[0.0, 0.0], [1.0, 1.0], [3.0, 0.5]]
    >>> fig = kde_surface_3d(kde_grid(X, 0.6, grid_size=30), X=X, name="doc-kde",
    ...                      alt="Three hills over the plane.")
    >>> fig.div_id
    'msutils-3d-doc-kde'
    >>> [t["type"] for t in fig.figure["data"]]
    ['surface', 'scatter3d']
    >>> 'alt="Three hills over the plane."' in fig.html, "https://" in fig.html
    (True, False)
    """
    from msutils.plotting._density import _check_grid, plot_kde_surface

    alt = _check_alt(alt)
    name = _check_name(name)
    title = _check_text(title, name="title")
    labels3 = _check_axis_labels(axis_labels)
    colorscale = _check_text(colorscale, name="colorscale")
    max_grid = check_positive_int(max_grid, name="max_grid", minimum=2)
    height = check_positive_int(height, name="height", minimum=100)
    xx, yy, zz = _check_grid(grid)
    if xx.shape[0] < 2 or xx.shape[1] < 2:
        raise ValueError(f"grid must have at least 2 x 2 nodes, got shape {xx.shape}.")
    if not (np.allclose(xx, xx[:1, :]) and np.allclose(yy, yy[:, :1])):
        raise ValueError("grid must be a regular grid as from np.meshgrid(x, y) (e.g. kde_grid's output).")
    rows = np.unique(np.linspace(0, xx.shape[0] - 1, min(max_grid, xx.shape[0])).round().astype(int))
    cols = np.unique(np.linspace(0, xx.shape[1] - 1, min(max_grid, xx.shape[1])).round().astype(int))
    x, y, z = _rounded(xx[0, cols]), _rounded(yy[rows, 0]), _rounded(zz[np.ix_(rows, cols)])
    data = [{
        "type": "surface", "x": x.tolist(), "y": y.tolist(), "z": z.tolist(), "colorscale": colorscale,
        "colorbar": {"title": {"text": labels3[2]}, "len": 0.7}, "name": "density",
        "hovertemplate": (f"{labels3[0]} = %{{x:.3g}}<br>{labels3[1]} = %{{y:.3g}}<br>"
                          f"{labels3[2]} = %{{z:.3g}}<extra></extra>"),
    }]
    pts = None
    if X is not None:
        pts = _rounded(check_data(X, name="X", n_features=2))
        data.append({
            "type": "scatter3d", "mode": "markers", "name": "data",
            "x": pts[:, 0].tolist(), "y": pts[:, 1].tolist(), "z": [0.0] * len(pts),
            "marker": {"size": 2, "color": "#000000"},
            "hovertemplate": f"data point<br>{labels3[0]} = %{{x:.3g}}<br>{labels3[1]} = %{{y:.3g}}<extra></extra>",
        })
    layout = _layout(title, labels3, height)
    layout["showlegend"] = False

    def draw(fig):
        ax = fig.add_subplot(projection="3d")
        gx, gy = np.meshgrid(x, y)
        plot_kde_surface(ax, (gx, gy, z), X=pts, title=title, xlabel=_plain(labels3[0]),
                         ylabel=_plain(labels3[1]), zlabel=_plain(labels3[2]))

    return Figure3D({"data": data, "layout": layout}, _png(draw), alt=alt, name=name)


def _cluster_traces(points, labels, centers, *, colors, center_colors, axis_labels, point_size,
                    center_size, rgb_hover=False, counts=None, unit="points"):
    """One scatter3d trace per cluster (legend entry and hover name), then one for the centres.

    ``counts[label]`` is the cluster's size shown in the legend (by default, its points here)."""
    traces = []
    fmt = ".0f" if rgb_hover else ".3g"
    coords = "".join(f"<br>{lab} = %{{{ax}:{fmt}}}" for lab, ax in zip(axis_labels, "xyz"))
    for lab in np.unique(labels):
        mask = labels == lab
        cname = "no cluster" if lab < 0 else f"cluster {lab}"
        marker = {"size": point_size, "opacity": 0.85}
        if colors is None:
            marker["color"] = "#999999" if lab < 0 else _hex(center_colors[lab][None])[0]
        else:
            marker["color"] = _hex(colors[mask])
        size = int(mask.sum()) if counts is None else int(counts[lab])
        traces.append({
            "type": "scatter3d", "mode": "markers", "name": f"{cname} ({size} {unit})",
            "x": points[mask, 0].tolist(), "y": points[mask, 1].tolist(), "z": points[mask, 2].tolist(),
            "marker": marker, "hovertemplate": f"{cname}{coords}<extra></extra>",
        })
    if centers is not None:
        text = [f"centre of cluster {k}" for k in range(len(centers))]
        traces.append({
            "type": "scatter3d", "mode": "markers", "name": "cluster centres",
            "x": centers[:, 0].tolist(), "y": centers[:, 1].tolist(), "z": centers[:, 2].tolist(),
            "text": text,
            "marker": {"size": center_size, "symbol": "diamond", "color": _hex(center_colors[: len(centers)]),
                       "line": {"color": "#000000", "width": 2}},
            "hovertemplate": f"%{{text}}{coords}<extra></extra>",
        })
    return traces


def _check_centers(centers: Any, labels: np.ndarray) -> np.ndarray | None:
    if centers is None:
        return None
    ctr = check_data(centers, name="centers", n_features=3)
    if labels.size and labels.max() >= len(ctr):
        raise ValueError(
            f"centers has {len(ctr)} rows but labels go up to {int(labels.max())}; "
            "expected one centre per cluster label (centers[k] is the centre of cluster k)."
        )
    return ctr


def clusters_3d(
    X: Any,
    labels: Any,
    centers: Any = None,
    *,
    alt: str,
    name: str | None = None,
    title: str = "Clusters",
    axis_labels: Sequence[str] = ("x₁", "x₂", "x₃"),
    point_size: float = 4,
    center_size: float = 9,
    height: int = 560,
) -> Figure3D:
    """3-D points coloured by cluster, with the cluster centres, that the reader can turn.

    Hovering over a point shows its cluster and coordinates; the legend lists
    the clusters (click one to hide it).

    Parameters
    ----------
    X : array-like of shape (n, 3)
        The points.
    labels : array-like of int, shape (n,)
        Cluster label of each point (``-1``: no cluster, drawn grey), e.g. a
        fitted ``MeanShift``'s ``labels_``.
    centers : array-like of shape (k, 3), optional
        The cluster centres (``centers[j]`` is the centre of cluster ``j``),
        e.g. ``cluster_centers_``; drawn as large diamonds with a black edge.
    alt : str
        What the figure shows, for readers who cannot see it.  Required.
    name : str, optional
        The element id's suffix; by default a hash of the content.
    title : str, default="Clusters"
    axis_labels : sequence of 3 str, default=("x₁", "x₂", "x₃")
        Plain text (no ``$``).
    point_size, center_size : float
        Marker diameters in pixels.
    height : int, default=560
        Height of the interactive figure in pixels.

    Returns
    -------
    Figure3D

    Examples
    --------
    >>> X = [[0, 0, 0], [0.1, 0, 0.2], [5, 5, 5], [5.2, 4.9, 5]]
    >>> fig = clusters_3d(X, [0, 0, 1, 1], [[0.05, 0, 0.1], [5.1, 4.95, 5]],
    ...                   alt="Two pairs of points, each with its centre.")
    >>> [t["name"] for t in fig.figure["data"]]
    ['cluster 0 (2 points)', 'cluster 1 (2 points)', 'cluster centres']
    >>> fig.figure["data"][1]["hovertemplate"].split("<br>")[0]
    'cluster 1'
    """
    from msutils.plotting._images import label_colors
    from msutils.plotting._meanshift import scatter_clusters

    alt = _check_alt(alt)
    name = _check_name(name)
    title = _check_text(title, name="title")
    labels3 = _check_axis_labels(axis_labels)
    height = check_positive_int(height, name="height", minimum=100)
    for value, arg in ((point_size, "point_size"), (center_size, "center_size")):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 100:
            raise ValueError(f"{arg} must be a number of pixels in (0, 100), got {value!r}.")
    X = check_data(X, name="X", n_features=3)
    labels = _check_labels(labels, len(X))
    ctr = _check_centers(centers, labels)
    n_colors = max(int(labels.max()) + 1, 0 if ctr is None else len(ctr), 1)
    palette = label_colors(n_colors)
    pts = _rounded(X)
    ctr_r = None if ctr is None else _rounded(ctr)
    data = _cluster_traces(pts, labels, ctr_r, colors=None, center_colors=palette, axis_labels=labels3,
                           point_size=point_size, center_size=center_size)
    layout = _layout(title, labels3, height)

    def draw(fig):
        ax = fig.add_subplot(projection="3d")
        scatter_clusters(ax, pts, labels=labels, centers=ctr_r, size=10, title=title,
                         axis_labels=[_plain(a) for a in labels3])
        ax.legend(loc="upper left", fontsize="small")

    return Figure3D({"data": data, "layout": layout}, _png(draw), alt=alt, name=name)


def colour_cloud_3d(
    pixels: Any,
    labels: Any,
    centers: Any = None,
    *,
    alt: str,
    name: str | None = None,
    title: str = "Pixels in RGB space",
    curve: Any = None,
    curve_name: str = "palette",
    max_points: int = 4000,
    seed: int = 0,
    point_size: float = 2.5,
    center_size: float = 9,
    height: int = 600,
) -> Figure3D:
    """An image's pixels as a cloud in RGB space, each in its own colour, with the cluster centres.

    Hovering over a pixel shows its cluster and its RGB value; the legend
    lists the clusters with their sizes in the whole picture (click one to
    hide it).  The centres are diamonds in
    their own colour with a black edge.

    Parameters
    ----------
    pixels : array-like of shape (n, 3)
        RGB values in 0..255 (e.g. :func:`msutils.images.to_pixels`).
    labels : array-like of int, shape (n,)
        Cluster label of each pixel (e.g. ``MeanShift(...).fit(pixels).labels_``).
    centers : array-like of shape (k, 3), optional
        Cluster centres in RGB, ``centers[j]`` for cluster ``j``.
    alt : str
        What the figure shows, for readers who cannot see it.  Required.
    name : str, optional
        The element id's suffix; by default a hash of the content.
    title : str, default="Pixels in RGB space"
    curve : array-like of shape (m, 3), optional
        A path through RGB space drawn as a grey line (e.g. the colour map the
        image was made with).
    curve_name : str, default="palette"
        The curve's legend entry.
    max_points : int, default=4000
        Draw a random subset (seeded) of at most this many pixels, which
        bounds the HTML's size.
    seed : int, default=0
        Seed of the subset.
    point_size, center_size : float
        Marker diameters in pixels.
    height : int, default=600
        Height of the interactive figure in pixels.

    Returns
    -------
    Figure3D

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> pixels = np.vstack([rng.normal(40, 5, (300, 3)), rng.normal(200, 5, (300, 3))])
    >>> labels = np.repeat([0, 1], 300)
    >>> fig = colour_cloud_3d(pixels, labels, [[40, 40, 40], [200, 200, 200]], max_points=100,
    ...                       alt="Two tight clouds of grey pixels, dark and light.")
    >>> sum(len(t["x"]) for t in fig.figure["data"][:2])
    100
    >>> fig.figure["data"][0]["hovertemplate"].split("<br>")[0]
    'cluster 0'
    """
    alt = _check_alt(alt)
    name = _check_name(name)
    title = _check_text(title, name="title")
    curve_name = _check_text(curve_name, name="curve_name")
    height = check_positive_int(height, name="height", minimum=100)
    max_points = check_positive_int(max_points, name="max_points")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an integer, got {type(seed).__name__}.")
    for value, arg in ((point_size, "point_size"), (center_size, "center_size")):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 100:
            raise ValueError(f"{arg} must be a number of pixels in (0, 100), got {value!r}.")
    pts = check_data(pixels, name="pixels", n_features=3)
    labels = _check_labels(labels, len(pts))
    ctr = _check_centers(centers, labels)
    if pts.min() < 0 or pts.max() > 255:
        raise ValueError("pixels must be RGB values in 0..255; got values outside that range.")
    if ctr is not None and (ctr.min() < 0 or ctr.max() > 255):
        raise ValueError("centers must be RGB values in 0..255; got values outside that range.")
    counts = {int(k): int(c) for k, c in zip(*np.unique(labels, return_counts=True))}
    if len(pts) > max_points:
        keep = np.sort(np.random.default_rng(seed).choice(len(pts), size=max_points, replace=False))
        pts, labels = pts[keep], labels[keep]
    path = None if curve is None else check_data(curve, name="curve", n_features=3, min_samples=2)
    axis_labels = ("red", "green", "blue")
    # RGB values print with one decimal at most: round to 0.1 whatever the largest value.
    pts = np.round(pts, 1) + 0.0
    ctr_r = None if ctr is None else np.round(ctr, 1) + 0.0
    center_colors = None if ctr_r is None else np.clip(ctr_r / 255.0, 0, 1)
    data = _cluster_traces(pts, labels, ctr_r, colors=np.clip(pts / 255.0, 0, 1), center_colors=center_colors,
                           axis_labels=axis_labels, point_size=point_size, center_size=center_size,
                           rgb_hover=True, counts=counts, unit="pixels")
    if path is not None:
        path = np.round(path, 1) + 0.0
        data.insert(0, {"type": "scatter3d", "mode": "lines", "name": curve_name,
                        "x": path[:, 0].tolist(), "y": path[:, 1].tolist(), "z": path[:, 2].tolist(),
                        "line": {"color": "#808080", "width": 3}, "hoverinfo": "skip"})
    layout = _layout(title, axis_labels, height, ranges=[(0, 255)] * 3, aspectmode="cube", distance=1.15)

    def draw(fig):
        from msutils.plotting._images import plot_rgb_cloud

        ax = fig.add_subplot(projection="3d")
        plot_rgb_cloud(ax, pts, centers=ctr_r, max_points=max(len(pts), 1), title=title, size=3)
        if path is not None:
            ax.plot(*path.T, color="0.5", lw=1, label=curve_name)
            ax.legend(loc="upper left", fontsize="small")

    return Figure3D({"data": data, "layout": layout}, _png(draw, figsize=(7.0, 5.5)), alt=alt, name=name)
