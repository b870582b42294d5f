"""Finding the documents of a folder that are translations of each other.

Government sites publish a page in both languages under related addresses
(``government.ru/en/news/41467/`` ↔ ``government.ru/news/41467/``, ``en.kremlin.ru/…`` ↔
``kremlin.ru/…``), so documents are paired by URL first: the address with its language marker
removed must be the same. Documents without a usable address are paired by content: the numbers,
names and cognates the two texts share (the aligner's keys). A content pair must be each
document's best match, reach ``MIN_CONTENT_SIMILARITY``, and beat either document's next-best
candidate by ``MIN_MARGIN``: two unrelated pages on the same topic share words too, and a wrong
pair would publish misaligned sentences as human translations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from .aligner import lowercase_vocabulary, sentence_features
from .records import Document

LANGUAGE_HOST_PREFIXES = ("en.", "eng.", "ru.", "rus.")
LANGUAGE_PATH_SEGMENTS = {"en", "eng", "english", "ru", "rus", "russian"}
MIN_CONTENT_SIMILARITY = 0.2
MIN_MARGIN = 1.5
MAX_LENGTH_RATIO = 2.5


@dataclass(frozen=True)
class DocumentPair:
    english: Document
    russian: Document
    method: str
    """``url`` or ``content``."""
    similarity: float


def url_key(url: str | None) -> str | None:
    """The address with its language marker removed, or ``None`` when there is no address."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    host = parts.netloc.lower()
    host = host[4:] if host.startswith("www.") else host
    for prefix in LANGUAGE_HOST_PREFIXES:
        if host.startswith(prefix):
            host = host[len(prefix) :]
            break
    segments = [segment for segment in parts.path.split("/") if segment]
    if segments and segments[0].lower() in LANGUAGE_PATH_SEGMENTS:
        segments = segments[1:]
    return f"{host}/{'/'.join(segments)}" if host else None


def document_keys(document: Document) -> frozenset[str]:
    lines = [line for line in document.text.split("\n") if line.strip()]
    common = lowercase_vocabulary(lines)
    keys: set[str] = set()
    for line in lines:
        keys |= sentence_features(line, document.lang, common=common).keys
    return frozenset(keys)


def pair_documents(documents: Sequence[Document]) -> list[DocumentPair]:
    """English–Russian document pairs, by URL where addresses match, else by shared content."""
    english = [d for d in documents if d.lang == "en"]
    russian = [d for d in documents if d.lang == "ru"]
    pairs: list[DocumentPair] = []
    by_key: dict[str, Document] = {}
    for document in russian:
        key = url_key(document.url)
        if key and key not in by_key:
            by_key[key] = document
    used: set[str] = set()
    for document in english:
        partner = by_key.get(url_key(document.url) or "")
        if partner and partner.doc_id not in used:
            pairs.append(DocumentPair(document, partner, "url", 1.0))
            used |= {document.doc_id, partner.doc_id}
    left_en = [d for d in english if d.doc_id not in used]
    left_ru = [d for d in russian if d.doc_id not in used]
    if left_en and left_ru:
        pairs.extend(_pair_by_content(left_en, left_ru))
    return sorted(pairs, key=lambda p: (p.english.doc_id, p.russian.doc_id))


def _pair_by_content(english: list[Document], russian: list[Document]) -> list[DocumentPair]:
    keys = {d.doc_id: document_keys(d) for d in english + russian}
    similarity: dict[tuple[str, str], float] = {}
    for en in english:
        for ru in russian:
            ratio = max(len(en.text), 1) / max(len(ru.text), 1)
            a, b = keys[en.doc_id], keys[ru.doc_id]
            plausible = 1 / MAX_LENGTH_RATIO <= ratio <= MAX_LENGTH_RATIO and a and b
            similarity[en.doc_id, ru.doc_id] = 2 * len(a & b) / (len(a) + len(b)) if plausible else 0.0

    def ranked(doc_id: str, index: int) -> list[float]:
        return sorted((value for key, value in similarity.items() if key[index] == doc_id), reverse=True)

    pairs = []
    for en in english:
        for ru in russian:
            value = similarity[en.doc_id, ru.doc_id]
            en_scores, ru_scores = ranked(en.doc_id, 0), ranked(ru.doc_id, 1)
            best_for_both = value == en_scores[0] == ru_scores[0]
            runner_up = max(en_scores[1:2] + ru_scores[1:2], default=0.0)
            if value >= MIN_CONTENT_SIMILARITY and best_for_both and value >= MIN_MARGIN * runner_up:
                pairs.append(DocumentPair(en, ru, "content", round(value, 4)))
    return pairs
