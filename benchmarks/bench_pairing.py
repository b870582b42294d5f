"""``python -m benchmarks.bench_pairing``: content pairing of documents, ours beside the old method.

Crawls come from ``benchmarks.synthetic`` (no URLs, so everything is paired by content): the
short-page case (50 + 50 pages of everyday sentences and one report line, all translated), and
crawls of 100 × 100, 300 × 300 and 5,000 × 5,000 pages mixing short and long pages, true pairs
(80 %) and unrelated pages on the same topics. For each: true pairs found, false pairs, wall and
processor time. Our time is split into building the profiles and ``pair_documents``; the
confirm path runs ``alignment_agreement`` on the generated sentences in one process per core.
The baseline is the method before issue 12, ``dice-all-pairs (before)``, copied below; it is only
run where its (E·R)² cost stays under ``BASELINE_LIMIT``, so the ratio column is only filled
there.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from align.pairing import (
    KeyCounts,
    alignment_agreement,
    content_similarities,
    document_keys,
    pair_documents,
    profile,
)
from align.records import Document
from align.segment import split_sentences

from .synthetic import generate_crawl, read_crawl

BASELINE_LIMIT = 1e8
"""(E·R)² table scans the baseline may make: some seconds; 300 × 300 would take hours."""
CASES: list[
    tuple[str, int, int, int, tuple[int, int], float]
] = [  # name, english, russian, pairs by content, news page sentences, share of short pages
    ("short pages 50+50", 50, 50, 50, (8, 20), 1.0),
    ("mixed 100x100", 100, 100, 80, (15, 60), 0.5),
    ("mixed 300x300", 300, 300, 240, (15, 60), 0.5),
    ("mixed 5000x5000", 5000, 5000, 4000, (15, 60), 0.5),
]


# --------------------------------------------------------------------- baseline: before issue 12

MIN_CONTENT_SIMILARITY = 0.2
MIN_MARGIN = 1.5
MAX_LENGTH_RATIO = 2.5


def dice_all_pairs(documents: list[Document]) -> set[tuple[str, str]]:
    """The content pairing before issue 12: unweighted Dice over key sets for every English ×
    Russian pair, each candidate ranked by rescanning the whole table."""
    english = [d for d in documents if d.lang == "en"]
    russian = [d for d in documents if d.lang == "ru"]
    keys = {d.doc_id: document_keys(d) for d in english + russian}
    similarity: dict[tuple[str, str], float] = {}
    for en in english:
        for ru in russian:
            ratio = max(len(en.text), 1) / max(len(ru.text), 1)
            a, b = keys[en.doc_id], keys[ru.doc_id]
            plausible = 1 / MAX_LENGTH_RATIO <= ratio <= MAX_LENGTH_RATIO and a and b
            similarity[en.doc_id, ru.doc_id] = 2 * len(a & b) / (len(a) + len(b)) if plausible else 0.0

    def ranked(doc_id: str, index: int) -> list[float]:
        return sorted((value for key, value in similarity.items() if key[index] == doc_id), reverse=True)

    pairs = set()
    for en in english:
        for ru in russian:
            value = similarity[en.doc_id, ru.doc_id]
            en_scores, ru_scores = ranked(en.doc_id, 0), ranked(ru.doc_id, 1)
            best_for_both = value == en_scores[0] == ru_scores[0]
            runner_up = max(en_scores[1:2] + ru_scores[1:2], default=0.0)
            if value >= MIN_CONTENT_SIMILARITY and best_for_both and value >= MIN_MARGIN * runner_up:
                pairs.add((en.doc_id, ru.doc_id))
    return pairs


# ------------------------------------------------------------------------------------ ours


def sentences_of(document: Document) -> list[str]:
    return [document.text[start:end] for start, end in split_sentences(document.text, document.lang)]


_SENTENCES: dict[str, list[str]] = {}


def _agreement(pair: tuple[str, str]) -> float:
    return alignment_agreement(_SENTENCES[pair[0]], _SENTENCES[pair[1]])


def make_confirm(documents: list[Document], workers: int):
    """A ``Confirm`` over the documents' sentences, aligning candidates in ``workers`` processes
    (forked after the sentences are split, so they are shared, not sent)."""
    _SENTENCES.clear()
    _SENTENCES.update((d.doc_id, sentences_of(d)) for d in documents)
    calls = []

    def confirm(candidates):
        calls.append(len(candidates))
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_agreement, candidates, chunksize=16))

    return confirm, calls


@dataclass
class Row:
    method: str
    found: int | None = None
    """True pairs found; ``None``: not run."""
    false: int = 0
    profiles: float | None = None
    seconds: float = 0.0
    cpu: float = 0.0
    """Processor seconds, confirm's worker processes included: the wall time on an idle machine
    lies between ``cpu / workers`` and ``cpu``, whatever else the machine is running."""


def cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def measure(method: str, pair, truth: set[tuple[str, str]], profiles: float | None = None) -> Row:
    started, cpu = time.perf_counter(), cpu_seconds()
    found = pair()
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    return Row(method, len(found & truth), len(found - truth), profiles, seconds, cpu)


def run_case(english, russian, pairs, sentences, short_share, folder: Path, workers: int) -> tuple[int, int, list[Row]]:
    """The case's true pair count, how many pairs our pairing scores, and one row per method."""
    truth = generate_crawl(folder, english, russian, 0, pairs, sentences, short_share, seed=12).pairs
    documents = read_crawl(folder)
    started = time.perf_counter()
    profiles = [profile(d) for d in documents]
    profile_seconds = time.perf_counter() - started

    def ours(confirm=None):
        return lambda: {(p.english, p.russian) for p in pair_documents(profiles, confirm)}

    rows = [measure("ours, profiles only", ours(), truth, profile_seconds)]
    confirm, calls = make_confirm(documents, workers)
    rows.append(measure("ours + confirm", ours(confirm), truth, profile_seconds))
    rows[-1].method += f" ({sum(calls)} checked)"
    if (english * russian) ** 2 <= BASELINE_LIMIT:
        rows.append(measure("dice-all-pairs (before)", lambda: dice_all_pairs(documents), truth))
    else:
        rows.append(Row("dice-all-pairs (before)"))
    ordered = sorted(profiles, key=lambda p: p.doc_id)
    in_english = [p for p in ordered if p.lang == "en"]
    in_russian = [p for p in ordered if p.lang == "ru"]
    scored = sum(len(e) for e, _, _ in content_similarities(in_english, in_russian, KeyCounts.of(ordered)))
    return len(truth), scored, rows


