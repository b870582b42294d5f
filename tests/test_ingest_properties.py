"""Property-based tests of ingestion: any bytes, any encoding, any file name, any size gives a
document or a skip with a reason, never another exception; known text decodes back to itself."""

import bz2
import codecs
import gzip
import lzma
import os
import tempfile
import unicodedata
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from align import ingest
from align.ingest import SkippedInput, decode_input, iter_documents, read_document
from align.names import printable_name
from align.normalise import normalise, normalise_text
from align.records import RawDocument

QUICK = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

RUSSIAN_WORDS = (
    "Правительство утвердило программу развития цифровой экономики до года Министерство отчитается "
    "о работе в области искусственного интеллекта и данных Председатель провёл стратегическую сессию "
    "по национальному проекту на форуме в Москве объём инвестиций составит миллиарда рублей"
).split()
ENGLISH_WORDS = (
    "The Government approved the programme for the digital economy until Ministry will report on "
    "work in artificial intelligence and data Prime Minister held a strategic session national "
    "project forum in Moscow investment will reach billion roubles"
).split()
PUNCTUATION = ["", "", "", ",", ".", ".\n", ":", "\n\n"]


def prose(words: list[str], min_words: int) -> st.SearchStrategy[str]:
    word = st.tuples(st.sampled_from(words), st.sampled_from(PUNCTUATION)).map("".join)
    return st.lists(word, min_size=min_words, max_size=80).map(" ".join).map(lambda text: text.strip() + "\n")


def shuffled(words: list[str]) -> st.SearchStrategy[str]:
    """Every word once, in any order: charset detection needs a language's variety of letters."""
    punctuated = st.permutations(words).flatmap(
        lambda order: st.tuples(*(st.sampled_from(PUNCTUATION).map(lambda mark, w=w: w + mark) for w in order))
    )
    return punctuated.map(" ".join).map(lambda text: text.strip() + "\n")


def bom(mark: bytes, codec: str):
    return lambda text: mark + text.encode(codec)


UNICODE = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8-sig": lambda text: text.encode("utf-8-sig"),
    "utf-16-le": lambda text: text.encode("utf-16-le"),
    "utf-16-be": lambda text: text.encode("utf-16-be"),
    "utf-16-le+bom": bom(codecs.BOM_UTF16_LE, "utf-16-le"),
    "utf-16-be+bom": bom(codecs.BOM_UTF16_BE, "utf-16-be"),
    "utf-32-le+bom": bom(codecs.BOM_UTF32_LE, "utf-32-le"),
    "utf-32-be+bom": bom(codecs.BOM_UTF32_BE, "utf-32-be"),
}
LEGACY = {"cp1251": lambda text: text.encode("cp1251"), "koi8-r": lambda text: text.encode("koi8_r")}
COMPRESS = {"plain": lambda data: data, "gzip": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}

mixed = prose(RUSSIAN_WORDS + ENGLISH_WORDS, 6)
russian = shuffled(RUSSIAN_WORDS)
MAGIC = [
    b"",
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF8,
    b"\x1f\x8b\x08",
    b"BZh91AY&SY",
    b"\xfd7zXZ\x00",
    b"PK\x03\x04",
    b"\x89PNG",
    b"\x28\xb5\x2f\xfd",
]
any_bytes = st.one_of(
    st.binary(max_size=2000),
    st.tuples(st.sampled_from(MAGIC), st.binary(max_size=500)).map(b"".join),
    st.binary(max_size=2000).map(gzip.compress),
    st.text(max_size=300).map(lambda text: text.encode("utf-16-le", "surrogatepass")),
)


def printable(text: str) -> bool:
    text.encode("utf-8")
    return not any(unicodedata.category(c) == "Cc" or c in "\u2028\u2029" for c in text)


def read(data: bytes, name: bytes = b"page.txt") -> RawDocument | SkippedInput | None:
    """Write ``data`` under the raw file name ``name`` and read the folder, as ``build`` does."""
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(os.fsencode(folder), name), "wb") as handle:
            handle.write(data)
        results = list(iter_documents(Path(folder)))
    assert len(results) <= 1
    return results[0] if results else None


