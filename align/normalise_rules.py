"""What on a scraped page is not corpus text, and which line breaks are hard wraps in a sentence.

Every rule is a small named function that returns the reason it removes something (the reason goes
to the removals log) or ``None`` to keep the text. There are four kinds:

* *line rules* (``@line_rule``, listed in ``LINE_RULES``) look at one line, knowing a few facts
  about its page (``LineContext``: the page's script, how often each line occurs, the names it uses);
* *page rules* (``@page_rule``, listed in ``PAGE_RULES``) look at a line among its neighbours: a
  photo gallery around a repeated caption, a block of related-link titles dropped into a sentence,
  a place under a date;
* ``wire_dateline_length`` finds the agency dateline at the start of a line ("MOSCOW, May 8
  (Reuters) - "), which is cut off the line rather than dropping it;
* ``continues`` decides whether a line is the rest of a sentence that the line before it broke off.

Adding a line or page rule is one function and its decorator line; rules run in the order they
are defined. A rule that is unsure keeps the text: a false removal loses a sentence for good,
while a kept caption costs one noisy row that later filtering can still drop.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .scripts import dominant_script

TERMINAL = re.compile(r"[.!?…][»”\"')\]]*$")

MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря|"
    "январь|февраль|март|апрель|май|июнь|июль|август|сентябрь|октябрь|ноябрь|декабрь"
)
MONTH_ABBREVIATIONS = "jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|янв|фев|мар|апр|июн|июл|авг|сен|окт|ноя|дек"
WEEKDAYS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    "понедельник|вторник|среда|четверг|пятница|суббота|воскресенье"
)
CLOCK_WORDS = r"a\.m\.|p\.m\.|am|pm|msk|gmt|utc|мск|года|год|г"
"""Words that go with a date or a clock time; a line made only of them must also hold a digit."""
DATE_TOKEN = rf"(?:\d{{1,4}}|{MONTHS}|(?:{MONTH_ABBREVIATIONS})\.?|{WEEKDAYS}|{CLOCK_WORDS})"
DATE_LABEL = r"(?:(?:updated|published|posted|date|обновлено|опубликовано|дата)\s*:?\s*)?"
DATE_OR_TIME_LINE = re.compile(
    rf"^{DATE_LABEL}{DATE_TOKEN}(?:[\s.,:/|•·–—-]+{DATE_TOKEN})*[\s.,]*$",
    re.IGNORECASE,
)
"""Tokens must be separated, so the pattern cannot backtrack exponentially on long digit runs."""
DATE_WORDS_ONLY = re.compile(rf"^(?:{MONTHS}|{WEEKDAYS})(?:[\s.,]+(?:{MONTHS}|{WEEKDAYS}))*[\s.,]*$", re.IGNORECASE)
STAGE_DIRECTION_LINE = re.compile(r"^(?:\([^()]{1,60}\)|<[^<>]{0,20}>|\[[^\[\]]{1,60}\])$")
WORD_CHARACTER = re.compile(r"\w")
SHORT_LINE_WORDS = 8
NAVIGATION_WORDS = 4
TOKEN = re.compile(r"\S*\w\S*")
URL_START = re.compile(r"(?:https?://|www\.)", re.IGNORECASE)
LABEL_MAX_CHARS = 160


# ------------------------------------------------------------------------------- text predicates


def word_count(text: str) -> int:
    """Space-separated tokens holding a letter or digit: a URL or ``1,587`` is one word."""
    return len(TOKEN.findall(text))


def is_label(text: str, max_words: int = SHORT_LINE_WORDS) -> bool:
    """A short line that does not end like a sentence: a menu item, caption, heading or label."""
    return len(text) <= LABEL_MAX_CHARS and word_count(text) <= max_words and not TERMINAL.search(text)


def is_date_or_time(text: str) -> bool:
    """A line that is only a date and/or a clock time ("May 8, 2021 - 18:10", "8 мая 2021 года")."""
    if not DATE_OR_TIME_LINE.match(text):
        return False
    return any(ch.isdigit() for ch in text) or bool(DATE_WORDS_ONLY.match(text))


def unfinished(text: str) -> bool:
    """A line that stops mid-sentence: no closing punctuation, not a lead-in ending with a colon."""
    return not TERMINAL.search(text) and not text.endswith(":")


CAPTION_PUNCTUATION = re.compile(r"[.,:;!?…]")


def looks_like_caption(text: str) -> bool:
    """Capitalised, at most 12 words, no punctuation inside: a caption or a link title."""
    return text[0].isupper() and word_count(text) <= 12 and not CAPTION_PUNCTUATION.search(text)


OPEN_ENDING = re.compile(r"[,;:–—-]$")
SENTENCE_INSIDE = re.compile(r"[.!?…][»”\"')\]]*\s+[\"“«(]?[A-ZА-ЯЁ]")
QUOTES = re.compile(r"[\"“”«»„]")
PERSONAL_PRONOUN = re.compile(
    r"\b(?:I|[Mm]e|[Mm]y|[Ww]e|us|[Oo]urs?|[Yy]ou|[Yy]ours?|"  # case kept: "US", "ME" are not pronouns
    r"(?i:я|меня|мне|мной|мы|нас|нам|нами|наш\w*|вы|вас|вам|вами|ваш\w*|ты))\b"
)
"""Captions describe a picture in the third person; a speaker's sentence says I, we or you."""


