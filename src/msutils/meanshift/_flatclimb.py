"""Compiled flat-kernel climbs from many start points at once (private).

:meth:`msutils.meanshift._climb.Climber.run_all` hands the climbs of basin
labelling (every distinct data point climbs) to :class:`FlatClimber` when the
kernel is flat, the data are large and have at most :data:`MAX_FEATURES`
features.  The steps, the stopping rule and the iteration count are those of
:meth:`~msutils.meanshift._climb.Climber.run`; only the bookkeeping differs.

**Blocks.**  Space is cut into cubic cells of edge ``delta``; the cell of a
position is ``floor(position / delta)`` and its *anchor* is the cell's
centre, at most ``R = delta * sqrt(d) / 2`` from any point of the cell.  The
block of a cell holds the data within ``h + R`` of its anchor, found with the
:class:`~msutils.meanshift._grid.GridIndex`, sorted into thin rings by their
distance ``D`` to the anchor (a counting sort).  For a position at distance
``r <= R`` from the anchor, points with ``D < h - r`` are inside the window
and points with ``D > h + r`` outside (triangle inequality), so their rings
enter through prefix sums and only the rings in between are tested point by
point, with the squared distance summed feature by feature as in
scikit-learn.  Every bound carries the safety margin ``slack``, far above
rounding error, so the window is exactly the set of points with
``||x - m||^2 <= h * h``.

**Memo.**  The step from a position is a deterministic function of it, and on
integer-valued data (image colours) paths merge exactly and often: every step
taken is stored in an open-addressing hash table keyed by the position's
bits (a full comparison guards against hash collisions), and a climb that
reaches a stored position follows the stored steps without scanning any
block.  The table stops growing when full (it is a cache).

**Order.**  Climbs run in chunks of :data:`CHUNK` start points taken in
lexicographic order (neighbours share blocks); inside a chunk, the climbs
whose positions lie in the same cell climb together in one compiled call
until each converges, finds an empty window or leaves the block's reach, and
then the survivors are regrouped by cell.  Chunk ``i`` belongs to lane
``i % LANES``; each lane has its own memo, and the lanes run in parallel
threads (the compiled code releases the GIL), so the result is the same
whatever the number of threads.  Blocks are shared, in a
least-recently-used cache of :data:`CACHE_BYTES`.

With integer-valued data every window sum is an exact integer in float64,
in any order, so the ends are bit-identical to
:meth:`~msutils.meanshift._climb.Climber.run`; otherwise they agree up to
rounding (the sums are taken in another order).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
from threadpoolctl import threadpool_limits

from msutils.meanshift._grid import GridIndex

__all__ = ["MAX_FEATURES", "FlatClimber"]

#: the compiled path serves data with at most this many features
MAX_FEATURES = 8
#: half-diagonal of an anchor cell, in bandwidths (``R = CELL_REACH * h``)
CELL_REACH = 0.25
#: rings between ``h - R`` and ``h + R`` in a block
N_RINGS = 128
#: start points climbed per chunk (lexicographic order)
CHUNK = 8192
#: memory for cached blocks, in bytes
CACHE_BYTES = 2**27
#: memory for the memos of steps, in bytes (at most)
MEMO_BYTES = 2**27
#: chunk ``i`` goes to lane ``i % LANES``; each lane has its own memo and runs on its own thread
LANES = 2


@numba.njit(cache=True, nogil=True, inline="always")
def _ring(dist: float, edge0: float, width: float) -> int:
    """Ring of a point at distance ``dist`` from the anchor: 0 (inside), 1..N_RINGS, N_RINGS + 1."""
    t = np.floor((dist - edge0) / width)
    if t < -1.0:
        t = -1.0
    elif t > N_RINGS:
        t = N_RINGS
    return int(t) + 1


@numba.njit(cache=True, nogil=True)
def _build_block(XW, pos, anchor, reach, edge0, width):  # pragma: no cover - compiled
    """Sort the candidates ``pos`` into rings around ``anchor``.

    Returns the points of rings ``1..N_RINGS`` (columns of ``[x_1..x_d, w]``,
    by ring), the column where each ring starts, and ``prefix[:, k]``, the
    sums ``[w, w * x...]`` of the rings below ``k`` (ring 0 included).
    """
    d = XW.shape[0] - 1
    n = pos.shape[0]
    ring = np.empty(n, dtype=np.int64)
    counts = np.zeros(N_RINGS + 2, dtype=np.int64)
    for q in range(n):
        p = pos[q]
        t = XW[0, p] - anchor[0]
        d2 = t * t
        for k in range(1, d):
            t = XW[k, p] - anchor[k]
            d2 += t * t
        dist = math.sqrt(d2)
        k = _ring(dist, edge0, width) if dist <= reach else N_RINGS + 1
        ring[q] = k
        counts[k] += 1
    starts = np.zeros(N_RINGS + 2, dtype=np.int64)  # starts[k]: first column of ring k (k >= 1)
    for k in range(2, N_RINGS + 2):
        starts[k] = starts[k - 1] + counts[k - 1]
    n_band = starts[N_RINGS + 1]
    band = np.empty((d + 1, n_band))
    ring_sums = np.zeros((d + 1, N_RINGS + 1))
    fill = starts.copy()
    for q in range(n):
        k = ring[q]
        if k > N_RINGS:
            continue
        p = pos[q]
        w = XW[d, p]
        ring_sums[0, k] += w
        for j in range(d):
            ring_sums[j + 1, k] += w * XW[j, p]
        if k >= 1:
            c = fill[k]
            fill[k] += 1
            for j in range(d + 1):
                band[j, c] = XW[j, p]
    prefix = np.zeros((d + 1, N_RINGS + 2))
    for k in range(N_RINGS + 1):
        for j in range(d + 1):
            prefix[j, k + 1] = prefix[j, k] + ring_sums[j, k]
    return band, starts, prefix


@numba.njit(cache=True, nogil=True, inline="always")
def _hash(m):  # pragma: no cover - compiled
    """The coordinates' bit patterns, each mixed by splitmix64's finaliser and combined."""
    hv = np.uint64(0x9E3779B97F4A7C15)
    b = m.view(np.uint64)
    for k in range(b.shape[0]):
        x = b[k] ^ hv
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        hv = x ^ (x >> np.uint64(31))
    return hv


@numba.njit(cache=True, nogil=True)
def _climb_group(pos, completed, state, centers, intensity, idx, anchor, R,
                 band, starts, prefix, edge0, width, h, slack, stop_thresh, max_iter,
                 table, mpos, mnext, mtot, n_memo, scratch, ones):  # pragma: no cover - compiled
    """Climb every start ``idx`` (positions ``pos``) while the block serves it or the memo knows the step.

    ``state``: 0 still climbing, 1 ended (``centers``, ``intensity`` set), 2
    empty window (the seed yields no centre).  ``scratch`` and ``ones`` hold
    at least as many entries as the block has band points.  Returns the
    memo's new size.
    """
    d = pos.shape[1]
    hh = h * h
    mask = np.uint64(table.shape[0] - 1)
    cap = mpos.shape[0]
    m = np.empty(d)
    new = np.empty(d)
    s = np.empty(d + 1)
    for ii in range(idx.shape[0]):
        i = idx[ii]
        for k in range(d):
            m[k] = pos[i, k]
        c = completed[i]
        while True:
            # the memo: linear probing, slot value = entry + 1 (0: free)
            slot = _hash(m) & mask
            found = -1
            while table[slot] != 0:
                e = table[slot] - 1
                same = True
                for k in range(d):
                    if mpos[e, k] != m[k]:
                        same = False
                        break
                if same:
                    found = e
                    break
                slot = (slot + np.uint64(1)) & mask
            if found >= 0:
                for k in range(d):
                    new[k] = mnext[found, k]
                tot = mtot[found]
            else:
                r2 = 0.0
                for k in range(d):
                    t = m[k] - anchor[k]
                    r2 += t * t
                r = math.sqrt(r2)
                if r > R:
                    break  # out of this block's reach: regroup
                k_in = max(_ring(h - r - slack, edge0, width), 1)
                k_out = _ring(h + r + slack, edge0, width)
                lo = starts[k_in]
                hi = starts[min(k_out + 1, N_RINGS + 1)]
                for k in range(d + 1):
                    s[k] = prefix[k, k_in]
                n_band = hi - lo
                g = scratch[:n_band]
                if d == 3:  # the common case (colours), written out so that LLVM vectorises it
                    x0, x1, x2, wb = band[0, lo:hi], band[1, lo:hi], band[2, lo:hi], band[3, lo:hi]
                    m0, m1, m2 = m[0], m[1], m[2]
                    for j in range(n_band):
                        t0 = x0[j] - m0
                        t1 = x1[j] - m1
                        t2 = x2[j] - m2
                        d2 = t0 * t0
                        d2 += t1 * t1
                        d2 += t2 * t2
                        g[j] = wb[j] if d2 <= hh else 0.0
                else:
                    for j in range(n_band):
                        t = band[0, lo + j] - m[0]
                        d2 = t * t
                        for k in range(1, d):
                            t = band[k, lo + j] - m[k]
                            d2 += t * t
                        g[j] = band[d, lo + j] if d2 <= hh else 0.0
                if n_band > 0:
                    s[0] += np.dot(ones[:n_band], g)
                    for k in range(d):
                        s[k + 1] += np.dot(band[k, lo:hi], g)
                tot = s[0]
                for k in range(d):
                    new[k] = s[k + 1] / tot if tot > 0 else m[k]
                if n_memo < cap and 2 * n_memo < table.shape[0]:
                    for k in range(d):
                        mpos[n_memo, k] = m[k]
                        mnext[n_memo, k] = new[k]
                    mtot[n_memo] = tot
                    table[slot] = n_memo + 1
                    n_memo += 1
            if tot == 0:
                state[i] = 2
                break
            moved2 = 0.0
            for k in range(d):
                t = new[k] - m[k]
                moved2 += t * t
                m[k] = new[k]
            if math.sqrt(moved2) <= stop_thresh or c == max_iter:
                state[i] = 1
                for k in range(d):
                    centers[i, k] = m[k]
                intensity[i] = tot
                break
            c += 1
        completed[i] = c
        for k in range(d):
            pos[i, k] = m[k]
    return n_memo


class FlatClimber:
    """Flat-kernel climbs on one data set, compiled (see the module docstring).

    Parameters
    ----------
    X : ndarray of shape (n_points, n_features)
        Finite float64 data (typically distinct rows), at most
        :data:`MAX_FEATURES` features.
    w : ndarray of shape (n_points,)
        Positive weights of the rows.
    h : float
        Bandwidth (the window is ``||x - m||^2 <= h * h``).
    max_iter : int
        Iteration cap, counted as in scikit-learn.
    stop_thresh : float
        Stop when a step is at most this long.
    slack : float
        Safety margin of the geometric bounds (far above rounding error).
    n_threads : int or None, default=None
        Threads for the :data:`LANES` lanes; ``None``: numba's thread count
        (``NUMBA_NUM_THREADS``).  The result does not depend on it.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [2.0], [10.0]])
    >>> fc = FlatClimber(X, np.ones(4), 1.5, max_iter=300, stop_thresh=1.5e-3, slack=1e-9)
    >>> centers, intensity, n_iter = fc.run(np.array([[0.0], [9.5], [20.0]]))
    >>> centers.ravel().tolist(), intensity.tolist(), n_iter.tolist()
    ([1.0, 10.0, 20.0], [3.0, 1.0, 0.0], [2, 1, 0])
    """

    def __init__(
        self, X: np.ndarray, w: np.ndarray, h: float, *, max_iter: int, stop_thresh: float, slack: float,
        n_threads: int | None = None,
    ) -> None:
        n, d = X.shape
        if d > MAX_FEATURES:
            raise ValueError(f"FlatClimber serves at most {MAX_FEATURES} features, got {d}.")
        self.h, self.max_iter, self.stop_thresh, self.slack = float(h), int(max_iter), float(stop_thresh), float(slack)
        self.d, self.n_threads = d, n_threads
        self.grid = GridIndex(X, cell=0.25 * h)
        self.XW = np.ascontiguousarray(np.vstack([X[self.grid.order].T, w[self.grid.order]]))
        self.delta = 2.0 * CELL_REACH * self.h / math.sqrt(d)  # cell edge
        self.R = CELL_REACH * self.h * (1 + 1e-6)  # >= the half-diagonal, with room for rounding
        self.edge0 = self.h - self.R - slack
        self.width = 2.0 * (self.R + slack) / N_RINGS
        self.reach = self.h + self.R + 2 * slack
        self._cache: OrderedDict[tuple[int, ...], tuple] = OrderedDict()
        self._bytes = 0
        cap = max(1024, min(16 * n, MEMO_BYTES // (LANES * 8 * (2 * d + 3))))
        self._lanes = [_Lane(cap, d) for _ in range(LANES)]
        self._lock = threading.Lock()
        self.n_blocks = 0  # blocks built so far (for diagnostics)

    def _block(self, key: tuple[int, ...]) -> tuple:
        """The block of a cell: from the cache, or built (outside the lock: builds run in parallel)."""
        with self._lock:
            blk = self._cache.get(key)
            if blk is not None:
                self._cache.move_to_end(key)
                return blk
        anchor = (np.array(key, dtype=np.float64) + 0.5) * self.delta
        pos = self.grid.query(anchor, self.reach)
        band, starts, prefix = _build_block(self.XW, pos, anchor, self.reach, self.edge0, self.width)
        blk = (anchor, band, starts, prefix)
        with self._lock:
            self.n_blocks += 1
            if key not in self._cache:
                self._cache[key] = blk
                self._bytes += band.nbytes
            while self._bytes > CACHE_BYTES and len(self._cache) > 1:
                _, old = self._cache.popitem(last=False)
                self._bytes -= old[1].nbytes
        return blk

    def run(self, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Climb from every row of ``starts``.

        Returns
        -------
        centers, intensity, n_iter
            As :class:`~msutils.meanshift._climb.ClimbResult` (a start whose
            window is empty keeps its start as centre, with zero intensity).
        """
        start = np.array(starts, dtype=np.float64)
        n = start.shape[0]
        pos = start.copy()
        centers = start.copy()
        intensity = np.zeros(n)
        completed = np.zeros(n, dtype=np.int64)
        state = np.zeros(n, dtype=np.int8)
        order = np.lexsort(start.T[::-1])
        chunks = [order[c0 : c0 + CHUNK] for c0 in range(0, n, CHUNK)]
        out = (pos, completed, state, centers, intensity)

        def lane_work(k: int) -> None:
            for chunk in chunks[k::LANES]:
                self._climb_chunk(chunk, self._lanes[k], *out)

        n_threads = max(1, min(LANES, len(chunks), numba.get_num_threads() if self.n_threads is None else self.n_threads))
        # the window sums call BLAS dot products of a few thousand terms: threading inside
        # them costs more than it gains, and the lanes are the parallelism
        with threadpool_limits(limits=1, user_api="blas"):
            if n_threads == 1:
                for k in range(LANES):
                    lane_work(k)
            else:
                with ThreadPoolExecutor(n_threads) as pool:
                    list(pool.map(lane_work, range(LANES)))
        return centers, intensity, completed.astype(np.intp)

    def _climb_chunk(self, active, lane, pos, completed, state, centers, intensity) -> None:
        """Climb the starts ``active`` to their ends, regrouping them by cell after each block."""
        while active.size:
            cells = np.floor(pos[active] / self.delta).astype(np.int64)
            uniq, inv = np.unique(cells, axis=0, return_inverse=True)
            inv = inv.ravel()
            by_cell = np.argsort(inv, kind="stable")
            bounds = np.searchsorted(inv[by_cell], np.arange(len(uniq) + 1))
            for q in range(len(uniq)):
                anchor, band, rstarts, prefix = self._block(tuple(uniq[q].tolist()))
                if band.shape[1] > lane.ones.shape[0]:
                    lane.scratch = np.empty(2 * band.shape[1])
                    lane.ones = np.ones(2 * band.shape[1])
                lane.n = _climb_group(
                    pos, completed, state, centers, intensity, active[by_cell[bounds[q] : bounds[q + 1]]],
                    anchor, self.R, band, rstarts, prefix, self.edge0, self.width,
                    self.h, self.slack, self.stop_thresh, self.max_iter,
                    lane.table, lane.mpos, lane.mnext, lane.mtot, lane.n, lane.scratch, lane.ones,
                )
            active = active[state[active] == 0]

    @property
    def n_memo(self) -> int:
        """Steps stored in the memos (= window scans made, until a memo is full)."""
        return sum(lane.n for lane in self._lanes)


class _Lane:
    """The memo of steps of one lane of chunks, and its scratch arrays."""

    def __init__(self, cap: int, d: int) -> None:
        self.mpos = np.empty((cap, d))
        self.mnext = np.empty((cap, d))
        self.mtot = np.empty(cap)
        self.table = np.zeros(1 << int(math.ceil(math.log2(2 * cap))), dtype=np.int64)
        self.n = 0
        self.scratch, self.ones = np.empty(0), np.ones(0)
