r"""Image segmentation by mean shift, in colour space and in the joint domain.

Two ways to segment a picture with mean shift:

* :func:`segment_colors` clusters the pixels' colours only, as the article
  does: every pixel is a point in RGB space, :class:`~msutils.MeanShift` finds
  the modes of their density and each pixel takes the label of its mode.
  Where a pixel lies in the picture plays no part, so two far-apart patches of
  the same colour share a label.
* :func:`segment` works in the *joint spatial-range domain* of Comaniciu and
  Meer :cite:p:`comaniciu2002`: pixel :math:`i` is the point :math:`z_i = (x_i^s, x_i^r)`, its
  position :math:`x^s` (row, column) joined to its colour :math:`x^r`, and
  the kernel is a product of two radially symmetric kernels with a spatial
  bandwidth :math:`h_s` (pixels) and a range bandwidth :math:`h_r` (colour
  units),

  .. math::

      K(z) \propto k\Big(\Big\|\frac{x^s}{h_s}\Big\|^2\Big)\,
                   k\Big(\Big\|\frac{x^r}{h_r}\Big\|^2\Big).

The joint-domain algorithm has three steps.

1. **Filtering** (:func:`mean_shift_filter`).  Every pixel starts a mean shift
   climb at its own :math:`z_i`.  A step replaces the current point :math:`y`
   by the weighted mean of the pixels in its window (with the flat kernel: the
   pixels less than :math:`h_s` away in the image *and* less than
   :math:`h_r` away in colour) until the step is shorter than ``tol``
   (measured in bandwidths).  The filtered pixel keeps its position and takes
   the colour of the mode it reached, :math:`(x_i^s, y_{i,c}^r)`: edges stay
   sharp while texture and noise are smoothed away.

   All pixels climb together.  The spatial window of radius :math:`h_s` covers
   a fixed set of integer offsets around each climber's rounded position, so
   one step loops over those offsets (about :math:`\pi h_s^2` of them) and
   handles every climber at once with NumPy indexing; climbers that have
   converged drop out.  The cost of a step is proportional to the number of
   active pixels times :math:`h_s^2`.
2. **Grouping.**  Neighbouring pixels (8-connectivity) are joined when their
   modes lie within :math:`h_s` in space and :math:`h_r / 2` in colour; the
   regions are the connected components of those links.  Links chain: on a
   smooth gradient without edges neighbouring modes differ little, so the
   whole gradient becomes one region (colour-only clustering, which ignores
   position, cuts it into bands instead).
3. **Pruning.**  A region of fewer than ``min_region`` pixels is merged into
   the adjacent region whose mean filtered colour is closest, until no small
   region is left.

Regions are numbered 0, 1, ... in the order in which they first appear when
the picture is read row by row.

Examples
--------
>>> import numpy as np
>>> image = np.zeros((12, 16, 3))
>>> image[:, 8:] = 200.0
>>> labels = segment(image, spatial_bandwidth=3, range_bandwidth=30, min_region=5)
>>> labels[0, 0].item(), labels[0, -1].item(), labels.max().item() + 1
(0, 1, 2)
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from msutils._validation import check_bandwidth, check_positive_int, check_quantile
from msutils.images import check_image, mean_colors, to_pixels
from msutils.kernels import Kernel, get_kernel

__all__ = ["mean_shift_filter", "segment", "segment_colors", "region_stats"]

#: ``progress(iteration, n_converged, n_pixels)``, called after every step.
ProgressCallback = Callable[[int, int, int], None]


def _check_kernel(kernel: Any) -> Kernel:
    k = get_kernel(kernel)
    if not math.isfinite(k.support):
        raise ValueError(
            f"kernel must have a bounded support for joint-domain filtering ('flat', 'epanechnikov' or "
            f"'biweight'), got {k.name!r}."
        )
    return k


def _joint_modes(
    image: np.ndarray,
    hs: float,
    hr: float,
    kernel: Kernel,
    max_iter: int,
    tol: float,
    progress: ProgressCallback | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Climb every pixel to its mode in the joint domain.

    Returns the modes' positions, shape (H * W, 2) (row, column), and colours,
    shape (H * W, C).
    """
    height, width, n_ch = image.shape
    n = height * width
    reach = hs + math.sqrt(0.5)  # the window around a climber's rounded position
    r = int(math.floor(reach))
    dy, dx = np.mgrid[-r : r + 1, -r : r + 1]
    keep = dy**2 + dx**2 <= reach**2
    offsets = list(zip(dy[keep].tolist(), dx[keep].tolist()))

    # Pad by r on every side with a colour so far away that its weight is 0:
    # a window reaching past the border then needs no bounds checks.
    far = 1e6 + 10 * hr + np.abs(image).max()
    pw = width + 2 * r
    channels = []
    for ch in range(n_ch):
        padded = np.full((height + 2 * r, pw), far)
        padded[r : r + height, r : r + width] = image[..., ch]
        channels.append(padded.ravel())
    rows, cols = np.divmod(np.arange(n), width)
    pos = np.stack([rows, cols], axis=1).astype(np.float64)
    col = image.reshape(n, n_ch).astype(np.float64)
    inv_hs2, inv_hr2 = 1.0 / hs**2, 1.0 / hr**2
    flat_kernel = kernel.name == "flat"

    active = np.arange(n)
    for iteration in range(1, max_iter + 1):
        p, c = pos[active], col[active]
        cy, cx = np.rint(p[:, 0]), np.rint(p[:, 1])
        ey, ex = cy - p[:, 0], cx - p[:, 1]  # rounded position minus true position
        base = (cy.astype(np.intp) + r) * pw + cx.astype(np.intp) + r
        w_sum = np.zeros(active.size)
        s_oy, s_ox = np.zeros(active.size), np.zeros(active.size)
        s_col = [np.zeros(active.size) for _ in range(n_ch)]
        for oy, ox in offsets:
            lin = base + (oy * pw + ox)
            d2s = ((ey + oy) ** 2 + (ex + ox) ** 2) * inv_hs2
            q = [chan.take(lin) for chan in channels]
            d2r = (q[0] - c[:, 0]) ** 2
            for ch in range(1, n_ch):
                d2r += (q[ch] - c[:, ch]) ** 2
            d2r *= inv_hr2
            if flat_kernel:
                w = ((d2s <= 1.0) & (d2r <= 1.0)).astype(np.float64)
            else:
                w = kernel.profile(d2s) * kernel.profile(d2r)
            w_sum += w
            if oy:
                s_oy += w * oy
            if ox:
                s_ox += w * ox
            for ch in range(n_ch):
                s_col[ch] += w * q[ch]
        moved = w_sum > 0
        safe = np.where(moved, w_sum, 1.0)
        new_p = np.where(moved[:, None], np.stack([cy + s_oy / safe, cx + s_ox / safe], axis=1), p)
        new_c = np.where(moved[:, None], np.stack(s_col, axis=1) / safe[:, None], c)
        step2 = ((new_p - p) ** 2).sum(axis=1) * inv_hs2 + ((new_c - c) ** 2).sum(axis=1) * inv_hr2
        pos[active], col[active] = new_p, new_c
        active = active[moved & (step2 > tol**2)]
        if progress is not None:
            progress(iteration, n - active.size, n)
        if active.size == 0:
            break
    return pos, col


