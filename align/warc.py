"""WARC archives (wget ``--warc-file``, Heritrix, browsertrix, warcio) as a stream of HTML pages.

``iter_records(path, source)`` reads a ``.warc`` or ``.warc.gz`` (WARC/1.0 and 1.1) record by record
with warcio, the library of the Webrecorder project (browsertrix's makers) that the FineWeb
pipeline (datatrove) reads WARCs with too, and yields for each HTTP response either a ``WarcPage``
(its HTML bytes, address, capture date and declared charset) or a ``WarcSkip`` with the reason it
is not one, for the manifest. Records that are not responses (requests, ``warcinfo``, metadata)
are passed over without a word; a crawl has one of each for every page.

Only one record is held at a time, and of it at most ``html.MAX_HTML_BYTES`` + 1 bytes of payload:
an archive of any size streams. An archive is never a reason to stop: a corrupt gzip member, a
record whose ``Content-Length`` does not match its data, or a truncated end costs the records
concerned, each with a reason, and reading goes on at the next record found (the next gzip member
for ``.warc.gz``, the next ``WARC/1.x`` line for ``.warc``). Skipped, each with a reason:

* responses that are not HTML (by ``Content-Type``; without one, by the payload), or not ``200``;
* records the crawler marked truncated (``WARC-Truncated``), records shorter than their
  ``Content-Length``, and records whose ``WARC-Block-Digest``/``WARC-Payload-Digest`` does not match;
* pages over ``html.MAX_HTML_BYTES`` (known from the header, or while reading: never read whole);
* ``revisit`` records and second copies of a payload in the archive (same SHA-1 of the payload
  once its transfer and content encodings are undone).
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import io
import re
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import html
from .names import printable_name

GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_LINE = re.compile(rb"(?:^|\n)(WARC/1\.[01])\r?\n")
WARC_SUFFIXES = (".warc", ".warc.gz")
SCAN_BLOCK = 1 << 20
"""How much of the archive is searched at a time for the next record after a damaged one."""
HEADERS_ALLOWANCE = 64 << 10
"""HTTP headers allowed on top of ``html.MAX_HTML_BYTES`` before a record is too big to read."""
SILENT_TYPES = {"warcinfo", "request", "metadata", "conversion"}


@dataclass(frozen=True)
class WarcPage:
    """An HTML response of an archive: ``source`` is ``archive#offset``, ``data`` the HTTP payload
    (transfer and content encodings undone), ``metadata`` its ``url``, ``date`` (``WARC-Date``),
    ``charset`` (from ``Content-Type``, when declared), ``content_type`` and ``record_offset``."""

    source: str
    data: bytes
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class WarcSkip:
    """A record (``archive#offset``) or a whole archive (``archive``) that gives no page, and why.

    ``damaged`` tells damage (a corrupt, truncated or unreadable record or archive) from what every
    crawl holds (images, redirects, duplicates), e.g. for a ``--strict`` build to fail on only it.
    """

    source: str
    reason: str
    damaged: bool = False


def is_warc(path: Path) -> bool:
    """A ``.warc``/``.warc.gz`` file, or any file whose content starts as a WARC record does."""
    if path.name.lower().endswith(WARC_SUFFIXES):
        return True
    if not path.is_file():  # a FIFO or device: opening it to look would block the build
        return False
    try:
        with open(path, "rb") as stream:
            head = stream.read(512)
    except OSError:
        return False
    return _starts_record(head, head.startswith(GZIP_MAGIC))


def iter_records(path: Path, source: str) -> Iterator[WarcPage | WarcSkip]:
    """Each response record of the archive at ``path``: a page or the reason it is skipped.

    ``source`` is the archive's name in the build (its path relative to the input folder); a
    record's is ``source#offset``, the offset of the record (its gzip member) in the file.
    """
    source = printable_name(source)
    try:
        with open(path, "rb") as stream:
            reader = _ArchiveReader(stream, source)
            try:
                yield from reader.records()
            finally:
                reader.close()
    except OSError as error:  # opening or reading the file itself
        yield WarcSkip(source, f"unreadable ({error.strerror or error})", damaged=True)


class _ArchiveReader:
    """Reads one archive: warcio's iterator, restarted after the next damaged record."""

    def __init__(self, stream, source: str):
        self.stream = stream
        self.source = source
        head = stream.read(SCAN_BLOCK)
        self.compressed = head.startswith(GZIP_MAGIC)
        self.is_warc = _starts_record(head, self.compressed)
        self.whole_gzip = False
        """A ``.warc.gz`` compressed as one gzip stream (``gzip crawl.warc``) rather than one gzip
        member per record: read through ``gzip``, offsets then count uncompressed bytes."""
        self.seen: dict[str, str] = {}
        """Payload digest → the first record that had it."""
        self.reported = -1
        """Offset of the last record reported (nothing is reported twice after a restart)."""

    def close(self) -> None:
        if self.whole_gzip:
            self.stream.close()

    def records(self) -> Iterator[WarcPage | WarcSkip]:
        if not self.is_warc:
            yield WarcSkip(self.source, "not a WARC file (no WARC/1.x record at its start)", damaged=True)
            return
        start: int | None = 0
        while start is not None:
            start = yield from self._from(start)

    def _from(self, start: int) -> Generator[WarcPage | WarcSkip, None, int | None]:
        """Records from ``start`` on, until the end (returns ``None``) or damage (returns where to
        look for the next record, after yielding the reason)."""
        from warcio.archiveiterator import ArchiveIterator

        self.stream.seek(start)
        iterator = ArchiveIterator(self.stream, check_digests=True)
        while True:
            # warcio sets ``offset`` to where a record starts before parsing it, so after ``next``
            # it is the offset of the record returned, or of the one that failed.
            try:
                with _quiet():
                    record = next(iterator)
            except StopIteration:
                return None
            except Exception as error:  # warcio's parse errors, zlib, EOF in headers …
                if "non-chunked gzip" in str(error) and not self.whole_gzip:
                    self.whole_gzip, self.compressed = True, False
                    self.stream = gzip.open(self.stream.name, "rb")  # noqa: SIM115 -- the reader's stream from now on
                    return 0
                yield WarcSkip(self._name(iterator.offset), self._unreadable(iterator.offset, error), damaged=True)
                return self._next_start(iterator.offset)
            offset = iterator.offset
            if offset <= self.reported:
                continue
            self.reported = offset
            try:
                outcome = self._examine(record, offset)
                errors = iterator.err_count
                with _quiet():
                    iterator.read_to_end()
            except Exception as error:
                yield WarcSkip(self._name(offset), self._unreadable(offset, error), damaged=True)
                return self._next_start(offset)
            if iterator.err_count > errors:
                # warcio found data where the record should have ended: its Content-Length is wrong
                # (too short, or too long and it swallowed part of the next record).
                yield WarcSkip(self._name(offset), "Content-Length does not match the record's data", damaged=True)
                return self._next_start(offset)
            if outcome is not None:
                yield outcome

    def _unreadable(self, offset: int, error: Exception) -> str:
        """Why the record at ``offset`` could not be read: a corrupt gzip member, or the error."""
        if self.compressed and (damage := _member_damage(self.stream, offset)):
            return f"corrupt gzip member ({damage})"
        return f"unreadable record ({_describe(error)})"

    def _name(self, offset: int) -> str:
        return f"{self.source}#{offset}"

    def _examine(self, record, offset: int) -> WarcPage | WarcSkip | None:
        """The page in one record, the reason it is none, or ``None`` for records not reported."""
        kind = record.rec_type
        name = self._name(offset)
        if kind == "revisit":
            return WarcSkip(name, "revisit record (the crawler stored the page earlier)")
        if kind != "response":
            return (
                None
                if kind in SILENT_TYPES or kind is None
                else WarcSkip(name, f"{_shown(kind)} record, not a response")
            )
        headers = record.rec_headers
        if truncated := headers.get_header("WARC-Truncated"):
            return WarcSkip(name, f"truncated by the crawler (WARC-Truncated: {_shown(truncated)})")
        if headers.get_header("WARC-Segment-Number"):
            return WarcSkip(name, "segmented record (continuations are not supported)")
        http = record.http_headers
        if http is None:
            return WarcSkip(name, "response without HTTP headers")
        status = http.get_statuscode() or "?"
        if status != "200":
            return WarcSkip(name, f"HTTP status {_shown(status)}")
        content_type = http.get_header("Content-Type") or ""
        media = content_type.split(";")[0].strip().lower()
        if media and media not in html.HTML_TYPES:
            return WarcSkip(name, f"not HTML ({_shown(media)})")
        if record.length is not None and record.length > html.MAX_HTML_BYTES + HEADERS_ALLOWANCE:
            return WarcSkip(name, f"HTML page larger than {html.MAX_HTML_BYTES >> 20} MiB")
        try:
            data = _body(record, html.MAX_HTML_BYTES + 1)
        except Exception as error:  # a broken chunked or gzip/brotli body
            return WarcSkip(name, f"undecodable HTTP body ({_describe(error)})", damaged=True)
        if len(data) > html.MAX_HTML_BYTES:
            return WarcSkip(name, f"HTML page larger than {html.MAX_HTML_BYTES >> 20} MiB")
        _drain(record.raw_stream)
        if getattr(record.raw_stream, "limit", 0) > 0:
            return WarcSkip(
                name, "record shorter than its Content-Length (truncated archive or wrong length)", damaged=True
            )
        checker = record.digest_checker
        if checker is not None and checker.passed is False:
            problem = (checker.problems or ["digest mismatch"])[0]
            return WarcSkip(name, f"damaged record ({_shown(problem, 100)})", damaged=True)
        if not media and not html.sniff_html(data):
            return WarcSkip(name, "not HTML (no Content-Type, and the payload is not HTML)")
        # The digest of the payload as served, transfer and content encodings undone: the header's
        # WARC-Payload-Digest is over the bytes as stored, so gzip and plain copies would differ.
        digest = base64.b32encode(hashlib.sha1(data).digest()).decode()
        if (first := self.seen.get(digest)) is not None:
            return WarcSkip(name, f"duplicate of {first} (same payload digest)")
        self.seen[digest] = name
        metadata = {"url": headers.get_header("WARC-Target-URI") or "", "date": headers.get_header("WARC-Date") or ""}
        if charset := html.charset_from_content_type(content_type):
            metadata["charset"] = charset
        metadata["content_type"] = media or "text/html"
        metadata["record_offset"] = str(offset)
        return WarcPage(name, data, {key: value for key, value in metadata.items() if value})

    def _next_start(self, after: int) -> int | None:
        """Where the next record may begin after the damaged one at ``after``: the next gzip
        member that unpacks to a ``WARC/1.x`` line, or the next such line in an uncompressed
        archive; ``None`` at the end of the file."""
        position = after + 1
        pattern = GZIP_MAGIC if self.compressed else WARC_LINE
        while True:
            self.stream.seek(position)
            block = self.stream.read(SCAN_BLOCK)
            if not block:
                return None
            for match in re.finditer(re.escape(pattern) if isinstance(pattern, bytes) else pattern, block):
                found = match.start() if self.compressed else match.start(1)
                if not self.compressed:
                    return position + found
                self.stream.seek(position + found)
                if _starts_record(self.stream.read(HEADERS_ALLOWANCE), True):
                    return position + found
            if len(block) < SCAN_BLOCK:
                return None
            position += len(block) - 16


def _starts_record(head: bytes, compressed: bool) -> bool:
    """Whether ``head`` (a gzip member's start, if ``compressed``) begins a WARC record."""
    if compressed:
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 16)
        except zlib.error:
            return False
    return head.startswith(b"WARC/1.")


