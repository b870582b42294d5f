"""Packages on disk: the store, package identity and integrity, safe installation.

Packages come from ``ALIGN_MODELS`` (a folder of ``.argosmodel`` archives and/or unpacked package
folders) or the default store ``$ALIGN_CACHE/models`` (``~/.cache/align/models`` when ``ALIGN_CACHE``
is unset). Nothing is written to Argos Translate's own global folders: its ``package`` module is
imported with its data, config and cache folders pointed inside our cache, because merely importing
it creates them. When the cache cannot be written (read-only or missing ``HOME``), a private
temporary folder stands in for it until the process exits, so reading packages and ``translate
--no-cache`` still work.

Identity. A package's ``sha256`` is the sha256 of its files' ``sha256sum`` listing: one line
``"<hex sha256>  <relative/posix/path>\\n"`` per regular file, sorted bytewise by path, hashed as a
whole (Go's dirhash "h1" construction, in hex). It is the same whether the package arrived zipped
or unpacked, whatever the zip's timestamps, and anyone can reproduce it::

    cd PACKAGE && find . -type f | sed 's|^\\./||' | LC_ALL=C sort | xargs -d '\\n' sha256sum | sha256sum

So that this holds, a package may not contain symbolic links, special files, or file names with a
backslash or a non-printable character such as a newline (``sha256sum`` would escape them).

Integrity. The listing itself is the package's integrity record, kept outside the package folder
(so recording never changes the identity): ``<parent>/.integrity/<folder>.sha256``, i.e. in the
store for installed packages and beside the unpacked copy in the cache for archives. ``cd PACKAGE
&& sha256sum -c ../.integrity/PACKAGE.sha256`` checks it by hand. Every listing or lookup re-hashes
each file once and compares: a changed, missing or added file makes the package DAMAGED, and it is
not used. ``install`` writes the record; a folder put into the store by hand has none, so the first
listing or lookup records it (trust on first use, reported as a note by ``models list``; when the
store cannot be written it is used unrecorded, also with a note). An archive in the store is
unpacked once into the cache, keyed by the archive's own sha256, and recorded there; a cached copy
that no longer matches its record is ours, so it is discarded and unpacked again from the archive.

Names. Store folder names are built from metadata, so every part (type, language codes, version)
must be a plain name (``[A-Za-z0-9._-]+``, not ``.`` or ``..``), codes must be Argos language codes,
and a name that carries an ``xx_yy`` direction must agree with the metadata. Nothing is deleted
that this store did not make: an existing folder is replaced only when it is itself a package.
"""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path, PurePosixPath

from ..errors import AlignError
from ..hashing import sha256_file as file_sha256
from ..records import ModelRef

ARCHIVE_SUFFIX = ".argosmodel"
MAX_ARCHIVE_BYTES = 4 << 30
MAX_COMPRESSION_RATIO = 200
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
LANGUAGE_NAMES = {"en": "English", "ru": "Russian"}
INTEGRITY_FOLDER = ".integrity"
SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+")
ARGOS_LANGUAGE_CODES = frozenset(
    "ar az bg bn ca cs da de el en eo es et eu fa fi fr ga gl he hi hu id it ja ko ky lt lv ms nb nl "
    "no pb pl pt ro ru sk sl sq sr sv th tl tr uk ur zh zt".split()
)
"""Every code a package in the Argos index (argospm-index, 2021–2025) translates from or to."""
DIRECTION_IN_NAME = re.compile(r"(?<![a-z])([a-z]{2})_([a-z]{2})(?![a-z])")


class ModelError(AlignError):
    """A problem with a model package, phrased as one line a user can act on."""


class PackageNotFound(ModelError):
    """No package for a direction (as opposed to a damaged one, which is a different problem)."""


class OutputRefused(ModelError):
    """An existing file or folder this module did not make stands where it would write."""

    exit_code = 2


# ----------------------------------------------------------------------------------- folders


def cache_root() -> Path:
    """``ALIGN_CACHE`` (default ``~/.cache/align``), or a private temporary folder if unwritable."""
    return _usable_cache(_configured_cache())


