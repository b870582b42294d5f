"""Fetching the pinned packages: ``models.lock`` and the Argos package index.

``models.lock`` (package data, beside this module) pins the archives ``fetch`` downloads by their
archive sha256.


Downloads are checked against the archive sha256 pinned in the lock; a pin without one records it on first use (trust on first use), and enforces it after that.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..hashing import sha256_file as file_sha256
from .store import (
    ARCHIVE_SUFFIX,
    InstalledPackage,
    ModelError,
    argos_package_module,
    cache_root,
    ensure_folder,
    read_package,
    safe_name,
    store_root,
    unpacked_with_listing,
    version_key,
)

DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
LOCK_FILE = Path(__file__).resolve().parent / "models.lock"


@dataclass(frozen=True)
class Pin:
    """One package the corpus uses, as pinned in ``models.lock``.

    ``version``, ``links`` and ``sha256`` may be empty until the first fetch resolves them from the
    package index (the newest version of ``name``); they are written back and enforced afterwards.
    """

    name: str
    version: str | None
    links: tuple[str, ...]
    sha256: str | None

    @property
    def resolved(self) -> bool:
        return bool(self.version and self.links)


def read_lock(path: Path = LOCK_FILE) -> tuple[str, list[Pin]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        pins = [
            Pin(p["name"], p.get("version"), tuple(p.get("links") or ()), p.get("sha256")) for p in data["packages"]
        ]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ModelError(f"{path}: unreadable model lock file ({error})") from None
    return data.get("index") or DEFAULT_INDEX, pins


def write_lock(index: str, pins: Iterable[Pin], path: Path = LOCK_FILE) -> None:
    data = {
        "comment": "Argos packages the corpus uses. Empty fields are resolved from the index on the "
        "first `make models` and written back; sha256 is the archive's, recorded on first use when "
        "the index gives none, and enforced after that.",
        "index": index,
        "packages": [{"name": p.name, "version": p.version, "links": list(p.links), "sha256": p.sha256} for p in pins],
    }
    partial = path.with_name(path.name + ".part")
    partial.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)


def download(url: str, target: Path, timeout: float = 60.0) -> None:
    """Download with a progress bar into ``target`` (written atomically)."""
    import urllib.request  # only here: every command imports the store, few download

    from tqdm import tqdm

    partial = target.with_name(target.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, partial.open("wb") as sink:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, desc=target.name, leave=False) as bar:
                for block in iter(lambda: response.read(1 << 20), b""):
                    sink.write(block)
                    bar.update(len(block))
        os.replace(partial, target)
    except (OSError, ValueError) as error:
        partial.unlink(missing_ok=True)
        raise ModelError(f"download of {url} failed ({getattr(error, 'reason', error)})") from None


def resolve_from_index(index_url: str, pins: list[Pin], scratch: Path) -> list[Pin]:
    """Fill in version and links of unresolved pins from the Argos package index."""
    if all(pin.resolved for pin in pins):
        return pins
    index_file = scratch / "index.json"
    download(index_url, index_file)
    try:
        entries = json.loads(index_file.read_text(encoding="utf-8"))
    except ValueError:
        raise ModelError(f"{index_url}: the package index is not valid JSON") from None
    package = argos_package_module()
    available = [package.AvailablePackage(entry) for entry in entries]
    resolved = []
    for pin in pins:
        if pin.resolved:
            resolved.append(pin)
            continue
        matches = [
            p
            for p in available
            if package.argospm_package_name(p) == pin.name and (pin.version is None or p.package_version == pin.version)
        ]
        if not matches:
            raise ModelError(f"the package index has no {pin.name} {pin.version or ''}".rstrip())
        best = max(matches, key=lambda p: version_key(p.package_version))
        resolved.append(Pin(pin.name, best.package_version, tuple(best.links), pin.sha256))
    return resolved


def fetch(
    store: Path | None = None, lock_path: Path = LOCK_FILE, notes: list[str] | None = None
) -> list[InstalledPackage]:
    """Download every pinned package, verify its checksum and put it into the store.

    Newly resolved pins and first-seen checksums are written back to ``lock_path``; when that file
    cannot be written (say, inside an installed wheel), to ``<cache>/models.lock``, with a note in
    ``notes`` saying so.
    """
    store = ensure_folder(store or store_root())
    notes = [] if notes is None else notes
    index_url, pins = read_lock(lock_path)
    try:
        pins_now = resolve_from_index(index_url, pins, cache_root())
    except ModelError as error:
        raise ModelError(f"{error} — no internet here? copy .argosmodel files into ALIGN_MODELS by hand") from None
    installed, final = [], []
    for pin in pins_now:
        name = f"{pin.name}-{pin.version}{ARCHIVE_SUFFIX}"
        archive = store / safe_name(name, f"{lock_path}: package {pin.name!r} version {pin.version!r}:")
        downloaded = not archive.exists()
        if downloaded:
            errors = []
            for link in pin.links:
                try:
                    download(link, archive)
                    break
                except ModelError as error:
                    errors.append(str(error))
            else:
                raise ModelError(
                    f"could not download {pin.name} {pin.version}: {'; '.join(errors) or 'no links'}"
                    " — no internet here? copy .argosmodel files into ALIGN_MODELS by hand"
                )
        digest = file_sha256(archive)
        try:
            if pin.sha256 and digest != pin.sha256:
                raise ModelError(
                    f"{archive.name}: sha256 {digest} does not match models.lock ({lock_path}: {pin.sha256})"
                )
            folder, listing = unpacked_with_listing(archive, notes, digest)
            installed.append(read_package(folder, origin=str(archive), listing=listing))
        except ModelError:
            if downloaded:
                archive.unlink()
            raise
        final.append(Pin(pin.name, pin.version, pin.links, digest))
    if final != pins:
        try:
            write_lock(index_url, final, lock_path)
        except OSError as error:
            copy = cache_root() / "models.lock"
            write_lock(index_url, final, copy)
            notes.append(
                f"{lock_path} cannot be written ({error.strerror or error}); the resolved pins and "
                f"checksums are recorded in {copy}: pass --lock {copy} next time to enforce them"
            )
    return installed
