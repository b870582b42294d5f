"""End to end: build the seeds corpus with the two test packages and check what users get."""

import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS, build_args, run_cli


@pytest.fixture(scope="module")
def corpus(test_store, tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("corpora") / "seeds-en-ru"
    result = run_cli(*build_args(SEEDS, output, decoding=12), env={"ALIGN_MODELS": str(test_store)})
    assert result.returncode == 0, result.stderr
    assert "TEST MODEL" in result.stderr
    return output


def test_loads_with_datasets_translation_feature(corpus):
    from datasets import Translation, load_dataset

    loaded = load_dataset(str(corpus))
    rows = [row for split in loaded.values() for row in split]
    assert loaded["train"].features["translation"] == Translation(languages=["en", "ru"])
    assert len(rows) > 200
    for row in rows:
        assert row["translation"]["en"] and row["translation"]["ru"]
        assert row["origin"] == "machine" and row["model"]["test_model"] is True
        assert len(row["model"]["sha256"]) == 64 and row["model"]["name"].startswith("translate-")
    documents = {}
    for name, split in loaded.items():
        for doc_id in set(split["doc_id"]):
            assert documents.setdefault(doc_id, name) == name  # no document in two splits


def test_card_and_documents(corpus):
    card = (corpus / "README.md").read_text(encoding="utf-8")
    from align.publish import card_claims

    front = card_claims(card)["front"]
    assert front["task_categories"] == ["translation"] and front["language"] == ["en", "ru"]
    assert "**This corpus was built with a random-weight TEST MODEL" in card
    documents = [json.loads(line) for line in (corpus / "documents.jsonl").read_text().splitlines()]
    assert len(documents) == 5
    reasons = {removal["reason"] for document in documents for removal in document["removed"]}
    assert {"header-block", "repeated-line", "foreign-navigation", "page-edge-chrome"} <= reasons


def test_exports_match_rows(corpus):
    rows = sum(1 for path in (corpus / "data").glob("*.jsonl") for _ in path.open())
    tmx = ET.parse(corpus / "exports" / "corpus.tmx")
    assert len(tmx.findall("./body/tu")) == rows
    for english in (corpus / "exports").glob("*.en"):
        russian = english.with_suffix(".ru")
        assert len(english.read_text().splitlines()) == len(russian.read_text().splitlines())


def test_manifest_and_verify(corpus, tmp_path):
    manifest = json.loads((corpus / "manifest.json").read_text())
    assert manifest["test_model"] is True
    assert {entry["path"] for entry in manifest["inputs"]} == {p.name for p in SEEDS.glob("*.txt")}
    assert manifest["lock_file"]["sha256"]
    train = [name for name in manifest["outputs"] if name.startswith("data/train-")]
    assert sorted(name.rsplit(".", 1)[1] for name in train) == ["jsonl", "parquet"]
    assert str(ROOT) not in json.dumps(manifest) and str(corpus) not in json.dumps(manifest)
    assert run_cli("verify", str(corpus)).returncode == 0
    copy = tmp_path / "copy"
    shutil.copytree(corpus, copy)
    (target,) = (copy / "data").glob("train-*.jsonl")
    data = bytearray(target.read_bytes())
    data[10] ^= 1
    target.write_bytes(bytes(data))
    result = run_cli("verify", str(copy))
    assert result.returncode != 0 and f"changed: data/{target.name}" in result.stdout


def test_rebuild_is_byte_identical(corpus, test_store, tmp_path):
    again = tmp_path / "seeds-en-ru"
    result = run_cli(
        *build_args(SEEDS, again, decoding=12),
        env={"ALIGN_MODELS": str(test_store), "ALIGN_CACHE": str(tmp_path / "fresh-cache")},
    )
    assert result.returncode == 0, result.stderr
    files = sorted(p.relative_to(corpus) for p in corpus.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for name in files:
        assert (corpus / name).read_bytes() == (again / name).read_bytes(), name


def test_build_without_models_writes_nothing(tmp_path):
    output = tmp_path / "corpora" / "seeds-en-ru"
    result = run_cli(*build_args(SEEDS, output), env={"ALIGN_MODELS": str(tmp_path / "none")})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "python -m align models fetch" in result.stderr
    assert not output.exists()
    assert not (tmp_path / "corpora").exists() or not any((tmp_path / "corpora").iterdir())


def test_failed_build_keeps_previous_corpus(corpus, tmp_path, test_store):
    previous = tmp_path / "seeds-en-ru"
    shutil.copytree(corpus, previous)
    before = {p: p.read_bytes() for p in previous.rglob("*") if p.is_file()}
    bad_input = tmp_path / "bad"
    bad_input.mkdir()
    (bad_input / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(64))
    result = run_cli(*build_args(bad_input, previous), env={"ALIGN_MODELS": str(test_store)})
    assert result.returncode != 0 and "no usable documents" in result.stderr
    assert {p: p.read_bytes() for p in previous.rglob("*") if p.is_file()} == before


def test_rebuilt_corpus_never_loads_stale_rows(tmp_path, test_store):
    """datasets caches by data file names: a rebuild in place with new content must load anew."""
    from datasets import load_dataset

    output = tmp_path / "corpus"
    counts = []
    for files in (sorted(SEEDS.glob("*.txt")), sorted(SEEDS.glob("*.txt"))[:2]):
        pages = tmp_path / f"pages-{len(files)}"
        pages.mkdir()
        for path in files:
            shutil.copy(path, pages)
        result = run_cli(*build_args(pages, output, decoding=4), env={"ALIGN_MODELS": str(test_store)})
        assert result.returncode == 0, result.stderr
        loaded = load_dataset(str(output), cache_dir=str(tmp_path / "hf-cache"))
        counts.append(sum(split.num_rows for split in loaded.values()))
    on_disk = sum(1 for path in (output / "data").glob("*.jsonl") for _ in path.open())
    assert counts[1] == on_disk < counts[0]


def test_verify_rebuild_compares_byte_for_byte(corpus, test_store, tmp_path):
    env = {"ALIGN_MODELS": str(test_store)}
    result = run_cli("verify", str(corpus), "--rebuild", str(SEEDS), env=env)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "byte-identical" in result.stdout
    changed = tmp_path / "seeds"
    shutil.copytree(SEEDS, changed)
    with (changed / sorted(p.name for p in SEEDS.glob("*.txt"))[0]).open("a", encoding="utf-8") as page:
        page.write("\nOne more sentence appended to the page.\n")
    result = run_cli("verify", str(corpus), "--rebuild", str(changed), env=env)
    assert result.returncode != 0 and "differs:" in result.stdout
    assert not list(corpus.parent.glob(".*rebuild*"))


def test_swap_replaces_the_corpus_in_one_step(tmp_path):
    from align.destination import exchange

    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "a").write_text("old")
    (new / "a").write_text("new")
    assert exchange(new, old)
    assert (old / "a").read_text() == "new" and (new / "a").read_text() == "old"


def test_make_corpus_fetches_models_first_and_offline_stops_with_one_line(tmp_path):
    """Without ALIGN_MODELS, `make corpus` runs `models fetch` before building; with no internet
    (nothing outside loopback here), that stops the target with one line saying what to do."""
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "ALIGN_MODELS"}
    env.update(HOME=str(tmp_path / "home"), ALIGN_CACHE=str(tmp_path / "cache"))
    result = subprocess.run(
        ["make", "--no-print-directory", "corpus", f"OUTPUT={tmp_path / 'corpus'}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode != 0 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("align:")]
    assert len(errors) == 1 and "could not download translate-en_ru" in errors[0] and "ALIGN_MODELS" in errors[0]
    assert "models fetch" in result.stdout and not (tmp_path / "corpus").exists()
