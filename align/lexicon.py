"""A bilingual lexicon learned from the corpus being aligned, and the scorer that uses it.

Length, numbers, names and cognates (``align.aligner``) say little about short everyday
sentences, and nothing about two sentences that share no name: "Tom is a teacher." /
"Том учитель." against "I love you." / "Я тебя люблю.". But a corpus of translations teaches its
own dictionary. hunalign's ``-realign`` aligns once, learns word pairs from the result and aligns
again; here the learning is corpus-wide, over every document pair of a build:

1. align every document pair without a lexicon;
2. keep the *confident* 1-1 beads (``confident_pairs``): both neighbours are 1-1 beads too and
   the bead scores well, so the pair is very likely a translation;
3. estimate word translation probabilities on those pairs with IBM Model 1 in both directions
   (``learn``): EM over stems, with an empty word to absorb words that translate to nothing;
4. keep the stem pairs each direction agrees on (both probabilities at least
   ``MIN_PROBABILITY``) and that co-occur in at least ``MIN_COOCCURRENCE`` pairs;
5. align again with the ``LexiconScorer``: how many of the words the lexicon knows on each side
   find their translation on the other side.

Words are reduced to stems by a light suffix stripper (``stem``): crude, but the lexicon is
learned and used with the same stems, so all it must do is make inflected forms meet.

Everything is deterministic: stems, vocabularies and EM sums are computed in input order, so the
same corpus gives the same lexicon byte for byte (``Lexicon.text``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path

import numpy as np

from .aligner import (
    BLOCK,
    Aligner,
    Bead,
    Dictionary,
    PairTables,
    Scorer,
    SetTable,
    dice_cost,
    features_of,
    path_corridor,
    set_table,
    to_beads,
    with_extra_scorers,
)

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# fmt: off
RUSSIAN_ENDINGS = sorted(
    ["ами", "ями", "ого", "его", "ому", "ему", "ыми", "ими", "ешь", "ете", "ите", "ишь", "ться", "тся", "ать", "ять", "ить", "еть", "уть", "ала", "ило", "али", "ила", "ула", "ой", "ей", "ий", "ый", "ая", "яя", "ое", "ее", "ые", "ие", "ую", "юю", "ом", "ем", "ам", "ям", "ах", "ях", "ов", "ев", "ым", "им", "ют", "ут", "ит", "ат", "ят", "ет", "ть", "ла", "ло", "ли", "а", "я", "о", "е", "ы", "и", "у", "ю", "ь", "й"],
    key=len,
    reverse=True,
)
# fmt: on
ENGLISH_ENDINGS = ("ing", "ed", "es", "s", "e", "ly")
MIN_STEM = 3
STEM_LENGTH = 7
"""Stems are cut here: long compounds then meet their shorter forms (``правительств…``)."""
ITERATIONS = 6
MIN_PROBABILITY = 0.1
MIN_COOCCURRENCE = 2
MIN_EVIDENCE = 100
"""Fewer confident sentence pairs than this teach nothing: a dozen pairs link every frequent
word to every other (``in`` to ``в`` and to ``и``), which misleads more than it helps. On the
Tatoeba documents (``python -m benchmarks.eval_lexicon_evidence``), lexicons learned from 60 or
80 pairs left the second pass worse than the first in 6 of 16 samples; from 100 or 130, in none."""
MAX_EVIDENCE = 5000
"""At most this many confident pairs teach the lexicon, taken evenly across all of them (so every
part of the corpus speaks). Model 1's arrays grow with the pairs times their words, so learning
from every pair of a million-sentence crawl held over a gigabyte; a few thousand pairs already
give the word translations that matter for alignment."""
CONFIDENT_SCORE = 0.55
"""Bead score (``exp(-cost / 8)``) a first-pass 1-1 bead needs to teach the lexicon."""
STEMMED = "# align lexicon: stems"
SURE_LINK = 0.4
"""A link at least this strong counts as a whole match in the scorer; weaker ones in proportion."""
NULL = 0
"""Vocabulary id of the empty word in IBM Model 1."""
LEXICON_VERSION = 3
"""Part of a build's shard keys: raise it when learning or the lexicon scorer changes, so no stale row is reused."""


