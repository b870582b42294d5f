"""The command line: a thin layer over the stage APIs (see ``python -m align --help``).

Every command reads and writes UTF-8, takes ``-`` for standard input, and reports failures as one
line on stderr with a non-zero exit code. Set ``ALIGN_DEBUG=1`` to see a traceback instead.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import AlignError

EXIT_FAILURE = 1


class CliError(AlignError):
    """A failure to report as one line."""


def read_text(name: str) -> str:
    """A whole input file (``-``: stdin) as text; undecodable bytes become U+FFFD."""
    try:
        if name == "-":
            data = sys.stdin.buffer.read()
        else:
            data = Path(name).read_bytes()
    except IsADirectoryError:
        raise CliError(f"{name}: is a folder, not a file") from None
    except FileNotFoundError:
        raise CliError(f"{name}: no such file") from None
    except PermissionError:
        raise CliError(f"{name}: permission denied") from None
    except OSError as error:
        raise CliError(f"{name}: cannot read ({error.strerror or error})") from None
    return data.decode("utf-8", errors="replace")


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
    out = sys.stdout
    for line in lines:
        out.write(line.encode("utf-8", errors="replace").decode("utf-8") + "\n")
    out.flush()


# ------------------------------------------------------------------------------------ commands


def cmd_detect(args: argparse.Namespace) -> int:
    from .langid import detect_many

    lines = read_lines(args.file)
    output = []
    for begin in range(0, len(lines), 4096):  # bounded memory, and each batch is scored in parallel
        output.extend(json.dumps(d.as_dict(), ensure_ascii=False) for d in detect_many(lines[begin : begin + 4096]))
    write_lines(output)
    return 0


def cmd_sentences(args: argparse.Namespace) -> int:
    from .segment import split_sentences

    text = read_text(args.file).replace("\r\n", "\n")
    output = []
    for paragraph in text.split("\n\n"):
        joined = " ".join(line.strip() for line in paragraph.split("\n") if line.strip())
        output.extend(joined[start:end] for start, end in split_sentences(joined, args.lang))
    write_lines(output)
    return 0


def cmd_translate(args: argparse.Namespace) -> int:
    from .models import find_package
    from .translate import (
        ArgosTranslator,
        DecodingSettings,
        TranslationCache,
        translate_keeping,
    )

    lines = read_lines(args.file)
    translator = ArgosTranslator(
        find_package(args.source, args.target),
        DecodingSettings(max_decoding_length=args.max_decoding_length),
        cache=None if args.no_cache else TranslationCache(),
        progress=sys.stderr.isatty(),
    )
    todo = list(dict.fromkeys(line for line in lines if line.strip()))
    if args.keep_foreign:
        from .langid import detect_many
        from .pipeline import KEPT_VERBATIM

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
    from .aligner import Dictionary, align

    if args.src_lang == args.tgt_lang:
        raise CliError("--src-lang and --tgt-lang must differ")
    source, target = read_lines(args.src), read_lines(args.tgt)
    dictionary = None
    if args.dict:
        read_text(args.dict)  # one-line errors for a missing or unreadable file
        dictionary = Dictionary.read(args.dict)
    translated = machine_translation(source, args) if source and target else None
    beads = align(source, target, args.src_lang, args.tgt_lang, dictionary=dictionary, translated_source=translated)
    write_lines([bead.vecalign() for bead in beads])
    return 0


def machine_translation(source: list[str], args: argparse.Namespace) -> list[str] | None:
    """The source translated for the MT scorer, per ``--mt``: ``auto`` uses an installed real
    model and never a random-weight test model; ``on`` uses whatever is installed."""
    from .models import ModelError, find_package
    from .translate import ArgosTranslator, DecodingSettings, TranslationCache

    if args.mt == "off":
        return None
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
        DecodingSettings(max_decoding_length=args.max_decoding_length),
        cache=TranslationCache(),
        progress=sys.stderr.isatty(),
    )
    return translator.translate(source)


def cmd_models_list(args: argparse.Namespace) -> int:
    from .models import list_packages, store_root

    problems: list[str] = []
    packages = list_packages(problems=problems)
    for problem in problems:
        print(f"align: warning: skipped {problem}", file=sys.stderr)
    if not packages:
        print(f"no packages in {store_root()}", file=sys.stderr)
    for package in packages:
        flag = "  [TEST MODEL]" if package.test_model else ""
        print(f"{package.name}\t{package.version}\t{package.sha256}\t{package.origin}{flag}")
    return 0


def cmd_models_install(args: argparse.Namespace) -> int:
    from .models import install

    package = install(Path(args.path))
    print(f"installed {package.name} {package.version} ({package.sha256[:12]}) into {package.path.parent}")
    return 0


def cmd_models_fetch(args: argparse.Namespace) -> int:
    from .models import fetch

    for package in fetch():
        print(f"ready: {package.name} {package.version} ({package.sha256[:12]})")
    return 0


def cmd_models_make_test_package(args: argparse.Namespace) -> int:
    from .models import TestModelShape, make_test_package

    shape = TestModelShape(
        layers=args.layers, width=args.width, heads=args.heads, ffn=args.ffn, vocab=args.vocab,
        quantization=args.quantization,
    )
    archive = make_test_package(args.source, args.target, Path(args.out), Path(args.corpus), shape)
    print(f"wrote {archive} (random-weight TEST MODEL: its translations are meaningless)")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .pipeline import BuildSettings, build

    output = build(
        Path(args.input),
        Path(args.output),
        BuildSettings(max_decoding_length=args.max_decoding_length, strict=args.strict),
        progress=sys.stderr.isatty(),
    )
    if args.push:
        from .publish import push_to_hub

        print(f"pushed to {push_to_hub(output, args.push)}", file=sys.stderr)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from .manifest import verify

    folder = Path(args.folder)
    result = verify(folder)
    for line in result.lines():
        print(line)
    if not result.ok:
        print(f"align: {args.folder}: does not match its manifest", file=sys.stderr)
        return EXIT_FAILURE
    print(f"{args.folder}: every file matches manifest.json")
    if args.rebuild:
        from .pipeline import rebuild_matches

        differences = rebuild_matches(folder, Path(args.rebuild))
        for line in differences:
            print(line)
        if differences:
            print(f"align: a rebuild from {args.rebuild} differs from {args.folder}", file=sys.stderr)
            return EXIT_FAILURE
        print(f"{args.folder}: a rebuild from {args.rebuild} is byte-identical")
    return 0


# -------------------------------------------------------------------------------------- parser


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {value}")
    return value


LANGS = ("en", "ru")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m align",
        description="Russian–English translation-and-alignment toolkit: scraped pages in, "
        "a sentence-aligned Hugging Face dataset out.",
        epilog="Models come from ALIGN_MODELS (a folder of .argosmodel files or unpacked packages), "
        "default ~/.cache/align/models; the translation cache from ALIGN_CACHE (default ~/.cache/align).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    detect = commands.add_parser(
        "detect", help="language of each line and its Russian/English spans (JSON lines)",
        description="Read one text per line; print one JSON object per line: "
        '{"lang", "mixed", "spans": [{"start", "end", "lang"}]}. Offsets are code points into the '
        "line; lang is en, ru, other (another Cyrillic-script language) or und.",
    )
    detect.add_argument("file", metavar="FILE", help="input file, or - for stdin")
    detect.set_defaults(run=cmd_detect)

    sentences = commands.add_parser(
        "sentences", help="split text into sentences, one per line",
        description="Read text whose paragraphs are separated by blank lines (lines inside a "
        "paragraph are joined); print one sentence per line.",
    )
    sentences.add_argument("--lang", choices=LANGS, required=True, help="language of the text")
    sentences.add_argument("file", metavar="FILE", help="input file, or - for stdin")
    sentences.set_defaults(run=cmd_sentences)

    translate = commands.add_parser(
        "translate", help="translate one sentence per line with an installed Argos package",
        description="Translate each line (one sentence per line) offline; print the same number of "
        "lines. Empty lines stay empty. Results are cached in ALIGN_CACHE.",
    )
    translate.add_argument("--from", dest="source", choices=LANGS, required=True, help="source language")
    translate.add_argument("--to", dest="target", choices=LANGS, required=True, help="target language")
    translate.add_argument(
        "--max-decoding-length", type=positive_int, metavar="N",
        help="cap on output tokens per sentence (a random-weight test model never stops by itself)",
    )
    translate.add_argument("--no-cache", action="store_true", help="do not read or write the translation cache")
    translate.add_argument(
        "--no-keep-foreign", dest="keep_foreign", action="store_false",
        help="translate everything; by default spans in another language (a Russian quote in English, "
        "an English name in Russian) and URLs are kept verbatim",
    )
    translate.add_argument("file", metavar="FILE", help="input file, or - for stdin")
    translate.set_defaults(run=cmd_translate)

    pair = commands.add_parser(
        "pair", help="align two sentence-per-line files; print vecalign-format beads",
        description="Align SRC and TGT (one sentence per line) with 1-1, 1-2, 2-1, 2-2, 1-0 and 0-1 "
        "beads; print one bead per line as [i,j]:[k]:score (0-based indices; score in [0, 1], 0 for "
        "unaligned sentences). Scores sentence length, numbers, names and cognates (through "
        "transliteration), punctuation, an optional dictionary, and machine translation when a model "
        "is installed.",
    )
    pair.add_argument("--src-lang", choices=LANGS, default="en", help="language of SRC (default en)")
    pair.add_argument("--tgt-lang", choices=LANGS, default="ru", help="language of TGT (default ru)")
    pair.add_argument("--dict", metavar="FILE", help="bilingual word list, one 'english<TAB>russian' per line")
    pair.add_argument(
        "--mt", choices=("auto", "on", "off"), default="auto",
        help="score with machine translation of SRC: auto (default) when a real model is installed, "
        "on (any installed model, test models included), off",
    )
    pair.add_argument("--max-decoding-length", type=positive_int, metavar="N", help="cap on MT output tokens")
    pair.add_argument("src", metavar="SRC")
    pair.add_argument("tgt", metavar="TGT")
    pair.set_defaults(run=cmd_pair)

    models = commands.add_parser(
        "models", help="manage the local model store",
        description="Manage Argos translation packages in ALIGN_MODELS (default ~/.cache/align/models).",
    )
    model_commands = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    listing = model_commands.add_parser("list", help="list packages in the store")
    listing.set_defaults(run=cmd_models_list)
    install = model_commands.add_parser(
        "install", help="check an .argosmodel archive and unpack it into the store",
        description="Refuses archives with absolute paths, '..', links, missing metadata.json or "
        "model, or damaged data; the store is unchanged on any failure.",
    )
    install.add_argument("path", metavar="PATH", help="an .argosmodel file")
    install.set_defaults(run=cmd_models_install)
    fetch = model_commands.add_parser(
        "fetch", help="download the packages pinned in models.lock (needs internet)",
        description="Download every package in models.lock, verify its sha256 (recorded on first "
        "use when the index gives none) and install it.",
    )
    fetch.set_defaults(run=cmd_models_fetch)
    test_package = model_commands.add_parser(
        "make-test-package", help="build a small random-weight package for tests and dry runs",
        description="Build an Argos-format package: a sentencepiece model trained on CORPUS's .txt "
        "files and a CTranslate2 transformer with deterministic random weights. Its translations "
        "are meaningless and it is marked as a test model everywhere it is used.",
    )
    test_package.add_argument("--from", dest="source", choices=LANGS, required=True)
    test_package.add_argument("--to", dest="target", choices=LANGS, required=True)
    test_package.add_argument("--corpus", default="seeds", help="folder of .txt files to train the tokenizer on (default seeds)")
    test_package.add_argument("--layers", type=positive_int, default=2)
    test_package.add_argument("--width", type=positive_int, default=64)
    test_package.add_argument("--heads", type=positive_int, default=4)
    test_package.add_argument("--ffn", type=positive_int, default=128)
    test_package.add_argument("--vocab", type=positive_int, default=800)
    test_package.add_argument("--quantization", choices=("int8", "int16", "float16"), default=None)
    test_package.add_argument("out", metavar="OUT", help="output folder (or .argosmodel file name)")
    test_package.set_defaults(run=cmd_models_make_test_package)

    build = commands.add_parser(
        "build", help="run the whole pipeline and publish a corpus",
        description="Ingest, normalise, segment, detect, translate and publish INPUT as a Hugging "
        "Face dataset folder with card, Parquet, JSON Lines, TMX, Moses and manifest.json. "
        "Unreadable or binary inputs are skipped and reported.",
    )
    build.add_argument("--input", default="seeds", help="folder of input documents (default seeds)")
    build.add_argument("--output", default="corpora/seeds-en-ru", help="corpus folder (default corpora/seeds-en-ru)")
    build.add_argument("--max-decoding-length", type=positive_int, metavar="N", help="cap on output tokens per sentence")
    build.add_argument("--strict", action="store_true", help="fail when any input file is skipped")
    build.add_argument(
        "--push", metavar="REPO",
        help="after publishing, upload the corpus to the Hugging Face Hub dataset repository REPO "
        "(owner/name), with the token in HF_TOKEN",
    )
    build.set_defaults(run=cmd_build)

    verify = commands.add_parser(
        "verify", help="re-hash a published corpus against its manifest",
        description="Exit non-zero when any file differs from, is missing from, or is not in manifest.json.",
    )
    verify.add_argument("folder", metavar="DIR")
    verify.add_argument(
        "--rebuild", metavar="INPUT",
        help="also rebuild from INPUT with the manifest's settings (and the installed models) into a "
        "temporary folder and require every file to be byte-identical",
    )
    verify.set_defaults(run=cmd_verify)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (AlignError, FileNotFoundError, ValueError) as error:
        print(f"align: error: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("align: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # the promise is one line, never a traceback
        if os.environ.get("ALIGN_DEBUG"):
            traceback.print_exc()
        print(f"align: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILURE
