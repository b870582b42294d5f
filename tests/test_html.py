"""HTML pages: extraction, metadata, charsets, the removals log, and pages that must not hurt.

The pages in ``tests/fixtures/pages`` were written for these tests (fictional sites): English and
Russian government news with modern chrome, a legacy table layout in windows-1251, a KOI8-R page.
``gold.json`` beside them says which lines are article and which are chrome.
"""

from __future__ import annotations

import html as entities
import json
import re
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
from fixtures.government_prose import ENGLISH, RUSSIAN
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from align import html
from align.ingest import SkippedInput, decode_input, document_from_bytes, read_document
from align.normalise import normalise

PAGES = Path(__file__).parent / "fixtures" / "pages"
GOLD = json.loads((PAGES / "gold.json").read_text(encoding="utf-8"))["pages"]
ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

KNOWN_LOSSES = {
    "legacy_ru_cp1251.html": {
        (
            "11 марта глава района Николай Петрович Самойлов провёл совещание с руководителями предприятий "
            "жилищно-коммунального хозяйства, посвящённое завершению отопительного сезона 2007–2008 годов."
        )
    }
}
"""Article paragraphs our line rules (not the extractor) drop: the first paragraph of the legacy page
reaches the page edge once the chrome above it is gone, and holds two four-digit numbers (the
years 2007–2008), which ``normalise.page_chrome_reason`` takes for a visitor counter."""


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def chrome_found(line: str, text: str) -> bool:
    pattern = r"(?<!\w)" + r"\s*".join(re.escape(word) for word in flat(line).split()) + r"(?!\w)"
    return re.search(pattern, text) is not None


def page_bytes(name: str) -> bytes:
    return (PAGES / name).read_bytes()


@pytest.fixture(scope="module")
def documents():
    return {name: read_document(PAGES / name, name) for name in GOLD}


# ------------------------------------------------------------------------------- the fixture pages


@pytest.mark.parametrize("name", sorted(GOLD))
def test_page_metadata_and_encoding(documents, name):
    raw = documents[name]
    gold = GOLD[name]
    assert raw.encoding == gold["encoding"]
    for key, value in gold["metadata"].items():
        assert raw.metadata.get(key) == value, key
    assert set(raw.metadata) >= set(gold["metadata"])
    document = normalise(raw)
    assert document.title == gold["metadata"]["title"]
    assert document.date == gold["metadata"]["date"]
    assert document.url == gold["metadata"].get("url")
    assert document.lang == gold["lang"]


@pytest.mark.parametrize("name", sorted(GOLD))
def test_chrome_is_gone_after_normalisation(documents, name):
    text = flat(normalise(documents[name]).text)
    for paragraph in GOLD[name]["article"]:
        text = text.replace(flat(paragraph), "\n")
    left = [line for line in GOLD[name]["chrome"] if chrome_found(line, text)]
    assert left == []


@pytest.mark.parametrize("name", sorted(GOLD))
def test_every_article_paragraph_survives(documents, name):
    document = normalise(documents[name])
    paragraphs = {flat(paragraph) for paragraph in document.text.split("\n\n")}
    expected = [flat(p) for p in GOLD[name]["article"] if p not in KNOWN_LOSSES.get(name, set())]
    missing = [paragraph for paragraph in expected if paragraph not in paragraphs]
    assert missing == []


def test_legacy_first_paragraph_survives(documents):
    name = "legacy_ru_cp1251.html"
    text = flat(normalise(documents[name]).text)
    assert all(flat(paragraph) in text for paragraph in KNOWN_LOSSES[name])


@pytest.mark.parametrize("name", sorted(GOLD))
def test_extraction_alone_keeps_paragraphs_one_per_line(documents, name):
    """The extracted text has each article paragraph whole on a line of its own, so the line
    rules see the page's structure (a legacy page's ``<br><br>`` paragraphs included)."""
    lines = {flat(line) for line in documents[name].text.splitlines()}
    assert [p for p in GOLD[name]["article"] if flat(p) not in lines] == []


def test_headings_are_kept():
    text = normalise(read_document(PAGES / "fisheries_en_release.html")).text.split("\n\n")
    assert "Why the rules were changed" in text and "Where to find the full text" in text


def test_russian_page_keeps_english_switcher_out(documents):
    document = normalise(documents["minsever_ru_news_1.html"])
    assert "English" not in document.text and document.lang == "ru"


