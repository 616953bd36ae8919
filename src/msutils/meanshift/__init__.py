r"""Mean shift: the mean shift vector and a fast, scikit-learn-compatible estimator.

The *mean shift vector* at :math:`x` (Fukunaga and Hostetler, 1975; Cheng,
1995) is the step from :math:`x` to the kernel-weighted mean of the data,

.. math::

    m(x) - x = \frac{\sum_i K(x_i - x)\, x_i}{\sum_i K(x_i - x)} - x,
    \qquad K(x_i - x) = w_i\, k\big(\|(x_i - x)/h\|^2\big),

with :math:`k` the kernel's profile, :math:`h` the bandwidth and
:math:`w_i` optional sample weights.  Repeating :math:`x \leftarrow m(x)`
climbs the kernel density estimate built with the *shadow* of :math:`k`
(see :mod:`msutils.kernels`) to a local maximum.  :class:`MeanShift` does this
from many seeds and merges the results; with the default flat kernel it
reproduces :class:`sklearn.cluster.MeanShift` rule for rule.

The engine lives in small private modules, one job each: ``_seeds`` (where
the climbs start), ``_grid`` and ``_windows`` (which points fall in a window and
their weighted mean), ``_climb`` (the memoised iteration), ``_merge`` (fusing
converged centres and labelling) and ``_estimator`` (the public estimator);
``_blurring`` holds :class:`BlurringMeanShift`, where the data themselves move.

Examples
--------
>>> import numpy as np
>>> from msutils.meanshift import MeanShift
>>> X = np.array([[1, 1], [2, 1], [1, 0], [4, 7], [3, 5], [3, 6]])
>>> ms = MeanShift(bandwidth=2).fit(X)
>>> ms.labels_
array([1, 1, 1, 0, 0, 0])
"""
from msutils.meanshift._blurring import BlurringMeanShift
from msutils.meanshift._estimator import MeanShift, mean_shift_vector
from msutils.meanshift._adaptive import AdaptiveMeanShift

__all__ = ["mean_shift_vector", "MeanShift", "AdaptiveMeanShift", "BlurringMeanShift"]
