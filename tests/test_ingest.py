
import pytest

from align.ingest import (
    SkippedInput,
    decode_bytes,
    iter_documents,
    read_document,
    split_header,
)

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
    decoded = decode_bytes("Good text here. ".encode() * 20 + b"\xff\xfe bad" + " tail.".encode())
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
