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


def bar(total: int | None, description: str, unit: str, enabled: bool):
    """A tqdm bar on stderr for one stage; a disabled bar costs nothing and prints nothing."""
    from tqdm import tqdm

    return tqdm(total=total, desc=description, unit=unit, disable=not enabled, leave=False, dynamic_ncols=True)
