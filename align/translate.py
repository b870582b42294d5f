"""Batched offline translation with CTranslate2 over Argos packages, behind a persistent cache.

Argos's own ``translate()`` splits text into sentences itself (through stanza) and feeds the model
one paragraph at a time. We segment ourselves, so this module takes many sentences per call,
tokenises them with the package's own tokenizer, translates with Argos's decoding settings, and
restores the input order.

Batches hold only sentences of *equal token length*. Padding changes CTranslate2's arithmetic
(measured: an int8 model gave a different translation for 1 sentence in 4 when batched with
sentences of other lengths), and a translation must not depend on which other sentences happened
to share its batch: that is what makes a rebuild, a resumed build and Argos's own per-sentence
inference all give the same bytes. Equal-length batches give exactly the per-sentence output.

That guarantee has a price on small inputs, and it is the whole of what remains between us and raw
CTranslate2 there: 60 sentences fall into some twenty lengths, so batches are small, and CTranslate2
pays a fixed cost per decoding step and batch. A raw script that also batches by equal length
(``benchmarks/ctranslate2_baseline.py equal-length``) takes as long as we do; one that lets
CTranslate2 pad batches of 32 is faster but changes some lines. Within that, the batches are as
full as the token cap allows and cut evenly, handed to CTranslate2's own job queue all at once,
longest first, so that both workers stay busy and finish together; and start-up imports only what
translating needs (Argos's tokenizer, not its package manager; never the build or the aligner).

Every translation is stored in a SQLite cache keyed by package sha256, direction, decoding settings
and source text, committed batch by batch: a repeated or interrupted run never translates the same
sentence twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from itertools import pairwise
from pathlib import Path
from typing import Protocol

from .models import InstalledPackage, cache_root
from .records import ModelRef

MAX_DECODING_LENGTH = 1024
"""Upper bound on ``--max-decoding-length``: a random-weight model never stops by itself, so a
huge cap makes a build run practically for ever. Real sentences need far fewer tokens. It lives
here, not in ``pipeline``, so that ``align translate`` can check it without importing the build."""


KEPT_VERBATIM = {"en": {"ru", "other", "und"}, "ru": {"en", "other", "und"}}
"""Span languages a translation from each source language keeps as they are (``und``: URLs)."""


@dataclass(frozen=True)
class DecodingSettings:
    """Argos Translate's defaults; ``max_decoding_length`` caps output tokens (None: CTranslate2's)."""

    beam_size: int = 4
    length_penalty: float = 0.2
    replace_unknowns: bool = True
    max_decoding_length: int | None = None
    max_batch_tokens: int = 2048

    def cache_key(self) -> str:
        # Batch size changes only speed, not output, so it stays out of the key.
        settings = asdict(self)
        settings.pop("max_batch_tokens")
        return json.dumps(settings, sort_keys=True)


class Translator(Protocol):
    """What the pipeline needs from a translator: a model identity and a batch call."""

    from_code: str
    to_code: str

    @property
    def model(self) -> ModelRef | None:
        """The package translating (``None`` for a stand-in without one). Read-only here, so a
        translator whose model is always set (``ModelRef``) satisfies the protocol too."""
        ...

    def translate(self, sentences: Sequence[str]) -> list[str]: ...


def equal_length_batches(tokenized: Sequence[Sequence[str]], max_tokens: int) -> list[list[int]]:
    """Indices grouped by token length, each group cut into the fewest batches of at most
    ``max_tokens`` tokens, of near-equal size (9 sentences that fit 6 a batch make 4 + 5, not
    6 + 3: even batches keep the workers even).

    No cap on sentences beyond the tokens: CTranslate2 pays a fixed cost per batch and decoding
    step, so fewer, fuller batches cost less (measured in process on the bench's 2,000 lines, 6×512
    int8, decoding cap 16: 2.2 % more CPU than CTranslate2's padded batches of 32 without a cap on
    sentences, 4.2 % with one at 32).
    """
    by_length: dict[int, list[int]] = {}
    for index, tokens in enumerate(tokenized):
        by_length.setdefault(len(tokens), []).append(index)
    batches: list[list[int]] = []
    for length in sorted(by_length):
        group = by_length[length]
        count = -(-len(group) // max(1, max_tokens // max(length, 1)))
        bounds = [len(group) * k // count for k in range(count + 1)]
        batches.extend(group[begin:end] for begin, end in pairwise(bounds))
    return batches


FIXED_STEP_COST = 2
"""What one decoding step of a batch costs regardless of its size, in sentences' worth: measured
(6×512 int8, beam 4) a batch of one sentence costs as much per step as about three sentences in a
large batch. Used only to order batches, never to form them."""


def longest_first(batches: list[list[int]], tokenized: Sequence[Sequence[str]]) -> list[list[int]]:
    """Batches in decreasing estimated cost (source length × (size + fixed cost)), so that workers
    taking jobs from one queue end together: the longest-processing-time-first rule. Ascending
    order would leave the longest sentences for last and one worker idle while the other finishes."""

    def cost(batch: list[int]) -> tuple[int, int]:
        return (len(tokenized[batch[0]]) + 1) * (len(batch) + FIXED_STEP_COST), -batch[0]

    return sorted(batches, key=cost, reverse=True)


class TranslationCache:
    """SQLite store of finished translations; safe to kill at any moment (SQLite journals).

    An entry is keyed by the package's sha256, the direction, the decoding settings and the
    source text, and carries a checksum over key and translation: an entry edited by hand (or
    damaged on disk) no longer matches, is not served, and is translated again. ``rejected``
    counts such entries. A cache is a speed-up, never a source of truth: ``verify --rebuild``
    translates without it.
    """

    FILE = "translations-v2.sqlite"
    SCHEMA = (
        "CREATE TABLE IF NOT EXISTS translations (key TEXT PRIMARY KEY, target TEXT NOT NULL, checksum TEXT NOT NULL)"
    )
    LOOKUP_CHUNK = 500

    def __init__(self, path: Path | None = None):
        self.path = path or cache_root() / self.FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.rejected = 0
        # A generous busy timeout: two builds may share one cache and take turns writing.
        self.connection = self._open()
        try:
            self.connection.execute(self.SCHEMA)
            self.connection.execute("PRAGMA integrity_check").fetchone()
        except sqlite3.DatabaseError:
            self.connection.close()
            self.path.unlink(missing_ok=True)
            self.connection = self._open()
            self.connection.execute(self.SCHEMA)

    def _open(self) -> sqlite3.Connection:
        """Write-ahead logging with ``synchronous=NORMAL``: a commit per batch costs a write, not
        an fsync (a crash may lose the last batches, never corrupt the file: they are translated
        again)."""
        connection = sqlite3.connect(self.path, timeout=120)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError:  # not a database: the caller's integrity check replaces it
            pass
        return connection

    @staticmethod
    def key(scope: str, source: str) -> str:
        return hashlib.sha256(f"{scope}\0{source}".encode("utf-8", "surrogatepass")).hexdigest()

    @staticmethod
    def checksum(key: str, target: str) -> str:
        return hashlib.sha256(f"{key}\0{target}".encode("utf-8", "surrogatepass")).hexdigest()

    def get_many(self, scope: str, sources: Sequence[str]) -> dict[str, str]:
        keys = {self.key(scope, source): source for source in sources}
        found = {}
        names = list(keys)
        for begin in range(0, len(names), self.LOOKUP_CHUNK):
            chunk = names[begin : begin + self.LOOKUP_CHUNK]
            rows = self.connection.execute(
                f"SELECT key, target, checksum FROM translations WHERE key IN ({','.join('?' * len(chunk))})", chunk
            )
            for key, target, checksum in rows:
                if checksum == self.checksum(key, target):
                    found[keys[key]] = target
                else:
                    self.rejected += 1
        return found

    def put_many(self, scope: str, pairs: dict[str, str]) -> None:
        rows = []
        for source, target in pairs.items():
            key = self.key(scope, source)
            rows.append((key, target, self.checksum(key, target)))
        with self.connection:
            self.connection.executemany(
                "INSERT OR REPLACE INTO translations (key, target, checksum) VALUES (?, ?, ?)", rows
            )

    def close(self) -> None:
        self.connection.close()


DEVICES = ("auto", "cpu", "cuda")


def select_device(requested: str = "auto") -> str:
    """``cpu`` or ``cuda``: ``auto`` takes CUDA when CTranslate2 sees a GPU.

    GPU arithmetic need not give CPU's bytes, so the device is recorded in the manifest and a
    rebuild on another device is reported as such rather than as a mysterious difference.
    """
    import ctranslate2

    if requested == "auto":
        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    return requested


def argos_codec(package_path: Path):
    """``(tokenizer, target_prefix)`` of an Argos package, chosen exactly as Argos's ``Package`` does
    (``sentencepiece.model``, else ``bpe.model``; the prefix from ``metadata.json``), with Argos's
    own tokenizer classes. Importing ``argostranslate.tokenizer`` alone costs what sentencepiece
    costs; ``argostranslate.package`` would also import its networking, settings and folders, a
    tenth of a second that a short ``align translate`` run would spend before translating."""
    from argostranslate.tokenizer import BPETokenizer, SentencePieceTokenizer

    metadata = json.loads((package_path / "metadata.json").read_text(encoding="utf-8"))
    prefix = metadata.get("target_prefix", "")
    if (package_path / "sentencepiece.model").exists():
        return SentencePieceTokenizer(package_path / "sentencepiece.model"), prefix
    if (package_path / "bpe.model").exists():
        return BPETokenizer(package_path / "bpe.model", metadata.get("from_code"), metadata.get("to_code")), prefix
    raise ValueError(f"{package_path}: neither sentencepiece.model nor bpe.model")


class Engine:
    """CTranslate2 over one Argos package: tokenise, translate in equal-length batches, detokenise.

    No cache and no model identity: this is the part a Ray actor holds, loaded once.
    """

    IN_FLIGHT_PER_WORKER = 8
    """Batches queued per worker: enough that a worker never waits for the caller, few enough that
    memory stays bounded on a million-sentence shard."""

    def __init__(
        self,
        package_path: Path,
        settings: DecodingSettings = DecodingSettings(),
        workers: int | None = None,
        threads_per_worker: int = 1,
        device: str = "cpu",
    ):
        """``workers`` batches run at once (default: one per core), each on ``threads_per_worker``.

        Measured on 2 cores with a 6×512 int8 model (``make bench``): two one-thread workers
        translate 3.5× faster than one two-thread worker, whose OpenMP threads mostly wait.
        """
        import ctranslate2

        self.settings = settings
        self.tokenizer, self.target_prefix = argos_codec(package_path)
        self.translator = ctranslate2.Translator(
            str(package_path / "model"),
            device=device,
            compute_type="auto",
            inter_threads=workers or os.cpu_count() or 1,
            intra_threads=threads_per_worker,
        )
        self.device, self.compute_type = device, self.translator.compute_type

    def translate(self, sentences: Sequence[str]) -> list[str]:
        """Every sentence translated, in order (no cache)."""
        outputs: list[str] = [""] * len(sentences)
        for indices, translated in self.translate_batches(sentences):
            for index, text in zip(indices, translated):
                outputs[index] = text
        return outputs

    def translate_batches(self, sentences: Sequence[str]) -> Iterator[tuple[list[int], list[str]]]:
        """``(indices, translations)`` per finished batch, so a caller can commit as it goes.

        Every batch goes to CTranslate2's own job queue at once (up to ``IN_FLIGHT_PER_WORKER``
        per worker, topped up as each result is taken), longest first: the workers never wait
        for Python between batches, and they run out of work together.
        """
        tokenized = [self.tokenizer.encode(sentence) for sentence in sentences]
        batches = longest_first(equal_length_batches(tokenized, self.settings.max_batch_tokens), tokenized)
        window = self.IN_FLIGHT_PER_WORKER * self.translator.num_translators
        pending: deque = deque()
        for indices in batches:
            pending.append((indices, self._translate_batch([tokenized[i] for i in indices], asynchronous=True)))
            if len(pending) >= window:
                yield self._finished(*pending.popleft())
        while pending:
            yield self._finished(*pending.popleft())

    def _finished(self, indices: list[int], futures: list) -> tuple[list[int], list[str]]:
        return indices, [self._detokenize(future.result().hypotheses[0]) for future in futures]

    def _translate_batch(self, batch: list[list[str]], asynchronous: bool = False) -> list:
        prefix = self.target_prefix
        options = {}
        if self.settings.max_decoding_length:
            options["max_decoding_length"] = self.settings.max_decoding_length
        return self.translator.translate_batch(
            batch,
            target_prefix=[[prefix]] * len(batch) if prefix else None,
            replace_unknowns=self.settings.replace_unknowns,
            max_batch_size=len(batch),
            beam_size=self.settings.beam_size,
            num_hypotheses=1,
            length_penalty=self.settings.length_penalty,
            asynchronous=asynchronous,
            **options,
        )

    def _detokenize(self, tokens: list[str]) -> str:
        """Exactly Argos's post-processing: decode, drop the target prefix and one leading space."""
        value = self.tokenizer.decode(tokens)
        prefix = self.target_prefix
        if prefix and value.startswith(prefix):
            value = value[len(prefix) :]
        value = value.removeprefix(" ")
        return value


