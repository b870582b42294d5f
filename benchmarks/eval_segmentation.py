"""Segmentation F1 on Tatoeba paragraphs: ours beside pysbd and razdel, in one run.

Entries that hold a single sentence (by a conservative test: no sentence-final punctuation followed
by a capitalised word inside them) are joined, five at a time, into paragraphs; the gold boundaries
are the joins. A system's boundaries are the ends of its sentences; F1 is over boundary positions.
"""

from __future__ import annotations

import re
import time

from align.segment import split_sentences

from .data import parallel_pairs, require_eval_data

INTERNAL_BOUNDARY = re.compile(r"[.!?…][»”\"')]*\s+[\"«“(]?[A-ZА-ЯЁ]")
PARAGRAPH_SIZE = 5


def single_sentence(text: str) -> bool:
    return not INTERNAL_BOUNDARY.search(text) and bool(re.search(r"[.!?…][»”\"')]*$", text))


def paragraphs(sentences: list[str]) -> list[tuple[str, set[int]]]:
    result = []
    for begin in range(0, len(sentences) - PARAGRAPH_SIZE + 1, PARAGRAPH_SIZE):
        group = sentences[begin : begin + PARAGRAPH_SIZE]
        text, gold, offset = " ".join(group), set(), 0
        for sentence in group[:-1]:
            offset += len(sentence)
            gold.add(offset)
            offset += 1
        result.append((text, gold))
    return result


def boundaries(text: str, pieces: list[str]) -> set[int]:
    """Ends of all but the last piece, as offsets into ``text`` (pieces are located in order)."""
    found, cursor = set(), 0
    for piece in pieces[:-1]:
        piece = piece.strip()
        if not piece:
            continue
        at = text.find(piece, cursor)
        if at < 0:
            continue
        cursor = at + len(piece)
        found.add(cursor)
    return found


def f1(gold: set[int], predicted: set[int]) -> tuple[float, float, float]:
    true = len(gold & predicted)
    precision = true / len(predicted) if predicted else 1.0
    recall = true / len(gold) if gold else 1.0
    score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, score


def systems(lang: str):
    import pysbd
    from razdel import sentenize

    segmenter = pysbd.Segmenter(language=lang, clean=False)
    return {
        "ours": lambda text: [text[s:e] for s, e in split_sentences(text, lang)],
        "pysbd": segmenter.segment,
        "razdel": lambda text: [piece.text for piece in sentenize(text)],
    }


def evaluate(lang: str, data: list[tuple[str, set[int]]]) -> dict[str, tuple[float, float, float, float]]:
    scores = {}
    for name, split in systems(lang).items():
        gold_all, predicted_all = set(), set()
        started = time.perf_counter()
        for number, (text, gold) in enumerate(data):
            base = number * 1_000_000
            gold_all |= {base + g for g in gold}
            predicted_all |= {base + p for p in boundaries(text, split(text))}
        elapsed = time.perf_counter() - started
        scores[name] = (*f1(gold_all, predicted_all), elapsed)
    return scores


def main() -> None:
    require_eval_data()
    pairs = parallel_pairs()
    print("Sentence segmentation, Tatoeba dev paragraphs (5 single-sentence entries each)")
    print(f"{'lang':<5}{'system':<8}{'paragraphs':>11}{'P':>8}{'R':>8}{'F1':>8}{'seconds':>9}")
    for lang, column in (("en", 0), ("ru", 1)):
        sentences = [pair[column] for pair in pairs if single_sentence(pair[column])]
        data = paragraphs(sentences)
        for name, (p, r, score, seconds) in evaluate(lang, data).items():
            print(f"{lang:<5}{name:<8}{len(data):>11}{p:>8.4f}{r:>8.4f}{score:>8.4f}{seconds:>9.3f}")


if __name__ == "__main__":
    main()
