"""Tests of msutils.density: kde, kde_grid and grid_modes."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from sklearn.neighbors import KernelDensity

import msutils.density as density_module
from msutils.density import grid_modes, kde, kde_grid
from msutils.kernels import get_kernel

SKLEARN_KERNELS = ["gaussian", "flat", "epanechnikov"]


def _cloud(seed: int, n: int, d: int) -> np.ndarray:
    """Two offset Gaussian blobs with different scales."""
    rng = np.random.default_rng(seed)
    half = n // 2
    return np.vstack([rng.normal(2.0, 1.0, size=(half, d)), rng.normal(-1.0, 2.5, size=(n - half, d))])


def _sklearn_density(points, data, h, kernel, weights=None):
    name = get_kernel(kernel).sklearn_name
    model = KernelDensity(bandwidth=h, kernel=name).fit(data, sample_weight=weights)
    return np.exp(model.score_samples(points))


def _exact_gaussian(points, data, h, weights=None):
    """The Gaussian KDE summed in extended precision, term by term."""
    p = np.asarray(points, dtype=np.longdouble)
    x = np.asarray(data, dtype=np.longdouble)
    n, d = x.shape
    w = np.full(n, 1 / np.longdouble(n)) if weights is None else np.asarray(weights, np.longdouble) / np.sum(
        np.asarray(weights, np.longdouble))
    r2 = ((p[:, None, :] - x[None, :, :]) ** 2).sum(-1) / np.longdouble(h) ** 2
    norm = (2 * np.pi) ** (d / 2) * np.longdouble(h) ** d
    return (np.exp(-r2 / 2) * w).sum(1) / norm


# --- agreement with scikit-learn ---------------------------------------------------------------

@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("d", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("kernel", SKLEARN_KERNELS)
def test_kde_matches_sklearn_kernel_density(kernel, d, weighted):
    data = _cloud(d, 150, d)
    points = _cloud(100 + d, 120, d)
    weights = np.random.default_rng(d).uniform(0.0, 3.0, size=len(data)) if weighted else None
    h = 1.0 * d**0.5  # keep a good share of the queries inside the compact kernels' support
    got = kde(points, data, h, kernel=kernel, weights=weights)
    ref = _sklearn_density(points, data, h, kernel, weights)
    # scikit-learn's tree sums lose relative accuracy far in the Gaussian tails and return
    # ~1e-17 instead of exact zeros for compact kernels: compare relatively where the
    # density is not negligible, absolutely everywhere.
    bulk = ref > 1e-6 * ref.max()
    assert bulk.sum() > 0.5 * len(points)
    np.testing.assert_allclose(got[bulk], ref[bulk], rtol=1e-10, atol=0)
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-12 * ref.max())


@pytest.mark.parametrize("d", [1, 3, 5])
def test_gaussian_kde_is_accurate_in_the_tails(d):
    # far from the data sklearn drifts (~1e-9 relative); the exact sum does not
    data = _cloud(7, 80, d)
    points = _cloud(8, 60, d) * 2.0
    weights = np.random.default_rng(1).uniform(0.5, 2.0, len(data))
    got = kde(points, data, 0.9, weights=weights)
    ref = _exact_gaussian(points, data, 0.9, weights)
    np.testing.assert_allclose(got, ref.astype(float), rtol=1e-12)


def test_flat_kernel_boundary_convention_differs_from_sklearn_only_at_distance_h():
    # msutils counts a point at distance exactly h (||u|| <= 1); sklearn's tophat does not (dist < h)
    data = np.array([[0.0], [3.0]])
    at_boundary = np.array([[1.0]])
    assert kde(at_boundary, data, 1.0, kernel="flat")[0] == pytest.approx(0.25)  # 1/2 * 1/(2h)
    assert _sklearn_density(at_boundary, data, 1.0, "flat")[0] < 1e-15
    just_inside = np.array([[np.nextafter(1.0, 0.0)]])
    assert kde(just_inside, data, 1.0, kernel="flat")[0] == pytest.approx(
        _sklearn_density(just_inside, data, 1.0, "flat")[0], rel=1e-12)


# --- closed forms and properties ---------------------------------------------------------------

def test_single_point_gaussian_is_the_normal_density():
    x = np.linspace(-4, 4, 81)
    np.testing.assert_allclose(kde(x, [0.5], 1.3), stats.norm(0.5, 1.3).pdf(x), rtol=1e-13)


def test_single_point_gaussian_in_2d_is_the_isotropic_normal_density():
    pts = np.random.default_rng(0).normal(size=(50, 2))
    ref = stats.multivariate_normal([0.2, -0.1], 0.7**2 * np.eye(2)).pdf(pts)
    np.testing.assert_allclose(kde(pts, [[0.2, -0.1]], 0.7), ref, rtol=1e-12)


@pytest.mark.parametrize("d", [1, 2, 3])
def test_flat_kde_counts_points_in_a_ball(d):
    rng = np.random.default_rng(d)
    data = rng.uniform(-2, 2, size=(200, d))
    points = rng.uniform(-2, 2, size=(30, d))
    h = 0.9
    counts = (np.linalg.norm(points[:, None] - data[None], axis=-1) <= h).sum(1)
    from msutils.kernels import unit_ball_volume

    np.testing.assert_allclose(kde(points, data, h, kernel="flat"),
                               counts / (200 * unit_ball_volume(d) * h**d), rtol=1e-12)


@pytest.mark.parametrize("kernel", ["gaussian", "flat", "epanechnikov", "biweight"])
def test_kde_integrates_to_one_in_1d(kernel):
    data = np.array([-1.0, 0.0, 0.3, 2.5])
    x = np.linspace(-9, 11, 200_001)
    mass = np.trapezoid(kde(x, data, 0.6, kernel=kernel), x)
    assert mass == pytest.approx(1.0, abs=1e-4)


@pytest.mark.parametrize("kernel", ["gaussian", "epanechnikov", "biweight"])
def test_kde_grid_integrates_to_one_in_2d(kernel):
    data = _cloud(3, 40, 2)
    xx, yy, zz = kde_grid(data, 0.8, kernel=kernel, grid_size=300, padding=4.0)
    mass = np.trapezoid(np.trapezoid(zz, xx[0], axis=1), yy[:, 0])
    assert mass == pytest.approx(1.0, abs=2e-3)


def test_weight_three_is_three_copies():
    rng = np.random.default_rng(5)
    data = rng.normal(size=(20, 2))
    points = rng.normal(size=(30, 2))
    weights = np.ones(20)
    weights[4] = 3
    copies = np.vstack([data, data[[4, 4]]])
    for kernel in ("gaussian", "flat", "epanechnikov"):
        np.testing.assert_allclose(kde(points, data, 0.7, kernel=kernel, weights=weights),
                                   kde(points, copies, 0.7, kernel=kernel), rtol=1e-13)


def test_weights_are_normalised_and_zero_weight_drops_a_point():
    rng = np.random.default_rng(6)
    data = rng.normal(size=(10, 3))
    points = rng.normal(size=(7, 3))
    w = rng.uniform(0.1, 1.0, 10)
    np.testing.assert_allclose(kde(points, data, 1.1, weights=w), kde(points, data, 1.1, weights=7.5 * w),
                               rtol=1e-14)
    w0 = np.ones(10)
    w0[3] = 0.0
    np.testing.assert_allclose(kde(points, data, 1.1, weights=w0), kde(points, np.delete(data, 3, 0), 1.1),
                               rtol=1e-13)


def test_scaling_the_data_and_the_bandwidth_scales_the_density():
    data = _cloud(9, 50, 2)
    points = _cloud(10, 20, 2)
    a = 3.7
    np.testing.assert_allclose(kde(a * points, a * data, a * 0.5), kde(points, data, 0.5) / a**2, rtol=1e-12)


def test_one_dimensional_arrays_are_points_on_the_line():
    x = np.linspace(-2, 2, 9)
    data = np.array([0.1, 0.4, -1.0])
    np.testing.assert_array_equal(kde(x, data, 0.3), kde(x[:, None], data[:, None], 0.3))


def test_blocks_give_the_same_answer_as_one_pass(monkeypatch):
    data = _cloud(11, 300, 2)
    points = _cloud(12, 257, 2)
    whole = kde(points, data, 0.5, kernel="epanechnikov")
    monkeypatch.setattr(density_module, "_BLOCK_BYTES", 8 * 300 * 10)  # 10 query rows per block
    np.testing.assert_allclose(kde(points, data, 0.5, kernel="epanechnikov"), whole, rtol=1e-14)


def test_block_size_keeps_memory_bounded():
    n = 10**6
    rows = max(1, density_module._BLOCK_BYTES // (8 * n))
    assert rows * n * 8 * 3 < 100 * 2**20


def test_integer_and_list_input_are_accepted():
    assert kde([[0, 0]], [[0, 0], [1, 0]], 1).dtype == np.float64


# --- kde_grid ----------------------------------------------------------------------------------

def test_kde_grid_matches_kde_at_the_nodes_and_spans_the_padded_data():
    data = np.array([[0.0, 0.0], [2.0, 1.0], [1.0, -1.0]])
    xx, yy, zz = kde_grid(data, 0.5, kernel="epanechnikov", grid_size=25, padding=2.0)
    assert xx.shape == yy.shape == zz.shape == (25, 25)
    assert (xx[0, 0], xx[0, -1], yy[0, 0], yy[-1, 0]) == pytest.approx((-1.0, 3.0, -2.0, 2.0))
    np.testing.assert_allclose(zz.ravel(), kde(np.column_stack([xx.ravel(), yy.ravel()]), data, 0.5,
                                               kernel="epanechnikov"), rtol=1e-14)


def test_kde_grid_bounds_override_padding():
    xx, yy, _ = kde_grid([[0.0, 0.0]], 1.0, bounds=((-1, 4), (2, 3)), grid_size=11)
    assert (xx.min(), xx.max(), yy.min(), yy.max()) == (-1.0, 4.0, 2.0, 3.0)


def test_kde_grid_passes_weights():
    data = np.array([[0.0, 0.0], [3.0, 0.0]])
    _, _, zz = kde_grid(data, 0.5, weights=[1, 0], bounds=((-1, 4), (-1, 1)), grid_size=51)
    _, _, ref = kde_grid(data[:1], 0.5, bounds=((-1, 4), (-1, 1)), grid_size=51)
    np.testing.assert_allclose(zz, ref, rtol=1e-13)


# --- grid_modes --------------------------------------------------------------------------------

def test_two_equal_gaussians_merge_when_the_bandwidth_passes_half_their_distance():
    # a 50/50 mixture of N(-1, h^2) and N(1, h^2) is bimodal exactly when h < 1
    x = np.linspace(-5, 5, 20_001)
    assert len(grid_modes(x, kde(x, [-1.0, 1.0], 0.95))) == 2
    assert len(grid_modes(x, kde(x, [-1.0, 1.0], 1.05))) == 1


def test_grid_modes_plateaus_ends_and_constants():
    np.testing.assert_array_equal(grid_modes([0, 1, 2, 3], [3, 1, 1, 2]), [0.0, 3.0])
    np.testing.assert_array_equal(grid_modes([0, 1, 2, 3, 4, 5], [0, 1, 1, 0, 2, 2]), [1.5, 4.5])
    assert grid_modes([0, 1, 2], [1, 1, 1]).size == 0
    assert grid_modes([0.0], [1.0]).size == 0


def test_grid_modes_counts_flat_kernel_plateaus_once():
    x = np.linspace(-3, 3, 6001)
    assert len(grid_modes(x, kde(x, [-1.5, 1.5], 0.5, kernel="flat"))) == 2


# --- bad input ---------------------------------------------------------------------------------

GOOD = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.5]])


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"data": [[0.0, np.nan]]}, ValueError, "data contains NaN or infinite"),
        ({"data": [[0.0, np.inf]]}, ValueError, "data contains NaN or infinite"),
        ({"points": [[np.nan, 0.0]]}, ValueError, "points contains NaN or infinite"),
        ({"data": np.empty((0, 2))}, ValueError, r"data has 0 sample\(s\)"),
        ({"data": np.zeros((2, 2, 2))}, ValueError, "data must be a 2-D array"),
        ({"data": [["a", "b"]]}, TypeError, "data must contain real numbers"),
        ({"points": [[0.0, 0.0, 0.0]]}, ValueError, "points has 3 features, but 2 were expected"),
        ({"points": [0.0, 1.0]}, ValueError, "points has 1 features, but 2 were expected"),
        ({"bandwidth": 0}, ValueError, "bandwidth must be a positive finite number"),
        ({"bandwidth": -1.0}, ValueError, "bandwidth must be a positive finite number"),
        ({"bandwidth": np.nan}, ValueError, "bandwidth must be a positive finite number"),
        ({"bandwidth": "2"}, TypeError, "bandwidth must be a positive real number"),
        ({"weights": [1.0, 2.0]}, ValueError, "weights has length 2, but the data has 3 samples"),
        ({"weights": [1.0, -2.0, 1.0]}, ValueError, "weights must be non-negative"),
        ({"weights": [0, 0, 0]}, ValueError, "weights must not all be zero"),
        ({"weights": [1.0, np.nan, 1.0]}, ValueError, "weights contains NaN"),
        ({"kernel": "triangle"}, ValueError, "kernel must be one of"),
    ],
)
def test_kde_rejects_bad_input(kwargs, exc, match):
    args = {"points": GOOD, "data": GOOD, "bandwidth": 1.0, "kernel": "gaussian", "weights": None} | kwargs
    with pytest.raises(exc, match=match):
        kde(args.pop("points"), args.pop("data"), args.pop("bandwidth"), **args)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"data": np.zeros((4, 3))}, "data has 3 features, but 2 were expected"),
        ({"grid_size": 1}, "grid_size must be an integer >= 2"),
        ({"padding": -1.0}, "padding must be a positive finite number"),
        ({"bounds": ((0, 1),)}, "bounds must be"),
        ({"bounds": ((1, 0), (0, 1))}, "bounds must be"),
        ({"bounds": "wide"}, "bounds must be"),
    ],
)
def test_kde_grid_rejects_bad_input(kwargs, match):
    args = {"data": GOOD, "bandwidth": 1.0} | kwargs
    with pytest.raises(ValueError, match=match):
        kde_grid(args.pop("data"), args.pop("bandwidth"), **args)


def test_grid_modes_rejects_bad_grids():
    with pytest.raises(ValueError, match="values has length 2, but x has length 3"):
        grid_modes([0, 1, 2], [1, 2])
    with pytest.raises(ValueError, match="x must be strictly increasing"):
        grid_modes([0, 2, 1], [1, 2, 3])


# --- kde_gradient ---------------------------------------------------------------------------------

from msutils.density import kde_gradient  # noqa: E402
from msutils.meanshift import mean_shift_vector  # noqa: E402


@pytest.mark.parametrize("kernel", ["gaussian", "epanechnikov", "biweight"])
@pytest.mark.parametrize("d", [1, 2, 3])
def test_kde_gradient_matches_finite_differences(kernel, d):
    rng = np.random.default_rng(d)
    data = rng.normal(size=(60, d))
    weights = rng.uniform(0.5, 2.0, 60)
    points = rng.normal(scale=0.7, size=(7, d))
    h, eps = 1.1, 1e-6
    fd = np.stack([(kde(points + e, data, h, kernel=kernel, weights=weights)
                    - kde(points - e, data, h, kernel=kernel, weights=weights)) / (2 * eps)
                   for e in eps * np.eye(d)], axis=1)
    grad = kde_gradient(points, data, h, kernel=kernel, weights=weights)
    np.testing.assert_allclose(grad, fd, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("weights, shadow, c", [("flat", "epanechnikov", None), ("gaussian", "gaussian", 1.0)])
def test_mean_shift_is_the_shadow_gradient_over_the_density(weights, shadow, c):
    """m(x) - x = (h^2 / 2) (c_g / c_k) grad f_K / f_G, with c = 2 / (d + 2) for flat / Epanechnikov."""
    rng = np.random.default_rng(5)
    data = rng.normal(size=(200, 2))
    x = rng.normal(scale=0.5, size=(5, 2))
    h, d = 1.5, 2
    factor = h**2 / (d + 2) if weights == "flat" else h**2
    predicted = factor * kde_gradient(x, data, h, kernel=shadow) / kde(x, data, h, kernel=weights)[:, None]
    np.testing.assert_allclose(mean_shift_vector(x, data, h, kernel=weights), predicted, rtol=1e-10, atol=1e-13)


def test_kde_gradient_refuses_the_flat_kernel_and_bad_input():
    with pytest.raises(ValueError, match="differentiable profile"):
        kde_gradient([0.0], [0.0, 1.0], 1.0, kernel="flat")
    with pytest.raises(ValueError, match="features"):
        kde_gradient([[0.0, 1.0]], [0.0, 1.0], 1.0)
    with pytest.raises(ValueError):
        kde_gradient([0.0], [0.0, 1.0], -1.0)
