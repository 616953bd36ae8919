r"""The filtering step: every pixel climbs to its mode in the joint domain (compiled).

The data are the pixels :math:`z_j = (x_j^s, x_j^r)`: position (row, column)
and range value (colour), the range on the integer grid of
:func:`~msutils.segmentation._colour.to_planes` (``scale`` units per
:math:`h_r`).  The climb
from pixel :math:`i` starts at :math:`y = z_i`; one step replaces :math:`y` by
the weighted mean of the pixels in its window,

.. math::

    w_j = k\big(\|x_j^s - y^s\|^2 / h_s^2\big)\; k\big(\|x_j^r - y^r\|^2\big),

and stops when the step is at most ``tol`` (in bandwidths,
:math:`\sqrt{\|\Delta^s\|^2 / h_s^2 + \|\Delta^r\|^2}`) or after ``max_iter``
steps.  The window is exact: on each image row within :math:`h_s` of
:math:`y^s` the columns with :math:`(r - y_0)^2 + (c - y_1)^2 \le h_s^2` form
one contiguous run, which is scanned.

**Basin sharing** (``share >= 1``), the speed-up of Comaniciu and Meer's
EDISON code (its "medium" level): after each step the pixel :math:`j` under
the rounded position :math:`y^s` is looked at.  If its own range value is
within :math:`h_r / 2` of :math:`y^r` (its position is within
:math:`\sqrt{2}/2` pixel of :math:`y^s`, i.e. within :math:`h_s / 2` for
:math:`h_s \ge \sqrt 2`), it is taken to lie in the same basin of attraction:
if it has not been climbed yet it is marked and later receives this climb's
mode without a climb of its own; if it already has a mode, this climb stops
and takes that mode.  Level 2 (``"high"``) also marks, once the climb has
converged, every unclimbed pixel within :math:`h_s / 2` of the mode's
position and :math:`h_r / 2` of its range value; such a pixel takes the
mode's range value, and its own position stands for the spatial part of its
convergence point (it is within :math:`h_s / 2` of the mode), so that the
fusion step sees no spurious spatial jumps between neighbours.  The image is
cut into horizontal strips of ``STRIP_ROWS`` rows and sharing stays inside a
strip, so strips are independent: they run in parallel (``numba.prange``) and
the result does not depend on the number of threads.

After each step the mean's range value is rounded to the grid (an error of at
most half a grid unit, :math:`h_r / 2^{12}` for L*u*v* at :math:`h_r = 16`),
so every window sum is a sum of integers: exact (in 32-bit integers for the
flat kernel, vectorised by LLVM; in float64 for the others) in any order, and
the same on every machine.  Modes are stored as
their range value on the grid (int16) and their offset from the pixel, in
1/64 pixel (int16, clipped to +-511 pixels).
"""

from __future__ import annotations

import math

import numba
import numpy as np


__all__ = ["STRIP_ROWS", "OFFSET_SCALE", "GRID", "KERNEL_IDS", "filter_strips", "n_strips"]

#: rows per strip (basin sharing stays inside a strip; strips run in parallel)
STRIP_ROWS = 32
#: mode offsets are stored in units of 1 / OFFSET_SCALE pixel (int16)
OFFSET_SCALE = 64.0
#: kernel name -> id used by the compiled code
KERNEL_IDS = {"flat": 0, "epanechnikov": 1, "biweight": 2}

_UNSEEN, _CLAIMED, _DONE = 0, 1, 2


