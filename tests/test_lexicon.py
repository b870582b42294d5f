"""The corpus-learned lexicon (issue #18): learning, its file, and realignment with it."""

import itertools
import subprocess
import sys
from pathlib import Path

import pytest

from align.aligner import Bead, align
from align.lexicon import (
    MIN_EVIDENCE,
    Lexicon,
    LexiconScorer,
    confident_pairs,
    learn,
    name_stems,
    realign,
    stem,
    stems,
)

ANIMALS = [("cat", "Кошка"), ("dog", "Собака"), ("bird", "Птица"), ("horse", "Лошадь")]
VERBS = [("sees", "видит"), ("hears", "слышит"), ("loves", "любит")]
THINGS = [("river", "реку"), ("house", "дом"), ("tree", "дерево"), ("garden", "сад")]


def listing(animal, verb, things) -> tuple[str, str]:
    return (
        f"The {animal[0]} {verb[0]} " + " and ".join(f"the {thing}" for thing, _ in things) + ".",
        f"{animal[1]} {verb[1]} " + " и ".join(thing for _, thing in things) + ".",
    )


LISTS = [
    listing(animal, verb, [THINGS[(turn + k) % len(THINGS)] for k in range(turn % 3 + 1)])
    for animal in ANIMALS
    for verb in VERBS
    for turn in range(9)
]
"""108 pairs naming one to three things: their lengths vary together, so a first pass aligns
them right, and they hold more confident pairs than ``MIN_EVIDENCE``."""
SIMPLE = [listing(animal, verb, [thing]) for animal in ANIMALS for verb in VERBS for thing in THINGS]
"""48 pairs of one shape, whose lengths say little: where a sentence is missing, only the words
can tell."""
CORPUS = LISTS + SIMPLE
"""Every content word occurs in dozens of pairs, always with the same translation, and in none
with any other word's translation more often than by chance."""
WORDS = [pair for group in (ANIMALS, VERBS, THINGS) for pair in group]


def translations(lexicon: Lexicon, english: str) -> dict[str, float]:
    return {ru: weight for en, ru, weight in lexicon.entries if en == stem(english)}


def test_stems_make_inflected_forms_meet():
    assert stem("кошка") == stem("кошку") == stem("кошкой")
    assert stem("loves") == stem("loved") == stem("loving")
    assert stem("дом") == "дом"  # too short to lose an ending
    assert stems("The cat sees the cat.") == (stem("the"), stem("cat"), stem("sees"))


def test_lexicon_learning_finds_every_translation_on_a_small_corpus():
    lexicon = learn(CORPUS)
    for english, russian in WORDS:
        found = translations(lexicon, english)
        assert stem(russian) in found, (english, found)
        # its translation is by far the strongest link of the word
        assert found[stem(russian)] > 0.8
        others = [weight for ru, weight in found.items() if ru != stem(russian)]
        assert all(weight < 0.3 for weight in others), (english, found)
    # no content word is linked to another content word's translation
    content = {stem(ru) for _, ru in WORDS}
    for english, russian in WORDS:
        assert set(translations(lexicon, english)) & content == {stem(russian)}


def test_too_little_evidence_teaches_nothing():
    assert len(learn(CORPUS[: MIN_EVIDENCE - 1])) == 0
    assert len(learn(CORPUS[:MIN_EVIDENCE])) > 0
    assert len(learn([])) == 0


def test_learning_is_deterministic():
    assert learn(CORPUS).text() == learn(list(CORPUS)).text()


def test_lexicon_file_round_trip_and_hand_made_lists(tmp_path):
    lexicon = learn(CORPUS)
    path = tmp_path / "lexicon.tsv"
    lexicon.write(path)
    assert Lexicon.read(path) == lexicon
    path.write_text("# a hand-made list\ncats\tкошки\nriver\tрека\t0.5\n", encoding="utf-8")
    read = Lexicon.read(path)
    assert (stem("cat"), stem("кошка"), 1.0) in read.entries
    assert (stem("river"), stem("реку"), 0.5) in read.entries
    path.write_text("cat\tкошка\nno tab here\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lexicon.tsv:2"):
        Lexicon.read(path)
    path.write_text("cat\tкошка\theavy\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not a number"):
        Lexicon.read(path)


def test_confident_pairs_are_one_to_one_beads_away_from_skips():
    english = [en for en, _ in CORPUS[:8]]
    russian = [ru for _, ru in CORPUS[:8]]
    beads = [
        Bead((0,), (0,), 0.9),
        Bead((1,), (1,), 0.9),
        Bead((2,), (2,), 0.9),
        Bead((3,), (), 0.0),
        Bead((4,), (3,), 0.9),
        Bead((5,), (4,), 0.9),
        Bead((6,), (5,), 0.3),
        Bead((7,), (6, 7), 0.9),
    ]
    pairs = confident_pairs(english, russian, beads)
    # 2 and 4 are next to a skip, 5 next to a weak bead is fine, 6 is weak, 7 is a merge
    assert pairs == [(english[0], russian[0]), (english[1], russian[1]), (english[5], russian[4])]


