"""Crawls contain everything: bad files, killed builds, concurrent builds, random bytes."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS, build_args, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

RUSSIAN = "Правительство утвердило программу развития цифровой экономики до 2030 года."


def crawl_folder(folder: Path) -> Path:
    folder.mkdir()
    (folder / "good.txt").write_text("The Government approved the programme. It runs until 2030.\n", encoding="utf-8")
    (folder / "cp1251.txt").write_bytes(((RUSSIAN + "\n") * 3).encode("cp1251"))
    (folder / "koi8r.txt").write_bytes(((RUSSIAN + " Министерство отчитается.\n") * 3).encode("koi8_r"))
    (folder / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "nul.txt").write_bytes(b"The forum\x00 opened\x00\x00 on Monday.\n")
    (folder / "broken.txt").write_bytes(b"The meeting ended. " * 10 + b"\xff\xfe\xfd" + b" Then more text.\n")
    (folder / "huge.txt").write_bytes(("A long line of words that never ends here, " * 120_000).encode())  # ~5 MB
    return folder


def test_a_crawl_folder_builds_and_reports_what_it_skipped(tmp_path, test_store):
    folder = crawl_folder(tmp_path / "crawl")
    output = tmp_path / "corpus"
    result = run_cli(*build_args(folder, output, decoding=6), env={"ALIGN_MODELS": str(test_store)})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "skipped picture.png: binary file" in result.stderr and "skipped empty.txt: empty file" in result.stderr
    assert "repaired broken.txt" in result.stderr and "repaired nul.txt" in result.stderr
    manifest = json.loads((output / "manifest.json").read_text())
    inputs = {entry["path"]: entry for entry in manifest["inputs"]}
    assert inputs["picture.png"] == {"path": "picture.png", "status": "skipped", "reason": "binary file"}
    assert inputs["empty.txt"]["reason"] == "empty file"
    assert inputs["cp1251.txt"]["status"] == "used" and inputs["koi8r.txt"]["status"] == "used"
    documents = {d["source"]: d for d in map(json.loads, (output / "documents.jsonl").read_text().splitlines())}
    assert RUSSIAN in documents["cp1251.txt"]["text"] and RUSSIAN in documents["koi8r.txt"]["text"]
    assert documents["cp1251.txt"]["lang"] == "ru"
    assert documents["nul.txt"]["text"] == "The forum opened on Monday."
    assert any(r["reason"] == "invalid-utf8-replaced" for r in documents["broken.txt"]["removed"])
    from datasets import load_dataset

    rows = [row for split in load_dataset(str(output), cache_dir=str(tmp_path / "hf")).values() for row in split]
    assert any(row["src_lang"] == "ru" and row["translation"]["ru"] == RUSSIAN for row in rows)

    strict = run_cli(
        *build_args(folder, tmp_path / "strict", "--strict", decoding=6), env={"ALIGN_MODELS": str(test_store)}
    )
    assert strict.returncode != 0 and "--strict" in strict.stderr and not (tmp_path / "strict").exists()


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build_command(output: Path, cap: int = 48) -> list[str]:
    return [sys.executable, "-m", "align", *build_args(SEEDS, output, decoding=cap)]


def test_killed_builds_leave_old_corpus_or_none_and_rerun_gives_the_same_bytes(tmp_path, test_store):
    reference_output = tmp_path / "reference" / "corpus"  # same folder name: the name is in the card
    env = {**os.environ, "ALIGN_MODELS": str(test_store), "ALIGN_CACHE": str(tmp_path / "cache-reference")}
    subprocess.run(build_command(reference_output), env=env, check=True, capture_output=True, cwd=ROOT)
    reference = snapshot(reference_output)

    output = tmp_path / "killed" / "corpus"
    env["ALIGN_CACHE"] = str(tmp_path / "cache-killed")
    for delay in (0.5, 1.5, 3.0, 5.0):
        process = subprocess.Popen(
            build_command(output), env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        if output.exists():  # a corpus that exists is always a whole one
            assert snapshot(output) == reference
    finished = subprocess.run(build_command(output), env=env, cwd=ROOT, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    assert snapshot(output) == reference
    assert not [p.name for p in output.parent.iterdir() if p.name.startswith(".corpus.")]  # leftovers removed


def test_second_build_into_the_same_output_is_refused(tmp_path, test_store):
    output = tmp_path / "corpus"
    env = {**os.environ, "ALIGN_MODELS": str(test_store), "ALIGN_CACHE": str(tmp_path / "cache")}
    first = subprocess.Popen(
        build_command(output, cap=64), env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    time.sleep(1.0)
    second = subprocess.run(build_command(output), env=env, cwd=ROOT, capture_output=True, text=True)
    assert second.returncode != 0
    assert "another build is writing" in second.stderr and "Traceback" not in second.stderr
    assert first.wait(timeout=600) == 0, first.stderr.read()
    assert run_cli("verify", str(output)).returncode == 0


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes_never_crash_ingest_or_normalise(tmp_path, data):
    from align.ingest import SkippedInput, read_document
    from align.normalise import normalise

    path = tmp_path / "fuzz.txt"
    path.write_bytes(data)
    try:
        document = normalise(read_document(path))
    except SkippedInput as skipped:
        assert skipped.reason
        return
    assert isinstance(document.text, str) and len(document.doc_id) == 16


@FUZZ
@given(st.text(max_size=2000))
def test_random_unicode_files_decode_to_themselves(tmp_path, text):
    from align.ingest import SkippedInput, read_document

    path = tmp_path / "fuzz.txt"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        raw = read_document(path)
    except SkippedInput:
        return
    if "\x00" not in text and not any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        assert text.removeprefix("\ufeff").endswith(raw.text) or raw.metadata


COMMANDS = [
    ["detect"],
    ["sentences", "--lang", "en"],
    ["translate", "--from", "en", "--to", "ru"],
    ["pair", "X"],
    ["verify"],
    ["models", "install"],
    ["build", "--output", "out", "--input"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("case", ["missing", "folder", "empty"])
def test_every_command_on_bad_input_prints_one_line(command, case, tmp_path):
    target = {"missing": tmp_path / "missing.txt", "folder": tmp_path, "empty": tmp_path / "empty.txt"}[case]
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "X").write_text("Some sentence.\n")
    args = [a if a != "X" else str(tmp_path / "X") for a in command] + [str(target)]
    result = run_cli(*args, cwd=tmp_path, env={"ALIGN_MODELS": str(tmp_path / "no-models")})
    assert "Traceback" not in result.stderr
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        errors = [line for line in lines if not line.startswith(("skipped ", "repaired "))]
        assert len(errors) == 1 and errors[0].startswith("align: "), result.stderr
    else:
        assert case == "empty" and command[0] in ("detect", "sentences", "translate", "pair")


def test_fetch_refuses_a_wrong_checksum_and_leaves_the_store_alone(tmp_path, test_store):
    from align.models import ModelError, fetch

    archive = test_store / "translate-en_ru-test.argosmodel"
    lock = tmp_path / "models.lock"
    lock.write_text(
        json.dumps(
            {
                "index": "file:///nowhere",
                "packages": [
                    {
                        "name": "translate-en_ru",
                        "version": "0.0.1-test",
                        "links": [archive.as_uri()],
                        "sha256": "0" * 64,
                    }
                ],
            }
        )
    )
    store = tmp_path / "store"
    with pytest.raises(ModelError, match="does not match models.lock"):
        fetch(store, lock)
    assert not any(p for p in store.iterdir() if not p.name.startswith("."))


def test_fetch_records_trust_on_first_use_then_enforces_it(tmp_path, test_store):
    from align.models import fetch, file_sha256, read_lock

    archive = test_store / "translate-en_ru-test.argosmodel"
    lock = tmp_path / "models.lock"
    lock.write_text(
        json.dumps(
            {
                "index": "file:///nowhere",
                "packages": [
                    {"name": "translate-en_ru", "version": "0.0.1-test", "links": [archive.as_uri()], "sha256": None}
                ],
            }
        )
    )
    installed = fetch(tmp_path / "store", lock)
    assert [p.name for p in installed] == ["translate-en_ru"]
    assert read_lock(lock)[1][0].sha256 == file_sha256(archive)


def test_oversized_archive_is_refused(tmp_path, test_store, monkeypatch):
    import align.models as models
    import align.models.store

    monkeypatch.setattr(align.models.store, "MAX_ARCHIVE_BYTES", 1000)
    with pytest.raises(models.ModelError, match="unpacks to more than"):
        models.install(test_store / "translate-en_ru-test.argosmodel", tmp_path / "store")
    assert not list((tmp_path / "store").glob("translate-*"))
