"""The dataset card (``README.md``) and, when no licence was given, the ``LICENSE`` file.

The card is what the Hugging Face Hub shows and what a person reads first: YAML front matter the
Hub parses (configs, licence, languages, features, split sizes), then how the corpus was built,
its models, rows, filters and settings. ``card_claims`` reads a card back, so that ``verify`` can
hold it to the manifest and the files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from .. import __version__
from ..destination import TOOL
from ..filters import FILTERED_FILE, card_counts, card_lines
from .schema import CorpusInfo, SplitCounts, features


def size_category(count: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if count < limit:
            return label
    return "1M<n<10M"


PUBLISHERS_LICENSE = "publishers-terms"
"""``license_name`` on the card when no licence is given: the texts stay their publishers'."""
MODEL_LINE = re.compile(r"^- `(?P<name>[^`]+)` (?P<version>\S+), sha256 `(?P<sha256>[0-9a-f]{64})`")
SETTINGS_HEADING = "## Build settings"


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
        lines += card_lines(
            info.description.get("settings", {}).get("filters") or {}, filtered["removed"], filtered["rows_before"]
        )
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