def n_strips(height: int) -> int:
    """Number of strips of an image with ``height`` rows."""
    return -(-height // STRIP_ROWS)


@numba.njit(cache=True, nogil=True, inline="always")
def _profile(t: float, kernel: int) -> float:
    if t > 1.0:
        return 0.0
    if kernel == 0:
        return 1.0
    if kernel == 1:
        return 1.0 - t
    return (1.0 - t) * (1.0 - t)

@numba.njit(cache=True, nogil=True)
def _row3(p0, p1, p2, xa, xb, c0, c1, c2, r2max):
    """Flat kernel, 3 channels: (count, sum of columns, sums of the 3 channels) over one window row.

    All in 32-bit integers (the planes are at most 2**13 in magnitude, so a
    squared distance of 3 channels stays below 2**30): exact, and LLVM
    vectorises the loop.
    """
    rw = np.int32(0)
    rx = np.int32(0)
    r0 = np.int32(0)
    r1 = np.int32(0)
    r2 = np.int32(0)
    for xx in range(xa, xb + 1):
        v0 = np.int32(p0[xx])
        v1 = np.int32(p1[xx])
        v2 = np.int32(p2[xx])
        t0 = v0 - c0
        t1 = v1 - c1
        t2 = v2 - c2
        w = np.int32(1) if t0 * t0 + t1 * t1 + t2 * t2 <= r2max else np.int32(0)
        rw += w
        rx += w * np.int32(xx)
        r0 += w * v0
        r1 += w * v1
        r2 += w * v2
    return rw, rx, r0, r1, r2


@numba.njit(cache=True, nogil=True)
def _claim_disc(planes, state, path, n_path, py, px, col, r0, r1, hs, share2):
    """Claim the unclimbed pixels of rows r0..r1-1 within h_s / 2 of (py, px) and h_r / 2 of ``col``."""
    n_ch, _, width = planes.shape
    rad2 = 0.25 * hs * hs
    reach = int(math.floor(0.5 * hs + 1.0))
    iy = int(math.floor(py + 0.5))
    for yy in range(max(r0, iy - reach), min(r1 - 1, iy + reach) + 1):
        dy = yy - py
        rem = rad2 - dy * dy
        if rem < 0.0:
            continue
        half = math.sqrt(rem)
        xa = max(0, int(math.ceil(px - half)))
        xb = min(width - 1, int(math.floor(px + half)))
        for xx in range(xa, xb + 1):
            if state[yy, xx] != _UNSEEN:
                continue
            d2 = 0.0
            for c in range(n_ch):
                t = planes[c, yy, xx] - col[c]
                d2 += t * t
            if d2 < share2:
                state[yy, xx] = _CLAIMED
                path[n_path] = -(yy * width + xx) - 1  # negative: claimed near the mode
                n_path += 1
    return n_path


@numba.njit(cache=True, nogil=True)
def _climb_strip(planes, scale, hs, kernel, max_iter, tol2, share, r0, r1, mode_col, mode_off, state, path):
    """Climb every pixel of rows ``r0 .. r1 - 1`` that has no mode yet."""
    n_ch, height, width = planes.shape
    hs2 = hs * hs
    q2 = scale * scale  # h_r squared, in grid units
    share2 = 0.25 * q2  # (h_r / 2) squared
    iq2 = np.int32(q2)
    reach = int(math.floor(hs + 1.0))
    fast3 = kernel == 0 and n_ch == 3
    col = np.empty(n_ch, dtype=np.float64)
    acc = np.empty(n_ch, dtype=np.float64)
    for y in range(r0, r1):
        for x in range(width):
            if state[y, x] != _UNSEEN:
                continue
            state[y, x] = _CLAIMED
            n_path = 0
            py = float(y)
            px = float(x)
            for c in range(n_ch):
                col[c] = planes[c, y, x]
            adopted_y = -1
            adopted_x = -1
            for _ in range(max_iter):
                iy = int(math.floor(py + 0.5))
                sw = 0.0
                sy = 0.0
                sx = 0.0
                for c in range(n_ch):
                    acc[c] = 0.0
                ya = max(0, iy - reach)
                yb = min(height - 1, iy + reach)
                for yy in range(ya, yb + 1):
                    dy = yy - py
                    rem = hs2 - dy * dy
                    if rem < 0.0:
                        continue
                    half = math.sqrt(rem)
                    xa = max(0, int(math.ceil(px - half)))
                    xb = min(width - 1, int(math.floor(px + half)))
                    if fast3:
                        rw, rx, g0, g1, g2 = _row3(planes[0, yy], planes[1, yy], planes[2, yy], xa, xb,
                                                   np.int32(col[0]), np.int32(col[1]), np.int32(col[2]), iq2)
                        sw += rw
                        sy += rw * yy
                        sx += rx
                        acc[0] += g0
                        acc[1] += g1
                        acc[2] += g2
                        continue
                    for xx in range(xa, xb + 1):
                        d2 = 0.0
                        for c in range(n_ch):
                            t = planes[c, yy, xx] - col[c]
                            d2 += t * t
                        if d2 > q2:
                            continue
                        if kernel == 0:
                            w = 1.0
                        else:
                            dx = xx - px
                            w = _profile((dy * dy + dx * dx) / hs2, kernel) * _profile(d2 / q2, kernel)
                        sw += w
                        sy += w * yy
                        sx += w * xx
                        for c in range(n_ch):
                            acc[c] += w * planes[c, yy, xx]
                if sw <= 0.0:
                    break
                ny = sy / sw
                nx = sx / sw
                step2 = ((ny - py) ** 2 + (nx - px) ** 2) / hs2
                for c in range(n_ch):
                    nc = math.floor(acc[c] / sw + 0.5)  # the mean's range value, on the grid
                    step2 += (nc - col[c]) ** 2 / q2
                    col[c] = nc
                py = ny
                px = nx
                if share >= 1:
                    jy = int(math.floor(py + 0.5))
                    jx = int(math.floor(px + 0.5))
                    if r0 <= jy < r1 and 0 <= jx < width and state[jy, jx] != _CLAIMED:
                        d2 = 0.0
                        for c in range(n_ch):
                            t = planes[c, jy, jx] - col[c]
                            d2 += t * t
                        if d2 < share2:
                            if state[jy, jx] == _DONE:
                                adopted_y = jy
                                adopted_x = jx
                                break
                            state[jy, jx] = _CLAIMED
                            path[n_path] = jy * width + jx
                            n_path += 1
                if step2 <= tol2:
                    break
            if share == 2 and adopted_y < 0:  # pixels close to the mode itself
                n_path = _claim_disc(planes, state, path, n_path, py, px, col, r0, r1, hs, share2)
            if adopted_y >= 0:  # the mode of an already climbed pixel
                for c in range(n_ch):
                    col[c] = mode_col[c, adopted_y, adopted_x]
                py = adopted_y + mode_off[0, adopted_y, adopted_x] / OFFSET_SCALE
                px = adopted_x + mode_off[1, adopted_y, adopted_x] / OFFSET_SCALE
            for k in range(-1, n_path):
                if k < 0:
                    ty = y
                    tx = x
                else:
                    at = path[k] if path[k] >= 0 else -path[k] - 1
                    ty = at // width
                    tx = at - ty * width
                for c in range(n_ch):
                    mode_col[c, ty, tx] = np.int16(col[c])
                if k >= 0 and path[k] < 0:  # near the mode: its own position stands for the spatial part
                    oy = 0.0
                    ox = 0.0
                else:
                    oy = min(max((py - ty) * OFFSET_SCALE, -32704.0), 32704.0)
                    ox = min(max((px - tx) * OFFSET_SCALE, -32704.0), 32704.0)
                mode_off[0, ty, tx] = np.int16(math.floor(oy + 0.5))
                mode_off[1, ty, tx] = np.int16(math.floor(ox + 0.5))
                state[ty, tx] = _DONE


@numba.njit(cache=True, parallel=True)
def filter_strips(planes, scale, hs, kernel, max_iter, tol2, share, s0, s1, mode_col, mode_off, state):
    """Filter strips ``s0 .. s1 - 1`` (in parallel); write their modes into ``mode_col``, ``mode_off``."""
    height = planes.shape[1]
    for s in numba.prange(s0, s1):
        r0 = s * STRIP_ROWS
        r1 = min(height, r0 + STRIP_ROWS)
        side = 2 * int(math.floor(0.5 * hs + 1.0)) + 1
        path = np.empty((max_iter + 2) * (side * side + 1), dtype=np.int64)
        _climb_strip(planes, scale, hs, kernel, max_iter, tol2, share, r0, r1, mode_col, mode_off, state, path)
