"""Language of sentences and of the language spans inside them.

Script decides most cases for free: Latin letters are English in this domain, URLs and e-mail
addresses are ``und`` (they are not text in any language). Cyrillic is Russian or ``other``
(Ukrainian, Belarusian, Bulgarian, Kazakh, Serbian, Macedonian …), decided word by word, because a
Ukrainian quotation inside a Russian sentence must not turn the whole sentence into ``other``:

1. each Cyrillic word carries evidence: letters or spellings Russian lacks (і ї є ґ ў қ ң …, a
   vowel ъ, an apostrophe before я/ю) are certain ``other``; a frequent word that does not exist in
   Russian (Ukrainian ``це``, Bulgarian ``е``, Belarusian ``гэта``) or an ending Russian lacks
   leans ``other``; a frequent word or an ending only Russian has (``что``, ``если``, ``-шь``)
   leans Russian;
2. quotation marks and brackets group the words: a quotation is one chunk, the sentence around it
   another (on both sides of the quotation). A chunk whose evidence all points one way is written
   in that language; any other chunk of two or more undecided words goes to lingua, restricted to
   the Cyrillic-script languages of the region, with a language whose alphabet lacks one of the
   chunk's letters struck out (a text with ы cannot be Bulgarian), and against a prior for Russian
   that is the larger the shorter the chunk;
3. a two-state path (Russian / other) over each run of Cyrillic words picks the labels from each
   word's own evidence plus its chunk's verdict: changing language costs little at a quotation
   mark or bracket, more at punctuation, most between two plain words, so a word with letters
   Russian lacks stands out of a Russian chunk on its own (a name) while plain words follow their
   chunk. Thin evidence (a single word with no letters Russian lacks) stays Russian.

lingua is deterministic (no random sampling, unlike langdetect) and scores many texts in one
parallel call, so ``detect_many`` sends every chunk of a batch at once.

A sentence's language is the one most of its letters are in; it is ``mixed`` when any span is in
another language (``other`` included; ``und`` spans, URLs, do not count).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .records import Segment, Span
from .scripts import CYRILLIC, LATIN_TO_CYRILLIC, dominant_script

WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|[\u0300-\u036f])*(?:['’ʼ](?:[^\W\d_]|[\u0300-\u036f])+)*")
"""A word: letters, with combining accents (stress marks, a decomposed ѝ) and inner apostrophes."""
URL = re.compile(
    r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[\w-]+(?:\.[\w-]+)*\.(?:ru|рф|com|org|net|gov|su|by|kz|ua)\b(?:/\S*)?",
    re.IGNORECASE,
)
URL_HINT = re.compile(r"://|www\.|@|\.(?:ru|рф|com|org|net|gov|su|by|kz|ua)\b", re.IGNORECASE)
"""Something every URL has: a cheap test before the full pattern."""
NOT_RUSSIAN_CYRILLIC = frozenset("іїєґўәғқңөұүһјљњђћџѓќѕѝѐ")
NOT_RUSSIAN_SPELLING = re.compile(
    r"[\u0400-\u04FF][iI]|[iI][\u0400-\u04FF]"  # Latin i for і, as Kazakh and Ukrainian are often typed
    r"|ъ[абвгджзийклмнопрстуфхцчшщъыьэ]"  # a vowel ъ (Bulgarian): in Russian ъ only comes before е ё ю я
    r"|[бвгджзклмнпрстфхцчшщ]['’ʼ][яюєїеё]"  # Ukrainian and Belarusian apostrophe; Russian writes ъ
    r"|[\u0400-\u04FF]\u0300",  # a grave accent on a Cyrillic letter (Bulgarian ѝ decomposed)
    re.IGNORECASE,
)
SPELLING_MARKS = frozenset("iъ'’ʼ\u0300")
"""Characters one of which every match of ``NOT_RUSSIAN_SPELLING`` has (a cheap first test)."""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


NOT_RUSSIAN_WORDS = _words(
    # Ukrainian
    "це цей ця цю цього цьому цих що щоб ще вже дуже ми ви ти він вона воно вони мене мені тобі його"
    " йому нього але або чи коли буде будуть був була було були треба можна немає нема лише бо від"
    " теж також чому якщо який яка яке якого якої хто щось завжди як й з цим поки звичайно гаразд дякую"
    " тобто отже проте однак"
    # Bulgarian
    " е са сме сте тя това този тази тези какво кога които който която което няма нямам нямаше"
    " имаш има аз ние вие ги го му ме мен ако вече сега днес утре беше бях бил искам трябва може мога"
    " знам каза един една едно нещо нищо всичко тук добре си се защо още нали хайде"
    # Belarusian
    " гэта гэты гэтага што яго ёй яна яны ён мяне цябе сябе табе вельмі дзе таксама ужо яшчэ трэба"
    " будзе дзякуй ня адна адно таму каб гэтым гэтую гэтай твая сёння хачу"
    # Kazakh (most Kazakh words have letters Russian lacks; these frequent ones do not)
    " емес еді деп керек мынау сосын болды сен ол"
)
"""Frequent words of the neighbouring languages that are not Russian words (from their grammars'
closed classes: pronouns, auxiliaries, conjunctions); each is only a lean, never a verdict."""
RUSSIAN_ONLY_WORDS = _words(
    "что чтобы это этот эта эти этого этой этом этим этому его ему её ее меня тебя себя нет был были"
    " будет будут есть если когда очень тоже также только здесь сейчас сегодня уже ещё еще почему"
    " который которая которое которые которых которой котором можно надо хорошо спасибо всегда никогда"
    " ничего сказал может хочет хотите знаете какой какая какое какие всё другой другие вот потом"
    " теперь тогда конечно чем кто куда сколько зачем пожалуйста здравствуйте ладно должен должна"
    " должны"
)
"""Frequent Russian words spelled differently in every neighbouring language (``что``: uk ``що``,
be ``што``, bg ``какво``)."""
RUSSIAN_ENDING = re.compile(r"(?:[шчщж]ь|ыть)$")
"""Endings only Russian has: ь after a hushing consonant (знаешь, ночь), an infinitive in -ыть."""
NOT_RUSSIAN_ENDING = re.compile(r"ць|(?:нн|тт|лл)[яю]$|еш$")
"""Spellings Russian lacks: a soft ц (Ukrainian -ець, Belarusian -ць infinitives), Ukrainian nouns
in -ння/-ття, a second-person verb in -еш without the ь Russian writes."""
LOWERCASE_ONLY = _words("си се го му ги ме яна")
"""Words that are evidence only in lowercase: Bulgarian enclitics never begin a sentence, and the
capitalised forms are Russian names (``Си`` Цзиньпин, ``Яна``)."""
ALPHABETS = {
    "uk": frozenset("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"),
    "be": frozenset("абвгдеёжзійклмнопрстуўфхцчшыьэюя"),
    "bg": frozenset("абвгдежзийклмнопрстуфхцчшщъьюя"),
    "mk": frozenset("абвгдѓежзѕијклљмнњопрстќуфхцчџш"),
    "sr": frozenset("абвгдђежзијклљмнњопрстћуфхцчџш"),
}
"""Lowercase letters of each language; Kazakh has every Russian letter, so it is never struck."""

QUOTES_AND_BRACKETS = frozenset("«»„“”‟\"'‘’‚‹›()[]{}")
CLAUSE_PUNCTUATION = frozenset(",;:.!?…—–|/")

CERTAIN = 12.0
"""Evidence of a word with letters Russian lacks: outweighs its chunk's lean and two changes of
language, so such a word is never Russian."""
LEAN = 3.0
"""Evidence of a frequent word or an ending that only one side has; also the most any one word
counts for in its chunk's verdict."""
SWITCH_AT_QUOTE, SWITCH_AT_PUNCTUATION, SWITCH_BETWEEN_WORDS = 0.1, 1.0, 1.5
"""Cost of changing language between two words, by what separates them."""
RUSSIAN_PRIOR, RUSSIAN_PRIOR_PER_LETTER = 0.3, 12.0
"""The domain is Russian: a chunk lingua judges must lean ``other`` by ``RUSSIAN_PRIOR +
RUSSIAN_PRIOR_PER_LETTER / letters`` (log-odds); lingua's odds are flat on short texts."""
THIN_WORDS = 2
"""A chunk with fewer undecided words (certain words aside) is not given to lingua: a single word
with no letters Russian lacks is thin evidence and stays Russian; from two words on, lingua judges
against the prior above, which is the larger the shorter the text."""
LINGUA_LIMIT = 4.0
"""lingua's log-odds are clipped to this: a couple of words of evidence outvote it."""
DOMINATED_SHARE = 2.0
"""A chunk whose evidence all points one way is judged by its evidence alone when its plain words
(no evidence at all) are at most this many times its evidence words."""
CHUNK_LEAN = 2.0
"""What a chunk's verdict adds to each of its words: a plain word follows its chunk, while a word
with letters Russian lacks stands out of a Russian chunk as a foreign name does (ties: Russian)."""


