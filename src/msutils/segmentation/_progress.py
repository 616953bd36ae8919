"""Progress reporting of the filtering step: nothing, a tqdm bar, or a callback."""

from __future__ import annotations

import sys
from typing import Any, Callable

__all__ = ["ProgressCallback", "make_reporter"]

#: ``progress(n_done, n_pixels)``, called after every batch of strips.
ProgressCallback = Callable[[int, int], None]


class _Bar:
    """A tqdm bar over the pixels, on standard error."""

    def __init__(self, total: int, desc: str) -> None:
        from tqdm.auto import tqdm

        self._bar = tqdm(total=total, desc=desc, unit="px", unit_scale=True, file=sys.stderr, leave=True,
                         dynamic_ncols=True)

    def __call__(self, done: int, total: int) -> None:
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        self._bar.close()


def make_reporter(progress: Any, total: int, desc: str = "mean shift filter") -> tuple[Callable[[int, int], None] | None, Callable[[], None]]:
    """``(report, close)`` for a ``progress`` argument: None/False, True (a tqdm bar) or a callable.

    Examples
    --------
    >>> calls = []
    >>> report, close = make_reporter(lambda done, total: calls.append((done, total)), 10)
    >>> report(4, 10); close(); calls
    [(4, 10)]
    >>> make_reporter(None, 10)[0] is None
    True
    """
    if progress is None or progress is False:
        return None, lambda: None
    if progress is True:
        bar = _Bar(total, desc)
        return bar, bar.close
    if callable(progress):
        return progress, lambda: None
    raise TypeError(f"progress must be None, a bool or a callable progress(n_done, n_pixels), got {type(progress).__name__}.")
