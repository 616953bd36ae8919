"""Small labelled data sets on which clusterers succeed or fail (the chapter *When mean shift fails*).

Every function is seeded and returns ``(X, y)``: points and the labels they were
drawn with.

* :func:`mixed_units` -- three clusters measured in metres and in millimetres;
* :func:`tight_and_broad` -- one tight and one broad cluster;
* :func:`separated_blobs` -- three blobs a fixed distance apart, in any dimension;
* :func:`toy_datasets` -- the six toy sets of scikit-learn's gallery example
  "Comparing different clustering algorithms on toy datasets".

Examples
--------
>>> X, y = tight_and_broad()
>>> X.shape, int(y.sum())
((450, 2), 300)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.datasets import make_blobs, make_circles, make_moons

from msutils._validation import check_positive_int

__all__ = ["mixed_units", "tight_and_broad", "separated_blobs", "toy_datasets", "anisotropic"]


def _check_real(value: Any, name: str, *, positive: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}.")
    v = float(value)
    if not np.isfinite(v) or (positive and v <= 0):
        raise ValueError(f"{name} must be a {'positive ' if positive else ''}finite number, got {value!r}.")
    return v


def mixed_units(n_per_cluster: int = 100, *, random_state: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Three kinds of plank: length in metres (column 0), width in millimetres (column 1).

    The clusters are centred at (1.0 m, 300 mm), (1.6 m, 300 mm) and
    (1.3 m, 450 mm), with standard deviations 0.08 m and 25 mm.  Two of them
    differ only in length, by 0.6 m -- a difference of 0.6 in the numbers,
    against a within-cluster spread of 25 in the width column.

    Parameters
    ----------
    n_per_cluster : int, default=100
        Points per cluster.
    random_state : int, default=0
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    X : ndarray of shape (3 * n_per_cluster, 2)
    y : ndarray of shape (3 * n_per_cluster,)

    Examples
    --------
    >>> X, y = mixed_units(10)
    >>> X.shape, np.bincount(y).tolist()
    ((30, 2), [10, 10, 10])
    """
    n = check_positive_int(n_per_cluster, name="n_per_cluster")
    rng = np.random.default_rng(random_state)
    centres = np.array([[1.0, 300.0], [1.6, 300.0], [1.3, 450.0]])
    y = np.repeat(np.arange(3), n)
    X = centres[y] + rng.normal(size=(3 * n, 2)) * [0.08, 25.0]
    return X, y


