"""Sentence segmentation with offsets into the normalised text.

Normalised documents hold one paragraph per line, so sentences never cross a line break; each line
is split with razdel, whose rules handle Russian abbreviations, initials and quotes, and which does
well on English prose of this domain too. Offsets are always into the document text, so
``text[segment.start:segment.end] == segment.text`` holds for every segment.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from razdel import sentenize

from .records import Document, Segment

PARAGRAPH = re.compile(r"[^\n]+")
MAX_SENTENCE_CHARS = 2000
"""Longer runs without a boundary (tables, lists flattened by scraping) are cut at spaces, so that
one runaway line cannot become a single enormous translation input."""


def split_sentences(text: str, lang: str = "en") -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``; ``lang`` is ``en`` or ``ru``."""
    del lang  # razdel serves both languages; the argument keeps the API language-aware.
    for paragraph in PARAGRAPH.finditer(text):
        base = paragraph.start()
        for piece in sentenize(paragraph.group(0)):
            for start, end in _cap_length(piece.text, piece.start):
                start, end = _strip(text, base + start, base + end)
                if start < end:
                    yield start, end


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