def store_root() -> Path:
    """``ALIGN_MODELS``, else ``<ALIGN_CACHE>/models``: the configured place, even when the cache
    itself is unwritable (a read-only store can still be read)."""
    configured = os.environ.get("ALIGN_MODELS")
    return Path(configured) if configured else (_configured_cache() or cache_root()) / "models"


def _configured_cache() -> Path | None:
    try:
        return Path(os.environ.get("ALIGN_CACHE") or Path.home() / ".cache" / "align")
    except RuntimeError:  # no HOME and no password entry to find one
        return None


@cache
def _usable_cache(configured: Path | None) -> Path:
    """Create the cache folder; if that fails, fall back (once per process) to a temporary folder
    removed at exit, so a read-only or missing HOME slows things down instead of breaking them."""
    reason = "no home folder"
    if configured is not None:
        try:
            configured.mkdir(parents=True, exist_ok=True)
            if os.access(configured, os.W_OK | os.X_OK):
                return configured
            reason = f"{configured} is not writable"
        except OSError as error:
            reason = f"{configured}: {error.strerror or error}"
    fallback = Path(tempfile.mkdtemp(prefix="align-cache-"))
    atexit.register(shutil.rmtree, fallback, True)
    print(f"align: note: no usable cache ({reason}); using {fallback} until exit", file=sys.stderr)
    return fallback


@lru_cache(maxsize=1)
def argos_package_module():
    """``argostranslate.package``, imported so that its import-time folders land in our cache."""
    sandbox = cache_root() / "argos-home"
    names = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "ARGOS_PACKAGES_DIR")
    saved = {name: os.environ.get(name) for name in names}
    try:
        for name in names[:3]:
            os.environ[name] = str(sandbox / name.lower())
        os.environ["ARGOS_PACKAGES_DIR"] = str(sandbox / "packages")
        import argostranslate.package as package
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return package


# ------------------------------------------------------------------------- identity, integrity


def file_listing(folder: Path) -> str:
    """The ``sha256sum`` listing of every file below ``folder``, sorted bytewise by path.

    Its sha256 is the package identity and the listing itself its integrity record (see the module
    docstring); each file is read once.
    """
    files = []
    for root, folder_names, file_names in os.walk(folder):
        for name in folder_names:
            if Path(root, name).is_symlink():
                raise ModelError(f"{folder}: refused: {Path(root, name).relative_to(folder)} is a symbolic link")
        for name in file_names:
            path = Path(root, name)
            relative = path.relative_to(folder).as_posix()
            if path.is_symlink() or not path.is_file():
                raise ModelError(f"{folder}: refused: {relative} is a symbolic link or special file")
            if "\\" in relative or not relative.isprintable():
                raise ModelError(f"{folder}: refused: file name {relative!r} cannot be listed by sha256sum")
            files.append((relative.encode("utf-8"), path))
    return "".join(f"{file_sha256(path)}  {relative.decode()}\n" for relative, path in sorted(files))


def _identity(listing: str) -> str:
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()


def _record_path(folder: Path) -> Path:
    return folder.parent / INTEGRITY_FOLDER / f"{folder.name}.sha256"


def _write_record(folder: Path, listing: str) -> None:
    record = _record_path(folder)
    record.parent.mkdir(exist_ok=True)
    partial = record.with_name(record.name + ".part")
    partial.write_text(listing, encoding="utf-8")
    os.replace(partial, record)


def _parse_listing(text: str) -> dict[str, str]:
    entries = {}
    for line in text.splitlines():
        digest, separator, path = line.partition("  ")
        if not separator or len(digest) != 64:
            raise ValueError(f"not a sha256sum line: {line[:80]!r}")
        entries[path] = digest
    return entries


