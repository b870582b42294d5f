"""The sharded build: the same bytes whoever runs it, resumable after a kill, and a bad page costs one page."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, build_args, run_cli

from benchmarks.synthetic import generate_crawl


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> Path:
    """English, Russian and bilingual pages (pairs by URL and by content), a duplicate page."""
    folder = tmp_path_factory.mktemp("crawl")
    generate_crawl(
        folder, english=14, russian=12, bilingual_by_url=4, bilingual_by_content=4, sentences=(6, 12), seed=3
    )
    first = sorted(folder.glob("en-*.txt"))[0]
    (folder / "zz-copy-of-a-page.txt").write_bytes(first.read_bytes())
    return folder


def build(crawl: Path, output: Path, cache: Path, store: Path, *extra: str, env: dict | None = None):
    return run_cli(
        *build_args(crawl, output, *extra, decoding=8),
        env={"ALIGN_MODELS": str(store), "ALIGN_CACHE": str(cache), **(env or {})},
    )


@pytest.fixture(scope="module")
def reference(crawl, test_store, tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("reference") / "corpus"
    result = build(crawl, output, output.parent / "cache", test_store, "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert "human" in result.stderr and "same text as document" in result.stderr
    return output


@pytest.mark.parametrize(
    "options",
    [["--workers", "2"], ["--workers", "2", "--shard-size", "3"], ["--workers", "1", "--shard-size", "1"]],
    ids=["2-workers", "2-workers-small-shards", "1-worker-one-document-shards"],
)
def test_workers_and_shard_sizes_publish_the_same_bytes(crawl, reference, test_store, tmp_path, options):
    output = tmp_path / "corpus"
    result = build(crawl, output, tmp_path / "cache", test_store, *options)
    assert result.returncode == 0, result.stderr
    assert snapshot(output) == snapshot(reference)


def shards_done(cache: Path, step: str) -> int:
    return sum(1 for path in cache.glob(f"work/*/{step}/*") if not path.name.startswith("."))


def test_a_killed_build_resumes_from_finished_shards_and_publishes_the_same_bytes(crawl, test_store, tmp_path):
    reference = tmp_path / "reference" / "corpus"
    slow = ["--max-decoding-length", "64", "--shard-size", "2", "--workers", "1"]
    assert build(crawl, reference, tmp_path / "cache-reference", test_store, *slow).returncode == 0
    output, cache = tmp_path / "resumed" / "corpus", tmp_path / "cache"
    command = [sys.executable, "-m", "align", *build_args(crawl, output, *slow)]
    env = {**os.environ, "ALIGN_MODELS": str(test_store), "ALIGN_CACHE": str(cache)}
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while shards_done(cache, "rows") < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished = shards_done(cache, "prepare") + shards_done(cache, "rows")
    assert finished >= 2 and not output.exists()
    rerun = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"reused {finished} finished shard(s)" in rerun.stderr
    assert snapshot(output) == snapshot(reference)
    assert not list(cache.glob("work/*"))  # a published build leaves no work behind


FAULTS = """
import os
if os.environ.get("ALIGN_TEST_FAULTS"):
    import align.steps as steps
    original = steps.normalise
    def normalise(raw):
        if "FAULT-RAISE" in raw.text:
            raise RuntimeError("injected fault")
        if "FAULT-EXIT" in raw.text:
            os._exit(9)
        return original(raw)
    steps.normalise = normalise
"""


@pytest.fixture
def faults(tmp_path) -> dict:
    """A ``sitecustomize`` that every Python process of the build (workers too) imports at start."""
    folder = tmp_path / "faults"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(FAULTS)
    return {"PYTHONPATH": str(folder), "ALIGN_TEST_FAULTS": "1"}


def pages(tmp_path, marked: str) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    for number in range(6):
        (folder / f"page-{number}.txt").write_text(f"The committee met for session {number}. It adopted a report.\n")
    (folder / "page-3.txt").write_text(f"The committee met. {marked} It adopted a report.\n")
    return folder


def test_an_error_in_a_stage_skips_that_document_and_names_its_file(tmp_path, test_store, faults):
    folder = pages(tmp_path, "FAULT-RAISE")
    result = build(folder, tmp_path / "corpus", tmp_path / "cache", test_store, "--workers", "2", env=faults)
    assert result.returncode == 0, result.stderr
    assert "skipped page-3.txt: error: RuntimeError: injected fault" in result.stderr
    import json

    inputs = {e["path"]: e for e in json.loads((tmp_path / "corpus" / "manifest.json").read_text())["inputs"]}
    assert inputs["page-3.txt"]["status"] == "skipped" and inputs["page-4.txt"]["status"] == "used"
    strict = build(folder, tmp_path / "strict", tmp_path / "cache", test_store, "--strict", env=faults)
    assert strict.returncode == 1 and "--strict" in strict.stderr and not (tmp_path / "strict").exists()


def test_a_worker_that_dies_costs_only_its_document(tmp_path, test_store, faults):
    folder = pages(tmp_path, "FAULT-EXIT")
    result = build(
        folder, tmp_path / "corpus", tmp_path / "cache", test_store, "--workers", "2", "--shard-size", "3", env=faults
    )
    assert result.returncode == 0, result.stderr
    assert "a worker died preparing page-3.txt" in result.stderr
    assert "skipped page-3.txt: error: worker died" in result.stderr
    assert "Traceback" not in result.stderr
    import json

    manifest = json.loads((tmp_path / "corpus" / "manifest.json").read_text())
    assert [e["path"] for e in manifest["inputs"] if e["status"] == "used"] == [
        f"page-{n}.txt" for n in (0, 1, 2, 4, 5)
    ]


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT])
def test_workers_never_outlive_their_build(crawl, test_store, tmp_path, how):
    command = [
        sys.executable,
        "-m",
        "align",
        *build_args(crawl, tmp_path / "corpus", "--workers", "2", "--shard-size", "2", decoding=64),
    ]
    env = {**os.environ, "ALIGN_MODELS": str(test_store), "ALIGN_CACHE": str(tmp_path / "cache")}
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while len(children(process.pid)) < 3 and time.monotonic() < deadline:  # two workers and the tracker
        time.sleep(0.05)
    workers = children(process.pid)
    assert len(workers) >= 3
    os.killpg(process.pid, how) if how == signal.SIGINT else process.send_signal(how)  # Ctrl-C reaches the group
    _, stderr = process.communicate(timeout=60)
    deadline = time.monotonic() + 30  # generous on a loaded machine: they go within a second here
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in workers if alive(pid)] == []
    if how == signal.SIGINT:
        assert process.returncode == 130 and stderr.strip().splitlines() == [
            "align: interrupted; nothing half-written was left behind"
        ]
