"""Basin labelling: ``MeanShift(assign_labels="basin")``.

A plain reference implementation (every point climbs by full weighted means
over all the data; its label is the kept centre nearest to where it stops)
checks the fast engine, for every kernel, plus properties of the partition.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_blobs, make_circles, make_moons
from sklearn.metrics import adjusted_rand_score

from msutils.meanshift import MeanShift

KERNELS = ["flat", "gaussian", "epanechnikov"]


def _weights(d2, h, kernel):
    if kernel == "flat":
        return (d2 <= h * h).astype(float)
    if kernel == "gaussian":
        return np.exp(-d2 / (2 * h * h))
    return np.clip(1 - d2 / (h * h), 0, None)


def reference_climb(x, X, h, kernel, max_iter=300):
    """Mean shift from ``x`` over all of ``X``, scikit-learn's stopping rule; None if the window empties."""
    m = np.array(x, dtype=float)
    for it in range(max_iter + 1):
        d2 = ((X - m) ** 2).sum(axis=1)
        g = _weights(d2, h, kernel)
        if g.sum() == 0:
            return None
        new = g @ X / g.sum()
        moved = np.linalg.norm(new - m)
        m = new
        if moved <= 1e-3 * h or it == max_iter:
            break
    return m


def reference_basin_labels(points, centers, h, kernel, data=None):
    """Label of each point: the centre nearest to where its climb over ``data`` (default: the points) ends."""
    data = points if data is None else data
    labels = []
    for x in points:
        end = reference_climb(x, data, h, kernel)
        end = x if end is None else end
        labels.append(int(np.argmin(((centers - end) ** 2).sum(axis=1))))
    return np.array(labels)


@pytest.mark.parametrize("kernel", KERNELS)
def test_basin_labels_match_the_reference(kernel):
    X, _ = make_moons(150, noise=0.08, random_state=1)
    h = 0.3
    ms = MeanShift(bandwidth=h, kernel=kernel, assign_labels="basin").fit(X)
    ref = reference_basin_labels(X, ms.cluster_centers_, h, kernel)
    np.testing.assert_array_equal(ms.labels_, ref)
    # and the partition is not the nearest-centre one here (the test would be vacuous)
    near = MeanShift(bandwidth=h, kernel=kernel).fit(X)
    np.testing.assert_array_equal(near.cluster_centers_, ms.cluster_centers_)
    assert np.any(near.labels_ != ms.labels_)


@pytest.mark.parametrize("kernel", KERNELS)
def test_basin_labels_with_bin_seeds_and_large_data(kernel):
    # more than 4096 distinct points: the block engine answers the windows
    rng = np.random.default_rng(3)
    X = np.concatenate([rng.normal(0, 1, (2600, 2)), rng.normal([4.0, 0.5], 0.7, (2000, 2))])
    h = 0.9
    ms = MeanShift(bandwidth=h, kernel=kernel, bin_seeding=True, assign_labels="basin").fit(X)
    idx = rng.choice(len(X), 60, replace=False)
    ref = reference_basin_labels(X[idx], ms.cluster_centers_, h, kernel, data=X)
    np.testing.assert_array_equal(ms.labels_[idx], ref)


@pytest.mark.parametrize("kernel", KERNELS)
def test_a_label_is_the_centre_its_climb_reaches(kernel):
    X, _ = make_circles(200, noise=0.05, factor=0.4, random_state=0)
    ms = MeanShift(bandwidth=0.25, kernel=kernel, assign_labels="basin", record_paths=True).fit(X)
    ends = np.array([p[-1] for p in ms.paths_])  # default seeds: the climbs start at the points
    d2 = ((ends[:, None, :] - ms.cluster_centers_[None]) ** 2).sum(axis=2)
    np.testing.assert_array_equal(ms.labels_, np.argmin(d2, axis=1))
    # the climb really reaches it: the end is within the merge radius of its centre
    assert np.all(np.sqrt(d2[np.arange(len(X)), ms.labels_]) <= 0.25)


def test_two_moons_basins_beat_nearest_centres():
    X, y = make_moons(400, noise=0.06, random_state=0)
    near = MeanShift(bandwidth=0.25, kernel="gaussian").fit(X)
    basin = MeanShift(bandwidth=0.25, kernel="gaussian", assign_labels="basin").fit(X)
    assert round(adjusted_rand_score(y, basin.labels_), 2) == 0.71
    assert round(adjusted_rand_score(y, near.labels_), 2) == 0.40
    assert np.sum(basin.labels_ != near.labels_) == 63


