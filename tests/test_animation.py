"""animation_html: a player that plays offline, is described, and is the same every run."""

from __future__ import annotations

import gc

import matplotlib.pyplot as plt
import pytest
from matplotlib.animation import FuncAnimation

from msutils.plotting import animation_html


def _anim(n_frames=4, slope=1.0):
    fig, ax = plt.subplots(figsize=(2, 2), dpi=30)
    (line,) = ax.plot([0, 1], [0, 0])
    ax.set_ylim(0, n_frames * slope)
    return FuncAnimation(fig, lambda i: line.set_ydata([0, slope * i]), frames=n_frames)


def test_same_animation_gives_byte_identical_html():
    assert animation_html(_anim(), alt="a line").data == animation_html(_anim(), alt="a line").data


def test_different_animations_get_different_player_ids():
    a = animation_html(_anim(slope=1.0), alt="a").data
    b = animation_html(_anim(slope=2.0), alt="b").data
    id_a = a.split('id="_anim_img')[1][:32]
    id_b = b.split('id="_anim_img')[1][:32]
    assert id_a != id_b


def test_player_is_offline_and_complete():
    html = animation_html(_anim(n_frames=5), alt="A rising line").data
    assert "https://" not in html and "http://" not in html
    assert html.count("frames[") >= 5
    assert html.count("<button") == 9
    assert 'alt="A rising line"' in html
    assert 'class="fa' not in html


def test_alt_text_is_escaped():
    html = animation_html(_anim(), alt='x < y & "z"').data
    assert 'alt="x &lt; y &amp; &quot;z&quot;"' in html


# matplotlib warns when an animation is garbage-collected unrendered, which is the point here.
unrendered = pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")


@unrendered
@pytest.mark.parametrize("alt", ["", "   ", None])
def test_alt_text_is_required(alt):
    anim = _anim()
    with pytest.raises(ValueError, match="alt must be a non-empty"):
        animation_html(anim, alt=alt)
    assert not plt.fignum_exists(anim._fig.number), "the figure was left open"
    del anim
    gc.collect()  # collect it here, where the warning is expected


def test_rejects_non_animations():
    with pytest.raises(TypeError, match="anim must be a matplotlib Animation"):
        animation_html("not an animation", alt="x")


@unrendered
def test_rejects_unknown_mode():
    with pytest.raises(ValueError, match="default_mode must be"):
        animation_html(_anim(), alt="x", default_mode="bounce")
    gc.collect()
