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
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

BEAD_PRIORS = {(1, 1): 0.89, (2, 1): 0.045, (1, 2): 0.045, (2, 2): 0.011, (1, 0): 0.0045, (0, 1): 0.0045}
GALE_CHURCH_VARIANCE = 6.8
COARSE_BAND = 40
FINE_CORRIDOR = 8
BLOCK = 8
BLOCK_ABOVE = 400
"""Documents with more sentences than this get their coarse pass over blocks."""

TRANSLITERATION = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch  y  e yu ya".split(" "),
    )
)
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
NUMBER = re.compile(r"\d+(?:[.,\u00a0 ]\d+)*")
VOWELS = re.compile(r"[aeiouy]+")
SOUND_CLASSES = str.maketrans({"c": "k", "q": "k", "w": "v", "j": "y"})
PUNCTUATION = "?!\"«»“”:;(),"
SKELETON_PREFIX = 4
"""Skeletons are cut here, so that inflected forms still meet (``fdrl`` ~ ``fdrln…``)."""


def transliterate(word: str) -> str:
    """Russian to Latin letters, as government sites spell names (Мишустин → mishustin)."""
    return "".join(TRANSLITERATION.get(ch, ch) for ch in word.lower())


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
    return frozenset(word for text in texts for word in WORD.findall(text) if word.islower())


def sentence_features(
    text: str, lang: str, dictionary: Dictionary | None = None, common: frozenset[str] = frozenset()
) -> Features:
    """Features of one sentence; ``common`` is its document's ``lowercase_vocabulary``."""
    keys = {number_key(token) for token in NUMBER.findall(text)}
    words = WORD.findall(text)
    for position, word in enumerate(words):
        capitalised = word[0].isupper() and (position > 0 or word.lower() not in common)
        if len(word) >= 5 or (capitalised and len(word) >= 3) or (word.isupper() and len(word) >= 2):
            key = skeleton(word)
            if len(key) >= 2:
                keys.add("s:" + key[:SKELETON_PREFIX])
    if dictionary:
        keys |= dictionary.keys(text, lang)
    stripped = text.rstrip()
    final = stripped[-1] if stripped and stripped[-1] in ".?!…" else ""
    # Commas are left out: Russian puts one before every что/чтобы/который, English does not.
    punctuation = tuple(min(text.count(mark), 3) for mark in "?!:;\"«(")
    return Features(len(text), frozenset(keys), final, punctuation)


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
    """A cost component; ``bind`` prepares it for two documents and returns the cost function."""

    weight: float = 1.0

    def bind(self, source: Sequence[Features], target: Sequence[Features]) -> BeadCost:
        raise NotImplementedError


class LengthScorer(Scorer):
    """Gale & Church (1993): the target/source length difference is normal around a ratio that is
    estimated from the two documents themselves (Russian runs about 10 % longer than English)."""

    def __init__(self, weight: float = 1.0):
        self.weight = weight

    def bind(self, source, target):
        source_lengths = _prefix_sums(f.length for f in source)
        target_lengths = _prefix_sums(f.length for f in target)
        ratio = target_lengths[-1] / source_lengths[-1] if source_lengths[-1] and target_lengths[-1] else 1.0

        def cost(i0, i1, j0, j1):
            s = source_lengths[i1] - source_lengths[i0]
            t = target_lengths[j1] - target_lengths[j0]
            mean = max((s + t / ratio) / 2, 1.0)
            delta = abs(t - s * ratio) / math.sqrt(GALE_CHURCH_VARIANCE * mean)
            return -math.log(max(math.erfc(delta / math.sqrt(2)), 1e-12))

        return cost


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


class TranslationScorer(Scorer):
    """Bleualign's idea: translate the source, score the translation against the target (chrF)."""

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


