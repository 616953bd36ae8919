r"""Synthetic thermograms: what a thermal camera shows, generated from physics.

:func:`thermogram` simulates the temperature field of a small scene, renders it
as a thermal camera does (optics, sensor noise, false-colour palette, scale
bar, JPEG) and returns the picture together with the true temperatures, so that
a segmentation of the picture can be checked against the physics behind it.
Nothing is downloaded: the same ``seed`` gives the same bytes on every run.

**The physics of the** ``"circuit_board"`` **scene.**  A printed circuit board lies on a bench at ambient temperature
:math:`T_a` and is seen from above.  A few chips dissipate powers :math:`P_i`
(0.3 to 1.6 W each); current-carrying copper traces add a
little Joule heating.  The board is thin (1.6 mm) compared with its size, so
its temperature :math:`T(x, y)` is uniform through the thickness and obeys the
steady-state *fin equation*

.. math::

    \nabla \cdot \big(\kappa(x, y)\, \nabla T\big) - U\,(T - T_a) + q(x, y) = 0,

where :math:`\kappa = k\,t` is the sheet conductance (thermal conductivity
times thickness, W/K: 0.006 for the board with its thin copper layers, 0.04
along a copper trace, 0.2 in a chip's package), :math:`U` the heat-transfer
coefficient to the room from both faces (natural convection plus radiation,
20 W/(m² K)) and :math:`q` the dissipated power per unit area (W/m²).  Heat
spreads over a length :math:`\sqrt{\kappa / U} \approx 1.7` cm and is lost to
the air; the board's edges are insulated.  The equation is discretised with
finite volumes on the pixel grid (conductance between neighbouring pixels:
harmonic mean of their :math:`\kappa`) and solved with a sparse direct
solver.  Grids whose longest side exceeds 320 pixels are solved at 320 pixels
and interpolated.  The bench around the board stays at :math:`T_a` plus a
faint, smooth variation of a few tenths of a degree.

**The camera.**  Every surface is taken as a black body (emissivity 1, no reflections), so the
camera sees the true temperature.  Its optics blur it (Gaussian point-spread
function, ``blur`` pixels), its sensor adds white noise (``noise`` °C, the
noise-equivalent temperature difference), and the result is stretched over the
display range ``[t_min, t_max]`` (by default the scene's coldest and hottest
temperatures, rounded outwards to whole degrees, as a camera's automatic range
does), quantised to 256 levels and coloured with a palette (by default
*ironbow*, see :func:`ironbow_cmap`).  A scale bar with tick labels is drawn
on a dark strip along the right-hand edge, and the picture is stored as JPEG.

Examples
--------
>>> from msutils.datasets import thermogram
>>> th = thermogram(seed=0)
>>> th.image.shape, th.image.dtype.name
((240, 320, 3), 'uint8')
>>> bool(th.t_min <= th.temperature.min() and th.temperature.max() <= th.t_max)
True
"""

from __future__ import annotations

import io
import math
import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from msutils._validation import check_positive_int

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.colors import Colormap

__all__ = ["HeatSource", "Thermogram", "thermogram", "ironbow_cmap", "match_palette", "SCALE_BAR_WIDTH"]

#: Width in pixels of the dark strip that holds the scale bar (right-hand edge).
SCALE_BAR_WIDTH = 46

_SCENES = ("circuit_board",)

# --- physical constants of the circuit-board scene (SI units) ----------------
_FRAME_WIDTH = 0.16  # metres covered by the image's width
_KAPPA_BOARD = 0.006  # W/K: FR-4 with thin copper layers, k_eff ~ 4 W/(m K) x 1.6 mm
_KAPPA_TRACE = 0.04  # W/K: board plus a 2-oz copper trace (70 um x 400 W/(m K))
_KAPPA_CHIP = 0.2  # W/K: a package with a copper heat spreader
_H_LOSS = 20.0  # W/(m^2 K): convection + radiation, both faces
_TRACE_POWER = 5.0  # W/m: Joule heating of a power trace (about 4.5 A in a 1 mm wide trace of 2-oz copper, 0.24 ohm/m)
_MAX_SOLVE_SIDE = 320  # longest side of the grid on which the PDE is solved

