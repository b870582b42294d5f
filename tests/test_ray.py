"""``build --executor ray``: the bytes of a local build, from a local Ray cluster or a joined one.

Ray is an optional extra, never in the default environment: a session fixture creates .venv-ray
with ``make install EXECUTOR=ray`` (the first time it downloads Ray from PyPI: a minute or so) and
the Ray builds run there, as ``make corpus EXECUTOR=ray`` would run them.
"""

import importlib.util
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import ROOT, build_args

from benchmarks.synthetic import generate_crawl

RAY_VENV = ROOT / ".venv-ray"


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run(python: Path | str, *args: str, env: dict | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(python), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        env={**os.environ, "ALIGN_PROGRESS": "0", **(env or {})},
    )


@pytest.fixture(scope="session")
def ray_python() -> Path:
    """.venv-ray, made as the Makefile makes it; its Python."""
    result = subprocess.run(["make", "install", "EXECUTOR=ray"], cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return RAY_VENV / "bin" / "python"


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> Path:
    """28 pages: English, Russian, and 8 pairs (4 by URL, 4 by content only); 7 shards of 4."""
    folder = tmp_path_factory.mktemp("ray-crawl")
    generate_crawl(folder, english=14, russian=14, bilingual_by_url=4, bilingual_by_content=4, sentences=(4, 8), seed=3)
    return folder


@pytest.fixture(scope="module")
def builds(tmp_path_factory, crawl, test_store):
    """Build ``crawl`` with a given Python and options, each build with its own fresh cache."""
    made = {}

    def build(name: str, python: Path | str, *options: str, env: dict | None = None):
        if name not in made:
            root = tmp_path_factory.mktemp(f"build-{name}")
            output = root / "corpus"  # the same name everywhere: the card and manifest carry it
            started = time.monotonic()
            result = run(
                python,
                "-m",
                "align",
                *build_args(crawl, output, "--shard-size", "4", *options, decoding=8),
                env={"ALIGN_MODELS": str(test_store), "ALIGN_CACHE": str(root / "cache"), **(env or {})},
            )
            assert result.returncode == 0, result.stderr
            made[name] = (output, result.stderr.replace(str(output), "OUTPUT"), time.monotonic() - started)
        return made[name]

    return build


def test_the_default_environment_has_no_ray_and_ray_venv_has(ray_python):
    assert importlib.util.find_spec("ray") is None  # the test suite runs in .venv
    result = run(ray_python, "-c", "import ray, align; print(ray.__version__)")
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"2\.\d+\.\d+\n", result.stdout)


def test_one_and_two_local_workers_publish_the_same_bytes(builds):
    one, one_stderr, _ = builds("local-1", sys.executable, "--executor", "local", "--workers", "1")
    two, two_stderr, _ = builds("local-2", sys.executable, "--executor", "local", "--workers", "2")
    assert snapshot(two) == snapshot(one)
    assert two_stderr == one_stderr
    published = re.search(r"published (\d+) pairs \((\d+) human\) from 28 documents", one_stderr)
    assert published and 0 < int(published[2]) < int(published[1]), one_stderr  # aligned and translated rows


def test_a_local_ray_cluster_publishes_the_bytes_of_a_local_build(ray_python, builds):
    reference, reference_stderr, _ = builds("local-1", sys.executable, "--executor", "local", "--workers", "1")
    output, stderr, _ = builds("ray-2", ray_python, "--executor", "ray", "--workers", "2")
    assert snapshot(output) == snapshot(reference)
    # Quiet: the same report lines as the local build, and nothing of Ray's own.
    assert stderr == reference_stderr, stderr


def test_an_unreachable_cluster_is_one_line_within_seconds(ray_python, crawl, test_store, tmp_path):
    for address in ("127.0.0.1:1", "ray://127.0.0.1:1"):
        output = tmp_path / "corpus"
        started = time.monotonic()
        result = run(
            ray_python,
            "-m",
            "align",
            *build_args(crawl, output, "--executor", "ray", "--ray-address", address),
            env={"ALIGN_MODELS": str(test_store)},
            timeout=120,
        )
        elapsed = time.monotonic() - started
        assert result.returncode == 1, result.stderr
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("align: error: "), result.stderr
        assert f"cannot reach the Ray cluster at {address}" in result.stderr
        assert elapsed < 30, (
            f"{address}: {elapsed:.1f} s"
        )  # Python and Ray start in ~3 s; Ray alone retries for minutes
        assert not output.exists()


def test_a_listener_that_is_not_ray_is_one_line_within_seconds(ray_python, crawl, test_store, tmp_path):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        address = f"127.0.0.1:{server.getsockname()[1]}"
        started = time.monotonic()
        result = run(
            ray_python,
            "-m",
            "align",
            *build_args(crawl, tmp_path / "corpus", "--executor", "ray", "--ray-address", address),
            env={"ALIGN_MODELS": str(test_store)},
            timeout=120,
        )
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert f"align: error: {address} answers, but not as a Ray cluster" in result.stderr
    assert time.monotonic() - started < 30


def test_ray_in_the_default_environment_says_how_to_install_it(crawl, tmp_path):
    result = run(sys.executable, "-m", "align", *build_args(crawl, tmp_path / "corpus", "--executor", "ray"))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("align: error: "), result.stderr
    assert "make install EXECUTOR=ray" in result.stderr
    assert not (tmp_path / "corpus").exists()


