"""WARC archives: pages out of response records, the rest skipped with a reason, damage survived.

Every archive here is built by the test itself with warcio's writer (as wget ``--warc-file`` and
browsertrix write them: one gzip member per record, WARC/1.0 or 1.1) from the fixture pages.
"""

from __future__ import annotations

import gzip
import io
import random
import re
import time
import tracemalloc
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from align import html
from align.ingest import SkippedInput, document_from_bytes
from align.normalise import normalise
from align.pairing import url_key
from align.warc import WarcPage, WarcSkip, is_warc, iter_records

PAGES = Path(__file__).parent / "fixtures" / "pages"
EN_URL = "https://minsever.example/en/news/1/"
RU_URL = "https://minsever.example/news/1/"
CAPTURED = "2024-03-15T08:00:00Z"


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


# ------------------------------------------------------------------------------------- building


def response_record(
    writer: WARCWriter,
    url: str,
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    status: str = "200 OK",
    date: str = CAPTURED,
    headers: dict | None = None,
):
    http = StatusAndHeaders(
        status, [("Content-Type", content_type), ("Content-Length", str(len(body)))], protocol="HTTP/1.1"
    )
    return writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": date, **(headers or {})},
    )


def request_record(writer: WARCWriter, url: str):
    path = re.sub(r"^https?://[^/]+", "", url) or "/"
    http = StatusAndHeaders(
        f"GET {path} HTTP/1.1", [("Host", "minsever.example"), ("User-Agent", "Wget/1.21.4")], is_http_request=True
    )
    return writer.create_warc_record(
        url, "request", payload=io.BytesIO(b""), http_headers=http, warc_headers_dict={"WARC-Date": CAPTURED}
    )


def write_archive(
    path: Path, entries: list[tuple], *, compress: bool = True, version: str = "1.1", wget: bool = False
) -> list[int]:
    """An archive of ``entries`` (url, body, options for ``response_record``) after a warcinfo
    record; with ``wget``, each response follows its request and a metadata record closes the
    file, as ``wget --warc-file`` writes. Returns the offset of every response record."""
    offsets = []
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=compress, warc_version=version)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "Wget/1.21.4" if wget else "warcio"}))
        for url, body, *options in entries:
            if wget:
                writer.write_record(request_record(writer, url))
            offsets.append(out.tell())
            writer.write_record(response_record(writer, url, body, **(options[0] if options else {})))
        if wget:
            log = writer.create_warc_record(
                "metadata://gnu.org/software/wget/warc/wget.log",
                "metadata",
                payload=io.BytesIO(b"wget log"),
                warc_content_type="text/plain",
            )
            writer.write_record(log)
    return offsets