# --- the ironbow palette: (position, red, green, blue) -----------------------
# Black -> indigo -> purple -> magenta-red -> orange -> yellow -> white, as in
# the "iron" palettes of thermal cameras.  The control points are chosen so
# that the luma 0.2126 R + 0.7152 G + 0.0722 B rises strictly, so hotter is
# always brighter (also in a greyscale print).
_IRONBOW_POINTS = np.array(
    [
        [0.00, 0, 0, 0],
        [0.15, 30, 0, 100],
        [0.30, 100, 0, 150],
        [0.45, 175, 20, 130],
        [0.60, 225, 70, 40],
        [0.75, 250, 140, 0],
        [0.88, 255, 210, 40],
        [1.00, 255, 255, 240],
    ],
    dtype=np.float64,
)


class HeatSource(NamedTuple):
    """A chip of the simulated board, in pixel coordinates of the image."""

    top: int
    left: int
    height: int
    width: int
    power: float  #: dissipated power, W


@dataclass(frozen=True, eq=False)
class Thermogram:
    """A synthetic thermal-camera picture and the temperatures behind it.

    Attributes
    ----------
    image : ndarray of shape (H, W, 3), dtype uint8
        The picture as the camera stores it (RGB, after JPEG compression),
        scale bar included.
    temperature : ndarray of shape (H, W), dtype float64
        The true temperature of the scene, °C, aligned with ``image`` pixel for
        pixel (before blur and noise).  It is defined under the scale bar too.
    scene_mask : ndarray of shape (H, W), dtype bool
        True where ``image`` shows the scene; False on the scale-bar strip
        (the rightmost :data:`SCALE_BAR_WIDTH` columns, if drawn).
    t_min, t_max : float
        The display range, °C: the palette's first colour stands for ``t_min``
        and its last for ``t_max``.
    palette : str
        Name of the colour palette (``"ironbow"`` or a matplotlib colormap).
    t_ambient : float
        Temperature of the room and the bench, °C.
    sources : tuple of HeatSource
        The chips: position, size (pixels) and power (W).
    pixel_size : float
        Side of one pixel on the scene, metres.
    """

    image: np.ndarray
    temperature: np.ndarray
    scene_mask: np.ndarray
    t_min: float
    t_max: float
    palette: str
    t_ambient: float
    sources: tuple[HeatSource, ...]
    pixel_size: float


def ironbow_cmap(n: int = 256) -> Colormap:
    """The *ironbow* thermal palette as a matplotlib colormap.

    Black for the coldest, then indigo, purple, red, orange, yellow and white
    for the hottest, like the "iron" palette of thermal cameras.  Its luma
    increases strictly from one end to the other.

    Parameters
    ----------
    n : int, default=256
        Number of colours (at least 2).

    Returns
    -------
    matplotlib.colors.ListedColormap
        Named ``"ironbow"``; pass it as ``cmap=`` to ``imshow``.

    Examples
    --------
    >>> cmap = ironbow_cmap()
    >>> cmap.name, cmap.N
    ('ironbow', 256)
    >>> [round(float(c), 3) for c in cmap(1.0)[:3]]
    [1.0, 1.0, 0.941]
    """
    from matplotlib.colors import ListedColormap

    n = check_positive_int(n, name="n", minimum=2)
    return ListedColormap(_ironbow_rgb(n) / 255.0, name="ironbow")


def _ironbow_rgb(n: int) -> np.ndarray:
    """``n`` ironbow colours, float RGB in [0, 255], linearly interpolated."""
    x = np.linspace(0.0, 1.0, n)
    pos = _IRONBOW_POINTS[:, 0]
    return np.stack([np.interp(x, pos, _IRONBOW_POINTS[:, c]) for c in (1, 2, 3)], axis=1)


def _palette_lut(palette: Any) -> np.ndarray:
    """The 256-colour lookup table (uint8, shape (256, 3)) of a palette name."""
    if not isinstance(palette, str):
        raise TypeError(f"palette must be a string naming a palette, got {type(palette).__name__}.")
    if palette == "ironbow":
        return np.rint(_ironbow_rgb(256)).astype(np.uint8)
    import matplotlib

    try:
        cmap = matplotlib.colormaps[palette]
    except KeyError:
        raise ValueError(
            f"palette must be 'ironbow' or the name of a matplotlib colormap (e.g. 'inferno', 'gray'), "
            f"got {palette!r}."
        ) from None
    return np.rint(cmap(np.linspace(0.0, 1.0, 256))[:, :3] * 255).astype(np.uint8)


