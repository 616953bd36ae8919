"""Kernel-weighted window sums at arbitrary positions (private).

:class:`Windows` answers one question fast: for a position ``m``, what are
the total kernel weight and the weighted coordinate sums of the data around
it?  With the flat kernel the window is ``{x : ||x - m||^2 <= h * h}``, the
squared distance summed feature by feature in float64 exactly as in
scikit-learn's KD-tree, so that points on the edge are decided the same way.

For kernels with compact support and data larger than :data:`_SMALL`, the
candidates come from *blocks*: the data within ``h + delta`` of an *anchor*,
found with a :class:`~msutils.meanshift._grid.GridIndex`.  A block serves
every position within ``delta`` of its anchor (triangle inequality), for any
seed, and recent blocks are cached.  Inside a block the points are grouped
into thin rings by their distance ``D`` to the anchor; at distance ``r`` from
the anchor, rings entirely below ``h - r`` are surely inside the window and
rings entirely above ``h + r`` surely outside, so only a band of width about
``2 r`` is tested point by point.  For the flat kernel the sure rings
contribute through prefix sums.  Every bound carries a safety margin far
above floating-point error, so the result is exactly that of testing every
point.  With integer-valued data (image colours) all sums are exact in
float64, whatever their order.
"""

from __future__ import annotations

import math

import numpy as np

from msutils.meanshift._grid import GridIndex
from msutils.kernels import Kernel

__all__ = ["sq_dists", "kernel_weights", "weighted_means", "Windows"]

#: below this many (distinct) points, every window is computed from all points
_SMALL = 4096
#: a block serves positions within ``delta`` of its anchor: ``_DELTA * h``, or
#: ``_DELTA_SMALL * h`` after a block of fewer than ``_SMALL_BLOCK`` points (small
#: blocks are cheap to build, and then building them is most of the cost)
_DELTA, _DELTA_SMALL, _SMALL_BLOCK = 0.5, 1.0, 5000
#: edge of the grid cells, in bandwidths
_CELL = 0.25
#: rings per block between ``h - delta`` and ``h + delta``
_N_RINGS = 64
#: memory for cached blocks, in bytes
_CACHE_BYTES = 2**27
#: (query, point) pairs per dense block in :func:`weighted_means`
_PAIR_BUDGET = 2**21


