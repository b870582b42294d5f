"""What is input: the walk over a crawl folder, odd file names, links, special files."""

import json
import os
import unicodedata
from pathlib import Path

import pytest

from align.ingest import SkippedInput, iter_documents, list_inputs, read_document
from align.names import printable_name

TEXT = "The Government approved the programme. It runs until 2030.\n"
OUR_MANIFEST = {"tool": {"name": "ruen-align", "version": "0"}, "outputs": {}}


def make(folder: Path, *names: str, text: str = TEXT) -> None:
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


def relative(folder: Path) -> list[str]:
    return [path.relative_to(folder).as_posix() for path in list_inputs(folder)]


def make_raw(folder: Path, name: bytes, data: bytes = TEXT.encode()) -> None:
    """A file whose name is raw bytes, as a crawler on Linux may write it."""
    descriptor = os.open(os.path.join(os.fsencode(folder), name), os.O_WRONLY | os.O_CREAT, 0o644)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def is_printable(text: str) -> bool:
    text.encode("utf-8")  # no lone surrogates
    return not any(unicodedata.category(c) == "Cc" or c in "\u2028\u2029" for c in text)


# ---------------------------------------------------------------------------------------- the walk


def test_order_is_sorted_by_relative_posix_path(tmp_path):
    make(tmp_path, "b.txt", "a/b.txt", "a.txt", "a-b.txt", "A.txt")
    assert relative(tmp_path) == ["A.txt", "a-b.txt", "a.txt", "a/b.txt", "b.txt"]


def test_hidden_folders_such_as_build_staging_are_not_input(tmp_path):
    make(tmp_path, "page.txt", ".corpus.building-x1y2/data/train.jsonl", ".git/HEAD", "sub/.cache/a.txt", ".b.txt")
    assert relative(tmp_path) == ["page.txt"]


def test_published_corpus_inside_the_input_folder_is_not_input(tmp_path):
    make(tmp_path, "page.txt", "corpora/seeds-en-ru/data/train.jsonl", "corpora/seeds-en-ru/README.md")
    (tmp_path / "corpora/seeds-en-ru/manifest.json").write_text(json.dumps(OUR_MANIFEST))
    make(tmp_path, "other/data.txt")
    (tmp_path / "other/manifest.json").write_text(json.dumps({"tool": {"name": "someone-else"}}))
    assert relative(tmp_path) == ["other/data.txt", "other/manifest.json", "page.txt"]


def test_excluded_folder_is_not_read(tmp_path):
    make(tmp_path, "page.txt", "out/corpus/data.jsonl", "outside.txt")
    assert relative(tmp_path) == ["out/corpus/data.jsonl", "outside.txt", "page.txt"]
    assert [p.name for p in list_inputs(tmp_path, exclude=tmp_path / "out" / "corpus")] == ["outside.txt", "page.txt"]
    assert len(list_inputs(tmp_path, exclude=tmp_path / "missing")) == 3


def test_links_to_folders_are_reported_not_followed(tmp_path):
    make(tmp_path, "sub/page.txt")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "sub/again").symlink_to(tmp_path / "sub", target_is_directory=True)
    results = list(iter_documents(tmp_path))
    assert [(r.path, r.reason) for r in results if isinstance(r, SkippedInput)] == [
        ("loop", "link to a folder (not followed)"),
        ("sub/again", "link to a folder (not followed)"),
    ]
    assert [r.source for r in results if not isinstance(r, SkippedInput)] == ["sub/page.txt"]


def test_links_to_files_are_read_inside_the_input_and_skipped_outside(tmp_path):
    crawl, elsewhere = tmp_path / "crawl", tmp_path / "elsewhere"
    make(crawl, "page.txt")
    make(elsewhere, "secret.txt")
    (crawl / "inside.txt").symlink_to(crawl / "page.txt")
    (crawl / "outside.txt").symlink_to(elsewhere / "secret.txt")
    (crawl / "broken.txt").symlink_to(crawl / "gone.txt")
    results = {(r.path if isinstance(r, SkippedInput) else r.source): r for r in iter_documents(crawl)}
    assert results["inside.txt"].text == TEXT
    assert results["outside.txt"].reason == "link to outside the input folder"
    assert results["broken.txt"].reason == "unreadable (No such file or directory)"


def test_unlistable_folder_is_reported(tmp_path, monkeypatch):
    make(tmp_path, "page.txt", "locked/page.txt")
    scandir = os.scandir

    def refuse_locked(path):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refuse_locked)
    results = list(iter_documents(tmp_path))
    assert [(r.path, r.reason) for r in results if isinstance(r, SkippedInput)] == [
        ("locked", "unreadable folder (Permission denied)")
    ]


