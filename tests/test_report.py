"""The corpus report (``python -m align report``): content, escaping, determinism, and a real browser."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import zlib
from dataclasses import asdict
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT, build_args, run_cli
from fixtures.government_prose import ENGLISH, RUSSIAN

from align.normalise import normalise_text
from align.report import (
    REPORT,
    description_of,
    length_bin,
    page_view,
    ratio_bin,
    ratio_histogram,
    score_bin,
    write_report,
)

HOSTILE = 'An editor typed <script>alert("pwned")</script> into a sentence & nobody saw <img src=x onerror=alert(1)>.'
KAZAKH = "Қазақстан Республикасының Үкіметі жаңа бағдарламаны бекітті."
NOTES = f"""title: Notes on <markup> & escaping

The committee discussed how web pages are written and stored by the ministry.

(Applause.)

{HOSTILE}

{KAZAKH}

The meeting ended at noon after a short discussion of the budget for next year.
"""


def write_page(path: Path, url: str, title: str, lines: list[str]) -> None:
    path.write_text(f"url: {url}\ntitle: {title}\n\n" + "\n".join(lines) + "\n", encoding="utf-8")


def build(pages: Path, output: Path, models: Path) -> Path:
    result = run_cli(*build_args(pages, output, "--workers", "1", decoding=8), env={"ALIGN_MODELS": str(models)})
    assert result.returncode == 0, result.stderr
    return output


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, test_store) -> Path:
    """A bilingual page pair (human rows), and a page of notes with hostile markup (too few tags
    for the page to be read as HTML), a stage direction and a Kazakh sentence (machine rows,
    translated by the random-weight test model)."""
    pages = tmp_path_factory.mktemp("pages")
    write_page(pages / "programme-en.txt", "http://government.ru/en/news/777/", "Programme", ENGLISH)
    write_page(pages / "programme-ru.txt", "http://government.ru/news/777/", "Программа", RUSSIAN)
    (pages / "notes-en.txt").write_text(NOTES, encoding="utf-8")
    return build(pages, tmp_path_factory.mktemp("out") / "corpus", test_store)


@pytest.fixture(scope="module")
def report(corpus) -> str:
    result = run_cli("report", str(corpus))
    assert result.returncode == 0, result.stderr
    return (corpus / REPORT).read_text(encoding="utf-8")


def detail_of(corpus: Path, report: str, source: str) -> str:
    """The part of the report showing the document read from ``source`` in full."""
    lines = (corpus / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    doc_id = next(d["doc_id"] for d in map(json.loads, lines) if d["source"] == source)
    return report.split(f'<details class="doc" id="doc-{doc_id}">', 1)[1].split("</details>", 1)[0]


def manifest_of(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------ determinism


def test_the_same_corpus_gives_the_same_bytes_wherever_it_lies(corpus, report, tmp_path):
    again = write_report(corpus, output=tmp_path / "again.html")
    assert again.read_bytes() == (corpus / REPORT).read_bytes()
    moved = tmp_path / "elsewhere" / corpus.name
    shutil.copytree(corpus, moved)
    (moved / REPORT).unlink()
    assert write_report(moved).read_bytes() == (corpus / REPORT).read_bytes()
    assert str(corpus) not in report and str(tmp_path) not in report


def test_the_report_never_depends_on_the_manifest_outputs(corpus, report, tmp_path):
    """So ``publish`` can write it before the manifest hashes the folder, and a later
    ``report`` run rewrites the very same bytes."""
    manifest = manifest_of(corpus)
    before = write_report(corpus, description_of(manifest), output=tmp_path / "before.html")
    manifest["outputs"] = {"anything": "0" * 64}
    after = write_report(corpus, manifest, output=tmp_path / "after.html")
    assert before.read_bytes() == after.read_bytes() == (corpus / REPORT).read_bytes()


# ---------------------------------------------------------------------------------- escaping


class Elements(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer sees them."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_hostile_text_stays_text(report):
    parser = Elements()
    parser.feed(report)
    names = [tag for tag, _ in parser.tags]
    assert "script" not in names and "img" not in names and "markup" not in names
    assert not any(name.startswith("on") for _, attrs in parser.tags for name in attrs)
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in report
    assert "&lt;img src=x onerror=alert(1)&gt;" in report
    assert "Notes on &lt;markup&gt; &amp; escaping" in report
    # nothing that could be fetched: links stay inside the page, and the policy forbids the rest
    links = [attrs.get("href") or attrs.get("src") for _, attrs in parser.tags if attrs.get("href") or attrs.get("src")]
    assert links and all(link.startswith("#") for link in links)
    assert "default-src 'none'" in report


# ----------------------------------------------------------------------------------- content


def test_summary_charts_and_documents_are_there(corpus, report):
    manifest = manifest_of(corpus)
    assert f"<title>{manifest['settings']['name']} — corpus report</title>" in report
    for chart in ("lengths", "ratio", "scores", "removals", "languages"):
        assert f'id="chart-{chart}"' in report
    assert report.count("<svg") == 5  # every chart has data: human rows give bead scores
    for split, claim in manifest["splits"].items():
        for origin, count in claim["origins"].items():
            assert count > 0 and origin in report and split in report
    assert "translate-en_ru" in report  # the model that made the machine rows
    # the notes page: the stage direction struck through with its rule, where it stood
    page = detail_of(corpus, report, "notes-en.txt")
    assert '<span class="reason">stage-direction</span><del>(Applause.)</del>' in page
    kept = page.index("The committee discussed")
    assert kept < page.index("(Applause.)") < page.index("An editor typed")
    # Russian, English and other-Cyrillic spans coloured; the Kazakh sentence is not published
    assert '<span class="lang-other">Қазақстан' in page
    assert "not published: language other" in page
    assert '<span class="lang-ru">' + RUSSIAN[0][:20] in report
    assert '<span class="lang-en">' + ENGLISH[0][:20] in report


def test_the_test_model_banner_shows_exactly_when_a_test_model_was_used(report, tmp_path):
    assert "TEST MODEL — translations are meaningless" in report
    pages = tmp_path / "pages"
    pages.mkdir()
    write_page(pages / "en.txt", "http://government.ru/en/news/9/", "Programme", ENGLISH)
    write_page(pages / "ru.txt", "http://government.ru/news/9/", "Программа", RUSSIAN)
    human_only = build(pages, tmp_path / "human", tmp_path / "no-models")
    assert manifest_of(human_only)["models"] == []
    page = write_report(human_only).read_text(encoding="utf-8")
    assert "TEST MODEL" not in page and "no machine translation in this corpus" in page


def test_filtered_rows_and_weak_beads_are_marked(corpus, tmp_path):
    """A filtered row (filtered.jsonl: the row plus ``rule`` and ``reason``) is counted per rule
    and marked in its document; a human row scoring under 0.5 is highlighted as weak."""
    copy = tmp_path / "corpus"
    shutil.copytree(corpus, copy)
    data = sorted((copy / "data").glob("*.jsonl"))
    rows = [json.loads(line) for path in data for line in path.read_text(encoding="utf-8").splitlines()]
    human = [row for row in rows if row["origin"] == "human"]
    removed = human[1] | {"rule": "made-up-rule", "reason": "removed by the test"}
    (copy / "filtered.jsonl").write_text(json.dumps(removed, ensure_ascii=False) + "\n", encoding="utf-8")
    for path in data:  # one human row moved to filtered.jsonl, another scored low by hand
        edited = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        edited = [
            row | ({"score": 0.125} if row["id"] == human[0]["id"] else {})
            for row in edited
            if row["id"] != removed["id"]
        ]
        path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in edited), encoding="utf-8")
    page = write_report(copy).read_text(encoding="utf-8")
    assert (
        '<tr><td><code>made-up-rule</code></td><td class="mono">—</td><td class="n">1</td><td>removed by the test</td></tr>'
        in page
    )
    assert "filtered by made-up-rule: removed by the test" in page
    weak = [line for line in page.splitlines() if line.startswith('<tr class="weak">')]
    # the bead, and its sentence in the English and in the Russian document
    assert len(weak) == 3 and all("0.125" in line for line in weak)
    assert sum('<td class="n score">0.125</td>' in line for line in weak) == 1
    assert "1 weak bead(s)" in page
    filtered = [line for line in page.splitlines() if line.startswith('<tr class="filtered">')]
    assert len(filtered) == 3 and all("made-up-rule" in line for line in filtered)


def test_documents_beyond_the_limit_are_listed_not_shown(corpus, tmp_path, monkeypatch):
    """At scale: every document is listed, in collapsed pages; only the first are shown in full."""
    import align.report

    monkeypatch.setattr(align.report, "INDEX_PAGE", 2)
    documents = [json.loads(line) for line in (corpus / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    page = write_report(corpus, output=tmp_path / "one.html", detail_documents=1).read_text(encoding="utf-8")
    pairs = manifest_of(corpus)["document_pairs"]
    partner = {p["en"]: p["ru"] for p in pairs} | {p["ru"]: p["en"] for p in pairs}
    shown = [documents[0]["doc_id"]] + ([partner[documents[0]["doc_id"]]] if documents[0]["doc_id"] in partner else [])
    assert page.count('<details class="doc"') == len(shown)
    assert all(f'<details class="doc" id="doc-{doc_id}">' in page for doc_id in shown)
    for number, document in enumerate(documents, 1):
        assert f'<tr><td class="n">{number}</td>' in page and document["doc_id"] in page
    assert page.count('<details class="page-of-index"') == (len(documents) + 1) // 2


def test_cli_refuses_a_folder_that_is_not_a_corpus(tmp_path):
    result = run_cli("report", str(tmp_path))
    assert result.returncode == 2 and "manifest.json" in result.stderr
    assert not (tmp_path / REPORT).exists()


# ---------------------------------------------------------------------------- placement, bins


def test_removed_lines_are_shown_between_the_paragraphs_they_stood_between():
    paragraphs = [f"Paragraph number {n} says something long enough to be prose in a real page." for n in range(6)]
    furniture = {1: "14 March 2024", 3: "(Applause)", 4: "[Laughter]"}
    raw_lines = []
    for n, paragraph in enumerate(paragraphs):
        if n in furniture:
            raw_lines += [furniture[n], ""]
        raw_lines += [paragraph, ""]
    text, removals = normalise_text("\n".join(raw_lines))
    assert text.split("\n\n") == paragraphs
    shown = [(piece.css, piece.text) for piece in page_view(text, [asdict(r) for r in removals])]
    expected = []
    for n, paragraph in enumerate(paragraphs):
        if n in furniture:
            expected.append(("removed", furniture[n]))
        expected.append(("kept", paragraph))
    assert shown == expected


def test_html_drops_are_placed_by_the_page_source():
    """An HTML page's menu, caption and footer (offsets in the page source) and its own line
    rules' removals (offsets in the extracted text) land where the source had them."""
    from align.ingest import decode_input, read_document
    from align.normalise import normalise

    page = ROOT / "tests" / "fixtures" / "pages" / "minsever_en_news_1.html"
    document = normalise(read_document(page))
    source = decode_input(page.read_bytes(), page.name).text
    removed = [asdict(r) for r in document.removed]
    pieces = page_view(document.text, removed)
    dropped = [r for r in removed if r["reason"] == "html-boilerplate"]
    body = min(r["start"] for r in dropped)
    paragraph_at = [source.find(paragraph[:30], body) for paragraph in document.text.split("\n\n")]
    assert all(position > 0 for position in paragraph_at)
    kept_before = 0
    by_text = {r["text"]: r for r in dropped}
    checked = 0
    for piece in pieces:
        if piece.css == "kept":
            kept_before += 1
        elif piece.note == "html-boilerplate":
            truth = sum(position < by_text[piece.text]["start"] for position in paragraph_at)
            assert kept_before == truth, piece.text
            checked += 1
    assert checked == len(dropped) >= 10
    assert sum(position < max(r["start"] for r in dropped) for position in paragraph_at) > 0


