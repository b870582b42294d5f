"""Sentence segmentation: ours beside pysbd and razdel, on the same cases, in one run.

Three measurements:

- **Hand-made cases** (``benchmarks/segmentation_cases.py``, written for this project): the share
  of paragraphs split exactly right, and F1 over boundary positions.
- **Tatoeba paragraphs** (``../shared/eval``): entries that hold a single sentence (by a
  conservative test: no sentence-final punctuation followed by a capitalised word inside them) are
  joined, five at a time, into paragraphs; the gold boundaries are the joins.
- **pySBD's golden rules**, a public rule suite by another project, read at run time and never
  copied here: the English cases ship in pysbd's source distribution, which ``pip download``
  fetches once into ``build/pysbd/`` (checked against a pinned sha256); the Russian cases are only
  in pySBD's repository, so they are read from a checkout named by ``PYSBD_SOURCE`` (or
  ``../shared/eval/pysbd``). Whatever cannot be had is reported as skipped in one line.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable
from pathlib import Path

from align.segment import split_sentences

from .data import EVAL_DIR, ROOT, parallel_pairs, require_eval_data
from .segmentation_cases import ENGLISH, RUSSIAN

INTERNAL_BOUNDARY = re.compile(r"[.!?…][»”\"')]*\s+[\"«“(]?[A-ZА-ЯЁ]")
PARAGRAPH_SIZE = 5
PYSBD_SDIST = "pysbd-0.3.3.tar.gz"
PYSBD_SDIST_SHA256 = "56ab48a28a8470f0042a4cb7c9da8a6dde8621ecf87a86d75f201cbf1837e77f"
"""The newest pysbd source distribution (0.3.4 was published as a wheel only); its golden rules
are the same 48 cases as in pySBD's repository."""
ENGLISH_RULES = ("benchmarks/english_golden_rules.py", "GOLDEN_EN_RULES")
RUSSIAN_RULES = ("tests/lang/test_russian.py", "RU_MORE_TEST_CASES")
CACHE = ROOT / "build" / "pysbd"
TIMING_RUNS = 3

Cases = list[tuple[str, list[str]]]
Splitter = Callable[[str], list[str]]


def single_sentence(text: str) -> bool:
    return not INTERNAL_BOUNDARY.search(text) and bool(re.search(r"[.!?…][»”\"')]*$", text))


def paragraphs(sentences: list[str]) -> list[tuple[str, set[int]]]:
    result = []
    for begin in range(0, len(sentences) - PARAGRAPH_SIZE + 1, PARAGRAPH_SIZE):
        group = sentences[begin : begin + PARAGRAPH_SIZE]
        text, gold, offset = " ".join(group), set(), 0
        for sentence in group[:-1]:
            offset += len(sentence)
            gold.add(offset)
            offset += 1
        result.append((text, gold))
    return result


def boundaries(text: str, pieces: list[str]) -> set[int]:
    """Ends of all but the last piece, as offsets into ``text`` (pieces are located in order)."""
    found, cursor = set(), 0
    for piece in pieces[:-1]:
        piece = piece.strip()
        if not piece:
            continue
        at = text.find(piece, cursor)
        if at < 0:
            continue
        cursor = at + len(piece)
        found.add(cursor)
    return found


def f1(gold: set[int], predicted: set[int]) -> tuple[float, float, float]:
    true = len(gold & predicted)
    precision = true / len(predicted) if predicted else 1.0
    recall = true / len(gold) if gold else 1.0
    score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, score


def systems(lang: str) -> dict[str, Splitter]:
    import pysbd
    from razdel import sentenize

    segmenter = pysbd.Segmenter(language=lang, clean=False)
    return {
        "ours": lambda text: [text[s:e] for s, e in split_sentences(text, lang)],
        "pysbd": lambda text: [piece.strip() for piece in segmenter.segment(text) if piece.strip()],
        "razdel": lambda text: [piece.text for piece in sentenize(text)],
    }


def evaluate(lang: str, data: list[tuple[str, set[int]]]) -> dict[str, tuple[float, float, float, float]]:
    """``(precision, recall, F1, sentences per second)`` of each system on Tatoeba paragraphs;
    the speed is the best of ``TIMING_RUNS`` passes, since the machine is shared."""
    scores = {}
    for name, split in systems(lang).items():
        gold_all, predicted_all, sentences = set(), set(), 0
        for number, (text, gold) in enumerate(data):
            base = number * 1_000_000
            pieces = split(text)
            sentences += len(pieces)
            gold_all |= {base + g for g in gold}
            predicted_all |= {base + p for p in boundaries(text, pieces)}
        elapsed = min(_timed(split, [text for text, _ in data]) for _ in range(TIMING_RUNS))
        scores[name] = (*f1(gold_all, predicted_all), sentences / max(elapsed, 1e-9))
    return scores