def mean_shift_filter(
    image: Any,
    *,
    spatial_bandwidth: float,
    range_bandwidth: float,
    kernel: str = "flat",
    max_iter: int = 50,
    tol: float = 0.1,
    progress: ProgressCallback | None = None,
) -> np.ndarray:
    """Edge-preserving smoothing by mean shift in the joint spatial-range domain.

    Every pixel climbs to a mode of the joint density of positions and colours
    and takes that mode's colour (Comaniciu and Meer, 2002); the module
    docstring describes the algorithm.

    Parameters
    ----------
    image : array-like of shape (H, W, C) or (H, W)
        The picture, e.g. uint8 RGB.  Colours are used as they are (0..255 for
        8-bit images), so ``range_bandwidth`` is in the same units.
    spatial_bandwidth : float
        :math:`h_s`, the window's radius in pixels.  The cost grows as its
        square.
    range_bandwidth : float
        :math:`h_r`, the window's radius in colour units.
    kernel : {"flat", "epanechnikov", "biweight"}, default="flat"
        Profile of the weights in both domains; ``"flat"`` weighs every pixel
        of the window equally.
    max_iter : int, default=50
        Largest number of mean shift steps per pixel.
    tol : float, default=0.1
        A pixel stops when its step is shorter than ``tol``, measured as
        :math:`\\sqrt{(\\Delta s / h_s)^2 + (\\Delta r / h_r)^2}`.
    progress : callable or None, default=None
        Called as ``progress(iteration, n_converged, n_pixels)`` after each
        step (for progress bars).

    Returns
    -------
    ndarray of shape (H, W, C), dtype float64
        The filtered picture.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> image = np.where(np.arange(20) < 10, 50.0, 150.0)[None, :].repeat(10, axis=0)
    >>> noisy = image + rng.normal(0, 5, image.shape)
    >>> smooth = mean_shift_filter(noisy, spatial_bandwidth=3, range_bandwidth=20)[..., 0]
    >>> bool(smooth.std(axis=0).max() < noisy.std(axis=0).max())
    True
    >>> bool(abs(smooth[:, :8].mean() - 50) < 2 and abs(smooth[:, 12:].mean() - 150) < 2)
    True
    """
    arr, hs, hr, k, max_iter, tol = _check_joint_args(image, spatial_bandwidth, range_bandwidth, kernel, max_iter, tol)
    _, col = _joint_modes(arr, hs, hr, k, max_iter, tol, progress)
    return col.reshape(arr.shape)


