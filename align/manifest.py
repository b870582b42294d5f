"""``manifest.json``: what a corpus was built from and the sha256 of every file it holds.

The manifest is what makes a corpus checkable: same inputs + same models + same lock file + same
settings ⇒ the same output hashes. It holds no timestamps and no absolute paths, so two builds on
different machines give byte-identical manifests too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Verification:
    changed: list[str]
    missing: list[str]
    unexpected: list[str]

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.unexpected)

    def lines(self) -> list[str]:
        return (
            [f"changed: {name}" for name in self.changed]
            + [f"missing: {name}" for name in self.missing]
            + [f"unexpected: {name}" for name in self.unexpected]
        )


def verify(folder: Path) -> Verification:
    """Re-hash a published corpus against its manifest."""
    path = folder / MANIFEST
    if not path.is_file():
        raise FileNotFoundError(f"{folder}: no {MANIFEST} (is this a published corpus?)")
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))["outputs"]
    except (ValueError, KeyError, TypeError):
        raise ValueError(f"{path}: not a valid manifest") from None
    actual = output_hashes(folder)
    return Verification(
        changed=sorted(name for name in recorded if name in actual and actual[name] != recorded[name]),
        missing=sorted(name for name in recorded if name not in actual),
        unexpected=sorted(name for name in actual if name not in recorded),
    )
