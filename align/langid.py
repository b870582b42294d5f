"""Language of sentences and of the Russian and English spans inside them.

Script decides most cases for free: Latin letters are English in this domain, and Cyrillic letters
are Russian unless the text holds letters Russian lacks (і ї є ґ ў ә қ …). Cyrillic text without
such letters that is long enough to judge goes to a seeded ``langdetect`` to catch Bulgarian or
Ukrainian written only with shared letters; when evidence is thin, Russian wins, because the
domain is Russian.

Spans are maximal runs of words of one language; punctuation, digits and spaces between two words
of the same language join their run, and homoglyph-mixed words count for their majority script.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .records import Segment, Span

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
CYRILLIC_LETTER = re.compile(r"[\u0400-\u04FF\u0500-\u052F]")
LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")
NOT_RUSSIAN_CYRILLIC = set("іїєґўәқңөұүһјљњђћџѓќѕІЇЄҐЎӘҚҢӨҰҮҺЈЉЊЂЋЏЃЌЅ")
LANGDETECT_MIN_LETTERS = 20
LANGDETECT_OTHER_CONFIDENCE = 0.9
LANGDETECT_SEED = 0


@dataclass(frozen=True)
class Detection:
    lang: str
    spans: tuple[Span, ...]

    @property
    def mixed(self) -> bool:
        return len({span.lang for span in self.spans if span.lang in ("en", "ru")}) > 1

    def as_dict(self) -> dict:
        return {
            "lang": self.lang,
            "mixed": self.mixed,
            "spans": [{"start": s.start, "end": s.end, "lang": s.lang} for s in self.spans],
        }


def word_script(word: str) -> str | None:
    cyrillic = len(CYRILLIC_LETTER.findall(word))
    latin = len(LATIN_LETTER.findall(word))
    if cyrillic == latin == 0:
        return None
    return "cyrillic" if cyrillic >= latin else "latin"


def _merge_runs(text: str) -> list[tuple[int, int, str, int]]:
    """Maximal runs of same-script words: ``(start, end, script, word count)``."""
    runs: list[tuple[int, int, str, int]] = []
    for match in WORD.finditer(text):
        script = word_script(match.group(0))
        if script is None:
            continue
        if runs and runs[-1][2] == script:
            runs[-1] = (runs[-1][0], match.end(), script, runs[-1][3] + 1)
        else:
            runs.append((match.start(), match.end(), script, 1))
    return runs


@lru_cache(maxsize=1)
def _seeded_langdetect():
    """langdetect draws random samples; a fixed seed makes it give the same answer every run."""
    import langdetect

    langdetect.DetectorFactory.seed = LANGDETECT_SEED
    return langdetect


def cyrillic_language(text: str) -> str:
    """``ru`` or ``other`` for a run of Cyrillic text."""
    if any(ch in NOT_RUSSIAN_CYRILLIC for ch in text):
        return "other"
    letters = len(CYRILLIC_LETTER.findall(text))
    if letters < LANGDETECT_MIN_LETTERS:
        return "ru"
    langdetect = _seeded_langdetect()
    try:
        candidates = langdetect.detect_langs(text)
    except langdetect.LangDetectException:  # no features it can use in this text
        return "ru"
    best = candidates[0] if candidates else None
    if best and best.lang != "ru" and best.prob >= LANGDETECT_OTHER_CONFIDENCE:
        return "other"
    return "ru"


def detect(text: str) -> Detection:
    """Language of ``text`` (``en``, ``ru``, ``other``, ``und``) and its language spans."""
    runs = _merge_runs(text)
    spans = tuple(
        Span(start, end, "en" if script == "latin" else cyrillic_language(text[start:end]))
        for start, end, script, _ in runs
    )
    if not spans:
        return Detection("und", ())
    # The sentence's language is the one most of its words are in (the matrix language): an
    # English sentence quoting a long Russian title is still English.
    words: dict[str, int] = {}
    for span, run in zip(spans, runs):
        words[span.lang] = words.get(span.lang, 0) + run[3]
    lang = max(sorted(words), key=lambda name: (words[name], name == "ru"))
    return Detection(lang, spans)


def label_segment(segment: Segment) -> Segment:
    detection = detect(segment.text)
    return Segment(
        segment.doc_id,
        segment.index,
        segment.start,
        segment.end,
        segment.text,
        detection.lang,
        detection.spans,
    )