@pytest.mark.parametrize("kernel", KERNELS)
def test_relabel_invariance(kernel):
    X, _ = make_moons(120, noise=0.07, random_state=4)
    perm = np.random.default_rng(0).permutation(len(X))
    a = MeanShift(bandwidth=0.3, kernel=kernel, assign_labels="basin").fit(X)
    b = MeanShift(bandwidth=0.3, kernel=kernel, assign_labels="basin").fit(X[perm])
    # summation order changes with the permutation: the centres agree to rounding
    np.testing.assert_allclose(a.cluster_centers_, b.cluster_centers_, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(a.labels_[perm], b.labels_)
    # the partition, not the numbering, is what matters: identical up to renaming
    assert adjusted_rand_score(a.labels_[perm], b.labels_) == 1.0


@pytest.mark.parametrize("kernel", KERNELS)
def test_same_as_nearest_on_well_separated_blobs(kernel):
    X, _ = make_blobs(300, centers=[[0, 0], [10, 0], [0, 10]], cluster_std=0.8, random_state=2)
    near = MeanShift(bandwidth=2.0, kernel=kernel).fit(X)
    basin = MeanShift(bandwidth=2.0, kernel=kernel, assign_labels="basin").fit(X)
    assert len(near.cluster_centers_) == 3
    np.testing.assert_array_equal(near.labels_, basin.labels_)


def test_default_is_nearest_and_unchanged():
    X, _ = make_moons(100, noise=0.1, random_state=0)
    assert MeanShift().get_params()["assign_labels"] == "nearest"
    a = MeanShift(bandwidth=0.3).fit(X)
    b = MeanShift(bandwidth=0.3, assign_labels="nearest").fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    d2 = ((X[:, None] - a.cluster_centers_[None]) ** 2).sum(axis=2)
    np.testing.assert_array_equal(a.labels_, np.argmin(d2, axis=1))


@pytest.mark.parametrize("kernel", KERNELS)
def test_predict_climbs_the_new_points(kernel):
    X, _ = make_moons(200, noise=0.06, random_state=0)
    ms = MeanShift(bandwidth=0.25, kernel=kernel, assign_labels="basin").fit(X)
    np.testing.assert_array_equal(ms.predict(X), ms.labels_)
    new = np.random.default_rng(5).uniform([-1, -0.5], [2, 1], (40, 2))
    ref = reference_basin_labels(new, ms.cluster_centers_, 0.25, kernel, data=X)
    np.testing.assert_array_equal(ms.predict(new), ref)


def test_unseeded_mode_and_cluster_all_false():
    # seeds only near the left group: the right group's points climb to a mode that was not kept
    X = np.array([[0.0], [0.5], [1.0], [10.0], [10.5]])
    kw = dict(bandwidth=1.2, seeds=[[0.2]], assign_labels="basin")
    ms = MeanShift(cluster_all=False, **kw).fit(X)
    assert ms.labels_.tolist() == [0, 0, 0, -1, -1]
    assert MeanShift(**kw).fit(X).labels_.tolist() == [0, 0, 0, 0, 0]


def test_sample_weights_act_as_repeats():
    X, _ = make_moons(80, noise=0.08, random_state=2)
    w = np.random.default_rng(1).integers(0, 3, len(X))
    a = MeanShift(bandwidth=0.3, kernel="gaussian", assign_labels="basin").fit(X, sample_weight=w)
    b = MeanShift(bandwidth=0.3, kernel="gaussian", assign_labels="basin").fit(np.repeat(X, w, axis=0))
    np.testing.assert_allclose(a.cluster_centers_, b.cluster_centers_, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(np.repeat(a.labels_, w), b.labels_)


@pytest.mark.parametrize("value", ["voronoi", 1, None])
def test_bad_assign_labels(value):
    with pytest.raises(ValueError, match="assign_labels must be 'nearest' or 'basin'"):
        MeanShift(bandwidth=1.0, assign_labels=value).fit(np.zeros((3, 1)))


@pytest.mark.parametrize("kernel", ["gaussian", "epanechnikov"])  # flat: tests/test_flatclimb.py
def test_batched_climbs_match_one_at_a_time(kernel):
    from msutils.kernels import get_kernel
    from msutils.meanshift._climb import Climber

    X, _ = make_moons(300, noise=0.06, random_state=0)
    starts = np.random.default_rng(0).uniform([-1.2, -0.7], [2.2, 1.2], (200, 2))
    kw = dict(kernel=get_kernel(kernel), max_iter=300, stop_thresh=2.5e-4, scale=3.0)
    one = Climber(X, np.ones(len(X)), 0.25, **kw).run(starts)
    batch = Climber(X, np.ones(len(X)), 0.25, **kw).run_all(starts)
    np.testing.assert_allclose(batch.centers, one.centers, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(batch.intensity > 0, one.intensity > 0)
    np.testing.assert_array_equal(batch.n_iter, one.n_iter)
    if kernel == "epanechnikov":
        assert np.any(one.intensity == 0)  # some starts have empty windows: that branch is tested


@pytest.mark.parametrize("max_iter", [2, 5, 300])
def test_known_outcomes_give_the_step_by_step_result(max_iter):
    # integer data: paths merge exactly, so later climbs hit the stored outcomes of earlier ones
    from msutils.kernels import get_kernel
    from msutils.meanshift._climb import Climber

    rng = np.random.default_rng(0)
    X = np.concatenate([rng.integers(0, 12, (3000, 3)), rng.integers(20, 30, (2500, 3))]).astype(float)
    d = np.unique(X, axis=0, return_counts=True)
    kw = dict(kernel=get_kernel("flat"), max_iter=max_iter, stop_thresh=4e-3, scale=30.0)
    first, second = X[::7], X[3::5]
    shared = Climber(d[0], d[1].astype(float), 4.0, **kw)
    shared.run(first)
    hits_before = len(shared.outcome)
    windows_before = len(shared.memo)
    b = shared.run(second)
    alone = Climber(d[0], d[1].astype(float), 4.0, **kw)
    fresh = alone.run(second, record_paths=True)  # recording paths: no shortcut, every step taken
    assert len(shared.memo) - windows_before < len(alone.memo)  # the shared climber reused earlier climbs
    np.testing.assert_array_equal(b.centers, fresh.centers)
    np.testing.assert_array_equal(b.intensity, fresh.intensity)
    np.testing.assert_array_equal(b.n_iter, fresh.n_iter)
    assert hits_before > 0
