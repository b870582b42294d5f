"""``report.html``: one page a person reads to judge a corpus, built from the published files alone.

The report answers "is this any good?" without opening Parquet: a summary (documents, rows by
origin and split, the models, with a loud banner when a random-weight test model made the
translations, the filters and what they removed), charts (sentence lengths per language, the
length ratio, bead scores, removals by reason, the language mix), and, per document, the page as
it was read with every removed stretch struck through and labelled, its sentences with Russian,
English and other-Cyrillic spans coloured, and for bilingual documents the beads side by side
with their scores (weak beads and filtered rows marked).

Three promises shape the code:

* **Offline and self-contained.** The page is one file with inline CSS and inline SVG and no
  script at all; a Content-Security-Policy forbids every fetch, so nothing a corpus holds can make
  a reader's browser contact anyone. The charts are SVG drawn here from our counts (a few
  rectangles each), not a JavaScript charting library: that would need a network or a vendored
  copy, and the page must read the same with scripts off.
* **Deterministic.** The same corpus gives the same bytes: no timestamps, no absolute paths, every
  collection sorted, every number formatted explicitly. The report reads the manifest's
  *description* (settings, models, inputs, document pairs) but never its ``outputs``, so it can be
  written into a corpus before the manifest hashes it, and rewritten afterwards identically.
* **Bounded at scale.** Rows are streamed once into counters; only the documents shown in full
  (the first ``DETAIL_DOCUMENTS`` in publication order, and their translation partners) keep their
  rows in memory. Every document is listed with its counts, in collapsed pages of ``INDEX_PAGE``.

Markup is Jinja2 with autoescaping on, so text from the corpus (a sentence holding ``<script>``)
is always text.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .manifest import MANIFEST

REPORT = "report.html"
FILTERED = "filtered.jsonl"
DOCUMENTS = "documents.jsonl"
SPLITS = ("train", "validation", "test")
DETAIL_DOCUMENTS = 100
"""Documents shown in full by default; each costs about three times its text in HTML."""
INDEX_PAGE = 250
"""Documents per collapsed page of the document list."""
WEAK_SCORE = 0.5
"""Beads scoring below this are highlighted. On the synthetic crawl (``benchmarks.synthetic``) the
aligner scores true translations 0.6-0.95, so a bead under 0.5 is worth a person's look."""
SPAN_LANGS = ("en", "ru", "other", "und")


# ------------------------------------------------------------------------------------ reading