def match_palette(colors: Any, *, palette: str = "ironbow") -> tuple[np.ndarray, np.ndarray]:
    """Nearest colour of a thermal palette, for each of the given colours.

    Reading a thermogram "by eye" means finding, for a pixel's colour, the
    palette entry that looks the same: the entry's position (0 to 255) stands
    for a temperature in the display range, and the distance says how far the
    colour is from every colour the palette contains.

    Parameters
    ----------
    colors : array-like of shape (n, 3)
        RGB colours in 0..255 (pixels, or cluster centres).
    palette : str, default="ironbow"
        ``"ironbow"`` or the name of a matplotlib colormap, as in
        :func:`thermogram`.

    Returns
    -------
    distance : ndarray of shape (n,)
        Euclidean distance, in RGB units, to the nearest of the palette's 256
        colours (as stored in the picture, rounded to integers).
    index : ndarray of shape (n,), dtype int64
        Position of that colour in the palette, 0 (coldest, ``t_min``) to 255
        (hottest, ``t_max``).

    Examples
    --------
    >>> dist, index = match_palette([[0, 0, 0], [255, 255, 240], [0, 255, 0]])
    >>> index[:2].tolist(), [round(float(d)) for d in dist[:2]]
    ([0, 255], [0, 0])
    >>> bool(dist[2] > 100)  # pure green is far from every ironbow colour
    True
    """
    from msutils._validation import check_data

    cols = check_data(colors, name="colors", n_features=3)
    lut = _palette_lut(palette).astype(np.float64)
    distance = np.empty(cols.shape[0])
    index = np.empty(cols.shape[0], dtype=np.int64)
    for start in range(0, cols.shape[0], 4096):  # blocks of 4096 x 256 distances: a few MB at a time
        block = cols[start : start + 4096]
        d2 = ((block[:, None, :] - lut[None, :, :]) ** 2).sum(axis=2)
        best = np.argmin(d2, axis=1)
        index[start : start + block.shape[0]] = best
        distance[start : start + block.shape[0]] = np.sqrt(d2[np.arange(block.shape[0]), best])
    return distance, index


