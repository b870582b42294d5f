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
from dataclasses import dataclass

import ftfy

from .records import Document, RawDocument, Removal

TERMINAL = re.compile(r"[.!?…][»”\"')\]]*$")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
WORD = re.compile(r"\w+", re.UNICODE)

FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, explain=False)
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
SPACE_LIKE = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

LATIN_TO_CYRILLIC = str.maketrans("ABCEHKMOPTXaceopxy", "АВСЕНКМОРТХасеорху")
CYRILLIC_TO_LATIN = str.maketrans("АВСЕНКМОРТХасеорху", "ABCEHKMOPTXaceopxy")
LATIN_LOOKALIKES = set("ABCEHKMOPTXaceopxy")
CYRILLIC_LOOKALIKES = set("АВСЕНКМОРТХасеорху")
MIXED_WORD = re.compile(r"[^\W\d_]*(?:[A-Za-z][^\W\d_]*[\u0400-\u04FF]|[\u0400-\u04FF][^\W\d_]*[A-Za-z])[^\W\d_]*")

MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
)
DATE_OR_TIME_LINE = re.compile(
    rf"^(?:(?:\d{{1,4}}|{MONTHS})[\s.,:/–-]*)+(?:г\.?)?$",
    re.IGNORECASE,
)
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
        cyrillic = [ch for ch in word if CYRILLIC.match(ch)]
        latin = [ch for ch in word if LATIN.match(ch)]
        if len(cyrillic) > len(latin) and set(latin) <= LATIN_LOOKALIKES:
            return word.translate(LATIN_TO_CYRILLIC)
        if len(latin) > len(cyrillic) and set(cyrillic) <= CYRILLIC_LOOKALIKES:
            return word.translate(CYRILLIC_TO_LATIN)
        return word

    return MIXED_WORD.sub(repair, line)


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


def repair_line(line: str) -> str:
    for repair in REPAIRS:
        line = repair(line)
    return line


# ------------------------------------------------------------------------------------- line rules


@dataclass
class Line:
    """One physical line of the body: raw offsets, repaired text, and whether a rule dropped it."""

    index: int
    start: int
    end: int
    text: str
    reason: str | None = None

    @property
    def kept(self) -> bool:
        return self.reason is None and bool(self.text)


def word_count(text: str) -> int:
    return len(WORD.findall(text))


def dominant_script(text: str) -> str | None:
    """``cyrillic`` or ``latin`` by letter count, ``None`` for text with neither."""
    cyrillic = len(CYRILLIC.findall(text))
    latin = len(LATIN.findall(text))
    if cyrillic == latin == 0:
        return None
    return "cyrillic" if cyrillic > latin else "latin"


def is_label(text: str, max_words: int = SHORT_LINE_WORDS) -> bool:
    """A short line that does not end like a sentence: a menu item, caption, heading or label."""
    return word_count(text) <= max_words and not TERMINAL.search(text)


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


def mark_page_edges(lines: list[Line]) -> None:
    """Short unpunctuated lines in a run at the top or bottom of the page are site chrome.

    The run stops at the first line that reads like prose, so a heading in the middle of an
    article is never touched.
    """
    for ordered in (lines, list(reversed(lines))):
        for line in ordered:
            if not line.text or line.reason is not None:
                continue
            if not is_label(line.text):
                break
            line.reason = "page-edge-chrome"


# ---------------------------------------------------------------------------------------- joining


FUNCTION_WORD_END = re.compile(
    r"\b(?:a|an|the|of|and|or|to|in|on|for|with|by|at|as|from|that|which|whose|whereby|is|are|was|"
    r"were|be|our|their|its|his|her|this|these|и|в|во|на|с|со|по|к|о|об|для|от|до|из|что|как)$",
    re.IGNORECASE,
)


def continues(previous: str, following: str) -> bool:
    """Whether ``following`` is the rest of a sentence hard-wrapped at the end of ``previous``."""
    if TERMINAL.search(previous) or previous.endswith(":"):
        return False
    first = following[0]
    if first.islower() or first in ",;)»”–—-":
        return True
    if FUNCTION_WORD_END.search(previous):
        return True
    return word_count(previous) <= 2 and previous[0].isupper() and word_count(following) >= 4


def join_wrapped(lines: list[Line]) -> list[str]:
    """Paragraphs: kept lines, with each hard-wrapped continuation joined to the line before it.

    Only physically adjacent lines are joined: a removed line or a blank line between two lines
    means they were separate blocks on the page.
    """
    paragraphs: list[str] = []
    previous: Line | None = None
    for line in lines:
        if not line.kept:
            previous = None
            continue
        if previous is not None and continues(paragraphs[-1], line.text):
            separator = "" if line.text[0] in ",;)»”" else " "
            paragraphs[-1] = paragraphs[-1] + separator + line.text
        else:
            paragraphs.append(line.text)
        previous = line
    return paragraphs


# --------------------------------------------------------------------------------------- document


def split_lines(text: str) -> list[Line]:
    lines, offset = [], 0
    for index, raw in enumerate(text.splitlines(keepends=True)):
        body = raw.rstrip("\r\n")
        lines.append(Line(index, offset, offset + len(body), repair_line(body)))
        offset += len(raw)
    return lines


def normalise_text(text: str) -> tuple[str, list[Removal]]:
    """Normalise a document body; removals are offsets into ``text``."""
    lines = split_lines(text)
    context = LineContext(script=dominant_script(text), seen=set())
    for line in lines:
        if not line.text:
            continue
        for rule in LINE_RULES:
            reason = rule(line, context)
            if reason:
                line.reason = reason
                break
    mark_page_edges(lines)
    removals = [Removal(line.start, line.end, line.reason) for line in lines if line.reason]
    return "\n".join(join_wrapped(lines)), removals


def document_id(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def normalise(raw: RawDocument) -> Document:
    """Turn a decoded file into a normalised ``Document``; all offsets refer to the decoded file."""
    text, removals = normalise_text(raw.text)
    shifted = [Removal(r.start + raw.body_offset, r.end + raw.body_offset, r.reason) for r in removals]
    header = [Removal(0, raw.body_offset, "header-block")] if raw.body_offset else []
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
