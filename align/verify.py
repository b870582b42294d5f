"""Checking a published corpus: every file against its hash, and every claim against the files.

Hashes alone prove only that the files are the ones the manifest lists; a manifest edited along
with them (or one that was wrong) would pass. So ``verify_corpus`` also checks what the manifest
*claims* against what the folder holds, and against what the card tells readers:

* rows per split and per origin, in every format (Parquet, JSON Lines, Moses, TMX) and on the card;
* documents in ``documents.jsonl``;
* rows removed per filter rule in ``filtered.jsonl``, in the manifest and on the card;
* the models the rows name (name, version, sha256, test flag) against the manifest and the card;
* the test-model flag against the rows, the models and the card's warning;
* the build settings and the licence against the card.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .errors import AlignError
from .manifest import MANIFEST, output_hashes


class NotACorpus(AlignError):
    """The folder is missing or holds no manifest: nothing to verify."""

    exit_code = 2


class DamagedManifest(AlignError):
    """The manifest is there but unreadable: the corpus does not match it (exit 1, as any difference)."""


@dataclass(frozen=True)
class Verification:
    changed: list[str]
    missing: list[str]
    unexpected: list[str]
    claims: list[str] = field(default_factory=list)
    """Claims of the manifest or card that the files contradict, one line each."""

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.unexpected or self.claims)

    def lines(self) -> list[str]:
        return (
            [f"changed: {name}" for name in self.changed]
            + [f"missing: {name}" for name in self.missing]
            + [f"unexpected: {name}" for name in self.unexpected]
            + [f"claim: {claim}" for claim in self.claims]
        )


def read_manifest(folder: Path) -> dict:
    if not folder.is_dir():
        raise NotACorpus(f"{folder}: no such folder")
    path = folder / MANIFEST
    if not path.is_file():
        raise NotACorpus(f"{folder}: no {MANIFEST} (is this a published corpus?)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DamagedManifest(f"{path}: damaged, not a manifest any more ({error})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("outputs"), dict):
        raise DamagedManifest(f"{path}: damaged, not a manifest any more (no outputs)")
    return manifest


def verify_corpus(folder: Path) -> Verification:
    """Re-hash every file against the manifest, then check the manifest's and the card's claims."""
    manifest = read_manifest(folder)
    recorded = manifest["outputs"]
    actual = output_hashes(folder)
    try:
        claims = check_claims(folder, manifest)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, SyntaxError) as error:
        # SyntaxError: the XML parser's error for a damaged TMX file
        claims = [f"the corpus cannot be read as published ({type(error).__name__}: {error})"]
    return Verification(
        changed=sorted(name for name in recorded if name in actual and actual[name] != recorded[name]),
        missing=sorted(name for name in recorded if name not in actual),
        unexpected=sorted(name for name in actual if name not in recorded),
        claims=claims,
    )


def check_claims(folder: Path, manifest: dict) -> list[str]:
    """Every claim the folder contradicts; empty when the manifest and card tell the truth."""
    from .publish import card_claims

    problems: list[str] = []

    def expect(what: str, claimed, found) -> None:
        if claimed != found:
            problems.append(f"{what}: claimed {claimed!r}, found {found!r}")

    card = card_claims((folder / "README.md").read_text(encoding="utf-8"))
    splits: dict = manifest["splits"]
    counts: dict = manifest["counts"]
    row_origins: Counter = Counter()
    row_models: set[tuple] = set()
    card_files = {entry["split"]: entry["path"] for entry in card["front"]["configs"][0]["data_files"]}
    card_examples = {entry["name"]: entry["num_examples"] for entry in card["front"]["dataset_info"]["splits"]}
    expect("splits on the card", sorted(splits), sorted(card_files))
    for split, claim in splits.items():
        parquet, jsonl = claim["files"]
        expect(f"{split} data file on the card", parquet, card_files.get(split))
        origins, models = _parquet_rows(folder / parquet)
        row_origins += origins
        row_models |= models
        rows = sum(origins.values())
        expect(f"{split} rows in {parquet}", claim["rows"], rows)
        expect(f"{split} rows by origin", claim["origins"], dict(origins))
        expect(f"{split} rows on the card (dataset_info)", claim["rows"], card_examples.get(split))
        expect(f"{split} rows on the card (table)", claim["origins"], card["rows"].get(split))
        expect(f"{split} rows in {jsonl}", claim["rows"], _line_count(folder / jsonl))
        for lang in ("en", "ru"):
            expect(
                f"{split} lines in exports/{split}.{lang}",
                claim["rows"],
                _line_count(folder / "exports" / f"{split}.{lang}"),
            )
    expect("pairs", counts["pairs"], sum(row_origins.values()))
    expect("human pairs", counts["human_pairs"], row_origins["human"])
    expect("machine pairs", counts["machine_pairs"], row_origins["machine"])
    expect("translation units in exports/corpus.tmx", counts["pairs"], _tmx_units(folder / "exports" / "corpus.tmx"))
    expect("documents in documents.jsonl", counts["documents"], _line_count(folder / "documents.jsonl"))
    if "filters" in manifest:  # corpora built before the filters existed have no such claims
        claimed = manifest["filters"]["removed"]
        found = _filtered_rules(folder / manifest["filters"]["file"])
        expect(
            f"rows removed per rule in {manifest['filters']['file']}", claimed, {rule: found[rule] for rule in claimed}
        )
        expect(f"rules named in {manifest['filters']['file']}", sorted(set(found) - set(claimed)), [])
        expect("rows removed per rule on the card", claimed, card["filters"])
        expect("filtered rows", counts["filtered"], sum(found.values()))
        expect("rows before filtering", manifest["filters"]["rows_before"], counts["pairs"] + counts["filtered"])

    listed = {(m["name"], m["version"], m["sha256"], bool(m["test_model"])) for m in manifest["models"]}
    expect("models named by the rows", sorted(listed), sorted(row_models))
    expect("models on the card", sorted(m[:3] for m in listed), sorted(tuple(m.values()) for m in card["models"]))
    test_model = any(m[3] for m in row_models)
    expect("test_model flag", manifest["test_model"], test_model)
    expect("test-model warning on the card", test_model, card["test_model_banner"])
    settings = manifest["settings"]
    expect("build settings on the card", settings, card["settings"])
    expect("licence on the card", settings.get("license", "other"), card["front"].get("license"))
    if card["front"].get("license") == "other" and not (folder / "LICENSE").is_file():
        problems.append("the card points to LICENSE, which is missing")
    return problems


def _parquet_rows(path: Path) -> tuple[Counter, set[tuple]]:
    """Rows by origin, and the distinct models the rows name, read from the Parquet file."""
    import pyarrow.parquet as pq

    table = pq.read_table(path, columns=["origin", "model"]).flatten()
    by_origin = table.group_by("origin").aggregate([("origin", "count")])
    origins = Counter(dict(zip(by_origin["origin"].to_pylist(), by_origin["origin_count"].to_pylist())))
    fields = ["model.name", "model.version", "model.sha256", "model.test_model"]
    distinct = table.group_by(fields).aggregate([]).to_pydict()
    models = {
        (name, version, sha256, bool(test))
        for name, version, sha256, test in zip(*(distinct[f] for f in fields))
        if name is not None
    }
    return origins, models


def _line_count(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))


def _tmx_units(path: Path) -> int:
    import xml.etree.ElementTree as ET

    units = 0
    for _, element in ET.iterparse(path, events=("end",)):
        if element.tag == "tu":
            units += 1
            element.clear()
    return units


def _filtered_rules(path: Path) -> Counter:
    """Rows in ``filtered.jsonl`` by the rule that removed them, read line by line."""
    rules: Counter = Counter()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            rules[json.loads(line)["rule"]] += 1
    return rules
