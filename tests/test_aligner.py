import random

import pytest
from fixtures.government_prose import ENGLISH, RUSSIAN

from align.aligner import (
    Aligner,
    Bead,
    Dictionary,
    _char_ngrams,
    align,
    chrf,
    skeleton,
    transliterate,
)

EN = [
    "The Government approved the programme.",
    "It runs until 2030 and costs 1.5 trillion roubles.",
    "Mikhail Mishustin chaired the meeting.",
    "The ministries will report every quarter.",
    "Regions receive additional funding.",
    "The next meeting is in March.",
]
RU = [
    "Правительство утвердило программу.",
    "Она рассчитана до 2030 года и стоит 1,5 трлн рублей.",
    "Заседание провёл Михаил Мишустин.",
    "Министерства будут отчитываться ежеквартально.",
    "Регионы получат дополнительное финансирование.",
    "Следующее заседание пройдёт в марте.",
]


def pairs(beads):
    return [(b.src, b.tgt) for b in beads]


def test_transliteration_keys_meet_across_scripts():
    assert transliterate("Мишустин") == "mishustin"
    assert skeleton("Мишустин") == skeleton("Mishustin")
    assert skeleton("технология") == skeleton("technology")
    assert skeleton("Чернышенко") == skeleton("Chernyshenko")


def test_parallel_lists_align_one_to_one():
    assert pairs(align(EN, RU)) == [((i,), (i,)) for i in range(6)]


def test_deletion_and_merge_are_found():
    # Sentence 1 (long, with numbers) is missing on the Russian side; the last two are merged.
    russian = [RU[0], RU[2], RU[3], RU[4] + " " + RU[5]]
    assert pairs(align(EN, russian)) == [((0,), (0,)), ((1,), ()), ((2,), (1,)), ((3,), (2,)), ((4, 5), (3,))]


def test_split_on_the_source_side():
    english = EN[:3] + [EN[3] + " " + EN[4], EN[5]]
    assert ((3,), (3, 4)) in pairs(align(english, RU))


def test_long_government_prose_with_merges_splits_and_gaps():
    english = ENGLISH[:2] + [ENGLISH[2] + " " + ENGLISH[3]] + ENGLISH[4:8] + ENGLISH[9:]
    russian = RUSSIAN[:5] + [RUSSIAN[5] + " " + RUSSIAN[6]] + RUSSIAN[7:]
    gold = [
        ((0,), (0,)), ((1,), (1,)), ((2,), (2, 3)), ((3,), (4,)), ((4, 5), (5,)),
        ((6,), (6,)), ((), (7,)), ((7,), (8,)), ((8,), (9,)), ((9,), (10,)),
    ]
    assert pairs(align(english, russian)) == gold


def test_unrelated_insertion_is_left_out():
    english = ENGLISH[:6] + ["The weather in Sochi was sunny and warm for the entire week of the festival."] + ENGLISH[6:]
    beads = pairs(align(english, RUSSIAN))
    assert ((6,), ()) in beads
    assert ((7,), (6,)) in beads


def test_dictionary_helps_where_length_cannot():
    english = ["The cat sleeps.", "A dog barks loudly.", "Birds sing."]
    russian = ["Кошка спит.", "Птицы поют."]  # the dog sentence has no translation
    dictionary = Dictionary({"cat": {"кошка"}, "sleep": {"спит"}, "bird": {"птицы"}, "birds": {"птицы"}, "sing": {"поют"}})
    assert pairs(align(english, russian, dictionary=dictionary)) == [((0,), (0,)), ((1,), ()), ((2,), (1,))]


def test_dictionary_file_format(tmp_path):
    path = tmp_path / "dict.tsv"
    path.write_text("# comment\ngovernment\tправительство\nprime minister\tпремьер-министр\n", encoding="utf-8")
    dictionary = Dictionary.read(path)
    assert dictionary.keys("The Government met", "en") == {"d:прави"}
    path.write_text("no tab here\n", encoding="utf-8")
    with pytest.raises(ValueError, match="dict.tsv:1"):
        Dictionary.read(path)


def test_machine_translation_scorer_places_the_deletion():
    english = ["The cat sleeps.", "A dog barks.", "Birds sing now."]
    russian = ["Кошка спит.", "Птицы поют."]
    # A fake translator's output for the English side: the MT scorer compares it with the Russian.
    translated = ["Кошка спит.", "Собака лает.", "Птицы поют."]
    assert pairs(align(english, russian, translated_source=translated)) == [((0,), (0,)), ((1,), ()), ((2,), (1,))]


def test_chrf_bounds():
    same = _char_ngrams("привет мир")
    assert chrf(same, same) == pytest.approx(1.0)
    assert chrf(_char_ngrams("abc"), _char_ngrams("xyz")) == 0.0


def test_every_sentence_in_exactly_one_bead_in_order():
    rng = random.Random(7)
    source = [" ".join(["word"] * rng.randint(1, 30)) for _ in range(900)]
    target = [" ".join(["слово"] * rng.randint(1, 30)) for _ in range(600)]
    beads = align(source, target)
    assert [i for b in beads for i in b.src] == list(range(900))
    assert [j for b in beads for j in b.tgt] == list(range(600))
    assert all(0 <= b.score <= 1 for b in beads)


def test_edge_cases():
    assert align([], []) == []
    assert pairs(align(["a", "b"], [])) == [((0,), ()), ((1,), ())]
    assert pairs(align([], ["x"])) == [((), (0,))]
    assert pairs(align(ENGLISH, ENGLISH, "en", "en")) == [((i,), (i,)) for i in range(len(ENGLISH))]
    huge = ["x" * 50_000, "Short one.", "y" * 50_000]
    assert [b.src for b in align(huge, ["z" * 50_000, "Коротко.", "w" * 50_000])] == [(0,), (1,), (2,)]
    very_different = align(ENGLISH, RUSSIAN[:1])
    assert [i for b in very_different for i in b.src] == list(range(len(ENGLISH)))


def test_large_gap_in_a_long_document_is_found():
    rng = random.Random(3)
    english = [f"Sentence {k} about item {rng.randint(0, 10**6)} and the Ministry." for k in range(1200)]
    russian = [f"Предложение {k} о позиции {text.split()[4]} и министерстве." for k, text in enumerate(english)]
    russian = russian[:300] + russian[700:]
    beads = pairs(align(english, russian))
    assert ((299,), (299,)) in beads and ((700,), (300,)) in beads and ((1199,), (799,)) in beads
    assert sum(1 for s, t in beads if s and not t) == 400


def test_vecalign_format():
    assert Bead((0, 1), (2,), 0.5).vecalign() == "[0,1]:[2]:0.5000"
    assert Bead((), (3,), 0.0).vecalign() == "[]:[3]:0.0000"


def test_aligner_is_configurable():
    only_one_to_one = Aligner(beads=((1, 1), (1, 0), (0, 1)))
    russian = [RU[0], RU[1], RU[2] + " " + RU[3], RU[4], RU[5]]
    assert all(len(b.src) <= 1 and len(b.tgt) <= 1 for b in align(EN, russian, aligner=only_one_to_one))
