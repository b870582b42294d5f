"""The command line: a thin layer over the stage APIs (see ``python -m align --help``).

Every command reads and writes UTF-8, takes ``-`` for standard input, and reports failures as one
line on stderr with a non-zero exit code. Set ``ALIGN_DEBUG=1`` to see a traceback instead.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from . import __version__, progress
from .budget import DEFAULT_DOCUMENT_SECONDS
from .errors import AlignError
from .names import printable_name, single_line

if TYPE_CHECKING:  # imported where used: the CLI starts without loading the pipeline
    from .lexicon import Lexicon

EXIT_FAILURE = 1


class CliError(AlignError):
    """A failure to report as one line."""


class UsageError(CliError):
    """A request that cannot be carried out as asked (exit 2, like argparse's own errors)."""

    exit_code = 2


class Terminated(BaseException):
    """SIGTERM (sent by timeout, systemd, Kubernetes, Ray): unwind like Ctrl-C, cleaning up."""

    received = False
    """Set once the signal came: an extension module being imported at that moment turns the
    exception into its own (``ImportError: initialization failed``), which still means this."""


def _terminate(signum, frame):
    Terminated.received = True
    raise Terminated()


def read_text(name: str) -> str:
    """A whole input file (``-``: stdin) decoded as ``build`` decodes files.

    UTF-8 is read as is; UTF-16, compressed text and legacy encodings are detected and decoded,
    with a note on stderr saying which encoding was used; an HTML page becomes its main text (as
    ``build`` extracts it); binary input is an error.
    """
    from .ingest import SkippedInput, decode_input

    data = read_bytes(name)
    try:
        decoded = decode_input(data, name)
    except SkippedInput as skipped:
        raise CliError(f"{printable_name(name)}: {skipped.reason}") from None
    if decoded.encoding not in ("utf-8", "ascii"):
        print(f"align: note: {printable_name(name)} read as {decoded.encoding}", file=sys.stderr)
    if "<" not in decoded.text:
        return decoded.text  # no tag, so no HTML: spares plain text the extractor's import
    from . import html

    if html.looks_like_html(decoded.text, name):
        try:
            text = html.extract(decoded.text).text
        except html.ExtractionFailed as failure:
            raise CliError(f"{printable_name(name)}: {failure.reason}") from None
        print(f"align: note: {printable_name(name)} is HTML; reading its main text", file=sys.stderr)
        return "\n\n".join(text.splitlines())  # extracted blocks are paragraphs, never to be joined
    return decoded.text


def read_bytes(name: str) -> bytes:
    """A whole input file (``-``: stdin) as bytes, with one-line errors."""
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except IsADirectoryError:
        raise CliError(f"{printable_name(name)}: is a folder, not a file") from None
    except FileNotFoundError:
        raise CliError(f"{printable_name(name)}: no such file") from None
    except PermissionError:
        raise CliError(f"{printable_name(name)}: permission denied") from None
    except OSError as error:
        raise CliError(f"{name}: cannot read ({error.strerror or error})") from None
    return data


def read_lines(name: str) -> list[str]:
    """Lines split on ``\\n`` only, so U+2028 and friends inside a line keep the line count."""
    text = read_text(name)
    if not text:
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def write_lines(lines: Sequence[str]) -> None:
    """One item per line, whatever it holds: a line break inside an item would break the count."""
    out = sys.stdout
    for line in lines:
        out.write(single_line(line).encode("utf-8", errors="replace").decode("utf-8") + "\n")
    out.flush()


# ------------------------------------------------------------------------------------ commands


def cmd_detect(args: argparse.Namespace) -> int:
    from . import detect

    lines = read_lines(args.file)
    output: list[str] = []
    for begin in range(0, len(lines), 4096):  # bounded memory, and each batch is scored in parallel
        output.extend(json.dumps(d.as_dict(), ensure_ascii=False) for d in detect(lines[begin : begin + 4096]))
    write_lines(output)
    return 0


def cmd_sentences(args: argparse.Namespace) -> int:
    from . import sentences

    write_lines(sentences(read_text(args.file), args.lang))
    return 0


def cmd_translate(args: argparse.Namespace) -> int:
    from .models import find_package
    from .translate import ArgosTranslator, DecodingSettings, TranslationCache, select_device, translate_keeping

    if args.source == args.target:
        raise UsageError(f"--from and --to are both {args.source}; nothing to translate")
    lines = read_lines(args.file)
    package = find_package(args.source, args.target)
    todo = list(dict.fromkeys(line for line in lines if line.strip()))
    with progress.bar(len(todo), f"translate {args.source}→{args.target}", "sent", progress.wanted()) as bar:
        translator = ArgosTranslator(
            package,
            DecodingSettings(max_decoding_length=capped_decoding_length(args.max_decoding_length)),
            cache=None if args.no_cache else TranslationCache(),
            device=select_device(args.device),
            on_translated=bar.update,
        )
        if args.keep_foreign:
            from .langid import detect_many
            from .translate import KEPT_VERBATIM

            keep = [
                [(s.start, s.end) for s in detection.spans if s.lang in KEPT_VERBATIM[args.source]]
                for detection in detect_many(todo)
            ]
            outputs = translate_keeping(translator, todo, keep)
        else:
            outputs = translator.translate(todo)
    translated = dict(zip(todo, outputs))
    write_lines([translated.get(line, "") for line in lines])
    return 0


def cmd_pair(args: argparse.Namespace) -> int:
    from . import Dictionary, align_sentences

    keep_freed_memory()
    if args.src_lang == args.tgt_lang:
        raise UsageError("--src-lang and --tgt-lang must differ")
    if args.src == args.tgt == "-":
        raise UsageError("SRC and TGT cannot both be standard input (-); give at least one file")
    source, target = read_lines(args.src), read_lines(args.tgt)
    dictionary = None
    if args.dict:
        read_text(args.dict)  # one-line errors for a missing or unreadable file
        dictionary = Dictionary.read(args.dict)
    translated = machine_translation(source, args) if source and target else None
    lexicon: Lexicon | Literal["auto"] | None = "auto" if args.lexicon == "auto" else pair_lexicon(args.lexicon)
    beads = align_sentences(
        source,
        target,
        args.src_lang,
        args.tgt_lang,
        lexicon=lexicon,
        dictionary=dictionary,
        translated_source=translated,
    )
    write_lines([bead.vecalign() for bead in beads])
    return 0


def keep_freed_memory() -> None:
    """Ask glibc to keep memory the process frees instead of returning it to the system.

    The aligner's search builds and drops arrays of a few megabytes, dozens of times. By default,
    glibc maps each array afresh and unmaps it when it is freed, so every array's pages fault in
    again. Keeping them was the largest single saving in ``pair``'s time (``make bench``); the
    process ends soon after, so what it keeps is not lost. Nothing happens where there is no glibc.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    mallopt(m_mmap_threshold, 32 << 20)  # glibc's largest: arrays up to 32 MiB come from the heap
    mallopt(m_trim_threshold, 1 << 30)


def pair_lexicon(name: str) -> Lexicon | None:
    """``--lexicon``: ``off`` (none) or a lexicon file, with a one-line error for a bad one."""
    if name == "off":
        return None
    from .lexicon import Lexicon

    read_text(name)  # one-line errors for a missing or unreadable file
    try:
        return Lexicon.read(name)
    except (ValueError, UnicodeDecodeError) as error:
        raise CliError(str(error)) from None


def machine_translation(source: list[str], args: argparse.Namespace) -> list[str] | None:
    """The source translated for the MT scorer, per ``--mt``: ``auto`` uses an installed real
    model and never a random-weight test model; ``on`` uses whatever is installed."""
    if args.mt == "off":
        return None
    from .models import ModelError, find_package
    from .translate import ArgosTranslator, DecodingSettings, TranslationCache

    try:
        package = find_package(args.src_lang, args.tgt_lang)
    except ModelError:
        if args.mt == "on":
            raise
        return None
    if package.test_model and args.mt == "auto":
        return None
    translator = ArgosTranslator(
        package,
        DecodingSettings(max_decoding_length=capped_decoding_length(args.max_decoding_length)),
        cache=TranslationCache(),
    )
    return translator.translate(source)


def cmd_models_list(args: argparse.Namespace) -> int:
    """Exit 0 when every entry is usable (or the store is empty), 1 when any is DAMAGED, 2 when
    ALIGN_MODELS names no folder."""
    from .models import list_packages, store_root

    configured = os.environ.get("ALIGN_MODELS")
    if configured and not Path(configured).is_dir():
        raise UsageError(f"ALIGN_MODELS={configured}: no such folder")
    problems: list[str] = []
    notes: list[str] = []
    packages = list_packages(problems=problems, notes=notes)
    for note in notes:
        print(f"align: note: {printable_name(note)}", file=sys.stderr)
    for package in packages:
        flag = "  [TEST MODEL]" if package.test_model else ""
        print(f"{package.name}\t{package.version}\t{package.sha256}\t{printable_name(package.origin)}{flag}")
    for problem in problems:
        print(f"DAMAGED\t{printable_name(problem)}")
    if problems:
        print(
            f"align: error: {len(problems)} package(s) in {store_root()} DAMAGED, not used (listed above)",
            file=sys.stderr,
        )
    if not packages and not problems:
        print(
            f"no packages in {store_root()}: get them with `python -m align models fetch` (needs internet), "
            "or for dry runs `python -m align models make-test-package --from en --to ru DIR` and ALIGN_MODELS=DIR",
            file=sys.stderr,
        )
    return EXIT_FAILURE if problems else 0


def cmd_models_install(args: argparse.Namespace) -> int:
    from .models import install

    package = install(Path(args.path))  # an .argosmodel file or an unpacked package folder
    print(f"installed {package.name} {package.version} ({package.sha256[:12]}) into {package.path.parent}")
    return 0


def cmd_models_fetch(args: argparse.Namespace) -> int:
    from .models import LOCK_FILE, fetch

    notes: list[str] = []
    for package in fetch(lock_path=Path(args.lock) if args.lock else LOCK_FILE, notes=notes):
        print(f"ready: {package.name} {package.version} ({package.sha256[:12]})")
    for note in notes:
        print(f"align: note: {printable_name(note)}", file=sys.stderr)
    return 0


def cmd_models_make_test_package(args: argparse.Namespace) -> int:
    from .models import TestModelShape, make_test_package

    shape = TestModelShape(
        layers=args.layers,
        width=args.width,
        heads=args.heads,
        ffn=args.ffn,
        vocab=args.vocab,
        quantization=args.quantization,
    )
    archive = make_test_package(args.source, args.target, Path(args.out), Path(args.corpus), shape)
    print(f"wrote {archive} (random-weight TEST MODEL: its translations are meaningless)")
    return 0


def capped_decoding_length(value: int | None) -> int | None:
    """``--max-decoding-length`` within ``MAX_DECODING_LENGTH``, saying so when it was cut."""
    from .translate import MAX_DECODING_LENGTH  # not from .pipeline: importing the build costs half a second

    if value is not None and value > MAX_DECODING_LENGTH:
        print(
            f"align: note: --max-decoding-length {value} capped at {MAX_DECODING_LENGTH} tokens "
            "(a longer output is never a sentence; a test model would run for ever)",
            file=sys.stderr,
        )
        return MAX_DECODING_LENGTH
    return value


def cmd_build(args: argparse.Namespace) -> int:
    from . import build

    if args.push:
        from .hub import push_target

        push_target(args.push)  # a missing token is found before the build, not after it
    output = build(
        args.input,
        args.output,
        max_decoding_length=capped_decoding_length(args.max_decoding_length),
        strict=args.strict,
        document_timeout=args.document_timeout or None,
        license=args.license,
        filters=dict(args.filter) if args.filter else None,
        executor=args.executor,
        workers=args.workers,
        ray_address=args.ray_address,
        device=args.device,
        shard_size=args.shard_size,
        use_cache=not args.no_cache,
    )
    if args.push:
        from .hub import push_to_hub

        url = push_to_hub(output, args.push, allow_test_model=args.allow_test_model)
        print(f"pushed to {url}", file=sys.stderr)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the corpus matches, 1 when anything differs, 2 when there is nothing to check."""
    from . import verify

    folder = Path(args.folder)
    result = verify(folder)
    for line in result.lines():
        print(line)
    if not result.ok:
        print(f"align: {printable_name(args.folder)}: does not match its manifest", file=sys.stderr)
        return EXIT_FAILURE
    print(f"{printable_name(args.folder)}: every file matches manifest.json, and so does every claim")
    if args.rebuild:
        from .pipeline import rebuild_matches

        differences = rebuild_matches(folder, Path(args.rebuild))
        for line in differences:
            print(line)
        if differences:
            print(
                f"align: a rebuild from {printable_name(args.rebuild)} differs from {printable_name(args.folder)}",
                file=sys.stderr,
            )
            return EXIT_FAILURE
        print(f"{printable_name(args.folder)}: a rebuild from {printable_name(args.rebuild)} is byte-identical")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write the corpus's HTML report; exit 2 when CORPUS is not a corpus of ours."""
    from .destination import is_our_corpus, output_lock
    from .report import DETAIL_DOCUMENTS, REPORT, write_report
    from .verify import NotACorpus, read_manifest

    folder = Path(args.folder)
    manifest = read_manifest(folder)
    documents = getattr(args, "documents", DETAIL_DOCUMENTS)
    if not is_our_corpus(folder):
        raise NotACorpus(f"{printable_name(args.folder)}: its manifest.json was not written by this tool")
    if args.output is None and documents != DETAIL_DOCUMENTS and REPORT in manifest["outputs"]:
        raise UsageError(
            f"--documents changes {REPORT}, which manifest.json vouches for (the build wrote it with the "
            f"default); give --output FILE to write this one beside it"
        )
    with output_lock(folder):  # a build swapping this corpus out meanwhile would lose the report
        path = write_report(
            folder, manifest, output=Path(args.output) if args.output else None, detail_documents=documents
        )
    print(f"wrote {printable_name(str(path))} ({path.stat().st_size:,} bytes)")
    if path == folder / REPORT and REPORT not in manifest["outputs"]:
        print(f"align: note: {REPORT} is not in manifest.json, so verify lists it as unexpected", file=sys.stderr)
    return 0


# -------------------------------------------------------------------------------------- parser


def non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds, 0 or more: {text}")
    return value


def license_id(text: str) -> str:
    import re

    if not re.fullmatch(r"[a-z0-9][a-z0-9.+-]*", text):
        raise argparse.ArgumentTypeError(f"not a licence id (lowercase, like cc-by-4.0 or mit): {text!r}")
    return text


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {value}")
    return value


def filter_option(text: str) -> tuple:
    """``--filter NAME[=VALUE]`` checked while parsing, so a typo is refused before any work."""
    from .filters import FilterSettingError, parse_option

    try:
        return parse_option(text)
    except FilterSettingError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


class KeepLines(argparse.HelpFormatter):
    """Wraps each line of a description or epilog on its own, so a list stays a list."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        import textwrap

        lines = []
        for line in text.splitlines():
            lead = indent + " " * (len(line) - len(line.lstrip()))
            lines.append(
                textwrap.fill(line.strip(), width, initial_indent=lead, subsequent_indent=lead + "    ")
                if line.strip()
                else ""
            )
        return "\n".join(lines)


LANGS = ("en", "ru")


class Parser(argparse.ArgumentParser):
    """argparse with the CLI's promise: a bad argument is one line on stderr (and exit 2).

    An epilog may be a function, called only when the help is shown: the filter rules and the
    report's defaults live in modules a command that prints no help has no reason to import."""

    def error(self, message: str):
        self.exit(2, f"align: error: {self.prog}: {printable_name(message)} (see {self.prog} --help)\n")

    def format_help(self) -> str:
        if callable(self.epilog):
            self.epilog = self.epilog()
        return super().format_help()


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="python -m align",
        description="Russian–English translation-and-alignment toolkit: scraped pages in, "
        "a sentence-aligned Hugging Face dataset out.",
        epilog="Models come from ALIGN_MODELS (a folder of .argosmodel files or unpacked packages), by "
        "default $ALIGN_CACHE/models; the translation cache lives in ALIGN_CACHE (default ~/.cache/align, "
        "so the store defaults to ~/.cache/align/models). Exit codes: 0 done, 1 failed, 2 refused "
        "(bad arguments), 130 interrupted, 143 terminated.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    detect = commands.add_parser(
        "detect",
        help="language of each line and its Russian/English spans (JSON lines)",
        description="Read one text per line; print one JSON object per line: "
        '{"lang", "mixed", "spans": [{"start", "end", "lang"}]}. Offsets are code points into the '
        "line; lang is en, ru, other (another Cyrillic-script language) or und.",
    )
    detect.add_argument("file", metavar="FILE", help="input file, or - for stdin")
    detect.set_defaults(run=cmd_detect)

    sentences = commands.add_parser(
        "sentences",
        help="split text into sentences, one per line",
        description="Read text whose paragraphs are separated by blank lines (lines inside a "
        "paragraph are joined); print one sentence per line.",
    )
    sentences.add_argument("--lang", choices=LANGS, required=True, help="language of the text")
    sentences.add_argument("file", metavar="FILE", help="input file, or - for stdin")
    sentences.set_defaults(run=cmd_sentences)

    translate = commands.add_parser(
        "translate",
        help="translate one sentence per line with an installed Argos package",
        description="Translate each line (one sentence per line) offline; print the same number of "
        "lines. Empty lines stay empty. Results are cached in ALIGN_CACHE.",
    )
    translate.add_argument("--from", dest="source", choices=LANGS, required=True, help="source language")
    translate.add_argument("--to", dest="target", choices=LANGS, required=True, help="target language")
    translate.add_argument(
        "--max-decoding-length",
        type=positive_int,
        metavar="N",
        help="cap on output tokens per sentence (a random-weight test model never stops by itself)",
    )
    translate.add_argument("--no-cache", action="store_true", help="do not read or write the translation cache")
    translate.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default="auto",
        help="CTranslate2 device (default auto: CUDA when a GPU is visible, else the CPU)",
    )
    translate.add_argument(
        "--no-keep-foreign",
        dest="keep_foreign",
        action="store_false",
        help="translate everything; by default spans in another language (a Russian quote in English, "
        "an English name in Russian) and URLs are kept verbatim",
    )
    translate.add_argument("file", metavar="FILE", help="input file, or - for stdin")
    translate.set_defaults(run=cmd_translate)

    pair = commands.add_parser(
        "pair",
        help="align two sentence-per-line files; print vecalign-format beads",
        description="Align SRC and TGT (one sentence per line) with 1-1, 1-2, 2-1, 2-2, 1-0 and 0-1 "
        "beads; print one bead per line as [i,j]:[k]:score (0-based indices; score in [0, 1], 0 for "
        "unaligned sentences). Scores sentence length, numbers, names and cognates (through "
        "transliteration), punctuation, an optional dictionary, a word lexicon learned from the two "
        "files themselves (--lexicon), and machine translation when a model is installed.",
    )
    pair.add_argument("--src-lang", choices=LANGS, default="en", help="language of SRC (default en)")
    pair.add_argument("--tgt-lang", choices=LANGS, default="ru", help="language of TGT (default ru)")
    pair.add_argument("--dict", metavar="FILE", help="bilingual word list, one 'english<TAB>russian' per line")
    pair.add_argument(
        "--mt",
        choices=("auto", "on", "off"),
        default="auto",
        help="score with machine translation of SRC: auto (default) when a real model is installed, "
        "on (any installed model, test models included), off",
    )
    pair.add_argument(
        "--lexicon",
        default="auto",
        metavar="auto|off|FILE",
        help="word-translation lexicon: auto (default) aligns once, learns a lexicon from the confident "
        "1-1 beads and aligns again with it; off; or a file of 'english<TAB>russian[<TAB>weight]' lines",
    )
    pair.add_argument("--max-decoding-length", type=positive_int, metavar="N", help="cap on MT output tokens")
    pair.add_argument("src", metavar="SRC")
    pair.add_argument("tgt", metavar="TGT")
    pair.set_defaults(run=cmd_pair)

    models = commands.add_parser(
        "models",
        help="manage the local model store",
        description="Manage Argos translation packages in the store: ALIGN_MODELS if set, else "
        "$ALIGN_CACHE/models, i.e. ~/.cache/align/models when ALIGN_CACHE is unset. Every package's "
        "files are recorded when it is installed and checked before each use.",
    )
    model_commands = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    listing = model_commands.add_parser(
        "list",
        help="list packages in the store, checking every file",
        description="Print one line per usable package (name, version, sha256, origin) and one "
        "'DAMAGED' line per unusable entry with the reason (a file changed, missing or added since it "
        "was recorded, bad metadata, a broken archive). A folder put into the store by hand is "
        "recorded the first time it is seen (said on stderr) and checked from then on. Exit 0 when "
        "every entry is usable, 1 when any is damaged, 2 when ALIGN_MODELS names no folder.",
    )
    listing.set_defaults(run=cmd_models_list)
    install = model_commands.add_parser(
        "install",
        help="check a package (.argosmodel archive or unpacked folder) and add it to the store",
        description="Refuses absolute paths, '..', links, missing metadata.json or model, metadata "
        "that is not a plain translate package (unknown or equal language codes, a version that is "
        "not a plain name), a file or folder name whose xx_yy direction contradicts the metadata, "
        "and damaged data; the store is unchanged on any failure, and an existing store entry is "
        "replaced only when it is itself a package. The package's files are recorded in "
        "STORE/.integrity/ and checked before every use.",
    )
    install.add_argument("path", metavar="PATH", help="an .argosmodel file or an unpacked package folder")
    install.set_defaults(run=cmd_models_install)
    fetch = model_commands.add_parser(
        "fetch",
        help="download the packages pinned in models.lock (needs internet)",
        description="Download every package in the lock file, verify its sha256 (recorded on first "
        "use when none is pinned) and put it into the store. If the lock file cannot be written, "
        "what was resolved is written to $ALIGN_CACHE/models.lock instead, and said so.",
    )
    fetch.add_argument(
        "--lock",
        metavar="FILE",
        help="the lock file to read and update (default: models.lock shipped inside the align package)",
    )
    fetch.set_defaults(run=cmd_models_fetch)
    test_package = model_commands.add_parser(
        "make-test-package",
        help="build a small random-weight package for tests and dry runs",
        description="Build an Argos-format package: a sentencepiece model trained on CORPUS's .txt "
        "files and a CTranslate2 transformer with deterministic random weights. Its translations "
        "are meaningless and it is marked as a test model everywhere it is used.",
    )
    test_package.add_argument("--from", dest="source", choices=LANGS, required=True)
    test_package.add_argument("--to", dest="target", choices=LANGS, required=True)
    test_package.add_argument(
        "--corpus", default="seeds", help="folder of .txt files to train the tokenizer on (default seeds)"
    )
    test_package.add_argument("--layers", type=positive_int, default=2)
    test_package.add_argument("--width", type=positive_int, default=64)
    test_package.add_argument("--heads", type=positive_int, default=4)
    test_package.add_argument("--ffn", type=positive_int, default=128)
    test_package.add_argument("--vocab", type=positive_int, default=800)
    test_package.add_argument("--quantization", choices=("int8", "int16", "float16"), default=None)
    test_package.add_argument(
        "out",
        metavar="OUT",
        help="output folder, or a file name ending in .argosmodel; an existing file is replaced only "
        "if it is itself a test package",
    )
    test_package.set_defaults(run=cmd_models_make_test_package)

    def build_epilog() -> str:
        from .filters import FILTERED_FILE, describe_rules

        return f"Rows a filter removes go to {FILTERED_FILE}, with the rule and the reason.\n\n" + describe_rules()

    build = commands.add_parser(
        "build",
        help="run the whole pipeline and publish a corpus",
        description="Ingest, normalise, segment, detect, translate and publish INPUT as a Hugging "
        "Face dataset folder with card, Parquet, JSON Lines, TMX, Moses and manifest.json. "
        "Unreadable or binary inputs are skipped and reported.",
        epilog=build_epilog,  # type: ignore[arg-type]  # Parser calls it
        formatter_class=KeepLines,
    )
    build.add_argument("--input", default="seeds", help="folder of input documents (default seeds)")
    build.add_argument("--output", default="corpora/seeds-en-ru", help="corpus folder (default corpora/seeds-en-ru)")
    build.add_argument(
        "--max-decoding-length", type=positive_int, metavar="N", help="cap on output tokens per sentence"
    )
    build.add_argument("--strict", action="store_true", help="fail when any input file is skipped")
    build.add_argument(
        "--document-timeout",
        type=non_negative_float,
        default=DEFAULT_DOCUMENT_SECONDS,
        metavar="SECONDS",
        help=f"time budget per document (default {DEFAULT_DOCUMENT_SECONDS:g}); a document that takes longer "
        "is skipped with reason 'timeout' in the manifest and the build goes on; 0 means no budget",
    )
    build.add_argument(
        "--license",
        default="other",
        type=license_id,
        metavar="ID",
        help="licence of the texts, as a Hugging Face licence id (e.g. cc-by-4.0, which government.ru "
        "and kremlin.ru use); default 'other': the card points to a LICENSE file naming the publishers",
    )
    build.add_argument(
        "--no-cache",
        action="store_true",
        help="translate everything anew and reuse no finished shard; do not read or write the cache",
    )
    build.add_argument(
        "--filter",
        action="append",
        type=filter_option,
        metavar="NAME[=VALUE]",
        help="set a filter rule (repeatable): NAME=NUMBER sets its threshold, NAME=off turns it off, "
        "NAME alone turns it on at its default; overrides [filters] in INPUT/align.toml. The rules, "
        "their defaults and where removed rows go are listed below",
    )
    build.add_argument(
        "--executor",
        choices=("local", "ray"),
        default="local",
        help="who runs the map steps: local (default: a process pool on this machine) or ray (a local "
        "Ray cluster, or the one at --ray-address; needs `make install EXECUTOR=ray`). The published "
        "bytes are the same either way",
    )
    build.add_argument(
        "--workers",
        type=positive_int,
        metavar="N",
        help="worker processes (local) or CPUs of a new local Ray cluster; default: the cores of this machine",
    )
    build.add_argument("--ray-address", metavar="ADDR", help="join the Ray cluster at ADDR (e.g. ray://head:10001)")
    build.add_argument(
        "--shard-size",
        type=positive_int,
        default=64,
        metavar="N",
        help="documents per shard (default 64; a shard is also cut at 8 MB): the unit of parallel work, "
        "of memory, and of resuming a killed build; it does not change the published bytes",
    )
    build.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default="auto",
        help="CTranslate2 device (default auto: CUDA when a GPU is visible); recorded in the manifest, "
        "since GPU output need not equal CPU output bit for bit",
    )
    build.add_argument(
        "--push",
        metavar="REPO",
        help="after publishing, upload the corpus to the Hugging Face Hub dataset repository REPO "
        "(owner/name), with the token in HF_TOKEN (checked before the build starts); the corpus is "
        "verified first",
    )
    build.add_argument(
        "--allow-test-model",
        action="store_true",
        help="let --push upload a corpus built with a random-weight test model (refused otherwise)",
    )
    build.set_defaults(run=cmd_build)

    verify = commands.add_parser(
        "verify",
        help="check a published corpus against its manifest: file hashes and claims",
        description="Re-hash every file against manifest.json, then check what the manifest and the "
        "card claim (rows per split and origin in every format, documents, models and their sha256, "
        "the test-model flag, build settings, licence, rows removed per filter rule) against the files. "
        "Exit 0 when everything "
        "matches, 1 when anything differs, 2 when DIR is not a corpus.",
    )
    verify.add_argument("folder", metavar="DIR")
    verify.add_argument(
        "--rebuild",
        metavar="INPUT",
        help="also rebuild from INPUT with the manifest's settings and the installed models (so it "
        "needs the same models), without the translation cache, into a hidden sibling folder, and "
        "require every file to be byte-identical",
    )
    verify.set_defaults(run=cmd_verify)

    def report_epilog() -> str:
        from .report import DETAIL_DOCUMENTS

        return f"Without --documents, the first {DETAIL_DOCUMENTS} documents are shown in full, as in the report build writes."

    report = commands.add_parser(
        "report",
        help="write CORPUS/report.html, a self-contained page to judge the corpus by",
        description="Read a published corpus and write one HTML file that works offline (inline CSS "
        "and SVG, no script, nothing fetched): rows by split and origin, models (a banner for a test "
        "model), filters, charts of sentence length, length ratio, bead scores, removals and language "
        "mix, and the first documents in full: the page with removed lines struck through and "
        "labelled, sentences with their language spans coloured, beads with their scores. The same "
        "corpus always gives the same bytes. `build` writes it too (hashed by the manifest); this "
        "command writes it again, or with --documents/--output another view of the corpus.",
        epilog=report_epilog,  # type: ignore[arg-type]  # Parser calls it
    )
    report.add_argument("folder", metavar="CORPUS")
    report.add_argument("--output", metavar="FILE", help="write the report here instead of CORPUS/report.html")
    report.add_argument(
        "--documents",
        type=document_count,
        default=argparse.SUPPRESS,
        metavar="N|all",
        help="documents shown in full, with their translation partners (default: as in build's report, "
        "see below); every document is listed with its counts either way",
    )
    report.set_defaults(run=cmd_report)
    return parser


