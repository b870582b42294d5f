"""Boilerplate removal on the fixture pages: how much chrome goes, how much of the article stays.

``python -m benchmarks.eval_extraction`` (``.venv/bin/python -m …``). For each candidate extractor,
alone and followed by our normalisation (``align.normalise``), over the pages in
``tests/fixtures/pages`` and their gold annotation (``gold.json`` beside them):

* **chrome removed**: the share of the gold chrome lines (menus, banners, footers, widgets, dates)
  that no longer appear in the output once the article's sentences are taken out of it;
* **sentences kept**: the share of the article's sentences (gold paragraphs split by our
  segmenter) that are sentences of the output, whole and alone (not glued to a date or a
  heading that the extractor left on the same line).

Candidates: ``trafilatura`` as ``align.html`` runs it (blocks and table cells as paragraphs),
``trafilatura-txt`` (its own text output: a table row is one line, cells joined by ``|``), and
``resiliparse`` (``extract_plain_text(main_content=True)``, without list bullets), if installed.
A last table times each on a page nested 10,000 elements deep (an HTML bomb).
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

from align import html
from align.ingest import decode_input
from align.normalise import normalise
from align.records import RawDocument
from align.segment import split_sentences

PAGES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "pages"
BOMB_DEPTH = 10_000


def ours(page: str) -> str:
    """``align.html.extract``: guards, metadata and the removals log included in the time."""
    return html.extract(page).text


def trafilatura_txt(page: str) -> str:
    import trafilatura

    return trafilatura.extract(page, include_comments=False, include_tables=True, deduplicate=False) or ""


def resiliparse_text(page: str) -> str:
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(page, main_content=True, preserve_formatting=True, list_bullets=False, alt_texts=False)


def candidates() -> dict[str, Callable[[str], str]]:
    found: dict[str, Callable[[str], str]] = {"trafilatura": ours, "trafilatura-txt": trafilatura_txt}
    try:
        import resiliparse.extract.html2text  # noqa: F401
    except ImportError:
        print("resiliparse is not installed: .tools/bin/uv pip install --python .venv/bin/python resiliparse")
    else:
        found["resiliparse"] = resiliparse_text
    return found


def flat(text: str) -> str:
    """NFC, white space collapsed, and trafilatura's table-cell escape (``\\|``) undone."""
    return " ".join(unicodedata.normalize("NFC", text).replace("\\|", "|").split())


def sentences(paragraphs: list[str], lang: str) -> list[str]:
    """Our segmenter's sentences of each paragraph (each line of an output), flattened."""
    return [flat(paragraph[start:end]) for paragraph in paragraphs for start, end in split_sentences(paragraph, lang)]


def chrome_pattern(line: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in flat(line).split()]
    return re.compile(r"(?<!\w)" + r"\s*".join(words) + r"(?!\w)")


def score(output: str, gold: dict) -> tuple[int, int, int, int]:
    """(chrome lines gone, chrome lines, article sentences kept, article sentences).

    A sentence is kept when it is one of the output's sentences, whole and alone: a sentence
    with a date or a heading glued to its front (a table cell taken as one line) is not.
    A chrome line is gone when it is nowhere in the output once the article sentences are out.
    """
    wanted = sentences(gold["article"], gold["lang"])
    produced = set(sentences(output.splitlines(), gold["lang"]))
    kept = sum(1 for sentence in wanted if sentence in produced)
    residual = flat(output)
    for sentence in wanted:
        residual = residual.replace(sentence, "\n")
    gone = sum(1 for line in gold["chrome"] if not chrome_pattern(line).search(residual))
    return gone, len(gold["chrome"]), kept, len(wanted)


def normalised(text: str, name: str) -> str:
    return normalise(RawDocument(source=name, text=text, metadata={}, encoding="utf-8", source_sha256="")).text


def load() -> list[tuple[str, str, dict]]:
    gold = json.loads((PAGES / "gold.json").read_text(encoding="utf-8"))["pages"]
    return [(name, decode_input((PAGES / name).read_bytes(), name).text, gold[name]) for name in sorted(gold)]


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "   n/a"


def main() -> None:
    pages = load()
    systems = candidates()
    print(f"Boilerplate removal on {len(pages)} fixture pages ({PAGES.relative_to(PAGES.parent.parent.parent)})\n")
    header = f"{'extractor':<17} {'stage':<10} {'chrome removed':>15} {'sentences kept':>15} {'ms/page':>8}   per page (chrome removed / sentences kept)"
    print(header)
    print("-" * len(header))
    for name, extract in systems.items():
        totals = {"alone": [0, 0, 0, 0], "+rules": [0, 0, 0, 0]}
        per_page: dict[str, list[str]] = {"alone": [], "+rules": []}
        extract(pages[0][1])  # imports and caches, out of the timing
        started = time.perf_counter()
        outputs = [(page_name, extract(page), gold) for page_name, page, gold in pages]
        elapsed = (time.perf_counter() - started) * 1000 / len(pages)
        for page_name, output, gold in outputs:
            for stage, text in (("alone", output), ("+rules", normalised(output, page_name))):
                result = score(text, gold)
                totals[stage] = [a + b for a, b in zip(totals[stage], result)]
                per_page[stage].append(
                    f"{percent(result[0], result[1]).strip()}/{percent(result[2], result[3]).strip()}"
                )
        for stage in ("alone", "+rules"):
            gone, chrome, kept, article = totals[stage]
            timing = f"{elapsed:8.1f}" if stage == "alone" else " " * 8
            print(
                f"{name:<17} {stage:<10} {percent(gone, chrome):>15} {percent(kept, article):>15} {timing}   {'  '.join(per_page[stage])}"
            )
    print(f"\npages: {', '.join(page_name for page_name, _, _ in pages)}")
    print(f"\nA page nested {BOMB_DEPTH:,} elements deep (seconds; align.html refuses it before extraction):")
    bomb = (
        "<html><body>"
        + "<div>" * BOMB_DEPTH
        + "<p>Deep.</p>"
        + "</div>" * BOMB_DEPTH
        + "<p>"
        + "A sentence of the page. " * 20
        + "</p></body></html>"
    )
    for name, extract in systems.items():
        started = time.perf_counter()
        try:
            outcome = f"{len(extract(bomb))} characters"
        except html.ExtractionFailed as failure:
            outcome = f"refused: {failure.reason}"
        print(f"  {name:<17} {time.perf_counter() - started:6.2f} s  {outcome}")


if __name__ == "__main__":
    main()
