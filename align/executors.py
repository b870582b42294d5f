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

import logging
import os
import socket
import sys
import tempfile
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from signal import SIGTERM
from typing import TYPE_CHECKING, Any

from .errors import AlignError

if TYPE_CHECKING:  # imported when a pool starts: one worker needs no multiprocessing
    from concurrent.futures import ProcessPoolExecutor

EXECUTORS = ("local", "ray")


class ExecutorError(AlignError):
    """An executor cannot start (Ray missing, cluster unreachable) or lost its workers."""


class ExecutorRefused(ExecutorError):
    """The executor options contradict each other."""

    exit_code = 2


@dataclass(frozen=True)
class TaskFailed:
    """The result of a task that did not finish: its worker died or the step raised."""

    reason: str


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class SubmissionWindow:
    """Tasks submitted at most ``limit`` ahead of the one being consumed, consumed in task order.

    Both executors bound what is out at once this way: it bounds memory (results wait in the
    window, not in a growing list) while keeping every worker busy.
    """

    def __init__(self, tasks: Iterable, limit: int, submit: Callable):
        self.tasks, self.limit, self.submit = iter(tasks), limit, submit
        self.pending: deque = deque()

    def __iter__(self) -> Iterator[tuple]:
        while True:
            for task in islice(self.tasks, max(0, self.limit - len(self.pending))):
                self.pending.append((task, self.submit(task)))
            if not self.pending:
                return
            yield self.pending.popleft()

    def resubmit(self) -> None:
        """Submit every pending task again (its first submission was lost)."""
        self.pending = deque((task, self.submit(task)) for task, _ in self.pending)

    def outstanding(self) -> list:
        return [handle for _, handle in self.pending]


