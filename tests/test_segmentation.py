"""Tests of msutils.segmentation: joint-domain mean shift and colour-only segmentation."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from msutils import MeanShift, estimate_bandwidth
from msutils.images import to_pixels
from msutils.kernels import get_kernel
from msutils.segmentation import _merge_small, mean_shift_filter, region_stats, segment, segment_colors


def _brute_force_filter(image, hs, hr, kernel, tol=1e-10, max_iter=200):
    """Joint-domain mean shift, one pixel at a time, every pixel in every window."""
    h, w, c = image.shape
    rows, cols = np.divmod(np.arange(h * w), w)
    pos = np.stack([rows, cols], axis=1).astype(float)
    col = image.reshape(-1, c).astype(float)
    k = get_kernel(kernel)
    out = np.empty_like(col)
    for i in range(h * w):
        ys, yr = pos[i].copy(), col[i].copy()
        for _ in range(max_iter):
            d2s = ((pos - ys) ** 2).sum(axis=1) / hs**2
            d2r = ((col - yr) ** 2).sum(axis=1) / hr**2
            wgt = k.profile(d2s) * k.profile(d2r)
            new_s = wgt @ pos / wgt.sum()
            new_r = wgt @ col / wgt.sum()
            step2 = ((new_s - ys) ** 2).sum() / hs**2 + ((new_r - yr) ** 2).sum() / hr**2
            ys, yr = new_s, new_r
            if step2 <= tol**2:
                break
        out[i] = yr
    return out.reshape(h, w, c)


def _rectangles(noise=6.0, seed=0):
    """Three flat colour rectangles plus Gaussian noise, and the true labels."""
    truth = np.zeros((30, 40), dtype=int)
    truth[:, 15:] = 1
    truth[18:, 15:] = 2
    colours = np.array([[200, 30, 30], [30, 160, 40], [40, 60, 220]], dtype=float)
    image = colours[truth] + np.random.default_rng(seed).normal(0, noise, (30, 40, 3))
    return np.clip(image, 0, 255), truth


# --- filtering ---------------------------------------------------------------


@pytest.mark.parametrize("kernel", ["flat", "epanechnikov"])
def test_filter_matches_a_brute_force_implementation(kernel):
    rng = np.random.default_rng(1)
    image = rng.uniform(0, 255, (7, 8, 3))
    image[:, 4:] += 60  # some structure
    got = mean_shift_filter(image, spatial_bandwidth=2.5, range_bandwidth=90, kernel=kernel, tol=1e-10, max_iter=200)
    want = _brute_force_filter(image, 2.5, 90, kernel)
    np.testing.assert_allclose(got, want, atol=1e-6)


def test_filter_leaves_a_flat_image_alone():
    image = np.full((9, 11, 3), 77.0)
    np.testing.assert_array_equal(mean_shift_filter(image, spatial_bandwidth=3, range_bandwidth=10), image)


def test_filter_smooths_noise_but_keeps_the_edge():
    rng = np.random.default_rng(0)
    clean = np.where(np.arange(40) < 20, 60.0, 180.0)[None, :].repeat(20, axis=0)
    noisy = clean + rng.normal(0, 8, clean.shape)
    out = mean_shift_filter(noisy, spatial_bandwidth=4, range_bandwidth=40)[..., 0]
    assert out.shape == clean.shape
    for side in (slice(0, 20), slice(20, 40)):
        assert out[:, side].std() < noisy[:, side].std() / 3
    # the columns next to the edge stay on their own side
    assert np.abs(out[:, 19] - 60).max() < 12 and np.abs(out[:, 20] - 180).max() < 12


def test_progress_is_reported_after_every_step():
    calls = []
    image, _ = _rectangles()
    mean_shift_filter(image, spatial_bandwidth=3, range_bandwidth=30, progress=lambda *a: calls.append(a))
    iterations = [c[0] for c in calls]
    done = [c[1] for c in calls]
    assert iterations == list(range(1, len(calls) + 1))
    assert all(c[2] == image.shape[0] * image.shape[1] for c in calls)
    assert done == sorted(done) and done[-1] == calls[-1][2]


# --- segmentation ------------------------------------------------------------


def test_joint_segmentation_recovers_three_rectangles():
    image, truth = _rectangles()
    labels = segment(image, spatial_bandwidth=4, range_bandwidth=40, min_region=20)
    assert labels.shape == truth.shape and labels.dtype == np.int64
    assert adjusted_rand_score(truth.ravel(), labels.ravel()) >= 0.95


def test_colour_segmentation_recovers_three_rectangles():
    image, truth = _rectangles()
    labels, centers = segment_colors(image, quantile=0.2, n_samples=500)
    assert labels.shape == truth.shape and centers.shape == (3, 3)
    assert adjusted_rand_score(truth.ravel(), labels.ravel()) >= 0.95
    # each centre is close to the colour of its rectangle
    expected = np.array([[200, 30, 30], [30, 160, 40], [40, 60, 220]])
    for k in range(3):
        block = np.bincount(truth[labels == k]).argmax()
        assert np.abs(centers[k] - expected[block]).max() < 5


def test_segment_colors_is_the_articles_pipeline():
    image, _ = _rectangles(seed=3)
    labels, centers = segment_colors(image, quantile=0.1, n_samples=100)
    pixels = to_pixels(image)
    bw = estimate_bandwidth(pixels, quantile=0.1, n_samples=100, random_state=0)
    model = MeanShift(bandwidth=bw, bin_seeding=True).fit(pixels)
    np.testing.assert_array_equal(labels.ravel(), model.labels_)
    np.testing.assert_array_equal(centers, model.cluster_centers_)
    same, _ = segment_colors(image, bandwidth=bw)
    np.testing.assert_array_equal(same, labels)


def test_joint_domain_separates_far_patches_of_one_colour_and_colour_only_does_not():
    image = np.zeros((20, 40, 3))
    image[5:15, 3:13] = [250, 200, 0]
    image[5:15, 27:37] = [250, 200, 0]
    joint = segment(image, spatial_bandwidth=3, range_bandwidth=30, min_region=5)
    colour, _ = segment_colors(image, bandwidth=30)
    assert joint[10, 8] != joint[10, 32]
    assert colour[10, 8] == colour[10, 32]
    assert joint.max() + 1 == 3 and colour.max() + 1 == 2


def test_small_regions_are_merged():
    image = np.zeros((30, 30, 3))
    spots = [(3, 3), (3, 20), (15, 10), (24, 24)]
    for r, c in spots:
        image[r : r + 2, c : c + 2] = 200.0  # 4-pixel speckles
    kept = segment(image, spatial_bandwidth=2, range_bandwidth=30, min_region=1)
    assert kept.max() + 1 == 1 + len(spots)
    merged = segment(image, spatial_bandwidth=2, range_bandwidth=30, min_region=5)
    assert merged.max() + 1 == 1
    sizes = np.bincount(segment(image, spatial_bandwidth=2, range_bandwidth=30, min_region=4).ravel())
    assert sizes.min() >= 4  # a region of exactly min_region pixels stays


def test_a_small_region_joins_its_most_similar_neighbour():
    labels = np.array([[0, 0, 0, 1, 1, 1]] * 4)
    labels[1:3, 2:4] = 2  # a 4-pixel region touching both
    colours = np.zeros((4, 6, 3))
    colours[labels == 0] = [10, 10, 10]
    colours[labels == 1] = [200, 10, 10]
    colours[labels == 2] = [150, 10, 10]  # closer to region 1
    out = _merge_small(labels, colours, min_region=5)
    assert out.max() + 1 == 2
    assert out[1, 2] == out[0, 5] != out[0, 0]


def test_labels_are_numbered_in_reading_order():
    image, _ = _rectangles(seed=4)
    labels = segment(image, spatial_bandwidth=3, range_bandwidth=40)
    flat = labels.ravel()
    _, first = np.unique(flat, return_index=True)
    assert np.all(np.diff(first) > 0)
    assert set(flat.tolist()) == set(range(flat.max() + 1))


def test_greyscale_images_are_accepted():
    _, truth = _rectangles()
    grey = np.array([40.0, 120.0, 200.0])[truth] + np.random.default_rng(5).normal(0, 6, truth.shape)
    labels = segment(grey, spatial_bandwidth=3, range_bandwidth=25)
    assert adjusted_rand_score(truth.ravel(), labels.ravel()) >= 0.95


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"spatial_bandwidth": 0}, ValueError, "spatial_bandwidth"),
        ({"range_bandwidth": -1}, ValueError, "range_bandwidth"),
        ({"range_bandwidth": "wide"}, TypeError, "range_bandwidth"),
        ({"kernel": "gaussian"}, ValueError, "bounded support"),
        ({"kernel": "cosine"}, ValueError, "kernel must be one of"),
        ({"min_region": 0}, ValueError, "min_region"),
        ({"max_iter": 0}, ValueError, "max_iter"),
        ({"tol": 0}, ValueError, "tol"),
    ],
)
def test_segment_rejects_bad_arguments(kwargs, error, match):
    args = {"spatial_bandwidth": 3, "range_bandwidth": 20, **kwargs}
    with pytest.raises(error, match=match):
        segment(np.zeros((5, 5, 3)), **args)


def test_segment_rejects_bad_images():
    with pytest.raises(ValueError, match="shape"):
        segment(np.zeros(5), spatial_bandwidth=3, range_bandwidth=20)
    with pytest.raises(ValueError, match="NaN"):
        mean_shift_filter(np.full((3, 3), np.inf), spatial_bandwidth=3, range_bandwidth=20)


def test_segment_colors_rejects_bad_arguments():
    image, _ = _rectangles()
    with pytest.raises(ValueError, match="quantile"):
        segment_colors(image, quantile=0)
    with pytest.raises(ValueError, match="n_samples"):
        segment_colors(image, n_samples=0)
    with pytest.raises(ValueError, match="bandwidth"):
        segment_colors(image, bandwidth=-2)
    with pytest.raises(ValueError, match="all the same colour"):
        segment_colors(np.full((10, 10, 3), 9.0))


# --- region statistics -------------------------------------------------------


def test_region_stats_match_a_direct_computation():
    rng = np.random.default_rng(2)
    labels = rng.integers(0, 4, (12, 12))
    values = rng.normal(30, 5, (12, 12))
    mask = np.ones((12, 12), dtype=bool)
    mask[:, -3:] = False
    stats = region_stats(labels, values, mask=mask)
    assert np.all(np.diff(stats["median"]) >= 0)
    for i, k in enumerate(stats["label"]):
        v = values[(labels == k) & mask]
        assert stats["size"][i] == v.size
        assert stats["min"][i] == v.min() and stats["max"][i] == v.max()
        np.testing.assert_allclose([stats["p05"][i], stats["median"][i], stats["p95"][i]],
                                   np.percentile(v, [5, 50, 95]))
    with pytest.raises(ValueError, match="must match"):
        region_stats(labels, values[:, :-1])
    with pytest.raises(ValueError, match="mask has shape"):
        region_stats(labels, values, mask=mask[:-1])