# ------------------------------------------------------------------------------ the removals log


def visible(fragment: str) -> str:
    """A stretch of page source as the characters a reader sees, white space left out."""
    fragment = re.sub(r"<[^>]*>", " ", fragment)
    return html.NOT_KEY.sub("", entities.unescape(fragment))


@pytest.mark.parametrize("name", sorted(GOLD))
def test_boilerplate_removals_point_at_their_text(documents, name):
    raw = documents[name]
    page = decode_input(page_bytes(name), name).text
    dropped = [removal for removal in raw.repairs if removal.reason == "html-boilerplate"]
    for removal in dropped:
        assert 0 <= removal.start < removal.end <= len(page)
        assert visible(page[removal.start : removal.end]).startswith(html.NOT_KEY.sub("", removal.text.rstrip("…")))
    logged = " ".join(flat(removal.text) for removal in dropped)
    if name != "legacy_ru_cp1251.html":  # there the extractor keeps the whole layout table
        assert any("cookie" in removal.text.lower() or "Комитет" in removal.text for removal in dropped)
        for line in GOLD[name]["chrome"][:5]:
            assert flat(line) in logged
    for paragraph in GOLD[name]["article"]:
        assert flat(paragraph)[:60] not in logged


def test_removals_log_reaches_the_document():
    document = normalise(read_document(PAGES / "minsever_en_news_1.html"))
    reasons = [removal.reason for removal in document.removed]
    assert "html-boilerplate" in reasons
    cookie = next(r for r in document.removed if r.text.startswith("This website uses cookies"))
    assert cookie.reason == "html-boilerplate"


def test_line_rules_finish_the_legacy_layout(documents):
    document = normalise(documents["legacy_ru_cp1251.html"])
    reasons = {removal.reason for removal in document.removed}
    assert {"page-edge-chrome", "date-or-time-line"} <= reasons
    assert "Посетителей" not in document.text and "Погода" not in document.text


# ------------------------------------------------------------------------------------- charsets


def test_http_header_charset_wins_over_meta():
    body = "<html><head><meta charset='utf-8'><title>Т</title></head><body><p>" + RUSSIAN[0] + "</p></body></html>"
    decoded = decode_input(body.encode("cp1251"), "page.html", "windows-1251")
    assert decoded.encoding == "cp1251" and RUSSIAN[0] in decoded.text


@pytest.mark.parametrize("label", ["ISO-8859-1", "latin1", "us-ascii"])
def test_latin_header_on_a_cyrillic_page_is_not_believed(label):
    decoded = decode_input(page_bytes("legacy_ru_cp1251.html"), "page.html", label)
    assert decoded.encoding == "cp1251"
    assert "отопительного сезона" in decoded.text


def test_undeclared_legacy_pages_are_detected():
    for name, encoding in (("legacy_ru_cp1251.html", "cp1251"), ("eco_ru_koi8.html", "koi8_r")):
        data = re.sub(rb"(?i)<meta[^>]*charset[^>]*>", b"", page_bytes(name))
        decoded = decode_input(data, name)
        assert decoded.encoding == encoding
        assert flat(GOLD[name]["article"][-1]) in flat(decoded.text)


def test_declaration_contradicted_by_the_bytes():
    page = "<!doctype html><html><head><meta charset='{}'></head><body><p>{}</p></body></html>"
    utf8_declared_cp1251 = page.format("utf-8", " ".join(RUSSIAN[:4])).encode("cp1251")
    assert decode_input(utf8_declared_cp1251, "a.html").encoding == "cp1251"
    cp1251_declared_utf8 = page.format("windows-1251", " ".join(RUSSIAN[:4])).encode("utf-8")
    assert decode_input(cp1251_declared_utf8, "b.html").encoding == "utf-8"
    bom = b"\xef\xbb\xbf" + page.format("koi8-r", RUSSIAN[0]).encode("utf-8")
    assert decode_input(bom, "c.html").encoding == "utf-8"


def test_undefined_bytes_in_the_declared_charset_are_logged():
    page = "<html><head><meta charset='windows-1251'></head><body><p>" + RUSSIAN[0] + "</p></body></html>"
    data = page.encode("cp1251").replace("Правительство".encode("cp1251"), b"\x98")  # 0x98: not in cp1251
    decoded = decode_input(data, "page.html")
    assert decoded.encoding == "cp1251"
    assert [repair.reason for repair in decoded.repairs] == ["invalid-cp1251-replaced"]


