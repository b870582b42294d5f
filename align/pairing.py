"""Finding the documents of a build that are translations of each other.

Pairing works on small per-document summaries (``PairingProfile``), never on whole texts, so that
only summaries need to be global when the build is sharded.

Government sites publish a page in both languages under related addresses
(``government.ru/en/news/41467/`` ↔ ``government.ru/news/41467/``, ``en.kremlin.ru/…`` ↔
``kremlin.ru/…``), so documents are paired by URL first: the address with its language marker
removed must be the same. Documents without a usable address are paired by content: the numbers,
names and cognates the two texts share (the aligner's keys).

Content pairing must be right where pages are short and look alike, and fast on large builds:

* Keys weigh by rarity, ``idf = ln(1 + N / df)`` over the ``N`` documents of the build, so a
  report number two pages share outweighs a name on a hundred pages. Keys in more than
  ``MAX_KEY_DOCUMENTS`` documents are left out: they cannot tell pages apart, and leaving them out
  keeps every posting list short.
* The similarity of two documents is the cosine of their IDF-weighted key vectors: each shared
  key adds ``idf²``, so a rare key counts for much more than the few years and small numbers two
  unrelated short pages share by chance. A cognate or name skeleton counts only when both
  languages have it (``weather`` on English pages can never join a pair); a number always counts,
  because a translation keeps its numbers: a number only one side has is evidence against the
  pair, even when no document of the other language has it.
* Only pairs sharing a key are scored, through an inverted index over the Russian documents:
  work grows with the postings of the keys, never with English × Russian.
* A content pair must be each document's best match, reach ``MIN_CONTENT_SIMILARITY``, beat
  either document's next-best candidate by ``MIN_MARGIN`` and have plausible relative lengths:
  two pages on the same topic share keys too, and a wrong pair would publish misaligned sentences
  as human translations.
* With ``confirm`` (the sentence aligner, ``alignment_agreement``), a pair is accepted only when
  confirmed, and a rival within its margin only stands in its way when confirmed too; a rejected
  candidate drops out and the next best is considered (at most ``MAX_REJECTIONS`` per
  document). Without ``confirm``, the profiles alone decide by the rules above, as the pairing
  always has: conservative, so a near tie leaves both documents unpaired (to be translated).

Weights are integers (``WEIGHT_SCALE``), so similarities do not depend on summation order, and
documents are ranked with ties broken by ``doc_id``: the pairs never depend on input order.
"""

from __future__ import annotations

import math
import sys
from bisect import insort
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from .aligner import NUMBER, Aligner, align, lowercase_vocabulary, number_key, sentence_features
from .records import Document

LANGUAGE_HOST_PREFIXES = ("en.", "eng.", "ru.", "rus.")
LANGUAGE_PATH_SEGMENTS = {"en", "eng", "english", "ru", "rus", "russian"}
MIN_CONTENT_SIMILARITY = 0.5
"""On the weighted cosine: translations score 0.65 and more, unrelated pages sharing a few
numbers and names by chance up to 0.45 (``benchmarks/synthetic.py`` crawls of 200–10,000 pages)."""
MIN_MARGIN = 1.5
MAX_LENGTH_RATIO = 2.5
MAX_KEY_DOCUMENTS = 100
"""A key found in more documents than this is skipped: it is too common to tell pages apart, and
it would make its posting list (and the candidates it generates) long."""
WEIGHT_SCALE = 1000
MAX_REJECTIONS = 3
"""A document whose candidates ``confirm`` rejects this many times is left unpaired."""
GOOD_BEAD_SCORE = 0.6
"""An aligner bead score (``exp(-cost / 8)``) that translated sentences reach (0.65–0.8) and
unrelated ones mostly do not."""
MIN_AGREEMENT = 0.7
"""``alignment_agreement`` below this rejects a candidate pair. Synthetic pages (a crawl of
``benchmarks/synthetic.py``): 3 of 1,600 translations below (0.59–0.64, sentences missing on both sides), wrong
candidates 0.60 at most. Tatoeba blocks of 8–40 pairs: translations 0.69 and more, unrelated
blocks up to 0.71: short everyday sentences without numbers or names give the aligner little to
go on, which is why only candidates whose keys already match are ever checked."""
AGREEMENT_ALIGNER = Aligner(coarse_band=6, corridor=3, beads=((1, 1), (2, 1), (1, 2), (1, 0), (0, 1)))
"""The default scorers in a narrower search without 2-2 beads (which never agree): translations
align near the diagonal, so the check costs half as much and gave the same agreement on every
benchmark candidate tried."""