def read_jsonl(path: Path) -> Iterator[dict]:
    """Records of a JSON Lines file, one at a time (blank lines skipped)."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def description_of(manifest: dict) -> dict:
    """The manifest without ``outputs``: what the report may depend on (see the module doc)."""
    return {key: value for key, value in manifest.items() if key != "outputs"}


def data_files(folder: Path, description: dict) -> list[tuple[str, Path]]:
    """The JSON Lines file of each split, in split order: as the manifest names them, else by name."""
    splits = description.get("splits") or {}
    found = []
    for split in sorted(splits, key=lambda name: (SPLITS.index(name) if name in SPLITS else len(SPLITS), name)):
        jsonl = [name for name in splits[split].get("files", []) if name.endswith(".jsonl")]
        found += [(split, folder / name) for name in jsonl]
    if found or splits:
        return found
    named = sorted((folder / "data").glob("*.jsonl")) if (folder / "data").is_dir() else []
    return [(path.name.rsplit("-", 1)[0], path) for path in named]


# --------------------------------------------------------------------------------- histograms


@dataclass
class Histogram:
    """Counts of values in fixed bins, per series (``en``/``ru``, ``human``/``machine`` …)."""

    labels: list[str]
    series: tuple[str, ...]
    counts: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.counts = {name: [0] * len(self.labels) for name in self.series}

    def add(self, name: str, index: int) -> None:
        self.counts[name][index] += 1

    @property
    def total(self) -> int:
        return sum(sum(values) for values in self.counts.values())


LENGTH_STEP, LENGTH_BINS = 20, 20
"""Sentence lengths in characters: bins of 20 up to 400, then one for everything longer."""
RATIO_STEPS_PER_DOUBLING, RATIO_DOUBLINGS = 4, 2
"""Length ratio ru/en on a log scale: quarter-doublings from ¼ to 4, and one bin beyond each end."""
SCORE_BINS = 20


def length_histogram() -> Histogram:
    labels = [f"{i * LENGTH_STEP}" for i in range(LENGTH_BINS)] + [f"{LENGTH_BINS * LENGTH_STEP}+"]
    return Histogram(labels, ("en", "ru"))


def length_bin(length: int) -> int:
    return min(length // LENGTH_STEP, LENGTH_BINS)


def ratio_histogram() -> Histogram:
    steps = RATIO_STEPS_PER_DOUBLING * RATIO_DOUBLINGS
    edges = [2 ** (k / RATIO_STEPS_PER_DOUBLING) for k in range(-steps, steps + 1)]
    labels = [f"<{edges[0]:.2f}"] + [f"{edge:.2f}" for edge in edges[:-1]] + [f"≥{edges[-1]:.2f}"]
    return Histogram(labels, ("human", "machine"))


def ratio_bin(english: int, russian: int) -> int:
    """Bin of ``russian / english`` characters; both must be positive."""
    steps = RATIO_STEPS_PER_DOUBLING * RATIO_DOUBLINGS
    position = math.floor(math.log2(russian / english) * RATIO_STEPS_PER_DOUBLING + 1e-9)
    return min(max(position + steps + 1, 0), 2 * steps + 1)


def score_histogram() -> Histogram:
    return Histogram([f"{i / SCORE_BINS:.2f}" for i in range(SCORE_BINS)], ("score",))


def score_bin(score: float) -> int:
    return min(max(int(score * SCORE_BINS), 0), SCORE_BINS - 1)


# ------------------------------------------------------------------------------------- charts


@dataclass(frozen=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    css: str
    tooltip: str


@dataclass(frozen=True)
class Label:
    x: str
    y: str
    text: str
    anchor: str = "middle"


@dataclass(frozen=True)
class Chart:
    """An SVG chart as numbers the template only prints (coordinates pre-formatted, so the bytes
    never depend on how a float happens to print)."""

    key: str
    title: str
    caption: str
    width: int
    height: int
    bars: list[Bar]
    labels: list[Label]
    legend: list[tuple[str, str]]
    total: int


def _n(value: float) -> str:
    return f"{value:.1f}"


def histogram_chart(key: str, title: str, caption: str, histogram: Histogram, axis: str) -> Chart:
    """Vertical bars, one group per bin and one bar per series side by side."""
    width, height, left, right, top, bottom = 640, 230, 52, 10, 12, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    bins, series = len(histogram.labels), histogram.series
    peak = max((max(values) for values in histogram.counts.values()), default=0)
    group = plot_w / max(bins, 1)
    bar_w = max(group * 0.84 / len(series), 1.0)
    bars, labels = [], []
    for b, label in enumerate(histogram.labels):
        for s, name in enumerate(series):
            count = histogram.counts[name][b]
            if not count:
                continue
            bar_h = plot_h * count / peak
            x = left + b * group + group * 0.08 + s * bar_w
            tip = f"{name}, {label}: {count}" if len(series) > 1 else f"{label}: {count}"
            bars.append(Bar(_n(x), _n(top + plot_h - bar_h), _n(bar_w), _n(bar_h), name, tip))
    every = max(1, math.ceil(bins / 11))
    for b in range(0, bins, every):
        labels.append(Label(_n(left + b * group + group / 2), _n(top + plot_h + 16), histogram.labels[b]))
    labels.append(Label(_n(left + plot_w / 2), _n(height - 6), axis))
    for fraction in (0.0, 0.5, 1.0):
        labels.append(Label(_n(left - 6), _n(top + plot_h - plot_h * fraction + 4), f"{round(peak * fraction)}", "end"))
    legend = [(name, name) for name in series] if len(series) > 1 else []
    return Chart(key, title, caption, width, height, bars, labels, legend, histogram.total)


def category_chart(key: str, title: str, caption: str, counts: Sequence[tuple[str, int, str]]) -> Chart:
    """Horizontal bars, one per category (label, count, CSS class), in the order given."""
    width, row, left, right, top = 640, 22, 230, 70, 6
    height = top * 2 + row * max(len(counts), 1)
    plot_w = width - left - right
    peak = max((count for _, count, _ in counts), default=0)
    bars, labels = [], []
    for i, (label, count, css) in enumerate(counts):
        y = top + i * row
        bar_w = plot_w * count / peak if peak else 0
        if count:
            bars.append(Bar(_n(left), _n(y + 3), _n(max(bar_w, 1.0)), _n(row - 6), css, f"{label}: {count}"))
        labels.append(Label(_n(left - 6), _n(y + row / 2 + 4), label, "end"))
        labels.append(Label(_n(left + bar_w + 6), _n(y + row / 2 + 4), f"{count}", "start"))
    return Chart(key, title, caption, width, height, bars, labels, [], sum(count for _, count, _ in counts))


# ---------------------------------------------------------------------------------- documents


@dataclass
class Entry:
    """One document's line in the document list."""

    number: int
    doc_id: str
    source: str
    title: str
    url: str
    lang: str
    split: str
    chars: int
    removed: int
    repaired: int
    partner: str = ""
    role: str = ""
    """``en`` or ``ru`` side of a document pair, else empty."""
    rows: Counter = field(default_factory=Counter)
    filtered: int = 0
    weak: int = 0
    detailed: bool = False


