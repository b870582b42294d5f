"""Repairing scraped text without losing content, and logging everything it drops.

Normalisation works on lines, because scraped pages are made of lines: a page's chrome, dates,
captions and navigation each arrive as whole lines, and hard wrapping breaks sentences across them.
Every rule is a small named function, testable alone:

* *repairs* (``REPAIRS``) rewrite the characters of one line (mojibake, invisible characters,
  homoglyph-mixed words, white space) and never drop words;
* *line rules* (``LINE_RULES``) decide that a whole line is not corpus text and name the reason;
  the line goes to the removals log with its offsets in the raw file;
* *joining* glues a hard-wrapped line back onto the line it continues.

A rule that is unsure keeps the text: a false removal loses a sentence for good, while a kept
navigation label costs one noisy row that later filtering can still drop.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

import ftfy

from .records import Document, RawDocument, Removal
from .scripts import (
    CYRILLIC,
    CYRILLIC_LOOKALIKES,
    CYRILLIC_TO_LATIN,
    LATIN,
    LATIN_LOOKALIKES,
    LATIN_TO_CYRILLIC,
    dominant_script,
)

TERMINAL = re.compile(r"[.!?…][»”\"')\]]*$")
WORD = re.compile(r"\w+", re.UNICODE)

FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, explain=False)
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
SPACE_LIKE = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

LETTER_RUN = re.compile(r"[^\W\d_]+")

MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
)
DATE_TOKEN = rf"(?:\d{{1,4}}|{MONTHS})"
DATE_OR_TIME_LINE = re.compile(
    rf"^{DATE_TOKEN}(?:[\s.,:/–-]+{DATE_TOKEN})*[\s.,]*(?:г\.?)?$",
    re.IGNORECASE,
)
"""Tokens must be separated, so the pattern cannot backtrack exponentially on long digit runs."""
STAGE_DIRECTION_LINE = re.compile(r"^(?:\([^()]{1,60}\)|<[^<>]{0,20}>|\[[^\[\]]{1,60}\])$")
SHORT_LINE_WORDS = 8
NAVIGATION_WORDS = 4


# ---------------------------------------------------------------------------------------- repairs


def fix_encoding(line: str) -> str:
    """Mojibake, HTML entities, fullwidth forms: ftfy's fixes, keeping curly quotes as they are."""
    return ftfy.fix_text(line, FTFY_CONFIG)


def remove_invisible(line: str) -> str:
    """Soft hyphens, zero-width characters and byte-order marks carry no text."""
    return line.translate(INVISIBLE)


def fix_homoglyphs(line: str) -> str:
    """Rewrite a word that mixes scripts into its majority script, when every odd letter has a twin.

    ``Пpивeт`` (Latin p and e) becomes ``Привет``; ``Mоscow`` becomes ``Moscow``. A word whose odd
    letters have no look-alike (``IT-компании`` is two words; ``Zвезда`` has no Cyrillic Z) is left.
    """

    def repair(match: re.Match[str]) -> str:
        word = match.group(0)
        if not (CYRILLIC.search(word) and LATIN.search(word)):
            return word
        cyrillic = [ch for ch in word if CYRILLIC.match(ch)]
        latin = [ch for ch in word if LATIN.match(ch)]
        if len(cyrillic) > len(latin) and set(latin) <= set(LATIN_LOOKALIKES):
            return word.translate(LATIN_TO_CYRILLIC)
        if len(latin) > len(cyrillic) and set(cyrillic) <= set(CYRILLIC_LOOKALIKES):
            return word.translate(CYRILLIC_TO_LATIN)
        return word

    return LETTER_RUN.sub(repair, line)


def collapse_whitespace(line: str) -> str:
    """Non-breaking and other wide spaces become one plain space; ends are trimmed."""
    return SPACE_LIKE.sub(" ", line).strip()


def compose_unicode(line: str) -> str:
    """NFC, so that ``й`` is one code point whatever the page used."""
    return unicodedata.normalize("NFC", line)


REPAIRS: tuple[Callable[[str], str], ...] = (
    fix_encoding,
    remove_invisible,
    fix_homoglyphs,
    compose_unicode,
    collapse_whitespace,
)


LOGGED_REPAIRS = {fix_encoding, remove_invisible, fix_homoglyphs, compose_unicode}
"""Repairs that change what a line says or how it is spelt; white space is not worth a log entry."""


def repair_line(line: str) -> tuple[str, list[str]]:
    """The repaired line and the names of the logged repairs that changed it."""
    changed = []
    for repair in REPAIRS:
        repaired = repair(line)
        if repaired != line and repair in LOGGED_REPAIRS:
            changed.append(repair.__name__.replace("_", "-"))
        line = repaired
    return line, changed


