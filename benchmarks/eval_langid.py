"""Language identification on Tatoeba dev: sentences, and spans inside mixed sentences.

Sentences: Russian and English sides must come out as ``ru`` and ``en``; each other Cyrillic-script
file must come out as anything but Russian (``other`` for ours; any other language for the peers:
seeded langdetect and plain lingua over English and the Cyrillic-script languages).

Spans: mixed sentences are built from the same files by putting a quotation of one language inside
a sentence of another (English in Russian, Russian in English, Ukrainian/Belarusian/Bulgarian/Kazakh
in Russian and in English, Russian in Ukrainian and Kazakh), plus single Russian words and short
Russian titles quoted in English sentences. "Letters right" is the share of letters whose span
language is the one they were written in (``other`` for the non-Russian Cyrillic languages).

Throughput is sentences per second inside this process, all sentence sets together, after each
system has loaded its models.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from align.langid import detect_many

from .data import OTHER_CYRILLIC, lines_of, parallel_pairs, require_eval_data

PEER_LANGUAGES = ("ENGLISH", "RUSSIAN", "UKRAINIAN", "BELARUSIAN", "BULGARIAN", "KAZAKH", "MACEDONIAN", "SERBIAN")


def ours(texts: Sequence[str]) -> list[str]:
    return [detection.lang for detection in detect_many(texts)]


def seeded_langdetect(texts: Sequence[str]) -> list[str]:
    import langdetect

    langdetect.DetectorFactory.seed = 0
    labels = []
    for text in texts:
        try:
            labels.append(langdetect.detect(text))
        except langdetect.LangDetectException:
            labels.append("und")
    return labels


def _peer_lingua():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(*(getattr(Language, name) for name in PEER_LANGUAGES)).build()


def plain_lingua(texts: Sequence[str]) -> list[str]:
    """lingua over English and the Cyrillic-script languages, its own decision, no rules."""
    found = _peer_lingua().detect_languages_in_parallel_of(list(texts))
    return [language.iso_code_639_1.name.lower() if language else "und" for language in found]


SYSTEMS: dict[str, Callable[[Sequence[str]], list[str]]] = {
    "ours": ours,
    "langdetect": seeded_langdetect,
    "lingua": plain_lingua,
}


def test_sets() -> dict[str, tuple[list[str], Callable[[str], bool]]]:
    pairs = parallel_pairs()
    sets = {
        "ru": ([russian for _, russian in pairs], lambda label: label == "ru"),
        "en": ([english for english, _ in pairs], lambda label: label == "en"),
    }
    for code, name in OTHER_CYRILLIC.items():
        sets[code] = (lines_of(name), lambda label: label != "ru")
    return sets


def evaluate() -> dict[str, dict[str, float]]:
    sets = test_sets()
    results = {}
    for system, run in SYSTEMS.items():
        run(sets["ru"][0][:20] + sets["en"][0][:20])  # load models first: the rate is of steady work
        scores, total, started = {}, 0, time.perf_counter()
        for name, (texts, correct) in sets.items():
            labels = run(texts)
            scores[name] = sum(map(correct, labels)) / len(texts)
            total += len(texts)
        scores["sent/s"] = total / (time.perf_counter() - started)
        results[system] = scores
    return results


# ------------------------------------------------------------------------------- mixed spans

QUOTE_MARKS = (("«", "»"), ("“", "”"), ('"', '"'), ("(", ")"), ("„", "“"))
GOLD_OF = {"ru": "ru", "en": "en", "uk": "other", "be": "other", "bg": "other", "kk": "other"}


@dataclass(frozen=True)
class MixedSentence:
    """A built sentence and, for each of its letters, the language it was written in."""

    case: str
    text: str
    gold: tuple[tuple[int, str], ...]
    """``(offset, language)`` of every letter."""


def _letters(text: str) -> list[str]:
    return [ch for ch in text if ch.isalpha()]


def _is_cyrillic(text: str) -> bool:
    letters = _letters(text)
    return bool(letters) and sum("\u0400" <= ch <= "\u052f" for ch in letters) * 2 > len(letters)


def _as_quote(sentence: str) -> str:
    """A sentence as it would be quoted mid-sentence: without its final punctuation."""
    return sentence.rstrip(" .!?…").strip()


def embed(case: str, matrix: str, matrix_lang: str, quote: str, quote_lang: str, k: int) -> MixedSentence:
    """``quote`` in quotation marks (the ``k``-th style) after the middle word of ``matrix``."""
    words = matrix.split(" ")
    cut = max(1, len(words) // 2)
    opening, closing = QUOTE_MARKS[k % len(QUOTE_MARKS)]
    left, right = " ".join(words[:cut]) + f" {opening}", f"{closing} " + " ".join(words[cut:])
    if cut >= len(words):
        right = closing
    text = left + quote + right
    gold = []
    for offset, ch in enumerate(text):
        if ch.isalpha():
            inside = len(left) <= offset < len(left) + len(quote)
            gold.append((offset, GOLD_OF[quote_lang if inside else matrix_lang]))
    return MixedSentence(case, text, tuple(gold))


def _spread(items: list[str], k: int) -> str:
    """A deterministic pick that does not pair a sentence with its own translation."""
    return items[(7 * k + 3) % len(items)]


def mixed_sentences(per_case: int = 60) -> list[MixedSentence]:
    """Mixed sentences of every case, built deterministically from the dev files."""
    pairs = parallel_pairs()
    english = [en for en, _ in pairs]
    russian = [ru for _, ru in pairs]
    other = {code: [line for line in lines_of(name) if _is_cyrillic(line)] for code, name in OTHER_CYRILLIC.items()}
    built: list[MixedSentence] = []
    for k in range(per_case):
        built.append(embed("ru in en", english[k], "en", _as_quote(_spread(russian, k)), "ru", k))
        built.append(embed("en in ru", russian[k], "ru", _as_quote(_spread(english, k)), "en", k))
        longest = max(_spread(russian, k + 1).rstrip(".!?").split(), key=len).strip(",;:")
        built.append(embed("ru word in en", english[k + per_case], "en", longest, "ru", k))
        title = " ".join(_as_quote(_spread(russian, k + 2)).split()[:3]).strip(",;:")
        built.append(embed("ru title in en", english[k + 2 * per_case], "en", title, "ru", k))
        for code, lines in other.items():
            built.append(embed(f"{code} in ru", russian[k + per_case], "ru", _as_quote(_spread(lines, k)), code, k))
            built.append(
                embed(f"{code} in en", english[k + 3 * per_case], "en", _as_quote(_spread(lines, k + 1)), code, k)
            )
        for code in ("uk", "kk"):
            matrix = other[code][k + per_case]
            built.append(embed(f"ru in {code}", matrix, code, _as_quote(_spread(russian, k + 3)), "ru", k))
    return built


def letters_right_ours(sentences: Sequence[MixedSentence]) -> list[tuple[int, int]]:
    """``(right, letters)`` per sentence for our spans."""
    results = []
    for sentence, detection in zip(sentences, detect_many([s.text for s in sentences])):
        label: dict[int, str] = {}
        for span in detection.spans:
            label.update((offset, span.lang) for offset in range(span.start, span.end))
        right = sum(label.get(offset) == lang for offset, lang in sentence.gold)
        results.append((right, len(sentence.gold)))
    return results


def letters_right_lingua(sentences: Sequence[MixedSentence]) -> list[tuple[int, int]]:
    """``(right, letters)`` per sentence for lingua's own mixed-language detection."""
    detector = _peer_lingua()
    results = []
    for sentence in sentences:
        label: dict[int, str] = {}
        for result in detector.detect_multiple_languages_of(sentence.text):
            code = result.language.iso_code_639_1.name.lower()
            lang = code if code in ("en", "ru") else "other"
            label.update((offset, lang) for offset in range(result.start_index, result.end_index))
        right = sum(label.get(offset) == lang for offset, lang in sentence.gold)
        results.append((right, len(sentence.gold)))
    return results


