"""``make bench-scale``: a whole ``python -m align build`` at 10k, 100k and 1M source sentences.

Issue 12 wants the sharded build to scale linearly in time and stay flat in memory. For each size
this benchmark builds a synthetic crawl (``benchmarks.synthetic``, deterministic) and times one
cold build of it as a subprocess, exactly as a user runs it::

    python -m align build --input CRAWL --output OUT --max-decoding-length 16 [--workers N]

with the random-weight test packages (en→ru and ru→en, built once into ``build/bench-scale/models``
and found through ``ALIGN_MODELS``) and a fresh, empty ``ALIGN_CACHE`` per build, so nothing is
reused: no shard, no translation. ``ALIGN_PROGRESS=1`` makes the build draw its progress bars on
the pipe we read, which gives the time at which each stage started (read → pair → translate →
publish); tqdm redraws a bar at most ten times a second.

Memory is sampled from ``/proc`` every ``SAMPLE_SECONDS``: the *tree* figure is the largest sum,
at one moment, of the resident sets of the build process and all its descendants (the process
pool's workers); *largest process* is the peak of any one of them (``VmHWM``, and the ``ru_maxrss``
that ``wait4`` reports, like ``/usr/bin/time``); *driver* is the build process alone.

Crawls (``build/bench-scale/crawl-<size>/``) are kept between runs and reused when their recorded
parameters (``crawl-<size>.json`` beside them) are the same; outputs and caches are removed after
each measurement unless ``--keep``. Figures are ratios against the 100k run of the same invocation
(the named baseline); the targets are checked at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "bench-scale"
MODELS = WORK / "models"
SIZES = (10_000, 100_000, 1_000_000)
BASELINE = 100_000
DECODING_CAP = 16
SAMPLE_SECONDS = 0.2

# Targets of issue 12 (2-core machine), checked against the baseline run of the same invocation.
RSS_LIMIT_MB = 1536
RSS_GROWTH = 1.15
"""Peak memory of a larger run may exceed the baseline's by 15 % at most."""
TIME_SLACK = 1.1
"""Time may grow 1.1× as fast as the sentences: ≤ 11× from 100k to 1M."""

# The crawl's mix, as shares of all pages (a pair counts as two pages).
SEED = 12
NEWS_SENTENCES = (20, 60)
SHORT_SHARE = 0.10
"""Share of pages outside the URL pairs that are short (8–20 everyday sentences, a report line)."""
BY_URL_SHARE = 0.15
BY_CONTENT_SHARE = 0.10
SIZE_TOLERANCE = 0.01
"""How close the generated sentence count must come to the size (the page count is adjusted)."""


# ---------------------------------------------------------------------------------- crawls