def _check_joint_args(
    image: Any, spatial_bandwidth: Any, range_bandwidth: Any, kernel: Any, max_iter: Any, tol: Any
) -> tuple[np.ndarray, float, float, Kernel, int, float]:
    """Validate the arguments shared by :func:`mean_shift_filter` and :func:`segment`."""
    arr = check_image(image)
    hs = check_bandwidth(spatial_bandwidth, name="spatial_bandwidth")
    hr = check_bandwidth(range_bandwidth, name="range_bandwidth")
    k = _check_kernel(kernel)
    max_iter = check_positive_int(max_iter, name="max_iter")
    tol = check_bandwidth(tol, name="tol")
    return arr, hs, hr, k, max_iter, tol


def segment(
    image: Any,
    *,
    spatial_bandwidth: float,
    range_bandwidth: float,
    min_region: int = 20,
    kernel: str = "flat",
    max_iter: int = 50,
    tol: float = 0.1,
    progress: ProgressCallback | None = None,
) -> np.ndarray:
    """Segment a picture by mean shift in the joint spatial-range domain.

    Filtering, grouping of neighbouring pixels with close modes, and merging
    of small regions, as described in the module docstring (Comaniciu and
    Meer, 2002).  Each region is spatially connected.

    Parameters
    ----------
    image : array-like of shape (H, W, C) or (H, W)
        The picture.
    spatial_bandwidth, range_bandwidth, kernel, max_iter, tol, progress
        As in :func:`mean_shift_filter`.
    min_region : int, default=20
        Regions with fewer pixels are merged into their most similar
        neighbour (1 keeps every region).

    Returns
    -------
    ndarray of shape (H, W), dtype int64
        Region index of every pixel, 0 to ``n_regions - 1``, numbered in
        reading order.

    Examples
    --------
    >>> import numpy as np
    >>> image = np.zeros((10, 30))
    >>> image[:, 20:] = 100.0          # same colour as nothing else...
    >>> image[:, :10] = 100.0          # ...but this patch is the same colour, far away
    >>> labels = segment(image, spatial_bandwidth=2, range_bandwidth=20)
    >>> labels[0, [0, 15, 25]].tolist()   # three regions: the two patches stay apart
    [0, 1, 2]
    """
    arr, hs, hr, k, max_iter, tol = _check_joint_args(image, spatial_bandwidth, range_bandwidth, kernel, max_iter, tol)
    min_region = check_positive_int(min_region, name="min_region")
    height, width, n_ch = arr.shape
    pos, col = _joint_modes(arr, hs, hr, k, max_iter, tol, progress)

    # Grouping: link 8-neighbours whose modes are close; regions = connected components.
    idx = np.arange(height * width).reshape(height, width)
    heads, tails = [], []
    for dy, dx in ((0, 1), (1, 0), (1, 1), (1, -1)):
        a = idx[: height - dy, max(0, -dx) : width - max(0, dx)].ravel()
        b = idx[dy:, max(0, dx) : width + min(0, dx)].ravel()
        close = (((pos[a] - pos[b]) ** 2).sum(axis=1) <= hs**2) & (
            ((col[a] - col[b]) ** 2).sum(axis=1) <= (hr / 2) ** 2
        )
        heads.append(a[close])
        tails.append(b[close])
    labels = _components(height * width, np.concatenate(heads), np.concatenate(tails)).reshape(height, width)
    return _merge_small(labels, col.reshape(arr.shape), min_region)