@dataclass
class Piece:
    """A run of text and how to show it: a language class, or a removal's reason."""

    text: str
    css: str = ""
    note: str = ""


@dataclass
class Sentence:
    index: int
    pieces: list[Piece]
    lang: str
    status: str
    css: str
    translation: str = ""


@dataclass
class BeadView:
    number: int
    english: list[Piece]
    russian: list[Piece]
    src: str
    tgt: str
    score: str
    weak: bool
    filtered: str


@dataclass
class Detail:
    entry: Entry
    page: list[Piece]
    sentences: list[Sentence]
    beads: list[BeadView]
    partner_title: str = ""


def is_repair(removal: dict) -> bool:
    """``changed-by-<repair>`` entries mark kept lines a repair rewrote; nothing was dropped."""
    return str(removal.get("reason", "")).startswith("changed-by-")


BOILERPLATE = "html-boilerplate"
"""``align.html``'s reason for what the extractor dropped from an HTML page."""
PAGE_OFFSET_REASON = re.compile(r"html-boilerplate|nul-bytes-removed|invalid-\w+-replaced")
"""Entries whose offsets index the decoded page rather than the extracted text: the extractor's
drops and decoding repairs (``align.html``, ``align.ingest``). For a plain-text file both are the
same file; for an HTML page the line rules' offsets index the text extracted from it."""
MARKUP_ALLOWANCE = 120
"""Characters of markup between two dropped stretches that hold no kept text (menu items)."""


def page_view(text: str, removals: Sequence[dict]) -> list[Piece]:
    """The page as it was read: kept paragraphs, and each removed stretch where it stood.

    The removals log gives offsets into the raw file (for an HTML page: the extractor's drops in
    the page's source, the line rules' in the extracted text), and the corpus keeps no raw file.
    So a removal is placed at the paragraph boundary its offsets point to (rules drop whole lines,
    and lines fall between paragraphs): ``_in_gaps`` for offsets into text, ``_between_content``
    for offsets into an HTML page's source. A repair (``changed-by-``) is shown before the
    paragraph it falls in, with the line as it was before the repair. Checked against the raw
    files (``python -m benchmarks.bench_report --placement CORPUS INPUT``): 66 of the seeds
    corpus's 67 removals and 3,009 of 3,010 in a 2,200-page synthetic crawl land between the
    right paragraphs (the miss: a caption dropped from inside a hard-wrapped paragraph).
    """
    paragraphs, starts, offset = [], [], 0
    for paragraph in text.split("\n\n") if text else []:
        paragraphs.append(paragraph)
        starts.append(offset)
        offset += len(paragraph) + 2
    html = any(r["reason"] == BOILERPLATE for r in removals)
    in_page = [r for r in removals if html and PAGE_OFFSET_REASON.fullmatch(r["reason"])]
    in_text = [r for r in removals if not (html and PAGE_OFFSET_REASON.fullmatch(r["reason"]))]
    placed = [(estimate, 0, r) for estimate, r in _between_content(in_page, len(text))]
    placed += [(estimate, 1, r) for estimate, r in _in_gaps(in_text, paragraphs)]
    boundaries = starts + [len(text)]
    slots: list[list[tuple[tuple, Piece]]] = [[] for _ in boundaries]
    for estimate, group, removal in placed:
        if is_repair(removal):
            slot = max(bisect.bisect_right(starts, estimate) - 1, 0)
            piece = Piece(str(removal.get("text", "")), "repaired", removal["reason"])
        else:
            k = bisect.bisect_left(boundaries, estimate)
            nearby = [i for i in (k - 1, k) if 0 <= i < len(boundaries)]
            slot = min(nearby, key=lambda i: (abs(boundaries[i] - estimate), i))
            piece = Piece(str(removal.get("text", "")), "removed", removal["reason"])
        # The extracted text sits inside the page: before the first paragraph the page's drops
        # (menus) come first, after the last one the text's own (then the page's footer).
        first = group if slot < len(paragraphs) or not paragraphs else -group
        slots[slot].append(((first, estimate, removal["start"], removal["end"], removal["reason"]), piece))
    pieces: list[Piece] = []
    for slot, placed_here in enumerate(slots):
        pieces += [piece for _, piece in sorted(placed_here, key=lambda item: item[0])]
        if slot < len(paragraphs):
            pieces.append(Piece(paragraphs[slot], "kept"))
    return pieces


