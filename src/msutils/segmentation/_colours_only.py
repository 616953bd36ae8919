"""Colour-only segmentation: the article's recipe, mean shift on the pixels' colours."""

from __future__ import annotations

from typing import Any

import numpy as np

from msutils._validation import check_bandwidth, check_positive_int, check_quantile
from msutils.images import check_image, to_pixels
from msutils.segmentation._limits import check_size

__all__ = ["segment_colors"]

#: rough working memory of colour mean shift per pixel (float64 pixels, their copies and labels)
_BYTES_PER_PIXEL = 120


def segment_colors(
    image: Any,
    *,
    quantile: float = 0.1,
    n_samples: int | None = 100,
    bandwidth: float | None = None,
    random_state: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Segment a picture by mean shift on its pixels' colours only.

    The article's recipe, in one call: the pixels become points in colour
    space (:func:`~msutils.images.to_pixels`), the bandwidth is estimated from
    a sample of them (:func:`~msutils.estimate_bandwidth`) and
    :class:`~msutils.MeanShift` with ``bin_seeding=True`` clusters them.

    Parameters
    ----------
    image : array-like of shape (H, W, C) or (H, W)
        The picture, e.g. uint8 RGB.
    quantile : float, default=0.1
        Passed to :func:`~msutils.estimate_bandwidth`.
    n_samples : int or None, default=100
        Number of pixels, drawn at random, from which the bandwidth is
        estimated (None: all of them, which is slow for large pictures).
    bandwidth : float or None, default=None
        Use this bandwidth (colour units) instead of estimating one.
    random_state : int, default=0
        Seed of the random draw of ``n_samples`` pixels.

    Returns
    -------
    labels : ndarray of shape (H, W), dtype int64
        Cluster index of every pixel (clusters ordered as MeanShift orders
        them: most populated first).
    centers : ndarray of shape (n_clusters, C)
        Each cluster's mode, in colour units; ``posterize(labels, centers)``
        paints the segmentation.

    Raises
    ------
    ValueError
        For bad arguments, and for a picture too large for the memory
        available (the message names its size and the limit).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> image = np.zeros((20, 20, 3))
    >>> image[:, 10:] = [200, 50, 0]
    >>> image += rng.normal(0, 3, image.shape)
    >>> labels, centers = segment_colors(image, quantile=0.3)
    >>> len(centers), sorted(np.bincount(labels.ravel()).tolist())
    (2, [200, 200])
    """
    from msutils.bandwidth import estimate_bandwidth
    from msutils.meanshift import MeanShift

    arr = np.asarray(image)
    if arr.ndim in (2, 3) and arr.size:
        check_size(arr.shape[0], arr.shape[1], _BYTES_PER_PIXEL)
    arr = check_image(image)
    pixels = to_pixels(arr)
    if bandwidth is None:
        quantile = check_quantile(quantile)
        if n_samples is not None:
            n_samples = check_positive_int(n_samples, name="n_samples")
        bandwidth = estimate_bandwidth(pixels, quantile=quantile, n_samples=n_samples, random_state=random_state)
        if not bandwidth > 0:
            raise ValueError(
                f"the estimated bandwidth is {bandwidth}: the sampled pixels are all the same colour; "
                "raise quantile or n_samples, or pass bandwidth."
            )
    bandwidth = check_bandwidth(bandwidth)
    model = MeanShift(bandwidth=bandwidth, bin_seeding=True).fit(pixels)
    return model.labels_.reshape(arr.shape[:2]).astype(np.int64), model.cluster_centers_
