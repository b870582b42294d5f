"""The accuracy targets of the issues, on the dev data in ../shared/eval (skipped when absent)."""

import pytest

from benchmarks.data import TATOEBA

pytestmark = pytest.mark.skipif(
    not (TATOEBA / "ru-en.dev.tsv").is_file(), reason=f"evaluation data not found at {TATOEBA}"
)


@pytest.mark.parametrize("lang,column", [("en", 0), ("ru", 1)])
def test_segmentation_f1_on_tatoeba_paragraphs(lang, column):
    from benchmarks.data import parallel_pairs
    from benchmarks.eval_segmentation import evaluate, paragraphs, single_sentence

    sentences = [pair[column] for pair in parallel_pairs() if single_sentence(pair[column])]
    data = paragraphs(sentences)
    assert len(data) >= 90
    precision, recall, f1, _ = evaluate(lang, data)["ours"]
    assert f1 >= 0.995, (precision, recall)


def test_language_identification_targets():
    from benchmarks.eval_langid import ours, test_sets

    targets = {"ru": 0.985, "en": 0.995, "uk": 0.93, "be": 0.93, "bg": 0.93, "kk": 0.93}
    for name, (texts, correct) in test_sets().items():
        accuracy = sum(map(correct, ours(texts))) / len(texts)
        assert accuracy >= targets[name], (name, accuracy)


def test_alignment_strict_f1_at_015_noise_without_a_model():
    from align.aligner import Aligner, gale_church_aligner
    from benchmarks.eval_alignment import run

    ours, baseline = run(Aligner(), 0.15), run(gale_church_aligner(), 0.15)
    assert ours["strict_f1"] >= 0.90, ours
    assert ours["strict_f1"] > baseline["strict_f1"] + 0.1
