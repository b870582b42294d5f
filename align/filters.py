"""Corpus filters: small named rules that take rows out before publishing, each with its reason.

A row that a rule removes is not lost: it goes to ``filtered.jsonl`` with the rule's name and a
reason a person can check, and the card counts the removals per rule. Rules run in the order of
``RULES``; the first that objects names the row's removal. Adding a rule is one function and one
``@rule(...)`` line above it.

Every rule has a setting: a number (a threshold), ``True`` (on) or ``False`` (off). Settings come
from ``DEFAULTS``, then the ``[filters]`` table of an optional ``align.toml`` in the input folder,
then ``build --filter NAME[=VALUE]``; the resolved set is recorded in the manifest, so a rebuild
applies exactly the same rules.

What a rule may judge depends on where the row came from:

* ``origin: human`` rows (aligned bitext): both sides are real text, and both sides' language is
  checked, since an aligned page can hold a sentence in the other language;
* ``origin: machine`` rows of a real model: both sides are judged; the language of the source was
  detected when it was chosen for translation, so only the translation's is checked;
* rows of a random-weight **test model**: the translation is meaningless by design, so only the
  source sentence is judged (length, non-text, duplicates); rules that compare the two sides
  (identical, length ratio, language) leave these rows alone rather than drop every one of them.

Duplicates are found streaming, in publication order (human rows, then machine rows, each in input
order), keeping the first: each kept row leaves one 64-bit hash per duplicate rule behind (about
70 bytes in a Python set, so 140 MB per million kept rows with both rules on), never its text.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from .errors import AlignError
from .langid import URL

CONFIG_FILE = "align.toml"
"""The optional configuration file, read from the top of the input folder (never as a document)."""
FILTERED_FILE = "filtered.jsonl"
CARD_HEADING = "## Filters"
RATIO_SMOOTHING = 10
"""Characters added to each side's length before the length ratio is taken: a short pair
(``OK.`` / ``Хорошо, договорились.``, 7 to 1 in characters) says little about a translation, while
a long pair keeps its ratio (``Visit`` beside a 100-character sentence is still 7 to 1)."""
OTHER_MIN_WORDS = 6
"""A Russian side read as another Cyrillic-script language counts only from this many words on:
shorter sentences are too little evidence (``align.langid`` reads 3–4 of the 500 Russian Tatoeba
dev sentences as ``other``, all under 6 words, while 6+ words still catch 19–51 % of the short
Tatoeba sentences in Kazakh, Belarusian, Ukrainian and Bulgarian). Script mismatches count at any
length."""
BATCH_ROWS = 512
"""Rows judged together: their languages are detected in one parallel call."""

WORDS = re.compile(r"\w+")
NOT_WORD = re.compile(r"[\W_]+")
"""Punctuation, symbols, spaces and combining marks: everything but letters and digits."""
DIGITS = re.compile(r"\d+")


class FilterSettingError(AlignError):
    """A filter setting (``--filter`` or ``align.toml``) that cannot be used; nothing was built."""

    exit_code = 2


# ------------------------------------------------------------------------------------ rows


@dataclass
class Candidate:
    """One row as the rules see it: its sides, where it came from, and the detected languages."""

    row: dict
    detected: dict[str, str] = field(default_factory=dict)
    """Language detected for each side in ``unverified()`` (when the language rule is on)."""
    forms: dict[tuple, str] = field(default_factory=dict)
    """Normalised forms of the sides, computed once for the rules that share them."""

    @property
    def origin(self) -> str:
        return self.row["origin"]

    @property
    def test_model(self) -> bool:
        return bool((self.row.get("model") or {}).get("test_model"))

    def text(self, side: str) -> str:
        return self.row["translation"][side] or ""

    def form(self, side: str, normalise: Callable[[str], str]) -> str:
        key = (side, normalise)
        if key not in self.forms:
            self.forms[key] = normalise(self.text(side))
        return self.forms[key]

    def sides(self) -> tuple[str, ...]:
        """The sides that are real text: both, except a test model's meaningless translation."""
        if self.origin == "machine" and self.test_model:
            return (self.row["src_lang"],)
        return ("en", "ru")

    def both_sides(self) -> bool:
        """Whether the two sides can be compared (neither is a test model's output)."""
        return len(self.sides()) == 2

    def unverified(self) -> tuple[str, ...]:
        """Sides whose language no earlier step has checked."""
        if self.origin == "machine":
            target = "ru" if self.row["src_lang"] == "en" else "en"
            return (target,) if target in self.sides() else ()
        return self.sides()


# ------------------------------------------------------------------------------------ rules


