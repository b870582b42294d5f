"""Repairing scraped text without losing content, and logging everything it drops.

Normalisation works on lines, because scraped pages are made of lines: a page's chrome, dates,
captions and navigation each arrive as whole lines, and hard wrapping breaks sentences across them.
Every rule is a small named function, testable alone:

* *repairs* (``@line_repair``) rewrite the characters of one line (mojibake, invisible characters,
  homoglyph-mixed words, white space) and never drop words;
* *line rules* and *page rules* (``@line_rule``, ``@page_rule`` in ``align.normalise_rules``)
  decide that a whole line is not corpus text (a date, a caption, a block of related links, a
  separator) and name the reason; the line goes to the removals log with its offsets in the raw
  file. A news-agency dateline is cut off the start of its line and logged the same way;
* *joining* glues a hard-wrapped line back onto the line it continues (``continues``);
* *paragraph rules* (``@paragraph_rule``) judge joined paragraphs (a repeated wrapped paragraph),
  and *edge rules* (``@edge_rule``) the chrome at the top and bottom of the page.

Each kind is a registry (``REPAIRS``, ``LINE_RULES``, ``PAGE_RULES``, ``PARAGRAPH_RULES``,
``EDGE_RULES``) filled by its decorator in definition order: adding a rule is one function and
one decorator line. A rule that is unsure keeps the text: a false removal loses a sentence for good, while a kept
navigation label costs one noisy row that later filtering can still drop.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

import ftfy

# The rules live in ``normalise_rules``; their names are re-exported here, where callers look.
from .normalise_rules import (  # noqa: F401
    DATE_OR_TIME_LINE,
    LINE_RULES,
    PAGE_RULES,
    STAGE_DIRECTION_LINE,
    TERMINAL,
    Line,
    LineContext,
    continues,
    estimate_wrap_width,
    is_date_or_time,
    is_label,
    joint,
    name_goes_on,
    rule_date_or_time,
    rule_foreign_navigation,
    rule_no_words,
    rule_repeated_line,
    rule_stage_direction,
    unfinished,
    wire_dateline_length,
    word_count,
)
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

FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, explain=False)
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
SPACE_LIKE = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

LETTER_RUN = re.compile(r"[^\W\d_]+")


# ---------------------------------------------------------------------------------------- repairs


REPAIRS: list[Callable[[str], str]] = []
"""The repairs, in definition order: each rewrites the line the one before it returned."""
LOGGED_REPAIRS: set[Callable[[str], str]] = set()
"""Repairs that change what a line says or how it is spelt; white space is not worth a log entry."""


def line_repair(logged: bool) -> Callable[[Callable[[str], str]], Callable[[str], str]]:
    """Register the decorated function as a repair, run after those defined before it; a
    ``logged`` repair that changes a line puts ``changed-by-<name>`` in the removals log."""

    def register(repair: Callable[[str], str]) -> Callable[[str], str]:
        REPAIRS.append(repair)
        if logged:
            LOGGED_REPAIRS.add(repair)
        return repair

    return register


@line_repair(logged=True)
def fix_encoding(line: str) -> str:
    """Mojibake, HTML entities, fullwidth forms: ftfy's fixes, keeping curly quotes as they are."""
    return ftfy.fix_text(line, FTFY_CONFIG)


@line_repair(logged=True)
def remove_invisible(line: str) -> str:
    """Soft hyphens, zero-width characters and byte-order marks carry no text."""
    return line.translate(INVISIBLE)


@line_repair(logged=True)
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


@line_repair(logged=True)
def compose_unicode(line: str) -> str:
    """NFC, so that ``й`` is one code point whatever the page used."""
    return unicodedata.normalize("NFC", line)


@line_repair(logged=False)
def collapse_whitespace(line: str) -> str:
    """Non-breaking and other wide spaces become one plain space; ends are trimmed."""
    return SPACE_LIKE.sub(" ", line).strip()


