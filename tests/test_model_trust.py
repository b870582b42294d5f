"""The model store trusts only what it can check and destroys only what it made.

Store paths built from metadata, metadata validation, relabelled packages, the reproducible package
identity, integrity records checked before use, ``models list``/``install``/``fetch`` on the command
line, the lock file as package data, an unwritable HOME, and ``make-test-package`` never
overwriting a file it did not make.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS, run_cli

import align.models as models
import align.models.fetching
import align.models.store
from align.models import (
    LOCK_FILE,
    ModelError,
    extract_archive,
    fetch,
    file_listing,
    file_sha256,
    find_package,
    install,
    list_packages,
    make_test_package,
    read_lock,
    read_package,
    unpacked_archive,
)
from benchmarks.reliability import repack  # one definition for the harness and the tests

IDENTITY_COMMAND = r"find . -type f | sed 's|^\./||' | LC_ALL=C sort | xargs -d '\n' sha256sum | sha256sum"


@pytest.fixture
def en_ru(test_store) -> Path:
    return test_store / "translate-en_ru-test.argosmodel"


@pytest.fixture
def store(tmp_path, en_ru) -> Path:
    """A store holding the en→ru test package, installed (so recorded)."""
    store = tmp_path / "store"
    install(en_ru, store)
    return store


def flip_byte(path: Path, offset: int = 100) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


# ------------------------------------------------------------------------------- safe store paths


def test_install_refuses_a_version_that_climbs_out_of_the_store(tmp_path, en_ru):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me")
    store = tmp_path / "a" / "store"
    evil = repack(en_ru, tmp_path / "evil.argosmodel", package_version="1/../../../victim")
    with pytest.raises(ModelError, match="package_version"):
        install(evil, store)
    assert (victim / "precious.txt").read_text() == "keep me"
    assert not [p for p in store.iterdir() if not p.name.startswith(".")]


@pytest.mark.parametrize("version", ["..", ".", "1 0", "1\n", "1/2", ""])
def test_install_refuses_a_version_that_is_not_a_plain_name(version, tmp_path, en_ru):
    with pytest.raises(ModelError, match="package_version"):
        install(repack(en_ru, tmp_path / "bad.argosmodel", package_version=version), tmp_path / "store")


def test_install_never_replaces_a_store_entry_that_is_not_a_package(tmp_path, en_ru):
    store = tmp_path / "store"
    squatter = store / "translate-en_ru-0.0.1-test"
    squatter.mkdir(parents=True)
    (squatter / "thesis.tex").write_text("years of work")
    with pytest.raises(ModelError, match="not replaced"):
        install(en_ru, store)
    assert (squatter / "thesis.tex").read_text() == "years of work"


def test_reinstall_replaces_the_package_it_installed(store, en_ru):
    folder = store / "translate-en_ru-0.0.1-test"
    flip_byte(folder / "model" / "model.bin")
    package = install(en_ru, store)
    assert package.path == folder and find_package("en", "ru", store=store).sha256 == package.sha256


def test_extraction_never_replaces_an_existing_folder(tmp_path, en_ru):
    mine = tmp_path / "out" / "translate-en_ru-test"
    mine.mkdir(parents=True)
    (mine / "notes.txt").write_text("mine")
    with pytest.raises(ModelError, match="already exists"):
        extract_archive(en_ru, tmp_path / "out")
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


# ---------------------------------------------------------------------------- metadata validation


@pytest.mark.parametrize(
    "field, value, reason",
    [
        ("from_code", ["en"], "from_code must be an Argos language code, got \\['en'\\]"),
        ("from_code", 7, "from_code must be an Argos language code, got 7"),
        ("to_code", None, "to_code must be an Argos language code, got None"),
        ("to_code", "xx", "to_code must be an Argos language code, got 'xx'"),
        ("from_code", "../../etc", "from_code must be an Argos language code"),
        ("to_code", "en", "from_code and to_code are both 'en'"),
        ("package_version", 1.9, "package_version must be a string, got 1.9"),
        ("package_version", None, "package_version must be a string, got None"),
        ("type", "sbd", "type must be 'translate', got 'sbd'"),
        ("type", None, "type must be 'translate', got None"),
    ],
)
def test_install_refuses_unsound_metadata_and_says_why(field, value, reason, tmp_path, en_ru):
    bad = repack(en_ru, tmp_path / "bad.argosmodel", **{field: value})
    with pytest.raises(ModelError, match=reason):
        install(bad, tmp_path / "store")
    assert not list((tmp_path / "store").glob("translate-*"))


@pytest.mark.parametrize(
    "archive_name, top",
    [("translate-ru_en-test.argosmodel", None), ("package.argosmodel", "translate-ru_en-test")],
)
def test_a_relabelled_package_is_refused(archive_name, top, tmp_path, en_ru):
    relabelled = repack(en_ru, tmp_path / archive_name, top=top)
    with pytest.raises(ModelError, match="relabelled package: .*ru→en.*en→ru"):
        install(relabelled, tmp_path / "store")
    store = tmp_path / "listed"
    store.mkdir()
    shutil.copy(relabelled, store)
    problems = []
    assert list_packages(store, problems) == [] and "relabelled" in problems[0]


# ----------------------------------------------------------------------------------- identity


def test_identity_is_the_documented_shell_command(en_ru):
    package = read_package(unpacked_archive(en_ru))
    assert IDENTITY_COMMAND in models.__doc__
    result = subprocess.run(IDENTITY_COMMAND, shell=True, cwd=package.path, capture_output=True, text=True, check=True)
    assert result.stdout.split()[0] == package.sha256
    listing = subprocess.run(
        IDENTITY_COMMAND.rsplit(" | sha256sum", 1)[0], shell=True, cwd=package.path, capture_output=True, text=True
    ).stdout
    assert listing == file_listing(package.path)


def test_identity_is_the_same_zipped_unpacked_and_installed(store, en_ru):
    zipped = list_packages(en_ru.parent)[0]
    installed = find_package("en", "ru", store=store)
    assert zipped.sha256 == installed.sha256 == read_package(installed.path).sha256
    record = store / ".integrity" / f"{installed.path.name}.sha256"
    assert file_sha256(record) == installed.sha256  # the record is the listing the identity hashes


def test_package_with_a_symbolic_link_is_refused(tmp_path, en_ru):
    folder = shutil.copytree(unpacked_archive(en_ru), tmp_path / "translate-en_ru-test")
    (folder / "link").symlink_to("/etc/passwd")
    with pytest.raises(ModelError, match="symbolic link"):
        install(folder, tmp_path / "store")


# ------------------------------------------------------------------------------------ integrity


def test_a_flipped_byte_in_an_installed_model_makes_it_damaged_and_unused(store):
    flip_byte(store / "translate-en_ru-0.0.1-test" / "model" / "model.bin")
    with pytest.raises(ModelError, match="DAMAGED.*model/model.bin changed"):
        find_package("en", "ru", store=store)
    problems = []
    assert list_packages(store, problems) == []
    assert len(problems) == 1 and "model/model.bin changed" in problems[0]


def test_metadata_relabelled_after_install_is_damaged(store):
    metadata_file = store / "translate-en_ru-0.0.1-test" / "metadata.json"
    metadata = json.loads(metadata_file.read_text())
    metadata_file.write_text(json.dumps(metadata | {"from_code": "ru", "to_code": "en"}))
    with pytest.raises(ModelError, match="metadata.json changed"):
        find_package("ru", "en", store=store)
    with pytest.raises(ModelError, match="DAMAGED.*metadata.json changed"):
        find_package("en", "ru", store=store)


def test_a_missing_or_added_file_makes_it_damaged(store):
    folder = store / "translate-en_ru-0.0.1-test"
    (folder / "README.md").unlink()
    (folder / "model" / "extra.bin").write_bytes(b"\0")
    problems = []
    assert list_packages(store, problems) == []
    assert "README.md missing" in problems[0] and "model/extra.bin added" in problems[0]


def test_a_damaged_package_does_not_let_an_older_one_stand_in(store, tmp_path, en_ru):
    older = repack(en_ru, tmp_path / "older.argosmodel", package_version="0.0.0-test")
    install(older, store)
    assert find_package("en", "ru", store=store).version == "0.0.1-test"
    flip_byte(store / "translate-en_ru-0.0.1-test" / "sentencepiece.model")
    with pytest.raises(ModelError, match="DAMAGED.*sentencepiece.model changed"):
        find_package("en", "ru", store=store)


def test_a_hand_placed_folder_is_recorded_on_first_sight_then_checked(tmp_path, en_ru):
    store = tmp_path / "store"
    folder = shutil.copytree(unpacked_archive(en_ru), store / "translate-en_ru-test")
    notes = []
    assert [p.name for p in list_packages(store, notes=notes)] == ["translate-en_ru"]
    assert len(notes) == 1 and "trust" in notes[0] and (store / ".integrity" / f"{folder.name}.sha256").is_file()
    notes.clear()
    list_packages(store, notes=notes)
    assert notes == []  # recorded once
    flip_byte(folder / "model" / "model.bin")
    with pytest.raises(ModelError, match="DAMAGED.*model/model.bin"):
        find_package("en", "ru", store=store)


def test_a_damaged_cache_copy_of_an_archive_is_unpacked_again(tmp_path, en_ru):
    store = tmp_path / "store"
    store.mkdir()
    shutil.copy(en_ru, store)
    first = list_packages(store)[0]
    flip_byte(first.path / "model" / "model.bin")
    notes = []
    again = list_packages(store, notes=notes)[0]
    assert again.sha256 == first.sha256 and "unpacked it again" in notes[0]
    assert read_package(again.path).sha256 == first.sha256


# ------------------------------------------------------------------------------ the command line


def test_models_list_prints_damaged_entries_and_exits_1(store):
    flip_byte(store / "translate-en_ru-0.0.1-test" / "model" / "model.bin")
    shutil.copy(ROOT / "README.md", store / "broken.argosmodel")
    result = run_cli("models", "list", env={"ALIGN_MODELS": str(store)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    damaged = [line for line in result.stdout.splitlines() if line.startswith("DAMAGED")]
    assert len(damaged) == 2 and "model/model.bin changed" in damaged[1] and "broken.argosmodel" in damaged[0]
    assert result.stderr.strip().splitlines()[-1].startswith("align: error: 2 package(s)")


def test_models_list_of_a_missing_align_models_folder_exits_2(tmp_path):
    result = run_cli("models", "list", env={"ALIGN_MODELS": str(tmp_path / "nowhere")})
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"align: error: ALIGN_MODELS={tmp_path / 'nowhere'}: no such folder\n"


def test_models_list_of_an_empty_store_says_how_to_get_packages(tmp_path):
    result = run_cli("models", "list", env={"ALIGN_MODELS": str(tmp_path)})
    assert result.returncode == 0 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert "models fetch" in result.stderr and "make-test-package --from en --to ru DIR" in result.stderr


def test_models_install_takes_an_unpacked_package_folder(tmp_path, en_ru):
    folder = shutil.copytree(unpacked_archive(en_ru), tmp_path / "translate-en_ru-test")
    result = run_cli("models", "install", str(folder), env={"ALIGN_MODELS": str(tmp_path / "store")})
    assert result.returncode == 0, result.stderr
    assert find_package("en", "ru", store=tmp_path / "store").sha256 == read_package(folder).sha256


def test_models_install_of_a_missing_path_says_file_or_folder(tmp_path):
    result = run_cli("models", "install", str(tmp_path / "missing"), env={"ALIGN_MODELS": str(tmp_path / "store")})
    assert result.returncode == 1 and "no such file or folder" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_models_help_names_the_store_default_as_it_is():
    result = run_cli("models", "--help")
    assert "$ALIGN_CACHE/models" in result.stdout and "ALIGN_CACHE is unset" in result.stdout


# --------------------------------------------------------------------------------- the lock file


def test_lock_file_ships_inside_the_package_and_pins_argos_1_9():
    assert Path(models.__file__).resolve().parent / "models.lock" == LOCK_FILE and LOCK_FILE.is_file()
    _index, pins = read_lock(LOCK_FILE)
    assert {(p.name, p.version) for p in pins} == {("translate-en_ru", "1.9"), ("translate-ru_en", "1.9")}
    for pin in pins:
        direction = pin.name.removeprefix("translate-")
        assert pin.links == (f"https://argos-net.com/v1/translate-{direction}-1_9.argosmodel",)


def write_pins(lock: Path, archive: Path, version: str = "0.0.1-test") -> Path:
    lock.write_text(
        json.dumps(
            {
                "index": "file:///nowhere",
                "packages": [
                    {"name": "translate-en_ru", "version": version, "links": [archive.as_uri()], "sha256": None}
                ],
            }
        )
    )
    return lock


def test_fetch_records_the_checksum_in_the_cache_when_the_lock_cannot_be_written(tmp_path, en_ru, monkeypatch):
    lock = write_pins(tmp_path / "models.lock", en_ru)
    real_write_lock = models.write_lock

    def read_only_lock(index, pins, path):
        if path == lock:
            raise PermissionError(13, "Permission denied")
        real_write_lock(index, pins, path)

    monkeypatch.setattr(align.models.fetching, "write_lock", read_only_lock)
    notes = []
    assert [p.name for p in fetch(tmp_path / "store", lock, notes)] == ["translate-en_ru"]
    copy = models.cache_root() / "models.lock"
    assert read_lock(lock)[1][0].sha256 is None
    assert read_lock(copy)[1][0].sha256 == file_sha256(en_ru)
    assert str(copy) in notes[0] and "--lock" in notes[0]


def test_fetch_refuses_a_pinned_version_that_climbs_out_of_the_store(tmp_path, en_ru):
    lock = write_pins(tmp_path / "models.lock", en_ru, version="1/../../../outside")
    with pytest.raises(ModelError, match="version"):
        fetch(tmp_path / "deep" / "store", lock)
    assert not list(tmp_path.rglob("outside*"))


def test_models_fetch_takes_a_lock_option(tmp_path, en_ru):
    lock = write_pins(tmp_path / "models.lock", en_ru)
    result = run_cli("models", "fetch", "--lock", str(lock), env={"ALIGN_MODELS": str(tmp_path / "store")})
    assert result.returncode == 0, result.stderr
    assert "ready: translate-en_ru" in result.stdout and read_lock(lock)[1][0].sha256 == file_sha256(en_ru)


# ----------------------------------------------------------------------------- unwritable HOME


def run_without_a_writable_home(*args: str, store: Path, cwd: Path):
    """``python -m align`` with HOME under a regular file (unwritable even for root), no ALIGN_CACHE."""
    home_file = cwd / "home-is-a-file"
    home_file.write_text("")
    env = {k: v for k, v in os.environ.items() if k != "ALIGN_CACHE"}
    env |= {"HOME": str(home_file / "home"), "ALIGN_MODELS": str(store)}
    return subprocess.run(
        [sys.executable, "-m", "align", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600
    )


def test_models_list_works_with_an_unwritable_home(test_store, tmp_path):
    result = run_without_a_writable_home("models", "list", store=test_store, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "translate-en_ru" in result.stdout and "translate-ru_en" in result.stdout
    assert "Traceback" not in result.stderr and "using" in result.stderr  # says where it works instead


def test_translate_no_cache_works_with_an_unwritable_home(test_store, tmp_path):
    (tmp_path / "in.txt").write_text("Good afternoon.\n")
    result = run_without_a_writable_home(
        "translate",
        "--from",
        "en",
        "--to",
        "ru",
        "--no-cache",
        "--max-decoding-length",
        "6",
        "in.txt",
        store=test_store,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1 and result.stdout.strip()


def test_without_any_home_the_cache_is_a_private_temporary_folder(monkeypatch, capsys):
    def no_home(cls):
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("ALIGN_CACHE")
    monkeypatch.setattr(Path, "home", classmethod(no_home))
    align.models.store._usable_cache.cache_clear()
    try:
        folder = models.cache_root()
    finally:
        align.models.store._usable_cache.cache_clear()
    assert folder.is_dir() and folder.name.startswith("align-cache-")
    assert "no home folder" in capsys.readouterr().err


# ---------------------------------------------------------------------------- make-test-package


def test_make_test_package_never_overwrites_a_file_it_did_not_make(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")
    with pytest.raises(ModelError, match="must be a folder or a file name ending in .argosmodel"):
        make_test_package("en", "ru", notes, SEEDS)
    foreign = tmp_path / "real.argosmodel"
    foreign.write_bytes(b"a real model I downloaded")
    with pytest.raises(ModelError, match="not a test package"):
        make_test_package("en", "ru", foreign, SEEDS)
    assert notes.read_text() == "my notes" and foreign.read_bytes() == b"a real model I downloaded"
    result = run_cli("models", "make-test-package", "--from", "en", "--to", "ru", str(notes))
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1 and notes.read_text() == "my notes"


def test_make_test_package_replaces_its_own_test_package(tmp_path, en_ru):
    target = tmp_path / "mine.argosmodel"
    shutil.copy(en_ru, target)
    assert make_test_package("en", "ru", target, SEEDS) == target
    assert file_sha256(target) == file_sha256(en_ru)
