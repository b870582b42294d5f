"""Moses plain text: ``exports/<split>.en`` and ``exports/<split>.ru``, one sentence per line,
line ``n`` of one file the translation of line ``n`` of the other."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from ..names import single_line

LANGUAGES = ("en", "ru")


class MosesFiles:
    """A pair of line-aligned files per split, opened when the split's first row comes. A line
    break inside a sentence would break the pairing of lines, so ``single_line`` removes it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.handles: dict[str, dict[str, TextIO]] = {}

    def write(self, split: str, row: dict) -> None:
        if split not in self.handles:
            self.handles[split] = {
                lang: (self.folder / "exports" / f"{split}.{lang}").open("w", encoding="utf-8") for lang in LANGUAGES
            }
        for lang, handle in self.handles[split].items():
            handle.write(single_line(row["translation"][lang]) + "\n")

    def close(self) -> None:
        for handles in self.handles.values():
            for handle in handles.values():
                handle.close()