@dataclass(frozen=True)
class PairingProfile:
    """What pairing needs to know of a document: a few numbers and its set of content keys."""

    doc_id: str
    lang: str
    """``en`` or ``ru``."""
    url_key: str | None
    """``url_key(document.url)``."""
    length: int
    """Characters of the normalised text."""
    keys: frozenset[str]
    """Content keys: numbers, name and cognate skeletons (``document_keys``)."""


@dataclass(frozen=True)
class DocumentPair:
    english: str
    """``doc_id`` of the English document."""
    russian: str
    """``doc_id`` of the Russian document."""
    method: str
    """``url`` or ``content``."""
    similarity: float


Confirm = Callable[[Sequence[tuple[str, str]]], Sequence[float]]
"""Given ``(english_id, russian_id)`` candidates, an agreement score in [0, 1] for each from the
sentence aligner (``alignment_agreement`` of the two documents' sentences)."""


def url_key(url: str | None) -> str | None:
    """The address with its language marker removed, or ``None`` when there is no address."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    host = parts.netloc.lower()
    host = host[4:] if host.startswith("www.") else host
    for prefix in LANGUAGE_HOST_PREFIXES:
        if host.startswith(prefix):
            host = host[len(prefix) :]
            break
    segments = [segment for segment in parts.path.split("/") if segment]
    if segments and segments[0].lower() in LANGUAGE_PATH_SEGMENTS:
        segments = segments[1:]
    return f"{host}/{'/'.join(segments)}" if host else None


def document_keys(document: Document) -> frozenset[str]:
    """The aligner's keys of every line of the document."""
    lines = [line for line in document.text.split("\n") if line.strip()]
    common = lowercase_vocabulary(lines)
    keys: set[str] = set()
    for line in lines:
        keys |= sentence_features(line, document.lang, common=common).keys
    return frozenset(keys)


def profile(document: Document) -> PairingProfile:
    """The document's pairing summary; keys are interned, as many documents share them."""
    keys = frozenset(sys.intern(key) for key in document_keys(document))
    return PairingProfile(document.doc_id, document.lang, url_key(document.url), len(document.text), keys)


def alignment_agreement(english: Sequence[str], russian: Sequence[str]) -> float:
    """How much two sentence lists look like translations of each other, from 0 to 1.

    The share of all sentences (both sides) that the aligner puts in *agreeing* beads: 1-1, 1-2
    or 2-1 beads scoring at least ``GOOD_BEAD_SCORE`` whose two sides share a number whenever
    either side has one. A translation aligns almost wholly so (0.9 and more on most synthetic
    pages, 1.0 on the test fixture); unrelated pages score far lower, also when they are made of
    similar sentences (``… 12 schools`` against ``… 40 школ``), because translations keep their
    numbers. Below ``MIN_AGREEMENT`` a candidate pair is rejected.
    """
    if not english or not russian:
        return 0.0
    english_numbers = [_numbers(text) for text in english]
    russian_numbers = [_numbers(text) for text in russian]
    agreeing = 0
    for bead in align(english, russian, "en", "ru", aligner=AGREEMENT_ALIGNER):
        if not bead.src or not bead.tgt or len(bead.src) + len(bead.tgt) > 3 or bead.score < GOOD_BEAD_SCORE:
            continue
        left = set().union(*(english_numbers[i] for i in bead.src))
        right = set().union(*(russian_numbers[j] for j in bead.tgt))
        if left & right or not (left or right):
            agreeing += len(bead.src) + len(bead.tgt)
    return agreeing / (len(english) + len(russian))


