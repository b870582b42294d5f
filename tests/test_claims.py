"""verify checks what the manifest and the card claim, not only the hashes; push trusts nothing less."""

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import SEEDS, build_args, run_cli

from align.hashing import sha256_file


@pytest.fixture(scope="module")
def corpus(test_store, tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("claims") / "corpus"
    result = run_cli(*build_args(SEEDS, output, decoding=4), env={"ALIGN_MODELS": str(test_store)})
    assert result.returncode == 0, result.stderr
    return output


def copy_of(corpus: Path, tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / corpus.name
    shutil.copytree(corpus, target)
    return target


def rehash(folder: Path) -> None:
    """What a careful forger does after editing: make every hash in the manifest match again."""
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["outputs"] = {name: sha256_file(folder / name) for name in manifest["outputs"] if (folder / name).exists()}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))


def edit_manifest(change):
    def tamper(folder: Path) -> None:
        manifest = json.loads((folder / "manifest.json").read_text())
        change(manifest)
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))

    return tamper


def empty_file(pattern):
    def tamper(folder: Path) -> None:
        for path in folder.glob(pattern):
            path.write_bytes(b"")

    return tamper


def drop_card_banner(folder: Path) -> None:
    card = (folder / "README.md").read_text()
    (folder / "README.md").write_text("\n".join(line for line in card.splitlines() if "TEST MODEL" not in line) + "\n")


TAMPERINGS = {
    "test-model-flag": edit_manifest(lambda m: m.update(test_model=False)),
    "pair-count": edit_manifest(lambda m: m["counts"].update(pairs=m["counts"]["pairs"] + 1)),
    "split-count": edit_manifest(lambda m: next(iter(m["splits"].values())).update(rows=1)),
    "setting": edit_manifest(lambda m: m["settings"].update(max_decoding_length=64)),
    "model-sha256": edit_manifest(lambda m: m["models"][0].update(sha256="0" * 64)),
    "document-count": edit_manifest(lambda m: m["counts"].update(documents=50)),
    "emptied-jsonl": empty_file("data/train-*.jsonl"),
    "emptied-moses": empty_file("exports/*.ru"),
    "emptied-documents": empty_file("documents.jsonl"),
    "card-banner-removed": drop_card_banner,
}


@pytest.mark.parametrize("case", sorted(TAMPERINGS))
def test_verify_catches_a_false_claim_even_when_every_hash_matches(corpus, tmp_path, case):
    forged = copy_of(corpus, tmp_path)
    TAMPERINGS[case](forged)
    rehash(forged)
    result = run_cli("verify", str(forged))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "claim:" in result.stdout and "Traceback" not in result.stderr


def test_an_honest_corpus_passes_every_claim(corpus):
    result = run_cli("verify", str(corpus))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "every claim" in result.stdout


def test_verify_of_a_missing_folder_is_a_plain_refusal(tmp_path):
    result = run_cli("verify", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"align: error: {tmp_path / 'nope'}: no such folder"]


def test_card_states_dataset_info_licence_and_settings(corpus):
    from align.publish import card_claims

    claims = card_claims((corpus / "README.md").read_text())
    manifest = json.loads((corpus / "manifest.json").read_text())
    front = claims["front"]
    assert front["license"] == "other" and front["license_name"] and front["license_link"] == "LICENSE"
    assert "publish" in (corpus / "LICENSE").read_text().lower()
    assert {s["name"]: s["num_examples"] for s in front["dataset_info"]["splits"]} == {
        name: split["rows"] for name, split in manifest["splits"].items()
    }
    assert [f["name"] for f in front["dataset_info"]["features"]][:3] == ["id", "doc_id", "translation"]
    assert claims["settings"] == manifest["settings"]


def test_a_given_licence_replaces_the_publishers_file(tmp_path, test_store):
    output = tmp_path / "corpus"
    result = run_cli(
        *build_args(SEEDS, output, "--license", "cc-by-4.0", decoding=4), env={"ALIGN_MODELS": str(test_store)}
    )
    assert result.returncode == 0, result.stderr
    assert "license: cc-by-4.0" in (output / "README.md").read_text() and not (output / "LICENSE").exists()
    assert run_cli("verify", str(output)).returncode == 0


def test_an_edited_cache_entry_is_not_served(use_store, tmp_path):
    from align.models import find_package
    from align.translate import ArgosTranslator, DecodingSettings, TranslationCache

    path = tmp_path / "cache.sqlite"
    sentence = ["The delegation visited the plant."]
    first = ArgosTranslator(
        find_package("en", "ru"), DecodingSettings(max_decoding_length=6), cache=TranslationCache(path)
    )
    honest = first.translate(sentence)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE translations SET target = 'подделка'")
    cache = TranslationCache(path)
    again = ArgosTranslator(find_package("en", "ru"), DecodingSettings(max_decoding_length=6), cache=cache)
    assert again.translate(sentence) == honest
    assert cache.rejected == 1


def test_verify_rebuild_does_not_vouch_for_a_forged_cache(tmp_path, test_store):
    from align.translate import TranslationCache

    cache_dir = tmp_path / "cache"
    env = {"ALIGN_MODELS": str(test_store), "ALIGN_CACHE": str(cache_dir)}
    honest = tmp_path / "honest" / "corpus"
    assert run_cli(*build_args(SEEDS, honest, decoding=4), env=env).returncode == 0
    path = cache_dir / TranslationCache.FILE
    with sqlite3.connect(path) as connection:  # a forger who knows the checksum recipe
        key, _ = connection.execute("SELECT key, target FROM translations ORDER BY key LIMIT 1").fetchone()
        connection.execute(
            "UPDATE translations SET target = ?, checksum = ? WHERE key = ?",
            ("подделка", TranslationCache.checksum(key, "подделка"), key),
        )
    forged = tmp_path / "forged" / "corpus"
    assert run_cli(*build_args(SEEDS, forged, decoding=4), env=env).returncode == 0
    assert run_cli("verify", str(forged)).returncode == 0  # its files match its own manifest ...
    result = run_cli("verify", str(forged), "--rebuild", str(SEEDS), env=env)
    assert result.returncode == 1 and "differs:" in result.stdout  # ... but a rebuild without the cache does not
    assert run_cli("verify", str(honest), "--rebuild", str(SEEDS), env=env).returncode == 0


@pytest.mark.parametrize("damage", ["empty", "flipped"])
def test_a_damaged_tmx_is_reported_not_crashed_on(corpus, tmp_path, damage):
    forged = copy_of(corpus, tmp_path)
    tmx = forged / "exports" / "corpus.tmx"
    data = bytearray(tmx.read_bytes())
    if damage == "empty":
        data = bytearray()
    else:
        data[200] = ord("<")
    tmx.write_bytes(bytes(data))
    result = run_cli("verify", str(forged))
    assert result.returncode == 1 and "internal error" not in result.stderr
    assert "changed: exports/corpus.tmx" in result.stdout and "claim:" in result.stdout


def test_a_damaged_manifest_is_a_difference_not_a_missing_corpus(corpus, tmp_path):
    forged = copy_of(corpus, tmp_path)
    manifest = bytearray((forged / "manifest.json").read_bytes())
    manifest[0] = 0xFF
    (forged / "manifest.json").write_bytes(bytes(manifest))
    result = run_cli("verify", str(forged))
    assert result.returncode == 1 and "damaged" in result.stderr
