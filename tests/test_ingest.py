"""Reading files: encodings, compression, archives, header block, decoding repairs."""

import bz2
import codecs
import gzip
import hashlib
import io
import lzma
import tarfile
import tracemalloc
import zipfile

import pytest

from align import ingest
from align.ingest import (
    Decoded,
    SkippedInput,
    decode_bytes,
    decode_input,
    iter_documents,
    read_document,
    split_header,
)
from align.normalise import normalise, normalise_text
from align.records import Removal

RUSSIAN = "Председатель Правительства провёл стратегическую сессию о национальном проекте."


def test_header_block_becomes_metadata(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("seed_url: http://example.org/en/1\ntitle: News\ndate: 2021-02-05\n\nBody text.\n")
    document = read_document(path)
    assert document.metadata == {"seed_url": "http://example.org/en/1", "title": "News", "date": "2021-02-05"}
    assert document.text == "Body text.\n"
    assert document.body_offset == len("seed_url: http://example.org/en/1\ntitle: News\ndate: 2021-02-05\n\n")


def test_prose_starting_with_a_colon_word_is_not_a_header():
    text = "Note: this is prose.\nIt goes on.\n\nMore."
    assert split_header(text) == ({}, 0)


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r"])
def test_legacy_russian_encodings_decode(encoding):
    decoded = decode_bytes(((RUSSIAN + "\n") * 3).encode(encoding))
    assert decoded.text.splitlines()[0] == RUSSIAN


def test_invalid_utf8_is_replaced_and_logged():
    decoded = decode_bytes(b"Good text here. " * 20 + b"\xff\xfe bad" + b" tail.")
    assert "\ufffd" in decoded.text
    assert [r.reason for r in decoded.repairs] == ["invalid-utf8-replaced"]


def test_nul_bytes_are_stripped_and_logged():
    decoded = decode_bytes(b"Hello\x00\x00 world.")
    assert decoded.text == "Hello world."
    assert decoded.repairs[0].reason == "nul-bytes-removed"


def test_binary_and_empty_files_are_skipped_with_reasons(tmp_path):
    (tmp_path / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (tmp_path / "b.txt").write_text("   \n")
    (tmp_path / "c.txt").write_text("A real sentence.\n")
    results = list(iter_documents(tmp_path))
    assert [type(r).__name__ for r in results] == ["SkippedInput", "SkippedInput", "RawDocument"]
    assert [r.reason for r in results[:2]] == ["binary file", "empty file"]


def test_missing_file_is_a_skip_not_a_crash(tmp_path):
    with pytest.raises(SkippedInput, match="unreadable"):
        read_document(tmp_path / "absent.txt")


def test_input_order_is_stable(tmp_path):
    for name in ["b.txt", "a.txt", "sub/c.txt"]:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(f"Text of {name}.\n")
    assert [d.source for d in iter_documents(tmp_path)] == ["a.txt", "b.txt", "sub/c.txt"]


# ------------------------------------------------------------------------------ UTF-16 and UTF-32

ENGLISH = "The Government approved the programme of digital development until 2030."
TEXTS = {"en": ENGLISH, "ru": RUSSIAN}
BOMS = {
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("lang", TEXTS)
@pytest.mark.parametrize("codec", BOMS)
def test_utf16_and_utf32_with_bom_are_decoded(tmp_path, codec, lang):
    text = (TEXTS[lang] + "\n") * 2
    document = read_document(write(tmp_path, "page.txt", BOMS[codec] + text.encode(codec)))
    assert (document.text, document.encoding, document.repairs) == (text, codec, ())


@pytest.mark.parametrize("lang", TEXTS)
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_decoded(tmp_path, codec, lang):
    text = (TEXTS[lang] + "\n") * 2
    document = read_document(write(tmp_path, "page.txt", text.encode(codec)))
    assert (document.text, document.encoding) == (text, codec)


def test_utf16_header_block_becomes_metadata(tmp_path):
    page = "title: Новости\ndate: 2021-02-05\n\n" + RUSSIAN + "\n"
    document = read_document(write(tmp_path, "page.txt", codecs.BOM_UTF16_LE + page.encode("utf-16-le")))
    assert document.metadata == {"title": "Новости", "date": "2021-02-05"}
    assert document.text == RUSSIAN + "\n"


def test_truncated_utf16_keeps_its_text_and_logs_the_lost_byte():
    decoded = decode_input(codecs.BOM_UTF16_LE + ENGLISH.encode("utf-16-le") + b"\x41", "page.txt")
    assert decoded.text == ENGLISH + "\ufffd"
    assert [(r.reason, r.text) for r in decoded.repairs] == [("invalid-utf16-replaced", "\\x41")]


def test_nul_characters_in_utf16_text_are_dropped_and_logged():
    decoded = decode_input(codecs.BOM_UTF16_BE + "Hello\x00\x00 world.".encode("utf-16-be"), "page.txt")
    assert decoded.text == "Hello world."
    assert [(r.reason, r.text) for r in decoded.repairs] == [("nul-bytes-removed", "\\x00 ×2")]


def test_ascii_text_with_a_stray_nul_is_not_taken_for_utf16():
    decoded = decode_input(b"Hello\x00 world, this is plain text.", "page.txt")
    assert (decoded.text, decoded.encoding) == ("Hello world, this is plain text.", "utf-8")


# ------------------------------------------------------------------------------ compressed files

COMPRESSORS = {"gzip": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}


@pytest.mark.parametrize("compression", COMPRESSORS)
def test_compressed_text_is_decompressed(tmp_path, compression):
    text = (ENGLISH + "\n" + RUSSIAN + "\n") * 2
    document = read_document(write(tmp_path, "page.txt.gz", COMPRESSORS[compression](text.encode())))
    assert (document.text, document.encoding) == (text, f"{compression}+utf-8")


def test_compressed_legacy_and_utf16_text_is_decoded_after_decompression(tmp_path):
    legacy = read_document(write(tmp_path, "a.gz", gzip.compress(((RUSSIAN + "\n") * 3).encode("cp1251"))))
    assert legacy.text.splitlines()[0] == RUSSIAN and legacy.encoding.startswith("gzip+")
    wide = read_document(write(tmp_path, "b.xz", lzma.compress((ENGLISH + "\n").encode("utf-16-be"))))
    assert (wide.text, wide.encoding) == (ENGLISH + "\n", "xz+utf-16-be")


def test_compressed_file_hash_is_of_the_file_as_stored(tmp_path):
    data = gzip.compress(ENGLISH.encode())
    assert read_document(write(tmp_path, "a.gz", data)).source_sha256 == hashlib.sha256(data).hexdigest()


def test_decompression_bomb_is_stopped_at_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_DOCUMENT_BYTES", 1 << 20)
    bomb = write(tmp_path, "bomb.gz", gzip.compress(b"A" * (64 << 20)))  # 64 KiB unpacking to 64 MiB
    tracemalloc.start()
    with pytest.raises(SkippedInput) as skipped:
        read_document(bomb)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert skipped.value.reason == "gzip data unpacks to more than 1 MiB"
    assert peak < 8 << 20


@pytest.mark.parametrize("compression", COMPRESSORS)
def test_corrupt_compressed_file_is_skipped_with_reason(tmp_path, compression):
    data = bytearray(COMPRESSORS[compression]((ENGLISH * 50).encode()))
    truncated = write(tmp_path, "truncated", bytes(data[: len(data) // 2]))
    data[len(data) // 2] ^= 0xFF
    damaged = write(tmp_path, "damaged", bytes(data))
    for path in (truncated, damaged):
        with pytest.raises(SkippedInput, match=f"^.*: corrupt {compression} data$"):
            read_document(path)


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("page.txt", ENGLISH)
    return buffer.getvalue()


def tar_bytes() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("page.txt")
        info.size = len(ENGLISH)
        archive.addfile(info, io.BytesIO(ENGLISH.encode()))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (zip_bytes(), "zip archive"),
        (tar_bytes(), "tar archive"),
        (gzip.compress(tar_bytes()), "tar archive inside gzip"),
        (b"7z\xbc\xaf\x27\x1c" + bytes(range(64)), "7z archive"),
        (b"\x28\xb5\x2f\xfd" + ENGLISH.encode(), "zstd-compressed data"),
        (gzip.compress(gzip.compress(ENGLISH.encode())), "gzip-compressed data inside gzip"),
        (gzip.compress(b"\x89PNG\r\n\x1a\n" + bytes(range(256))), "binary file inside gzip"),
    ],
    ids=["zip", "tar", "tar.gz", "7z", "zstd", "gzip-in-gzip", "png-in-gzip"],
)
def test_archives_and_binary_content_are_skipped_naming_the_format(tmp_path, data, reason):
    with pytest.raises(SkippedInput) as skipped:
        read_document(write(tmp_path, "file", data))
    assert skipped.value.reason == reason


def test_oversized_file_is_skipped_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_DOCUMENT_BYTES", 100)
    assert read_document(write(tmp_path, "a.txt", b"word " * 20)).text == "word " * 20
    with pytest.raises(SkippedInput, match="larger than 100 bytes"):
        read_document(write(tmp_path, "b.txt", b"word " * 20 + b"!"))


# ----------------------------------------------------------------------------------- decode_input


SAMPLES = {
    "utf-8": (ENGLISH + "\n").encode(),
    "cp1251": ((RUSSIAN + "\n") * 3).encode("cp1251"),
    "utf-16": codecs.BOM_UTF16_LE + (RUSSIAN + "\n").encode("utf-16-le"),
    "gzip": gzip.compress((ENGLISH + "\n").encode("utf-16-be")),
    "header": b"title: News\nurl: http://example.org/\n\nBody text.\n",
    "nul": b"The forum\x00 opened\x00\x00 on Monday.\n",
}


@pytest.mark.parametrize("name", SAMPLES)
def test_read_document_decodes_through_decode_input(tmp_path, name):
    data = SAMPLES[name]
    decoded = decode_input(data, "-")
    document = read_document(write(tmp_path, "page.txt", data))
    assert decoded.text[document.body_offset :] == document.text
    assert (decoded.encoding, decoded.repairs) == (document.encoding, document.repairs)


def test_decode_input_gives_empty_text_for_empty_input_and_reasons_for_binary():
    assert decode_input(b"", "-") == Decoded("", "utf-8", ())
    with pytest.raises(SkippedInput) as skipped:
        decode_input(b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "stdin\nforged")
    assert skipped.value.reason == "binary file" and str(skipped.value) == "stdin\\x0aforged: binary file"


# ------------------------------------------------------------------------- removals with their text


def test_decoding_repairs_show_what_was_removed():
    nul = decode_bytes(b"Hello\x00\x00\x00 world.")
    assert [(r.start, r.end, r.text) for r in nul.repairs] == [(5, 8, "\\x00 ×3")]
    broken = decode_bytes(b"Good text here. " * 20 + b"\xff\xfe bad" + b" tail.")
    [repair] = broken.repairs
    assert broken.text[repair.start : repair.end] == "\ufffd\ufffd" and repair.text == "\\xff\\xfe"


def test_header_block_removal_shows_the_header(tmp_path):
    path = write(tmp_path, "page.txt", b"seed_url: http://example.org/en/1\ntitle: News\n\nBody text.\n")
    [header] = [r for r in normalise(read_document(path)).removed if r.reason == "header-block"]
    assert header.text == "seed_url: http://example.org/en/1\ntitle: News\n"


def test_removed_and_repaired_lines_show_their_raw_text_cut_to_200_characters():
    long_sentence = "The forum discussed the digital economy, " * 8 + "and closed."  # 339 characters
    page = "\n".join(
        [
            "The Government met today and approved the plan.",
            "5 February 2021",
            "The delegation flew to Mоscow on Monday.",
            long_sentence,
            long_sentence,
            "The session ended at noon.",
        ]
    )
    _, removals = normalise_text(page)
    logged = {r.reason: r.text for r in removals}
    assert logged["date-or-time-line"] == "5 February 2021"
    assert logged["changed-by-fix-homoglyphs"] == "The delegation flew to Mоscow on Monday."  # before repair
    assert logged["repeated-line"] == long_sentence[:200] + "…"
    assert Removal(0, 0, "x", "y" * 200).text == "y" * 200
