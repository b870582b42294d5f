"""Sentence alignment on noisy documents built from Tatoeba dev: ours beside Gale–Church.

Documents are 100 consecutive translation pairs. At noise level p each pair, with probability p,
suffers one of six accidents, chosen at random: deleted on the English or the Russian side,
an unrelated sentence (from another document) inserted before it on either side, or merged with the
next pair on either side (a 2-1 or 1-2 gold bead). The gold beads are known by construction.

Precision and recall follow vecalign's definitions: a test bead counts *strict* when it equals a
gold bead, *lax* when it is not strict but shares a source sentence with a gold bead whose target
overlaps its target; recall is the same computation with gold and test swapped.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Sequence

from align.aligner import Aligner, align, gale_church_aligner

from .data import parallel_pairs, require_eval_data

DOCUMENT_PAIRS = 100
NOISE_LEVELS = (0.0, 0.05, 0.15, 0.3)
Beads = list[tuple[tuple[int, ...], tuple[int, ...]]]


def noisy_document(pairs, unrelated, noise: float, rng: random.Random):
    """``(english, russian, gold)`` for one document with accidents at rate ``noise``."""
    english: list[str] = []
    russian: list[str] = []
    gold: Beads = []
    k = 0
    while k < len(pairs):
        en, ru = pairs[k]
        accident = rng.choice(("del-en", "del-ru", "ins-en", "ins-ru", "merge-en", "merge-ru")) if rng.random() < noise else None
        if accident in ("ins-en", "ins-ru"):
            filler = rng.choice(unrelated)
            side, text = (english, filler[0]) if accident == "ins-en" else (russian, filler[1])
            side.append(text)
            gold.append(((len(english) - 1,), ()) if accident == "ins-en" else ((), (len(russian) - 1,)))
        if accident in ("merge-en", "merge-ru") and k + 1 < len(pairs):
            en2, ru2 = pairs[k + 1]
            if accident == "merge-en":
                english.append(f"{en} {en2}")
                russian.extend([ru, ru2])
                gold.append(((len(english) - 1,), (len(russian) - 2, len(russian) - 1)))
            else:
                english.extend([en, en2])
                russian.append(f"{ru} {ru2}")
                gold.append(((len(english) - 2, len(english) - 1), (len(russian) - 1,)))
            k += 2
            continue
        if accident == "del-en":
            russian.append(ru)
            gold.append(((), (len(russian) - 1,)))
        elif accident == "del-ru":
            english.append(en)
            gold.append(((len(english) - 1,), ()))
        else:
            english.append(en)
            russian.append(ru)
            gold.append(((len(english) - 1,), (len(russian) - 1,)))
        k += 1
    return english, russian, gold


def documents(noise: float, seed: int = 13):
    pairs = parallel_pairs()
    chunks = [pairs[k : k + DOCUMENT_PAIRS] for k in range(0, len(pairs), DOCUMENT_PAIRS)]
    rng = random.Random(f"{seed}-{noise}")
    return [noisy_document(chunk, chunks[(index + 1) % len(chunks)], noise, rng) for index, chunk in enumerate(chunks)]


def _counts(gold: Beads, test: Beads) -> tuple[int, int, int, int]:
    gold_set = {bead for bead in gold if bead[0] or bead[1]}
    test_set = {bead for bead in test if bead[0] or bead[1]}
    targets_of_source: dict[int, set[int]] = defaultdict(set)
    for source, target in gold_set:
        for i in source:
            targets_of_source[i].update(target)
    strict_true = strict_false = lax_true = lax_false = 0
    for source, target in test_set:
        if (source, target) in gold_set:
            strict_true += 1
            lax_true += 1
            continue
        strict_false += 1
        overlapping = set().union(*(targets_of_source[i] for i in source)) if source else set()
        if overlapping & set(target):
            lax_true += 1
        else:
            lax_false += 1
    return strict_true, strict_false, lax_true, lax_false


def score(golds: Sequence[Beads], tests: Sequence[Beads]) -> dict[str, float]:
    precision_counts = [0, 0, 0, 0]
    recall_counts = [0, 0, 0, 0]
    for gold, test in zip(golds, tests):
        precision_counts = [a + b for a, b in zip(precision_counts, _counts(gold, test))]
        recall_counts = [a + b for a, b in zip(recall_counts, _counts(test, gold))]

    def ratio(true, false):
        return true / (true + false) if true + false else 0.0

    result = {}
    for name, offset in (("strict", 0), ("lax", 2)):
        p = ratio(precision_counts[offset], precision_counts[offset + 1])
        r = ratio(recall_counts[offset], recall_counts[offset + 1])
        result[f"{name}_p"], result[f"{name}_r"] = p, r
        result[f"{name}_f1"] = 2 * p * r / (p + r) if p + r else 0.0
    return result


def run(aligner: Aligner, noise: float) -> dict[str, float]:
    docs = documents(noise)
    tests = []
    for english, russian, _ in docs:
        beads = align(english, russian, "en", "ru", aligner=aligner)
        tests.append([(bead.src, bead.tgt) for bead in beads])
    return score([gold for _, _, gold in docs], tests)


SYSTEMS = {"ours": Aligner, "gale-church": gale_church_aligner}


def main() -> None:
    require_eval_data()
    print(f"\nSentence alignment, Tatoeba dev noisy documents ({DOCUMENT_PAIRS} pairs each), vecalign P/R/F1")
    print(f"{'noise':<7}{'system':<13}{'strict P':>9}{'R':>7}{'F1':>7}{'lax P':>8}{'R':>7}{'F1':>7}{'seconds':>9}")
    for noise in NOISE_LEVELS:
        for name, make in SYSTEMS.items():
            started = time.perf_counter()
            r = run(make(), noise)
            elapsed = time.perf_counter() - started
            print(
                f"{noise:<7}{name:<13}{r['strict_p']:>9.3f}{r['strict_r']:>7.3f}{r['strict_f1']:>7.3f}"
                f"{r['lax_p']:>8.3f}{r['lax_r']:>7.3f}{r['lax_f1']:>7.3f}{elapsed:>9.2f}"
            )


if __name__ == "__main__":
    main()