def _components(n: int, heads: np.ndarray, tails: np.ndarray) -> np.ndarray:
    """Connected components of an undirected graph on ``n`` nodes, in node order."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(heads.size, dtype=np.int8), (heads, tails)), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    return _first_seen_order(comp)


def _first_seen_order(labels: np.ndarray) -> np.ndarray:
    """Renumber labels 0, 1, ... in order of first appearance (any shape)."""
    flat = labels.ravel()
    uniq, first, inverse = np.unique(flat, return_index=True, return_inverse=True)
    rank = np.empty(uniq.size, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(uniq.size)
    return rank[inverse].reshape(labels.shape)


def _adjacent_pairs(labels: np.ndarray) -> np.ndarray:
    """Pairs ``(a, b)`` of different labels that touch (4-connectivity), both orders, unique."""
    pairs = [
        np.stack([labels[:, :-1].ravel(), labels[:, 1:].ravel()], axis=1),
        np.stack([labels[:-1, :].ravel(), labels[1:, :].ravel()], axis=1),
    ]
    p = np.concatenate(pairs)
    p = p[p[:, 0] != p[:, 1]]
    return np.unique(np.concatenate([p, p[:, ::-1]]), axis=0)


def _merge_small(labels: np.ndarray, colours: np.ndarray, min_region: int) -> np.ndarray:
    """Merge regions smaller than ``min_region`` into their closest-coloured neighbour."""
    while True:
        n_regions = int(labels.max()) + 1
        sizes = np.bincount(labels.ravel(), minlength=n_regions)
        small = sizes < min_region
        if not small.any() or n_regions == 1:
            return labels
        means = mean_colors(colours, labels)
        pairs = _adjacent_pairs(labels)
        pairs = pairs[small[pairs[:, 0]]]
        if pairs.size == 0:  # pragma: no cover - a small region always touches another one
            return labels
        dist = ((means[pairs[:, 0]] - means[pairs[:, 1]]) ** 2).sum(axis=1)
        # For each small region, the neighbour with the smallest distance (ties: smallest label).
        order = np.lexsort((pairs[:, 1], dist, pairs[:, 0]))
        pairs = pairs[order]
        first = np.r_[True, pairs[1:, 0] != pairs[:-1, 0]]
        best = pairs[first]
        merged = _components(n_regions, best[:, 0], best[:, 1])
        labels = _first_seen_order(merged[labels])


def segment_colors(
    image: Any,
    *,
    quantile: float = 0.1,
    n_samples: int | None = 100,
    bandwidth: float | None = None,
    random_state: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Segment a picture by mean shift on its pixels' colours only.

    The article's recipe, in one call: the pixels become points in colour
    space (:func:`~msutils.images.to_pixels`), the bandwidth is estimated from
    a sample of them (:func:`~msutils.estimate_bandwidth`) and
    :class:`~msutils.MeanShift` with ``bin_seeding=True`` clusters them.

    Parameters
    ----------
    image : array-like of shape (H, W, C) or (H, W)
        The picture, e.g. uint8 RGB.
    quantile : float, default=0.1
        Passed to :func:`~msutils.estimate_bandwidth`.
    n_samples : int or None, default=100
        Number of pixels, drawn at random, from which the bandwidth is
        estimated (None: all of them, which is slow for large pictures).
    bandwidth : float or None, default=None
        Use this bandwidth (colour units) instead of estimating one.
    random_state : int, default=0
        Seed of the random draw of ``n_samples`` pixels.

    Returns
    -------
    labels : ndarray of shape (H, W), dtype int64
        Cluster index of every pixel (clusters ordered as MeanShift orders
        them: most populated first).
    centers : ndarray of shape (n_clusters, C)
        Each cluster's mode, in colour units; ``posterize(labels, centers)``
        paints the segmentation.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> image = np.zeros((20, 20, 3))
    >>> image[:, 10:] = [200, 50, 0]
    >>> image += rng.normal(0, 3, image.shape)
    >>> labels, centers = segment_colors(image, quantile=0.3)
    >>> len(centers), sorted(np.bincount(labels.ravel()).tolist())
    (2, [200, 200])
    """
    from msutils.bandwidth import estimate_bandwidth
    from msutils.meanshift import MeanShift

    arr = check_image(image)
    pixels = to_pixels(arr)
    if bandwidth is None:
        quantile = check_quantile(quantile)
        if n_samples is not None:
            n_samples = check_positive_int(n_samples, name="n_samples")
        bandwidth = estimate_bandwidth(pixels, quantile=quantile, n_samples=n_samples, random_state=random_state)
        if not bandwidth > 0:
            raise ValueError(
                f"the estimated bandwidth is {bandwidth}: the sampled pixels are all the same colour; "
                "raise quantile or n_samples, or pass bandwidth."
            )
    bandwidth = check_bandwidth(bandwidth)
    model = MeanShift(bandwidth=bandwidth, bin_seeding=True).fit(pixels)
    return model.labels_.reshape(arr.shape[:2]).astype(np.int64), model.cluster_centers_


