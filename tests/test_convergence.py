"""msutils.convergence: posterior weights and covariance, the predicted linear rate, step ratios."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_blobs

from msutils import mean_shift_vector
from msutils.convergence import (
    linear_rate,
    posterior_covariance,
    posterior_weights,
    principal_direction,
    rate_vs_bandwidth,
    refine_mode,
    step_lengths,
    step_ratios,
)

X, _ = make_blobs(200, centers=[[0, 0], [5, 1]], cluster_std=[1.0, 0.6], random_state=0)
H = 0.8


def test_weights_are_the_e_step_and_their_mean_the_mean_shift_step():
    x = np.array([0.7, -0.2])
    p = posterior_weights(x, X, H)
    w = np.exp(-((X - x) ** 2).sum(axis=1) / (2 * H * H))
    np.testing.assert_allclose(p, w / w.sum(), rtol=1e-12)
    np.testing.assert_allclose(p @ X - x, mean_shift_vector(x, X, H, kernel="gaussian"), atol=1e-13)


def test_far_point_weights_do_not_underflow():
    p = posterior_weights([1e3, 1e3], X, 0.1)
    assert np.isclose(p.sum(), 1.0) and np.all(np.isfinite(p))


def test_posterior_covariance_is_the_jacobian_times_h2():
    x = np.array([0.4, 0.3])
    eps = 1e-6
    m = lambda q: q + mean_shift_vector(q, X, H, kernel="gaussian")  # noqa: E731
    J = np.stack([(m(x + e) - m(x - e)) / (2 * eps) for e in eps * np.eye(2)], axis=1)
    np.testing.assert_allclose(posterior_covariance(x, X, H) / H**2, J, atol=1e-7)


def test_predicted_rate_matches_measured_step_ratios():
    x = X[3]
    path = [x]
    for _ in range(60):
        path.append(path[-1] + mean_shift_vector(path[-1], X, H, kernel="gaussian"))
    mode = refine_mode(x, X, H)
    rho = linear_rate(mode, X, H)
    assert 0 < rho < 1
    r = step_ratios(np.array(path))
    assert r[-10:] == pytest.approx(np.full(10, rho), rel=1e-3)
    # the last steps point along the principal direction
    last = path[-1] - path[-2]
    cos = abs(last @ principal_direction(mode, X, H)) / np.linalg.norm(last)
    assert cos > 0.999


def test_rate_of_a_gaussian_blob():
    # spread s, bandwidth h: rho -> s^2 / (s^2 + h^2) for a large sample
    Z = np.random.default_rng(0).normal(0, 1.5, (40000, 2))
    for h in (0.5, 1.5, 4.0):
        mode = refine_mode(Z.mean(axis=0), Z, h, tol=1e-9)
        assert linear_rate(mode, Z, h) == pytest.approx(2.25 / (2.25 + h * h), abs=0.03)


def test_refine_mode_reaches_a_fixed_point():
    mode = refine_mode(X[0], X, H)
    assert np.linalg.norm(mean_shift_vector(mode, X, H, kernel="gaussian")) < 1e-11


def test_step_helpers():
    np.testing.assert_allclose(step_lengths([[0, 0], [3, 4], [3, 4]]), [5, 0])
    r = step_ratios([[0.0], [1.0], [1.0], [2.0]])
    assert r[0] == 0 and np.isnan(r[1])


def test_rate_vs_bandwidth_modes_merge():
    # two 1-D blobs: as h grows their modes merge (rho near 1 just before), then rho falls
    Z = np.concatenate([np.random.default_rng(1).normal(-1.5, 0.5, (300, 1)),
                        np.random.default_rng(2).normal(1.5, 0.5, (300, 1))])
    s = rate_vs_bandwidth(Z, [0.3, 1.2, 1.45, 6.0])
    assert s.n_modes.tolist()[0] == 2 and s.n_modes[-1] == 1
    assert s.rho_max[2] > 0.9 and s.rho_max[2] > s.rho_max[0] and s.rho_max[3] < 0.3


@pytest.mark.parametrize("call, exc, match", [
    (lambda: posterior_weights([0.0], X, H), ValueError, "x"),
    (lambda: posterior_weights([0.0, 0.0], X, -1.0), ValueError, "bandwidth"),
    (lambda: linear_rate([[0.0, 0.0], [1.0, 1.0]], X, H), ValueError, "one point"),
    (lambda: rate_vs_bandwidth(X, []), ValueError, "bandwidths"),
    (lambda: rate_vs_bandwidth(X, [0.5, -1]), ValueError, "bandwidths"),
    (lambda: refine_mode([0.0, 0.0], X, H, max_iter=0), ValueError, "max_iter"),
])
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