@dataclass(frozen=True)
class CrawlPlan:
    english: int
    russian: int
    bilingual_by_url: int
    bilingual_by_content: int
    sentences: tuple[int, int] = NEWS_SENTENCES
    short_share: float = SHORT_SHARE
    seed: int = SEED

    @classmethod
    def for_pages(cls, pages: int) -> CrawlPlan:
        pages = max(8, pages + pages % 2)
        by_url = round(pages * BY_URL_SHARE / 2)
        by_content = round(pages * BY_CONTENT_SHARE / 2)
        return cls(pages // 2, pages // 2, by_url, by_content)

    @property
    def pages(self) -> int:
        return self.english + self.russian

    def arguments(self) -> tuple:
        return (
            self.english,
            self.russian,
            self.bilingual_by_url,
            self.bilingual_by_content,
            self.sentences,
            self.short_share,
            self.seed,
        )


def generator_digest() -> str:
    """The generator's source: a changed generator makes a stored crawl stale."""
    return hashlib.sha256((ROOT / "benchmarks" / "synthetic.py").read_bytes()).hexdigest()[:16]


def requested(size: int) -> dict:
    """What a crawl of ``size`` sentences is asked to be; a stored crawl is reused when equal."""
    return {
        "size": size,
        "seed": SEED,
        "news_sentences": list(NEWS_SENTENCES),
        "short_share": SHORT_SHARE,
        "by_url_share": BY_URL_SHARE,
        "by_content_share": BY_CONTENT_SHARE,
        "tolerance": SIZE_TOLERANCE,
        "generator": generator_digest(),
    }


def count_sentences(plan: CrawlPlan) -> int:
    from .synthetic import iter_pages

    return sum(page.sentences for page in iter_pages(*plan.arguments()))


def plan_crawl(size: int) -> tuple[CrawlPlan, int]:
    """The page counts whose crawl has ``size`` sentences (within ``SIZE_TOLERANCE``): a first
    guess from the mean page length, corrected by counting dry runs of the generator."""
    mean = (1 - SHORT_SHARE * (1 - BY_URL_SHARE)) * sum(NEWS_SENTENCES) / 2 + SHORT_SHARE * (1 - BY_URL_SHARE) * 15
    plan = CrawlPlan.for_pages(round(size / mean))
    best: tuple[CrawlPlan, int] | None = None
    for _ in range(6):
        counted = count_sentences(plan)
        if best is None or abs(counted - size) < abs(best[1] - size):
            best = plan, counted
        if abs(counted - size) <= SIZE_TOLERANCE * size:
            break
        plan = CrawlPlan.for_pages(round(plan.pages * size / counted))
    assert best is not None  # the first round sets it
    return best


def crawl(size: int) -> dict:
    """``build/bench-scale/crawl-<size>/``, generated unless stored with the same parameters;
    returns its record (parameters, pages, sentences, true pairs)."""
    from .synthetic import generate_crawl

    folder = WORK / f"crawl-{size}"
    record_path = WORK / f"crawl-{size}.json"
    if folder.is_dir() and record_path.is_file():
        record = json.loads(record_path.read_text(encoding="utf-8"))
        if record.get("requested") == requested(size) and sum(1 for _ in folder.iterdir()) == record["pages"]:
            return record
    record_path.unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    plan, _ = plan_crawl(size)
    scratch = WORK / f".crawl-{size}.partial"
    shutil.rmtree(scratch, ignore_errors=True)
    truth = generate_crawl(scratch, *plan.arguments())
    scratch.rename(folder)
    record = {
        "requested": requested(size),
        "plan": asdict(plan),
        "pages": plan.pages,
        "sentences": truth.sentences,
        "pairs_by_url": len(truth.by_url),
        "pairs_by_content": len(truth.by_content),
        "bytes": sum(path.stat().st_size for path in folder.iterdir()),
    }
    record_path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(
        f"  generated {folder.relative_to(ROOT)}: {plan.pages} pages, {truth.sentences} sentences "
        f"in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return record


def test_models() -> Path:
    """The random-weight packages, en→ru and ru→en, built once."""
    from align.models import make_test_package

    for source, target in (("en", "ru"), ("ru", "en")):
        if not (MODELS / f"translate-{source}_{target}-test.argosmodel").exists():
            make_test_package(source, target, MODELS, ROOT / "seeds")
    return MODELS


# --------------------------------------------------------------------------------- memory


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(name))
    return children


def _memory(pid: int) -> tuple[int, int] | None:
    """``(VmRSS, VmHWM)`` of ``pid`` in kB; ``None`` once it is gone."""
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            text = status.read()
    except OSError:
        return None
    found: dict[bytes, bytes] = dict(re.findall(rb"^(VmRSS|VmHWM):\s+(\d+) kB", text, re.MULTILINE))
    if b"VmRSS" not in found:
        return None  # a zombie
    return int(found[b"VmRSS"]), int(found.get(b"VmHWM", found[b"VmRSS"]))


@dataclass
class MemoryPeaks:
    tree_kb: int = 0
    largest_kb: int = 0
    driver_kb: int = 0
    processes: int = 0
    """Most processes seen in the tree at one moment."""
    samples: int = 0
    tree_seconds: float = 0.0
    """When the tree peak was sampled, in seconds from the start."""
    tree_driver_kb: int = 0
    """The driver's share of the tree peak."""


class Sampler(threading.Thread):
    """Every ``SAMPLE_SECONDS``: the resident sets of ``pid`` and all its descendants."""

    def __init__(self, pid: int, started: float):
        super().__init__(daemon=True)
        self.pid, self.started = pid, started
        self.peaks = MemoryPeaks()
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.sample()
            self.stopped.wait(SAMPLE_SECONDS)

    def sample(self) -> None:
        children = _children()
        tree, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(children.get(pid, ()))
        total, seen, driver = 0, 0, 0
        for pid in tree:
            memory = _memory(pid)
            if memory is None:
                continue
            rss, hwm = memory
            total += rss
            seen += 1
            self.peaks.largest_kb = max(self.peaks.largest_kb, hwm)
            if pid == self.pid:
                self.peaks.driver_kb = max(self.peaks.driver_kb, hwm)
                driver = rss
        peaks = self.peaks
        if total > peaks.tree_kb:
            peaks.tree_kb, peaks.tree_driver_kb = total, driver
            peaks.tree_seconds = time.perf_counter() - self.started
        peaks.processes, peaks.samples = max(peaks.processes, seen), peaks.samples + 1


# ---------------------------------------------------------------------------------- builds


STAGES = ("read", "translate", "publish")
"""Progress bars of the build, in order; between read and translate the build pairs documents
and loads the models."""


class StderrReader(threading.Thread):
    """The build's stderr: when each progress bar first and last showed, and the other lines."""

    def __init__(self, stream, started: float):
        super().__init__(daemon=True)
        self.stream, self.started = stream, started
        self.first: dict[str, float] = {}
        self.last: dict[str, float] = {}
        self.lines: deque[str] = deque(maxlen=400)

    def run(self) -> None:
        pending = b""
        while chunk := os.read(self.stream.fileno(), 1 << 16):
            now = time.perf_counter() - self.started
            parts = re.split(rb"[\r\n]", pending + chunk)
            pending = parts.pop()
            for part in parts:
                self.line(part.decode("utf-8", "replace").strip(), now)
            self.bar(pending.decode("utf-8", "replace").strip(), now)  # a bar is drawn without an end
        self.line(pending.decode("utf-8", "replace").strip(), time.perf_counter() - self.started)

    def bar(self, text: str, now: float) -> bool:
        stage = text.split(":", 1)[0]
        if stage in STAGES and re.search(r"\[\d", text):
            self.first.setdefault(stage, now)
            self.last[stage] = now
            return True
        return False

    def line(self, text: str, now: float) -> None:
        if text and not self.bar(text, now):
            self.lines.append(text)


@dataclass
class Run:
    size: int
    sentences: int
    pages: int
    returncode: int = 0
    seconds: float = 0.0
    documents: int | None = None
    pairs: int | None = None
    human: int | None = None
    skipped: int | None = None
    memory: MemoryPeaks = field(default_factory=MemoryPeaks)
    maxrss_kb: int = 0
    """``ru_maxrss`` of the build and its reaped descendants, from ``wait4``."""
    cpu: float = 0.0
    """Processor seconds (user + system) of the build and its reaped descendants, from ``wait4``:
    unlike the wall time, hardly changed by other work on the machine."""
    load: tuple[float, float] = (0.0, 0.0)
    """The machine's 1-minute load average before and after the build."""
    stages: dict[str, float] = field(default_factory=dict)
    """Seconds spent in prepare, pair (and model loading), rows, publish."""
    tail: list[str] = field(default_factory=list)
    peak_stage: str = "?"
    """The stage during which the tree peak was sampled."""

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def largest_kb(self) -> int:
        return max(self.maxrss_kb, self.memory.largest_kb)


def stage_seconds(reader: StderrReader, total: float) -> dict[str, float]:
    """Prepare, pair, rows and publish from the times the progress bars first appeared."""
    first = reader.first
    if not all(stage in first for stage in STAGES):
        return {}
    return {
        "start-up": first["read"],
        "prepare": reader.last["read"] - first["read"],
        "pair+load": first["translate"] - reader.last["read"],
        "rows": first["publish"] - first["translate"],
        "publish": total - first["publish"],
    }


def stage_at(reader: StderrReader, seconds: float) -> str:
    """The stage running ``seconds`` after the start, from when the progress bars appeared."""
    names = {"read": "prepare", "translate": "rows", "publish": "publish"}
    stage = "start-up"
    for bar in STAGES:
        if bar in reader.first and reader.first[bar] <= seconds:
            stage = names[bar]
        if bar == "read" and bar in reader.last and reader.last[bar] < seconds < reader.first.get("translate", 1e9):
            stage = "pair+load"
    return stage


def build_once(size: int, record: dict, workers: int | None, keep: bool) -> Run:
    """One cold ``python -m align build`` of the crawl, measured."""
    crawl_dir = WORK / f"crawl-{size}"
    output = WORK / f"out-{size}"
    cache = WORK / f"cache-{size}"
    for stale in (output, cache):
        shutil.rmtree(stale, ignore_errors=True)
    cache.mkdir(parents=True)
    env = {**os.environ, "ALIGN_CACHE": str(cache), "ALIGN_MODELS": str(MODELS), "ALIGN_PROGRESS": "1"}
    command = [
        sys.executable,
        "-m",
        "align",
        "build",
        "--input",
        str(crawl_dir),
        "--output",
        str(output),
        "--max-decoding-length",
        str(DECODING_CAP),
    ]
    if workers:
        command += ["--workers", str(workers)]
    run = Run(size, record["sentences"], record["pages"])
    load = os.getloadavg()[0]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    sampler, reader = Sampler(process.pid, started), StderrReader(process.stderr, started)
    sampler.start()
    reader.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    except BaseException:
        process.terminate()  # the build cleans up on SIGTERM
        process.wait()
        if not keep:
            shutil.rmtree(output, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
        raise
    run.seconds = time.perf_counter() - started
    process.returncode = run.returncode = os.waitstatus_to_exitcode(status)
    sampler.stopped.set()
    sampler.join()
    reader.join()
    assert process.stderr is not None  # stderr=PIPE
    process.stderr.close()
    run.memory = sampler.peaks
    run.maxrss_kb = usage.ru_maxrss
    run.cpu = usage.ru_utime + usage.ru_stime
    run.load = (load, os.getloadavg()[0])
    run.stages = stage_seconds(reader, run.seconds)
    run.peak_stage = stage_at(reader, run.memory.tree_seconds)
    run.tail = list(reader.lines)
    if run.ok:
        counts = json.loads((output / "manifest.json").read_text(encoding="utf-8"))["counts"]
        run.documents, run.pairs, run.human, run.skipped = (
            counts["documents"],
            counts["pairs"],
            counts["human_pairs"],
            counts["skipped"],
        )
    if not keep:
        shutil.rmtree(output, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
    return run


# --------------------------------------------------------------------------------- report


def mb(kb: int) -> float:
    return kb / 1024


def report(runs: list[Run], baseline: Run | None) -> bool:
    """The table and the target lines; whether every target that could be checked passed."""
    against = f"ratios against the {baseline.size:,}-sentence run" if baseline else f"no {BASELINE:,}-sentence baseline"
    print(f"\nWhole build, cold (fresh ALIGN_CACHE), test packages, --max-decoding-length {DECODING_CAP}; {against}")
    header = (
        f"{'size':>10} {'sentences':>10} {'docs':>7} {'pairs':>9} {'human':>8} {'wall s':>8} {'sent/s':>7} "
        f"{'cpu s':>8} {'tree MB':>8} {'largest MB':>10} {'driver MB':>9} {'procs':>5} {'time ×':>7} {'RSS ×':>6}"
    )
    print(header)
    print("-" * len(header))
    for run in runs:
        if not run.ok:
            print(f"{run.size:>10,} {run.sentences:>10,}  FAILED (exit {run.returncode}) after {run.seconds:.1f} s")
            continue
        ratios = ""
        if baseline and baseline.ok:
            ratios = f"{run.seconds / baseline.seconds:>6.2f}x {run.memory.tree_kb / baseline.memory.tree_kb:>5.2f}x"
        print(
            f"{run.size:>10,} {run.sentences:>10,} {run.documents:>7,} {run.pairs:>9,} {run.human:>8,} "
            f"{run.seconds:>8.1f} {run.sentences / run.seconds:>7.0f} {run.cpu:>8.1f} {mb(run.memory.tree_kb):>8.0f} "
            f"{mb(run.largest_kb):>10.0f} {mb(run.memory.driver_kb):>9.0f} {run.memory.processes:>5} {ratios}"
        )
    for run in runs:
        if run.ok and run.skipped:
            print(f"note: the {run.size:,} build skipped {run.skipped} input(s) (see its manifest, --keep)")
    print("\nwhen memory peaked")
    for run in runs:
        if run.ok:
            peaks = run.memory
            print(
                f"{run.size:>10,}  tree peak {mb(peaks.tree_kb):.0f} MB at {peaks.tree_seconds:.1f} s, during {run.peak_stage}: "
                f"driver {mb(peaks.tree_driver_kb):.0f} MB + other processes {mb(peaks.tree_kb - peaks.tree_driver_kb):.0f} MB"
            )
    print("\nwhere the time goes (s; from the build's progress bars)")
    for run in runs:
        if run.stages:
            print(
                f"{run.size:>10,}  "
                + "  ".join(f"{name} {seconds:7.1f}" for name, seconds in run.stages.items())
                + f"   (load average {run.load[0]:.1f} before, {run.load[1]:.1f} after)"
            )
    print(
        "\ncpu s: processor time of the build and its workers; tree MB: the largest sum of resident sets "
        f"of the build\nand its descendants at one moment (sampled every {SAMPLE_SECONDS} s); largest MB: "
        "the peak of any one process;\ndriver MB: the build process alone. Wall times need a quiet machine "
        "(see the load averages)."
    )
    return targets(runs, baseline)


def targets(runs: list[Run], baseline: Run | None) -> bool:
    print("\ntargets (issue 12, 2 cores)")
    passed = True

    def check(ok: bool, text: str) -> None:
        nonlocal passed
        passed &= ok
        print(f"  {'PASS' if ok else 'FAIL'}  {text}")

    for run in runs:
        if run.ok:
            check(
                mb(run.memory.tree_kb) <= RSS_LIMIT_MB,
                f"peak RSS (tree) at {run.size:,} ≤ {RSS_LIMIT_MB} MB: {mb(run.memory.tree_kb):.0f} MB",
            )
        else:
            check(False, f"build of {run.size:,} sentences exited {run.returncode}")
    if not (baseline and baseline.ok):
        print(f"  n/a   growth targets: no successful {BASELINE:,}-sentence baseline in this run")
        return passed
    for run in runs:
        if not run.ok or run.size <= baseline.size:
            continue
        growth = run.size / baseline.size
        rss = run.memory.tree_kb / baseline.memory.tree_kb
        check(
            rss <= RSS_GROWTH,
            f"peak RSS {baseline.size:,} → {run.size:,} within {RSS_GROWTH - 1:.0%}: {rss:.2f}x "
            f"({mb(baseline.memory.tree_kb):.0f} → {mb(run.memory.tree_kb):.0f} MB)",
        )
        seconds = run.seconds / baseline.seconds
        check(
            seconds <= TIME_SLACK * growth,
            f"time {baseline.size:,} → {run.size:,} grows ≤ {TIME_SLACK * growth:.0f}x: {seconds:.2f}x "
            f"({baseline.seconds:.0f} → {run.seconds:.0f} s; processor time {run.cpu / baseline.cpu:.2f}x; "
            f"sentences {run.sentences / baseline.sentences:.2f}x)",
        )
    if not any(run.size > baseline.size for run in runs):
        print(f"  n/a   growth targets are checked on sizes above {baseline.size:,} (the issue's: 1,000,000)")
    for run in runs:
        if run.ok and run.size < baseline.size:
            print(
                f"  info  {run.size:,} → {baseline.size:,}: time {baseline.seconds / run.seconds:.2f}x "
                f"(processor {baseline.cpu / run.cpu:.2f}x), "
                f"peak RSS {baseline.memory.tree_kb / run.memory.tree_kb:.2f}x "
                f"(sentences {baseline.sentences / run.sentences:.2f}x)"
            )
    return passed


# ----------------------------------------------------------------------------------- main


def sizes_argument(text: str) -> list[int]:
    try:
        sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of sentence counts: {text}") from None
    if not sizes or sizes[0] < 1000:
        raise argparse.ArgumentTypeError("sizes are sentence counts of at least 1000")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_scale", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes",
        type=sizes_argument,
        default=list(SIZES),
        help="source sentences per crawl, comma-separated (default 10000,100000,1000000)",
    )
    parser.add_argument("--workers", type=int, help="passed to build --workers (default: the build's, one per core)")
    parser.add_argument("--keep", action="store_true", help="keep each output corpus and its cache")
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"Scale of a whole build: {', '.join(f'{s:,}' for s in args.sizes)} source sentences, "
        f"{cores} core(s), workers {args.workers or 'default'}",
        flush=True,
    )
    test_models()
    records = {size: crawl(size) for size in args.sizes}
    runs = []
    for size in args.sizes:
        record = records[size]
        print(
            f"  building {size:,}: {record['pages']:,} pages, {record['sentences']:,} sentences "
            f"({record['pairs_by_url']} pairs by URL, {record['pairs_by_content']} by content) …",
            flush=True,
        )
        run = build_once(size, record, args.workers, args.keep)
        runs.append(run)
        if not run.ok:
            print(f"  build of {size:,} failed (exit {run.returncode}); its last lines:", file=sys.stderr)
            for line in run.tail[-20:]:
                print(f"    {line}", file=sys.stderr)
        else:
            print(f"    {run.seconds:.1f} s, peak tree {mb(run.memory.tree_kb):.0f} MB", flush=True)
    baseline = next((run for run in runs if run.size == BASELINE), None)
    return 0 if report(runs, baseline) else 1


if __name__ == "__main__":
    sys.exit(main())
