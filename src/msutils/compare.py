"""Mean shift against other clusterers, each configured by a stated rule (not tuned per data set).

:func:`default_methods` lists the contenders -- four flavours of mean shift
and k-means, DBSCAN, HDBSCAN, a Gaussian mixture and spectral clustering --
each with what it must be told and the rule that sets its parameters from the
(standardised) data.  :func:`run_grid` fits every method on every data set and
scores it with the adjusted Rand index; :func:`ari_table` and
:func:`told_table` format the results as Markdown tables.

Examples
--------
>>> from msutils.toydata import toy_datasets
>>> sets = {k: v for k, v in toy_datasets(150).items() if k in ("blobs", "moons")}
>>> methods = [m for m in default_methods() if m.name in ("k-means", "mean shift, adaptive")]
>>> grid = run_grid(sets, methods)
>>> grid.ari["blobs"]["k-means"] > 0.9
True
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from sklearn.cluster import DBSCAN, HDBSCAN, KMeans, SpectralClustering
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import StandardScaler

from msutils.bandwidth import estimate_bandwidth
from msutils.meanshift import AdaptiveMeanShift, MeanShift

__all__ = ["Method", "default_methods", "GridResult", "run_grid", "ari_table", "told_table"]

#: the quantile of :func:`estimate_bandwidth` used by every mean shift flavour (scikit-learn's default)
QUANTILE = 0.3
#: neighbour count of the adaptive bandwidths, as a fraction of the number of points
ADAPTIVE_FRACTION = 0.1


@dataclass(frozen=True)
class Method:
    """A clusterer with the rule that configures it.

    Attributes
    ----------
    name : str
        Short name (a column of the grid).
    told : str
        What the user must supply.
    rule : str
        How the parameters are set in the comparison.
    make : callable
        ``make(X, n_clusters)`` returns an unfitted estimator for the data ``X``
        (standardised) when the true number of clusters is ``n_clusters``.
    """

    name: str
    told: str
    rule: str
    make: Callable[[np.ndarray, int], Any]


def _flat_bandwidth(X: np.ndarray) -> float:
    return estimate_bandwidth(X, quantile=QUANTILE)


def _gauss_bandwidth(X: np.ndarray) -> float:
    # the Gaussian kernel with the same smoothing as the flat one (chapter 3): h / sqrt(d + 4)
    return _flat_bandwidth(X) / math.sqrt(X.shape[1] + 4)


def _adaptive_k(X: np.ndarray) -> int:
    return max(5, round(ADAPTIVE_FRACTION * X.shape[0]))


def default_methods() -> list[Method]:
    """The contenders of the chapter's comparison, in the order of the grid's columns.

    Returns
    -------
    list of Method

    Examples
    --------
    >>> [m.name for m in default_methods()][:3]
    ['mean shift, flat', 'mean shift, Gaussian', 'mean shift, basins']
    """
    bw = f"bandwidth: estimate_bandwidth(quantile={QUANTILE})"
    return [
        Method("mean shift, flat", "a bandwidth", f"{bw}, bin seeding (scikit-learn's MeanShift)",
               lambda X, k: MeanShift(bandwidth=_flat_bandwidth(X), bin_seeding=True)),
        Method("mean shift, Gaussian", "a bandwidth", "Gaussian kernel, the flat bandwidth / sqrt(d + 4)",
               lambda X, k: MeanShift(bandwidth=_gauss_bandwidth(X), kernel="gaussian")),
        Method("mean shift, basins", "a bandwidth", "as Gaussian, assign_labels='basin'",
               lambda X, k: MeanShift(bandwidth=_gauss_bandwidth(X), kernel="gaussian", assign_labels="basin")),
        Method("mean shift, adaptive", "a neighbour count",
               f"AdaptiveMeanShift, n_neighbors = {ADAPTIVE_FRACTION:g} n, assign_labels='basin'",
               lambda X, k: AdaptiveMeanShift(_adaptive_k(X), assign_labels="basin")),
        Method("k-means", "the number of clusters", "n_clusters = the true number (3 if none), n_init=10",
               lambda X, k: KMeans(n_clusters=k, n_init=10, random_state=0)),
        Method("Gaussian mixture", "the number of clusters", "n_components = the true number, full covariances",
               lambda X, k: GaussianMixture(n_components=k, covariance_type="full", random_state=0)),
        Method("spectral", "the number of clusters", "n_clusters = the true number, 10-nearest-neighbour graph",
               lambda X, k: SpectralClustering(n_clusters=k, affinity="nearest_neighbors", n_neighbors=10,
                                               assign_labels="cluster_qr", random_state=0)),
        Method("DBSCAN", "a radius and a count", "eps = 0.3, min_samples = 2 d (on standardised data)",
               lambda X, k: DBSCAN(eps=0.3, min_samples=2 * X.shape[1])),
        Method("HDBSCAN", "a minimum cluster size", "min_cluster_size = 15, min_samples = 3",
               lambda X, k: HDBSCAN(min_cluster_size=15, min_samples=3, copy=True)),
    ]


@dataclass
class GridResult:
    """Labels and scores of every method on every data set.

    Attributes
    ----------
    datasets : list of str
    methods : list of str
    X : dict
        Data set -> the standardised data the methods saw.
    labels : dict
        ``labels[dataset][method]`` -> ndarray of labels (``-1``: noise).
    ari : dict
        ``ari[dataset][method]`` -> adjusted Rand index against the truth.
    n_clusters : dict
        ``n_clusters[dataset][method]`` -> clusters found (noise not counted).
    """

    datasets: list[str]
    methods: list[str]
    X: dict[str, np.ndarray]
    labels: dict[str, dict[str, np.ndarray]]
    ari: dict[str, dict[str, float]]
    n_clusters: dict[str, dict[str, int]]


def run_grid(
    datasets: dict[str, tuple[Any, Any]],
    methods: list[Method] | None = None,
    *,
    standardize: bool = True,
    default_k: int = 3,
) -> GridResult:
    """Fit every method on every data set and score it against the true labels.

    Parameters
    ----------
    datasets : dict
        Name -> ``(X, y)`` with true labels ``y``.
    methods : list of Method, optional
        Default: :func:`default_methods`.
    standardize : bool, default=True
        Standardise every feature first (zero mean, unit variance), as the
        gallery example does.
    default_k : int, default=3
        What methods that need a number of clusters are told when the truth
        has a single cluster ("no structure"): there is no number to tell.

    Returns
    -------
    GridResult

    Raises
    ------
    TypeError
        If ``datasets`` is not a dict of ``(X, y)`` pairs.
    """
    if not isinstance(datasets, dict) or not datasets:
        raise TypeError(f"datasets must be a non-empty dict of name -> (X, y), got {type(datasets).__name__}.")
    methods = default_methods() if methods is None else list(methods)
    if not methods or not all(isinstance(m, Method) for m in methods):
        raise TypeError("methods must be a non-empty list of msutils.compare.Method.")
    out = GridResult(list(datasets), [m.name for m in methods], {}, {}, {}, {})
    for name, pair in datasets.items():
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise TypeError(f"datasets[{name!r}] must be a pair (X, y).")
        X, y = np.asarray(pair[0], dtype=np.float64), np.asarray(pair[1])
        if X.ndim != 2 or y.shape != (X.shape[0],):
            raise ValueError(f"datasets[{name!r}]: X must be 2-D and y hold one label per row of X.")
        if standardize:
            X = StandardScaler().fit_transform(X)
        k = len(np.unique(y))
        k = default_k if k == 1 else k
        out.X[name] = X
        out.labels[name], out.ari[name], out.n_clusters[name] = {}, {}, {}
        for m in methods:
            with warnings.catch_warnings():
                # spectral clustering's graph may be disconnected on well separated sets: harmless here
                warnings.filterwarnings("ignore", message="Graph is not fully connected")
                labels = np.asarray(m.make(X, k).fit_predict(X))
            out.labels[name][m.name] = labels
            out.ari[name][m.name] = float(adjusted_rand_score(y, labels))
            out.n_clusters[name][m.name] = int(len(np.unique(labels[labels >= 0])))
    return out


def ari_table(result: GridResult, *, digits: int = 2, row_digits: dict[str, int] | None = None) -> str:
    """The adjusted Rand indices as a Markdown table: a row per method, a column per data set, and the mean.

    Parameters
    ----------
    result : GridResult
    digits : int, default=2
        Decimals shown.
    row_digits : dict, optional
        Method name -> decimals for that row (for a method whose last digit
        is not reproducible from machine to machine).

    Examples
    --------
    >>> r = GridResult(["a"], ["m"], {}, {}, {"a": {"m": 0.5}}, {"a": {"m": 2}})
    >>> print(ari_table(r))
    | method | a | mean |
    | --- | --- | --- |
    | m | 0.50 | 0.50 |
    """
    head = "| method | " + " | ".join(result.datasets) + " | mean |"
    rule = "| " + " | ".join(["---"] * (len(result.datasets) + 2)) + " |"
    rows = []
    row_digits = row_digits or {}
    for m in result.methods:
        vals = [result.ari[d][m] for d in result.datasets]
        p = row_digits.get(m, digits)
        # round first, then add 0.0: a tiny negative ARI prints as 0.00, not -0.00
        cells = [f"{round(v, p) + 0.0:.{p}f}" for v in [*vals, float(np.mean(vals))]]
        rows.append(f"| {m} | " + " | ".join(cells) + " |")
    return "\n".join([head, rule, *rows])


def told_table(methods: list[Method] | None = None) -> str:
    """What each method must be told, and the rule the comparison uses, as a Markdown table.

    Examples
    --------
    >>> print(told_table(default_methods()[4:5]))
    | method | must be told | rule used here |
    | --- | --- | --- |
    | k-means | the number of clusters | n_clusters = the true number (3 if none), n_init=10 |
    """
    methods = default_methods() if methods is None else methods
    rows = [f"| {m.name} | {m.told} | {m.rule} |" for m in methods]
    return "\n".join(["| method | must be told | rule used here |", "| --- | --- | --- |", *rows])
