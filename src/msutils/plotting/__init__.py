"""Plotting helpers used by the book's chapters.

Every helper returns matplotlib objects (or an HTML animation player) and sets
titles, axis labels and colour bars, so that a chapter cell stays short.
"""

from __future__ import annotations

from msutils.plotting._animation import animation_html

__all__ = ["animation_html"]
