"""The :class:`MeanShift` estimator and :func:`mean_shift_vector` (see :mod:`msutils.meanshift`)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.utils.validation import check_is_fitted

from msutils.meanshift._climb import Climber
from msutils.meanshift._merge import merge_centers, nearest_center
from msutils.meanshift._seeds import bin_seeds, unique_rows
from msutils.meanshift._windows import weighted_means
from msutils._validation import check_bandwidth, check_data, check_positive_int, check_weights
from msutils.bandwidth import estimate_bandwidth
from msutils.kernels import get_kernel

__all__ = ["mean_shift_vector", "MeanShift"]


def mean_shift_vector(
    x: Any,
    data: Any,
    bandwidth: float,
    *,
    kernel: str = "gaussian",
    weights: Any = None,
) -> np.ndarray:
    r"""The mean shift vector :math:`m(x) - x` at one or many query points.

    Parameters
    ----------
    x : array-like of shape (n_features,) or (m, n_features)
        One query point, or ``m`` of them.
    data : array-like of shape (n_samples, n_features)
        The data :math:`x_i`.
    bandwidth : float
        The bandwidth :math:`h > 0`.
    kernel : str, default="gaussian"
        The weighting kernel :math:`K` (its profile :math:`k`): ``"gaussian"``,
        ``"flat"``, ``"epanechnikov"`` or ``"biweight"``.  The flat window is
        the closed ball :math:`\|x_i - x\| \le h`.
    weights : array-like of shape (n_samples,), default=None
        Non-negative sample weights :math:`w_i`; None means all ones.

    Returns
    -------
    ndarray of the same shape as ``x``
        :math:`m(x) - x`.  A row is NaN where the window holds no data (no
        point within ``bandwidth`` for the flat kernel, inside it for the
        Epanechnikov and biweight kernels, or all Gaussian weights underflowing
        to zero): the weighted mean is then undefined.

    Raises
    ------
    ValueError
        On non-finite or mis-shaped input, a non-positive bandwidth, bad
        weights or an unknown kernel.

    Examples
    --------
    >>> import numpy as np
    >>> data = np.array([[0.0], [1.0], [2.0], [10.0]])
    >>> mean_shift_vector([0.5], data, 1.0, kernel="flat")  # mean of 0, 1 is 0.5
    array([0.])
    >>> mean_shift_vector(np.array([[0.0], [5.0]]), data, 1.0, kernel="flat")
    array([[0.5],
           [nan]])
    """
    k = get_kernel(kernel)
    h = check_bandwidth(bandwidth)
    D = check_data(data, name="data")
    w = check_weights(weights, D.shape[0], name="weights")
    q = np.asarray(x)
    if q.ndim not in (1, 2):
        raise ValueError(
            f"x must be one point of shape (n_features,) or points of shape (m, n_features), "
            f"got shape {q.shape}."
        )
    Q = check_data(q.reshape(1, -1) if q.ndim == 1 else q, name="x", n_features=D.shape[1])
    means, _ = weighted_means(Q, D, w, h, k)
    shift = means - Q
    return shift[0] if q.ndim == 1 else shift


def _check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}.")
    return bool(value)


def _raw_bandwidth(bandwidth: Any) -> Any:
    """The bandwidth as a scalar of the user's NumPy type (it decides the bin seeds' dtype)."""
    check_bandwidth(bandwidth)
    if isinstance(bandwidth, np.ndarray):
        return bandwidth[()]
    return bandwidth


def _estimate_bandwidth(X: np.ndarray) -> np.float64:
    """scikit-learn's default estimate (quantile 0.3, all samples), a NumPy float64 as there."""
    return np.float64(estimate_bandwidth(X))


