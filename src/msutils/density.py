r"""Kernel density estimation in any dimension.

With data :math:`x_1, \dots, x_n \in \mathbb{R}^d`, weights :math:`w_i \ge 0`
summing to one, a radially symmetric kernel with profile :math:`k` and
bandwidth :math:`h`, the kernel density estimate at :math:`x` is

.. math::

    \hat f(x) = \frac{c_{k,d}}{h^d} \sum_{i=1}^n w_i\,
                k\!\left(\left\|\frac{x - x_i}{h}\right\|^2\right),

where :math:`c_{k,d}` makes the kernel integrate to one (see
:mod:`msutils.kernels`).  Without weights every :math:`w_i = 1/n`.  Because
each term integrates to :math:`w_i`, the estimate integrates to one.

Examples
--------
>>> import numpy as np
>>> from msutils.density import kde
>>> data = np.array([0.0, 1.0, 2.0])
>>> density = kde(np.linspace(-10, 12, 4401), data, 0.5)
>>> round(float(density.sum() * 22 / 4400), 6)  # the estimate integrates to one
1.0
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.spatial.distance import cdist

from msutils._validation import check_bandwidth, check_data, check_positive_int, check_weights
from msutils.kernels import Kernel, get_kernel

__all__ = ["kde", "kde_gradient", "kde_grid", "grid_modes"]

#: Largest block of query-by-data squared distances held at once, in bytes.
#: The evaluation needs about three arrays of this size at a time.
_BLOCK_BYTES = 32 * 2**20


def kde(
    points: Any,
    data: Any,
    bandwidth: float,
    *,
    kernel: str | Kernel = "gaussian",
    weights: Any = None,
) -> np.ndarray:
    """Evaluate the (weighted) kernel density estimate of ``data`` at ``points``.

    Parameters
    ----------
    points : array-like of shape (m, d) or (m,)
        Where to evaluate the density.  A 1-D array is read as ``m`` points on
        the line (the same as ``points.reshape(-1, 1)``), so 1-D data needs no
        reshaping.
    data : array-like of shape (n, d) or (n,)
        The sample the density is estimated from; a 1-D array is ``n`` points
        on the line.
    bandwidth : float
        The kernel's bandwidth :math:`h > 0`, in the units of the data.
    kernel : str or Kernel, default="gaussian"
        ``"gaussian"``, ``"flat"`` (``"tophat"``), ``"epanechnikov"`` or
        ``"biweight"``; see :func:`msutils.kernels.get_kernel`.
    weights : array-like of shape (n,), optional
        Non-negative weights of the data points.  They are divided by their
        sum, so weight 3 on a point is the same as three copies of it.

    Returns
    -------
    ndarray of shape (m,)
        The estimated probability density at each point; it integrates to one
        over :math:`\\mathbb{R}^d`.

    Raises
    ------
    TypeError
        If an argument has the wrong type (non-numeric data, a string bandwidth).
    ValueError
        If an argument has a bad value: NaN or infinite coordinates, empty
        data, ``points`` with another number of features than ``data``, a
        bandwidth that is not positive, negative weights or weights of the
        wrong length, an unknown kernel.

    Notes
    -----
    The result equals ``np.exp(KernelDensity(bandwidth=h,
    kernel=get_kernel(kernel).sklearn_name).fit(data,
    sample_weight=weights).score_samples(points))`` of scikit-learn
    :cite:p:`pedregosa2011` to rounding error, with one measure-zero
    exception: for the flat kernel this function counts a data point at
    distance exactly :math:`h` as inside the kernel (``||u|| <= 1``), while
    scikit-learn's ``"tophat"`` counts it as outside (``dist < h``); the
    Epanechnikov kernel is zero at that distance either way.

    The sum is computed exactly (no tree pruning, no approximation) in
    blocks of query points, so that memory stays below about 100 MB
    whatever the sizes of ``points`` and ``data``.

    Examples
    --------
    >>> import numpy as np
    >>> from msutils.density import kde
    >>> data = np.array([[0.0, 0.0], [1.0, 0.0]])
    >>> kde([[0.0, 0.0]], data, 1.0).round(6)  # (1 + exp(-1/2)) / (2 * 2 pi)
    array([0.127844])
    >>> kde([0.5], [0.0, 1.0], 1.0, kernel="flat")  # both points within h
    array([0.5])
    >>> kde([0.0], [0.0, 2.0], 1.0, kernel="epanechnikov", weights=[3, 1])
    array([0.5625])
    """
    data = check_data(data, name="data", ensure_2d=False)
    n, d = data.shape
    points = check_data(points, name="points", ensure_2d=False, n_features=d)
    h = check_bandwidth(bandwidth)
    k = get_kernel(kernel)
    w = check_weights(weights, n)
    w = np.full(n, 1.0 / n) if w is None else w / w.sum()

    scale = k.norm_const(d) / h**d
    out = np.empty(points.shape[0])
    scaled = data / h
    rows = max(1, _BLOCK_BYTES // (8 * n))
    for start in range(0, points.shape[0], rows):
        r2 = cdist(points[start : start + rows] / h, scaled, metric="sqeuclidean")
        out[start : start + rows] = k.profile(r2) @ w
    return out * scale


#: Minus the derivative of each differentiable profile, g = -k' (the flat profile has none).
_NEG_SLOPE = {
    "gaussian": lambda r2: 0.5 * np.exp(-0.5 * r2),
    "epanechnikov": lambda r2: (r2 < 1.0).astype(np.float64),
    "biweight": lambda r2: 2.0 * np.clip(1.0 - r2, 0.0, None),
}


def kde_gradient(
    points: Any,
    data: Any,
    bandwidth: float,
    *,
    kernel: str | Kernel = "gaussian",
    weights: Any = None,
) -> np.ndarray:
    r"""The gradient of the kernel density estimate of ``data`` at ``points``.

    Differentiating the estimate term by term gives

    .. math::

        \nabla \hat f(x) = \frac{2\, c_{k,d}}{h^{d+2}} \sum_i w_i\, (x_i - x)\,
                          g\!\left(\left\|\frac{x - x_i}{h}\right\|^2\right),
        \qquad g = -k',

    the identity behind mean shift (see :mod:`msutils.meanshift`).  The flat
    kernel's estimate is piecewise constant, so its gradient is zero or
    undefined and it is refused.

    Parameters
    ----------
    points : array-like of shape (m, d) or (m,)
        Where to evaluate the gradient; a 1-D array is ``m`` points on the line.
    data : array-like of shape (n, d) or (n,)
        The sample.
    bandwidth : float
        The bandwidth :math:`h > 0`.
    kernel : str or Kernel, default="gaussian"
        ``"gaussian"``, ``"epanechnikov"`` or ``"biweight"``.  (The
        Epanechnikov profile has a kink where :math:`\|x - x_i\| = h`; there
        the derivative from outside, zero, is used: a set of measure zero.)
    weights : array-like of shape (n,), optional
        Non-negative weights of the data points, as in :func:`kde`.

    Returns
    -------
    ndarray of shape (m, d)

    Raises
    ------
    ValueError
        For the flat kernel, and for the bad input :func:`kde` rejects.

    Examples
    --------
    >>> import numpy as np
    >>> from msutils.density import kde, kde_gradient
    >>> data = np.array([0.0, 1.0, 3.0])
    >>> g = kde_gradient([0.5], data, 1.0)[0, 0]
    >>> fd = (kde([0.5 + 1e-6], data, 1.0) - kde([0.5 - 1e-6], data, 1.0))[0] / 2e-6
    >>> bool(abs(g - fd) < 1e-8)
    True
    """
    data = check_data(data, name="data", ensure_2d=False)
    n, d = data.shape
    points = check_data(points, name="points", ensure_2d=False, n_features=d)
    h = check_bandwidth(bandwidth)
    k = get_kernel(kernel)
    if k.name not in _NEG_SLOPE:
        raise ValueError(
            f"kernel must be one with a differentiable profile ({', '.join(map(repr, _NEG_SLOPE))}), "
            f"got {k.name!r}: the flat kernel's estimate is piecewise constant."
        )
    w = check_weights(weights, n)
    w = np.full(n, 1.0 / n) if w is None else w / w.sum()
    slope = _NEG_SLOPE[k.name]
    grad = np.empty(points.shape)
    rows = max(1, _BLOCK_BYTES // (8 * n))
    for start in range(0, points.shape[0], rows):
        block = points[start : start + rows]
        gw = slope(cdist(block / h, data / h, metric="sqeuclidean")) * w  # w_i g(r_i)
        grad[start : start + rows] = gw @ data - gw.sum(axis=1)[:, None] * block
    return grad * (2.0 * k.norm_const(d) / h ** (d + 2))


def kde_grid(
    data: Any,
    bandwidth: float,
    *,
    kernel: str | Kernel = "gaussian",
    grid_size: int = 100,
    padding: float = 3.0,
    bounds: Any = None,
    weights: Any = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Evaluate the kernel density estimate of 2-D data on a regular grid.

    The result feeds ``plot_surface`` and ``contour`` directly.

    Parameters
    ----------
    data : array-like of shape (n, 2)
        Points in the plane.
    bandwidth : float
        The kernel's bandwidth.
    kernel : str or Kernel, default="gaussian"
        The kernel; see :func:`kde`.
    grid_size : int, default=100
        Number of grid lines along each axis (at least 2).
    padding : float, default=3.0
        Without ``bounds``, the grid spans the data's range extended on every
        side by ``padding * bandwidth`` (a disc of three bandwidths holds
        98.9 % of a Gaussian kernel's mass in two dimensions; compact kernels
        need 1).
    bounds : ((xmin, xmax), (ymin, ymax)), optional
        The grid's extent; overrides ``padding``.
    weights : array-like of shape (n,), optional
        Weights of the data points; see :func:`kde`.

    Returns
    -------
    xx, yy, zz : ndarray of shape (grid_size, grid_size)
        Grid coordinates, as from ``np.meshgrid(x, y)``, and the density at
        each grid node.

    Examples
    --------
    >>> import numpy as np
    >>> from msutils.density import kde_grid
    >>> rng = np.random.default_rng(0)
    >>> xx, yy, zz = kde_grid(rng.normal(size=(50, 2)), 0.5, grid_size=200)
    >>> xx.shape, zz.shape
    ((200, 200), (200, 200))
    >>> cell = (xx[0, 1] - xx[0, 0]) * (yy[1, 0] - yy[0, 0])
    >>> round(float(zz.sum() * cell), 2)  # the density integrates to one
    1.0
    """
    data = check_data(data, name="data", n_features=2)
    h = check_bandwidth(bandwidth)
    size = check_positive_int(grid_size, name="grid_size", minimum=2)
    if bounds is None:
        pad = check_bandwidth(padding, name="padding") * h
        lo, hi = data.min(axis=0) - pad, data.max(axis=0) + pad
    else:
        b = np.asarray(bounds, dtype=np.float64) if _is_numeric(bounds) else None
        if b is None or b.shape != (2, 2) or not np.isfinite(b).all() or not (b[:, 0] < b[:, 1]).all():
            raise ValueError(
                "bounds must be ((xmin, xmax), (ymin, ymax)) with finite numbers and min < max, "
                f"got {bounds!r}."
            )
        lo, hi = b[:, 0], b[:, 1]
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], size), np.linspace(lo[1], hi[1], size))
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    zz = kde(grid, data, h, kernel=kernel, weights=weights).reshape(xx.shape)
    return xx, yy, zz