def sq_dists(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances between the rows of ``A`` and ``B``.

    Summed feature by feature in float64, in feature order, exactly like the
    reduced distance of scikit-learn's KD-tree.

    Parameters
    ----------
    A : ndarray of shape (m, d)
    B : ndarray of shape (n, d)

    Returns
    -------
    ndarray of shape (m, n)

    Examples
    --------
    >>> import numpy as np
    >>> sq_dists(np.array([[0.0, 0.0]]), np.array([[3.0, 4.0], [1.0, 0.0]]))
    array([[25.,  1.]])
    """
    out = np.zeros((A.shape[0], B.shape[0]))
    for j in range(A.shape[1]):
        t = A[:, j, None] - B[None, :, j]
        t *= t
        out += t
    return out


def kernel_weights(d2: np.ndarray, h: float, kernel: Kernel) -> np.ndarray:
    """Kernel profile ``k(d2 / h**2)`` at squared distances ``d2``.

    The flat kernel's window is ``d2 <= h * h`` (scikit-learn's radius test),
    evaluated without dividing so that no rounding moves a point across the edge.

    Examples
    --------
    >>> import numpy as np
    >>> from msutils.kernels import get_kernel
    >>> kernel_weights(np.array([0.0, 4.0, 4.1]), 2.0, get_kernel("flat"))
    array([1., 1., 0.])
    """
    if kernel.name == "flat":
        return (d2 <= h * h).astype(np.float64)
    return kernel.profile(d2 / (h * h))


def weighted_means(
    Q: np.ndarray, data: np.ndarray, weights: np.ndarray | None, h: float, kernel: Kernel
) -> tuple[np.ndarray, np.ndarray]:
    """Kernel-weighted means of ``data`` around every row of ``Q`` (all points, no index).

    Returns
    -------
    means : ndarray of shape (m, d)
        NaN rows where the total weight is zero (an empty window).
    totals : ndarray of shape (m,)
        Sum of the kernel weights (times ``weights``) of each window.

    Examples
    --------
    >>> import numpy as np
    >>> from msutils.kernels import get_kernel
    >>> data = np.array([[0.0], [1.0], [5.0]])
    >>> weighted_means(np.array([[0.2], [9.0]]), data, None, 1.5, get_kernel("flat"))
    (array([[0.5],
           [nan]]), array([2., 0.]))
    """
    m = Q.shape[0]
    means = np.empty((m, data.shape[1]))
    totals = np.empty(m)
    step = max(1, _PAIR_BUDGET // max(1, data.shape[0]))
    for start in range(0, m, step):
        block = slice(start, start + step)
        g = kernel_weights(sq_dists(Q[block], data), h, kernel)
        if weights is not None:
            g *= weights
        tot = g.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (g @ data) / tot[:, None]
        mean[tot == 0] = np.nan
        means[block], totals[block] = mean, tot
    return means, totals


class _Block:
    """Candidates of the windows within ``delta`` of ``anchor`` (see the module docstring).

    ``XW`` holds one contiguous row per feature, then the weights; points
    sorted by ring, ring ``k`` in columns ``starts[k]:starts[k + 1]``.  Ring 0
    is ``D < h - delta``, rings ``1..n`` split ``[h - delta, h + delta]``
    evenly.  For the flat kernel ring 0 is not stored: ``prefix[:, k]`` holds
    the sums ``[weight, weight * coordinates...]`` of the rings below ``k``.
    """

    __slots__ = ("anchor", "delta", "XW", "starts", "prefix", "edge0", "width", "nbytes")

    def __init__(self, anchor, delta, XW, starts, prefix, edge0, width):
        self.anchor, self.delta, self.XW, self.starts = anchor, delta, XW, starts
        self.prefix, self.edge0, self.width = prefix, edge0, width
        self.nbytes = XW.nbytes

    def ring(self, dist: float) -> int:
        """The ring of a point at distance ``dist`` from the anchor (same formula as at build)."""
        return int(min(max(math.floor((dist - self.edge0) / self.width), -1), _N_RINGS) + 1)


class Windows:
    """Kernel-weighted window sums of one weighted data set.

    Parameters
    ----------
    X : ndarray of shape (n_points, n_features)
        Finite float64 data (typically distinct rows).
    w : ndarray of shape (n_points,)
        Positive weights of the rows.
    h : float
        Bandwidth.
    kernel : Kernel
        The weighting kernel.
    slack : float
        Safety margin for the geometric bounds (far above rounding error).

    Examples
    --------
    >>> import numpy as np
    >>> from msutils.kernels import get_kernel
    >>> win = Windows(np.array([[0.0], [1.0], [5.0]]), np.array([1.0, 2.0, 1.0]), 1.5,
    ...               get_kernel("flat"), slack=1e-12)
    >>> win.sums(np.array([0.2]))  # total weight 3, weighted sum 0 * 1 + 1 * 2
    array([3., 2.])
    """

    def __init__(self, X: np.ndarray, w: np.ndarray, h: float, kernel: Kernel, *, slack: float) -> None:
        self.h, self.kernel, self.slack = h, kernel, slack
        self.d = X.shape[1]
        self.flat = kernel.name == "flat"
        self.local = math.isfinite(kernel.support) and X.shape[0] > _SMALL
        if self.local:
            self.grid = GridIndex(X, cell=_CELL * h)
            X, w = X[self.grid.order], w[self.grid.order]
        # coordinates (one row per feature), then weights; C order: each row contiguous
        self.XW = np.ascontiguousarray(np.vstack([X.T, w]))
        self._blocks: list[_Block] = []
        self._used: list[int] = []
        self._clock = 0
        self._bytes = 0
        self._anchors = np.empty((16, X.shape[1]))  # anchors of the cached blocks (first rows)
        self._last = 0  # index of the block used last
        self.n_blocks = 0  # blocks built so far (for diagnostics)

    def sums(self, m: np.ndarray) -> np.ndarray:
        """``[total weight, weighted coordinate sums...]`` of the window at ``m``."""
        if not self.local:
            return self._band(self.XW, m)
        blk, r = self._find(m)
        k_out = blk.ring(self.h + r + self.slack)
        hi = int(blk.starts[min(k_out + 1, _N_RINGS + 1)])
        if not self.flat:
            return self._band(blk.XW[:, :hi], m)
        k_in = max(blk.ring(self.h - r - self.slack), 1)  # r <= delta: ring 0 is inside
        return blk.prefix[:, k_in] + self._band(blk.XW[:, int(blk.starts[k_in]) : hi], m)

    def _band(self, XW: np.ndarray, m: np.ndarray) -> np.ndarray:
        """Window sums over the points (columns) of ``XW``, testing each one."""
        d = self.d
        sq = XW[:d] - m[:, None]
        sq *= sq
        d2 = sq[0]
        for j in range(1, d):  # summed feature by feature, as scikit-learn's KD-tree
            d2 += sq[j]
        if self.flat:
            g = np.where(d2 <= self.h * self.h, XW[d], 0.0)
        else:
            g = kernel_weights(d2, self.h, self.kernel)
            g *= XW[d]
        out = np.empty(d + 1)
        out[0] = g.sum()
        out[1:] = XW[:d] @ g
        return out

    def _find(self, m: np.ndarray) -> tuple[_Block, float]:
        """A cached block serving ``m``, or a new one; and ``|m - anchor|``.

        The block used last is tried first (a seed's next step is usually
        close); otherwise the cached block with the nearest anchor.
        """
        self._clock += 1
        n = len(self._blocks)
        if n:
            last = self._blocks[self._last]
            v = m - last.anchor
            r = math.sqrt(float(v @ v))
            if r <= 0.5 * last.delta:
                self._used[self._last] = self._clock
                return last, r
            dist = np.sqrt(sq_dists(m[None, :], self._anchors[:n])[0])
            k = int(np.argmin(dist))
            if dist[k] <= self._blocks[k].delta:
                self._used[k], self._last = self._clock, k
                return self._blocks[k], float(dist[k])
        small = self._blocks and self._blocks[self._last].XW.shape[1] < _SMALL_BLOCK
        blk = self._build(m.copy(), (_DELTA_SMALL if small else _DELTA) * self.h)
        while n and self._bytes + blk.nbytes > _CACHE_BYTES:  # evict the least recently used
            k = int(np.argmin(self._used))
            self._bytes -= self._blocks[k].nbytes
            del self._blocks[k], self._used[k]
            self._anchors[k : n - 1] = self._anchors[k + 1 : n]
            n -= 1
        if n == len(self._anchors):
            self._anchors = np.concatenate([self._anchors, np.empty_like(self._anchors)])
        self._anchors[n] = blk.anchor
        self._blocks.append(blk)
        self._used.append(self._clock)
        self._bytes += blk.nbytes
        self._last = n
        return blk, 0.0

    def _build(self, anchor: np.ndarray, delta: float) -> _Block:
        """Look up the candidates within ``h + delta`` of ``anchor`` and sort them into rings."""
        self.n_blocks += 1
        h, eps, d = self.h, self.slack, self.d
        pos = self.grid.query(anchor, h + delta + eps)
        D = np.sqrt(sq_dists(anchor[None, :], np.take(self.XW[:d], pos, axis=1).T)[0])
        edge0 = h - delta - eps
        width = 2.0 * (delta + eps) / _N_RINGS
        # ring = floor((D - edge0) / width) + 1, clipped to [0, n + 1]; ring n + 1 is
        # beyond h + delta + eps, out of reach of every window this block serves
        t = D - edge0
        t /= width
        t += 1.0
        np.clip(t, 0.0, _N_RINGS + 1, out=t)
        ring = t.astype(np.uint8)
        counts = np.bincount(ring, minlength=_N_RINGS + 2)[: _N_RINGS + 1]
        order = np.argsort(ring, kind="stable")
        starts = np.concatenate([[0], np.cumsum(counts)])
        n_kept = int(starts[-1])
        if not self.flat:
            XW = np.take(self.XW, pos[order[:n_kept]], axis=1)
            return _Block(anchor, delta, XW, starts, None, edge0, width)
        # flat kernel: ring 0 lies inside every window this block serves; keep its sums only
        c0 = int(counts[0])
        XW = np.take(self.XW, pos[order[c0:n_kept]], axis=1)
        inner = np.take(self.XW, pos[order[:c0]], axis=1)
        starts = np.maximum(starts - c0, 0)
        ring_sums = np.zeros((d + 1, _N_RINGS + 1))
        ring_sums[:, 0] = _weighted(inner).sum(axis=1)
        nonempty = np.flatnonzero(counts[1:]) + 1
        if nonempty.size:
            ring_sums[:, nonempty] = np.add.reduceat(_weighted(XW), starts[nonempty], axis=1)
        prefix = np.zeros((d + 1, _N_RINGS + 2))
        np.cumsum(ring_sums, axis=1, out=prefix[:, 1:])
        return _Block(anchor, delta, XW, starts, prefix, edge0, width)


def _weighted(XW: np.ndarray) -> np.ndarray:
    """``[w, w * x_1, ..., w * x_d]`` from ``[x_1, ..., x_d, w]`` (columns are points)."""
    return np.vstack([XW[-1:], XW[:-1] * XW[-1]])
