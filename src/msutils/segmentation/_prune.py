r"""The pruning step: regions smaller than ``min_region`` pixels join their closest neighbour (compiled).

Comaniciu and Meer :cite:p:`comaniciu2002` end the segmentation by
eliminating spatial regions of fewer than :math:`M` pixels.  As in their
EDISON code, a small region joins the adjacent region (4-connectivity) whose
mean mode is closest in the range domain (ties: the smaller label); all small
regions of one round are joined at once (union-find), the mean modes of the
merged regions are recomputed (pixel-count weighted), and rounds repeat
until no region is smaller than :math:`M` or a single region is left.
"""

from __future__ import annotations

import numba
import numpy as np

from msutils.segmentation._fusion import _find, _identity, _union, first_seen_order

__all__ = ["prune_small"]


@numba.njit(cache=True, nogil=True)
def _means(labels, values, n_regions):
    n_ch = values.shape[0]
    width = values.shape[2]
    size = np.zeros(n_regions, dtype=np.int64)
    mean = np.zeros((n_regions, n_ch), dtype=np.float64)
    for i in range(labels.size):
        lab = labels[i]
        y = i // width
        x = i - y * width
        size[lab] += 1
        for c in range(n_ch):
            mean[lab, c] += values[c, y, x]
    for r in range(n_regions):
        for c in range(n_ch):
            mean[r, c] /= size[r]
    return size, mean


@numba.njit(cache=True, nogil=True)
def _prune(labels, values, min_region):
    n_ch, height, width = values.shape
    first_seen_order(labels)
    while True:
        n_regions = 0
        for i in range(labels.size):
            if labels[i] + 1 > n_regions:
                n_regions = labels[i] + 1
        if n_regions <= 1:
            return labels
        size, mean = _means(labels, values, n_regions)
        n_small = 0
        for r in range(n_regions):
            if size[r] < min_region:
                n_small += 1
        if n_small == 0:
            return labels
        best = np.full(n_regions, -1, dtype=np.int32)
        best_d = np.full(n_regions, np.inf)
        for y in range(height):
            for x in range(width):
                a = labels[y * width + x]
                for k in range(2):
                    if k == 0:
                        if x + 1 >= width:
                            continue
                        b = labels[y * width + x + 1]
                    else:
                        if y + 1 >= height:
                            continue
                        b = labels[(y + 1) * width + x]
                    if a == b:
                        continue
                    d = 0.0
                    for c in range(n_ch):
                        t = mean[a, c] - mean[b, c]
                        d += t * t
                    for s, o in ((a, b), (b, a)):
                        if size[s] < min_region and (d < best_d[s] or (d == best_d[s] and o < best[s])):
                            best_d[s] = d
                            best[s] = o
        parent = _identity(n_regions)
        for r in range(n_regions):
            if best[r] >= 0:
                _union(parent, r, best[r])
        for i in range(labels.size):
            labels[i] = _find(parent, labels[i])
        first_seen_order(labels)


def prune_small(labels: np.ndarray, values: np.ndarray, min_region: int, *, copy: bool = True) -> np.ndarray:
    """Merge regions smaller than ``min_region`` pixels, as in the module docstring.

    Parameters
    ----------
    labels : ndarray of int, shape (H * W,)
        Region of every pixel (flat, reading order).
    values : ndarray of shape (C, H, W)
        The values whose region means are compared (the modes' range values).
    min_region : int
    copy : bool, default=True
        False reuses an int32 ``labels`` array (overwritten) to save memory.

    Returns
    -------
    ndarray of int32, shape (H * W,)
        The new labels, numbered in reading order.

    Examples
    --------
    >>> import numpy as np
    >>> labels = np.array([0, 0, 0, 1, 2, 2, 2, 2])          # one row of 8 pixels
    >>> values = np.array([[[0, 0, 0, 7, 9, 9, 9, 9]]], dtype=np.float32)
    >>> prune_small(labels, values, 2).tolist()              # pixel 3 is closer to the 9s
    [0, 0, 0, 1, 1, 1, 1, 1]
    """
    out = np.ascontiguousarray(labels, dtype=np.int32)
    if copy and out is labels:
        out = out.copy()
    return _prune(out, values, int(min_region))
