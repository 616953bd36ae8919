"""Tests of msutils.segmentation: joint-domain mean shift and colour-only segmentation."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

import numba
from skimage.color import luv2rgb, rgb2luv

from msutils import MeanShift, estimate_bandwidth
from msutils.images import mean_colors, to_pixels
from msutils.kernels import get_kernel
from msutils.segmentation import mean_shift_filter, region_stats, segment, segment_colors
from msutils.segmentation import _limits
from msutils.segmentation._colour import to_planes
from msutils.segmentation._filter import OFFSET_SCALE
from msutils.segmentation._fusion import connected_regions, fuse_basins
from msutils.segmentation._joint import SPEEDUPS, _modes, _prepare
from msutils.segmentation._prune import prune_small


def _brute_force_filter(image, hs, hr, kernel, tol=1e-10, max_iter=200):
    """Joint-domain mean shift, one pixel at a time, every pixel in every window (plain NumPy)."""
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


def _on_grid(image, hr, space="rgb"):
    """The range values the compiled filter sees (on its integer grid), in range units, and one grid step."""
    planes, scale = to_planes(np.asarray(image), hr, space)
    return np.moveaxis(planes, 0, 2).astype(float) * (hr / scale), hr / scale


def _merge_small_reference(labels, colours, min_region):
    """Plain NumPy pruning: each small region joins the 4-adjacent region of closest mean colour (ties: smaller
    label), all small regions of a round at once, until none is left."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    def first_seen(lab):
        uniq, first, inverse = np.unique(lab.ravel(), return_index=True, return_inverse=True)
        rank = np.empty(uniq.size, dtype=np.int64)
        rank[np.argsort(first, kind="stable")] = np.arange(uniq.size)
        return rank[inverse].reshape(lab.shape)

    labels = first_seen(labels)
    while True:
        n = int(labels.max()) + 1
        sizes = np.bincount(labels.ravel(), minlength=n)
        small = sizes < min_region
        if not small.any() or n == 1:
            return labels
        means = mean_colors(colours, labels)
        p = np.concatenate([np.stack([labels[:, :-1].ravel(), labels[:, 1:].ravel()], axis=1),
                            np.stack([labels[:-1, :].ravel(), labels[1:, :].ravel()], axis=1)])
        p = p[p[:, 0] != p[:, 1]]
        pairs = np.unique(np.concatenate([p, p[:, ::-1]]), axis=0)
        pairs = pairs[small[pairs[:, 0]]]
        dist = ((means[pairs[:, 0]] - means[pairs[:, 1]]) ** 2).sum(axis=1)
        pairs = pairs[np.lexsort((pairs[:, 1], dist, pairs[:, 0]))]
        best = pairs[np.r_[True, pairs[1:, 0] != pairs[:-1, 0]]]
        graph = coo_matrix((np.ones(len(best)), (best[:, 0], best[:, 1])), shape=(n, n))
        labels = first_seen(connected_components(graph, directed=False)[1][labels])


