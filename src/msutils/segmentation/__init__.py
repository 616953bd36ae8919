r"""Image segmentation by mean shift, in colour space and in the joint domain.

Two ways to segment a picture with mean shift:

* :func:`segment_colors` clusters the pixels' colours only, as the article
  does: every pixel is a point in RGB space, :class:`~msutils.MeanShift` finds
  the modes of their density and each pixel takes the label of its mode.
  Where a pixel lies in the picture plays no part, so two far-apart patches of
  the same colour share a label.
* :func:`segment` works in the *joint spatial-range domain* of Comaniciu and
  Meer :cite:p:`comaniciu2002`: pixel :math:`i` is the point
  :math:`z_i = (x_i^s, x_i^r)`, its position :math:`x^s` (row, column) joined
  to its colour :math:`x^r` (CIE L*u*v* by default, as in the paper), and the
  kernel is a product of two radially symmetric kernels with a spatial
  bandwidth :math:`h_s` (pixels) and a range bandwidth :math:`h_r` (colour
  units),

  .. math::

      K(z) \propto k\Big(\Big\|\frac{x^s}{h_s}\Big\|^2\Big)\,
                   k\Big(\Big\|\frac{x^r}{h_r}\Big\|^2\Big).

The joint-domain algorithm has three steps, each in a module of its own.

1. **Filtering** (:func:`mean_shift_filter`, compiled with numba in
   ``_filter``).  Every pixel climbs by mean shift from its own
   :math:`z_i` to a mode :math:`y_{i,c}`; the filtered pixel keeps its
   position and takes the mode's colour.  Edges stay sharp while texture and
   noise are smoothed away.  By default climbs share their basins of
   attraction, after the authors' EDISON code: a pixel that a climb passes
   within :math:`h_r / 2` takes that climb's mode, a climb that reaches a
   pixel which already has a mode stops, and the pixels within
   :math:`h_s / 2` and :math:`h_r / 2` of a converged mode take it
   (``speedup="high"``; ``"medium"`` is EDISON's level, ``"none"`` climbs
   every pixel).  The colours live on an integer grid, so every window sum is
   exact and the result is the same on every machine and for any number of
   threads.
2. **Fusion** (``_fusion``).  The convergence points closer than :math:`h_s`
   in space and :math:`h_r` in range are grouped, which concatenates their
   basins of attraction (first between neighbouring pixels, then between the
   basins' mean modes, anywhere in the picture).
3. **Pruning** (``_prune``).  Regions (the 8-connected parts of the
   clusters) of fewer than ``min_region`` pixels join the adjacent region
   whose mean mode is closest, until none is left.

Colour conversion lives in ``_colour`` (scikit-image's ``rgb2luv`` and
``luv2rgb``), the memory guard in ``_limits``, progress bars in
``_progress``, the colour-only route in ``_colours_only`` and per-region
statistics (:func:`region_stats`) in ``_regions``, and the comparison of the
filter with a Gaussian blur of the same strength
(:func:`matched_gaussian_blur`, :func:`edge_contrast`) in ``_compare``.

Regions are numbered 0, 1, ... in the order in which they first appear when
the picture is read row by row.

Examples
--------
>>> import numpy as np
>>> image = np.zeros((12, 16, 3))
>>> image[:, 8:] = 200.0
>>> labels = segment(image, spatial_bandwidth=3, range_bandwidth=30, min_region=5)
>>> labels[0, 0].item(), labels[0, -1].item(), labels.max().item() + 1
(0, 1, 2)
"""

from msutils.segmentation._colours_only import segment_colors
from msutils.segmentation._compare import edge_contrast, matched_gaussian_blur
from msutils.segmentation._joint import mean_shift_filter, segment
from msutils.segmentation._regions import region_stats

__all__ = ["mean_shift_filter", "segment", "segment_colors", "region_stats", "matched_gaussian_blur", "edge_contrast"]
