"""Plain dataclasses that travel between the pipeline stages.

They live in one module so that no stage has to import another stage to speak its language; every
record converts to a JSON-ready ``dict`` with ``as_dict`` for the published files.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import ClassVar


@dataclass(frozen=True)
class Removal:
    """A stretch of the raw text that normalisation dropped, with the rule that dropped it.

    ``text`` is what the stretch held, so the log can be read without the input file: for a line
    rule the raw line, for a ``changed-by-<repair>`` entry the line before it was repaired, for
    decoding repairs the bytes (``\\xff\\xfe``, ``\\x00 ×3``). It is cut to ``TEXT_CHARS``
    characters and an ellipsis here, so every caller cuts the same way.
    """

    start: int
    end: int
    reason: str
    text: str = ""

    TEXT_CHARS: ClassVar[int] = 200

    def __post_init__(self) -> None:
        if len(self.text) > self.TEXT_CHARS:
            object.__setattr__(self, "text", self.text[: self.TEXT_CHARS] + "…")


@dataclass(frozen=True)
class RawDocument:
    """A decoded input file: body text, header metadata and provenance, before any repair."""

    source: str
    text: str
    metadata: dict[str, str]
    encoding: str
    source_sha256: str
    body_offset: int = 0
    """Where ``text`` starts in the decoded file (the header block comes before it)."""
    repairs: tuple[Removal, ...] = ()
    """Byte-level repairs made while decoding (NUL bytes, invalid UTF-8), in decoded-file offsets."""


@dataclass(frozen=True)
class Document:
    """A normalised document; ``doc_id`` is derived from its text so it is stable across runs."""

    doc_id: str
    source: str
    title: str | None
    date: str | None
    lang: str
    text: str
    removed: list[Removal] = field(default_factory=list)
    url: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Span:
    """A run of one language inside a segment, in code points relative to the segment."""

    start: int
    end: int
    lang: str


@dataclass(frozen=True)
class Segment:
    """A sentence of a document with its offsets into the normalised text."""

    doc_id: str
    index: int
    start: int
    end: int
    text: str
    lang: str = "und"
    spans: tuple[Span, ...] = ()

    @property
    def mixed(self) -> bool:
        """Any span in another language than the segment's (``other`` included; ``und`` aside)."""
        return any(span.lang not in (self.lang, "und") for span in self.spans)


@dataclass(frozen=True)
class ModelRef:
    """Which translation package produced a machine translation: enough to fetch it again."""

    name: str
    version: str
    sha256: str
    test_model: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Pair:
    """One row of the published corpus."""

    id: str
    doc_id: str
    en: str
    ru: str
    src_lang: str | None
    """``None`` for aligned human pairs: neither side is known to be the source."""
    origin: str
    model: ModelRef | None
    score: float | None
    src_index: list[int]
    tgt_index: list[int]
    spans: list[Span] = field(default_factory=list)
    mixed: bool = False

    def as_row(self) -> dict:
        return {
            "id": self.id,
            "doc_id": self.doc_id,
            "translation": {"en": self.en, "ru": self.ru},
            "src_lang": self.src_lang,
            "origin": self.origin,
            "model": self.model.as_dict() if self.model else None,
            "score": self.score,
            "src_index": list(self.src_index),
            "tgt_index": list(self.tgt_index),
            "mixed": self.mixed,
            "spans": [asdict(span) for span in self.spans],
        }
