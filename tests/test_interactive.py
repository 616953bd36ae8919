"""Interactive 3-D figures: deterministic, offline HTML with a described fallback picture.

The browser side (the figure draws with WebGL and turns when dragged) is tested in
tests/test_book_browser.py on the built book.
"""

from __future__ import annotations

import base64
import configparser
import hashlib
import io
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image

from msutils.density import kde_grid
from msutils.plotting import Figure3D, clusters_3d, colour_cloud_3d, kde_surface_3d
from msutils.plotting._interactive import _rounded

ROOT = Path(__file__).resolve().parents[1]
ALT = 'A test figure: "points" & <centres>.'


def _blobs(seed=0, n=90):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0, 0.0], [5.0, 5.0, 1.0], [0.0, 6.0, 4.0]])
    labels = np.repeat(np.arange(3), n // 3)
    return centres[labels] + rng.normal(0, 0.5, (n, 3)), labels, centres


def _pixels(seed=0, n=3000):
    rng = np.random.default_rng(seed)
    centres = np.array([[20.0, 10.0, 60.0], [200.0, 80.0, 30.0], [250.0, 240.0, 200.0]])
    labels = rng.integers(0, 3, n)
    return np.clip(centres[labels] + rng.normal(0, 6, (n, 3)), 0, 255), labels, centres


def _kde(X2=None):
    X2 = np.random.default_rng(1).normal(0, 1, (60, 2)) if X2 is None else X2
    return kde_grid(X2, 0.5, grid_size=50), X2


def _make(kind: str, **kw) -> Figure3D:
    if kind == "kde":
        grid, X2 = _kde()
        return kde_surface_3d(grid, X=X2, alt=ALT, **kw)
    if kind == "clusters":
        X, labels, centres = _blobs()
        return clusters_3d(X, labels, centres, alt=ALT, **kw)
    pixels, labels, centres = _pixels()
    return colour_cloud_3d(pixels, labels, centres, alt=ALT, max_points=500, **kw)


KINDS = ["kde", "clusters", "cloud"]


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict, list[str]]] = []
        self._stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs), list(self._stack)))
        if tag not in ("img", "br"):
            self._stack.append(tag)

    def handle_endtag(self, tag):
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()


def _without_png(html: str) -> str:
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:image/png;base64,", html)


def _figure_json(html: str) -> dict:
    m = re.search(r"fig = (\{.*\});\n", html)
    assert m, "no figure JSON in the script"
    return json.loads(m.group(1))


@pytest.mark.parametrize("kind", KINDS)
def test_same_input_gives_the_same_bytes(kind):
    a, b = _make(kind), _make(kind)
    assert a.html == b.html
    assert a.html.encode() == b._repr_html_().encode()
    assert repr(a) == repr(b) and " at 0x" not in repr(a)


def test_fresh_processes_with_other_hash_seeds_give_the_same_bytes():
    """No dict-order, set-order or hash dependence: two interpreters, two PYTHONHASHSEEDs."""
    code = (
        "import hashlib, sys; sys.path.insert(0, 'tests'); import test_interactive as t; "
        "print(' '.join(hashlib.sha256(t._make(k).html.encode()).hexdigest() for k in t.KINDS))"
    )
    digests = set()
    for seed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "MPLBACKEND": "Agg"}
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                             check=True)
        digests.add(out.stdout.strip())
    here = " ".join(hashlib.sha256(_make(k).html.encode()).hexdigest() for k in KINDS)
    assert digests == {here}


