"""``manifest.json``: what a corpus was built from and the sha256 of every file it holds.

The manifest is what makes a corpus checkable: same inputs + same models + same lock file + same
settings ⇒ the same output hashes. It holds no timestamps and no absolute paths, so two builds on
different machines give byte-identical manifests too. Checking a corpus against its manifest is
``align.verify``'s work.
"""

from __future__ import annotations

import json
from pathlib import Path

from .hashing import sha256_file

MANIFEST = "manifest.json"


def output_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file below ``folder`` except the manifest, by sorted relative path."""
    return {
        path.relative_to(folder).as_posix(): sha256_file(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.relative_to(folder).as_posix() != MANIFEST
    }


def write_manifest(folder: Path, description: dict) -> Path:
    """Hash the finished outputs and write the manifest beside them."""
    manifest = dict(description)
    manifest["outputs"] = output_hashes(folder)
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
