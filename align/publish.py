"""Writing a corpus folder that ``datasets.load_dataset(path)`` loads offline.

Layout of ``corpora/<name>/``::

    README.md            dataset card (YAML front matter: configs, license, languages, …)
    data/<split>-<hash>.parquet  the rows, with the datasets features stored in the Parquet schema
    data/<split>-<hash>.jsonl    the same rows as JSON Lines (<hash>: the file's sha256, 12 digits)
    documents.jsonl      every normalised document with metadata and its removals log
    filtered.jsonl       rows the filters removed, each with its ``rule`` and ``reason``
    exports/<split>.en|.ru  Moses plain text, one sentence per line
    exports/corpus.tmx   TMX 1.4b, one <tu> per row
    LICENSE              whose texts these are, when no licence was given (``--license``)
    manifest.json        hashes of inputs, models, lock file and every file above

Splits are chosen per document by a hash of its id, so a document never spans two splits and adding
a document never moves another. The folder is built beside the target and renamed into place, so a
failed build leaves the previous corpus as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jsonlines

from . import __version__
from .destination import TOOL, staging_folder, swap_into_place
from .errors import AlignError
from .filters import FILTERED_FILE, FilterRun, card_counts, card_lines
from .hashing import sha256_file
from .manifest import write_manifest
from .names import single_line
from .records import ModelRef
from .report import write_report

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


def dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


def write_jsonl(path: Path, records: Iterable[dict]) -> None:
    with jsonlines.open(path, mode="w", dumps=dumps) as writer:
        writer.write_all(records)


XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    """XML 1.0 cannot hold control characters at all; they become U+FFFD in the TMX export."""
    return XML_INVALID.sub("\ufffd", text)


class TmxWriter:
    """TMX 1.4b written one ``<tu>`` at a time, so a corpus of millions of rows is never in memory."""

    def __init__(self, path: Path):
        self.handle = path.open("w", encoding="utf-8")
        header = ET.Element(
            "header",
            creationtool=TOOL,
            creationtoolversion=__version__,
            segtype="sentence",
            datatype="plaintext",
            adminlang="en",
            srclang="*all*",
            **{"o-tmf": TOOL},
        )
        self.handle.write('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n')
        self.handle.write(f'<tmx version="1.4">\n  {ET.tostring(header, encoding="unicode")}\n  <body>\n')

    def write(self, row: dict) -> None:
        attributes = {"tuid": row["id"]}
        if row["src_lang"]:  # aligned human pairs have no known source side: the header's *all*
            attributes["srclang"] = row["src_lang"]
        unit = ET.Element("tu", attributes)
        ET.SubElement(unit, "prop", type="x-origin").text = row["origin"]
        for lang in ("en", "ru"):
            variant = ET.SubElement(unit, "tuv", {"xml:lang": lang})
            ET.SubElement(variant, "seg").text = xml_text(row["translation"][lang])
        ET.indent(unit, space="  ", level=2)
        self.handle.write("    " + ET.tostring(unit, encoding="unicode") + "\n")

    def close(self) -> None:
        self.handle.write("  </body>\n</tmx>\n")
        self.handle.close()


class SplitWriter:
    """One split's files, appended to row batch by row batch: Parquet (with the ``datasets``
    features in its schema, so ``load_dataset`` restores the Translation feature), JSON Lines,
    and the Moses pair. Data files get their content-addressed names when closed."""

    BATCH_ROWS = 4096

    def __init__(self, folder: Path, split: str):
        import pyarrow.parquet as pq

        self.folder, self.split = folder, split
        self.schema = features().arrow_schema
        self.parquet = pq.ParquetWriter(folder / "data" / f".{split}.parquet", self.schema, compression="snappy")
        self.jsonl = jsonlines.open(folder / "data" / f".{split}.jsonl", mode="w", dumps=dumps)
        self.moses = {lang: (folder / "exports" / f"{split}.{lang}").open("w", encoding="utf-8") for lang in ("en", "ru")}
        self.buffer: list[dict] = []
        self.origins: Counter = Counter()

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
        for lang, handle in self.moses.items():
            handle.write("".join(single_line(row["translation"][lang]) + "\n" for row in self.buffer))
        self.origins.update(row["origin"] for row in self.buffer)
        self.buffer = []

    def close(self) -> SplitCounts:
        self.flush()
        self.parquet.close()
        self.jsonl.close()
        for handle in self.moses.values():
            handle.close()
        data_file = _content_addressed(self.folder, self.split, "parquet")
        jsonl_file = _content_addressed(self.folder, self.split, "jsonl")
        return SplitCounts(data_file, jsonl_file, dict(sorted(self.origins.items())))


def size_category(count: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if count < limit:
            return label
    return "1M<n<10M"


PUBLISHERS_LICENSE = "publishers-terms"
"""``license_name`` on the card when no licence is given: the texts stay their publishers'."""
MODEL_LINE = re.compile(r"^- `(?P<name>[^`]+)` (?P<version>\S+), sha256 `(?P<sha256>[0-9a-f]{64})`")
SETTINGS_HEADING = "## Build settings"