class LocalExecutor:
    """Map steps in this process (one worker) or in a pool of processes (several).

    The pool uses the ``spawn`` start method: the driver has loaded CTranslate2 and lingua, whose
    threads do not survive a ``fork``.
    """

    name = "local"

    def __init__(self, workers: int | None = None):
        self.workers = workers or default_workers()
        self.pool: ProcessPoolExecutor | None = None

    def map(self, function: Callable, tasks: Iterable, in_flight: int | None = None) -> Iterator:
        if self.workers == 1:
            for task in tasks:
                yield function(task)
            return
        yield from self._pooled(function, tasks, in_flight or 2 * self.workers)

    def _pooled(self, function, tasks, in_flight) -> Iterator:
        from concurrent.futures.process import BrokenProcessPool

        window = SubmissionWindow(tasks, in_flight, lambda task: self._submit(function, task))
        for task, future in window:
            try:
                yield future.result()
            except BrokenProcessPool:
                # Every task in flight is lost with the pool: rebuild it, retry the others, and
                # report the one that was running (the oldest) as failed unless it succeeds alone.
                self._reset()
                yield self._alone(function, task)
                window.resubmit()

    def _alone(self, function, task):
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self._submit(function, task).result()
        except BrokenProcessPool as error:
            self._reset()
            return TaskFailed(f"worker died: {error or 'killed'}")

    def _submit(self, function, task):
        """Submit so that a worker the submission starts cannot be interrupted while it imports.

        A terminal's Ctrl-C reaches the whole process group; a worker still importing (before
        ``_worker_started`` runs) would print a traceback. A blocked signal mask survives ``fork``
        and ``exec``, so SIGINT is blocked in this thread while workers start: a new worker holds
        a Ctrl-C pending until its initializer ignores it, and the driver still receives it,
        through another thread or once this one unblocks. (Ignoring SIGINT here instead would
        discard a Ctrl-C that arrives meanwhile: the disposition is the whole process's.)
        """
        import signal
        import threading

        if threading.current_thread() is not threading.main_thread():
            return self._pool().submit(function, task)
        from multiprocessing import resource_tracker

        # multiprocessing starts its resource tracker with the first worker, and then unblocks
        # SIGINT in the calling thread (bpo-33613), which would leave that worker exposed: start it
        # before blocking.
        resource_tracker.ensure_running()
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            return self._pool().submit(function, task)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    def _pool(self):
        if self.pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_started
            )
        return self.pool

    def _reset(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None

    def select_device(self, requested: str) -> str:
        """``cpu`` or ``cuda`` for this machine (``translate.select_device``)."""
        from .translate import select_device

        return select_device(requested)

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
            processes = list((getattr(self.pool, "_processes", None) or {}).values())
            for process in processes:
                process.kill()
            for process in processes:
                process.join(timeout=5)
            self._reset()
        self.close()


def _worker_started() -> None:
    """In each pool worker, first: die with the driver, and leave Ctrl-C to it.

    A worker outlives a driver killed by SIGKILL unless the kernel is asked to kill it too
    (Linux's ``PR_SET_PDEATHSIG``); and a terminal's Ctrl-C reaches the whole process group, where
    workers would print tracebacks the driver's one line is meant to replace.
    """
    import ctypes
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # discards a Ctrl-C held since birth (``_submit``)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: workers then end when their pipe closes
        return
    if os.getppid() == 1:  # the driver died before we could ask
        os._exit(1)


class RayExecutor:
    """Map steps as Ray tasks; translation in a pool of actors that each load the model once.

    Without ``address`` Ray starts a local cluster with ``workers`` CPUs, which is shut down when
    the build ends; with one it joins an existing cluster (``ray://host:10001`` through the Ray
    client, ``host:6379`` from a machine of the cluster, ``auto`` for the cluster this machine
    belongs to) and only disconnects from it. An address that does not answer is one line within
    seconds (``CONNECT_SECONDS``), not Ray's minutes of retries.

    Tasks receive their inputs' bytes (Ray moves arguments over 100 KiB, i.e. whole shards,
    through its object store), so worker machines need no access to the input folder; at most
    ``in_flight`` tasks are out at once, which bounds the object store and the driver's memory;
    results come back to this process, in task order, and this process alone writes shards, the
    cache and the corpus. On a joined cluster this package's own code is shipped with the job
    (``runtime_env.py_modules``), so every worker runs the steps the driver has; its libraries
    (``uv.lock``) must be installed there.
    """

    name = "ray"
    CONNECT_SECONDS = 5.0
    ACTOR_START_SECONDS = 600.0

    def __init__(self, workers: int | None = None, address: str | None = None):
        self.address = address if address not in (None, "", "local") else None
        self.saved_environment: dict[str, str | None] = {}
        # No usage report (the tool works offline) and no nagging about how Ray was installed.
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        os.environ.setdefault("RAY_DISABLE_DOCKER_CPU_WARNING", "1")
        try:
            import ray
        except ImportError:
            raise ExecutorError(
                "--executor ray needs Ray, which this environment does not have: `make install EXECUTOR=ray` "
                "creates .venv-ray with it (then `make corpus EXECUTOR=ray`, or .venv-ray/bin/python -m align build "
                "--executor ray)"
            ) from None
        self.ray = ray
        self.workers = workers or default_workers()
        self.remote_functions: dict = {}
        self.pool: _ActorPool | None = None
        self.connected = False
        if ray.is_initialized():
            # A Ray session the caller opened (a library use of ``build``): used as it is, left open.
            self.owned = False
        else:
            if self.address:
                check_reachable(self.address, self.CONNECT_SECONDS)
            else:
                self._private_token()
            try:
                self._init()
            except BaseException:
                self._restore_environment()
                raise
            self.owned = True
        self.connected = True
        if self.address or not self.owned:
            self.workers = max(1, int(ray.cluster_resources().get("CPU", 1)))

    def _init(self) -> None:
        ray = self.ray
        options: dict[str, Any] = dict(
            include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR, ignore_reinit_error=True
        )
        if self.address:
            options["address"] = self.address
            options["runtime_env"] = {"py_modules": [str(Path(__file__).resolve().parent)], "excludes": ["__pycache__"]}
        else:
            # "local": a new cluster even when RAY_ADDRESS names another one.
            options.update(address="local", num_cpus=self.workers)
        where = f"the Ray cluster at {self.address}" if self.address else "a local Ray cluster"
        with quiet_stderr(), keep_signal_handlers() as terminate:
            try:
                ray.init(**options)
            except Exception as error:  # ConnectionError, RuntimeError (version mismatch), ValueError, …
                self._shutdown()
                raise ExecutorError(
                    f"cannot {'join' if self.address else 'start'} {where}: {join_failure(error)}"
                ) from None
            except SystemExit as stop:  # SIGTERM while Ray starts: its handler exits; unwind as ours would
                self._shutdown()
                if stop.code == SIGTERM and callable(terminate):
                    terminate(SIGTERM, None)
                raise
        self._hush_error_listener()

    def _hush_error_listener(self) -> None:
        """Ray's driver prints what its raylets report (``(raylet) A worker died …``, a page long)
        on our stdout, whatever ``log_to_driver`` says. The build reports a failed task itself,
        in one line, so those go to Ray's logger instead, which is quiet unless ``ALIGN_DEBUG``."""
        if os.environ.get("ALIGN_DEBUG"):
            return
        module: Any = sys.modules.get("ray._private.worker")  # Ray's private API: untyped
        printer = getattr(module, "print_to_stdstream", None)
        if printer is None or getattr(printer, "hushed", False):
            return

        def to_log(data, *args, **kwargs):
            for line in data.get("lines", []) if isinstance(data, dict) else []:
                logging.getLogger("ray").info("%s: %s", data.get("pid", "ray"), line)

        to_log.hushed = True  # type: ignore[attr-defined]
        to_log.original = printer  # type: ignore[attr-defined]
        module.print_to_stdstream = to_log

    AUTH_VARIABLES = ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH")

    def _private_token(self) -> None:
        """A local cluster gets a fresh token of its own (Ray would otherwise create and keep one
        in ~/.ray/auth_token): its ports listen on the machine's address, and only this build
        and the cluster's own processes, which inherit the environment, may use them. A user's
        own authentication settings are left as they are."""
        import secrets

        if any(name in os.environ for name in self.AUTH_VARIABLES):
            return
        self.saved_environment = {name: None for name in self.AUTH_VARIABLES[:2]}
        os.environ["RAY_AUTH_MODE"] = "token"
        os.environ["RAY_AUTH_TOKEN"] = secrets.token_hex(32)
        try:  # Ray read its configuration when imported: read it again (as Ray does itself)
            from ray._raylet import Config

            Config.initialize("")
        except Exception:
            pass

    # ------------------------------------------------------------------------------- map steps

    def map(self, function: Callable, tasks: Iterable, in_flight: int | None = None) -> Iterator:
        """``function`` over ``tasks`` as Ray tasks, results in task order.

        A task whose worker died is retried once by Ray; a step that raised, or a task that
        failed twice, is ``TaskFailed``. Losing the cluster itself is an ``ExecutorError``. Tasks
        still out when the caller stops early are cancelled.
        """
        ray = self.ray
        remote = self.remote_functions.get(function)
        if remote is None:
            remote = self.remote_functions[function] = ray.remote(num_cpus=1, max_retries=1)(function)
        window = SubmissionWindow(tasks, max(1, in_flight or 2 * self.workers), remote.remote)
        try:
            for _task, reference in window:
                try:
                    result = ray.get(reference)
                except ray.exceptions.RayError as error:
                    result = self._failed(error)
                del reference  # the task's input and output leave the object store
                yield result
        finally:
            for reference in window.outstanding():
                try:
                    ray.cancel(reference)
                except Exception:  # finished meanwhile, or the cluster is gone
                    pass

    def _failed(self, error) -> TaskFailed:
        exceptions = self.ray.exceptions
        if isinstance(error, exceptions.RayTaskError):
            cause = getattr(error, "cause", None)
            return TaskFailed(f"{type(cause).__name__}: {cause}" if cause is not None else one_line(error))
        lost_task = (
            exceptions.WorkerCrashedError,
            exceptions.OutOfMemoryError,
            exceptions.NodeDiedError,
            exceptions.ObjectLostError,
            exceptions.TaskCancelledError,
        )
        if isinstance(error, lost_task):
            return TaskFailed(f"worker died: {type(error).__name__}: {one_line(error)}")
        raise ExecutorError(f"lost the Ray cluster: {type(error).__name__}: {one_line(error)}") from None

    # ----------------------------------------------------------------------------- translation

    def select_device(self, requested: str) -> str:
        """``auto`` is ``cuda`` when the cluster has a GPU (the driver need not have one)."""
        gpus = self.ray.cluster_resources().get("GPU", 0)
        if requested == "auto":
            return "cuda" if gpus > 0 else "cpu"
        if requested == "cuda" and gpus <= 0:
            raise ExecutorError("--device cuda: the Ray cluster has no GPU")
        return requested

    def engine(self, package_path: Path, settings, device: str):
        """The package translated by the executor's actors (one thread each, a GPU each on CUDA)."""
        if self.pool is None or self.pool.device != device:
            if self.pool is not None:
                self.pool.close()
            self.pool = _ActorPool(self.ray, device, self.ACTOR_START_SECONDS)
        return RemoteEngine(self.pool, package_spec(package_path, self.ray), settings)

    # --------------------------------------------------------------------------------- closing

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None
        if self.connected and self.owned:
            self._shutdown()
        self.connected = False
        self._restore_environment()

    def _restore_environment(self) -> None:
        for name, value in self.saved_environment.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self.saved_environment = {}

    def _shutdown(self) -> None:
        """Stop the local cluster we started, or leave the one we joined (it keeps running)."""
        with quiet_stderr(), keep_signal_handlers():
            try:
                self.ray.shutdown()
            except Exception:
                pass
        module: Any = sys.modules.get("ray._private.worker")
        printer: Any = getattr(module, "print_to_stdstream", None)
        if getattr(printer, "hushed", False):
            module.print_to_stdstream = printer.original

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ----------------------------------------------------------------------------- reaching Ray


def parse_address(address: str) -> tuple[str, int, bool]:
    """``(host, port, client)`` of a Ray address: ``ray://host[:10001]`` or ``host[:6379]``."""
    client = address.startswith("ray://")
    rest = address[len("ray://") :] if client else address
    rest = rest.rstrip("/")
    port = 10001 if client else 6379
    if rest.startswith("["):  # [IPv6]:port
        host, _, tail = rest[1:].partition("]")
        if tail.startswith(":"):
            port = _port(tail[1:], address)
    elif rest.count(":") == 1:
        host, text = rest.split(":")
        port = _port(text, address)
    else:
        host = rest
    if not host or "/" in host or "://" in host:
        raise ExecutorRefused(f"--ray-address {address!r}: expected ray://HOST:PORT, HOST:PORT or auto")
    return host, port, client


def _port(text: str, address: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ExecutorRefused(f"--ray-address {address!r}: {text!r} is not a port number")
    return int(text)


def check_reachable(address: str, seconds: float) -> None:
    """Raise ``ExecutorError`` unless something speaking gRPC (as Ray's head does) answers at
    ``address`` within ``seconds``. Ray itself would retry for minutes before saying so."""
    if address == "auto":
        address = _auto_address()
    host, port, _client = parse_address(address)
    deadline = time.monotonic() + seconds
    try:
        with socket.create_connection((host, port), timeout=seconds):
            pass
    except OSError as error:
        if isinstance(error, TimeoutError):
            reason = f"no answer within {seconds:g} s"
        else:
            reason = (error.strerror or str(error)).lower()
        raise ExecutorError(
            f"cannot reach the Ray cluster at {address}: {reason} "
            f"(is `ray start --head` running there, and port {port} open to this machine?)"
        ) from None
    if os.environ.get("RAY_USE_TLS", "0").lower() in ("1", "true"):
        return  # a TLS handshake needs the certificates Ray is configured with; Ray will say
    try:
        import grpc
    except ImportError:
        return
    channel = grpc.insecure_channel(f"[{host}]:{port}" if ":" in host else f"{host}:{port}")
    try:
        grpc.channel_ready_future(channel).result(timeout=max(0.5, deadline - time.monotonic()))
    except grpc.FutureTimeoutError:
        raise ExecutorError(
            f"{address} answers, but not as a Ray cluster (no gRPC within {seconds:g} s): "
            "is it the head's GCS port (6379) or Ray client port (ray://…:10001)?"
        ) from None
    finally:
        channel.close()


def _auto_address() -> str:
    """The cluster this machine joined with ``ray start`` (what Ray's ``auto`` means)."""
    try:
        from ray._private.services import canonicalize_bootstrap_address

        found = canonicalize_bootstrap_address("auto")
    except Exception:
        found = None
    if not found:
        raise ExecutorError(
            "--ray-address auto: this machine belongs to no running Ray cluster (`ray start` joins one)"
        )
    return found


@contextmanager
def quiet_stderr():
    """Route file descriptor 2 to a scratch file while Ray starts or stops: its C++ core and its
    start-up code write log lines and warnings there that are not for our user (what matters
    reaches us as an exception). Processes Ray starts meanwhile write to their own log files."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as scratch:
        try:
            os.dup2(scratch.fileno(), 2)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


@contextmanager
def keep_signal_handlers():
    """Ray installs its own SIGTERM handler (it exits 1); ours unwinds the build cleanly (143)."""
    import signal
    import threading

    main = threading.current_thread() is threading.main_thread()
    saved = signal.getsignal(SIGTERM) if main else None
    try:
        yield saved
    finally:
        if main and saved is not None:
            signal.signal(SIGTERM, saved)


def join_failure(error: BaseException) -> str:
    """Why ``ray.init`` failed, in one line; Ray's own ConnectionError hides the reason."""
    chain: list[BaseException] = []
    seen: BaseException | None = error
    while seen is not None and len(chain) < 8:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    text = " ".join(str(e) for e in chain)
    if any(type(e).__name__ == "AuthenticationError" for e in chain) or "InvalidAuthToken" in text:
        return (
            "the cluster requires token authentication: set RAY_AUTH_MODE=token, and its token in "
            "RAY_AUTH_TOKEN (or ~/.ray/auth_token; `ray get-auth-token` on the head prints it)"
        )
    message = one_line(error)
    if "connection timeout" in message:
        message += " (if the cluster uses token authentication: RAY_AUTH_MODE=token and RAY_AUTH_TOKEN)"
    return message


def one_line(error: BaseException | str) -> str:
    """The first meaningful line of an error (Ray's can be a page long)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    text = lines[0] if lines else type(error).__name__
    return text[:300]


# ---------------------------------------------------------------------------- translation


def actor_options(device: str) -> dict:
    """Resources a translation actor asks Ray for: a GPU when translating on CUDA.

    No CPU of Ray's accounting: an actor sits idle between batches, and a pool holding CPUs
    would starve the map steps that run beside translation (alignment of the next shards) or,
    on a small cluster, never start at all. The pool places one actor per CPU of each node
    itself (``_ActorPool``), so a node runs as many translation threads as it has cores, as the
    local executor does.
    """
    return {"num_cpus": 0, "num_gpus": 1} if device == "cuda" else {"num_cpus": 0}


@dataclass(frozen=True)
class PackageSpec:
    """What an actor needs to find the driver's package on its own node, and to check it is that."""

    path: str
    sha256: str
    from_code: str
    to_code: str
    name: str
    driver_node: str | None
    """Ray node of the driver: an actor there uses ``path`` as the driver verified it."""


def package_spec(package_path: Path, ray=None) -> PackageSpec:
    from .models import read_package

    package = read_package(Path(package_path))
    node = None
    if ray is not None:
        try:
            node = ray.get_runtime_context().get_node_id()
        except Exception:  # a Ray client driver is on no node
            node = None
    return PackageSpec(str(package_path), package.sha256, package.from_code, package.to_code, package.name, node)


def locate_package(spec: PackageSpec, node: str | None) -> Path:
    """The driver's package on this node: at the driver's path, or in this node's model store
    (``ALIGN_MODELS``, else ``~/.cache/align/models``, as the environment of ``ray start`` had
    them), and in either place with the driver's sha256, so every node translates with the same
    bytes."""
    from .models import ModelError, PackageNotFound, find_package, read_package, store_root

    path = Path(spec.path)
    if node is not None and node == spec.driver_node:
        return path
    found = []
    if path.is_dir():
        try:
            package = read_package(path)
            if package.sha256 == spec.sha256:
                return path
            found.append(f"{path} holds sha256 {package.sha256[:12]}…")
        except ModelError as error:
            found.append(str(error))
    try:
        package = find_package(spec.from_code, spec.to_code)
        if package.sha256 == spec.sha256:
            return package.path
        found.append(f"its store holds sha256 {package.sha256[:12]}…")
    except (PackageNotFound, ModelError):
        pass
    raise ExecutorError(
        f"{spec.name} (sha256 {spec.sha256[:12]}…) is not installed on Ray node {socket.gethostname()}"
        + (f" ({'; '.join(found)})" if found else "")
        + f": install the same package there at {spec.path} or into its model store {store_root()} "
        "(ALIGN_MODELS of `ray start`)"
    )


class _EngineActor:
    """One translation thread on one node: an ``Engine`` per package, loaded on first use."""

    def __init__(self):
        self.engines: dict = {}
        try:
            import ray

            self.node = ray.get_runtime_context().get_node_id()
        except Exception:
            self.node = None

    def _engine(self, spec: PackageSpec, settings, device: str):
        key = (spec.sha256, settings, device)
        if key not in self.engines:
            from .translate import Engine

            path = locate_package(spec, self.node)
            self.engines[key] = Engine(path, settings, workers=1, threads_per_worker=1, device=device)
        return self.engines[key]

    def load(self, spec: PackageSpec, settings, device: str) -> tuple[str, str, str]:
        engine = self._engine(spec, settings, device)
        return engine.device, engine.compute_type, socket.gethostname()

    def translate(self, spec: PackageSpec, settings, device: str, sentences: list[str]) -> list[str]:
        return self._engine(spec, settings, device).translate(sentences)


class _ActorPool:
    """The executor's translation actors, shared by every direction of a build: one per CPU of
    each node (one per GPU on CUDA), pinned to its node, each loading a package once."""

    def __init__(self, ray, device: str, start_seconds: float):
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        self.ray, self.device, self.start_seconds = ray, device, start_seconds
        resource = "GPU" if device == "cuda" else "CPU"
        placed = [
            (node["NodeID"], int(node["Resources"].get(resource, 0)))
            for node in sorted(ray.nodes(), key=lambda n: n["NodeID"])
            if node.get("Alive")
        ]
        actor = ray.remote(max_restarts=1, max_task_retries=1, **actor_options(device))(_EngineActor)
        self.actors = [
            actor.options(scheduling_strategy=NodeAffinitySchedulingStrategy(node, soft=False)).remote()
            for node, count in placed
            for _ in range(count)
        ]
        if not self.actors:
            raise ExecutorError(f"the Ray cluster has no {resource} to translate on")

    def close(self) -> None:
        for actor in self.actors:
            try:
                self.ray.kill(actor)
            except Exception:
                pass
        self.actors = []


class RemoteEngine:
    """``translate_batches`` over the executor's Ray actors; the driver keeps the cache.

    Sentences are sent in chunks of similar length (sorted by characters), so that each actor's
    equal-token-length batches stay full; a translation does not depend on its chunk or batch
    company (see ``translate.Engine``), so neither the chunking nor which actor ran a chunk
    changes a byte. Chunks come back as they finish, at most two per actor in flight.
    """

    MIN_CHUNK, MAX_CHUNK = 16, 512

    def __init__(self, pool: _ActorPool, spec: PackageSpec, settings):
        self.pool, self.spec, self.settings = pool, spec, settings
        ray = pool.ray
        loads = [actor.load.remote(spec, settings, pool.device) for actor in pool.actors]
        ready, waiting = ray.wait(loads, num_returns=len(loads), timeout=pool.start_seconds)
        if waiting:
            raise ExecutorError(
                f"{len(waiting)} of {len(loads)} Ray translation actors did not start within "
                f"{pool.start_seconds:g} s (resources taken by other jobs?)"
            )
        try:
            loaded = ray.get(ready)
        except ray.exceptions.RayError as error:
            raise ExecutorError(f"cannot load {spec.name} on the Ray cluster: {remote_reason(error)}") from None
        hosts = {(device, compute_type): host for device, compute_type, host in loaded}
        if len(hosts) > 1:  # e.g. int8 on one CPU, another type on another: different bytes
            raise ExecutorError(
                "Ray nodes would translate differently: "
                + ", ".join(
                    f"{host} on {device}/{compute_type}" for (device, compute_type), host in sorted(hosts.items())
                )
                + "; use nodes of one kind"
            )
        self.device, self.compute_type = next(iter(hosts))

    def translate_batches(self, sentences: Sequence[str]) -> Iterator[tuple[list[int], list[str]]]:
        ray = self.pool.ray
        actors = self.pool.actors
        order = sorted(range(len(sentences)), key=lambda i: (len(sentences[i]), i))
        size = min(self.MAX_CHUNK, max(self.MIN_CHUNK, -(-len(order) // (4 * len(actors)))))
        chunks = deque(order[begin : begin + size] for begin in range(0, len(order), size))
        running: dict = {}  # reference -> (chunk, actor)
        busy = {index: 0 for index in range(len(actors))}
        try:
            while chunks or running:
                for index in sorted(busy, key=busy.__getitem__):
                    while chunks and busy[index] < 2:
                        chunk = chunks.popleft()
                        reference = actors[index].translate.remote(
                            self.spec, self.settings, self.pool.device, [sentences[i] for i in chunk]
                        )
                        running[reference] = (chunk, index)
                        busy[index] += 1
                done, _ = ray.wait(list(running), num_returns=1)
                for reference in done:
                    chunk, index = running.pop(reference)
                    busy[index] -= 1
                    try:
                        outputs = ray.get(reference)
                    except ray.exceptions.RayError as error:
                        raise ExecutorError(f"translation on the Ray cluster failed: {remote_reason(error)}") from None
                    yield chunk, outputs
        finally:
            for reference in running:
                try:
                    ray.cancel(reference)
                except Exception:
                    pass


def remote_reason(error) -> str:
    """What went wrong on the Ray side, in one line: the step's own exception when there is one."""
    cause = getattr(error, "cause", None)
    if isinstance(cause, AlignError):
        return str(cause)
    if cause is not None:
        return f"{type(cause).__name__}: {one_line(cause)}"
    return f"{type(error).__name__}: {one_line(error)}"


def make_executor(name: str, workers: int | None = None, address: str | None = None):
    if name == "ray":
        return RayExecutor(workers, address)
    if address:
        raise ExecutorRefused("--ray-address needs --executor ray")
    return LocalExecutor(workers)
