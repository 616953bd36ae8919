"""Tests of the command line: python -m msutils segment INPUT OUTPUT, and batches with --out-dir."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from msutils.__main__ import main
from msutils.images import load_rgb, mean_colors, posterize
from msutils.segmentation import _limits, segment, segment_colors


@pytest.fixture
def picture(tmp_path):
    """Three flat colour blocks with a little noise, saved as PNG."""
    truth = np.zeros((40, 60), dtype=int)
    truth[:, 30:] = 1
    truth[25:, 30:] = 2
    colours = np.array([[220, 40, 40], [40, 180, 60], [50, 70, 230]], dtype=float)
    image = colours[truth] + np.random.default_rng(0).normal(0, 5, (40, 60, 3))
    path = tmp_path / "blocks.png"
    Image.fromarray(np.clip(image, 0, 255).astype(np.uint8)).save(path)
    return path


def test_posterize_writes_the_cluster_colours(picture, tmp_path, capsys):
    out = tmp_path / "out.png"
    assert main(["segment", str(picture), str(out), "--quantile", "0.3"]) == 0
    stdout = capsys.readouterr().out.strip()
    written = load_rgb(out)
    assert written.shape == (40, 60, 3)
    labels, centers = segment_colors(load_rgb(picture), quantile=0.3, n_samples=100)
    expected = np.rint(np.clip(centers, 0, 255)).astype(np.uint8)[labels]
    np.testing.assert_array_equal(written, expected)
    n_colours = len(np.unique(written.reshape(-1, 3), axis=0))
    assert stdout.startswith("blocks.png: 60x40 pixels, ")
    assert f"{len(centers)} clusters" in stdout and n_colours == len(centers) == 3
    assert stdout.endswith("-> out.png")


def test_labels_mode_writes_segment_indices(picture, tmp_path, capsys):
    out = tmp_path / "labels.png"
    assert main(["segment", str(picture), str(out), "--mode", "labels", "--quantile", "0.2"]) == 0
    with Image.open(out) as img:
        assert img.mode == "L"
        written = np.asarray(img)
    labels, _ = segment_colors(load_rgb(picture), quantile=0.2, n_samples=100)
    np.testing.assert_array_equal(written, labels)


def test_joint_domain_mode(picture, tmp_path, capsys):
    out = tmp_path / "regions.tif"
    args = ["segment", str(picture), str(out), "--spatial", "3", "--range", "30", "--min-region", "10",
            "--mode", "labels"]
    assert main(args) == 0
    expected = segment(load_rgb(picture), spatial_bandwidth=3, range_bandwidth=30, min_region=10)
    np.testing.assert_array_equal(np.asarray(Image.open(out)), expected)
    assert f"{expected.max() + 1} regions (joint domain, spatial 3, range 30, min region 10)" in capsys.readouterr().out


def test_max_side_shrinks_the_output(picture, tmp_path, capsys):
    out = tmp_path / "small.jpg"
    assert main(["segment", str(picture), str(out), "--max-side", "30"]) == 0
    assert load_rgb(out).shape == (20, 30, 3)
    assert "30x20 pixels" in capsys.readouterr().out


def test_full_resolution_by_default(tmp_path, capsys):
    big = tmp_path / "wide.png"
    image = np.zeros((90, 700, 3), dtype=np.uint8)
    image[:, 350:] = [200, 60, 20]
    Image.fromarray(image).save(big)
    out = tmp_path / "wide_seg.png"
    assert main(["segment", str(big), str(out), "--spatial", "4", "--range", "16"]) == 0
    assert load_rgb(out).shape == (90, 700, 3)  # not shrunk to 512
    assert "700x90 pixels, 2 regions" in capsys.readouterr().out


def test_a_picture_too_large_for_memory_names_size_limit_and_max_side(picture, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(_limits, "available_memory", lambda: 50_000)
    assert main(["segment", str(picture), str(tmp_path / "o.png"), "--spatial", "3", "--range", "16"]) == 2
    err = capsys.readouterr().err
    assert "image of 60 x 40 pixels" in err and "50.0 kB available" in err and "--max-side" in err
    assert not (tmp_path / "o.png").exists()


def test_progress_bar_goes_to_stderr_only_when_asked(picture, tmp_path, capsys):
    out = tmp_path / "o.png"
    assert main(["segment", str(picture), str(out), "--spatial", "3", "--range", "16"]) == 0
    assert capsys.readouterr().err == ""  # stderr is not a terminal under pytest
    assert main(["segment", str(picture), str(out), "--spatial", "3", "--range", "16", "--progress"]) == 0
    err = capsys.readouterr().err
    assert "mean shift filter" in err and "100%" in err and "2.40k/2.40k" in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--quantile", "0"], "argument --quantile: expected a number in (0, 1]"),
        (["--quantile", "x"], "argument --quantile"),
        (["--n-samples", "-5"], "argument --n-samples: expected a positive integer"),
        (["--spatial", "4"], "--spatial and --range must be given together"),
        (["--range", "4"], "--spatial and --range must be given together"),
        (["--spatial", "0", "--range", "4"], "argument --spatial: expected a positive number"),
        (["--min-region", "5"], "--min-region: only applies with --spatial and --range"),
        (["--max-side", "0"], "argument --max-side"),
        (["--mode", "edges"], "argument --mode: invalid choice"),
        (["--speedup", "none"], "--speedup: only applies with --spatial and --range"),
        (["--jobs", "2"], "--jobs and --dask-scheduler: only apply with --out-dir"),
    ],
)
def test_bad_parameters_exit_with_status_2(picture, tmp_path, capsys, extra, message):
    assert main(["segment", str(picture), str(tmp_path / "o.png"), *extra]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""
    assert not (tmp_path / "o.png").exists()


def test_bad_files_exit_with_status_2(picture, tmp_path, capsys):
    text = tmp_path / "notes.jpg"
    text.write_text("not a picture")
    cases = [
        ([str(tmp_path / "missing.png"), str(tmp_path / "o.png")], "argument INPUT: path"),
        ([str(text), str(tmp_path / "o.png")], "argument INPUT: path"),
        ([str(picture), str(tmp_path / "o.xyz")], "argument OUTPUT: cannot tell the image format"),
        ([str(picture), str(tmp_path / "o.jpg"), "--mode", "labels"], "argument OUTPUT: --mode labels needs"),
        ([str(picture), str(tmp_path / "no" / "dir" / "o.png")], "argument OUTPUT: the folder"),
    ]
    for args, message in cases:
        assert main(["segment", *args]) == 2
        assert message in capsys.readouterr().err


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "segment" in capsys.readouterr().err
    assert main(["--help"]) == 0
    assert main(["segment", "a.png", "b.png", "c.png"]) == 2
    assert "expected INPUT OUTPUT (or inputs with --out-dir DIR), got 3 paths" in capsys.readouterr().err


def test_python_dash_m_runs_end_to_end(picture, tmp_path):
    out = tmp_path / "cli.png"
    ok = subprocess.run([sys.executable, "-m", "msutils", "segment", str(picture), str(out), "--quantile", "0.3"],
                        capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("blocks.png: 60x40 pixels, 3 clusters") and ok.stderr == ""
    assert out.exists()
    bad = subprocess.run([sys.executable, "-m", "msutils", "segment", str(tmp_path / "nope.png"), str(out)],
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 2
    assert "error: argument INPUT: path" in bad.stderr and "does not exist" in bad.stderr


# --- batches -------------------------------------------------------------------


@pytest.fixture
def six_pictures(tmp_path):
    """Six small pictures (different blocks and noise), saved as PNG and JPEG."""
    folder = tmp_path / "in"
    folder.mkdir()
    paths = []
    for k in range(6):
        rng = np.random.default_rng(k)
        image = np.zeros((36, 48, 3))
        image[:, : 12 + 4 * k] = rng.uniform(0, 255, 3)
        image[:, 12 + 4 * k :] = rng.uniform(0, 255, 3)
        image[20:, 30:] = rng.uniform(0, 255, 3)
        image = np.clip(image + rng.normal(0, 4, image.shape), 0, 255).astype(np.uint8)
        path = folder / (f"pic{k}.png" if k % 2 else f"pic{k}.jpg")
        Image.fromarray(image).save(path)
        paths.append(path)
    return paths


_JOINT = ["--spatial", "4", "--range", "12", "--min-region", "10"]


def _written(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_batch_writes_one_png_per_input_same_as_one_at_a_time(six_pictures, tmp_path, capsys):
    one = tmp_path / "one"
    one.mkdir()
    for path in six_pictures:
        assert main(["segment", str(path), str(one / (path.stem + ".png")), *_JOINT]) == 0
    capsys.readouterr()
    batch = tmp_path / "batch"
    batch.mkdir()
    assert main(["segment", *map(str, six_pictures), "--out-dir", str(batch), "--jobs", "2", *_JOINT]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert sorted(line.split(":")[0] for line in lines) == sorted(p.name for p in six_pictures)
    assert _written(batch) == _written(one) and len(_written(one)) == 6
    # and the files are what segment() gives
    labels = segment(load_rgb(six_pictures[0]), spatial_bandwidth=4, range_bandwidth=12, min_region=10)
    expected = posterize(labels, mean_colors(load_rgb(six_pictures[0]), labels))
    np.testing.assert_array_equal(load_rgb(batch / "pic0.png"), expected)


def test_batch_on_a_local_dask_cluster_gives_the_same_files(six_pictures, tmp_path, capsys):
    distributed = pytest.importorskip("distributed")
    serial = tmp_path / "serial"
    serial.mkdir()
    assert main(["segment", *map(str, six_pictures), "--out-dir", str(serial), *_JOINT]) == 0
    on_dask = tmp_path / "dask"
    on_dask.mkdir()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        assert main(["segment", *map(str, six_pictures), "--out-dir", str(on_dask), "--jobs", "2",
                     "--dask-scheduler", cluster.scheduler_address, *_JOINT]) == 0
    assert _written(on_dask) == _written(serial) and len(_written(serial)) == 6


def test_a_bad_file_in_a_batch_is_reported_and_skipped(six_pictures, tmp_path, capsys):
    broken = six_pictures[0].parent / "broken.jpg"
    broken.write_bytes(b"not a picture at all")
    missing = six_pictures[0].parent / "missing.png"
    out = tmp_path / "out"
    out.mkdir()
    inputs = [str(six_pictures[0]), str(broken), str(six_pictures[1]), str(missing)]
    assert main(["segment", *inputs, "--out-dir", str(out), "--jobs", "2", *_JOINT]) == 1
    captured = capsys.readouterr()
    assert sorted(_written(out)) == ["pic0.png", "pic1.png"]
    assert "broken.jpg: argument INPUT: path" in captured.err and "missing.png: argument INPUT: path" in captured.err
    assert "2 of 4 pictures could not be segmented" in captured.err
    assert len(captured.out.strip().splitlines()) == 2


def test_batch_creates_the_output_folder(six_pictures, tmp_path, capsys):
    new = tmp_path / "new" / "nested"
    assert main(["segment", str(six_pictures[0]), "--out-dir", str(new), *_JOINT]) == 0
    assert sorted(_written(new)) == ["pic0.png"]


def test_batch_arguments_are_checked(six_pictures, tmp_path, capsys):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    assert main(["segment", str(six_pictures[0]), "--out-dir", str(a_file)]) == 2
    assert "argument --out-dir: " in capsys.readouterr().err
    assert main(["segment", str(six_pictures[0]), "--out-dir", str(a_file / "sub")]) == 2
    assert "argument --out-dir: cannot create the folder" in capsys.readouterr().err
    twin = tmp_path / "pic0.png"
    twin.write_bytes(six_pictures[1].read_bytes())
    assert main(["segment", str(six_pictures[0]), str(twin), "--out-dir", str(tmp_path)]) == 2
    assert "would both be written to" in capsys.readouterr().err