def _check_record(folder: Path, listing: str) -> None:
    """Raise, naming the files, unless ``listing`` is what the folder's integrity record says."""
    record = _record_path(folder)
    try:
        recorded_text = record.read_text(encoding="utf-8")
        if recorded_text == listing:
            return
        recorded = _parse_listing(recorded_text)
    except (OSError, ValueError) as error:
        raise ModelError(f"{folder}: integrity record unreadable ({error})") from None
    current = _parse_listing(listing)
    changes = (
        [f"{path} changed" for path in sorted(recorded.keys() & current.keys()) if recorded[path] != current[path]]
        + [f"{path} missing" for path in sorted(recorded.keys() - current.keys())]
        + [f"{path} added" for path in sorted(current.keys() - recorded.keys())]
    )
    more = f" and {len(changes) - 3} more" if len(changes) > 3 else ""
    raise ModelError(f"{folder}: {', '.join(changes[:3])}{more} since its files were recorded in {record}")


# ----------------------------------------------------------------------------------- metadata


@dataclass(frozen=True)
class InstalledPackage:
    """An unpacked Argos translation package found in the store."""

    path: Path
    name: str
    version: str
    from_code: str
    to_code: str
    sha256: str
    test_model: bool
    origin: str
    """The archive or folder in the store this package was read from."""

    @property
    def ref(self) -> ModelRef:
        return ModelRef(self.name, self.version, self.sha256, self.test_model)


def read_package(folder: Path, origin: str | None = None, listing: str | None = None) -> InstalledPackage:
    """Validate an unpacked package folder and describe it.

    ``origin`` is the archive or folder it came from (its name is checked too); ``listing`` is its
    :func:`file_listing` when the caller already has it, so no file is hashed twice. This does not
    consult the integrity record: :func:`list_packages` and :func:`find_package` do.
    """
    where = origin or str(folder)
    check_package_layout(folder, where)
    metadata = _metadata(folder, where)
    direction = (metadata["from_code"], metadata["to_code"])
    for name in {folder.name, Path(where).name}:
        for named in _directions_in(name):
            if named != direction:
                raise ModelError(
                    f"{where}: refused: relabelled package: its name {name!r} says {'→'.join(named)}, "
                    f"metadata.json says {'→'.join(direction)}"
                )
    return InstalledPackage(
        path=folder,
        name=f"translate-{direction[0]}_{direction[1]}",
        version=metadata["package_version"],
        from_code=direction[0],
        to_code=direction[1],
        sha256=_identity(file_listing(folder) if listing is None else listing),
        test_model=bool(metadata.get("test_model", False)),  # when in doubt, flag it as a test model
        origin=where,
    )


def _metadata(folder: Path, where: str) -> dict:
    """metadata.json, refused unless every field a store path or lookup is built from is sound."""
    try:
        metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelError(f"{where}: unreadable metadata.json ({error})") from None
    if not isinstance(metadata, dict):
        raise ModelError(f"{where}: metadata.json is not a JSON object")
    kind = metadata.get("type", "translate")
    if kind != "translate":
        raise ModelError(f"{where}: metadata.json: type must be 'translate', got {kind!r}")
    for field in ("from_code", "to_code"):
        code = metadata.get(field)
        if not isinstance(code, str) or code not in ARGOS_LANGUAGE_CODES:
            raise ModelError(f"{where}: metadata.json: {field} must be an Argos language code, got {code!r}")
    if metadata["from_code"] == metadata["to_code"]:
        raise ModelError(f"{where}: metadata.json: from_code and to_code are both {metadata['to_code']!r}")
    version = metadata.get("package_version")
    if not isinstance(version, str):
        raise ModelError(f"{where}: metadata.json: package_version must be a string, got {version!r}")
    safe_name(version, f"{where}: metadata.json: package_version")
    return metadata


def safe_name(value: str, field: str) -> str:
    """``value`` if it can be one component of a path inside the store, else a ModelError."""
    if not SAFE_NAME.fullmatch(value) or value in (".", ".."):
        raise ModelError(f"{field} {value!r} refused: only letters, digits, '.', '_' and '-' may name a store entry")
    return value


def _directions_in(name: str) -> set[tuple[str, str]]:
    """The ``xx_yy`` language directions a file or folder name carries (known codes only)."""
    return {
        (a, b)
        for a, b in DIRECTION_IN_NAME.findall(name.lower())
        if a in ARGOS_LANGUAGE_CODES and b in ARGOS_LANGUAGE_CODES
    }