def document_count(text: str) -> int | None:
    """``--documents``: a positive number, or ``all`` (``None``)."""
    return None if text == "all" else positive_int(text)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every failure becomes one line on stderr and an exit code.

    0 success; 1 the work failed (or, for verify, the corpus differs); 2 the request was refused
    (bad arguments, an output path the tool will not touch); 130 Ctrl-C; 143 SIGTERM. Nothing the
    command was writing is left half-done: staging folders are removed on the way out.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return args.run(args)
    except AlignError as error:
        return fail(str(error), error.exit_code)
    except KeyboardInterrupt:
        return fail("interrupted; nothing half-written was left behind", 130, prefix="align: ")
    except Terminated:
        return fail("terminated (SIGTERM); nothing half-written was left behind", 143, prefix="align: ")
    except BrokenPipeError:
        return 0
    except OSError as error:
        if full_disk(error):
            return fail(f"no space left on the device ({error.filename or error}); free some space and run again")
        return fail(f"{error.strerror or error}" + (f": {error.filename}" if error.filename else ""))
    except ValueError as error:
        return fail(str(error))
    except Exception as error:  # the promise is one line, never a traceback
        if Terminated.received:
            return fail("terminated (SIGTERM); nothing half-written was left behind", 143, prefix="align: ")
        if full_disk(error):
            return fail(f"no space left on the device ({error}); free some space and run again")
        if os.environ.get("ALIGN_DEBUG"):
            traceback.print_exc()
        return fail(f"{type(error).__name__}: {error}", prefix="align: internal error: ")


def fail(message: str, code: int = EXIT_FAILURE, prefix: str = "align: error: ") -> int:
    """Print one line (control characters escaped, so nothing can forge a second line)."""
    print(prefix + printable_name(message), file=sys.stderr)
    return code


def full_disk(error: BaseException) -> bool:
    """ENOSPC from the OS, or SQLite's word for it."""
    import errno

    if isinstance(error, OSError):
        return error.errno in (errno.ENOSPC, errno.EDQUOT)
    return "database or disk is full" in str(error)