def is_caption_shaped(text: str) -> bool:
    """A caption as pages write them: a label of at least three words that does not trail off
    (``Mikhail Mishustin at the forum``), or one short third-person sentence ending in a full stop
    (``During a meeting on the development of communications.``). Speech never qualifies."""
    words = word_count(text)
    if not (starts_capitalised(text) or text[0].isdigit()) or PERSONAL_PRONOUN.search(text):
        return False
    if is_label(text, 40):
        return words >= 3 and not OPEN_ENDING.search(text)
    return text.endswith(".") and 4 <= words <= 25 and not SENTENCE_INSIDE.search(text) and not QUOTES.search(text)


# ------------------------------------------------------------------------------ page-wide facts


EDGE_PUNCTUATION = "\"'“”«»„()[]{}.,;:!?…"
POSSESSIVE = re.compile(r"[’']s$")


def bare_word(token: str) -> str:
    """A token without surrounding punctuation or a possessive ``’s``: ``Mishustin’s,`` → ``Mishustin``."""
    return POSSESSIVE.sub("", token.strip(EDGE_PUNCTUATION))


SENTENCE_END_TOKEN = re.compile(r"[.!?…:;][»”\"')\]]*$")


@dataclass(frozen=True)
class PageWords:
    """What the page's own words say about its wraps, from one pass over its lines.

    * ``pairs``: words written next to each other inside one line (only a space between them),
      case kept. A wrap that separates such a pair (``Mikhail`` / ``Mishustin’s remarks``) split a
      phrase the page itself writes whole elsewhere;
    * ``names``: words the page capitalises inside sentences and never writes in lowercase: names
      and titles (``President``, ``Tokayev``), not ordinary words capitalised at a sentence start;
    * ``vocabulary``: every word, case-folded, to tell a typesetter's hyphen from a compound's.
    """

    pairs: frozenset[tuple[str, str]]
    names: frozenset[str]
    vocabulary: frozenset[str]


def page_words(texts: Iterable[str]) -> PageWords:
    pairs, capitalised, lowercase, vocabulary = set(), set(), set(), set()
    bare: dict[str, str] = {}
    for text in texts:
        tokens = text.split()
        words = [bare[token] if token in bare else bare.setdefault(token, bare_word(token)) for token in tokens]
        for index, (token, word) in enumerate(zip(tokens, words)):
            if not word:
                continue
            folded = word.casefold()
            vocabulary.add(folded)
            if index and tokens[index - 1][-1].isalnum() and token[0].isalnum():
                pairs.add((words[index - 1], word))
            if not word[0].isalpha():
                continue
            if word[0].islower():
                lowercase.add(folded)
            elif index and token[0].isalpha() and not SENTENCE_END_TOKEN.search(tokens[index - 1]):
                capitalised.add(word)
    names = frozenset(word for word in capitalised if word.casefold() not in lowercase)
    return PageWords(frozenset(pairs), names, frozenset(vocabulary))