def default_scorers() -> list[Scorer]:
    return [LengthScorer(), LexicalScorer(), PunctuationScorer()]


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
        n, m = len(source), len(target)
        if n == 0 or m == 0:
            return [Bead((i,), (), 0.0) for i in range(n)] + [Bead((), (j,), 0.0) for j in range(m)]
        bead_cost = self._cost_function(source, target)
        coarse_beads = [bead for bead in ((1, 1), (1, 0), (0, 1)) if bead in self.beads]
        if max(n, m) > BLOCK_ABOVE:
            path = self._block_path(source, target, coarse_beads)
            corridor = _corridor(path, n, m, self.corridor + BLOCK)
        else:
            band = self.coarse_band + abs(n - m)
            windows = [_diagonal_window(i, n, m, band) for i in range(n + 1)]
            path = _search(n, m, coarse_beads, windows, bead_cost)
            corridor = _corridor(path, n, m, self.corridor)
        final = _search(n, m, list(self.beads), corridor, bead_cost)
        return _to_beads(final)

    def _cost_function(self, source: Sequence[Features], target: Sequence[Features], block: int = 1):
        """Cost of a bead ending at ``(i, j)``; over blocks of ``block`` sentences when > 1.

        Scorer costs are per sentence pair, scaled by the sentences the bead covers, so that
        merging two good 1-1 beads into a 2-2 never looks cheaper than keeping them apart. Bead
        priors are per sentence, so the coarse pass over blocks leaves them out.
        """
        costs = [(scorer.weight, scorer.bind(source, target)) for scorer in self.scorers]

        def bead_cost(a: int, b: int, i: int, j: int) -> float:
            if not a or not b:
                return self.skip_cost * block
            content = sum(weight * cost(i - a, i, j - b, j) for weight, cost in costs) * (a + b) / 2
            prior = -math.log(BEAD_PRIORS.get((a, b), 1e-3)) if block == 1 else 0.0
            return prior + content * block

        return bead_cost

    def _block_path(self, source, target, beads):
        """The coarse path found over blocks of ``BLOCK`` sentences, in sentence coordinates."""
        source_blocks, target_blocks = _blocks(source), _blocks(target)
        bn, bm = len(source_blocks), len(target_blocks)
        block_cost = self._cost_function(source_blocks, target_blocks, BLOCK)

        band = self.coarse_band // 4 + abs(bn - bm)
        windows = [_diagonal_window(i, bn, bm, band) for i in range(bn + 1)]
        n, m = len(source), len(target)
        return [
            (min(i0 * BLOCK, n), min(i1 * BLOCK, n), min(j0 * BLOCK, m), min(j1 * BLOCK, m), step)
            for i0, i1, j0, j1, step in _search(bn, bm, beads, windows, block_cost)
        ]


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


def _diagonal_window(i: int, n: int, m: int, band: int) -> tuple[int, int]:
    centre = round(i * m / n)
    return max(0, centre - band), min(m, centre + band)


def _search(n, m, beads, windows, bead_cost):
    """Cheapest path from (0, 0) to (n, m) through the cells ``windows[i] = (lo, hi)`` allow.

    Falls back to widening the windows if they do not connect the corners.
    """
    cost: list[dict[int, float]] = [dict() for _ in range(n + 1)]
    back: list[dict[int, tuple[int, int, float]]] = [dict() for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        lo, hi = windows[i]
        row, row_back = cost[i], back[i]
        for j in range(lo, hi + 1):
            best, move = row.get(j, math.inf), None
            for a, b in beads:
                if a > i or b > j:
                    continue
                previous = cost[i - a].get(j - b)
                if previous is None:
                    continue
                step = bead_cost(a, b, i, j)
                if previous + step < best:
                    best, move = previous + step, (a, b, step)
            if move is not None:
                row[j] = best
                row_back[j] = move
    if m not in cost[n]:
        wider = [(max(0, lo - len(windows)), min(m, hi + len(windows))) for lo, hi in windows]
        if wider == windows:
            raise RuntimeError("alignment search found no path")
        return _search(n, m, beads, wider, bead_cost)
    path, i, j = [], n, m
    while i or j:
        a, b, step = back[i][j]
        path.append((i - a, i, j - b, j, step))
        i, j = i - a, j - b
    path.reverse()
    return path


def _corridor(path, n: int, m: int, width: int) -> list[tuple[int, int]]:
    """Cells within ``width`` of the coarse path, per source position."""
    spans: list[list[int]] = [[m, 0] for _ in range(n + 1)]
    spans[0] = [0, 0]
    for i0, i1, j0, j1, _ in path:
        for i in range(i0, i1 + 1):
            spans[i][0] = min(spans[i][0], j0)
            spans[i][1] = max(spans[i][1], j1)
    return [(max(0, lo - width), min(m, hi + width)) for lo, hi in spans]


def _to_beads(path) -> list[Bead]:
    return [
        Bead(tuple(range(i0, i1)), tuple(range(j0, j1)), round(math.exp(-step / 8), 4) if i1 > i0 and j1 > j0 else 0.0)
        for i0, i1, j0, j1, step in path
    ]


def align(
    source: Sequence[str],
    target: Sequence[str],
    source_lang: str = "en",
    target_lang: str = "ru",
    dictionary: Dictionary | None = None,
    translated_source: Sequence[str] | None = None,
    aligner: Aligner | None = None,
) -> list[Bead]:
    """Align two sentence lists; every sentence is in exactly one bead, in order.

    ``translated_source``, when given, is the source machine-translated into the target language
    and adds the MT scorer.
    """
    aligner = aligner or Aligner()
    if translated_source is not None:
        aligner = Aligner(
            aligner.scorers + [TranslationScorer(translated_source, target)],
            aligner.skip_cost, aligner.beads, aligner.coarse_band, aligner.corridor,
        )
    source_common, target_common = lowercase_vocabulary(source), lowercase_vocabulary(target)
    return aligner.align(
        [sentence_features(text, source_lang, dictionary, source_common) for text in source],
        [sentence_features(text, target_lang, dictionary, target_common) for text in target],
    )


def gale_church_aligner() -> Aligner:
    """The baseline: Gale & Church's length model alone, their bead types and priors."""
    return Aligner(scorers=[LengthScorer()], skip_cost=-math.log(0.0099) + 4.0, beads=((1, 1), (2, 1), (1, 2), (2, 2), (1, 0), (0, 1)))
