"""Sentence alignment on hand translations of seed documents: ours beside Gale–Church (issue #18).

Issue #18 measured alignment on "hand-translated seed documents, no MT" that we do not have, so
``benchmarks/seed_translations/`` holds our own: the English sentences of three seed pages
as the pipeline cuts them, a Russian translation written for this project (with the merges,
splits, omissions and additions real translators make) and the gold beads. It is an evaluation
set: nothing in it may be used to tune the aligner.

Scores are vecalign's strict (and lax) precision, recall and F1, from ``eval_alignment.score``.
Systems, all without machine translation:

* ours pass 1: ``align.aligner.align`` without a lexicon;
* ours auto: ``--lexicon auto`` on each document pair by itself (``align.lexicon.realign``
  through ``align_sentences``); a small pair yields too few confident beads to learn from and
  keeps its first pass;
* ours pass 2: one lexicon learned from the confident beads of all documents' first passes, then
  every document aligned again with it (what ``build`` does, and ``eval_alignment``'s pass 2);
* Gale–Church: ``align.aligner.gale_church_aligner``.

Rerun: ``.venv/bin/python -m benchmarks.eval_seed_alignment``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from align.aligner import Bead, align, gale_church_aligner
from align.api import align_sentences
from align.lexicon import Lexicon, confident_pairs, learn

from .eval_alignment import Beads, score

DATA = Path(__file__).resolve().parent / "seed_translations"
TARGET_F1 = 0.97
ISSUE_FIGURES = (
    ("ours (at the time of the issue)", 0.949),
    ("Gale–Church", 0.872),
    ("hunalign", 0.937),
    ("hunalign with a dictionary", 0.962),
)
BEAD = re.compile(r"^\[([\d,]*)\]:\[([\d,]*)\]$")


@dataclass(frozen=True)
class Document:
    """One translated document: its sentences on both sides and its gold beads."""

    name: str
    english: list[str]
    russian: list[str]
    gold: Beads


def parse_bead(line: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``[1,2]:[3]`` → ``((1, 2), (3,))``; vecalign's format without a score."""
    found = BEAD.match(line.strip())
    if not found:
        raise ValueError(f"not a vecalign bead: {line!r}")
    source, target = (tuple(int(index) for index in side.split(",")) if side else () for side in found.groups())
    return source, target


def read_lines(path: Path) -> list[str]:
    """One sentence per line; a trailing newline is not an empty sentence."""
    return path.read_text(encoding="utf-8").splitlines()


def load_documents(folder: Path = DATA) -> list[Document]:
    """Every ``<name>.gold`` of ``folder`` with its ``.en.txt`` and ``.ru.txt``, by name."""
    documents = []
    for gold_path in sorted(folder.glob("*.gold")):
        name = gold_path.name.removesuffix(".gold")
        documents.append(
            Document(
                name,
                read_lines(folder / f"{name}.en.txt"),
                read_lines(folder / f"{name}.ru.txt"),
                [parse_bead(line) for line in read_lines(gold_path) if line.strip()],
            )
        )
    return documents


def as_pairs(beads: Sequence[Bead]) -> Beads:
    return [(bead.src, bead.tgt) for bead in beads]


def first_pass(documents: Sequence[Document], aligner=None) -> list[list[Bead]]:
    """Each document aligned without a lexicon (``aligner``: ours when None)."""
    return [align(doc.english, doc.russian, "en", "ru", aligner=aligner) for doc in documents]


def per_document_auto(documents: Sequence[Document]) -> list[list[Bead]]:
    """``--lexicon auto`` as ``python -m align pair`` runs it: each pair is its own corpus."""
    return [align_sentences(doc.english, doc.russian, "en", "ru", lexicon="auto") for doc in documents]


def corpus_lexicon(documents: Sequence[Document], first: Sequence[Sequence[Bead]]) -> tuple[Lexicon, int]:
    """The lexicon learned from the confident beads of every document's first pass, and how many
    sentence pairs it was learned from."""
    evidence = [
        pair for doc, beads in zip(documents, first) for pair in confident_pairs(doc.english, doc.russian, beads)
    ]
    return learn(evidence), len(evidence)