class MeanShift(ClusterMixin, BaseEstimator):
    """Mean shift clustering, rule for rule identical to scikit-learn's, and fast.

    Every seed climbs by repeated mean shift steps :math:`x \\leftarrow m(x)`
    (see :func:`mean_shift_vector`) until a step is at most ``1e-3 * bandwidth``
    long or ``max_iter`` is reached.  The ``kernel`` weights the points in the
    mean; the climb goes up the kernel density estimate of its *shadow*:

    * ``"flat"`` (default): plain means of the points within ``bandwidth``;
      climbs the Epanechnikov KDE.  This reproduces
      :class:`sklearn.cluster.MeanShift` exactly: same seeds, stopping rule,
      merging, ``cluster_centers_``, ``labels_`` and ``n_iter_``;
    * ``"gaussian"``: every point weighted by :math:`e^{-\\|x_i - x\\|^2 / 2h^2}`
      (no truncation); climbs the Gaussian KDE;
    * ``"epanechnikov"``: weights :math:`1 - \\|x_i - x\\|^2 / h^2` inside the
      window; climbs the biweight KDE.

    Converged points are merged as in scikit-learn: keyed by their exact
    coordinates, sorted by intensity (the total kernel weight of the window
    whose mean the point is) and then by coordinates, both descending, and
    each kept centre suppresses the others within ``bandwidth``.

    Parameters
    ----------
    bandwidth : float, default=None
        The bandwidth :math:`h`.  If None, it is estimated with
        :func:`msutils.bandwidth.estimate_bandwidth` with scikit-learn's
        defaults (quantile 0.3, all samples); sample weights are ignored by
        the estimate.
    kernel : str, default="flat"
        ``"flat"``, ``"gaussian"`` or ``"epanechnikov"`` (see above;
        ``"tophat"``/``"uniform"`` are aliases of ``"flat"``).
    seeds : array-like of shape (n_seeds, n_features), default=None
        Starting points.  If None, the bin seeds (``bin_seeding=True``) or
        the data points (with positive weight) are used.
    bin_seeding : bool, default=False
        Seed from a grid of spacing ``bandwidth``: points are rounded (half to
        even) to the grid, bins are taken in first-seen order and the seeds are
        the bin coordinates, stored as float32, times the bandwidth -- all as in
        :func:`sklearn.cluster.get_bin_seeds`.  If every point lands in its own
        bin, a :class:`UserWarning` is raised and the points seed instead.
    min_bin_freq : int, default=1
        Only bins with at least this many points (this much sample weight)
        seed.
    cluster_all : bool, default=True
        If False, points farther than ``bandwidth`` from every centre get
        label ``-1``.
    max_iter : int, default=300
        Maximum number of iterations per seed.
    record_paths : bool, default=False
        Keep every seed's trajectory in ``paths_``.
    assign_labels : {"nearest", "basin"}, default="nearest"
        How training points get their label:

        * ``"nearest"``: the nearest kept centre (scikit-learn's rule; the
          partition is the Voronoi cells of the centres, and with
          ``bin_seeding`` the data points never climb at all);
        * ``"basin"``: every training point climbs from itself (whatever the
          seeds were) and gets the label of the kept centre nearest to where
          its own climb ends -- the partition into basins of attraction of the
          modes.  Non-convex clusters (two moons) are labelled far better.
          With the default seeds (the data points) the seeds' climbs are
          these climbs and cost nothing extra.  Otherwise the distinct points
          climb: for the flat kernel on large data compiled, with a memo of
          steps, on up to two threads (``NUMBA_NUM_THREADS``; the result does
          not depend on it); for the other compact kernels on large data one
          at a time, sharing window blocks and memoised steps; otherwise all
          together by matrix products.  ``bench/results_basin.json`` has the
          cost on a photograph's colours.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        The modes found, by decreasing intensity.
    labels_ : ndarray of shape (n_samples,)
        Index of the centre of every training point, by ``assign_labels``:
        the nearest one, or the one its climb reaches (or -1, see
        ``cluster_all``; for ``"basin"`` the test uses where the climb ends).
    n_iter_ : int
        Largest number of iterations performed by any seed.
    bandwidth_ : float
        The bandwidth used (estimated if ``bandwidth`` is None).
    n_features_in_ : int
        Number of features seen during fit.
    paths_ : list of ndarray
        Only with ``record_paths=True``: for every seed, an array of shape
        ``(n_steps + 1, n_features)``: the seed, then the mean of each window
        it computed (a seed whose first window is empty has just its start).

    Notes
    -----
    Input is converted to float64 (scikit-learn keeps float32 input in
    float32; results then differ in the last bits).

    Why it is fast, and still exact:

    * identical points are collapsed into one weighted point: the window sums
      do not change, and for integer-valued data (8-bit image colours) they
      are exact in float64 whatever the order of summation;
    * each window's candidates come from a grid index, in blocks that serve
      every position within half a bandwidth (or more) of where they were
      looked up (triangle inequality), cached and shared between seeds; inside a block
      only the points whose distance to the window's centre could straddle
      ``bandwidth`` are tested, the rest enter through prefix sums;
    * the step from a position is memoised, so seeds whose paths meet share
      the rest of the climb.

    Membership is decided by scikit-learn's own test (squared distance,
    summed feature by feature, ``<= bandwidth ** 2``), so on integer data the
    centres, labels and ``n_iter_`` are bit-identical to scikit-learn's; on
    other data the centres agree to a few units in the last place.  With the
    Gaussian kernel every step weighs every (distinct) point.

    A point with integer sample weight ``w`` acts exactly like ``w`` copies
    of it (for a given bandwidth).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1, 1], [2, 1], [1, 0], [4, 7], [3, 5], [3, 6]])
    >>> ms = MeanShift(bandwidth=2).fit(X)
    >>> ms.cluster_centers_.round(3)
    array([[3.333, 6.   ],
           [1.333, 0.667]])
    >>> ms.predict([[0, 0], [5, 5]])
    array([1, 0])
    >>> ms = MeanShift(bandwidth=2, seeds=[[0, 0]], record_paths=True).fit(X)
    >>> ms.paths_[0].round(3)  # the seed, then each window's mean; the last step is 0
    array([[0.   , 0.   ],
           [1.   , 0.5  ],
           [1.333, 0.667],
           [1.333, 0.667]])
    """

    def __init__(
        self,
        bandwidth: float | None = None,
        *,
        kernel: str = "flat",
        seeds: Any = None,
        bin_seeding: bool = False,
        min_bin_freq: int = 1,
        cluster_all: bool = True,
        max_iter: int = 300,
        record_paths: bool = False,
        assign_labels: str = "nearest",
    ) -> None:
        self.bandwidth = bandwidth
        self.kernel = kernel
        self.seeds = seeds
        self.bin_seeding = bin_seeding
        self.min_bin_freq = min_bin_freq
        self.cluster_all = cluster_all
        self.max_iter = max_iter
        self.record_paths = record_paths
        self.assign_labels = assign_labels

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> "MeanShift":
        """Find the modes and label the points.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : Ignored
            Present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights: window means become weighted means and a
            window's intensity is the sum of its weights.

        Returns
        -------
        self : MeanShift
            The fitted estimator.

        Raises
        ------
        ValueError
            On bad input or parameters, or if no point lies within
            ``bandwidth`` of any seed.
        """
        X = check_data(X)
        n_samples, n_features = X.shape
        sw = check_weights(sample_weight, n_samples, name="sample_weight")
        kernel = get_kernel(self.kernel)
        if kernel.name == "biweight":
            raise ValueError("kernel must be 'flat', 'gaussian' or 'epanechnikov', got 'biweight'.")
        bin_seeding = _check_bool(self.bin_seeding, "bin_seeding")
        cluster_all = _check_bool(self.cluster_all, "cluster_all")
        record_paths = _check_bool(self.record_paths, "record_paths")
        min_bin_freq = check_positive_int(self.min_bin_freq, name="min_bin_freq")
        max_iter = check_positive_int(self.max_iter, name="max_iter", minimum=0)
        assign_labels = _check_assign_labels(self.assign_labels)

        if self.bandwidth is None:
            bw_raw = _estimate_bandwidth(X)
            if not bw_raw > 0 and kernel.name != "flat":
                raise ValueError(
                    "bandwidth was estimated as 0 (the sampled points coincide); "
                    f"pass bandwidth explicitly to use kernel={kernel.name!r}."
                )
        else:
            bw_raw = _raw_bandwidth(self.bandwidth)
        h = float(bw_raw)

        if self.seeds is not None:
            seeds = check_data(self.seeds, name="seeds", n_features=n_features)
        elif bin_seeding:
            seeds = bin_seeds(X, bw_raw, min_bin_freq, sw)
            if len(seeds) == 0:
                raise ValueError(
                    f"min_bin_freq={min_bin_freq} leaves no seed: no bin of width "
                    f"bandwidth={h:g} holds that many points."
                )
        else:
            seeds = X if sw is None else X[sw > 0]

        data = unique_rows(X, sw)
        pos = data.weights > 0
        stop_thresh = float(1e-3 * bw_raw)
        # identical seeds follow identical paths: climb each distinct seed once
        useeds = data if seeds is X else unique_rows(np.asarray(seeds, dtype=np.float64))
        starts = np.asarray(seeds)[useeds.first]
        scale = float(max(np.abs(X).max(initial=0.0), np.abs(starts).max(initial=0.0)))
        climber = Climber(
            data.rows[pos], data.weights[pos], h,
            kernel=kernel, max_iter=max_iter, stop_thresh=stop_thresh, scale=scale,
        )
        res = climber.run(starts, record_paths=record_paths)
        self.n_iter_ = int(res.n_iter.max())
        centers = res.centers[useeds.inverse]
        intensity = res.intensity[useeds.inverse]
        if not np.any(intensity > 0):
            raise ValueError(
                f"No point was within bandwidth={h:f} of any seed. "
                "Try a different seeding strategy or increase the bandwidth."
            )
        self.cluster_centers_ = merge_centers(centers, intensity, h)
        if assign_labels == "basin":
            if seeds is X:  # the seeds were the distinct data points: their climbs are done
                ends = np.where((res.intensity > 0)[:, None], res.centers, data.rows)
                ulabels, ud2 = nearest_center(ends, self.cluster_centers_)
            else:
                ulabels, ud2 = _basin_labels(climber, data.rows, self.cluster_centers_)
            labels, d2 = ulabels[data.inverse], ud2[data.inverse]
            self._train = (data.rows[pos], data.weights[pos], kernel, max_iter, stop_thresh)
        else:
            labels, d2 = nearest_center(X, self.cluster_centers_, data)
            self._train = None
        if not cluster_all:
            labels = np.where(np.sqrt(d2) <= bw_raw, labels, -1)
        self.labels_ = labels
        self.bandwidth_ = h
        self.n_features_in_ = n_features
        if record_paths:
            self.paths_ = [res.paths[i] for i in useeds.inverse]
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Label of every row of ``X``, by the rule of ``assign_labels``.

        With ``"nearest"``: the nearest cluster centre.  With ``"basin"``:
        every new point *climbs* the training data's density from itself
        (mean shift steps, as in ``fit``) and gets the label of the centre
        nearest to where its climb ends -- a full mean shift run per
        distinct new point, much dearer than ``"nearest"``.  ``cluster_all``
        is not applied: every point gets a centre's index.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            New data.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Index into ``cluster_centers_`` (ties go to the lower index).

        Examples
        --------
        >>> import numpy as np
        >>> X = np.array([[0.0], [1.0], [2.0], [6.0], [7.0]])
        >>> ms = MeanShift(bandwidth=1.5, assign_labels="basin").fit(X)
        >>> ms.cluster_centers_.ravel().tolist(), ms.labels_.tolist()
        ([1.0, 6.5], [0, 0, 0, 1, 1])
        >>> ms.predict([[1.8], [5.0]])  # 1.8 -> 1.5 -> 1.0; 5.0 -> 6.0 -> 6.5
        array([0, 1])
        """
        check_is_fitted(self)
        X = check_data(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but MeanShift is expecting "
                f"{self.n_features_in_} features as input."
            )
        if getattr(self, "_train", None) is not None and self.assign_labels == "basin":
            rows, weights, kernel, max_iter, stop_thresh = self._train
            uniq = unique_rows(X)
            scale = float(max(np.abs(rows).max(initial=0.0), np.abs(uniq.rows).max(initial=0.0)))
            climber = Climber(
                rows, weights, self.bandwidth_,
                kernel=kernel, max_iter=max_iter, stop_thresh=stop_thresh, scale=scale,
            )
            return _basin_labels(climber, uniq.rows, self.cluster_centers_)[0][uniq.inverse]
        return nearest_center(X, self.cluster_centers_)[0]


def _check_assign_labels(value: Any) -> str:
    if not isinstance(value, str) or value not in ("nearest", "basin"):
        raise ValueError(f"assign_labels must be 'nearest' or 'basin', got {value!r}.")
    return value


def _basin_labels(
    climber: Climber, points: np.ndarray, centers: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Climb from every (distinct) point; label = the centre nearest to where the climb ends.

    A climb whose window is empty (no centre reached) ends where it starts.
    Returns the labels and the squared distances from the climbs' ends to their centres.
    """
    res = climber.run_all(points)
    ends = np.where((res.intensity > 0)[:, None], res.centers, points)
    return nearest_center(ends, centers)
