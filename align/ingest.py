"""Reading input files into ``RawDocument`` records: encoding, header block, provenance.

A crawl holds files of every kind, so reading never raises on content: a file that cannot be a text
document raises ``SkippedInput`` with a reason the manifest records, and everything else is decoded,
with every byte-level repair listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from .errors import AlignError
from .records import RawDocument, Removal

HEADER_LINE = re.compile(r"^([a-z][a-z0-9_]*):[ \t]*(.*)$")
MIN_HEADER_LINES = 2
BINARY_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x7fELF")


class SkippedInput(AlignError):
    """A file that is not a text document; ``reason`` is one short phrase for the manifest."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    repairs: tuple[Removal, ...]


def looks_binary(data: bytes) -> bool:
    """Magic numbers of common binary formats, or many control bytes near the start."""
    if data.startswith(BINARY_SIGNATURES):
        return True
    head = data[:8192]
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return controls > len(head) * 0.3


def decode_bytes(data: bytes) -> Decoded:
    """Decode ``data`` as UTF-8 when it is, else by charset detection; NUL bytes are dropped."""
    repairs: list[Removal] = []
    if b"\x00" in data:
        data, repairs = _strip_nul(data)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return Decoded(data.decode("utf-8"), "utf-8", tuple(repairs))
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8", errors="replace")
    if _damaged_utf8(lenient, data):
        best = None
    else:
        best = from_bytes(data).best()
    if best is None or best.encoding in ("utf_8", "utf-8"):
        text = lenient
        repairs.extend(
            Removal(match.start(), match.end(), "invalid-utf8-replaced")
            for match in re.finditer("\ufffd+", text)
        )
        return Decoded(text, "utf-8", tuple(repairs))
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


def _strip_nul(data: bytes) -> tuple[bytes, list[Removal]]:
    # These offsets count bytes of the file as read, not characters of the decoded text: the
    # removal happened before decoding. The log's reader needs the reason and where, roughly.
    removals = [
        Removal(match.start(), match.end(), "nul-bytes-removed")
        for match in re.finditer(rb"\x00+", data)
    ]
    return data.replace(b"\x00", b""), removals


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


MAX_DOCUMENT_BYTES = 64 << 20
BLOCK = 1 << 20


@dataclass(frozen=True)
class Scan:
    """What one streaming pass over a file learns without holding it in memory."""

    sha256: str
    size: int
    head: bytes
    valid_utf8: bool
    has_nul: bool
    blank: bool


def scan(path: Path) -> Scan:
    import codecs
    import hashlib

    digest, size, head = hashlib.sha256(), 0, b""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    valid, has_nul, blank = True, False, True
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(BLOCK), b""):
            digest.update(block)
            head = head or block
            size += len(block)
            has_nul = has_nul or b"\x00" in block
            blank = blank and not block.strip()
            if valid:
                try:
                    decoder.decode(block.replace(b"\x00", b""))
                except UnicodeDecodeError:
                    valid = False
    if valid:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            valid = False
    return Scan(digest.hexdigest(), size, head, valid, has_nul, blank)


def read_document(path: Path, source: str | None = None) -> RawDocument:
    """Read one file; raise ``SkippedInput`` for unreadable, empty, binary or oversized files.

    A first streaming pass hashes the file and checks it (UTF-8 validity, NUL bytes, blankness)
    block by block; only a file that will become a document is then decoded, so a large binary
    or oversized file is never held in memory.
    """
    source = source or str(path)
    try:
        if path.stat().st_size > MAX_DOCUMENT_BYTES:
            raise SkippedInput(source, f"larger than {MAX_DOCUMENT_BYTES >> 20} MiB")
        found = scan(path)
        if found.blank:
            raise SkippedInput(source, "empty file")
        if looks_binary(found.head):
            raise SkippedInput(source, "binary file")
        if found.valid_utf8 and not found.has_nul:
            decoded = Decoded(_read_utf8(path), "utf-8", ())
        else:
            decoded = decode_bytes(path.read_bytes())
    except OSError as error:
        raise SkippedInput(source, f"unreadable ({error.strerror or error})") from None
    data_sha256 = found.sha256
    metadata, body_offset = split_header(decoded.text)
    body = decoded.text[body_offset:]
    if not body.strip():
        raise SkippedInput(source, "no text after the header")
    return RawDocument(
        source=source,
        text=body,
        metadata=metadata,
        encoding=decoded.encoding,
        source_sha256=data_sha256,
        body_offset=body_offset,
        repairs=decoded.repairs,
    )


def _read_utf8(path: Path) -> str:
    """Valid UTF-8 decoded in blocks (a leading byte-order mark dropped)."""
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        return "".join(iter(lambda: handle.read(BLOCK), ""))


def list_inputs(folder: Path) -> list[Path]:
    """Input files of a folder in a stable order (sorted by relative path); READMEs are not input."""
    files = [
        path
        for path in folder.rglob("*")
        if path.is_file() and path.name.lower() != "readme.md" and not path.name.startswith(".")
    ]
    return sorted(files, key=lambda path: path.relative_to(folder).as_posix())


def iter_documents(folder: Path) -> Iterator[RawDocument | SkippedInput]:
    """Each input of ``folder`` read, or the reason it was skipped, in stable order."""
    for path in list_inputs(folder):
        relative = path.relative_to(folder).as_posix()
        try:
            yield read_document(path, source=relative)
        except SkippedInput as skipped:
            yield skipped