def repair_line(line: str) -> tuple[str, list[str]]:
    """The repaired line and the names of the logged repairs that changed it."""
    changed = []
    for repair in REPAIRS:
        repaired = repair(line)
        if repaired != line and repair in LOGGED_REPAIRS:
            changed.append(repair.__name__.replace("_", "-"))
        line = repaired
    return line, changed


# ---------------------------------------------------------------------------------------- joining


@dataclass
class Paragraph:
    """Physical lines joined back into one block of text."""

    lines: list[Line]
    text: str


INTERRUPTIONS = frozenset({"caption-inside-sentence", "related-link-titles"})
"""Lines removed from inside a sentence: the lines on either side of them were adjacent text."""


def join_wrapped(lines: list[Line], context: LineContext | None = None) -> list[Paragraph]:
    """Paragraphs: kept lines, with each hard-wrapped continuation joined to the line before it.

    Only lines that were adjacent on the page are joined: a blank or removed line between two
    lines means separate blocks, except captions or link titles removed from inside a sentence.
    A paragraph's pieces are joined once at the end, so a page of a million wrapped lines costs
    linear time.
    """
    if context is None:
        context = LineContext.of_page([line.text for line in lines], None, wrap_width(lines))
    blocks: list[tuple[list[Line], list[str]]] = []
    adjacent = False
    for line in lines:
        if not line.kept:
            adjacent = adjacent and line.reason in INTERRUPTIONS
            continue
        if adjacent:
            kept, pieces = blocks[-1]
            # Whether the paragraph ends a sentence shows in its last two pieces (a lone ")" line
            # ends one only if the piece before it did).
            previous = kept[-1].text
            goes_on = continues(previous, line.text, context.width, context) or (
                len(kept) > 1 and name_goes_on(previous, line.text, running=True)
            )
            if goes_on and not TERMINAL.search("".join(pieces[-2:])):
                pieces[-1], separator = joint(pieces[-1], line.text, context)
                pieces.append(separator + line.text)
                kept.append(line)
                continue
        blocks.append(([line], [line.text]))
        adjacent = True
    return [Paragraph(kept, "".join(pieces)) for kept, pieces in blocks]


def wrap_width(lines: list[Line]) -> int | None:
    """The column the page was hard-wrapped at (``estimate_wrap_width`` over its line lengths)."""
    return estimate_wrap_width([len(line.text) for line in lines])


# ------------------------------------------------------------------------------ paragraph rules


COUNTER_NUMBER = re.compile(r"\d{1,3}(?:[ ,\u00a0]\d{3})+|\d{4,}")
YEAR = re.compile(r"(?:18|19|20)\d\d")
COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|\bcopyright\b|все права защищены|all rights reserved", re.IGNORECASE)
"""A copyright notice is the site's, never the article's."""
COUNTER_MAX_WORDS = 30


def counter_numbers(text: str) -> list[str]:
    """Large numbers as visitor and document counters show them; years are prose, not counters."""
    return [number for number in COUNTER_NUMBER.findall(text) if not YEAR.fullmatch(number)]


EDGE_RULES: list[Callable[[Paragraph], str | None]] = []
"""Rules for the paragraphs at the top and bottom of a page, in definition order: the first that
names a reason makes the paragraph chrome."""


def edge_rule(rule: Callable[[Paragraph], str | None]) -> Callable[[Paragraph], str | None]:
    """Register ``rule`` as a page-edge rule (after those defined before it)."""
    EDGE_RULES.append(rule)
    return rule


@edge_rule
def edge_label(paragraph: Paragraph) -> str | None:
    """A short label, or a short line in capitals: a menu, a section name, the site's name."""
    text = paragraph.text
    return "page-edge-chrome" if is_label(text) or (text.isupper() and word_count(text) <= 15) else None