@dataclass
class LineContext:
    """What line rules may know about the page: its script, the lines already seen, how often each
    line occurs, the wrap column, the words and word pairs the page writes inside its lines, and
    the text of the lines just before and after the one being judged (``""`` for a blank line or
    a date line, which end a sentence's run of lines)."""

    script: str | None
    seen: set[str]
    counts: Counter[str] = field(default_factory=Counter)
    width: int | None = None
    names: frozenset[str] = frozenset()
    pairs: frozenset[tuple[str, str]] = frozenset()
    vocabulary: frozenset[str] = frozenset()
    prose_runs: list[bool] = field(default_factory=list)
    previous: str = ""
    following: str = ""

    neighbours: list[str] = field(default_factory=list)

    @classmethod
    def of_page(cls, texts: list[str], script: str | None, width: int | None = None) -> LineContext:
        """The facts of a page, computed once; ``script`` and ``seen`` change as rules run."""
        words = page_words(texts)
        return cls(
            script=script,
            seen=set(),
            counts=Counter(line_key(text) for text in texts if text),
            width=width,
            names=words.names,
            pairs=words.pairs,
            vocabulary=words.vocabulary,
            prose_runs=prose_runs(texts),
            neighbours=[text if text and not is_date_or_time(text) else "" for text in texts],
        )

    def at(self, index: int) -> LineContext:
        """Point the context at line ``index``: its neighbours, a blank or date line counting as none."""
        self.previous = self.neighbours[index - 1] if 0 < index <= len(self.neighbours) else ""
        self.following = self.neighbours[index + 1] if index + 1 < len(self.neighbours) else ""
        return self

    def in_wrapped_sentence(self, text: str, by_width: bool = True) -> bool:
        """Whether ``text`` goes on from the line before it or into the line after it; with
        ``by_width=False``, on the evidence of the words alone, not of the wrap column."""
        width = self.width if by_width else None
        return continues(self.previous, text, width, self) or continues(text, self.following, width, self)


def prose_runs(texts: list[str]) -> list[bool]:
    """For each line, whether the run of lines in its script around it holds a sentence end: then
    it belongs to running text in that script (a wrapped paragraph), not to a block of labels.
    Lines with no letters (blank lines, a wrapped ``2030.``) do not end a run, so a paragraph's
    pieces count as one run wherever they stand."""
    scripts = [dominant_script(text) if text else None for text in texts]
    lettered = [index for index, script in enumerate(scripts) if script is not None]
    flags = [False] * len(texts)
    start = 0
    while start < len(lettered):
        end = start + 1
        while end < len(lettered) and scripts[lettered[end]] == scripts[lettered[start]]:
            end += 1
        first, last = lettered[start], lettered[end - 1]
        has_sentence = any(TERMINAL.search(text) or SENTENCE_INSIDE.search(text) for text in texts[first : last + 1])
        for index in lettered[start:end]:
            flags[index] = has_sentence
        start = end
    return flags


def line_key(text: str) -> str:
    return text.casefold()


WRAP_WINDOW = 15
WRAP_MIN_LINES = 8
WRAP_MIN_SHARE = 0.25


def estimate_wrap_width(lengths: list[int]) -> int | None:
    """The column a page was hard-wrapped at, or ``None`` when its line lengths show no such column.

    A hard-wrapped page has many lines whose lengths crowd just below one width; a page with one
    paragraph per line has lengths spread over hundreds of characters.
    """
    lengths = [length for length in lengths if length]
    if not lengths:
        return None
    best_width, best_count = None, 0
    for width in range(30, 121):
        count = sum(1 for length in lengths if width - WRAP_WINDOW < length <= width)
        if count > best_count:
            best_width, best_count = width, count
    if best_count >= max(WRAP_MIN_LINES, WRAP_MIN_SHARE * len(lengths)):
        return best_width
    return None


# ------------------------------------------------------------------------------------ line rules


@dataclass
class Line:
    """One physical line of the body: raw offsets, repaired text, and whether a rule dropped it.

    ``cut`` raw characters at the start of the line (a wire dateline) were cut off for ``cut_reason``.
    """

    index: int
    start: int
    end: int
    text: str
    reason: str | None = None
    repairs: tuple[str, ...] = ()
    cut: int = 0
    cut_reason: str | None = None

    @property
    def kept(self) -> bool:
        return self.reason is None and bool(self.text)


LINE_RULES: list[Callable[[Line, LineContext], str | None]] = []
"""The line rules, in definition order: the first that names a reason removes the line."""