def region_stats(labels: Any, values: Any, *, mask: Any = None) -> dict[str, np.ndarray]:
    """Size and range of a scalar field (e.g. temperature) over each region.

    Parameters
    ----------
    labels : array-like of int, shape (H, W)
        Region index of every pixel.
    values : array-like of float, shape (H, W)
        The field.
    mask : array-like of bool, shape (H, W), optional
        Only pixels where ``mask`` is True count.

    Returns
    -------
    dict of ndarray
        ``"label"``, ``"size"``, ``"min"``, ``"p05"``, ``"median"``,
        ``"p95"``, ``"max"``: one entry per region present, sorted by median.

    Examples
    --------
    >>> stats = region_stats([[0, 0, 1]], [[1.0, 3.0, 10.0]])
    >>> stats["label"].tolist(), stats["median"].tolist(), stats["size"].tolist()
    ([0, 1], [2.0, 10.0], [2, 1])
    """
    lab = np.asarray(labels)
    val = np.asarray(values, dtype=np.float64)
    if lab.ndim != 2 or lab.dtype.kind not in "iu":
        raise ValueError(f"labels must be a 2-D array of integers, got shape {lab.shape} and dtype {lab.dtype}.")
    if val.shape != lab.shape:
        raise ValueError(f"values has shape {val.shape}, but labels has shape {lab.shape}; they must match.")
    keep = np.ones(lab.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    if keep.shape != lab.shape:
        raise ValueError(f"mask has shape {keep.shape}, but labels has shape {lab.shape}; they must match.")
    lab, val = lab[keep], val[keep]
    present = np.unique(lab)
    rows = []
    for k in present:
        v = val[lab == k]
        rows.append((k, v.size, v.min(), *np.percentile(v, [5, 50, 95]), v.max()))
    table = np.array(rows, dtype=np.float64).reshape(-1, 7)
    table = table[np.argsort(table[:, 4], kind="stable")]
    names = ("label", "size", "min", "p05", "median", "p95", "max")
    out = {name: table[:, i] for i, name in enumerate(names)}
    out["label"] = out["label"].astype(np.int64)
    out["size"] = out["size"].astype(np.int64)
    return out