@dataclass(frozen=True)
class SplitCounts:
    """Rows of one split by origin, and the data files holding them (Parquet is what loads)."""

    data_file: str
    jsonl_file: str
    origins: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.origins.values())


def publishers_license(info: CorpusInfo) -> bool:
    """No licence was given: the card points to a ``LICENSE`` file naming the publishers."""
    return (info.description.get("settings", {}).get("license") or "other") == "other"


def card_front_matter(info: CorpusInfo, splits: dict[str, SplitCounts]) -> dict:
    license_id = info.description.get("settings", {}).get("license") or "other"
    front: dict = {"pretty_name": f"{info.name} (English–Russian parallel corpus)", "license": license_id}
    if publishers_license(info):
        front |= {"license_name": PUBLISHERS_LICENSE, "license_link": "LICENSE"}
    total = sum(counts.rows for counts in splits.values())
    return front | {
        "language": ["en", "ru"],
        "task_categories": ["translation"],
        "size_categories": [size_category(total)],
        "configs": [
            {
                "config_name": "default",
                "data_files": [{"split": split, "path": counts.data_file} for split, counts in splits.items()],
            }
        ],
        "dataset_info": {
            "features": features()._to_yaml_list(),
            "splits": [{"name": split, "num_examples": counts.rows} for split, counts in splits.items()],
        },
    }


def dataset_card(info: CorpusInfo, splits: dict[str, SplitCounts], documents: int) -> str:
    """The card: YAML front matter the Hub reads, then what a person needs to trust the corpus.

    Everything the manifest claims that a reader relies on (rows per split and origin, models
    and their sha256, the test-model warning, the build settings) is stated here too, so that
    ``verify`` can check the card, the manifest and the files against each other.
    """
    import yaml

    front = yaml.safe_dump(card_front_matter(info, splits), sort_keys=False, allow_unicode=True, width=1000)
    lines = ["---", front.rstrip("\n"), "---", "", f"# {info.name}", ""]
    if any(model.test_model for model in info.models):
        lines += [TEST_MODEL_BANNER, ""]
    lines += [
        f"A sentence-aligned English–Russian corpus built by `{TOOL}` {__version__} from "
        f"{documents} documents. Every row pairs an English and a Russian sentence "
        "(`translation` column, the `datasets.Translation` feature).",
        "",
        "## How it was built",
        "",
        "Documents were read, normalised (encoding repair, removal of page chrome, dates, repeated "
        "captions and foreign-language navigation, joining of hard-wrapped lines; every removal is "
        "listed in `documents.jsonl`), split into sentences, and each sentence's language and "
        "mixed-language spans were detected. Sentences were translated offline with Argos Translate "
        "packages run directly on CTranslate2 (`origin: machine`); aligned human translations carry "
        "`origin: human`.",
        "",
        "## Models",
        "",
    ]
    if info.models:
        lines += [
            f"- `{m.name}` {m.version}, sha256 `{m.sha256}`" + (" — **test model**" if m.test_model else "")
            for m in info.models
        ]
        lines += [
            "",
            "A model's sha256 is that of the `sha256sum` listing of the package's files, sorted by path "
            "(see the toolkit's README), so anyone holding the package can recompute it.",
        ]
    else:
        lines.append("- none (no machine translation in this corpus)")
    lines += ["", "## Rows", "", "| split | origin | pairs |", "| --- | --- | --- |"]
    for split, counts in splits.items():
        lines += [f"| {split} | {origin} | {count} |" for origin, count in sorted(counts.origins.items())]
    settings = json.dumps(info.description.get("settings", {}), ensure_ascii=False, indent=2, sort_keys=True)
    lines += [
        "",
        "Splits are assigned per document by a hash of its id (80/10/10), so no document spans two "
        "splits; small corpora may have fewer than three splits.",
        "",
    ]
    if "filters" in info.description:
        filtered = info.description["filters"]
        lines += card_lines(info.description.get("settings", {}).get("filters") or {}, filtered["removed"], filtered["rows_before"])
        lines.append("")
    lines += [
        SETTINGS_HEADING,
        "",
        "```json",
        settings,
        "```",
        "",
        "## Loading",
        "",
        "```python",
        "from datasets import load_dataset",
        f'corpus = load_dataset("corpora/{info.name}")',
        'print(corpus["train"][0]["translation"])',
        "```",
        "",
        "## Files",
        "",
        "- `data/<split>-<hash>.parquet`, `data/<split>-<hash>.jsonl`: the rows (the name carries the "
        "file's sha256, so a rebuilt corpus never loads stale rows from the `datasets` cache)",
        "- `documents.jsonl`: normalised documents, metadata and removals log",
        f"- `{FILTERED_FILE}`: rows the filters removed, with the `rule` and the `reason`",
        "- `report.html`: a page to judge the corpus by (summary, charts, documents), readable offline; "
        "`python -m align report <folder>` writes it again",
        "- `exports/<split>.en`, `exports/<split>.ru`: Moses plain text; `exports/corpus.tmx`: TMX 1.4b",
        "- `manifest.json`: sha256 of inputs, models, lock file and every file; check with "
        "`python -m align verify <folder>`",
        "",
        "## License",
        "",
        "The source texts belong to their publishers (see each document's `source` and `url` in "
        "`documents.jsonl`"
        + (" and `LICENSE`" if publishers_license(info) else "")
        + "); check their terms before redistribution.",
        "",
    ]
    return "\n".join(lines)


