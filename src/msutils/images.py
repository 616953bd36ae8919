"""Images in, pixels out: reading any picture as RGB and turning it into data.

Clustering treats an image as a cloud of points: :func:`load_rgb` reads a file
as an 8-bit RGB array whatever its mode, :func:`to_pixels` flattens an image
into one row per pixel, and :func:`posterize` and :func:`mean_colors` paint a
label image back in colours.

Examples
--------
>>> import numpy as np
>>> image = np.zeros((2, 3, 3), dtype=np.uint8)
>>> to_pixels(image).shape
(6, 3)
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np

from msutils._validation import check_positive_int

__all__ = ["load_rgb", "to_pixels", "posterize", "mean_colors", "check_image"]

_SIXTEEN_BIT = ("I;16", "I;16L", "I;16B", "I;16N", "I")


def load_rgb(path: str | os.PathLike[str], *, max_side: int | None = None) -> np.ndarray:
    """Read an image file as an 8-bit RGB array.

    Every mode Pillow reads is converted to RGB:

    * palette (``"P"``), greyscale (``"L"``, ``"1"``), CMYK and YCbCr images
      are converted with Pillow;
    * images with transparency (``"RGBA"``, ``"LA"``, ``"PA"``, or a palette
      with a transparent colour) are composited **on white**, as a viewer
      shows them on a white page;
    * 16-bit greyscale (``"I;16"`` and its byte orders, and ``"I"``, which
      Pillow uses for 16-bit PNG and TIFF files) is scaled from 0..65535 to
      0..255 (``round(v / 257)``, values outside that range are clipped)
      instead of being clipped at 255 as ``Image.convert("L")`` does;
    * 32-bit float greyscale (``"F"``) is stretched from its minimum to its
      maximum;
    * the EXIF orientation tag is applied (photos from phones come upright);
    * an animated image gives its first frame.

    Parameters
    ----------
    path : str or os.PathLike
        The image file (any format Pillow reads: JPEG, PNG, GIF, TIFF, BMP,
        WebP...).
    max_side : int or None, default=None
        If given, an image whose longer side exceeds ``max_side`` pixels is
        shrunk (Lanczos filter) so that its longer side is ``max_side``,
        keeping the aspect ratio.  Smaller images are left as they are.

    Returns
    -------
    ndarray of shape (H, W, 3), dtype uint8

    Raises
    ------
    TypeError
        If ``path`` is not a path or ``max_side`` not an integer.
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If ``path`` is a directory, not an image, truncated or corrupt, has
        more pixels than Pillow's decompression-bomb limit
        (``PIL.Image.MAX_IMAGE_PIXELS``), or if ``max_side < 1``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from PIL import Image
    >>> folder = tempfile.TemporaryDirectory()
    >>> file = pathlib.Path(folder.name) / "grey.png"
    >>> Image.new("L", (40, 20), color=128).save(file)
    >>> rgb = load_rgb(file, max_side=10)
    >>> rgb.shape, rgb.dtype.name, rgb[0, 0].tolist()
    ((5, 10, 3), 'uint8', [128, 128, 128])
    >>> folder.cleanup()
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike naming an image file, got {type(path).__name__}.")
    if max_side is not None:
        max_side = check_positive_int(max_side, name="max_side")
    shown = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"path {shown!r} does not exist.")
    if os.path.isdir(path):
        raise ValueError(f"path {shown!r} is a directory, not an image file.")
    limit = Image.MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                img.load()
                img = ImageOps.exif_transpose(img)
                rgb = _to_rgb(img)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValueError(
            f"path {shown!r} is too large to read safely ({exc}); "
            f"if you trust the file, raise PIL.Image.MAX_IMAGE_PIXELS (now {limit})."
        ) from None
    except UnidentifiedImageError:
        raise ValueError(f"path {shown!r} is not an image file that Pillow can read.") from None
    except (OSError, SyntaxError, EOFError) as exc:  # truncated or corrupt data
        raise ValueError(f"path {shown!r} could not be decoded; the file may be truncated or corrupt ({exc}).") from None
    if max_side is not None and max(rgb.size) > max_side:
        w, h = rgb.size
        scale = max_side / max(w, h)
        new = (max(1, round(w * scale)), max(1, round(h * scale)))
        rgb = rgb.resize(new, Image.Resampling.LANCZOS)
    return np.asarray(rgb, dtype=np.uint8).copy()


def _to_rgb(img: Any) -> Any:
    """Convert a loaded Pillow image of any mode to mode ``"RGB"``."""
    from PIL import Image

    mode = img.mode
    if mode == "RGB":
        return img.copy()
    if mode in _SIXTEEN_BIT:
        values = np.asarray(img, dtype=np.float64)
        grey = np.rint(np.clip(values, 0, 65535) / 257.0).astype(np.uint8)
        return Image.fromarray(grey).convert("RGB")
    if mode == "F":
        values = np.asarray(img, dtype=np.float64)
        lo, hi = float(values.min()), float(values.max())
        grey = np.zeros(values.shape) if hi <= lo else (values - lo) / (hi - lo) * 255
        return Image.fromarray(np.rint(grey).astype(np.uint8)).convert("RGB")
    has_alpha = mode in ("RGBA", "LA", "PA", "La", "RGBa") or (mode == "P" and "transparency" in img.info)
    if has_alpha:
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return img.convert("RGB")


