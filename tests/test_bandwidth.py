"""Tests of msutils.bandwidth: estimate_bandwidth, knn_distances and the rules of thumb."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scipy.spatial.distance import cdist
from sklearn.cluster import estimate_bandwidth as sk_estimate_bandwidth
from sklearn.datasets import make_blobs
from sklearn.neighbors import KernelDensity

from msutils.bandwidth import estimate_bandwidth, knn_distances, scott_bandwidth, silverman_bandwidth


def _dataset(kind: str) -> np.ndarray:
    rng = np.random.default_rng(sum(map(ord, kind)))
    if kind == "blobs3d":  # the article's three blobs
        return make_blobs(n_samples=120, centers=[[2, 2, 3], [6, 7, 8], [5, 10, 13]], cluster_std=0.6,
                          random_state=0)[0]
    if kind == "gauss1d":
        return rng.normal(size=(57, 1))
    if kind == "far_from_origin":
        return rng.normal(size=(300, 2)) * 0.01 + 1000.0
    if kind == "integers_with_ties":
        return rng.integers(0, 4, size=(80, 2)).astype(float)
    if kind == "pixels":
        return rng.integers(0, 256, size=(700, 3)).astype(float)
    if kind == "wide5d":
        return rng.standard_t(3, size=(211, 5)) * [1, 10, 100, 0.1, 1]
    raise AssertionError(kind)


DATASETS = ["blobs3d", "gauss1d", "integers_with_ties", "pixels", "wide5d"]


# --- estimate_bandwidth == scikit-learn --------------------------------------------------------

@pytest.mark.parametrize("n_samples", [None, 1, 2, 10, 100, 5000])
@pytest.mark.parametrize("quantile", [0.001, 0.05, 0.2, 0.3, 0.5, 0.99, 1.0])
@pytest.mark.parametrize("kind", DATASETS)
def test_estimate_bandwidth_matches_sklearn(kind, quantile, n_samples):
    X = _dataset(kind)
    ours = estimate_bandwidth(X, quantile=quantile, n_samples=n_samples, random_state=3)
    ref = sk_estimate_bandwidth(X, quantile=quantile, n_samples=n_samples, random_state=3)
    assert isinstance(ours, float)
    assert ours == pytest.approx(ref, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("quantile", [0.05, 0.3, 0.49, 0.5, 0.8, 1.0])
def test_estimate_bandwidth_is_exact_far_from_the_origin(quantile):
    # sklearn agrees while its NearestNeighbors uses a tree (n_neighbors < n / 2); from n / 2 on
    # it switches to brute force with the |x|^2 - 2 x.y + |y|^2 expansion, which loses ~1e-8 of
    # relative accuracy on data at 1000 +- 0.01.  Ours stays exact.
    X = _dataset("far_from_origin")
    k = int(len(X) * quantile)
    exact = np.sort(cdist(X, X), axis=1)[:, k - 1].mean()
    ours = estimate_bandwidth(X, quantile=quantile)
    assert ours == pytest.approx(exact, rel=1e-12)
    if k < len(X) // 2:
        assert ours == pytest.approx(sk_estimate_bandwidth(X, quantile=quantile), rel=1e-12)


@pytest.mark.parametrize("random_state", [0, 1, 42, 12345])
def test_estimate_bandwidth_subsamples_like_sklearn_for_each_seed(random_state):
    X = _dataset("pixels")
    ours = estimate_bandwidth(X, quantile=0.1, n_samples=50, random_state=random_state)
    ref = sk_estimate_bandwidth(X, quantile=0.1, n_samples=50, random_state=random_state)
    assert ours == pytest.approx(ref, rel=1e-12)


def test_estimate_bandwidth_accepts_random_state_instances_and_none():
    X = _dataset("wide5d")
    ours = estimate_bandwidth(X, quantile=0.2, n_samples=40, random_state=np.random.RandomState(9))
    ref = sk_estimate_bandwidth(X, quantile=0.2, n_samples=40, random_state=np.random.RandomState(9))
    assert ours == pytest.approx(ref, rel=1e-12)
    np.random.seed(4)
    ours = estimate_bandwidth(X, quantile=0.2, n_samples=40, random_state=None)
    np.random.seed(4)
    ref = sk_estimate_bandwidth(X, quantile=0.2, n_samples=40, random_state=None)
    assert ours == pytest.approx(ref, rel=1e-12)


def test_different_seeds_give_different_subsamples():
    X = _dataset("pixels")
    values = {estimate_bandwidth(X, quantile=0.3, n_samples=30, random_state=s) for s in range(5)}
    assert len(values) == 5


def test_random_state_is_unused_without_n_samples():
    X = _dataset("blobs3d")
    assert estimate_bandwidth(X, random_state=0) == estimate_bandwidth(X, random_state=99)


def test_estimate_bandwidth_is_the_mean_distance_to_the_kth_neighbour_counting_self():
    # brute force: sort each row of the full distance matrix (column 0 is the point itself)
    X = _dataset("blobs3d")
    D = np.sort(cdist(X, X), axis=1)
    for quantile in (0.05, 0.2, 0.5, 1.0):
        k = int(len(X) * quantile)
        assert estimate_bandwidth(X, quantile=quantile) == pytest.approx(D[:, k - 1].mean(), rel=1e-12)


def test_a_tiny_quantile_uses_the_point_itself_and_gives_zero():
    X = _dataset("blobs3d")
    assert estimate_bandwidth(X, quantile=0.001) == 0.0  # int(120 * 0.001) = 0 -> k = 1: self
    assert estimate_bandwidth(X, quantile=1 / 120) == 0.0  # k = 1 again


def test_estimate_bandwidth_grows_with_the_quantile():
    X = _dataset("blobs3d")
    values = [estimate_bandwidth(X, quantile=q) for q in (0.05, 0.1, 0.2, 0.4, 0.8)]
    assert np.all(np.diff(values) > 0)


def test_estimate_bandwidth_accepts_1d_arrays_as_points_on_the_line():
    x = _dataset("gauss1d")[:, 0]
    assert estimate_bandwidth(x, quantile=0.4) == estimate_bandwidth(x[:, None], quantile=0.4)


# --- knn_distances -----------------------------------------------------------------------------

@pytest.mark.parametrize("k", [1, 2, 5, 57])
def test_knn_distances_match_sorted_distance_matrix(k):
    X = _dataset("gauss1d")
    D = np.sort(cdist(X, X), axis=1)
    np.testing.assert_allclose(knn_distances(X, k), D[:, k - 1], rtol=1e-14, atol=0)


def test_knn_distances_with_duplicates():
    X = np.array([[0.0, 0.0], [0.0, 0.0], [3.0, 4.0]])
    np.testing.assert_array_equal(knn_distances(X, 2), [0.0, 0.0, 5.0])


# --- rules of thumb ----------------------------------------------------------------------------

def test_1d_rules_match_scipy_gaussian_kde_factors():
    x = np.random.default_rng(3).gamma(2.0, size=333)
    sd = x.std(ddof=1)
    assert scott_bandwidth(x) == pytest.approx(stats.gaussian_kde(x).scotts_factor() * sd, rel=1e-13)
    silverman = stats.gaussian_kde(x, bw_method="silverman").factor * sd
    assert silverman_bandwidth(x) == pytest.approx(silverman, rel=1e-13)


def test_1d_silverman_is_the_familiar_1_06_sigma_n_to_the_minus_one_fifth():
    x = np.random.default_rng(4).normal(3.0, 2.0, size=500)
    ratio = silverman_bandwidth(x) / (x.std(ddof=1) * 500 ** (-0.2))
    assert ratio == pytest.approx((4 / 3) ** 0.2, rel=1e-13)
    assert ratio == pytest.approx(1.06, abs=1e-3)


@pytest.mark.parametrize("d", [1, 2, 3, 5])
def test_rules_on_standardised_data_match_sklearn_kernel_density(d):
    # sklearn's bandwidth="scott"/"silverman" assume unit-variance features
    X = np.random.default_rng(d).normal(size=(123, d)) * 4 + 1
    Z = (X - X.mean(0)) / X.std(0, ddof=1)
    assert scott_bandwidth(Z) == pytest.approx(KernelDensity(bandwidth="scott").fit(Z).bandwidth_, rel=1e-13)
    assert silverman_bandwidth(Z) == pytest.approx(
        KernelDensity(bandwidth="silverman").fit(Z).bandwidth_, rel=1e-13)


def test_multivariate_rules_use_the_root_mean_variance():
    rng = np.random.default_rng(8)
    X = rng.normal(size=(400, 3)) * [1.0, 2.0, 3.0]
    n, d = X.shape
    sigma = np.sqrt(np.mean(X.var(axis=0, ddof=1)))
    assert scott_bandwidth(X) == pytest.approx(sigma * n ** (-1 / (d + 4)), rel=1e-13)
    assert silverman_bandwidth(X) == pytest.approx(sigma * (4 / (d + 2)) ** (1 / (d + 4)) * n ** (-1 / (d + 4)),
                                                   rel=1e-13)


def test_rules_are_rotation_invariant_and_scale_with_the_data():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(200, 2)) * [1.0, 5.0]
    theta = 0.7
    R = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    for rule in (scott_bandwidth, silverman_bandwidth):
        assert rule(X @ R.T) == pytest.approx(rule(X), rel=1e-12)
        assert rule(2.5 * X) == pytest.approx(2.5 * rule(X), rel=1e-12)


def test_silverman_is_wider_than_scott_in_low_dimensions():
    # (4 / (d + 2)) ** (1 / (d + 4)) > 1 exactly when d < 2
    x = np.random.default_rng(0).normal(size=(100, 1))
    assert silverman_bandwidth(x) > scott_bandwidth(x)
    X2 = np.random.default_rng(0).normal(size=(100, 2))
    assert silverman_bandwidth(X2) == pytest.approx(scott_bandwidth(X2), rel=1e-13)


# --- bad input ---------------------------------------------------------------------------------

GOOD = np.arange(20.0).reshape(10, 2)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"X": [[0.0, np.nan]]}, ValueError, "X contains NaN or infinite"),
        ({"X": [[0.0, np.inf]]}, ValueError, "X contains NaN or infinite"),
        ({"X": np.empty((0, 2))}, ValueError, r"X has 0 sample\(s\)"),
        ({"X": np.zeros((2, 2, 2))}, ValueError, "X must be a 2-D array"),
        ({"X": [["a", "b"]]}, TypeError, "X must contain real numbers"),
        ({"quantile": 0}, ValueError, r"quantile must be in the interval \(0, 1\]"),
        ({"quantile": 1.5}, ValueError, r"quantile must be in the interval \(0, 1\]"),
        ({"quantile": np.nan}, ValueError, r"quantile must be in the interval \(0, 1\]"),
        ({"quantile": "0.3"}, TypeError, "quantile must be a real number"),
        ({"n_samples": 0}, ValueError, "n_samples must be an integer >= 1"),
        ({"n_samples": 2.5}, TypeError, "n_samples must be an integer"),
    ],
)
def test_estimate_bandwidth_rejects_bad_input(kwargs, exc, match):
    args = {"X": GOOD} | kwargs
    with pytest.raises(exc, match=match):
        estimate_bandwidth(args.pop("X"), **args)


def test_knn_distances_rejects_bad_k():
    with pytest.raises(ValueError, match=r"n_neighbors must be at most the number of points \(10\)"):
        knn_distances(GOOD, 11)
    with pytest.raises(ValueError, match="n_neighbors must be an integer >= 1"):
        knn_distances(GOOD, 0)


@pytest.mark.parametrize("rule", [scott_bandwidth, silverman_bandwidth])
def test_rules_reject_bad_input(rule):
    with pytest.raises(ValueError, match=r"X has 1 sample\(s\).*at least 2"):
        rule([[1.0, 2.0]])
    with pytest.raises(ValueError, match="X has zero variance"):
        rule(np.ones((5, 2)))
    with pytest.raises(ValueError, match="X contains NaN"):
        rule([1.0, np.nan, 2.0])
    with pytest.raises(TypeError, match="X must contain real numbers"):
        rule(["a", "b"])


@pytest.mark.parametrize("seed", range(20))
def test_estimate_bandwidth_is_bit_identical_to_sklearn(seed):
    """Summed like scikit-learn (batches of 500), so MeanShift(bandwidth=None) matches it exactly."""
    from sklearn.cluster import estimate_bandwidth as sk_estimate_bandwidth
    from sklearn.datasets import make_blobs

    n = int(np.random.default_rng(seed).integers(20, 1500))
    X, _ = make_blobs(n_samples=n, n_features=3, random_state=seed)
    for quantile in (0.1, 0.3):
        assert estimate_bandwidth(X, quantile=quantile) == sk_estimate_bandwidth(X, quantile=quantile)


# --- equivalent_bandwidth -----------------------------------------------------------------------

from msutils.bandwidth import equivalent_bandwidth  # noqa: E402
from msutils.density import kde as _kde  # noqa: E402


@pytest.mark.parametrize("kernel, match, used", [("flat", "density", "flat"),
                                                 ("epanechnikov", "density", "epanechnikov"),
                                                 ("flat", "mean_shift", "epanechnikov"),
                                                 ("epanechnikov", "mean_shift", "biweight")])
@pytest.mark.parametrize("d", [1, 2])
def test_equivalent_bandwidth_gives_the_gaussian_spread_per_axis(kernel, match, used, d):
    """The kernel that is matched (the shadow for mean shift) has per-axis standard deviation h."""
    h = 0.7
    R = equivalent_bandwidth(h, kernel, d, match=match)
    u = np.linspace(-R, R, 2001 if d == 1 else 401)
    if d == 1:
        dens = _kde(u, [0.0], R, kernel=used)
        var = np.trapezoid(u**2 * dens, u)
    else:
        xx, yy = np.meshgrid(u, u)
        dens = _kde(np.column_stack([xx.ravel(), yy.ravel()]), [[0.0, 0.0]], R, kernel=used).reshape(xx.shape)
        var = np.trapezoid(np.trapezoid(xx**2 * dens, u, axis=1), u)
    assert np.sqrt(var) == pytest.approx(h, rel=2e-3)


def test_equivalent_bandwidth_known_values_and_errors():
    assert equivalent_bandwidth(1.0, "flat", 1, match="density") == pytest.approx(np.sqrt(3))
    assert equivalent_bandwidth(1.0, "flat", 2) == pytest.approx(np.sqrt(6))
    assert equivalent_bandwidth(2.0, "gaussian", 5) == 2.0
    with pytest.raises(ValueError, match="match must be"):
        equivalent_bandwidth(1.0, "flat", 2, match="volume")
    with pytest.raises(ValueError, match="shadow is not provided"):
        equivalent_bandwidth(1.0, "biweight", 2)
    with pytest.raises(ValueError):
        equivalent_bandwidth(1.0, "flat", 0)