TEST_MODEL_BANNER = (
    "**This corpus was built with a random-weight TEST MODEL. Its machine translations are "
    "meaningless and must not be used as translations: it exists to test the pipeline.**"
)


def card_claims(card: str) -> dict:
    """What a card states, read back for ``verify``: front matter, models, rows, settings, banner."""
    import yaml

    if not card.startswith("---\n") or "\n---\n" not in card[4:]:
        raise ValueError("the card has no YAML front matter")
    head, body = card[4:].split("\n---\n", 1)
    front = yaml.safe_load(head) or {}
    rows: dict[str, dict[str, int]] = {}
    for match in re.finditer(r"^\| (\w+) \| (\w+) \| (\d+) \|$", body, re.MULTILINE):
        rows.setdefault(match.group(1), {})[match.group(2)] = int(match.group(3))
    settings_block = re.search(rf"^{SETTINGS_HEADING}\n\n```json\n(.*?)\n```", body, re.MULTILINE | re.DOTALL)
    return {
        "front": front,
        "test_model_banner": TEST_MODEL_BANNER in body,
        "models": [m.groupdict() for m in map(MODEL_LINE.match, body.splitlines()) if m],
        "rows": rows,
        "settings": json.loads(settings_block.group(1)) if settings_block else None,
        "filters": card_counts(body),
    }


def license_text(hosts: Sequence[str], without_url: int) -> str:
    """``LICENSE`` for a corpus whose licence was not given: whose texts these are."""
    lines = [
        "The texts in this corpus were published by others and remain theirs. Each document's origin",
        "is recorded in documents.jsonl (source file and url). Check each publisher's terms before",
        "redistributing; many government sites publish under CC BY 4.0, but not all, and not always.",
        "",
        "Machine translations (origin: machine) were made with the models named in README.md.",
        "",
        "Publishers (hosts of the documents' addresses):",
        *(f"  {host}" for host in hosts),
    ]
    if without_url:
        lines.append(f"  ({without_url} document(s) without an address: see their source in documents.jsonl)")
    return "\n".join(lines) + "\n"


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
        writers: dict[str, SplitWriter] = {}
        tmx = TmxWriter(staging / "exports" / "corpus.tmx")
        filtered = jsonlines.open(staging / FILTERED_FILE, mode="w", dumps=dumps) if filters else None
        for row, removal in filters.apply(rows) if filters else ((row, None) for row in rows):
            if removal is not None:
                filtered.write(row | removal)
                continue
            split = split_of(row["doc_id"])
            if split not in writers:
                writers[split] = SplitWriter(staging, split)
            writers[split].write(row)
            tmx.write(row)
        tmx.close()
        splits = {split: writers[split].close() for split in SPLITS if split in writers}
        if filters:
            filtered.close()
            _count_filtered(info, splits, filters)
        counted = {"documents": 0, "hosts": set(), "without_url": 0}
        write_jsonl(staging / "documents.jsonl", _counting(documents, split_keys, counted))
        (staging / "README.md").write_text(dataset_card(info, splits, counted["documents"]), encoding="utf-8")
        if publishers_license(info):
            (staging / "LICENSE").write_text(license_text(sorted(counted["hosts"]), counted["without_url"]), encoding="utf-8")
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


def _content_addressed(folder: Path, split: str, suffix: str) -> str:
    """Rename ``data/.<split>.<suffix>`` to ``data/<split>-<sha256[:12]>.<suffix>``; return it.

    ``datasets`` keys its cache on the data files' names, so a corpus rebuilt in place under the
    same names would load stale rows from the cache; a name that changes with the content cannot.
    """
    scratch = folder / "data" / f".{split}.{suffix}"
    name = f"data/{split}-{sha256_file(scratch)[:12]}.{suffix}"
    os.replace(scratch, folder / name)
    return name