RUSSIAN_ENDING = re.compile(f"^(.{{{MIN_STEM},}}?)(?:{'|'.join(RUSSIAN_ENDINGS)})$")
ENGLISH_ENDING = re.compile(f"^(.{{{MIN_STEM},}}?)(?:{'|'.join(ENGLISH_ENDINGS)})$")


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """Lowercase, the longest inflectional ending stripped that leaves at least ``MIN_STEM``
    letters, cut to ``STEM_LENGTH``: люблю/любил → люб…, governments/government → govern…"""
    word = word.lower()
    cyrillic = "а" <= word[:1] <= "я" or word[:1] == "ё"
    found = (RUSSIAN_ENDING if cyrillic else ENGLISH_ENDING).match(word)
    return (found.group(1) if found else word)[:STEM_LENGTH]


@lru_cache(maxsize=1 << 14)
def stems(text: str) -> tuple[str, ...]:
    """The distinct stems of a sentence, in order of first occurrence.

    Remembered: ``realign`` stems a document's confident sentences to learn from them, then every
    sentence to score them.
    """
    return tuple(dict.fromkeys(stem(word) for word in WORD.findall(text)))


NAME_CONNECTORS = frozenset({"of", "and", "for", "the", "on", "in", "to", "de"})
"""Lowercase words that continue an English title-case name ("Ministry of Industry and Trade")."""


def name_stems(text: str) -> set[str]:
    """Stems that occur in an English sentence only as capitalised words of title-case names:
    runs of two or more capitalised words, possibly joined by ``NAME_CONNECTORS`` ("the Ministry
    of Economic Development", "Digital Almaty Forum").

    Such names are what translations abbreviate («Минэкономразвития») or transliterate, so their
    words are weak evidence that a translation must contain their lexicon translations. A
    sentence's first word is capitalised anyway: it starts a name only when the next word is
    capitalised too.
    """
    words = WORD.findall(text)
    if sum(word[0].isupper() for word in words) < 2:
        return set()
    inside = [False] * len(words)
    start = 0
    while start < len(words):
        follows = start + 1 < len(words) and words[start + 1][0].isupper()
        if not words[start][0].isupper() or (start == 0 and not follows):
            start += 1
            continue
        end, capitalised = start + 1, [start]
        while end < len(words) and (words[end][0].isupper() or words[end].lower() in NAME_CONNECTORS):
            if words[end][0].isupper():
                capitalised.append(end)
            end += 1
        if len(capitalised) >= 2:
            for position in capitalised:
                inside[position] = True
        start = capitalised[-1] + 1
    within = {stem(word) for word, flag in zip(words, inside) if flag}
    return within - {stem(word) for word, flag in zip(words, inside) if not flag}


# ------------------------------------------------------------------------------------ lexicon