SCRIPT_LANGUAGE = {"latin": "en", "url": "und"}
"""Tokens whose script alone decides their language; Cyrillic words are labelled by ``label_words``."""


@dataclass(frozen=True)
class Detection:
    """A sentence's language (``en``, ``ru``, ``other``, ``und``) and its language spans."""

    lang: str
    spans: tuple[Span, ...]

    @property
    def mixed(self) -> bool:
        """True when any span's language differs from the sentence's (``und`` spans aside)."""
        return any(span.lang not in (self.lang, "und") for span in self.spans)

    def as_dict(self) -> dict:
        return {
            "lang": self.lang,
            "mixed": self.mixed,
            "spans": [{"start": s.start, "end": s.end, "lang": s.lang} for s in self.spans],
        }


@dataclass(slots=True)
class Token:
    """A word (or a URL) of a text, with its script and, for Cyrillic words, the evidence it carries."""

    start: int
    end: int
    script: str
    letters: int = 0
    evidence: float = 0.0
    """Log-odds for ``other`` against Russian from the word itself."""
    switch_cost: float = 0.0
    """Cost of a change of language between the previous token and this one."""
    group: int = 0
    """The quotation (or bracket) pair the token is directly inside (0: none); for a Cyrillic word,
    its chunk's key."""


def tokens_of(text: str) -> list[Token]:
    """Words and URLs of ``text`` in order; URLs first, so their letters are never words."""
    urls = [(m.start(), m.end()) for m in URL.finditer(text)] if URL_HINT.search(text) else []
    tokens = [Token(start, end, "url") for start, end in urls]
    cursor = 0
    for start, end in urls + [(len(text), len(text))]:
        for match in WORD.finditer(text, cursor, start):
            word = match.group(0)
            script = "latin" if word.isascii() else dominant_script(word)
            if script:
                letters = len(word) if word.isalpha() else sum(c.isalpha() for c in word)
                tokens.append(Token(match.start(), match.end(), script, letters))
        cursor = end
    tokens.sort(key=lambda token: token.start)
    return tokens