def line_rule(rule: Callable[[Line, LineContext], str | None]) -> Callable[[Line, LineContext], str | None]:
    """Register ``rule`` as a line rule (after those defined before it)."""
    LINE_RULES.append(rule)
    return rule


DATE_SPLIT_BEFORE = re.compile(
    rf"\b(?:{MONTHS}|(?:{MONTH_ABBREVIATIONS})\.?|\d{{1,4}}[–—-]?\d{{0,4}},?)$", re.IGNORECASE
)
"""A line ending in a month or a day: the date it started goes on in the next line."""


@line_rule
def rule_date_or_time(line: Line, context: LineContext) -> str | None:
    """Lines that are only a date or a clock time are page furniture, not sentences; unless the
    line before breaks off on a preposition or in the middle of the date, so the date ends its
    sentence (``… held on`` / ``November 23–24, 2022.``)."""
    previous = context.previous
    if not is_date_or_time(line.text) or ends_in_function_word(previous) or DATE_SPLIT_BEFORE.search(previous):
        return None
    return "date-or-time-line"


@line_rule
def rule_stage_direction(line: Line, context: LineContext) -> str | None:
    """``(Video plays)``, ``<…>``, ``[Applause]``: transcript stage directions and elisions; not a
    bracketed aside that a wrap put on a line of its own inside a sentence."""
    if STAGE_DIRECTION_LINE.match(line.text) and not context.in_wrapped_sentence(line.text):
        return "stage-direction"
    return None


@line_rule
def rule_no_words(line: Line, context: LineContext) -> str | None:
    """``* * *``, ``———``, ``•``: a section break or ornament has no word to translate."""
    return None if WORD_CHARACTER.search(line.text) else "separator-line"


@line_rule
def rule_foreign_navigation(line: Line, context: LineContext) -> str | None:
    """A short label in the other script than the page's, e.g. Russian links on an English page;
    not a short line of a wrapped paragraph in that script (its run of lines ends a sentence)."""
    script = dominant_script(line.text)
    if not (script and context.script and script != context.script and is_label(line.text, NAVIGATION_WORDS)):
        return None
    if line.index < len(context.prose_runs) and context.prose_runs[line.index]:
        return None
    return "foreign-navigation"


@line_rule
def rule_repeated_line(line: Line, context: LineContext) -> str | None:
    """Lines that occur more than once on the page.

    A caption repeated on the page is a caption everywhere on it: its first copy goes as
    ``repeated-caption``, the later ones as ``repeated-line``. A longer block or a label loses its
    later copies (``repeated-line``); short sentences (``Thank you.``) may repeat. A line that a
    hard wrap joins to its neighbours is a piece of a sentence, however often the same piece
    recurs (judged on its words: a caption may well reach the wrap column); whole repeated
    paragraphs are found after joining. A page that is nothing but one repeated line holds no
    picture to caption: its first copy stays.
    """
    key = line_key(line.text)
    if len(key) > 2000 or context.counts[key] < 2 or context.in_wrapped_sentence(line.text, by_width=False):
        return None
    first = key not in context.seen
    context.seen.add(key)
    if is_caption_shaped(line.text) and len(context.counts) > 1:  # a caption needs something beside it
        return "repeated-caption" if first else "repeated-line"
    if not first and (is_label(line.text, 40) or word_count(line.text) >= 8):
        return "repeated-line"
    return None


# ---------------------------------------------------------------------------------- wire datelines


AGENCIES = "Reuters|AP|AFP|TASS|Interfax|RIA Novosti|Xinhua|Bloomberg|ТАСС|ИТАР-ТАСС|Интерфакс|РИА Новости|Синьхуа|РБК"
CAPS_WORD = r"[A-ZА-ЯЁ][A-ZА-ЯЁ'’.-]+"
CAPS_PLACE = rf"{CAPS_WORD}(?: {CAPS_WORD})*"
DATELINE_DATE = (
    rf"(?i:(?:(?:{MONTHS})|(?:{MONTH_ABBREVIATIONS})\.?)\s+\d{{1,2}}|\d{{1,2}}\s+(?:{MONTHS}))(?:,?\s+\d{{4}})?"
)
WIRE_DATELINE = re.compile(
    rf"^(?:{CAPS_PLACE})(?:,\s*{CAPS_PLACE})*"
    rf"(?:,?\s+(?P<date>{DATELINE_DATE}))?"
    rf"(?:\s*\((?P<agency>{AGENCIES})\)|\.?\s*/(?P<slashed>{AGENCIES})/\.?)?"
    rf"(?:\s*[-–—]\s*(?:(?P<after>{AGENCIES})\.)?)?"
    r"\s+"
)
SENTENCE_START = re.compile(r"[\"“«„]?[A-ZА-ЯЁ]")


