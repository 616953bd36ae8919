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


# ----------------------------------------------------------------------------- plotting helpers

import matplotlib.pyplot as plt  # noqa: E402

from msutils.convergence import RateSweep  # noqa: E402
from msutils.plotting import (  # noqa: E402
    compare_climbs_animation,
    plot_basins,
    plot_label_differences,
    plot_rate_vs_bandwidth,
    plot_step_ratios,
)


def test_plot_rate_vs_bandwidth_draws_both_rates_and_the_mode_count():
    s = RateSweep(np.array([0.2, 0.5, 1.0]), np.array([3, 2, 1]), np.array([0.4, 0.7, 0.3]),
                  np.array([0.5, 0.95, 0.3]))
    fig, ax = plt.subplots()
    twin = plot_rate_vs_bandwidth(ax, s)
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), s.rho_max)
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), s.rho_median)
    assert ax.get_xscale() == "log" and ax.get_xlabel() and ax.get_title()
    assert twin.get_lines()[0].get_ydata().tolist()[:3] == [3, 2, 1]
    plt.close(fig)


def test_plot_step_ratios_checks_lengths():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="same length"):
        plot_step_ratios(ax, [np.ones(3)], [0.5, 0.6])
    plot_step_ratios(ax, [np.array([0.2, 0.4])], [0.4])
    assert ax.get_lines()[0].get_xdata().tolist() == [2, 3]
    plt.close(fig)


def test_plot_label_differences_counts_and_marks():
    fig, ax = plt.subplots()
    Z = np.arange(10.0).reshape(5, 2)
    n = plot_label_differences(ax, Z, [0, 0, 1, 1, 2], [0, 1, 1, 0, 2], centers=[[0, 0]])
    assert n == 2
    np.testing.assert_array_equal(ax.collections[1].get_offsets(), Z[[1, 3]])
    with pytest.raises(ValueError, match="labels_a and labels_b"):
        plot_label_differences(ax, Z, [0, 1], [0, 1])
    plt.close(fig)


def test_plot_basins_one_colour_per_basin_with_colour_bar():
    xx, yy = np.meshgrid(np.linspace(0, 1, 5), np.linspace(0, 1, 4))
    L = (xx > 0.5).astype(int) + (yy > 0.5).astype(int)
    fig, ax = plt.subplots()
    plot_basins(ax, xx, yy, L, X=[[0.1, 0.1]], centers=[[0.2, 0.2]])
    assert len(fig.axes) == 2  # the colour bar
    assert fig.axes[1].get_ylabel().startswith("basin")
    with pytest.raises(ValueError, match="grid_labels"):
        plot_basins(ax, xx, yy, L.astype(float))
    plt.close(fig)


def test_compare_climbs_animation_frames_and_alt():
    import re

    left = [np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])]
    right = [np.array([[0.0, 0.0], [1.0, 0.0]])]
    html = compare_climbs_animation(np.zeros((1, 2)), left, right, figsize=(3, 2), dpi=30, alt="A and B")
    assert len(re.findall(r"frames\[\d+\] = ", html.data)) == 3
    assert 'alt="A and B"' in html.data and "https://" not in html.data
    with pytest.raises(ValueError, match="alt"):
        compare_climbs_animation(np.zeros((1, 2)), left, right, alt=" ")


def test_minorizer_touches_at_x_lies_below_and_peaks_at_the_step():
    from msutils import kde
    from msutils.convergence import gaussian_minorizer

    x = np.array([1.0, 2.0])
    m = x + mean_shift_vector(x, X, H, kernel="gaussian")
    Y = np.random.default_rng(0).uniform(-3, 7, (500, 2))
    q = gaussian_minorizer(Y, x, X, H)
    assert np.all(q <= kde(Y, X, H, kernel="gaussian") + 1e-15)
    assert gaussian_minorizer(x[None], x, X, H)[0] == pytest.approx(kde(x[None], X, H, kernel="gaussian")[0], rel=1e-12)
    qm = gaussian_minorizer(m[None], x, X, H)[0]
    assert np.all(q <= qm + 1e-15)  # maximised at m(x)
    around = m + 1e-3 * np.array([[1, 0], [-1, 0], [0, 1], [0, -1]])
    assert np.all(gaussian_minorizer(around, x, X, H) < qm)


def test_steps_to_fixed_point():
    from msutils.convergence import steps_to_fixed_point

    Z = np.arange(10.0)[:, None] ** 1.5
    k = steps_to_fixed_point(Z[2], Z, 4.0)
    q = Z[2].copy()
    for _ in range(k):
        q = q + mean_shift_vector(q, Z, 4.0, kernel="flat")
    assert np.all(mean_shift_vector(q, Z, 4.0, kernel="flat") == 0) and k >= 1
    with pytest.raises(ValueError, match="holds no data point"):
        steps_to_fixed_point([100.0], Z, 1.0)


def test_plot_em_step_and_bound_slice():
    from msutils.plotting import plot_bound_slice, plot_em_step

    fig, axes = plt.subplots(1, 2)
    p = posterior_weights(X[0], X, H)
    plot_em_step(axes, X, X[0], p, p @ X, msutils_step=p @ X)
    np.testing.assert_allclose(axes[0].collections[0].get_array(), p)
    np.testing.assert_allclose(axes[1].collections[2].get_offsets()[0], p @ X)
    with pytest.raises(ValueError, match="weights must hold"):
        plot_em_step(axes, X, X[0], p[:5], p @ X)
    plt.close(fig)
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="one length"):
        plot_bound_slice(ax, np.ones(3), np.ones(3), np.ones(2))
    plt.close(fig)
