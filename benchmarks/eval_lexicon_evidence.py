"""How many confident sentence pairs a lexicon needs before it helps (``align.lexicon.MIN_EVIDENCE``).

On the noisy Tatoeba documents of ``eval_alignment``, the first pass's confident pairs are sampled
(four samples of each size, fixed seeds), a lexicon is learned from each sample alone, and every
document is aligned again with it. Below the threshold, the second pass is as often worse than
the first as better; from it on, it helps. The threshold was set from this table, not from the
seed documents' set.

Rerun: ``.venv/bin/python -m benchmarks.eval_lexicon_evidence`` (about a minute).
"""

from __future__ import annotations

import random
import statistics

from align.aligner import align
from align.lexicon import MIN_EVIDENCE, Lexicon, learn

from .eval_alignment import documents, first_pass, score

NOISES = (0.05, 0.15)
SIZES = (60, 80, 100, 130)
SAMPLES = 4


def second_pass_f1(docs, lexicon: Lexicon) -> float:
    golds = [gold for _, _, gold in docs]
    tests = [
        [(b.src, b.tgt) for b in align(english, russian, "en", "ru", lexicon=lexicon)] for english, russian, _ in docs
    ]
    return score(golds, tests)["strict_f1"]


def evidence_curve(noise: float, sizes=SIZES, samples: int = SAMPLES) -> tuple[float, int, dict[int, list[float]]]:
    """Pass 1's strict F1, the number of confident pairs, and per sample size the second pass's
    F1 with lexicons learned from ``samples`` random samples of that many pairs (the threshold
    set aside)."""
    docs = documents(noise)
    first, evidence = first_pass(docs)
    first_f1 = score([gold for _, _, gold in docs], [[(b.src, b.tgt) for b in beads] for beads in first])["strict_f1"]
    curve = {
        size: [
            second_pass_f1(docs, learn(random.Random(1000 * sample + size).sample(evidence, size), min_evidence=0))
            for sample in range(samples)
        ]
        for size in sizes
    }
    return first_f1, len(evidence), curve


def main() -> None:
    print("\nLexicon evidence: strict F1 after a second pass with a lexicon learned from N confident pairs")
    print(f"(Tatoeba noisy documents; {SAMPLES} random samples per N; MIN_EVIDENCE = {MIN_EVIDENCE})")
    for noise in NOISES:
        first_f1, pairs, curve = evidence_curve(noise)
        print(f"noise {noise}: pass 1 {first_f1:.3f}, {pairs} confident pairs in all")
        for size, scores in curve.items():
            worse = sum(f < first_f1 for f in scores)
            print(
                f"  N = {size:>4}: "
                + " ".join(f"{f:.3f}" for f in scores)
                + f"   mean {statistics.mean(scores):.3f}, worse than pass 1 in {worse} of {len(scores)}"
            )


if __name__ == "__main__":
    main()
