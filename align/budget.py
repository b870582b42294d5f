"""A time budget per document, so that one pathological page cannot stall a whole build.

Crawl-to-corpus pipelines meet pages that take a rule set hours (a regular expression that
backtracks, a page of a million tiny lines); the build must skip such a page with a reason and go
on. The budget is an interval timer: when it runs out, ``SIGALRM`` raises ``OverBudget`` inside
whatever Python code is running (the regular-expression engine checks for signals as it goes).
Signals reach only the main thread, so elsewhere the budget is not enforced, and says so.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

DEFAULT_DOCUMENT_SECONDS = 120.0
"""Generous: the largest accepted file (64 MiB) normalises well within it on one core."""


class OverBudget(Exception):
    """The work inside ``time_budget`` took longer than allowed."""


def enforceable() -> bool:
    return threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")


@contextlib.contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise ``OverBudget`` in the block once ``seconds`` have passed (``None`` or 0: no budget)."""
    if not seconds or not enforceable():
        yield
        return

    def expire(signum, frame):
        raise OverBudget(f"took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