def check_package_layout(folder: Path, where: str | Path | None = None) -> None:
    where = where or folder
    if not (folder / "metadata.json").is_file():
        raise ModelError(f"{where}: not an Argos package (no metadata.json)")
    if not (folder / "model" / "model.bin").is_file():
        raise ModelError(f"{where}: not an Argos package (no model/model.bin)")
    if not ((folder / "sentencepiece.model").is_file() or (folder / "bpe.model").is_file()):
        raise ModelError(f"{where}: not an Argos package (no sentencepiece.model or bpe.model)")


# ----------------------------------------------------------------------------- safe extraction


def _check_member(info: zipfile.ZipInfo) -> PurePosixPath:
    path = PurePosixPath(info.filename)
    if info.filename.startswith(("/", "\\")) or path.is_absolute() or ":" in path.parts[0]:
        raise ModelError(f"refused: absolute path in archive ({info.filename})")
    if ".." in path.parts or "\\" in info.filename:
        raise ModelError(f"refused: path escapes the package folder ({info.filename})")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise ModelError(f"refused: symbolic link in archive ({info.filename})")
    if info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO:
        raise ModelError(f"refused: implausible compression ratio ({info.filename})")
    return path


def extract_archive(archive: Path, destination: Path) -> Path:
    """Extract a package archive into ``destination`` atomically; return the package folder.

    Everything is checked before a byte is written: member paths, links, sizes, CRCs, and the
    package layout. On any failure ``destination`` is left exactly as it was, and an existing
    folder of the package's name is never replaced.
    """
    try:
        zipped = zipfile.ZipFile(archive)
    except (OSError, zipfile.BadZipFile) as error:
        raise ModelError(f"{archive}: not a valid package archive ({error})") from None
    with zipped:
        members = zipped.infolist()
        paths = [_check_member(info) for info in members]
        if sum(info.file_size for info in members) > MAX_ARCHIVE_BYTES:
            raise ModelError(f"{archive}: refused: unpacks to more than {MAX_ARCHIVE_BYTES} bytes")
        tops = {path.parts[0] for path in paths if path.parts}
        if len(tops) != 1:
            raise ModelError(f"{archive}: a package archive holds exactly one top-level folder")
        top = safe_name(tops.pop(), f"{archive}: top-level folder")
        final = destination / top
        if final.exists() or final.is_symlink():
            raise OutputRefused(f"{archive}: {final} already exists; not replaced")
        destination.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".extract-", dir=destination))
        try:
            for info, path in zip(members, paths):
                target = staging.joinpath(*path.parts)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(info) as source, target.open("wb") as sink:
                    shutil.copyfileobj(source, sink)
            check_package_layout(staging / top, archive)
            os.replace(staging / top, final)
            return final
        except (zipfile.BadZipFile, EOFError, OSError) as error:
            raise ModelError(f"{archive}: damaged archive ({error})") from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)


# ------------------------------------------------------------------------------------ the store


def unpacked_archive(archive: Path) -> Path:
    """The checked unpacked copy of a store archive, made once under the cache."""
    return unpacked_with_listing(archive, [])[0]


def archive_digest(archive: Path) -> str:
    """The archive's sha256, remembered against its size, mtime and inode.

    It only locates the archive's unpacked copy, whose own files are checked against their record
    before every use, so a remembered digest can never let changed model files through; it saves
    hashing a 100 MB archive at every start of a short ``align translate``.
    """
    try:
        info = archive.stat()
    except OSError:
        return file_sha256(archive)
    stamp = [info.st_size, info.st_mtime_ns, info.st_ino, info.st_dev]
    memo = cache_root() / "unpacked" / ".digests" / hashlib.sha256(os.fsencode(archive.resolve())).hexdigest()[:32]
    try:
        remembered = json.loads(memo.read_text(encoding="utf-8"))
        if remembered["stat"] == stamp and re.fullmatch(r"[0-9a-f]{64}", remembered["sha256"]):
            return remembered["sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    digest = file_sha256(archive)
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        partial = memo.with_name(f".{memo.name}.{os.getpid()}")
        partial.write_text(json.dumps({"stat": stamp, "sha256": digest}), encoding="utf-8")
        os.replace(partial, memo)
    except OSError:
        pass  # an unwritable cache only costs the hash next time
    return digest


def unpacked_with_listing(archive: Path, notes: list[str], digest: str | None = None) -> tuple[Path, str]:
    """The unpacked copy of ``archive`` and its file listing, checked against its record.

    The copy lives in ``<cache>/unpacked/<archive sha256>/`` (``digest``, when the caller has it);
    it is built in a staging folder and renamed into place whole, so two processes unpacking the
    same archive never see half a copy.
    """
    target = cache_root() / "unpacked" / (digest or archive_digest(archive))[:24]
    for _attempt in range(2):
        copy = _cached_copy(target, archive, notes)
        if copy:
            return copy
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".unpack-", dir=target.parent))
        try:
            folder = extract_archive(archive, staging)
            listing = file_listing(folder)
            _write_record(folder, listing)
            try:
                os.replace(staging, target)
                return target / folder.name, listing
            except OSError:
                continue  # another process put its copy there first: check and use that one
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    raise ModelError(f"{archive}: could not unpack it into {target}")


