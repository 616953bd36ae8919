r"""The range domain: pictures to range planes (L*u*v* or as given) and back.

Comaniciu and Meer :cite:p:`comaniciu2002` filter and segment colour pictures
in CIE L*u*v*, where Euclidean distances follow perceived colour differences
more closely than in RGB, so one range bandwidth :math:`h_r` suits every
colour.  The conversion is scikit-image's (:func:`skimage.color.rgb2luv` and
:func:`skimage.color.luv2rgb`: sRGB, D65 white point), done in blocks of rows
so that a 12-megapixel photo never holds more than a few float64 rows.

The compiled filter reads *planes*: a float32 array of shape (C, H, W), the
range values divided by :math:`h_r` and snapped to multiples of ``1 / GRID``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["COLOUR_SPACES", "to_planes", "planes_to_image"]

#: accepted values of ``color_space``
COLOUR_SPACES = ("luv", "rgb")
_BLOCK_ROWS = 256
#: range values (in units of h_r) are snapped to multiples of 1 / GRID; below 256 h_r such values are
#: exact in float32 and any sum of them is exact in float64, so sums do not depend on their order
GRID = 65536.0


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


def to_planes(image: np.ndarray, range_bandwidth: float, space: str) -> np.ndarray:
    """Range planes of ``image`` (H, W, C), float32 of shape (C, H, W), divided by ``range_bandwidth``.

    For ``space == "luv"`` the image holds RGB in 0..255 (uint8, or floats in
    that range) and becomes L*u*v*.

    Examples
    --------
    >>> import numpy as np
    >>> planes = to_planes(np.full((2, 2, 3), 255, dtype=np.uint8), 1.0, "luv")
    >>> planes.shape, planes.dtype.name, round(float(planes[0, 0, 0]), 3)   # white: L* = 100
    ((3, 2, 2), 'float32', 100.0)
    """
    height, width, n_ch = image.shape
    planes = np.empty((n_ch, height, width), dtype=np.float32)
    for r0 in range(0, height, _BLOCK_ROWS):
        block = np.asarray(image[r0 : r0 + _BLOCK_ROWS], dtype=np.float64)
        if space == "luv":
            from skimage.color import rgb2luv

            block = rgb2luv(block / 255.0)
        planes[:, r0 : r0 + block.shape[0]] = np.moveaxis(np.rint(block / range_bandwidth * GRID) / GRID, 2, 0)
    return planes


def planes_to_image(planes: np.ndarray, range_bandwidth: float, space: str) -> np.ndarray:
    """Inverse of :func:`to_planes`: an (H, W, C) float64 image in the input's units (RGB 0..255 for L*u*v*).

    Examples
    --------
    >>> import numpy as np
    >>> rgb = np.array([[[200, 30, 30], [10, 160, 40]]], dtype=np.uint8)
    >>> back = planes_to_image(to_planes(rgb, 16.0, "luv"), 16.0, "luv")
    >>> bool(np.abs(back - rgb).max() < 0.01)
    True
    """
    n_ch, height, width = planes.shape
    out = np.empty((height, width, n_ch), dtype=np.float64)
    for r0 in range(0, height, _BLOCK_ROWS):
        block = np.moveaxis(planes[:, r0 : r0 + _BLOCK_ROWS], 0, 2).astype(np.float64) * range_bandwidth
        if space == "luv":
            from skimage.color import luv2rgb

            block = luv2rgb(block) * 255.0
        out[r0 : r0 + block.shape[0]] = block
    return out
