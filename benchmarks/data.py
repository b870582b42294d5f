"""Loading ``../shared/eval``: read in place, never copied into the repository."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = Path(os.environ.get("ALIGN_EVAL_DIR") or ROOT.parent / "shared" / "eval")
TATOEBA = EVAL_DIR / "tatoeba"
OTHER_CYRILLIC = {"uk": "ukr.dev.txt", "be": "bel.dev.txt", "bg": "bul.dev.txt", "kk": "kaz.dev.txt"}


def require_eval_data() -> None:
    if not (TATOEBA / "ru-en.dev.tsv").is_file():
        print(f"evaluation data not found at {TATOEBA} (set ALIGN_EVAL_DIR)", file=sys.stderr)
        raise SystemExit(2)


def parallel_pairs() -> list[tuple[str, str]]:
    """``(english, russian)`` pairs of ``ru-en.dev.tsv``."""
    pairs = []
    for line in (TATOEBA / "ru-en.dev.tsv").read_text(encoding="utf-8").splitlines():
        english, _, russian = line.partition("\t")
        if english.strip() and russian.strip():
            pairs.append((english.strip(), russian.strip()))
    return pairs


def lines_of(name: str) -> list[str]:
    return [line.strip() for line in (TATOEBA / name).read_text(encoding="utf-8").splitlines() if line.strip()]
