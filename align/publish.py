"""Writing a corpus folder that ``datasets.load_dataset(path)`` loads offline.

Layout of ``corpora/<name>/``::

    README.md            dataset card (YAML front matter: configs, license, languages, …)
    data/<split>-<hash>.parquet  the rows, with the datasets features stored in the Parquet schema
    data/<split>-<hash>.jsonl    the same rows as JSON Lines (<hash>: the file's sha256, 12 digits)
    documents.jsonl      every normalised document with metadata and its removals log
    exports/<split>.en|.ru  Moses plain text, one sentence per line
    exports/corpus.tmx   TMX 1.4b, one <tu> per row
    manifest.json        hashes of inputs, models, lock file and every file above

Splits are chosen per document by a hash of its id, so a document never spans two splits and adding
a document never moves another. The folder is built beside the target and renamed into place, so a
failed build leaves the previous corpus as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jsonlines

from . import __version__
from .errors import AlignError
from .hashing import sha256_file
from .manifest import write_manifest
from .records import Document, ModelRef, Pair

SPLITS = ("train", "validation", "test")
SPLIT_PERCENT = {"train": 80, "validation": 10, "test": 10}
TOOL = "ruen-align"


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


def write_jsonl(path: Path, records: Sequence[dict]) -> None:
    with jsonlines.open(path, mode="w", dumps=dumps) as writer:
        writer.write_all(records)


def write_parquet(path: Path, rows: list[dict]) -> None:
    import datasets

    datasets.disable_progress_bars()
    datasets.Dataset.from_list(rows, features=features()).to_parquet(str(path))


LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def write_moses(folder: Path, split: str, pairs: Sequence[Pair]) -> None:
    """One sentence per line; anything any reader could take for a line break becomes a space."""
    for lang in ("en", "ru"):
        lines = [LINE_BREAKS.sub(" ", getattr(pair, lang)) + "\n" for pair in pairs]
        (folder / f"{split}.{lang}").write_text("".join(lines), encoding="utf-8")


XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    """XML 1.0 cannot hold control characters at all; they become U+FFFD in the TMX export."""
    return XML_INVALID.sub("\ufffd", text)


def write_tmx(path: Path, pairs: Sequence[Pair]) -> None:
    tmx = ET.Element("tmx", version="1.4")
    ET.SubElement(
        tmx,
        "header",
        creationtool=TOOL,
        creationtoolversion=__version__,
        segtype="sentence",
        datatype="plaintext",
        adminlang="en",
        srclang="*all*",
        **{"o-tmf": TOOL},
    )
    body = ET.SubElement(tmx, "body")
    for pair in pairs:
        attributes = {"tuid": pair.id}
        if pair.src_lang:  # aligned human pairs have no known source side: the header's *all*
            attributes["srclang"] = pair.src_lang
        unit = ET.SubElement(body, "tu", attributes)
        ET.SubElement(unit, "prop", type="x-origin").text = pair.origin
        for lang in ("en", "ru"):
            variant = ET.SubElement(unit, "tuv", {"xml:lang": lang})
            ET.SubElement(variant, "seg").text = xml_text(getattr(pair, lang))
    ET.indent(tmx)
    payload = ET.tostring(tmx, encoding="unicode")
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n' + payload + "\n",
        encoding="utf-8",
    )


def size_category(count: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if count < limit:
            return label
    return "1M<n<10M"


def dataset_card(
    info: CorpusInfo, by_split: dict[str, list[Pair]], documents: Sequence[Document], data_files: dict[str, str]
) -> str:
    splits = [split for split in SPLITS if by_split.get(split)]
    total = sum(len(by_split[split]) for split in splits)
    configs = "\n".join(f"      - split: {split}\n        path: {data_files[split]}" for split in splits)
    lines = [
        "---",
        f"pretty_name: {info.name} (English–Russian parallel corpus)",
        "license: other",
        "language:",
        "  - en",
        "  - ru",
        "task_categories:",
        "  - translation",
        "size_categories:",
        f"  - {size_category(total)}",
        "configs:",
        "  - config_name: default",
        "    data_files:",
        configs,
        "---",
        "",
        f"# {info.name}",
        "",
    ]
    test_models = [model for model in info.models if model.test_model]
    if test_models:
        lines += [
            "**This corpus was built with a random-weight TEST MODEL. Its machine translations are "
            "meaningless and must not be used as translations: it exists to test the pipeline.**",
            "",
        ]
    lines += [
        f"A sentence-aligned English–Russian corpus built by `{TOOL}` {__version__} from "
        f"{len(documents)} documents. Every row pairs an English and a Russian sentence "
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
    else:
        lines.append("- none (no machine translation in this corpus)")
    lines += ["", "## Rows", "", "| split | origin | pairs |", "| --- | --- | --- |"]
    for split in splits:
        for origin, count in sorted(Counter(pair.origin for pair in by_split[split]).items()):
            lines.append(f"| {split} | {origin} | {count} |")
    lines += [
        "",
        "Splits are assigned per document by a hash of its id (80/10/10), so no document spans two "
        "splits; small corpora may have fewer than three splits.",
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
        "- `exports/<split>.en`, `exports/<split>.ru`: Moses plain text; `exports/corpus.tmx`: TMX 1.4b",
        "- `manifest.json`: sha256 of inputs, models, lock file and every file; check with "
        "`python -m align verify <folder>`",
        "",
        "## License",
        "",
        "The source texts belong to their publishers (see each document's `source` and `url` in "
        "`documents.jsonl`); check their terms before redistribution.",
        "",
    ]
    return "\n".join(lines)


def publish(
    output: Path,
    info: CorpusInfo,
    documents: Sequence[Document],
    pairs: Sequence[Pair],
    split_keys: dict[str, str] | None = None,
) -> Path:
    """Write the corpus into a sibling temporary folder, then move it into place.

    ``split_keys`` maps a document to the document whose split it shares (a translation goes
    where its partner goes, so no aligned pair straddles two splits).
    """
    split_keys = split_keys or {}
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    return _publish_staged(output, info, documents, pairs, split_keys)


class BuildLocked(AlignError):
    """Another build is writing the same corpus."""


@contextlib.contextmanager
def output_lock(output: Path):
    """Hold a lock on the corpus path for a whole build; refuse at once if it is taken.

    The lock is an ``flock`` on a file in the cache named by the corpus's absolute path (nothing is
    written beside the corpus before it is published). The kernel releases an ``flock`` when its
    process dies, even by SIGKILL, so a killed build never leaves the corpus locked. Holding it,
    we know no other build is running, so staging folders left by killed builds are removed.
    """
    import fcntl

    from .models import cache_root

    output = output.resolve()
    locks = cache_root() / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    handle = open(locks / f"{hashlib.sha256(str(output).encode()).hexdigest()[:24]}.lock", "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(f"another build is writing {output} right now; try again when it has finished") from None
        if output.parent.is_dir():
            for pattern in (f".{output.name}.building-*", f".{output.name}.old-*"):
                for leftover in output.parent.glob(pattern):
                    shutil.rmtree(leftover, ignore_errors=True)
        yield
    finally:
        handle.close()


def _publish_staged(output, info, documents, pairs, split_keys) -> Path:
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.building-", dir=output.parent))
    try:
        by_split: dict[str, list[Pair]] = {split: [] for split in SPLITS}
        data_files: dict[str, str] = {}
        for pair in pairs:
            by_split[split_of(pair.doc_id)].append(pair)
        (staging / "data").mkdir()
        (staging / "exports").mkdir()
        for split, rows in by_split.items():
            if not rows:
                continue
            records = [pair.as_row() for pair in rows]
            data_files[split] = _content_addressed(staging, split, "parquet", lambda path: write_parquet(path, records))
            _content_addressed(staging, split, "jsonl", lambda path: write_jsonl(path, records))
            write_moses(staging / "exports", split, rows)
        write_tmx(staging / "exports" / "corpus.tmx", list(pairs))
        write_jsonl(
            staging / "documents.jsonl",
            [
                dict(document.as_dict(), split=split_of(split_keys.get(document.doc_id, document.doc_id)))
                for document in documents
            ],
        )
        (staging / "README.md").write_text(dataset_card(info, by_split, documents, data_files), encoding="utf-8")
        write_manifest(staging, info.description)
        _swap_into_place(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return output


def _content_addressed(folder: Path, split: str, suffix: str, write: Callable[[Path], None]) -> str:
    """Write ``data/<split>-<sha256[:12]>.<suffix>`` and return its relative path.

    ``datasets`` keys its cache on the data files' names, so a corpus rebuilt in place under the
    same names would load stale rows from the cache; a name that changes with the content cannot.
    """
    scratch = folder / "data" / f".{split}.{suffix}"
    write(scratch)
    name = f"data/{split}-{sha256_file(scratch)[:12]}.{suffix}"
    os.replace(scratch, folder / name)
    return name


def _swap_into_place(staging: Path, output: Path) -> None:
    """Put ``staging`` where ``output`` is, atomically: at no moment is there no corpus.

    Linux exchanges two directories in one step (``renameat2`` with ``RENAME_EXCHANGE``); where
    that is missing, two renames leave a short window, and the old corpus stays in a ``.old-``
    sibling until the new one is in place.
    """
    os.chmod(staging, 0o755)
    if not output.exists():
        os.replace(staging, output)
        return
    if _exchange(staging, output):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous corpus
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
    os.replace(output, retired / output.name)
    os.replace(staging, output)
    shutil.rmtree(retired, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically with Linux's ``renameat2(RENAME_EXCHANGE)``; False if unsupported."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    return result == 0


class PushError(AlignError):
    """Pushing to the Hugging Face Hub failed; the message says why in one line."""


def push_to_hub(folder: Path, repo_id: str, token: str | None = None, private: bool = False) -> str:
    """Upload a published corpus folder as a dataset repository; returns the commit URL.

    The token comes from ``HF_TOKEN`` unless given. The folder is verified against its manifest
    first, so what arrives on the Hub is exactly what the manifest describes.
    """
    from .manifest import verify

    token = token or os.environ.get("HF_TOKEN")
    if not token:
        raise PushError("pushing needs a Hugging Face token in the HF_TOKEN environment variable")
    if "/" not in repo_id or repo_id.count("/") != 1:
        raise PushError(f"{repo_id!r}: a dataset repository is named 'owner/name'")
    check = verify(folder)
    if not check.ok:
        raise PushError(f"{folder} does not match its manifest ({check.lines()[0]}); not pushing")
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    api = HfApi(token=token)
    try:
        api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        commit = api.upload_folder(
            repo_id=repo_id,
            repo_type="dataset",
            folder_path=str(folder),
            commit_message=f"Publish corpus with {TOOL} {__version__}",
        )
    except (HfHubHTTPError, OSError) as error:
        raise PushError(f"push to {repo_id} failed: {str(error).splitlines()[0]}") from None
    return str(getattr(commit, "commit_url", commit))
