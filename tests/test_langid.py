from align.langid import detect, label_segments
from align.records import Segment


def test_plain_languages():
    assert detect("The Government was instructed to act.").lang == "en"
    assert detect("Правительству поручено принять меры.").lang == "ru"
    assert detect("12:30 — 45 %").lang == "und"
    assert detect("").spans == ()


def test_other_cyrillic_by_letters_russian_lacks():
    assert detect("Ми це усвідомлюємо.").lang == "other"  # і, є: Ukrainian
    assert detect("Гэта касцёл, і ён стары.").lang == "other"  # і, ў-free Belarusian with і
    assert detect("Жаңа жылыңыз құтты болсын.").lang == "other"  # ң, қ: Kazakh


def test_bulgarian_without_special_letters_goes_to_langdetect():
    assert detect("Том си намести очилата и отиде в града със сестра си.").lang == "other"


def test_mixed_spans_in_both_directions():
    english = "The page was titled «Цифровая экономика» (Digital Economy) in Russian."
    result = detect(english)
    assert result.lang == "en" and result.mixed
    russian_span = [s for s in result.spans if s.lang == "ru"]
    assert len(russian_span) == 1
    assert english[russian_span[0].start : russian_span[0].end] == "Цифровая экономика"

    russian = "Форум Digital Almaty прошёл в Алматы."
    result = detect(russian)
    assert result.lang == "ru"
    assert [russian[s.start : s.end] for s in result.spans if s.lang == "en"] == ["Digital Almaty"]


def test_homoglyph_word_is_not_split():
    result = detect("Пpивeт")  # Latin p and e inside a Cyrillic word
    assert [(s.lang, s.start, s.end) for s in result.spans] == [("ru", 0, 6)]


def test_deterministic_and_segment_labelling():
    text = "Оправете си вратовръзката, моля ви."
    assert {detect(text).lang for _ in range(5)} == {detect(text).lang}
    (segment,) = label_segments([Segment("d", 0, 0, 9, "Hello мир")])
    assert segment.lang in ("en", "ru") and segment.mixed


def spans_of(text):
    return [(text[s.start : s.end], s.lang) for s in detect(text).spans]


def test_guillemet_quote_inside_english():
    assert spans_of("The law «О персональных данных» was amended in 2021.") == [
        ("The law", "en"),
        ("О персональных данных", "ru"),
        ("was amended in", "en"),
    ]


def test_names_in_parentheses_both_ways():
    text = "Mikhail Mishustin (Михаил Мишустин) opened the forum."
    assert spans_of(text) == [("Mikhail Mishustin", "en"), ("Михаил Мишустин", "ru"), ("opened the forum", "en")]
    text = "Выступил Кассым-Жомарт Токаев (Kassym-Jomart Tokayev) с докладом."
    result = detect(text)
    assert result.lang == "ru" and result.mixed
    assert ("Kassym-Jomart Tokayev", "en") in spans_of(text)


def test_urls_are_not_language():
    text = "Подробности на сайте http://government.ru/news/41467/ и на www.kremlin.ru сегодня."
    result = detect(text)
    assert result.lang == "ru" and not result.mixed
    assert [t for t, lang in spans_of(text) if lang == "und"] == ["http://government.ru/news/41467/", "www.kremlin.ru"]
    assert detect("Write to press@government.ru for details.").lang == "en"


def test_other_cyrillic_quote_inside_english_is_not_russian():
    text = "The Kyiv sign read «Ласкаво просимо до Києва» in Ukrainian."
    assert ("Ласкаво просимо до Києва", "other") in spans_of(text)
    assert detect(text).mixed  # English with a Ukrainian quotation is mixed (issue #18: it was not)
    assert ("Гэта наш горад і наша мова", "other") in spans_of("She said «Гэта наш горад і наша мова» twice.")


def test_latin_i_inside_cyrillic_word_marks_kazakh_or_ukrainian():
    assert detect("Бiлгiм келмейдi.").lang == "other"  # Latin i typed for Kazakh і


def test_russian_with_embedded_english_terms():
    text = "Компании сектора IT внедряют решения Big Data и machine learning."
    result = detect(text)
    assert result.lang == "ru" and result.mixed
    assert [t for t, lang in spans_of(text) if lang == "en"] == ["IT", "Big Data", "machine learning"]


def test_bad_input_never_raises():
    assert detect("\ud800 broken \udfff").lang == "en"
    assert detect("Привет \ud800 мир").lang == "ru"
    assert detect("!!! ... 123 456").lang == "und"
    long = "Правительство утвердило программу. " * 40_000  # a single repeated word would be any language's
    assert detect(long).lang == "ru"


def test_same_answer_in_another_process():
    import json
    import subprocess
    import sys

    lines = ["Том си намести очилата.", "Я не прав.", "Ми це усвідомлюємо.", "Hello мир", "Топаз!"]
    here = [detect(line).as_dict() for line in lines]
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "-m", "align", "detect", "-"],
            input="\n".join(lines),
            capture_output=True,
            text=True,
            check=False,
        )
        assert [json.loads(line) for line in result.stdout.splitlines()] == here
