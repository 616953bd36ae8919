"""msutils.MeanShift(kernel="flat") against sklearn.cluster.MeanShift, option by option.

Every test fits both estimators on the same data and compares
``cluster_centers_`` (bit for bit on integer-valued data, within
``1e-9 * bandwidth`` otherwise: the summation order differs), ``labels_`` and
``n_iter_``.  Each case runs twice: with the default engine and with the
candidate-block engine forced on (``_SMALL = 0``), which otherwise serves only
data with more than a few thousand distinct points.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.cluster import MeanShift as SkMeanShift
from sklearn.cluster import estimate_bandwidth
from sklearn.datasets import load_sample_image, make_blobs

import msutils.meanshift._windows as windows_module
from msutils.meanshift import MeanShift

CHINA = load_sample_image("china.jpg")


@pytest.fixture(params=["default", "blocks"])
def engine(request, monkeypatch):
    """Run the test with the default engine, then with candidate blocks for any data size."""
    if request.param == "blocks":
        monkeypatch.setattr(windows_module, "_SMALL", 0)
    return request.param


_SKLEARN_FITS: dict[tuple, SkMeanShift] = {}


def fit_both(X, **params):
    """Fit sklearn's and our MeanShift with the same parameters; return both.

    scikit-learn's fit is cached (per data and parameters), as both engines
    are compared with it.
    """
    key = (X.tobytes(), X.shape, repr(sorted(params.items(), key=lambda kv: kv[0])),
           tuple(type(v).__name__ for _, v in sorted(params.items())))
    if key not in _SKLEARN_FITS:
        _SKLEARN_FITS[key] = SkMeanShift(**params).fit(X)
    ours = MeanShift(**params).fit(X)
    return ours, _SKLEARN_FITS[key]


def assert_same(ours, theirs, *, exact: bool) -> None:
    bw = theirs.bandwidth if theirs.bandwidth is not None else ours.bandwidth_
    assert ours.cluster_centers_.shape == theirs.cluster_centers_.shape
    if exact:
        np.testing.assert_array_equal(ours.cluster_centers_, theirs.cluster_centers_)
    else:
        np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_, rtol=0, atol=1e-9 * bw)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    assert ours.n_iter_ == theirs.n_iter_


def anisotropic_blobs() -> np.ndarray:
    X, _ = make_blobs(n_samples=300, centers=3, random_state=170)
    return X @ np.array([[0.6, -0.64], [-0.41, 0.85]])


def unequal_blobs() -> np.ndarray:
    X, _ = make_blobs(n_samples=[200, 60, 20], centers=[[0, 0], [6, 1], [2, 7]],
                      cluster_std=[1.5, 0.5, 0.3], random_state=4)
    return X


BLOB_CASES = {
    "blobs-2d": lambda: make_blobs(n_samples=300, n_features=2, centers=4, random_state=2)[0],
    "blobs-3d": lambda: make_blobs(n_samples=300, n_features=3, centers=4, random_state=3)[0],
    "blobs-5d": lambda: make_blobs(n_samples=300, n_features=5, centers=4, random_state=5)[0],
    "blobs-10d": lambda: make_blobs(n_samples=300, n_features=10, centers=3, random_state=10)[0],
    "anisotropic": anisotropic_blobs,
    "unequal": unequal_blobs,
}


@pytest.mark.parametrize("name", sorted(BLOB_CASES))
def test_blobs_bin_seeding(name, engine):
    X = BLOB_CASES[name]()
    bw = estimate_bandwidth(X, quantile=0.2)
    ours, theirs = fit_both(X, bandwidth=bw, bin_seeding=True)
    assert len(ours.cluster_centers_) >= 2  # a real clustering, not a trivial one
    assert_same(ours, theirs, exact=False)


@pytest.mark.parametrize("name", ["blobs-2d", "blobs-10d", "unequal"])
def test_blobs_every_point_seeds(name, engine):
    X = BLOB_CASES[name]()[::3]
    ours, theirs = fit_both(X, bandwidth=estimate_bandwidth(X, quantile=0.25))
    assert_same(ours, theirs, exact=False)


def test_estimated_bandwidth(engine):
    X = BLOB_CASES["blobs-2d"]()[:120]
    ours, theirs = fit_both(X)  # bandwidth=None: both estimate it
    assert ours.bandwidth_ == pytest.approx(estimate_bandwidth(X), rel=1e-12)
    assert_same(ours, theirs, exact=False)


def china_crop() -> np.ndarray:
    return CHINA[100:164, 200:264].reshape(-1, 3).astype(float)  # 64 x 64 pixels


def china_small() -> np.ndarray:
    return CHINA[::12, ::12].reshape(-1, 3).astype(float)  # downscaled, 36 x 54 pixels


@pytest.mark.parametrize("bw_type", [float, np.float64, np.float32])
def test_image_colours_bit_identical(bw_type, engine):
    # bin seeds are float32 bin coordinates times the bandwidth, in the bandwidth's type
    X = china_crop()
    bw = bw_type(estimate_bandwidth(X, quantile=0.1, n_samples=300))
    ours, theirs = fit_both(X, bandwidth=bw, bin_seeding=True)
    assert len(ours.cluster_centers_) >= 3
    assert_same(ours, theirs, exact=True)


@pytest.mark.parametrize(
    "params",
    [
        {"bandwidth": 20.0, "bin_seeding": True, "min_bin_freq": 4},
        {"bandwidth": 11.0, "bin_seeding": True, "cluster_all": False},
        {"bandwidth": 16.0, "bin_seeding": True, "max_iter": 3},
        {"bandwidth": 30, "bin_seeding": True},
    ],
    ids=["min_bin_freq", "cluster_all_false", "max_iter", "int_bandwidth"],
)
def test_downscaled_image_options(params, engine):
    X = china_small()
    ours, theirs = fit_both(X, **params)
    assert_same(ours, theirs, exact=True)
    if params.get("cluster_all") is False:
        assert np.any(ours.labels_ == -1) and np.any(ours.labels_ >= 0)
    if "max_iter" in params:
        assert ours.n_iter_ == params["max_iter"]  # the cap was hit


def test_min_bin_freq_changes_the_seeds(engine):
    X = china_small()
    loose = MeanShift(bandwidth=20.0, bin_seeding=True, min_bin_freq=1, record_paths=True).fit(X)
    strict = MeanShift(bandwidth=20.0, bin_seeding=True, min_bin_freq=4, record_paths=True).fit(X)
    assert len(strict.paths_) < len(loose.paths_)


def test_explicit_seeds_some_far_away(engine):
    X = BLOB_CASES["blobs-2d"]()
    seeds = np.vstack([X[::25], [[100.0, 100.0], [-80.0, 3.0]]])  # the last two see no point
    ours, theirs = fit_both(X, bandwidth=1.5, seeds=seeds)
    assert_same(ours, theirs, exact=False)


def test_no_point_within_bandwidth(engine):
    X = BLOB_CASES["blobs-2d"]()
    seeds = [[-90.0, -90.0], [90.0, 90.0]]
    with pytest.raises(ValueError, match="No point was within bandwidth=0.1"):
        SkMeanShift(bandwidth=0.1, seeds=seeds).fit(X)
    with pytest.raises(ValueError, match="No point was within bandwidth=0.1"):
        MeanShift(bandwidth=0.1, seeds=seeds).fit(X)


def test_binning_fallback_warns_and_seeds_with_points(engine):
    # a bandwidth far below the spacing puts every point in its own bin
    X = np.arange(40, dtype=float).reshape(20, 2) * 3.0
    with pytest.warns(UserWarning, match="Binning data failed with provided bin_size=0.100000"):
        theirs = SkMeanShift(bandwidth=0.1, bin_seeding=True).fit(X)
    with pytest.warns(UserWarning, match="Binning data failed with provided bin_size=0.100000"):
        ours = MeanShift(bandwidth=0.1, bin_seeding=True).fit(X)
    assert len(ours.cluster_centers_) == 20
    assert_same(ours, theirs, exact=True)


def test_duplicates_and_intensity_ties(engine):
    # a symmetric integer pattern: equal intensities, so the centre tuples break the ties
    square = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    X = np.vstack([square + [0, 0], square + [10, 0], square + [0, 10], square + [10, 10]])
    X = np.vstack([X, X[:4], X[:4]])  # duplicates: the first square gets three times the points
    ours, theirs = fit_both(X, bandwidth=2.0)
    assert_same(ours, theirs, exact=True)
    np.testing.assert_array_equal(ours.cluster_centers_[0], [0.5, 0.5])  # most intense first
    # the other three tie on intensity and come in decreasing lexicographic order
    np.testing.assert_array_equal(ours.cluster_centers_[1:], [[10.5, 10.5], [10.5, 0.5], [0.5, 10.5]])


def test_constant_data_estimated_zero_bandwidth(engine):
    # scikit-learn's regression test: the estimated bandwidth is 0, and it still converges
    X = np.ones((10, 1))
    ours, theirs = fit_both(X)
    assert ours.bandwidth_ == 0.0
    assert_same(ours, theirs, exact=True)
    assert ours.n_iter_ < ours.max_iter


def test_one_dimensional_data(engine):
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(0, 1, 150), rng.normal(6, 0.5, 60)]).reshape(-1, 1)
    ours, theirs = fit_both(X, bandwidth=1.0, bin_seeding=True)
    assert_same(ours, theirs, exact=False)


def test_predict_matches_sklearn(engine):
    X = BLOB_CASES["unequal"]()
    ours, theirs = fit_both(X, bandwidth=1.6, bin_seeding=True)
    grid = np.random.default_rng(1).uniform(-5, 10, size=(500, 2))
    np.testing.assert_array_equal(ours.predict(grid), theirs.predict(grid))


def test_the_image_recipe_on_a_larger_image():
    # >4096 distinct colours: the default engine uses candidate blocks, bit for bit
    X = CHINA[::4, ::6].reshape(-1, 3).astype(float)
    assert len(np.unique(X, axis=0)) > windows_module._SMALL
    bw = estimate_bandwidth(X, quantile=0.1, n_samples=100)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours, theirs = fit_both(X, bandwidth=bw, bin_seeding=True)
    assert_same(ours, theirs, exact=True)


def test_bin_seeds_are_float32_times_the_bandwidth(engine):
    # float32(1) * 1.1 (a Python float) stays float32: 1.1000000238...; times np.float64(1.1)
    # it is 1.1.  A point exactly 1.1 beyond the float32 seed is in its window, not the other's.
    h = 1.1
    p = float(np.float32(1.0) * h) + h
    X = np.array([[1.0], [1.0], [p], [5.0], [5.0]])
    results = []
    for bw in (h, np.float64(h)):
        ours, theirs = fit_both(X, bandwidth=bw, bin_seeding=True)
        assert_same(ours, theirs, exact=True)
        results.append(ours.cluster_centers_)
    assert len(results[0]) == 2 and len(results[1]) == 3  # the seeds' dtype decided it


def test_same_centre_twice_keeps_the_last_intensity(engine):
    # with max_iter=0 every seed takes one step.  Seeds (0, 0) and (1, 0) both step to (0, 0),
    # from windows of 4 and 2 points; like a dict, the last value (2) wins, which ranks (0, 0)
    # after the far cluster (3 points).  Keeping the first value would rank it first.
    X = np.array([[-1, 0], [1, 0], [0, 2], [0, -2], [10, 0], [10, 1], [11, 0]], dtype=float)
    seeds = [[0.0, 0.0], [1.0, 0.0], [10.0, 0.0]]
    ours, theirs = fit_both(X, bandwidth=2.1, seeds=seeds, max_iter=0)
    assert_same(ours, theirs, exact=True)
    np.testing.assert_array_equal(ours.cluster_centers_[1], [0.0, 0.0])


def test_hundreds_of_clusters(engine):
    # > 256 centres: suppression and labelling go through their KD-tree paths
    rng = np.random.default_rng(7)
    grid = np.stack(np.meshgrid(np.arange(18), np.arange(18)), axis=-1).reshape(-1, 2) * 10.0
    X = np.repeat(grid, 3, axis=0) + rng.normal(scale=0.2, size=(len(grid) * 3, 2))
    ours, theirs = fit_both(X, bandwidth=1.0, bin_seeding=True)
    assert len(ours.cluster_centers_) == len(grid)
    assert_same(ours, theirs, exact=False)
    probe = rng.uniform(-5, 175, size=(2000, 2))
    np.testing.assert_array_equal(ours.predict(probe), theirs.predict(probe))
