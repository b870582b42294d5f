"""The public API, used as a library user would: only names imported from ``align``."""

from __future__ import annotations

import json

import pytest

from align import (
    AlignError,
    Lexicon,
    Translator,
    __all__,
    align_sentences,
    build,
    detect,
    normalise,
    sentences,
    verify,
)

ENGLISH = [
    "The Government approved the regional road programme on Monday.",
    "It will cost 42 billion roubles over six years.",
    "Repairs on the first 300 kilometres begin in April.",
    "The Ministry of Transport will report every quarter.",
]
RUSSIAN = [
    "Правительство в понедельник утвердило региональную дорожную программу.",
    "Она обойдётся в 42 млрд рублей за шесть лет.",
    "Ремонт первых 300 километров начнётся в апреле.",
    "Министерство транспорта будет отчитываться каждый квартал.",
]


def test_every_name_in_all_is_importable_and_documented():
    import align

    for name in __all__:
        value = getattr(align, name)
        assert name == "__version__" or value.__doc__, name


def test_the_api_names_survive_importing_their_namesake_modules():
    """``align.normalise`` and ``align.verify`` are also module names; importing those modules
    (as the stages do) must not replace the functions."""
    import align
    import align.normalise
    import align.verify

    assert align.normalise is normalise and align.verify is verify
    assert normalise("A sentence.").text == "A sentence."


def test_sentences_joins_wrapped_lines_and_keeps_paragraphs():
    text = "The minister arrived at 10 a.m. Moscow time. He met\nthe governors.\r\n\r\nВ 2023 г. работы завершены."
    assert sentences(text, "en") == [
        "The minister arrived at 10 a.m. Moscow time.",
        "He met the governors.",
        "В 2023 г. работы завершены.",
    ]
    assert sentences("", "ru") == []


def test_detect_labels_and_spans():
    found = detect(
        ["Road repairs begin in April.", "Ремонт дорог начнётся в апреле.", "The law «Об образовании» applies."]
    )
    assert [d.lang for d in found] == ["en", "ru", "en"]
    quoted = found[2]
    assert quoted.mixed and [span.lang for span in quoted.spans] == ["en", "ru", "en"]
    text = "The law «Об образовании» applies."
    assert text[quoted.spans[1].start : quoted.spans[1].end] == "Об образовании"
    with pytest.raises(TypeError):
        detect("one string")


def test_normalise_returns_clean_text_and_every_removal():
    page = "Published: 3 April 2024\n\nRepairs on the first 300 kilometres begin in\nApril.\n\n———\n"
    clean, removals = normalise(page)
    assert clean == "Repairs on the first 300 kilometres begin in April."
    assert [(r.reason, page[r.start : r.end]) for r in removals] == [
        ("date-or-time-line", "Published: 3 April 2024"),
        ("separator-line", "———"),
    ]


def test_align_sentences_with_and_without_lexicon(tmp_path):
    words = tmp_path / "words.tsv"
    words.write_text("road\tдорога\nrepairs\tремонт\nquarter\tквартал\n", encoding="utf-8")
    english = ENGLISH[:2] + ["An extra English sentence with no Russian partner at all."] + ENGLISH[2:]
    for lexicon in ("auto", None, Lexicon.read(words)):
        beads = align_sentences(english, RUSSIAN, "en", "ru", lexicon=lexicon)
        assert [(b.src, b.tgt) for b in beads] == [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), (2,)), ((4,), (3,))]
        assert beads[2].score == 0 and all(0 < b.score <= 1 for b in beads if b.tgt)
    reverse = align_sentences(RUSSIAN, ENGLISH, "ru", "en", lexicon=None)
    assert [(b.src, b.tgt) for b in reverse] == [((i,), (i,)) for i in range(4)]
    with pytest.raises(ValueError):
        align_sentences(ENGLISH, RUSSIAN, "en", "en")


def test_translator_from_store_translates_with_the_test_package(test_store):
    with Translator.from_store("en", "ru", store=test_store, max_decoding_length=8, cache=False) as translator:
        assert (translator.source, translator.target) == ("en", "ru")
        assert translator.model.test_model
        lines = [ENGLISH[0], "", ENGLISH[1], ENGLISH[0]]
        out = translator.translate(lines, keep_foreign=False)
        assert len(out) == 4 and out[1] == "" and out[0] == out[3] and out[0].strip() and out[2].strip()
        assert out[0] != ENGLISH[0]
        # A Russian quotation inside English is Russian already: it comes through verbatim.
        quoted = "The law «Об образовании» applies from April."
        kept = translator.translate([quoted])[0]
        assert "Об образовании" in kept


def test_translator_without_a_package_is_an_align_error(tmp_path):
    with pytest.raises(AlignError):
        Translator.from_store("ru", "en", store=tmp_path)


def test_build_then_verify_a_tiny_bilingual_folder(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "roads-en.txt").write_text(
        "url: https://roads.example/en/news/12/\n\n" + "\n".join(ENGLISH) + "\n", encoding="utf-8"
    )
    (pages / "roads-ru.txt").write_text(
        "url: https://roads.example/news/12/\n\n" + "\n".join(RUSSIAN) + "\n", encoding="utf-8"
    )
    corpus = build(pages, tmp_path / "roads-en-ru", workers=1, show_progress=False, filters={"too-short": 3})
    assert corpus == tmp_path / "roads-en-ru"
    rows = [json.loads(line) for path in (corpus / "data").glob("*.jsonl") for line in path.read_text().splitlines()]
    assert sorted((row["translation"]["en"], row["translation"]["ru"]) for row in rows) == sorted(zip(ENGLISH, RUSSIAN))
    assert {row["origin"] for row in rows} == {"human"}
    manifest = json.loads((corpus / "manifest.json").read_text())
    assert manifest["settings"]["filters"]["too-short"] == 3
    assert verify(corpus).ok and verify(str(corpus)).lines() == []
    (corpus / "documents.jsonl").write_text("", encoding="utf-8")
    damaged = verify(corpus)
    assert not damaged.ok and "changed: documents.jsonl" in damaged.lines()
