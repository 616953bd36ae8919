r"""Gaussian blurring mean shift (GBMS): the data themselves move (see :class:`BlurringMeanShift`)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin

from msutils._validation import check_bandwidth, check_data, check_positive_int
from msutils.bandwidth import estimate_bandwidth
from msutils.meanshift._windows import sq_dists

__all__ = ["BlurringMeanShift", "blurring_step", "step_entropy"]

#: (point, point) pairs per block of the dense Gaussian affinities
_PAIR_BUDGET = 2**21


def blurring_step(Y: np.ndarray, h: float) -> np.ndarray:
    r"""One GBMS step: every point moves to the Gaussian-weighted mean of *all current* points.

    .. math:: y_n \leftarrow \frac{\sum_m e^{-\|y_m - y_n\|^2 / 2h^2} y_m}
                                  {\sum_m e^{-\|y_m - y_n\|^2 / 2h^2}}

    Computed in row blocks, so memory stays bounded for any number of points.

    Examples
    --------
    >>> import numpy as np
    >>> blurring_step(np.array([[0.0], [1.0], [50.0]]), 1.0).round(4)  # the far point stays
    array([[ 0.3775],
           [ 0.6225],
           [50.    ]])
    """
    out = np.empty_like(Y)
    step = max(1, _PAIR_BUDGET // max(1, Y.shape[0]))
    for s in range(0, Y.shape[0], step):
        W = np.exp(-0.5 / (h * h) * sq_dists(Y[s : s + step], Y))  # own weight is 1: never empty
        out[s : s + step] = (W @ Y) / W.sum(axis=1)[:, None]
    return out


def step_entropy(lengths: np.ndarray, n_bins: int) -> float:
    """Entropy (in nats) of the histogram of step lengths, ``n_bins`` equal bins over their range.

    Examples
    --------
    >>> import numpy as np
    >>> step_entropy(np.array([0.0, 0.0, 1.0, 1.0]), 2)  # two equal bins: log 2
    0.6931471805599453
    >>> step_entropy(np.zeros(5), 3)  # all in one bin
    0.0
    """
    counts, _ = np.histogram(lengths, bins=n_bins)
    p = counts[counts > 0] / lengths.size
    return float(-(p * np.log(p)).sum()) + 0.0


def _components(Y: np.ndarray, radius: float) -> np.ndarray:
    """Connected components of the graph joining points within ``radius``; labels in first-seen order."""
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    pairs = cKDTree(Y).query_pairs(radius, output_type="ndarray")
    from scipy.sparse import coo_matrix

    n = Y.shape[0]
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    return connected_components(graph, directed=False)[1]


class BlurringMeanShift(ClusterMixin, BaseEstimator):
    r"""Gaussian blurring mean shift (GBMS) with Carreira-Perpiñán's stopping rule.

    In *standard* mean shift (:class:`MeanShift`) the data stay put and
    points climb their fixed density estimate.  In *blurring* mean shift --
    the procedure Fukunaga and Hostetler (1975) proposed, also studied by
    Cheng (1995) -- the data themselves move: every step replaces every
    point by the Gaussian-weighted mean of the *current* points (see
    :func:`blurring_step`), so the density estimate changes (sharpens) at
    every step and clusters collapse onto single points.

    Stopping (Carreira-Perpiñán, 2006): a cluster collapses fast, while
    collapsed clusters keep drifting slowly towards each other (with the
    Gaussian kernel every point attracts every other), so a threshold on
    the step length would wait for that drift or stop too early.  Instead,
    the step lengths :math:`e_n = \|y_n^{(\tau)} - y_n^{(\tau-1)}\|` are binned
    (``n_bins`` equal bins) and the iteration stops as soon as the entropy
    of that histogram changes by less than ``tol`` from one step to the next:
    the *distribution* of step lengths has stopped changing (every point of
    a cluster moves with the same step).  It also stops if no point moved
    more than ``1e-3 * bandwidth`` (nothing left to do), or after
    ``max_iter`` steps.

    Clusters are then the connected components of the final points, two
    points joined when closer than ``merge_radius * bandwidth``.

    Parameters
    ----------
    bandwidth : float, default=None
        The Gaussian bandwidth :math:`h`; None estimates it with
        :func:`msutils.bandwidth.estimate_bandwidth` (quantile 0.3).
    tol : float, default=1e-8
        Stop when the step-length entropy changes by less than this.
    n_bins : int, default=None
        Bins of the step-length histogram; None means ``max(1, ceil(0.9 *
        n_samples))``.
    max_iter : int, default=100
        Largest number of steps.
    merge_radius : float, default=0.1
        Final points closer than ``merge_radius * bandwidth`` are one cluster.
    record_paths : bool, default=False
        Keep every point's trajectory in ``paths_``.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        Mean final position of each cluster's points, largest cluster first
        (ties by coordinates, descending).
    labels_ : ndarray of shape (n_samples,)
        Cluster of every training point.
    n_iter_ : int
        Number of steps taken.
    bandwidth_ : float
        The bandwidth used.
    entropies_ : ndarray of shape (``n_iter_``,)
        The step-length entropy after every step.
    stop_reason_ : str
        Which rule stopped the iteration: ``"entropy"`` (the step-length
        entropy settled), ``"step"`` (no point moved more than
        ``1e-3 * bandwidth``) or ``"max_iter"``.
    n_features_in_ : int
        Number of features seen during fit.
    paths_ : list of ndarray
        Only with ``record_paths=True``: per point, its positions from the
        start, shape ``(n_iter_ + 1, n_features)`` (the same layout as
        :attr:`MeanShift.paths_`).

    Notes
    -----
    Every step costs :math:`O(N^2 d)` (all pairwise affinities); there is no
    out-of-sample ``predict``: the density the data end up describing is not
    the estimate of the original data.  ``fit_predict`` returns ``labels_``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [0.3, 0.1], [0.1, 0.3], [5.0, 5.0], [5.2, 4.9]])
    >>> gb = BlurringMeanShift(bandwidth=0.5).fit(X)
    >>> gb.labels_, gb.n_iter_
    (array([0, 0, 0, 1, 1]), 2)
    >>> gb.cluster_centers_.round(3)
    array([[0.134, 0.134],
           [5.1  , 4.95 ]])
    """

    def __init__(
        self,
        bandwidth: float | None = None,
        *,
        tol: float = 1e-8,
        n_bins: int | None = None,
        max_iter: int = 100,
        merge_radius: float = 0.1,
        record_paths: bool = False,
    ) -> None:
        self.bandwidth = bandwidth
        self.tol = tol
        self.n_bins = n_bins
        self.max_iter = max_iter
        self.merge_radius = merge_radius
        self.record_paths = record_paths

    def fit(self, X: Any, y: Any = None) -> "BlurringMeanShift":
        """Blur the data until the step-length distribution settles; label the collapsed clusters.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : Ignored
            Present for API consistency.

        Returns
        -------
        self : BlurringMeanShift

        Raises
        ------
        ValueError
            On bad input or parameters.
        """
        X = check_data(X)
        n, d = X.shape
        max_iter = check_positive_int(self.max_iter, name="max_iter")
        n_bins = max(1, math.ceil(0.9 * n)) if self.n_bins is None else check_positive_int(self.n_bins, name="n_bins")
        tol = _check_positive_float(self.tol, "tol")
        merge = _check_positive_float(self.merge_radius, "merge_radius")
        if not isinstance(self.record_paths, (bool, np.bool_)):
            raise TypeError(f"record_paths must be True or False, got {type(self.record_paths).__name__} "
                            f"{self.record_paths!r}.")
        if self.bandwidth is None:
            h = float(estimate_bandwidth(X))
            if not h > 0:
                why = "n_samples=1" if n == 1 else "the sampled points coincide"
                raise ValueError(f"bandwidth was estimated as 0 ({why}); pass bandwidth explicitly.")
        else:
            h = check_bandwidth(self.bandwidth)

        Y = X.copy()
        trail = [Y] if self.record_paths else None
        entropies: list[float] = []
        n_iter = 0
        reason = "max_iter"
        while n_iter < max_iter:
            new = blurring_step(Y, h)
            n_iter += 1
            lengths = np.sqrt(((new - Y) ** 2).sum(axis=1))
            Y = new
            if trail is not None:
                trail.append(Y)
            entropies.append(step_entropy(lengths, n_bins))
            if lengths.max() <= 1e-3 * h:
                reason = "step"
                break
            if len(entropies) > 1 and abs(entropies[-1] - entropies[-2]) < tol:
                reason = "entropy"
                break

        comp = _components(Y, merge * h) if n > 1 else np.zeros(1, dtype=np.intp)
        k = int(comp.max()) + 1
        sizes = np.bincount(comp, minlength=k)
        centers = np.zeros((k, d))
        np.add.at(centers, comp, Y)
        centers /= sizes[:, None]
        # largest first, then coordinates descending (lexsort's last key is primary)
        order = np.lexsort([centers[:, j] for j in range(d - 1, -1, -1)] + [sizes])[::-1]
        rank = np.empty(k, dtype=np.intp)
        rank[order] = np.arange(k)
        self.cluster_centers_ = centers[order]
        self.labels_ = rank[comp]
        self.n_iter_ = n_iter
        self.entropies_ = np.array(entropies)
        self.stop_reason_ = reason
        self.bandwidth_ = h
        self.n_features_in_ = d
        if trail is not None:
            T = np.stack(trail)
            self.paths_ = [T[:, i] for i in range(n)]
        return self


def _check_positive_float(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a positive number, got {type(value).__name__} {value!r}.")
    if not (math.isfinite(float(value)) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}.")
    return float(value)