def _check_nonneg(value: Any, *, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a non-negative real number, got {type(value).__name__} {value!r}.")
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a non-negative finite number, got {value!r}.")
    return value


def _check_shape(shape: Any, *, with_scale_bar: bool) -> tuple[int, int]:
    if not isinstance(shape, (tuple, list)) or len(shape) != 2:
        raise TypeError(f"shape must be a tuple (height, width) of two integers, got {shape!r}.")
    h = check_positive_int(shape[0], name="shape[0] (height)", minimum=48)
    min_w = 3 * SCALE_BAR_WIDTH if with_scale_bar else 48
    w = check_positive_int(shape[1], name="shape[1] (width)", minimum=min_w)
    return h, w


def thermogram(
    *,
    shape: tuple[int, int] = (240, 320),
    scene: str = "circuit_board",
    seed: int = 0,
    noise: float = 0.2,
    blur: float = 0.7,
    jpeg_quality: int | None = 90,
    with_scale_bar: bool = True,
    palette: str = "ironbow",
    t_range: tuple[float, float] | None = None,
) -> Thermogram:
    """Generate a synthetic, physically plausible thermal-camera picture.

    The module docstring describes the physics and the camera model.  The
    layout of the scene (board, chips, powers, traces) and the sensor noise are
    drawn from independent streams of one seeded generator, so changing
    ``noise`` does not move the chips.

    Parameters
    ----------
    shape : tuple of int, default=(240, 320)
        ``(height, width)`` of the picture in pixels; at least 48 each, and a
        width of at least ``3 * SCALE_BAR_WIDTH`` (138) with the scale bar.
    scene : {"circuit_board"}, default="circuit_board"
        The scene to simulate (only a circuit board for now).
    seed : int, default=0
        Seed of the layout and of the sensor noise (non-negative).
    noise : float, default=0.2
        Standard deviation of the sensor's white noise, °C.
    blur : float, default=0.7
        Standard deviation of the optics' Gaussian point-spread function,
        pixels (0 for none).
    jpeg_quality : int or None, default=90
        JPEG quality (1 to 95) of the stored picture; None keeps the exact
        palette colours (no compression).
    with_scale_bar : bool, default=True
        Draw the temperature scale bar with tick labels on a dark strip along
        the right-hand edge (``scene_mask`` is False there).
    palette : str, default="ironbow"
        ``"ironbow"`` or the name of a matplotlib colormap (``"gray"``,
        ``"inferno"``...).
    t_range : tuple of float or None, default=None
        Display range ``(t_min, t_max)`` in °C; None picks the scene's coldest
        and hottest temperatures rounded outwards to whole degrees.

    Returns
    -------
    Thermogram
        The picture, the true temperature field and the scene's description.

    Raises
    ------
    TypeError, ValueError
        For arguments of the wrong type or out of range (the message names the
        argument).

    Examples
    --------
    >>> import numpy as np
    >>> a, b = thermogram(seed=1), thermogram(seed=1)
    >>> np.array_equal(a.image, b.image)
    True
    >>> hottest = np.unravel_index(a.temperature.argmax(), a.temperature.shape)
    >>> any(s.top <= hottest[0] < s.top + s.height and s.left <= hottest[1] < s.left + s.width
    ...     for s in a.sources)
    True
    """
    if not isinstance(with_scale_bar, (bool, np.bool_)):
        raise TypeError(f"with_scale_bar must be True or False, got {with_scale_bar!r}.")
    height, width = _check_shape(shape, with_scale_bar=bool(with_scale_bar))
    if scene not in _SCENES:
        raise ValueError(f"scene must be one of {', '.join(map(repr, _SCENES))}, got {scene!r}.")
    seed = check_positive_int(seed, name="seed", minimum=0)
    noise = _check_nonneg(noise, name="noise")
    blur = _check_nonneg(blur, name="blur")
    if jpeg_quality is not None:
        jpeg_quality = check_positive_int(jpeg_quality, name="jpeg_quality")
        if jpeg_quality > 95:
            raise ValueError(f"jpeg_quality must be an integer from 1 to 95 or None, got {jpeg_quality}.")
    lut = _palette_lut(palette)

    layout_rng, noise_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    temperature, t_ambient, sources, pixel_size = _circuit_board(height, width, layout_rng)

    scene_mask = np.ones((height, width), dtype=bool)
    if with_scale_bar:
        scene_mask[:, width - SCALE_BAR_WIDTH :] = False
    if t_range is None:
        seen = temperature[scene_mask]
        t_min, t_max = float(math.floor(seen.min())), float(math.ceil(seen.max()))
        if t_max <= t_min:
            t_max = t_min + 1.0
    else:
        t_min, t_max = _check_t_range(t_range)

    observed = temperature
    if blur > 0:
        from scipy.ndimage import gaussian_filter

        observed = gaussian_filter(observed, blur, mode="nearest")
    if noise > 0:
        observed = observed + noise_rng.normal(0.0, noise, size=observed.shape)
    level = np.rint(np.clip((observed - t_min) / (t_max - t_min), 0.0, 1.0) * 255).astype(np.intp)
    image = lut[level]

    if with_scale_bar:
        image = _draw_scale_bar(image, lut, t_min, t_max)
    if jpeg_quality is not None:
        image = _jpeg_roundtrip(image, jpeg_quality)
    return Thermogram(
        image=np.ascontiguousarray(image, dtype=np.uint8),
        temperature=temperature,
        scene_mask=scene_mask,
        t_min=t_min,
        t_max=t_max,
        palette=palette,
        t_ambient=t_ambient,
        sources=sources,
        pixel_size=pixel_size,
    )


def _check_t_range(t_range: Any) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in t_range)
    except (TypeError, ValueError):
        raise TypeError(f"t_range must be None or a pair (t_min, t_max) of numbers, got {t_range!r}.") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"t_range must be a pair (t_min, t_max) of finite numbers with t_min < t_max, got {t_range!r}.")
    return lo, hi