def _fusion_reference(modes_pos, modes_col, hs, hr):
    """Plain Python fusion: union of 8-neighbours whose modes are closer than (hs, hr), then of basins whose
    mean modes are closer than (hs, hr); the 8-connected parts of the clusters, in reading order."""
    from scipy.ndimage import label as nd_label

    h, w = modes_pos.shape[:2]
    parent = list(range(h * w))

    def find(i):
        while parent[i] != i:
            i = parent[i]
        return i

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    def close(p, q):
        return (((modes_col[p] - modes_col[q]) ** 2).sum() < hr**2) and (((modes_pos[p] - modes_pos[q]) ** 2).sum() < hs**2)

    for y in range(h):
        for x in range(w):
            for dy, dx in ((0, 1), (1, 0), (1, 1), (1, -1)):
                yy, xx = y + dy, x + dx
                if 0 <= yy < h and 0 <= xx < w and close((y, x), (yy, xx)):
                    union(y * w + x, yy * w + xx)
    basin = np.array([find(i) for i in range(h * w)])
    roots = np.unique(basin)
    mpos = np.array([modes_pos.reshape(-1, 2)[basin == r].mean(axis=0) for r in roots])
    mcol = np.array([modes_col.reshape(h * w, -1)[basin == r].mean(axis=0) for r in roots])
    bparent = list(range(len(roots)))

    def bfind(i):
        while bparent[i] != i:
            i = bparent[i]
        return i

    for a in range(len(roots)):
        for b in range(a + 1, len(roots)):
            if ((mcol[a] - mcol[b]) ** 2).sum() < hr**2 and ((mpos[a] - mpos[b]) ** 2).sum() < hs**2:
                ra, rb = bfind(a), bfind(b)
                if ra != rb:
                    bparent[max(ra, rb)] = min(ra, rb)
    index = {r: k for k, r in enumerate(roots)}
    cluster = np.array([bfind(index[b]) for b in basin]).reshape(h, w)
    regions = np.zeros((h, w), dtype=int)
    n = 0
    for c in np.unique(cluster):
        lab, k = nd_label(cluster == c, structure=np.ones((3, 3)))
        regions[lab > 0] = lab[lab > 0] + n
        n += k
    uniq, first, inverse = np.unique(regions.ravel(), return_index=True, return_inverse=True)
    rank = np.empty(uniq.size, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(uniq.size)
    return rank[inverse].reshape(h, w)


def _rectangles(noise=6.0, seed=0):
    """Three flat colour rectangles plus Gaussian noise, and the true labels."""
    truth = np.zeros((30, 40), dtype=int)
    truth[:, 15:] = 1
    truth[18:, 15:] = 2
    colours = np.array([[200, 30, 30], [30, 160, 40], [40, 60, 220]], dtype=float)
    image = colours[truth] + np.random.default_rng(seed).normal(0, noise, (30, 40, 3))
    return np.clip(image, 0, 255), truth


# --- filtering ---------------------------------------------------------------


@pytest.mark.parametrize("kernel", ["flat", "epanechnikov", "biweight"])
@pytest.mark.parametrize("channels", [3, 1])
def test_filter_matches_a_plain_reference_within_one_grid_step(kernel, channels):
    # The compiled filter works on the range values rounded to its grid (hr / 2048 here) and rounds each
    # mean to the grid; fed the same rounded values, the plain reference lands within one grid step with the
    # flat kernel (the window's members are the same, only the last rounding differs) and within hr / 200
    # with the smooth kernels (a half-step perturbation per iteration, and their pull near a mode is weak).
    rng = np.random.default_rng(1)
    image = rng.uniform(0, 255, (9, 10, channels))
    image[:, 5:] += 60  # some structure
    on_grid, step = _on_grid(image, 90.0)
    got = mean_shift_filter(image, spatial_bandwidth=2.5, range_bandwidth=90, color_space="rgb", kernel=kernel,
                            tol=1e-10, max_iter=200, speedup="none")
    want = _brute_force_filter(on_grid, 2.5, 90, kernel)
    assert step == 90 / 2048
    assert np.abs(got - want).max() <= (step if kernel == "flat" else 90 / 200)


def test_filter_in_luv_is_the_reference_in_luv_coordinates():
    rng = np.random.default_rng(2)
    image = np.clip(rng.normal(120, 40, (8, 9, 3)), 0, 255).astype(np.uint8)
    image[:, 5:] = np.clip(image[:, 5:].astype(int) + 90, 0, 255)
    on_grid, step = _on_grid(image, 12.0, "luv")
    np.testing.assert_allclose(on_grid, rgb2luv(image), atol=step / 2 + 1e-9)  # scikit-image's conversion
    got = mean_shift_filter(image, spatial_bandwidth=3, range_bandwidth=12, tol=1e-10, max_iter=200, speedup="none")
    want = luv2rgb(_brute_force_filter(on_grid, 3, 12, "flat")) * 255
    assert np.abs(got - want).max() < 0.5  # a grid step of L*u*v* is well below one 8-bit level


def test_modes_positions_match_the_reference_too():
    rng = np.random.default_rng(3)
    image = rng.uniform(0, 200, (7, 8, 3))
    planes, scale, hs, hr, k, max_iter, tol, _ = _prepare(image, 2.5, 80, "flat", 200, 1e-10, "rgb", "none")
    mode_col, mode_off = _modes(planes, scale, hs, k, max_iter, tol, 0, None)
    rows, cols = np.divmod(np.arange(56), 8)
    got = np.stack([rows + mode_off[0].ravel() / OFFSET_SCALE, cols + mode_off[1].ravel() / OFFSET_SCALE], axis=1)
    # reference positions: the same climb, tracking the spatial part
    on_grid = np.moveaxis(planes, 0, 2).astype(float) / scale * hr
    pos = np.stack([rows, cols], axis=1).astype(float)
    col = on_grid.reshape(-1, 3)
    for i in range(56):
        ys, yr = pos[i].copy(), col[i].copy()
        for _ in range(200):
            wgt = ((((pos - ys) ** 2).sum(axis=1) <= hs**2) & (((col - yr) ** 2).sum(axis=1) <= hr**2)).astype(float)
            new_s, new_r = wgt @ pos / wgt.sum(), wgt @ col / wgt.sum()
            done = ((new_s - ys) ** 2).sum() / hs**2 + ((new_r - yr) ** 2).sum() / hr**2 <= 1e-20
            ys, yr = new_s, new_r
            if done:
                break
        assert np.abs(got[i] - ys).max() <= 1 / OFFSET_SCALE


def test_filter_does_not_depend_on_the_number_of_threads():
    image, _ = _rectangles(seed=7)
    image = np.vstack([image] * 3)  # 90 rows: three strips
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = segment(image, spatial_bandwidth=4, range_bandwidth=10)
        numba.set_num_threads(before)
        many = segment(image, spatial_bandwidth=4, range_bandwidth=10)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(one, many)


@pytest.mark.parametrize("speedup", ["medium", "high"])
def test_basin_sharing_changes_few_pixels(speedup):
    image, truth = _rectangles(noise=10, seed=8)
    exact = mean_shift_filter(image, spatial_bandwidth=4, range_bandwidth=12, speedup="none")
    fast = mean_shift_filter(image, spatial_bandwidth=4, range_bandwidth=12, speedup=speedup)
    far = np.sqrt(((rgb2luv(fast / 255) - rgb2luv(exact / 255)) ** 2).sum(axis=2)) > 12 / 2
    assert far.mean() < 0.05  # fewer than 5 % of the pixels end further than hr / 2 from their exact mode
    labels = segment(image, spatial_bandwidth=4, range_bandwidth=12, speedup=speedup)
    assert adjusted_rand_score(truth.ravel(), labels.ravel()) >= 0.95


def test_filter_leaves_a_flat_image_alone():
    image = np.full((9, 11, 3), 77.0)
    out = mean_shift_filter(image, spatial_bandwidth=3, range_bandwidth=10)
    assert (out == out[0, 0]).all()  # every pixel the same colour...
    np.testing.assert_allclose(out, image, atol=0.05)  # ...77 up to the L*u*v* grid's rounding (0.02 L*u*v* units)


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


def test_progress_is_reported_after_every_batch_of_rows():
    calls = []
    image, _ = _rectangles()
    image = np.vstack([image] * 4)  # 120 rows, 4 strips
    mean_shift_filter(image, spatial_bandwidth=3, range_bandwidth=30, progress=lambda *a: calls.append(a))
    done = [c[0] for c in calls]
    assert len(calls) >= 1 and all(c[1] == image.shape[0] * image.shape[1] for c in calls)
    assert done == sorted(done) and done[-1] == calls[-1][1]


def test_progress_bar_is_tqdm_on_stderr(capsys):
    image, _ = _rectangles()
    segment(image, spatial_bandwidth=3, range_bandwidth=30, progress=True)
    err = capsys.readouterr().err
    assert "mean shift filter" in err and "100%" in err


# --- segmentation ------------------------------------------------------------


def test_joint_segmentation_recovers_three_rectangles():
    image, truth = _rectangles()
    labels = segment(image, spatial_bandwidth=4, range_bandwidth=40, min_region=20)
    assert labels.shape == truth.shape and labels.dtype == np.int32
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
    values = np.zeros((1, 4, 6), dtype=np.int16)
    values[0][labels == 0] = 10
    values[0][labels == 1] = 200
    values[0][labels == 2] = 150  # closer to region 1
    out = prune_small(labels.ravel(), values, 5).reshape(4, 6)
    assert out.max() + 1 == 2
    assert out[1, 2] == out[0, 5] != out[0, 0]


def test_pruning_matches_a_plain_reference():
    rng = np.random.default_rng(4)
    for trial in range(5):
        labels = rng.integers(0, 25, (20, 24))
        labels = connected_regions(labels.ravel(), 20, 24).reshape(20, 24)  # connected regions, like segment's
        values = rng.integers(-300, 300, (3, 20, 24)).astype(np.int16)
        for m in (2, 4, 9):
            got = prune_small(labels.ravel(), values, m).reshape(20, 24)
            want = _merge_small_reference(labels, np.moveaxis(values, 0, 2).astype(float), m)
            np.testing.assert_array_equal(got, want)


def test_fusion_matches_a_plain_reference():
    rng = np.random.default_rng(5)
    h, w, hs, scale = 12, 14, 3.0, 512.0
    for trial in range(3):
        # piecewise-constant modes with jitter: a few true modes, some basins to join, some not
        centres = rng.uniform(-4, 4, (6, 3))
        which = np.repeat(np.repeat(rng.integers(0, 6, (3, 4)), 4, axis=0), 4, axis=1)[:h, :w]
        col = centres[which] + rng.normal(0, 0.3, (h, w, 3))
        mode_col = np.rint(np.moveaxis(col, 2, 0) * scale).astype(np.int16)
        off = rng.normal(0, 1.5, (2, h, w))
        mode_off = np.rint(off * OFFSET_SCALE).astype(np.int16)
        rows, cols = np.mgrid[:h, :w]
        pos = np.stack([rows + mode_off[0] / OFFSET_SCALE, cols + mode_off[1] / OFFSET_SCALE], axis=2)
        got = connected_regions(fuse_basins(mode_col, scale, mode_off, OFFSET_SCALE, hs), h, w).reshape(h, w)
        want = _fusion_reference(pos, np.moveaxis(mode_col, 0, 2) / scale, hs, 1.0)
        np.testing.assert_array_equal(got, want)
        assert 1 < got.max() + 1 < h * w


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
        ({"speedup": "turbo"}, ValueError, "speedup must be one of"),
        ({"color_space": "hsv"}, ValueError, "color_space must be one of"),
        ({"range_bandwidth": 1e-3, "color_space": "rgb"}, ValueError, "range_bandwidth=0.001 is too small"),
    ],
)
def test_segment_rejects_bad_arguments(kwargs, error, match):
    args = {"spatial_bandwidth": 3, "range_bandwidth": 20, **kwargs}
    with pytest.raises(error, match=match):
        segment(np.full((5, 5, 3), 100.0), **args)