# ------------------------------------------------------------------------------------- line rules


@dataclass
class Line:
    """One physical line of the body: raw offsets, repaired text, and whether a rule dropped it."""

    index: int
    start: int
    end: int
    text: str
    reason: str | None = None
    repairs: tuple[str, ...] = ()

    @property
    def kept(self) -> bool:
        return self.reason is None and bool(self.text)


TOKEN = re.compile(r"\S*\w\S*")
URL_START = re.compile(r"(?:https?://|www\.)", re.IGNORECASE)


def word_count(text: str) -> int:
    """Space-separated tokens holding a letter or digit: a URL or ``1,587`` is one word."""
    return len(TOKEN.findall(text))


LABEL_MAX_CHARS = 160


def is_label(text: str, max_words: int = SHORT_LINE_WORDS) -> bool:
    """A short line that does not end like a sentence: a menu item, caption, heading or label."""
    return len(text) <= LABEL_MAX_CHARS and word_count(text) <= max_words and not TERMINAL.search(text)


def rule_date_or_time(line: Line, context: LineContext) -> str | None:
    """Lines that are only a date or a clock time are page furniture, not sentences."""
    return "date-or-time-line" if DATE_OR_TIME_LINE.match(line.text) else None


def rule_stage_direction(line: Line, context: LineContext) -> str | None:
    """``(Video plays)``, ``<…>``, ``[Applause]``: transcript stage directions and elisions."""
    return "stage-direction" if STAGE_DIRECTION_LINE.match(line.text) else None


def rule_foreign_navigation(line: Line, context: LineContext) -> str | None:
    """A short label in the other script than the page's, e.g. Russian links on an English page."""
    script = dominant_script(line.text)
    if script and context.script and script != context.script and is_label(line.text, NAVIGATION_WORDS):
        return "foreign-navigation"
    return None


def rule_repeated_line(line: Line, context: LineContext) -> str | None:
    """A caption or label seen earlier on the page; sentences that end in punctuation may repeat."""
    key = line.text.casefold()
    if len(key) > 2000:
        return None
    if key in context.seen and (is_label(line.text, 40) or word_count(line.text) >= 8):
        return "repeated-line"
    context.seen.add(key)
    return None


@dataclass
class LineContext:
    """What line rules may know about the page: its script and the lines already kept."""

    script: str | None
    seen: set[str]


LINE_RULES: tuple[Callable[[Line, LineContext], str | None], ...] = (
    rule_date_or_time,
    rule_stage_direction,
    rule_foreign_navigation,
    rule_repeated_line,
)


# ---------------------------------------------------------------------------------------- joining


FUNCTION_WORD_END = re.compile(
    r"\b(?:a|an|the|of|and|or|to|in|on|for|with|by|at|as|from|that|which|whose|whereby|is|are|was|"
    r"were|be|our|their|its|his|her|this|these|и|в|во|на|с|со|по|к|о|об|для|от|до|из|что|как)$",
    re.IGNORECASE,
)
NAME_AT_END = re.compile(r"^[^:]*,[^:]*\b[A-ZА-ЯЁ][\w’'-]*$")
CAPTION_RUN = 3
"""At most this many label lines in a row are taken for captions dropped inside a sentence."""


def unfinished(text: str) -> bool:
    """A line that stops mid-sentence: no closing punctuation, not a lead-in ending with a colon."""
    return not TERMINAL.search(text) and not text.endswith(":")


CAPTION_PUNCTUATION = re.compile(r"[.,:;!?…]")


def looks_like_caption(text: str) -> bool:
    return text[0].isupper() and word_count(text) <= 12 and not CAPTION_PUNCTUATION.search(text)


WRAP_WINDOW = 15
WRAP_MIN_LINES = 8
WRAP_MIN_SHARE = 0.25


def estimate_wrap_width(lines: list[Line]) -> int | None:
    """The column a page was hard-wrapped at, or ``None`` when its lines show no such column.

    A hard-wrapped page has many lines whose lengths crowd just below one width; a page with one
    paragraph per line has lengths spread over hundreds of characters.
    """
    lengths = [len(line.text) for line in lines if line.text]
    if not lengths:
        return None
    best_width, best_count = None, 0
    for width in range(40, 121):
        count = sum(1 for length in lengths if width - WRAP_WINDOW < length <= width)
        if count > best_count:
            best_width, best_count = width, count
    if best_count >= max(WRAP_MIN_LINES, WRAP_MIN_SHARE * len(lengths)):
        return best_width
    return None


