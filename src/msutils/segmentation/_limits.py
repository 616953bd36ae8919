"""Refuse pictures too large for the memory available, with a message that says what to do."""

from __future__ import annotations

import os

__all__ = ["available_memory", "check_size"]


def available_memory() -> int:
    """Bytes of memory available to a new allocation (``MemAvailable`` of /proc/meminfo, else free pages).

    Examples
    --------
    >>> available_memory() > 0
    True
    """
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    try:  # pragma: no cover - not Linux
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover
        return 1 << 62


def _human(n_bytes: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB", "TB"):
        if n_bytes < 1000 or unit == "TB":
            return f"{n_bytes:.0f} {unit}" if unit == "bytes" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1000
    raise AssertionError  # pragma: no cover


def check_size(height: int, width: int, bytes_per_pixel: int) -> None:
    """Raise ValueError if a ``height`` x ``width`` picture needs more working memory than is available.

    Examples
    --------
    >>> check_size(10, 10, 30)   # 3 kB: fine
    >>> check_size(10**6, 10**6, 30)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: image of 1000000 x 1000000 pixels (1e+12 pixels) needs about 30.0 TB of working memory to segment, ...
    """
    need = height * width * bytes_per_pixel
    limit = available_memory()
    if need > limit:
        raise ValueError(
            f"image of {width} x {height} pixels ({height * width:.3g} pixels) needs about {_human(need)} of working "
            f"memory to segment, more than the {_human(limit)} available; shrink it first "
            f"(on the command line: --max-side, e.g. --max-side {max(256, int(max(height, width) * (limit / need) ** 0.5 * 0.9))})."
        )
