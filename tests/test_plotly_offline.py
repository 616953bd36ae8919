"""_ext/plotly_offline.py: the book serves Plotly's JavaScript itself, on the pages that need it."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("plotly_offline", ROOT / "_ext" / "plotly_offline.py")
plotly_offline = importlib.util.module_from_spec(spec)
spec.loader.exec_module(plotly_offline)


class _App:
    def __init__(self, outdir: Path, fmt: str = "html"):
        self.outdir = str(outdir)
        self.builder = SimpleNamespace(format=fmt)
        self.js: list[tuple[str, dict]] = []
        self.events: list[str] = []

    def add_js_file(self, filename, **kwargs):
        self.js.append((filename, kwargs))

    def connect(self, event, handler, **kwargs):
        self.events.append(event)


def test_copies_the_installed_plotly_js(tmp_path):
    app = _App(tmp_path)
    plotly_offline._copy_plotly_js(app)
    copied = tmp_path / "_static" / "plotly.min.js"
    assert copied.read_bytes() == plotly_offline.plotly_js_path().read_bytes()
    assert copied.stat().st_size > 1_000_000
    assert b"plotly.js v" in copied.read_bytes()[:200]


def test_nothing_is_copied_for_other_builders(tmp_path):
    plotly_offline._copy_plotly_js(_App(tmp_path, fmt="latex"))
    assert not (tmp_path / "_static").exists()


@pytest.mark.parametrize(("body", "loads"), [
    ('<p>text</p><div class="msutils-3d" id="msutils-3d-x"><img alt="a" src="data:,"></div>', True),
    ("<p>no figure here</p>", False),
    # the API page's source listing shows the class name, escaped: no figure there
    ("<span>&lt;div class=&quot;msutils-3d&quot;&gt;</span> class=\"msutils-3d\"", False),
])
def test_script_only_on_pages_with_a_figure(tmp_path, body, loads):
    app = _App(tmp_path)
    plotly_offline._add_script(app, "book/x", "page.html", {"body": body}, None)
    assert app.js == ([("plotly.min.js", {"priority": 450})] if loads else [])


def test_setup_registers_the_hooks(tmp_path):
    app = _App(tmp_path)
    meta = plotly_offline.setup(app)
    assert set(app.events) == {"builder-inited", "html-page-context", "build-finished"}
    assert meta["parallel_read_safe"] and meta["parallel_write_safe"]