def test_a_ray_address_needs_the_ray_executor(crawl, tmp_path):
    result = run(sys.executable, "-m", "align", *build_args(crawl, tmp_path / "corpus", "--ray-address", "127.0.0.1:1"))
    assert result.returncode == 2 and result.stderr == "align: error: --ray-address needs --executor ray\n"


MAP_SCRIPT = textwrap.dedent(
    """
    import os, sys
    from align.executors import RayExecutor, TaskFailed

    def step(n):
        if n == 3:
            raise ValueError("bad input 3")
        if n == 5:
            os._exit(1)  # the worker dies, here and in Ray's retry
        return n * n

    pulled = []
    def tasks():
        for n in range(12):
            pulled.append(n)
            yield n

    with RayExecutor(workers=2) as executor:
        results, ahead = [], []
        for result in executor.map(step, tasks(), in_flight=3):
            ahead.append(len(pulled) - len(results))
            results.append(result)
    print(max(ahead))
    for result in results:
        print(f"failed: {result.reason}" if isinstance(result, TaskFailed) else result)
    """
)


def test_ray_map_keeps_order_bounds_tasks_in_flight_and_reports_failed_tasks(ray_python, tmp_path):
    script = tmp_path / "map_script.py"
    script.write_text(MAP_SCRIPT, encoding="utf-8")
    result = run(ray_python, str(script), timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert int(lines[0]) <= 3  # never more than in_flight tasks pulled ahead of the results
    assert lines[1:4] == ["0", "1", "4"] and lines[5] == "16" and lines[7:] == [str(n * n) for n in range(6, 12)]
    assert lines[4] == "failed: ValueError: bad input 3"
    assert lines[6].startswith("failed: worker died"), lines[6]
    assert result.stderr == "", result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def ray_head(ray_python, tmp_path):
    """An existing one-machine Ray cluster (``ray start --head``), token-authenticated, stopped after."""
    ray = ray_python.parent / "ray"
    gcs, client = free_port(), free_port()
    env = {
        **os.environ,
        "RAY_AUTH_MODE": "token",
        "RAY_AUTH_TOKEN": secrets.token_hex(32),
        "RAY_USAGE_STATS_ENABLED": "0",
        "ALIGN_CACHE": str(tmp_path / "worker-cache"),
    }
    log = (tmp_path / "head.log").open("w")
    head = subprocess.Popen(
        [
            str(ray),
            "start",
            "--head",
            "--block",
            "--port",
            str(gcs),
            "--ray-client-server-port",
            str(client),
            "--num-cpus",
            "2",
            "--include-dashboard",
            "false",
            "--disable-usage-stats",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=tmp_path,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while "will now block" not in (tmp_path / "head.log").read_text():
            assert head.poll() is None and time.monotonic() < deadline, (tmp_path / "head.log").read_text()[-3000:]
            time.sleep(0.5)
        yield {"gcs": f"127.0.0.1:{gcs}", "client": f"ray://127.0.0.1:{client}"}, env
    finally:
        head.send_signal(signal.SIGTERM)  # `ray start --block` stops the processes it started
        try:
            head.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)
            head.wait()
        log.close()


def test_a_joined_cluster_publishes_the_bytes_of_a_local_build(ray_python, builds, ray_head):
    reference, reference_stderr, _ = builds("local-1", sys.executable, "--executor", "local", "--workers", "1")
    addresses, env = ray_head
    auth = {name: env[name] for name in ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN")}
    for kind, address in addresses.items():
        output, stderr, _ = builds(
            f"joined-{kind}", ray_python, "--executor", "ray", "--ray-address", address, env=auth
        )
        assert snapshot(output) == snapshot(reference), kind
        assert stderr == reference_stderr, stderr


def test_an_actor_finds_the_drivers_package_on_its_node_by_sha256(test_store, tmp_path, monkeypatch):
    """On another machine the driver's path may be missing: the node's own store serves, if it
    holds the very same package; otherwise one line says what to install where."""
    from align.executors import ExecutorError, PackageSpec, locate_package
    from align.models import find_package

    monkeypatch.setenv("ALIGN_MODELS", str(test_store))
    package = find_package("en", "ru")
    here = PackageSpec(str(package.path), package.sha256, "en", "ru", package.name, driver_node="node-a")
    assert locate_package(here, "node-a") == package.path  # the driver's node: used as the driver checked it
    assert locate_package(here, "node-b") == package.path  # another node, same path, same sha256
    elsewhere = PackageSpec(str(tmp_path / "not-here"), package.sha256, "en", "ru", package.name, driver_node="node-a")
    assert locate_package(elsewhere, "node-b") == package.path  # found in the node's store by sha256
    other = PackageSpec(str(tmp_path / "not-here"), "0" * 64, "en", "ru", package.name, driver_node="node-a")
    missing = r"translate-en_ru \(sha256 000000000000…\) is not installed on Ray node .*its store holds sha256"
    with pytest.raises(ExecutorError, match=missing):
        locate_package(other, "node-b")
    monkeypatch.setenv("ALIGN_MODELS", str(tmp_path / "empty-store"))
    with pytest.raises(ExecutorError, match="install the same package there at .*not-here or into its model store"):
        locate_package(elsewhere, "node-b")