@dataclass(frozen=True)
class Rule:
    """A named filter: its default setting, what it removes, and its check.

    ``check(candidate, setting)`` returns the reason a row is removed, or ``None``. A rule with
    ``remembers`` instead returns a 64-bit key: a row is removed when an earlier kept row had the
    same key.
    """

    name: str
    default: float | int | bool
    about: str
    check: Callable[[Candidate, float | int | bool], str | int | None]
    low: float = 0.0
    high: float = math.inf
    remembers: bool = False

    @property
    def numeric(self) -> bool:
        return not isinstance(self.default, bool)


RULES: dict[str, Rule] = {}


def rule(
    name: str, default: float | bool, about: str, low: float = 0.0, high: float = math.inf, remembers: bool = False
):
    """Register the decorated function as the rule ``name`` (in definition order)."""

    def register(check):
        RULES[name] = Rule(name, default, about, check, low, high, remembers)
        return check

    return register


@rule("too-short", 1, "a side with fewer words (runs of letters or digits) than this", low=0)
def too_short(row: Candidate, minimum: int) -> str | None:
    for side in row.sides():
        words = len(WORDS.findall(row.text(side)))
        if words < minimum:
            return f"{side} side has {words} word(s), fewer than {minimum}"
    return None


@rule(
    "non-text",
    0.4,
    "a side whose share of letters (URLs count as non-letters) is below this: mostly digits, punctuation or URLs",
    high=1.0,
)
def non_text(row: Candidate, minimum: float) -> str | None:
    for side in row.sides():
        share = letter_share(row.text(side))
        if share < minimum:
            return f"{side} side is {share:.0%} letters (below {minimum:.0%}): mostly digits, punctuation or URLs"
    return None


@rule("too-long", 200, "a side with more words than this", low=1)
def too_long(row: Candidate, maximum: int) -> str | None:
    for side in row.sides():
        words = len(WORDS.findall(row.text(side)))
        if words > maximum:
            return f"{side} side has {words} words, more than {maximum}"
    return None


@rule("identical", True, "both sides the same text (case, spaces and punctuation aside): nothing was translated")
def identical(row: Candidate, on: bool) -> str | None:
    if row.both_sides() and row.form("en", exact_form) == row.form("ru", exact_form):
        return "both sides are the same text"
    return None


@rule(
    "length-ratio",
    3.0,
    f"the longer side more than this many times as long as the other, in characters (each side's length plus {RATIO_SMOOTHING}, so short pairs are not judged by a few letters)",
    low=1.0,
)
def length_ratio(row: Candidate, limit: float) -> str | None:
    if not row.both_sides():
        return None
    lengths = {side: len(row.text(side).strip()) + RATIO_SMOOTHING for side in ("en", "ru")}
    longer, shorter = sorted(lengths, key=lambda side: (-lengths[side], side))
    ratio = lengths[longer] / lengths[shorter]
    if ratio > limit:
        return f"{longer} side is {ratio:.1f} times as long as the {shorter} side (limit {limit:g})"
    return None


@rule("low-score", 0.25, "an aligned (human) row whose alignment score is below this", high=1.0)
def low_score(row: Candidate, minimum: float) -> str | None:
    score = row.row.get("score")
    if row.origin == "human" and score is not None and score < minimum:
        return f"alignment score {score:.4f} is below {minimum:g}"
    return None


@rule(
    "language",
    True,
    f"a side detected (align.langid) as another language than it should hold; sides without letters pass, and a Russian side needs {OTHER_MIN_WORDS}+ words to count as another Cyrillic-script language",
)
def language(row: Candidate, on: bool) -> str | None:
    for side in row.unverified():
        found = row.detected.get(side, "und")
        if side == "ru" and found == "other" and len(WORDS.findall(row.text(side))) < OTHER_MIN_WORDS:
            continue
        if found not in (side, "und"):
            found_name = "another Cyrillic-script language" if found == "other" else found
            return f"{side} side reads as {found_name}"
    return None


@rule(
    "duplicate", True, "the same pair as an earlier row after normalising case, spaces and punctuation", remembers=True
)
def duplicate(row: Candidate, on: bool) -> int:
    return pair_key(row, exact_form)


@rule(
    "near-duplicate",
    True,
    "the same pair as an earlier row apart from digits, diacritics (ё/е), case, spaces and punctuation",
    remembers=True,
)
def near_duplicate(row: Candidate, on: bool) -> int:
    return pair_key(row, near_form)


# ---------------------------------------------------------------------------- text measures


