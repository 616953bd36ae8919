"""The hill-climbing loop of :class:`msutils.meanshift.MeanShift` (private).

Every seed repeats ``x <- m(x)`` (the weighted mean of the data in its
window) until ``||m(x) - x|| <= stop_thresh`` or ``max_iter`` iterations are
completed, exactly as :func:`sklearn.cluster._mean_shift._mean_shift_single_seed`
does, including its way of counting iterations and of dropping a seed whose
window is empty.  The window sums come from
:class:`~msutils.meanshift._windows.Windows`.

Seeds run one after the other, in lexicographic order of their starting
points so that consecutive seeds share cached candidate blocks.  The step
from a position is a deterministic function of that position, so it is
memoised: a seed reaching a position another seed already stepped from
(paths merge exactly, often, on integer data) follows the stored steps.
When that earlier climb converged (by the threshold, not the iteration cap),
its end is stored too, and a later climb reaching any of its positions takes
the end directly -- the same end and iteration count it would reach step by
step, provided it stays within ``max_iter``.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from msutils.meanshift._flatclimb import MAX_FEATURES, FlatClimber
from msutils.meanshift._windows import Windows, weighted_means
from msutils.kernels import Kernel

__all__ = ["ClimbResult", "Climber", "climb"]

#: memoised steps kept at most (the memo is a cache; it is cleared beyond this)
_MEMO_SIZE = 2**20


class ClimbResult(NamedTuple):
    """Where each seed stopped.

    Attributes
    ----------
    centers : ndarray of shape (n_seeds, n_features)
        The last mean of each seed.
    intensity : ndarray of shape (n_seeds,)
        Total (kernel) weight of the window whose mean is ``centers``; zero for
        seeds whose window was empty (those are dropped).
    n_iter : ndarray of shape (n_seeds,)
        Completed iterations of each seed, counted as scikit-learn does.
    paths : list of ndarray or None
        Per seed, its positions from the start to the last mean.
    """

    centers: np.ndarray
    intensity: np.ndarray
    n_iter: np.ndarray
    paths: list[np.ndarray] | None


def climb(
    X: np.ndarray,
    w: np.ndarray,
    seeds: np.ndarray,
    h: float,
    *,
    kernel: Kernel,
    max_iter: int,
    stop_thresh: float,
    record_paths: bool = False,
) -> ClimbResult:
    """Run mean shift from every seed (see the module docstring).

    Parameters
    ----------
    X : ndarray of shape (n_points, n_features)
        The data, float64 (typically distinct rows).
    w : ndarray of shape (n_points,)
        Positive weights of the rows (counts times sample weights).
    seeds : ndarray of shape (n_seeds, n_features)
        Starting points (float32 bin seeds are converted to float64 exactly).
    h : float
        Bandwidth.
    kernel : Kernel
        The weighting kernel.
    max_iter : int
        Iteration cap, counted as in scikit-learn.
    stop_thresh : float
        Stop when a step is at most this long.
    record_paths : bool, default=False
        Also return every seed's trajectory.

    Returns
    -------
    ClimbResult

    Examples
    --------
    >>> import numpy as np
    >>> from msutils.kernels import get_kernel
    >>> X = np.array([[0.0], [1.0], [2.0], [10.0]])
    >>> res = climb(X, np.ones(4), np.array([[0.0], [20.0]]), 1.5,
    ...             kernel=get_kernel("flat"), max_iter=300, stop_thresh=1.5e-3)
    >>> res.centers.ravel().tolist(), res.intensity.tolist(), res.n_iter.tolist()
    ([1.0, 20.0], [3.0, 0.0], [2, 0])
    """
    scale = float(max(np.abs(X).max(initial=0.0), np.abs(seeds).max(initial=0.0)))
    climber = Climber(X, w, h, kernel=kernel, max_iter=max_iter, stop_thresh=stop_thresh, scale=scale)
    return climber.run(seeds, record_paths=record_paths)


class Climber:
    """Mean shift climbs on one data set that share their window blocks and memoised steps.

    :func:`climb` is ``Climber(...).run(seeds)``.  Calling :meth:`run` again
    (for example from every data point, for basin labelling) reuses the grid
    blocks and every step already taken: a climb reaching a position some
    earlier climb stepped from follows the stored steps.

    Parameters
    ----------
    X, w, h, kernel, max_iter, stop_thresh
        As in :func:`climb`.
    scale : float
        Largest absolute coordinate of the data and of every start point that
        will be climbed (it sets the safety margin of the window bounds).

    Examples
    --------
    >>> import numpy as np
    >>> from msutils.kernels import get_kernel
    >>> X = np.array([[0.0], [1.0], [2.0], [10.0]])
    >>> c = Climber(X, np.ones(4), 1.5, kernel=get_kernel("flat"), max_iter=300,
    ...             stop_thresh=1.5e-3, scale=10.0)
    >>> c.run(np.array([[0.0]])).centers.ravel().tolist()
    [1.0]
    >>> c.run(X).centers.ravel().tolist()  # the climb from 0 is now memoised
    [1.0, 1.0, 1.0, 10.0]
    """

    def __init__(
        self,
        X: np.ndarray,
        w: np.ndarray,
        h: float,
        *,
        kernel: Kernel,
        max_iter: int,
        stop_thresh: float,
        scale: float,
    ) -> None:
        d = X.shape[1]
        self.max_iter, self.stop_thresh = max_iter, stop_thresh
        self.slack = 1e-12 * (h + scale) * math.sqrt(d)
        self.windows = Windows(X, w, h, kernel, slack=self.slack)
        self._X, self._w, self._scale = X, w, scale
        self._flat: FlatClimber | None = None
        self.memo: dict[bytes, tuple[np.ndarray, float]] = {}
        #: position -> (end, intensity, iterations left) of climbs that stepped from it and converged
        self.outcome: dict[bytes, tuple[np.ndarray, float, int]] = {}

    def run(self, seeds: np.ndarray, *, record_paths: bool = False) -> ClimbResult:
        """Climb from every row of ``seeds``; see :func:`climb` for the result."""
        n_seeds = seeds.shape[0]
        start = np.asarray(seeds, dtype=np.float64)
        centers = start.copy()
        intensity = np.zeros(n_seeds)
        n_iter = np.zeros(n_seeds, dtype=np.intp)
        paths: list[np.ndarray | None] = [None] * n_seeds
        windows, memo = self.windows, self.memo
        max_iter, stop_thresh = self.max_iter, self.stop_thresh

        outcome = self.outcome
        for i in np.lexsort(start.T[::-1]):
            m = start[i]
            trail = [m]
            completed = 0
            ended = False  # True when the climb ends by the threshold test (its outcome can be reused)
            while True:
                key = m.tobytes()
                if not record_paths:
                    known = outcome.get(key)
                    if known is not None and completed + known[2] <= max_iter:
                        # an earlier climb stepped from here and converged: same steps, same end
                        centers[i], intensity[i] = known[0], known[1]
                        completed += known[2]
                        ended = True
                        break
                step = memo.get(key)
                if step is None:
                    s = windows.sums(m)
                    step = memo[key] = (s[1:] / s[0] if s[0] > 0 else m, float(s[0]))
                new, tot = step
                if tot == 0:  # empty window: this seed yields no centre
                    break
                v = new - m
                moved = math.sqrt(float(v.dot(v)))  # = np.linalg.norm(new - m), scikit-learn's test
                m = new
                trail.append(m)
                if moved <= stop_thresh or completed == max_iter:
                    centers[i], intensity[i] = m, tot
                    ended = moved <= stop_thresh
                    break
                completed += 1
            n_iter[i] = completed
            if record_paths:
                paths[i] = np.array(trail)
            elif ended:
                # the climb stepped from trail[0], ..., trail[-2] (trail[t] with t iterations
                # completed; trail[-1] is its end, or a position whose outcome is already known)
                end, tot_end = centers[i], intensity[i]
                for t in range(len(trail) - 1):
                    outcome[trail[t].tobytes()] = (end, tot_end, completed - t)
            if len(memo) > _MEMO_SIZE:
                memo.clear()
                outcome.clear()
        return ClimbResult(centers, intensity, n_iter, paths if record_paths else None)

    def run_all(self, starts: np.ndarray) -> ClimbResult:
        """Climb from every row of ``starts``, all at once when every window spans all the data.

        Same stopping rule and iteration count as :meth:`run`.  When the
        windows are computed from all points (smooth kernels, or fewer than
        a few thousand distinct points), every active climb steps together
        with matrix products -- far faster than one climb at a time, and
        equal to :meth:`run` up to rounding (the sums are taken in another
        order).  For the flat kernel on large data with at most
        :data:`~msutils.meanshift._flatclimb.MAX_FEATURES` features, the
        climbs run compiled (:class:`~msutils.meanshift._flatclimb.FlatClimber`:
        cell blocks and a memo of steps; the same steps as :meth:`run`,
        bit-identical on integer-valued data).  Otherwise (other compact
        kernels on large data, where the cached blocks and the memo pay)
        this is :meth:`run`.
        """
        win = self.windows
        if win.local and win.flat and win.d <= MAX_FEATURES and self._scale < 2.0**40 * win.h:
            if self._flat is None:
                self._flat = FlatClimber(
                    self._X, self._w, win.h, max_iter=self.max_iter, stop_thresh=self.stop_thresh, slack=self.slack
                )
            return ClimbResult(*self._flat.run(starts), None)
        if win.local or win.flat:
            return self.run(starts)
        d = win.d
        X, w = np.ascontiguousarray(win.XW[:d].T), win.XW[d]
        pos = np.array(starts, dtype=np.float64)
        centers, n = pos.copy(), pos.shape[0]
        intensity = np.zeros(n)
        n_iter = np.zeros(n, dtype=np.intp)
        active = np.arange(n)
        while active.size:
            P = pos[active]
            means, tot = weighted_means(P, X, w, win.h, win.kernel)
            empty = tot == 0  # no centre: the climb ends where it is, with zero intensity
            moved = np.sqrt(((means - P) ** 2).sum(axis=1))
            done = ~empty & ((moved <= self.stop_thresh) | (n_iter[active] == self.max_iter))
            centers[active[done]], intensity[active[done]] = means[done], tot[done]
            go = ~empty & ~done
            pos[active[go]] = means[go]
            n_iter[active[go]] += 1
            active = active[go]
        return ClimbResult(centers, intensity, n_iter, None)