class BatchTranslator(Protocol):
    """Anything that translates batches without a cache: an ``Engine``, or a pool of remote ones."""

    def translate_batches(self, sentences: Sequence[str]) -> Iterator[tuple[list[int], list[str]]]: ...


class ArgosTranslator:
    """Translate with one installed Argos package, many sentences per call, through the cache.

    The cache is looked up before the engine and written batch by batch, so an interrupted run
    never translates a finished sentence twice. ``engine`` may be a pool of remote engines (Ray);
    by default the package is loaded here.
    """

    def __init__(
        self,
        package: InstalledPackage,
        settings: DecodingSettings = DecodingSettings(),
        cache: TranslationCache | None = None,
        workers: int | None = None,
        threads_per_worker: int = 1,
        device: str = "cpu",
        engine: BatchTranslator | None = None,
        on_translated: Callable[[int], None] | None = None,
    ):
        self.package = package
        self.model = package.ref
        self.from_code, self.to_code = package.from_code, package.to_code
        self.settings = settings
        self.cache = cache
        self.on_translated = on_translated
        self.engine = engine or Engine(package.path, settings, workers, threads_per_worker, device)
        self.scope = f"{package.sha256}\0{self.from_code}>{self.to_code}\0{settings.cache_key()}"

    def translate(self, sentences: Sequence[str]) -> list[str]:
        unique = list(dict.fromkeys(sentences))
        done = self.cache.get_many(self.scope, unique) if self.cache else {}
        todo = [sentence for sentence in unique if sentence not in done]
        for indices, outputs in self.engine.translate_batches(todo) if todo else ():
            batch = {todo[i]: output for i, output in zip(indices, outputs)}
            if self.cache:
                self.cache.put_many(self.scope, batch)
            done.update(batch)
            if self.on_translated:
                self.on_translated(len(batch))
        return [done[sentence] for sentence in sentences]