def letter_share(text: str) -> float:
    """Letters among the non-space characters, URL characters counting as non-letters."""
    visible = [ch for ch in URL.sub(lambda m: "\0" * len(m.group()), text) if not ch.isspace()]
    return sum(ch.isalpha() for ch in visible) / len(visible) if visible else 0.0


def exact_form(text: str) -> str:
    """Letters and digits, case-folded (NFKC), words separated by single spaces: case, spacing,
    punctuation and symbols normalised away."""
    return NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def near_form(text: str) -> str:
    """Letters and digits only, without diacritics (ё = е; decomposed marks are not word
    characters) and with every number the same."""
    return DIGITS.sub("0", NOT_WORD.sub("", unicodedata.normalize("NFKD", text.casefold())))


def pair_key(row: Candidate, form: Callable[[str], str]) -> int:
    """A 64-bit hash of the pair's judged sides in ``form``: memory per row is fixed."""
    text = "\x00".join(f"{side}:{row.form(side, form)}" for side in row.sides())
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


# --------------------------------------------------------------------------------- settings

DEFAULTS: dict[str, float | int | bool] = {name: r.default for name, r in RULES.items()}
OFF_WORDS = ("off", "false", "no")
ON_WORDS = ("on", "true", "yes")


def parse_setting(name: str, value) -> float | int | bool:
    """A rule's setting from the command line (text) or ``align.toml`` (text, number or bool).

    ``off``/``false`` turns a rule off; ``on``/``true`` (or no value) turns it on at its default;
    a number sets a threshold within the rule's bounds.
    """
    key = str(name).strip().replace("_", "-")
    if key not in RULES:
        raise FilterSettingError(f"unknown filter {name!r}; known: {', '.join(RULES)}")
    found = RULES[key]
    if isinstance(value, str):
        word = value.strip().lower()
        if word in OFF_WORDS:
            return False
        if word in ON_WORDS or word == "":
            return found.default
        if not found.numeric:
            raise FilterSettingError(f"filter {key} is on or off, not {value!r}")
        try:
            value = float(word) if isinstance(found.default, float) else int(word)
        except ValueError:
            kind = "a number" if isinstance(found.default, float) else "a whole number"
            raise FilterSettingError(f"filter {key}: {value!r} is not {kind}, on or off") from None
    if value is None or value is False:
        return False
    if value is True:
        return found.default
    if not found.numeric or not isinstance(value, (int, float)):
        raise FilterSettingError(f"filter {key} is on or off, not {value!r}")
    if isinstance(found.default, int) and value != int(value):
        raise FilterSettingError(f"filter {key}: {value!r} is not a whole number")
    value = type(found.default)(value)
    if not (found.low <= value <= found.high) or math.isnan(value):
        bounds = f"at least {found.low:g}" if found.high == math.inf else f"from {found.low:g} to {found.high:g}"
        raise FilterSettingError(f"filter {key}: {value!r} must be {bounds}")
    return value


def parse_option(text: str) -> tuple[str, float | int | bool]:
    """``NAME[=VALUE]`` from ``build --filter`` as a (name, setting) pair."""
    name, _, value = text.partition("=")
    setting = parse_setting(name, value)
    return name.strip().replace("_", "-"), setting


def read_config(input_dir: Path) -> dict[str, float | int | bool]:
    """The ``[filters]`` table of ``INPUT/align.toml``, parsed; empty when there is no file."""
    path = Path(input_dir) / CONFIG_FILE
    if not path.is_file():
        return {}
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib
        except ModuleNotFoundError:
            raise FilterSettingError(
                f"{path}: reading {CONFIG_FILE} needs Python 3.11+ or the tomli package on Python 3.10; "
                "install tomli, or remove the file and pass the settings as --filter NAME=VALUE"
            ) from None
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise FilterSettingError(f"{path}: not readable as TOML ({error})") from None
    table = config.get("filters", {})
    if not isinstance(table, dict):
        raise FilterSettingError(f"{path}: 'filters' must be a table ([filters] with NAME = VALUE lines)")
    try:
        return {key.replace("_", "-"): parse_setting(key, value) for key, value in table.items()}
    except FilterSettingError as error:
        raise FilterSettingError(f"{path}: {error}") from None


def resolve(explicit: Mapping[str, object] | None, input_dir: Path | None) -> dict[str, float | int | bool]:
    """Every rule's setting: defaults, then ``align.toml`` in ``input_dir``, then ``explicit``."""
    settings = dict(DEFAULTS)
    if input_dir is not None:
        settings.update(read_config(input_dir))
    for name, value in (explicit or {}).items():
        settings[name.replace("_", "-")] = parse_setting(name, value)
    return settings