def _member_damage(stream, offset: int) -> str | None:
    """What is wrong with the gzip member at ``offset`` (zlib's message), or ``None`` if it unpacks."""
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    stream.seek(offset)
    try:
        while not decompressor.eof:
            block = stream.read(SCAN_BLOCK)
            if not block:
                return "ends before its end of stream"
            while block and not decompressor.eof:
                decompressor.decompress(block, SCAN_BLOCK)  # output thrown away: only errors matter
                block = decompressor.unconsumed_tail
    except zlib.error as error:
        return str(error)
    return None


def _body(record, limit: int) -> bytes:
    """Up to ``limit`` bytes of the HTTP body, transfer and content encodings undone.

    warcio undoes chunking, gzip and deflate; its brotli hook does not work with brotli ≥ 1.2
    (it sets an attribute the decompressor no longer has), so ``br`` is undone here, in bounded
    steps, as a browser-driven crawl (browsertrix) stores many bodies.
    """
    http = record.http_headers
    if (http.get_header("Content-Encoding") or "").strip().lower() != "br":
        return record.content_stream().read(limit)
    import brotli
    from warcio.bufferedreaders import ChunkedDataReader

    stream = record.raw_stream
    if (http.get_header("Transfer-Encoding") or "").strip().lower() == "chunked":
        stream = ChunkedDataReader(stream)
    decompressor = brotli.Decompressor()
    pieces: list[bytes] = []
    size = 0
    while size < limit and not decompressor.is_finished():
        block = b""
        if decompressor.can_accept_more_data():
            block = stream.read(1 << 16)
            if not block:
                break
        piece = decompressor.process(block, output_buffer_limit=limit - size)
        if not piece and not block:
            break  # no input taken and nothing out: a stream that cannot go on
        pieces.append(piece)
        size += len(piece)
    return b"".join(pieces)


def _drain(stream) -> None:
    while stream.read(1 << 16):
        pass


def _shown(text: str, limit: int = 60) -> str:
    """Text from the archive as a reason may hold it: one line, printable, short."""
    text = printable_name(" ".join(str(text).split()))
    return text if len(text) <= limit else text[:limit] + "…"


def _describe(error: BaseException) -> str:
    """The error's type and message, printable ASCII only (warcio quotes the bytes it choked on)."""
    text = " ".join("".join(char if " " <= char <= "~" else " " for char in str(error)).split())[:100]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """warcio writes its warnings to stderr; they become reasons here instead."""
    with contextlib.redirect_stderr(io.StringIO()):
        yield