def test_a_picture_too_large_for_memory_is_refused_with_a_way_out(monkeypatch):
    monkeypatch.setattr(_limits, "available_memory", lambda: 10_000)
    with pytest.raises(ValueError, match=r"image of 40 x 30 pixels .* more than the 10.0 kB available.*--max-side"):
        segment(np.zeros((30, 40, 3)), spatial_bandwidth=3, range_bandwidth=20)
    with pytest.raises(ValueError, match=r"image of 40 x 30 pixels .*--max-side"):
        segment_colors(np.zeros((30, 40, 3)), bandwidth=10)


def test_luv_needs_rgb_values_and_three_or_one_channels():
    with pytest.raises(ValueError, match="RGB values in 0..255"):
        segment(np.full((5, 5, 3), 300.0), spatial_bandwidth=3, range_bandwidth=20)
    with pytest.raises(ValueError, match="3 channels"):
        segment(np.zeros((5, 5, 2)), spatial_bandwidth=3, range_bandwidth=20)
    two = segment(np.zeros((5, 5, 2)), spatial_bandwidth=3, range_bandwidth=20, color_space="rgb")
    assert two.max() == 0


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


# --- filter beside a Gaussian blur ---------------------------------------------


def test_matched_gaussian_blur_matches_the_rms_change_and_keeps_less_edge_contrast():
    from scipy.ndimage import gaussian_filter

    from msutils.segmentation import edge_contrast, matched_gaussian_blur

    image, _ = _rectangles(noise=8, seed=9)
    smooth = mean_shift_filter(image, spatial_bandwidth=4, range_bandwidth=14)
    blurred, sigma = matched_gaussian_blur(image, smooth)
    np.testing.assert_allclose(blurred, gaussian_filter(image, (sigma, sigma, 0), mode="reflect"))
    rms = lambda a: np.sqrt(((a - image) ** 2).mean())  # noqa: E731
    others = [gaussian_filter(image, (s, s, 0), mode="reflect") for s in (sigma - 0.25, sigma + 0.25)]
    assert all(abs(rms(blurred) - rms(smooth)) <= abs(rms(o) - rms(smooth)) for o in others)
    # the edge-preserving filter keeps the rectangles' edges, the blur of the same strength does not
    assert edge_contrast(image, smooth) > edge_contrast(image, blurred) + 0.2
    with pytest.raises(ValueError, match="same shape"):
        matched_gaussian_blur(image, smooth[:-1])
    with pytest.raises(ValueError, match="no edges"):
        edge_contrast(np.zeros((5, 5)), np.zeros((5, 5)))
