"""Who runs the map steps: this process, a local process pool, or a Ray cluster.

An executor runs a step function over tasks and yields the results *in task order*, with only a
few tasks in flight, so memory stays bounded and the published bytes cannot depend on which
worker finished first. It also provides the translation engine: CTranslate2 in this process on
every core (``local``), or a pool of Ray actors that each load the model once (``ray``).
Translations are the same either way: batches hold sentences of equal token length, so a
sentence's translation does not depend on its batch company, and each engine thread works alone.

A task whose worker dies (killed, out of memory) comes back as ``TaskFailed`` instead of a result;
the pool is rebuilt and the other tasks go on. What a failed task means is the pipeline's call.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import AlignError

EXECUTORS = ("local", "ray")


class ExecutorError(AlignError):
    """An executor cannot start (Ray missing, cluster unreachable)."""


@dataclass(frozen=True)
class TaskFailed:
    """The result of a task that did not finish: its worker died or the step raised."""

    reason: str


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class LocalExecutor:
    """Map steps in this process (one worker) or in a pool of processes (several).

    The pool uses the ``spawn`` start method: the driver has loaded CTranslate2 and lingua, whose
    threads do not survive a ``fork``.
    """

    name = "local"

    def __init__(self, workers: int | None = None):
        self.workers = workers or default_workers()
        self.pool = None

    def map(self, function: Callable, tasks: Iterable, in_flight: int | None = None) -> Iterator:
        if self.workers == 1:
            for task in tasks:
                yield function(task)
            return
        yield from self._pooled(function, tasks, in_flight or 2 * self.workers)

    def _pooled(self, function, tasks, in_flight) -> Iterator:
        from concurrent.futures.process import BrokenProcessPool

        pending: deque = deque()
        iterator = iter(tasks)
        exhausted = False
        while pending or not exhausted:
            while not exhausted and len(pending) < in_flight:
                try:
                    task = next(iterator)
                except StopIteration:
                    exhausted = True
                    break
                pending.append((task, self._pool().submit(function, task)))
            if not pending:
                break
            task, future = pending.popleft()
            try:
                yield future.result()
            except BrokenProcessPool:
                # Every task in flight is lost with the pool: rebuild it, retry the others, and
                # report the one that was running (the oldest) as failed unless it succeeds alone.
                self._reset()
                retried = [(t, None) for t, _ in pending]
                pending.clear()
                yield self._alone(function, task)
                pending.extend((t, self._pool().submit(function, t)) for t, _ in retried)

    def _alone(self, function, task):
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self._pool().submit(function, task).result()
        except BrokenProcessPool as error:
            self._reset()
            return TaskFailed(f"worker died ({error or 'killed'})")

    def _pool(self):
        if self.pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
        return self.pool

    def _reset(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None

    def engine(self, package_path: Path, settings, device: str):
        """CTranslate2 in this process, one translation worker per core."""
        from .translate import Engine

        return Engine(package_path, settings, workers=self.workers, threads_per_worker=1, device=device)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is not None and self.pool is not None:
            # Interrupted: stop the workers now rather than wait for their tasks.
            for process in list(getattr(self.pool, "_processes", {}).values()):
                process.terminate()
            self._reset()
        self.close()


class RayExecutor:
    """Map steps as Ray tasks; translation in a pool of actors that each load the model once.

    Without ``address`` Ray starts a local cluster with ``workers`` CPUs; with one it joins an
    existing cluster (``ray://host:10001`` or ``host:6379``). Tasks receive their inputs' bytes,
    so worker machines need no access to the input folder; results come back to this process,
    which alone writes shards, the cache and the corpus.
    """

    name = "ray"

    def __init__(self, workers: int | None = None, address: str | None = None):
        try:
            import ray
        except ImportError:
            raise ExecutorError(
                "--executor ray needs Ray, an optional extra: `make install EXECUTOR=ray` "
                "(or `uv sync --extra ray`)"
            ) from None
        self.ray = ray
        self.workers = workers or default_workers()
        try:
            if address:
                ray.init(address=address, log_to_driver=False, include_dashboard=False)
            else:
                ray.init(num_cpus=self.workers, log_to_driver=False, include_dashboard=False)
        except (ConnectionError, RuntimeError, ValueError, TimeoutError) as error:
            raise ExecutorError(f"cannot reach the Ray cluster at {address or 'a new local cluster'}: {error}") from None
        if address:
            self.workers = max(1, int(ray.cluster_resources().get("CPU", 1)))
        self.remote_functions: dict = {}

    def map(self, function: Callable, tasks: Iterable, in_flight: int | None = None) -> Iterator:
        ray = self.ray
        remote = self.remote_functions.setdefault(function, ray.remote(max_retries=1)(function))
        pending: deque = deque()
        iterator = iter(tasks)
        limit = in_flight or 2 * self.workers
        while True:
            while len(pending) < limit:
                task = next(iterator, None)
                if task is None:
                    break
                pending.append(remote.remote(task))
            if not pending:
                return
            reference = pending.popleft()
            try:
                yield ray.get(reference)
            except (ray.exceptions.WorkerCrashedError, ray.exceptions.RayTaskError) as error:
                yield TaskFailed(f"{type(error).__name__}: {str(error).splitlines()[0]}")

    def engine(self, package_path: Path, settings, device: str):
        """A pool of actors, each holding the package's engine (one thread, a GPU on CUDA)."""
        return RemoteEngine(self.ray, package_path, settings, device, self.workers)

    def close(self) -> None:
        self.ray.shutdown()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def actor_options(device: str) -> dict:
    """Resources a translation actor asks Ray for: a GPU when translating on CUDA."""
    return {"num_cpus": 1, "num_gpus": 1} if device == "cuda" else {"num_cpus": 1}


class _EngineActor:
    def __init__(self, package_path, settings, device):
        from .translate import Engine

        self.engine = Engine(Path(package_path), settings, workers=1, threads_per_worker=1, device=device)

    def translate(self, sentences: list[str]) -> list[str]:
        return self.engine.translate(sentences)


class RemoteEngine:
    """``translate_batches`` over Ray actors: the driver keeps the cache, actors only translate."""

    CHUNK = 256

    def __init__(self, ray, package_path: Path, settings, device: str, actors: int):
        from ray.util import ActorPool

        actor = ray.remote(**actor_options(device))(_EngineActor)
        package = str(package_path)
        self.pool = ActorPool([actor.remote(package, settings, device) for _ in range(max(1, actors))])

    def translate_batches(self, sentences: Sequence[str]) -> Iterator[tuple[list[int], list[str]]]:
        chunks = [list(range(begin, min(begin + self.CHUNK, len(sentences)))) for begin in range(0, len(sentences), self.CHUNK)]
        outputs = self.pool.map(lambda actor, chunk: actor.translate.remote([sentences[i] for i in chunk]), chunks)
        yield from zip(chunks, outputs)


def make_executor(name: str, workers: int | None = None, address: str | None = None):
    if name == "ray":
        return RayExecutor(workers, address)
    if address:
        raise ExecutorError("--ray-address needs --executor ray")
    return LocalExecutor(workers)