def test_without_numpys_simd_kernels_only_the_fallback_picture_may_change():
    """numpy with its dispatched SIMD kernels (AVX2, FMA, AVX-512, ...) switched off, as on an
    older CPU: the figure's HTML is the same once the embedded PNG is masked (as nbval does)."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    off = [f for f in __cpu_dispatch__ if __cpu_features__.get(f)]
    code = (
        "import sys; sys.path.insert(0, 'tests'); import test_interactive as t, re; "
        "print('\\n'.join(t._without_png(t._make(k).html) for k in t.KINDS))"
    )
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": ",".join(off), "MPLBACKEND": "Agg"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.rstrip("\n") == "\n".join(_without_png(_make(k).html) for k in KINDS)


def test_the_id_does_not_depend_on_the_picture(monkeypatch):
    import msutils.plotting._interactive as mod

    a = _make("clusters")
    real = mod._png
    monkeypatch.setattr(mod, "_png", lambda draw, **kw: real(draw, **kw) + b"\0")
    b = _make("clusters")
    assert a.div_id == b.div_id and a.html != b.html


@pytest.mark.parametrize("kind", KINDS)
def test_last_bit_differences_do_not_change_the_output(kind):
    """Inputs that differ in their last bits (as from another CPU's SIMD kernels) give the same
    bytes, because the figure is written from rounded numbers."""
    if kind == "kde":
        grid, X2 = _kde()
        wobble = [g * (1 + 1e-13) for g in grid]
        a = kde_surface_3d(grid, X=X2, alt=ALT)
        b = kde_surface_3d(tuple(wobble), X=X2 * (1 + 1e-13), alt=ALT)
    elif kind == "clusters":
        X, labels, centres = _blobs()
        a = clusters_3d(X, labels, centres, alt=ALT)
        b = clusters_3d(X * (1 + 1e-13), labels, centres * (1 - 1e-13), alt=ALT)
    else:
        pixels, labels, centres = _pixels()
        a = colour_cloud_3d(pixels, labels, centres, alt=ALT, max_points=500)
        b = colour_cloud_3d(pixels * (1 - 1e-14), labels, centres * (1 - 1e-13), alt=ALT, max_points=500)
    assert a.html == b.html


@pytest.mark.parametrize("kind", KINDS)
def test_ids_come_from_the_content_or_the_name(kind):
    fig = _make(kind)
    assert re.fullmatch(r"msutils-3d-[0-9a-f]{16}", fig.div_id)
    assert fig.html.startswith(f'<div class="msutils-3d" id="{fig.div_id}"')
    assert f'var id = "{fig.div_id}"' in fig.html
    named = _make(kind, name="chapter-figure_1")
    assert named.div_id == "msutils-3d-chapter-figure_1"
    assert re.findall(r'id="(msutils-3d-[^"]+)"', named.html) == [named.div_id]


def test_different_figures_get_different_ids():
    X, labels, centres = _blobs()
    a = clusters_3d(X, labels, centres, alt=ALT)
    b = clusters_3d(X + 1.0, labels, centres, alt=ALT)
    c = clusters_3d(X, labels, centres, alt=ALT, title="Another title")
    assert len({a.div_id, b.div_id, c.div_id}) == 3


@pytest.mark.parametrize("kind", KINDS)
def test_no_external_url_and_no_plotly_loading(kind):
    html = _without_png(_make(kind).html)
    assert not re.search(r"https?:|//[A-Za-z]|www\.", html), re.search(r".{40}(https?:|//[A-Za-z]|www\.).{40}", html)
    assert "<script src" not in html and "require(" not in html and "cdn" not in html.lower()
    assert "window.Plotly" in html  # draws only with the book's own plotly.min.js


@pytest.mark.parametrize("kind", KINDS)
def test_fallback_picture_with_alt_text_inside_the_figure(kind):
    fig = _make(kind)
    parser = _Tags()
    parser.feed(fig.html)
    imgs = [(attrs, stack) for tag, attrs, stack in parser.tags if tag == "img"]
    assert len(imgs) == 1
    attrs, stack = imgs[0]
    assert stack == ["div"], "the fallback <img> must sit directly inside the figure's <div>"
    assert attrs["alt"] == ALT and attrs["class"] == "msutils-3d-fallback"
    assert 'alt="A test figure: &quot;points&quot; &amp; &lt;centres&gt;."' in fig.html
    assert attrs["src"].startswith("data:image/png;base64,")
    png = base64.b64decode(attrs["src"].split(",", 1)[1])
    img = Image.open(io.BytesIO(png))
    assert img.format == "PNG" and img.size[0] >= 400 and img.size[1] >= 300
    grey = np.asarray(img.convert("L"), dtype=float)
    assert grey.std() > 10, "the fallback picture is blank"
    assert b"matplotlib version" not in png  # no software version in the picture's metadata


@pytest.mark.parametrize("kind", KINDS)
def test_script_holds_the_figure_and_plotly_accepts_it(kind):
    fig = _make(kind)
    assert _figure_json(fig.html) == fig.figure
    go.Figure(fig.figure)  # raises on any property Plotly does not know
    scene = fig.figure["layout"]["scene"]
    assert all(scene[a]["title"]["text"] for a in ("xaxis", "yaxis", "zaxis"))
    assert fig.figure["layout"]["title"]["text"]


def _numbers(obj):
    if isinstance(obj, float):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _numbers(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _numbers(v)


@pytest.mark.parametrize("kind", KINDS)
def test_numbers_are_short(kind):
    """Every number is written with at most a few significant digits."""
    values = list(_numbers(_make(kind).figure["data"]))
    assert len(values) > 100
    longest = max(len(repr(v).replace("-", "").replace("0.", "").lstrip("0").replace(".", "")) for v in values)
    assert longest <= 6


def test_rounding_keeps_four_significant_digits_of_the_largest_value():
    a = np.array([0.123456, 0.0000123, -0.98766])
    assert _rounded(a).tolist() == [0.1235, 0.0, -0.9877]
    assert _rounded([123456.0, 7.0]).tolist() == [123500.0, 0.0]
    assert _rounded(np.zeros(3)).tolist() == [0.0, 0.0, 0.0]
    assert np.signbit(_rounded([-1e-9, 1.0])).tolist() == [False, False]  # no "-0.0"


def test_hover_names_each_points_cluster():
    X, labels, centres = _blobs()
    labels = labels.copy()
    labels[:2] = -1  # two points without a cluster
    fig = clusters_3d(X, labels, centres, alt=ALT)
    traces = fig.figure["data"]
    assert [t["name"] for t in traces] == [
        "no cluster (2 points)", "cluster 0 (28 points)", "cluster 1 (30 points)", "cluster 2 (30 points)",
        "cluster centres"]
    Xr = _rounded(X)
    for trace, lab in zip(traces[:4], [-1, 0, 1, 2]):
        assert trace["hovertemplate"].startswith(("no cluster" if lab < 0 else f"cluster {lab}") + "<br>")
        assert trace["hovertemplate"].endswith("<extra></extra>")
        pts = np.column_stack([trace["x"], trace["y"], trace["z"]])
        np.testing.assert_array_equal(pts, Xr[labels == lab])  # the trace holds exactly that cluster
    assert traces[-1]["text"] == ["centre of cluster 0", "centre of cluster 1", "centre of cluster 2"]
    assert traces[-1]["hovertemplate"].startswith("%{text}<br>")
    np.testing.assert_allclose(np.column_stack([traces[-1][a] for a in "xyz"]), centres, atol=1e-3)
    assert traces[0]["marker"]["color"] == "#999999"  # "no cluster" is grey, as in scatter_clusters
    assert len({t["marker"]["color"] for t in traces[1:4]}) == 3


def test_colour_cloud_hover_and_colours():
    pixels, labels, centres = _pixels()
    fig = colour_cloud_3d(pixels, labels, centres, alt=ALT, max_points=600, seed=3)
    traces = fig.figure["data"]
    full_counts = np.bincount(labels)
    assert [t["name"] for t in traces] == [f"cluster {k} ({full_counts[k]} pixels)" for k in range(3)] + [
        "cluster centres"]
    assert sum(len(t["x"]) for t in traces[:3]) == 600
    for k, trace in enumerate(traces[:3]):
        assert trace["hovertemplate"].split("<br>")[:2] == [f"cluster {k}", "red = %{x:.0f}"]
        rgb = np.column_stack([trace[a] for a in "xyz"])
        expected = ["#%02x%02x%02x" % tuple(c) for c in np.clip(np.round(rgb), 0, 255).astype(int)]
        assert trace["marker"]["color"] == expected  # each pixel in its own colour
    assert fig.figure["layout"]["scene"]["xaxis"]["range"] == [0, 255]
    other_seed = colour_cloud_3d(pixels, labels, centres, alt=ALT, max_points=600, seed=4)
    assert other_seed.html != fig.html and other_seed.div_id != fig.div_id


def test_colour_cloud_curve_is_drawn_first():
    pixels, labels, centres = _pixels()
    curve = np.linspace([0, 0, 0], [255, 255, 255], 20)
    fig = colour_cloud_3d(pixels, labels, centres, alt=ALT, curve=curve, curve_name="grey ramp", max_points=100)
    first = fig.figure["data"][0]
    assert first["name"] == "grey ramp" and first["mode"] == "lines" and len(first["x"]) == 20


def test_kde_surface_keeps_at_most_max_grid_lines():
    grid, X2 = _kde()
    fig = kde_surface_3d(grid, alt=ALT, max_grid=20)
    surface = fig.figure["data"][0]
    assert surface["type"] == "surface" and len(fig.figure["data"]) == 1
    assert len(surface["x"]) == 20 and len(surface["y"]) == 20 and np.shape(surface["z"]) == (20, 20)
    xx, yy, zz = grid
    assert surface["x"][0] == pytest.approx(xx[0, 0], abs=1e-3) and surface["x"][-1] == pytest.approx(xx[0, -1], abs=1e-3)
    kept = np.linspace(0, 49, 20).round().astype(int)  # every k-th grid line, both ends kept
    np.testing.assert_allclose(surface["z"], zz[np.ix_(kept, kept)], rtol=0, atol=5.001e-4 * zz.max())  # 4 significant digits of the top
    np.testing.assert_allclose(surface["y"], yy[kept, 0], atol=1e-3)
    full = kde_surface_3d(grid, alt=ALT)
    assert np.shape(full.figure["data"][0]["z"]) == (50, 50)


def test_sizes_stay_reasonable():
    X, labels, centres = _blobs(n=300)
    assert len(clusters_3d(X, labels, centres, alt=ALT).html) < 150_000
    pixels, labels, centres = _pixels(n=20_000)
    assert len(colour_cloud_3d(pixels, labels, centres, alt=ALT).html) < 400_000  # 4000 pixels drawn


def test_nbval_sanitiser_hides_only_the_fallback_picture():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "book" / "nbval_sanitize.cfg")
    rule = cfg["interactive-3d-fallback"]
    a, b = _make("clusters"), _make("clusters", title="Other")
    clean_a = re.sub(rule["regex"], rule["replace"], a.html)
    assert "base64,PNG\"" in clean_a and len(clean_a) < len(a.html) - 1000
    assert clean_a == _without_png(a.html).replace("base64,\"", "base64,PNG\"")
    assert re.sub(rule["regex"], rule["replace"], b.html) != clean_a  # the data are still compared


BAD = [
    ("kde", {"alt": ""}, ValueError, "alt"),
    ("kde", {"alt": None}, ValueError, "alt"),
    ("kde", {"name": "not an id!"}, ValueError, "name"),
    ("kde", {"grid": "nonsense"}, ValueError, "grid"),
    ("kde", {"grid": (np.zeros((3, 3)), np.zeros((3, 3)), np.zeros((2, 3)))}, ValueError, "grid"),
    ("kde", {"grid": (np.random.default_rng(0).random((4, 4)),) * 3}, ValueError, "regular grid"),
    ("kde", {"X": np.zeros((5, 3))}, ValueError, "X"),
    ("kde", {"max_grid": 1}, ValueError, "max_grid"),
    ("kde", {"title": 5}, TypeError, "title"),
    ("kde", {"axis_labels": ("a", "b")}, ValueError, "axis_labels"),
    ("clusters", {"X": np.zeros((10, 2))}, ValueError, "X"),
    ("clusters", {"X": [["a", "b", "c"]] * 90}, TypeError, "X"),
    ("clusters", {"labels": np.zeros(5, dtype=int)}, ValueError, "labels"),
    ("clusters", {"labels": np.zeros(90)}, ValueError, "labels"),
    ("clusters", {"labels": None}, TypeError, "labels"),
    ("clusters", {"labels": np.full(90, -2)}, ValueError, "labels"),
    ("clusters", {"centers": np.zeros((2, 3))}, ValueError, "centers"),
    ("clusters", {"centers": np.zeros((3, 2))}, ValueError, "centers"),
    ("clusters", {"point_size": 0}, ValueError, "point_size"),
    ("clusters", {"height": 10}, ValueError, "height"),
    ("cloud", {"pixels": np.full((10, 3), 300.0)}, ValueError, "pixels"),
    ("cloud", {"pixels": np.full((10, 3), np.nan)}, ValueError, "pixels"),
    ("cloud", {"centers": np.full((3, 3), -1.0)}, ValueError, "centers"),
    ("cloud", {"max_points": 0}, ValueError, "max_points"),
    ("cloud", {"seed": "zero"}, TypeError, "seed"),
    ("cloud", {"curve": np.zeros((1, 3))}, ValueError, "curve"),
    ("cloud", {"curve_name": 3}, TypeError, "curve_name"),
]


@pytest.mark.parametrize(("kind", "change", "error", "word"), BAD, ids=[f"{b[0]}-{b[3]}-{i}" for i, b in enumerate(BAD)])
def test_bad_input_names_the_argument(kind, change, error, word):
    if kind == "kde":
        grid, X2 = _kde()
        args = {"grid": grid, "X": X2, "alt": ALT, **change}
        call = lambda: kde_surface_3d(args.pop("grid"), **args)  # noqa: E731
    elif kind == "clusters":
        X, labels, centres = _blobs()
        args = {"X": X, "labels": labels, "centers": centres, "alt": ALT, **change}
        call = lambda: clusters_3d(args.pop("X"), args.pop("labels"), args.pop("centers"), **args)  # noqa: E731
    else:
        pixels, labels, centres = _pixels(n=10 if "pixels" in change else 3000)
        args = {"pixels": pixels, "labels": labels, "centers": centres, "alt": ALT, **change}
        call = lambda: colour_cloud_3d(args.pop("pixels"), args.pop("labels"), args.pop("centers"), **args)  # noqa: E731
    with pytest.raises(error, match=word):
        call()
