"""Shard files: where the map steps' results wait between steps, and how a killed build resumes.

A build's work area (``$ALIGN_CACHE/work/<hash of the output path>``) holds one folder per step
and shard, named by the shard's *key*: the sha256 of everything its content depends on (the tool
version, the inputs' bytes, models and settings). A shard folder is written under a temporary
name and renamed into place when complete, so a folder that exists is whole; a rerun after a kill
finds the finished shards by their keys and computes only the rest. After a successful publish
the work area is removed; a build without the cache (``--no-cache``, ``verify --rebuild``) uses a
fresh temporary area, so it never reuses what an earlier build computed.

Shards are Parquet files of the records in ``records`` (documents, segments, rows), plus a small
JSON summary: everything the global steps need (input entries, pairing profiles), never texts.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path

from . import __version__
from .records import Document, Removal, Segment, Span


def shard_key(step: str, *parts) -> str:
    """sha256 over the tool version, the step and ``parts`` (JSON-serialisable)."""
    payload = json.dumps([__version__, step, *parts], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


class WorkArea:
    """The shard folders of one build."""

    def __init__(self, root: Path, temporary: bool = False):
        self.root = root
        self.temporary = temporary
        root.mkdir(parents=True, exist_ok=True)

    @classmethod
    def for_output(cls, output: Path, reuse: bool) -> WorkArea:
        """The output's persistent area under the cache, or (``reuse`` false) a fresh temporary one."""
        if not reuse:
            return cls(Path(tempfile.mkdtemp(prefix="align-work-")), temporary=True)
        from .models import cache_root

        name = hashlib.sha256(os.fsencode(output.resolve())).hexdigest()[:24]
        return cls(cache_root() / "work" / name)

    def folder(self, step: str, key: str) -> Path:
        return self.root / step / key

    def done(self, step: str, key: str) -> bool:
        return self.folder(step, key).is_dir()

    def write(self, step: str, key: str, tables: dict, summary: dict | None = None) -> Path:
        """Write a shard's Parquet tables and summary, whole or not at all."""
        import pyarrow.parquet as pq

        final = self.folder(step, key)
        final.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{key[:16]}-", dir=final.parent))
        try:
            for name, table in tables.items():
                pq.write_table(table, scratch / f"{name}.parquet", compression="zstd")
            if summary is not None:
                (scratch / "summary.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
            os.replace(scratch, final)
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        return final

    def summary(self, step: str, key: str) -> dict:
        return json.loads((self.folder(step, key) / "summary.json").read_text(encoding="utf-8"))

    def table(self, step: str, key: str, name: str, filters=None, columns=None):
        import pyarrow.parquet as pq

        return pq.read_table(self.folder(step, key) / f"{name}.parquet", filters=filters, columns=columns)

    def batches(self, step: str, key: str, name: str, size: int = 4096) -> Iterator:
        import pyarrow.parquet as pq

        yield from pq.ParquetFile(self.folder(step, key) / f"{name}.parquet").iter_batches(batch_size=size)

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        if not self.temporary:
            with contextlib.suppress(OSError):
                self.root.parent.rmdir()  # the cache's work folder, when no other build left work there


# ---------------------------------------------------------------------------------- records


def document_schema():
    import pyarrow as pa

    removal = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("reason", pa.string()), ("text", pa.string())])
    return pa.schema(
        [
            ("doc_id", pa.string()),
            ("source", pa.string()),
            ("title", pa.string()),
            ("date", pa.string()),
            ("lang", pa.string()),
            ("text", pa.string()),
            ("removed", pa.list_(removal)),
            ("url", pa.string()),
        ]
    )


def segment_schema():
    import pyarrow as pa

    span = pa.struct([("start", pa.int32()), ("end", pa.int32()), ("lang", pa.string())])
    return pa.schema(
        [
            ("doc_id", pa.string()),
            ("index", pa.int32()),
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("text", pa.string()),
            ("lang", pa.string()),
            ("spans", pa.list_(span)),
        ]
    )


def documents_table(documents: Iterable[Document]):
    import pyarrow as pa

    return pa.Table.from_pylist([document.as_dict() for document in documents], schema=document_schema())


def segments_table(segments: Iterable[Segment]):
    import pyarrow as pa

    rows = [asdict(segment) for segment in segments]
    return pa.Table.from_pylist(rows, schema=segment_schema())


def documents_from(table) -> list[Document]:
    return [
        Document(**(row | {"removed": [Removal(**removal) for removal in row["removed"]]})) for row in table.to_pylist()
    ]


def segments_from(table) -> list[Segment]:
    return [Segment(**(row | {"spans": tuple(Span(**span) for span in row["spans"])})) for row in table.to_pylist()]