def test_lexicon_scorer_tells_a_translation_from_a_neighbour():
    lexicon = learn(CORPUS)
    english = ["The cat sees the river.", "The dog hears the tree."]
    russian = ["Кошка видит реку.", "Собака слышит дерево."]
    import numpy as np

    from align.aligner import PairTables, features_of

    scorer = LexiconScorer(lexicon, english, russian)
    tables = PairTables(features_of(english, "en"), features_of(russian, "ru"))
    i, j = np.array([1, 1, 2, 2]), np.array([1, 2, 1, 2])
    right, wrong, wrong2, right2 = scorer.costs(tables, 1, 1, i, j)
    assert right < 0.1 and right2 < 0.1
    # only "the" (weak links to whatever it met) and nothing else is shared
    assert wrong > 0.8 and wrong2 > 0.8


def test_realignment_places_the_skips_the_first_pass_cannot():
    """Sentences of one length and no names or numbers: the first pass has nothing but length to
    go on, so it cannot tell where the missing translations were; the lexicon can."""
    english = [en for en, _ in CORPUS]
    russian = [ru for _, ru in CORPUS]
    start = len(LISTS)  # the skips fall among the sentences of one shape
    del russian[start + 30]
    del english[start + 20]
    gold_skips = {((), (start + 20,)), ((start + 29,), ())}
    first, second, lexicon = realign(english, russian)
    assert len(lexicon) > 0
    assert gold_skips - {(b.src, b.tgt) for b in first}  # the first pass misplaces at least one
    beads = {(b.src, b.tgt) for b in second}
    assert gold_skips <= beads
    assert sum(1 for b in second if len(b.src) == len(b.tgt) == 1) == len(english) - 1


def run_pair(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "align", "pair", "--mt", "off", *args],
        check=False,
        cwd=cwd,
        capture_output=True,
        text=True,
    )


def test_pair_command_lexicon_option(tmp_path):
    english = [en for en, _ in CORPUS]
    russian = [ru for _, ru in CORPUS]
    start = len(LISTS)
    del russian[start + 30]
    del english[start + 20]
    (tmp_path / "en.txt").write_text("\n".join(english) + "\n", encoding="utf-8")
    (tmp_path / "ru.txt").write_text("\n".join(russian) + "\n", encoding="utf-8")
    auto = run_pair("en.txt", "ru.txt", cwd=tmp_path)
    assert auto.returncode == 0, auto.stderr
    skips = [f"[{start + 29}]:[]:0.0000", f"[]:[{start + 20}]:0.0000"]
    assert all(skip in auto.stdout.splitlines() for skip in skips)
    learn(CORPUS).write(tmp_path / "lexicon.tsv")
    from_file = run_pair("--lexicon", "lexicon.tsv", "en.txt", "ru.txt", cwd=tmp_path)
    assert from_file.returncode == 0 and skips[0] in from_file.stdout.splitlines()
    off = run_pair("--lexicon", "off", "en.txt", "ru.txt", cwd=tmp_path)
    assert off.returncode == 0 and off.stdout != auto.stdout
    (tmp_path / "bad.tsv").write_text("one column\n", encoding="utf-8")
    bad = run_pair("--lexicon", "bad.tsv", "en.txt", "ru.txt", cwd=tmp_path)
    assert bad.returncode != 0 and "bad.tsv:1" in bad.stderr and "Traceback" not in bad.stderr
    missing = run_pair("--lexicon", "missing.tsv", "en.txt", "ru.txt", cwd=tmp_path)
    assert missing.returncode != 0 and "missing.tsv" in missing.stderr and "Traceback" not in missing.stderr


def test_learning_takes_a_bounded_even_sample_of_the_evidence():
    """Memory must not grow with the corpus: past MAX_EVIDENCE pairs, an even sample teaches."""
    from align.lexicon import MAX_EVIDENCE, evenly

    items = list(range(3 * MAX_EVIDENCE + 7))
    sample = evenly(items, MAX_EVIDENCE)
    assert len(sample) == MAX_EVIDENCE and sample == sorted(sample) and sample[0] == 0
    assert max(b - a for a, b in itertools.pairwise(sample)) <= 4 and sample[-1] >= len(items) - 4
    assert evenly(items[:10], MAX_EVIDENCE) == items[:10]


