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

Profiles hold their keys as sorted 64-bit hashes (``key_hashes``), not strings: at a million
sentences the driver holds tens of thousands of profiles at once, and a set of strings costs some
forty times the memory of the same keys as a numpy array. Scoring runs on those arrays, a chunk of
English documents at a time, so its memory is bounded too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from hashlib import blake2b
from urllib.parse import urlsplit

import numpy as np

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
CHUNK_EXPANSIONS = 1 << 18
"""Shared-key postings expanded at once while scoring (some 20 MB of arrays)."""
PROFILE_BATCH = 4096
"""Profiles whose keys are gathered into one array at a time."""
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


@dataclass(frozen=True, eq=False)
class PairingProfile:
    """What pairing needs to know of a document: a few numbers and its set of content keys."""

    doc_id: str
    lang: str
    """``en`` or ``ru``."""
    url_key: str | None
    """``url_key(document.url)``."""
    length: int
    """Characters of the normalised text."""
    keys: np.ndarray
    """Content keys (numbers, name and cognate skeletons: ``document_keys``) as ``key_hashes``."""


@dataclass(frozen=True, eq=False)
class KeyCounts:
    """How many documents of the build hold each key: the rarity that weighs the keys."""

    keys: np.ndarray
    """Sorted unique key hashes."""
    documents: np.ndarray
    """For each key, the number of documents holding it."""
    total: int
    """Documents counted."""

    @classmethod
    def of(cls, profiles: Sequence[PairingProfile]) -> KeyCounts:
        return cls(*_key_counts(profiles), len(profiles))

    def frequency(self, keys: np.ndarray) -> np.ndarray:
        """Documents holding each of ``keys`` (which must all have been counted)."""
        return self.documents[np.searchsorted(self.keys, keys)]


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


def key_hashes(keys: Iterable[str]) -> np.ndarray:
    """Sorted unique 64-bit hashes of content keys, the lowest bit set for numbers (``#…``),
    which count on one side alone. Two distinct keys of a build share a hash with odds of about
    one in twenty million at a million distinct keys (the birthday bound over 63 bits; a
    million-sentence synthetic crawl has 75,000), and a shared hash only adds one key's weight
    to the similarities it enters."""
    hashes = {
        (int.from_bytes(blake2b(key.encode(), digest_size=8).digest(), "little") & ~1) | key.startswith("#")
        for key in keys
    }
    return np.array(sorted(hashes), dtype=np.uint64)


