"""msutils.AdaptiveMeanShift: against a plain reference implementation, properties and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.exceptions import NotFittedError
from sklearn.metrics import adjusted_rand_score

from msutils import AdaptiveMeanShift as TopLevel
from msutils.kernels import get_kernel
from msutils.meanshift import AdaptiveMeanShift, MeanShift
from msutils.meanshift._adaptive import _climb, knn_bandwidths

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])

PROFILES = {
    "gaussian": (lambda r2: np.exp(-0.5 * r2), lambda r2: np.exp(-0.5 * r2)),
    "flat": (lambda r2: (r2 <= 1).astype(float), lambda r2: np.clip(1 - r2, 0, None)),
    "epanechnikov": (lambda r2: np.clip(1 - r2, 0, None), lambda r2: np.clip(1 - r2, 0, None) ** 2),
}


# --------------------------------------------------------------------------- plain reference


def ref_bandwidths(X, k, w=None):
    """Distance to the k-th neighbour counting weight (brute force), floored at the nearest other point."""
    w = np.ones(len(X)) if w is None else w
    out = np.empty(len(X))
    for i, x in enumerate(X):
        d = np.sqrt(((X - x) ** 2).sum(axis=1))
        order = np.argsort(d, kind="stable")
        cum = np.cumsum(w[order])
        j = np.searchsorted(cum, min(k, w.sum()) * (1 - 1e-12))
        other = d[(d > 0) & (w > 0)].min()
        out[i] = max(d[order][j], other)
    return out


def ref_fit(X, k, *, kernel="gaussian", w=None, scale=1.0, assign="nearest", max_iter=300, tol=1e-3):
    """The estimator written out plainly: one seed at a time, one point at a time."""
    n, d = X.shape
    w = np.ones(n) if w is None else w
    g, shadow = PROFILES[kernel]
    h = ref_bandwidths(X, k, w) * scale
    thresh = tol * np.median(h[w > 0])

    def window(x):
        r2 = ((X - x) ** 2).sum(axis=1) / h**2
        a = w / h ** (d + 2) * g(r2)
        f = (w / h**d * shadow(r2)).sum()
        if a.sum() == 0:
            return None, 0.0, 0.0
        return a @ X / a.sum(), f, a @ h / a.sum()

    def run(x):
        it = 0
        while True:
            new, f, r = window(x)
            if new is None:
                return x, -np.inf, np.nan
            moved = np.linalg.norm(new - x)
            x = new
            if moved <= thresh or it == max_iter:
                return x, f, r
            it += 1

    ends = [run(x) for x in X[w > 0]]
    cand = sorted([e for e in ends if np.isfinite(e[1])], key=lambda e: (e[1], *e[0]), reverse=True)
    centres, radii = [], []
    for c, f, r in cand:
        if all(np.sum((c - kc) ** 2) > kr**2 for kc, kr in zip(centres, radii)):
            centres.append(c)
            radii.append(r)
    centres = np.array(centres)
    if assign == "nearest":
        labels = np.array([np.argmin(((centres - x) ** 2).sum(axis=1)) for x in X])
    else:
        labels = np.array([np.argmin(((centres - run(x)[0]) ** 2).sum(axis=1)) for x in X])
    return centres, labels, h


def two_densities(seed=0, n1=40, n2=80):
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(0, 0.15, (n1, 2)), rng.normal(0, 1.2, (n2, 2)) + [3, 0]])
    return X, np.r_[np.zeros(n1, int), np.ones(n2, int)]


@pytest.mark.parametrize("kernel, k", [("gaussian", 10), ("flat", 15), ("epanechnikov", 15)])
@pytest.mark.parametrize("assign", ["nearest", "basin"])
def test_matches_the_reference(kernel, k, assign):
    X, _ = two_densities()
    ams = AdaptiveMeanShift(k, kernel=kernel, assign_labels=assign).fit(X)
    centres, labels, h = ref_fit(X, k, kernel=kernel, assign=assign)
    np.testing.assert_allclose(ams.bandwidths_, h, rtol=1e-12)
    assert ams.cluster_centers_.shape == centres.shape
    np.testing.assert_allclose(ams.cluster_centers_, centres, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(ams.labels_, labels)


def test_matches_the_reference_with_weights_and_scale():
    X, _ = two_densities(1)
    w = np.random.default_rng(2).uniform(0.2, 3.0, len(X))
    ams = AdaptiveMeanShift(12, bandwidth_scale=0.8, assign_labels="basin").fit(X, sample_weight=w)
    centres, labels, h = ref_fit(X, 12, w=w, scale=0.8, assign="basin")
    np.testing.assert_allclose(ams.bandwidths_, h, rtol=1e-12)
    np.testing.assert_allclose(ams.cluster_centers_, centres, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(ams.labels_, labels)


@SETTINGS
@given(arrays(np.int64, st.tuples(st.integers(3, 30), st.integers(1, 3)), elements=st.integers(-9, 9)),
       st.integers(1, 12))
def test_knn_bandwidths_is_the_weighted_neighbour_distance(Xi, k):
    X = Xi.astype(float)
    w = (np.arange(len(X)) % 3).astype(float)  # weights 0, 1, 2
    if w.sum() == 0:
        w[0] = 1.0
    got = knn_bandwidths(X, k, w)
    for i, x in enumerate(X):
        d = np.sqrt(((X - x) ** 2).sum(axis=1))
        rep = np.sort(np.repeat(d, w.astype(int)))  # weight 2 = two copies
        assert got[i] == rep[min(k, len(rep)) - 1]


# --------------------------------------------------------------------------- properties


def rings(n_per_ring=24, centres=((0, 0), (6, 0), (0, 6))):
    t = 2 * np.pi * np.arange(n_per_ring) / n_per_ring
    ring = np.c_[np.cos(t), np.sin(t)]
    return np.vstack([ring + c for c in centres])


def test_equal_bandwidths_give_plain_gaussian_mean_shift():
    X = rings()  # by symmetry every point has the same neighbour distances
    ams = AdaptiveMeanShift(9).fit(X)  # h = chord of 4 steps = 2 sin(pi / 6) = 1
    h = ams.bandwidths_[0]
    assert h == pytest.approx(1.0, rel=1e-12)
    assert np.ptp(ams.bandwidths_) <= 1e-12 * h
    ms = MeanShift(bandwidth=h, kernel="gaussian").fit(X)
    assert len(ams.cluster_centers_) == len(ms.cluster_centers_) == 3
    order = np.lexsort(ms.cluster_centers_.T)
    np.testing.assert_allclose(ams.cluster_centers_[np.lexsort(ams.cluster_centers_.T)],
                               ms.cluster_centers_[order], rtol=0, atol=1e-9)
    assert adjusted_rand_score(ams.labels_, ms.labels_) == 1.0
    np.testing.assert_allclose(ams.center_radii_, h, rtol=1e-12)


@SETTINGS
@given(arrays(np.int64, st.tuples(st.integers(3, 25), st.integers(1, 3)), elements=st.integers(-8, 8)),
       st.sampled_from([1.5, 2.5, 4.0]))
def test_constant_bandwidths_climb_like_meanshift(Xi, h):
    X = Xi.astype(float)
    ms = MeanShift(bandwidth=h, kernel="gaussian").fit(X)
    u = np.unique(X, axis=0)
    w = np.array([np.sum(np.all(X == r, axis=1)) for r in u], dtype=float)
    res = _climb(u, w, np.full(len(u), h), X, get_kernel("gaussian"), 300, 1e-3 * h)
    # every climb ends within 1e-3 h-ish of a MeanShift centre, and every centre is reached
    d = np.sqrt(((res.centers[:, None] - ms.cluster_centers_[None]) ** 2).sum(axis=2))
    assert d.min(axis=1).max() <= 0.6 * h  # centres are merged within h, ends lie near them
    assert set(np.unique(d.argmin(axis=1))) == set(range(len(ms.cluster_centers_)))
    assert res.n_iter.max() == ms.n_iter_


@SETTINGS
@given(st.integers(0, 50), st.floats(0.01, 100.0))
def test_scaling_the_data_scales_the_modes(seed, c):
    X, _ = two_densities(seed, 20, 30)
    for assign in ("nearest", "basin"):
        a = AdaptiveMeanShift(8, assign_labels=assign).fit(X)
        b = AdaptiveMeanShift(8, assign_labels=assign).fit(X * c)
        np.testing.assert_allclose(a.cluster_centers_ * c, b.cluster_centers_, rtol=1e-9, atol=1e-9 * c)
        np.testing.assert_allclose(a.bandwidths_ * c, b.bandwidths_, rtol=1e-12)
        np.testing.assert_array_equal(a.labels_, b.labels_)


@SETTINGS
@given(st.integers(0, 50), st.randoms(use_true_random=False))
def test_permutation_and_translation(seed, rnd):
    X, _ = two_densities(seed, 20, 30)
    perm = np.array(rnd.sample(range(len(X)), len(X)))
    a = AdaptiveMeanShift(8, assign_labels="basin").fit(X)
    b = AdaptiveMeanShift(8, assign_labels="basin").fit(X[perm] + [100.0, -50.0])
    np.testing.assert_allclose(a.cluster_centers_ + [100.0, -50.0], b.cluster_centers_, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(a.labels_[perm], b.labels_)


@pytest.mark.parametrize("assign", ["nearest", "basin"])
def test_integer_weights_act_as_repeated_points(assign):
    X, _ = two_densities(3, 20, 30)
    X = np.round(X * 16) / 16
    w = np.random.default_rng(4).integers(1, 4, len(X))
    a = AdaptiveMeanShift(9, assign_labels=assign).fit(X, sample_weight=w)
    b = AdaptiveMeanShift(9, assign_labels=assign).fit(np.repeat(X, w, axis=0))
    np.testing.assert_allclose(a.cluster_centers_, b.cluster_centers_, rtol=0, atol=1e-12)
    first = np.r_[0, np.cumsum(w)[:-1]]
    np.testing.assert_array_equal(a.labels_, b.labels_[first])
    np.testing.assert_array_equal(a.bandwidths_, b.bandwidths_[first])


@pytest.mark.parametrize("assign", ["nearest", "basin"])
def test_predict_labels_training_points_as_fit(assign):
    X, _ = two_densities(5)
    ams = AdaptiveMeanShift(15, assign_labels=assign).fit(X)
    np.testing.assert_array_equal(ams.predict(X), ams.labels_)
    np.testing.assert_array_equal(ams.fit_predict(X), ams.labels_)


def test_basin_labels_follow_each_points_own_climb():
    X, _ = two_densities(6)
    ams = AdaptiveMeanShift(15, assign_labels="basin", record_paths=True).fit(X)
    ends = np.array([p[-1] for p in ams.paths_])
    nearest_to_end = np.argmin(((ends[:, None] - ams.cluster_centers_[None]) ** 2).sum(axis=2), axis=1)
    np.testing.assert_array_equal(ams.labels_, nearest_to_end)
    for p, x in zip(ams.paths_, X):
        np.testing.assert_array_equal(p[0], x)


def test_adaptive_bandwidths_separate_a_tight_and_a_broad_cluster():
    X, y = two_densities(0, 150, 300)
    fixed = max(adjusted_rand_score(y, MeanShift(bandwidth=h, kernel="gaussian").fit(X).labels_)
                for h in (0.2, 0.3, 0.4, 0.6, 0.8, 1.0, 1.2))
    ams = AdaptiveMeanShift(20, assign_labels="basin").fit(X)
    assert len(ams.cluster_centers_) == 2
    assert adjusted_rand_score(y, ams.labels_) > fixed + 0.1
    assert np.median(ams.bandwidths_[:150]) < 0.3 * np.median(ams.bandwidths_[150:])


def test_centres_are_fixed_points_of_the_variable_bandwidth_step():
    X, _ = two_densities(7)
    ams = AdaptiveMeanShift(15).fit(X)
    h, d = ams.bandwidths_, X.shape[1]
    for c in ams.cluster_centers_:
        a = np.exp(-0.5 * ((X - c) ** 2).sum(axis=1) / h**2) / h ** (d + 2)
        assert np.linalg.norm(a @ X / a.sum() - c) <= 1e-3 * np.median(h)


def test_high_dimension_small_scale_does_not_overflow():
    rng = np.random.default_rng(8)
    X = np.vstack([rng.normal(0, 1e-3, (30, 60)), rng.normal(0, 1e-3, (30, 60)) + 0.05])
    ams = AdaptiveMeanShift(10, assign_labels="basin").fit(X)
    assert len(ams.cluster_centers_) == 2
    assert adjusted_rand_score(np.r_[np.zeros(30), np.ones(30)], ams.labels_) == 1.0


def test_cluster_all_false_marks_far_points():
    X, _ = two_densities(9)
    X = np.vstack([X, [[40.0, 40.0]]])
    seeds = X[:-1:5]
    for assign in ("nearest", "basin"):
        params = dict(kernel="flat", seeds=seeds, assign_labels=assign)
        ams = AdaptiveMeanShift(10, cluster_all=False, **params).fit(X)
        full = AdaptiveMeanShift(10, **params).fit(X)
        assert ams.labels_[-1] == -1 and full.labels_[-1] >= 0
        kept = ams.labels_ >= 0
        np.testing.assert_array_equal(ams.labels_[kept], full.labels_[kept])
        if assign == "nearest":  # -1 exactly where the nearest centre is farther than its radius
            d = np.linalg.norm(X - ams.cluster_centers_[full.labels_], axis=1)
            np.testing.assert_array_equal(~kept, d > ams.center_radii_[full.labels_])


def test_duplicates_get_a_positive_bandwidth():
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0], [6.0, 5.0]]), 10, axis=0)
    ams = AdaptiveMeanShift(5).fit(X)
    np.testing.assert_array_equal(ams.bandwidths_, 1.0)  # the nearest other distinct point
    assert len(ams.cluster_centers_) == 2


def test_fitted_attributes_and_top_level_export():
    assert TopLevel is AdaptiveMeanShift
    X, _ = two_densities()
    ams = AdaptiveMeanShift(200).fit(X)  # more neighbours than points: all of them
    assert ams.n_neighbors_ == len(X)
    assert ams.n_features_in_ == 2 and isinstance(ams.n_iter_, int)
    assert ams.bandwidths_.shape == (len(X),) and ams.labels_.dtype.kind == "i"
    assert not hasattr(ams, "paths_")


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("params, exc, match", [
    ({"n_neighbors": 0}, ValueError, "n_neighbors must be an integer >= 1, got 0"),
    ({"n_neighbors": 2.5}, TypeError, "n_neighbors must be an integer"),
    ({"kernel": "cosine"}, ValueError, "kernel must be one of"),
    ({"kernel": "biweight"}, ValueError, "kernel must be 'flat', 'gaussian' or 'epanechnikov'"),
    ({"bandwidth_scale": 0}, ValueError, "bandwidth_scale must be a positive finite number, got 0"),
    ({"bandwidth_scale": "1"}, TypeError, "bandwidth_scale must be a positive real number"),
    ({"tol": -1.0}, ValueError, "tol must be a positive finite number"),
    ({"assign_labels": "mode"}, ValueError, "assign_labels must be 'nearest' or 'basin', got 'mode'"),
    ({"max_iter": -1}, ValueError, "max_iter must be an integer >= 0"),
    ({"cluster_all": 1}, TypeError, "cluster_all must be True or False"),
    ({"record_paths": None}, TypeError, "record_paths must be True or False"),
    ({"seeds": [[0.0, 0.0, 0.0]]}, ValueError, "seeds has 3 features, but 2 were expected"),
])
def test_bad_parameters(params, exc, match):
    X, _ = two_densities()
    with pytest.raises(exc, match=match):
        AdaptiveMeanShift(**params).fit(X)


@pytest.mark.parametrize("X, exc, match", [
    ([[1.0, np.nan], [0.0, 0.0]], ValueError, "X contains NaN or infinite"),
    ([[1.0, 2.0]], ValueError, "X has 1 sample"),
    (np.ones((5, 2)), ValueError, "X has a single distinct point"),
    (np.zeros(5), ValueError, "X must be a 2-D array"),
    ([["a", "b"], ["c", "d"]], TypeError, "X must contain real numbers"),
    (None, TypeError, "X must be an array-like"),
])
def test_bad_X(X, exc, match):
    with pytest.raises(exc, match=match):
        AdaptiveMeanShift().fit(X)


def test_bad_sample_weight_and_predict():
    X, _ = two_densities()
    with pytest.raises(ValueError, match="sample_weight has length 3"):
        AdaptiveMeanShift().fit(X, sample_weight=[1, 2, 3])
    with pytest.raises(NotFittedError):
        AdaptiveMeanShift().predict(X)
    ams = AdaptiveMeanShift().fit(X)
    with pytest.raises(ValueError, match="X has 3 features, but AdaptiveMeanShift is expecting 2"):
        ams.predict(np.zeros((2, 3)))
