"""Animations that play in a static HTML page and give the same output every run."""

from __future__ import annotations

import hashlib
import re
from html import escape

import matplotlib.pyplot as plt
from matplotlib.animation import Animation

__all__ = ["animation_html", "ANIMATION_STYLE"]

#: Font sizes (points) of the book's animations: with frames about 720 pixels wide at 96 dpi,
#: no text is smaller than 11 points.
ANIMATION_STYLE = {
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
}

_UUID = re.compile(r"[0-9a-f]{32}")
_CDN_LINK = re.compile(r'<link rel="stylesheet"\s*href="https://[^"]*font-awesome[^"]*">')
# matplotlib's player draws its buttons with Font Awesome icons loaded from a CDN, which
# an offline reader never gets (and the page logs a failed request). Plain Unicode glyphs
# (in the DejaVu fonts every desktop has) work everywhere.
_ICONS = {
    "fa fa-minus": "\u2212",
    "fa fa-fast-backward": "|\u25c0\u25c0",
    "fa fa-step-backward": "|\u25c0",
    "fa fa-play fa-flip-horizontal": "\u25c0",
    "fa fa-pause": "\u275a\u275a",
    "fa fa-play": "\u25b6",
    "fa fa-step-forward": "\u25b6|",
    "fa fa-fast-forward": "\u25b6\u25b6|",
    "fa fa-plus": "+",
}


def animation_html(
    anim: Animation, *, alt: str, default_mode: str = "once", embed_limit_mb: float = 20.0
):
    """Render a matplotlib animation as a self-contained HTML player.

    The frames are embedded as PNG images with matplotlib's JavaScript player
    (play, pause, step and speed controls), so the animation plays in the static
    HTML book with no network and no running kernel.  The player's button icons,
    which matplotlib loads from a CDN, are replaced by Unicode glyphs so that
    nothing is fetched from the network.

    matplotlib names the player's elements with a random ``uuid4``; this
    function replaces it with a hash of the frames, so that re-running a
    notebook produces byte-identical output (nbval compares it) while two
    different animations on one page still get different names.

    Parameters
    ----------
    anim : matplotlib.animation.Animation
        The animation.  Its figure is closed afterwards, so that the notebook
        does not also show the last frame as a still image.
    alt : str
        Alt text of the player's frame image: what the animation shows, for
        readers who cannot see it.  Required and must not be empty.
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
    >>> import matplotlib.pyplot as plt
    >>> from matplotlib.animation import FuncAnimation
    >>> fig, ax = plt.subplots(figsize=(2, 2), dpi=40)
    >>> (line,) = ax.plot([0, 1], [0, 0])
    >>> anim = FuncAnimation(fig, lambda i: line.set_ydata([0, i]), frames=3)
    >>> html = animation_html(anim, alt="A line rising frame by frame.")
    >>> 'alt="A line rising frame by frame."' in html.data
    True
    >>> "https://" in html.data  # nothing loaded from the network
    False
    """
    from IPython.display import HTML

    if not isinstance(anim, Animation):
        raise TypeError(f"anim must be a matplotlib Animation, got {type(anim).__name__}.")
    problem = None
    if not isinstance(alt, str) or not alt.strip():
        problem = "alt must be a non-empty description of the animation."
    elif default_mode not in ("once", "loop", "reflect"):
        problem = f"default_mode must be 'once', 'loop' or 'reflect', got {default_mode!r}."
    if problem:
        plt.close(anim._fig)  # do not leave the unrendered figure open
        raise ValueError(problem)
    with plt.rc_context({"animation.embed_limit": embed_limit_mb}):
        html = anim.to_jshtml(default_mode=default_mode)
    plt.close(anim._fig)
    ids = sorted(set(_UUID.findall(html)))
    digest = hashlib.sha256(_UUID.sub("", html).encode()).hexdigest()[:32]
    for i, old in enumerate(ids):
        html = html.replace(old, digest if i == 0 else f"{digest[:-2]}{i:02d}")
    html, n_links = _CDN_LINK.subn("", html)
    for cls, glyph in _ICONS.items():
        html = html.replace(f'<i class="{cls}"></i>', f'<span aria-hidden="true">{glyph}</span>')
    if n_links != 1 or "<i class=\"fa" in html:
        raise RuntimeError("unexpected matplotlib player HTML: could not replace its CDN icons")
    # matplotlib's player <img> has no alt attribute; give it the description.
    html, n_images = re.subn(r'<img id="_anim_img', f'<img alt="{escape(alt, quote=True)}" id="_anim_img', html)
    if n_images != 1:
        raise RuntimeError("unexpected matplotlib player HTML: could not find the frame <img>")
    return HTML(html)