def wire_dateline_length(text: str) -> int:
    """Length of a news-agency dateline opening ``text`` (0 when there is none).

    ``RUSSIA, November 21 - ``, ``MOSCOW, May 8 (Reuters) - ``, ``МОСКВА, 8 мая. /ТАСС/. ``,
    ``МОСКВА, 8 мая — РИА Новости. ``: a place in capitals, then a date or an agency, then a dash
    or the agency between slashes. What follows must start a sentence; the dateline is the
    agency's stamp, not part of it.
    """
    match = WIRE_DATELINE.match(text)
    if not match:
        return 0
    dashed = text[: match.end()].rstrip()[-1:] in "-–—" or match.group("after")
    stamped = match.group("date") or match.group("agency") or match.group("after")
    if not (match.group("slashed") or (dashed and stamped)):
        return 0
    if not SENTENCE_START.match(text, match.end()):
        return 0
    return match.end()


# ------------------------------------------------------------------------------------- joining


# fmt: off
FUNCTION_WORDS = frozenset(
    [
        "a", "an", "the", "of", "and", "or", "but", "nor", "to", "in", "on", "for", "with",
        "without", "by", "at", "as", "from", "into", "onto", "about", "over", "under", "between",
        "through", "during", "against", "among", "across", "toward", "towards", "within", "via",
        "than", "upon", "per", "that", "which", "who", "whom", "whose", "whereby", "whether",
        "because", "while", "if", "is", "are", "was", "were", "be", "been", "has", "have", "had",
        "will", "would", "could", "should", "must", "not", "our", "their", "its", "his", "her",
        "my", "your", "this", "these", "those", "every", "each", "such", "since", "until",
        "и", "а", "но", "или", "в", "во", "на", "с", "со", "по", "к", "о", "об", "у", "для", "от",
        "до", "из", "за", "при", "под", "над", "без", "между", "через", "про", "что", "как",
        "чтобы", "если", "когда", "где", "который", "которая", "которое", "которые", "не", "ни",
        "был", "была", "были", "будет",
    ]
)
# fmt: on
"""Words a sentence does not stop on: articles, prepositions, conjunctions, auxiliaries, possessives."""


def ends_in_function_word(text: str) -> bool:
    """Whether ``text`` ends in a function word, with no punctuation after it (``… talks with the``)."""
    if not text or not text[-1].isalpha():
        return False
    last = text.rsplit(None, 1)[-1]
    start = len(last)
    while start and last[start - 1].isalpha():
        start -= 1
    return last[start:].casefold() in FUNCTION_WORDS


NAME_AT_END = re.compile(r"^[^:]*,[^:]*\b[A-ZА-ЯЁ][\w’'-]*$")
SUBJECT_PRONOUN_START = re.compile(r"^[\"“«]?(?:I|We|You|They|He|She|Я|Мы|Вы|Они|Он|Она)\s")


def splits_known_pair(previous: str, following: str, context: LineContext) -> bool:
    """The last word of ``previous`` and the first of ``following`` stand side by side elsewhere
    on the page (``Mikhail`` / ``Mishustin’s``, ``without`` / ``COVID-19,``)."""
    last, first = previous.split()[-1], following.split()[0]
    if not (last[-1].isalnum() and first[0].isalnum()):
        return False
    return (bare_word(last), bare_word(first)) in context.pairs


def clause_goes_on_with_name(previous: str, following: str, context: LineContext) -> bool:
    """A clause that opens with a subject pronoun (``We fully support``) and breaks off, before a
    line that starts with a name the page writes capitalised mid-sentence (``President of …``)."""
    if not SUBJECT_PRONOUN_START.match(previous) or word_count(previous) < 2:
        return False
    return bare_word(following.split()[0]) in context.names


