"""Wiring the stages into ``build``: input folder in, published corpus out, at any scale.

A build runs in five steps; the first, third and fourth are map steps over shards of documents
(``align.steps``), run by an executor (this process, a process pool, or Ray) and written to shard
files in the work area (``align.shards``); the others are global and see only small summaries:

1. **prepare** (map): inputs are read here, in a stable order, cut into shards (a few dozen
   documents or megabytes each) and sent, as bytes, to be decoded, normalised, segmented and
   labelled; a shard returns its documents, sentences, manifest entries and pairing profiles;
2. **pair** (global): duplicates are dropped (first by input order wins) and documents that
   translate each other are paired, by URL or content, from their profiles; candidates are
   confirmed by aligning their sentences (a map step);
3. **align** (map): each shard's English documents are aligned with their Russian partners;
4. **translate**: the other sentences go through the cache and the translation engine (CTranslate2
   here, or a pool of Ray actors) and become machine rows;
5. **publish** (global, streaming): shards are read back in order into the corpus files.

Memory is bounded by the shard size and the models, not by the corpus. Every shard is keyed by
what its content depends on, so a killed build that is run again reuses the finished shards, and
since every step's output is independent of which worker ran it, the published bytes are the same
for one worker or many, local or Ray, interrupted or not.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__, filters, progress, warc
from .budget import DEFAULT_DOCUMENT_SECONDS
from .destination import TOOL, check_output, output_lock, staging_folder
from .errors import AlignError
from .executors import TaskFailed, make_executor
from .hashing import sha256_file
from .ingest import SkippedInput, read_input, walk_inputs
from .lexicon import LEXICON_VERSION, Lexicon
from .lexicon import learn as learn_lexicon
from .models import PackageNotFound, find_package, missing_packages_message, store_root
from .names import printable_name
from .pairing import DocumentPair, PairingProfile, pair_documents
from .publish import CorpusInfo, features, publish
from .records import Segment
from .shards import WorkArea, documents_table, segments_from, segments_table, shard_key
from .steps import (
    TARGET,
    AlignTask,
    ConfirmTask,
    InputUnit,
    PreparedShard,
    PrepareTask,
    align_shard,
    confirm_candidates,
    kept_spans,
    lexicon_evidence,
    machine_rows,
    prepare_shard,
)
from .translate import (
    ArgosTranslator,
    DecodingSettings,
    TranslationCache,
    Translator,
    translate_keeping,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOCK_FILE = PROJECT_ROOT / "uv.lock"
SUMMARY_FORMAT = 2
"""Part of every prepared shard's key: a shard summary written in another format (before 2, pairing
keys as strings) is prepared again, never misread."""


class BuildError(AlignError):
    """A build that cannot go on; the message is one line for the user."""


class MissingModels(BuildError):
    """Translation packages the build needs are not installed; the build leaves no trace."""


@dataclass(frozen=True)
class BuildSettings:
    """Everything that changes the published bytes; recorded in the manifest and on the card."""

    max_decoding_length: int | None = None
    strict: bool = False
    name: str | None = None
    document_timeout: float | None = DEFAULT_DOCUMENT_SECONDS
    license: str = "other"
    filters: dict | None = None
    """Filter settings by rule name (``align.filters``); ``None``: the defaults and ``INPUT/align.toml``.
    A build records the resolved setting of every rule here, so a rebuild applies the same rules."""


@dataclass(frozen=True)
class Execution:
    """How a build runs; none of it changes the published bytes (on the CPU)."""

    executor: str = "local"
    workers: int | None = None
    ray_address: str | None = None
    device: str = "auto"
    shard_documents: int = 64
    shard_bytes: int = 8 << 20


@dataclass
class Shard:
    """What the global steps know of one prepared shard: never its texts."""

    index: int
    key: str
    entries: list[dict]
    profiles: list[PairingProfile]
    languages: dict[str, dict[str, int]]
    """Sentences per language, by document."""
    rows_key: str | None = None
    origins: dict[str, int] = field(default_factory=dict)
    """Published rows by origin (``human``, ``machine``)."""

    @property
    def doc_ids(self) -> list[str]:
        return list(dict.fromkeys(entry["doc_id"] for entry in self.entries if "doc_id" in entry))


def report_to_stderr(line: str) -> None:
    print(line, file=sys.stderr)


def build(
    input_dir: Path,
    output_dir: Path | str,
    settings: BuildSettings = BuildSettings(),
    execution: Execution = Execution(),
    show_progress: bool | None = None,
    translators: dict[str, Translator] | None = None,
    report: Callable[[str], None] = report_to_stderr,
    use_cache: bool = True,
) -> Path:
    """Run the whole pipeline; ``translators`` (by source language) replaces the model store.

    Everything that can be checked cheaply is checked before any work: the input folder and the
    output path (only a missing path, an empty folder or an earlier corpus of ours is replaced).
    """
    if not input_dir.is_dir():
        raise BuildError(f"{printable_name(str(input_dir))}: no such folder")
    output = check_output(output_dir, input_dir)
    with output_lock(output):
        return Build(input_dir, output, settings, execution, show_progress, translators, report, use_cache).run()


def rebuild_matches(corpus: Path, input_dir: Path, execution: Execution = Execution()) -> list[str]:
    """Rebuild ``corpus`` from ``input_dir`` with its recorded settings; list what differs.

    The rebuild translates without the cache and reuses no shard: a cache entry is a claim like
    any other, and a rebuild that trusted it could vouch for an edited translation. A rebuild on
    another device than the corpus was built on is named as such.
    """
    import json
    import shutil

    from .manifest import MANIFEST

    if not input_dir.is_dir():
        raise BuildError(f"{printable_name(str(input_dir))}: no such folder")
    manifest = json.loads((corpus / MANIFEST).read_text(encoding="utf-8"))
    recorded = manifest.get("settings", {})
    known = {name: recorded[name] for name in BuildSettings.__dataclass_fields__ if name in recorded}
    settings = BuildSettings(**(known | {"name": recorded.get("name") or corpus.name}))
    corpus = corpus.resolve()
    with output_lock(corpus):
        scratch = staging_folder(corpus, "rebuild")
        try:
            rebuilt = Build(
                input_dir, scratch / corpus.name, settings, execution, False, None, lambda line: None, False
            ).run()
            mine = json.loads((rebuilt / MANIFEST).read_text(encoding="utf-8"))
            differences = [
                f"differs: {name}"
                for name in sorted(set(manifest["outputs"]) | set(mine["outputs"]))
                if manifest["outputs"].get(name) != mine["outputs"].get(name)
            ]
            if (rebuilt / MANIFEST).read_bytes() != (corpus / MANIFEST).read_bytes() and not differences:
                differences.append(f"differs: {MANIFEST} (inputs, models, lock file or settings)")
            then, now = manifest.get("translation"), mine.get("translation")
            if differences and then and now and then != now:
                differences.append(
                    f"note: built on {then['device']}/{then['compute_type']}, rebuilt on "
                    f"{now['device']}/{now['compute_type']}; translations on another device need not be identical"
                )
            return differences
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


class Build:
    """One build: its settings, executor and work area, and the steps in order."""

    def __init__(self, input_dir, output, settings, execution, show_progress, translators, report, use_cache):
        self.input_dir, self.output = input_dir, output
        self.settings, self.execution = settings, execution
        self.show_progress = progress.wanted() if show_progress is None else show_progress
        self.translators = translators
        self.report = report
        self.use_cache = use_cache
        self.reused = 0

    def run(self) -> Path:
        # Filter settings are resolved first: a bad align.toml or --filter stops the build before any work.
        self.settings = replace(self.settings, filters=filters.resolve(self.settings.filters, self.input_dir))
        work = WorkArea.for_output(self.output, reuse=self.use_cache)
        self.work = work
        try:
            with make_executor(self.execution.executor, self.execution.workers, self.execution.ray_address) as executor:
                self.executor = executor
                shards = self.prepare()
                kept = self.deduplicate(shards)
                self.check_inputs(shards, kept)
                pairs = self.pair(shards, kept)
                translators = self.load_translators(shards, kept, pairs)
                self.rows(shards, kept, pairs, translators)
            result = self.publish(shards, kept, pairs, translators)
        except MissingModels:
            work.remove()  # the message promises that nothing was written
            raise
        except BaseException:
            if work.temporary:
                work.remove()
            raise
        work.remove()
        return result

    # --------------------------------------------------------------------------------- prepare

    def units(self) -> Iterator[InputUnit]:
        """Every input, read here in a stable order: its bytes, or why they could not be read.

        A WARC archive is read as a stream of its pages (one unit per HTML response); what it
        holds besides pages (images, redirects, duplicates) is ``ignored``, damage ``skipped``.
        """
        for relative, item in walk_inputs(self.input_dir, exclude=self.output):
            if relative == filters.CONFIG_FILE:
                continue  # the build's settings (recorded in the manifest), not a document
            if isinstance(item, str):
                yield InputUnit(printable_name(relative), None, item)
            elif warc.is_warc(item):
                for record in warc.iter_records(item, relative):
                    if isinstance(record, warc.WarcSkip):
                        yield InputUnit(record.source, None, record.reason, ignored=not record.damaged)
                    else:
                        yield InputUnit.read(record.source, record.data, record.metadata)
            else:
                try:
                    yield InputUnit.read(relative, read_input(item, relative))
                except SkippedInput as skipped:
                    yield InputUnit(skipped.path, None, skipped.reason)

    def planned_prepare(self) -> Iterator[tuple[str, PrepareTask | None]]:
        group: list[InputUnit] = []
        size = 0
        for unit in self.units():
            group.append(unit)
            size += len(unit.data or b"")
            if len(group) >= self.execution.shard_documents or size >= self.execution.shard_bytes:
                yield self.prepare_task(group)
                group, size = [], 0
        if group:
            yield self.prepare_task(group)

    def prepare_task(self, units: list[InputUnit]) -> tuple[str, PrepareTask | None]:
        timeout = self.settings.document_timeout
        key = shard_key(
            "prepare", SUMMARY_FORMAT, timeout, [(u.source, u.digest, u.skipped, u.metadata) for u in units]
        )
        return key, None if self.work.done("prepare", key) else PrepareTask(tuple(units), timeout)

    def prepare(self) -> list[Shard]:
        shards: list[Shard] = []
        with progress.bar(None, "read", "doc", self.show_progress) as bar:
            for key, task, result in self.resumable(prepare_shard, self.planned_prepare()):
                if isinstance(result, TaskFailed):
                    result, lost = self.prepare_alone(task)
                    if lost:
                        key = shard_key("prepare-partial", key)  # used now, never resumed: a rerun retries
                if result is not None:
                    summary = shard_summary(result)
                    tables = {
                        "documents": documents_table(result.documents),
                        "segments": segments_table(result.segments),
                    }
                    self.work.write("prepare", key, tables, summary)
                else:
                    summary = self.work.summary("prepare", key)
                    self.reused += 1
                shards.append(shard_from_summary(len(shards), key, summary))
                bar.update(len(shards[-1].entries))
        return shards

    def prepare_alone(self, task: PrepareTask) -> tuple[PreparedShard, bool]:
        """A shard whose worker died: each input again on its own; one that fails again is skipped.

        Returns the shard and whether any input was lost that way.
        """
        self.report(
            f"a worker died preparing {task.units[0].source} … {task.units[-1].source}; retrying them one by one"
        )
        merged, lost = PreparedShard(), False
        singles = [PrepareTask((unit,), task.document_timeout) for unit in task.units]
        for unit, result in zip(task.units, self.executor.map(prepare_shard, singles)):
            if isinstance(result, TaskFailed):
                lost = True
                result = PreparedShard(
                    entries=[{"path": unit.source, "status": "skipped", "reason": f"error: {result.reason}"}]
                )
            merged.entries += result.entries
            merged.documents += result.documents
            merged.segments += result.segments
            merged.profiles += result.profiles
        return merged, lost

    def resumable(self, function, planned: Iterable[tuple[str, Any]]) -> Iterator[tuple[str, Any, Any]]:
        """``(key, task, result)`` in plan order; finished shards (task ``None``) are not run.

        The executor pulls tasks ahead of the results it yields; ``order`` remembers every planned
        shard as it is pulled, so the finished ones come out in their place between results.
        """
        order: deque = deque()

        def todo():
            for key, task in planned:
                order.append((key, task))
                if task is not None:
                    yield task

        for result in self.executor.map(function, todo()):
            while order[0][1] is None:
                key, _ = order.popleft()
                yield key, None, None
            key, task = order.popleft()
            yield key, task, result
        for key, _ in order:
            yield key, None, None

    # --------------------------------------------------------------------------- global steps

    def deduplicate(self, shards: list[Shard]) -> dict[str, int]:
        """Each document's shard; a later copy of the same text is skipped with its reason."""
        kept: dict[str, int] = {}
        for shard in shards:
            for entry in shard.entries:
                doc_id = entry.get("doc_id")
                if doc_id is None:
                    continue
                if doc_id in kept:
                    entry.pop("doc_id")
                    entry.update(status="skipped", reason=f"same text as document {doc_id}")
                else:
                    kept[doc_id] = shard.index
        return kept

    def check_inputs(self, shards: list[Shard], kept: dict[str, int]) -> None:
        skipped = [entry for shard in shards for entry in shard.entries if entry["status"] == "skipped"]
        for entry in skipped:
            self.report(f"skipped {entry['path']}: {entry['reason']}")
        ignored = sum(entry["status"] == "ignored" for shard in shards for entry in shard.entries)
        if ignored:
            self.report(
                f"ignored {ignored} archive record(s) that are not pages (images, redirects, duplicates; see the manifest)"
            )
        for shard in shards:
            for entry in shard.entries:
                if entry.get("repairs"):
                    self.report(
                        f"repaired {entry['path']}: {entry['repairs']} damaged stretch(es) (see documents.jsonl)"
                    )
        if self.settings.strict and skipped:
            raise BuildError(f"{len(skipped)} input file(s) skipped and --strict was given")
        if not kept:
            raise BuildError(f"{printable_name(str(self.input_dir))}: no usable documents")

    def pair(self, shards: list[Shard], kept: dict[str, int]) -> list[DocumentPair]:
        """Document pairs from the profiles, which are then let go: the largest global structure."""
        profiles = {p.doc_id: p for shard in shards for p in shard.profiles if kept.get(p.doc_id) == shard.index}
        for shard in shards:
            shard.profiles = []
        return pair_documents(
            list(profiles.values()), confirm=lambda candidates: self.confirm(shards, kept, candidates)
        )

    def confirm(self, shards, kept, candidates) -> list[float]:
        chunks = [tuple(candidates[begin : begin + 64]) for begin in range(0, len(candidates), 64)]

        def tasks():
            for chunk in chunks:
                segments = self.segments_of(shards, kept, {doc for pair in chunk for doc in pair})
                yield ConfirmTask(chunk, {doc: [s.text for s in found] for doc, found in segments.items()})

        scores: list[float] = []
        for chunk, result in zip(chunks, self.executor.map(confirm_candidates, tasks())):
            scores += [0.0] * len(chunk) if isinstance(result, TaskFailed) else result
        return scores

    def segments_of(self, shards: list[Shard], kept: dict[str, int], doc_ids) -> dict[str, list[Segment]]:
        """Sentences with a known language of ``doc_ids``, read from their shards."""
        wanted: dict[int, list[str]] = {}
        for doc_id in doc_ids:
            wanted.setdefault(kept[doc_id], []).append(doc_id)
        found: dict[str, list[Segment]] = {doc_id: [] for doc_id in doc_ids}
        for index, ids in sorted(wanted.items()):
            table = self.work.table("prepare", shards[index].key, "segments", filters=[("doc_id", "in", ids)])
            for segment in segments_from(table):
                if segment.lang != "und":
                    found[segment.doc_id].append(segment)
        for segments in found.values():
            segments.sort(key=lambda s: s.index)
        return found

    # ------------------------------------------------------------------------------ translation

    def load_translators(self, shards, kept, pairs) -> dict[str, Translator]:
        """One translator per needed direction; every missing package is named in one message.

        Packages are looked up before the cache is opened, so a build without models writes
        nothing to the cache.
        """
        if self.translators is not None:
            return self.translators
        paired = {doc for pair in pairs for doc in (pair.english, pair.russian)}
        languages = {
            lang
            for shard in shards
            for doc_id, counts in shard.languages.items()
            if kept.get(doc_id) == shard.index and doc_id not in paired
            for lang in counts
        }
        directions = [(lang, TARGET[lang]) for lang in ("en", "ru") if lang in languages]
        packages, missing = {}, []
        for source, target in directions:
            try:
                packages[source] = find_package(source, target)
            except PackageNotFound:
                missing.append((source, target))
        if missing:
            raise MissingModels(missing_packages_message(missing, store_root()))
        cache = TranslationCache() if self.use_cache else None
        decoding = DecodingSettings(max_decoding_length=self.settings.max_decoding_length)
        self.device = self.executor.select_device(self.execution.device) if packages else None
        return {
            source: ArgosTranslator(
                package, decoding, cache=cache, engine=self.executor.engine(package.path, decoding, self.device)
            )
            for source, package in packages.items()
        }

    # ------------------------------------------------------------------------------------ rows

    def rows(self, shards, kept, pairs, translators) -> None:
        """Aligned and translated rows of every shard, written to the work area in order."""
        import pyarrow as pa

        paired = {doc for pair in pairs for doc in (pair.english, pair.russian)}
        position = {doc_id: n for shard in shards for n, doc_id in enumerate(shard.doc_ids)}
        by_shard: dict[int, list[tuple[str, str]]] = {}
        for pair in sorted(pairs, key=lambda p: position[p.english]):  # input order, as machine rows
            by_shard.setdefault(kept[pair.english], []).append((pair.english, pair.russian))
        identity = {
            lang: [
                t.model.as_dict() if t.model else type(t).__name__,
                getattr(t, "settings", None) and t.settings.cache_key(),
            ]
            for lang, t in translators.items()
        }
        helper = translators.get("en")
        mt_helps = helper is not None and helper.model is not None and not helper.model.test_model
        own = {
            shard.index: [d for d in shard.doc_ids if kept.get(d) == shard.index and d not in paired]
            for shard in shards
        }
        lexicon_key = shard_key("lexicon", LEXICON_VERSION, [(shards[i].key, by_shard[i]) for i in sorted(by_shard)])
        for shard in shards:
            shard.rows_key = shard_key(
                "rows",
                shard.key,
                by_shard.get(shard.index, []),
                own[shard.index],
                identity,
                mt_helps,
                lexicon_key if shard.index in by_shard else None,
            )
        pending = [i for i in sorted(by_shard) if not self.work.done("rows", shards[i].rows_key)]
        lexicon = self.lexicon(shards, kept, by_shard) if pending else None

        def planned():
            for shard in shards:
                if self.work.done("rows", shard.rows_key):
                    yield shard.rows_key, None
                    continue
                shard_pairs = by_shard.get(shard.index, [])
                segments = self.segments_of(shards, kept, {doc for pair in shard_pairs for doc in pair})
                translated = None
                if mt_helps and shard_pairs:
                    translated = {en: helper.translate([s.text for s in segments[en]]) for en, _ in shard_pairs}
                yield shard.rows_key, AlignTask(tuple(shard_pairs), segments, translated, lexicon)

        to_translate = {
            shard.index: sum(shard.languages.get(d, {}).get(lang, 0) for d in own[shard.index] for lang in translators)
            for shard in shards
        }
        by_key = {shard.rows_key: shard for shard in shards}
        with progress.bar(sum(to_translate.values()), "translate", "sent", self.show_progress) as bar:
            for key, task, aligned in self.resumable(align_shard, planned()):
                shard = by_key[key]
                if task is None:
                    shard.origins = self.work.summary("rows", key)["origins"]
                    self.reused += 1
                elif isinstance(aligned, TaskFailed):
                    raise BuildError(f"aligning the documents of {shard.entries[0]['path']} failed: {aligned.reason}")
                else:
                    machine = self.translate(shards, kept, own[shard.index], translators)
                    records = [row.as_row() for row in aligned + machine]
                    shard.origins = {"human": len(aligned), "machine": len(machine)}
                    table = pa.Table.from_pylist(records, schema=features().arrow_schema)
                    self.work.write("rows", key, {"rows": table}, {"origins": shard.origins})
                bar.update(to_translate[shard.index])

    def lexicon(self, shards, kept, by_shard: dict[int, list[tuple[str, str]]]) -> Lexicon:
        """One lexicon for the whole build, from the first-pass confident beads of every document
        pair (``lexicon_evidence``), gathered in shard order so that it does not depend on the
        executor. Its key (in every rows key) is made of what determines it: the pairs and the
        shards their sentences come from."""

        def tasks():
            for index in sorted(by_shard):
                pairs = by_shard[index]
                yield AlignTask(tuple(pairs), self.segments_of(shards, kept, {doc for pair in pairs for doc in pair}))

        evidence: list[tuple[str, str]] = []
        for index, found in zip(sorted(by_shard), self.executor.map(lexicon_evidence, tasks())):
            if isinstance(found, TaskFailed):
                raise BuildError(f"aligning the documents of {shards[index].entries[0]['path']} failed: {found.reason}")
            evidence += found
        return learn_lexicon(evidence)

    def translate(self, shards, kept, doc_ids: list[str], translators) -> list:
        """Machine rows of the unpaired documents ``doc_ids`` (one shard's)."""
        if not doc_ids or not translators:
            return []
        segments = self.segments_of(shards, kept, doc_ids)
        ordered = [s for doc in doc_ids for s in segments[doc]]
        translations: dict[str, dict[str, str]] = {}
        for source, translator in translators.items():
            unique = {s.text: kept_spans(s) for s in ordered if s.lang == source}
            texts = list(unique)
            translations[source] = dict(zip(texts, translate_keeping(translator, texts, [unique[t] for t in texts])))
        return machine_rows(ordered, translations, {lang: t.model for lang, t in translators.items()})

    # --------------------------------------------------------------------------------- publish

    def publish(self, shards, kept, pairs, translators) -> Path:
        origins = {origin: sum(shard.origins.get(origin, 0) for shard in shards) for origin in ("human", "machine")}
        total = sum(origins.values())
        documents = len(kept)
        if not total:
            raise BuildError(
                f"nothing to publish: {documents} document(s) gave no sentence pairs; "
                "the previous corpus, if any, is left as it was"
            )
        models = sorted({t.model for t in translators.values() if t.model}, key=lambda m: (m.name, m.sha256))
        name = self.settings.name or self.output.name
        entries = [entry for shard in shards for entry in shard.entries]
        description: dict[str, Any] = {
            "tool": {"name": TOOL, "version": __version__},
            "settings": asdict(self.settings) | {"name": name},
            "inputs": entries,
            "models": [model.as_dict() for model in models],
            "test_model": any(model.test_model for model in models),
            "lock_file": {"path": "uv.lock", "sha256": sha256_file(LOCK_FILE)} if LOCK_FILE.is_file() else None,
            "document_pairs": [
                {"en": p.english, "ru": p.russian, "method": p.method, "similarity": p.similarity} for p in pairs
            ],
            "counts": {
                "documents": documents,
                "pairs": total,
                "human_pairs": origins["human"],
                "machine_pairs": origins["machine"],
                "skipped": sum(entry["status"] == "skipped" for entry in entries),
                "ignored": sum(entry["status"] == "ignored" for entry in entries),
            },
        }
        engines = [t.engine for t in translators.values() if hasattr(getattr(t, "engine", None), "compute_type")]
        if engines:
            description["translation"] = {"device": engines[0].device, "compute_type": engines[0].compute_type}
        info = CorpusInfo(name=name, models=models, description=description)
        split_keys = {p.russian: p.english for p in pairs}
        with progress.bar(2 * len(shards), "publish", "shard", self.show_progress) as bar:
            result = publish(
                self.output,
                info,
                self.published_documents(shards, kept),
                self.published_rows(shards, bar),
                split_keys,
                filters.FilterRun(self.settings.filters),
            )
        counts = description["counts"]  # publish counted the rows it wrote and the rows filtered out
        self.report(
            f"published {counts['pairs']} pairs ({counts['human_pairs']} human) from {documents} documents to {self.output}"
            + (f"; {counts['filtered']} filtered out (see {filters.FILTERED_FILE})" if counts.get("filtered") else "")
            + (f" ({counts['skipped']} input(s) skipped)" if counts["skipped"] else "")
            + (f"; reused {self.reused} finished shard(s)" if self.reused else "")
            + (" — built with a TEST MODEL: translations are meaningless" if description["test_model"] else "")
        )
        return result

    def published_documents(self, shards, kept) -> Iterator[dict]:
        """Each kept document once, from the shard where it first appeared, in input order."""
        published: set[str] = set()
        for shard in shards:
            for batch in self.work.batches("prepare", shard.key, "documents", 512):
                for document in batch.to_pylist():
                    if kept.get(document["doc_id"]) == shard.index and document["doc_id"] not in published:
                        published.add(document["doc_id"])
                        yield document

    def published_rows(self, shards, bar) -> Iterator[dict]:
        """Human rows, then machine rows, each in the input order of their documents: an order
        that does not depend on where shard boundaries fell."""
        for origin in ("human", "machine"):
            for shard in shards:
                if shard.origins.get(origin):
                    for batch in self.work.batches("rows", shard.rows_key, "rows"):
                        yield from (row for row in batch.to_pylist() if row["origin"] == origin)
                bar.update(1)


def shard_summary(shard) -> dict:
    """The global part of a prepared shard: entries, profiles, and sentence counts per language."""
    languages: dict[str, dict[str, int]] = {}
    for segment in shard.segments:
        counts = languages.setdefault(segment.doc_id, {})
        counts[segment.lang] = counts.get(segment.lang, 0) + 1
    return {
        "entries": shard.entries,
        "profiles": [vars(p) | {"keys": p.keys.tolist()} for p in shard.profiles],
        "languages": languages,
    }


def shard_from_summary(index: int, key: str, summary: dict) -> Shard:
    profiles = [PairingProfile(**(p | {"keys": np.array(p["keys"], dtype=np.uint64)})) for p in summary["profiles"]]
    return Shard(index, key, summary["entries"], profiles, summary["languages"])