def test_name_stems_are_the_words_of_title_case_names_only():
    sentence = "Representatives of the Ministry of Industry and Trade met the minister of trade in Kazan."
    assert name_stems(sentence) == {stem("Ministry"), stem("Industry")}  # "trade" also occurs outside
    assert name_stems("Good afternoon, colleagues.") == set()
    assert name_stems("The Federal Tax Service said so.") == {stem(w) for w in ("The", "Federal", "Tax", "Service")}


def test_an_abbreviated_name_does_not_undo_a_one_to_one_bead(tmp_path):
    """The lexicon knows every word of the ministries' full names; the Russian sentence uses their
    abbreviations. Words the translation is free to abbreviate must not count against the bead,
    which the aligner without a lexicon already gets right."""
    sys.path.insert(0, str(Path(__file__).parent))
    from fixtures.government_prose import ENGLISH, RUSSIAN
    from test_aligner import MINISTRIES_EN, MINISTRIES_RU

    words = tmp_path / "words.tsv"
    words.write_text(
        "ministry\tминистерство\ndigital\tцифрового\ndevelopment\tразвития\ncommunications\tсвязи\n"
        "mass\tмассовых\nmedia\tкоммуникаций\neconomic\tэкономического\nindustry\tпромышленности\n"
        "trade\tторговли\nfinance\tфинансов\nrepresentatives\tпредставители\nattended\tучаствовали\n",
        encoding="utf-8",
    )
    english = ENGLISH[:6] + MINISTRIES_EN + ENGLISH[6:]
    russian = RUSSIAN[:6] + MINISTRIES_RU + RUSSIAN[6:]
    beads = align(english, russian, lexicon=Lexicon.read(words))
    assert [(b.src, b.tgt) for b in beads] == [((i,), (i,)) for i in range(len(english))]


def test_the_second_pass_from_remembered_costs_equals_a_fresh_search():
    """``realign`` keeps the first search's costs and computes only the lexicon's and the new
    cells'; the beads must be those of a second search that computes everything again."""
    import numpy as np

    from align.aligner import (
        BLOCK,
        Aligner,
        PairTables,
        features_of,
        path_corridor,
        to_beads,
        with_extra_scorers,
    )

    english = [en for en, _ in CORPUS] * 2
    russian = [ru for _, ru in CORPUS] * 2
    del russian[70:73]
    del english[15]
    first, second, lexicon = realign(english, russian)
    assert len(lexicon) > 0
    base = Aligner()
    source, target = features_of(english, "en"), features_of(russian, "ru")
    path = base.path(source, target)
    assert to_beads(path) == first
    again = with_extra_scorers(base, english, russian, "en", lexicon=lexicon)
    windows = path_corridor(path, len(english), len(russian), base.corridor + BLOCK)
    assert to_beads(again.path(source, target, windows, PairTables(source, target))) == second

    remembering = PairTables(source, target, remember_costs=True)
    i = np.repeat(np.arange(1, 40), 5)
    j = np.minimum(i + np.tile(np.arange(5), 39), len(russian))
    kept = remembering.content(base.scorers, 1, 1, i[::2], j[::2])  # remembers every other cell
    assert np.array_equal(kept, PairTables(source, target).content(base.scorers, 1, 1, i[::2], j[::2]))
    everything = remembering.content(again.scorers, 1, 1, i, j)
    assert np.array_equal(everything, PairTables(source, target).content(again.scorers, 1, 1, i, j))


@pytest.mark.parametrize("sizes", [(1, 3), (2, 1), (1, 1), (0, 2), (2, 0), (0, 0)])
def test_realign_covers_every_sentence_of_tiny_and_empty_documents(sizes):
    """Tiny documents leave some bead shapes without a single cell to score (a 2-1 bead over one
    source sentence); the search and the remembered costs must take that in their stride."""
    english = [en for en, _ in CORPUS][: sizes[0]]
    russian = [ru for _, ru in CORPUS][5 : 5 + sizes[1]]
    for beads in realign(english, russian)[:2]:
        assert [i for b in beads for i in b.src] == list(range(len(english)))
        assert [j for b in beads for j in b.tgt] == list(range(len(russian)))


def test_pair_command_aligns_a_one_line_file(tmp_path):
    (tmp_path / "en.txt").write_text("The cat sees the river.\n", encoding="utf-8")
    (tmp_path / "ru.txt").write_text("Кошка видит реку.\nСобака слышит дерево.\nЭто всё.\n", encoding="utf-8")
    result = run_pair("en.txt", "ru.txt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    beads = result.stdout.splitlines()
    assert len(beads) >= 2 and all(line.startswith("[") for line in beads)
    assert sorted(int(j) for line in beads for j in line.split(":")[1].strip("[]").split(",") if j) == [0, 1, 2]