# --- the scene ---------------------------------------------------------------


def _circuit_board(
    height: int, width: int, rng: np.random.Generator
) -> tuple[np.ndarray, float, tuple[HeatSource, ...], float]:
    """Temperature field (°C) of the circuit-board scene at ``(height, width)``."""
    scale = min(1.0, _MAX_SOLVE_SIDE / max(height, width))
    gh, gw = max(8, round(height * scale)), max(8, round(width * scale))
    a = _FRAME_WIDTH / gw  # metres per grid cell
    t_ambient = float(rng.uniform(21.0, 25.0))

    # Board: a rectangle in fractions of the frame, left of the scale-bar strip.
    top, bottom = rng.uniform(0.05, 0.10), rng.uniform(0.90, 0.95)
    left, right = rng.uniform(0.03, 0.07), rng.uniform(0.78, 0.83)
    board = np.zeros((gh, gw), dtype=bool)
    b_rows = (round(top * gh), round(bottom * gh))
    b_cols = (round(left * gw), round(right * gw))
    board[b_rows[0] : b_rows[1], b_cols[0] : b_cols[1]] = True

    kappa = np.full((gh, gw), _KAPPA_BOARD)
    power = np.zeros((gh, gw))  # W per cell

    # Chips: non-overlapping rectangles (fractions of the frame), drawn by rejection.
    chips: list[tuple[float, float, float, float, float]] = []  # y0, x0, h, w (fractions), P
    n_chips = int(rng.integers(4, 7))
    frame_h = _FRAME_WIDTH * height / width
    for _ in range(200):
        if len(chips) == n_chips:
            break
        side_w = rng.uniform(0.008, 0.022) / _FRAME_WIDTH
        side_h = rng.uniform(0.008, 0.022) / frame_h
        y0 = rng.uniform(top + 0.06, bottom - 0.06 - side_h)
        x0 = rng.uniform(left + 0.05, right - 0.05 - side_w)
        gap = 0.04
        if all(
            y0 + side_h + gap < c[0] or c[0] + c[2] + gap < y0 or x0 + side_w + gap < c[1] or c[1] + c[3] + gap < x0
            for c in chips
        ):
            watts = float(np.exp(rng.uniform(np.log(0.3), np.log(1.6))))
            chips.append((y0, x0, side_h, side_w, watts))

    def cells(y0: float, x0: float, h: float, w: float, rows: int, cols: int) -> tuple[slice, slice]:
        r0, c0 = round(y0 * rows), round(x0 * cols)
        return slice(r0, max(r0 + 1, round((y0 + h) * rows))), slice(c0, max(c0 + 1, round((x0 + w) * cols)))

    # Traces: L-shaped copper paths from each chip to the next, 1 mm wide, Joule-heated.
    trace = np.zeros((gh, gw), dtype=bool)
    half = max(1, round(0.0005 / a))
    centres = [(round((c[0] + c[2] / 2) * gh), round((c[1] + c[3] / 2) * gw)) for c in chips]
    for (r1, c1), (r2, c2) in zip(centres, centres[1:]):
        trace[r1 - half : r1 + half, min(c1, c2) : max(c1, c2) + 1] = True
        trace[min(r1, r2) : max(r1, r2) + 1, c2 - half : c2 + half] = True
    trace &= board
    kappa[trace] = _KAPPA_TRACE
    power[trace] += _TRACE_POWER * a / (2 * half)  # W per cell: (W/m) x length / width in cells

    for y0, x0, h, w, watts in chips:
        rs, cs = cells(y0, x0, h, w, gh, gw)
        kappa[rs, cs] = _KAPPA_CHIP
        power[rs, cs] = watts / power[rs, cs].size

    rise = _solve_plate(kappa, power, board, h_loss=_H_LOSS, cell=a)

    # The bench: ambient plus a faint smooth variation.
    from scipy.ndimage import gaussian_filter, zoom

    bench = gaussian_filter(rng.standard_normal((gh, gw)), 0.08 * gw, mode="reflect")
    bench *= 0.3 / max(np.abs(bench).max(), 1e-12)
    field = t_ambient + np.where(board, rise, bench)
    if (gh, gw) != (height, width):
        field = zoom(field, (height / gh, width / gw), order=1, mode="nearest", grid_mode=True)

    sources = []
    for y0, x0, h, w, watts in chips:
        rs, cs = cells(y0, x0, h, w, height, width)
        sources.append(HeatSource(rs.start, cs.start, rs.stop - rs.start, cs.stop - cs.start, watts))
    return field, t_ambient, tuple(sources), _FRAME_WIDTH / width