def switch_cost(gap: str) -> float:
    """What changing language costs across ``gap``: quotation marks and brackets are the natural
    edges of a quotation, clause punctuation the next best, a plain space the worst."""
    if not QUOTES_AND_BRACKETS.isdisjoint(gap):
        return SWITCH_AT_QUOTE
    if not CLAUSE_PUNCTUATION.isdisjoint(gap) or " - " in gap:
        return SWITCH_AT_PUNCTUATION
    return SWITCH_BETWEEN_WORDS


def word_evidence(text: str, token: Token) -> float:
    """Log-odds for ``other`` against Russian from one Cyrillic word alone."""
    word = text[token.start : token.end].translate(LATIN_TO_CYRILLIC)
    lowered = word.lower()
    if not NOT_RUSSIAN_CYRILLIC.isdisjoint(lowered) or (
        not SPELLING_MARKS.isdisjoint(lowered) and NOT_RUSSIAN_SPELLING.search(word)
    ):
        return CERTAIN
    if not stands_alone(text, token):
        return ending_evidence(lowered)  # "кое-что", "Ми-8": part of a compound, not a function word
    if lowered in NOT_RUSSIAN_WORDS:
        if (lowered in LOWERCASE_ONLY and word != lowered) or (len(word) == 1 and is_list_marker(text, token)):
            return 0.0
        return LEAN
    if lowered in RUSSIAN_ONLY_WORDS:
        return -LEAN
    return ending_evidence(lowered)


