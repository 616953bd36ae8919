"""Unique rows and bin seeding for :class:`msutils.meanshift.MeanShift` (private).

Both helpers reproduce scikit-learn's behaviour exactly:

* :func:`unique_rows` collapses identical points into one row with a weight
  (their count, times their sample weights).  Mean shift only ever needs the
  weighted sums of the points in a window, and for integer-valued data (image
  colours) those sums are exact in float64, so collapsing changes no bit.
* :func:`bin_seeds` mirrors :func:`sklearn.cluster.get_bin_seeds`: points are
  rounded (half to even) to a grid of spacing ``bin_size``, bins are kept in
  first-seen order, the bin coordinates are stored as float32 and then
  multiplied by ``bin_size`` (with NumPy's promotion rules for that scalar).
"""

from __future__ import annotations

import warnings
from typing import Any, NamedTuple

import numpy as np

__all__ = ["UniqueRows", "unique_rows", "bin_seeds"]


class UniqueRows(NamedTuple):
    """Distinct rows of an array, in first-seen order.

    Attributes
    ----------
    rows : ndarray of shape (n_unique, n_features)
        The distinct rows, ordered by their first occurrence.
    weights : ndarray of shape (n_unique,)
        Sum of the weights (or the count) of the rows equal to each distinct row.
    inverse : ndarray of shape (n_samples,)
        ``rows[inverse]`` reproduces the input.
    first : ndarray of shape (n_unique,)
        Index of the first occurrence of each distinct row in the input.
    """

    rows: np.ndarray
    weights: np.ndarray
    inverse: np.ndarray
    first: np.ndarray


def _row_keys(X: np.ndarray) -> np.ndarray:
    """One sortable key per row such that equal keys mean equal rows (``-0.0 == 0.0``)."""
    X = X + 0.0  # turns -0.0 into +0.0, so that the byte view agrees with ==
    if X.shape[1] <= 3:
        lo = X.min(axis=0) if X.size else np.zeros(X.shape[1])
        span = (X.max(axis=0) - lo) if X.size else np.zeros(X.shape[1])
        is_int = bool(np.all(X == np.round(X)))
        if is_int and np.all(span < 2**20) and np.all(np.abs(lo) < 2**52):
            # small non-negative integers: pack the columns into one int64
            key = np.zeros(X.shape[0], dtype=np.int64)
            for j in range(X.shape[1]):
                key = (key << 21) | (X[:, j] - lo[j]).astype(np.int64)
            return key
    X = np.ascontiguousarray(X)
    return X.view(np.dtype((np.void, X.dtype.itemsize * X.shape[1]))).ravel()


def unique_rows(X: np.ndarray, weights: np.ndarray | None = None) -> UniqueRows:
    """Collapse equal rows of ``X`` into one row each, summing their weights.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Finite float64 data.
    weights : ndarray of shape (n_samples,) or None
        Weights of the rows; None means one per row.

    Returns
    -------
    UniqueRows

    Examples
    --------
    >>> import numpy as np
    >>> u = unique_rows(np.array([[2.0, 0.0], [1.0, 1.0], [2.0, 0.0]]))
    >>> u.rows.tolist(), u.weights.tolist(), u.inverse.tolist()
    ([[2.0, 0.0], [1.0, 1.0]], [2.0, 1.0], [0, 1, 0])
    """
    keys = _row_keys(X)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    order = np.argsort(first, kind="stable")  # first-seen order
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    inverse = rank[inverse]
    first = first[order]
    w = np.bincount(inverse, weights=weights, minlength=first.size).astype(np.float64)
    return UniqueRows(X[first], w, inverse, first)


def bin_seeds(
    X: np.ndarray,
    bin_size: Any,
    min_bin_freq: int,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Seeds from binning, exactly as :func:`sklearn.cluster.get_bin_seeds`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Finite float64 data.
    bin_size : real scalar
        The grid spacing, as the user passed it (its NumPy type matters for the
        dtype of the seeds: float32 bin coordinates times a Python float stay
        float32, times a NumPy float64 become float64 -- as in scikit-learn).
    min_bin_freq : int
        Only bins holding at least this many points (this much weight) seed.
    weights : ndarray of shape (n_samples,) or None
        Sample weights; a bin's frequency is the sum of its points' weights.

    Returns
    -------
    ndarray of shape (n_seeds, n_features)
        The seeds.  If every point would get its own bin (as many selected bins
        as points, or as total weight), a :class:`UserWarning` is emitted and
        the data points with positive weight are returned instead.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.1, 0.0], [0.2, 0.1], [2.0, 2.1], [0.0, 0.3]])
    >>> bin_seeds(X, 1.0, 1)
    array([[0., 0.],
           [2., 2.]], dtype=float32)
    """
    if bin_size == 0:
        return X if weights is None else X[weights > 0]
    binned = np.round(X / bin_size)
    uniq = unique_rows(binned, weights)
    keep = uniq.weights >= min_bin_freq
    seeds = np.asarray(uniq.rows[keep], dtype=np.float32)
    n_effective = X.shape[0] if weights is None else weights.sum()
    if len(seeds) == n_effective:
        warnings.warn(
            "Binning data failed with provided bin_size=%f, using data points as seeds." % bin_size,
            UserWarning,
            stacklevel=3,
        )
        return X if weights is None else X[weights > 0]
    return seeds * bin_size
