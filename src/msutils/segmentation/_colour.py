r"""The range domain: pictures to range planes (L*u*v* or as given) and back.

Comaniciu and Meer :cite:p:`comaniciu2002` filter and segment colour pictures
in CIE L*u*v*, where Euclidean distances follow perceived colour differences
more closely than in RGB, so one range bandwidth :math:`h_r` suits every
colour.  The conversion is scikit-image's (:func:`skimage.color.rgb2luv` and
:func:`skimage.color.luv2rgb`: sRGB, D65 white point), done in blocks of rows
so that a 12-megapixel photo never holds more than a few float64 rows.

The compiled filter reads *planes*: the range values on an integer grid
(int16, shape (C, H, W), magnitudes below :math:`2^{13}`), ``scale`` grid
units per :math:`h_r` (e.g. :math:`2^9` for L*u*v* at :math:`h_r = 16`: a
resolution of 0.03 L*u*v* units, a tenth of the typical step between
neighbouring 8-bit colours).
"""

from __future__ import annotations

import numpy as np

__all__ = ["COLOUR_SPACES", "to_planes", "planes_to_image"]

#: accepted values of ``color_space``
COLOUR_SPACES = ("luv", "rgb")
_BLOCK_ROWS = 64
#: bound on |L*|, |u*|, |v*| of sRGB colours (u* reaches 175.0 at pure red)
LUV_BOUND = 180.0
#: the finest and the coarsest grid: 2**MAX_GRID_BITS and 2**MIN_GRID_BITS units per h_r
MAX_GRID_BITS = 16
MIN_GRID_BITS = 5


def check_colour_space(color_space: object, n_channels: int) -> str:
    """Validate ``color_space`` for an image with ``n_channels`` channels."""
    if not isinstance(color_space, str) or color_space.lower() not in COLOUR_SPACES:
        raise ValueError(f"color_space must be one of {COLOUR_SPACES}, got {color_space!r}.")
    space = color_space.lower()
    if space == "luv" and n_channels not in (1, 3):
        raise ValueError(
            f"color_space='luv' needs an RGB picture (3 channels) or a greyscale one, got {n_channels} channels; "
            "pass color_space='rgb' to use the channels as they are."
        )
    return space if n_channels == 3 else "rgb"  # greyscale: the values themselves


def grid_scale(max_abs: float, range_bandwidth: float) -> float:
    """Grid units per :math:`h_r`: the largest power of two (at most ``2**MAX_GRID_BITS``) keeping ``max_abs`` below 2**13.

    Examples
    --------
    >>> grid_scale(LUV_BOUND, 16.0)      # L*u*v* at h_r = 16: 512 units per h_r, 0.03 L*u*v* units each
    512.0
    >>> grid_scale(255.0, 0.1)
    Traceback (most recent call last):
    ...
    ValueError: range_bandwidth=0.1 is too small for range values up to 255: ...
    """
    top = max(max_abs / range_bandwidth, 1e-300)
    k = min(MAX_GRID_BITS, int(np.floor(np.log2(8191.0 / top))))
    if k < MIN_GRID_BITS:
        raise ValueError(
            f"range_bandwidth={range_bandwidth:g} is too small for range values up to {max_abs:g}: the filter stores "
            f"range values on a grid of at most 2**13 steps, at least {2**MIN_GRID_BITS} per range_bandwidth; "
            f"use range_bandwidth >= {max_abs * 2**MIN_GRID_BITS / 8191:.3g}."
        )
    return float(2.0**k)


def to_planes(image: np.ndarray, range_bandwidth: float, space: str) -> tuple[np.ndarray, float]:
    """Range planes of ``image`` (H, W, C) on an integer grid: int16 of shape (C, H, W), and the grid's scale.

    A plane value ``v`` stands for ``v / scale * range_bandwidth`` in range
    units; ``scale`` (grid units per :math:`h_r`) is a power of two, as fine
    as 16-bit integers allow for the picture's values (at most ``2**MAX_GRID_BITS``).
    For ``space == "luv"`` the image holds RGB in 0..255 (uint8, or floats in
    that range) and becomes L*u*v*.  Integer planes make every sum in the
    filter exact, so its result does not depend on the order of the sums.

    Examples
    --------
    >>> import numpy as np
    >>> planes, scale = to_planes(np.full((2, 2, 3), 255, dtype=np.uint8), 16.0, "luv")
    >>> planes.shape, planes.dtype.name, scale, float(planes[0, 0, 0] / scale * 16)   # white: L* = 100
    ((3, 2, 2), 'int16', 512.0, 100.0)
    """
    height, width, n_ch = image.shape
    # the largest magnitude: |L*|, |u*|, |v*| <= LUV_BOUND for sRGB colours; else the image's own
    top = LUV_BOUND if space == "luv" else max(abs(float(image.min())), abs(float(image.max())))
    scale = grid_scale(top, range_bandwidth)
    planes = np.empty((n_ch, height, width), dtype=np.int16)
    for r0 in range(0, height, _BLOCK_ROWS):
        block = _range_block(image, r0, space)
        planes[:, r0 : r0 + block.shape[0]] = np.moveaxis(np.rint(block * (scale / range_bandwidth)), 2, 0)
    return planes, scale


def _range_block(image: np.ndarray, r0: int, space: str) -> np.ndarray:
    block = np.asarray(image[r0 : r0 + _BLOCK_ROWS], dtype=np.float64)
    if space == "luv":
        from skimage.color import rgb2luv

        block = rgb2luv(block / 255.0)
    return block


def planes_to_image(planes: np.ndarray, scale: float, range_bandwidth: float, space: str) -> np.ndarray:
    """Inverse of :func:`to_planes`: an (H, W, C) float64 image in the input's units (RGB 0..255 for L*u*v*).

    Examples
    --------
    >>> import numpy as np
    >>> rgb = np.array([[[200, 30, 30], [10, 160, 40]]], dtype=np.uint8)
    >>> planes, scale = to_planes(rgb, 16.0, "luv")
    >>> back = planes_to_image(planes, scale, 16.0, "luv")
    >>> bool(np.abs(back - rgb).max() < 0.5)   # the grid step, 0.03 L*u*v* units, is below one 8-bit level
    True
    """
    n_ch, height, width = planes.shape
    out = np.empty((height, width, n_ch), dtype=np.float64)
    for r0 in range(0, height, _BLOCK_ROWS):
        block = np.moveaxis(planes[:, r0 : r0 + _BLOCK_ROWS], 0, 2).astype(np.float64) * (range_bandwidth / scale)
        if space == "luv":
            from skimage.color import luv2rgb

            block = luv2rgb(block) * 255.0
        out[r0 : r0 + block.shape[0]] = block
    return out