def _numbers(text: str) -> set[str]:
    return {number_key(token) for token in NUMBER.findall(text)}


def pair_documents(profiles: Sequence[PairingProfile], confirm: Confirm | None = None) -> list[DocumentPair]:
    """English–Russian document pairs, by URL where addresses match, else by shared content;
    sorted by ``(english, russian)``."""
    ordered = sorted(profiles, key=lambda p: p.doc_id)
    english = [p for p in ordered if p.lang == "en"]
    russian = [p for p in ordered if p.lang == "ru"]
    pairs = _pair_by_url(english, russian)
    used = {doc_id for pair in pairs for doc_id in (pair.english, pair.russian)}
    left_en = [p for p in english if p.doc_id not in used]
    left_ru = [p for p in russian if p.doc_id not in used]
    if left_en and left_ru:
        frequency = Counter(key for p in ordered for key in p.keys)
        pairs.extend(_pair_by_content(left_en, left_ru, frequency, len(ordered), confirm))
    return sorted(pairs, key=lambda p: (p.english, p.russian))


def _pair_by_url(english: list[PairingProfile], russian: list[PairingProfile]) -> list[DocumentPair]:
    """Pairs whose addresses match; among documents with the same address the first by id wins."""
    by_key: dict[str, str] = {}
    for document in russian:
        if document.url_key:
            by_key.setdefault(document.url_key, document.doc_id)
    pairs, used = [], set()
    for document in english:
        partner = by_key.get(document.url_key or "")
        if partner and partner not in used:
            pairs.append(DocumentPair(document.doc_id, partner, "url", 1.0))
            used.add(partner)
    return pairs


def content_similarities(
    english: Sequence[PairingProfile], russian: Sequence[PairingProfile], frequency: Counter, documents: int
) -> Iterator[tuple[int, int, float]]:
    """``(english index, russian index, similarity)`` of every pair that shares a counted key and
    has plausible relative lengths; every other pair has similarity 0.

    ``frequency`` counts, for each key, the documents of the build that have it (``documents`` of
    them). The similarity is the cosine of the two documents' key vectors weighted by IDF, so each
    shared key adds its IDF squared. Cost: the sum over the keys of the English × Russian
    documents that hold them, each key being in at most ``MAX_KEY_DOCUMENTS``.
    """
    both = {key for p in english for key in p.keys} & {key for p in russian for key in p.keys}
    squares = {
        key: round(WEIGHT_SCALE * math.log1p(documents / frequency[key])) ** 2
        for p in (*english, *russian)
        for key in p.keys
        if frequency[key] <= MAX_KEY_DOCUMENTS and (key in both or key.startswith("#"))
    }
    postings: dict[str, list[int]] = {}
    russian_norms = []
    for index, document in enumerate(russian):
        for key in document.keys & both:
            if key in squares:
                postings.setdefault(key, []).append(index)
        russian_norms.append(sum(squares.get(key, 0) for key in document.keys))
    for e, document in enumerate(english):
        shared: Counter = Counter()
        norm = 0
        for key in document.keys & squares.keys():
            square = squares[key]
            norm += square
            for r in postings.get(key, ()):
                shared[r] += square
        for r, overlap in shared.items():
            if _plausible_lengths(document.length, russian[r].length):
                yield e, r, overlap / math.sqrt(norm * russian_norms[r])


def _plausible_lengths(english: int, russian: int) -> bool:
    return 1 / MAX_LENGTH_RATIO <= max(english, 1) / max(russian, 1) <= MAX_LENGTH_RATIO


