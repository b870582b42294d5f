"""Pairing documents by content: right on short pages, deterministic, confirmable, near-linear."""

import os
import random
import subprocess
import sys

from fixtures.government_prose import ENGLISH, RUSSIAN

from align.pairing import (
    MIN_AGREEMENT,
    MIN_MARGIN,
    KeyCounts,
    PairingProfile,
    alignment_agreement,
    content_similarities,
    key_hashes,
    pair_documents,
    profile,
)
from align.records import Document
from align.segment import split_sentences
from benchmarks.synthetic import generate_crawl, read_crawl


def found(pairs):
    return {(p.english, p.russian) for p in pairs}


def make(doc_id, lang, keys, length=1000, url_key=None):
    return PairingProfile(doc_id, lang, url_key, length, key_hashes(keys))


def sentence_confirm(documents):
    """The confirm the pipeline passes: ``alignment_agreement`` of the two documents' sentences."""
    sentences = {d.doc_id: [d.text[a:b] for a, b in split_sentences(d.text, d.lang)] for d in documents}
    return lambda candidates: [alignment_agreement(sentences[e], sentences[r]) for e, r in candidates]


def test_short_pages_are_paired_by_their_report_numbers(tmp_path):
    truth = generate_crawl(tmp_path, 50, 50, 0, 50, short_share=1.0, seed=1).pairs
    documents = read_crawl(tmp_path)
    profiles = [profile(d) for d in documents]
    for pairs in (pair_documents(profiles), pair_documents(profiles, sentence_confirm(documents))):
        assert len(found(pairs) & truth) >= 0.99 * len(truth)
        assert found(pairs) <= truth


def test_a_rare_key_outweighs_names_every_page_has():
    names = {"s:mshs", "s:hrns", "s:glkv"}
    english = [make(f"e{i:02d}", "en", names | {f"#4821{i:03d}"}) for i in range(20)]
    russian = [make(f"r{i:02d}", "ru", names | {f"#4821{i:03d}"}) for i in range(20)]
    # Counted alike, the names make every page 0.75 like every other: no pair clears the margin.
    same, other = names | {"#4821000"}, names | {"#4821001"}
    assert MIN_MARGIN * 2 * len(same & other) / (len(same) + len(other)) > 1.0
    assert found(pair_documents(english + russian)) == {(f"e{i:02d}", f"r{i:02d}") for i in range(20)}


def test_a_pair_must_be_mutual_best_similar_enough_and_clear_of_rivals():
    english = make("e0", "en", {"#1", "#2", "#3", "#4"})
    russian = make("r0", "ru", {"#1", "#2", "#3", "#4"})
    assert found(pair_documents([english, russian])) == {("e0", "r0")}
    # A rival within the margin leaves both unpaired: which one is the translation is not clear.
    rival = make("r1", "ru", {"#1", "#2", "#3"})
    assert pair_documents([english, russian, rival]) == []
    # r0 is e0's best (0.52) but e1 is r0's: e0 stays unpaired, and is no rival to e1.
    closer = make("e1", "en", {"#1", "#2", "#3", "#4", "#5"})
    russian5 = make("r0", "ru", {"#1", "#2", "#3", "#4", "#5"})
    lesser = make("e0", "en", {"#1", "#2"})
    assert found(pair_documents([lesser, closer, russian5])) == {("e1", "r0")}
    # Too little in common, or lengths no translation has.
    assert pair_documents([english, make("r0", "ru", {"#1", "#6", "#7", "#8"})]) == []
    assert pair_documents([english, make("r0", "ru", {"#1", "#2", "#3", "#4"}, length=3000)]) == []


def test_urls_pair_first_and_content_pairs_the_rest():
    profiles = [
        make("e0", "en", {"#1"}, url_key="gov.ru/news/1"),
        make("r0", "ru", {"#2"}, url_key="gov.ru/news/1"),
        make("e1", "en", {"#1", "#3"}),
        make("r1", "ru", {"#1", "#3"}),
    ]
    pairs = pair_documents(profiles)
    assert [(p.english, p.russian, p.method) for p in pairs] == [("e0", "r0", "url"), ("e1", "r1", "content")]


