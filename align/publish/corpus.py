"""Publishing a corpus folder: rows streamed through the filters into every export format, then
the documents, the card, the report and the manifest, built in a staging folder and swapped in.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import jsonlines

from ..destination import staging_folder, swap_into_place
from ..errors import AlignError
from ..filters import FILTERED_FILE, FilterRun
from ..manifest import write_manifest
from ..report import write_report
from .card import dataset_card, license_text, publishers_license
from .formats import EXPORTS
from .parquet import DataFiles
from .schema import SPLITS, CorpusInfo, SplitCounts, dumps, split_of, write_jsonl


def publish(
    output: Path,
    info: CorpusInfo,
    documents: Iterable[dict],
    rows: Iterable[dict],
    split_keys: dict[str, str] | None = None,
    filters: FilterRun | None = None,
) -> Path:
    """Stream documents and rows into a hidden sibling staging folder, then swap it into place.

    ``documents`` are ``Document.as_dict()`` records and ``rows`` ``Pair.as_row()`` records, each
    in publication order; both are consumed once, so memory does not grow with the corpus. A row
    goes to the split of its ``doc_id``; ``split_keys`` maps a document to the document whose
    split it shares (a translation goes where its partner goes, so no aligned pair straddles two
    splits). ``output`` must have passed ``destination.check_output``; the caller holds its lock.

    ``filters`` judges each row on the way: a removed row goes to ``filtered.jsonl`` with its rule
    and reason instead of the splits. ``info.description["counts"]`` is updated to the rows
    written and filtered, so the caller's description and the manifest say what was published.
    """
    split_keys = split_keys or {}
    output = output.resolve()
    staging = staging_folder(output, "building")
    try:
        (staging / "data").mkdir()
        (staging / "exports").mkdir()
        exports = {name: export(staging) for name, export in EXPORTS.items()}
        origins: dict[str, Counter] = {}
        filtered = jsonlines.open(staging / FILTERED_FILE, mode="w", dumps=dumps) if filters else None
        for row, removal in filters.apply(rows) if filters else ((row, None) for row in rows):
            if removal is not None:
                assert filtered is not None  # only filters remove rows, and with filters it is open
                filtered.write(row | removal)
                continue
            split = split_of(row["doc_id"])
            origins.setdefault(split, Counter())[row["origin"]] += 1
            for export in exports.values():
                export.write(split, row)
        for export in exports.values():
            export.close()
        data = exports["data"]
        if not isinstance(data, DataFiles):
            raise TypeError("the 'data' export must be DataFiles: the card and the manifest name its files")
        splits = split_counts(data.files, origins)
        if filters:
            assert filtered is not None
            filtered.close()
            _count_filtered(info, splits, filters)
        counted: dict[str, Any] = {"documents": 0, "hosts": set(), "without_url": 0}
        write_jsonl(staging / "documents.jsonl", _counting(documents, split_keys, counted))
        (staging / "README.md").write_text(dataset_card(info, splits, counted["documents"]), encoding="utf-8")
        if publishers_license(info):
            (staging / "LICENSE").write_text(
                license_text(sorted(counted["hosts"]), counted["without_url"]), encoding="utf-8"
            )
        description = info.description | {
            "splits": {
                split: {"rows": c.rows, "origins": c.origins, "files": [c.data_file, c.jsonl_file]}
                for split, c in splits.items()
            }
        }
        write_report(staging, description)  # read back from the staged files, hashed like the rest
        write_manifest(staging, description)
        swap_into_place(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return output


def split_counts(data_files: dict[str, tuple[str, str]], origins: dict[str, Counter]) -> dict[str, SplitCounts]:
    """Each split's rows by origin and its data files, in ``SPLITS`` order (a split no row went
    to has no files and is left out)."""
    return {
        split: SplitCounts(*data_files[split], dict(sorted(origins[split].items())))
        for split in SPLITS
        if split in data_files
    }


class NothingPublished(AlignError):
    """Every row was filtered out: no corpus is published, the previous one stays."""


def _count_filtered(info: CorpusInfo, splits: dict[str, SplitCounts], filters: FilterRun) -> None:
    """Record what the filters removed, and the rows written, in the description (and manifest)."""
    written: Counter = Counter()
    for counts in splits.values():
        written.update(counts.origins)
    removed = filters.counts()
    total, dropped = sum(written.values()), sum(removed.values())
    if not total:
        raise NothingPublished(
            f"nothing to publish: the filters removed all {dropped} rows ({', '.join(f'{n} {r}' for r, n in removed.items() if n)}); "
            "the previous corpus, if any, is left as it was"
        )
    info.description.setdefault("settings", {}).setdefault("filters", filters.resolved())
    info.description.setdefault("counts", {}).update(
        pairs=total, human_pairs=written["human"], machine_pairs=written["machine"], filtered=dropped
    )
    info.description["filters"] = {"file": FILTERED_FILE, "removed": removed, "rows_before": total + dropped}


def _counting(documents: Iterable[dict], split_keys: dict[str, str], counted: dict) -> Iterator[dict]:
    """Documents with their split, counting them and their publishers' hosts on the way."""
    from urllib.parse import urlsplit

    for document in documents:
        counted["documents"] += 1
        host = urlsplit(document["url"]).netloc.lower() if document.get("url") else ""
        if host:
            counted["hosts"].add(host)
        else:
            counted["without_url"] += 1
        yield document | {"split": split_of(split_keys.get(document["doc_id"], document["doc_id"]))}