def _pair_by_content(
    english: list[PairingProfile],
    russian: list[PairingProfile],
    frequency: Counter,
    documents: int,
    confirm: Confirm | None,
) -> list[DocumentPair]:
    """Mutual best matches with enough similarity and margin (and, with ``confirm``, confirmed).

    With ``confirm``, the rules run in rounds: each round sends the pairs they would accept, with
    the candidates standing within their margin, to ``confirm``; a rejected candidate drops out
    and the next round sees the rest. Only what could change a decision is ever checked.
    """
    kept = MAX_REJECTIONS + 1
    for_english: list[list[tuple[float, int]]] = [[] for _ in english]
    for_russian: list[list[tuple[float, int]]] = [[] for _ in russian]
    for e, r, similarity in content_similarities(english, russian, frequency, documents):
        for ranking, entry in ((for_english[e], (-similarity, r)), (for_russian[r], (-similarity, e))):
            if len(ranking) < kept or entry < ranking[-1]:
                insort(ranking, entry)
                del ranking[kept:]
    verdicts: dict[tuple[int, int], bool] = {}
    while True:
        accepted, unknown = _decide(for_english, for_russian, verdicts, confirm is not None)
        if not unknown:
            return [DocumentPair(english[e].doc_id, russian[r].doc_id, "content", round(s, 4)) for e, r, s in accepted]
        assert confirm is not None  # _decide leaves pairs unknown only when confirming
        asked = sorted(unknown)
        scores = confirm([(english[e].doc_id, russian[r].doc_id) for e, r in asked])
        verdicts.update((pair, score >= MIN_AGREEMENT) for pair, score in zip(asked, scores))


def _decide(
    for_english: list[list[tuple[float, int]]],
    for_russian: list[list[tuple[float, int]]],
    verdicts: dict[tuple[int, int], bool],
    confirming: bool,
) -> tuple[list[tuple[int, int, float]], set[tuple[int, int]]]:
    """The pairs the rules accept given the verdicts so far, and the candidates to confirm next.

    A rival is a candidate of either document within ``MIN_MARGIN`` of the pair's similarity: a
    confirmed rival blocks the pair, a rejected one is out of the way, an unchecked one is
    checked (with the pair) when confirming and blocks otherwise.
    """
    accepted, unknown = [], set()
    for e, ranking in enumerate(for_english):
        # _standing calls pair_of before returning, so the loop variables it closes over are current.
        mine = _standing(ranking, verdicts, lambda r: (e, r))  # noqa: B023
        if not mine:
            continue
        similarity, r = -mine[0][0], mine[0][1]
        theirs = _standing(for_russian[r], verdicts, lambda other: (other, r))  # noqa: B023
        if not theirs or theirs[0][1] != e or similarity < MIN_CONTENT_SIMILARITY:
            continue
        rivals = [(e, other) for s, other in mine[1:] if -s * MIN_MARGIN > similarity]
        rivals += [(other, r) for s, other in theirs[1:] if -s * MIN_MARGIN > similarity]
        if not confirming:
            if not rivals:
                accepted.append((e, r, similarity))
        elif not any(verdicts.get(rival) for rival in rivals):
            unchecked = [pair for pair in [(e, r), *rivals] if pair not in verdicts]
            if unchecked:
                unknown.update(unchecked)
            else:
                accepted.append((e, r, similarity))
    return accepted, unknown


def _standing(
    ranking: list[tuple[float, int]], verdicts: dict[tuple[int, int], bool], pair_of: Callable[[int], tuple[int, int]]
) -> list[tuple[float, int]]:
    """A document's candidates not rejected; none once ``MAX_REJECTIONS`` are, as its ranking
    (``MAX_REJECTIONS + 1`` long) might no longer hold the runner-up."""
    standing = [(s, other) for s, other in ranking if verdicts.get(pair_of(other)) is not False]
    return standing if len(ranking) - len(standing) < MAX_REJECTIONS else []