def name_goes_on(previous: str, following: str, running: bool = False) -> bool:
    """A line of running prose that breaks off after a capitalised word, before a capitalised
    line: a wrap inside a name or a title (``… Prime Minister Andrei`` / ``Belousov, …``).

    Running prose: the line was itself joined to the line before it (``running``), starts inside
    a sentence, or has a sentence start inside it. A title or caption line starts with its own
    capital and holds no sentence end, so alone it never qualifies.
    """
    if not (running or previous[0].islower() or previous[0] in ",;–—-" or SENTENCE_INSIDE.search(previous)):
        return False
    last = bare_word(previous.split()[-1])
    return bool(last) and last[0].isupper() and starts_capitalised(following) and unfinished(previous)


def continues(previous: str, following: str, width: int | None = None, context: LineContext | None = None) -> bool:
    """Whether ``following`` is the rest of a sentence hard-wrapped at the end of ``previous``."""
    if not following or not previous:
        return False
    first = following[0]
    if previous.endswith(":"):
        return first.islower()  # a lead-in goes on in lowercase: "… legal matters:" / "the legally …"
    if not unfinished(previous):
        return False
    if wrapped_at(previous, width) and not (
        looks_like_caption(previous) and starts_capitalised(following) and word_would_fit(previous, following, width)
    ):
        return True  # a list of captions or links is not wrapped prose, however long its lines
    if URL_START.match(following):
        return False
    if first.islower() or first in ",;)»”–—-" or (BROKEN_AT_HYPHEN.search(previous) and first.isalpha()):
        return True
    if ends_in_function_word(previous) or name_goes_on(previous, following):
        return True
    if context is not None and (
        splits_known_pair(previous, following, context) or clause_goes_on_with_name(previous, following, context)
    ):
        return True
    # A clause that ends in a first name goes on with the surname.
    return bool(NAME_AT_END.search(previous)) and first.isupper() and word_count(previous) >= 5


BROKEN_AT_HYPHEN = re.compile(r"[^\W\d_]-$")
"""A line ending in a hyphen right after a letter: a word broken across the wrap."""


def joint(previous: str, following: str, context: LineContext) -> tuple[str, str]:
    """How to glue ``following`` onto ``previous``: ``previous`` (perhaps without its hyphen) and
    the separator. A word broken at a hyphen keeps it (``next-`` / ``generation``) unless only the
    unhyphenated word occurs on the page (``develop-`` / ``ment``: a typesetter's hyphen)."""
    if BROKEN_AT_HYPHEN.search(previous) and following[0].isalpha():
        head, tail = previous.split()[-1], following.split()[0]
        whole, hyphenated = bare_word(head[:-1] + tail).casefold(), bare_word(head + tail).casefold()
        if whole in context.vocabulary and hyphenated not in context.vocabulary:
            return previous[:-1], ""
        return previous, ""
    return previous, "" if following[0] in ",;)»”" else " "


OPENING_PUNCTUATION = "\"“«„'(["


def starts_capitalised(text: str) -> bool:
    """The text's first letter, after any opening quotes or brackets, is a capital."""
    stripped = text.lstrip(OPENING_PUNCTUATION)
    return bool(stripped) and stripped[0].isupper()


def word_would_fit(previous: str, following: str, width: int | None) -> bool:
    """Whether the first word of ``following`` would have fitted at the end of ``previous`` within
    the wrap column: if it would, the break was made by hand (a list), not by the wrap."""
    return width is not None and len(previous) + 1 + len(following.split()[0]) <= width


def cut_by_wrap(text: str, following: str, width: int | None) -> bool:
    """``text`` reaches the wrap column and the next word would not have fitted on it: the wrap, not
    the page, ended this line, so it is prose going on into ``following``."""
    return wrapped_at(text, width) and not word_would_fit(text, following, width)


def wrapped_at(text: str, width: int | None) -> bool:
    """A line that ends near the wrap column was cut there, whatever the next line starts with."""
    return width is not None and width - 20 <= len(text) <= width + WRAP_WINDOW


def continued_at(lines: list[Line], index: int, context: LineContext) -> bool:
    """Whether the kept line at ``index`` is joined to the line before it or the line after it."""
    text = lines[index].text
    before = lines[index - 1] if index else None
    after = lines[index + 1] if index + 1 < len(lines) else None
    if before is not None and before.kept and continues(before.text, text, context.width, context):
        return True
    return after is not None and after.kept and continues(text, after.text, context.width, context)


# ----------------------------------------------------------------------------------- page rules


