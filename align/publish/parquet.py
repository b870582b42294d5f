"""The rows as ``datasets`` loads them: ``data/<split>-<hash>.parquet`` and the same rows as
``data/<split>-<hash>.jsonl``, appended batch by batch and named by their content when closed."""

from __future__ import annotations

import os
from pathlib import Path

import jsonlines

from ..hashing import sha256_file
from .schema import dumps, features


class SplitData:
    """One split's Parquet file (with the ``datasets`` features in its schema, so ``load_dataset``
    restores the Translation feature) and JSON Lines file, appended ``BATCH_ROWS`` rows at a time:
    each batch is one Parquet row group."""

    BATCH_ROWS = 4096

    def __init__(self, folder: Path, split: str):
        import pyarrow.parquet as pq

        self.folder, self.split = folder, split
        self.schema = features().arrow_schema
        self.parquet = pq.ParquetWriter(folder / "data" / f".{split}.parquet", self.schema, compression="snappy")
        self.jsonl = jsonlines.open(folder / "data" / f".{split}.jsonl", mode="w", dumps=dumps)
        self.buffer: list[dict] = []

    def write(self, row: dict) -> None:
        self.buffer.append(row)
        if len(self.buffer) >= self.BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa

        if not self.buffer:
            return
        self.parquet.write_table(pa.Table.from_pylist(self.buffer, schema=self.schema))
        self.jsonl.write_all(self.buffer)
        self.buffer = []

    def close(self) -> tuple[str, str]:
        """Finish both files; their content-addressed names (Parquet first)."""
        self.flush()
        self.parquet.close()
        self.jsonl.close()
        return _content_addressed(self.folder, self.split, "parquet"), _content_addressed(
            self.folder, self.split, "jsonl"
        )


class DataFiles:
    """The ``data`` export: a ``SplitData`` per split, opened when the split's first row comes.

    ``files`` maps each split to its Parquet and JSON Lines names once closed: the card's
    ``configs`` point to the Parquet files and the manifest lists both.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.splits: dict[str, SplitData] = {}
        self.files: dict[str, tuple[str, str]] = {}

    def write(self, split: str, row: dict) -> None:
        if split not in self.splits:
            self.splits[split] = SplitData(self.folder, split)
        self.splits[split].write(row)

    def close(self) -> None:
        self.files = {split: data.close() for split, data in self.splits.items()}


def _content_addressed(folder: Path, split: str, suffix: str) -> str:
    """Rename ``data/.<split>.<suffix>`` to ``data/<split>-<sha256[:12]>.<suffix>``; return it.

    ``datasets`` keys its cache on the data files' names, so a corpus rebuilt in place under the
    same names would load stale rows from the cache; a name that changes with the content cannot.
    """
    scratch = folder / "data" / f".{split}.{suffix}"
    name = f"data/{split}-{sha256_file(scratch)[:12]}.{suffix}"
    os.replace(scratch, folder / name)
    return name
