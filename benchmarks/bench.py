"""``make bench``: speed of our stages against named baselines, measured in the same run.

Every figure is a ratio of wall-clock times of whole processes (start-up, model loading and all),
so it is what a user waiting at the terminal sees. Each timing is the best of ``REPEATS`` runs.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .data import OTHER_CYRILLIC, TATOEBA, lines_of, parallel_pairs

REPEATS = 3


def timed(command: list[str]) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - started)
    return best


def langid_sentences() -> list[str]:
    """Tatoeba dev sentences (both sides and every other-Cyrillic file) when present, else seeds."""
    if (TATOEBA / "ru-en.dev.tsv").is_file():
        sentences = [text for pair in parallel_pairs() for text in pair]
        for name in OTHER_CYRILLIC.values():
            sentences += lines_of(name)
        return sentences
    from align.ingest import iter_documents
    from align.normalise import normalise
    from align.segment import segment_document

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    return [s.text for raw in iter_documents(seeds) for s in segment_document(normalise(raw))]


def bench_langid(scratch: Path) -> None:
    sentences = langid_sentences()
    path = scratch / "sentences.txt"
    path.write_text("\n".join(sentences) + "\n", encoding="utf-8")
    ours = timed([sys.executable, "-m", "align", "detect", str(path)])
    baseline = timed([sys.executable, "-m", "benchmarks.langdetect_baseline", str(path)])
    print(f"\nLanguage identification, {len(sentences)} sentences, whole process (best of {REPEATS})")
    print(f"  ours  python -m align detect   {ours:8.2f} s  {len(sentences) / ours:8.0f} sent/s")
    print(f"  seeded langdetect              {baseline:8.2f} s  {len(sentences) / baseline:8.0f} sent/s")
    print(f"  speed-up                       {baseline / ours:8.1f} x  (target ≥ 5)")


def bench_aligner(scratch: Path, size: int = 5000) -> None:
    """``python -m align pair`` on two files of ``size`` sentences (target: ≤ 30 s)."""
    pairs = parallel_pairs() if (TATOEBA / "ru-en.dev.tsv").is_file() else None
    if pairs is None:
        from tests.fixtures.government_prose import ENGLISH, RUSSIAN

        pairs = list(zip(ENGLISH, RUSSIAN))
    english = [pairs[k % len(pairs)][0] for k in range(size)]
    russian = [pairs[k % len(pairs)][1] for k in range(size)]
    del russian[size // 3 : size // 3 + size // 20]  # a missing section, so the path must bend
    (scratch / "en.txt").write_text("\n".join(english) + "\n", encoding="utf-8")
    (scratch / "ru.txt").write_text("\n".join(russian) + "\n", encoding="utf-8")
    seconds = timed([sys.executable, "-m", "align", "pair", "--mt", "off", str(scratch / "en.txt"), str(scratch / "ru.txt")])
    print(f"\nSentence alignment, {len(english)} × {len(russian)} sentences, whole process (best of {REPEATS})")
    print(f"  ours  python -m align pair     {seconds:8.2f} s  (target ≤ 30 s)")


ROOT = Path(__file__).resolve().parent.parent
ARGOS_ENV = ROOT / "build" / "argos-env"
BENCH_MODELS = ROOT / "build" / "bench-models"
DECODING_CAP = 32


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


def translation_sentences() -> list[str]:
    english = [s for s in langid_sentences() if re.search("[A-Za-z]", s) and not re.search("[А-Яа-я]", s)]
    return english[:600]


def timed_output(command: list[str], env: dict) -> tuple[float, bytes]:
    started = time.perf_counter()
    result = subprocess.run(command, check=True, capture_output=True, env=env)
    return time.perf_counter() - started, result.stdout


def bench_translation(scratch: Path) -> None:
    import os

    from align.models import read_package, unpacked_archive

    archive = bench_package()
    sentences = translation_sentences()
    path = scratch / "source.en"
    path.write_text("\n".join(sentences) + "\n", encoding="utf-8")
    env = {**os.environ, "ALIGN_MODELS": str(archive.parent), "ALIGN_CACHE": str(scratch / "cache")}
    package_dir = read_package(unpacked_archive(archive)).path
    ours_command = [sys.executable, "-m", "align", "translate", "--from", "en", "--to", "ru",
                    "--max-decoding-length", str(DECODING_CAP), "--no-keep-foreign"]
    timed_output(ours_command + ["--no-cache", str(path)], env)  # warm the unpacked-package cache
    ours, ours_out = min(timed_output(ours_command + ["--no-cache", str(path)], env) for _ in range(2))
    cold, _ = timed_output(ours_command + [str(path)], env)
    warm, warm_out = timed_output(ours_command + [str(path)], env)
    python = argos_environment()
    argos_env = {**env, "XDG_DATA_HOME": str(scratch / "argos"), "XDG_CONFIG_HOME": str(scratch / "argos"),
                 "XDG_CACHE_HOME": str(scratch / "argos"), "PYTHONPATH": ""}
    argos, argos_out = timed_output(
        [str(python), str(ROOT / "benchmarks" / "argos_baseline.py"), str(package_dir), str(path), str(DECODING_CAP)],
        argos_env,
    )
    mine, theirs = ours_out.decode().split("\n"), argos_out.decode().split("\n")
    same = sum(a == b for a, b in zip(mine, theirs)) - 1  # both end with an empty string
    print(f"\nTranslation, {len(sentences)} sentences, random-weight 6×512 int8 package, cap {DECODING_CAP} tokens, whole process")
    print(f"  ours  python -m align translate {ours:8.2f} s  {len(sentences) / ours:8.1f} sent/s")
    print(f"  Argos apply_packaged_translation per sentence {argos:8.2f} s  {len(sentences) / argos:8.1f} sent/s")
    print(f"  speed-up                       {argos / ours:8.1f} x  (target ≥ 15)")
    print(f"  identical lines                {same / len(sentences):8.1%}  (target ≥ 99 %)")
    print(f"  second run, from the cache     {cold / warm:8.1f} x faster than the first ({cold:.2f} s → {warm:.2f} s; target ≥ 3), "
          f"{'byte-identical' if warm_out == ours_out else 'DIFFERENT OUTPUT'}")


def bench_batching() -> None:
    """Throughput of batch size and thread settings on this machine (in process, model loaded)."""
    import os

    from align.models import read_package, unpacked_archive
    from align.translate import ArgosTranslator, DecodingSettings

    package = read_package(unpacked_archive(bench_package()))
    sentences = translation_sentences()[:150]
    print(f"\nTranslation batching on this machine ({os.cpu_count()} cores, {len(sentences)} sentences, in process)")
    cores = os.cpu_count() or 1
    for workers, threads in ((1, cores), (cores, 1)):
        for tokens in (256, 2048):
            settings = DecodingSettings(max_decoding_length=DECODING_CAP, max_batch_tokens=tokens)
            translator = ArgosTranslator(package, settings, workers=workers, threads_per_worker=threads)
            started = time.perf_counter()
            translator.translate(sentences)
            elapsed = time.perf_counter() - started
            print(f"  {workers} worker(s) × {threads} thread(s), max batch tokens {tokens:5d}: {len(sentences) / elapsed:8.1f} sent/s")


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        bench_langid(Path(scratch))
        bench_aligner(Path(scratch))
        bench_translation(Path(scratch))
        bench_batching()


if __name__ == "__main__":
    main()
