"""Spans inside Cyrillic runs (issue #18, class 1): quotations change language, thin evidence does
not, ``mixed`` means any span in another language, the sentence follows the majority of its letters.

Every sentence here was written for these tests.
"""

import pytest

from align.langid import detect, detect_many
from align.records import Segment, Span


def spans_of(text):
    return [(text[s.start : s.end], s.lang) for s in detect(text).spans]


@pytest.mark.parametrize(
    "text,quote",
    [
        (
            "Министр процитировал девиз «Разом ми сильніші» и добавил несколько слов о сотрудничестве.",
            "Разом ми сильніші",
        ),
        ("На открытии прозвучали слова «Бәріміз бірге боламыз» на казахском языке.", "Бәріміз бірге боламыз"),
        ("Журналист процитировал «Мы выйдзем разам» на митинге.", "Мы выйдзем разам"),
        ("Вывеска гласила «Тя е тук всеки ден», но никто не понял.", "Тя е тук всеки ден"),
    ],
)
def test_other_cyrillic_quotation_inside_russian_keeps_the_sentence_russian(text, quote):
    result = detect(text)
    assert result.lang == "ru" and result.mixed
    assert (quote, "other") in spans_of(text)
    outside = [t for t, lang in spans_of(text) if lang == "ru"]
    assert len(outside) == 2 and all(part in text.replace(quote, "") for part in outside)


@pytest.mark.parametrize(
    "text",
    [
        "Він відповів: «Мы обязательно вернёмся к этому вопросу» — і пішов.",
        "Ол былай деді: «Мы обязательно вернёмся к этому вопросу» және кетіп қалды.",
    ],
)
def test_russian_quotation_inside_ukrainian_and_kazakh(text):
    result = detect(text)
    assert result.lang == "other" and result.mixed
    assert ("Мы обязательно вернёмся к этому вопросу", "ru") in spans_of(text)


@pytest.mark.parametrize(
    "text,russian",
    [
        ("Every summer they rent a «дача» near the lake.", "дача"),
        ("He answered with a bare «Да» and left.", "Да"),
        ("The title «Война и мир» is often mistranslated.", "Война и мир"),
        ('The novel "Преступление и наказание" was on the list.', "Преступление и наказание"),
        ("They called it «Новая жизнь» back then.", "Новая жизнь"),
    ],
)
def test_single_russian_words_and_short_titles_in_english_stay_russian(text, russian):
    result = detect(text)
    assert result.lang == "en" and result.mixed
    assert [t for t, lang in spans_of(text) if lang != "en"] == [russian]
    assert (russian, "ru") in spans_of(text)


@pytest.mark.parametrize(
    "text,quote",
    [
        ("The sign read «Ласкаво просимо» at the border.", "Ласкаво просимо"),  # Ukrainian
        ("The anthem begins «Алтын күн аспаны» and everyone stands.", "Алтын күн аспаны"),  # Kazakh
        ("The report is titled «Завдання виконано».", "Завдання виконано"),  # Ukrainian, no і ї є
        ("The poster said «Това е нашият град» in large letters.", "Това е нашият град"),  # Bulgarian
        ("The guide repeated „Той е много добър човек“ twice.", "Той е много добър човек"),  # Bulgarian
    ],
)
def test_other_cyrillic_inside_english_is_other_and_mixed(text, quote):
    result = detect(text)
    assert result.lang == "en" and result.mixed
    assert (quote, "other") in spans_of(text)


def test_thin_evidence_stays_russian():
    # one or two words with no letters Russian lacks, quoted inside Russian: not a change of language
    for text in ("Все повторяли «Слава» весь вечер.", "Он сказал «Добро утро» и ушёл."):
        result = detect(text)
        assert result.lang == "ru" and not result.mixed, text


def test_letters_russian_lacks_change_language_inside_a_run_without_quotes():
    text = "Делегация прибыла в Київ на переговоры с министром иностранных дел."
    result = detect(text)
    assert result.lang == "ru" and result.mixed
    assert [t for t, lang in spans_of(text) if lang == "other"] == ["Київ"]
    text = "В Нур-Султане прошли переговоры с Касым-Жомартом Тоқаевым о строительстве."
    assert [t for t, lang in spans_of(text) if lang == "other"] == ["Тоқаевым"]


def test_whole_sentences_of_the_neighbouring_languages():
    for text in (
        "Той е много добър човек.",  # Bulgarian, no letter Russian lacks
        "Къщата е на края на пътя.",  # Bulgarian vowel ъ
        "Нарізати м'ясо дрібно.",  # Ukrainian apostrophe
        "Я знаю, що він прийде завтра.",
        "Ён сказаў «Добры дзень» і пайшоў.",
    ):
        result = detect(text)
        assert result.lang == "other" and not result.mixed, text


@pytest.mark.parametrize(
    "text",
    [
        "е) иные меры, предусмотренные законом.",  # a list letter, not Bulgarian "е"
        "Председатель КНР Си Цзиньпин прибыл в Москву.",  # a surname, not the clitic "си"
        "Благодаря усилиям правительства программа выполнена в срок.",
        "Объявление о подъёме флага появилось утром.",  # ъ before е ё ю я is Russian
        "Газета «Коммерсантъ» опубликовала интервью.",  # a final ъ in a name
        "Д'Артаньян прибыл в Париж.",
        "Вертолёт Ми-8 совершил посадку.",  # a designation, not Ukrainian "ми"
        "Постановление о мерах поддержки малого и среднего предпринимательства вступает в силу с 1 января.",
    ],
)
def test_russian_that_looks_like_a_neighbour_stays_russian(text):
    result = detect(text)
    assert result.lang == "ru" and not result.mixed


def test_sentence_language_is_the_majority_of_letters_outside_quotations():
    # most letters are Russian, but they are all inside the quotation: the sentence is English
    text = "The forum «Цифровая экономика и промышленность» opened."
    assert detect(text).lang == "en"
    # no quotation marks: the majority of letters decides
    assert detect("Він сказав, что это совершенно неважно.").lang == "ru"
    assert detect("Ми це усвідомлюємо, сказал он.").lang == "other"
    # everything quoted: all letters count
    assert detect("«Цифровая экономика»").lang == "ru"


def test_mixed_is_any_span_in_another_language():
    english = detect("Kazakhstan's motto «Мәңгілік Ел» was quoted.")
    assert english.mixed and {s.lang for s in english.spans} == {"en", "other"}
    russian = detect("Подробности на сайте http://government.ru сегодня.")
    assert not russian.mixed  # a URL is no language
    plain = detect("Правительство утвердило программу.")
    assert not plain.mixed


def test_segment_mixed_agrees_with_detection():
    texts = ["The sign read «Ласкаво просимо» at the border.", "Правительство утвердило программу."]
    for text, detection in zip(texts, detect_many(texts)):
        segment = Segment("d", 0, 0, len(text), text, detection.lang, detection.spans)
        assert segment.mixed == detection.mixed
    assert Segment("d", 0, 0, 4, "Тест", "ru", (Span(0, 4, "other"),)).mixed


def test_batch_equals_one_by_one():
    texts = [
        "Министр процитировал девиз «Разом ми сильніші» и добавил несколько слов.",
        "The title «Война и мир» is often mistranslated.",
        "Той е много добър човек.",
        "Делегация прибыла в Київ на переговоры.",
    ]
    assert detect_many(texts) == [detect(text) for text in texts]