def _cached_copy(target: Path, archive: Path, notes: list[str]) -> tuple[Path, str] | None:
    """The cached copy and its listing if it matches its record; a damaged copy is removed."""
    if not target.is_dir():
        return None
    folders = [p for p in target.iterdir() if p.is_dir() and not p.name.startswith(".")]
    if len(folders) == 1:
        try:
            listing = file_listing(folders[0])
            _check_record(folders[0], listing)
            return folders[0], listing
        except ModelError as error:
            notes.append(f"{archive}: its unpacked copy did not match its record ({error}); unpacked it again")
    shutil.rmtree(target, ignore_errors=True)  # our own cache entry, rebuilt from the archive
    return None


def _read_folder(folder: Path, notes: list[str]) -> InstalledPackage:
    """A package folder in the store, checked against its record (recorded on first sight)."""
    listing = file_listing(folder)
    if _record_path(folder).exists():
        _check_record(folder, listing)
        return read_package(folder, listing=listing)
    package = read_package(folder, listing=listing)
    try:
        _write_record(folder, listing)
        notes.append(
            f"{folder}: no integrity record (not installed by `models install`); recorded its files "
            f"now in {_record_path(folder)}: they are trusted as found and checked from now on"
        )
    except OSError as error:
        notes.append(
            f"{folder}: no integrity record and none can be written ({error.strerror or error}); used as found"
        )
    return package


def _scan(store: Path, notes: list[str]) -> tuple[list[InstalledPackage], list[tuple[Path, str]]]:
    """Every usable package in the store, and every unusable entry with the reason."""
    packages: list[InstalledPackage] = []
    damaged: list[tuple[Path, str]] = []
    if not store.is_dir():
        return packages, damaged
    for entry in sorted(store.iterdir()):
        if entry.name.startswith("."):
            continue
        is_archive = entry.is_file() and entry.suffix == ARCHIVE_SUFFIX
        is_package = entry.is_dir() and ((entry / "metadata.json").exists() or _record_path(entry).exists())
        if not (is_archive or is_package):
            continue
        try:
            if is_archive:
                folder, listing = unpacked_with_listing(entry, notes)
                packages.append(read_package(folder, origin=str(entry), listing=listing))
            else:
                packages.append(_read_folder(entry, notes))
        except ModelError as error:
            message = str(error)
            damaged.append((entry, message if message.startswith(str(entry)) else f"{entry}: {message}"))
    return sorted(packages, key=lambda p: (p.name, p.version, p.sha256)), damaged


def list_packages(
    store: Path | None = None, problems: list[str] | None = None, notes: list[str] | None = None
) -> list[InstalledPackage]:
    """Every usable package in the store, sorted by name, version and sha256.

    A damaged entry does not hide the good ones: it is left out and described in ``problems``
    (one line each, starting with the entry's path). ``notes`` receives what was done without
    being an error: a hand-placed folder recorded on first sight, a damaged cache copy rebuilt.
    """
    packages, damaged = _scan(store or store_root(), [] if notes is None else notes)
    if problems is not None:
        problems.extend(problem for _entry, problem in damaged)
    return packages