def test_charset_labels():
    assert html.codec_name("Windows-1251") == "cp1251"
    assert html.codec_name("KOI8-R") == "koi8_r"
    assert html.codec_name("iso-8859-1") == "cp1252"
    assert html.codec_name("UTF8") == "utf-8"
    assert html.codec_name("no-such-charset") is None
    assert html.charset_from_content_type('text/html; charset="windows-1251"') == "cp1251"
    assert html.charset_from_content_type("text/html") is None


# ------------------------------------------------------------------------------------- sniffing


def test_html_in_a_text_file_is_html(tmp_path):
    path = tmp_path / "saved-page.txt"
    path.write_bytes(page_bytes("minsever_en_news_1.html"))
    raw = read_document(path, "saved-page.txt")
    assert raw.metadata["title"] == GOLD["minsever_en_news_1.html"]["metadata"]["title"]
    assert "<p>" not in raw.text


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda path: path.name)
def test_seed_texts_are_not_html(path):
    assert not html.looks_like_html(path.read_text(encoding="utf-8"), path.name)


def test_prose_mentioning_tags_is_not_html():
    prose = "\n".join(ENGLISH) + "\nUse <b> for bold and <i> for italics. <…> (Applause)\n" + "\n".join(RUSSIAN)
    assert not html.looks_like_html(prose, "notes.txt")
    assert html.looks_like_html("<p>One paragraph.</p>", "fragment.html")


def test_fragment_of_html_in_a_txt_file():
    fragment = "".join(
        f"<div class='x'><p>{sentence}</p><a href='/n/{i}'>More</a></div>" for i, sentence in enumerate(ENGLISH)
    )
    assert html.looks_like_html(fragment, "fragment.txt")
    raw = document_from_bytes(fragment.encode(), "fragment.txt")
    assert ENGLISH[0] in raw.text and "<p>" not in raw.text


# ------------------------------------------------------------------------------------- metadata


def test_given_metadata_wins_and_page_values_are_kept():
    raw = document_from_bytes(
        page_bytes("minsever_en_news_1.html"),
        "crawl.warc.gz#1234",
        {"url": "https://minsever.example/en/news/1/?utm=x", "date": "2024-03-15T08:00:00Z", "record_offset": "1234"},
    )
    assert raw.metadata["url"] == "https://minsever.example/en/news/1/?utm=x"
    assert raw.metadata["page_url"] == "https://minsever.example/en/news/1/"
    assert raw.metadata["date"] == "2024-03-15T08:00:00Z" and raw.metadata["page_date"] == "2024-03-14"
    assert raw.metadata["record_offset"] == "1234"
    assert raw.source == "crawl.warc.gz#1234"


def test_relative_canonical_is_resolved_against_the_address():
    page = (
        "<html><head><link rel='canonical' href='/en/news/7/'><title>A title</title></head><body>"
        + "".join(f"<p>{s}</p>" for s in ENGLISH)
        + "</body></html>"
    )
    extracted = html.extract(page, url="https://site.example/en/news/7/?print=1")
    assert extracted.metadata["url"] == "https://site.example/en/news/7/"


def test_date_never_after_the_capture():
    body = "".join(f"<p>{s}</p>" for s in ENGLISH)
    future = f"<html><head><meta property='article:published_time' content='2031-03-12T10:00:00Z'></head><body>{body}</body></html>"
    assert "date" not in html.extract(future, captured="2024-01-01T00:00:00Z").metadata
    assert html.extract(future).metadata["date"] == "2031-03-12"  # no capture time: a fixed horizon, not today


def test_date_line_in_the_text_of_a_legacy_page():
    page = "<html><body><table><tr><td><b>{}</b><br>{}</td></tr></table></body></html>"
    body = "<br><br>".join(RUSSIAN[:6])
    assert html.extract(page.format("05.06.2006", body)).metadata["date"] == "2006-06-05"
    assert html.extract(page.format("14 марта 2024 г.", body)).metadata["date"] == "2024-03-14"
    assert "date" not in html.extract(page.format("05.06.2031", body), captured="2024-01-01").metadata
    assert html.date_line("В 2024 году") is None and html.date_line("31.02.2020") is None