def profile(document: Document) -> PairingProfile:
    """The document's pairing summary."""
    keys = key_hashes(document_keys(document))
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
        pairs.extend(_pair_by_content(left_en, left_ru, KeyCounts.of(ordered), confirm))
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
    english: Sequence[PairingProfile], russian: Sequence[PairingProfile], counts: KeyCounts
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """``(english indices, russian indices, similarities)`` of every pair that shares a counted
    key and has plausible relative lengths, in chunks that never split an English document's
    candidates; every other pair has similarity 0.

    The similarity is the cosine of the two documents' key vectors weighted by IDF (over
    ``counts``), so each shared key adds its IDF squared. Cost: the sum over the keys of the
    English × Russian documents that hold them, each key being in at most ``MAX_KEY_DOCUMENTS``.
    """
    en_keys, en_owner, en_squares, en_shared = _counted_entries(english, _key_counts(russian)[0], counts)
    ru_keys, ru_owner, ru_squares, ru_shared = _counted_entries(russian, _key_counts(english)[0], counts)
    en_norms = np.bincount(en_owner, weights=en_squares, minlength=len(english))
    ru_norms = np.bincount(ru_owner, weights=ru_squares, minlength=len(russian))
    en_lengths = np.array([max(p.length, 1) for p in english], dtype=np.int64)
    ru_lengths = np.array([max(p.length, 1) for p in russian], dtype=np.int64)

    shared_keys = ru_keys[ru_shared]
    order = np.argsort(shared_keys, kind="stable")
    posting_keys, posting_owners = shared_keys[order], ru_owner[ru_shared][order]
    first = np.searchsorted(posting_keys, en_keys, "left")
    fanout = np.where(en_shared, np.searchsorted(posting_keys, en_keys, "right") - first, 0)

    document_ends = np.cumsum(np.bincount(en_owner, minlength=len(english)))
    expanded_through = np.r_[0, np.cumsum(fanout)][document_ends]  # postings up to each document's end
    begin = 0
    while begin < len(english):
        before = int(expanded_through[begin - 1]) if begin else 0
        end = max(begin + 1, int(np.searchsorted(expanded_through, before + CHUNK_EXPANSIONS, "right")))
        entries = slice(int(document_ends[begin - 1]) if begin else 0, int(document_ends[end - 1]))
        begin = end
        counts_here = fanout[entries]
        total = int(counts_here.sum())
        if not total:
            continue
        offsets = np.arange(total) - np.repeat(np.cumsum(counts_here) - counts_here, counts_here)
        e = np.repeat(en_owner[entries], counts_here)
        r = posting_owners[np.repeat(first[entries], counts_here) + offsets]
        pairs, where = np.unique(e * len(russian) + r, return_inverse=True)
        overlap = np.bincount(where, weights=np.repeat(en_squares[entries], counts_here))
        e, r = pairs // len(russian), pairs % len(russian)
        ratio = en_lengths[e] / ru_lengths[r]
        plausible = (ratio >= 1 / MAX_LENGTH_RATIO) & (ratio <= MAX_LENGTH_RATIO)
        e, r, overlap = e[plausible], r[plausible], overlap[plausible]
        yield e, r, overlap / np.sqrt(en_norms[e] * ru_norms[r])


def _concatenated(arrays: Sequence[np.ndarray]) -> np.ndarray:
    return np.concatenate(arrays) if len(arrays) else np.empty(0, dtype=np.uint64)


def _batches(profiles: Sequence[PairingProfile]) -> Iterator[tuple[int, Sequence[PairingProfile]]]:
    """The profiles a few thousand at a time, with the index of each batch's first: arrays of all
    the keys at once would be several times the size of the profiles themselves."""
    for start in range(0, len(profiles), PROFILE_BATCH):
        yield start, profiles[start : start + PROFILE_BATCH]


def _key_counts(profiles: Sequence[PairingProfile]) -> tuple[np.ndarray, np.ndarray]:
    """The profiles' sorted unique keys, and the number of profiles holding each."""
    keys, counts = [], []
    for _, batch in _batches(profiles):
        found, found_counts = np.unique(_concatenated([p.keys for p in batch]), return_counts=True)
        keys.append(found)
        counts.append(found_counts)
    unique, where = np.unique(_concatenated(keys), return_inverse=True)
    total = np.bincount(where, weights=np.concatenate(counts), minlength=len(unique)) if counts else np.empty(0)
    return unique, total.astype(np.int64)


