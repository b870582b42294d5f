"""HTML pages to text: the article's paragraphs, the page's metadata, and a log of what was dropped.

Crawls of government sites (wget, Heritrix, browsertrix) hold HTML, not text. A page is turned into
the text our line rules expect, one paragraph per line with blank lines between blocks (a ``<br>``
inside a block is a single line break, so the normaliser can still join a hard-wrapped paragraph),
by trafilatura, the extractor the FineWeb pipeline uses (``benchmarks/eval_extraction.py`` measures
it against resiliparse on the pages in ``tests/fixtures/pages``). The extractor removes most of a
page's furniture; what it leaves (a legacy table layout is often taken whole) is finished by the
line rules of ``align.normalise``, as for text.

What the extractor dropped is logged like our own rules' removals: one ``html-boilerplate``
``Removal`` per dropped run of visible text in one block (a menu item, a cookie banner, a footer
line), holding that text and its offsets in the decoded page (the HTML source as text). The page's
visible text is mapped back to the source by ``html.parser``, which reports where every piece of
text and every character reference starts; the extracted lines are then found in it, in order.

Guards, each a reason rather than a traceback or a stall: pages over ``MAX_HTML_BYTES``, more than
``MAX_TAGS`` tags, nested deeper than ``MAX_DEPTH`` elements (libxml2 stops parsing at 256 levels,
silently losing the rest of the page), and a time limit (``EXTRACT_SECONDS``) on the whole.

Offsets: the ``html-boilerplate`` removals (and decoding repairs) index the decoded page; the line
rules that ``normalise`` runs afterwards index the extracted text (``RawDocument.text``).

Metadata: ``title`` (``og:title``/``twitter:title``, else ``<title>`` cut to the page's heading when
the heading is one of its parts), ``date`` (htmldate on the markup: ``article:published_time``,
``<meta name=date>``, JSON-LD, ``<time>``, the address; else the first line of the text that is only
a date; as ``YYYY-MM-DD``), ``url`` (``<link rel=canonical>``, else ``og:url``, resolved against
the page's address) and ``lang`` (``<html lang>``, else ``Content-Language``).
"""

from __future__ import annotations

import bisect
import contextlib
import html as html_entities
import itertools
import re
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from urllib.parse import urljoin

from .budget import OverBudget, enforceable
from .records import Removal

MAX_HTML_BYTES = 8 << 20
"""Larger pages are skipped: a news page is well under 1 MiB of HTML; past this size a "page" is a
data dump or an attack, and extraction would cost seconds and hundreds of MiB."""
MAX_TAGS = 500_000
"""More tags than this (counted as ``<`` characters) is skipped before parsing: libxml2 and the
extractor hold every element in memory, twice."""
MAX_DEPTH = 250
"""libxml2 stops parsing at 256 nested elements and drops the rest of the page without an error;
a page that comes near that depth is skipped rather than silently cut."""
EXTRACT_SECONDS = 60.0
"""Time limit on extracting one page (parsing, extraction, dates, the removals log)."""

SNIFF_CHARS = 8192
BOILERPLATE = "html-boilerplate"


