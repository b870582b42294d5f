"""The map steps of a build: pure functions from one shard of work to its records.

Each step sees one shard and never the whole corpus, takes and returns plain picklable values,
and reads no file and no global state, so any executor can run it anywhere — in this process, in
a process pool, or as a Ray task on another machine — and get the same result. The pipeline
(``align.pipeline``) plans the shards, runs the steps through an executor, and does the global
work between them on small per-document summaries.

* ``prepare_shard``: input bytes → documents, sentences with languages and spans, pairing profiles;
* ``confirm_candidates``: candidate document pairs → how well each aligns (for pairing);
* ``lexicon_evidence``: document pairs → their confident 1-1 sentence pairs (first pass), from
  which the driver learns one lexicon for the whole build (``align.lexicon``);
* ``align_shard``: document pairs with their sentences (and that lexicon) → aligned
  ``origin: human`` rows.

Machine rows (``machine_rows``) are built where the translator is, from sentences and their
translations.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .aligner import align
from .budget import OverBudget, time_budget
from .html import BOILERPLATE
from .ingest import SkippedInput, document_from_bytes
from .langid import label_segments
from .lexicon import Lexicon, confident_pairs
from .normalise import normalise
from .pairing import PairingProfile, alignment_agreement, profile
from .records import Document, ModelRef, Pair, Segment, Span
from .segment import segment_document
from .translate import KEPT_VERBATIM

TARGET = {"en": "ru", "ru": "en"}


# ------------------------------------------------------------------------------------ prepare


@dataclass(frozen=True)
class InputUnit:
    """One input as the reading process found it: a file, or a page of a WARC archive.

    ``data`` is its bytes, or ``None`` with the reason in ``skipped``; ``ignored`` marks what is
    no document at all rather than a damaged one (a WARC's images, redirects, duplicates), which
    ``--strict`` lets pass. ``metadata`` is what is known from outside the bytes (a WARC record's
    URL, capture date, HTTP charset).
    """

    source: str
    data: bytes | None
    skipped: str | None = None
    digest: str | None = None
    """sha256 of ``data``: part of the shard's key, so a changed input is prepared again."""
    metadata: dict[str, str] | None = None
    ignored: bool = False

    @classmethod
    def read(cls, source: str, data: bytes, metadata: dict[str, str] | None = None) -> InputUnit:
        return cls(source, data, None, hashlib.sha256(data).hexdigest(), metadata)


@dataclass(frozen=True)
class PrepareTask:
    units: tuple[InputUnit, ...]
    document_timeout: float | None


@dataclass
class PreparedShard:
    """A shard's documents and sentences, the manifest entries of its inputs, and its profiles."""

    entries: list[dict] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    profiles: list[PairingProfile] = field(default_factory=list)


def prepare_shard(task: PrepareTask) -> PreparedShard:
    """Read, normalise, segment and label each input of the shard, within its time budget.

    A document that fails (over budget, no English or Russian sentence, an error in a stage) is
    an entry with a reason, never an exception: one bad page must not cost its shard. A second
    copy of a text in the shard is skipped here; copies in other shards, by the pipeline.
    """
    shard = PreparedShard()
    for unit in task.units:
        entry: dict[str, object] = {"path": unit.source}
        if unit.data is None:
            shard.entries.append(entry | {"status": "ignored" if unit.ignored else "skipped", "reason": unit.skipped})
            continue
        try:
            raw = document_from_bytes(unit.data, unit.source, unit.metadata)
            entry = {"path": raw.source, "sha256": raw.source_sha256, "status": "used", "encoding": raw.encoding}
            damage = [repair for repair in raw.repairs if repair.reason != BOILERPLATE]
            if damage:
                entry["repairs"] = len(damage)
            with time_budget(task.document_timeout):
                document = normalise(raw)
                segments = label_segments(segment_document(document))
                keys = profile(document)
        except SkippedInput as skipped:
            shard.entries.append({"path": skipped.path, "status": "skipped", "reason": skipped.reason})
            continue
        except OverBudget:
            shard.entries.append(
                entry | {"status": "skipped", "reason": "timeout", "budget_seconds": task.document_timeout}
            )
            continue
        except Exception as error:  # a bug on one page: reported with the page, the build goes on
            shard.entries.append(entry | {"status": "skipped", "reason": f"error: {type(error).__name__}: {error}"})
            continue
        if not any(segment.lang in TARGET for segment in segments):
            shard.entries.append(
                entry | {"status": "skipped", "reason": "no English or Russian sentence after normalisation"}
            )
            continue
        if any(kept.doc_id == document.doc_id for kept in shard.documents):
            shard.entries.append(entry | {"status": "skipped", "reason": f"same text as document {document.doc_id}"})
            continue
        shard.entries.append(entry | {"doc_id": document.doc_id})
        shard.documents.append(document)
        shard.segments.extend(segments)
        shard.profiles.append(keys)
    return shard


# ------------------------------------------------------------------------------------ confirm


@dataclass(frozen=True)
class ConfirmTask:
    candidates: tuple[tuple[str, str], ...]
    texts: dict[str, list[str]]
    """Sentences (language known, ``und`` left out) of every document in ``candidates``."""


def confirm_candidates(task: ConfirmTask) -> list[float]:
    """How well each candidate (English id, Russian id) aligns sentence by sentence."""
    return [alignment_agreement(task.texts[en], task.texts[ru]) for en, ru in task.candidates]


# -------------------------------------------------------------------------------------- align


@dataclass(frozen=True)
class AlignTask:
    pairs: tuple[tuple[str, str], ...]
    segments: dict[str, list[Segment]]
    """Sentences with a known language of every document in ``pairs``."""
    translated: dict[str, list[str]] | None = None
    """English sentences machine-translated into Russian, by document, when a real model helps."""
    lexicon: Lexicon | None = None
    """The build's lexicon, learned from every shard's ``lexicon_evidence`` (sent as data)."""


def lexicon_evidence(task: AlignTask) -> list[tuple[str, str]]:
    """``(english, russian)`` sentences of the confident 1-1 beads of a first pass, without a
    lexicon or MT, over every document pair of the shard, in order."""
    evidence: list[tuple[str, str]] = []
    for english_id, russian_id in task.pairs:
        english = [s.text for s in task.segments[english_id]]
        russian = [s.text for s in task.segments[russian_id]]
        evidence += confident_pairs(english, russian, align(english, russian, "en", "ru"))
    return evidence


def align_shard(task: AlignTask) -> list[Pair]:
    """Aligned sentences of each document pair: one row per bead with both sides.

    Which side is the original is not known, so ``src_lang`` is null; sentences left unaligned
    are not published.
    """
    rows: list[Pair] = []
    for english_id, russian_id in task.pairs:
        english, russian = task.segments[english_id], task.segments[russian_id]
        translated = task.translated.get(english_id) if task.translated else None
        beads = align(
            [s.text for s in english],
            [s.text for s in russian],
            "en",
            "ru",
            translated_source=translated,
            lexicon=task.lexicon,
        )
        for number, bead in enumerate(b for b in beads if b.src and b.tgt):
            en_side = [english[i] for i in bead.src]
            ru_side = [russian[j] for j in bead.tgt]
            rows.append(
                Pair(
                    id=f"{english_id}-{russian_id[:8]}-{number:05d}",
                    doc_id=english_id,
                    en=" ".join(s.text for s in en_side),
                    ru=" ".join(s.text for s in ru_side),
                    src_lang=None,
                    origin="human",
                    model=None,
                    score=bead.score,
                    src_index=[s.index for s in en_side],
                    tgt_index=[s.index for s in ru_side],
                    spans=joined_spans(en_side),
                    mixed=any(s.mixed for s in en_side + ru_side),
                )
            )
    return rows


def joined_spans(segments: list[Segment]) -> list[Span]:
    """Spans of segments joined with single spaces, offsets shifted into the joined text."""
    spans: list[Span] = []
    offset = 0
    for segment in segments:
        spans.extend(Span(s.start + offset, s.end + offset, s.lang) for s in segment.spans)
        offset += len(segment.text) + 1
    return spans


# ------------------------------------------------------------------------------------ machine


def kept_spans(segment: Segment) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in segment.spans if s.lang in KEPT_VERBATIM.get(segment.lang, ())]


def machine_rows(
    segments: list[Segment], translations: dict[str, dict[str, str]], models: dict[str, ModelRef]
) -> list[Pair]:
    """One row per English or Russian sentence with its translation (1-1 beads).

    ``translations[lang][text]`` is the translation of a sentence in ``lang``; ``models[lang]`` the
    package that made it. Sentences in a language without a model are left out.
    """
    rows = []
    for segment in segments:
        if segment.lang not in models:
            continue
        translated = translations[segment.lang][segment.text]
        en, ru = (segment.text, translated) if segment.lang == "en" else (translated, segment.text)
        rows.append(
            Pair(
                id=f"{segment.doc_id}-{segment.index:05d}",
                doc_id=segment.doc_id,
                en=en,
                ru=ru,
                src_lang=segment.lang,
                origin="machine",
                model=models[segment.lang],
                score=None,
                src_index=[segment.index],
                tgt_index=[segment.index],
                spans=list(segment.spans),
                mixed=segment.mixed,
            )
        )
    return rows