def tight_and_broad(
    n_tight: int = 150,
    n_broad: int = 300,
    *,
    spread_tight: float = 0.15,
    spread_broad: float = 1.2,
    separation: float = 3.0,
    random_state: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """A tight Gaussian cluster at the origin and a broad one ``separation`` away along :math:`x_1`.

    Parameters
    ----------
    n_tight, n_broad : int
        Points in each cluster (labels 0 and 1).
    spread_tight, spread_broad : float
        Their standard deviations (per coordinate).
    separation : float
        Distance between the two centres.
    random_state : int, default=0
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    X : ndarray of shape (n_tight + n_broad, 2)
    y : ndarray of shape (n_tight + n_broad,)

    Examples
    --------
    >>> X, y = tight_and_broad(20, 40)
    >>> bool(X[y == 0].std() < X[y == 1].std())
    True
    """
    n1 = check_positive_int(n_tight, name="n_tight")
    n2 = check_positive_int(n_broad, name="n_broad")
    s1 = _check_real(spread_tight, "spread_tight")
    s2 = _check_real(spread_broad, "spread_broad")
    sep = _check_real(separation, "separation", positive=False)
    rng = np.random.default_rng(random_state)
    X = np.vstack([rng.normal(0.0, s1, (n1, 2)), rng.normal(0.0, s2, (n2, 2)) + [sep, 0.0]])
    return X, np.r_[np.zeros(n1, dtype=np.intp), np.ones(n2, dtype=np.intp)]


def separated_blobs(
    n_samples: int = 300,
    n_features: int = 2,
    *,
    separation: float = 6.0,
    random_state: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Three unit-variance Gaussian blobs whose centres form an equilateral triangle of side ``separation``.

    The centres lie in the plane of the first two coordinates, so the
    distances between them do not depend on ``n_features``; every coordinate
    carries unit noise.  Raising ``n_features`` adds noise dimensions and
    nothing else: the same kind of data in any dimension.

    Parameters
    ----------
    n_samples : int, default=300
        Points in all (a multiple of 3 is split evenly; the rest go to the first blobs).
    n_features : int, default=2
        Dimension, at least 2.
    separation : float, default=6.0
        Distance between any two centres.
    random_state : int, default=0
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)

    Examples
    --------
    >>> X, y = separated_blobs(30, 5)
    >>> X.shape, np.bincount(y).tolist()
    ((30, 5), [10, 10, 10])
    """
    n = check_positive_int(n_samples, name="n_samples", minimum=3)
    d = check_positive_int(n_features, name="n_features", minimum=2)
    sep = _check_real(separation, "separation")
    rng = np.random.default_rng(random_state)
    centres = np.zeros((3, d))
    centres[1, 0] = sep
    centres[2, :2] = sep / 2, sep * np.sqrt(3) / 2
    y = np.arange(n) % 3
    y.sort()
    return centres[y] + rng.normal(size=(n, d)), y


#: the linear map that shears the gallery's "anisotropic" blobs
ANISOTROPIC_MAP = np.array([[0.6, -0.6], [-0.4, 0.8]])


def anisotropic(n_samples: int = 500, *, random_state: int = 170) -> tuple[np.ndarray, np.ndarray]:
    """Three blobs sheared by :data:`ANISOTROPIC_MAP`, as in scikit-learn's gallery.

    Examples
    --------
    >>> X, y = anisotropic(30)
    >>> X.shape
    (30, 2)
    """
    n = check_positive_int(n_samples, name="n_samples")
    X, y = make_blobs(n_samples=n, random_state=random_state)
    return X @ ANISOTROPIC_MAP, y


def toy_datasets(n_samples: int = 500, *, random_state: int = 30) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The six toy data sets of scikit-learn's clustering comparison, with their true labels.

    Built exactly as in the gallery example "Comparing different clustering
    algorithms on toy datasets": noisy circles (``factor=0.5``,
    ``noise=0.05``), noisy moons (``noise=0.05``), blobs of varied spread
    (standard deviations 1, 2.5, 0.5; seed 170), anisotropic blobs (seed 170,
    see :func:`anisotropic`), plain blobs, and points uniform in the unit
    square ("no structure": one cluster, label 0 for all).

    Parameters
    ----------
    n_samples : int, default=500
        Points per data set.
    random_state : int, default=30
        Seed of the circles, moons, blobs and uniform points (the gallery's 30).

    Returns
    -------
    dict
        Name -> ``(X, y)``, in the gallery's order.

    Examples
    --------
    >>> sets = toy_datasets(60)
    >>> list(sets)
    ['circles', 'moons', 'varied', 'anisotropic', 'blobs', 'no structure']
    >>> [len(np.unique(y)) for _, y in sets.values()]
    [2, 2, 3, 3, 3, 1]
    """
    n = check_positive_int(n_samples, name="n_samples")
    rng = np.random.RandomState(random_state)
    return {
        "circles": make_circles(n_samples=n, factor=0.5, noise=0.05, random_state=random_state),
        "moons": make_moons(n_samples=n, noise=0.05, random_state=random_state),
        "varied": make_blobs(n_samples=n, cluster_std=[1.0, 2.5, 0.5], random_state=170),
        "anisotropic": anisotropic(n),
        "blobs": make_blobs(n_samples=n, random_state=random_state),
        "no structure": (rng.rand(n, 2), np.zeros(n, dtype=np.intp)),
    }
