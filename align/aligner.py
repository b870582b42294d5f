"""Sentence alignment: monotonic dynamic programming over beads, with pluggable scorers.

A *bead* joins ``a`` source sentences to ``b`` target sentences, for (a, b) in ``BEAD_PRIORS``. The
cost of a bead is its prior (how often such beads occur) plus what each scorer charges for it; the
aligner finds the cheapest monotonic path through both documents. Only cells inside a band around
the diagonal are searched, so the work grows with length × band width, not length × length.

Scorers here: a Gale–Church length model (character counts, with the target/source length ratio
estimated from the two documents themselves) and anchors (numbers and Latin-script tokens that a
translation leaves unchanged). Each scorer is a function of the two sides' texts, so MT similarity
or a dictionary can be added without touching the search.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

BEAD_PRIORS = {
    (1, 1): 0.89,
    (1, 0): 0.005,
    (0, 1): 0.005,
    (2, 1): 0.045,
    (1, 2): 0.045,
    (2, 2): 0.011,
}
GALE_CHURCH_VARIANCE = 6.8
MIN_BAND = 20
NUMBER = re.compile(r"\d+(?:[.,\u00a0 ]\d+)*")
LATIN_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9&-]*")
CYRILLIC_NAME = re.compile(r"[А-ЯЁ][а-яё]+")
TRANSLITERATION = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch  y  e yu ya".split(" "),
    )
)
ANCHOR_PREFIX = 5


@dataclass(frozen=True)
class Bead:
    """Source and target sentence indices aligned together, and a score in (0, 1] (1 = sure)."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float

    def vecalign(self) -> str:
        """``[0,1]:[0]:0.8123``, the format vecalign prints."""
        return f"[{','.join(map(str, self.src))}]:[{','.join(map(str, self.tgt))}]:{self.score:.4f}"


Scorer = Callable[[str, str], float]
"""Extra cost for aligning source text to target text (≥ 0; 0 is a perfect match)."""


def length_ratio(source: Sequence[str], target: Sequence[str]) -> float:
    source_chars = sum(map(len, source))
    target_chars = sum(map(len, target))
    return target_chars / source_chars if source_chars and target_chars else 1.0


def gale_church(ratio: float) -> Scorer:
    """Cost of two lengths under Gale & Church (1993): a normal model of the length difference."""

    def cost(source: str, target: str) -> float:
        source_length, target_length = len(source), len(target)
        if source_length == 0 and target_length == 0:
            return 0.0
        mean = (source_length + target_length / ratio) / 2
        delta = (target_length - source_length * ratio) / math.sqrt(GALE_CHURCH_VARIANCE * max(mean, 1.0))
        probability = max(2 * (1 - _normal_cdf(abs(delta))), 1e-12)
        return -math.log(probability)

    return cost


def _normal_cdf(value: float) -> float:
    return 0.5 * (1 + math.erf(value / math.sqrt(2)))


def transliterate(word: str) -> str:
    """Russian to Latin letters, close to how government sites spell names (Мишустин → mishustin)."""
    return "".join(TRANSLITERATION.get(ch, ch) for ch in word.lower())


def _number(token: str) -> str:
    """``1,587`` / ``1 587`` → ``1587``; ``1,5`` / ``1.5`` → ``1.5``: one spelling across languages."""
    groups = re.split(r"[.,\u00a0 ]", token)
    if len(groups) > 1 and all(len(group) == 3 for group in groups[1:]) and not re.search(r"\.\d{3}$", token):
        return "".join(groups)
    return ".".join(groups)


def anchor_set(text: str) -> set[str]:
    """Tokens a translation leaves recognisable: numbers, Latin words, transliterated names.

    Capitalised words count as names except where every sentence starts with one (the first word);
    words are cut to a prefix so that inflected names still match (Мишустина ~ Mishustin).
    """
    found = {"#" + _number(token) for token in NUMBER.findall(text)}
    first = re.match(r"\W*(\w+)", text)
    start = first.end() if first else 0
    found |= {
        m.group(0).lower()[:ANCHOR_PREFIX]
        for m in LATIN_TOKEN.finditer(text)
        if m.start() >= start and m.group(0)[0].isupper() or m.group(0).isupper() and len(m.group(0)) > 1
    }
    found |= {transliterate(m.group(0))[:ANCHOR_PREFIX] for m in CYRILLIC_NAME.finditer(text) if m.start() >= start}
    return found


def anchors(source: str, target: str) -> float:
    """Shared anchors lower the cost, anchors on one side only raise it (0 when neither has any)."""
    left, right = anchor_set(source), anchor_set(target)
    if not left and not right:
        return 0.0
    shared = len(left & right)
    return 2.0 * (len(left ^ right) - shared) / len(left | right)


def align(
    source: Sequence[str],
    target: Sequence[str],
    scorers: Sequence[Scorer] | None = None,
    band: int | None = None,
) -> list[Bead]:
    """Align two sentence lists; every sentence appears in exactly one bead, in order."""
    n, m = len(source), len(target)
    if n == 0 or m == 0:
        return [Bead((i,), (), 0.0) for i in range(n)] + [Bead((), (j,), 0.0) for j in range(m)]
    scorers = list(scorers) if scorers is not None else [gale_church(length_ratio(source, target)), anchors]
    width = band or max(MIN_BAND, abs(n - m) + 10, int(0.03 * max(n, m)))

    def window(i: int) -> range:
        centre = round(i * m / n)
        return range(max(0, centre - width), min(m, centre + width) + 1)

    inf = math.inf
    cost: list[dict[int, float]] = [dict() for _ in range(n + 1)]
    back: list[dict[int, tuple[int, int, float]]] = [dict() for _ in range(n + 1)]
    cost[0][0] = 0.0
    priors = {bead: -math.log(p) for bead, p in BEAD_PRIORS.items()}
    for i in range(n + 1):
        for j in window(i) if i else range(0, min(m, width) + 1):
            if i == 0 and j == 0:
                continue
            best, best_move = inf, None
            for (a, b), prior in priors.items():
                pi, pj = i - a, j - b
                if pi < 0 or pj < 0:
                    continue
                previous = cost[pi].get(pj)
                if previous is None:
                    continue
                src = " ".join(source[pi:i])
                tgt = " ".join(target[pj:j])
                bead_cost = prior + sum(scorer(src, tgt) for scorer in scorers) if a and b else prior
                total = previous + bead_cost
                if total < best:
                    best, best_move = total, (a, b, bead_cost)
            if best_move is not None:
                cost[i][j] = best
                back[i][j] = best_move
    if m not in cost[n]:
        return align(source, target, scorers, band=width * 2)
    beads, i, j = [], n, m
    while i or j:
        a, b, bead_cost = back[i][j]
        beads.append(Bead(tuple(range(i - a, i)), tuple(range(j - b, j)), round(math.exp(-bead_cost / 10), 4)))
        i, j = i - a, j - b
    beads.reverse()
    return beads