def wrapped_at(text: str, width: int | None) -> bool:
    """A line that ends near the wrap column was cut there, whatever the next line starts with."""
    return width is not None and width - 20 <= len(text) <= width + WRAP_WINDOW


def continues(previous: str, following: str, width: int | None = None) -> bool:
    """Whether ``following`` is the rest of a sentence hard-wrapped at the end of ``previous``."""
    if not unfinished(previous):
        return False
    if wrapped_at(previous, width) and not (looks_like_caption(previous) and following[0].isupper()):
        return True  # a list of captions or links is not wrapped prose, however long its lines
    first = following[0]
    if URL_START.match(following):
        return False
    if first.islower() or first in ",;)»”–—-":
        return True
    if FUNCTION_WORD_END.search(previous):
        return True
    # A clause that ends in a first name goes on with the surname.
    return bool(NAME_AT_END.search(previous)) and first.isupper() and word_count(previous) >= 5


def mark_interrupting_captions(lines: list[Line]) -> None:
    """Caption lines dropped into the middle of a wrapped sentence.

    A run of up to ``CAPTION_RUN`` captions (capitalised, short, no punctuation inside), after a
    line that breaks off at a comma and before a line that goes on in lowercase, is page furniture
    (a photo caption or related links) that the scraper put where the image was. Hard-wrapped
    prose breaks anywhere, so the comma and the unpunctuated caption are both required.
    """
    for index, line in enumerate(lines):
        if not line.kept or not line.text.endswith(","):
            continue
        run_end = index + 1
        while (
            run_end < len(lines)
            and run_end - index <= CAPTION_RUN
            and lines[run_end].kept
            and looks_like_caption(lines[run_end].text)
        ):
            run_end += 1
        if index + 1 < run_end < len(lines) and lines[run_end].kept and lines[run_end].text[0].islower():
            for caption in lines[index + 1 : run_end]:
                caption.reason = "caption-inside-sentence"


@dataclass
class Paragraph:
    """Physical lines joined back into one block of text."""

    lines: list[Line]
    text: str


def join_wrapped(lines: list[Line]) -> list[Paragraph]:
    """Paragraphs: kept lines, with each hard-wrapped continuation joined to the line before it.

    Only lines that were adjacent on the page are joined: a blank or removed line between two
    lines means separate blocks, except a caption removed from inside a sentence. A paragraph's
    pieces are joined once at the end, so a page of a million wrapped lines costs linear time.
    """
    blocks: list[tuple[list[Line], list[str]]] = []
    adjacent = False
    width = estimate_wrap_width(lines)
    for line in lines:
        if not line.kept:
            adjacent = adjacent and line.reason == "caption-inside-sentence"
            continue
        if adjacent:
            kept, pieces = blocks[-1]
            # Whether the paragraph ends a sentence shows in its last two pieces (a lone ")" line
            # ends one only if the piece before it did).
            if continues(kept[-1].text, line.text, width) and unfinished("".join(pieces[-2:])):
                pieces.append(("" if line.text[0] in ",;)»”" else " ") + line.text)
                kept.append(line)
                continue
        blocks.append(([line], [line.text]))
        adjacent = True
    return [Paragraph(kept, "".join(pieces)) for kept, pieces in blocks]


# ------------------------------------------------------------------------------ paragraph rules


COUNTER_NUMBER = re.compile(r"\d{1,3}(?:[ ,\u00a0]\d{3})+|\d{4,}")
YEAR = re.compile(r"(?:18|19|20)\d\d")
COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|\bcopyright\b|все права защищены|all rights reserved", re.IGNORECASE)
"""A copyright notice is the site's, never the article's."""
COUNTER_MAX_WORDS = 30


def counter_numbers(text: str) -> list[str]:
    """Large numbers as visitor and document counters show them; years are prose, not counters."""
    return [number for number in COUNTER_NUMBER.findall(text) if not YEAR.fullmatch(number)]


def page_chrome_reason(paragraph: Paragraph) -> str | None:
    """Why a paragraph at the top or bottom of the page is site chrome, or ``None``."""
    text = paragraph.text
    if is_label(text) or text.isupper() and word_count(text) <= 15:
        return "page-edge-chrome"
    if len(counter_numbers(text)) >= 2 and word_count(text) <= COUNTER_MAX_WORDS:
        return "page-edge-counter"
    if COPYRIGHT.search(text) and word_count(text) <= COUNTER_MAX_WORDS:
        return "page-edge-chrome"
    if DATE_OR_TIME_LINE.match(text) or STAGE_DIRECTION_LINE.match(text):
        return "page-edge-chrome"
    return None


