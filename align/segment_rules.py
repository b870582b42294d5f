"""What the segmenter knows about words: abbreviations by how they behave at a full stop, and words
that begin sentences.

A full stop after an abbreviation is ambiguous; what settles it is the *kind* of abbreviation and
the next token. The kinds, for English and Russian alike (scripts do not collide, so one lexicon
serves both languages and mixed text):

- ``NEVER_FINAL``: only ever inside a sentence (``e.g.``, ``i.e.``, ``т. е.``, ``напр.``).
- ``PREFIX``: stands before a name (``Mr.``, ``Prof.``, ``St.``, ``пгт.``, ``ул.``), and company or
  name suffixes (``Inc.``, ``Jr.``) that a name may follow. Ends a sentence only when the next word
  could not continue one (see ``SENTENCE_STARTERS``): "on Downing St. He …".
- words before a number (``BEFORE_NUMBER_WORDS``: ``No. 5``, ``p. 55``, ``Jan. 5``, ``февр. 2021``,
  ``ст. 12``) hold when a number follows; before anything else they are ordinary words ("I said
  no. Then …") or, if listed there too, of their other kind (``ст.`` = station before a name).
- ``FINAL``: routinely ends sentences (``a.m.``, ``etc.``, ``и т. д.``, units and currencies after
  numbers, ``г.``/``гг.`` = year(s) after a number). A capitalised next word starts a new sentence
  unless the sentence so far is only an introductory date or time ("At 5 a.m. Mr. Smith …",
  "В 2010–2012 гг. Виктор …") or the next words continue a time ("3 p.m. Moscow time").

Single Cyrillic letters (``г.``, ``с.``, ``д.``, ``р.``, ``в.``) and ``гг.``/``вв.`` are ``FINAL``
right after a number (year, page, house number, rouble, century) and ``PREFIX`` otherwise (town,
village, river: ``г. Волгоград``; "125009, г. Москва" has a comma between); one capital letter is an initial (``PREFIX``), so "Albert I. Jones" holds
together while "you and I. Did you …" splits.
"""

from __future__ import annotations

import re

NEVER_FINAL = "never-final"
PREFIX = "prefix"
FINAL = "final"
TIME = "time"
"""``a.m.``/``p.m.``: ``FINAL`` with extra evidence that the time goes on (zone, weekday)."""


def _words(*groups: str) -> frozenset[str]:
    return frozenset(word for group in groups for word in group.split())


ENGLISH_NEVER_FINAL = _words("e.g i.e cf vs viz approx ca incl esp a.k.a")
RUSSIAN_NEVER_FINAL = _words(
    "т.е т.к т.н т.ч напр см ср букв ок прим англ нем фр лат рус греч итал исп кит яп укр",
    "зам зав нач пом и.о врио",
)
ENGLISH_PREFIX = _words(
    "mr mrs ms messrs dr prof gen col lt maj capt sgt cpl adm cmdr gov sen rep rev hon pres amb",
    "st mt ft pt fr sr jr bros inc ltd corp co plc llc dept univ assn",
)
RUSSIAN_PREFIX = _words(
    "г гор пгт пос дер с д п х р о оз ст ул пр просп пер наб пл ш б-р обл респ",
    "проф акад доц ген полк св тов им гр кн",
)
ENGLISH_BEFORE_NUMBER = _words(
    "no nos n° p pp pg para art arts fig figs vol vols ch chap sec sect tab eq tel",
    "jan feb mar apr jun jul aug sep sept oct nov dec",
)
RUSSIAN_BEFORE_NUMBER = _words(
    "№ стр с т тт п пп ст ч чч гл рис табл кв д корп эт оф каб абз разд прил вып тел моб",
    "янв фев февр мар апр авг сен сент окт ноя нояб дек",
)
ENGLISH_FINAL = _words("etc al")
RUSSIAN_FINAL = _words(
    "т.д т.п др н.э у.е",
    "руб коп долл дол тыс млн млрд трлн проц км кг мин сек час га барр куб кв.м куб.м",
)
TIMES = frozenset({"a.m", "p.m"})
AFTER_NUMBER = frozenset({"гг", "вв"})
"""Years and centuries after a number (``2010–2012 гг.``), towns before a name (``гг. Москва и
Казань``); every lone Cyrillic letter behaves the same way."""

