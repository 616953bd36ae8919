"""Small Sphinx fixes for the book's HTML (loaded through ``_config.yml``).

Two defects of the jupyter-book 1.0.4 stack show up as JavaScript errors in every
page, which the browser tests (rightly) reject:

* sphinx-thebe's configuration script is added to every page twice, so browsers
  log ``Identifier 'THEBE_JS_URL' has already been declared``.  We drop repeated
  ``<script>`` entries from each page's context.
* pydata-sphinx-theme 0.17's layout reads a ``default_mode`` template variable
  that sphinx-book-theme 1.3 never sets, so the page logs ``Got invalid theme
  mode``.  We set it to ``"light"`` (the book's figures are drawn on white).
"""

from __future__ import annotations


def _script_key(script) -> tuple:
    filename = getattr(script, "filename", script) or ""
    attributes = getattr(script, "attributes", {}) or {}
    return (str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items())))


def _fix_page_context(app, pagename, templatename, context, doctree) -> None:
    if not context.get("default_mode"):
        context["default_mode"] = "light"
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple] = set()
    unique = []
    for script in scripts:
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", _fix_page_context, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
