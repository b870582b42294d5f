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
        ((0,), (0,)),
        ((1,), (1,)),
        ((2,), (2, 3)),
        ((3,), (4,)),
        ((4, 5), (5,)),
        ((6,), (6,)),
        ((), (7,)),
        ((7,), (8,)),
        ((8,), (9,)),
        ((9,), (10,)),
    ]
    assert pairs(align(english, russian)) == gold


def test_unrelated_insertion_is_left_out():
    english = (
        ENGLISH[:6] + ["The weather in Sochi was sunny and warm for the entire week of the festival."] + ENGLISH[6:]
    )
    beads = pairs(align(english, RUSSIAN))
    assert ((6,), ()) in beads
    assert ((7,), (6,)) in beads


def test_dictionary_helps_where_length_cannot():
    english = ["The cat sleeps.", "A dog barks loudly.", "Birds sing."]
    russian = ["Кошка спит.", "Птицы поют."]  # the dog sentence has no translation
    dictionary = Dictionary(
        {"cat": {"кошка"}, "sleep": {"спит"}, "bird": {"птицы"}, "birds": {"птицы"}, "sing": {"поют"}}
    )
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


def naive_search(source, target, aligner):
    """A cell-by-cell dynamic program over every cell, with the scorers' one-bead-at-a-time
    ``bind`` costs: the reference the banded, vectorised search must agree with."""
    import math

    from align.aligner import BEAD_PRIORS

    n, m = len(source), len(target)
    bound = [(scorer.weight, scorer.bind(source, target)) for scorer in aligner.scorers]
    cost = {(0, 0): (0.0, None)}
    for i in range(n + 1):
        for j in range(m + 1):
            for a, b in aligner.beads:
                if (i - a, j - b) not in cost:
                    continue
                if a and b:
                    content = sum(weight * bind(i - a, i, j - b, j) for weight, bind in bound) * (a + b) / 2
                    step = -math.log(BEAD_PRIORS[(a, b)]) + content
                else:
                    step = aligner.skip_cost
                total = cost[(i - a, j - b)][0] + step
                if total < cost.get((i, j), (math.inf, None))[0] - 1e-9:
                    cost[(i, j)] = (total, (a, b))
    beads, i, j = [], n, m
    while i or j:
        a, b = cost[(i, j)][1]
        beads.append((tuple(range(i - a, i)), tuple(range(j - b, j))))
        i, j = i - a, j - b
    return beads[::-1], cost[(n, m)][0]


def noisy_prose(seed):
    """The fixture prose with random deletions, insertions and merges on either side."""
    rng = random.Random(seed)
    english, russian = [], []
    for en, ru in zip(ENGLISH * 2, RUSSIAN * 2):
        roll = rng.random()
        if roll < 0.1:
            english.append(en)
        elif roll < 0.2:
            russian.append(ru)
        elif roll < 0.3 and english:
            english[-1] += " " + en
            russian.append(ru)
        else:
            english.append(en)
            russian.append(ru)
    return english, russian


@pytest.mark.parametrize("seed", range(6))
def test_banded_vectorised_search_equals_the_exhaustive_cell_by_cell_one(seed):
    from align.aligner import features_of

    english, russian = noisy_prose(seed)
    aligner = Aligner()
    source, target = features_of(english, "en"), features_of(russian, "ru")
    expected, _ = naive_search(source, target, aligner)
    assert pairs(aligner.align(source, target)) == expected


def test_banded_search_equals_full_search_on_long_documents():
    """Past ``BLOCK_ABOVE`` sentences the coarse pass runs over blocks; the fine pass in its
    corridor must still find the path the search over every cell finds."""
    from align.aligner import PairTables, _search, features_of, full_windows, to_beads

    rng = random.Random(5)
    english, russian = [], []
    for k in range(600):
        number = rng.randint(0, 10**6)
        en, ru = (
            f"Report {k} lists item {number} for the Ministry.",
            f"В отчёте {k} указана позиция {number} для министерства.",
        )
        roll = rng.random()
        if roll < 0.05:
            english.append(en)
        elif roll < 0.1:
            russian.append(ru)
        elif roll < 0.15 and russian:
            english.append(en)
            russian[-1] += " " + ru
        else:
            english.append(en)
            russian.append(ru)
    assert len(english) > 400
    aligner = Aligner()
    source, target = features_of(english, "en"), features_of(russian, "ru")
    everywhere = full_windows(len(source), len(target))
    full = _search(
        len(source), len(target), list(aligner.beads), everywhere, aligner._cost_function(PairTables(source, target))
    )
    assert pairs(aligner.align(source, target)) == pairs(to_beads(full))


