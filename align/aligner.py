"""Sentence alignment: monotonic dynamic programming over beads, with pluggable scorers.

A *bead* joins ``a`` source sentences to ``b`` target sentences, (a, b) in ``BEAD_PRIORS``. Its
cost is the bead type's prior plus, for beads with both sides, the weighted costs of each scorer;
a sentence left out (1-0, 0-1) costs ``skip_cost``. The aligner finds the cheapest monotonic path.

Search is near-linear. A coarse pass with 1-1, 1-0 and 0-1 beads finds the rough path: over
sentences in a band around the diagonal for short documents, over blocks of ``BLOCK`` sentences
for long ones (its band covers the whole length difference, so a missing section cannot push the
path out of reach). A fine pass with every bead type then runs in a narrow corridor around the
coarse path. Work grows with length × (band + corridor), never length × length.

Scorers see sentences only through features computed once per sentence (``Features``):
character length for the Gale–Church length model, *keys* for lexical overlap (numbers, Latin
tokens, consonant skeletons of transliterated words so that ``Мишустин`` meets ``Mishustin`` and
``технология`` meets ``technology``, dictionary translations), and a punctuation profile. An MT
scorer (Bleualign's idea) compares machine translations of the source with the target by chrF.
Every scorer is registered in ``SCORERS`` by a ``@scorer(...)`` factory: adding one is a ``Scorer``
and its factory; costs are summed in registration order.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .lexicon import Lexicon

BEAD_PRIORS = {(1, 1): 0.89, (2, 1): 0.045, (1, 2): 0.045, (2, 2): 0.011, (1, 0): 0.0045, (0, 1): 0.0045}
GALE_CHURCH_VARIANCE = 6.8
COARSE_BAND = 40
FINE_CORRIDOR = 8
BLOCK = 8
BLOCK_ABOVE = 400
"""Documents with more sentences than this get their coarse pass over blocks."""

# fmt: off
TRANSLITERATION = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"],
    )
)
# fmt: on
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
NUMBER = re.compile(r"\d+(?:[.,\u00a0 ]\d+)*")
VOWELS = re.compile(r"[aeiouy]+")
SOUND_CLASSES = str.maketrans({"c": "k", "q": "k", "w": "v", "j": "y"})
PUNCTUATION = '?!"«»“”:;(),'
SKELETON_PREFIX = 4
"""Skeletons are cut here, so that inflected forms still meet (``fdrl`` ~ ``fdrln…``)."""


def transliterate(word: str) -> str:
    """Russian to Latin letters, as government sites spell names (Мишустин → mishustin)."""
    return "".join(TRANSLITERATION.get(ch, ch) for ch in word.lower())


@lru_cache(maxsize=1 << 16)
def skeleton(word: str) -> str:
    """A spelling-insensitive key: Latin letters, digraphs folded, vowels dropped after the first.

    ``Mishustin`` and ``Мишустин`` give ``mshstn``; ``technology`` and ``технология`` give
    ``thnlg``; ``Mary`` and ``Мэри`` give ``mr``.
    """
    latin = transliterate(word) if re.search(r"[а-яё]", word.lower()) else word.lower()
    latin = latin.replace("kh", "h").replace("ch", "h").replace("ck", "k").replace("ph", "f")
    latin = latin.replace("ts", "c").replace("zh", "z").replace("sh", "s").translate(SOUND_CLASSES)
    latin = re.sub(r"(.)\1+", r"\1", latin)
    return latin[:1] + VOWELS.sub("", latin[1:])


def number_key(token: str) -> str:
    """``1,587`` / ``1 587`` → ``1587``; ``1,5`` / ``1.5`` → ``1.5``: one spelling across languages."""
    groups = re.split(r"[.,\u00a0 ]", token)
    if len(groups) > 1 and all(len(group) == 3 for group in groups[1:]) and not re.search(r"\.\d{3}$", token):
        return "#" + "".join(groups)
    return "#" + ".".join(groups)


def stem(word: str) -> str:
    """A crude stem for dictionary matching across Russian inflection: the first five letters."""
    return word.lower()[:5]


@dataclass(frozen=True)
class Features:
    """What scorers know of one sentence."""

    length: int
    keys: frozenset[str]
    final: str
    punctuation: tuple[int, ...]


@dataclass
class Dictionary:
    """A bilingual word list (``en<TAB>ru`` lines), matched on stems so inflection does not matter."""

    english_to_russian: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, path) -> Dictionary:
        from pathlib import Path

        dictionary = cls()
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            english, tab, russian = line.partition("\t")
            if not tab or not english.strip() or not russian.strip():
                raise ValueError(f"{path}:{number}: expected 'english<TAB>russian'")
            for en_word in WORD.findall(english.lower()):
                dictionary.english_to_russian.setdefault(stem(en_word), set()).update(
                    stem(ru_word) for ru_word in WORD.findall(russian.lower())
                )
        return dictionary

    def keys(self, text: str, lang: str) -> set[str]:
        words = [stem(word) for word in WORD.findall(text)]
        if lang == "en":
            return {"d:" + ru for word in words for ru in self.english_to_russian.get(word, ())}
        return {"d:" + word for word in words}


def lowercase_vocabulary(texts: Iterable[str]) -> frozenset[str]:
    """Words a document uses in lowercase: a capitalised first word among them is no name."""
    return _lowercase_words(WORD.findall(text) for text in texts)


def _lowercase_words(words_of_texts: Iterable[list[str]]) -> frozenset[str]:
    return frozenset(word for words in words_of_texts for word in words if word.islower())


def sentence_features(
    text: str,
    lang: str,
    dictionary: Dictionary | None = None,
    common: frozenset[str] = frozenset(),
    words: list[str] | None = None,
) -> Features:
    """Features of one sentence; ``common`` is its document's ``lowercase_vocabulary``, ``words``
    its ``WORD``s when already found."""
    keys = {number_key(token) for token in NUMBER.findall(text)}
    for position, word in enumerate(WORD.findall(text) if words is None else words):
        size = len(word)
        if size < 2 or (size < 5 and word.islower()):
            continue  # short lowercase words are no evidence; skip the tests below
        capitalised = word[0].isupper() and (position > 0 or word.lower() not in common)
        if size >= 5 or (capitalised and size >= 3) or word.isupper():
            key = skeleton(word)
            if len(key) >= 2:
                keys.add("s:" + key[:SKELETON_PREFIX])
    if dictionary:
        keys |= dictionary.keys(text, lang)
    stripped = text.rstrip()
    final = stripped[-1] if stripped and stripped[-1] in ".?!…" else ""
    # Commas are left out: Russian puts one before every что/чтобы/который, English does not.
    punctuation = tuple(min(text.count(mark), 3) for mark in '?!:;"«(') if MARKS.search(text) else NO_MARKS
    return Features(len(text), frozenset(keys), final, punctuation)


MARKS = re.compile('[?!:;"«(]')
NO_MARKS = (0,) * 7


@dataclass(frozen=True)
class Bead:
    """Source and target sentence indices aligned together, and a score in [0, 1] (1 = sure)."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float

    def vecalign(self) -> str:
        """``[0,1]:[0]:0.8123``, the format vecalign prints."""
        return f"[{','.join(map(str, self.src))}]:[{','.join(map(str, self.tgt))}]:{self.score:.4f}"


