r"""Variable-bandwidth (sample-point) mean shift: :class:`AdaptiveMeanShift`.

Comaniciu, Ramesh and Meer (2001) give every data point :math:`x_i` its own
bandwidth :math:`h_i` and estimate the density with the *sample-point*
estimator

.. math::

    \hat f(x) = \frac{c}{\sum_i w_i} \sum_i \frac{w_i}{h_i^{d}}\,
    k\!\left(\frac{\|x - x_i\|^2}{h_i^2}\right).

Its gradient is proportional to :math:`\sum_i w_i h_i^{-(d+2)} (x_i - x)\,
g(\|x - x_i\|^2 / h_i^2)` with :math:`g = -k'`, so the fixed point
iteration

.. math::

    x \leftarrow m(x) = \frac{\sum_i a_i(x)\, x_i}{\sum_i a_i(x)}, \qquad
    a_i(x) = \frac{w_i}{h_i^{d+2}}\, g\!\left(\frac{\|x - x_i\|^2}{h_i^2}\right),

climbs :math:`\hat f`.  Points in sparse regions get wide kernels, points in
dense regions narrow ones, so one setting (the neighbour count) serves a
tight and a broad cluster at once.  Here :math:`h_i` is the distance from
:math:`x_i` to its ``n_neighbors``-th nearest neighbour (the point itself
counting as the first, as in :func:`msutils.bandwidth.knn_distances`), times
``bandwidth_scale``.  With all :math:`h_i` equal the iteration is plain mean
shift with that bandwidth.

The weights are computed in the log domain (a log-sum-exp per window), so
that :math:`h_i^{-(d+2)}` neither overflows nor underflows in high dimension
and Gaussian windows never come out empty.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, NamedTuple

import numpy as np
from scipy.spatial import cKDTree
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.utils.validation import check_is_fitted

from msutils._validation import check_data, check_positive_int, check_weights
from msutils.kernels import Kernel, get_kernel
from msutils.meanshift._merge import nearest_center
from msutils.meanshift._seeds import unique_rows
from msutils.meanshift._windows import sq_dists

__all__ = ["AdaptiveMeanShift", "knn_bandwidths", "variable_bandwidth_means"]

#: (query, point) pairs per block of the dense window computation
_PAIR_BUDGET = 2**21
_ASSIGN = ("nearest", "basin")


def knn_bandwidths(X: np.ndarray, n_neighbors: int, weights: np.ndarray | None = None,
                   queries: np.ndarray | None = None) -> np.ndarray:
    """Distance from each query to the nearest point of ``X`` at which the weight reached is ``n_neighbors``.

    With unit weights this is the distance to the ``n_neighbors``-th nearest
    neighbour, the query itself counting as the first when it belongs to
    ``X`` (as :func:`msutils.bandwidth.knn_distances`).  With weights, the
    smallest radius whose closed ball holds total weight at least
    ``n_neighbors``: a point of integer weight ``w`` counts as ``w`` copies.
    If the total weight is below ``n_neighbors``, all of it is used.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The points (finite float64).
    n_neighbors : int
        The neighbour count, at least 1.
    weights : ndarray of shape (n_samples,), optional
        Non-negative weights; zero-weight points are not neighbours.
    queries : ndarray of shape (m, n_features), optional
        Where to measure; the rows of ``X`` by default.

    Returns
    -------
    ndarray of shape (m,)

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [3.0]])
    >>> knn_bandwidths(X, 2)
    array([1., 1., 2.])
    >>> knn_bandwidths(X, 2, weights=np.array([2.0, 1.0, 1.0]))  # X[0] counts twice
    array([0., 1., 2.])
    """
    w = np.ones(X.shape[0]) if weights is None else np.asarray(weights, dtype=np.float64)
    Q = X if queries is None else queries
    u = unique_rows(X, w)
    keep = u.weights > 0
    P, pw = u.rows[keep], u.weights[keep]
    total = float(pw.sum())
    target = min(float(n_neighbors), total)
    tree = cKDTree(P)
    out = np.empty(Q.shape[0])
    todo = np.arange(Q.shape[0])
    kq = int(min(len(P), max(1, n_neighbors)))
    while todo.size:
        dist, idx = tree.query(Q[todo], k=kq)
        dist, idx = dist.reshape(len(todo), kq), idx.reshape(len(todo), kq)
        cum = np.cumsum(pw[idx], axis=1)
        # tolerate rounding in the cumulative sum of fractional weights
        reached = cum >= target * (1 - 1e-12)
        ok = reached.any(axis=1) | (kq == len(P))
        first = np.where(reached.any(axis=1), reached.argmax(axis=1), kq - 1)
        out[todo[ok]] = dist[ok, first[ok]]
        todo = todo[~ok]
        kq = min(len(P), 2 * kq)
    return out


def _log_profile(kernel: Kernel, r2: np.ndarray) -> np.ndarray:
    """log of the kernel's profile at squared scaled distances (``-inf`` outside a compact support)."""
    if kernel.name == "gaussian":
        return -0.5 * r2
    with np.errstate(divide="ignore"):
        return np.log(kernel.profile(r2))


