"""Wiring the stages into ``build``: input folder in, published corpus out.

Models are looked up before anything is written, so a build without models stops with one line and
leaves no trace. Translation goes through the cache, so a rerun after an interruption only
translates what was not finished.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import __version__, progress
from .aligner import align
from .budget import DEFAULT_DOCUMENT_SECONDS, OverBudget, time_budget
from .destination import TOOL, check_output, output_lock, staging_folder
from .errors import AlignError
from .hashing import sha256_file
from .ingest import RawDocument, SkippedInput, iter_documents
from .langid import label_segments
from .models import PackageNotFound, find_package, missing_packages_message, store_root
from .names import printable_name
from .normalise import normalise
from .pairing import DocumentPair, alignment_agreement, pair_documents, profile
from .publish import CorpusInfo, publish
from .records import Document, Pair, Segment, Span
from .segment import segment_document
from .translate import (
    ArgosTranslator,
    DecodingSettings,
    TranslationCache,
    Translator,
    translate_keeping,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOCK_FILE = PROJECT_ROOT / "uv.lock"
TARGET = {"en": "ru", "ru": "en"}
KEPT_VERBATIM = {"en": {"ru", "other", "und"}, "ru": {"en", "other", "und"}}
"""Span languages a translation from each source language keeps as they are (``und``: URLs)."""


def kept_spans(segment: Segment) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in segment.spans if s.lang in KEPT_VERBATIM.get(segment.lang, ())]


class BuildError(AlignError):
    """A build that cannot go on; the message is one line for the user."""


MAX_DECODING_LENGTH = 1024
"""Upper bound on ``--max-decoding-length``: a random-weight model never stops by itself, so a
huge cap makes a build run practically for ever. Real sentences need far fewer tokens."""


@dataclass(frozen=True)
class BuildSettings:
    """Everything that changes the published bytes; recorded in the manifest and on the card."""

    max_decoding_length: int | None = None
    strict: bool = False
    name: str | None = None
    document_timeout: float | None = DEFAULT_DOCUMENT_SECONDS
    license: str = "other"


@dataclass
class Prepared:
    """Documents normalised, segmented and labelled, with what was skipped on the way."""

    documents: list[Document] = field(default_factory=list)
    segments: dict[str, list[Segment]] = field(default_factory=dict)
    inputs: list[dict] = field(default_factory=list)
    skipped: list[SkippedInput] = field(default_factory=list)


def prepare(
    input_dir: Path,
    exclude: Path | None = None,
    document_timeout: float | None = DEFAULT_DOCUMENT_SECONDS,
    show_progress: bool = False,
) -> Prepared:
    """Read, normalise, segment and label every input; skipped inputs keep their reason.

    Each document gets ``document_timeout`` seconds; a document that takes longer, or that has
    no English or Russian sentence left, is skipped and reported rather than published empty.
    """
    prepared = Prepared()
    seen: set[str] = set()
    with progress.bar(None, "read", "doc", show_progress) as bar:
        for item in iter_documents(input_dir, exclude=exclude):
            bar.update(1)
            if isinstance(item, SkippedInput):
                _skip(prepared, {"path": item.path}, item.reason)
                continue
            entry = _input_entry(item)
            try:
                with time_budget(document_timeout):
                    document = normalise(item)
                    segments = label_segments(segment_document(document))
            except OverBudget:
                _skip(prepared, entry, "timeout", budget_seconds=document_timeout)
                continue
            if document.doc_id in seen:
                _skip(prepared, entry, f"same text as document {document.doc_id}")
                continue
            if not any(segment.lang in TARGET for segment in segments):
                _skip(prepared, entry, "no English or Russian sentence after normalisation")
                continue
            seen.add(document.doc_id)
            prepared.inputs.append(dict(entry, doc_id=document.doc_id))
            prepared.documents.append(document)
            prepared.segments[document.doc_id] = segments
    return prepared


def _skip(prepared: Prepared, entry: dict, reason: str, **details) -> None:
    prepared.inputs.append(entry | {"status": "skipped", "reason": reason} | details)
    prepared.skipped.append(SkippedInput(entry["path"], reason))


def _input_entry(raw: RawDocument) -> dict:
    entry = {"path": raw.source, "sha256": raw.source_sha256, "status": "used", "encoding": raw.encoding}
    if raw.repairs:
        entry["repairs"] = len(raw.repairs)
    return entry


def needed_directions(prepared: Prepared, documents: list[Document]) -> list[tuple[str, str]]:
    langs = {segment.lang for document in documents for segment in prepared.segments[document.doc_id]}
    return [(lang, TARGET[lang]) for lang in ("en", "ru") if lang in langs]


def load_translators(
    directions: list[tuple[str, str]], settings: BuildSettings, show_progress: bool, use_cache: bool = True
) -> dict[str, Translator]:
    """One translator per needed direction; every missing package is named in one message.

    Packages are looked up before the cache is opened, so a build without models writes nothing.
    """
    packages, missing = {}, []
    for source, target in directions:
        try:
            packages[source] = find_package(source, target)
        except PackageNotFound:
            missing.append((source, target))
    if missing:
        raise BuildError(missing_packages_message(missing, store_root()))
    cache = TranslationCache() if use_cache else None
    decoding = DecodingSettings(max_decoding_length=settings.max_decoding_length)
    return {
        source: ArgosTranslator(package, decoding, cache=cache, progress=show_progress)
        for source, package in packages.items()
    }


def machine_pairs(prepared: Prepared, documents: list[Document], translators: dict[str, Translator]) -> list[Pair]:
    """One row per English or Russian sentence, translated into the other language (1-1 beads)."""
    translations: dict[str, dict[str, str]] = {}
    for source, translator in translators.items():
        unique = {s.text: kept_spans(s) for d in documents for s in prepared.segments[d.doc_id] if s.lang == source}
        texts = list(unique)
        translations[source] = dict(zip(texts, translate_keeping(translator, texts, [unique[t] for t in texts])))
    pairs = []
    for document in documents:
        for segment in prepared.segments[document.doc_id]:
            translator = translators.get(segment.lang)
            if translator is None:
                continue
            translated = translations[segment.lang][segment.text]
            en, ru = (segment.text, translated) if segment.lang == "en" else (translated, segment.text)
            pairs.append(
                Pair(
                    id=f"{document.doc_id}-{segment.index:05d}",
                    doc_id=document.doc_id,
                    en=en,
                    ru=ru,
                    src_lang=segment.lang,
                    origin="machine",
                    model=translator.model,
                    score=None,
                    src_index=[segment.index],
                    tgt_index=[segment.index],
                    spans=list(segment.spans),
                    mixed=segment.mixed,
                )
            )
    return pairs


def confirm_pairs(prepared: Prepared, candidates) -> list[float]:
    """How well each candidate (English id, Russian id) aligns sentence by sentence."""
    texts = {doc_id: [s.text for s in segments if s.lang != "und"] for doc_id, segments in prepared.segments.items()}
    return [alignment_agreement(texts[en], texts[ru]) for en, ru in candidates]


def human_pairs(prepared: Prepared, pair: DocumentPair, translator: Translator | None) -> list[Pair]:
    """Aligned sentences of a document and its translation: one row per bead with both sides.

    Which side is the original is not known, so ``src_lang`` is null. A real (not test) en→ru
    model, when loaded, helps the aligner; sentences left unaligned are not published.
    """
    english = [s for s in prepared.segments[pair.english] if s.lang != "und"]
    russian = [s for s in prepared.segments[pair.russian] if s.lang != "und"]
    source_texts = [s.text for s in english]
    translated = None
    if translator is not None and translator.model is not None and not translator.model.test_model:
        translated = translator.translate(source_texts)
    beads = align(source_texts, [s.text for s in russian], "en", "ru", translated_source=translated)
    rows = []
    for number, bead in enumerate(b for b in beads if b.src and b.tgt):
        en_side = [english[i] for i in bead.src]
        ru_side = [russian[j] for j in bead.tgt]
        rows.append(
            Pair(
                id=f"{pair.english}-{pair.russian[:8]}-{number:05d}",
                doc_id=pair.english,
                en=" ".join(s.text for s in en_side),
                ru=" ".join(s.text for s in ru_side),
                src_lang=None,
                origin="human",
                model=None,
                score=bead.score,
                src_index=[s.index for s in en_side],
                tgt_index=[s.index for s in ru_side],
                spans=_joined_spans(en_side),
                mixed=any(s.mixed for s in en_side + ru_side),
            )
        )
    return rows


def _joined_spans(segments: list[Segment]) -> list[Span]:
    """Spans of segments joined with single spaces, offsets shifted into the joined text."""
    spans, offset = [], 0
    for segment in segments:
        spans.extend(Span(s.start + offset, s.end + offset, s.lang) for s in segment.spans)
        offset += len(segment.text) + 1
    return spans


def rebuild_matches(corpus: Path, input_dir: Path) -> list[str]:
    """Rebuild ``corpus`` from ``input_dir`` with its recorded settings; list what differs.

    The rebuild translates without the cache: a cache entry is a claim like any other, and a
    rebuild that trusted it could vouch for an edited translation.
    """
    import json
    import shutil

    from .manifest import MANIFEST

    manifest = json.loads((corpus / MANIFEST).read_text(encoding="utf-8"))
    recorded = manifest.get("settings", {})
    known = {name: recorded[name] for name in BuildSettings.__dataclass_fields__ if name in recorded}
    settings = BuildSettings(**(known | {"name": recorded.get("name") or corpus.name}))
    corpus = corpus.resolve()
    with output_lock(corpus):
        scratch = staging_folder(corpus, "rebuild")
        try:
            rebuilt = _build(
                input_dir, scratch / corpus.name, settings, False, None, lambda line: None, use_cache=False
            )
            mine = json.loads((rebuilt / MANIFEST).read_text(encoding="utf-8"))
            differences = [
                f"differs: {name}" for name in sorted(set(manifest["outputs"]) | set(mine["outputs"]))
                if manifest["outputs"].get(name) != mine["outputs"].get(name)
            ]
            if (rebuilt / MANIFEST).read_bytes() != (corpus / MANIFEST).read_bytes() and not differences:
                differences.append(f"differs: {MANIFEST} (inputs, models, lock file or settings)")
            return differences
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def report_to_stderr(line: str) -> None:
    print(line, file=sys.stderr)


def build(
    input_dir: Path,
    output_dir: Path | str,
    settings: BuildSettings = BuildSettings(),
    show_progress: bool | None = None,
    translators: dict[str, Translator] | None = None,
    report: Callable[[str], None] = report_to_stderr,
    use_cache: bool = True,
) -> Path:
    """Run the whole pipeline; ``translators`` (by source language) replaces the model store.

    Everything that can be checked cheaply is checked before any work: the input folder, the
    output path (only a missing path, an empty folder or an earlier corpus of ours is replaced).
    """
    if not input_dir.is_dir():
        raise BuildError(f"{printable_name(str(input_dir))}: no such folder")
    output = check_output(output_dir, input_dir)
    if show_progress is None:
        show_progress = progress.wanted()
    with output_lock(output):
        return _build(input_dir, output, settings, show_progress, translators, report, use_cache)


def _build(input_dir, output_dir, settings, show_progress, translators, report, use_cache=True) -> Path:
    prepared = prepare(input_dir, exclude=output_dir, document_timeout=settings.document_timeout, show_progress=show_progress)
    for skipped in prepared.skipped:
        report(f"skipped {skipped.path}: {skipped.reason}")
    for entry in prepared.inputs:
        if entry.get("repairs"):
            report(f"repaired {entry['path']}: {entry['repairs']} damaged stretch(es) (see documents.jsonl)")
    if settings.strict and prepared.skipped:
        raise BuildError(f"{len(prepared.skipped)} input file(s) skipped and --strict was given")
    if not prepared.documents:
        raise BuildError(f"{printable_name(str(input_dir))}: no usable documents")
    document_pairs = pair_documents([profile(d) for d in prepared.documents], confirm=lambda c: confirm_pairs(prepared, c))
    paired = {doc_id for p in document_pairs for doc_id in (p.english, p.russian)}
    unpaired = [d for d in prepared.documents if d.doc_id not in paired]
    if translators is None:
        translators = load_translators(needed_directions(prepared, unpaired), settings, show_progress, use_cache)
    pairs = [row for p in document_pairs for row in human_pairs(prepared, p, translators.get("en"))]
    pairs += machine_pairs(prepared, unpaired, translators)
    if not pairs:
        raise BuildError(
            f"nothing to publish: {len(prepared.documents)} document(s) gave no sentence pairs; "
            "the previous corpus, if any, is left as it was"
        )
    used = {row.model for row in pairs if row.model}
    models = sorted(used, key=lambda m: (m.name, m.sha256))
    name = settings.name or output_dir.name
    description = {
        "tool": {"name": TOOL, "version": __version__},
        "settings": asdict(settings) | {"name": name},
        "inputs": prepared.inputs,
        "models": [model.as_dict() for model in models],
        "test_model": any(model.test_model for model in models),
        "lock_file": {"path": "uv.lock", "sha256": sha256_file(LOCK_FILE)}
        if LOCK_FILE.is_file()
        else None,
        "document_pairs": [
            {"en": p.english, "ru": p.russian, "method": p.method, "similarity": p.similarity}
            for p in document_pairs
        ],
        "counts": {
            "documents": len(prepared.documents),
            "pairs": len(pairs),
            "human_pairs": sum(row.origin == "human" for row in pairs),
            "machine_pairs": sum(row.origin == "machine" for row in pairs),
            "skipped": len(prepared.skipped),
        },
    }
    info = CorpusInfo(name=name, models=models, description=description)
    split_keys = {p.russian: p.english for p in document_pairs}
    result = publish(output_dir, info, prepared.documents, pairs, split_keys=split_keys)
    report(
        f"published {len(pairs)} pairs ({description['counts']['human_pairs']} human) from "
        f"{len(prepared.documents)} documents to {output_dir}"
        + (f" ({len(prepared.skipped)} input(s) skipped)" if prepared.skipped else "")
        + (" — built with a TEST MODEL: translations are meaningless" if description["test_model"] else "")
    )
    return result
