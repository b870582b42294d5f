"""``make bench``, translation: ``align translate`` against raw CTranslate2 and Argos, same run.

Every figure is a whole process (start-up, package checks, model loading and all), as a user
waiting at the terminal sees it. Ours and the raw CTranslate2 scripts run in turn, round after
round, and each ratio is the median of the per-round ratios, so a machine whose speed drifts
(other jobs) moves both sides of a ratio together. CPU seconds (user + system of the process) are
printed beside wall seconds: on a busy shared machine they are the steadier figure.

The baselines (``benchmarks/ctranslate2_baseline.py``, ``benchmarks/argos_baseline.py``):

- raw CTranslate2, padded: one ``translate_batch`` call, CTranslate2's own padded batches of 32:
  the speed floor, whose bytes differ from Argos's on some lines;
- raw CTranslate2, equal-length: one call per source length: the floor under identical output;
- Argos Translate's own per-sentence inference: the reference for bytes.
"""

from __future__ import annotations

import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .data import TATOEBA, parallel_pairs

ROOT = Path(__file__).resolve().parent.parent
ARGOS_ENV = ROOT / "build" / "argos-env"
BENCH_MODELS = ROOT / "build" / "bench-models"
DECODING_CAP = 32
SIZES = (60, 2000)
ROUNDS = {60: 5, 2000: 2}
"""Counted rounds per input size (after one uncounted warm-up round at the smallest size)."""
ARGOS_LINES = 600
"""Lines Argos translates one by one for the identity check (its per-sentence path is slow)."""