class ExtractionFailed(Exception):
    """A page that cannot be turned into text; ``reason`` is one short phrase for the manifest."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Extracted:
    """The text of a page (paragraphs separated by blank lines), its metadata, and what was dropped."""

    text: str
    metadata: dict[str, str]
    dropped: list[Removal] = field(default_factory=list)


# -------------------------------------------------------------------------------------- sniffing


STRONG_START = re.compile(
    r"\A(?:\ufeff|\s|<!--.*?-->|<\?xml[^>]*>)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL
)
STRONG_TAG = re.compile(r"<(?:html|head|body)\b[^<>]*>|<meta\s+(?:charset|http-equiv|name|property)\b", re.IGNORECASE)
KNOWN_TAG = re.compile(
    r"<(/?)(p|div|span|a|br|hr|table|tr|td|th|ul|ol|li|h[1-6]|b|i|em|strong|font|img|form|input|"
    r"script|style|section|article|nav|header|footer|main|aside|blockquote|pre|center|iframe|tbody|"
    r"dl|dt|dd|figure|figcaption|time|small|sup|sub|button|label|select|option|noscript)(?=[\s/>])[^<>]{0,2000}>",
    re.IGNORECASE,
)
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
"""Media types of HTML pages (a WARC record's ``Content-Type``, without parameters)."""


def looks_like_html(text: str, name: str | None = None) -> bool:
    """Whether ``text`` is an HTML page (or a fragment of one), judged on its first 8,192 characters.

    A page that starts as HTML (``<!DOCTYPE html>``, ``<html>``, ``<head>``, ``<body>``) or holds
    such a tag or a ``<meta charset>`` is HTML; otherwise it takes at least five tags of three
    kinds (``<p>``, ``<div>``, ``<a href>`` …), so prose that mentions a tag or two, or holds a
    ``<…>`` elision, stays text. A file named ``.html``/``.htm`` needs only one known tag.
    """
    head = text[:SNIFF_CHARS]
    if STRONG_START.match(head) or STRONG_TAG.search(head):
        return True
    tags = [match.group(2).lower() for match in KNOWN_TAG.finditer(head)]
    if name and name.lower().endswith(HTML_SUFFIXES):
        return bool(tags)
    return len(tags) >= 5 and len(set(tags)) >= 3


def sniff_html(data: bytes, name: str | None = None) -> bool:
    """``looks_like_html`` on the start of undecoded bytes (tags are ASCII in every 8-bit encoding)."""
    return looks_like_html(data[:SNIFF_CHARS].decode("latin-1"), name)


# -------------------------------------------------------------------------------------- charsets


META_CHARSET = re.compile(rb"<meta\b[^<>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
CONTENT_TYPE_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
# fmt: off
LABELS = {
    # WHATWG Encoding Standard: browsers read these labels as windows-1252, and so do we.
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "l1": "cp1252",
    "us-ascii": "cp1252", "ascii": "cp1252", "windows-1252": "cp1252", "x-cp1252": "cp1252",
    "x-cp1251": "cp1251", "win-1251": "cp1251", "windows-1251": "cp1251", "cp-1251": "cp1251",
    "koi8-r": "koi8_r", "koi8r": "koi8_r", "koi8": "koi8_r", "cskoi8r": "koi8_r", "koi8-u": "koi8_u",
    "koi8-ru": "koi8_u", "x-mac-cyrillic": "mac_cyrillic", "x-mac-ukrainian": "mac_cyrillic",
    "ibm866": "cp866", "cp866": "cp866", "866": "cp866", "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8",
}
# fmt: on


def codec_name(label: str | None) -> str | None:
    """The Python codec for a charset label (``windows-1251`` → ``cp1251``), or ``None`` if unknown.

    Names are those the rest of ``align.ingest`` reports (``utf-8``, ``cp1251``, ``koi8_r``).
    """
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in LABELS:
        return LABELS[label]
    import codecs

    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "utf-8" if name == "utf-8" else name.replace("-", "_")


def charset_from_content_type(value: str | None) -> str | None:
    """The codec named by a ``Content-Type`` header (``text/html; charset=windows-1251`` → ``cp1251``)."""
    match = CONTENT_TYPE_CHARSET.search(value or "")
    return codec_name(match.group(1)) if match else None


def declared_charset(data: bytes) -> str | None:
    """The codec a page declares in its first 8,192 bytes (``<meta charset>`` or ``http-equiv``).

    A page that declares UTF-16 or UTF-32 but reached this point is ASCII-compatible, so as in
    browsers the declaration is read as UTF-8.
    """
    match = META_CHARSET.search(data[:SNIFF_CHARS])
    if not match:
        return None
    name = codec_name(match.group(1).decode("ascii", "replace"))
    return "utf-8" if name and name.startswith(("utf_16", "utf_32")) else name


LATIN_DECLARATIONS = {"cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2"}
HIGH_LATIN = re.compile("[\u00c0-\u00ff]")


def looks_like_cyrillic_mojibake(text: str) -> bool:
    """Cyrillic bytes read as a Latin charset: most letters fall in U+00C0–U+00FF (``Ïðàâèòåëüñòâî``).

    Old Russian sites were often served with ``charset=ISO-8859-1`` by a server default while the
    page said ``windows-1251``; French or German text has far fewer such letters.
    """
    letters = sum(1 for char in text if char.isalpha())
    high = len(HIGH_LATIN.findall(text))
    return high >= 20 and high >= 0.3 * letters


# ------------------------------------------------------------------------------------ extraction


XML_DECLARATION = re.compile(r"\A(\ufeff?\s*)<\?xml[^>]*\?>")


def extract(html: str, url: str | None = None, captured: str | None = None) -> Extracted:
    """The text, metadata and dropped furniture of one decoded HTML page.

    ``url`` is the page's address when known (a WARC record's target), used to resolve a relative
    canonical link; ``captured`` is when it was fetched (ISO 8601), the latest date the page's own
    date may be. Raises ``ExtractionFailed`` for a page that is too large, too deep, unparseable or
    too slow; returns empty ``text`` when the page holds no main text.
    """
    if len(html) > MAX_HTML_BYTES:
        raise ExtractionFailed(f"HTML page larger than {MAX_HTML_BYTES >> 20} MiB")
    if html.count("<") > MAX_TAGS:
        raise ExtractionFailed(f"HTML page with more than {MAX_TAGS:,} tags")
    with _time_limit(EXTRACT_SECONDS):
        tree = parse(html)
        depth = tree_depth(tree)
        if depth > MAX_DEPTH:
            raise ExtractionFailed(f"HTML nested deeper than {MAX_DEPTH} elements")
        try:
            text = main_text(tree, url)
        except RecursionError:
            raise ExtractionFailed("HTML too deeply nested for the extractor") from None
        metadata = page_metadata(tree, url, captured, text)
        dropped = boilerplate_removals(html, text)
    return Extracted(text, metadata, dropped)


def parse(html: str):
    """The page as an lxml tree (always a whole ``<html>`` document), or ``ExtractionFailed``."""
    import lxml.etree
    import lxml.html

    parser = lxml.html.HTMLParser(collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True)
    try:
        return lxml.html.document_fromstring(XML_DECLARATION.sub(r"\1", html, count=1), parser=parser)
    except (lxml.etree.ParserError, ValueError) as error:
        raise ExtractionFailed(f"not parseable as HTML ({error})") from None


def tree_depth(tree) -> int:
    """How deeply the parsed page's elements nest (``<html>`` is 1), without recursion."""
    import lxml.etree

    depth = deepest = 0
    for event, _ in lxml.etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def main_text(tree, url: str | None = None) -> str:
    """The page's main text by trafilatura: blocks separated by blank lines, ``<br>`` kept."""
    import trafilatura

    document = trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        deduplicate=False,
        with_metadata=False,
    )
    body = getattr(document, "body", None)
    return render(body) if body is not None else ""


RENDER_BLOCKS = {
    "body",
    "doc",
    "main",
    "div",
    "p",
    "head",
    "list",
    "item",
    "quote",
    "table",
    "row",
    "cell",
    "code",
    "pre",
    "note",
    "fw",
    "lg",
    "l",
}
SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def render(body) -> str:
    """Trafilatura's internal tree as text: each block (paragraph, heading, list item, quote, table
    cell) its own paragraph, a line break (``lb``, or a newline trafilatura kept inside a block,
    as its fallback extractor does between the blocks it merges) a single newline.

    trafilatura's own text output puts a whole table row on one line, cells joined by ``|``, which
    turns a legacy table layout (menu, article and widgets in cells of one row) into one line of
    furniture and prose; cells as paragraphs let the line rules take the furniture off.
    """
    import lxml.etree

    blocks: list[str] = []
    pieces: list[str] = []

    def flush() -> None:
        lines = [SPACES.sub(" ", line).strip() for line in "".join(pieces).split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            blocks.append(text)
        pieces.clear()

    for event, element in lxml.etree.iterwalk(body, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in RENDER_BLOCKS:
                flush()
            elif tag == "lb":
                pieces.append("\n")
            if element.text:
                pieces.append(element.text)
        else:
            if tag in RENDER_BLOCKS:
                flush()
            if element.tail and element is not body:
                pieces.append(element.tail)
    flush()
    return "\n\n".join(blocks) + ("\n" if blocks else "")


# -------------------------------------------------------------------------------------- metadata


TITLE_PARTS = re.compile(r"\s+(?:[|–—:\-»/\\•·]|::)\s+")


def page_metadata(tree, url: str | None = None, captured: str | None = None, text: str = "") -> dict[str, str]:
    """``title``, ``date``, ``url`` and ``lang`` of a parsed page, each only when the page has it;
    ``text`` is the page's extracted text (a legacy page's date is often only a line in it)."""
    metadata: dict[str, str] = {}
    meta = _meta_values(tree)
    if title := _title(tree, meta):
        metadata["title"] = title
    if date := _date(tree, url, captured, text):
        metadata["date"] = date
    canonical = next(
        (
            link.get("href")
            for link in tree.iter("link")
            if "canonical" in (link.get("rel") or "").lower().split() and link.get("href")
        ),
        None,
    )
    if address := _absolute(canonical or meta.get("og:url"), url):
        metadata["url"] = address
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or meta.get("content-language")
    if lang and (lang := lang.strip().split(",")[0].strip()):
        metadata["lang"] = lang
    return metadata


def _meta_values(tree) -> dict[str, str]:
    """``<meta>`` contents by lower-cased ``property``, ``name`` or ``http-equiv``; the first wins."""
    values: dict[str, str] = {}
    for element in tree.iter("meta"):
        content = _clean(element.get("content"))
        for key in ("property", "name", "http-equiv", "itemprop"):
            if content and (name := element.get(key)):
                values.setdefault(name.strip().lower(), content)
    return values


def _clean(text: str | None) -> str:
    return SPACES.sub(" ", text or "").replace("\n", " ").strip()


def _title(tree, meta: dict[str, str]) -> str | None:
    for key in ("og:title", "twitter:title", "dc.title", "title"):
        if meta.get(key):
            return meta[key]
    element = next(tree.iter("title"), None)
    title = _clean(element.text_content()) if element is not None else ""
    if not title:
        return None
    parts = [part.strip() for part in TITLE_PARTS.split(title) if part.strip()]
    for level in ("h1", "h2"):
        for heading in tree.iter(level):
            text = _clean(heading.text_content())
            if text and len(parts) > 1 and text in parts:
                return text
    return title


def _date(tree, url: str | None, captured: str | None, text: str = "") -> str | None:
    """The page's publication date, between 1990 and the capture time, as ``YYYY-MM-DD``.

    htmldate reads it from the markup (``article:published_time``, ``<meta name=date>``, JSON-LD,
    ``<time>``, elements classed ``date``, the address); its "extensive" search of the text is not
    used: it guesses a year alone (``2019-01-01``) and loads dateparser's locales, seconds per
    process. A page without one in its markup, as legacy pages are, gets the first line of its
    text that is only a date (``12.03.2008``, ``5 июня 2006 г.``). Without a capture time the
    latest date accepted is a fixed one, not today, so that a page gives the same date every run.
    """
    import htmldate

    earliest, latest = datetime(1990, 1, 1), _parse_date(captured) or datetime(2100, 1, 1)
    try:  # htmldate's heuristics are best effort, never a reason to skip a page
        found = htmldate.find_date(
            tree,
            extensive_search=False,
            original_date=True,
            outputformat="%Y-%m-%d",
            url=url,
            min_date=earliest,
            max_date=latest,
        )
    except OverBudget:
        raise
    except Exception:
        found = None
    if found:
        return found
    for line in text.splitlines()[:200]:
        if (day := date_line(line)) and earliest <= day <= latest:
            return day.strftime("%Y-%m-%d")
    return None


# fmt: off
MONTH_NUMBERS = {
    **{name: number for number, name in enumerate("january february march april may june july august september october november december".split(), 1)},
    **{name: number for number, name in enumerate("января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split(), 1)},
}
# fmt: on
NUMERIC_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})|(\d{4})-(\d{2})-(\d{2})")
WORD_DATE = re.compile(r"(\d{1,2})\s+([^\W\d_]+)\s+(\d{4})|([^\W\d_]+)\s+(\d{1,2}),?\s+(\d{4})")
DATE_LINE_REST = re.compile(r"[\s,]*(?:г\.?|года)?[\s,]*(?:\d{1,2}:\d{2}(?::\d{2})?)?\s*$", re.IGNORECASE)


def date_line(line: str) -> datetime | None:
    """The date a line consists of (``12.03.2008``, ``2024-03-14``, ``14 March 2024, 10:30``,
    ``5 июня 2006 г.``, ``March 14, 2024``), or ``None``; day first for dotted dates, as in Russia."""
    line = line.strip()
    for pattern in (NUMERIC_DATE, WORD_DATE):
        match = pattern.match(line)
        if not match or not DATE_LINE_REST.fullmatch(line, match.end()):
            continue
        groups = match.groups()
        try:
            if pattern is NUMERIC_DATE:
                day, month, year = groups[:3] if groups[0] else (groups[5], groups[4], groups[3])
                return datetime(int(year), int(month), int(day))
            if groups[0]:
                day, month, year = groups[0], MONTH_NUMBERS.get(groups[1].lower()), groups[2]
            else:
                day, month, year = groups[4], MONTH_NUMBERS.get(groups[3].lower()), groups[5]
            return datetime(int(year), month, int(day)) if month else None
        except (TypeError, ValueError):
            return None
    return None


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    with contextlib.suppress(ValueError):
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).replace(tzinfo=None)
    return None


def _absolute(href: str | None, base: str | None) -> str | None:
    href = (href or "").strip()
    if not href:
        return None
    try:
        return urljoin(base, href) if base else href
    except ValueError:
        return href


# ------------------------------------------------------------------------------- what was dropped


INVISIBLE_ELEMENTS = {
    "head",
    "script",
    "style",
    "noscript",
    "template",
    "title",
    "textarea",
    "select",
    "svg",
    "math",
    "iframe",
    "object",
}
HEAD_ELEMENTS = {"title", "meta", "link", "script", "style", "base", "noscript", "template", "object"}
# fmt: off
TEXT_BLOCKS = {
    "address", "article", "aside", "blockquote", "body", "br", "button", "caption", "center", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "html", "label", "legend", "li", "main", "menu", "nav", "ol", "option", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
# fmt: on
NOT_KEY = re.compile(r"[\s\u00ad\u200b-\u200f\u2028-\u202f\u2060\ufeff]+")
WORD_CHAR = re.compile(r"\w")
ANCHOR_CHARS = 20


@dataclass
class _Piece:
    """A run of visible text: where it starts in the key (the visible text without white space),
    where it is in the source, and its text (the source itself, or a character reference's value)."""

    key_start: int
    source_start: int
    source_end: int
    text: str
    reference: bool


class _VisibleText(HTMLParser):
    """The page's visible text as pieces with source offsets, and where each block starts."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=False)
        self.page = page
        self.line_starts = [0] + [match.end() for match in re.finditer("\n", page)]
        self.pieces: list[_Piece] = []
        self.keys: list[str] = []
        self.key_length = 0
        self.block_starts: list[int] = [0]
        self.hidden: list[str] = []

    def _position(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if "head" in self.hidden and tag not in HEAD_ELEMENTS:  # <body> or content ends the head
            self.hidden = [name for name in self.hidden if name != "head"]
        if tag in INVISIBLE_ELEMENTS:
            self.hidden.append(tag)
        if tag in TEXT_BLOCKS:
            self.block_starts.append(self.key_length)

    def handle_startendtag(self, tag, attrs):
        if tag in TEXT_BLOCKS:
            self.block_starts.append(self.key_length)

    def handle_endtag(self, tag):
        if tag in self.hidden:
            while self.hidden and self.hidden.pop() != tag:
                pass
        if tag in TEXT_BLOCKS:
            self.block_starts.append(self.key_length)

    def handle_data(self, data):
        if not self.hidden:
            start = self._position()
            self._add(start, start + len(data), data, False)

    def handle_entityref(self, name):
        self._reference(f"&{name}", name)

    def handle_charref(self, name):
        self._reference(f"&#{name}", name)

    def _reference(self, written: str, name: str) -> None:
        if self.hidden:
            return
        start = self._position()
        end = start + len(written)
        if self.page.startswith(";", end):
            end += 1
        self._add(start, end, html_entities.unescape(self.page[start:end]), True)

    def _add(self, start: int, end: int, text: str, reference: bool) -> None:
        key = NOT_KEY.sub("", text)
        if key:
            self.pieces.append(_Piece(self.key_length, start, end, text, reference))
            self.keys.append(key)
            self.key_length += len(key)


def boilerplate_removals(page: str, extracted: str) -> list[Removal]:
    """One ``html-boilerplate`` removal per run of the page's visible text that ``extracted`` left
    out, cut at block boundaries; offsets index ``page``. Runs without a letter or digit (``|``,
    ``›``) are not logged. Best effort: a page ``html.parser`` cannot read logs nothing."""
    try:
        visible = _VisibleText(page)
        visible.feed(page)
        visible.close()
    except Exception:  # a log entry is not worth a skipped page
        return []
    key = "".join(visible.keys)
    covered = _covered(key, [NOT_KEY.sub("", line) for line in extracted.splitlines()])
    removals = []
    for start, end in _gaps(covered, len(key), visible.block_starts):
        if WORD_CHAR.search(key, start, end):
            removals.append(_removal(visible, start, end))
    return removals


def _covered(key: str, fragments: list[str]) -> list[tuple[int, int]]:
    """Where the extracted lines are in the page's key, as sorted non-overlapping spans.

    Long lines are found first, as anchors, in order but anywhere (an extractor may move a block:
    trafilatura puts a layout table's nested tables after its own rows); then each short line
    (``News``, ``2024``) between the anchors next to it in the extracted text, so that a heading is
    not matched to a menu item of the same name far away; a span is never matched twice.
    """
    fragments = [fragment for fragment in fragments if fragment]
    spans: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        index = bisect.bisect_left(spans, (start, start))
        return not (index and spans[index - 1][1] > start) and not (index < len(spans) and spans[index][0] < end)

    def find(fragment: str, low: int, high: int) -> int:
        position = key.find(fragment, low, high)
        while position >= 0 and not free(position, position + len(fragment)):
            position = key.find(fragment, position + 1, high)
        return position

    found: list[tuple[int, int] | None] = [None] * len(fragments)

    def place(index: int, position: int) -> None:
        span = (position, position + len(fragments[index]))
        bisect.insort(spans, span)
        found[index] = span

    cursor = 0
    for index, fragment in enumerate(fragments):
        if len(fragment) >= ANCHOR_CHARS:
            position = find(fragment, cursor, len(key))
            if position < 0:
                position = find(fragment, 0, len(key))
            if position >= 0:
                place(index, position)
                cursor = position + len(fragment)
    for index, fragment in enumerate(fragments):
        if found[index] is not None:
            continue
        low = next((span[1] for span in reversed(found[:index]) if span is not None), 0)
        high = next((span[0] for span in found[index + 1 :] if span is not None), len(key))
        position = find(fragment, low, high) if low < high else -1
        if position < 0:
            position = find(fragment, 0, len(key))
        if position >= 0:
            place(index, position)
    return spans


def _gaps(covered: list[tuple[int, int]], length: int, block_starts: list[int]) -> Iterator[tuple[int, int]]:
    """The stretches of ``[0, length)`` outside ``covered``, cut at every block start."""
    cuts = sorted(set(block_starts))
    position = 0
    for start, end in covered + [(length, length)]:
        if start > position:
            low = bisect.bisect_right(cuts, position)
            high = bisect.bisect_left(cuts, start)
            edges = [position, *cuts[low:high], start]
            for left, right in itertools.pairwise(edges):
                if right > left:
                    yield left, right
        position = max(position, end)


def _removal(visible: _VisibleText, start: int, end: int) -> Removal:
    """The removal for key characters ``[start, end)``: source offsets of its first and last
    characters, and its visible text, white space collapsed and pieces apart in the source (a tag
    or a space between them) separated by a space."""
    starts = [piece.key_start for piece in visible.pieces]
    first = bisect.bisect_right(starts, start) - 1
    last = bisect.bisect_right(starts, end - 1) - 1
    texts: list[str] = []
    source_start = source_end = 0
    for index in range(first, last + 1):
        piece = visible.pieces[index]
        low = max(start - piece.key_start, 0)
        high = min(end - piece.key_start, len(visible.keys[index]))
        text_start, text_end = (0, len(piece.text)) if piece.reference else _span_of_key(piece.text, low, high)
        if index > first and _separates(visible.page[source_end : piece.source_start]):
            texts.append(" ")
        texts.append(piece.text[text_start if index == first else 0 : text_end if index == last else None])
        if index == first:
            source_start = piece.source_start + text_start
        source_end = piece.source_end if piece.reference else piece.source_start + text_end
    return Removal(source_start, source_end, BOILERPLATE, " ".join("".join(texts).split()))


INLINE_TAG = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|dfn|em|font|i|kbd|mark|q|s|samp|small|span|strong|sub|sup|time|u|var)\b[^<>]*>",
    re.IGNORECASE,
)


def _separates(gap: str) -> bool:
    """Whether source between two pieces of text parts them: white space or a tag that is not inline."""
    return bool(gap) and (any(char.isspace() for char in gap) or bool(INLINE_TAG.sub("", gap)))


def _span_of_key(text: str, low: int, high: int) -> tuple[int, int]:
    """Offsets in ``text`` of its ``low``-th to ``high``-th key characters (white space skipped)."""
    count = 0
    begin = end = None
    for position, char in enumerate(text):
        if NOT_KEY.match(char):
            continue
        if count == low:
            begin = position
        count += 1
        if count == high:
            end = position + 1
            break
    return (begin or 0, end if end is not None else len(text))


# ----------------------------------------------------------------------------------------- time


class _OutOfTime(BaseException):
    """Raised by the timer; a ``BaseException`` so that no library's ``except Exception`` (htmldate
    and trafilatura have several) can swallow it and leave the page running without a limit."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """``ExtractionFailed`` once ``seconds`` have passed; an enclosing ``align.budget`` timer that
    ends sooner is left to fire, and one that ends later is restarted with what it had left."""
    if not seconds or not enforceable():
        yield
        return
    outer_left, _ = signal.getitimer(signal.ITIMER_REAL)
    if outer_left and outer_left <= seconds:
        yield
        return

    def expire(signum, frame):
        raise _OutOfTime()

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _OutOfTime:
        raise ExtractionFailed(f"HTML extraction took longer than {seconds:g} s") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_left:
            signal.setitimer(signal.ITIMER_REAL, max(outer_left - (time.monotonic() - started), 0.001))