def second_pass(documents: Sequence[Document], lexicon: Lexicon) -> list[list[Bead]]:
    """Each document aligned again with the corpus lexicon."""
    return [align(doc.english, doc.russian, "en", "ru", lexicon=lexicon) for doc in documents]


def shape(bead: tuple[tuple[int, ...], tuple[int, ...]]) -> str:
    """``2-1`` for two English sentences against one Russian one."""
    return f"{len(bead[0])}-{len(bead[1])}"


def recall_by_shape(golds: Sequence[Beads], tests: Sequence[Beads]) -> dict[str, tuple[int, int]]:
    """``{shape: (gold beads found exactly, gold beads)}``: where an aligner loses."""
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for gold, test in zip(golds, tests):
        predicted = set(test)
        for bead in gold:
            total[shape(bead)] += 1
            found[shape(bead)] += bead in predicted
    order = ("1-1", "2-1", "1-2", "1-0", "0-1", "2-2")
    return {kind: (found[kind], total[kind]) for kind in sorted(total, key=lambda k: (order + (k,)).index(k))}


@dataclass(frozen=True)
class Evaluation:
    """Every system's beads per document, and the corpus lexicon's size and evidence."""

    documents: list[Document]
    systems: dict[str, list[Beads]]
    lexicon_entries: int
    evidence_pairs: int

    @property
    def golds(self) -> list[Beads]:
        return [doc.gold for doc in self.documents]

    def scores(self, system: str) -> dict[str, float]:
        return score(self.golds, self.systems[system])


PASS_1, AUTO, PASS_2, GALE_CHURCH = "ours pass 1", "ours auto (per doc)", "ours pass 2 (corpus)", "gale-church"


def evaluate(documents: Sequence[Document] | None = None) -> Evaluation:
    """Run every system over ``documents`` (the committed set when None)."""
    documents = list(documents if documents is not None else load_documents())
    first = first_pass(documents)
    lexicon, evidence = corpus_lexicon(documents, first)
    systems = {
        PASS_1: [as_pairs(beads) for beads in first],
        AUTO: [as_pairs(beads) for beads in per_document_auto(documents)],
        PASS_2: [as_pairs(beads) for beads in second_pass(documents, lexicon)],
        GALE_CHURCH: [as_pairs(beads) for beads in first_pass(documents, gale_church_aligner())],
    }
    return Evaluation(documents, systems, len(lexicon), evidence)


def describe_data(documents: Sequence[Document]) -> str:
    english = sum(len(doc.english) for doc in documents)
    russian = sum(len(doc.russian) for doc in documents)
    beads = [bead for doc in documents for bead in doc.gold]
    kinds = Counter(shape(bead) for bead in beads)
    other = len(beads) - kinds["1-1"]
    listed = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items(), key=lambda item: -item[1]))
    return (
        f"{len(documents)} documents, {english} English / {russian} Russian sentences, {len(beads)} gold beads "
        f"({listed}; {other / len(beads):.1%} not 1-1)"
    )


def main() -> None:
    result = evaluate()
    print("\nSentence alignment, hand-translated seed documents (benchmarks/seed_translations), no MT")
    print(describe_data(result.documents))
    print(f"corpus lexicon for pass 2: {result.lexicon_entries} entries from {result.evidence_pairs} confident pairs")
    print(f"{'system':<24}{'strict P':>9}{'R':>7}{'F1':>7}{'lax P':>8}{'R':>7}{'F1':>7}")
    for system in result.systems:
        r = result.scores(system)
        print(
            f"{system:<24}{r['strict_p']:>9.3f}{r['strict_r']:>7.3f}{r['strict_f1']:>7.3f}"
            f"{r['lax_p']:>8.3f}{r['lax_r']:>7.3f}{r['lax_f1']:>7.3f}"
        )
    print(f"target (issue #18): strict F1 >= {TARGET_F1}")
    print(
        "issue #18, their held-out translations, not this set: "
        + ", ".join(f"{name} {value:.3f}" for name, value in ISSUE_FIGURES)
    )
    print("\nRecall of gold beads by type (found / gold)")
    for system in (PASS_1, AUTO, PASS_2):
        recalls = recall_by_shape(result.golds, result.systems[system])
        print(f"  {system:<22}" + "   ".join(f"{kind}: {hit}/{total}" for kind, (hit, total) in recalls.items()))


if __name__ == "__main__":
    main()
