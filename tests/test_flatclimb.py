"""The compiled flat-kernel climber (``msutils.meanshift._flatclimb``).

It must take exactly the steps of the one-at-a-time climber
(:meth:`Climber.run`, itself checked against scikit-learn and a plain
reference): bit-identical ends, intensities and iteration counts on
integer-valued data, where every window sum is exact, and agreement up to
rounding on float data.  A plain all-points reference checks it directly too.
"""

from __future__ import annotations

import numpy as np
import pytest

import msutils.meanshift._flatclimb as fc_mod
from msutils.kernels import get_kernel
from msutils.meanshift import MeanShift
from msutils.meanshift._climb import Climber
from msutils.meanshift._flatclimb import MAX_FEATURES, FlatClimber


#: integer lattice spacing per dimension, so that every data set has more than 4096 distinct rows
SCALE = {1: 800, 2: 8, 3: 1, 5: 1}


def _integer_data(d, seed=0):
    rng = np.random.default_rng(seed)
    s = SCALE[d]
    X = np.concatenate([rng.integers(0, 14 * s, (4000, d)), rng.integers(18 * s, 34 * s, (3000, d)),
                        rng.integers(-30 * s, 60 * s, (800, d))]).astype(float)
    rows, counts = np.unique(X, axis=0, return_counts=True)
    return rows, counts.astype(float)


def _climbers(rows, w, h, max_iter, scale):
    kw = dict(kernel=get_kernel("flat"), max_iter=max_iter, stop_thresh=1e-3 * h, scale=scale)
    return Climber(rows, w, h, **kw), Climber(rows, w, h, **kw)


def plain_flat_climb(x, X, w, h, max_iter):
    """Every window from all points; scikit-learn's stopping rule. (end, intensity, n_iter)."""
    m, completed = np.array(x, dtype=float), 0
    while True:
        d2 = ((X - m) ** 2).sum(axis=1)
        g = np.where(d2 <= h * h, w, 0.0)
        if g.sum() == 0:
            return np.array(x, dtype=float), 0.0, completed
        new = g @ X / g.sum()
        moved = np.linalg.norm(new - m)
        m = new
        if moved <= 1e-3 * h or completed == max_iter:
            return m, g.sum(), completed
        completed += 1


@pytest.mark.parametrize("d", [1, 2, 3, 5])
@pytest.mark.parametrize("max_iter", [3, 300])
def test_bit_identical_to_one_at_a_time_on_integer_data(d, max_iter):
    rows, w = _integer_data(d)
    assert len(rows) > 4096  # the block engine answers the windows
    h = {1: 2.5, 2: 3.0, 3: 4.0, 5: 6.0}[d] * SCALE[d]
    one, compiled = _climbers(rows, w, h, max_iter, 500.0 * SCALE[d])
    far = 500.0 * SCALE[d]
    starts = np.concatenate([rows, [[far] * d]])  # the last start has an empty window
    a = one.run(starts)
    b = compiled.run_all(starts)
    assert compiled._flat is not None  # the compiled path ran
    np.testing.assert_array_equal(b.centers, a.centers)
    np.testing.assert_array_equal(b.intensity, a.intensity)
    np.testing.assert_array_equal(b.n_iter, a.n_iter)
    assert b.intensity[-1] == 0 and np.all(b.centers[-1] == far)
    if max_iter == 3:
        assert b.n_iter.max() == 3  # the cap was reached: that branch is tested


def test_agrees_with_a_plain_reference():
    rows, w = _integer_data(3, seed=1)
    h = 4.0
    rng = np.random.default_rng(2)
    starts = np.concatenate([rows[rng.choice(len(rows), 40, replace=False)],
                             rng.uniform(-35, 65, (20, 3))])
    res = FlatClimber(rows, w, h, max_iter=300, stop_thresh=1e-3 * h, slack=1e-9).run(starts)
    for i, x in enumerate(starts):
        end, tot, it = plain_flat_climb(x, rows, w, h, 300)
        np.testing.assert_allclose(res[0][i], end, rtol=0, atol=1e-12)
        assert res[1][i] == tot and res[2][i] == it


