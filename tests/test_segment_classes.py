"""Segmentation failure classes of issue #18, one test per class, with sentences written here."""

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align.segment import split_sentences
from benchmarks.eval_segmentation import score_cases
from benchmarks.segmentation_cases import ENGLISH, RUSSIAN


def spans(text, lang="en"):
    return [text[s:e] for s, e in split_sentences(text, lang)]


@pytest.mark.parametrize(
    "text,expected",
    [
        # a time that continues: a zone, a zone named by a place, a weekday, an opening time phrase
        ("Polls open at 8 a.m. Kaliningrad time and close at 8 p.m. GMT tomorrow.", 1),
        ("The summit opens at 9 a.m. Wednesday in Minsk.", 1),
        ("From 10 a.m. Deputy Prime Minister Novak will chair the talks.", 1),
        ("On 3 May at 4 p.m. Governors will report to the Cabinet.", 1),
        # a time that ends a sentence, before a capitalised word that is not a time
        ("The vote closed at 9 p.m. Officials began counting at once.", 2),
        ("Lunch is served until 2 p.m. Guests then tour the plant.", 2),
    ],
)
def test_times_before_a_capitalised_word(text, expected):
    assert len(spans(text)) == expected, spans(text)


def test_abbreviations_before_a_number_hold_and_the_number_may_end_the_sentence():
    assert spans("The law took effect on Aug. 1. It was amended on Nov. 20.") == [
        "The law took effect on Aug. 1.",
        "It was amended on Nov. 20.",
    ]
    assert spans("The quote is on p. 112 and in Vol. III of the series.") == [
        "The quote is on p. 112 and in Vol. III of the series."
    ]
    assert spans("Send it to office N°. 7. Nobody else may open it.") == [
        "Send it to office N°. 7.",
        "Nobody else may open it.",
    ]
    assert spans("Asked again, she said no. Later she agreed.") == ["Asked again, she said no.", "Later she agreed."]
    assert spans("Приказ издан 3 авг. 2022 г. № 15 и опубликован на стр. 4 бюллетеня.", "ru") == [
        "Приказ издан 3 авг. 2022 г. № 15 и опубликован на стр. 4 бюллетеня."
    ]


def test_prefix_abbreviations_end_a_sentence_only_before_a_sentence_starter():
    assert spans("The office moved to Baker St. It is larger now. St. Andrew's Hall stayed.") == [
        "The office moved to Baker St.",
        "It is larger now.",
        "St. Andrew's Hall stayed.",
    ]
    assert spans("Exports to the U.S. Treasury fell. Talks with the U.S. They resumed.") == [
        "Exports to the U.S. Treasury fell.",
        "Talks with the U.S.",
        "They resumed.",
    ]
    assert spans("It was decided by Anna and I. Was it wise? Queen Anne I. Stuart? No.") == [
        "It was decided by Anna and I.",
        "Was it wise?",
        "Queen Anne I. Stuart?",
        "No.",
    ]
    assert spans("Dr. Will Hunt and Mr. A. Brown signed for Orion Ltd. The deal closed.") == [
        "Dr. Will Hunt and Mr. A. Brown signed for Orion Ltd.",
        "The deal closed.",
    ]


def test_russian_abbreviations_before_names_and_after_years():
    assert spans(
        "Форум прошёл в г. Тверь и пгт. Красное. Его открыл губернатор Московской обл. А.Ю. Воробьёв.", "ru"
    ) == [
        "Форум прошёл в г. Тверь и пгт. Красное.",
        "Его открыл губернатор Московской обл. А.Ю. Воробьёв.",
    ]
    assert spans("Завод построен в 1968 г. Сейчас он модернизирован. В 1990–1995 гг. Завод простаивал.", "ru") == [
        "Завод построен в 1968 г.",
        "Сейчас он модернизирован.",
        "В 1990–1995 гг. Завод простаивал.",
    ]
    # a date alone before a pronoun is a dateline, not the start of the pronoun's sentence
    assert spans("1 июля 2024 г. Он открыл сессию.", "ru") == ["1 июля 2024 г.", "Он открыл сессию."]
    assert spans("Адрес: 190000, г. Санкт-Петербург, Невский пр., д. 1.", "ru") == [
        "Адрес: 190000, г. Санкт-Петербург, Невский пр., д. 1."
    ]
    assert spans("Закуплены станки, прессы и т. п. Монтаж начнётся весной. Это т. н. пилотный проект.", "ru") == [
        "Закуплены станки, прессы и т. п.",
        "Монтаж начнётся весной.",
        "Это т. н. пилотный проект.",
    ]