def check_image(image: Any, *, name: str = "image") -> np.ndarray:
    """Return ``image`` as a finite ``float64`` array of shape (H, W, C).

    A 2-D array (greyscale) becomes one channel.

    Parameters
    ----------
    image : array-like of shape (H, W) or (H, W, C)
        The image, any numeric dtype.
    name : str, default="image"
        The argument's name, used in error messages.

    Returns
    -------
    ndarray of shape (H, W, C), dtype float64

    Examples
    --------
    >>> check_image(np.zeros((4, 5))).shape
    (4, 5, 1)
    >>> check_image(np.zeros(3))
    Traceback (most recent call last):
    ...
    ValueError: image must be an array of shape (H, W) or (H, W, C), got shape (3,).
    """
    arr = np.asarray(image)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}.")
    if arr.ndim == 2:
        arr = arr[:, :, None]
    if arr.ndim != 3 or 0 in arr.shape:
        raise ValueError(f"{name} must be an array of shape (H, W) or (H, W, C), got shape {np.shape(image)}.")
    arr = arr.astype(np.float64)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values; expected finite numbers.")
    return arr


def to_pixels(image: Any) -> np.ndarray:
    """Flatten an image into one row per pixel: the data that clustering sees.

    Parameters
    ----------
    image : array-like of shape (H, W, C) or (H, W)
        The image.

    Returns
    -------
    ndarray of shape (H * W, C), dtype float64
        Row ``i * W + j`` is pixel ``(i, j)``; reshape labels back with
        ``labels.reshape(H, W)``.

    Examples
    --------
    >>> image = np.arange(12, dtype=np.uint8).reshape(2, 2, 3)
    >>> to_pixels(image)[1]
    array([3., 4., 5.])
    """
    arr = check_image(image)
    return arr.reshape(-1, arr.shape[2])


def _check_labels(labels: Any, *, name: str = "labels") -> np.ndarray:
    arr = np.asarray(labels)
    if arr.dtype.kind not in "iub":
        raise TypeError(f"{name} must be an array of integer labels, got dtype {arr.dtype}.")
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-D label image of shape (H, W), got shape {arr.shape}.")
    if arr.min() < 0:
        raise ValueError(f"{name} must be non-negative, got a minimum of {arr.min()}.")
    return arr.astype(np.intp)


def posterize(labels: Any, centers: Any) -> np.ndarray:
    """Paint each pixel with its cluster's centre colour.

    Parameters
    ----------
    labels : array-like of int, shape (H, W)
        Cluster index of every pixel (e.g. ``model.labels_.reshape(H, W)``).
    centers : array-like of shape (n_clusters, C)
        Colour of each cluster, in 0..255 (e.g. ``model.cluster_centers_``).

    Returns
    -------
    ndarray of shape (H, W, C), dtype uint8
        The centres rounded and clipped to 0..255.

    Examples
    --------
    >>> posterize(np.array([[0, 1]]), [[10.4, 0, 0], [0, 300, 0]]).tolist()
    [[[10, 0, 0], [0, 255, 0]]]
    """
    labels = _check_labels(labels)
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2:
        raise ValueError(f"centers must be a 2-D array of shape (n_clusters, C), got shape {centers.shape}.")
    if labels.max() >= centers.shape[0]:
        raise ValueError(
            f"labels go up to {labels.max()}, but centers has only {centers.shape[0]} rows; "
            "expected one centre per label."
        )
    return np.rint(np.clip(centers, 0, 255)).astype(np.uint8)[labels]


def mean_colors(image: Any, labels: Any) -> np.ndarray:
    """Mean colour of each labelled region.

    Parameters
    ----------
    image : array-like of shape (H, W, C) or (H, W)
        The image.
    labels : array-like of int, shape (H, W)
        Region index of every pixel, from 0 to ``n_regions - 1``.

    Returns
    -------
    ndarray of shape (n_regions, C), dtype float64
        Row ``k`` is the mean of the pixels labelled ``k`` (NaN for a label
        that no pixel has).  ``posterize(labels, mean_colors(image, labels))``
        paints each region with its mean colour.

    Examples
    --------
    >>> image = np.array([[[0, 0, 0], [10, 20, 30], [20, 40, 60]]])
    >>> mean_colors(image, [[0, 1, 1]]).tolist()
    [[0.0, 0.0, 0.0], [15.0, 30.0, 45.0]]
    """
    arr = check_image(image)
    labels = _check_labels(labels)
    if labels.shape != arr.shape[:2]:
        raise ValueError(f"labels has shape {labels.shape}, but image has shape {arr.shape[:2]}; they must match.")
    flat = labels.ravel()
    n = int(flat.max()) + 1
    counts = np.bincount(flat, minlength=n).astype(np.float64)
    sums = np.stack([np.bincount(flat, weights=arr[..., c].ravel(), minlength=n) for c in range(arr.shape[2])], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts[:, None]
