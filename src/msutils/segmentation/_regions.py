"""Per-region statistics of a scalar field (e.g. temperature)."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["region_stats"]


def region_stats(labels: Any, values: Any, *, mask: Any = None) -> dict[str, np.ndarray]:
    """Size and range of a scalar field (e.g. temperature) over each region.

    Parameters
    ----------
    labels : array-like of int, shape (H, W)
        Region index of every pixel.
    values : array-like of float, shape (H, W)
        The field.
    mask : array-like of bool, shape (H, W), optional
        Only pixels where ``mask`` is True count.

    Returns
    -------
    dict of ndarray
        ``"label"``, ``"size"``, ``"min"``, ``"p05"``, ``"median"``,
        ``"p95"``, ``"max"``: one entry per region present, sorted by median.

    Examples
    --------
    >>> stats = region_stats([[0, 0, 1]], [[1.0, 3.0, 10.0]])
    >>> stats["label"].tolist(), stats["median"].tolist(), stats["size"].tolist()
    ([0, 1], [2.0, 10.0], [2, 1])
    """
    lab = np.asarray(labels)
    val = np.asarray(values, dtype=np.float64)
    if lab.ndim != 2 or lab.dtype.kind not in "iu":
        raise ValueError(f"labels must be a 2-D array of integers, got shape {lab.shape} and dtype {lab.dtype}.")
    if val.shape != lab.shape:
        raise ValueError(f"values has shape {val.shape}, but labels has shape {lab.shape}; they must match.")
    keep = np.ones(lab.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    if keep.shape != lab.shape:
        raise ValueError(f"mask has shape {keep.shape}, but labels has shape {lab.shape}; they must match.")
    lab, val = lab[keep], val[keep]
    present = np.unique(lab)
    rows = []
    for k in present:
        v = val[lab == k]
        rows.append((k, v.size, v.min(), *np.percentile(v, [5, 50, 95]), v.max()))
    table = np.array(rows, dtype=np.float64).reshape(-1, 7)
    table = table[np.argsort(table[:, 4], kind="stable")]
    names = ("label", "size", "min", "p05", "median", "p95", "max")
    out = {name: table[:, i] for i, name in enumerate(names)}
    out["label"] = out["label"].astype(np.int64)
    out["size"] = out["size"].astype(np.int64)
    return out
