"""Animations that play in a static HTML page and give the same output every run."""

from __future__ import annotations

import hashlib
import re

import matplotlib.pyplot as plt
from matplotlib.animation import Animation

__all__ = ["animation_html"]

_UUID = re.compile(r"[0-9a-f]{32}")


def animation_html(anim: Animation, *, default_mode: str = "once", embed_limit_mb: float = 20.0):
    """Render a matplotlib animation as a self-contained HTML player.

    The frames are embedded as PNG images with matplotlib's JavaScript player
    (play, pause, step and speed controls), so the animation plays in the static
    HTML book with no network and no running kernel.

    matplotlib names the player's elements with a random ``uuid4``; this
    function replaces it with a hash of the frames, so that re-running a
    notebook produces byte-identical output (nbval compares it) while two
    different animations on one page still get different names.

    Parameters
    ----------
    anim : matplotlib.animation.Animation
        The animation.  Its figure is closed afterwards, so that the notebook
        does not also show the last frame as a still image.
    default_mode : {"once", "loop", "reflect"}, default="once"
        What the player does at the last frame.
    embed_limit_mb : float, default=20.0
        Size limit of the embedded frames, in megabytes.

    Returns
    -------
    IPython.display.HTML
        The player, ready to be the last expression of a notebook cell.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from matplotlib.animation import FuncAnimation
    >>> fig, ax = plt.subplots(figsize=(2, 2), dpi=40)
    >>> (line,) = ax.plot([0, 1], [0, 0])
    >>> anim = FuncAnimation(fig, lambda i: line.set_ydata([0, i]), frames=3)
    >>> html = animation_html(anim)
    >>> "anim_" in html.data and "uuid" not in html.data
    True
    """
    from IPython.display import HTML

    if not isinstance(anim, Animation):
        raise TypeError(f"anim must be a matplotlib Animation, got {type(anim).__name__}.")
    if default_mode not in ("once", "loop", "reflect"):
        raise ValueError(f"default_mode must be 'once', 'loop' or 'reflect', got {default_mode!r}.")
    with plt.rc_context({"animation.embed_limit": embed_limit_mb}):
        html = anim.to_jshtml(default_mode=default_mode)
    plt.close(anim._fig)
    ids = sorted(set(_UUID.findall(html)))
    digest = hashlib.sha256(_UUID.sub("", html).encode()).hexdigest()[:32]
    for i, old in enumerate(ids):
        html = html.replace(old, digest if i == 0 else f"{digest[:-2]}{i:02d}")
    return HTML(html)