def ending_evidence(lowered: str) -> float:
    """A lean from spellings that only Russian, or only its neighbours, have."""
    if RUSSIAN_ENDING.search(lowered):
        return -LEAN
    if NOT_RUSSIAN_ENDING.search(lowered):
        return LEAN
    return 0.0


def stands_alone(text: str, token: Token) -> bool:
    """Not joined to a neighbour by a hyphen or a digit."""
    before = text[token.start - 1] if token.start else " "
    after = text[token.end] if token.end < len(text) else " "
    return not (before in "-‐" or after in "-‐" or before.isdigit() or after.isdigit())


def is_list_marker(text: str, token: Token) -> bool:
    """``е)`` (or ``е.`` opening a line) enumerates items in Russian legal text: a letter, not a word."""
    after = text[token.end : token.end + 1]
    return after == ")" or (after == "." and not text[: token.start].strip())


@dataclass
class Chunk:
    """The Cyrillic words inside one pair of quotation marks or brackets (or outside all of them):
    a quotation is judged apart from the sentence around it, and the sentence around it as a whole,
    on both sides of the quotation."""

    words: list[Token]
    score: float = 0.0
    """Log-odds for ``other`` against Russian of the chunk as a whole (``judge_chunks``)."""

    @property
    def lean(self) -> float:
        """What the chunk's verdict adds to each of its words: ``other`` when the score is above 0."""
        return CHUNK_LEAN if self.score > 0 else -CHUNK_LEAN


CLOSERS = {
    "«": "»",
    "„": "“”",
    "“": "”",
    '"': '"',
    "'": "'",
    "‘": "’",
    "‚": "‘’",
    "‹": "›",
    "(": ")",
    "[": "]",
    "{": "}",
}
"""Opening marks and the marks that close them (German-style „…“ as Russian and Bulgarian write)."""


def quote_groups(text: str, tokens: list[Token]) -> list[int]:
    """For each token, which pair of quotation marks or brackets it is directly inside (0: none).

    A mark that closes the innermost open pair closes it; any other opening mark opens a new one,
    so an unclosed quotation runs to the end of the text. A straight ``"`` or ``'`` opens only
    when text follows it directly (``the students' union``: an apostrophe, not a quotation)."""
    groups, stack, opened, cursor = [], [(0, "")], 0, 0
    for token in tokens:
        gap = text[cursor : token.start]
        for offset, ch in enumerate(gap) if not QUOTES_AND_BRACKETS.isdisjoint(gap) else ():
            if ch in stack[-1][1]:
                stack.pop()
            elif ch in CLOSERS and (ch not in "\"'" or not text[cursor + offset + 1 : cursor + offset + 2].isspace()):
                opened += 1
                stack.append((opened, CLOSERS[ch]))
        groups.append(stack[-1][0])
        cursor = token.end
    return groups


def cyrillic_chunks(text: str, tokens: list[Token]) -> dict[int, Chunk]:
    """Fill in each Cyrillic token's evidence and switch cost; group the words into chunks."""
    chunks: dict[int, Chunk] = {}
    previous: Token | None = None
    for token, group in zip(tokens, quote_groups(text, tokens)):
        token.group = group
        if token.script == "cyrillic":
            token.evidence = word_evidence(text, token)
            if previous is not None and previous.script == "cyrillic":
                token.switch_cost = switch_cost(text[previous.end : token.start])
            chunks.setdefault(group, Chunk([])).words.append(token)
        previous = token
    return chunks


