"""The export formats, one module each, in one registry.

An export receives every published row with its split, in publication order, while the rows
stream by, and finishes its files when closed. Adding a format is a module with a class that
takes the staging folder (``data/`` and ``exports/`` exist) and has ``write(split, row)`` and
``close()``, and one line in ``EXPORTS``; ``manifest.json`` then hashes its files and
``verify`` checks their hashes like every other file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from .moses import MosesFiles
from .parquet import DataFiles
from .tmx import TmxFile


class Export(Protocol):
    """One export format, open while the rows stream by."""

    def write(self, split: str, row: dict) -> None: ...

    def close(self) -> None: ...


EXPORTS: dict[str, Callable[[Path], Export]] = {
    "data": DataFiles,  # data/<split>-<hash>.parquet and .jsonl: what load_dataset reads (required)
    "tmx": TmxFile,  # exports/corpus.tmx
    "moses": MosesFiles,  # exports/<split>.en, exports/<split>.ru
}
"""Every format a corpus is published in, by name; opened in this order and closed in this order."""