def _merged(removals: Sequence[dict]) -> list[list[int]]:
    """The dropped stretches (repairs left out) as sorted, non-overlapping ``[start, end]``."""
    merged: list[list[int]] = []
    for removal in sorted(removals, key=lambda r: (r["start"], r["end"])):
        if is_repair(removal) or removal["end"] <= removal["start"]:
            continue
        if merged and removal["start"] <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], removal["end"])
        else:
            merged.append([removal["start"], removal["end"]])
    return merged


def _in_gaps(removals: Sequence[dict], paragraphs: Sequence[str]) -> list[tuple[float, dict]]:
    """Where each removal stood, for offsets into text made of lines (a plain-text file, or the
    text extracted from an HTML page), as the offset of a paragraph boundary.

    Between two removed stretches the raw file holds kept lines only, so each gap is filled with
    the whole paragraphs whose lengths (plus a line break each) add up closest to it. Every gap
    is matched on its own, so errors (white space the repairs collapsed, blank lines between
    paragraphs) never add up along the page. A repair marks a kept line: it goes before the
    paragraph its gap ends at, and uses up nothing.
    """
    starts = list(itertools.accumulate((len(p) + 2 for p in paragraphs[:-1]), initial=0)) if paragraphs else []
    boundaries = [*starts, sum(len(p) + 2 for p in paragraphs) - 2 if paragraphs else 0]

    def fill(gap: int, first: int) -> int:
        """The index of the paragraph after those (from ``first``) that fill ``gap`` best."""
        taken, index = 0, first
        while index < len(paragraphs) and abs(gap - (taken + len(paragraphs[index]) + 1)) <= abs(gap - taken):
            taken += len(paragraphs[index]) + 1
            index += 1
        return index

    placed = []
    position, index = 0, 0
    for removal in sorted(removals, key=lambda r: (r["start"], r["end"], r["reason"])):
        gap = removal["start"] - position - (1 if position else 0)  # the removed line's own line break
        if is_repair(removal):
            placed.append((float(boundaries[fill(gap, index)]), removal))
            continue
        if gap > 0:
            index = fill(gap, index)
        placed.append((float(boundaries[index]), removal))
        position = max(position, removal["end"])
    return placed


def _between_content(removals: Sequence[dict], length: int) -> list[tuple[float, dict]]:
    """Where each of an HTML page's dropped stretches stood in the extracted text of ``length``.

    Offsets index the page source, where markup sits between every two pieces of text. A gap
    between two dropped stretches longer than the markup around a menu item is taken to hold
    kept text, in proportion to its excess length; a stretch is placed after the kept text of
    the gaps before it. The page's head (before the first drop) holds no kept text.
    """
    merged = _merged(removals)
    gaps = [max(0, b[0] - a[1] - MARKUP_ALLOWANCE) for a, b in itertools.pairwise(merged)]
    content_upto = [0]
    for gap in gaps:
        content_upto.append(content_upto[-1] + gap)
    total = content_upto[-1]
    merged_starts = [start for start, _ in merged]
    placed = []
    for removal in removals:
        k = max(bisect.bisect_right(merged_starts, removal["start"]) - 1, 0)
        placed.append((length * content_upto[k] / total if total else 0.0, removal))
    return placed


def coloured(text: str, spans: Iterable[dict]) -> list[Piece]:
    """``text`` cut at its language spans (code-point offsets); text outside any span is plain."""
    pieces, position = [], 0
    for span in sorted(spans, key=lambda s: (s["start"], s["end"])):
        start, end = max(span["start"], position), min(span["end"], len(text))
        if end <= start:
            continue
        if start > position:
            pieces.append(Piece(text[position:start]))
        pieces.append(Piece(text[start:end], f"lang-{span['lang']}", span["lang"]))
        position = end
    if position < len(text):
        pieces.append(Piece(text[position:]))
    return pieces


