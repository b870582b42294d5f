"""What every part of a published corpus agrees on: the row features, the splits, the JSON form.

The card (``card``), the data files (``parquet``) and the orchestration (``corpus``) all read
these, so none of them has to import another to know the shape of a row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import jsonlines

from ..records import ModelRef

SPLITS = ("train", "validation", "test")
SPLIT_PERCENT = {"train": 80, "validation": 10, "test": 10}


def split_of(doc_id: str) -> str:
    """``train`` / ``validation`` / ``test`` from a stable hash of the document id (80/10/10)."""
    bucket = int(hashlib.sha256(doc_id.encode()).hexdigest(), 16) % 100
    if bucket < SPLIT_PERCENT["train"]:
        return "train"
    return "validation" if bucket < SPLIT_PERCENT["train"] + SPLIT_PERCENT["validation"] else "test"


def features():
    from datasets import Features, List, Translation, Value

    return Features(
        {
            "id": Value("string"),
            "doc_id": Value("string"),
            "translation": Translation(languages=["en", "ru"]),
            "src_lang": Value("string"),
            "origin": Value("string"),
            "model": {
                "name": Value("string"),
                "version": Value("string"),
                "sha256": Value("string"),
                "test_model": Value("bool"),
            },
            "score": Value("float64"),
            "src_index": List(Value("int32")),
            "tgt_index": List(Value("int32")),
            "mixed": Value("bool"),
            "spans": List({"start": Value("int32"), "end": Value("int32"), "lang": Value("string")}),
        }
    )


@dataclass
class CorpusInfo:
    """What the card and manifest say about a build beyond its rows."""

    name: str
    models: list[ModelRef]
    description: dict = field(default_factory=dict)
    """Inputs, settings and lock file, for the manifest."""


@dataclass(frozen=True)
class SplitCounts:
    """Rows of one split by origin, and the data files holding them (Parquet is what loads)."""

    data_file: str
    jsonl_file: str
    origins: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.origins.values())


def dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


def write_jsonl(path: Path, records: Iterable[dict]) -> None:
    with jsonlines.open(path, mode="w", dumps=dumps) as writer:
        writer.write_all(records)
