r"""How fast Gaussian mean shift converges: posterior weights, posterior covariance, linear rate.

Gaussian mean shift is an EM algorithm (Carreira-Perpiñán, 2007): at a point
:math:`x` the *posterior weights*

.. math:: p(n \mid x) = \frac{e^{-\|x - x_n\|^2 / 2h^2}}{\sum_m e^{-\|x - x_m\|^2 / 2h^2}}

are the E step and their mean :math:`m(x) = \sum_n p(n \mid x)\, x_n` is the M
step.  Differentiating :math:`m` gives its Jacobian
:math:`J(x) = \Sigma_{\mathrm{post}}(x) / h^2`, with

.. math:: \Sigma_{\mathrm{post}}(x) = \sum_n p(n \mid x)\,(x_n - m(x))(x_n - m(x))^\top

the covariance of the data under the posterior weights.  At a mode
:math:`x^*`, :math:`J(x^*)` is symmetric with eigenvalues in :math:`[0, 1)`,
so the climb converges linearly with rate
:math:`\rho = \lambda_{\max}(\Sigma_{\mathrm{post}}(x^*)) / h^2`, and the last
steps line up with the eigenvector of that largest eigenvalue.

Examples
--------
>>> import numpy as np
>>> X = np.array([[-1.0], [1.0]])
>>> posterior_weights([0.0], X, 1.0)
array([0.5, 0.5])
>>> float(linear_rate([0.0], X, 1.0))  # variance 1 under the weights, h = 1
1.0
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from msutils._validation import check_bandwidth, check_data, check_positive_int

__all__ = [
    "posterior_weights",
    "posterior_covariance",
    "linear_rate",
    "principal_direction",
    "refine_mode",
    "step_lengths",
    "step_ratios",
    "RateSweep",
    "rate_vs_bandwidth",
    "gaussian_minorizer",
    "steps_to_fixed_point",
]


def _point_and_data(x: Any, X: Any, h: Any) -> tuple[np.ndarray, np.ndarray, float]:
    D = check_data(X)
    q = check_data(np.asarray(x, dtype=float).reshape(1, -1) if np.ndim(x) <= 1 else x,
                   name="x", n_features=D.shape[1])
    if q.shape[0] != 1:
        raise ValueError(f"x must be one point of shape (n_features,), got shape {np.shape(x)}.")
    return q[0], D, check_bandwidth(h)


def _weights(x: np.ndarray, D: np.ndarray, h: float) -> np.ndarray:
    d2 = ((D - x) ** 2).sum(axis=1)
    logw = -0.5 * (d2 - d2.min()) / (h * h)  # shifted: never all zero
    w = np.exp(logw)
    return w / w.sum()


def posterior_weights(x: Any, X: Any, bandwidth: float) -> np.ndarray:
    r"""The E step of Gaussian mean shift: :math:`p(n \mid x)` for every data point.

    Computed with the smallest squared distance subtracted first, so the
    weights never all underflow (far from the data they concentrate on the
    nearest point, as the exact formula does).

    Parameters
    ----------
    x : array-like of shape (n_features,)
        The point.
    X : array-like of shape (n_samples, n_features)
        The data.
    bandwidth : float
        The Gaussian bandwidth :math:`h`.

    Returns
    -------
    ndarray of shape (n_samples,)
        Non-negative, summing to 1.

    Examples
    --------
    >>> import numpy as np
    >>> posterior_weights([0.0, 0.0], np.array([[0.0, 0.0], [3.0, 0.0]]), 1.0).round(4)
    array([0.989, 0.011])
    """
    q, D, h = _point_and_data(x, X, bandwidth)
    return _weights(q, D, h)


def posterior_covariance(x: Any, X: Any, bandwidth: float) -> np.ndarray:
    r""":math:`\Sigma_{\mathrm{post}}(x)`: the covariance of the data under the posterior weights.

    :math:`\Sigma_{\mathrm{post}}(x) / h^2` is the Jacobian of the mean shift
    map :math:`m` at :math:`x` (Gaussian kernel).

    Examples
    --------
    >>> import numpy as np
    >>> posterior_covariance([0.0, 0.0], np.array([[-1.0, 0.0], [1.0, 0.0]]), 1.0)
    array([[1., 0.],
           [0., 0.]])
    """
    q, D, h = _point_and_data(x, X, bandwidth)
    p = _weights(q, D, h)
    m = p @ D
    C = D - m
    return (C * p[:, None]).T @ C


def linear_rate(x: Any, X: Any, bandwidth: float) -> float:
    r"""Predicted linear rate :math:`\rho = \lambda_{\max}(\Sigma_{\mathrm{post}}(x)) / h^2`.

    At a mode :math:`x^*` of the Gaussian KDE this is the factor by which
    successive mean shift steps shrink near :math:`x^*` (Carreira-Perpiñán,
    2007); it lies in :math:`[0, 1)` at a strict maximum and reaches 1 where
    modes merge.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(0, 1.0, (20000, 1))
    >>> # a Gaussian blob of spread s: rho is about s^2 / (s^2 + h^2) at its mode
    >>> round(float(linear_rate([0.0], X, 1.0)), 2)
    0.5
    """
    S = posterior_covariance(x, X, bandwidth)
    h = check_bandwidth(bandwidth)
    return float(np.linalg.eigvalsh(S)[-1] / (h * h))


def principal_direction(x: Any, X: Any, bandwidth: float) -> np.ndarray:
    r"""Unit eigenvector of :math:`\Sigma_{\mathrm{post}}(x)` for its largest eigenvalue (sign: first non-zero entry positive).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[-2.0, 0.0], [2.0, 0.0], [0.0, 0.5], [0.0, -0.5]])
    >>> principal_direction([0.0, 0.0], X, 1.0)
    array([1., 0.])
    """
    S = posterior_covariance(x, X, bandwidth)
    v = np.linalg.eigh(S)[1][:, -1]
    nz = np.flatnonzero(np.abs(v) > 1e-12)
    return v * np.sign(v[nz[0]]) if nz.size else v


def refine_mode(x: Any, X: Any, bandwidth: float, *, tol: float = 1e-12, max_iter: int = 100_000) -> np.ndarray:
    r"""Climb Gaussian mean shift from ``x`` until a step is at most ``tol * bandwidth``.

    Used to find a mode to near machine precision (``MeanShift`` stops at
    ``1e-3 * bandwidth``, short of the mode).

    Examples
    --------
    >>> import numpy as np
    >>> refine_mode([0.3], np.array([[-1.0], [1.0], [5.0]]), 0.5).round(6)
    array([0.999326])
    """
    q, D, h = _point_and_data(x, X, bandwidth)
    max_iter = check_positive_int(max_iter, name="max_iter")
    for _ in range(max_iter):
        new = _weights(q, D, h) @ D
        done = np.linalg.norm(new - q) <= tol * h
        q = new
        if done:
            break
    return q


def step_lengths(path: Any) -> np.ndarray:
    """Lengths of the successive steps of a path (one row per position).

    Examples
    --------
    >>> step_lengths([[0.0, 0.0], [3.0, 4.0], [3.0, 5.0]])
    array([5., 1.])
    """
    P = check_data(path, name="path")
    return np.sqrt((np.diff(P, axis=0) ** 2).sum(axis=1))


def step_ratios(path: Any) -> np.ndarray:
    r"""Ratios of successive step lengths :math:`\|x_{k+1} - x_k\| / \|x_k - x_{k-1}\|`.

    Near a mode of the Gaussian KDE they tend to the linear rate
    :math:`\rho` (:func:`linear_rate`).  A zero step gives NaN for the next ratio.

    Examples
    --------
    >>> step_ratios([[0.0], [8.0], [12.0], [14.0]])
    array([0.5, 0.5])
    """
    s = step_lengths(path)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = s[1:] / s[:-1]
    return np.where(s[:-1] > 0, r, np.nan)


class RateSweep(NamedTuple):
    """Result of :func:`rate_vs_bandwidth`, one entry per bandwidth.

    Its fields: ``bandwidths``; ``n_modes``, the number of clusters
    ``MeanShift(kernel="gaussian")`` finds; ``rho_median`` and ``rho_max``, the
    median and largest predicted rate over the modes (refined to near machine
    precision from the cluster centres).
    """

    bandwidths: np.ndarray
    n_modes: np.ndarray
    rho_median: np.ndarray
    rho_max: np.ndarray


def rate_vs_bandwidth(X: Any, bandwidths: Any) -> RateSweep:
    r"""Predicted linear rate at the modes of the Gaussian KDE, for several bandwidths.

    For each bandwidth: Gaussian :class:`~msutils.meanshift.MeanShift`, its
    centres refined with :func:`refine_mode`, and :func:`linear_rate` at each.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(1).normal(0, 1.0, (300, 1))
    >>> sweep = rate_vs_bandwidth(X, [0.5, 2.0])
    >>> sweep.n_modes.tolist(), bool(sweep.rho_max[1] < sweep.rho_max[0])
    ([1, 1], True)
    """
    from msutils.meanshift import MeanShift

    D = check_data(X)
    hs = np.asarray(bandwidths, dtype=float).ravel()
    if hs.size == 0:
        raise ValueError("bandwidths must hold at least one bandwidth.")
    for h in hs:
        check_bandwidth(h, name="bandwidths")
    n_modes, med, mx = [], [], []
    for h in hs:
        centres = MeanShift(bandwidth=float(h), kernel="gaussian").fit(D).cluster_centers_
        rho = [linear_rate(refine_mode(c, D, h), D, h) for c in centres]
        n_modes.append(len(centres))
        med.append(float(np.median(rho)))
        mx.append(float(np.max(rho)))
    return RateSweep(hs, np.array(n_modes), np.array(med), np.array(mx))


def gaussian_minorizer(Y: Any, x: Any, X: Any, bandwidth: float) -> np.ndarray:
    r"""The bound :math:`Q_x(y)` that one Gaussian mean shift step from ``x`` maximises.

    With the Gaussian KDE :math:`f(y) = C \sum_i k(t_i)`, :math:`k(t) = e^{-t/2}`,
    :math:`t_i = \|(y - x_i)/h\|^2`, :math:`C = (2\pi h^2)^{-d/2}/n`, convexity of
    :math:`k` gives :math:`f(y) \ge Q_x(y) = f(x) + C \sum_i g(s_i)(s_i - t_i)`,
    :math:`g = -k'`, :math:`s_i = \|(x - x_i)/h\|^2`, with equality at :math:`y = x`;
    :math:`Q_x` is a concave quadratic whose maximum is :math:`m(x)`.

    Parameters
    ----------
    Y : array-like of shape (m, n_features)
        Where to evaluate the bound.
    x : array-like of shape (n_features,)
        The current point.
    X : array-like of shape (n_samples, n_features)
        The data.
    bandwidth : float

    Returns
    -------
    ndarray of shape (m,)

    Examples
    --------
    >>> import numpy as np
    >>> from msutils import kde
    >>> X = np.array([[0.0], [1.0], [3.0]])
    >>> Y = np.linspace(-2, 5, 8)[:, None]
    >>> bool(np.all(gaussian_minorizer(Y, [0.5], X, 1.0) <= kde(Y, X, 1.0, kernel="gaussian") + 1e-15))
    True
    """
    q, D, h = _point_and_data(x, X, bandwidth)
    P = check_data(Y, name="Y", n_features=D.shape[1])
    n, d = D.shape
    C = (2 * np.pi * h * h) ** (-d / 2) / n
    s = ((D - q) ** 2).sum(axis=1) / (h * h)
    g = 0.5 * np.exp(-0.5 * s)
    t = ((P[:, None, :] - D[None]) ** 2).sum(axis=2) / (h * h)
    return C * np.exp(-0.5 * s).sum() + C * ((s[None] - t) * g[None]).sum(axis=1)


def steps_to_fixed_point(x: Any, X: Any, bandwidth: float, *, max_iter: int = 10_000) -> int:
    """Flat-kernel mean shift steps from ``x`` until a step is exactly zero (the zero step not counted).

    A flat window holds one of finitely many subsets of the data, and every
    non-zero step strictly raises the Epanechnikov density, so no subset comes
    back: the climb reaches a fixed point in finitely many steps.

    Raises
    ------
    ValueError
        If the window at ``x`` is empty, or no fixed point is reached in ``max_iter`` steps.

    Examples
    --------
    >>> import numpy as np
    >>> steps_to_fixed_point([0.0], np.array([[0.0], [1.0], [2.0], [10.0]]), 1.5)
    2
    """
    from msutils.meanshift import mean_shift_vector

    q, D, h = _point_and_data(x, X, bandwidth)
    max_iter = check_positive_int(max_iter, name="max_iter")
    for k in range(max_iter + 1):
        v = mean_shift_vector(q, D, h, kernel="flat")
        if np.any(np.isnan(v)):
            raise ValueError(f"the flat window at x holds no data point (bandwidth={h:g}).")
        if not np.any(v):
            return k
        q = q + v
    raise ValueError(f"no fixed point reached in max_iter={max_iter} steps.")