def argos_environment() -> Path:
    """A throwaway venv with argostranslate's full dependencies, at the versions of our lock.

    torch is installed first at the version this machine keeps as a local CPU wheel, so that
    stanza does not pull a multi-gigabyte CUDA build.
    """
    python = ARGOS_ENV / "bin" / "python"
    if python.exists():
        return python
    from importlib.metadata import version

    print(f"  creating the Argos baseline environment in {ARGOS_ENV} (once; about 1.5 GB)", flush=True)
    subprocess.run(["python3", "-m", "venv", str(ARGOS_ENV)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run(pip + ["torch==2.13.0"], check=True)
    pins = [f"{name}=={version(name)}" for name in ("argostranslate", "ctranslate2", "sentencepiece")]
    subprocess.run(pip + pins, check=True)
    return python


def bench_package() -> Path:
    """A random-weight package of realistic size: 6 layers, 512 wide, int8, 8k vocabulary."""
    from align.models import TestModelShape, make_test_package

    archive = BENCH_MODELS / "translate-en_ru-test.argosmodel"
    if not archive.exists():
        BENCH_MODELS.mkdir(parents=True, exist_ok=True)
        shape = TestModelShape(layers=6, width=512, heads=8, ffn=2048, vocab=8000, quantization="int8")
        make_test_package("en", "ru", BENCH_MODELS, ROOT / "seeds", shape)
    return archive


def english_sentences() -> list[str]:
    """Tatoeba dev's English side (when present), then the English sentences of ``seeds/``."""
    from align.ingest import SkippedInput, iter_documents
    from align.normalise import normalise
    from align.segment import segment_document

    tatoeba = [english for english, _ in parallel_pairs()] if (TATOEBA / "ru-en.dev.tsv").is_file() else []
    raws = (raw for raw in iter_documents(ROOT / "seeds") if not isinstance(raw, SkippedInput))
    seeds = [s.text for raw in raws for s in segment_document(normalise(raw))]
    english = [s for s in tatoeba + seeds if re.search("[A-Za-z]", s) and not re.search("[А-Яа-я]", s)]
    return list(dict.fromkeys(english))


def translation_lines(count: int) -> list[str]:
    """``count`` distinct English lines: every sentence as it is, then two of them joined (a line of
    two sentences). Distinct, because we translate a repeated line once and the raw scripts every
    time: repeats would flatter us."""
    singles = english_sentences()
    lines = list(singles)
    step = 1
    while len(lines) < count and step < len(singles):
        lines.extend(f"{a} {singles[(i + step) % len(singles)]}" for i, a in enumerate(singles))
        lines = list(dict.fromkeys(lines))
        step += 1
    return lines[:count]


def run(command: list[str], env: dict) -> tuple[float, float, bytes]:
    """Wall seconds, CPU seconds (user + system, the child's own) and standard output of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, result.stdout


def in_turn(commands: dict[str, list[str]], env: dict, rounds: int) -> dict[str, list[tuple[float, float]]]:
    """Each command once per round, the order rotated every round; ``(wall, cpu)`` per run."""
    names = list(commands)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for round_ in range(rounds):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            wall, cpu, _ = run(commands[name], env)
            runs[name].append((wall, cpu))
    return runs


def ratio(runs: dict, ours: str, theirs: str, which: int) -> float:
    """Median over rounds of ours / theirs (``which``: 0 wall, 1 CPU)."""
    return statistics.median(a[which] / b[which] for a, b in zip(runs[ours], runs[theirs]))


def our_lines(output: bytes) -> list[str]:
    """``align translate``'s output lines (it writes every translation on one line)."""
    return output.decode("utf-8").split("\n")[:-1]


def baseline_lines(output: bytes) -> list[str]:
    """A baseline's translations (one JSON string a line) as ``align translate`` prints them: with
    line-break characters as spaces, its documented rule for one output line per input line."""
    from align.names import single_line

    return [single_line(json.loads(line)) for line in output.decode("utf-8").split("\n")[:-1]]


def same_lines(mine: list[str], theirs: list[str], count: int) -> int:
    """How many of the first ``count`` lines are identical."""
    return sum(a == b for a, b in zip(mine[:count], theirs[:count]))


def bench_translation(scratch: Path) -> None:
    from align.models import read_package, unpacked_archive

    archive = bench_package()
    package_dir = read_package(unpacked_archive(archive)).path
    lines = translation_lines(max(SIZES))
    inputs = {}
    for size in (*SIZES, ARGOS_LINES):
        inputs[size] = scratch / f"source-{size}.en"
        inputs[size].write_text("\n".join(lines[:size]) + "\n", encoding="utf-8")
    env = {
        **os.environ,
        "ALIGN_MODELS": str(archive.parent),
        "ALIGN_CACHE": str(scratch / "cache"),
        "ALIGN_PROGRESS": "0",
    }
    ours = [
        sys.executable,
        "-m",
        "align",
        "translate",
        "--from",
        "en",
        "--to",
        "ru",
        "--max-decoding-length",
        str(DECODING_CAP),
        "--no-keep-foreign",
    ]
    raw = [sys.executable, "-m", "benchmarks.ctranslate2_baseline", str(package_dir)]

    def commands(path: Path) -> dict[str, list[str]]:
        return {
            "ours": ours + ["--no-cache", str(path)],
            "padded": raw + [str(path), str(DECODING_CAP), "padded"],
            "equal": raw + [str(path), str(DECODING_CAP), "equal-length"],
        }

    in_turn(commands(inputs[min(SIZES)]), env, 1)  # warm-up: unpacked package, page cache
    measured = {size: in_turn(commands(inputs[size]), env, ROUNDS[size]) for size in SIZES}
    outputs = {size: our_lines(run(commands(inputs[size])["ours"], env)[2]) for size in SIZES}
    padded_output = baseline_lines(run(commands(inputs[ARGOS_LINES])["padded"], env)[2])

    print(f"\nTranslation, random-weight 6×512 int8 package, cap {DECODING_CAP} tokens, whole process, 2 cores")
    print(
        f"  median of {'/'.join(str(ROUNDS[s]) for s in SIZES)} rounds; ratios are ours / theirs per round "
        "(wall, and CPU seconds in brackets)"
    )
    print(f"  {'sentences':<38}" + "".join(f"{size:>24}" for size in SIZES))
    for name, label in (
        ("ours", "ours  align translate"),
        ("padded", "raw CTranslate2, padded batches"),
        ("equal", "raw CTranslate2, equal-length batches"),
    ):
        cells = [
            f"{statistics.median(w for w, _ in measured[s][name]):7.2f} s ({statistics.median(c for _, c in measured[s][name]):6.2f})"
            for s in SIZES
        ]
        print(f"  {label:<38}" + "".join(f"{cell:>24}" for cell in cells))
    for name, label, target in (
        ("padded", "ours / raw, padded", "target ≤ 1.15 / ≤ 1.05"),
        ("equal", "ours / raw, equal-length", "the floor under identical output"),
    ):
        cells = [
            f"{ratio(measured[s], 'ours', name, 0):5.2f}× ({ratio(measured[s], 'ours', name, 1):4.2f}×)" for s in SIZES
        ]
        print(f"  {label:<38}" + "".join(f"{cell:>24}" for cell in cells) + f"   {target}")

    python = argos_environment()
    argos_env = {
        **env,
        "XDG_DATA_HOME": str(scratch / "argos"),
        "XDG_CONFIG_HOME": str(scratch / "argos"),
        "XDG_CACHE_HOME": str(scratch / "argos"),
        "PYTHONPATH": "",
    }
    argos_wall, _, argos_stdout = run(
        [
            str(python),
            str(ROOT / "benchmarks" / "argos_baseline.py"),
            str(package_dir),
            str(inputs[ARGOS_LINES]),
            str(DECODING_CAP),
        ],
        argos_env,
    )
    argos_output = baseline_lines(argos_stdout)
    ours_wall, _, ours_600_stdout = run(commands(inputs[ARGOS_LINES])["ours"], env)
    ours_600 = our_lines(ours_600_stdout)
    small, large = min(SIZES), max(SIZES)
    same = same_lines(outputs[large], argos_output, ARGOS_LINES)
    print(
        f"  identical to Argos's per-sentence output  {same}/{ARGOS_LINES} lines ({same / ARGOS_LINES:.1%}; target 100 %); "
        f"raw padded: {same_lines(padded_output, argos_output, ARGOS_LINES)}/{ARGOS_LINES}"
    )
    print(
        f"  ours at {small} = the first {small} of ours at {large}, and at {ARGOS_LINES}: "
        f"{'yes' if same_lines(outputs[small], outputs[large], small) == small == same_lines(outputs[small], ours_600, small) else 'NO'}"
    )
    print(f"  speed-up over Argos per sentence ({ARGOS_LINES} lines)  {argos_wall / ours_wall:.1f}×  (target ≥ 15)")

    cached = ours + [str(inputs[small])]
    cold, _, cold_output = run(cached, env)
    warm, _, warm_output = run(cached, env)
    print(
        f"  second run, from the cache ({small} lines)  {cold / warm:.1f}× faster than the first ({cold:.2f} s → {warm:.2f} s; "
        f"target ≥ 3), {'byte-identical' if our_lines(warm_output) == our_lines(cold_output) == outputs[small] else 'DIFFERENT OUTPUT'}"
    )


def bench_batching() -> None:
    """Throughput of thread settings and batch caps on this machine (in process, model loaded)."""
    from align.models import read_package, unpacked_archive
    from align.translate import ArgosTranslator, DecodingSettings

    package = read_package(unpacked_archive(bench_package()))
    sentences = translation_lines(150)
    print(f"\nTranslation batching on this machine ({os.cpu_count()} cores, {len(sentences)} sentences, in process)")
    cores = os.cpu_count() or 1
    for workers, threads in ((1, cores), (cores, 1)):
        for tokens in (256, 2048):
            settings = DecodingSettings(max_decoding_length=DECODING_CAP, max_batch_tokens=tokens)
            translator = ArgosTranslator(package, settings, workers=workers, threads_per_worker=threads)
            started = time.perf_counter()
            translator.translate(sentences)
            elapsed = time.perf_counter() - started
            print(
                f"  {workers} worker(s) × {threads} thread(s), max batch tokens {tokens:5d}: {len(sentences) / elapsed:8.1f} sent/s"
            )