def test_extraction_is_deterministic():
    page = decode_input(page_bytes("legacy_ru_cp1251.html"), "legacy").text
    assert html.extract(page) == html.extract(page)


# ------------------------------------------------------------------------- pages that must not hurt


def test_html_bomb_is_skipped_quickly():
    depth = 100_000
    bomb = ("<html><body>" + "<div>" * depth + "<p>Deep.</p>" + "</div>" * depth + "</body></html>").encode()
    started = time.monotonic()
    with pytest.raises(SkippedInput, match="nested deeper than 250 elements"):
        document_from_bytes(bomb, "bomb.html")
    assert time.monotonic() - started < 10


def test_deep_but_legal_nesting_is_extracted():
    depth = 200
    page = (
        "<html><body>" + "<div>" * depth + "".join(f"<p>{s}</p>" for s in ENGLISH) + "</div>" * depth + "</body></html>"
    )
    raw = document_from_bytes(page.encode(), "deep.html")
    assert ENGLISH[-1] in raw.text


def test_oversized_html_is_skipped_before_decoding():
    big = (
        b"<html><body>" + b"<p>A paragraph of a page that is far too large.</p>\n" * (9 << 20 >> 5) + b"</body></html>"
    )
    assert len(big) > html.MAX_HTML_BYTES
    with pytest.raises(SkippedInput, match="HTML page larger than 8 MiB"):
        document_from_bytes(big, "big.html")


def test_too_many_tags_is_skipped():
    page = "<html><body>" + "<b></b>" * (html.MAX_TAGS // 2 + 1) + "<p>Text.</p></body></html>"
    with pytest.raises(SkippedInput, match="more than 500,000 tags"):
        document_from_bytes(page.encode(), "tags.html")


def test_slow_extraction_is_stopped(monkeypatch):
    monkeypatch.setattr(html, "EXTRACT_SECONDS", 0.05)
    page = "<html><body>" + "".join(f"<p>{ENGLISH[i % 12]} {i}</p>" for i in range(20_000)) + "</body></html>"
    with pytest.raises(SkippedInput, match="HTML extraction took longer than 0.05 s"):
        document_from_bytes(page.encode(), "slow.html")


def test_page_without_text_is_skipped_quietly():
    for page in (
        b"<html><head><title>Only a title</title></head><body></body></html>",
        b"<!DOCTYPE html><html></html>",
    ):
        with pytest.raises(SkippedInput):
            document_from_bytes(page, "empty.html")
    # Outside pytest (which captures logging), nothing reaches stderr: the libraries' log warnings
    # ("discarding data") have NullHandlers and no last-resort printing.
    script = (
        "from align.ingest import SkippedInput, document_from_bytes\n"
        "try:\n    document_from_bytes(b'<html><body></body></html>', 'empty.html')\n"
        "except SkippedInput as skipped:\n    print(skipped.reason)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0 and done.stderr == "" and done.stdout.strip()


# fmt: off
HTMLISH = st.lists(
    st.sampled_from(["<div>", "</div>", "<p>", "</p>", "<table><tr><td>", "</td></tr></table>", "<br>", "<!--", "-->",
                     "<script>", "</script>", "&amp;", "&#1071;", "&#xZZ;", "<a href='", "'>", "\x00", "\udc80",
                     "Текст новости. ", "A sentence of news. ", "\n", "<meta charset='koi8-r'>", "<![CDATA[", "]]>"]),
    max_size=60,
)
# fmt: on


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=HTMLISH)
def test_any_markup_gives_a_document_or_a_reason(pieces):
    data = ("<html><body>" + "".join(pieces)).encode("utf-8", "surrogateescape")
    try:
        raw = document_from_bytes(data, "fuzz.html")
    except SkippedInput as skipped:
        assert skipped.reason
    else:
        for removal in raw.repairs:
            assert 0 <= removal.start <= removal.end


def test_sentences_reads_the_main_text_of_an_html_page():
    from conftest import run_cli

    page = (
        "<html><head><title>T</title></head><body><nav>Главная | Новости | Документы</nav><article>"
        "<p>The Government approved the programme. It runs until 2030.</p></article></body></html>"
    )
    result = run_cli("sentences", "--lang", "en", "-", stdin=page)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-2:] == ["The Government approved the programme.", "It runs until 2030."]
    assert all("<" not in line for line in lines) and "is HTML" in result.stderr
