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


SPAWN_MASKS = """
import signal
import multiprocessing.util as util
from align.executors import LocalExecutor

masks = []
spawn = util.spawnv_passfds


def recording(path, args, passfds):
    masks.append((args[-1][:40], signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, set())))
    return spawn(path, args, passfds)


util.spawnv_passfds = recording
executor = LocalExecutor(2)
try:
    list(executor.map(abs, range(4)))
finally:
    executor.pool.shutdown()
print(masks)
assert len(masks) >= 2 and all(blocked for _, blocked in masks), masks
"""


def test_every_process_the_pool_starts_is_born_with_ctrl_c_blocked():
    """In a fresh interpreter, where the first worker also starts multiprocessing's resource
    tracker: each process (tracker and workers) must start with SIGINT blocked, or a Ctrl-C while
    it imports prints a fatal error in the user's terminal."""
    import subprocess

    result = subprocess.run(
        [sys.executable, "-c", SPAWN_MASKS], capture_output=True, text=True, cwd=Path(__file__).parent.parent
    )
    assert result.returncode == 0, result.stdout + result.stderr