ABBREVIATIONS: dict[str, str] = {}
for _kind, _group in (
    (PREFIX, ENGLISH_PREFIX | RUSSIAN_PREFIX),
    (FINAL, ENGLISH_FINAL | RUSSIAN_FINAL),
    (NEVER_FINAL, ENGLISH_NEVER_FINAL | RUSSIAN_NEVER_FINAL),
    (TIME, TIMES),
):
    ABBREVIATIONS.update(dict.fromkeys(_group, _kind))
BEFORE_NUMBER_WORDS = ENGLISH_BEFORE_NUMBER | RUSSIAN_BEFORE_NUMBER
"""Checked first when a number follows; a word here may also have a kind in ``ABBREVIATIONS``."""

SENTENCE_STARTERS = _words(
    # English: pronouns, determiners, conjunctions, question words, auxiliaries, sentence adverbs.
    "I He She It We They You This That These Those There Here The A An His Her Its Our Their My",
    "Your But And Or So Yet However Then Thus Therefore Meanwhile Also Still Moreover Furthermore",
    "In On At For From By With After Before During Since As If When While Although Though Because",
    "What Where Who Why How Which Whose Did Do Does Is Are Was Were Has Have Had Would Could",
    "Should Must Let Some Many Most All Each Every Both Such Other Another Not Now Today",
    "Yesterday Tomorrow Nobody Nothing Everyone Everything Someone Something Instead Otherwise",
    "Later Earlier Finally Indeed Nevertheless Nonetheless Besides Hence Accordingly Consequently",
    "Overall Currently Recently Previously Initially Unfortunately Fortunately Clearly Perhaps",
    "Maybe Sometimes Often Usually Again Yes Everybody Anyone Anybody Somebody None Few Several",
    "Any Neither Either Whether Unless Until Once Despite Whereas Nor Among Within Without Against",
    "Across Along Around Through Throughout Toward Towards Upon Into About Above Below Beyond Like",
    "Unlike Following According Many Much More Less",
    # Russian: the same kinds of words.
    "Я Он Она Оно Они Мы Вы Ты Это Этот Эта Эти Тот Та То Те Там Тут Здесь Но А И Или Однако",
    "Потом Затем После Поэтому Также Кроме Вот Так Теперь Сейчас Сегодня Вчера Завтра Как Что",
    "Кто Где Когда Почему Зачем Если Хотя Чтобы В Во На С Со К По О Об От До Из За Для При Под",
    "Над Без У Не Ни Все Всё Его Её Их Мой Наш Ваш Уже Ещё Еще Лишь Только Даже Причём Тем",
    "Был Была Было Были Есть Впрочем Итак Между Среди Около Тогда Сначала Наконец Далее Ранее",
    "Позже Позднее Кстати Напомним Отметим Помимо Вместе Вместо Благодаря Согласно Несмотря Через",
    "Перед Против Именно Почти Особенно Пока Пусть Надо Нужно Можно Нельзя Многие Некоторые",
    "Каждый Такой Такие Такая Такое Мне Нам Вам Ему Ей Им Меня Нас Вас Сам Сама Сами",
)
"""Capitalised words that begin sentences and cannot continue one after a title or initial.
Words that are also names or parts of titles are left out: "Dr. *Will* Smith", "May", "U.S.
*Under* Secretary", "St. *Just*"."""

