"""msutils: mean shift from scratch.

Kernels, kernel density estimation, bandwidth selection, a fast
scikit-learn-compatible :class:`MeanShift`, image helpers and the plots used by
the book *Mean Shift, End to End*.

The public names below are imported lazily, on first use, so that
``import msutils`` stays cheap.

Examples
--------
>>> import msutils
>>> msutils.get_kernel("gaussian").name
'gaussian'
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: public name -> submodule that defines it
_LAZY: dict[str, str] = {
    "Kernel": "kernels",
    "get_kernel": "kernels",
    "kde": "density",
    "kde_grid": "density",
    "estimate_bandwidth": "bandwidth",
    "scott_bandwidth": "bandwidth",
    "silverman_bandwidth": "bandwidth",
    "mean_shift_vector": "meanshift",
    "MeanShift": "meanshift",
    "BlurringMeanShift": "meanshift",
    "AdaptiveMeanShift": "meanshift",
    "grid_modes": "density",
    "knn_distances": "bandwidth",
    "load_rgb": "images",
    "thermogram": "datasets",
    "Thermogram": "datasets",
    "ironbow_cmap": "datasets",
    "to_pixels": "images",
    "posterize": "images",
    "segment": "segmentation",
    "segment_colors": "segmentation",
    "mean_shift_filter": "segmentation",
}
_SUBMODULES = {
    "kernels", "density", "bandwidth", "meanshift", "images",
    "datasets", "segmentation", "plotting", "toydata", "compare",
}

__all__ = sorted(_LAZY) + sorted(_SUBMODULES)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(f"msutils.{_LAZY[name]}")
        value = getattr(module, name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"msutils.{name}")
    raise AttributeError(f"module 'msutils' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