def grid_modes(x: Any, values: Any) -> np.ndarray:
    """Locate the local maxima (modes) of a function sampled on a 1-D grid.

    A sample is a local maximum when it is larger than its neighbours; a run of
    equal samples that is larger than the samples on both sides (a plateau,
    as produced by the flat kernel) counts once, at the run's centre.  Ends of
    the grid count when they are higher than their only neighbour.

    Parameters
    ----------
    x : array-like of shape (m,)
        Increasing grid positions.
    values : array-like of shape (m,)
        The function's values at ``x``.

    Returns
    -------
    ndarray
        The positions of the modes, in increasing order.

    Examples
    --------
    >>> import numpy as np
    >>> from msutils.density import grid_modes, kde
    >>> x = np.linspace(-3, 8, 1101)
    >>> grid_modes(x, kde(x, [0.0, 0.2, 5.0], 0.5))  # two bumps
    array([0.1, 5. ])
    >>> grid_modes([0, 1, 2, 3, 4], [0, 2, 2, 2, 0])  # a plateau counts once
    array([2.])
    """
    x = check_data(x, name="x", ensure_2d=False, n_features=1)[:, 0]
    v = check_data(values, name="values", ensure_2d=False, n_features=1)[:, 0]
    if v.shape != x.shape:
        raise ValueError(f"values has length {v.shape[0]}, but x has length {x.shape[0]}.")
    if x.size > 1 and not (np.diff(x) > 0).all():
        raise ValueError("x must be strictly increasing.")
    # collapse runs of equal values, then look for strict local maxima
    starts = np.flatnonzero(np.r_[True, v[1:] != v[:-1]])
    ends = np.r_[starts[1:], v.size] - 1
    runs = v[starts]
    left = np.r_[-np.inf, runs[:-1]]
    right = np.r_[runs[1:], -np.inf]
    peak = (runs > left) & (runs > right)
    if runs.size == 1:  # a constant function has no mode
        peak[:] = False
    return (x[starts[peak]] + x[ends[peak]]) / 2


def _is_numeric(obj: Any) -> bool:
    try:
        return np.asarray(obj).dtype.kind in "biuf"
    except (TypeError, ValueError):
        return False
