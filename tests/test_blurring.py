"""BlurringMeanShift (Gaussian blurring mean shift) against a plain reference and its known behaviour."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

import msutils
from msutils.meanshift import BlurringMeanShift, MeanShift
from msutils.meanshift._blurring import blurring_step, step_entropy


def reference_gbms(X, h, tol=1e-8, n_bins=None, max_iter=100):
    """Plain GBMS: full affinity matrix, the entropy rule; returns the final points and the step count."""
    n_bins = int(np.ceil(0.9 * len(X))) if n_bins is None else n_bins
    Y = X.copy()
    H = []
    for it in range(1, max_iter + 1):
        W = np.exp(-((Y[:, None] - Y[None]) ** 2).sum(axis=2) / (2 * h * h))
        new = W @ Y / W.sum(axis=1, keepdims=True)
        e = np.linalg.norm(new - Y, axis=1)
        Y = new
        counts = np.histogram(e, bins=n_bins)[0]
        p = counts[counts > 0] / len(e)
        H.append(-(p * np.log(p)).sum())
        if e.max() <= 1e-3 * h or (len(H) > 1 and abs(H[-1] - H[-2]) < tol):
            break
    return Y, it


def test_matches_the_reference():
    X, _ = make_blobs(120, centers=3, cluster_std=0.8, random_state=0)
    gb = BlurringMeanShift(bandwidth=1.0, record_paths=True).fit(X)
    Y, n_iter = reference_gbms(X, 1.0)
    assert gb.n_iter_ == n_iter
    final = np.array([p[-1] for p in gb.paths_])
    np.testing.assert_allclose(final, Y, rtol=0, atol=1e-10)
    np.testing.assert_array_equal(gb.paths_[0][0], X[0])


def test_block_computation_matches_dense(monkeypatch):
    import msutils.meanshift._blurring as mod
    Y = np.random.default_rng(0).normal(size=(50, 3))
    dense = blurring_step(Y, 0.7)
    monkeypatch.setattr(mod, "_PAIR_BUDGET", 100)  # two rows per block
    np.testing.assert_allclose(blurring_step(Y, 0.7), dense, rtol=0, atol=1e-14)


def test_collapses_separated_clusters_in_few_steps():
    X, y = make_blobs(300, centers=[[0, 0], [8, 0], [0, 8]], cluster_std=0.6, random_state=1)
    gb = BlurringMeanShift(bandwidth=1.0, record_paths=True).fit(X)
    assert len(gb.cluster_centers_) == 3
    assert adjusted_rand_score(y, gb.labels_) == 1.0
    assert gb.n_iter_ <= 10
    final = np.array([p[-1] for p in gb.paths_])
    for k in range(3):  # each cluster collapsed to (almost) one point
        assert np.ptp(final[gb.labels_ == k], axis=0).max() < 1e-3
    # standard mean shift needs many more steps for the same clusters
    ms = MeanShift(bandwidth=1.0, kernel="gaussian").fit(X)
    assert ms.n_iter_ > gb.n_iter_


def test_separated_points_stop_at_once():
    X = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]])
    gb = BlurringMeanShift(bandwidth=0.5).fit(X)
    assert gb.n_iter_ == 1 and gb.stop_reason_ == "step"
    np.testing.assert_array_equal(np.sort(gb.labels_), np.arange(4))


def test_cubic_convergence_of_a_gaussian_cluster():
    # for a Gaussian cluster of variance s h^2, one step maps s to about s (s / (s + 1))^2:
    # cubic once s is small (Carreira-Perpinan 2006)
    X = np.random.default_rng(2).normal(0, 1.0, (3000, 1))
    h = 1.0
    Y = X.copy()
    s = [Y.var() / h**2]
    for _ in range(3):
        Y = blurring_step(Y, h)
        s.append(Y.var() / h**2)
    for a, b in zip(s[:-1], s[1:]):
        assert b == pytest.approx(a * (a / (a + 1)) ** 2, rel=0.15)
    assert s[3] < s[2] ** 3 * 1.2 and s[3] < 1e-3


def test_the_entropy_rule_stops_before_the_clusters_meet():
    # two clusters 4 h apart: they collapse, then drift slowly towards each other;
    # the entropy rule stops once the step-length distribution is stable, with two clusters
    X, y = make_blobs(200, centers=[[0, 0], [4, 0]], cluster_std=0.3, random_state=3)
    gb = BlurringMeanShift(bandwidth=1.0).fit(X)
    assert len(gb.cluster_centers_) == 2
    assert gb.n_iter_ < 20
    assert gb.stop_reason_ in ("entropy", "step")
    if gb.stop_reason_ == "entropy":
        assert abs(gb.entropies_[-1] - gb.entropies_[-2]) < 1e-8
    assert BlurringMeanShift(bandwidth=1.0, max_iter=2).fit(X).stop_reason_ == "max_iter"


def test_step_entropy():
    assert step_entropy(np.array([0.0, 1.0]), 2) == pytest.approx(np.log(2))
    assert step_entropy(np.array([0.0, 0.1, 0.2, 5.0]), 2) == pytest.approx(-(0.75 * np.log(0.75) + 0.25 * np.log(0.25)))


def test_exported_and_ordered():
    assert msutils.BlurringMeanShift is BlurringMeanShift
    X = np.concatenate([np.zeros((5, 1)), np.full((3, 1), 10.0), np.full((3, 1), 20.0)])
    gb = BlurringMeanShift(bandwidth=1.0).fit(X)
    np.testing.assert_allclose(gb.cluster_centers_.ravel(), [0.0, 20.0, 10.0], atol=1e-15)  # by size, then coordinates
    assert gb.labels_.tolist() == [0] * 5 + [2] * 3 + [1] * 3
    np.testing.assert_array_equal(gb.fit_predict(X), gb.labels_)


@pytest.mark.parametrize("params, exc, match", [
    (dict(bandwidth=-1.0), ValueError, "bandwidth"),
    (dict(tol=0.0), ValueError, "tol must be a positive"),
    (dict(tol="a"), TypeError, "tol must be a positive"),
    (dict(n_bins=0), ValueError, "n_bins"),
    (dict(max_iter=1.5), TypeError, "max_iter"),
    (dict(merge_radius=-0.1), ValueError, "merge_radius"),
    (dict(record_paths="yes"), TypeError, "record_paths"),
])
def test_bad_parameters(params, exc, match):
    with pytest.raises(exc, match=match):
        BlurringMeanShift(**params).fit(np.arange(6.0).reshape(3, 2))


def test_bad_X():
    with pytest.raises(ValueError, match="X"):
        BlurringMeanShift(bandwidth=1.0).fit([[np.nan, 0.0]])
    with pytest.raises(TypeError, match="X"):
        BlurringMeanShift(bandwidth=1.0).fit([["a", "b"]])
    with pytest.raises(ValueError, match="bandwidth was estimated as 0"):
        BlurringMeanShift().fit(np.zeros((4, 2)))