def detected_spans(texts: Sequence[str]) -> list[list[dict]]:
    """Spans of texts the corpus stores none for (the Russian side of beads, sentences in no
    row), from the same detector the build uses."""
    if not texts:
        return []
    from .langid import detect_many

    return [
        [{"start": s.start, "end": s.end, "lang": s.lang} for s in detection.spans]
        for detection in detect_many(list(texts))
    ]


def document_sentences(document: dict) -> list[tuple[int, str]]:
    """The document's sentences as the build numbered them (``src_index`` / ``tgt_index``)."""
    from .records import Document
    from .segment import segment_document

    record = Document(
        document["doc_id"],
        document.get("source", ""),
        None,
        None,
        document.get("lang", "und"),
        document.get("text", ""),
    )
    return [(segment.index, segment.text) for segment in segment_document(record)]


# ------------------------------------------------------------------------------------ corpus


@dataclass
class Corpus:
    """Everything the template shows, gathered in one streaming pass over each file."""

    name: str
    description: dict
    entries: list[Entry]
    details: list[Detail]
    rows: Counter
    """(split, origin) → rows."""
    filters: Counter
    filter_reasons: dict[str, str]
    filtered_rows: int
    removals: Counter
    repairs: Counter
    models: list[dict]
    test_model: bool
    charts: list[Chart]
    span_chars: Counter
    mixed_rows: int
    weak_rows: int
    detail_limit: int | None
    has_filtered: bool

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass
class Tally:
    """What the summary and the charts count over every published row, one row at a time."""

    lengths: Histogram = field(default_factory=length_histogram)
    ratios: Histogram = field(default_factory=ratio_histogram)
    scores: Histogram = field(default_factory=score_histogram)
    rows: Counter = field(default_factory=Counter)
    span_chars: Counter = field(default_factory=Counter)
    models: dict[tuple, dict] = field(default_factory=dict)
    mixed: int = 0
    weak: int = 0

    def add(self, split: str, row: dict) -> bool:
        """Count ``row`` of ``split``; True when it is a weak bead."""
        origin = row.get("origin") or "unknown"
        self.rows[(split, origin)] += 1
        english, russian = row["translation"]["en"], row["translation"]["ru"]
        self.lengths.add("en", length_bin(len(english)))
        self.lengths.add("ru", length_bin(len(russian)))
        if english and russian and origin in self.ratios.series:
            self.ratios.add(origin, ratio_bin(len(english), len(russian)))
        score = row.get("score")
        weak = origin == "human" and score is not None and score < WEAK_SCORE
        if origin == "human" and score is not None:
            self.scores.add("score", score_bin(score))
        self.weak += weak
        self.mixed += bool(row.get("mixed"))
        for span in row.get("spans") or ():
            self.span_chars[span["lang"]] += span["end"] - span["start"]
        if row.get("model"):
            model = row["model"]
            self.models[(model["name"], model["version"], model["sha256"])] = model
        return weak


