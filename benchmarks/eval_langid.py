"""Language identification accuracy on Tatoeba dev: ours, seeded langdetect and plain lingua.

Russian and English sides must come out as ``ru`` and ``en``; each other Cyrillic-script file must
come out as anything but Russian (``other`` for ours; any other language for the baselines).
Throughput is sentences per second inside this process, all files together.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from align.langid import detect_many

from .data import OTHER_CYRILLIC, lines_of, parallel_pairs, require_eval_data


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


def plain_lingua(texts: Sequence[str]) -> list[str]:
    """lingua over English and the Cyrillic-script languages, its own decision, no rules."""
    from lingua import Language, LanguageDetectorBuilder

    languages = [
        Language.ENGLISH, Language.RUSSIAN, Language.UKRAINIAN, Language.BELARUSIAN,
        Language.BULGARIAN, Language.KAZAKH, Language.MACEDONIAN, Language.SERBIAN,
    ]
    detector = LanguageDetectorBuilder.from_languages(*languages).build()
    found = detector.detect_languages_in_parallel_of(list(texts))
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
        scores, total, started = {}, 0, time.perf_counter()
        for name, (texts, correct) in sets.items():
            labels = run(texts)
            scores[name] = sum(map(correct, labels)) / len(texts)
            total += len(texts)
        scores["sent/s"] = total / (time.perf_counter() - started)
        results[system] = scores
    return results


def main() -> None:
    require_eval_data()
    results = evaluate()
    columns = ["ru", "en", "uk", "be", "bg", "kk"]
    print("\nLanguage identification, Tatoeba dev (accuracy; uk/be/bg/kk: share recognised as not Russian)")
    print(f"{'system':<12}" + "".join(f"{c:>8}" for c in columns) + f"{'sent/s':>10}")
    for system, scores in results.items():
        print(f"{system:<12}" + "".join(f"{scores[c]:>8.3f}" for c in columns) + f"{scores['sent/s']:>10.0f}")


if __name__ == "__main__":
    main()