# --------------------------------------------------------------------------- foreign spans kept

PLACEHOLDER_START = 7301
"""Placeholders are numbers: translation models carry numbers through more reliably than markup."""
LETTER = re.compile(r"[^\W\d_]")


def translate_keeping(
    translator: Translator, sentences: Sequence[str], keep: Sequence[Sequence[tuple[int, int]]]
) -> list[str]:
    """Translate ``sentences``, keeping the character spans ``keep[i]`` of each verbatim.

    A Russian quote inside an English sentence is Russian already; it must come out of EN→RU
    translation as it went in. First each span is replaced by a placeholder number and the
    sentence translated whole (best fluency); if any placeholder does not come back exactly once,
    that sentence is instead translated piece by piece around its spans, which keeps them with any
    model.
    """
    unmarked = [s for s, spans in zip(sentences, keep) if not spans]
    plain = iter(translator.translate(unmarked) if unmarked else [])
    with_spans = [(i, sentences[i], sorted(keep[i])) for i in range(len(sentences)) if keep[i]]
    masked = [_mask(text, spans) for _, text, spans in with_spans]
    attempts = translator.translate([text for text, _ in masked]) if masked else []
    results: dict[int, str] = {}
    fallback = []
    for (index, text, spans), (_, numbers), attempt in zip(with_spans, masked, attempts):
        restored = _unmask(attempt, numbers, [text[a:b] for a, b in spans])
        if restored is None:
            fallback.append((index, text, spans))
        else:
            results[index] = restored
    if fallback:
        pieces = [_pieces(text, spans) for _, text, spans in fallback]
        wanted = list(dict.fromkeys(p for parts in pieces for p, translate in parts if translate))
        translated = dict(zip(wanted, translator.translate(wanted))) if wanted else {}
        for (index, _, _), parts in zip(fallback, pieces):
            results[index] = "".join(translated[p] if translate else p for p, translate in parts)
    return [results[i] if keep[i] else next(plain) for i in range(len(sentences))]