def undecided_words(chunk: Chunk) -> list[Token]:
    """The chunk's words that do not speak for themselves (no letters Russian lacks)."""
    return [word for word in chunk.words if word.evidence < CERTAIN]


@lru_cache(maxsize=1)
def _lingua():
    from lingua import Language, LanguageDetectorBuilder

    codes = {
        Language.RUSSIAN: "ru",
        Language.UKRAINIAN: "uk",
        Language.BELARUSIAN: "be",
        Language.BULGARIAN: "bg",
        Language.KAZAKH: "kk",
        Language.MACEDONIAN: "mk",
        Language.SERBIAN: "sr",
    }
    detector = LanguageDetectorBuilder.from_languages(*codes).build()
    return detector, codes


def log_odds_other(text: str, confidences: dict[str, float]) -> float:
    """lingua's log-odds for any other language against Russian, after striking the languages whose
    alphabet lacks one of the text's letters; clipped to ``±LINGUA_LIMIT``."""
    letters = set(CYRILLIC.findall(text.lower()))
    other = sum(
        value
        for lang, value in confidences.items()
        if lang != "ru" and (lang not in ALPHABETS or letters <= ALPHABETS[lang])
    )
    russian = confidences.get("ru", 0.0)
    odds = math.log((other + 1e-6) / (russian + 1e-6))
    return max(-LINGUA_LIMIT, min(LINGUA_LIMIT, odds))


def evidence_score(chunk: Chunk) -> float:
    """The chunk's own evidence, each word counting at most ``LEAN`` either way: as a whole, a chunk
    with one word of letters Russian lacks can still be Russian with a name in it."""
    return sum(max(-LEAN, min(LEAN, word.evidence)) for word in chunk.words)


def is_one_sided(chunk: Chunk) -> bool:
    """All the chunk's evidence points one way and its plain words (no evidence at all) are at most
    ``DOMINATED_SHARE`` times as many as its evidence words: lingua would only agree, slowly."""
    directions = {word.evidence > 0 for word in chunk.words if word.evidence}
    plain = sum(1 for word in chunk.words if not word.evidence)
    return len(directions) == 1 and plain <= DOMINATED_SHARE * (len(chunk.words) - plain)


def judge_chunks(texts: Sequence[str], chunks: list[tuple[int, Chunk]]) -> None:
    """Score every chunk: its words' evidence, plus lingua's judgement (against a prior for Russian
    that is the larger the shorter the text) when the chunk has at least ``THIN_WORDS`` undecided
    words and is not one-sided; lingua's part in one parallel call for the whole batch."""
    pending: list[tuple[Chunk, list[Token], str]] = []
    for i, chunk in chunks:
        chunk.score = evidence_score(chunk)
        undecided = undecided_words(chunk)
        if len(undecided) >= THIN_WORDS and not is_one_sided(chunk):
            text = " ".join(texts[i][w.start : w.end] for w in undecided).translate(LATIN_TO_CYRILLIC)
            pending.append((chunk, undecided, _clean(text)))
    if not pending:
        return
    detector, codes = _lingua()
    scored = detector.compute_language_confidence_values_in_parallel([text for _, _, text in pending])
    for (chunk, undecided, text), values in zip(pending, scored):
        confidences = {codes[value.language]: value.value for value in values}
        prior = RUSSIAN_PRIOR + RUSSIAN_PRIOR_PER_LETTER / sum(w.letters for w in undecided)
        chunk.score += log_odds_other(text, confidences) - prior