def _logsumexp_rows(L: np.ndarray) -> np.ndarray:
    """log(sum(exp(L), axis=1)), ``-inf`` for rows that are all ``-inf``."""
    top = L.max(axis=1)
    finite = np.isfinite(top)
    safe = np.where(finite, top, 0.0)
    with np.errstate(divide="ignore"):
        out = safe + np.log(np.exp(L - safe[:, None]).sum(axis=1))
    return np.where(finite, out, -np.inf)


class _Windows(NamedTuple):
    means: np.ndarray      # (m, d), NaN where the window is empty
    log_height: np.ndarray  # (m,), log of the sample-point density estimate (shadow kernel)
    radius: np.ndarray     # (m,), the a_i-weighted mean bandwidth of the window
    empty: np.ndarray      # (m,), bool


def variable_bandwidth_means(
    Q: np.ndarray, X: np.ndarray, w: np.ndarray, h: np.ndarray, kernel: Kernel
) -> _Windows:
    r"""The variable-bandwidth weighted means :math:`m(q)` at every row of ``Q``.

    Parameters
    ----------
    Q : ndarray of shape (m, d)
        Query positions.
    X : ndarray of shape (n, d)
        Data points.
    w : ndarray of shape (n,)
        Positive weights.
    h : ndarray of shape (n,)
        Positive bandwidths, one per data point.
    kernel : Kernel
        Weighting kernel (profile :math:`g`); the height uses its shadow.

    Returns
    -------
    _Windows
        ``means`` (NaN rows for empty windows), ``log_height`` (log of
        :math:`\sum_i w_i h_i^{-d} k(\|q - x_i\|^2/h_i^2)` with :math:`k` the
        shadow's profile, without the normalising constant), ``radius``
        (:math:`\sum_i a_i h_i / \sum_i a_i`) and ``empty``.

    Examples
    --------
    >>> import numpy as np
    >>> from msutils.kernels import get_kernel
    >>> X = np.array([[0.0], [1.0]])
    >>> r = variable_bandwidth_means(np.array([[0.5]]), X, np.ones(2), np.ones(2), get_kernel("gaussian"))
    >>> r.means, r.radius
    (array([[0.5]]), array([1.]))
    """
    m, d = Q.shape
    shadow = get_kernel(kernel.shadow) if kernel.shadow else kernel
    log_a0 = np.log(w) - (d + 2) * np.log(h)
    log_f0 = np.log(w) - d * np.log(h)
    inv_h2 = 1.0 / (h * h)
    means = np.empty((m, d))
    log_height = np.empty(m)
    radius = np.empty(m)
    step = max(1, _PAIR_BUDGET // max(1, X.shape[0]))
    for s in range(0, m, step):
        r2 = sq_dists(Q[s:s + step], X) * inv_h2
        la = log_a0 + _log_profile(kernel, r2)
        top = la.max(axis=1)
        finite = np.isfinite(top)
        a = np.exp(la - np.where(finite, top, 0.0)[:, None])
        tot = a.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            means[s:s + step] = (a @ X) / tot[:, None]
            radius[s:s + step] = (a @ h) / tot
        log_k = la - log_a0 if shadow is kernel else _log_profile(shadow, r2)
        log_height[s:s + step] = _logsumexp_rows(log_f0 + log_k)
        means[s:s + step][~finite] = np.nan
        radius[s:s + step][~finite] = np.nan
    empty = np.isnan(means[:, 0])
    return _Windows(means, log_height, radius, empty)


class _Climb(NamedTuple):
    centers: np.ndarray
    log_height: np.ndarray  # -inf for seeds that yield no centre
    radius: np.ndarray
    n_iter: np.ndarray
    paths: list[np.ndarray] | None


def _climb(X, w, h, seeds, kernel, max_iter, stop_thresh, record_paths=False) -> _Climb:
    """All seeds climb at once; each stops as in :func:`msutils.meanshift._climb.climb`."""
    n_seeds, d = seeds.shape
    pos = np.array(seeds, dtype=np.float64)
    centers = pos.copy()
    log_height = np.full(n_seeds, -np.inf)
    radius = np.full(n_seeds, np.nan)
    n_iter = np.zeros(n_seeds, dtype=np.intp)
    trails = [[p.copy()] for p in pos] if record_paths else None
    active = np.arange(n_seeds)
    completed = 0
    while active.size:
        win = variable_bandwidth_means(pos[active], X, w, h, kernel)
        alive = ~win.empty
        new = win.means[alive]
        moved = np.sqrt(np.sum((new - pos[active[alive]]) ** 2, axis=1))
        idx = active[alive]
        pos[idx] = new
        if record_paths:
            for j, p in zip(idx, new):
                trails[j].append(p.copy())
        done = (moved <= stop_thresh) | (completed == max_iter)
        fin = idx[done]
        centers[fin] = new[done]
        log_height[fin] = win.log_height[alive][done]
        radius[fin] = win.radius[alive][done]
        n_iter[active[~alive]] = completed
        n_iter[fin] = completed
        active = idx[~done]
        completed += 1
    paths = [np.array(t) for t in trails] if record_paths else None
    return _Climb(centers, log_height, radius, n_iter, paths)


def _merge(centers: np.ndarray, log_height: np.ndarray, radius: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep the highest centres; each kept centre suppresses the others within its radius.

    Returns the kept centres (by decreasing height) and their radii.
    """
    alive = np.isfinite(log_height)
    c, lh, r = centers[alive], log_height[alive], radius[alive]
    order = np.lexsort([c[:, j] for j in range(c.shape[1] - 1, -1, -1)] + [lh])[::-1]
    c, r = c[order], r[order]
    keep = np.ones(len(c), dtype=bool)
    for i in range(len(c)):
        if keep[i]:
            d2 = np.sum((c[i + 1:] - c[i]) ** 2, axis=1)
            keep[i + 1:] &= d2 > r[i] * r[i]
    return c[keep], r[keep]


def _check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}.")
    return bool(value)


def _check_positive_real(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive real number, got {type(value).__name__} {value!r}.")
    v = float(value)
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}.")
    return v


class AdaptiveMeanShift(ClusterMixin, BaseEstimator):
    """Mean shift with a bandwidth per data point: the sample-point estimator of Comaniciu, Ramesh & Meer (2001).

    Point :math:`x_i` gets the bandwidth :math:`h_i` = ``bandwidth_scale``
    times its distance to its ``n_neighbors``-th nearest neighbour (itself
    being the first), and every seed climbs with the steps
    :math:`x \\leftarrow \\sum_i a_i x_i / \\sum_i a_i`,
    :math:`a_i = w_i h_i^{-(d+2)} g(\\|x - x_i\\|^2 / h_i^2)` (see
    :mod:`msutils.meanshift._adaptive`), until a step is at most ``tol``
    times the median :math:`h_i` or ``max_iter`` is reached.

    Converged seeds are merged as in :class:`msutils.meanshift.MeanShift`,
    with two variable-bandwidth choices: they are ordered by the height of
    the sample-point density estimate (of the kernel's shadow) at their last
    window, and a kept centre suppresses the others within its own *radius*,
    the :math:`a_i`-weighted mean of the :math:`h_i` of its window (with all
    :math:`h_i` equal to :math:`h`, the radius is :math:`h` and everything is
    as in ``MeanShift``).

    Parameters
    ----------
    n_neighbors : int, default=10
        Which neighbour sets a point's bandwidth.  If the data hold fewer
        points (less total sample weight), all of them are used.  A
        bandwidth is never below the distance to the nearest other distinct
        point (so duplicated points do not get a zero bandwidth).
    kernel : str, default="gaussian"
        ``"gaussian"``, ``"flat"`` or ``"epanechnikov"``: the weights
        :math:`g`; the climb goes up the sample-point estimate of its shadow.
    bandwidth_scale : float, default=1.0
        Multiplies every :math:`h_i`.
    seeds : array-like of shape (n_seeds, n_features), default=None
        Starting points; the data points (with positive weight) if None.
    assign_labels : {"nearest", "basin"}, default="nearest"
        ``"nearest"``: each point gets the label of the nearest centre.
        ``"basin"``: each point climbs from itself and takes the label of
        the centre its climb ends at (nearest centre to its end point).
    cluster_all : bool, default=True
        If False, points farther than the centre's radius from the centre
        they would get (``"nearest"``), or whose climb ends farther than that
        from every centre or in an empty window (``"basin"``), get ``-1``.
    max_iter : int, default=300
        Maximum number of iterations per seed.
    tol : float, default=1e-3
        A climb stops at a step no longer than ``tol * median(h_i)``.
    record_paths : bool, default=False
        Keep every seed's trajectory in ``paths_``.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        The modes, by decreasing density.
    labels_ : ndarray of shape (n_samples,)
        Cluster of every training point (see ``assign_labels``).
    bandwidths_ : ndarray of shape (n_samples,)
        The bandwidth :math:`h_i` of every training point.
    center_radii_ : ndarray of shape (n_clusters,)
        The merging radius of every centre.
    n_neighbors_ : float
        The neighbour count used (``n_neighbors``, or the total weight if smaller).
    n_iter_ : int
        Largest number of iterations of any seed.
    n_features_in_ : int
        Number of features seen during fit.
    paths_ : list of ndarray
        Only with ``record_paths=True``: every seed's trajectory.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(0, 0.1, (50, 2)), rng.normal(3, 1.0, (100, 2))])
    >>> ams = AdaptiveMeanShift(n_neighbors=15).fit(X)
    >>> len(ams.cluster_centers_)
    2
    >>> bool(ams.bandwidths_[:50].mean() < ams.bandwidths_[50:].mean())  # narrow where dense
    True
    """

    def __init__(
        self,
        n_neighbors: int = 10,
        *,
        kernel: str = "gaussian",
        bandwidth_scale: float = 1.0,
        seeds: Any = None,
        assign_labels: str = "nearest",
        cluster_all: bool = True,
        max_iter: int = 300,
        tol: float = 1e-3,
        record_paths: bool = False,
    ) -> None:
        self.n_neighbors = n_neighbors
        self.kernel = kernel
        self.bandwidth_scale = bandwidth_scale
        self.seeds = seeds
        self.assign_labels = assign_labels
        self.cluster_all = cluster_all
        self.max_iter = max_iter
        self.tol = tol
        self.record_paths = record_paths

    def _check_params(self) -> tuple[Kernel, str]:
        kernel = get_kernel(self.kernel)
        if kernel.name == "biweight":
            raise ValueError("kernel must be 'flat', 'gaussian' or 'epanechnikov', got 'biweight'.")
        if not isinstance(self.assign_labels, str) or self.assign_labels not in _ASSIGN:
            raise ValueError(f"assign_labels must be 'nearest' or 'basin', got {self.assign_labels!r}.")
        check_positive_int(self.n_neighbors, name="n_neighbors")
        _check_positive_real(self.bandwidth_scale, "bandwidth_scale")
        _check_positive_real(self.tol, "tol")
        check_positive_int(self.max_iter, name="max_iter", minimum=0)
        _check_bool(self.cluster_all, "cluster_all")
        _check_bool(self.record_paths, "record_paths")
        return kernel, self.assign_labels

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> "AdaptiveMeanShift":
        """Compute the bandwidths, climb from every seed, merge and label.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (at least two points).
        y : Ignored
            Present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights: they weigh the points in every window and
            in the neighbour counts (integer weights act as repeated points).

        Returns
        -------
        self : AdaptiveMeanShift
            The fitted estimator.

        Raises
        ------
        ValueError
            On bad input or parameters, or if a point's bandwidth is zero
            (more than ``n_neighbors`` copies of it).
        """
        kernel, assign = self._check_params()
        X = check_data(X, min_samples=2)
        n_samples, n_features = X.shape
        sw = check_weights(sample_weight, n_samples, name="sample_weight")
        w_all = np.ones(n_samples) if sw is None else sw
        k = self.n_neighbors
        data = unique_rows(X, sw)
        pos = data.weights > 0
        P, pw = data.rows[pos], data.weights[pos]
        self.n_neighbors_ = float(min(k, pw.sum()))
        if len(P) < 2:
            raise ValueError(
                "X has a single distinct point (with positive weight); the neighbour bandwidths are undefined."
            )
        # at least the distance to the nearest other distinct point: never zero
        h_unique = knn_bandwidths(P, k, pw, queries=data.rows)
        nearest_other = cKDTree(P).query(data.rows, k=2)[0][:, 1]
        h_unique[pos] = np.maximum(h_unique[pos], nearest_other[pos])
        h_unique *= float(self.bandwidth_scale)
        hP = h_unique[pos]
        stop_thresh = float(self.tol) * float(np.median(hP))
        if self.seeds is not None:
            seeds = check_data(self.seeds, name="seeds", n_features=n_features)
            useeds = unique_rows(seeds)
            seed_rows = useeds.rows
        else:
            useeds = None
            seed_rows = P  # distinct positive-weight points
        res = _climb(P, pw, hP, seed_rows, kernel, int(self.max_iter), stop_thresh, bool(self.record_paths))
        if not np.any(np.isfinite(res.log_height)):
            raise ValueError("No point was within the bandwidths of any seed: every seed's window is empty.")
        self.cluster_centers_, self.center_radii_ = _merge(res.centers, res.log_height, res.radius)
        self.n_iter_ = int(res.n_iter.max())
        self._fit_data = (P, pw, hP, kernel, stop_thresh)
        if assign == "nearest":
            labels, d2 = nearest_center(X, self.cluster_centers_, data)
            if not self.cluster_all:
                labels = np.where(d2 <= self.center_radii_[labels] ** 2, labels, -1)
        else:
            if useeds is None:  # the climbs from the distinct points are the ones we need
                ends, ok = res.centers, np.isfinite(res.log_height)
                ends_all = np.empty((data.rows.shape[0], n_features))
                ok_all = np.zeros(data.rows.shape[0], dtype=bool)
                ends_all[pos], ok_all[pos] = ends, ok
                if not pos.all():  # zero-weight points climb too
                    extra = _climb(P, pw, hP, data.rows[~pos], kernel, int(self.max_iter), stop_thresh)
                    ends_all[~pos], ok_all[~pos] = extra.centers, np.isfinite(extra.log_height)
                labels = self._basin_labels(ends_all, ok_all)[data.inverse]
            else:
                labels = self._climb_labels(X)
        self.labels_ = labels
        self.bandwidths_ = h_unique[data.inverse]
        self.n_features_in_ = n_features
        if self.record_paths:
            if useeds is None:
                order = np.flatnonzero(pos)
                rank = np.full(data.rows.shape[0], -1)
                rank[order] = np.arange(order.size)
                self.paths_ = [res.paths[rank[data.inverse[i]]] for i in np.flatnonzero(w_all > 0)]
            else:
                self.paths_ = [res.paths[i] for i in useeds.inverse]
        return self

    def _basin_labels(self, ends: np.ndarray, ok: np.ndarray) -> np.ndarray:
        labels, d2 = nearest_center(ends, self.cluster_centers_)
        if not self.cluster_all:
            far = d2 > self.center_radii_[labels] ** 2
            labels = np.where(ok & ~far, labels, -1)
        return labels

    def _climb_labels(self, X: np.ndarray) -> np.ndarray:
        P, pw, hP, kernel, stop_thresh = self._fit_data
        u = unique_rows(X)
        res = _climb(P, pw, hP, u.rows, kernel, int(self.max_iter), stop_thresh)
        return self._basin_labels(res.centers, np.isfinite(res.log_height))[u.inverse]

    def predict(self, X: Any) -> np.ndarray:
        """Label new points as ``fit`` labels the training points.

        With ``assign_labels="nearest"`` the nearest centre; with ``"basin"``
        every point climbs from itself on the training data's density and
        takes the centre its climb ends at.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = check_data(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but AdaptiveMeanShift is expecting "
                f"{self.n_features_in_} features as input."
            )
        if self.assign_labels == "basin":
            return self._climb_labels(X)
        labels, d2 = nearest_center(X, self.cluster_centers_)
        if not self.cluster_all:
            labels = np.where(d2 <= self.center_radii_[labels] ** 2, labels, -1)
        return labels
