r"""The fusion step: basins of attraction whose modes are close become one cluster (compiled).

Comaniciu and Meer :cite:p:`comaniciu2002` (section 5.2) group together all
convergence points :math:`z_i` that are closer than :math:`h_s` in the
spatial domain and :math:`h_r` in the range domain, i.e. concatenate the
basins of attraction of the corresponding modes; the clusters are the
transitive closure of that relation.  Done in two passes, both with
union-find:

1. neighbouring pixels (8-connectivity) whose modes are closer than
   :math:`h_s` and :math:`h_r` are joined: the connected *basins*;
2. basins whose mean modes (pixel-count weighted) are closer than
   :math:`h_s` and :math:`h_r` are joined, wherever they lie; candidates
   come from a uniform grid of cell :math:`h_s` over the mean modes'
   positions.

The second pass compares each basin's mean mode rather than every pair of
its pixels' modes (a documented simplification: within a basin the modes
already lie within the bandwidths of their neighbours).  A cluster can
cover parts of the picture that do not touch; the *regions* are its
8-connected parts (:func:`connected_regions`).
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["fuse_basins", "connected_regions", "first_seen_order"]


@numba.njit(cache=True, nogil=True)
def _identity(n):
    """``arange(n)`` as int32, without an int64 temporary."""
    out = np.empty(n, dtype=np.int32)
    for i in range(n):
        out[i] = i
    return out


@numba.njit(cache=True, nogil=True, inline="always")
def _find(parent, i):
    root = i
    while parent[root] != root:
        root = parent[root]
    while parent[i] != root:  # path compression
        nxt = parent[i]
        parent[i] = root
        i = nxt
    return root


@numba.njit(cache=True, nogil=True, inline="always")
def _union(parent, a, b):
    ra = _find(parent, a)
    rb = _find(parent, b)
    if ra == rb:
        return
    if ra < rb:  # the smaller index is the root: roots are first pixels in reading order
        parent[rb] = ra
    else:
        parent[ra] = rb


@numba.njit(cache=True, nogil=True)
def _close(mode_col, q2, mode_off, scale, hs2, y0, x0, y1, x1):
    d2 = 0.0
    for c in range(mode_col.shape[0]):
        t = float(mode_col[c, y0, x0]) - float(mode_col[c, y1, x1])
        d2 += t * t
    if d2 >= q2:
        return False
    dy = (y0 + mode_off[0, y0, x0] / scale) - (y1 + mode_off[0, y1, x1] / scale)
    dx = (x0 + mode_off[1, y0, x0] / scale) - (x1 + mode_off[1, y1, x1] / scale)
    return dy * dy + dx * dx < hs2


@numba.njit(cache=True, nogil=True)
def _basins(mode_col, grid, mode_off, scale, hs):
    """Pass 1: union of 8-neighbours with close modes; parent array of the pixels (flattened)."""
    _, height, width = mode_col.shape
    q2 = grid * grid
    hs2 = hs * hs
    parent = _identity(height * width)
    for y in range(height):
        for x in range(width):
            i = y * width + x
            if x + 1 < width and _close(mode_col, q2, mode_off, scale, hs2, y, x, y, x + 1):
                _union(parent, i, i + 1)
            if y + 1 < height:
                if _close(mode_col, q2, mode_off, scale, hs2, y, x, y + 1, x):
                    _union(parent, i, i + width)
                if x + 1 < width and _close(mode_col, q2, mode_off, scale, hs2, y, x, y + 1, x + 1):
                    _union(parent, i, i + width + 1)
                if x > 0 and _close(mode_col, q2, mode_off, scale, hs2, y, x, y + 1, x - 1):
                    _union(parent, i, i + width - 1)
    for i in range(parent.size):
        parent[i] = _find(parent, i)
    return parent


@numba.njit(cache=True, nogil=True)
def _dense_ids(parent):
    """Replace every root index of a flattened parent array by 0, 1, ... (in order); return their number."""
    n = parent.size
    ids = np.full(n, -1, dtype=np.int32)
    n_b = 0
    for i in range(n):
        if parent[i] == i:
            ids[i] = n_b
            n_b += 1
    for i in range(n):
        parent[i] = ids[parent[i]]
    return n_b


@numba.njit(cache=True, nogil=True)
def _join_basin_modes(parent, mode_col, grid, mode_off, scale, hs):
    """Pass 2: union of basins whose mean modes are closer than the bandwidths (grid of cell ``hs``).

    Overwrites ``parent`` (the flattened pass-1 roots) with the cluster of every pixel.
    """
    n_ch, height, width = mode_col.shape
    n = height * width
    n_b = _dense_ids(parent)  # parent[i] is now the dense id of pixel i's basin
    count = np.zeros(n_b, dtype=np.float64)
    mean = np.zeros((n_b, n_ch + 2), dtype=np.float64)
    for i in range(n):
        b = parent[i]
        y = i // width
        x = i - y * width
        count[b] += 1.0
        mean[b, 0] += y + mode_off[0, y, x] / scale
        mean[b, 1] += x + mode_off[1, y, x] / scale
        for c in range(n_ch):
            mean[b, 2 + c] += mode_col[c, y, x]
    for b in range(n_b):
        for k in range(n_ch + 2):
            mean[b, k] /= count[b]
    # grid over the mean positions, cell size hs
    gh = int(height / hs) + 3
    gw = int(width / hs) + 3
    cell = np.empty(n_b, dtype=np.int64)
    for b in range(n_b):
        cy = min(max(int(mean[b, 0] / hs) + 1, 0), gh - 1)
        cx = min(max(int(mean[b, 1] / hs) + 1, 0), gw - 1)
        cell[b] = cy * gw + cx
    order = np.argsort(cell, kind="mergesort")
    start = np.full(gh * gw + 1, 0, dtype=np.int64)
    for b in range(n_b):
        start[cell[b] + 1] += 1
    for k in range(gh * gw):
        start[k + 1] += start[k]
    bparent = _identity(n_b)
    hs2 = hs * hs
    for b in range(n_b):
        cy = cell[b] // gw
        cx = cell[b] - cy * gw
        for oy in range(-1, 2):
            for ox in range(-1, 2):
                ny = cy + oy
                nx = cx + ox
                if ny < 0 or ny >= gh or nx < 0 or nx >= gw:
                    continue
                k = ny * gw + nx
                for j in range(start[k], start[k + 1]):
                    o = order[j]
                    if o <= b:
                        continue
                    d2 = 0.0
                    for c in range(n_ch):
                        t = mean[b, 2 + c] - mean[o, 2 + c]
                        d2 += t * t
                    if d2 >= grid * grid:
                        continue
                    ds = (mean[b, 0] - mean[o, 0]) ** 2 + (mean[b, 1] - mean[o, 1]) ** 2
                    if ds < hs2:
                        _union(bparent, b, o)
    for b in range(n_b):
        bparent[b] = _find(bparent, b)
    # cluster of every pixel (in place): its basin's root basin
    for i in range(n):
        parent[i] = bparent[parent[i]]
    return parent


def fuse_basins(mode_col: np.ndarray, grid: float, mode_off: np.ndarray, scale: float, hs: float) -> np.ndarray:
    """Cluster index of every pixel (flat int32 array), as described in the module docstring.

    ``mode_col`` holds the modes' range values (``grid`` units per
    :math:`h_r`), ``mode_off`` their offsets from their pixels (``scale``
    units per pixel).
    """
    parent = _basins(mode_col, float(grid), mode_off, float(scale), float(hs))
    return _join_basin_modes(parent, mode_col, float(grid), mode_off, float(scale), float(hs))


@numba.njit(cache=True, nogil=True)
def _regions(cluster, height, width):
    parent = _identity(height * width)
    for y in range(height):
        for x in range(width):
            i = y * width + x
            c = cluster[i]
            if x + 1 < width and cluster[i + 1] == c:
                _union(parent, i, i + 1)
            if y + 1 < height:
                if cluster[i + width] == c:
                    _union(parent, i, i + width)
                if x + 1 < width and cluster[i + width + 1] == c:
                    _union(parent, i, i + width + 1)
                if x > 0 and cluster[i + width - 1] == c:
                    _union(parent, i, i + width - 1)
    for i in range(parent.size):
        parent[i] = _find(parent, i)
    # number the roots in reading order, in place; ``cluster`` is no longer needed and holds the ranks
    rank = cluster
    rank[:] = -1
    k = 0
    for i in range(parent.size):
        root = parent[i]  # parent[root] may be renumbered already, parent[i] (i >= root) not yet
        if rank[root] < 0:
            rank[root] = k
            k += 1
        parent[i] = rank[root]
    return parent


@numba.njit(cache=True, nogil=True)
def first_seen_order(labels):
    """Renumber a flat int32 label array 0, 1, ... in order of first appearance, in place; return it."""
    n = labels.size
    top = 0
    for i in range(n):
        if labels[i] > top:
            top = labels[i]
    rank = np.full(top + 1, -1, dtype=np.int32)
    k = 0
    for i in range(n):
        lab = labels[i]
        if rank[lab] < 0:
            rank[lab] = k
            k += 1
        labels[i] = rank[lab]
    return labels


def connected_regions(cluster: np.ndarray, height: int, width: int) -> np.ndarray:
    """The 8-connected parts of the clusters, numbered in reading order (flat int32).

    An int32 ``cluster`` array is used as scratch space (overwritten); other dtypes are copied.
    """
    return _regions(np.ascontiguousarray(cluster, dtype=np.int32), int(height), int(width))