def test_quotations_of_two_sentences_stay_whole_and_speeches_split():
    assert spans("Министр ответил: «Решение принято. Оно окончательное». Журналисты ушли.", "ru") == [
        "Министр ответил: «Решение принято. Оно окончательное».",
        "Журналисты ушли.",
    ]
    assert spans("«Где отчёт? – спросил директор. – Мне он нужен сегодня».", "ru") == [
        "«Где отчёт? – спросил директор. – Мне он нужен сегодня»."
    ]
    assert spans("“It is late. We should go,” she said. He agreed.") == [
        "“It is late. We should go,” she said.",
        "He agreed.",
    ]
    speech = "He said: “We met. We agreed. We signed.” Then he left."
    assert spans(speech) == ["He said: “We met.", "We agreed.", "We signed.”", "Then he left."]


def test_list_items_are_sentences_that_keep_their_markers():
    assert spans("Tasks: 1. Draft the law. 2. Consult the regions. 3. Submit it.") == [
        "Tasks:",
        "1. Draft the law.",
        "2. Consult the regions.",
        "3. Submit it.",
    ]
    assert spans("1) collect data 2) train staff 3) report back") == [
        "1) collect data",
        "2) train staff",
        "3) report back",
    ]
    assert spans("▪ energy ▪ transport ▪ housing") == ["▪ energy", "▪ transport", "▪ housing"]
    assert spans("• 4. Energy • 5. Transport") == ["• 4. Energy", "• 5. Transport"]
    assert spans("Меры: а) снизить ставки; б) продлить льготы.", "ru") == [
        "Меры:",
        "а) снизить ставки;",
        "б) продлить льготы.",
    ]
    # not lists: no space after the marker, or numbers that do not follow each other
    assert spans("Купить: 1.хлеб, 2.молоко.", "ru") == ["Купить: 1.хлеб, 2.молоко."]
    assert spans("The score was 3 to 1. 5 players were injured.") == [
        "The score was 3 to 1.",
        "5 players were injured.",
    ]


def test_ellipses_inside_and_at_the_end_of_sentences():
    assert spans("The plan . . . was never finished.") == ["The plan . . . was never finished."]
    assert spans("He hesitated . . . . Then he signed.") == ["He hesitated . . . .", "Then he signed."]
    assert spans("Time is short. . . . The decision cannot wait.") == [
        "Time is short.",
        ". . . The decision cannot wait.",
    ]
    assert spans("We waited... Nothing happened... and then it rained.") == [
        "We waited...",
        "Nothing happened... and then it rained.",
    ]
    assert spans("Они ждали… Ничего не произошло.", "ru") == ["Они ждали…", "Ничего не произошло."]


def test_hand_made_cases_meet_the_target():
    for cases in (ENGLISH, RUSSIAN):
        right, f1 = score_cases(lambda text: spans(text), cases)
        assert right / len(cases) >= 0.98 and f1 >= 0.98, (right, len(cases), f1)


TEXT = st.text(alphabet=st.sampled_from(list('aZя Я.!?…«»“”"()1•:;-–\n ')), max_size=120)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_segments_are_ordered_stripped_and_cover_every_visible_character(text):
    pieces = list(split_sentences(text))
    assert all(start < end for start, end in pieces)
    assert all(end <= next_start for (_, end), (next_start, _) in pairwise(pieces))
    assert all(text[start:end] == text[start:end].strip() for start, end in pieces)
    visible = "".join(text[start:end] for start, end in pieces)
    assert "".join(visible.split()) == "".join(text.split())
