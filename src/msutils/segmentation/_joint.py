r"""Joint spatial-range mean shift: :func:`mean_shift_filter` and :func:`segment`."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from msutils._validation import check_bandwidth, check_positive_int
from msutils.kernels import Kernel, get_kernel
from msutils.segmentation._colour import check_colour_space, planes_to_image, to_planes
from msutils.segmentation._filter import KERNEL_IDS, OFFSET_SCALE, STRIP_ROWS, filter_strips, n_strips
from msutils.segmentation._fusion import connected_regions, fuse_basins
from msutils.segmentation._limits import check_size
from msutils.segmentation._progress import make_reporter
from msutils.segmentation._prune import prune_small

__all__ = ["mean_shift_filter", "segment", "SPEEDUPS"]

#: speed-up level -> its code in the compiled filter
SPEEDUPS = {"none": 0, "medium": 1, "high": 2}

#: bytes of working memory per pixel and channel, and per pixel (see _limits)
_BYTES = (4, 13)


def _check_kernel(kernel: Any) -> Kernel:
    k = get_kernel(kernel)
    if not math.isfinite(k.support) or k.name not in KERNEL_IDS:
        raise ValueError(
            f"kernel must have a bounded support for joint-domain filtering ('flat', 'epanechnikov' or "
            f"'biweight'), got {k.name!r}."
        )
    return k


def _prepare(image, spatial_bandwidth, range_bandwidth, kernel, max_iter, tol, color_space, speedup):
    arr = np.asarray(image)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"image must hold real numbers, got dtype {arr.dtype}.")
    if arr.ndim == 2:
        arr = arr[:, :, None]
    if arr.ndim != 3 or 0 in arr.shape:
        raise ValueError(f"image must be an array of shape (H, W) or (H, W, C), got shape {np.shape(image)}.")
    hs = check_bandwidth(spatial_bandwidth, name="spatial_bandwidth")
    hr = check_bandwidth(range_bandwidth, name="range_bandwidth")
    k = _check_kernel(kernel)
    max_iter = check_positive_int(max_iter, name="max_iter")
    tol = check_bandwidth(tol, name="tol")
    if not isinstance(speedup, str) or speedup not in SPEEDUPS:
        raise ValueError(f"speedup must be one of {tuple(SPEEDUPS)}, got {speedup!r}.")
    space = check_colour_space(color_space, arr.shape[2])
    height, width, n_ch = arr.shape
    check_size(height, width, _BYTES[0] * n_ch + _BYTES[1])
    if arr.dtype.kind == "f":
        # finiteness, block by block (no full-size temporary)
        for r0 in range(0, height, 256):
            if not np.isfinite(arr[r0 : r0 + 256]).all():
                raise ValueError("image contains NaN or infinite values; expected finite numbers.")
    if space == "luv" and arr.dtype != np.uint8 and (arr.min() < 0 or arr.max() > 255):
        raise ValueError(
            f"image must hold RGB values in 0..255 for color_space='luv', got values from {arr.min():g} to "
            f"{arr.max():g}; rescale it or pass color_space='rgb'."
        )
    planes, scale = to_planes(arr, hr, space)
    return planes, scale, hs, hr, k, max_iter, tol, space


def _modes(planes, scale, hs, kernel, max_iter, tol, share, progress):
    """Run the compiled filter over all strips; returns the modes' range planes and offsets."""
    import numba

    n_ch, height, width = planes.shape
    mode_col = np.empty_like(planes)
    mode_off = np.empty((2, height, width), dtype=np.int16)
    state = np.zeros((height, width), dtype=np.uint8)
    strips = n_strips(height)
    total = height * width
    report, close = make_reporter(progress, total)
    # a few batches per progress update; each batch keeps every thread busy
    batch = strips if report is None else max(4 * numba.get_num_threads(), -(-strips // 40))
    try:
        for s0 in range(0, strips, batch):
            s1 = min(strips, s0 + batch)
            filter_strips(planes, float(scale), float(hs), KERNEL_IDS[kernel.name], int(max_iter), float(tol) ** 2, int(share),
                          s0, s1, mode_col, mode_off, state)
            if report is not None:
                report(min(total, s1 * STRIP_ROWS * width), total)
    finally:
        close()
    return mode_col, mode_off


def mean_shift_filter(
    image: Any,
    *,
    spatial_bandwidth: float,
    range_bandwidth: float,
    color_space: str = "luv",
    kernel: str = "flat",
    max_iter: int = 50,
    tol: float = 0.1,
    speedup: str = "high",
    progress: Any = None,
) -> np.ndarray:
    r"""Edge-preserving smoothing by mean shift in the joint spatial-range domain.

    Every pixel climbs to a mode of the joint density of positions and
    colours and takes that mode's colour (Comaniciu and Meer, 2002): texture
    and noise are smoothed away inside regions, while a pixel next to an edge
    only averages pixels of its own side.  The package docstring
    (:mod:`msutils.segmentation`) describes the algorithm and its speed-up.

    Parameters
    ----------
    image : array-like of shape (H, W, C) or (H, W)
        The picture: RGB in 0..255 (uint8, or floats) for
        ``color_space="luv"``; any real values for ``"rgb"``.
    spatial_bandwidth : float
        :math:`h_s`, the window's radius in pixels.  The cost grows as its
        square.
    range_bandwidth : float
        :math:`h_r`, the window's radius in range units: L*u*v* units for
        ``"luv"``, the image's own units (e.g. 0..255) for ``"rgb"``.
    color_space : {"luv", "rgb"}, default="luv"
        Range domain of a 3-channel picture: CIE L*u*v* as in the paper
        (:func:`skimage.color.rgb2luv`), or the channels as they are.
        Greyscale images always use their values as they are.
    kernel : {"flat", "epanechnikov", "biweight"}, default="flat"
        Profile of the weights in both domains; ``"flat"`` weighs every pixel
        of the window equally.
    max_iter : int, default=50
        Largest number of mean shift steps per pixel.
    tol : float, default=0.1
        A pixel stops when its step is at most ``tol``, measured as
        :math:`\sqrt{(\Delta s / h_s)^2 + (\Delta r / h_r)^2}`.
    speedup : {"high", "medium", "none"}, default="high"
        Basin sharing, after Comaniciu and Meer's EDISON code: with
        ``"medium"`` (EDISON's medium level) the pixel under each point of a
        climb's path takes the climb's mode if its colour is within
        :math:`h_r / 2` of the path's, and a climb that reaches a pixel which
        already has a mode stops and takes it; ``"high"`` (the default, fastest)
        also gives the mode's colour to every pixel within :math:`h_s / 2`
        and :math:`h_r / 2` of the converged mode; ``"none"`` climbs every
        pixel (exact, slowest).  ``bench/results_segmentation.json`` holds the
        measured effect (about 2 % of the modes of a photo move by more than
        :math:`h_r / 2`).
    progress : bool or callable, default=None
        True draws a tqdm bar on standard error; a callable is called as
        ``progress(n_done, n_pixels)`` after every batch of rows.

    Returns
    -------
    ndarray of shape (H, W, C), dtype float64
        The filtered picture, in the input's units (RGB 0..255 for
        ``"luv"``).

    Raises
    ------
    ValueError
        For bad arguments, and for a picture too large for the memory
        available (the message names its size and the limit).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> image = np.where(np.arange(20) < 10, 50.0, 150.0)[None, :].repeat(10, axis=0)
    >>> noisy = image + rng.normal(0, 5, image.shape)
    >>> smooth = mean_shift_filter(noisy, spatial_bandwidth=3, range_bandwidth=20)[..., 0]
    >>> bool(smooth.std(axis=0).max() < noisy.std(axis=0).max())
    True
    >>> bool(abs(smooth[:, :8].mean() - 50) < 2 and abs(smooth[:, 12:].mean() - 150) < 2)
    True
    """
    planes, scale, hs, hr, k, max_iter, tol, space = _prepare(
        image, spatial_bandwidth, range_bandwidth, kernel, max_iter, tol, color_space, speedup
    )
    mode_col, _ = _modes(planes, scale, hs, k, max_iter, tol, SPEEDUPS[speedup], progress)
    del planes
    return planes_to_image(mode_col, scale, hr, space)


def segment(
    image: Any,
    *,
    spatial_bandwidth: float,
    range_bandwidth: float,
    min_region: int = 20,
    color_space: str = "luv",
    kernel: str = "flat",
    max_iter: int = 50,
    tol: float = 0.1,
    speedup: str = "high",
    progress: Any = None,
) -> np.ndarray:
    """Segment a picture by mean shift in the joint spatial-range domain.

    Filtering, fusion of the basins of attraction whose modes are closer than
    the bandwidths, and pruning of small regions, as described in
    :mod:`msutils.segmentation` (Comaniciu and Meer, 2002).  Each region is
    spatially connected (8-connectivity).

    Parameters
    ----------
    image : array-like of shape (H, W, C) or (H, W)
        The picture.
    spatial_bandwidth, range_bandwidth, color_space, kernel, max_iter, tol, speedup, progress
        As in :func:`mean_shift_filter`.
    min_region : int, default=20
        Regions with fewer pixels are merged into their most similar
        neighbour (1 keeps every region).

    Returns
    -------
    ndarray of shape (H, W), dtype int32
        Region index of every pixel, 0 to ``n_regions - 1``, numbered in
        reading order.

    Examples
    --------
    >>> import numpy as np
    >>> image = np.zeros((10, 30))
    >>> image[:, 20:] = 100.0          # same colour as nothing else...
    >>> image[:, :10] = 100.0          # ...but this patch is the same colour, far away
    >>> labels = segment(image, spatial_bandwidth=2, range_bandwidth=20)
    >>> labels[0, [0, 15, 25]].tolist()   # three regions: the two patches stay apart
    [0, 1, 2]
    """
    min_region = check_positive_int(min_region, name="min_region")
    planes, scale, hs, hr, k, max_iter, tol, space = _prepare(
        image, spatial_bandwidth, range_bandwidth, kernel, max_iter, tol, color_space, speedup
    )
    height, width = planes.shape[1:]
    mode_col, mode_off = _modes(planes, scale, hs, k, max_iter, tol, SPEEDUPS[speedup], progress)
    del planes
    cluster = fuse_basins(mode_col, scale, mode_off, OFFSET_SCALE, hs)
    del mode_off
    regions = connected_regions(cluster, height, width)
    del cluster
    labels = prune_small(regions, mode_col, min_region, copy=False) if min_region > 1 else regions
    return labels.reshape(height, width)