def _solve_plate(
    kappa: np.ndarray, power: np.ndarray, board: np.ndarray, *, h_loss: float, cell: float
) -> np.ndarray:
    """Steady temperature rise of a thin plate: ``div(kappa grad T) - h T + q = 0``.

    Finite volumes on a square grid of side ``cell`` (metres).  ``kappa`` is
    the sheet conductance (W/K) of each cell, ``power`` the heat (W) released
    in each cell, ``board`` marks the plate's cells (its edges are adiabatic).
    Returns the rise above ambient (K), 0 outside the plate.  Energy balance:
    ``h * cell**2 * rise.sum() == power[board].sum()``.
    """
    import scipy.sparse as sp
    from scipy.sparse.linalg import spsolve

    idx = np.full(board.shape, -1, dtype=np.intp)
    n = int(board.sum())
    idx[board] = np.arange(n)
    rows, cols, vals = [], [], []
    for axis in (0, 1):
        a_sl = [slice(None), slice(None)]
        b_sl = [slice(None), slice(None)]
        a_sl[axis], b_sl[axis] = slice(0, -1), slice(1, None)
        both = board[tuple(a_sl)] & board[tuple(b_sl)]
        ka, kb = kappa[tuple(a_sl)][both], kappa[tuple(b_sl)][both]
        g = 2 * ka * kb / (ka + kb)  # conductance between neighbours (square cells: kappa * a / a)
        ia, ib = idx[tuple(a_sl)][both], idx[tuple(b_sl)][both]
        rows += [ia, ib, ia, ib]
        cols += [ib, ia, ia, ib]
        vals += [-g, -g, g, g]
    loss = sp.diags(np.full(n, h_loss * cell**2))
    lap = sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))
    rise = np.zeros(board.shape)
    rise[board] = spsolve((lap + loss).tocsc(), power[board], permc_spec="MMD_AT_PLUS_A")
    return rise


# --- the camera --------------------------------------------------------------


def _draw_scale_bar(image: np.ndarray, lut: np.ndarray, t_min: float, t_max: float) -> np.ndarray:
    """Draw the palette bar with tick labels on a dark strip at the right edge."""
    from PIL import Image, ImageDraw, ImageFont

    height, width = image.shape[:2]
    x0 = width - SCALE_BAR_WIDTH
    pil = Image.fromarray(image)
    draw = ImageDraw.Draw(pil)
    font = ImageFont.load_default_imagefont()
    draw.rectangle([x0, 0, width - 1, height - 1], fill=(20, 20, 24))
    draw.text((x0 + 15, 3), "\u00b0C", font=font, fill=(235, 235, 235))
    top, bottom = 22, height - 8
    bar_x = (x0 + 3, x0 + 10)
    n = bottom - top + 1
    colours = lut[np.rint(np.linspace(255, 0, n)).astype(np.intp)]  # hottest at the top
    strip = np.repeat(colours[:, None, :], bar_x[1] - bar_x[0] + 1, axis=1)
    pil.paste(Image.fromarray(strip), (bar_x[0], top))
    n_ticks = 5 if n >= 100 else 3
    for frac in np.linspace(0.0, 1.0, n_ticks):
        y = round(bottom - frac * (bottom - top))
        value = t_min + frac * (t_max - t_min)
        draw.line([(bar_x[1] + 1, y), (bar_x[1] + 3, y)], fill=(235, 235, 235))
        label = f"{value:.1f}" if abs(value) < 99.95 else f"{value:.0f}"
        draw.text((bar_x[1] + 5, y - 5), label, font=font, fill=(235, 235, 235))
    return np.asarray(pil)


def _jpeg_roundtrip(image: np.ndarray, quality: int) -> np.ndarray:
    """Compress ``image`` to JPEG in memory and decode it, as a camera stores it."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return np.asarray(decoded.convert("RGB"))