@edge_rule
def edge_counter(paragraph: Paragraph) -> str | None:
    """Two or more counter-sized numbers in a short paragraph: visitor and document counters."""
    text = paragraph.text
    return "page-edge-counter" if len(counter_numbers(text)) >= 2 and word_count(text) <= COUNTER_MAX_WORDS else None


@edge_rule
def edge_copyright(paragraph: Paragraph) -> str | None:
    """A short copyright notice."""
    text = paragraph.text
    return "page-edge-chrome" if COPYRIGHT.search(text) and word_count(text) <= COUNTER_MAX_WORDS else None


@edge_rule
def edge_date_or_direction(paragraph: Paragraph) -> str | None:
    """A date, a clock time or a stage direction alone at the page's edge."""
    text = paragraph.text
    return "page-edge-chrome" if is_date_or_time(text) or STAGE_DIRECTION_LINE.match(text) else None


def page_chrome_reason(paragraph: Paragraph) -> str | None:
    """Why a paragraph at the top or bottom of the page is site chrome (``EDGE_RULES``), or ``None``."""
    for rule in EDGE_RULES:
        reason = rule(paragraph)
        if reason:
            return reason
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


PARAGRAPH_RULES: list[Callable[[Paragraph, set[str]], str | None]] = []
"""Rules that need a joined paragraph, in definition order; each sees the paragraph and the
case-folded texts of the paragraphs kept before it, and the first that names a reason drops it."""


def paragraph_rule(rule: Callable[[Paragraph, set[str]], str | None]) -> Callable[[Paragraph, set[str]], str | None]:
    """Register ``rule`` as a paragraph rule (after those defined before it)."""
    PARAGRAPH_RULES.append(rule)
    return rule


@paragraph_rule
def wrapped_stage_direction(paragraph: Paragraph, kept: set[str]) -> str | None:
    """A stage direction that hard wrapping split over lines (``(Video`` / ``plays)``)."""
    return "stage-direction" if len(paragraph.lines) > 1 and STAGE_DIRECTION_LINE.match(paragraph.text) else None


@paragraph_rule
def repeated_paragraph(paragraph: Paragraph, kept: set[str]) -> str | None:
    """A wrapped paragraph the page repeats: a block or a label loses its later copies."""
    text = paragraph.text
    return "repeated-paragraph" if text.casefold() in kept and (word_count(text) >= 8 or is_label(text, 40)) else None


