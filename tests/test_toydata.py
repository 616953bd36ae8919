"""msutils.toydata: shapes, seeds and the properties each data set is built to have."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_blobs

from msutils.toydata import ANISOTROPIC_MAP, anisotropic, mixed_units, separated_blobs, tight_and_broad, toy_datasets


def test_mixed_units_columns_are_metres_and_millimetres():
    X, y = mixed_units(400, random_state=1)
    means = np.array([X[y == k].mean(axis=0) for k in range(3)])
    np.testing.assert_allclose(means, [[1.0, 300.0], [1.6, 300.0], [1.3, 450.0]], rtol=0.02)
    stds = np.array([X[y == k].std(axis=0) for k in range(3)])
    np.testing.assert_allclose(stds, np.tile([0.08, 25.0], (3, 1)), rtol=0.1)


def test_tight_and_broad_spreads_and_separation():
    X, y = tight_and_broad(2000, 2000, random_state=2)
    assert X[y == 0].std(axis=0) == pytest.approx([0.15, 0.15], rel=0.05)
    assert X[y == 1].std(axis=0) == pytest.approx([1.2, 1.2], rel=0.05)
    np.testing.assert_allclose(X[y == 1].mean(axis=0) - X[y == 0].mean(axis=0), [3.0, 0.0], atol=0.1)


@pytest.mark.parametrize("d", [2, 3, 10, 50])
def test_separated_blobs_keep_their_centre_distances_in_any_dimension(d):
    X, y = separated_blobs(3000, d, separation=6.0, random_state=3)
    c = np.array([X[y == k].mean(axis=0) for k in range(3)])
    dist = np.linalg.norm(c[:, None] - c[None], axis=2)[np.triu_indices(3, 1)]
    np.testing.assert_allclose(dist, 6.0, atol=0.25)
    assert X.std(axis=0)[2:].mean() == pytest.approx(1.0, rel=0.05) if d > 2 else True


def test_seeds_are_reproducible_and_matter():
    a, _ = tight_and_broad(random_state=5)
    b, _ = tight_and_broad(random_state=5)
    c, _ = tight_and_broad(random_state=6)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_toy_datasets_are_the_gallery_sets():
    sets = toy_datasets(500)
    Xb, yb = make_blobs(n_samples=500, random_state=170)
    np.testing.assert_array_equal(sets["anisotropic"][0], Xb @ ANISOTROPIC_MAP)
    np.testing.assert_array_equal(anisotropic(500)[1], yb)
    assert all(X.shape == (500, 2) for X, _ in sets.values())
    assert sets["no structure"][0].min() >= 0 and sets["no structure"][0].max() <= 1


@pytest.mark.parametrize("call, exc, match", [
    (lambda: mixed_units(0), ValueError, "n_per_cluster must be an integer >= 1"),
    (lambda: tight_and_broad(spread_tight=-1), ValueError, "spread_tight must be a positive finite"),
    (lambda: tight_and_broad(separation="3"), TypeError, "separation must be a real number"),
    (lambda: separated_blobs(30, 1), ValueError, "n_features must be an integer >= 2"),
    (lambda: toy_datasets(2.5), TypeError, "n_samples must be an integer"),
])
def test_bad_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
