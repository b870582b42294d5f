"""Property-based tests: normalisation is idempotent, segmentation loses and duplicates nothing."""

import itertools
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from align.normalise import normalise_text
from align.records import Document
from align.segment import segment_document, split_sentences

FRAGMENTS = [
    "The Government met today.",
    "Mikhail Mishustin at the forum",
    "5 February 2021",
    "09:00",
    "Следующая новость",
    "(Video plays)",
    "<…>",
    "the heads of the delegations taking part in the forum watched a",
    "presentation and visited an exhibition.",
    ", Deputy Prime Minister Dmitry Chernyshenko",
    "Правительство утвердило программу. Она рассчитана до 2030 года.",
    "Mr. Smith met V. V. Putin at 5 p.m. on Monday.",
    "OFFICIAL WEBSITE",
    "There were 1,587 press releases and 424,928 releases.",
    "Пpивeт, Mоscow!",
    "soft\u00adhyphen and\u00a0nbsp\u200b",
    "R&amp;D Ð¡Ð¾Ð²ÐµÑ‚",
    "",
    "   ",
]

pages = st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("\n".join)
alphabet = st.characters(
    categories=("L", "N", "P", "Zs", "S", "Cf"), include_characters="\n\u00ad\u200b\u00a0АаBbСсOoРр"
)
noise = st.text(alphabet=alphabet, max_size=300)
texts = st.one_of(pages, noise, st.text(max_size=200))

SLOW = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def non_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


@SLOW
@given(texts)
def test_normalisation_is_idempotent(text):
    once, _ = normalise_text(text)
    twice, removals = normalise_text(once)
    assert twice == once
    assert removals == []


@SLOW
@given(texts)
def test_removals_point_into_the_raw_text(text):
    _, removals = normalise_text(text)
    for removal in removals:
        assert 0 <= removal.start <= removal.end <= len(text)
        assert removal.reason


@SLOW
@given(texts, st.sampled_from(["en", "ru"]))
def test_segments_slice_the_text_and_lose_nothing(text, lang):
    document = Document("d", "s", None, None, lang, text)
    segments = segment_document(document)
    for segment in segments:
        assert document.text[segment.start : segment.end] == segment.text
        assert segment.text == segment.text.strip() and segment.text
    assert [s.start for s in segments] == sorted(s.start for s in segments)
    assert all(a.end <= b.start for a, b in itertools.pairwise(segments))
    assert non_space("".join(s.text for s in segments)) == non_space(text)


@SLOW
@given(pages)
def test_normalised_pages_segment_back_to_their_text(page):
    text, _ = normalise_text(page)
    pieces = [text[start:end] for start, end in split_sentences(text, "en")]
    assert non_space("".join(pieces)) == non_space(text)