def mixed_flag_right(sentences: Sequence[MixedSentence]) -> float:
    """Share of built sentences our detector calls ``mixed`` (every one of them is)."""
    return sum(d.mixed for d in detect_many([s.text for s in sentences])) / len(sentences)


def evaluate_spans() -> dict[str, dict[str, float]]:
    """Letters right per case and overall, ours and lingua's."""
    sentences = mixed_sentences()
    results: dict[str, dict[str, float]] = {}
    for system, run in (("ours", letters_right_ours), ("lingua", letters_right_lingua)):
        per_case: dict[str, list[int]] = {}
        for sentence, (right, letters) in zip(sentences, run(sentences)):
            totals = per_case.setdefault(sentence.case, [0, 0])
            totals[0], totals[1] = totals[0] + right, totals[1] + letters
        scores = {case: right / letters for case, (right, letters) in per_case.items()}
        scores["all"] = sum(r for r, _ in per_case.values()) / sum(n for _, n in per_case.values())
        results[system] = scores
    results["ours"]["mixed flag"] = mixed_flag_right(sentences)
    return results


def main() -> None:
    require_eval_data()
    results = evaluate()
    columns = ["ru", "en", "uk", "be", "bg", "kk"]
    print("\nLanguage identification, Tatoeba dev (accuracy; uk/be/bg/kk: share recognised as not Russian)")
    print(f"{'system':<12}" + "".join(f"{c:>8}" for c in columns) + f"{'sent/s':>10}")
    for system, scores in results.items():
        print(f"{system:<12}" + "".join(f"{scores[c]:>8.3f}" for c in columns) + f"{scores['sent/s']:>10.0f}")
    spans = evaluate_spans()
    cases = [case for case in spans["ours"] if case not in ("all", "mixed flag")]
    print("\nMixed-sentence spans, built from Tatoeba dev (letters right)")
    print(f"{'case':<16}{'ours':>8}{'lingua':>8}")
    for case in cases + ["all"]:
        print(f"{case:<16}{spans['ours'][case]:>8.3f}{spans['lingua'][case]:>8.3f}")
    print(f"{'mixed flag set':<16}{spans['ours']['mixed flag']:>8.3f}")


if __name__ == "__main__":
    main()
