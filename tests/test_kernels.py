"""Tests of msutils.kernels: normalisation, shadows, names, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

from msutils.kernels import KERNELS, get_kernel, unit_ball_volume

NAMES = ["gaussian", "flat", "epanechnikov", "biweight"]


def _extent(name: str) -> float:
    """Half-width of a box holding (all but ~1e-12 of) the kernel's mass."""
    return 7.5 if name == "gaussian" else 1.0


@pytest.mark.parametrize("name", NAMES)
def test_kernel_integrates_to_one_in_1d(name):
    k = get_kernel(name)
    a = _extent(name)
    value, _ = integrate.quad(lambda u: k.density(np.array([[u]]))[0], -a, a, points=[0.0], limit=200)
    assert value == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize("name", NAMES)
def test_kernel_integrates_to_one_in_2d(name):
    k = get_kernel(name)
    a = _extent(name)

    def f(y, x):
        return k.density(np.array([[x, y]]))[0]

    if k.support == 1.0:  # integrate over the unit disc exactly, the profile is smooth there
        value, _ = integrate.dblquad(f, -1, 1, lambda x: -math.sqrt(1 - x * x), lambda x: math.sqrt(1 - x * x))
    else:
        value, _ = integrate.dblquad(f, -a, a, -a, a)
    assert value == pytest.approx(1.0, abs=1e-7)


@pytest.mark.parametrize("name", NAMES)
def test_kernel_integrates_to_one_in_3d_on_a_grid(name):
    # midpoint rule on a fine box grid: independent of the closed-form constants
    k = get_kernel(name)
    a = _extent(name) * 1.02
    m = 151
    step = 2 * a / m
    c = -a + step * (np.arange(m) + 0.5)
    u = np.stack(np.meshgrid(c, c, c, indexing="ij"), axis=-1)
    value = k.density(u).sum() * step**3
    tol = 1e-6 if name == "gaussian" else 1e-2  # a compact kernel's edge costs O(step) of mass
    assert value == pytest.approx(1.0, abs=tol)


@pytest.mark.parametrize("d", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("name", ["gaussian", "flat", "epanechnikov"])
def test_norm_const_matches_scikit_learn(name, d):
    from sklearn.neighbors._kd_tree import kernel_norm

    k = get_kernel(name)
    assert k.norm_const(d) == pytest.approx(kernel_norm(1.0, d, k.sklearn_name), rel=1e-12)


@pytest.mark.parametrize("d", [4, 5])
@pytest.mark.parametrize("name", ["epanechnikov", "biweight"])
def test_compact_kernels_integrate_to_one_in_higher_dimensions_by_monte_carlo(name, d):
    # E[K(U)] * volume of the cube [-1, 1]^d with U uniform on the cube
    k = get_kernel(name)
    u = np.random.default_rng(0).uniform(-1, 1, size=(400_000, d))
    values = k.density(u) * 2.0**d
    se = values.std() / math.sqrt(len(values))
    assert abs(values.mean() - 1.0) < 5 * se


@pytest.mark.parametrize(
    ("name", "shadow"),
    [("flat", "epanechnikov"), ("epanechnikov", "biweight"), ("gaussian", "gaussian")],
)
def test_shadow_profile_derivative_is_minus_a_constant_times_the_profile(name, shadow):
    # Cheng (1995): mean shift with profile g climbs the density of the kernel with k' = -c g, c > 0
    g = get_kernel(name)
    assert g.shadow == shadow
    k = get_kernel(shadow)
    r = np.concatenate([np.linspace(0.01, 0.98, 60), np.linspace(1.02, 5.0, 40)])
    eps = 1e-6
    dk = (k.profile(r + eps) - k.profile(r - eps)) / (2 * eps)
    gr = g.profile(r)
    inside = gr > 0
    ratio = -dk[inside] / gr[inside]
    assert ratio.min() > 0
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-6)
    if g.support == 1.0:  # outside the support both sides vanish
        np.testing.assert_allclose(dk[~inside], 0.0, atol=1e-12)


def test_biweight_has_no_shadow_here():
    assert get_kernel("biweight").shadow is None
    assert get_kernel("biweight").sklearn_name is None


@pytest.mark.parametrize("alias", ["tophat", "uniform", "FLAT", "Tophat"])
def test_aliases_name_the_flat_kernel(alias):
    assert get_kernel(alias) is KERNELS["flat"]


def test_flat_kernel_includes_its_boundary():
    assert get_kernel("flat").profile(np.array([1.0]))[0] == 1.0
    assert get_kernel("flat").profile(np.array([np.nextafter(1.0, 2.0)]))[0] == 0.0


def test_profiles_at_known_values():
    r = np.array([0.0, 0.25, 1.0, 2.0])
    np.testing.assert_allclose(get_kernel("gaussian").profile(r), np.exp(-r / 2))
    np.testing.assert_allclose(get_kernel("epanechnikov").profile(r), [1.0, 0.75, 0.0, 0.0])
    np.testing.assert_allclose(get_kernel("biweight").profile(r), [1.0, 0.5625, 0.0, 0.0])


def test_unit_ball_volume_known_values():
    assert unit_ball_volume(1) == pytest.approx(2.0)
    assert unit_ball_volume(2) == pytest.approx(math.pi)
    assert unit_ball_volume(3) == pytest.approx(4 * math.pi / 3)
    assert unit_ball_volume(4) == pytest.approx(math.pi**2 / 2)


def test_get_kernel_returns_kernel_objects_unchanged():
    k = get_kernel("gaussian")
    assert get_kernel(k) is k


def test_unknown_kernel_is_a_value_error_listing_the_names():
    with pytest.raises(ValueError, match=r"kernel must be one of .*'gaussian'.*got 'cosine'"):
        get_kernel("cosine")


def test_non_string_kernel_is_a_type_error():
    with pytest.raises(TypeError, match="kernel must be a string"):
        get_kernel(3)


@pytest.mark.parametrize("d", [0, -1, 1.5, True])
def test_norm_const_rejects_bad_dimensions(d):
    with pytest.raises(ValueError, match="d must be a positive integer"):
        get_kernel("gaussian").norm_const(d)


def test_density_rejects_scalars():
    with pytest.raises(ValueError, match="u must have a last axis"):
        get_kernel("gaussian").density(0.0)