# ------------------------------------------------------------------------------------- scorers


BeadCost = Callable[[int, int, int, int], float]
"""Cost of aligning source sentences ``[i0, i1)`` to target sentences ``[j0, j1)``."""


class Scorer:
    """A cost component of beads with sentences on both sides.

    ``costs`` scores many beads at once: beads of ``a`` source and ``b`` target sentences ending
    at the cells ``(i, j)`` (arrays), i.e. source sentences ``[i - a, i)`` against target
    sentences ``[j - b, j)``. The scorers here compute it with array operations over the whole
    search band. A scorer written elsewhere may implement only ``bind`` (one bead at a time); the
    default ``costs`` then calls it per cell, which is correct but slow.
    """

    weight: float = 1.0
    blocks: bool = True
    """Whether the scorer works on block features too (the coarse pass of long documents); one
    bound to the sentences of a document pair does not."""

    def bind(self, source: Sequence[Features], target: Sequence[Features]) -> BeadCost:
        raise NotImplementedError

    def costs(self, pair: PairTables, a: int, b: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        cost = self.bind(pair.source.features, pair.target.features)
        return np.fromiter((cost(x - a, x, y - b, y) for x, y in zip(i.tolist(), j.tolist())), float, len(i))


class LengthScorer(Scorer):
    """Gale & Church (1993): the target/source length difference is normal around a ratio that is
    estimated from the two documents themselves (Russian runs about 10 % longer than English).

    ``cap`` bounds the cost of one bead: beyond it a length mismatch says no more. Translations
    whose lengths differ wildly exist (a ministry's full name against its abbreviation), and an
    unbounded Gaussian tail would rather leave such a sentence out and merge its translation with
    a neighbour than pair the two, however much else they share.
    """

    def __init__(self, weight: float = 1.0, cap: float = -math.log(1e-12)):
        self.weight = weight
        self.cap = cap

    def bind(self, source, target):
        source_lengths = _prefix_sums(f.length for f in source)
        target_lengths = _prefix_sums(f.length for f in target)
        ratio = target_lengths[-1] / source_lengths[-1] if source_lengths[-1] and target_lengths[-1] else 1.0

        def cost(i0, i1, j0, j1):
            s = source_lengths[i1] - source_lengths[i0]
            t = target_lengths[j1] - target_lengths[j0]
            mean = max((s + t / ratio) / 2, 1.0)
            delta = abs(t - s * ratio) / math.sqrt(GALE_CHURCH_VARIANCE * mean)
            return min(-math.log(max(math.erfc(delta / math.sqrt(2)), 1e-12)), self.cap)

        return cost

    def costs(self, pair, a, b, i, j):
        source_lengths, target_lengths = pair.source.lengths, pair.target.lengths
        s = (source_lengths[i] - source_lengths[i - a]).astype(float)
        t = (target_lengths[j] - target_lengths[j - b]).astype(float)
        ratio = pair.length_ratio
        mean = np.maximum((s + t / ratio) / 2, 1.0)
        delta = np.abs(t - s * ratio) / np.sqrt(GALE_CHURCH_VARIANCE * mean)
        return np.minimum(np.minimum(neg_log_erfc(delta / math.sqrt(2)), -math.log(1e-12)), self.cap)


def neg_log_erfc(z: np.ndarray) -> np.ndarray:
    """``-log(erfc(z))`` for ``z >= 0``, vectorised, without underflow for large ``z``.

    Numpy has no ``erfc``; this is the Chebyshev fit of Press et al., *Numerical Recipes*
    (``erfcc``), whose relative error is below 1.2e-7 everywhere, written in log form.
    """
    t = 1.0 / (1.0 + 0.5 * z)
    poly = t * 0.17087277
    for coefficient in ERFC_COEFFICIENTS:  # Horner's rule, in place: these arrays span the band
        poly += coefficient
        poly *= t
    poly += -1.26551223
    return z * z - poly - np.log(t)


ERFC_COEFFICIENTS = (-0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196, 1.00002368)


class LexicalScorer(Scorer):
    """Overlap of the sentences' keys (numbers, names, cognates, dictionary translations).

    Cost ``1 - Dice`` when either side has keys, and a neutral 0.5 when neither has any.
    """

    def __init__(self, weight: float = 3.0):
        self.weight = weight

    def bind(self, source, target):
        def keys(features, begin, end):
            if end - begin == 1:
                return features[begin].keys
            return frozenset().union(*(f.keys for f in features[begin:end]))

        def cost(i0, i1, j0, j1):
            left, right = keys(source, i0, i1), keys(target, j0, j1)
            if not left and not right:
                return 0.5
            return 1.0 - 2.0 * len(left & right) / (len(left) + len(right))

        return cost

    def costs(self, pair, a, b, i, j):
        left, right = pair.source.key_sets(a, pair.key_ids), pair.target.key_sets(b, pair.key_ids)
        return dice_cost(left, right, i, j)


def dice_cost(
    left: SetTable, right: SetTable, i: np.ndarray, j: np.ndarray, weights: np.ndarray | None = None
) -> np.ndarray:
    """``1 - 2|L ∩ R| / (|L| + |R|)`` per cell, capped at 0 below; 0.5 where both sizes are 0.
    With ``weights``, shared ids count by their weight (``overlap``)."""
    shared = overlap(left, right, i, j, weights)
    sizes = left.sizes[i] + right.sizes[j]
    with np.errstate(divide="ignore", invalid="ignore"):
        cost = 1.0 - np.minimum(2.0 * shared / sizes, 1.0)
    return np.where(sizes == 0, 0.5, cost)


class PunctuationScorer(Scorer):
    """Questions stay questions and quotes stay quotes: final mark and punctuation counts."""

    def __init__(self, weight: float = 1.0):
        self.weight = weight

    def bind(self, source, target):
        def cost(i0, i1, j0, j1):
            final = 0.0 if source[i1 - 1].final == target[j1 - 1].final else 1.0
            left = [sum(values) for values in zip(*(f.punctuation for f in source[i0:i1]))]
            right = [sum(values) for values in zip(*(f.punctuation for f in target[j0:j1]))]
            return final + 0.25 * sum(abs(a - b) for a, b in zip(left, right))

        return cost

    def costs(self, pair, a, b, i, j):
        (left_kinds, left), (right_kinds, right) = pair.source.punctuation_kinds(a), pair.target.punctuation_kinds(b)
        if len(left) * len(right) <= KIND_TABLE_LIMIT:
            # Few distinct bead ends: score every pair of kinds once, then look cells up.
            return _punctuation_cost(left[:, None], right[None, :])[left_kinds[i], right_kinds[j]]
        return _punctuation_cost(left[left_kinds[i]], right[right_kinds[j]])


def _punctuation_cost(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Final marks that differ cost 1, each mark counted differently 0.25; ``left`` and ``right``
    are ``punctuation_kinds`` vectors (final first) along their last axis."""
    final = (left[..., 0] != right[..., 0]).astype(float)
    return final + 0.25 * np.abs(left[..., 1:] - right[..., 1:]).sum(axis=-1)


KIND_TABLE_LIMIT = 1 << 18
"""Largest table of (source kind, target kind) punctuation costs built; beyond it, cell by cell."""


class TranslationScorer(Scorer):
    """Bleualign's idea: translate the source, score the translation against the target (chrF)."""

    blocks = False

    def __init__(self, translated_source: Sequence[str], target: Sequence[str], weight: float = 4.0):
        self.weight = weight
        self.source_grams = [_char_ngrams(text) for text in translated_source]
        self.target_grams = [_char_ngrams(text) for text in target]

    def bind(self, source, target):
        def grams(table, begin, end):
            if end - begin == 1:
                return table[begin]
            total: Counter = Counter()
            for item in table[begin:end]:
                total.update(item)
            return total

        def cost(i0, i1, j0, j1):
            return 1.0 - chrf(grams(self.source_grams, i0, i1), grams(self.target_grams, j0, j1))

        return cost


def _char_ngrams(text: str, order: int = 4) -> Counter:
    squeezed = re.sub(r"\s+", " ", text.lower()).strip()
    grams: Counter = Counter()
    for n in range(1, order + 1):
        grams.update(squeezed[k : k + n] for k in range(len(squeezed) - n + 1))
    return grams


def chrf(hypothesis: Counter, reference: Counter, beta: float = 2.0) -> float:
    """Character n-gram F-score (Popović 2015), pooled over orders: 0 (nothing shared) to 1."""
    if not hypothesis or not reference:
        return 0.0
    overlap = sum((hypothesis & reference).values())
    precision = overlap / sum(hypothesis.values())
    recall = overlap / sum(reference.values())
    if not precision or not recall:
        return 0.0
    return (1 + beta**2) * precision * recall / (beta**2 * precision + recall)


def _prefix_sums(values: Iterable[int]) -> list[int]:
    sums = [0]
    for value in values:
        sums.append(sums[-1] + value)
    return sums


LENGTH_CAP = 4.0
"""The most a length mismatch costs in the default scorers: the cost of leaving one sentence
out (``Aligner.skip_cost``). Length alone then never makes the aligner drop a sentence and
merge its translation with a neighbour; it takes lexical evidence against the pair too."""


# ----------------------------------------------------------------------------- scorer registry


@dataclass(frozen=True)
class PairText:
    """What a scorer bound to one document pair may use: its sentences, and what was translated
    or learned for them."""

    source: Sequence[str]
    target: Sequence[str]
    source_lang: str
    translated_source: Sequence[str] | None = None
    lexicon: Lexicon | None = None


@dataclass(frozen=True)
class RegisteredScorer:
    name: str
    make: Callable[..., Scorer | None]
    per_pair: bool


SCORERS: dict[str, RegisteredScorer] = {}
"""Every scorer of the aligner, by name, in registration order (the order their costs are summed
in). Adding one is a ``Scorer`` and one ``@scorer(...)`` factory below."""


def scorer(name: str, per_pair: bool = False) -> Callable:
    """Register the decorated factory as the scorer ``name``.

    A factory of a document-independent scorer takes no argument; every ``Aligner()`` holds one.
    With ``per_pair``, the factory takes a ``PairText`` and returns a scorer bound to those
    sentences, or ``None`` when the pair lacks what it needs (no translation, an empty lexicon);
    ``with_extra_scorers`` adds it for each document pair.
    """

    def register(make: Callable[..., Scorer | None]) -> Callable[..., Scorer | None]:
        SCORERS[name] = RegisteredScorer(name, make, per_pair)
        return make

    return register


@scorer("length")
def length_scorer() -> Scorer:
    return LengthScorer(cap=LENGTH_CAP)


@scorer("lexical")
def lexical_scorer() -> Scorer:
    return LexicalScorer()


@scorer("punctuation")
def punctuation_scorer() -> Scorer:
    return PunctuationScorer()


@scorer("translation", per_pair=True)
def translation_scorer(pair: PairText) -> Scorer | None:
    return None if pair.translated_source is None else TranslationScorer(pair.translated_source, pair.target)


@scorer("lexicon", per_pair=True)
def lexicon_scorer(pair: PairText) -> Scorer | None:
    if pair.lexicon is None or not len(pair.lexicon):
        return None
    from .lexicon import LexiconScorer

    return LexiconScorer(pair.lexicon, pair.source, pair.target, pair.source_lang)


def default_scorers() -> list[Scorer]:
    """The document-independent scorers, in registration order."""
    made = [entry.make() for entry in SCORERS.values() if not entry.per_pair]
    return [made_scorer for made_scorer in made if made_scorer is not None]


# ----------------------------------------------------------------------------- array tables


@dataclass(frozen=True)
class SetTable:
    """Integer-id sets of every bead side of one size, as a CSR table indexed by bead end.

    Row ``i`` is the union over sentences ``[i - a, i)``; rows ``0 … a - 1`` are empty.
    ``sizes[i]`` is the set's size as the scorer counts it (usually ``len``).
    """

    indptr: np.ndarray
    ids: np.ndarray
    sizes: np.ndarray

    @cached_property
    def postings(self) -> np.ndarray:
        """Every (id, row) as ``id * (rows + 1) + row``, sorted: the table inverted, for joins."""
        columns = len(self.indptr)
        return np.sort(self.ids * columns + np.repeat(np.arange(columns - 1), np.diff(self.indptr)))


def set_table(sets: Sequence[Sequence[int]], group: int, sizes: Sequence[float] | np.ndarray | None = None) -> SetTable:
    """The ``SetTable`` of unions of ``group`` consecutive sets; ``sizes`` overrides ``len``.

    Built with array operations: each sentence's ids are copied to the ``group`` bead ends that
    cover it, and duplicates within a bead end are dropped by one sort (not ``np.unique``, which
    in numpy 2 hashes and is ten times slower here).
    """
    rows = len(sets) + 1
    counts = np.fromiter(map(len, sets), np.int64, len(sets))
    ids = np.fromiter(chain.from_iterable(sets), np.int64, int(counts.sum()))
    sentence = np.repeat(np.arange(len(sets)), counts)
    vocabulary = int(ids.max()) + 1 if len(ids) else 1
    codes = np.concatenate([(sentence + 1 + k) * vocabulary + ids for k in range(group)])
    codes = np.sort(codes[codes < rows * vocabulary])
    codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))] if len(codes) else codes
    ends = codes // vocabulary
    indptr = np.zeros(rows + 1, np.int64)
    np.cumsum(np.bincount(ends, minlength=rows), out=indptr[1:])
    counted = np.diff(indptr).astype(float)
    if group > 1:
        counted[:group] = 0
    return SetTable(indptr, codes % vocabulary, counted if sizes is None else np.asarray(sizes, dtype=float))