def _mask(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[str]]:
    numbers, number = [], PLACEHOLDER_START
    out, cursor = [], 0
    for start, end in spans:
        while str(number) in text:
            number += 1
        numbers.append(str(number))
        out.append(text[cursor:start] + str(number))
        cursor, number = end, number + 1
    out.append(text[cursor:])
    return "".join(out), numbers


def _unmask(translation: str, numbers: list[str], originals: list[str]) -> str | None:
    for number, original in zip(numbers, originals):
        if len(re.findall(rf"(?<!\d){number}(?!\d)", translation)) != 1:
            return None
        translation = re.sub(rf"(?<!\d){number}(?!\d)", lambda _: original, translation)  # noqa: B023 (called at once)
    return translation


def _pieces(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """The text cut at the spans: ``(piece, translate?)``; white space around a kept span stays."""
    parts, cursor = [], 0
    for start, end in spans:
        parts.extend(_translatable(text[cursor:start]))
        parts.append((text[start:end], False))
        cursor = end
    parts.extend(_translatable(text[cursor:]))
    return parts


def _translatable(piece: str) -> list[tuple[str, bool]]:
    if not LETTER.search(piece):
        return [(piece, False)] if piece else []
    stripped = piece.strip()
    lead, trail = piece[: len(piece) - len(piece.lstrip())], piece[len(piece.rstrip()) :]
    return [(part, translate) for part, translate in ((lead, False), (stripped, True), (trail, False)) if part]
