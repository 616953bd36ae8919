"""Tests of msutils.images (reading pictures, pixels <-> images) and of the image plots."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from msutils.images import check_image, load_rgb, mean_colors, posterize, to_pixels
from msutils.plotting import (
    label_colors,
    plot_region_ranges,
    plot_rgb_cloud,
    show_image,
    show_labels,
    show_side_by_side,
)
from msutils.segmentation import region_stats

RNG = np.random.default_rng(0)
RGB = RNG.integers(0, 256, size=(6, 9, 3), dtype=np.uint8)


def _save(img: Image.Image, path, **kwargs):
    img.save(path, **kwargs)
    return path


# --- load_rgb: every mode ----------------------------------------------------


def test_rgb_png_round_trips_exactly(tmp_path):
    path = _save(Image.fromarray(RGB), tmp_path / "rgb.png")
    out = load_rgb(path)
    assert out.dtype == np.uint8 and out.shape == (6, 9, 3)
    np.testing.assert_array_equal(out, RGB)
    np.testing.assert_array_equal(load_rgb(str(path)), RGB)  # str paths too


def test_jpeg_round_trips_closely(tmp_path):
    xx, yy = np.meshgrid(np.linspace(0, 255, 32), np.linspace(50, 200, 24))
    smooth = np.stack([xx, yy, np.full((24, 32), 90.0)], axis=-1).astype(np.uint8)
    out = load_rgb(_save(Image.fromarray(smooth), tmp_path / "x.jpg", quality=95))
    assert out.shape == smooth.shape
    assert np.abs(out.astype(int) - smooth).mean() < 3


def test_greyscale_becomes_three_equal_channels(tmp_path):
    grey = RNG.integers(0, 256, size=(5, 7), dtype=np.uint8)
    out = load_rgb(_save(Image.fromarray(grey), tmp_path / "l.png"))
    for c in range(3):
        np.testing.assert_array_equal(out[..., c], grey)


def test_bilevel_image(tmp_path):
    bits = Image.fromarray(np.array([[0, 255], [255, 0]], dtype=np.uint8)).convert("1")
    out = load_rgb(_save(bits, tmp_path / "b.png"))
    np.testing.assert_array_equal(out[..., 0], [[0, 255], [255, 0]])


def test_palette_image_gives_its_palette_colours(tmp_path):
    colours = [(255, 0, 0), (0, 128, 255), (10, 20, 30)]
    idx = np.array([[0, 1, 2], [2, 1, 0]], dtype=np.uint8)
    img = Image.frombytes("P", (3, 2), idx.tobytes())
    img.putpalette([v for c in colours for v in c])
    out = load_rgb(_save(img, tmp_path / "p.png"))
    np.testing.assert_array_equal(out, np.array(colours, dtype=np.uint8)[idx])


def test_palette_transparency_is_composited_on_white(tmp_path):
    idx = np.array([[0, 1]], dtype=np.uint8)
    img = Image.frombytes("P", (2, 1), idx.tobytes())
    img.putpalette([0, 0, 0, 200, 10, 10])
    img.info["transparency"] = 0  # colour 0 fully transparent
    out = load_rgb(_save(img, tmp_path / "pt.png", transparency=0))
    np.testing.assert_array_equal(out[0, 0], [255, 255, 255])
    np.testing.assert_array_equal(out[0, 1], [200, 10, 10])


@pytest.mark.parametrize("mode", ["RGBA", "LA"])
def test_alpha_is_composited_on_white(tmp_path, mode):
    alpha = np.array([[0, 128, 255]], dtype=np.uint8)
    colour = np.array([[40, 40, 40]], dtype=np.uint8)
    if mode == "RGBA":
        arr = np.dstack([colour, colour, colour, alpha])
    else:
        arr = np.dstack([colour, alpha])
    out = load_rgb(_save(Image.fromarray(arr, mode=mode), tmp_path / f"{mode}.png"))
    a = alpha[0] / 255.0
    expected = np.rint(a * 40 + (1 - a) * 255)
    np.testing.assert_allclose(out[0, :, 0], expected, atol=1)
    assert np.all(out[..., 0] == out[..., 1])


def test_sixteen_bit_png_is_scaled_not_clipped(tmp_path):
    values = np.array([[0, 257, 32896, 65535, 1000]], dtype=np.uint16)
    img = Image.fromarray(values)
    assert img.mode.startswith("I;16")
    out = load_rgb(_save(img, tmp_path / "16.png"))
    np.testing.assert_array_equal(out[0, :, 0], [0, 1, 128, 255, 4])  # round(v / 257)


def test_thirty_two_bit_integer_tiff(tmp_path):
    values = np.array([[0, 65535, 70000, 514]], dtype=np.int32)
    img = Image.fromarray(values)
    assert img.mode == "I"
    out = load_rgb(_save(img, tmp_path / "i.tif"))
    np.testing.assert_array_equal(out[0, :, 0], [0, 255, 255, 2])


def test_float_image_is_stretched(tmp_path):
    values = np.array([[-1.0, 0.0, 1.0]], dtype=np.float32)
    out = load_rgb(_save(Image.fromarray(values), tmp_path / "f.tif"))
    np.testing.assert_array_equal(out[0, :, 0], [0, 128, 255])


def test_cmyk_is_converted(tmp_path):
    img = Image.new("CMYK", (2, 2), (255, 0, 0, 0))  # pure cyan ink
    out = load_rgb(_save(img, tmp_path / "c.tif"))
    np.testing.assert_array_equal(out[0, 0], [0, 255, 255])


def test_exif_orientation_is_applied(tmp_path):
    img = Image.fromarray(np.zeros((10, 30, 3), dtype=np.uint8))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees on display
    out = load_rgb(_save(img, tmp_path / "rot.jpg", exif=exif))
    assert out.shape == (30, 10, 3)


# --- load_rgb: shrinking -----------------------------------------------------


def test_max_side_shrinks_and_keeps_the_aspect_ratio(tmp_path):
    path = _save(Image.new("RGB", (300, 200), (12, 200, 99)), tmp_path / "big.png")
    out = load_rgb(path, max_side=100)
    assert out.shape == (67, 100, 3)  # 200 * 100 / 300 = 66.7
    np.testing.assert_array_equal(np.unique(out.reshape(-1, 3), axis=0), [[12, 200, 99]])
    tall = load_rgb(_save(Image.new("RGB", (50, 400)), tmp_path / "tall.png"), max_side=80)
    assert tall.shape == (80, 10, 3)
    assert load_rgb(path, max_side=1000).shape == (200, 300, 3)  # never enlarged


# --- load_rgb: errors --------------------------------------------------------


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="path .*nope.png.* does not exist"):
        load_rgb(tmp_path / "nope.png")


def test_directory_is_not_an_image(tmp_path):
    with pytest.raises(ValueError, match="is a directory"):
        load_rgb(tmp_path)


def test_not_an_image(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("hello, I am not a picture")
    with pytest.raises(ValueError, match="not an image file"):
        load_rgb(path)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_file(tmp_path, fmt):
    buffer = io.BytesIO()
    Image.fromarray(RNG.integers(0, 256, size=(64, 64, 3), dtype=np.uint8)).save(buffer, format=fmt)
    path = tmp_path / f"cut.{fmt.lower()}"
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    with pytest.raises(ValueError, match="truncated or corrupt"):
        load_rgb(path)


@pytest.mark.parametrize("side", [40, 100])  # 1600 px: Pillow warns; 10000 px: Pillow refuses
def test_decompression_bomb_guard_stays_on(tmp_path, monkeypatch, side):
    path = _save(Image.new("RGB", (side, side)), tmp_path / "bomb.png")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(ValueError, match="too large to read safely.*MAX_IMAGE_PIXELS"):
        load_rgb(path)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"max_side": 0}, ValueError, "max_side"),
        ({"max_side": 2.5}, TypeError, "max_side"),
    ],
)
def test_bad_max_side(tmp_path, kwargs, error, match):
    path = _save(Image.new("RGB", (4, 4)), tmp_path / "ok.png")
    with pytest.raises(error, match=match):
        load_rgb(path, **kwargs)


def test_bad_path_type():
    with pytest.raises(TypeError, match="path must be"):
        load_rgb(42)


# --- pixels and posterizing --------------------------------------------------


def test_to_pixels_is_row_major():
    px = to_pixels(RGB)
    assert px.shape == (54, 3) and px.dtype == np.float64
    np.testing.assert_array_equal(px[2 * 9 + 4], RGB[2, 4])
    assert to_pixels(np.zeros((3, 4))).shape == (12, 1)


def test_check_image_errors():
    with pytest.raises(ValueError, match="shape"):
        check_image(np.zeros((2, 2, 2, 2)))
    with pytest.raises(TypeError, match="real numbers"):
        check_image(np.array([["a"]]))
    with pytest.raises(ValueError, match="NaN"):
        check_image(np.full((2, 2), np.nan))


def test_posterize_paints_each_label_with_its_centre():
    labels = np.array([[0, 1], [1, 2]])
    centers = np.array([[0.4, 0.6, 254.5], [-3, 300, 10], [1, 2, 3]])
    out = posterize(labels, centers)
    assert out.dtype == np.uint8 and out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out[0, 0], [0, 1, 254])  # round half to even
    np.testing.assert_array_equal(out[0, 1], [0, 255, 10])
    np.testing.assert_array_equal(out[1, 1], [1, 2, 3])


def test_posterize_errors():
    with pytest.raises(ValueError, match="one centre per label"):
        posterize(np.array([[0, 3]]), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="2-D label image"):
        posterize(np.array([0, 1]), np.zeros((2, 3)))
    with pytest.raises(TypeError, match="integer labels"):
        posterize(np.array([[0.5]]), np.zeros((2, 3)))


def test_mean_colors_and_posterize_recover_region_means():
    labels = RNG.integers(0, 4, size=RGB.shape[:2])
    means = mean_colors(RGB, labels)
    for k in range(4):
        np.testing.assert_allclose(means[k], RGB[labels == k].mean(axis=0))
    with pytest.raises(ValueError, match="must match"):
        mean_colors(RGB, labels[:, :-1])


# --- image plots -------------------------------------------------------------


def test_plot_rgb_cloud_draws_pixels_in_their_own_colours():
    fig = plt.figure()
    ax = fig.add_subplot(projection="3d")
    px = to_pixels(RGB)
    pts, ctr = plot_rgb_cloud(ax, px, centers=[[255, 0, 0]])
    fig.canvas.draw()  # 3-D collections sort their colours by depth when drawn
    drawn = {tuple(c) for c in np.rint(pts.get_facecolors()[:, :3] * 255).astype(int)}
    assert drawn == {tuple(c) for c in px.astype(int)}
    np.testing.assert_allclose(ctr.get_facecolors()[0, :3], [1, 0, 0])
    assert ax.get_xlim() == (0, 255) and ax.get_zlabel() == "blue"
    pts2, _ = plot_rgb_cloud(ax, np.repeat(px, 100, axis=0), max_points=300)
    assert len(pts2.get_offsets()) == 300
    with pytest.raises(ValueError, match="pixels has 2 features"):
        plot_rgb_cloud(ax, np.zeros((5, 2)))
    plt.close(fig)


def test_show_labels_gives_each_label_its_own_colour():
    fig, ax = plt.subplots()
    labels = np.arange(12).reshape(3, 4)
    im = show_labels(ax, labels)
    rgba = im.to_rgba(im.get_array())
    assert len({tuple(c) for c in rgba.reshape(-1, 4)}) == 12
    assert fig.axes[-1].get_ylabel() == "segment"
    with pytest.raises(ValueError, match="non-negative"):
        show_labels(ax, -labels)
    plt.close(fig)


def test_label_colors_are_distinct():
    for n in (1, 7, 15, 64):
        colours = label_colors(n)
        assert colours.shape == (n, 3)
        assert len({tuple(c) for c in np.round(colours, 6)}) == n


def test_show_image_and_side_by_side():
    fig, axes = show_side_by_side([RGB, RGB[..., 0].astype(float)], ["rgb", "red"], colorbar_label="level")
    assert [a.get_title() for a in axes] == ["rgb", "red"]
    assert len(fig.axes) == 3  # two pictures and one colour bar (for the 2-D field)
    plt.close(fig)
    with pytest.raises(ValueError, match="one title per image"):
        show_side_by_side([RGB], ["a", "b"])
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="shape"):
        show_image(ax, np.zeros((2, 2, 2)))
    plt.close(fig)


def test_plot_region_ranges_draws_one_bar_per_region():
    labels = np.array([[0, 0, 1, 1, 2]])
    values = np.array([[5.0, 7.0, 1.0, 2.0, 9.0]])
    stats = region_stats(labels, values)
    fig, ax = plt.subplots()
    plot_region_ranges(ax, stats, colors=np.eye(3), bands=[3.0])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "0", "2"]  # sorted by median
    medians = ax.collections[-1].get_offsets()[:, 1]
    np.testing.assert_allclose(medians, [1.5, 6.0, 9.0])
    with pytest.raises(ValueError, match="one row per label"):
        plot_region_ranges(ax, stats, colors=np.eye(2))
    plt.close(fig)
