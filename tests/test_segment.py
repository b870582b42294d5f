from align.records import Document
from align.segment import MAX_SENTENCE_CHARS, segment_document, split_sentences


def spans(text, lang="en"):
    return [text[s:e] for s, e in split_sentences(text, lang)]


def test_english_sentences_with_abbreviations_and_initials():
    text = "Mr. Smith met V. V. Putin at 5 p.m. on Monday. The share rose by 3.5 percent. Good!"
    assert spans(text) == ["Mr. Smith met V. V. Putin at 5 p.m. on Monday.", "The share rose by 3.5 percent.", "Good!"]


def test_russian_sentences():
    text = "В. В. Путин провёл совещание. Т.е. обсуждали ИТ-отрасль! Что дальше?"
    assert spans(text, "ru") == ["В. В. Путин провёл совещание.", "Т.е. обсуждали ИТ-отрасль!", "Что дальше?"]


def test_lines_are_paragraphs_and_offsets_slice_the_text():
    document = Document("d", "s", None, None, "en", "First one. Second one.\nThird line without stop\n  Fourth.  ")
    segments = segment_document(document)
    assert [s.text for s in segments] == ["First one.", "Second one.", "Third line without stop", "Fourth."]
    for segment in segments:
        assert document.text[segment.start : segment.end] == segment.text
    assert [s.index for s in segments] == [0, 1, 2, 3]


def test_runaway_line_is_cut_at_spaces():
    text = "word " * 2000
    pieces = spans(text)
    assert all(len(p) <= MAX_SENTENCE_CHARS for p in pieces)
    assert "".join(p.replace(" ", "") for p in pieces) == text.replace(" ", "")


def test_titles_abbreviations_and_quotes():
    assert spans("The St. Petersburg forum opened. Prof. Ivanov and Gen. Petrov spoke.") == [
        "The St. Petersburg forum opened.",
        "Prof. Ivanov and Gen. Petrov spoke.",
    ]
    assert spans("It cost approx. 10 bn roubles. See Art. 12 of the law. I said no. Then I left.") == [
        "It cost approx. 10 bn roubles.",
        "See Art. 12 of the law.",
        "I said no.",
        "Then I left.",
    ]
    assert spans("He said: “We are ready.” Then he left.") == ["He said: “We are ready.”", "Then he left."]
    assert spans("We will see... and then went on. Next one.") == ["We will see... and then went on.", "Next one."]
    assert spans("Article 1. The Government shall act. 2. Second item.")[-1] == "2. Second item."


def test_russian_quotes_and_initials():
    assert spans("Он сказал: «Мы готовы». Потом ушёл. А. С. Пушкин родился в 1799 г. в Москве.", "ru") == [
        "Он сказал: «Мы готовы».",
        "Потом ушёл.",
        "А. С. Пушкин родился в 1799 г. в Москве.",
    ]


def test_empty_and_unpunctuated_input():
    assert spans("") == [] and spans("\n\n") == []
    assert spans("no punctuation at all here") == ["no punctuation at all here"]
    huge = "x" * 5_000_000
    pieces = spans(huge)
    assert "".join(pieces) == huge and all(len(p) <= MAX_SENTENCE_CHARS for p in pieces)
