"""Ctrl-C and the local process pool: workers never see it, the driver always does."""

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from align.executors import LocalExecutor

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")

SIGINT_BIT = 1 << (signal.SIGINT - 1)


def signal_masks(_task) -> dict[str, int]:
    """In a worker: its ignored and blocked signal sets, as the kernel reports them."""
    status = Path("/proc/self/status").read_text().splitlines()
    fields = dict(line.split(":\t") for line in status if ":\t" in line)
    return {name: int(fields[name], 16) for name in ("SigIgn", "SigBlk")}


def test_workers_ignore_ctrl_c_and_block_nothing():
    executor = LocalExecutor(2)
    try:
        masks = list(executor.map(signal_masks, range(4)))
    finally:
        executor.pool.shutdown()
    assert all(found["SigIgn"] & SIGINT_BIT for found in masks)
    assert not any(found["SigBlk"] & SIGINT_BIT for found in masks)


class InterruptedWhileStarting:
    """A pool whose submission is interrupted by a Ctrl-C, as a worker being started can be."""

    def submit(self, function, task):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # starting a worker process takes this long and more
        return "submitted"


def test_a_ctrl_c_while_workers_start_still_reaches_the_driver():
    executor = LocalExecutor(2)
    executor.pool = InterruptedWhileStarting()
    handler, mask = signal.getsignal(signal.SIGINT), signal.pthread_sigmask(signal.SIG_BLOCK, set())
    # The driver has other threads (the pool's manager): the kernel gives them the signal while the
    # main thread blocks it, so ignoring SIGINT for the moment would drop it.
    done = threading.Event()
    other = threading.Thread(target=done.wait)
    other.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            executor._submit(signal_masks, None)
            time.sleep(0.5)  # KeyboardInterrupt comes at the latest once this returns; a lost Ctrl-C never
    finally:
        done.set()
        other.join()
    assert signal.getsignal(signal.SIGINT) == handler
    assert signal.pthread_sigmask(signal.SIG_BLOCK, set()) == mask
