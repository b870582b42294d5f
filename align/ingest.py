"""Reading input files into ``RawDocument`` records: what is input, encoding, header block, provenance.

A crawl holds files of every kind, so reading never raises on content: a file that cannot be a text
document raises ``SkippedInput`` with a reason the manifest records, and everything else is decoded,
with every byte-level repair listed. ``decode_input`` is the content half of reading, shared with
the command line so that ``detect`` and ``sentences`` decode a file exactly as ``build`` does.
"""

from __future__ import annotations

import bz2
import codecs
import functools
import gzip
import io
import lzma
import os
import re
import stat
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, AnyStr

from .errors import AlignError
from .names import printable_name

if TYPE_CHECKING:
    from .records import RawDocument, Removal

# The HTML extractor, the records, hashing and the corpus check are imported where they are
# used: reading a plain text file (``align pair``, ``align sentences``) needs none of them, and
# importing them was a noticeable part of such a command's start-up.

HEADER_LINE = re.compile(r"^([a-z][a-z0-9_]*):[ \t]*(.*)$")
MIN_HEADER_LINES = 2
MAX_DOCUMENT_BYTES = 64 << 20
"""Larger files, and compressed files that unpack to more, are skipped: no page is this big."""
SNIFF_BYTES = 8192
"""How much of the start of the data the binary and UTF-16 checks look at."""
MIN_UTF16_BYTES = 16
"""Below this, UTF-16 without a byte-order mark is not guessed: any two byte values pass its test."""

BINARY_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"\x7fELF")
COMPRESSIONS: dict[str, tuple[re.Pattern[bytes], Callable[..., Any]]] = {
    "gzip": (re.compile(rb"\x1f\x8b\x08"), gzip.open),
    "bz2": (re.compile(rb"BZh[1-9](?:1AY&SY|\x17rE8P\x90)"), bz2.open),
    "xz": (re.compile(rb"\xfd7zXZ\x00"), lzma.open),
}
"""Compressed single files, known by their magic numbers, with the stream reader for each."""
UNSUPPORTED_FORMATS = {
    "zip archive": re.compile(rb"PK(?:\x03\x04|\x05\x06|\x07\x08)"),
    "7z archive": re.compile(rb"7z\xbc\xaf\x27\x1c"),
    "rar archive": re.compile(rb"Rar!\x1a\x07"),
    "tar archive": re.compile(rb".{257}ustar(?:\x0000|  \x00)", re.DOTALL),
    "zstd-compressed data": re.compile(rb"\x28\xb5\x2f\xfd"),
}
"""Formats that hold files rather than text: named in the skip reason, not unpacked."""
BYTE_ORDER_MARKS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
NUL_RUNS: dict[type, re.Pattern[Any]] = {bytes: re.compile(rb"\x00+"), str: re.compile("\x00+")}
ESCAPED_BYTES = re.compile("[\udc00-\udcff]+")


