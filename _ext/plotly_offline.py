"""Serve Plotly's JavaScript from the built book itself (loaded through ``_config.yml``).

The interactive 3-D figures of :mod:`msutils.plotting` (``kde_surface_3d``,
``clusters_3d``, ``colour_cloud_3d``) write HTML that draws with
``window.Plotly`` but never loads it, so the notebook outputs stay small and
hold no CDN address.  This extension

* copies ``plotly.min.js`` from the installed ``plotly`` package into the
  build's ``_static/`` folder (the file is not kept in the repository), and
* adds ``<script src="_static/plotly.min.js">`` to the ``<head>`` of the pages
  that hold such a figure (an element of class ``msutils-3d``) and to no other
  page, before the figures' own scripts run.

The book thus draws its 3-D figures with the network blocked.
"""

from __future__ import annotations

import shutil
from pathlib import Path

MARKER = '<div class="msutils-3d"'
FILENAME = "plotly.min.js"


def plotly_js_path() -> Path:
    """The ``plotly.min.js`` bundled with the installed ``plotly`` Python package."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / FILENAME
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: is the plotly package installed completely?")
    return path


def _copy_plotly_js(app) -> None:
    if app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    source, target = plotly_js_path(), static / FILENAME
    if not target.exists() or target.stat().st_size != source.stat().st_size:
        shutil.copyfile(source, target)


def _add_script(app, pagename, templatename, context, doctree) -> None:
    if MARKER in (context.get("body") or ""):
        # Added within html-page-context, the script goes to this page only; no ``defer``:
        # it must run before the figures' inline scripts.
        app.add_js_file(FILENAME, priority=450)


def _finished(app, exception) -> None:
    if exception is None:
        _copy_plotly_js(app)


def setup(app):
    app.connect("builder-inited", _copy_plotly_js)
    app.connect("html-page-context", _add_script)
    app.connect("build-finished", _finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