@dataclass(frozen=True)
class Lexicon:
    """English–Russian stem pairs with a weight in (0, 1], sorted: the same lexicon, the same text."""

    entries: tuple[tuple[str, str, float], ...]

    def __len__(self) -> int:
        return len(self.entries)

    def text(self) -> str:
        """``STEMMED`` then ``english<TAB>russian<TAB>weight`` lines, the format ``read`` takes."""
        return STEMMED + "\n" + "".join(f"{en}\t{ru}\t{weight:.4f}\n" for en, ru, weight in self.entries)

    def digest(self) -> str:
        return hashlib.sha256(self.text().encode("utf-8")).hexdigest()

    def write(self, path: str | Path) -> None:
        Path(path).write_text(self.text(), encoding="utf-8")

    @classmethod
    def read(cls, path: str | Path) -> Lexicon:
        """A lexicon file: ``english<TAB>russian[<TAB>weight]`` lines, ``#`` comments.

        Words are stemmed as the learner stems them, so a hand-made word list works as well as a
        file ``write`` made (whose first line, ``STEMMED``, says its words are stems already).
        """
        entries: dict[tuple[str, str], float] = {}
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        split = (lambda text: [text.strip()]) if lines[:1] == [STEMMED] else stems
        for number, line in enumerate(lines, 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) not in (2, 3) or not fields[0].strip() or not fields[1].strip():
                raise ValueError(f"{path}:{number}: expected 'english<TAB>russian[<TAB>weight]'")
            try:
                weight = float(fields[2]) if len(fields) == 3 else 1.0
            except ValueError:
                raise ValueError(f"{path}:{number}: weight {fields[2]!r} is not a number") from None
            for en in split(fields[0]):
                for ru in split(fields[1]):
                    entries[en, ru] = max(weight, entries.get((en, ru), 0.0))
        return cls(tuple(sorted((en, ru, weight) for (en, ru), weight in entries.items())))


def confident_pairs(source: Sequence[str], target: Sequence[str], beads: Sequence[Bead]) -> list[tuple[str, str]]:
    """Sentence pairs of 1-1 beads that are very likely translations: both neighbouring beads
    are 1-1 as well (an insertion, deletion or merge nearby makes a bead uncertain) and the
    bead scores at least ``CONFIDENT_SCORE``."""
    pairs = []
    for k, bead in enumerate(beads):
        if len(bead.src) != 1 or len(bead.tgt) != 1 or bead.score < CONFIDENT_SCORE:
            continue
        neighbours = beads[max(k - 1, 0) : k + 2]
        if all(len(b.src) == 1 and len(b.tgt) == 1 for b in neighbours):
            pairs.append((source[bead.src[0]], target[bead.tgt[0]]))
    return pairs


def learn(pairs: Iterable[tuple[str, str]], min_evidence: int = MIN_EVIDENCE) -> Lexicon:
    """The lexicon of English–Russian sentence ``pairs`` (IBM Model 1 both ways, intersected);
    empty from fewer than ``min_evidence`` pairs."""
    english_vocabulary: dict[str, int] = {"": NULL}
    russian_vocabulary: dict[str, int] = {"": NULL}
    sentences = []
    for english, russian in evenly(list(pairs), MAX_EVIDENCE):
        en = [english_vocabulary.setdefault(s, len(english_vocabulary)) for s in stems(english)]
        ru = [russian_vocabulary.setdefault(s, len(russian_vocabulary)) for s in stems(russian)]
        if en and ru:
            sentences.append((en, ru))
    if len(sentences) < min_evidence:
        return Lexicon(())
    english_size, russian_size = len(english_vocabulary), len(russian_vocabulary)
    forward = model_one([(en, ru) for en, ru in sentences], russian_size)
    backward = model_one([(ru, en) for en, ru in sentences], english_size)
    codes, counts = cooccurrences(sentences, russian_size)
    english_ids, russian_ids = np.divmod(codes, russian_size)
    there = forward.at(codes)
    back = backward.at(russian_ids * english_size + english_ids)
    kept = np.flatnonzero((counts >= MIN_COOCCURRENCE) & (there >= MIN_PROBABILITY) & (back >= MIN_PROBABILITY))
    weights = np.sqrt(there[kept] * back[kept]).tolist()
    english_words, russian_words = list(english_vocabulary), list(russian_vocabulary)
    entries = [
        (english_words[english_ids[k]], russian_words[russian_ids[k]], round(weight, 4))
        for k, weight in zip(kept.tolist(), weights)
    ]
    return Lexicon(tuple(sorted(entries)))