def record_bytes(url: str, body: bytes, **options) -> bytes:
    """One uncompressed response record, to be damaged and packed by ``pack``."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    writer.write_record(response_record(writer, url, body, **options))
    return buffer.getvalue()


def pack(path: Path, records: list[bytes], compress: bool = True) -> list[int]:
    """Records into an archive, each its own gzip member (fast level: big test records)."""
    offsets = []
    with open(path, "wb") as out:
        for record in records:
            offsets.append(out.tell())
            out.write(gzip.compress(record, compresslevel=1, mtime=0) if compress else record)
    return offsets


def with_content_length(record: bytes, change: int) -> bytes:
    """The record with its WARC ``Content-Length`` off by ``change`` (the data unchanged)."""
    head, blank, rest = record.partition(b"\r\n\r\n")
    match = re.search(rb"Content-Length: (\d+)", head)
    length = str(int(match.group(1)) + change).encode()
    return head[: match.start(1)] + length + head[match.end(1) :] + blank + rest


FOUR = [
    (EN_URL, "minsever_en_news_1.html"),
    (RU_URL, "minsever_ru_news_1.html"),
    ("https://fish.gov.example/en/press/news/2023/11/salmon-rules", "fisheries_en_release.html"),
    ("http://sever-rayon.example/news/116.html", "legacy_ru_cp1251.html"),
]


def four_records() -> list[bytes]:
    return [record_bytes(url, page(name), content_type="text/html") for url, name in FOUR]


def outcomes(path: Path) -> list[tuple[str, str, str | None]]:
    return [(type(item).__name__, item.source, getattr(item, "reason", None)) for item in iter_records(path, path.name)]


def damaged(path: Path) -> list[str]:
    return [item.source for item in iter_records(path, path.name) if isinstance(item, WarcSkip) and item.damaged]


def sources(path: Path) -> list[str]:
    return [item.source for item in iter_records(path, path.name) if isinstance(item, WarcPage)]


# ----------------------------------------------------------------------------------- good archives


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> tuple[Path, list[int]]:
    path = tmp_path_factory.mktemp("warc") / "crawl.warc.gz"
    offsets = write_archive(
        path,
        [
            (EN_URL, page("minsever_en_news_1.html")),
            (RU_URL, page("minsever_ru_news_1.html")),
            (
                "http://sever-rayon.example/news/116.html",
                page("legacy_ru_cp1251.html"),
                {"content_type": "text/html; charset=windows-1251"},
            ),
            (
                "https://minsever.example/static/img/emblem.svg",
                b"<svg xmlns='http://www.w3.org/2000/svg'/>",
                {"content_type": "image/svg+xml"},
            ),
            (
                "https://minsever.example/en/old/",
                b"<html><body>Moved</body></html>",
                {"status": "301 Moved Permanently"},
            ),
            (
                "https://minsever.example/en/missing/",
                b"<html><body>Not found</body></html>",
                {"status": "404 Not Found"},
            ),
            ("https://minsever.example/en/news/1/?from=rss", page("minsever_en_news_1.html")),
            (
                "https://minsever.example/en/news/2/",
                page("minsever_en_news_1.html")[:2000],
                {"headers": {"WARC-Truncated": "length"}},
            ),
        ],
    )
    return path, offsets


def test_pages_and_reasons(crawl):
    path, offsets = crawl
    found = outcomes(path)
    name = path.name
    assert found == [
        ("WarcPage", f"{name}#{offsets[0]}", None),
        ("WarcPage", f"{name}#{offsets[1]}", None),
        ("WarcPage", f"{name}#{offsets[2]}", None),
        ("WarcSkip", f"{name}#{offsets[3]}", "not HTML (image/svg+xml)"),
        ("WarcSkip", f"{name}#{offsets[4]}", "HTTP status 301"),
        ("WarcSkip", f"{name}#{offsets[5]}", "HTTP status 404"),
        ("WarcSkip", f"{name}#{offsets[6]}", f"duplicate of {name}#{offsets[0]} (same payload digest)"),
        ("WarcSkip", f"{name}#{offsets[7]}", "truncated by the crawler (WARC-Truncated: length)"),
    ]
    assert not any(item.damaged for item in iter_records(path, name) if isinstance(item, WarcSkip))


def test_page_metadata(crawl):
    path, offsets = crawl
    first = next(iter_records(path, "crawl.warc.gz"))
    assert first.data == page("minsever_en_news_1.html")
    assert first.metadata == {
        "url": EN_URL,
        "date": CAPTURED,
        "charset": "utf-8",
        "content_type": "text/html",
        "record_offset": str(offsets[0]),
    }


def test_english_and_russian_pages_become_a_url_pair(crawl):
    path, _ = crawl
    pages = [item for item in iter_records(path, "crawl.warc.gz") if isinstance(item, WarcPage)]
    documents = [normalise(document_from_bytes(item.data, item.source, item.metadata)) for item in pages[:2]]
    english, russian = documents
    assert (english.lang, russian.lang) == ("en", "ru")
    assert (english.url, russian.url) == (EN_URL, RU_URL)
    assert url_key(english.url) == url_key(russian.url) == "minsever.example/news/1"
    assert english.date == russian.date == CAPTURED
    assert english.title == "Government backs Arctic ports modernisation programme"
    assert russian.title == "Правительство поддержало программу модернизации арктических портов"
    assert english.source.startswith("crawl.warc.gz#") and english.source != russian.source
    for document in documents:
        assert "cookie" not in document.text.lower() and "Telegram" not in document.text


def test_charset_from_the_http_header(crawl):
    path, _ = crawl
    legacy = [item for item in iter_records(path, "crawl.warc.gz") if isinstance(item, WarcPage)][2]
    assert legacy.metadata["charset"] == "cp1251"
    raw = document_from_bytes(legacy.data, legacy.source, legacy.metadata)
    assert raw.encoding == "cp1251"
    assert "отопительного сезона" in raw.text and raw.metadata["url"] == "http://sever-rayon.example/news/116.html"


@pytest.mark.parametrize("compress", [True, False], ids=["warc.gz", "warc"])
def test_wget_style_warc_1_0(tmp_path, compress):
    path = tmp_path / ("site.warc.gz" if compress else "site.warc")
    offsets = write_archive(
        path,
        [(url, page(name), {"content_type": "text/html"}) for url, name in FOUR],
        compress=compress,
        version="1.0",
        wget=True,
    )
    assert path.read_bytes()[:10] == b"WARC/1.0\r\n" or compress
    assert outcomes(path) == [("WarcPage", f"{path.name}#{offset}", None) for offset in offsets]
    assert is_warc(path)


def encoded_response(writer: WARCWriter, body: bytes, headers: list[tuple[str, str]]):
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"), *headers], protocol="HTTP/1.1")
    return writer.create_warc_record(EN_URL, "response", payload=io.BytesIO(body), http_headers=http)


def test_http_content_and_transfer_encodings_are_undone(tmp_path):
    """Crawlers store the body as the server sent it: gzip or brotli, chunked."""
    brotli = pytest.importorskip("brotli")

    html_page = page("minsever_en_news_1.html")
    chunked = (
        b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (html_page[:1000], html_page[1000:])) + b"0\r\n\r\n"
    )
    bodies = [
        (gzip.compress(html_page, mtime=0), [("Content-Encoding", "gzip")]),
        (brotli.compress(html_page), [("Content-Encoding", "br")]),
        (chunked, [("Transfer-Encoding", "chunked")]),
    ]
    path = tmp_path / "encoded.warc.gz"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for body, headers in bodies:
            writer.write_record(encoded_response(writer, body, headers))
    items = list(iter_records(path, path.name))
    assert isinstance(items[0], WarcPage) and items[0].data == html_page
    assert [item.reason for item in items[1:]] == [f"duplicate of {items[0].source} (same payload digest)"] * 2


def test_revisit_records_are_skipped(tmp_path):
    path = tmp_path / "revisit.warc.gz"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(response_record(writer, EN_URL, page("minsever_en_news_1.html")))
        offset = out.tell()
        revisit = writer.create_revisit_record(EN_URL, "sha1:AAAA", EN_URL, CAPTURED)
        writer.write_record(revisit)
    assert outcomes(path)[1] == (
        "WarcSkip",
        f"{path.name}#{offset}",
        "revisit record (the crawler stored the page earlier)",
    )


def test_is_warc(tmp_path):
    named = tmp_path / "x.warc.gz"
    named.write_bytes(b"")
    unnamed = tmp_path / "capture.bin"
    write_archive(unnamed, [(EN_URL, page("minsever_en_news_1.html"))])
    text = tmp_path / "page.html"
    text.write_bytes(page("minsever_en_news_1.html"))
    assert is_warc(named) and is_warc(unnamed) and not is_warc(text)


# ------------------------------------------------------------------------------------ bad archives


@pytest.mark.parametrize("compress", [True, False], ids=["warc.gz", "warc"])
def test_corrupt_data_costs_one_record(tmp_path, compress):
    path = tmp_path / ("corrupt.warc.gz" if compress else "corrupt.warc")
    offsets = pack(path, four_records(), compress)
    data = bytearray(path.read_bytes())
    middle = (offsets[1] + offsets[2]) // 2
    for index in range(middle, middle + 40):
        data[index] ^= 0x5A
    path.write_bytes(bytes(data))
    found = outcomes(path)
    assert [source for kind, source, _ in found if kind == "WarcPage"] == [
        f"{path.name}#{offsets[i]}" for i in (0, 2, 3)
    ]
    skipped = [(source, reason) for kind, source, reason in found if kind == "WarcSkip"]
    assert len(skipped) == 1 and skipped[0][0] == f"{path.name}#{offsets[1]}"
    expected = "corrupt gzip member" if compress else "damaged record (block digest failed"
    assert skipped[0][1].startswith(expected)
    assert damaged(path) == [f"{path.name}#{offsets[1]}"]


@pytest.mark.parametrize("compress", [True, False], ids=["warc.gz", "warc"])
@pytest.mark.parametrize("change", [-300, -2, 2, 300])
def test_lying_content_length_costs_one_record(tmp_path, compress, change):
    path = tmp_path / ("lying.warc.gz" if compress else "lying.warc")
    records = four_records()
    records[1] = with_content_length(records[1], change)
    offsets = pack(path, records, compress)
    found = outcomes(path)
    assert [source for kind, source, _ in found if kind == "WarcPage"] == [
        f"{path.name}#{offsets[i]}" for i in (0, 2, 3)
    ]
    skipped = [(source, reason) for kind, source, reason in found if kind == "WarcSkip"]
    assert len(skipped) == 1 and skipped[0][0] == f"{path.name}#{offsets[1]}"
    assert re.match(
        r"Content-Length does not match|record shorter than its Content-Length|damaged record \(block digest",
        skipped[0][1],
    )
    assert damaged(path) == [f"{path.name}#{offsets[1]}"]


@pytest.mark.parametrize("compress", [True, False], ids=["warc.gz", "warc"])
def test_truncated_archive(tmp_path, compress):
    path = tmp_path / ("cut.warc.gz" if compress else "cut.warc")
    offsets = pack(path, four_records(), compress)
    path.write_bytes(path.read_bytes()[:-1500])
    found = outcomes(path)
    assert [kind for kind, _, _ in found] == ["WarcPage"] * 3 + ["WarcSkip"]
    assert found[3][1] == f"{path.name}#{offsets[3]}"
    assert found[3][2] in ("record shorter than its Content-Length (truncated archive or wrong length)",) or found[3][
        2
    ].startswith("corrupt gzip member")


def test_large_page_is_skipped_while_streaming(tmp_path):
    """A 50 MB page (under the 64 MiB file limit, over the 8 MiB HTML limit) is skipped without
    being held in memory, and the page after it is read."""
    rng = random.Random(13)
    words = "region port budget minister programme north housing river forest".split()
    chunk = ("<p>" + " ".join(rng.choice(words) for _ in range(180_000)) + ".</p>\n").encode()
    big = b"<html><body>" + chunk * (50_000_000 // len(chunk) + 1) + b"</body></html>"
    path = tmp_path / "big.warc.gz"
    offsets = pack(
        path,
        [record_bytes("https://minsever.example/huge/", big), record_bytes(EN_URL, page("minsever_en_news_1.html"))],
    )
    del big, chunk
    tracemalloc.start()
    try:
        found = outcomes(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found == [
        ("WarcSkip", f"{path.name}#{offsets[0]}", "HTML page larger than 8 MiB"),
        ("WarcPage", f"{path.name}#{offsets[1]}", None),
    ]
    assert peak < 20 << 20


def test_page_that_grows_past_the_limit_when_decoded(tmp_path):
    """A small record whose gzip-encoded HTTP body unpacks to more than the HTML limit."""
    body = gzip.compress(b"<html><body>" + b"<p>x</p>" * (9 << 20 >> 3) + b"</body></html>", mtime=0)
    path = tmp_path / "bomb-body.warc.gz"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        http = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")], protocol="HTTP/1.1"
        )
        writer.write_record(writer.create_warc_record(EN_URL, "response", payload=io.BytesIO(body), http_headers=http))
    assert outcomes(path) == [("WarcSkip", f"{path.name}#0", "HTML page larger than 8 MiB")]


def test_html_bomb_in_an_archive(tmp_path):
    depth = 100_000
    bomb = ("<html><body>" + "<div>" * depth + "<p>Deep.</p>" + "</div>" * depth + "</body></html>").encode()
    path = tmp_path / "bomb.warc.gz"
    write_archive(path, [("https://minsever.example/bomb/", bomb), (EN_URL, page("minsever_en_news_1.html"))])
    started = time.monotonic()
    results = []
    for item in iter_records(path, path.name):
        try:
            results.append(normalise(document_from_bytes(item.data, item.source, item.metadata)).url)
        except SkippedInput as skipped:
            results.append(skipped.reason)
    assert results == ["HTML nested deeper than 250 elements", EN_URL]
    assert time.monotonic() - started < 10


def test_not_a_warc(tmp_path):
    for name, data in (
        ("notes.warc.gz", gzip.compress(b"just some text\n" * 100)),
        ("empty.warc", b""),
        ("page.warc", page("minsever_en_news_1.html")),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        assert outcomes(path) == [("WarcSkip", name, "not a WARC file (no WARC/1.x record at its start)")]


def test_unreadable_archive(tmp_path):
    assert outcomes(tmp_path / "absent.warc.gz")[0][2].startswith("unreadable")


def test_archive_gzipped_whole(tmp_path):
    """``gzip crawl.warc`` (one gzip stream, not a member per record) is read too; offsets then
    count uncompressed bytes."""
    plain = tmp_path / "crawl.warc"
    offsets = pack(plain, four_records(), compress=False)
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(gzip.compress(plain.read_bytes(), mtime=0))
    assert sources(path) == [f"{path.name}#{offset}" for offset in offsets]


def test_damaged_archives_never_raise(tmp_path):
    """Random damage anywhere: pages or reasons, never an exception."""
    rng = random.Random(2024)
    for compress in (True, False):
        clean = tmp_path / ("clean.warc.gz" if compress else "clean.warc")
        pack(clean, four_records(), compress)
        data = clean.read_bytes()
        for trial in range(25):
            damaged = bytearray(data)
            for _ in range(rng.randint(1, 6)):
                start = rng.randrange(len(damaged))
                for index in range(start, min(start + rng.randint(1, 64), len(damaged))):
                    damaged[index] = rng.randrange(256)
            if trial % 5 == 0:
                damaged = damaged[: rng.randrange(len(damaged))]
            path = tmp_path / f"damaged-{trial}{'.warc.gz' if compress else '.warc'}"
            path.write_bytes(bytes(damaged))
            for item in iter_records(path, path.name):
                assert isinstance(item, (WarcPage, WarcSkip))
                if isinstance(item, WarcPage):
                    assert len(item.data) <= html.MAX_HTML_BYTES
                    try:
                        document_from_bytes(item.data, item.source, item.metadata)
                    except SkippedInput:
                        pass


def test_a_warc_of_both_languages_builds_human_rows(crawl, tmp_path, test_store):
    """The whole way: one archive in the input folder, pages paired by URL and aligned, the other
    records accounted for in the manifest (the unpaired legacy page is machine-translated)."""
    import json
    import shutil

    from conftest import build_args, run_cli

    path, offsets = crawl
    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(path, pages / path.name)
    output = tmp_path / "corpus"
    result = run_cli(
        *build_args(pages, output, "--strict", decoding=4),
        env={"ALIGN_MODELS": str(test_store), "ALIGN_CACHE": str(tmp_path / "cache")},
    )
    assert result.returncode == 0, result.stderr
    assert "ignored 5 archive record(s)" in result.stderr  # --strict lets what is not a page pass
    manifest = json.loads((output / "manifest.json").read_text())
    (pair,) = [p for p in manifest["document_pairs"] if p["method"] == "url"]
    statuses = {entry["path"]: entry["status"] for entry in manifest["inputs"]}
    assert statuses[f"{path.name}#{offsets[3]}"] == "ignored" and statuses[f"{path.name}#{offsets[0]}"] == "used"
    documents = {d["doc_id"]: d for d in map(json.loads, (output / "documents.jsonl").read_text().splitlines())}
    assert documents[pair["en"]]["url"] == EN_URL and documents[pair["ru"]]["url"] == RU_URL
    rows = [json.loads(line) for f in (output / "data").glob("*.jsonl") for line in f.read_text().splitlines()]
    human = [row for row in rows if row["doc_id"] == pair["en"]]
    assert human and all(row["origin"] == "human" for row in human)
    assert any("Arctic" in row["translation"]["en"] for row in human)
    assert {row["origin"] for row in rows if row["doc_id"] != pair["en"]} == {"machine"}


def test_a_fifo_in_the_input_folder_is_not_opened_to_sniff_for_a_warc(tmp_path):
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert is_warc(fifo) is False  # returns at once: opening a FIFO would wait for a writer