def main() -> None:
    workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    print(f"Document pairing by content: synthetic crawls without URLs, confirm in {workers} process(es)")
    print("(profiles: building them; pairing: pair_documents, wall and processor time; the baseline's")
    print("time includes its keys; other processes on the machine slow the wall time, not the cpu)\n")
    header = f"{'case':<18} {'method':<32} {'found':>11} {'false':>5} "
    header += f"{'profiles':>9} {'pairing':>9} {'cpu':>9} {'ratio':>8}"
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as scratch:
        for name, english, russian, pairs, sentences, short_share in CASES:
            folder = Path(scratch) / name.replace(" ", "-")
            true, scored, rows = run_case(english, russian, pairs, sentences, short_share, folder, workers)
            baseline = rows[-1].seconds if rows[-1].found is not None else None
            for row in rows:
                if row.found is None:
                    print(f"{name:<18} {row.method:<32} {'not run (quadratic)':>38}")
                    continue
                total = row.seconds + (row.profiles or 0.0)
                ratio = f"{baseline / total:7.1f}x" if baseline and row.profiles is not None else ""
                profiles = f"{row.profiles:8.2f}s" if row.profiles is not None else ""
                print(
                    f"{name:<18} {row.method:<32} {f'{row.found}/{true}':>11} {row.false:>5} "
                    f"{profiles:>9} {row.seconds:8.2f}s {row.cpu:8.2f}s {ratio:>8}"
                )
            print(f"{'':<18} pairs scored: {scored} of {english * russian} ({scored / (english * russian):.1%})")
    print("\nratio: the baseline's time over ours (profiles + pairing), same crawl, same run.")
    print("targets: 5000x5000 in <= 60 s, >= 99 % of true pairs, no false pair; short pages >= 99 %, none false.")


if __name__ == "__main__":
    main()