def _counted_entries(
    profiles: Sequence[PairingProfile], other_language: np.ndarray, counts: KeyCounts
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The profiles' counted keys (``_squares`` above 0), in profile order: the keys, the index
    of the profile holding each, its square weight, and whether ``other_language`` has it.
    Most keys of a large build are too common to count, so these arrays are small."""
    parts: list[tuple[np.ndarray, ...]] = []
    for start, batch in _batches(profiles):
        keys = _concatenated([p.keys for p in batch])
        owners = start + np.repeat(np.arange(len(batch)), [len(p.keys) for p in batch])
        shared = np.isin(keys, other_language)
        squares = _squares(keys, shared, counts)
        counted = squares > 0
        parts.append((keys[counted], owners[counted], squares[counted], shared[counted]))
    if not parts:
        return np.empty(0, np.uint64), np.empty(0, np.int64), np.empty(0), np.empty(0, bool)
    keys, owners, squares, shared = (np.concatenate(column) for column in zip(*parts))
    return keys, owners, squares, shared


def _squares(keys: np.ndarray, shared: np.ndarray, counts: KeyCounts) -> np.ndarray:
    """Each key's IDF weight squared (an exact integer, held as a float), or 0 where it is not
    counted: in too many documents, or a name or cognate the other language lacks."""
    if not len(keys):
        return np.zeros(0)
    frequency = counts.frequency(keys)
    counted = (frequency <= MAX_KEY_DOCUMENTS) & (shared | (keys & np.uint64(1)).astype(bool))
    weights = np.rint(WEIGHT_SCALE * np.log1p(counts.total / frequency))
    return np.where(counted, weights * weights, 0.0)


def _pair_by_content(
    english: list[PairingProfile],
    russian: list[PairingProfile],
    counts: KeyCounts,
    confirm: Confirm | None,
) -> list[DocumentPair]:
    """Mutual best matches with enough similarity and margin (and, with ``confirm``, confirmed).

    With ``confirm``, the rules run in rounds: each round sends the pairs they would accept, with
    the candidates standing within their margin, to ``confirm``; a rejected candidate drops out
    and the next round sees the rest. Only what could change a decision is ever checked.
    """
    for_english, for_russian = _rankings(content_similarities(english, russian, counts), len(english), len(russian))
    verdicts: dict[tuple[int, int], bool] = {}
    while True:
        accepted, unknown = _decide(for_english, for_russian, verdicts, confirm is not None)
        if not unknown:
            return [DocumentPair(english[e].doc_id, russian[r].doc_id, "content", round(s, 4)) for e, r, s in accepted]
        assert confirm is not None  # _decide leaves pairs unknown only when confirming
        asked = sorted(unknown)
        scores = confirm([(english[e].doc_id, russian[r].doc_id) for e, r in asked])
        verdicts.update((pair, score >= MIN_AGREEMENT) for pair, score in zip(asked, scores))


Ranking = list[tuple[float, int]]
"""A document's best candidates as ``(-similarity, other index)``, best first."""


def _rankings(
    similarities: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]], english: int, russian: int
) -> tuple[list[Ranking], list[Ranking]]:
    """The ``MAX_REJECTIONS + 1`` best candidates of every English and every Russian document."""
    kept = MAX_REJECTIONS + 1
    for_english: list[Ranking] = [[] for _ in range(english)]
    ru, ru_other, ru_similarity = np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    for e, r, similarity in similarities:
        # A chunk holds all of its English documents' candidates, but Russian ones span chunks.
        chosen = _best(e, r, similarity, kept)
        for index, other, s in zip(e[chosen].tolist(), r[chosen].tolist(), similarity[chosen].tolist()):
            for_english[index].append((-s, other))
        ru, ru_other, ru_similarity = np.r_[ru, r], np.r_[ru_other, e], np.r_[ru_similarity, similarity]
        chosen = _best(ru, ru_other, ru_similarity, kept)
        ru, ru_other, ru_similarity = ru[chosen], ru_other[chosen], ru_similarity[chosen]
    for_russian: list[Ranking] = [[] for _ in range(russian)]
    for index, other, s in zip(ru.tolist(), ru_other.tolist(), ru_similarity.tolist()):
        for_russian[index].append((-s, other))
    return for_english, for_russian


def _best(group: np.ndarray, other: np.ndarray, similarity: np.ndarray, kept: int) -> np.ndarray:
    """Indices of the ``kept`` best entries of each group (highest similarity, then lowest
    ``other``), in that order."""
    order = np.lexsort((other, -similarity, group))
    grouped = group[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]]) if len(grouped) else np.empty(0, np.int64)
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    return order[rank < kept]


def _decide(
    for_english: list[Ranking],
    for_russian: list[Ranking],
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
    ranking: Ranking, verdicts: dict[tuple[int, int], bool], pair_of: Callable[[int], tuple[int, int]]
) -> Ranking:
    """A document's candidates not rejected; none once ``MAX_REJECTIONS`` are, as its ranking
    (``MAX_REJECTIONS + 1`` long) might no longer hold the runner-up."""
    standing = [(s, other) for s, other in ranking if verdicts.get(pair_of(other)) is not False]
    return standing if len(ranking) - len(standing) < MAX_REJECTIONS else []
