"""Progress bars on a terminal, silence everywhere else.

A ten-minute build that prints nothing looks hung; a CI log full of carriage returns is
unreadable. So bars (tqdm: rate and ETA) appear only when standard error is a terminal and no CI
is detected, and ``ALIGN_PROGRESS=0``/``1`` overrides the guess.
"""

from __future__ import annotations

import os
import sys


def wanted() -> bool:
    """Whether to draw progress bars in this process."""
    forced = os.environ.get("ALIGN_PROGRESS")
    if forced in ("0", "1"):
        return forced == "1"
    if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stderr.isatty()


class NoBar:
    """What a disabled bar is: it takes updates and prints nothing, without importing tqdm (80 ms
    of a short command's start-up)."""

    def update(self, n: int = 1) -> None:
        pass

    def __enter__(self) -> NoBar:
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass


def bar(total: int | None, description: str, unit: str, enabled: bool):
    """A tqdm bar on stderr for one stage; a disabled bar costs nothing and prints nothing."""
    if not enabled:
        return NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc=description, unit=unit, leave=False, dynamic_ncols=True)
