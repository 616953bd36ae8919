"""Properties of msutils.MeanShift that must hold for any data (hypothesis).

The data are small integers (plus a scale), so that the arithmetic the
properties rely on is exact and they can be asserted bit for bit where the
algorithm guarantees it.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from msutils.meanshift import MeanShift, mean_shift_vector

# derandomized: the same examples on every run (a failure is reproducible, never flaky)
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def integer_data(draw, min_points=2, max_points=40):
    """Integer-valued points in 1 to 3 dimensions, as float64."""
    d = draw(st.integers(1, 3))
    n = draw(st.integers(min_points, max_points))
    X = draw(arrays(np.int64, (n, d), elements=st.integers(-12, 12)))
    return X.astype(float)


# bandwidths whose squares are not sums of squares of "nice" fractions, so that
# no point lies on a window's edge to within rounding error
BANDWIDTHS = st.sampled_from([1.7, 2.9, 4.3, 6.1])
OPTIONS = st.fixed_dictionaries({"bin_seeding": st.booleans(), "cluster_all": st.booleans()})


@pytest.mark.filterwarnings("ignore:Binning data failed")  # tiny data: points seed instead
@SETTINGS
@given(integer_data(), BANDWIDTHS, OPTIONS, st.randoms(use_true_random=False))
def test_permutation_invariance(X, h, options, rnd):
    perm = np.array(rnd.sample(range(len(X)), len(X)))
    a = MeanShift(bandwidth=h, **options).fit(X)
    b = MeanShift(bandwidth=h, **options).fit(X[perm])
    # centres are ordered by (intensity, coordinates): the order does not depend on the input's
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    np.testing.assert_array_equal(a.labels_[perm], b.labels_)
    assert a.n_iter_ == b.n_iter_


@pytest.mark.filterwarnings("ignore:Binning data failed")
@SETTINGS
@given(integer_data(), BANDWIDTHS, OPTIONS, st.integers(-3, 3).map(lambda k: 2.0**k))
def test_scaling_by_a_power_of_two_is_exact(X, h, options, c):
    a = MeanShift(bandwidth=h, **options).fit(X)
    b = MeanShift(bandwidth=h * c, **options).fit(X * c)
    np.testing.assert_array_equal(a.cluster_centers_ * c, b.cluster_centers_)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    assert a.n_iter_ == b.n_iter_


@SETTINGS
@given(integer_data(), BANDWIDTHS, st.floats(0.3, 3.0))
def test_scaling_data_and_bandwidth_scales_centres(X, h, c):
    a = MeanShift(bandwidth=h).fit(X)
    b = MeanShift(bandwidth=h * c).fit(X * c)
    np.testing.assert_allclose(a.cluster_centers_ * c, b.cluster_centers_, rtol=1e-9, atol=1e-9 * c)
    np.testing.assert_array_equal(a.labels_, b.labels_)


@SETTINGS
@given(integer_data(), BANDWIDTHS, arrays(np.int64, 3, elements=st.integers(-1000, 1000)))
def test_translation_equivariance(X, h, shift):
    t = shift[: X.shape[1]].astype(float)
    a = MeanShift(bandwidth=h).fit(X)
    b = MeanShift(bandwidth=h).fit(X + t)
    np.testing.assert_allclose(a.cluster_centers_ + t, b.cluster_centers_, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    assert a.n_iter_ == b.n_iter_


@SETTINGS
@given(integer_data(min_points=3), st.sampled_from([1.5, 2.5, 4.0]))
def test_gaussian_centres_are_fixed_points(X, h):
    ms = MeanShift(bandwidth=h, kernel="gaussian").fit(X)
    shift = mean_shift_vector(ms.cluster_centers_, X, h, kernel="gaussian")
    # the climb stops once a step is <= 1e-3 h; near a mode the next step is shorter still
    assert np.linalg.norm(shift, axis=1).max() <= 1e-3 * h


@SETTINGS
@given(integer_data(), BANDWIDTHS, st.sampled_from(["flat", "gaussian", "epanechnikov"]))
def test_labels_are_predictions(X, h, kernel):
    ms = MeanShift(bandwidth=h, kernel=kernel).fit(X)
    np.testing.assert_array_equal(ms.labels_, ms.predict(X))
    assert set(np.unique(ms.labels_)) <= set(range(len(ms.cluster_centers_)))


@SETTINGS
@given(integer_data(), BANDWIDTHS)
def test_centres_are_separated_by_more_than_the_bandwidth(X, h):
    c = MeanShift(bandwidth=h).fit(X).cluster_centers_
    d = np.linalg.norm(c[:, None] - c[None], axis=2) + np.eye(len(c)) * 1e9
    assert d.min() > h
