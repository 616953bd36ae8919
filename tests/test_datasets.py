"""Tests of msutils.datasets: the synthetic thermogram and the ironbow palette."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter

from msutils.datasets import (
    SCALE_BAR_WIDTH,
    _IRONBOW_POINTS,
    _ironbow_rgb,
    _palette_lut,
    _solve_plate,
    ironbow_cmap,
    thermogram,
)

LUMA = np.array([0.2126, 0.7152, 0.0722])


@pytest.fixture(scope="module")
def default():
    return thermogram()


@pytest.fixture(scope="module")
def exact():
    """Palette colours straight from the temperature: no blur, noise, JPEG or scale bar."""
    return thermogram(seed=3, noise=0, blur=0, jpeg_quality=None, with_scale_bar=False)


def _in_source(source, row, col):
    return source.top <= row < source.top + source.height and source.left <= col < source.left + source.width


# --- determinism, shapes, dtypes ---------------------------------------------


def test_same_seed_gives_identical_bytes(default):
    again = thermogram(seed=0)
    assert default.image.tobytes() == again.image.tobytes()
    assert default.temperature.tobytes() == again.temperature.tobytes()
    assert default.sources == again.sources


def test_different_seeds_give_different_scenes(default):
    other = thermogram(seed=1)
    assert not np.array_equal(default.image, other.image)
    assert not np.allclose(default.temperature, other.temperature)
    assert default.sources != other.sources


def test_noise_does_not_move_the_layout():
    a, b = thermogram(seed=5, noise=0.0), thermogram(seed=5, noise=1.0)
    assert a.sources == b.sources
    np.testing.assert_array_equal(a.temperature, b.temperature)
    assert not np.array_equal(a.image, b.image)


def test_shapes_and_dtypes(default):
    assert default.image.shape == (240, 320, 3) and default.image.dtype == np.uint8
    assert default.temperature.shape == (240, 320) and default.temperature.dtype == np.float64
    assert default.scene_mask.shape == (240, 320) and default.scene_mask.dtype == bool
    assert default.palette == "ironbow"
    small = thermogram(shape=(100, 150), seed=2)
    assert small.image.shape == (100, 150, 3) and small.temperature.shape == (100, 150)
    big = thermogram(shape=(360, 480), seed=2)  # solved at 320 px and interpolated
    assert big.image.shape == (360, 480, 3) and big.temperature.shape == (360, 480)
    assert np.isfinite(big.temperature).all()


def test_scene_mask_marks_exactly_the_scale_bar_strip(default):
    assert not default.scene_mask[:, -SCALE_BAR_WIDTH:].any()
    assert default.scene_mask[:, :-SCALE_BAR_WIDTH].all()
    assert thermogram(with_scale_bar=False).scene_mask.all()


# --- physics -----------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2, 7])
def test_hottest_point_is_on_a_chip_and_chips_are_hot_spots(seed):
    th = thermogram(seed=seed)
    t = th.temperature
    row, col = np.unravel_index(t.argmax(), t.shape)
    assert any(_in_source(s, row, col) for s in th.sources)
    for s in th.sources:
        chip = t[s.top : s.top + s.height, s.left : s.left + s.width]
        ring = np.zeros(t.shape, dtype=bool)  # a band 8 pixels wide around the chip
        ring[max(s.top - 8, 0) : s.top + s.height + 8, max(s.left - 8, 0) : s.left + s.width + 8] = True
        ring[s.top : s.top + s.height, s.left : s.left + s.width] = False
        assert chip.max() > np.median(t[ring])
        assert chip.min() > th.t_ambient + 5


def test_temperatures_are_physically_sensible(default):
    t, amb = default.temperature, default.t_ambient
    assert 21 <= amb <= 25
    assert t.min() >= amb - 0.31  # the bench varies by at most 0.3 degrees around ambient
    assert amb + 10 < t.max() < 150  # chips of 0.3-1.6 W get warm, not molten
    seen = t[default.scene_mask]
    assert default.t_min <= seen.min() and seen.max() <= default.t_max
    assert default.t_min == np.floor(seen.min()) and default.t_max == np.ceil(seen.max())
    # the bench around the board (top-left corner) is close to ambient
    assert abs(t[:5, :5] - amb).max() <= 0.31


def test_plate_uniform_source_gives_uniform_rise():
    board = np.ones((12, 15), dtype=bool)
    power = np.full(board.shape, 0.02)  # W per cell
    rise = _solve_plate(np.full(board.shape, 0.01), power, board, h_loss=20.0, cell=1e-3)
    np.testing.assert_allclose(rise, 0.02 / (20.0 * 1e-6), rtol=1e-10)


def test_plate_energy_balance_symmetry_and_decay():
    rng = np.random.default_rng(0)
    board = np.zeros((41, 41), dtype=bool)
    board[2:-2, 2:-2] = True
    kappa = np.full(board.shape, 0.01)
    power = np.zeros(board.shape)
    power[20, 20] = 0.5
    rise = _solve_plate(kappa, power, board, h_loss=20.0, cell=5e-4)
    # all the heat put in leaves through the faces
    np.testing.assert_allclose(20.0 * (5e-4) ** 2 * rise.sum(), 0.5, rtol=1e-10)
    np.testing.assert_allclose(rise, rise[::-1, :], atol=1e-12)
    np.testing.assert_allclose(rise, rise.T, atol=1e-12)
    assert np.all(np.diff(rise[20, 20:-2]) < 0)  # cooler away from the source
    assert np.all(rise[~board] == 0)
    # heterogeneous conductance: the balance still holds
    kappa2 = rng.uniform(0.005, 0.2, board.shape)
    power2 = rng.uniform(0, 0.01, board.shape)
    rise2 = _solve_plate(kappa2, power2, board, h_loss=15.0, cell=1e-3)
    np.testing.assert_allclose(15.0 * 1e-6 * rise2.sum(), power2[board].sum(), rtol=1e-9)


# --- palette -----------------------------------------------------------------


def test_ironbow_luma_rises_strictly_and_ends_are_black_and_white():
    rgb = ironbow_cmap()(np.linspace(0, 1, 256))[:, :3]
    luma = rgb @ LUMA
    assert np.all(np.diff(luma) > 0)
    np.testing.assert_allclose(rgb[0], 0)
    assert rgb[-1].min() > 0.9
    # the hue goes through purple/blue (blue > red) before red, orange and yellow
    quarter = rgb[64]
    assert quarter[2] > quarter[0] > quarter[1]
    assert rgb[200, 0] > rgb[200, 1] > rgb[200, 2]  # orange-yellow


def test_ironbow_lookup_table_has_256_distinct_colours():
    lut = _palette_lut("ironbow")
    assert lut.shape == (256, 3) and lut.dtype == np.uint8
    assert len({tuple(c) for c in lut}) == 256
    np.testing.assert_array_equal(lut[[0, -1]], np.rint(_IRONBOW_POINTS[[0, -1], 1:]))
    np.testing.assert_allclose(_ironbow_rgb(8)[0], 0)


def test_palette_is_invertible_before_jpeg(exact):
    """The nearest palette colour gives back the temperature, within a quantisation step."""
    lut = _palette_lut("ironbow").astype(np.float64)
    pixels = exact.image.reshape(-1, 3).astype(np.float64)
    nearest = np.argmin(((pixels[:, None, :] - lut[None, :, :]) ** 2).sum(axis=2), axis=1)
    recovered = exact.t_min + nearest / 255 * (exact.t_max - exact.t_min)
    step = (exact.t_max - exact.t_min) / 255
    err = np.abs(recovered - exact.temperature.ravel())
    assert err.max() <= step / 2 + 1e-9


def test_palette_roughly_invertible_after_blur_noise_and_jpeg(default):
    lut = _palette_lut("ironbow").astype(np.float64)
    pixels = default.image[default.scene_mask].astype(np.float64)
    nearest = np.argmin(((pixels[:, None, :] - lut[None, :, :]) ** 2).sum(axis=2), axis=1)
    recovered = default.t_min + nearest / 255 * (default.t_max - default.t_min)
    # compare with what the optics let through: the true field blurred
    seen = gaussian_filter(default.temperature, 0.7, mode="nearest")[default.scene_mask]
    err = np.abs(recovered - seen)
    assert np.median(err) < 0.3
    assert np.percentile(err, 99) < 2.0


def test_scale_bar_runs_from_hot_at_the_top_to_cold_at_the_bottom():
    th = thermogram(jpeg_quality=None)
    x0 = th.image.shape[1] - SCALE_BAR_WIDTH
    bar = th.image[22:-8, x0 + 6].astype(np.float64)  # a column inside the bar
    luma = bar @ LUMA
    assert np.all(np.diff(luma) <= 0) and luma[0] > 240 and luma[-1] < 5
    # tick labels: light text pixels right of the bar
    labels = th.image[:, x0 + 15 :]
    assert (labels.min(axis=2) > 200).sum() > 100


def test_t_range_and_other_palettes():
    th = thermogram(t_range=(0, 100), palette="gray", jpeg_quality=None, with_scale_bar=False, noise=0, blur=0)
    assert (th.t_min, th.t_max) == (0.0, 100.0)
    img = th.image.astype(int)
    assert np.array_equal(img[..., 0], img[..., 1]) and np.array_equal(img[..., 1], img[..., 2])
    expected = np.rint(th.temperature / 100 * 255)
    assert np.abs(img[..., 0] - expected).max() <= 1


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"shape": (20, 320)}, ValueError, "shape"),
        ({"shape": (240, 100)}, ValueError, r"shape\[1\]"),
        ({"shape": 240}, TypeError, "shape"),
        ({"scene": "kitchen"}, ValueError, "scene"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 1.5}, TypeError, "seed"),
        ({"noise": -0.1}, ValueError, "noise"),
        ({"blur": float("nan")}, ValueError, "blur"),
        ({"jpeg_quality": 0}, ValueError, "jpeg_quality"),
        ({"jpeg_quality": 100}, ValueError, "jpeg_quality"),
        ({"palette": "no-such-map"}, ValueError, "palette"),
        ({"palette": 3}, TypeError, "palette"),
        ({"t_range": (50, 20)}, ValueError, "t_range"),
        ({"t_range": "hot"}, TypeError, "t_range"),
        ({"with_scale_bar": "yes"}, TypeError, "with_scale_bar"),
    ],
)
def test_bad_arguments_are_rejected(kwargs, error, match):
    with pytest.raises(error, match=match):
        thermogram(**kwargs)


def test_ironbow_cmap_rejects_bad_n():
    with pytest.raises(ValueError, match="n must be"):
        ironbow_cmap(1)


def test_match_palette_inverts_the_palette_and_measures_the_distance():
    from msutils.datasets import _palette_lut, match_palette

    lut = _palette_lut("ironbow").astype(np.float64)
    dist, index = match_palette(lut)
    assert np.array_equal(index, np.arange(256)) and np.all(dist == 0)
    # a colour moved off an entry by a known offset, less than half the gap to any other entry
    rng = np.random.default_rng(0)
    colours = rng.uniform(0, 255, size=(5000, 3))        # more than one block of 4096
    dist, index = match_palette(colours)
    brute = np.sqrt(((colours[:, None, :] - lut[None, :, :]) ** 2).sum(axis=2))
    assert np.allclose(dist, brute.min(axis=1))
    assert np.allclose(brute[np.arange(5000), index], brute.min(axis=1))
    gray = _palette_lut("gray").astype(np.float64)
    d_gray, i_gray = match_palette([[128, 128, 128], [0, 255, 0]], palette="gray")
    assert i_gray[0] == 128 and d_gray[0] == 0
    assert np.isclose(d_gray[1], np.sqrt(((gray - [0, 255, 0]) ** 2).sum(axis=1)).min())


def test_match_palette_rejects_bad_input():
    from msutils.datasets import match_palette

    with pytest.raises(ValueError, match="colors"):
        match_palette([[1, 2]])
    with pytest.raises(ValueError, match="palette"):
        match_palette([[1, 2, 3]], palette="no-such-palette")
