r"""Bandwidth selection: nearest-neighbour estimate and rules of thumb.

Three ways to pick the bandwidth :math:`h` of a radially symmetric kernel
from data :math:`X` of shape ``(n, d)``:

* :func:`estimate_bandwidth` — the mean distance from each point to its
  :math:`k`-th nearest neighbour, :math:`k = \lfloor n \cdot
  \mathrm{quantile} \rfloor`; the same number as
  :func:`sklearn.cluster.estimate_bandwidth` :cite:p:`pedregosa2011`.
* :func:`scott_bandwidth` — Scott's rule :cite:p:`scott1992`,
  :math:`h = \sigma\, n^{-1/(d+4)}`.
* :func:`silverman_bandwidth` — Silverman's normal-reference rule
  :cite:p:`silverman1986`, :math:`h = \sigma \left(\frac{4}{d+2}\right)^{1/(d+4)}
  n^{-1/(d+4)}`.

Silverman's rule is the bandwidth that minimises the *asymptotic* mean
integrated squared error of a Gaussian-kernel estimate when the data
themselves are Gaussian with covariance :math:`\sigma^2 I`; Scott's rule has
the same dependence on :math:`n` and :math:`d` but drops the constant factor
:math:`(4/(d+2))^{1/(d+4)}` (1.06 in one dimension, 1 in two).  Both tend to
over-smooth multi-modal data.  :func:`equivalent_bandwidth` converts a Gaussian
bandwidth into the radius of a compact kernel that smooths as much.

Examples
--------
>>> import numpy as np
>>> from msutils.bandwidth import estimate_bandwidth, scott_bandwidth
>>> X = np.array([[1, 1], [2, 1], [1, 0], [4, 7], [3, 5], [3, 6]])
>>> round(estimate_bandwidth(X, quantile=0.5), 4)  # as sklearn.cluster.estimate_bandwidth
1.6191
>>> round(scott_bandwidth(np.arange(10.0).reshape(-1, 1)), 4)  # 3.0277 * 10 ** (-1/5)
1.9103
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.spatial import cKDTree
from sklearn.utils import check_random_state

from msutils._validation import check_bandwidth, check_data, check_positive_int, check_quantile
from msutils.kernels import Kernel, get_kernel

__all__ = ["equivalent_bandwidth", "estimate_bandwidth", "knn_distances", "scott_bandwidth", "silverman_bandwidth"]


def knn_distances(X: Any, n_neighbors: int) -> np.ndarray:
    """Distance from each point of ``X`` to its ``n_neighbors``-th nearest neighbour.

    Every point counts as its own first nearest neighbour (at distance 0), as
    in :func:`estimate_bandwidth` and scikit-learn's ``kneighbors(X)``:
    ``n_neighbors=1`` gives zeros and ``n_neighbors=2`` the distance to the
    closest *other* point.

    Parameters
    ----------
    X : array-like of shape (n, d) or (n,)
        The points; a 1-D array is ``n`` points on the line.
    n_neighbors : int
        Which neighbour, between 1 and ``n``.

    Returns
    -------
    ndarray of shape (n,)
        The Euclidean distances.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [3.0]])
    >>> knn_distances(X, 2)  # nearest other point
    array([1., 1., 2.])
    >>> knn_distances(X, 3)  # farthest point
    array([3., 2., 3.])
    """
    X = check_data(X, ensure_2d=False)
    k = check_positive_int(n_neighbors, name="n_neighbors")
    if k > X.shape[0]:
        raise ValueError(f"n_neighbors must be at most the number of points ({X.shape[0]}), got {k}.")
    dist, _ = cKDTree(X).query(X, k=[k])
    return dist[:, 0]


def estimate_bandwidth(
    X: Any,
    *,
    quantile: float = 0.3,
    n_samples: int | None = None,
    random_state: Any = 0,
) -> float:
    """Estimate a bandwidth for mean shift from nearest-neighbour distances.

    The bandwidth is the mean, over the (sub-sampled) points, of the distance
    from each point to its :math:`k`-th nearest neighbour, with
    :math:`k = \\max(1, \\lfloor n \\cdot \\mathrm{quantile} \\rfloor)` and every point
    counting as its own first neighbour (see :func:`knn_distances`).  So
    ``quantile`` is the fraction of the data that a ball of the typical
    radius around a point holds: small quantiles give small bandwidths (many
    clusters), ``quantile=1`` the mean distance to the farthest point.

    This is a re-implementation of :func:`sklearn.cluster.estimate_bandwidth`
    and returns the same number for the same arguments.

    Parameters
    ----------
    X : array-like of shape (n, d) or (n,)
        The data; a 1-D array is ``n`` points on the line.
    quantile : float, default=0.3
        In (0, 1]; the fraction of the points that :math:`k` stands for.
    n_samples : int, optional
        If given, use only this many points, drawn without replacement: the
        first ``n_samples`` of ``random_state.permutation(n)`` (all points,
        shuffled, if ``n_samples >= n``).  The cost is quadratic in the number
        of points used, so sub-sample large data.
    random_state : int, numpy.random.RandomState or None, default=0
        Seeds the sub-sampling permutation, as in scikit-learn (``None`` uses
        NumPy's global generator).  Unused without ``n_samples``.

    Returns
    -------
    float
        The bandwidth (0 if the neighbours coincide, e.g. with duplicated points).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 2))
    >>> h = estimate_bandwidth(X, quantile=0.2, n_samples=100)
    >>> from sklearn.cluster import estimate_bandwidth as sk_estimate
    >>> bool(abs(h - sk_estimate(X, quantile=0.2, n_samples=100)) < 1e-12 * h)
    True
    """
    X = check_data(X, ensure_2d=False)
    q = check_quantile(quantile)
    if n_samples is not None:
        m = check_positive_int(n_samples, name="n_samples")
        rng = check_random_state(random_state)
        X = X[rng.permutation(X.shape[0])[:m]]
    k = max(1, int(X.shape[0] * q))
    distances = knn_distances(X, k)
    # Sum as scikit-learn does (per batch of 500 points, then over batches), so that the
    # result matches it to the last bit and MeanShift(bandwidth=None) gives its clusters.
    total = 0.0
    for start in range(0, distances.shape[0], 500):
        total += distances[start:start + 500].sum()
    return float(total / distances.shape[0])


def _radial_scale(X: np.ndarray) -> float:
    """One standard deviation for all axes: sqrt of the mean per-feature variance."""
    sigma = float(np.sqrt(np.var(X, axis=0, ddof=1).mean()))
    if sigma == 0.0:
        raise ValueError("X has zero variance (all points are equal); a rule-of-thumb bandwidth is undefined.")
    return sigma


def scott_bandwidth(X: Any) -> float:
    """Scott's rule-of-thumb bandwidth, :math:`\\sigma\\, n^{-1/(d+4)}`.

    Parameters
    ----------
    X : array-like of shape (n, d) or (n,)
        The data, with at least two points; a 1-D array is ``n`` points on the line.

    Returns
    -------
    float

    Notes
    -----
    A radially symmetric kernel has one bandwidth for every axis, so one scale
    :math:`\\sigma` stands for the data's spread: the square root of the mean
    of the per-feature sample variances (``ddof=1``),
    :math:`\\sigma = \\sqrt{\\operatorname{tr}(\\hat\\Sigma)/d}`.  Unlike the mean
    of the standard deviations it does not change when the data are rotated.
    In one dimension it is the sample standard deviation, and the result is
    ``scipy.stats.gaussian_kde(x).scotts_factor() * x.std(ddof=1)``.  For
    standardised data (:math:`\\sigma = 1`) it is the ``bandwidth_`` of
    scikit-learn's ``KernelDensity(bandwidth="scott")``.  Scale the features
    to comparable units first: one wide feature dominates :math:`\\sigma`.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=1000)
    >>> h = scott_bandwidth(x)
    >>> bool(np.isclose(h, x.std(ddof=1) * 1000 ** (-1 / 5)))
    True
    """
    X = check_data(X, ensure_2d=False, min_samples=2)
    n, d = X.shape
    return _radial_scale(X) * n ** (-1.0 / (d + 4))


def silverman_bandwidth(X: Any) -> float:
    """Silverman's rule-of-thumb bandwidth, :math:`\\sigma (4/(d+2))^{1/(d+4)} n^{-1/(d+4)}`.

    In one dimension this is the familiar :math:`1.06\\,\\sigma\\, n^{-1/5}`
    (:math:`(4/3)^{1/5} = 1.0592`), the bandwidth minimising the asymptotic mean
    integrated squared error of a Gaussian kernel on Gaussian data
    :cite:p:`silverman1986`.

    Parameters
    ----------
    X : array-like of shape (n, d) or (n,)
        The data, with at least two points; a 1-D array is ``n`` points on the line.

    Returns
    -------
    float

    Notes
    -----
    :math:`\\sigma` is the root mean per-feature variance, as in
    :func:`scott_bandwidth`.  In one dimension the result is
    ``scipy.stats.gaussian_kde(x, bw_method="silverman").factor * x.std(ddof=1)``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=1000)
    >>> h = silverman_bandwidth(x)
    >>> round(float(h / (x.std(ddof=1) * 1000 ** (-1 / 5))), 4)
    1.0592
    """
    X = check_data(X, ensure_2d=False, min_samples=2)
    n, d = X.shape
    return _radial_scale(X) * (4.0 / (d + 2)) ** (1.0 / (d + 4)) * n ** (-1.0 / (d + 4))


#: For the profile (1 - r)^p on the unit ball, the per-axis variance of the kernel is
#: 1 / (d + 2p + 2) (in units of its radius squared); p of each compact kernel:
_POWER = {"flat": 0, "epanechnikov": 1, "biweight": 2}


def equivalent_bandwidth(bandwidth: float, kernel: str | Kernel, d: int, *, match: str = "mean_shift") -> float:
    r"""The bandwidth of ``kernel`` that smooths as much as a Gaussian kernel of bandwidth ``bandwidth``.

    "As much" means: the same standard deviation along each axis.  A compact
    kernel with profile :math:`(1 - r)^p` on the ball of radius :math:`R` has
    per-axis variance :math:`R^2 / (d + 2p + 2)` in :math:`d` dimensions
    (:math:`p = 0` flat, 1 Epanechnikov, 2 biweight); a Gaussian of bandwidth
    :math:`h` has :math:`h^2`.  What is matched depends on the use:

    * ``match="density"``: the kernel itself, used as a density estimate.  The
      flat kernel then needs :math:`R = \sqrt{d+2}\,h`, the Epanechnikov
      kernel :math:`R = \sqrt{d+4}\,h`.
    * ``match="mean_shift"`` (default): the kernel used as mean shift's weights,
      which climbs the estimate of its *shadow* (see :mod:`msutils.kernels`).
      Only the shadow matters, so the flat kernel (shadow Epanechnikov) needs
      :math:`R = \sqrt{d+4}\,h` and the Epanechnikov kernel (shadow biweight)
      :math:`R = \sqrt{d+6}\,h`.

    The Gaussian kernel is its own shadow and gets ``bandwidth`` back.

    Parameters
    ----------
    bandwidth : float
        The Gaussian bandwidth :math:`h > 0`.
    kernel : str or Kernel
        ``"gaussian"``, ``"flat"``, ``"epanechnikov"`` or ``"biweight"``.
    d : int
        The dimension of the data.
    match : {"mean_shift", "density"}, default="mean_shift"
        What is matched, see above.

    Returns
    -------
    float
        The radius :math:`R` (the bandwidth of a compact kernel).

    Examples
    --------
    >>> round(equivalent_bandwidth(1.0, "flat", 1, match="density"), 4)  # sqrt(3)
    1.7321
    >>> round(equivalent_bandwidth(1.0, "flat", 2), 4)  # sqrt(6): climbs the Epanechnikov estimate
    2.4495
    >>> equivalent_bandwidth(0.8, "gaussian", 3)
    0.8
    """
    h = check_bandwidth(bandwidth)
    k = get_kernel(kernel)
    dim = check_positive_int(d, name="d")
    if match not in ("mean_shift", "density"):
        raise ValueError(f"match must be 'mean_shift' or 'density', got {match!r}.")
    name = k.name
    if match == "mean_shift":
        if k.shadow is None or k.shadow not in (*_POWER, "gaussian"):
            raise ValueError(f"the {name} kernel's shadow is not provided, so it has no mean-shift equivalent.")
        name = k.shadow
    if name == "gaussian":
        return h
    return float(h * np.sqrt(dim + 2 * _POWER[name] + 2))