MINISTRIES_EN = [
    "The meeting on support for the information technology industry was held in Moscow on Tuesday.",
    (
        "It was attended by representatives of the Ministry of Digital Development, Communications and Mass Media, "
        "the Ministry of Economic Development, the Ministry of Industry and Trade and the Ministry of Finance."
    ),
    "They discussed new rules of state support for companies in the information technology sector.",
]
MINISTRIES_RU = [
    "Совещание о поддержке отрасли информационных технологий прошло во вторник в Москве.",
    "В нём участвовали представители Минцифры, Минэкономразвития, Минпромторга и Минфина.",
    "Обсуждались новые правила государственной поддержки компаний отрасли информационных технологий.",
]


def test_a_translation_much_shorter_through_abbreviations_stays_one_to_one():
    """Full ministry names against Russian abbreviations: the Russian sentence is less than half
    as long. Length alone must not leave it out (``1-0`` + ``1-2`` or ``1-0`` + ``0-1``)."""
    english = ENGLISH[:6] + MINISTRIES_EN + ENGLISH[6:]
    russian = RUSSIAN[:6] + MINISTRIES_RU + RUSSIAN[6:]
    assert len(russian[7]) < len(english[7]) / 2
    assert pairs(align(english, russian)) == [((i,), (i,)) for i in range(len(english))]


def random_set_table(rng, rows, vocabulary, group):
    from align.aligner import set_table

    return set_table([rng.sample(range(vocabulary), rng.randint(0, 4)) for _ in range(rows)], group)


def test_weighted_overlap_is_the_sum_of_shared_weights_whatever_cells_are_asked():
    """``overlap`` by its definition, and a cell's value does not depend on the other cells asked
    for: a second search reuses remembered costs only if that holds."""
    import numpy as np

    from align.aligner import overlap

    rng = random.Random(11)
    weights = np.array([rng.randint(1, 8) / 8 for _ in range(12)])  # eighths: sums are exact
    for group in (1, 2):
        left, right = random_set_table(rng, 30, 12, group), random_set_table(rng, 25, 12, 1)
        i = np.repeat(np.arange(31), 26)
        j = np.tile(np.arange(26), 31)

        def ids(table, row):
            return set(table.ids[table.indptr[row] : table.indptr[row + 1]].tolist())

        everything = overlap(left, right, i, j, weights)
        expected = [sum(weights[k] for k in ids(left, x) & ids(right, y)) for x, y in zip(i, j)]
        assert everything.tolist() == expected
        counts = overlap(left, right, i, j)
        assert counts.tolist() == [len(ids(left, x) & ids(right, y)) for x, y in zip(i, j)]
        some = np.sort(rng.sample(range(len(i)), 40))
        assert np.array_equal(overlap(left, right, i[some], j[some], weights), everything[some])


def test_punctuation_costs_from_the_table_of_kinds_equal_the_cell_by_cell_ones(monkeypatch):
    import numpy as np

    import align.aligner as aligner_module
    from align.aligner import PairTables, PunctuationScorer, features_of

    english, russian = noisy_prose(3)
    english[2] += ' "Why?" she asked: «yes».'
    source, target = features_of(english, "en"), features_of(russian, "ru")
    scorer = PunctuationScorer()
    bound = scorer.bind(source, target)
    for a, b in ((1, 1), (2, 1), (1, 2), (2, 2)):
        i = np.repeat(np.arange(a, len(source) + 1), len(target) + 1 - b)
        j = np.tile(np.arange(b, len(target) + 1), len(source) + 1 - a)
        from_table = scorer.costs(PairTables(source, target), a, b, i, j)
        monkeypatch.setattr(aligner_module, "KIND_TABLE_LIMIT", 0)
        cell_by_cell = scorer.costs(PairTables(source, target), a, b, i, j)
        monkeypatch.undo()
        assert np.array_equal(from_table, cell_by_cell)
        assert from_table.tolist() == [bound(x - a, x, y - b, y) for x, y in zip(i, j)]


def test_the_corridor_spans_each_row_from_the_first_to_the_last_step_touching_it():
    from align.aligner import path_corridor

    assert [list(side) for side in path_corridor([], 0, 0, 3)] == [[0], [0]]  # two empty documents
    rng = random.Random(2)
    for _ in range(300):
        n, m = rng.randint(1, 25), rng.randint(1, 25)
        path, i, j = [], 0, 0
        while i < n or j < m:
            a, b = rng.choice([(a, b) for a, b in Aligner().beads if i + a <= n and j + b <= m])
            path.append((i, i + a, j, j + b, 0.0))
            i, j = i + a, j + b
        width = rng.randint(0, 5)
        lo, hi = path_corridor(path, n, m, width)
        for row in range(n + 1):
            touching = [(j0, j1) for i0, i1, j0, j1, _ in path if i0 <= row <= i1]
            assert lo[row] == max(0, min(j0 for j0, _ in touching) - width)
            assert hi[row] == min(m, max(j1 for _, j1 in touching) + width)
