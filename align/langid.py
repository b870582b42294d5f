"""Language of sentences and of the Russian and English spans inside them.

Script decides most cases for free: Latin letters are English in this domain. Cyrillic text is
decided in three steps, each cheaper than the next:

1. letters Russian lacks (і ї є ґ ў ә ғ қ ң ө ұ ү һ ј љ њ ђ ћ џ ѓ ќ ѕ, or a Latin ``i`` inside a
   Cyrillic word, as Kazakh and Ukrainian are often typed) mean ``other``;
2. lingua, restricted to the Cyrillic-script languages of the region, scores the text, and a
   language whose alphabet lacks one of the text's letters is struck out (a text with ы cannot
   be Bulgarian, one with щ cannot be Belarusian);
3. the text is ``other`` only when the best remaining language beats Russian by ``OTHER_MARGIN``:
   the domain is Russian, so thin evidence goes to Russian.

lingua is deterministic (no random sampling, unlike langdetect) and scores many texts in one
parallel call, so ``detect_many`` classifies every Cyrillic run of a batch at once.

Spans are maximal runs of words of one language; punctuation, digits and spaces between two words
of the same language join their run, homoglyph-mixed words count for their majority script, and
URLs and e-mail addresses are ``und`` spans (they are not text in any language).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .records import Segment, Span
from .scripts import CYRILLIC, LATIN_TO_CYRILLIC, dominant_script

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
URL = re.compile(
    r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[\w-]+(?:\.[\w-]+)*\.(?:ru|рф|com|org|net|gov|su|by|kz|ua)\b(?:/\S*)?",
    re.IGNORECASE,
)
NOT_RUSSIAN_CYRILLIC = frozenset("іїєґўәғқңөұүһјљњђћџѓќѕ")
LATIN_I_IN_CYRILLIC = re.compile(r"[\u0400-\u04FF][iI]|[iI][\u0400-\u04FF]")
ALPHABETS = {
    "uk": frozenset("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"),
    "be": frozenset("абвгдеёжзійклмнопрстуўфхцчшыьэюя"),
    "bg": frozenset("абвгдежзийклмнопрстуфхцчшщъьюя"),
    "mk": frozenset("абвгдѓежзѕијклљмнњопрстќуфхцчџш"),
    "sr": frozenset("абвгдђежзијклљмнњопрстћуфхцчџш"),
}
"""Lowercase letters of each language; Kazakh has every Russian letter, so it is never struck."""
OTHER_MARGIN = 0.1
"""How much more confident lingua must be in another language than in Russian (``make eval``)."""


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


@dataclass
class Run:
    """A maximal stretch of same-script words (or one URL) inside a text."""

    start: int
    end: int
    script: str
    words: int


def script_runs(text: str) -> list[Run]:
    runs: list[Run] = []
    urls = [(m.start(), m.end()) for m in URL.finditer(text)]
    tokens = [(start, end, "url", 0) for start, end in urls]
    cursor = 0
    for start, end in urls + [(len(text), len(text))]:
        for match in WORD.finditer(text, cursor, start):
            script = dominant_script(match.group(0))
            if script:
                tokens.append((match.start(), match.end(), script, 1))
        cursor = end
    for start, end, script, words in sorted(tokens):
        if runs and runs[-1].script == script != "url":
            runs[-1].end, runs[-1].words = end, runs[-1].words + words
        else:
            runs.append(Run(start, end, script, words))
    return runs


@lru_cache(maxsize=1)
def _lingua():
    from lingua import Language, LanguageDetectorBuilder

    codes = {
        Language.RUSSIAN: "ru",
        Language.UKRAINIAN: "uk",
        Language.BELARUSIAN: "be",
        Language.BULGARIAN: "bg",
        Language.KAZAKH: "kk",
        Language.MACEDONIAN: "mk",
        Language.SERBIAN: "sr",
    }
    detector = LanguageDetectorBuilder.from_languages(*codes).build()
    return detector, codes


def _has_other_letters(text: str) -> bool:
    lowered = text.lower()
    return any(ch in NOT_RUSSIAN_CYRILLIC for ch in lowered) or bool(LATIN_I_IN_CYRILLIC.search(text))


def _decide(text: str, confidences: dict[str, float]) -> str:
    letters = set(CYRILLIC.findall(text.lower()))
    possible = {
        lang: value
        for lang, value in confidences.items()
        if lang not in ALPHABETS or letters <= ALPHABETS[lang]
    }
    russian = possible.get("ru", 0.0)
    other = max((value for lang, value in possible.items() if lang != "ru"), default=0.0)
    return "other" if other - russian > OTHER_MARGIN else "ru"


def cyrillic_languages(texts: Sequence[str]) -> list[str]:
    """``ru`` or ``other`` for each Cyrillic text, scored in one batch."""
    labels = ["other" if _has_other_letters(text) else "" for text in texts]
    pending = [i for i, label in enumerate(labels) if not label]
    if pending:
        detector, codes = _lingua()
        scored = detector.compute_language_confidence_values_in_parallel([_clean(texts[i]) for i in pending])
        for i, values in zip(pending, scored):
            confidences = {codes[value.language]: value.value for value in values}
            labels[i] = _decide(texts[i], confidences)
    return labels


def _clean(text: str) -> str:
    """Lone surrogates cannot cross into lingua's Rust core; same length, so offsets hold."""
    return text.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(text) else text


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def detect_many(texts: Sequence[str]) -> list[Detection]:
    """Language and spans of each text; all Cyrillic runs of the batch are classified together."""
    all_runs = [script_runs(text) for text in texts]
    cyrillic = [(i, k) for i, runs in enumerate(all_runs) for k, run in enumerate(runs) if run.script == "cyrillic"]
    # Look-alike Latin letters inside Cyrillic words (homoglyphs) are read as the Cyrillic twins.
    labels = cyrillic_languages(
        [texts[i][all_runs[i][k].start : all_runs[i][k].end].translate(LATIN_TO_CYRILLIC) for i, k in cyrillic]
    )
    label_of = dict(zip(cyrillic, labels))
    detections = []
    for i, runs in enumerate(all_runs):
        spans, words = [], {}
        for k, run in enumerate(runs):
            lang = {"latin": "en", "url": "und"}.get(run.script) or label_of[(i, k)]
            spans.append(Span(run.start, run.end, lang))
            if lang != "und":
                words[lang] = words.get(lang, 0) + run.words
        # The sentence's language is the one most of its words are in (its matrix language): an
        # English sentence quoting a Russian title is still English. Ties go to Russian.
        lang = max(sorted(words), key=lambda name: (words[name], name == "ru")) if words else "und"
        detections.append(Detection(lang, tuple(spans)))
    return detections


def detect(text: str) -> Detection:
    """Language of ``text`` (``en``, ``ru``, ``other``, ``und``) and its language spans."""
    return detect_many([text])[0]


def label_segments(segments: Sequence[Segment]) -> list[Segment]:
    """The segments with ``lang`` and ``spans`` filled in, detected in one batch."""
    return [
        Segment(s.doc_id, s.index, s.start, s.end, s.text, d.lang, d.spans)
        for s, d in zip(segments, detect_many([s.text for s in segments]))
    ]