def test_histogram_bins():
    labels = ratio_histogram().labels
    assert labels[ratio_bin(100, 110)] == "1.00"  # 1.10 lies in [1, 2^¼)
    assert labels[ratio_bin(100, 90)] == "0.84"  # 0.90 lies in [2^-¼, 1)
    assert ratio_bin(100, 10) == 0 and labels[ratio_bin(10, 100)].startswith("≥")
    assert length_bin(0) == 0 and length_bin(19) == 0 and length_bin(20) == 1 and length_bin(10_000) == 20
    assert score_bin(0.0) == 0 and score_bin(0.049) == 0 and score_bin(0.05) == 1 and score_bin(1.0) == 19


# ------------------------------------------------------------------------------------ browser


def chromium() -> str:
    """The browser, or a skip where it is absent; under CI its absence is a failure."""
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if found:
        return found
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        pytest.fail("CI: chromium is not installed (.ci/run installs it with apt-get install -y chromium)")
    pytest.skip("chromium is not installed (apt-get install -y chromium); the browser test needs it")


def empty_network() -> list[str]:
    """A prefix that runs a command in a network namespace of its own, with no way out: Chromium
    calls Google's servers at start-up by itself, and nothing may leave this machine."""
    for prefix in (["unshare", "-n"], ["unshare", "-rn"]):
        if (
            shutil.which(prefix[0])
            and subprocess.run([*prefix, "true"], check=False, capture_output=True).returncode == 0
        ):
            return prefix
    pytest.fail("cannot create an empty network namespace (unshare -n / unshare -rn); not running Chromium")