INTRODUCTORY_WORDS = _words(
    "at on in by from to until till since after before around about between during through and",
    "or the of early late mid this last next every each shortly just starting beginning as",
    "a m p noon midnight o'clock",
    "в во с со к по до после около от на между и или начиная уже конце начале середине течение",
    "г гг год года году годах годы в вв век века веке х е",  # х, е: 1990-х, 1990-е
)
MONTHS = _words(
    "january february march april may june july august september october november december",
    "jan feb mar apr jun jul aug sep sept oct nov dec",
    "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь",
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "янв фев февр мар апр авг сен сент окт ноя нояб дек",
)
WEEKDAYS = _words(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri",
    "sat sun понедельник вторник среда среду четверг пятница пятницу суббота субботу воскресенье",
)
TIME_ZONES = _words("UTC GMT BST CET CEST EET EEST MSK EST EDT CST CDT MST MDT PST PDT ET PT CT MT")
ROMAN_NUMERAL = re.compile(r"^[IVXLC]+$")
WORD_OR_NUMBER = re.compile(r"[^\W\d_]+|\d+")
NUMBER_UNIT = re.compile(r"^[\d.,:/]*\d[–—-]?([^\W\d_]+)$")
"""A unit fused to its number: ``1996-1999гг``, ``5км``."""
MULTI_PERIOD = re.compile(r"^(?:[^\W\d_]{1,3}\.)+[^\W\d_]{1,3}$")
"""``U.S``, ``E.U``, ``Ph.D``, ``Л.Н``: letters joined by full stops (the last one is the candidate)."""
MAX_INTRODUCTORY_WORDS = 10


def is_number(token: str) -> bool:
    """Digits, possibly with separators or a range (``2010-2012``, ``5:30``), or a Roman numeral."""
    return bool(token) and (token[0].isdigit() or token[-1:].isdigit() or bool(ROMAN_NUMERAL.match(token)))


def starts_with_number(word: str) -> bool:
    """The word after ``No.``/``Vol.``/``ст.`` is its number: digits, or a Roman numeral of two
    letters or more (a lone ``I`` is more often the pronoun)."""
    return word[:1].isdigit() or (len(word) > 1 and bool(ROMAN_NUMERAL.match(word)))


def kind_of(word: str, previous: str) -> str | None:
    """The kind of abbreviation ``word`` (without its final full stop) is, or None for a word.

    ``previous`` is the token before it: after a number, a lone Cyrillic letter or a unit is a
    unit (``2021 г.`` = year, ``5 р.`` = roubles), elsewhere a place or title (``г. Москва``).
    """
    lower = word.lower()
    fused = NUMBER_UNIT.match(lower)
    if fused:
        lower, previous = fused.group(1), "0"
    kind = ABBREVIATIONS.get(lower)
    if lower in AFTER_NUMBER or (len(lower) == 1 and _is_cyrillic(lower)):
        return FINAL if is_number(previous) else PREFIX
    if kind is not None:
        return kind
    if len(word) == 1 and word.isupper():
        return PREFIX  # an initial
    if MULTI_PERIOD.match(word):
        return PREFIX  # U.S., Л.Н.: a name may follow
    return None


def _is_cyrillic(letter: str) -> bool:
    return "\u0400" <= letter <= "\u04ff"


def is_introductory(words: str) -> bool:
    """Whether ``words`` (the sentence so far) is only a date or time phrase ("At 5 a.m.",
    "В 2010–2012 гг."): such a phrase cannot be a sentence, so what follows continues it."""
    tokens = WORD_OR_NUMBER.findall(words)
    if not tokens or len(tokens) > MAX_INTRODUCTORY_WORDS or not any(map(is_number, tokens)):
        return False
    return all(
        token[0].isdigit()
        or token.lower() in INTRODUCTORY_WORDS
        or token.lower() in MONTHS
        or token.lower() in WEEKDAYS
        or ROMAN_NUMERAL.match(token)
        for token in tokens
    )


def continues_time(next_word: str, word_after: str) -> bool:
    """After ``a.m.``/``p.m.``: a zone ("UTC"), a zone named by a place ("Moscow time"), a weekday
    or a month ("3 p.m. Monday") continue the sentence."""
    return (
        next_word in TIME_ZONES
        or word_after.lower() == "time"
        or next_word.lower() in WEEKDAYS
        or next_word.lower() in MONTHS
    )