def label_words(words: list[Token], chunks: dict[int, Chunk]) -> list[str]:
    """``ru`` or ``other`` for each word of a Cyrillic run: the best two-state path (Viterbi)."""
    ru_score, other_score = 0.0, 0.0
    # For each word: did the best path into "ru" (into "other") come from the other state?
    ru_back: list[bool] = []
    other_back: list[bool] = []
    for k, word in enumerate(words):
        lean = word.evidence + chunks[word.group].lean
        cost = word.switch_cost if k else 0.0
        from_other_to_ru = other_score - cost > ru_score
        from_ru_to_other = ru_score - cost > other_score
        new_ru = other_score - cost if from_other_to_ru else ru_score
        new_other = (ru_score - cost if from_ru_to_other else other_score) + lean
        ru_back.append(from_other_to_ru)
        other_back.append(from_ru_to_other)
        ru_score, other_score = new_ru, new_other
    state = "other" if other_score > ru_score else "ru"
    labels = []
    for k in range(len(words) - 1, -1, -1):
        labels.append(state)
        if state == "ru" and ru_back[k]:
            state = "other"
        elif state == "other" and other_back[k]:
            state = "ru"
    return labels[::-1]


def cyrillic_runs(tokens: list[Token]) -> list[range]:
    """Token positions of each maximal stretch of consecutive Cyrillic words."""
    runs: list[range] = []
    for k, token in enumerate(tokens):
        if token.script == "cyrillic":
            if k and tokens[k - 1].script == "cyrillic":
                runs[-1] = range(runs[-1].start, k + 1)
            else:
                runs.append(range(k, k + 1))
    return runs


def spans_of(tokens: list[Token], labels: list[str]) -> tuple[Span, ...]:
    """Maximal runs of same-language tokens; every URL is a span of its own."""
    spans: list[Span] = []
    for token, lang in zip(tokens, labels):
        if spans and spans[-1].lang == lang != "und":
            spans[-1] = Span(spans[-1].start, token.end, lang)
        else:
            spans.append(Span(token.start, token.end, lang))
    return tuple(spans)


def sentence_language(tokens: list[Token], labels: list[str]) -> str:
    """The language most of the letters outside quotations and brackets are in (its matrix
    language; all letters when everything is quoted): an English sentence quoting a Russian title
    is still English, a Russian one quoting Ukrainian still Russian. Ties go to Russian, then English."""
    outside = any(token.group == 0 and lang != "und" for token, lang in zip(tokens, labels))
    letters: dict[str, int] = {}
    for token, lang in zip(tokens, labels):
        if lang != "und" and (token.group == 0 or not outside):
            letters[lang] = letters.get(lang, 0) + token.letters
    if not letters:
        return "und"
    preference = {"ru": 2, "en": 1}
    return max(letters, key=lambda lang: (letters[lang], preference.get(lang, 0)))


def _clean(text: str) -> str:
    """Lone surrogates cannot cross into lingua's Rust core; same length, so offsets hold."""
    return text.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(text) else text


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def detect_many(texts: Sequence[str]) -> list[Detection]:
    """Language and spans of each text; all Cyrillic chunks of the batch are scored together."""
    all_tokens = [tokens_of(text) for text in texts]
    all_chunks = [cyrillic_chunks(text, tokens) for text, tokens in zip(texts, all_tokens)]
    judge_chunks(texts, [(i, chunk) for i, chunks in enumerate(all_chunks) for chunk in chunks.values()])
    detections = []
    for tokens, chunks in zip(all_tokens, all_chunks):
        labels = [SCRIPT_LANGUAGE.get(token.script, "") for token in tokens]
        for run in cyrillic_runs(tokens):
            labels[run.start : run.stop] = label_words(tokens[run.start : run.stop], chunks)
        detections.append(Detection(sentence_language(tokens, labels), spans_of(tokens, labels)))
    return detections


def detect(text: str) -> Detection:
    """Language of ``text`` (``en``, ``ru``, ``other``, ``und``) and its language spans."""
    return detect_many([text])[0]


def label_segments(segments: Sequence[Segment]) -> list[Segment]:
    """The segments with ``lang`` and ``spans`` filled in, detected in one batch."""
    return [
        Segment(s.doc_id, s.index, s.start, s.end, s.text, d.lang, d.spans)
        for s, d in zip(segments, detect_many([s.text for s in segments]))
    ]
