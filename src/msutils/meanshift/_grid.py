"""A uniform-grid range index for mean shift windows (private).

Points are sorted by the cell they fall in, on a grid over (at most) the three
coordinates with the largest spread.  A ball query returns, as one array of
positions into that sorted order, every point whose cell meets the ball: a
superset of the ball, found with a few vectorised ``searchsorted`` calls and no
Python-level loops over points.  (A KD-tree returns Python lists, whose
conversion costs far more than the query itself at mean shift window sizes.)
"""

from __future__ import annotations

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
        a = center[self.dims]
        L = self.cell
        r = radius * (1 + 1e-9) + 1e-9 * L
        lo_c = np.maximum(np.floor((a - r - self.lo) / L), 0).astype(np.int64)
        hi_c = np.minimum(np.floor((a + r - self.lo) / L), self.n_cells - 1).astype(np.int64)
        if np.any(lo_c > hi_c):
            return np.zeros(0, dtype=np.intp)
        # all cell combinations in the leading dimensions ...
        axes = [np.arange(lo_c[j], hi_c[j] + 1) for j in range(len(a) - 1)]
        combos = np.stack([g.ravel() for g in np.meshgrid(*axes, indexing="ij")], axis=1) if axes else np.zeros((1, 0), dtype=np.int64)
        # ... pruned by their distance to the centre, which bounds the last dimension
        box_lo = self.lo[:-1] + combos * L
        gap = np.maximum(np.maximum(box_lo - a[:-1], a[:-1] - (box_lo + L)), 0.0)
        gap = np.maximum(gap - 1e-9 * L, 0.0)
        rho2 = r * r - np.einsum("ij,ij->i", gap, gap)
        keep = rho2 >= 0
        combos, rho = combos[keep], np.sqrt(rho2[keep]) + 1e-9 * (r + L)
        last_lo = np.maximum(np.floor((a[-1] - rho - self.lo[-1]) / L), 0).astype(np.int64)
        last_hi = np.minimum(np.floor((a[-1] + rho - self.lo[-1]) / L), self.n_cells[-1] - 1).astype(np.int64)
        base = combos @ self.stride[:-1]
        ok = last_lo <= last_hi
        starts = np.searchsorted(self.keys, base[ok] + last_lo[ok], side="left")
        ends = np.searchsorted(self.keys, base[ok] + last_hi[ok], side="right")
        lengths = ends - starts
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(0, dtype=np.intp)
        # expand the ranges [start, end) into one array of positions
        shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        return shift + np.arange(total)
