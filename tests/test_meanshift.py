"""msutils.meanshift: the mean shift vector, weights, kernels, paths and input checks."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import MeanShift as SkMeanShift
from sklearn.datasets import make_blobs
from sklearn.exceptions import NotFittedError

import msutils.meanshift._windows as windows_module
from msutils.meanshift._grid import GridIndex
from msutils.meanshift._seeds import unique_rows
from msutils.meanshift import MeanShift, mean_shift_vector

X_BLOBS, _ = make_blobs(n_samples=240, centers=[[0, 0], [5, 5], [0, 6]], cluster_std=0.8, random_state=0)


# --------------------------------------------------------------------------- mean_shift_vector


def test_mean_shift_vector_is_the_article_formula():
    rng = np.random.default_rng(0)
    data = rng.normal(size=(50, 2))
    w = rng.uniform(0.5, 2.0, size=50)
    x = np.array([0.3, -0.2])
    h = 0.9
    K = w * np.exp(-0.5 * np.sum((data - x) ** 2, axis=1) / h**2)
    expected = (K[:, None] * data).sum(axis=0) / K.sum() - x
    got = mean_shift_vector(x, data, h, weights=w)
    assert got.shape == (2,)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("kernel, profile", [
    ("flat", lambda r2: (r2 <= 1).astype(float)),
    ("epanechnikov", lambda r2: np.clip(1 - r2, 0, None)),
    ("biweight", lambda r2: np.clip(1 - r2, 0, None) ** 2),
])
def test_mean_shift_vector_many_points_and_kernels(kernel, profile):
    rng = np.random.default_rng(1)
    data = rng.normal(size=(80, 3))
    Q = rng.normal(scale=0.5, size=(7, 3))
    h = 1.3
    got = mean_shift_vector(Q, data, h, kernel=kernel)
    assert got.shape == Q.shape
    for q, g in zip(Q, got):
        k = profile(np.sum((data - q) ** 2, axis=1) / h**2)
        np.testing.assert_allclose(g, k @ data / k.sum() - q, rtol=1e-12, atol=1e-14)


def test_mean_shift_vector_empty_window_is_nan():
    data = np.array([[0.0], [1.0]])
    out = mean_shift_vector(np.array([[0.5], [50.0]]), data, 1.0, kernel="flat")
    assert out[0, 0] == 0.0
    assert np.isnan(out[1, 0])
    assert np.isnan(mean_shift_vector([50.0], data, 1.0, kernel="epanechnikov")).all()


def test_mean_shift_vector_points_uphill():
    # the shift is proportional to the gradient of the shadow density: it points to the mode
    data = np.random.default_rng(2).normal(size=(400, 2))
    x = np.array([1.5, -1.0])
    v = mean_shift_vector(x, data, 0.8)
    assert np.dot(v, -x) > 0.8 * np.linalg.norm(v) * np.linalg.norm(x)


# --------------------------------------------------------------------------- estimator basics


def test_fit_returns_self_and_sets_attributes():
    ms = MeanShift(bandwidth=1.5)
    assert ms.fit(X_BLOBS) is ms
    assert ms.cluster_centers_.shape == (3, 2)
    assert ms.labels_.shape == (240,) and ms.labels_.dtype.kind == "i"
    assert isinstance(ms.n_iter_, int) and ms.n_iter_ > 0
    assert ms.bandwidth_ == 1.5
    assert ms.n_features_in_ == 2
    assert not hasattr(ms, "paths_")
    np.testing.assert_array_equal(ms.fit_predict(X_BLOBS), ms.labels_)


def test_bandwidth_none_is_estimated_like_sklearn():
    from sklearn.cluster import estimate_bandwidth

    ms = MeanShift().fit(X_BLOBS)
    assert ms.bandwidth_ == pytest.approx(estimate_bandwidth(X_BLOBS), rel=1e-12)


def test_record_paths():
    ms = MeanShift(bandwidth=1.5, bin_seeding=True, record_paths=True).fit(X_BLOBS)
    paths = ms.paths_
    sk = SkMeanShift(bandwidth=1.5, bin_seeding=True).fit(X_BLOBS)
    assert len(paths) > len(ms.cluster_centers_)  # one per seed, not per cluster
    for p in paths:
        assert p.ndim == 2 and p.shape[1] == 2 and 1 <= len(p) <= ms.max_iter + 2
    ends = np.array([p[-1] for p in paths])
    for c in ms.cluster_centers_:  # every centre is where some seed stopped
        assert np.min(np.abs(ends - c).max(axis=1)) == 0.0
    assert max(len(p) for p in paths) - 2 == sk.n_iter_  # n_iter_ counts steps - 1
    # each step is a mean shift step: the next point is the mean of the window
    p = max(paths, key=len)
    for a, b in zip(p[:-1], p[1:]):
        np.testing.assert_allclose(b - a, mean_shift_vector(a, X_BLOBS, 1.5, kernel="flat"), atol=1e-12)


def test_record_paths_with_explicit_seeds_starts_at_seeds():
    seeds = np.array([[0.5, 0.5], [4.0, 4.0], [40.0, 40.0]])
    ms = MeanShift(bandwidth=1.5, seeds=seeds, record_paths=True).fit(X_BLOBS)
    np.testing.assert_array_equal([p[0] for p in ms.paths_], seeds)
    assert len(ms.paths_[2]) == 1  # no point near: it never moved
    assert len(ms.cluster_centers_) == 2


def test_labels_are_nearest_centres_and_predict_agrees():
    ms = MeanShift(bandwidth=1.2).fit(X_BLOBS)
    d = np.linalg.norm(X_BLOBS[:, None, :] - ms.cluster_centers_[None], axis=2)
    np.testing.assert_array_equal(ms.labels_, d.argmin(axis=1))
    np.testing.assert_array_equal(ms.predict(X_BLOBS), ms.labels_)


def test_cluster_all_false_marks_orphans():
    X = np.vstack([X_BLOBS, [[30.0, -30.0]]])
    ms = MeanShift(bandwidth=1.2, cluster_all=False, seeds=X_BLOBS[::10]).fit(X)
    assert ms.labels_[-1] == -1
    d = np.linalg.norm(X[:, None, :] - ms.cluster_centers_[None], axis=2).min(axis=1)
    np.testing.assert_array_equal(ms.labels_ == -1, d > 1.2)


# --------------------------------------------------------------------------- weights


@pytest.mark.parametrize("params", [
    {"bandwidth": 1.2},
    {"bandwidth": 1.2, "bin_seeding": True},
    {"bandwidth": 1.2, "bin_seeding": True, "min_bin_freq": 5},
    {"bandwidth": 1.2, "cluster_all": False},
])
def test_integer_weights_act_as_repeated_rows(params):
    rng = np.random.default_rng(3)
    X = np.round(X_BLOBS[::2] * 4) / 4  # exact in binary: sums do not depend on the order
    w = rng.integers(1, 4, size=len(X))
    weighted = MeanShift(**params).fit(X, sample_weight=w)
    repeated = MeanShift(**params).fit(np.repeat(X, w, axis=0))
    sk = SkMeanShift(**params).fit(np.repeat(X, w, axis=0))
    np.testing.assert_array_equal(weighted.cluster_centers_, repeated.cluster_centers_)
    np.testing.assert_array_equal(weighted.cluster_centers_, sk.cluster_centers_)
    first = np.concatenate([[0], np.cumsum(w)[:-1]])
    np.testing.assert_array_equal(weighted.labels_, repeated.labels_[first])
    assert weighted.n_iter_ == repeated.n_iter_ == sk.n_iter_


def test_zero_weight_points_are_absent():
    w = np.ones(len(X_BLOBS))
    w[::7] = 0
    a = MeanShift(bandwidth=1.2, bin_seeding=True).fit(X_BLOBS, sample_weight=w)
    b = MeanShift(bandwidth=1.2, bin_seeding=True).fit(X_BLOBS[w > 0])
    np.testing.assert_allclose(a.cluster_centers_, b.cluster_centers_, rtol=0, atol=1e-12)
    assert a.labels_.shape == (len(X_BLOBS),)  # zero-weight points still get labels


def test_weights_pull_the_mode():
    X = np.array([[0.0], [1.0]])
    ms = MeanShift(bandwidth=2.0, seeds=[[0.5]]).fit(X, sample_weight=[1.0, 3.0])
    np.testing.assert_allclose(ms.cluster_centers_, [[0.75]])


# --------------------------------------------------------------------------- smooth kernels


def _kde_maxima(x, data, h, profile):
    dens = np.array([profile(((data - xi) / h) ** 2).sum() for xi in x])
    inner = (dens[1:-1] > dens[:-2]) & (dens[1:-1] > dens[2:])
    return x[1:-1][inner]


@pytest.mark.parametrize("kernel, shadow", [
    ("gaussian", lambda r2: np.exp(-0.5 * r2)),
    ("epanechnikov", lambda r2: np.clip(1 - r2, 0, None) ** 2),  # biweight
])
def test_smooth_kernel_centres_are_the_shadow_kde_modes(kernel, shadow):
    rng = np.random.default_rng(4)
    data = np.concatenate([rng.normal(-4, 0.6, 60), rng.normal(0, 0.5, 50), rng.normal(5, 0.8, 70)])
    h = 0.9 if kernel == "gaussian" else 2.0
    ms = MeanShift(bandwidth=h, kernel=kernel).fit(data.reshape(-1, 1))
    grid = np.linspace(data.min() - 1, data.max() + 1, 40001)  # step ~3e-4
    modes = _kde_maxima(grid, data, h, shadow)
    centres = np.sort(ms.cluster_centers_.ravel())
    assert len(modes) == 3 == len(centres)
    np.testing.assert_allclose(centres, modes, atol=0.01 * h)


@pytest.mark.parametrize("kernel", ["gaussian", "epanechnikov", "flat"])
def test_centres_are_fixed_points(kernel):
    h = {"gaussian": 0.9, "epanechnikov": 2.0, "flat": 1.5}[kernel]
    ms = MeanShift(bandwidth=h, kernel=kernel).fit(X_BLOBS)
    shift = mean_shift_vector(ms.cluster_centers_, X_BLOBS, h, kernel=kernel)
    assert np.linalg.norm(shift, axis=1).max() <= 1e-3 * h


def test_gaussian_kernel_differs_from_flat():
    flat = MeanShift(bandwidth=1.5).fit(X_BLOBS).cluster_centers_
    gauss = MeanShift(bandwidth=1.5, kernel="gaussian").fit(X_BLOBS).cluster_centers_
    assert np.abs(np.sort(flat, axis=0) - np.sort(gauss, axis=0)).max() > 1e-3


@pytest.mark.parametrize("kernel", ["flat", "epanechnikov"])
def test_block_engine_matches_all_points_engine(kernel, monkeypatch):
    X = np.round(X_BLOBS * 8)  # integer-valued: both engines must agree to the bit
    a = MeanShift(bandwidth=9.0, kernel=kernel, record_paths=True).fit(X)
    monkeypatch.setattr(windows_module, "_SMALL", 0)
    monkeypatch.setattr(windows_module, "_CACHE_BYTES", 0)  # a new block at every step
    b = MeanShift(bandwidth=9.0, kernel=kernel, record_paths=True).fit(X)
    if kernel == "flat":
        np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
        for p, q in zip(a.paths_, b.paths_):
            np.testing.assert_array_equal(p, q)
    else:  # weights 1 - d2/h2 are not integers: the order of the sums shows
        np.testing.assert_allclose(a.cluster_centers_, b.cluster_centers_, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(a.labels_, b.labels_)


# --------------------------------------------------------------------------- helpers


def test_grid_index_finds_every_point_in_the_ball():
    rng = np.random.default_rng(5)
    for d in (1, 2, 3, 5):
        X = rng.normal(size=(3000, d)) * rng.uniform(0.5, 3, size=d)
        grid = GridIndex(X, cell=0.3)
        for _ in range(20):
            c, r = rng.normal(size=d) * 2, rng.uniform(0.1, 2.0)
            got = set(grid.order[grid.query(c, r)].tolist())
            want = set(np.flatnonzero(np.linalg.norm(X - c, axis=1) <= r).tolist())
            assert want <= got
            assert len(got) < 3000 or r > 1.5  # it is an index, not everything


def test_grid_index_far_from_the_data_and_on_a_degenerate_grid():
    # cell bounds far outside the grid used to overflow the integer conversion
    X = np.random.default_rng(6).normal(size=(500, 3))
    grid = GridIndex(X, cell=0.3)
    for c in ([1e6, 0, 0], [-1e6, 0, 0], [0, 0, 1e300], [0, -1e300, 0]):
        assert grid.query(np.array(c, dtype=float), 1.0).size == 0
    assert grid.query(np.zeros(3), 1e6).size == 500  # a ball holding everything
    ones = np.ones((10, 1))  # zero spread: the cell is the smallest normal float
    flat = GridIndex(ones, cell=0.0)
    assert sorted(flat.query(np.array([1.0]), 1e-12).tolist()) == list(range(10))
    assert flat.query(np.array([1.5]), 1e-12).size == 0


def test_unique_rows_merges_signed_zeros_and_keeps_first_seen_order():
    X = np.array([[3.0, -0.0], [1.0, 2.0], [3.0, 0.0], [1.0, 2.0]])
    u = unique_rows(X, np.array([1.0, 2.0, 3.0, 4.0]))
    np.testing.assert_array_equal(u.rows, [[3.0, 0.0], [1.0, 2.0]])
    np.testing.assert_array_equal(u.weights, [4.0, 6.0])
    np.testing.assert_array_equal(u.rows[u.inverse], X)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("X, exc, match", [
    ([[1.0, np.nan]], ValueError, "X contains NaN or infinite"),
    ([[1.0, np.inf]], ValueError, "X contains NaN or infinite"),
    (np.zeros((0, 2)), ValueError, "X has 0 sample"),
    (np.zeros(5), ValueError, "X must be a 2-D array"),
    (np.zeros((2, 2, 2)), ValueError, "X must be a 2-D array"),
    ([["a", "b"]], TypeError, "X must contain real numbers"),
    (np.array([[1 + 1j, 2]]), ValueError, "X: Complex data not supported"),
    (None, TypeError, "X must be an array-like"),
])
def test_bad_X(X, exc, match):
    with pytest.raises(exc, match=match):
        MeanShift(bandwidth=1.0).fit(X)


@pytest.mark.parametrize("bandwidth, exc, match", [
    (0, ValueError, "bandwidth must be a positive finite number, got 0"),
    (-1.5, ValueError, "bandwidth must be a positive finite number, got -1.5"),
    (float("nan"), ValueError, "bandwidth must be a positive finite number, got nan"),
    (float("inf"), ValueError, "bandwidth must be a positive finite number"),
    ("2", TypeError, "bandwidth must be a positive real number, got str"),
    (True, TypeError, "bandwidth must be a positive real number, got bool"),
])
def test_bad_bandwidth(bandwidth, exc, match):
    with pytest.raises(exc, match=match):
        MeanShift(bandwidth=bandwidth).fit(X_BLOBS)
    with pytest.raises(exc, match=match):
        mean_shift_vector([0.0, 0.0], X_BLOBS, bandwidth)


@pytest.mark.parametrize("sample_weight, exc, match", [
    (np.ones(5), ValueError, "sample_weight has length 5, but the data has 240 samples"),
    (-np.ones(240), ValueError, "sample_weight must be non-negative"),
    (np.zeros(240), ValueError, "sample_weight must not all be zero"),
    (np.full(240, np.nan), ValueError, "sample_weight contains NaN"),
    (np.ones((240, 2)), ValueError, "sample_weight must be a 1-D array"),
    (np.array(["a"] * 240), TypeError, "sample_weight must contain real numbers"),
])
def test_bad_sample_weight(sample_weight, exc, match):
    with pytest.raises(exc, match=match):
        MeanShift(bandwidth=1.0).fit(X_BLOBS, sample_weight=sample_weight)


def test_bad_weights_for_the_vector():
    with pytest.raises(ValueError, match="weights has length 3, but the data has 240 samples"):
        mean_shift_vector([0.0, 0.0], X_BLOBS, 1.0, weights=[1, 2, 3])
    with pytest.raises(ValueError, match="weights must be non-negative"):
        mean_shift_vector([0.0, 0.0], X_BLOBS, 1.0, weights=-np.ones(240))


def test_bad_query_point():
    with pytest.raises(ValueError, match="x has 3 features, but 2 were expected"):
        mean_shift_vector([0.0, 0.0, 0.0], X_BLOBS, 1.0)
    with pytest.raises(ValueError, match="x must be one point"):
        mean_shift_vector(np.zeros((1, 1, 2)), X_BLOBS, 1.0)
    with pytest.raises(ValueError, match="x contains NaN"):
        mean_shift_vector([np.nan, 0.0], X_BLOBS, 1.0)
    with pytest.raises(ValueError, match="data must be a 2-D array"):
        mean_shift_vector([0.0], np.arange(5.0), 1.0)


@pytest.mark.parametrize("kernel, exc, match", [
    ("cosine", ValueError, "kernel must be one of"),
    (3, TypeError, "kernel must be a string"),
    ("biweight", ValueError, "kernel must be 'flat', 'gaussian' or 'epanechnikov', got 'biweight'"),
])
def test_bad_kernel(kernel, exc, match):
    with pytest.raises(exc, match=match):
        MeanShift(bandwidth=1.0, kernel=kernel).fit(X_BLOBS)


@pytest.mark.parametrize("params, exc, match", [
    ({"max_iter": -1}, ValueError, "max_iter must be an integer >= 0, got -1"),
    ({"max_iter": 2.5}, TypeError, "max_iter must be an integer"),
    ({"min_bin_freq": 0}, ValueError, "min_bin_freq must be an integer >= 1, got 0"),
    ({"bin_seeding": "yes"}, TypeError, "bin_seeding must be True or False"),
    ({"cluster_all": 1}, TypeError, "cluster_all must be True or False"),
    ({"record_paths": None}, TypeError, "record_paths must be True or False"),
    ({"seeds": [[0.0, 0.0, 0.0]]}, ValueError, "seeds has 3 features, but 2 were expected"),
    ({"seeds": [[np.nan, 0.0]]}, ValueError, "seeds contains NaN"),
    ({"bin_seeding": True, "min_bin_freq": 10**6}, ValueError, "min_bin_freq=1000000 leaves no seed"),
])
def test_bad_parameters(params, exc, match):
    with pytest.raises(exc, match=match):
        MeanShift(**{"bandwidth": 1.0, **params}).fit(X_BLOBS)


def test_estimated_zero_bandwidth_needs_the_flat_kernel():
    with pytest.raises(ValueError, match="bandwidth was estimated as 0"):
        MeanShift(kernel="gaussian").fit(np.ones((5, 2)))


def test_predict_before_fit_and_with_wrong_features():
    with pytest.raises(NotFittedError):
        MeanShift().predict(X_BLOBS)
    ms = MeanShift(bandwidth=1.5).fit(X_BLOBS)
    with pytest.raises(ValueError, match="X has 3 features, but MeanShift is expecting 2 features"):
        ms.predict(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="X contains NaN"):
        ms.predict([[np.nan, 1.0]])