def strip_page_edges(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Drop the run of chrome paragraphs at each end; the run stops at the first prose paragraph."""
    begin, end = 0, len(paragraphs)
    while begin < end and (reason := page_chrome_reason(paragraphs[begin])):
        _drop(paragraphs[begin], reason)
        begin += 1
    while end > begin and (reason := page_chrome_reason(paragraphs[end - 1])):
        _drop(paragraphs[end - 1], reason)
        end -= 1
    return paragraphs[begin:end]


def _drop(paragraph: Paragraph, reason: str) -> None:
    for line in paragraph.lines:
        line.reason = reason


def whole_paragraph_rules(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Stage directions and dates that hard wrapping split over lines, e.g. ``(Video`` / ``plays)``."""
    kept = []
    for paragraph in paragraphs:
        if len(paragraph.lines) > 1 and STAGE_DIRECTION_LINE.match(paragraph.text):
            _drop(paragraph, "stage-direction")
        else:
            kept.append(paragraph)
    return kept


# --------------------------------------------------------------------------------------- document


def page_script(texts: list[str]) -> str | None:
    """The page's script, judged on its distinct prose blocks (labels and repeats are what the
    rules remove); with no prose, on everything."""
    prose = " ".join(dict.fromkeys(text for text in texts if text and not is_label(text)))
    return dominant_script(prose) or dominant_script(" ".join(texts))


def split_lines(text: str) -> list[Line]:
    lines, offset = [], 0
    for index, raw in enumerate(text.splitlines(keepends=True)):
        body = raw.rstrip("\r\n")
        text, repairs = repair_line(body)
        lines.append(Line(index, offset, offset + len(body), text, repairs=tuple(repairs)))
        offset += len(raw)
    return lines


def normalise_text(text: str) -> tuple[str, list[Removal]]:
    """Normalise a document body: paragraphs separated by blank lines.

    The log lists every removed line with the rule that removed it, and every kept line that a
    repair changed (``changed-by-fix-encoding`` …); offsets index ``text``, and each entry holds
    the raw line it points at (before any repair).
    """
    lines = split_lines(text)
    script = page_script([line.text for line in lines])
    # Which script is "foreign" depends on what survives, and what survives on which script is
    # foreign: iterate to the script the output itself has. Then normalising the output again
    # starts from that same script, which is what makes normalisation idempotent.
    for _ in range(3):
        paragraphs = apply_rules(lines, script)
        settled = page_script([paragraph.text for paragraph in paragraphs]) or script
        if settled == script:
            break
        script = settled
    removals = [
        Removal(line.start, line.end, line.reason or f"changed-by-{repair}", text[line.start : line.end])
        for line in lines
        for repair in ((None,) if line.reason else line.repairs)
    ]
    return "\n\n".join(paragraph.text for paragraph in paragraphs), removals


def apply_rules(lines: list[Line], script: str | None) -> list[Paragraph]:
    """All rules over the page's lines for a given page script; returns the kept paragraphs."""
    context = LineContext(script=script, seen=set())
    for line in lines:
        line.reason = None
        if not line.text:
            continue
        for rule in LINE_RULES:
            reason = rule(line, context)
            if reason:
                line.reason = reason
                break
    mark_interrupting_captions(lines)
    return strip_page_edges(whole_paragraph_rules(join_wrapped(lines)))


def document_id(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def header_text(metadata: dict[str, str]) -> str:
    """The header block as ``key: value`` lines, rebuilt from what was parsed (``RawDocument``
    keeps the body only, so spacing inside the original lines is not recoverable)."""
    return "".join(f"{key}: {value}\n" for key, value in metadata.items())


def normalise(raw: RawDocument) -> Document:
    """Turn a decoded file into a normalised ``Document``; all offsets refer to the decoded file."""
    text, removals = normalise_text(raw.text)
    shifted = [replace(r, start=r.start + raw.body_offset, end=r.end + raw.body_offset) for r in removals]
    header = [Removal(0, raw.body_offset, "header-block", header_text(raw.metadata))] if raw.body_offset else []
    script = dominant_script(text)
    metadata = raw.metadata
    return Document(
        doc_id=document_id(text),
        source=raw.source,
        title=metadata.get("title") or None,
        date=metadata.get("date") or None,
        lang={"cyrillic": "ru", "latin": "en"}.get(script or "", "und"),
        text=text,
        removed=list(raw.repairs) + header + shifted,
        url=metadata.get("final_url") or metadata.get("seed_url") or metadata.get("url") or None,
    )
