"""Sentence segmentation with offsets into the normalised text.

Normalised documents hold one paragraph per line, so sentences never cross a line break. Within a
line, every run of ``. ! ? …`` followed by a space is a *candidate*; whether it ends a sentence is
decided from the word before it and the token after it (``segment_rules`` holds what we know about
words, in English and Russian). List items (``1.`` / ``1)`` / ``a.`` / ``(a)`` / ``•`` …) are cut
off with their markers, and a quotation of two sentences that closes on the same line stays whole,
since a full stop inside «Это важно. Очень важно». ends nothing. Offsets are always into the
document text, so ``text[segment.start:segment.end] == segment.text`` holds for every segment.

Why our own rules rather than razdel or pysbd: the cases that matter for government and news text
need the *next* token's evidence — an abbreviation that may end a sentence ("2021 г. Потом …",
"Downing St. He …", "6 P.M. Mr. Smith …") against one that may not ("2010–2012 гг. Виктор …",
"St. Petersburg", "3 p.m. Moscow time"); razdel never ends a sentence at ``г.``, pysbd never at a
Russian abbreviation. ``make eval`` prints all three on the same cases.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from itertools import accumulate, pairwise
from typing import NamedTuple

from .records import Document, Segment
from .segment_rules import (
    BEFORE_NUMBER_WORDS,
    FINAL,
    NEVER_FINAL,
    PREFIX,
    SENTENCE_STARTERS,
    TIME,
    continues_time,
    is_introductory,
    kind_of,
    starts_with_number,
)

PARAGRAPH = re.compile(r"[^\n]+")
MAX_SENTENCE_CHARS = 2000
"""Longer runs without a boundary (tables, lists flattened by scraping) are cut at spaces, so that
one runaway line cannot become a single enormous translation input."""
CONTEXT_CHARS = 160
"""How much of the sentence so far the rules look at: enough for the word before a candidate and
for an introductory date phrase, and it keeps a line without boundaries linear in time."""
MAX_MARKER_CHARS = 8
"""A sentence so far no longer than this may be a list marker alone (``• 10``, ``(iv``)."""
MAX_QUOTED_SENTENCES = 3
"""A quotation holding this many sentences or more is quoted speech: its sentences are split."""
MAX_QUOTATION_CHARS = 500
"""Nor is a quotation longer than this a phrase of the sentence around it."""

CLOSERS = "»”’\"')]"
CANDIDATE = re.compile(r"[.!?…]+(?:[ \u00a0][.!?…]+)*[" + re.escape(CLOSERS) + r"]*(?=\s|$)")
"""Sentence-final punctuation (a spaced ellipsis ". . ." counts as one run), closing quotes and
brackets after it, then a space or the end of the line."""
OPENERS = "«“„\"'‘([—–-"
NUMBER_SIGNS = frozenset("№§#")
NEXT_WORD = re.compile(r"\s*([" + re.escape(OPENERS) + r"\s]*)([^\W_]+|\S)?(\.)?(?:\s+([^\W_]+))?")
"""After a candidate: opening punctuation (quotes, brackets, dashes), the next word, whether a
full stop follows it directly (an initial), and the word after it."""
BULLETS = "•●◦▪▫‣⁃■□◆◇►▶➢➤✓✔"
BULLET = re.compile(r"(?<=\s)[" + BULLETS + "]")
ITEM_MARKER = re.compile(
    r"(?<!\S)(?:\((?P<p>\d{1,3}|[a-z]|[а-я])\)|(?P<n>\d{1,3}|[a-z]|[а-я])(?P<end>\.\)|[.)]))(?=\s)"
)
MAYBE_ITEM = re.compile(r"(?<!\S)\(?(?:\d{1,3}|[a-zа-я])(?:\.\)|[.)])\s")
"""A cheap first look for ``ITEM_MARKER``: most lines hold no marker at all."""
ITEM_START = re.compile(r"^[\s" + BULLETS + r"]*\(?(?:\d{1,3}|[^\W\d_]|[IVXLC]+)$")
"""A sentence so far that is only a list marker: its full stop ends nothing ("1. The first …")."""
RUSSIAN_LETTERS = "абвгдежзиклмнопрстуфхцчшщэюя"
LIST_CONTEXT = ":;.!?…" + CLOSERS + BULLETS
"""What may stand before the first item of an inline list (besides nothing): a colon, a sentence
end."""


class Candidate(NamedTuple):
    """One run of sentence-final punctuation and its surroundings, as the rules need them."""

    run: str
    """The punctuation itself, without closing quotes or brackets."""
    before: str
    """The sentence so far, up to the punctuation (its last ``CONTEXT_CHARS`` characters)."""
    sentence_chars: int
    """The length of the whole sentence so far."""
    word: str
    """The word before the punctuation, without brackets or quotes."""
    previous: str
    """The word before that (a number makes ``г.`` a year)."""
    next_word: str
    """The next word after any opening quotes, brackets or dashes ("" at the end of the line)."""
    next_is_initial: bool
    """The next word is directly followed by a full stop (``A. Smith``)."""
    word_after: str
    """The word after the next one ("Moscow *time*")."""


def split_sentences(text: str, lang: str = "en") -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``.

    ``lang`` is accepted for the callers' sake; the rules are the same for every language, since
    English and Russian abbreviations are told apart by their script."""
    for paragraph in PARAGRAPH.finditer(text):
        base, line = paragraph.start(), paragraph.group(0)
        for piece_start, piece_end in split_line(line):
            for start, end in _cap_length(line[piece_start:piece_end], piece_start):
                start, end = _strip(text, base + start, base + end)
                if start < end:
                    yield start, end


def split_line(line: str) -> list[tuple[int, int]]:
    """The sentences of one paragraph line, as offsets into it."""
    cuts = list_item_starts(line)
    boundaries = _boundaries(line, cuts, [])
    if boundaries and QUOTE.search(line):
        quotations = [q for q in quotation_spans(line) if _holds_few_sentences(q, boundaries)]
        if quotations:
            boundaries = _boundaries(line, cuts, quotations)
    edges = [0, *boundaries, len(line)]
    return [(start, end) for start, end in pairwise(edges) if start < end]


def _holds_few_sentences(quotation: tuple[int, int], boundaries: list[int]) -> bool:
    """A quotation of two sentences is a phrase of the sentence around it («Это важно. Очень
    важно».) and stays whole; one of three or more is quoted speech, split like any text. Counting
    sentences rather than characters keeps the rule the same for both languages of a pair."""
    inside = bisect_right(boundaries, quotation[1]) - bisect_right(boundaries, quotation[0])
    return 0 < inside < MAX_QUOTED_SENTENCES - 1


def _boundaries(line: str, cuts: list[int], quotations: list[tuple[int, int]]) -> list[int]:
    """Sentence ends in the line: list-item cuts, and candidates that end a sentence outside the
    given quotations."""
    sentence_start, cut_index = 0, 0
    boundaries: list[int] = []
    inside = _inside_any(quotations)
    for match in CANDIDATE.finditer(line):
        while cut_index < len(cuts) and cuts[cut_index] <= match.start():
            if cuts[cut_index] > sentence_start:
                boundaries.append(cuts[cut_index])
                sentence_start = cuts[cut_index]
            cut_index += 1
        if match.end() == len(line) or inside(match.start(), match.end()):
            continue
        end = _boundary_after(line, match, sentence_start)
        if end is not None:
            boundaries.append(end)
            sentence_start = end
    boundaries.extend(cut for cut in cuts[cut_index:] if cut > sentence_start)
    return boundaries


def _boundary_after(line: str, match: re.Match[str], sentence_start: int) -> int | None:
    """Where the sentence ends if this candidate ends it, else None."""
    following = NEXT_WORD.match(line, match.end())
    next_word = following.group(2) if following else None
    if following is None or not next_word or next_word[0].islower():
        return None  # the line ends, or "Yahoo! in the …", "co. at noon", "? – спросила мама"
    run = match.group(0).rstrip(CLOSERS)
    candidate = _describe(line, match.start(), run, sentence_start, following)
    if " " in run or "\u00a0" in run:
        return _spaced_ellipsis(candidate, match.start(), match.end())
    return match.end() if ends_sentence(candidate) else None


def _describe(line: str, start: int, run: str, sentence_start: int, following: re.Match[str]) -> Candidate:
    before = line[max(sentence_start, start - CONTEXT_CHARS) : start]
    words = before.rsplit(None, 2)
    word = words[-1] if words else ""
    previous = words[-2] if len(words) > 1 else ""
    word = word.rstrip(CLOSERS).lstrip(OPENERS)
    previous = previous.rstrip(CLOSERS).lstrip(OPENERS)
    if len(word) == 1 and len(previous) == 2 and previous[1] == "." and previous[0].isalpha():
        word = f"{previous[0]}.{word}"  # т. д., н. э.: a spaced two-letter abbreviation
    previous = "," if previous[-1:] in ",;:" else previous.rstrip(".")  # "125009, г. Москва"
    _openers, next_word, stop, word_after = following.groups()
    return Candidate(
        run=run,
        before=before,
        sentence_chars=start - sentence_start,
        word=word,
        previous=previous,
        next_word=next_word or "",
        next_is_initial=stop is not None and len(next_word or "") == 1,
        word_after=word_after or "",
    )


def ends_sentence(c: Candidate) -> bool:
    """Whether a candidate with no spaces in its punctuation ends the sentence.

    A lowercase next word never starts a sentence; ``?`` and ``!`` end one before anything else;
    a full stop depends on the word before it (``_full_stop_ends``)."""
    if not c.next_word or c.next_word[0].islower() or not c.word:
        return False  # "Yahoo! in the …", "co. at noon", "? – спросила мама"
    if "?" in c.run or "!" in c.run:
        return True
    if _is_ellipsis(c.run):
        return True  # "I never meant that.... She left."
    if c.sentence_chars <= MAX_MARKER_CHARS and ITEM_START.match(c.before):
        return False  # "1. The first item", "• 9. The first item"
    return _full_stop_ends(c)


def _full_stop_ends(c: Candidate) -> bool:
    """A full stop before a capitalised word, a number or a sign: an ordinary word ends the
    sentence; an abbreviation does according to its kind (see ``segment_rules``)."""
    if c.word.lower() in BEFORE_NUMBER_WORDS and starts_with_number(c.next_word):
        return False  # "No. 5", "p. 55", "Jan. 5", "февр. 2021", "Vol. II"
    number_follows = c.next_word[0].isdigit() or c.next_word in NUMBER_SIGNS  # "2006 г. № 152-ФЗ"
    kind = kind_of(c.word, c.previous)
    if kind is None:
        return True
    if kind == NEVER_FINAL:
        return False
    if kind == PREFIX:
        return _starts_sentence(c)  # "Downing St. He likes it", "I. Did you", not "St. Petersburg"
    if number_follows:
        return False  # "в 2021 г. 15 мая", "et al. (2019)"
    if c.sentence_chars < CONTEXT_CHARS and is_introductory(c.before) and not _starts_sentence(c):
        return False  # "At 5 a.m. Mr. Smith went", "В 2010–2012 гг. Виктор посещал"
    if kind == TIME and continues_time(c.next_word, c.word_after):
        return False  # "at 3 p.m. Moscow time and"
    return kind in (FINAL, TIME)


def _starts_sentence(c: Candidate) -> bool:
    """The next word cannot follow a title, an initial or a company suffix ("St. *He*", "U.S.
    *They*"), so the abbreviation ended the sentence; a name ("St. *Petersburg*") may."""
    return c.next_word in SENTENCE_STARTERS and not c.next_is_initial


def _is_ellipsis(run: str) -> bool:
    """``…``, ``...``, ``....``: before a capitalised word they end the sentence."""
    return "…" in run or run.count(".") >= 3


def _spaced_ellipsis(c: Candidate, start: int, end: int) -> int | None:
    """Spaced ellipses follow the style guides: three spaced dots after a space mark an omission
    inside a sentence; a fourth dot is the full stop. After a word, "word. . . ." is a full stop
    and then an omission that opens the next sentence."""
    if not c.next_word or c.next_word[0].islower():
        return None
    if c.before[-1:].isspace() or not c.sentence_chars:
        return end if c.run.count(".") >= 4 else None
    if c.run.startswith((". ", ".\u00a0")):
        return start + 1
    return end


def _inside_any(quotations: list[tuple[int, int]]) -> Callable[[int, int], bool]:
    """Whether a candidate lies strictly inside one of the quotations (not at the one a quotation
    ends with), answered by bisection so that a line of many quotations stays fast."""
    if not quotations:
        return lambda start, end: False
    ordered = sorted(quotations)
    opens = [open_ for open_, _ in ordered]
    reach = list(accumulate((close for _, close in ordered), max))

    def inside(start: int, end: int) -> bool:
        index = bisect_left(opens, start)
        return index > 0 and reach[index - 1] >= end

    return inside


def quotation_spans(line: str) -> list[tuple[int, int]]:
    """``(open, close)`` offsets of the quotations that open and close on this line.

    Typographic quotes pair by shape (« », “ ”, „ “); a straight ``"`` opens after a space or an
    opening bracket and closes after a word. Unmatched quotes are ignored, and quotations longer
    than ``MAX_QUOTATION_CHARS`` are left out."""
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for quote in QUOTE_MARK.finditer(line):
        index, char = quote.start(), quote.group(0)
        role = _quote_role(line, index, char, stack)
        if role == "open":
            stack.append((char, index))
        elif role == "close":
            _opener, opened = stack.pop()
            if index - opened <= MAX_QUOTATION_CHARS:
                spans.append((opened, index))
    return spans


QUOTE = re.compile('[«“„"]')
QUOTE_MARK = re.compile('[«»“”„"]')
PAIRS = {"»": "«", "”": "“", "“": "„"}


def _quote_role(line: str, index: int, char: str, stack: list[tuple[str, int]]) -> str | None:
    if char in "«„":
        return "open"
    if char in "»”" or (char == "“" and stack and stack[-1][0] == "„"):
        return "close" if stack and stack[-1][0] == PAIRS[char] else None
    if char == "“":
        return "open"
    if char == '"':
        before = line[index - 1] if index else " "
        after = line[index + 1] if index + 1 < len(line) else " "
        if stack and stack[-1][0] == '"' and not before.isspace():
            return "close"
        if (before.isspace() or before in "([—–-") and not after.isspace():
            return "open"
    return None


def list_item_starts(line: str) -> list[int]:
    """Offsets where a list item begins inside the line: before every bullet that follows a space,
    and before each marker of an inline numbered or lettered list (two or more consecutive
    markers, the first at the start, after a colon or after a sentence end)."""
    cuts = [match.start() for match in BULLET.finditer(line)]
    if MAYBE_ITEM.search(line):
        cuts.extend(_numbered_items(line))
    return sorted(set(cuts)) if len(cuts) > 1 else cuts


def _numbered_items(line: str) -> list[int]:
    markers = []
    for match in ITEM_MARKER.finditer(line):
        label = match.group("p") or match.group("n")
        style = ("(", ")") if match.group("p") else (label.isdigit(), match.group("end"))
        markers.append((match.start(), style, _ordinal(label)))
    last_seen = {(style, ordinal): position for position, style, ordinal in markers}
    accepted: list[int] = []
    last: dict[object, int] = {}
    for position, style, ordinal in markers:
        preceding = _last_visible(line, position)
        continues = last.get(style) == ordinal - 1
        opens = (not preceding or preceding in LIST_CONTEXT) and last_seen.get((style, ordinal + 1), -1) > position
        if continues or opens:
            last[style] = ordinal
            if not preceding or preceding not in BULLETS:
                accepted.append(position)  # "• 9. The first item": the bullet's cut serves
    return accepted


def _last_visible(line: str, position: int) -> str:
    """The last character before ``position`` that is not a space ("" at the start)."""
    index = position - 1
    while index >= 0 and line[index].isspace():
        index -= 1
    return line[index] if index >= 0 else ""


def _ordinal(label: str) -> int:
    if label.isdigit():
        return int(label)
    if label in RUSSIAN_LETTERS:
        return RUSSIAN_LETTERS.index(label) + 1
    return ord(label) - ord("a") + 1


def _cap_length(sentence: str, offset: int) -> Iterator[tuple[int, int]]:
    start = 0
    while len(sentence) - start > MAX_SENTENCE_CHARS:
        cut = sentence.rfind(" ", start, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        yield offset + start, offset + cut
        start = cut
    yield offset + start, offset + len(sentence)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    stripped = piece.lstrip()
    start += len(piece) - len(stripped)
    return start, start + len(stripped.rstrip())


def segment_document(document: Document) -> list[Segment]:
    """The document's sentences, numbered from 0, with ``lang`` still undetermined."""
    return [
        Segment(document.doc_id, index, start, end, document.text[start:end])
        for index, (start, end) in enumerate(split_sentences(document.text, document.lang))
    ]