def check(result: RawDocument | SkippedInput | None) -> None:
    if isinstance(result, SkippedInput):
        assert result.reason and printable(result.path) and printable(result.reason)
    elif result is not None:
        assert isinstance(result, RawDocument) and printable(result.source)
        assert "\x00" not in result.text
        normalise(result)


@QUICK
@given(any_bytes)
def test_any_bytes_give_a_document_or_a_skip_with_a_reason(data):
    check(read(data))


@QUICK
@given(mixed, st.sampled_from(sorted(UNICODE)), st.sampled_from(sorted(COMPRESS)))
def test_text_in_a_unicode_encoding_decodes_back_to_itself(text, encoding, compression):
    data = COMPRESS[compression](UNICODE[encoding](text))
    decoded = decode_input(data, "page.txt")
    assert decoded.text == text
    written_as = encoding.removesuffix("-sig").removesuffix("+bom")
    assert decoded.encoding == (written_as if compression == "plain" else f"{compression}+{written_as}")


@settings(QUICK, max_examples=40)
@given(russian, st.sampled_from(sorted(LEGACY)), st.sampled_from(["plain", "gzip"]))
def test_russian_in_a_legacy_encoding_decodes_back_to_itself(text, encoding, compression):
    assert decode_input(COMPRESS[compression](LEGACY[encoding](text)), "page.txt").text == text


NAME_PIECES = ["новости", " ", "\n", "\r", "\t", "\x85", "\u2028", "é", "\x1b", "page"]
NAME_BYTES = st.binary(min_size=1, max_size=60)
NAME_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="/\x00"), min_size=1, max_size=30).map(
    lambda name: name.encode("utf-8")
)
NAMES = st.one_of(
    NAME_BYTES,
    NAME_TEXT,
    st.lists(st.sampled_from(NAME_PIECES), min_size=1).map("".join).map(lambda name: name.encode("utf-8")),
).filter(lambda name: b"/" not in name and b"\x00" not in name and name not in (b".", b".."))


@QUICK
@given(NAMES, st.sampled_from([b"", b"Short text.\n", b"\x89PNG\r\n", "Новости дня.\n".encode("cp1251")]))
def test_any_file_name_is_recorded_printable(name, data):
    result = read(data, name)
    check(result)
    if name.startswith(b".") or name.lower() == b"readme.md":
        assert result is None
    else:
        recorded = result.path if isinstance(result, SkippedInput) else result.source
        assert recorded == printable_name(os.fsdecode(name))


@QUICK
@given(st.integers(0, 130), st.sampled_from(["plain", "gzip", "xz"]))
def test_the_size_limit_holds_for_plain_and_compressed_files(size, compression):
    content = (b"word " * 30)[:size]
    data = COMPRESS[compression](content)
    with mock.patch.object(ingest, "MAX_DOCUMENT_BYTES", 64):
        result = read(data)
    if len(data) > 64:
        assert result.reason == "larger than 64 bytes"
    elif size > 64:
        assert result.reason == f"{compression} data unpacks to more than 64 bytes"
    elif content.strip():
        assert result.text == content.decode()
    else:
        assert result.reason == "empty file"


def test_a_file_at_the_limit_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_DOCUMENT_BYTES", 64)
    path = tmp_path / "page.txt"
    path.write_bytes(b"w" * 63 + b"\n")
    assert read_document(path).text == "w" * 63 + "\n"


# ----------------------------------------------------------------------- the removals log's text

FRAGMENTS = [
    "The Government met today.",
    "5 February 2021",
    "Следующая новость",
    "(Video plays)",
    "OFFICIAL WEBSITE",
    "Пpивeт, Mоscow!",
    "soft\u00adhyphen and\u00a0nbsp\u200b",
    "R&amp;D Ð¡Ð¾Ð²ÐµÑ‚",
    "A long line that repeats itself, " * 8,
    "",
]
pages = st.lists(st.sampled_from(FRAGMENTS), max_size=20).map("\r\n".join) | st.text(max_size=300)


@settings(QUICK, max_examples=200)
@given(pages)
def test_every_removal_holds_the_raw_text_it_points_at(text):
    _, removals = normalise_text(text)
    for removal in removals:
        raw = text[removal.start : removal.end]
        assert removal.text == (raw if len(raw) <= 200 else raw[:200] + "…")
