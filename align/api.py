"""The public Python API: one call per stage, the same calls ``python -m align`` makes.

Import these from ``align`` (``from align import sentences``), not from here: ``align`` loads this
module, and each function loads its stage, only on first use, so ``import align`` stays cheap.
Every example below runs (``tests/test_api_doctests.py``) and needs no translation model, except
``Translator``'s, which needs an installed package (``tests/test_public_api.py`` runs it on a
random-weight test package).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from .budget import DEFAULT_DOCUMENT_SECONDS

if TYPE_CHECKING:
    from .aligner import Bead, Dictionary
    from .langid import Detection
    from .lexicon import Lexicon
    from .records import ModelRef, Removal
    from .translate import ArgosTranslator
    from .verify import Verification

LANGUAGES = ("en", "ru")
DETECT_BATCH = 4096
"""Texts scored together by ``detect``: bounded memory, and each batch is scored in parallel."""


def sentences(text: str, lang: str = "en") -> list[str]:
    r"""The sentences of ``text``, with our segmenter (``align.segment``).

    Paragraphs are separated by blank lines; a single line break inside a paragraph is a hard
    wrap, so the lines are joined before splitting. ``lang`` is the text's language (``en`` or
    ``ru``); the rules tell English and Russian abbreviations apart by their script.

    >>> sentences("Mr. Smith arrived at 3 p.m. Moscow time. He met the\nMinister.")
    ['Mr. Smith arrived at 3 p.m. Moscow time.', 'He met the Minister.']
    >>> sentences("В 2021 г. программа была утверждена.\n\nЕё срок — пять лет.", "ru")
    ['В 2021 г. программа была утверждена.', 'Её срок — пять лет.']
    """
    from .segment import split_sentences

    found: list[str] = []
    for paragraph in text.replace("\r\n", "\n").split("\n\n"):
        joined = " ".join(line.strip() for line in paragraph.split("\n") if line.strip())
        found.extend(joined[start:end] for start, end in split_sentences(joined, lang))
    return found


def detect(texts: Sequence[str]) -> list[Detection]:
    """Each text's language (``en``, ``ru``, ``other``, ``und``) and its language spans.

    A ``Detection`` has ``lang``, ``spans`` (``start``, ``end``, ``lang``: character offsets into
    the text) and ``mixed`` (a span in another language than the text's). Pass a list: a single
    string is refused rather than read as a list of characters.

    >>> found = detect(["The Government met today.", "Правительство собралось сегодня."])
    >>> [d.lang for d in found]
    ['en', 'ru']
    >>> quoted = detect(["The report «О бюджете» was published."])[0]
    >>> quoted.lang, quoted.mixed
    ('en', True)
    >>> [(s.start, s.end, s.lang) for s in quoted.spans]
    [(0, 10, 'en'), (12, 21, 'ru'), (23, 36, 'en')]
    """
    if isinstance(texts, str):
        raise TypeError("detect() takes a list of texts, not a single string: detect([text])")
    from .langid import detect_many

    texts = list(texts)
    found: list[Detection] = []
    for begin in range(0, len(texts), DETECT_BATCH):
        found.extend(detect_many(texts[begin : begin + DETECT_BATCH]))
    return found


class Normalised(NamedTuple):
    """A normalised text and the log of what normalisation removed or changed."""

    text: str
    """Paragraphs separated by blank lines, page chrome removed, hard wraps joined."""
    removals: list[Removal]
    """Every removed stretch (and every repaired line) with its offsets into the input and its rule."""


def normalise(text: str) -> Normalised:
    r"""Repair and clean one document body (``align.normalise``): encoding damage, invisible
    characters, dates, captions, separators and navigation out, hard-wrapped lines joined.

    Nothing is dropped silently: ``removals`` names the rule for every stretch that went, with
    offsets into ``text``.

    >>> page = "Updated: 12 May 2023\n\nThe ministry published the programme.\n\n* * *\n"
    >>> clean, removals = normalise(page)
    >>> clean
    'The ministry published the programme.'
    >>> [(r.reason, r.text) for r in removals]
    [('date-or-time-line', 'Updated: 12 May 2023'), ('separator-line', '* * *')]
    """
    from .normalise import normalise_text

    clean, removals = normalise_text(text)
    return Normalised(clean, removals)


def align_sentences(
    src: Sequence[str],
    tgt: Sequence[str],
    src_lang: str = "en",
    tgt_lang: str = "ru",
    *,
    lexicon: Lexicon | Literal["auto"] | None = "auto",
    dictionary: Dictionary | None = None,
    translated_source: Sequence[str] | None = None,
) -> list[Bead]:
    """Align two lists of sentences (``align.aligner``); every sentence is in exactly one bead.

    A ``Bead`` has ``src`` and ``tgt`` (sentence indices, 0-based), ``score`` (0 to 1; 0 for a
    sentence left unaligned) and ``vecalign()`` (``[0]:[0]:0.7384``). ``lexicon``: ``"auto"``
    aligns once, learns a word lexicon from the confident beads and aligns again with it (what
    ``python -m align pair`` does); a ``Lexicon`` uses that one; ``None`` none. ``dictionary``
    is a bilingual word list (``Dictionary.read``); ``translated_source``, the source machine-
    translated into ``tgt_lang``, adds the translation scorer.

    >>> english = ["The Government approved the programme.", "It will cost 5 billion roubles.",
    ...            "Work starts in 2024."]
    >>> russian = ["Правительство утвердило программу.", "Она обойдётся в 5 млрд рублей.",
    ...            "Работа начнётся в 2024 году."]
    >>> beads = align_sentences(english, russian)
    >>> [(bead.src, bead.tgt) for bead in beads]
    [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    >>> beads[0].vecalign()
    '[0]:[0]:0.7...'
    """
    if src_lang not in LANGUAGES or tgt_lang not in LANGUAGES or src_lang == tgt_lang:
        raise ValueError(f"src_lang and tgt_lang must be en and ru, one each (got {src_lang!r}, {tgt_lang!r})")
    if isinstance(lexicon, str):
        if lexicon != "auto":
            raise ValueError(
                f"lexicon must be 'auto', a Lexicon or None (got {lexicon!r}); read a file with Lexicon.read"
            )
        from .lexicon import realign

        _, beads, _ = realign(src, tgt, src_lang, tgt_lang, dictionary=dictionary, translated_source=translated_source)
        return beads
    from .aligner import align

    return align(
        src, tgt, src_lang, tgt_lang, dictionary=dictionary, translated_source=translated_source, lexicon=lexicon
    )


def checked_decoding_length(value: int | None) -> int | None:
    """``max_decoding_length`` as the API takes it: none, or 1 to ``MAX_DECODING_LENGTH`` tokens."""
    if value is None:
        return None
    from .translate import MAX_DECODING_LENGTH

    if not 1 <= value <= MAX_DECODING_LENGTH:
        raise ValueError(f"max_decoding_length must be 1 to {MAX_DECODING_LENGTH} tokens (got {value})")
    return value


class Translator:
    """One installed translation package (Argos format, run on CTranslate2), many sentences per
    call, through the persistent translation cache.

    ``from_store`` finds the package in the model store (``ALIGN_MODELS``, else
    ``$ALIGN_CACHE/models``; ``python -m align models fetch`` fills it).

    >>> with Translator.from_store("en", "ru") as translator:  # doctest: +SKIP
    ...     translator.translate(["The Government approved the programme.", ""])
    ['Правительство утвердило программу.', '']
    """

    def __init__(self, engine: ArgosTranslator):
        self._engine = engine

    @classmethod
    def from_store(
        cls,
        source: str,
        target: str,
        *,
        store: str | os.PathLike[str] | None = None,
        max_decoding_length: int | None = None,
        cache: bool = True,
        device: str = "auto",
    ) -> Translator:
        """The installed package for ``source`` → ``target``; ``PackageNotFound`` (an
        ``AlignError``) says how to get one. ``max_decoding_length`` caps output tokens (needed
        for random-weight test packages, which never stop); ``cache=False`` translates anew and
        stores nothing; ``device`` is ``auto`` (CUDA when visible), ``cpu`` or ``cuda``."""
        if source not in LANGUAGES or target not in LANGUAGES or source == target:
            raise ValueError(f"source and target must be en and ru, one each (got {source!r}, {target!r})")
        from .models import find_package
        from .translate import ArgosTranslator, DecodingSettings, TranslationCache, select_device

        package = find_package(source, target, Path(store) if store is not None else None)
        settings = DecodingSettings(max_decoding_length=checked_decoding_length(max_decoding_length))
        return cls(
            ArgosTranslator(
                package, settings, cache=TranslationCache() if cache else None, device=select_device(device)
            )
        )

    @property
    def source(self) -> str:
        return self._engine.from_code

    @property
    def target(self) -> str:
        return self._engine.to_code

    @property
    def model(self) -> ModelRef:
        """Name, version and sha256 of the package, and whether it is a random-weight test model."""
        return self._engine.model

    def translate(self, sentences: Sequence[str], *, keep_foreign: bool = True) -> list[str]:
        """One translation per sentence, in order; a blank sentence gives ``""``.

        With ``keep_foreign`` (as ``python -m align translate`` does by default), spans already
        in the target language or in no language (a Russian quote in English, an English name in
        Russian, a URL) come out as they went in.
        """
        if isinstance(sentences, str):
            raise TypeError("translate() takes a list of sentences, not a single string: translate([text])")
        todo = list(dict.fromkeys(sentence for sentence in sentences if sentence.strip()))
        if not todo:
            return ["" for _ in sentences]
        if keep_foreign:
            from .translate import KEPT_VERBATIM, translate_keeping

            kept = KEPT_VERBATIM[self.source]
            keep = [[(s.start, s.end) for s in d.spans if s.lang in kept] for d in detect(todo)]
            outputs = translate_keeping(self._engine, todo, keep)
        else:
            outputs = self._engine.translate(todo)
        translated = dict(zip(todo, outputs))
        return [translated.get(sentence, "") for sentence in sentences]

    def close(self) -> None:
        """Close the translation cache (the model is freed with the object)."""
        if self._engine.cache is not None:
            self._engine.cache.close()

    def __enter__(self) -> Translator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def build(
    input: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    max_decoding_length: int | None = None,
    strict: bool = False,
    document_timeout: float | None = DEFAULT_DOCUMENT_SECONDS,
    license: str = "other",
    filters: Mapping[str, float | int | bool] | None = None,
    executor: Literal["local", "ray"] = "local",
    workers: int | None = None,
    ray_address: str | None = None,
    device: Literal["auto", "cpu", "cuda"] = "auto",
    shard_size: int = 64,
    use_cache: bool = True,
    show_progress: bool | None = None,
) -> Path:
    r"""Build a corpus folder from a folder of pages (``align.pipeline``); returns its path.

    The whole pipeline: read, normalise, segment, detect, pair documents that translate each
    other and align them (``origin: human`` rows), translate the rest with the installed
    packages (``origin: machine``), filter, and publish a Hugging Face dataset folder with card,
    Parquet, JSON Lines, TMX, Moses, ``report.html`` and ``manifest.json``. The keywords are
    ``python -m align build``'s options (``document_timeout=None``: no time budget;
    ``filters``: ``{"too-short": 2, "near-duplicate": False}``); what it did goes to stderr.
    Two pages of one site in both languages need no model:

    >>> import tempfile
    >>> scratch = tempfile.TemporaryDirectory()
    >>> pages = Path(scratch.name) / "pages"
    >>> pages.mkdir()
    >>> _ = (pages / "en.txt").write_text("url: https://example.gov/en/news/7/\n\n"
    ...     "The Government approved the programme on Monday.\n"
    ...     "It will cost 5 billion roubles over five years.\n", encoding="utf-8")
    >>> _ = (pages / "ru.txt").write_text("url: https://example.gov/news/7/\n\n"
    ...     "Правительство утвердило программу в понедельник.\n"
    ...     "Она обойдётся в 5 млрд рублей за пять лет.\n", encoding="utf-8")
    >>> corpus = build(pages, pages.parent / "corpus", workers=1, show_progress=False)
    >>> sorted(path.name for path in corpus.iterdir())  # doctest: +NORMALIZE_WHITESPACE
    ['LICENSE', 'README.md', 'data', 'documents.jsonl', 'exports', 'filtered.jsonl',
     'manifest.json', 'report.html']
    >>> verify(corpus).ok
    True
    >>> moses = next((corpus / "exports").glob("*.en"))
    >>> with moses.open("a", encoding="utf-8") as extra:
    ...     _ = extra.write("A line nobody aligned.\n")
    >>> [line.replace(moses.stem, "SPLIT") for line in verify(corpus).lines()]
    ['changed: exports/SPLIT.en', 'claim: SPLIT lines in exports/SPLIT.en: claimed 2, found 3']
    >>> scratch.cleanup()
    """
    from .pipeline import BuildSettings, Execution
    from .pipeline import build as run_build

    settings = BuildSettings(
        max_decoding_length=checked_decoding_length(max_decoding_length),
        strict=strict,
        document_timeout=document_timeout,
        license=license,
        filters=dict(filters) if filters else None,
    )
    execution = Execution(
        executor=executor, workers=workers, ray_address=ray_address, device=device, shard_documents=shard_size
    )
    return run_build(
        Path(input),
        output if isinstance(output, str) else Path(output),
        settings,
        execution=execution,
        show_progress=show_progress,
        use_cache=use_cache,
    )


def verify(corpus: str | os.PathLike[str]) -> Verification:
    """Check a published corpus (``align.verify``): every file against ``manifest.json``, and what
    the manifest and the card claim (rows per split and origin in every format, documents, models,
    settings, filter counts) against the files.

    ``ok`` is true when everything matches; ``lines()`` lists each difference (``changed: …``,
    ``missing: …``, ``unexpected: …``, ``claim: …``). A folder without a manifest raises
    ``NotACorpus`` (an ``AlignError``); ``build``'s example checks a corpus, then a damaged one.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as empty:
    ...     verify(empty)
    Traceback (most recent call last):
    align.verify.NotACorpus: ...: no manifest.json (is this a published corpus?)
    """
    from .verify import verify_corpus

    return verify_corpus(Path(corpus))