def test_pairs_do_not_depend_on_input_order(tmp_path):
    generate_crawl(tmp_path, 80, 80, 10, 50, sentences=(6, 12), short_share=0.5, seed=2)
    profiles = [profile(d) for d in read_crawl(tmp_path)]
    paired = next(p.russian for p in pair_documents(profiles) if p.method == "content")
    twin = next(p for p in profiles if p.doc_id == paired)
    # The same Russian page under a second id: a tie that no input order may break.
    profiles.append(PairingProfile(twin.doc_id + "-copy", twin.lang, twin.url_key, twin.length, twin.keys))
    asked = []

    def confirm(candidates):
        asked.append(list(candidates))
        return [1.0] * len(candidates)

    expected = pair_documents(profiles)
    expected_confirmed = pair_documents(profiles, confirm)
    expected_asked = asked[:]
    assert len(expected) >= 55 and not {twin.doc_id, twin.doc_id + "-copy"} & {p.russian for p in expected}
    rng = random.Random(0)
    for _ in range(3):
        rng.shuffle(profiles)
        asked.clear()
        assert pair_documents(profiles) == expected
        assert pair_documents(profiles, confirm) == expected_confirmed
        assert asked == expected_asked


def test_confirm_rejects_a_wrong_candidate():
    english = Document("e1", "e.txt", None, None, "en", "\n".join(ENGLISH))
    translation = Document("r1", "r.txt", None, None, "ru", "\n".join(RUSSIAN))
    # The same sentences in another order: the same keys and length, but no translation.
    scrambled = Document("r2", "s.txt", None, None, "ru", "\n".join(RUSSIAN[6:] + RUSSIAN[:6]))
    assert alignment_agreement(ENGLISH, RUSSIAN) >= MIN_AGREEMENT
    assert alignment_agreement(ENGLISH, RUSSIAN[6:] + RUSSIAN[:6]) < MIN_AGREEMENT

    alone = [english, scrambled]
    assert found(pair_documents([profile(d) for d in alone])) == {("e1", "r2")}
    assert pair_documents([profile(d) for d in alone], sentence_confirm(alone)) == []

    both = [english, translation, scrambled]
    assert pair_documents([profile(d) for d in both]) == []  # a tie on profiles alone
    assert found(pair_documents([profile(d) for d in both], sentence_confirm(both))) == {("e1", "r1")}


def test_scored_candidates_are_far_fewer_than_all_pairs(tmp_path):
    generate_crawl(tmp_path, 2000, 2000, 0, 1600, sentences=(6, 12), short_share=0.5, seed=5)
    profiles = [profile(d) for d in read_crawl(tmp_path)]
    english = [p for p in profiles if p.lang == "en"]
    russian = [p for p in profiles if p.lang == "ru"]
    scored = sum(len(found) for found, _, _ in content_similarities(english, russian, KeyCounts.of(profiles)))
    assert scored < len(english) * len(russian) / 20


def test_profile_keys_are_compact_hashes_that_mark_numbers():
    keys = key_hashes(["#2021", "s:mshs", "#2021", "c:tchnlg"])
    assert keys.dtype == "uint64" and len(keys) == 3 and list(keys) == sorted(keys)
    assert [int(k) & 1 for k in key_hashes(["#2021"])] == [1]
    assert [int(k) & 1 for k in key_hashes(["s:mshs"])] == [0]
    # The same keys give the same hashes in every process (whatever Python's string hash seed):
    # shard summaries are reused across runs.
    code = "from align.pairing import key_hashes; print(key_hashes(['s:mshs', '#7']).tolist())"
    for seed in ("1", "2"):
        run = subprocess.run(
            [sys.executable, "-c", code], env=os.environ | {"PYTHONHASHSEED": seed}, capture_output=True
        )
        assert run.stdout.decode().strip() == str(key_hashes(["s:mshs", "#7"]).tolist())


def test_scoring_in_small_chunks_gives_the_same_pairs(tmp_path, monkeypatch):
    import align.pairing as pairing

    generate_crawl(tmp_path, 120, 120, 0, 100, sentences=(6, 12), short_share=0.5, seed=4)
    profiles = [profile(d) for d in read_crawl(tmp_path)]
    whole = pair_documents(profiles)
    monkeypatch.setattr(pairing, "CHUNK_EXPANSIONS", 7)
    english = [p for p in profiles if p.lang == "en"]
    russian = [p for p in profiles if p.lang == "ru"]
    chunks = list(content_similarities(english, russian, KeyCounts.of(profiles)))
    assert len(chunks) > 20
    assert pair_documents(profiles) == whole and len(whole) >= 95
