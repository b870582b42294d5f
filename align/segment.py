"""Sentence segmentation with offsets into the normalised text.

Normalised documents hold one paragraph per line, so sentences never cross a line break. Each line
is split with razdel, whose rules handle Russian abbreviations, initials, decimals and quotes. On
English it scores as well as pysbd on Tatoeba (``make eval``) but does not know English titles and
abbreviations (``Prof.``, ``St. Petersburg``, ``approx.``), so for English a piece ending in one of
``ENGLISH_ABBREVIATIONS`` is joined to the next. Offsets are always into the document text, so
``text[segment.start:segment.end] == segment.text`` holds for every segment.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from razdel import sentenize

from .records import Document, Segment

PARAGRAPH = re.compile(r"[^\n]+")
ENGLISH_ABBREVIATIONS = (
    "mr mrs ms dr prof gen col lt maj capt sgt adm gov sen rep rev hon pres st mt ft ave blvd "
    "dept univ approx ca cf vs e.g i.e"
).split()
"""Never end an English sentence: titles, place prefixes, and Latin abbreviations."""
ENGLISH_NUMBER_ABBREVIATIONS = (
    "no nos art arts para fig figs vol vols pp ch sec jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
"""Abbreviations only when a number follows (``No. 5``, ``Art. 12``, ``Jan. 5``); otherwise words."""


ENGLISH_MISSED_BOUNDARY = re.compile(r"(?<=\b[Nn]o\.)\s+(?=[\"“«(]?[A-Z])")
"""razdel reads ``no.`` as the abbreviation of *numero* even before a capitalised word."""


def _abbreviation_pattern(words: list[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(word) for word in words)
    return re.compile(rf"(?:^|[\s(\[«“\"])(?:{alternatives})\.$", re.IGNORECASE)


NON_FINAL_ABBREVIATION = _abbreviation_pattern(ENGLISH_ABBREVIATIONS)
NUMBER_ABBREVIATION = _abbreviation_pattern(ENGLISH_NUMBER_ABBREVIATIONS)
MAX_SENTENCE_CHARS = 2000
"""Longer runs without a boundary (tables, lists flattened by scraping) are cut at spaces, so that
one runaway line cannot become a single enormous translation input."""


def split_sentences(text: str, lang: str = "en") -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``; ``lang`` is ``en`` or ``ru``."""
    for paragraph in PARAGRAPH.finditer(text):
        base, line = paragraph.start(), paragraph.group(0)
        pieces = [(piece.start, piece.stop) for piece in sentenize(line)]
        if lang == "en":
            pieces = _join_after_abbreviations(line, _split_missed(line, pieces))
        for piece_start, piece_end in pieces:
            for start, end in _cap_length(line[piece_start:piece_end], piece_start):
                start, end = _strip(text, base + start, base + end)
                if start < end:
                    yield start, end


def _split_missed(line: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    split: list[tuple[int, int]] = []
    for start, end in pieces:
        for match in ENGLISH_MISSED_BOUNDARY.finditer(line, start, end):
            split.append((start, match.start()))
            start = match.end()
        split.append((start, end))
    return split


def _join_after_abbreviations(line: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    joined: list[tuple[int, int]] = []
    for start, end in pieces:
        previous = line[joined[-1][0] : joined[-1][1]] if joined else ""
        number_follows = line[start:end].lstrip()[:1].isdigit()
        if joined and (
            NON_FINAL_ABBREVIATION.search(previous) or number_follows and NUMBER_ABBREVIATION.search(previous)
        ):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _cap_length(sentence: str, offset: int) -> Iterator[tuple[int, int]]:
    start = 0
    while len(sentence) - start > MAX_SENTENCE_CHARS:
        cut = sentence.rfind(" ", start, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        yield offset + start, offset + cut
        start = cut
    yield offset + start, offset + len(sentence)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def segment_document(document: Document) -> list[Segment]:
    """The document's sentences, numbered from 0, with ``lang`` still undetermined."""
    return [
        Segment(document.doc_id, index, start, end, document.text[start:end])
        for index, (start, end) in enumerate(split_sentences(document.text, document.lang))
    ]