class SkippedInput(AlignError):
    """A file that is not a text document; ``reason`` is one short phrase for the manifest.

    ``path`` is the file's printable name (``align.names``), safe to record and print.
    """

    def __init__(self, path: str, reason: str):
        path = printable_name(path)
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, the encoding used (``gzip+cp1251`` when it was compressed too),
    and the byte-level repairs made on the way."""

    text: str
    encoding: str
    repairs: tuple[Removal, ...]


# --------------------------------------------------------------------------------------- decoding


def decode_input(data: bytes, name: str, charset: str | None = None) -> Decoded:
    """The text of one input's bytes, as ``build`` reads files; ``SkippedInput`` when not text.

    Compressed data is unpacked first, once (a compressed file inside is not unpacked again).
    Archives and binary formats are skipped, UTF-32 and UTF-16 are recognised by their
    byte-order mark or, for UTF-16, by where the NUL bytes fall, and all else is UTF-8 or a
    legacy encoding found by charset detection (``decode_bytes``). An HTML page is first read in
    the charset it is declared in (``decode_html``): ``charset`` (a codec name or a label, from
    the HTTP header of a WARC record), then its own ``<meta>``. ``name`` is only for reasons.
    """
    if len(data) > MAX_DOCUMENT_BYTES:
        raise SkippedInput(name, f"larger than {_size(MAX_DOCUMENT_BYTES)}")
    compression = _compression(data)
    inside = ""
    if compression:
        data = _decompress(data, compression, name)
        inside = f" inside {compression}"
    if reason := _unsupported_format(data):
        raise SkippedInput(name, reason + inside)
    decoded = _decode_wide(data)
    if decoded is None:
        if looks_binary(data):
            raise SkippedInput(name, "binary file" + inside)
        decoded = decode_html(data, charset, name) or decode_bytes(data)  # HTML: declared charset first
    return replace(decoded, encoding=f"{compression}+{decoded.encoding}") if compression else decoded


def _size(count: int) -> str:
    return f"{count >> 20} MiB" if count and not count % (1 << 20) else f"{count} bytes"


def _compression(data: bytes) -> str | None:
    return next((name for name, (magic, _) in COMPRESSIONS.items() if magic.match(data)), None)


def _decompress(data: bytes, compression: str, name: str) -> bytes:
    """Unpack as a stream that stops one byte past the size limit, so a small file that unpacks
    to gigabytes (a decompression bomb) costs no more than a file at the limit."""
    _, open_stream = COMPRESSIONS[compression]
    try:
        with open_stream(io.BytesIO(data)) as stream:
            content = stream.read(MAX_DOCUMENT_BYTES + 1)
    except (OSError, EOFError, zlib.error, lzma.LZMAError):
        raise SkippedInput(name, f"corrupt {compression} data") from None
    if len(content) > MAX_DOCUMENT_BYTES:
        raise SkippedInput(name, f"{compression} data unpacks to more than {_size(MAX_DOCUMENT_BYTES)}")
    return content


def _unsupported_format(data: bytes) -> str | None:
    """Why data of a known non-text format is skipped; compressed data only gets here from inside
    a compressed file."""
    if compression := _compression(data):
        return f"{compression}-compressed data"
    return next((reason for reason, magic in UNSUPPORTED_FORMATS.items() if magic.match(data)), None)


def looks_binary(data: bytes) -> bool:
    """Magic numbers of common binary formats, or many control bytes near the start."""
    if data.startswith(BINARY_SIGNATURES):
        return True
    head = data[:SNIFF_BYTES]
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return controls > len(head) * 0.3


def _decode_wide(data: bytes) -> Decoded | None:
    """UTF-32 or UTF-16 text, or ``None``; NUL characters in it are dropped and logged, as they
    are from 8-bit text (there with byte offsets, here with offsets in the decoded text)."""
    codec, start = _wide_codec(data)
    if codec is None:
        return None
    decoded = _decode_replacing(data[start:], codec)
    text, nuls = _strip_nul(decoded.text)
    return Decoded(text, codec, tuple(nuls) + decoded.repairs)


def _wide_codec(data: bytes) -> tuple[str | None, int]:
    """The UTF-32 or UTF-16 codec of ``data``, if any, and the length of its byte-order mark."""
    for mark, codec in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return codec, len(mark)
    return _utf16_without_bom(data[:SNIFF_BYTES]), 0


def _utf16_without_bom(sample: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` for UTF-16 text without a byte-order mark, else ``None``.

    In UTF-16, every Latin character has a NUL high byte, and in Cyrillic text every space, digit
    and punctuation mark does; so NULs fall at one parity only (odd offsets little-endian, even
    big-endian), and the high bytes take one or two values (00, 04). Binary data can look like that,
    so the decoded start must also read as text, and a few bytes are too little to tell.
    """
    if len(sample) < MIN_UTF16_BYTES:
        return None
    sample = sample[: len(sample) // 2 * 2]
    for codec, high, low in (("utf-16-le", sample[1::2], sample[0::2]), ("utf-16-be", sample[0::2], sample[1::2])):
        if (
            high.count(0) > 20 * low.count(0)
            and sum(count for _, count in Counter(high).most_common(2)) >= 0.9 * len(high)
            and _reads_as_text(sample.decode(codec, "replace"))
        ):
            return codec
    return None


def _reads_as_text(text: str) -> bool:
    """Printable, and mostly letters once white space is set aside."""
    visible = [char for char in text if not char.isspace()]
    printable = sum(char.isprintable() for char in visible)
    letters = sum(char.isalpha() for char in visible)
    return bool(visible) and printable >= 0.95 * len(visible) and letters >= 0.5 * len(visible)


def decode_bytes(data: bytes) -> Decoded:
    """Decode 8-bit text: UTF-8 when it is, else by charset detection; NUL bytes are dropped."""
    data, repairs = _strip_nul(data)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return Decoded(data.decode("utf-8"), "utf-8", tuple(repairs))
    except UnicodeDecodeError:
        pass
    lenient = _decode_replacing(data, "utf-8")
    from charset_normalizer import from_bytes  # 60 ms to import; most input is UTF-8

    best = None if _damaged_utf8(lenient.text, data) else from_bytes(data).best()
    if best is None or best.encoding in ("utf_8", "utf-8"):
        return replace(lenient, repairs=tuple(repairs) + lenient.repairs)
    return Decoded(str(best), best.encoding, tuple(repairs))


def _damaged_utf8(lenient: str, data: bytes) -> bool:
    """UTF-8 with a few bad bytes, rather than a legacy encoding.

    Valid multi-byte sequences outnumbering the broken ones mean UTF-8; so does text that is all
    ASCII but for a handful of bytes, where charset guessing has too little to go on.
    """
    broken = len(re.findall("\ufffd+", lenient))
    decoded_non_ascii = sum(1 for ch in lenient if ord(ch) > 127 and ch != "\ufffd")
    non_ascii_bytes = sum(1 for byte in data if byte > 127)
    return decoded_non_ascii > broken or non_ascii_bytes <= max(4, len(data) // 200)


# ---- HTML (issue 13): the charset a page is declared in, before detection ----------------------


def decode_html(data: bytes, charset: str | None = None, name: str | None = None) -> Decoded | None:
    """An HTML page decoded in its declared charset, or ``None`` (not HTML, no usable declaration:
    ``decode_bytes`` detects the encoding then).

    The declarations are tried in the order browsers trust them: a byte-order mark (left to
    ``decode_bytes``), ``charset`` from the HTTP header, then the page's ``<meta charset>`` or
    ``http-equiv``. One is passed over when the bytes contradict it: a page declared UTF-8 that is
    not valid UTF-8, a page declared in an 8-bit charset that is valid UTF-8 with non-ASCII text,
    and a page declared Latin (``ISO-8859-1``, a common server default) that reads as Cyrillic
    mojibake. Bytes the declared charset does not define are replaced and logged, as for UTF-8.
    A page over ``html.MAX_HTML_BYTES`` is skipped here, before any decoding.
    """
    if b"<" not in data:
        return None  # no tag, no HTML: spares plain text the extractor's import
    from . import html

    if not html.sniff_html(data, name):
        return None
    if len(data) > html.MAX_HTML_BYTES:
        raise SkippedInput(name or "input", f"HTML page larger than {_size(html.MAX_HTML_BYTES)}")
    if data.startswith(codecs.BOM_UTF8):
        return None
    data, nuls = _strip_nul(data)
    for codec in dict.fromkeys(filter(None, (html.codec_name(charset), html.declared_charset(data)))):
        if codec == "utf-8":
            try:
                return Decoded(data.decode("utf-8"), "utf-8", tuple(nuls))
            except UnicodeDecodeError:
                continue
        if not data.isascii() and _valid_utf8(data):
            continue
        decoded = _decode_replacing(data, codec)
        if codec in html.LATIN_DECLARATIONS and html.looks_like_cyrillic_mojibake(decoded.text):
            continue
        return Decoded(decoded.text, codec, tuple(nuls) + decoded.repairs)
    return None


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _escape_undecodable(error: UnicodeDecodeError) -> tuple[str, int]:
    """Codec error handler: ``surrogateescape`` for every byte, not only those above 127 (UTF-16
    and UTF-32 can fail on any byte). Each becomes the lone surrogate U+DC00 + byte, which no
    valid decoding yields, so the bytes can be found and logged afterwards."""
    return error.object[error.start : error.end].decode("latin-1").translate(TO_SURROGATE), error.end


TO_SURROGATE = {byte: 0xDC00 + byte for byte in range(256)}
BYTE_ESCAPES = [f"\\x{byte:02x}" for byte in range(256)]
# Registered for decoding only, so the handler is only ever given a UnicodeDecodeError.
codecs.register_error("align-escape", _escape_undecodable)  # type: ignore[arg-type]


def _decode_replacing(data: bytes, codec: str) -> Decoded:
    """``data`` decoded with each undecodable stretch replaced as ``errors="replace"`` replaces it,
    and logged (``invalid-utf8-replaced``, ``invalid-utf16-replaced`` …) with the bytes it held;
    offsets index the text."""
    from .records import Removal

    escaped = data.decode(codec, "surrogateescape" if codec == "utf-8" else "align-escape")
    reason = f"invalid-{codec[:6].replace('-', '')}-replaced"
    repairs: list[Removal] = []
    shift = 0  # how much longer the text is than ``escaped``, so far

    def replace_run(match: re.Match[str]) -> str:
        nonlocal shift
        replacement, shown = _replacement(match.group(), codec)
        start = match.start() + shift
        repairs.append(Removal(start, start + len(replacement), reason, shown))
        shift += len(replacement) - len(match.group())
        return replacement

    return Decoded(ESCAPED_BYTES.sub(replace_run, escaped), codec, tuple(repairs))


@functools.lru_cache(maxsize=4096)
def _replacement(escaped: str, codec: str) -> tuple[str, str]:
    """What ``errors="replace"`` puts for an undecodable run, and its bytes as ``\\xNN``; cached,
    since damaged files repeat the same few runs many times."""
    bad = escaped.encode("utf-16-le", "surrogatepass")[::2]  # U+DCxx → byte xx
    return bad.decode(codec, "replace"), "".join(map(BYTE_ESCAPES.__getitem__, bad))


def _strip_nul(data: AnyStr) -> tuple[AnyStr, list[Removal]]:
    """``data`` without NULs, and each run of them as a removal (``\\x00 ×3``)."""
    from .records import Removal

    runs = NUL_RUNS[type(data)]
    removals = [
        Removal(match.start(), match.end(), "nul-bytes-removed", f"\\x00 ×{match.end() - match.start()}")
        for match in runs.finditer(data)
    ]
    return runs.sub(data[:0], data), removals


# ----------------------------------------------------------------------------------------- files


def split_header(text: str) -> tuple[dict[str, str], int]:
    """Parse a leading ``key: value`` block ended by a blank line; return it and the body offset.

    A block only counts when it has at least two such lines and a blank line after them, so prose
    that happens to start with ``Note: ...`` stays prose.
    """
    metadata: dict[str, str] = {}
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if not stripped:
            if len(metadata) >= MIN_HEADER_LINES:
                return metadata, offset + len(line)
            return {}, 0
        match = HEADER_LINE.match(stripped)
        if not match:
            return {}, 0
        metadata[match.group(1)] = match.group(2).strip()
        offset += len(line)
    return {}, 0


def read_document(path: Path, source: str | None = None) -> RawDocument:
    """Read one file; raise ``SkippedInput`` for unreadable, empty, binary or oversized files.

    ``source`` (by default ``path``) is recorded as its printable name (``align.names``), so the
    manifest can always be written and no name can forge a line in a log.
    """
    source = source or str(path)
    return document_from_bytes(read_input(path, source), source)


def document_from_bytes(data: bytes, source: str, metadata: dict[str, str] | None = None) -> RawDocument:
    """The document in one input's bytes: decoded, header block parsed; ``SkippedInput`` if none.

    Reading (``read_input``) and decoding are apart so that a build can read files in one process
    and decode them in others, or on other machines, which never see the input folder.

    ``metadata`` is what is known from outside the bytes (a WARC record's ``url``, ``date``,
    ``charset``, ``record_offset``): ``charset`` guides decoding, the rest is recorded and wins
    over what the page says (the page's own values are kept as ``page_url``, ``page_date``). An
    HTML page (``align.html``) becomes its extracted text, with what the extractor dropped in
    ``repairs`` (reason ``html-boilerplate``, offsets in the decoded page).
    """
    import hashlib

    from . import html
    from .records import RawDocument

    given = dict(metadata or {})
    decoded = decode_input(data, source, given.pop("charset", None))
    if not decoded.text.strip():
        raise SkippedInput(source, "empty file")
    if html.looks_like_html(decoded.text, source) or given.get("content_type") in html.HTML_TYPES:
        return _html_document(data, source, decoded, given)
    metadata, body_offset = split_header(decoded.text)
    body = decoded.text[body_offset:]
    if not body.strip():
        raise SkippedInput(source, "no text after the header")
    return RawDocument(
        source=printable_name(source),
        text=body,
        metadata=_merge_metadata(metadata, given),
        encoding=decoded.encoding,
        source_sha256=hashlib.sha256(data).hexdigest(),
        body_offset=body_offset,
        repairs=decoded.repairs,
    )


# ---- HTML (issue 13): the page's extracted text ------------------------------------------------


def _html_document(data: bytes, source: str, decoded: Decoded, given: dict[str, str]) -> RawDocument:
    """An HTML page as a document: its main text (``align.html.extract``), its metadata, and the
    decoding repairs and extractor's removals, both in offsets of the decoded page."""
    import hashlib

    from . import html
    from .records import RawDocument

    try:
        extracted = html.extract(decoded.text, url=given.get("url"), captured=given.get("date"))
    except html.ExtractionFailed as failure:
        raise SkippedInput(source, failure.reason) from None
    if not extracted.text.strip():
        raise SkippedInput(source, "no main text in the HTML page")
    return RawDocument(
        source=printable_name(source),
        text=extracted.text,
        metadata=_merge_metadata(extracted.metadata, given),
        encoding=decoded.encoding,
        source_sha256=hashlib.sha256(data).hexdigest(),
        body_offset=0,
        repairs=decoded.repairs + tuple(extracted.dropped),
    )


def _merge_metadata(page: dict[str, str], given: dict[str, str]) -> dict[str, str]:
    """The document's metadata: ``given`` wins; a page value it replaces is kept as ``page_<key>``."""
    merged = dict(page)
    for key, value in given.items():
        if key in page and page[key] != value:
            merged[f"page_{key}"] = page[key]
        merged[key] = value
    return merged


def read_input(path: Path, source: str) -> bytes:
    """The bytes of a regular file of at most ``MAX_DOCUMENT_BYTES``, or ``SkippedInput``.

    The file is opened without blocking and checked before reading, so a named pipe cannot hang a
    build and a huge file costs one ``stat``; a file that grows meanwhile is read one byte past the
    limit, which ``decode_input`` refuses.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            info = os.fstat(descriptor)
            if not stat.S_ISREG(info.st_mode):
                raise SkippedInput(source, "not a regular file")
            if info.st_size > MAX_DOCUMENT_BYTES:
                raise SkippedInput(source, f"larger than {_size(MAX_DOCUMENT_BYTES)}")
            with open(descriptor, "rb", closefd=False) as handle:
                return handle.read(MAX_DOCUMENT_BYTES + 1)
        finally:
            os.close(descriptor)
    except OSError as error:
        raise SkippedInput(source, f"unreadable ({error.strerror or error})") from None


def list_inputs(folder: Path, exclude: Path | None = None) -> list[Path]:
    """The files of ``folder`` to read, in a stable order (sorted by relative path); see ``walk_inputs``."""
    return [item for _, item in walk_inputs(folder, exclude) if isinstance(item, Path)]


def iter_documents(folder: Path, exclude: Path | None = None) -> Iterator[RawDocument | SkippedInput]:
    """Each input of ``folder`` read, or the reason it was skipped, in stable order."""
    for relative, item in walk_inputs(folder, exclude):
        if isinstance(item, str):
            yield SkippedInput(relative, item)
            continue
        try:
            yield read_document(item, source=relative)
        except SkippedInput as skipped:
            yield skipped


def walk_inputs(folder: Path, exclude: Path | None = None) -> list[tuple[str, Path | str]]:
    """Everything below ``folder`` that may be input, as (relative posix path, the file to read or
    the reason it is not read), sorted by path.

    Left out without a word: hidden files and folders (a build stages its output in a hidden
    ``.<name>.building-*`` folder), READMEs, ``exclude`` (the build's own output), and every corpus
    this tool published (a folder whose ``manifest.json`` names it): a corpus written inside its
    input folder would otherwise be read by the next build, and grow with every build.

    Reported with a reason: folders that cannot be listed; links to folders, which are not followed
    (a loop, or a second copy of files read anyway); and links to files outside ``folder``, since
    the manifest describes that folder and a rebuild from it must see the same bytes.
    """
    from .destination import is_our_corpus

    root = os.path.realpath(folder)
    excluded = os.path.realpath(exclude) if exclude is not None else None
    found: list[tuple[str, Path | str]] = []

    def relative(path: str) -> str:
        return Path(path).relative_to(folder).as_posix()

    def unlisted(error: OSError) -> None:
        found.append((relative(error.filename), f"unreadable folder ({error.strerror or error})"))

    for top, folders, files in os.walk(folder, onerror=unlisted):
        kept = []
        for name in sorted(folders):
            if name.startswith("."):
                continue
            path = os.path.join(top, name)
            if os.path.islink(path):
                found.append((relative(path), "link to a folder (not followed)"))
            elif os.path.realpath(path) != excluded and not is_our_corpus(Path(path)):
                kept.append(name)
        folders[:] = kept
        for name in files:
            if name.startswith(".") or name.lower() == "readme.md":
                continue
            path = os.path.join(top, name)
            if os.path.islink(path) and not os.path.realpath(path).startswith(os.path.join(root, "")):
                found.append((relative(path), "link to outside the input folder"))
            else:
                found.append((relative(path), Path(path)))
    return sorted(found, key=lambda entry: entry[0])
