from align.langid import detect, label_segment
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
    segment = label_segment(Segment("d", 0, 0, 9, "Hello мир"))
    assert segment.lang in ("en", "ru") and segment.mixed