def gather(folder: Path, description: dict, detail_documents: int | None = DETAIL_DOCUMENTS) -> Corpus:
    """Read the corpus folder, file by file, into a ``Corpus``: documents, then the rows of every
    split, then the filtered rows. Only the rows of documents shown in full are kept."""
    partners: dict[str, tuple[str, str]] = {}
    for pair in description.get("document_pairs") or []:
        partners[pair["en"]] = (pair["ru"], "en")
        partners[pair["ru"]] = (pair["en"], "ru")
    entries, kept_documents, removals, repairs = _read_documents(folder, partners, detail_documents)
    by_id = {entry.doc_id: entry for entry in entries}
    detail_rows: dict[str, list[dict]] = defaultdict(list)

    def takers(row: dict) -> list[Entry]:
        """The documents a row comes from: a human row, from both of a pair."""
        doc_id = row.get("doc_id", "")
        ids = [doc_id, partners[doc_id][0]] if row.get("origin") == "human" and doc_id in partners else [doc_id]
        return [by_id[i] for i in ids if i in by_id]

    tally = Tally()
    for split, path in data_files(folder, description):
        for row in read_jsonl(path):
            weak = tally.add(split, row)
            for entry in takers(row):
                entry.rows[row.get("origin") or "unknown"] += 1
                entry.weak += weak
            if row["doc_id"] in kept_documents:
                detail_rows[row["doc_id"]].append(row)

    filters: Counter = Counter()
    filter_reasons: dict[str, str] = {}
    filtered_path = folder / FILTERED
    if filtered_path.is_file():
        for row in read_jsonl(filtered_path):
            rule = str(row.get("rule") or "unnamed")
            filters[rule] += 1
            filter_reasons.setdefault(rule, str(row.get("reason") or ""))
            for entry in takers(row):
                entry.filtered += 1
            if row.get("doc_id") in kept_documents:
                detail_rows[row["doc_id"]].append(row)

    listed = {(m["name"], m["version"], m["sha256"]): m for m in description.get("models") or []} | tally.models
    models = [listed[key] for key in sorted(listed)]
    return Corpus(
        name=str((description.get("settings") or {}).get("name") or "corpus"),
        description=description,
        entries=entries,
        details=_details(entries, kept_documents, detail_rows),
        rows=tally.rows,
        filters=filters,
        filter_reasons=filter_reasons,
        filtered_rows=sum(filters.values()),
        removals=removals,
        repairs=repairs,
        models=models,
        test_model=bool(description.get("test_model")) or any(m.get("test_model") for m in models),
        charts=_charts(tally, removals, filters),
        span_chars=tally.span_chars,
        mixed_rows=tally.mixed,
        weak_rows=tally.weak,
        detail_limit=detail_documents,
        has_filtered=filtered_path.is_file(),
    )


def _read_documents(
    folder: Path, partners: dict[str, tuple[str, str]], limit: int | None
) -> tuple[list[Entry], dict[str, dict], Counter, Counter]:
    """The document list, the documents shown in full (the first ``limit``, and the partners of
    those), and removals and repairs counted by reason over every document."""
    entries: list[Entry] = []
    kept: dict[str, dict] = {}
    wanted: set[str] = set()
    removals: Counter = Counter()
    repairs: Counter = Counter()
    path = folder / DOCUMENTS
    if not path.is_file():
        return entries, kept, removals, repairs
    for number, document in enumerate(read_jsonl(path), 1):
        doc_id = str(document["doc_id"])
        logged = document.get("removed") or []
        dropped = Counter(str(r["reason"]) for r in logged if not is_repair(r))
        fixed = Counter(str(r["reason"]) for r in logged if is_repair(r))
        removals.update(dropped)
        repairs.update(fixed)
        partner, role = partners.get(doc_id, ("", ""))
        entry = Entry(
            number=number,
            doc_id=doc_id,
            source=str(document.get("source") or ""),
            title=str(document.get("title") or ""),
            url=str(document.get("url") or ""),
            lang=str(document.get("lang") or "und"),
            split=str(document.get("split") or ""),
            chars=len(document.get("text") or ""),
            removed=sum(dropped.values()),
            repaired=sum(fixed.values()),
            partner=partner,
            role=role,
        )
        if limit is None or number <= limit or doc_id in wanted:
            entry.detailed = True
            kept[doc_id] = document
            if partner:
                wanted.add(partner)
        entries.append(entry)
    return entries, kept, removals, repairs


def _row_order(row: dict) -> tuple:
    return (min(row.get("src_index") or [0]), min(row.get("tgt_index") or [0]), row.get("id", ""))


def _row_status(row: dict) -> tuple[str, str]:
    """What happened to a row, as a label and a CSS class."""
    if row.get("rule"):
        reason = f": {row['reason']}" if row.get("reason") else ""
        return f"filtered by {row['rule']}{reason}", "filtered"
    if row.get("origin") == "human":
        score = row.get("score")
        weak = score is not None and score < WEAK_SCORE
        return f"human, score {score:.3f}" if score is not None else "human", "weak" if weak else "human"
    return str(row.get("origin") or "published"), "machine"