def overlap(
    left: SetTable, right: SetTable, i: np.ndarray, j: np.ndarray, weights: np.ndarray | None = None
) -> np.ndarray:
    """``|left[i] ∩ right[j]|`` for every cell, by a sort-merge join of the two tables' ids; with
    ``weights`` (per id), the sum of the shared ids' weights instead of their number (added
    up per cell, so a cell's value does not depend on which other cells are asked).

    Only target rows within each source row's requested column range are joined, so the work is
    proportional to the band, not to the whole document. ``i`` must be nondecreasing, and ``j``
    nondecreasing within a row (the search asks for cells row after row).
    """
    if len(i) == 0:
        return np.zeros(0)
    columns = len(right.indptr)
    postings = right.postings
    rows = len(left.indptr) - 1
    # Each source row's requested columns lo … hi, laid out row after row: a match lands in its
    # cell directly, and one bincount adds them up.
    windows = RowWindows.around(i, j, rows)
    requested = windows.hi >= windows.lo
    source_rows, left_ids = np.repeat(np.arange(rows), np.diff(left.indptr)), left.ids
    if not requested.all():
        asked = requested[source_rows]
        source_rows, left_ids = source_rows[asked], left_ids[asked]
    begin = np.searchsorted(postings, left_ids * columns + windows.lo[source_rows], "left")
    end = np.searchsorted(postings, left_ids * columns + windows.hi[source_rows], "right")
    counts = np.maximum(end - begin, 0)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(len(i))
    starts = np.repeat(begin - np.cumsum(counts) + counts, counts) + np.arange(total)
    landing = windows.index(np.repeat(source_rows, counts), postings[starts] % columns)
    match_weights = None if weights is None else weights[postings[starts] // columns]
    sums = np.bincount(landing, match_weights, minlength=windows.size)
    return sums[windows.index(i, j)].astype(float)


FINALS = {"": 0, ".": 1, "?": 2, "!": 3, "…": 4}


class SideTable:
    """One document's features as arrays: length and punctuation prefix sums, final marks, and
    (on demand) its key sets per bead size."""

    def __init__(self, features: Sequence[Features]):
        self.features = features
        self.lengths = np.zeros(len(features) + 1, np.int64)
        np.cumsum([f.length for f in features], out=self.lengths[1:])
        self.finals = np.array([FINALS.get(f.final, 5) for f in features], np.int64)
        punctuation = np.array([f.punctuation for f in features], np.int64).reshape(len(features), -1)
        self.punctuation = np.zeros((punctuation.shape[1], len(features) + 1), np.int64)
        np.cumsum(punctuation.T, axis=1, out=self.punctuation[:, 1:])
        """Per mark (rows), prefix sums over sentences (columns)."""
        self._punctuation_kinds: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._cache: dict[tuple, SetTable] = {}
        self._key_ids: list[list[int]] | None = None

    def punctuation_kinds(self, group: int) -> tuple[np.ndarray, np.ndarray]:
        """Bead ends of ``group`` sentences by what punctuation scoring sees: the final mark of
        their last sentence and each mark's count. Returns each bead end's kind and, per kind,
        that vector (final first). Documents have few kinds, so costs are a table lookup."""
        if group not in self._punctuation_kinds:
            counts = np.zeros_like(self.punctuation)
            counts[:, group:] = self.punctuation[:, group:] - self.punctuation[:, :-group]
            vectors = np.vstack([np.concatenate(([0], self.finals)), counts]).T
            radix = vectors.max(axis=0) + 1
            if np.prod(radix.astype(float)) < 2.0**62:  # each vector as one number, in mixed radix
                codes = vectors @ np.cumprod(np.concatenate(([1], radix[:-1])))
                _, first, kinds = np.unique(codes, return_index=True, return_inverse=True)
            else:
                _, first, kinds = np.unique(vectors, axis=0, return_index=True, return_inverse=True)
            self._punctuation_kinds[group] = (kinds.reshape(-1), vectors[first])
        return self._punctuation_kinds[group]

    def cached(self, name: str, group: int, build: Callable[[], tuple[list, list | None]]) -> SetTable:
        """The set table ``name`` for beads of ``group`` sentences, built once per document."""
        key = (name, group)
        if key not in self._cache:
            sets, sizes = build()
            self._cache[key] = set_table(sets, group, sizes)
        return self._cache[key]

    def key_sets(self, group: int, ids: dict[str, int]) -> SetTable:
        def build():
            if self._key_ids is None:
                self._key_ids = [[ids.setdefault(key, len(ids)) for key in f.keys] for f in self.features]
            return self._key_ids, None

        return self.cached("keys", group, build)


class PairTables:
    """Both documents' tables, and what they share: the key vocabulary and the length ratio.

    With ``remember_costs``, the costs scorers give are kept per cell (``content``), for a second
    search of the same pair (``align.lexicon.realign``): its corridor lies mostly inside the first
    one's, so only the new scorer and the new cells are computed.
    """

    def __init__(self, source: Sequence[Features], target: Sequence[Features], remember_costs: bool = False):
        self.source, self.target = SideTable(source), SideTable(target)
        self.key_ids: dict[str, int] = {}
        total_source, total_target = int(self.source.lengths[-1]), int(self.target.lengths[-1])
        self.length_ratio = total_target / total_source if total_source and total_target else 1.0
        self._remembered: dict[tuple[int, int], tuple[list[Scorer], RowWindows, np.ndarray]] | None = (
            {} if remember_costs else None
        )

    def content(self, scorers: Sequence[Scorer], a: int, b: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """The weighted sum of ``scorers``' costs of beads ``(a, b)`` ending at cells ``(i, j)``.

        When remembering, the first search's sum is kept per cell; a later search whose scorers
        include the first one's takes it from memory where it has it and adds only its own.
        """
        if self._remembered is None or (a, b) not in self._remembered:
            content = _weighted_sum(self, scorers, a, b, i, j)
            if self._remembered is not None and len(i):
                rows = RowWindows.around(i, j, len(self.source.features) + 1)
                memory = np.full(rows.size, np.nan)
                memory[rows.index(i, j)] = content
                self._remembered[a, b] = (list(scorers), rows, memory)
            return content
        known_scorers, rows, memory = self._remembered[a, b]
        others = [scorer for scorer in scorers if not any(scorer is known for known in known_scorers)]
        if len(others) + len(known_scorers) != len(scorers):
            return _weighted_sum(self, scorers, a, b, i, j)
        inside = rows.contains(i, j)
        content = np.full(len(i), np.nan)
        content[inside] = memory[rows.index(i[inside], j[inside])]
        unknown = np.isnan(content)
        if unknown.any():
            content[unknown] = _weighted_sum(self, known_scorers, a, b, i[unknown], j[unknown])
        return content + _weighted_sum(self, others, a, b, i, j)


def _weighted_sum(tables: PairTables, scorers: Sequence[Scorer], a: int, b: int, i: np.ndarray, j: np.ndarray):
    content = np.zeros(len(i))
    for scorer in scorers:
        content += scorer.weight * scorer.costs(tables, a, b, i, j)
    return content


@dataclass(frozen=True)
class RowWindows:
    """The column range ``lo[i] … hi[i]`` of each row, laid out row after row in one flat array."""

    lo: np.ndarray
    hi: np.ndarray
    offsets: np.ndarray

    @classmethod
    def around(cls, i: np.ndarray, j: np.ndarray, rows: int) -> RowWindows:
        """The smallest windows holding the cells ``(i, j)``; ``i`` nondecreasing, and ``j``
        nondecreasing within a row."""
        first = np.searchsorted(i, np.arange(rows), "left")
        last = np.searchsorted(i, np.arange(rows), "right") - 1
        present = last >= first
        lo = np.where(present, j[np.minimum(first, len(j) - 1)], 0)
        hi = np.where(present, j[np.maximum(last, 0)], -1)
        offsets = np.zeros(rows + 1, np.int64)
        np.cumsum(hi - lo + 1, out=offsets[1:])
        return cls(lo, hi, offsets)

    @property
    def size(self) -> int:
        return int(self.offsets[-1])

    def contains(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        inside = i < len(self.lo)
        inside[inside] = (self.lo[i[inside]] <= j[inside]) & (j[inside] <= self.hi[i[inside]])
        return inside

    def index(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return self.offsets[i] + j - self.lo[i]


# -------------------------------------------------------------------------------------- search


@dataclass
class Aligner:
    """Configured aligner: which scorers, how a skipped sentence costs, which beads are allowed."""

    scorers: list[Scorer] = field(default_factory=default_scorers)
    skip_cost: float = 4.0
    beads: tuple[tuple[int, int], ...] = tuple(BEAD_PRIORS)
    coarse_band: int = COARSE_BAND
    corridor: int = FINE_CORRIDOR

    def align(self, source: Sequence[Features], target: Sequence[Features]) -> list[Bead]:
        return to_beads(self.path(source, target))

    def path(
        self,
        source: Sequence[Features],
        target: Sequence[Features],
        windows: Windows | None = None,
        tables: PairTables | None = None,
    ) -> list:
        """The cheapest path as ``(i0, i1, j0, j1, cost)`` steps; ``windows`` skips the coarse pass.

        ``tables`` are ``PairTables(source, target)`` from an earlier search of the same pair, so
        that a second pass reuses their sets and the costs they remember.
        """
        n, m = len(source), len(target)
        if n == 0 or m == 0:
            return [(i, i + 1, 0, 0, 0.0) for i in range(n)] + [(0, 0, j, j + 1, 0.0) for j in range(m)]
        _check_beads(self.beads)
        tables = tables or PairTables(source, target)
        if windows is None:
            windows = self.corridor_windows(source, target, tables)
        return _search(n, m, list(self.beads), windows, self._cost_function(tables))

    def corridor_windows(self, source, target, tables: PairTables | None = None) -> Windows:
        """The fine pass's cells: a corridor around the coarse path (1-1, 1-0, 0-1 beads only)."""
        n, m = len(source), len(target)
        coarse_beads = [bead for bead in ((1, 1), (1, 0), (0, 1)) if bead in self.beads]
        if max(n, m) > BLOCK_ABOVE:
            path = self._block_path(source, target, coarse_beads)
            return path_corridor(path, n, m, self.corridor + BLOCK)
        band = self.coarse_band + abs(n - m)
        path = _search(
            n, m, coarse_beads, _diagonal_windows(n, m, band), self._cost_function(tables or PairTables(source, target))
        )
        return path_corridor(path, n, m, self.corridor)

    def _cost_function(self, tables: PairTables, block: int = 1) -> CellCosts:
        """Costs of beads of shape ``(a, b)`` ending at cells ``(i, j)``; over blocks when ``block`` > 1.

        Scorer costs are per sentence pair, scaled by the sentences the bead covers, so that
        merging two good 1-1 beads into a 2-2 never looks cheaper than keeping them apart. Bead
        priors are per sentence, so the coarse pass over blocks leaves them out.
        """
        scorers = [scorer for scorer in self.scorers if block == 1 or scorer.blocks]

        def bead_costs(a: int, b: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
            content = tables.content(scorers, a, b, i, j)
            prior = -math.log(BEAD_PRIORS.get((a, b), 1e-3)) if block == 1 else 0.0
            return prior + content * (a + b) / 2 * block

        bead_costs.skip = self.skip_cost * block  # type: ignore[attr-defined]
        return bead_costs

    def _block_path(self, source, target, beads):
        """The coarse path found over blocks of ``BLOCK`` sentences, in sentence coordinates."""
        source_blocks, target_blocks = _blocks(source), _blocks(target)
        bn, bm = len(source_blocks), len(target_blocks)
        block_cost = self._cost_function(PairTables(source_blocks, target_blocks), BLOCK)
        band = self.coarse_band // 4 + abs(bn - bm)
        n, m = len(source), len(target)
        return [
            (min(i0 * BLOCK, n), min(i1 * BLOCK, n), min(j0 * BLOCK, m), min(j1 * BLOCK, m), step)
            for i0, i1, j0, j1, step in _search(bn, bm, beads, _diagonal_windows(bn, bm, band), block_cost)
        ]


CellCosts = Callable[[int, int, np.ndarray, np.ndarray], np.ndarray]
Windows = tuple[np.ndarray, np.ndarray]
"""Per source position ``i`` (0 … n), the target positions ``lo[i] … hi[i]`` (inclusive) searched."""


def _check_beads(beads) -> None:
    for a, b in beads:
        if not (0 <= a <= 2 and 0 <= b <= 2) or (a, b) == (0, 0) or (a == 0 and b != 1) or (b == 0 and a != 1):
            raise ValueError(f"unsupported bead {a}-{b}: beads join at most 2 sentences a side; skips are 1-0 and 0-1")


def _blocks(features: Sequence[Features]) -> list[Features]:
    blocks = []
    for begin in range(0, len(features), BLOCK):
        group = features[begin : begin + BLOCK]
        blocks.append(
            Features(
                length=sum(f.length for f in group),
                keys=frozenset().union(*(f.keys for f in group)),
                final=group[-1].final,
                punctuation=tuple(sum(values) for values in zip(*(f.punctuation for f in group))),
            )
        )
    return blocks


def _diagonal_windows(n: int, m: int, band: int) -> Windows:
    centre = np.floor(np.arange(n + 1) * m / n + 0.5).astype(np.int64)
    return np.maximum(0, centre - band), np.minimum(m, centre + band)


def full_windows(n: int, m: int) -> Windows:
    """Every cell: the exhaustive search the banded one must agree with."""
    return np.zeros(n + 1, np.int64), np.full(n + 1, m, np.int64)


def _search(n: int, m: int, beads, windows: Windows, bead_costs: CellCosts) -> list:
    """Cheapest path from (0, 0) to (n, m) through the cells ``windows`` allow.

    Falls back to widening the windows if they do not connect the corners.
    """
    lo, hi = windows
    while True:
        path = _banded_search(n, m, beads, lo, hi, bead_costs)
        if path is not None:
            return path
        wider = np.maximum(0, lo - (n + 1)), np.minimum(m, hi + (n + 1))
        if np.array_equal(wider[0], lo) and np.array_equal(wider[1], hi):
            raise RuntimeError("alignment search found no path")
        lo, hi = wider


def _banded_search(n, m, beads, lo, hi, bead_costs: CellCosts) -> list | None:
    """Dynamic programming over the cells ``lo[i] <= j <= hi[i]``, one source row at a time.

    Cells are stored row after row in flat arrays. Every bead but 0-1 comes from an earlier row:
    its predecessors and costs are computed for all cells at once, before the loop. The loop
    then does a handful of array operations per row: the best earlier-row bead of every cell,
    then the 0-1 beads within the row as a running minimum (a run of ``k`` skips costs ``k``
    times the skip cost, so ``min(best[u] + (t - u) * skip)`` is a cumulative minimum of
    ``best[u] - u * skip``). Ties go to the bead listed first, as in a cell-by-cell search.
    Returns ``None`` when the windows do not connect (0, 0) to (n, m).
    """
    lo, hi = np.asarray(lo, np.int64), np.asarray(hi, np.int64)
    widths = np.maximum(hi - lo + 1, 0)
    offsets = np.zeros(n + 2, np.int64)
    np.cumsum(widths, out=offsets[1:])
    cells = int(offsets[-1])
    rows = np.arange(n + 1)
    row_of = np.repeat(rows, widths)
    column = np.arange(cells) - np.repeat(offsets[:-1] - lo, widths)
    earlier = [(a, b) for a, b in beads if a > 0]
    predecessor = np.full((len(earlier), cells), cells, np.int64)
    step = np.full((len(earlier), cells), math.inf)
    for k, (a, b) in enumerate(earlier):
        # Per row first, then spread over its cells: the predecessor row's window, shifted by b.
        prev_row = np.maximum(rows - a, 0)
        lowest = np.repeat(lo[prev_row] + b, widths)
        highest = np.repeat(np.where(rows >= a, hi[prev_row] + b, -1), widths)
        ok = (column >= lowest) & (column <= highest)
        predecessor[k] = np.where(ok, np.repeat(offsets[prev_row] - lo[prev_row] - b, widths) + column, cells)
        if b == 0:
            step[k, ok] = bead_costs.skip  # type: ignore[attr-defined]
        else:
            step[k, ok] = bead_costs(a, b, row_of[ok], column[ok])
    skip_within_row = (0, 1) in beads
    ramp = np.arange(int(widths.max()) if cells else 0) * bead_costs.skip  # type: ignore[attr-defined]
    total = np.full(cells + 1, math.inf)
    skipped = np.zeros(cells, bool)
    """Cells whose best bead is a 0-1 within their row; which earlier-row bead is best is found
    for all cells at once after the loop (an argmin per row costs more than that)."""
    bounds = offsets.tolist()
    for i in range(n + 1):
        begin, end = bounds[i], bounds[i + 1]
        if begin == end:
            continue
        if earlier:
            best = np.minimum.reduce(total[predecessor[:, begin:end]] + step[:, begin:end])
        else:
            best = np.full(end - begin, math.inf)
        if i == 0 and lo[0] == 0:
            best[0] = 0.0
        if skip_within_row:
            shifted = best - ramp[: end - begin]
            running = np.minimum.accumulate(shifted)
            moved = running < shifted
            best = np.where(moved, running + ramp[: end - begin], best)
            skipped[begin:end] = moved
        total[begin:end] = best
    if not (lo[n] <= m <= hi[n]) or not math.isfinite(total[offsets[n] + m - lo[n]]):
        return None
    choice = (total[predecessor] + step).argmin(axis=0) if earlier else None
    low = lo.tolist()
    path, i, j = [], n, m
    while i or j:
        cell = bounds[i] + j - low[i]
        if skipped[cell]:
            a, b, cost = 0, 1, bead_costs.skip  # type: ignore[attr-defined]
        else:
            k = int(choice[cell])  # type: ignore[index]
            (a, b), cost = earlier[k], float(step[k, cell])
        path.append((i - a, i, j - b, j, cost))
        i, j = i - a, j - b
    path.reverse()
    return path


def path_corridor(path, n: int, m: int, width: int) -> Windows:
    """Cells within ``width`` of the coarse path, per source position.

    A path is monotone, so the steps that touch row ``i`` run from the first that ends at or
    after it to the last that starts at or before it: their first and last target positions.
    """
    if not path:
        return np.zeros(n + 1, np.int64), np.zeros(n + 1, np.int64)
    starts, ends, first_columns, last_columns = (np.array(column, np.int64) for column in list(zip(*path))[:4])
    rows = np.arange(n + 1)
    lo = first_columns[np.searchsorted(ends, rows, "left")]
    hi = last_columns[np.searchsorted(starts, rows, "right") - 1]
    return np.maximum(0, lo - width), np.minimum(m, hi + width)


def to_beads(path) -> list[Bead]:
    return [
        Bead(tuple(range(i0, i1)), tuple(range(j0, j1)), round(math.exp(-step / 8), 4) if i1 > i0 and j1 > j0 else 0.0)
        for i0, i1, j0, j1, step in path
    ]


def features_of(texts: Sequence[str], lang: str, dictionary: Dictionary | None = None) -> list[Features]:
    """Features of every sentence of one document (its lowercase vocabulary decides names)."""
    words = [WORD.findall(text) for text in texts]
    common = _lowercase_words(words)
    return [sentence_features(text, lang, dictionary, common, found) for text, found in zip(texts, words)]


def align(
    source: Sequence[str],
    target: Sequence[str],
    source_lang: str = "en",
    target_lang: str = "ru",
    dictionary: Dictionary | None = None,
    translated_source: Sequence[str] | None = None,
    aligner: Aligner | None = None,
    lexicon: Lexicon | None = None,
) -> list[Bead]:
    """Align two sentence lists; every sentence is in exactly one bead, in order.

    ``translated_source``, when given, is the source machine-translated into the target language
    and adds the MT scorer; ``lexicon`` (``align.lexicon``) adds the lexicon scorer.
    """
    aligner = with_extra_scorers(aligner or Aligner(), source, target, source_lang, translated_source, lexicon)
    return aligner.align(features_of(source, source_lang, dictionary), features_of(target, target_lang, dictionary))


def with_extra_scorers(
    aligner: Aligner,
    source: Sequence[str],
    target: Sequence[str],
    source_lang: str,
    translated_source: Sequence[str] | None = None,
    lexicon: Lexicon | None = None,
) -> Aligner:
    """``aligner`` plus the per-pair scorers (``SCORERS``) this document pair has what they need
    for: the MT scorer with a translation, the lexicon scorer with a lexicon."""
    pair = PairText(source, target, source_lang, translated_source, lexicon)
    made = [entry.make(pair) for entry in SCORERS.values() if entry.per_pair]
    extra = [made_scorer for made_scorer in made if made_scorer is not None]
    return replace(aligner, scorers=aligner.scorers + extra) if extra else aligner


def gale_church_aligner() -> Aligner:
    """The baseline: Gale & Church's length model alone, their bead types and priors."""
    return Aligner(
        scorers=[LengthScorer()],
        skip_cost=-math.log(0.0099) + 4.0,
        beads=((1, 1), (2, 1), (1, 2), (2, 2), (1, 0), (0, 1)),
    )