def describe_rules() -> str:
    """One line per rule with its default, for ``build --help``."""
    lines = ["filters (build --filter NAME[=VALUE|off], or [filters] in INPUT/align.toml), in the order they run:"]
    for name, found in RULES.items():
        lines.append(f"  {name} (default {show(found.default)}): {found.about}")
    lines.append(
        "Human rows are judged on both sides; machine rows of a random-weight test model on their source "
        "side only (the translation is meaningless), so identical, length-ratio and language leave them alone."
    )
    return "\n".join(lines)


def show(setting: float | bool) -> str:
    if setting is True:
        return "on"
    if setting is False:
        return "off"
    return f"{setting:g}"


# ------------------------------------------------------------------------------------- run


class FilterRun:
    """The rules of one build applied to its rows as they stream past, with counts per rule."""

    def __init__(self, settings: Mapping[str, float | int | bool]):
        self.settings = {name: parse_setting(name, value) for name, value in settings.items()}
        self.active = [(RULES[name], value) for name, value in self.resolved().items() if value is not False]
        self.removed: Counter = Counter()
        self.kept = 0
        self.seen: dict[str, set[int]] = {r.name: set() for r, _ in self.active if r.remembers}

    def resolved(self) -> dict[str, float | int | bool]:
        """All rules in registry order, those not named at their default."""
        return {name: self.settings.get(name, found.default) for name, found in RULES.items()}

    def apply(self, rows: Iterable[dict]) -> Iterator[tuple[dict, dict | None]]:
        """Each row with ``None`` (kept) or ``{"rule", "reason"}`` (removed), in the same order."""
        iterator = iter(rows)
        detect = any(r.name == "language" for r, _ in self.active)
        while batch := [Candidate(row) for row in islice(iterator, BATCH_ROWS)]:
            if detect:
                detect_languages(batch)
            for candidate in batch:
                yield candidate.row, self.judge(candidate)

    def judge(self, candidate: Candidate) -> dict | None:
        keys: dict[str, int] = {}
        for found, setting in self.active:
            verdict = found.check(candidate, setting)
            if isinstance(verdict, str):
                return self.remove(found.name, verdict)
            if isinstance(verdict, int):  # a remembering rule's key: its description is the reason
                if verdict in self.seen[found.name]:
                    return self.remove(found.name, found.about)
                keys[found.name] = verdict
        for name, key in keys.items():
            self.seen[name].add(key)
        self.kept += 1
        return None

    def remove(self, name: str, reason: str) -> dict:
        self.removed[name] += 1
        return {"rule": name, "reason": reason}

    def counts(self) -> dict[str, int]:
        """Rows removed by each rule, every rule listed (0 for rules that are off)."""
        return {name: self.removed.get(name, 0) for name in RULES}


def detect_languages(batch: list[Candidate]) -> None:
    """Fill ``detected`` for every unverified side of the batch, in one parallel call."""
    from .langid import detect_many

    wanted = [(candidate, side) for candidate in batch for side in candidate.unverified()]
    if not wanted:
        return
    for (candidate, side), detection in zip(wanted, detect_many([c.text(side) for c, side in wanted])):
        candidate.detected[side] = detection.lang


# ------------------------------------------------------------------------------------ card


def card_lines(settings: Mapping[str, float | int | bool], removed: Mapping[str, int], before: int) -> list[str]:
    """The card's section: a table of rules, settings and rows removed, and where they went."""
    total = sum(removed.values())
    lines = [
        CARD_HEADING,
        "",
        (
            f"Rows made: {before}; removed by the filters below: {total}; published: {before - total}. "
            f"Every removed row is in `{FILTERED_FILE}` with the `rule` that removed it and the `reason`. "
            "Rules run in this order and the first that objects removes the row; duplicates keep the first "
            "row in publication order. Rows of a test model are judged on their source side only."
        ),
        "",
        "| rule | setting | removed | removes |",
        "| --- | --- | --- | --- |",
    ]
    for name, found in RULES.items():
        setting = settings.get(name, found.default)
        lines.append(f"| `{name}` | {show(setting)} | {removed.get(name, 0)} | {found.about} |")
    return lines


CARD_ROW = re.compile(r"^\| `([a-z-]+)` \| ([^|]+) \| (\d+) \| .* \|$", re.MULTILINE)


def card_counts(body: str) -> dict[str, int] | None:
    """Rows removed per rule as the card states them; ``None`` when the card has no filter table."""
    if f"\n{CARD_HEADING}\n" not in f"\n{body}":
        return None
    section = body.split(f"{CARD_HEADING}\n", 1)[1].split("\n## ", 1)[0]
    return {match.group(1): int(match.group(3)) for match in CARD_ROW.finditer(section)}