CAPTION_RUN = 3
"""At most this many label lines in a row are taken for captions dropped inside a sentence."""


PAGE_RULES: list[Callable[[list[Line], LineContext], None]] = []
"""The page rules, in definition order, which matters: galleries grow from captions and variants,
and walk over place lines."""


def page_rule(rule: Callable[[list[Line], LineContext], None]) -> Callable[[list[Line], LineContext], None]:
    """Register ``rule`` as a page rule, run after those defined before it."""
    PAGE_RULES.append(rule)
    return rule


@page_rule
def mark_interrupting_captions(lines: list[Line], context: LineContext) -> None:
    """Caption lines dropped into the middle of a wrapped sentence (``caption-inside-sentence``).

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
            and is_link_title(lines[run_end].text)
        ):
            run_end += 1
        if (
            index + 1 < run_end < len(lines)
            and lines[run_end].kept
            and lines[run_end].text[0].islower()
            and not cut_by_wrap(lines[run_end - 1].text, lines[run_end].text, context.width)
        ):
            for caption in lines[index + 1 : run_end]:
                caption.reason = "caption-inside-sentence"


LINK_TITLES_AFTER_SENTENCE = 2
LINK_TITLES_INSIDE_SENTENCE = 3
"""Titles needed in a row: after a finished sentence, or cutting an unfinished one in two."""


def is_link_title(text: str) -> bool:
    """A related-link title: caption-like, third person, and ending in a content word."""
    return (
        looks_like_caption(text)
        and not ends_in_function_word(text)
        and not URL_START.match(text)
        and not PERSONAL_PRONOUN.search(text)
    )


def off_the_wrap(texts: list[str], width: int | None) -> bool:
    """Whether the lines can be separate titles rather than wrapped prose: on a page with no wrap
    column every line is a block of its own; on a hard-wrapped page, lines inside a paragraph
    reach the column, so a run of them needs a line that stops well short of it."""
    return width is None or any(len(text) < width - 20 for text in texts)


@page_rule
def mark_related_link_titles(lines: list[Line], context: LineContext) -> None:
    """Related-link titles that the scraper dropped into the middle of the text, before a line that
    goes on in lowercase (``related-link-titles``).

    The lowercase line continues whatever the block interrupted, not the last title. A block is at
    least two title lines after a finished sentence (or at the start of a block of lines), or at
    least three inside an unfinished one that does not run on into the first title. No title may
    run on into the next by the joining rules, and on a hard-wrapped page one of them must stop
    short of the wrap column, so that wrapped prose lines that happen to start with capitals stay.
    """
    index = 0
    while index < len(lines):
        if not (lines[index].kept and is_link_title(lines[index].text)):
            index += 1
            continue
        end = index + 1
        while (
            end < len(lines)
            and lines[end].kept
            and is_link_title(lines[end].text)
            and not continues(lines[end - 1].text, lines[end].text, None, context)
        ):
            end += 1
        run = [line.text for line in lines[index:end]]
        after = lines[end] if end < len(lines) else None
        needed = titles_needed(lines[index - 1] if index else None, run[0], context)
        if (
            needed is not None
            and len(run) >= needed
            and after is not None
            and after.kept
            and after.text[0].islower()
            and off_the_wrap(run, context.width)
            and not cut_by_wrap(run[-1], after.text, context.width)
        ):
            for line in lines[index:end]:
                line.reason = "related-link-titles"
        index = end


def titles_needed(before: Line | None, first: str, context: LineContext) -> int | None:
    """How many titles in a row make a related-links block, given the line before the first one;
    ``None`` when that line leads into the first title (a lead-in colon, or a wrap)."""
    if before is None or not before.kept or TERMINAL.search(before.text):
        return LINK_TITLES_AFTER_SENTENCE
    if before.text.endswith(":") or continues(before.text, first, context.width, context):
        return None
    return LINK_TITLES_INSIDE_SENTENCE


CAPTION_VARIANT_MIN_WORDS = 5
CAPTION_VARIANT_MAX_DIFFERENCE = 2
WORDS = re.compile(r"\w+")


def caption_variant_of(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    """``shorter`` is ``longer`` without one or two words at its start or at its end."""
    if len(shorter) < CAPTION_VARIANT_MIN_WORDS or len(longer) - len(shorter) > CAPTION_VARIANT_MAX_DIFFERENCE:
        return False
    return longer[: len(shorter)] == shorter or longer[len(longer) - len(shorter) :] == shorter


@page_rule
def mark_caption_variants(lines: list[Line], context: LineContext) -> None:
    """A caption-shaped line that is a repeated caption give or take one or two words at its start
    or end (``Meeting on …`` beside ``During a meeting on …``): the same photo captioned again
    (``caption-variant``). Both end in a full stop or neither does; a headline that adds a subject
    to a caption (``X attends`` + caption) differs by more and is kept."""
    captions = {
        (tuple(WORDS.findall(line.text.casefold())), bool(TERMINAL.search(line.text)))
        for line in lines
        if line.reason == "repeated-caption"
    }
    if not captions:
        return
    for line in lines:
        if not line.kept or word_count(line.text) > 40 or not is_caption_shaped(line.text):
            continue
        words, stop = tuple(WORDS.findall(line.text.casefold())), bool(TERMINAL.search(line.text))
        for caption, caption_stop in captions:
            if stop != caption_stop:
                continue  # a caption and its variant are written alike: both with a full stop, or neither
            longer, shorter = (caption, words) if len(caption) >= len(words) else (words, caption)
            if caption_variant_of(longer, shorter):
                line.reason = "caption-variant"
                break


PLACE_PART = r"[A-ZА-ЯЁ][\w’'.-]*(?: [\w’'.-]+){0,2}"
PLACE_LINE = re.compile(rf"^{PLACE_PART}(?:, {PLACE_PART}){{0,2}}$")
PLACE_MAX_WORDS = 6


@page_rule
def mark_place_lines(lines: list[Line], context: LineContext) -> None:
    """The place line under an event's date and time (``Novo-Ogaryovo, Moscow Region``,
    ``Кремль, Москва``): a few capitalised, comma-separated names with no digit and no verb to
    carry a sentence, standing alone right after a date-or-time line (``place-line``)."""
    previous: Line | None = None
    for index, line in enumerate(lines):
        if not line.text:
            continue
        if (
            previous is not None
            and previous.reason == "date-or-time-line"
            and line.kept
            and PLACE_LINE.match(line.text)
            and word_count(line.text) <= PLACE_MAX_WORDS
            and not any(ch.isdigit() for ch in line.text)
            and not ends_in_function_word(line.text)
            and not continued_at(lines, index, context)
        ):
            line.reason = "place-line"
        previous = line


CAPTION_REASONS = frozenset({"repeated-caption", "caption-variant"})


def is_gallery_anchor(line: Line) -> bool:
    """A line removed as a caption, or as a later copy of one."""
    return line.reason in CAPTION_REASONS or (line.reason == "repeated-line" and is_caption_shaped(line.text))


def standalone_label(lines: list[Line], index: int, context: LineContext) -> bool:
    """A kept label line that no neighbour continues and that continues no neighbour."""
    text = lines[index].text
    return (
        is_label(text, 40)
        and not OPEN_ENDING.search(text)
        and not ends_in_function_word(text)
        and (text[0].isupper() or text[0].isdigit())
        and not continued_at(lines, index, context)
    )


HEADER_REASONS = frozenset({"date-or-time-line", "place-line"})


@page_rule
def mark_gallery_captions(lines: list[Line], context: LineContext) -> None:
    """Labels in the same run as a repeated caption are captions of the same photo gallery
    (``caption-beside-caption``).

    From each repeated caption, walk down and up over lines already removed (other captions, blank
    lines) and take every stand-alone label line; the walk stops at the first line of prose (a
    sentence, a line that a wrap joins to its neighbour, a lead-in ending with a colon). Going
    down it also crosses dates, since a gallery dates each photo under its caption; going up it
    stops at a date or place line: what stands above those is the article's headline.
    """
    anchors = [index for index, line in enumerate(lines) if is_gallery_anchor(line)]
    is_anchor = set(anchors)
    for anchor in anchors:
        for step in (1, -1):
            index = anchor + step
            while 0 <= index < len(lines) and index not in is_anchor:  # the next anchor walks on
                neighbour = lines[index]
                if step < 0 and neighbour.reason in HEADER_REASONS:
                    break
                if neighbour.kept:
                    if not standalone_label(lines, index, context):
                        break
                    neighbour.reason = "caption-beside-caption"
                index += step