def find_package(from_code: str, to_code: str, store: Path | None = None) -> InstalledPackage:
    """The package translating ``from_code``→``to_code``; with several, the highest version.

    A damaged entry whose name carries this direction stops the lookup rather than letting
    another package stand in for it unnoticed.
    """
    store = store or store_root()
    packages, damaged = _scan(store, [])
    for entry, problem in damaged:
        if (from_code, to_code) in _directions_in(entry.name):
            raise ModelError(f"DAMAGED {from_code}→{to_code} package, not used: {problem} — reinstall or remove it")
    candidates = [p for p in packages if (p.from_code, p.to_code) == (from_code, to_code)]
    if not candidates:
        if damaged:
            raise ModelError(f"no usable {from_code}→{to_code} package in {store}; unusable: {damaged[0][1]}")
        raise PackageNotFound(missing_packages_message([(from_code, to_code)], store))
    return max(candidates, key=lambda p: (version_key(p.version), p.sha256))


def missing_packages_message(missing: list[tuple[str, str]], store: Path) -> str:
    """One line naming every missing direction and every way to get it."""
    directions = ", ".join(f"{a}→{b}" for a, b in missing)
    names = " and ".join(f"translate-{a}_{b}" for a, b in missing)
    test_packages = "; ".join(f"python -m align models make-test-package --from {a} --to {b} DIR" for a, b in missing)
    return (
        f"no translation package for {directions} in {store} (nothing was written): run "
        "`python -m align models fetch` on a machine with internet, or set ALIGN_MODELS to a folder "
        f"holding {names}; for a dry run, build random-weight test packages ({test_packages}) and pass "
        "--max-decoding-length 32 (make: MAX_DECODING_LENGTH=32)"
    )


def version_key(version: str) -> tuple:
    return tuple(int(part) if part.isdigit() else -1 for part in version.replace("-", ".").split("."))


def install(source: Path, store: Path | None = None) -> InstalledPackage:
    """Validate a package (an ``.argosmodel`` archive or an unpacked folder) and add it to the store.

    The package is copied into a private folder inside the store and checked there, then renamed
    to ``<store>/translate-<from>_<to>-<version>`` and its files recorded. A bad package leaves the
    store as it was; an existing folder at that path is replaced only if it is itself a package.
    """
    store = store or store_root()
    if not (source.is_file() or source.is_dir()):
        raise ModelError(f"{source}: no such file or folder")
    if source.is_dir():
        check_package_layout(source)
        if store.resolve().is_relative_to(source.resolve()):
            raise ModelError(f"{source}: refused: the store {store} is inside this folder")
    with tempfile.TemporaryDirectory(prefix=".check-", dir=ensure_folder(store)) as scratch:
        if source.is_dir():
            staged = Path(scratch) / "package"
            try:
                shutil.copytree(source, staged, symlinks=True)
            except OSError as error:
                raise ModelError(f"{source}: cannot copy it ({error})") from None
        else:
            staged = extract_archive(source, Path(scratch))
        listing = file_listing(staged)
        package = read_package(staged, origin=str(source), listing=listing)
        final = _store_path(store, package)
        if final.exists() or final.is_symlink():
            if final.is_symlink() or not final.is_dir():
                raise OutputRefused(f"{final} exists and is not a package folder; not replaced (move it away first)")
            try:
                check_package_layout(final)
            except ModelError as error:
                raise OutputRefused(f"{error}; not replaced (move it away first)") from None
            os.replace(final, Path(scratch) / "replaced")
        os.replace(staged, final)
        _write_record(final, listing)
    return dataclasses.replace(package, path=final, origin=str(final))


def _store_path(store: Path, package: InstalledPackage) -> Path:
    """``<store>/<name>-<version>``, refused unless it is a direct child of the store."""
    name = "-".join(
        safe_name(part, f"{package.origin}: {field}")
        for field, part in (("name", package.name), ("package_version", package.version))
    )
    final = store / name
    if final.resolve().parent != store.resolve():
        raise ModelError(f"{package.origin}: refused: {name} would be stored outside {store}")
    return final


def ensure_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder
