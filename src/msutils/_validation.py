"""Input validation shared by every public function of :mod:`msutils`.

Each checker turns user input into a clean NumPy array or float, or raises a
:class:`ValueError` / :class:`TypeError` whose message names the argument and
says what was expected.  Public functions call these first, so that bad input
never reaches NumPy internals (no deep tracebacks, no silent wrong answers).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

__all__ = [
    "check_data",
    "check_bandwidth",
    "check_weights",
    "check_quantile",
    "check_positive_int",
]


def check_data(
    X: Any,
    *,
    name: str = "X",
    ensure_2d: bool = True,
    n_features: int | None = None,
    min_samples: int = 1,
) -> np.ndarray:
    """Return ``X`` as a finite ``float64`` array of shape ``(n_samples, n_features)``.

    Parameters
    ----------
    X : array-like
        The data. A 1-D array is accepted only when ``ensure_2d`` is false, and
        is then read as ``n_samples`` points in one dimension.
    name : str, default="X"
        The argument's name, used in error messages.
    ensure_2d : bool, default=True
        Require a 2-D array.  If false, a 1-D array becomes one column.
    n_features : int or None, default=None
        If given, the number of columns ``X`` must have.
    min_samples : int, default=1
        The smallest number of rows accepted.

    Returns
    -------
    ndarray of shape (n_samples, n_features), dtype float64

    Raises
    ------
    TypeError
        If ``X`` is not numeric (strings, objects).
    ValueError
        If ``X`` holds complex numbers, is empty, has the wrong number of dimensions or columns,
        or holds NaN or infinite values.

    Examples
    --------
    >>> check_data([[1, 2], [3, 4]]).dtype
    dtype('float64')
    >>> check_data([[1.0, float("nan")]])
    Traceback (most recent call last):
    ...
    ValueError: X contains NaN or infinite values; expected finite numbers.
    """
    if X is None:
        raise TypeError(f"{name} must be an array-like of numbers, got None.")
    if hasattr(X, "toarray") or type(X).__module__.startswith("scipy.sparse"):
        raise TypeError(f"{name} must be a dense array-like of numbers; sparse input is not supported.")
    try:
        arr = np.asarray(X)
    except Exception as exc:  # ragged nested lists and the like
        raise ValueError(f"{name} could not be read as an array: {exc}") from None
    if arr.dtype == object:
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"{name} must contain numbers only, got a {type(X).__name__} with non-numeric "
                f"entries ({exc})."
            ) from None
    if arr.dtype.kind == "c":  # scikit-learn's convention: a ValueError that says so
        raise ValueError(f"{name}: Complex data not supported; expected real numbers.")
    if arr.dtype.kind not in "biuf":
        kind = {"U": "strings", "S": "bytes"}.get(arr.dtype.kind, str(arr.dtype))
        raise TypeError(f"{name} must contain real numbers, got {kind}.")
    if arr.ndim == 1 and not ensure_2d:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array of shape (n_samples, n_features), got an array with "
            f"{arr.ndim} dimension(s) and shape {arr.shape}."
            + (" Reshape your data with X.reshape(-1, 1) if it holds a single feature." if arr.ndim == 1 else "")
        )
    if arr.shape[1] == 0:
        raise ValueError(f"{name} has 0 feature(s) (shape={arr.shape}) while a minimum of 1 is required.")
    if arr.shape[0] < min_samples:
        raise ValueError(
            f"{name} has {arr.shape[0]} sample(s) (shape {arr.shape}); expected at least {min_samples}."
        )
    if n_features is not None and arr.shape[1] != n_features:
        raise ValueError(f"{name} has {arr.shape[1]} features, but {n_features} were expected.")
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values; expected finite numbers.")
    return arr


def check_bandwidth(bandwidth: Any, *, name: str = "bandwidth") -> float:
    """Return ``bandwidth`` as a positive finite float.

    Examples
    --------
    >>> check_bandwidth(2)
    2.0
    >>> check_bandwidth(0)
    Traceback (most recent call last):
    ...
    ValueError: bandwidth must be a positive finite number, got 0.
    """
    if isinstance(bandwidth, bool) or not isinstance(bandwidth, numbers.Real):
        if isinstance(bandwidth, np.ndarray) and bandwidth.ndim == 0 and bandwidth.dtype.kind in "iuf":
            bandwidth = bandwidth.item()
        else:
            raise TypeError(
                f"{name} must be a positive real number, got {type(bandwidth).__name__} {bandwidth!r}."
            )
    value = float(bandwidth)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {bandwidth!r}.")
    return value


def check_weights(weights: Any, n_samples: int, *, name: str = "weights") -> np.ndarray | None:
    """Return ``weights`` as a non-negative ``float64`` vector of length ``n_samples``.

    ``None`` stays ``None`` (every point has weight one).  The weights must not
    all be zero.

    Examples
    --------
    >>> check_weights([1, 2, 3], 3)
    array([1., 2., 3.])
    >>> check_weights([1, -1], 2)
    Traceback (most recent call last):
    ...
    ValueError: weights must be non-negative; got a minimum of -1.0.
    """
    if weights is None:
        return None
    arr = np.asarray(weights)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must contain real numbers, got dtype {arr.dtype}.")
    arr = arr.astype(np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of length {n_samples}, got shape {arr.shape}.")
    if arr.shape[0] != n_samples:
        raise ValueError(f"{name} has length {arr.shape[0]}, but the data has {n_samples} samples.")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values; expected finite numbers.")
    if arr.size and arr.min() < 0:
        raise ValueError(f"{name} must be non-negative; got a minimum of {arr.min()}.")
    if arr.size and arr.sum() <= 0:
        raise ValueError(f"{name} must not all be zero.")
    return arr


def check_quantile(quantile: Any, *, name: str = "quantile") -> float:
    """Return ``quantile`` as a float in the interval (0, 1].

    Examples
    --------
    >>> check_quantile(0.2)
    0.2
    >>> check_quantile(1.5)
    Traceback (most recent call last):
    ...
    ValueError: quantile must be in the interval (0, 1], got 1.5.
    """
    if isinstance(quantile, bool) or not isinstance(quantile, numbers.Real):
        raise TypeError(f"{name} must be a real number in (0, 1], got {type(quantile).__name__} {quantile!r}.")
    value = float(quantile)
    if not (0.0 < value <= 1.0):
        raise ValueError(f"{name} must be in the interval (0, 1], got {quantile!r}.")
    return value


def check_positive_int(value: Any, *, name: str, minimum: int = 1) -> int:
    """Return ``value`` as an ``int`` that is at least ``minimum``.

    Examples
    --------
    >>> check_positive_int(3, name="max_iter")
    3
    >>> check_positive_int(0, name="max_iter")
    Traceback (most recent call last):
    ...
    ValueError: max_iter must be an integer >= 1, got 0.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {type(value).__name__} {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)
