"""Putting the mean shift filter beside a Gaussian blur of the same strength."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["matched_gaussian_blur", "edge_contrast"]


def _rms_change(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(((a - b) ** 2).mean()))


def matched_gaussian_blur(image: Any, smoothed: Any, *, sigmas: Any = None) -> tuple[np.ndarray, float]:
    """The Gaussian blur of ``image`` that changes it as much as ``smoothed`` does.

    "As much" is the root-mean-square change from ``image``, over all pixels
    and channels; the standard deviation is picked from ``sigmas`` (pixels;
    default 0.25 to 8 in steps of 0.25) and each channel is blurred on its own
    (:func:`scipy.ndimage.gaussian_filter`, borders reflected).

    Parameters
    ----------
    image, smoothed : array-like of shape (H, W, C) or (H, W)
        The picture and its smoothed version (e.g. by
        :func:`~msutils.segmentation.mean_shift_filter`), same units.
    sigmas : array-like of float, optional
        Candidate standard deviations.

    Returns
    -------
    blurred : ndarray of float64, the shape of ``image``
    sigma : float

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.ndimage import gaussian_filter
    >>> image = np.random.default_rng(0).uniform(0, 255, (40, 40))
    >>> _, sigma = matched_gaussian_blur(image, gaussian_filter(image, 1.5))
    >>> sigma
    1.5
    """
    from scipy.ndimage import gaussian_filter

    img = np.asarray(image, dtype=np.float64)
    target = np.asarray(smoothed, dtype=np.float64)
    if img.shape != target.shape or img.ndim not in (2, 3):
        raise ValueError(f"image and smoothed must have the same shape (H, W) or (H, W, C), got {img.shape} and "
                         f"{target.shape}.")
    grid = np.arange(0.25, 8.01, 0.25) if sigmas is None else np.asarray(sigmas, dtype=np.float64).ravel()
    if grid.size == 0 or not np.all(grid > 0):
        raise ValueError("sigmas must be positive numbers.")
    wanted = _rms_change(img, target)
    axes_sigma = (lambda s: (s, s, 0)) if img.ndim == 3 else (lambda s: s)
    best, best_gap, best_sigma = None, np.inf, float(grid[0])
    for s in grid:
        blurred = gaussian_filter(img, axes_sigma(float(s)), mode="reflect")
        gap = abs(_rms_change(img, blurred) - wanted)
        if gap < best_gap:
            best, best_gap, best_sigma = blurred, gap, float(s)
    return best, best_sigma


def edge_contrast(image: Any, smoothed: Any, *, quantile: float = 0.95) -> float:
    """How much of the picture's edge contrast ``smoothed`` keeps: 1 keeps it all, 0 none.

    The edges are the pixels where the gradient magnitude of ``image``
    (:func:`numpy.gradient`, summed over channels in quadrature) is in its top
    ``1 - quantile``; the result is the mean gradient magnitude of
    ``smoothed`` there over that of ``image``.

    Examples
    --------
    >>> import numpy as np
    >>> step = np.where(np.arange(30) < 15, 0.0, 100.0)[None, :].repeat(20, axis=0)
    >>> edge_contrast(step, step)
    1.0
    >>> edge_contrast(step, np.full_like(step, 50.0))
    0.0
    """
    img = np.asarray(image, dtype=np.float64)
    out = np.asarray(smoothed, dtype=np.float64)
    if img.shape != out.shape or img.ndim not in (2, 3):
        raise ValueError(f"image and smoothed must have the same shape (H, W) or (H, W, C), got {img.shape} and "
                         f"{out.shape}.")

    def magnitude(a: np.ndarray) -> np.ndarray:
        a3 = a[..., None] if a.ndim == 2 else a
        gy, gx = np.gradient(a3, axis=(0, 1))
        return np.sqrt((gy**2 + gx**2).sum(axis=2))

    g_img = magnitude(img)
    edges = g_img >= np.quantile(g_img, quantile)
    denom = g_img[edges].mean()
    if denom == 0:
        raise ValueError("image has no edges (its gradient is zero everywhere).")
    return float(magnitude(out)[edges].mean() / denom)
