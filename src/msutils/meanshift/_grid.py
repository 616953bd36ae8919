"""A uniform-grid range index for mean shift windows (private).

Points are sorted by the cell they fall in, on a grid over (at most) the three
coordinates with the largest spread.  A ball query returns, as one array of
positions into that sorted order, every point whose cell meets the ball: a
superset of the ball, found by compiled code (numba) that walks the cells'
rows and takes each row's points with two ``searchsorted`` calls.  (A KD-tree
returns Python lists, whose conversion costs far more than the query itself at
mean shift window sizes.)
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = ["GridIndex"]


class GridIndex:
    """Sort points by grid cell; answer "points whose cell meets a ball" queries.

    Parameters
    ----------
    X : ndarray of shape (n_points, n_features)
        Finite float64 points.
    cell : float
        Edge length of the grid cells (it is enlarged if the grid would need
        more than 2**20 cells along one axis).

    Attributes
    ----------
    order : ndarray of shape (n_points,)
        ``X[order]`` is the data in grid order; :meth:`query` returns positions
        into that order.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [5.0, 5.0], [0.5, 0.2], [9.0, 0.0]])
    >>> g = GridIndex(X, cell=1.0)
    >>> sorted(g.order[g.query(np.array([0.0, 0.0]), 1.0)].tolist())
    [0, 2]
    """

    def __init__(self, X: np.ndarray, cell: float) -> None:
        spread = X.max(axis=0) - X.min(axis=0)
        self.dims = np.sort(np.argsort(-spread, kind="stable")[:3])
        Y = X[:, self.dims]
        self.lo = Y.min(axis=0)
        span = float((Y.max(axis=0) - self.lo).max())
        self.cell = max(float(cell), span / 2**20, np.finfo(float).tiny)
        cells = self._cells(Y)
        self.n_cells = cells.max(axis=0) + 1
        self.stride = np.ones(len(self.dims), dtype=np.int64)
        for j in range(len(self.dims) - 2, -1, -1):
            self.stride[j] = self.stride[j + 1] * self.n_cells[j + 1]
        keys = cells @ self.stride
        self.order = np.argsort(keys, kind="stable")
        self.keys = keys[self.order]

    def _cells(self, Y: np.ndarray) -> np.ndarray:
        return np.floor((Y - self.lo) / self.cell).astype(np.int64)

    def query(self, center: np.ndarray, radius: float) -> np.ndarray:
        """Positions (into grid order) of all points whose cell meets the ball.

        Every point within ``radius`` of ``center`` is included (cells are
        widened by a relative 1e-9 against rounding); some farther ones are too.
        """
        a = np.ascontiguousarray(center[self.dims], dtype=np.float64)
        return _ball_candidates(self.keys, self.stride, self.n_cells, self.lo, self.cell, a, float(radius))


@numba.njit(cache=True, nogil=True)
def _ball_candidates(keys, stride, n_cells, lo, cell, a, radius):  # pragma: no cover - compiled
    """Positions (grid order) of the points whose cell meets the ball around ``a`` (grid coordinates).

    The cells of every combination of the leading grid coordinates whose box
    meets the ball are visited; the distance to that box bounds the range of
    the last coordinate, a run of consecutive keys found by ``searchsorted``.
    """
    g = a.shape[0]
    L = cell
    r = radius * (1 + 1e-9) + 1e-9 * L
    lo_c = np.empty(g, dtype=np.int64)
    hi_c = np.empty(g, dtype=np.int64)
    for j in range(g):
        # cell bounds in floating point (np.floor: math.floor gives an int64 in numba), tested
        # and clipped to the grid before the conversion, which would overflow far outside it
        lo_f = np.floor((a[j] - r - lo[j]) / L)
        hi_f = np.floor((a[j] + r - lo[j]) / L)
        if lo_f > n_cells[j] - 1 or hi_f < 0:
            return np.zeros(0, dtype=np.intp)
        lo_c[j] = int(max(lo_f, 0.0))
        hi_c[j] = int(min(hi_f, n_cells[j] - 1.0))
    n_combo = 1
    for j in range(g - 1):
        n_combo *= hi_c[j] - lo_c[j] + 1
    starts = np.empty(n_combo, dtype=np.int64)
    ends = np.empty(n_combo, dtype=np.int64)
    n_ranges = 0
    total = 0
    idx = lo_c[: g - 1].copy()
    for _ in range(n_combo):
        gap2 = 0.0
        base = 0
        for j in range(g - 1):  # distance from the centre to this combination's box
            box_lo = lo[j] + idx[j] * L
            gap = max(max(box_lo - a[j], a[j] - (box_lo + L)), 0.0)
            gap = max(gap - 1e-9 * L, 0.0)
            gap2 += gap * gap
            base += idx[j] * stride[j]
        rho2 = r * r - gap2
        if rho2 >= 0:
            rho = math.sqrt(rho2) + 1e-9 * (r + L)
            l0_f = np.floor((a[g - 1] - rho - lo[g - 1]) / L)
            l1_f = np.floor((a[g - 1] + rho - lo[g - 1]) / L)
            if l0_f <= n_cells[g - 1] - 1 and l1_f >= 0:
                l0 = int(max(l0_f, 0.0))
                l1 = int(min(l1_f, n_cells[g - 1] - 1.0))
                s = np.searchsorted(keys, base + l0, side="left")
                e = np.searchsorted(keys, base + l1, side="right")
                if e > s:
                    starts[n_ranges] = s
                    ends[n_ranges] = e
                    n_ranges += 1
                    total += e - s
        j = g - 2  # next combination (odometer, the last leading coordinate fastest)
        while j >= 0:
            idx[j] += 1
            if idx[j] <= hi_c[j]:
                break
            idx[j] = lo_c[j]
            j -= 1
    out = np.empty(total, dtype=np.intp)
    k = 0
    for q in range(n_ranges):
        for p in range(starts[q], ends[q]):
            out[k] = p
            k += 1
    return out
