"""Post-processing of :class:`msutils.meanshift.MeanShift` (private).

Mirrors scikit-learn's rules exactly:

1. the converged means go into a dict keyed by ``tuple(center)``, in seed
   order (a later seed reaching an identical point overwrites the intensity
   but keeps the first insertion position);
2. they are sorted by ``(intensity, center tuple)``, descending;
3. in that order, every kept centre suppresses the others within the
   bandwidth (squared distance ``<= h * h``);
4. each point gets the label of its nearest centre.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from msutils.meanshift._windows import sq_dists
from msutils.meanshift._seeds import UniqueRows, unique_rows

__all__ = ["merge_centers", "nearest_center"]


def merge_centers(centers: np.ndarray, intensity: np.ndarray, h: float) -> np.ndarray:
    """Deduplicate, sort and suppress near-duplicate centres (see module docstring).

    Parameters
    ----------
    centers : ndarray of shape (n_seeds, n_features)
        Where the seeds stopped, in seed order.
    intensity : ndarray of shape (n_seeds,)
        Their intensities; seeds with zero intensity (empty windows) are ignored.
    h : float
        Bandwidth.

    Returns
    -------
    ndarray of shape (n_clusters, n_features)

    Examples
    --------
    >>> import numpy as np
    >>> c = np.array([[0.0], [0.5], [3.0], [0.0]])
    >>> merge_centers(c, np.array([2.0, 5.0, 1.0, 4.0]), 1.0)
    array([[0.5],
           [3. ]])
    """
    alive = intensity > 0
    centers, intensity = centers[alive], intensity[alive]
    uniq = unique_rows(centers)
    # value of the *last* seed with each key, position of the first
    last = np.zeros(uniq.first.size, dtype=np.intp)
    last[uniq.inverse] = np.arange(uniq.inverse.size)  # later writes win
    keys = centers[uniq.first]
    values = intensity[last]
    # sort by (intensity, c_0, c_1, ...) descending: lexsort's last key is primary
    order = np.lexsort([keys[:, j] for j in range(keys.shape[1] - 1, -1, -1)] + [values])[::-1]
    ordered = keys[order]
    unique = np.ones(len(ordered), dtype=bool)
    h2 = h * h
    tree = cKDTree(ordered) if len(ordered) > 64 else None
    slack = 1e-9 * (h + float(np.abs(ordered).max(initial=0.0)))
    for i in range(len(ordered)):
        if unique[i]:
            if tree is None:
                nbrs = np.arange(len(ordered))
            else:
                nbrs = np.asarray(tree.query_ball_point(ordered[i], h + slack), dtype=np.intp)
            d2 = sq_dists(ordered[i : i + 1], ordered[nbrs])[0]
            unique[nbrs[d2 <= h2]] = False
            unique[i] = True
    return ordered[unique]


def nearest_center(
    X: np.ndarray, centers: np.ndarray, uniq: UniqueRows | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Index of, and squared distance to, the nearest centre of every row of ``X``.

    Ties go to the lower index.  Computed on the distinct rows of ``X`` (pass
    ``uniq = unique_rows(X)`` if already known) and broadcast back.

    Returns
    -------
    labels : ndarray of shape (n_samples,), dtype intp
    d2 : ndarray of shape (n_samples,)
    """
    if uniq is None:
        uniq = unique_rows(X)
    U = uniq.rows
    labels = np.empty(U.shape[0], dtype=np.intp)
    best = np.empty(U.shape[0])
    if centers.shape[0] <= 256:
        step = max(1, 2**22 // max(1, centers.shape[0]))
        for s in range(0, U.shape[0], step):
            d2 = sq_dists(U[s : s + step], centers)
            labels[s : s + step] = np.argmin(d2, axis=1)
            best[s : s + step] = d2[np.arange(d2.shape[0]), labels[s : s + step]]
    else:
        k = min(8, centers.shape[0])
        _, cand = cKDTree(centers).query(U, k=k)
        cand = np.sort(cand, axis=1)  # ties -> lower index
        d2 = np.zeros(cand.shape)
        for j in range(U.shape[1]):
            t = U[:, j, None] - centers[cand, j]
            d2 += t * t
        pick = np.argmin(d2, axis=1)
        labels = cand[np.arange(cand.shape[0]), pick]
        best = d2[np.arange(cand.shape[0]), pick]
    return labels[uniq.inverse], best[uniq.inverse]