def open_in_chromium(page: Path, work: Path, action: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run headless Chromium on ``page`` with ``action`` (``--screenshot=…``, ``--dump-dom``);
    return the process and the URLs the page itself asked for (from Chromium's net log)."""
    work.mkdir(parents=True, exist_ok=True)
    netlog = work / "netlog.json"
    home = {"HOME": str(work), "XDG_CONFIG_HOME": str(work / "config"), "XDG_CACHE_HOME": str(work / "cache")}
    command = [
        *empty_network(),
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-default-apps",
        "--hide-scrollbars",
        "--window-size=1280,2200",
        "--force-device-scale-factor=0.5",  # the whole top of the page in a quarter of the pixels
        f"--user-data-dir={work / 'profile'}",
        f"--log-net-log={netlog}",
        action,
        page.as_uri(),
    ]
    done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=180, env={**os.environ, **home})
    assert done.returncode == 0, done.stderr[-2000:]
    return done, page_requests(json.loads(netlog.read_text(encoding="utf-8")))


def page_requests(netlog: dict) -> list[str]:
    """URLs requested on behalf of a page opened from a file (its network isolation key is
    ``file://``), leaving out Chromium's own calls home, which carry no such key."""
    start = netlog["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return sorted(
        event["params"]["url"]
        for event in netlog["events"]
        if event["type"] == start and "file://" in event.get("params", {}).get("network_isolation_key", "")
    )


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and RGB rows of an 8-bit RGB or RGBA PNG (all five row filters)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat = 8, b""
    while position < len(data):
        (length,), kind = struct.unpack(">I", data[position : position + 4]), data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
        elif kind == b"IDAT":
            idat += body
    channels = 3 if colour == 2 else 4
    stride = width * channels
    raw = zlib.decompress(idat)
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up, corner = previous[x], previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - corner
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        previous = line
        rows.append(bytes(line) if channels == 3 else bytes(b for i, b in enumerate(line) if i % 4 != 3))
    return width, height, rows


def colour_count(rows: list[bytes], rgb: tuple[int, int, int], tolerance: int = 6) -> int:
    """Pixels within ``tolerance`` of ``rgb`` in every channel."""
    import numpy as np

    pixels = np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(-1, 3).astype(np.int16)
    return int((np.abs(pixels - np.array(rgb, dtype=np.int16)) <= tolerance).all(axis=1).sum())


def test_chromium_renders_the_report_offline(corpus, report, tmp_path):
    """Headless Chromium, in a network namespace of its own, renders the report: the screenshot
    is not blank, the test-model banner and the chart bars are painted, the DOM holds the title
    and the charts, and the page asked for nothing over the network. A control page that does
    ask for an image shows that the net-log check would see it."""
    page = corpus / REPORT
    shot = tmp_path / "report.png"
    _, asked = open_in_chromium(page, tmp_path / "shot", f"--screenshot={shot}")
    assert asked == []
    width, height, rows = png_pixels(shot.read_bytes())
    assert (width, height) == (640, 1100)
    assert colour_count(rows, (255, 255, 255), 0) < 0.95 * width * height  # something was drawn
    assert colour_count(rows[:150], (0xC5, 0x30, 0x30)) > 5_000  # the red test-model banner, on top
    assert colour_count(rows, (0x2B, 0x6C, 0xB0)) > 500  # blue chart bars (English)
    dumped, asked = open_in_chromium(page, tmp_path / "dom", "--dump-dom")
    assert asked == []
    manifest = manifest_of(corpus)
    assert f"<title>{manifest['settings']['name']} — corpus report</title>" in dumped.stdout
    assert dumped.stdout.count("<svg") == 5 and "<rect" in dumped.stdout

    control = tmp_path / "control.html"
    control.write_text('<!DOCTYPE html><title>c</title><img src="http://report.invalid/x.png">', encoding="utf-8")
    _, asked = open_in_chromium(control, tmp_path / "control", f"--screenshot={tmp_path / 'control.png'}")
    assert asked == ["http://report.invalid/x.png"]
