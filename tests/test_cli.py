"""Tests of the command line: python -m msutils segment INPUT OUTPUT."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from msutils.__main__ import ProgressBar, main
from msutils.images import load_rgb
from msutils.segmentation import segment, segment_colors


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


def test_progress_bar_goes_to_stderr_only_when_asked(picture, tmp_path, capsys):
    out = tmp_path / "o.png"
    assert main(["segment", str(picture), str(out)]) == 0
    assert capsys.readouterr().err == ""  # stderr is not a terminal under pytest
    assert main(["segment", str(picture), str(out), "--spatial", "3", "--range", "30", "--progress"]) == 0
    err = capsys.readouterr().err
    assert "mean shift step 1" in err and "100%" in err and err.endswith("\n")


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


def test_progress_bar_draws_in_place():
    stream = io.StringIO()
    bar = ProgressBar(stream, width=4)
    bar.update(0.25, "a")
    bar.update(2.0, "b")  # clipped to 100 %
    bar.close()
    text = stream.getvalue()
    assert text.startswith("\r[#...]  25% a") and "\r[####] 100% b" in text and text.endswith("\n")
    ProgressBar(stream).close()  # nothing drawn, nothing written
    assert stream.getvalue() == text


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