def whole_paragraph_rules(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """The paragraphs ``PARAGRAPH_RULES`` keep; the others are dropped with the first rule's reason."""
    kept: list[Paragraph] = []
    seen: set[str] = set()
    for paragraph in paragraphs:
        reason = next((found for rule in PARAGRAPH_RULES if (found := rule(paragraph, seen))), None)
        if reason:
            _drop(paragraph, reason)
        else:
            seen.add(paragraph.text.casefold())
            kept.append(paragraph)
    return kept


# --------------------------------------------------------------------------------------- document


def page_script(texts: list[str]) -> str | None:
    """The page's script, judged on its distinct prose blocks (labels and repeats are what the
    rules remove); with no prose, on everything."""
    prose = " ".join(dict.fromkeys(text for text in texts if text and not is_label(text)))
    return dominant_script(prose) or dominant_script(" ".join(texts))


def split_lines(text: str) -> list[Line]:
    """The body's physical lines, repaired, with any wire dateline cut off their start."""
    lines, offset = [], 0
    for index, raw in enumerate(text.splitlines(keepends=True)):
        body = raw.rstrip("\r\n")
        text, repairs = repair_line(body)
        line = Line(index, offset, offset + len(body), text, repairs=tuple(repairs))
        cut_wire_dateline(line, body)
        lines.append(line)
        offset += len(raw)
    return lines


def cut_wire_dateline(line: Line, body: str) -> None:
    """Cut an agency dateline ("MOSCOW, May 8 (Reuters) - ") off the line's start, when both the raw
    and the repaired line have one; the raw characters go to the log as ``wire-dateline``. A line
    that repeats the dateline loses every copy, so that what is left starts with no dateline."""
    while (raw_length := wire_dateline_length(body[line.cut :])) and (length := wire_dateline_length(line.text)):
        line.text = line.text[length:]
        line.cut, line.cut_reason = line.cut + raw_length, "wire-dateline"


def normalise_text(text: str) -> tuple[str, list[Removal]]:
    """Normalise a document body: paragraphs separated by blank lines.

    The log lists every removed line with the rule that removed it, and every kept line that a
    repair changed (``changed-by-fix-encoding`` …); offsets index ``text``, and each entry holds
    the raw line it points at (before any repair).
    """
    lines = split_lines(text)
    script = page_script([line.text for line in lines])
    context = LineContext.of_page([line.text for line in lines], script, wrap_width(lines))
    # Which script is "foreign" depends on what survives, and what survives on which script is
    # foreign: iterate to the script the output itself has. Then normalising the output again
    # starts from that same script, which is what makes normalisation idempotent.
    for _ in range(3):
        paragraphs = apply_rules(lines, script, context)
        settled = page_script([paragraph.text for paragraph in paragraphs]) or script
        if settled == script:
            break
        script = settled
    paragraphs = settle(paragraphs, script)
    return "\n\n".join(paragraph.text for paragraph in paragraphs), removals_log(lines, text)


SETTLE_ROUNDS = 3


def settle(paragraphs: list[Paragraph], script: str | None) -> list[Paragraph]:
    """Drop what the rules would drop from the output itself, so that normalising twice changes
    nothing. Rules judge a line by its neighbours on the page: a line kept because it seemed to run
    on into its neighbour is left alone once another rule removes that neighbour (a stage
    direction above a repeated caption). Each round normalises the paragraphs as a page of their
    own, one per block as in the output, and removes every paragraph that round removed, with the
    reason the rule gave."""
    for _ in range(SETTLE_ROUNDS):
        page = [Line(2 * index, 0, 0, paragraph.text) for index, paragraph in enumerate(paragraphs)]
        spaced = []
        for line in page:
            spaced += [line, Line(line.index + 1, 0, 0, "")]
        apply_rules(spaced, script)
        kept = []
        for paragraph, line in zip(paragraphs, page):
            if line.reason:
                _drop(paragraph, line.reason)
            else:
                kept.append(paragraph)
        if len(kept) == len(paragraphs):
            break
        paragraphs = kept
    return paragraphs


def removals_log(lines: list[Line], text: str) -> list[Removal]:
    """One entry per removed line; for a kept line, one per cut-off start and one per repair."""
    removals = []
    for line in lines:
        if line.reason:
            removals.append(Removal(line.start, line.end, line.reason, text[line.start : line.end]))
            continue
        if line.cut_reason:
            cut_end = line.start + line.cut
            removals.append(Removal(line.start, cut_end, line.cut_reason, text[line.start : cut_end]))
        for repair in line.repairs:
            removals.append(Removal(line.start, line.end, f"changed-by-{repair}", text[line.start : line.end]))
    return removals


def apply_rules(lines: list[Line], script: str | None, context: LineContext | None = None) -> list[Paragraph]:
    """All rules over the page's lines for a given page script; returns the kept paragraphs.
    ``context`` holds the page's facts (``LineContext.of_page``), computed once per page."""
    if context is None:
        context = LineContext.of_page([line.text for line in lines], script, wrap_width(lines))
    context.script, context.seen = script, set()
    for line in lines:
        line.reason = None
        if not line.text:
            continue
        context.at(line.index)
        for rule in LINE_RULES:
            reason = rule(line, context)
            if reason:
                line.reason = reason
                break
    for page_rule in PAGE_RULES:
        page_rule(lines, context)
    return strip_page_edges(whole_paragraph_rules(join_wrapped(lines, context)))


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