def evenly(items: list, limit: int) -> list:
    """``items`` itself when short enough, else ``limit`` of them at even steps, in order."""
    if len(items) <= limit:
        return items
    return [items[index * len(items) // limit] for index in range(limit)]


@dataclass(frozen=True)
class Probabilities:
    """Probabilities of pair codes (``source * target_size + target``), codes sorted."""

    codes: np.ndarray
    values: np.ndarray

    def at(self, codes: np.ndarray) -> np.ndarray:
        """The probability of each of ``codes``, 0 for a pair never seen."""
        if not len(self.codes):
            return np.zeros(len(codes))
        position = np.minimum(np.searchsorted(self.codes, codes), len(self.codes) - 1)
        return np.where(self.codes[position] == codes, self.values[position], 0.0)


def model_one(sentences: Sequence[tuple[list[int], list[int]]], target_size: int) -> Probabilities:
    """IBM Model 1 translation probabilities ``t(target | source)``, by EM over all pairs at once.

    Every (pair, source word or NULL, target word) triple is a row of flat arrays; one EM
    iteration is a few ``bincount``s.
    """
    source_ids, target_ids, token_ids = _cross([[NULL, *source] for source, _ in sentences], [t for _, t in sentences])
    token = sum(len(target) for _, target in sentences)
    codes, pair_of = np.unique(source_ids * target_size + target_ids, return_inverse=True)
    pair_source = codes // target_size
    probability = np.ones(len(codes))
    for _ in range(ITERATIONS):
        weight = probability[pair_of]
        share = weight / np.bincount(token_ids, weight, minlength=token)[token_ids]
        counts = np.bincount(pair_of, share, minlength=len(codes))
        probability = counts / np.bincount(pair_source, counts)[pair_source]
    return Probabilities(codes, probability)


def _cross(sources: Sequence[list[int]], targets: Sequence[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (source word, target word) of every sentence pair, source-major within a pair, as
    flat arrays: source ids, target ids, and each target word's position among all target words
    (its token). Built in a few array operations, not a few per sentence."""
    source_lengths = np.fromiter(map(len, sources), np.int64, len(sources))
    target_lengths = np.fromiter(map(len, targets), np.int64, len(targets))
    flat_sources = np.fromiter(chain.from_iterable(sources), np.int64, int(source_lengths.sum()))
    flat_targets = np.fromiter(chain.from_iterable(targets), np.int64, int(target_lengths.sum()))
    source_starts = np.cumsum(source_lengths) - source_lengths
    target_starts = np.cumsum(target_lengths) - target_lengths
    cells = source_lengths * target_lengths
    pair = np.repeat(np.arange(len(sources)), cells)
    local = np.arange(int(cells.sum())) - np.repeat(np.cumsum(cells) - cells, cells)
    width = target_lengths[pair]
    tokens = target_starts[pair] + local % width
    return flat_sources[source_starts[pair] + local // width], flat_targets[tokens], tokens


def cooccurrences(sentences: Sequence[tuple[list[int], list[int]]], target_size: int) -> tuple[np.ndarray, np.ndarray]:
    """In how many pairs each (English, Russian) stem pair occurs together, NULL left out: pair
    codes (``english * target_size + russian``, sorted) and their counts."""
    english_ids, russian_ids, _ = _cross([en for en, _ in sentences], [ru for _, ru in sentences])
    return np.unique(english_ids * target_size + russian_ids, return_counts=True)


# ------------------------------------------------------------------------------------- scorer


class LexiconScorer(Scorer):
    """How much of each side the lexicon can account for on the other side.

    A sentence's *known* stems are those the lexicon has an entry for; each known stem brings the
    ids of its entries (links). A bead's cost is ``1 - 2 × shared links / (known stems on both
    sides)``, capped to [0, 1], where a shared link counts by its weight: 0 when every known word
    finds a sure translation, 1 when none finds any, and a neutral 0.5 when neither side has a
    known word. Weighting matters: a frequent word with no translation (``the``) picks up weak
    links to whatever it co-occurred with, which must not make two unrelated sentences look alike. It is bound to the sentences of one
    document pair (not to their features), so the coarse pass over blocks leaves it out.
    """

    blocks = False

    def __init__(
        self,
        lexicon: Lexicon,
        source: Sequence[str],
        target: Sequence[str],
        source_lang: str = "en",
        weight: float = 3.0,
    ):
        self.weight = weight
        self.weights = np.minimum(np.array([w for _, _, w in lexicon.entries], dtype=float) / SURE_LINK, 1.0)
        english_links: dict[str, list[int]] = {}
        russian_links: dict[str, list[int]] = {}
        for link, (en, ru, _) in enumerate(lexicon.entries):
            english_links.setdefault(en, []).append(link)
            russian_links.setdefault(ru, []).append(link)
        source_links, target_links = (
            (english_links, russian_links) if source_lang == "en" else (russian_links, english_links)
        )
        self.source = _LinkedSentences(source, source_links, english=source_lang == "en")
        self.target = _LinkedSentences(target, target_links, english=source_lang != "en")

    def costs(self, pair: PairTables, a: int, b: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return dice_cost(self.source.table(a), self.target.table(b), i, j, self.weights)


class _LinkedSentences:
    """One side's sentences as lexicon links, with set tables per bead size built on demand.

    On the English side, known stems found only inside title-case names (``name_stems``) bring
    their links, so a translation that spells the name out still matches, but are not counted
    among the stems a translation must account for.
    """

    def __init__(self, texts: Sequence[str], links: dict[str, list[int]], english: bool = False):
        self.links: list[list[int]] = []
        self.known: list[list[int]] = []
        stem_ids: dict[str, int] = {}
        for text in texts:
            known = [s for s in stems(text) if s in links]
            names = name_stems(text) if english and known else ()
            self.known.append([stem_ids.setdefault(s, len(stem_ids)) for s in known if s not in names])
            self.links.append([link for s in known for link in links[s]])  # distinct: a link has one stem a side
        self._tables: dict[int, SetTable] = {}

    def table(self, group: int) -> SetTable:
        if group not in self._tables:
            sizes = set_table(self.known, group).sizes
            self._tables[group] = set_table(self.links, group, sizes)
        return self._tables[group]


# ------------------------------------------------------------------------------ two passes


def english_first(pairs: Iterable[tuple[str, str]], source_lang: str) -> list[tuple[str, str]]:
    """Sentence pairs as ``(english, russian)``, whichever side the source was."""
    return [(s, t) if source_lang == "en" else (t, s) for s, t in pairs]


def realign(
    source: Sequence[str],
    target: Sequence[str],
    source_lang: str = "en",
    target_lang: str = "ru",
    dictionary: Dictionary | None = None,
    translated_source: Sequence[str] | None = None,
    aligner: Aligner | None = None,
) -> tuple[list[Bead], list[Bead], Lexicon]:
    """One document pair as its own corpus: first-pass beads, the lexicon they teach, and the
    beads of the second pass with it (the first pass again when nothing was learned).

    Sentence features are computed once, and the second pass searches a corridor around the
    first pass's path instead of running its own coarse pass: the lexicon moves beads locally.
    """
    base = with_extra_scorers(aligner or Aligner(), source, target, source_lang, translated_source)
    source_features = features_of(source, source_lang, dictionary)
    target_features = features_of(target, target_lang, dictionary)
    tables = PairTables(source_features, target_features, remember_costs=True) if source and target else None
    path = base.path(source_features, target_features, tables=tables)
    first = to_beads(path)
    lexicon = learn(english_first(confident_pairs(source, target, first), source_lang))
    if not len(lexicon):
        return first, first, lexicon
    second = with_extra_scorers(base, source, target, source_lang, lexicon=lexicon)
    windows = path_corridor(path, len(source), len(target), base.corridor + BLOCK)
    return first, to_beads(second.path(source_features, target_features, windows, tables)), lexicon