def _timed(split: Splitter, texts: list[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        split(text)
    return time.perf_counter() - started


def score_cases(split: Splitter, cases: Cases) -> tuple[int, float]:
    """Paragraphs split exactly as the gold says, and F1 over boundary positions."""
    right, gold_all, predicted_all = 0, set(), set()
    for number, (text, gold) in enumerate(cases):
        pieces = [piece.strip() for piece in split(text) if piece.strip()]
        right += pieces == [sentence.strip() for sentence in gold]
        base = number * 1_000_000
        gold_all |= {base + b for b in boundaries(text, gold)}
        predicted_all |= {base + b for b in boundaries(text, pieces)}
    return right, f1(gold_all, predicted_all)[2]


def unique(cases: Cases) -> Cases:
    """The cases with repeated texts dropped (pySBD's Russian list holds two cases twice)."""
    return list({text: (text, sentences) for text, sentences in reversed(cases)}.values())[::-1]


def read_cases(source: str, name: str) -> Cases:
    """The list literal assigned to ``name`` in Python source, read without running the source."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return unique([(text, list(sentences)) for text, sentences in ast.literal_eval(node.value)])
    raise ValueError(f"{name} not found")


def english_golden_rules() -> tuple[Cases | None, str]:
    """pySBD's English golden rules from its source distribution, fetched once and sha256-checked."""
    archive = CACHE / PYSBD_SDIST
    if not _verified(archive):
        archive.unlink(missing_ok=True)  # pip would keep a damaged copy as "already downloaded"
        error = _pip_download(CACHE)
        if error:
            return None, error
        if not _verified(archive):
            return None, f"{archive} does not match the pinned sha256"
    member = f"{PYSBD_SDIST.removesuffix('.tar.gz')}/{ENGLISH_RULES[0]}"
    with tarfile.open(archive) as bundle:
        handle = bundle.extractfile(member)
        if handle is None:
            return None, f"{member} missing from {archive.name}"
        source = handle.read().decode("utf-8")
    return read_cases(source, ENGLISH_RULES[1]), f"{ENGLISH_RULES[0]} of {PYSBD_SDIST}"


def russian_golden_rules() -> tuple[Cases | None, str]:
    """pySBD's Russian cases from a checkout of its repository (they are not in any sdist)."""
    roots = [Path(os.environ["PYSBD_SOURCE"])] if os.environ.get("PYSBD_SOURCE") else []
    roots.append(EVAL_DIR / "pysbd")
    for root in roots:
        for path in (root / RUSSIAN_RULES[0], root / Path(RUSSIAN_RULES[0]).name):
            if path.is_file():
                return read_cases(path.read_text(encoding="utf-8"), RUSSIAN_RULES[1]), str(path)
    return None, f"no {RUSSIAN_RULES[0]} (set PYSBD_SOURCE to a checkout of pySBD's repository)"


def _verified(path: Path) -> bool:
    return path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == PYSBD_SDIST_SHA256


def _pip_download(folder: Path) -> str | None:
    """Fetch the sdist with pip, the ordinary client for the package index; None on success."""
    version = PYSBD_SDIST.removeprefix("pysbd-").removesuffix(".tar.gz")
    for python in (sys.executable, str(ROOT / ".tools" / "bin" / "python")):
        if not Path(python).is_file():
            continue
        if subprocess.run([python, "-m", "pip", "--version"], capture_output=True, check=False).returncode:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        command = [python, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:"]
        result = subprocess.run(
            [*command, f"pysbd=={version}", "-d", str(folder)], capture_output=True, text=True, check=False
        )
        if result.returncode == 0:
            return None
        return "pip download failed (offline?): " + (result.stderr.strip().splitlines() or ["no output"])[-1]
    return "no pip to download the pysbd sdist with"


def print_cases(title: str, suites: list[tuple[str, Cases | None, str]]) -> None:
    print(title)
    print(f"{'lang':<5}{'system':<8}{'cases':>7}{'right':>7}{'accuracy':>10}{'F1':>8}")
    for lang, cases, note in suites:
        if cases is None:
            print(f"{lang:<5}skipped: {note}")
            continue
        for name, split in systems(lang).items():
            right, score = score_cases(split, cases)
            print(f"{lang:<5}{name:<8}{len(cases):>7}{right:>7}{right / len(cases):>10.3f}{score:>8.3f}")
    print()


def main() -> None:
    print_cases(
        "Sentence segmentation, hand-made cases (benchmarks/segmentation_cases.py)",
        [("en", ENGLISH, ""), ("ru", RUSSIAN, "")],
    )
    english, english_note = english_golden_rules()
    russian, russian_note = russian_golden_rules()
    sources = [
        f"{lang}: {note}"
        for lang, cases, note in (("English", english, english_note), ("Russian", russian, russian_note))
        if cases
    ]
    print_cases(
        f"pySBD golden rules ({'; '.join(sources) or 'not available'})",
        [("en", english, english_note), ("ru", russian, russian_note)],
    )
    require_eval_data()
    pairs = parallel_pairs()
    print("Tatoeba dev paragraphs (5 single-sentence entries each)")
    print(f"{'lang':<5}{'system':<8}{'paragraphs':>11}{'P':>8}{'R':>8}{'F1':>8}{'sentences/s':>13}")
    for lang, column in (("en", 0), ("ru", 1)):
        sentences = [pair[column] for pair in pairs if single_sentence(pair[column])]
        data = paragraphs(sentences)
        for name, (p, r, score, speed) in evaluate(lang, data).items():
            print(f"{lang:<5}{name:<8}{len(data):>11}{p:>8.4f}{r:>8.4f}{score:>8.4f}{speed:>13,.0f}")


if __name__ == "__main__":
    main()