def _details(entries: list[Entry], documents: dict[str, dict], rows: dict[str, list[dict]]) -> list[Detail]:
    """Page, sentences and beads of every document shown in full.

    Spans come from the rows where a row holds the sentence alone (its source side); the rest
    (sentences in no row, the Russian side of beads) are detected here, in one batch.
    """
    by_id = {entry.doc_id: entry for entry in entries}
    plans = []
    todo: dict[str, int] = {}
    """Texts to detect, each once (a one-sentence bead's Russian side is a sentence of the partner)."""
    for entry in entries:
        if not entry.detailed:
            continue
        document = documents[entry.doc_id]
        own = sorted(rows.get(entry.doc_id, []), key=_row_order)
        russian_partner = entry.role == "ru"  # its sentences are the target side of the partner's rows
        if russian_partner:
            linked = sorted((r for r in rows.get(entry.partner, []) if r.get("origin") == "human"), key=_row_order)
        else:
            linked = own
        sentences = document_sentences(document)
        known: dict[int, tuple[str, list[dict]]] = {}
        """Sentence index → (its text, its spans) from a row holding that sentence alone."""
        status: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        for row in linked:
            indices = row.get("tgt_index" if russian_partner else "src_index") or []
            own_side = "ru" if russian_partner else str(row.get("src_lang") or "en")
            label, css = _row_status(row)
            shown = row["translation"]["en" if own_side == "ru" else "ru"] if row.get("origin") != "human" else ""
            for index in indices:
                status[index].append((label, css, shown))
            if len(indices) == 1 and not russian_partner and row.get("spans") is not None:
                known[indices[0]] = (row["translation"][own_side], row["spans"])
        needed: list[int | None] = []
        for index, text in sentences:
            if index in known and known[index][0] == text:
                needed.append(None)
            else:
                needed.append(todo.setdefault(text, len(todo)))
        beads = [r for r in own if r.get("origin") == "human"] if not russian_partner else []
        bead_todo = []
        for row in beads:
            bead_todo.append(todo.setdefault(row["translation"]["ru"], len(todo)))
        plans.append((entry, document, sentences, known, status, needed, beads, bead_todo))

    spans_of = detected_spans(list(todo))
    details = []
    for entry, document, sentences, known, status, needed, beads, bead_todo in plans:
        shown = []
        for (index, text), slot in zip(sentences, needed):
            spans = spans_of[slot] if slot is not None else known[index][1]
            lang = _sentence_lang(spans)
            marks = status.get(index)
            if marks:
                label = "; ".join(dict.fromkeys(mark[0] for mark in marks))
                css = marks[0][1]
                translation = " | ".join(dict.fromkeys(mark[2] for mark in marks))
            else:
                label, css, translation = _unpublished(lang, entry), "unpublished", ""
            shown.append(Sentence(index, coloured(text, spans), lang, label, css, translation))
        bead_views = []
        for number, (row, slot) in enumerate(zip(beads, bead_todo)):
            score = row.get("score")
            bead_views.append(
                BeadView(
                    number=number,
                    english=coloured(row["translation"]["en"], row.get("spans") or []),
                    russian=coloured(row["translation"]["ru"], spans_of[slot]),
                    src=",".join(map(str, row.get("src_index") or [])),
                    tgt=",".join(map(str, row.get("tgt_index") or [])),
                    score=f"{score:.3f}" if score is not None else "",
                    weak=score is not None and score < WEAK_SCORE,
                    filtered=_row_status(row)[0] if row.get("rule") else "",
                )
            )
        partner = by_id.get(entry.partner)
        details.append(
            Detail(
                entry=entry,
                page=page_view(document.get("text") or "", document.get("removed") or []),
                sentences=shown,
                beads=bead_views,
                partner_title=(partner.title or partner.source) if partner else "",
            )
        )
    return details


def _sentence_lang(spans: Sequence[dict]) -> str:
    """The language most of a sentence's characters are in (``und`` when none is)."""
    chars: Counter = Counter()
    for span in spans:
        if span["lang"] != "und":
            chars[span["lang"]] += span["end"] - span["start"]
    return max(sorted(chars), key=lambda lang: (chars[lang], lang == "ru")) if chars else "und"


def _unpublished(lang: str, entry: Entry) -> str:
    if lang not in ("en", "ru"):
        return f"not published: language {lang}"
    if entry.partner:
        return "not published: left unaligned"
    return "not published"