def test_named_pipe_is_skipped_not_waited_for(tmp_path):
    make(tmp_path, "page.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    results = list(iter_documents(tmp_path))
    assert isinstance(results[1], SkippedInput)
    assert (results[1].path, results[1].reason) == ("pipe.txt", "not a regular file")
    with pytest.raises(SkippedInput, match="not a regular file"):
        read_document(tmp_path)


# ------------------------------------------------------------------------------------- file names


@pytest.mark.parametrize(
    ("name", "printable"),
    [
        ("Новости 2021 — итоги.txt", "Новости 2021 — итоги.txt"),
        ("caf\udce9.txt", "caf\\xe9.txt"),
        ("a\nb\rc\td\x1b[31m.txt", "a\\x0ab\\x0dc\\x09d\\x1b[31m.txt"),
        ("a\x85b\u2028c\u2029d", "a\\x85b\\u2028c\\u2029d"),
        ("lone\ud800", "lone\\ud800"),
    ],
)
def test_printable_name_escapes_undecodable_bytes_and_line_breaks_only(name, printable):
    assert printable_name(name) == printable
    assert printable_name(printable) == printable and is_printable(printable)


def test_non_utf8_file_name_is_recorded_printable(tmp_path):
    make_raw(tmp_path, b"caf\xe9.txt")
    make_raw(tmp_path, b"\xff\xfe.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    document, skipped = iter_documents(tmp_path)
    assert skipped.path == "\\xff\\xfe.png" and str(skipped) == "\\xff\\xfe.png: binary file"
    assert document.source == "caf\\xe9.txt" and document.text == TEXT
    json.dumps({"path": document.source}, ensure_ascii=False).encode("utf-8")  # what the manifest writes


def test_newline_in_file_name_cannot_forge_a_log_line(tmp_path):
    make_raw(tmp_path, b"a\nskipped b.txt: empty file", b"")
    make_raw(tmp_path, b"c\r\nd.txt")
    skipped, document = iter_documents(tmp_path)
    assert f"skipped {skipped.path}: {skipped.reason}" == "skipped a\\x0askipped b.txt: empty file: empty file"
    assert document.source == "c\\x0d\\x0ad.txt"


def test_read_document_records_the_printable_name_of_its_path(tmp_path):
    make_raw(tmp_path, b"x\xe9\n.txt")
    path = Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), b"x\xe9\n.txt")))
    assert read_document(path, source=path.name).source == "x\\xe9\\x0a.txt"
    assert is_printable(read_document(path).source)


# ---------------------------------------------------------------------------------------- a build


class TaggingTranslator:
    """A stand-in model: the build's ingestion is under test, not translation."""

    model = None

    def __init__(self, from_code: str, to_code: str):
        self.from_code, self.to_code = from_code, to_code

    def translate(self, sentences):
        return [f"{self.to_code}: {sentence}" for sentence in sentences]


def test_a_corpus_built_inside_its_input_folder_is_not_read_by_the_next_build(tmp_path, monkeypatch):
    import gzip

    from align.pipeline import build

    monkeypatch.chdir(tmp_path)  # a relative input path, as a user types it
    crawl = Path("crawl")
    make(crawl, "page.txt")
    russian = "Правительство утвердило программу. Она рассчитана до 2030 года.\n"
    (crawl / "russian.txt").write_bytes(russian.encode("utf-16"))
    (crawl / "news.txt.gz").write_bytes(gzip.compress(b"The forum opened on Monday. Ministers attended it.\n"))
    make_raw(crawl, b"caf\xe9\nforged.txt", b"The cafe reopened after the repairs were finished.\n")
    translators = {"en": TaggingTranslator("en", "ru"), "ru": TaggingTranslator("ru", "en")}
    manifests = []
    for _ in range(3):
        build(crawl, crawl / "corpus", translators=translators, report=lambda line: None, show_progress=False)
        manifests.append(json.loads((crawl / "corpus" / "manifest.json").read_text(encoding="utf-8")))
    inputs = {entry["path"]: entry for entry in manifests[0]["inputs"]}
    assert set(inputs) == {"caf\\xe9\\x0aforged.txt", "news.txt.gz", "page.txt", "russian.txt"}
    assert inputs["russian.txt"]["encoding"] == "utf-16-le" and inputs["news.txt.gz"]["encoding"] == "gzip+utf-8"
    assert manifests[0] == manifests[1] == manifests[2]