def test_float_data_agrees_up_to_rounding():
    rng = np.random.default_rng(4)
    X = np.concatenate([rng.normal(0, 1, (3000, 3)), rng.normal(3.5, 0.8, (2500, 3))])
    w = np.ones(len(X))
    one, compiled = _climbers(X, w, 0.8, 300, float(np.abs(X).max()))
    a, b = one.run(X), compiled.run_all(X)
    np.testing.assert_allclose(b.centers, a.centers, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(b.n_iter, a.n_iter)
    np.testing.assert_allclose(b.intensity, a.intensity, rtol=0, atol=0)  # counts: exact


def test_tiny_memo_and_block_cache_give_the_same_result(monkeypatch):
    rows, w = _integer_data(3, seed=5)
    h = 4.0
    big = FlatClimber(rows, w, h, max_iter=300, stop_thresh=4e-3, slack=1e-9)
    ref = big.run(rows)
    monkeypatch.setattr(fc_mod, "MEMO_BYTES", 1)  # the memo fills up at once: most steps are recomputed
    monkeypatch.setattr(fc_mod, "CACHE_BYTES", 1)  # every block but the last is evicted
    monkeypatch.setattr(fc_mod, "CHUNK", 97)
    small = FlatClimber(rows, w, h, max_iter=300, stop_thresh=4e-3, slack=1e-9)
    out = small.run(rows)
    assert all(lane.n == lane.mpos.shape[0] for lane in small._lanes)  # the memos really were full
    assert small.n_memo < big.n_memo
    assert small.n_blocks > big.n_blocks  # and blocks really were rebuilt
    for x, y in zip(ref, out):
        np.testing.assert_array_equal(x, y)


def test_the_number_of_threads_does_not_change_the_result():
    # float data, where the order of the sums matters: each lane's history is fixed, whatever the threads
    rng = np.random.default_rng(8)
    X = np.concatenate([rng.normal(0, 1, (9000, 3)), rng.normal(3.0, 0.8, (9000, 3))])
    kw = dict(max_iter=300, stop_thresh=8e-4, slack=1e-9)
    one = FlatClimber(X, np.ones(len(X)), 0.8, n_threads=1, **kw).run(X)
    two = FlatClimber(X, np.ones(len(X)), 0.8, n_threads=2, **kw).run(X)
    assert len(X) > 2 * fc_mod.CHUNK  # both lanes get chunks
    for x, y in zip(one, two):
        np.testing.assert_array_equal(x, y)


def test_memo_is_used():
    rows, w = _integer_data(3, seed=6)
    fc = FlatClimber(rows, w, 4.0, max_iter=300, stop_thresh=4e-3, slack=1e-9)
    _, _, n_iter = fc.run(rows)
    steps = int((n_iter + 1).sum())
    assert fc.n_memo < 0.75 * steps  # a third of the steps (here) came from the memo, not a window scan


def test_too_many_features():
    with pytest.raises(ValueError, match=f"at most {MAX_FEATURES} features"):
        FlatClimber(np.zeros((5, MAX_FEATURES + 1)), np.ones(5), 1.0, max_iter=10,
                    stop_thresh=1e-3, slack=1e-9)


def test_many_features_fall_back_to_one_at_a_time():
    rng = np.random.default_rng(7)
    X = rng.integers(0, 4, (5000, MAX_FEATURES + 1)).astype(float)
    ms = MeanShift(bandwidth=2.5, bin_seeding=True, assign_labels="basin").fit(X)
    assert ms.labels_.shape == (5000,) and ms.labels_.min() >= 0


def test_basin_labels_on_image_colours_match_one_at_a_time():
    # the benchmark's situation in miniature: integer colours, bin seeding, basin labels
    from sklearn.datasets import load_sample_image

    img = load_sample_image("china.jpg")[::6, ::6]
    X = img.reshape(-1, 3).astype(float)
    ms = MeanShift(bandwidth=30.0, bin_seeding=True, assign_labels="basin").fit(X)
    rows, inverse, counts = np.unique(X, axis=0, return_inverse=True, return_counts=True)
    assert len(rows) > 4096
    one = Climber(rows, counts.astype(float), 30.0, kernel=get_kernel("flat"), max_iter=300,
                  stop_thresh=0.03, scale=255.0).run(rows)
    d2 = ((one.centers[:, None, :] - ms.cluster_centers_[None]) ** 2).sum(axis=2)
    np.testing.assert_array_equal(ms.labels_, np.argmin(d2, axis=1)[inverse.ravel()])
