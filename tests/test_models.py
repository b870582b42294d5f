"""The model store: test-package builder, identity, discovery, and refusal of unsafe archives."""

import json
import shutil
import stat
import zipfile
from pathlib import Path

import pytest

from align.models import (
    ModelError,
    extract_archive,
    file_sha256,
    find_package,
    install,
    list_packages,
    make_test_package,
    read_package,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_test_package_is_reproducible_and_marked(tmp_path, test_store):
    again = make_test_package("en", "ru", tmp_path, SEEDS)
    original = test_store / again.name
    assert file_sha256(again) == file_sha256(original)
    with zipfile.ZipFile(again) as zipped:
        names = zipped.namelist()
        metadata = json.loads(zipped.read("translate-en_ru-test/metadata.json"))
    assert {"translate-en_ru-test/model/model.bin", "translate-en_ru-test/sentencepiece.model"} <= set(names)
    assert metadata["test_model"] is True and "TEST MODEL" in metadata["description"]


def test_store_lists_archives_with_content_identity(use_store):
    packages = list_packages()
    assert [(p.from_code, p.to_code) for p in packages] == [("en", "ru"), ("ru", "en")]
    assert all(p.test_model and len(p.sha256) == 64 for p in packages)
    unpacked = read_package(packages[0].path)
    assert unpacked.sha256 == packages[0].sha256  # same identity zipped or unpacked


def test_missing_direction_names_the_package_to_fetch(tmp_path):
    with pytest.raises(ModelError, match="translate-en_ru") as error:
        find_package("en", "ru", store=tmp_path)
    assert "python -m align models fetch" in str(error.value) and "\n" not in str(error.value)


def test_install_into_store(tmp_path, test_store):
    store = tmp_path / "store"
    package = install(test_store / "translate-en_ru-test.argosmodel", store)
    assert package.path.parent == store and package.test_model
    assert find_package("en", "ru", store=store).sha256 == package.sha256


def rebuild(source: Path, target: Path, mutate) -> Path:
    """Copy a package archive member by member, letting ``mutate`` change or add members."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            data = original.read(info)
            result = mutate(info, data)
            if result is not None:
                copy.writestr(*result)
        extra = mutate(None, None)
        if extra is not None:
            copy.writestr(*extra)
    return target


def symlink_member():
    info = zipfile.ZipInfo("translate-en_ru-test/evil-link")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, "/etc/passwd"


BAD_ARCHIVES = {
    "path-traversal": (lambda i, d: (i, d) if i else ("translate-en_ru-test/../../escaped.txt", "x"), "escapes"),
    "absolute-path": (lambda i, d: (i, d) if i else ("/tmp/absolute.txt", "x"), "absolute"),
    "symlink": (lambda i, d: (i, d) if i else symlink_member(), "link"),
    "no-metadata": (
        lambda i, d: None if i and i.filename.endswith("metadata.json") else ((i, d) if i else None),
        "metadata.json",
    ),
    "no-model": (lambda i, d: None if i and i.filename.endswith("model.bin") else ((i, d) if i else None), "model"),
}


@pytest.mark.parametrize("case", sorted(BAD_ARCHIVES))
def test_unsafe_or_incomplete_archives_are_refused_and_store_unchanged(case, tmp_path, test_store):
    mutate, message = BAD_ARCHIVES[case]
    store = tmp_path / "store"
    install(test_store / "translate-ru_en-test.argosmodel", store)
    before = snapshot(store)
    bad = rebuild(test_store / "translate-en_ru-test.argosmodel", tmp_path / f"{case}.argosmodel", mutate)
    with pytest.raises(ModelError, match=message):
        install(bad, store)
    assert snapshot(store) == before
    assert not (tmp_path / "escaped.txt").exists()


def test_truncated_and_non_zip_archives_are_refused(tmp_path, test_store):
    data = (test_store / "translate-en_ru-test.argosmodel").read_bytes()
    truncated = tmp_path / "truncated.argosmodel"
    truncated.write_bytes(data[: len(data) // 2])
    garbage = tmp_path / "garbage.argosmodel"
    garbage.write_bytes(b"not a zip at all")
    for archive in (truncated, garbage):
        with pytest.raises(ModelError):
            extract_archive(archive, tmp_path / "out")
        assert not list(tmp_path.glob("out/*"))


def test_corrupted_member_is_refused(tmp_path, test_store):
    source = test_store / "translate-en_ru-test.argosmodel"
    damaged = tmp_path / "damaged.argosmodel"
    shutil.copy(source, damaged)
    data = bytearray(damaged.read_bytes())
    with zipfile.ZipFile(source) as zipped:
        info = zipped.getinfo("translate-en_ru-test/model/model.bin")
    offset = info.header_offset + 30 + len(info.filename) + 100
    data[offset] ^= 0xFF
    damaged.write_bytes(bytes(data))
    with pytest.raises(ModelError):
        install(damaged, tmp_path / "store")
    assert not list((tmp_path / "store").glob("translate-*"))


def test_damaged_entry_does_not_hide_good_packages(tmp_path, test_store):
    store = tmp_path / "store"
    store.mkdir()
    shutil.copy(test_store / "translate-en_ru-test.argosmodel", store)
    (store / "broken.argosmodel").write_bytes(b"not a zip")
    problems = []
    assert [p.name for p in list_packages(store, problems)] == ["translate-en_ru"]
    assert len(problems) == 1 and "broken.argosmodel" in problems[0]
    with pytest.raises(ModelError, match="unusable: .*broken"):
        find_package("ru", "en", store=store)


def test_an_archive_is_hashed_once_until_it_changes(tmp_path, test_store, monkeypatch):
    """Finding a package must not hash its whole archive at every start; a changed archive is
    hashed again (and its new content unpacked), whatever was remembered."""
    import align.models.store as store

    monkeypatch.setenv("ALIGN_CACHE", str(tmp_path / "cache"))
    archive = tmp_path / "translate-en_ru-test.argosmodel"
    shutil.copy(test_store / archive.name, archive)
    hashed = []
    real = store.file_sha256
    monkeypatch.setattr(store, "file_sha256", lambda path: hashed.append(Path(path)) or real(path))
    first = store.archive_digest(archive)
    assert store.archive_digest(archive) == first and hashed.count(archive) == 1
    with zipfile.ZipFile(archive, "a") as zipped:  # same package, one more member: new bytes
        zipped.writestr("translate-en_ru-test/NOTE", "changed")
    assert store.archive_digest(archive) == real(archive) != first and hashed.count(archive) == 2