def _charts(tally: Tally, removals: Counter, filters: Counter) -> list[Chart]:
    by_count = sorted(removals.items(), key=lambda item: (-item[1], item[0]))
    by_rule = sorted(filters.items(), key=lambda item: (-item[1], item[0]))
    removal_bars = [(reason, count, "removal") for reason, count in by_count]
    removal_bars += [(f"filter: {rule}", count, "filter") for rule, count in by_rule]
    return [
        histogram_chart(
            "lengths",
            "Sentence length",
            "Characters per sentence on the English and the Russian side of every published row "
            "(for machine rows one side is the translation).",
            tally.lengths,
            "characters",
        ),
        histogram_chart(
            "ratio",
            "Length ratio",
            "Russian characters divided by English characters, per row, on a log scale; Russian "
            "translations of English run about 10 % longer.",
            tally.ratios,
            "ru / en characters",
        ),
        histogram_chart(
            "scores",
            "Bead scores",
            f"Alignment scores of human rows (aligned bitext), 0 to 1; beads under {WEAK_SCORE:g} are marked weak.",
            tally.scores,
            "score",
        ),
        category_chart(
            "removals",
            "Removals by reason",
            "Lines removed from the pages by normalisation (documents.jsonl) and rows removed by "
            "filters (filtered.jsonl).",
            removal_bars,
        ),
        category_chart(
            "languages",
            "Language mix",
            f"Characters of the source sentences by language span (human rows: the English side); "
            f"{tally.mixed} row(s) mix Russian and English.",
            [(lang, tally.span_chars.get(lang, 0), f"lang-{lang}") for lang in SPAN_LANGS],
        ),
    ]


# ----------------------------------------------------------------------------------- writing


def _environment():
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("align", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["count"] = lambda number: f"{number:,}".replace(",", "\u202f")
    return environment


def render(corpus: Corpus) -> Iterator[str]:
    """The page, piece by piece (the template is streamed, never held whole)."""
    template = _environment().get_template("report.html.j2")
    return template.generate(
        c=corpus,
        version=__version__,
        splits=[split for split in SPLITS if any(key[0] == split for key in corpus.rows)]
        + sorted({key[0] for key in corpus.rows} - set(SPLITS)),
        origins=sorted({key[1] for key in corpus.rows}),
        index_pages=[corpus.entries[i : i + INDEX_PAGE] for i in range(0, len(corpus.entries), INDEX_PAGE)],
        documents_by_lang=sorted(Counter(entry.lang for entry in corpus.entries).items()),
        skipped=sorted(
            Counter(
                str(item.get("reason") or "")
                for item in corpus.description.get("inputs") or []
                if item.get("status") == "skipped"
            ).items()
        ),
        pair_methods=sorted(
            Counter(str(p.get("method")) for p in corpus.description.get("document_pairs") or []).items()
        ),
        settings=sorted((corpus.description.get("settings") or {}).items()),
        filter_rules=_filter_rules(corpus),
        split_totals=_totals(corpus.rows, 0),
        origin_totals=_totals(corpus.rows, 1),
        weak_score=WEAK_SCORE,
    )


def _filter_rules(corpus: Corpus) -> list[tuple[str, str]]:
    """Every rule the build was set up with (``settings.filters``) or that removed a row, with
    its setting as JSON (``—`` when the manifest records none)."""
    settings = (corpus.description.get("settings") or {}).get("filters") or {}
    names = sorted(set(settings) | set(corpus.filters))
    if not names and not corpus.has_filtered:
        return []
    return [(name, json.dumps(settings[name]) if name in settings else "—") for name in names]


def _totals(rows: Counter, position: int) -> Counter:
    """Rows summed by split (``position`` 0) or by origin (1)."""
    totals: Counter = Counter()
    for key, count in rows.items():
        totals[key[position]] += count
    return totals


def write_report(
    folder: Path,
    manifest: dict | None = None,
    *,
    output: Path | None = None,
    detail_documents: int | None = DETAIL_DOCUMENTS,
) -> Path:
    """Write ``folder/report.html`` (or ``output``) and return its path.

    ``manifest`` is the corpus's manifest or the description ``publish`` is about to write (its
    ``outputs`` are ignored either way); by default ``folder/manifest.json`` is read. The file is
    written beside its target and renamed into place, so a reader never sees half a report.
    ``detail_documents``: how many documents to show in full (``None``: all).
    """
    folder = Path(folder)
    if manifest is None:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    corpus = gather(folder, description_of(manifest), detail_documents)
    target = Path(output) if output is not None else folder / REPORT
    scratch = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with scratch.open("x", encoding="utf-8", newline="\n") as handle:
            for chunk in render(corpus):
                handle.write(chunk)
        os.replace(scratch, target)
    except BaseException:
        scratch.unlink(missing_ok=True)
        raise
    return target
