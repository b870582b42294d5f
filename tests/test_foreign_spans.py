"""Foreign spans survive translation, with a well-behaved model and with one that drops placeholders."""

from typing import ClassVar

from align.translate import translate_keeping


class WordMapTranslator:
    """Deterministic fake: translates known English words, keeps numbers (like a good model)."""

    model = None
    from_code, to_code = "en", "ru"
    words: ClassVar[dict[str, str]] = {
        "the": "этот",
        "law": "закон",
        "was": "был",
        "amended": "изменён",
        "title": "название",
        "is": "есть",
    }

    def __init__(self):
        self.calls: list[list[str]] = []

    def translate(self, sentences):
        self.calls.append(list(sentences))
        return [" ".join(self.words.get(w.lower().strip(".,«»"), w) for w in s.split()) for s in sentences]


class NumberDroppingTranslator(WordMapTranslator):
    """A model that mangles numbers: placeholders never come back, the fallback must work."""

    def translate(self, sentences):
        return [text.replace("7", "seven") for text in super().translate(sentences)]


def spans_of(text, *quotes):
    return [(text.index(q), text.index(q) + len(q)) for q in quotes]


def test_placeholders_keep_a_russian_quote():
    text = "The law «О персональных данных» was amended."
    translator = WordMapTranslator()
    (output,) = translate_keeping(translator, [text], [spans_of(text, "О персональных данных")])
    assert "О персональных данных" in output and output.startswith("этот закон")
    assert len(translator.calls) == 1  # the placeholder came back: one whole-sentence call


def test_fallback_translates_around_the_span_when_placeholders_are_lost():
    text = "The law «О персональных данных» was amended."
    translator = NumberDroppingTranslator()
    (output,) = translate_keeping(translator, [text], [spans_of(text, "О персональных данных")])
    assert "О персональных данных" in output
    assert output.startswith("этот закон «") and output.endswith("» был изменён")


def test_english_name_survives_russian_to_english_and_plain_sentences_pass_through():
    texts = ["Форум Digital Almaty прошёл в Алматы.", "Plain sentence is the title."]
    keep = [spans_of(texts[0], "Digital Almaty"), []]
    outputs = translate_keeping(NumberDroppingTranslator(), texts, keep)
    assert "Digital Almaty" in outputs[0]
    assert outputs[1] == "Plain sentence есть этот название"


def test_existing_numbers_are_not_mistaken_for_placeholders():
    text = "In 7301 the law «Закон» was amended."
    (output,) = translate_keeping(WordMapTranslator(), [text], [spans_of(text, "Закон")])
    assert output.count("7301") == 1 and "Закон" in output


def test_spans_survive_the_random_weight_test_model(use_store, tmp_path):
    from align.models import find_package
    from align.translate import ArgosTranslator, DecodingSettings

    translator = ArgosTranslator(find_package("en", "ru"), DecodingSettings(max_decoding_length=8))
    texts = [
        "The title of the programme is «Цифровая экономика» in Russian.",
        "Mikhail Mishustin (Михаил Мишустин) opened the forum at http://government.ru/en/ today.",
    ]
    keep = [spans_of(texts[0], "Цифровая экономика"), spans_of(texts[1], "Михаил Мишустин", "http://government.ru/en/")]
    outputs = translate_keeping(translator, texts, keep)
    assert "Цифровая экономика" in outputs[0]
    assert "Михаил Мишустин" in outputs[1] and "http://government.ru/en/" in outputs[1]
