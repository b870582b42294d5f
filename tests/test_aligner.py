import random

from align.aligner import Bead, align

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


def test_parallel_lists_align_one_to_one():
    assert pairs(align(EN, RU)) == [((i,), (i,)) for i in range(6)]


def test_deletion_and_merge_are_found():
    # Sentence 1 (long, with numbers) is missing on the Russian side; the last two are merged.
    russian = [RU[0], RU[2], RU[3], RU[4] + " " + RU[5]]
    assert pairs(align(EN, russian)) == [((0,), (0,)), ((1,), ()), ((2,), (1,)), ((3,), (2,)), ((4, 5), (3,))]


def test_split_on_the_source_side():
    english = EN[:3] + [EN[3] + " " + EN[4], EN[5]]
    assert ((3,), (3, 4)) in pairs(align(english, RU))


def test_every_sentence_in_exactly_one_bead_in_order():
    rng = random.Random(7)
    source = [" ".join(["word"] * rng.randint(1, 30)) for _ in range(300)]
    target = [" ".join(["слово"] * rng.randint(1, 30)) for _ in range(280)]
    beads = align(source, target)
    assert [i for b in beads for i in b.src] == list(range(300))
    assert [j for b in beads for j in b.tgt] == list(range(280))
    assert all(0 < b.score <= 1 or not (b.src and b.tgt) for b in beads)


def test_empty_sides():
    assert align([], []) == []
    assert pairs(align(["a", "b"], [])) == [((0,), ()), ((1,), ())]
    assert pairs(align([], ["x"])) == [((), (0,))]


def test_vecalign_format():
    assert Bead((0, 1), (2,), 0.5).vecalign() == "[0,1]:[2]:0.5000"
    assert Bead((), (3,), 0.0).vecalign() == "[]:[3]:0.0000"
