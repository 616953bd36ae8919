r"""Radially symmetric kernels, their profiles, normalisation and shadows.

A radially symmetric kernel in :math:`d` dimensions is written through its
*profile* :math:`k`, a function of the squared distance :math:`r = \|u\|^2`:

.. math::

    K(u) = c_{k,d}\, k(\|u\|^2), \qquad c_{k,d} = \Big(\int_{\mathbb{R}^d} k(\|u\|^2)\,du\Big)^{-1}.

Mean shift with weights :math:`g(\|(x_i - x)/h\|^2)` climbs the density
estimated with the kernel whose profile :math:`k` satisfies :math:`k' = -a\,g`
for a constant :math:`a > 0` (Cheng, 1995).  That kernel is called the *shadow*
of :math:`g`: the flat kernel's shadow is the Epanechnikov kernel
(:math:`k = 1 - r`, :math:`a = 1`), the Epanechnikov kernel's shadow is the
biweight kernel (:math:`k = (1 - r)^2`, :math:`a = 2`), and the Gaussian kernel
is its own shadow (:math:`a = 1/2`).  The climb goes uphill at every step
because the shadows' profiles are convex.

Examples
--------
>>> from msutils.kernels import get_kernel
>>> k = get_kernel("flat")
>>> k.shadow
'epanechnikov'
>>> float(k.profile(0.25)), float(k.profile(1.5))
(1.0, 0.0)
>>> round(float(get_kernel("gaussian").norm_const(1)), 6)  # 1 / sqrt(2 pi)
0.398942
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

__all__ = ["Kernel", "GAUSSIAN", "FLAT", "EPANECHNIKOV", "BIWEIGHT", "KERNELS", "get_kernel", "unit_ball_volume"]


def unit_ball_volume(d: int) -> float:
    """Volume of the unit ball in ``d`` dimensions, :math:`\\pi^{d/2} / \\Gamma(d/2 + 1)`.

    Examples
    --------
    >>> round(unit_ball_volume(2), 12) == round(math.pi, 12)
    True
    """
    return math.pi ** (d / 2) / math.gamma(d / 2 + 1)


def _gaussian_profile(r2: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * r2)


def _flat_profile(r2: np.ndarray) -> np.ndarray:
    return (r2 <= 1.0).astype(np.float64)


def _epanechnikov_profile(r2: np.ndarray) -> np.ndarray:
    return np.clip(1.0 - r2, 0.0, None)


def _biweight_profile(r2: np.ndarray) -> np.ndarray:
    return np.clip(1.0 - r2, 0.0, None) ** 2


@dataclass(frozen=True)
class Kernel:
    """A radially symmetric kernel given by its profile.

    Parameters
    ----------
    name : str
        The kernel's name, as accepted by :func:`get_kernel`.
    support : float
        Radius of the kernel's support in units of the bandwidth
        (``inf`` for the Gaussian).
    shadow : str or None
        Name of the kernel whose density mean shift with this kernel's weights
        climbs (see the module docstring); None where that kernel (for the
        biweight, the triweight) is not provided here.
    sklearn_name : str or None
        The name scikit-learn's :class:`~sklearn.neighbors.KernelDensity` uses
        for this kernel, or None if it has none.
    """

    name: str
    support: float
    shadow: str | None
    sklearn_name: str | None
    _profile: Callable[[np.ndarray], np.ndarray] = field(repr=False, compare=False)
    _mass: Callable[[int], float] = field(repr=False, compare=False)

    def profile(self, r2: np.ndarray | float) -> np.ndarray:
        """Evaluate the profile :math:`k(r)` at squared distances ``r2 = ||u||^2``.

        Parameters
        ----------
        r2 : array-like of float
            Squared distances in units of the bandwidth (``||x - x_i||^2 / h^2``).

        Returns
        -------
        ndarray of float64, same shape as ``r2``
        """
        return self._profile(np.asarray(r2, dtype=np.float64))

    def norm_const(self, d: int) -> float:
        """The constant :math:`c_{k,d}` that makes :math:`c\\,k(\\|u\\|^2)` integrate to one in ``d`` dimensions."""
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 1:
            raise ValueError(f"d must be a positive integer dimension, got {d!r}.")
        return 1.0 / self._mass(int(d))

    def density(self, u: np.ndarray) -> np.ndarray:
        """The normalised unit-bandwidth density :math:`K(u)` at points ``u``.

        Parameters
        ----------
        u : array-like of shape (..., d)
            Points in ``d`` dimensions; the last axis holds the coordinates.

        Returns
        -------
        ndarray of shape ``u.shape[:-1]``

        Examples
        --------
        >>> import numpy as np
        >>> float(get_kernel("flat").density(np.zeros((1, 2)))[0]) == 1 / np.pi
        True
        """
        u = np.asarray(u, dtype=np.float64)
        if u.ndim == 0:
            raise ValueError("u must have a last axis holding the coordinates, got a scalar.")
        r2 = np.einsum("...i,...i->...", u, u)
        return self.norm_const(u.shape[-1]) * self.profile(r2)


def _gaussian_mass(d: int) -> float:
    return (2.0 * math.pi) ** (d / 2)


def _flat_mass(d: int) -> float:
    return unit_ball_volume(d)


def _epanechnikov_mass(d: int) -> float:
    # integral of (1 - |u|^2) over the unit ball = V_d * 2 / (d + 2)
    return unit_ball_volume(d) * 2.0 / (d + 2)


def _biweight_mass(d: int) -> float:
    # integral of (1 - |u|^2)^2 over the unit ball = V_d * 8 / ((d + 2)(d + 4))
    return unit_ball_volume(d) * 8.0 / ((d + 2) * (d + 4))


GAUSSIAN = Kernel("gaussian", math.inf, "gaussian", "gaussian", _gaussian_profile, _gaussian_mass)
FLAT = Kernel("flat", 1.0, "epanechnikov", "tophat", _flat_profile, _flat_mass)
EPANECHNIKOV = Kernel("epanechnikov", 1.0, "biweight", "epanechnikov", _epanechnikov_profile, _epanechnikov_mass)
BIWEIGHT = Kernel("biweight", 1.0, None, None, _biweight_profile, _biweight_mass)

#: The kernels by name.  ``"tophat"`` and ``"uniform"`` are accepted aliases of ``"flat"``.
KERNELS: dict[str, Kernel] = {k.name: k for k in (GAUSSIAN, FLAT, EPANECHNIKOV, BIWEIGHT)}
_ALIASES = {"tophat": "flat", "uniform": "flat"}


def get_kernel(name: str | Kernel) -> Kernel:
    """Return the kernel called ``name``.

    Parameters
    ----------
    name : str or Kernel
        ``"gaussian"``, ``"flat"`` (aliases ``"tophat"``, ``"uniform"``),
        ``"epanechnikov"`` or ``"biweight"``; a :class:`Kernel` is returned as is.

    Returns
    -------
    Kernel

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If no kernel has that name.

    Examples
    --------
    >>> get_kernel("tophat").name
    'flat'
    >>> get_kernel("cosine")
    Traceback (most recent call last):
    ...
    ValueError: kernel must be one of 'gaussian', 'flat', 'epanechnikov', 'biweight' (or 'tophat', 'uniform'), got 'cosine'.
    """
    if isinstance(name, Kernel):
        return name
    if not isinstance(name, str):
        raise TypeError(f"kernel must be a string naming a kernel, got {type(name).__name__} {name!r}.")
    key = _ALIASES.get(name.lower(), name.lower())
    if key not in KERNELS:
        names = ", ".join(repr(k) for k in KERNELS)
        aliases = ", ".join(repr(a) for a in _ALIASES)
        raise ValueError(f"kernel must be one of {names} (or {aliases}), got {name!r}.")
    return KERNELS[key]
