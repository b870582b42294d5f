"""The local model store: Argos packages, their identity, safe installation, test packages.

Packages come from ``ALIGN_MODELS`` (a folder of ``.argosmodel`` archives and/or unpacked package
folders) or the default store ``~/.cache/align/models``. Nothing is written to Argos Translate's own
global folders: its ``package`` module is imported with its data, config and cache folders pointed
inside our cache, because merely importing it creates them.

A package's ``sha256`` is taken over its unpacked files (sorted relative paths and their bytes), so
the same package has the same identity whether it arrived zipped or unpacked, whatever the zip's
timestamps. ``models.lock`` pins the archives ``fetch`` downloads by their archive sha256.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import stat
import tempfile
import urllib.request
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

from .errors import AlignError
from .hashing import sha256_file as file_sha256
from .records import ModelRef

ARCHIVE_SUFFIX = ".argosmodel"
MAX_ARCHIVE_BYTES = 4 << 30
MAX_COMPRESSION_RATIO = 200
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
LANGUAGE_NAMES = {"en": "English", "ru": "Russian"}
DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
LOCK_FILE = Path(__file__).resolve().parent.parent / "models.lock"


class ModelError(AlignError):
    """A problem with a model package, phrased as one line a user can act on."""


def cache_root() -> Path:
    return Path(os.environ.get("ALIGN_CACHE") or Path.home() / ".cache" / "align")


def store_root() -> Path:
    return Path(os.environ.get("ALIGN_MODELS") or cache_root() / "models")


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


# ------------------------------------------------------------------------------------- identity


def tree_sha256(folder: Path) -> str:
    """sha256 over the sorted relative paths and contents of every file below ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()


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


def read_package(folder: Path, origin: str | None = None) -> InstalledPackage:
    """Validate an unpacked package folder and describe it."""
    check_package_layout(folder)
    try:
        metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelError(f"{folder}: unreadable metadata.json ({error})") from None
    if not isinstance(metadata, dict) or not metadata.get("from_code") or not metadata.get("to_code"):
        raise ModelError(f"{folder}: metadata.json lacks from_code/to_code")
    name = f"{metadata.get('type', 'translate')}-{metadata['from_code']}_{metadata['to_code']}"
    return InstalledPackage(
        path=folder,
        name=name,
        version=str(metadata.get("package_version", "")),
        from_code=metadata["from_code"],
        to_code=metadata["to_code"],
        sha256=tree_sha256(folder),
        test_model=bool(metadata.get("test_model", False)),
        origin=origin or str(folder),
    )


def check_package_layout(folder: Path) -> None:
    if not (folder / "metadata.json").is_file():
        raise ModelError(f"{folder}: not an Argos package (no metadata.json)")
    if not (folder / "model" / "model.bin").is_file():
        raise ModelError(f"{folder}: not an Argos package (no model/model.bin)")
    if not ((folder / "sentencepiece.model").is_file() or (folder / "bpe.model").is_file()):
        raise ModelError(f"{folder}: not an Argos package (no sentencepiece.model or bpe.model)")


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
    package layout. On any failure ``destination`` is left exactly as it was.
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
            unpacked = staging / tops.pop()
            check_package_layout(unpacked)
            final = destination / unpacked.name
            if final.exists():
                shutil.rmtree(final)
            os.replace(unpacked, final)
            return final
        except (zipfile.BadZipFile, EOFError, OSError) as error:
            raise ModelError(f"{archive}: damaged archive ({error})") from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)


# ------------------------------------------------------------------------------------ the store


def unpacked_archive(archive: Path) -> Path:
    """The unpacked copy of a store archive, made once under the cache, keyed by archive hash."""
    target = cache_root() / "unpacked" / file_sha256(archive)[:24]
    existing = [p for p in target.iterdir() if p.is_dir() and not p.name.startswith(".")] if target.is_dir() else []
    if len(existing) == 1:
        try:
            check_package_layout(existing[0])
            return existing[0]
        except ModelError:
            shutil.rmtree(target, ignore_errors=True)
    return extract_archive(archive, target)


def list_packages(store: Path | None = None, problems: list[str] | None = None) -> list[InstalledPackage]:
    """Every valid package in the store, sorted by name, version and sha256.

    A damaged entry does not hide the good ones: it is left out and described in ``problems``.
    """
    store = store or store_root()
    if not store.is_dir():
        return []
    found = []
    for entry in sorted(store.iterdir()):
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_file() and entry.suffix == ARCHIVE_SUFFIX:
                found.append(read_package(unpacked_archive(entry), origin=str(entry)))
            elif entry.is_dir() and (entry / "metadata.json").exists():
                found.append(read_package(entry))
        except ModelError as error:
            if problems is not None:
                problems.append(str(error))
    return sorted(found, key=lambda p: (p.name, p.version, p.sha256))


def find_package(from_code: str, to_code: str, store: Path | None = None) -> InstalledPackage:
    """The package translating ``from_code``→``to_code``; with several, the highest version."""
    store = store or store_root()
    problems: list[str] = []
    candidates = [p for p in list_packages(store, problems) if (p.from_code, p.to_code) == (from_code, to_code)]
    if not candidates:
        if problems:
            raise ModelError(f"no usable {from_code}→{to_code} package in {store}; unusable: {problems[0]}")
        raise ModelError(
            f"no {from_code}→{to_code} translation package in {store}: run `make models` on a machine "
            f"with internet, or set ALIGN_MODELS to a folder holding translate-{from_code}_{to_code} "
            f"(`python -m align models make-test-package --from {from_code} --to {to_code} DIR` "
            "builds a random-weight test package for dry runs)"
        )
    return max(candidates, key=lambda p: (_version_key(p.version), p.sha256))


def _version_key(version: str) -> tuple:
    return tuple(int(part) if part.isdigit() else -1 for part in version.replace("-", ".").split("."))


def install(archive: Path, store: Path | None = None) -> InstalledPackage:
    """Validate an archive, then unpack it into the store; a bad archive leaves the store as it was."""
    store = store or store_root()
    if not archive.is_file():
        raise ModelError(f"{archive}: no such file")
    with tempfile.TemporaryDirectory(prefix=".check-", dir=_ensure(store)) as scratch:
        probe = read_package(extract_archive(archive, Path(scratch)))
        final = store / f"{probe.name}-{probe.version or 'unversioned'}"
        staged = Path(scratch) / probe.path.name
        if final.exists():
            shutil.rmtree(final)
        os.replace(staged, final)
    return read_package(final)


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# ------------------------------------------------------------------------- fetching (the index)


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
            Pin(p["name"], p.get("version"), tuple(p.get("links") or ()), p.get("sha256"))
            for p in data["packages"]
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
        "packages": [
            {"name": p.name, "version": p.version, "links": list(p.links), "sha256": p.sha256}
            for p in pins
        ],
    }
    partial = path.with_name(path.name + ".part")
    partial.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)


def download(url: str, target: Path, timeout: float = 60.0) -> None:
    """Download with a progress bar into ``target`` (written atomically)."""
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
            p for p in available
            if package.argospm_package_name(p) == pin.name
            and (pin.version is None or p.package_version == pin.version)
        ]
        if not matches:
            raise ModelError(f"the package index has no {pin.name} {pin.version or ''}".rstrip())
        best = max(matches, key=lambda p: _version_key(p.package_version))
        resolved.append(Pin(pin.name, best.package_version, tuple(best.links), pin.sha256))
    return resolved


def fetch(store: Path | None = None, lock_path: Path = LOCK_FILE) -> list[InstalledPackage]:
    """Download every pinned package, verify its checksum and install it into the store."""
    store = _ensure(store or store_root())
    index_url, pins = read_lock(lock_path)
    try:
        pins_now = resolve_from_index(index_url, pins, _ensure(cache_root()))
    except ModelError as error:
        raise ModelError(f"{error} — no internet here? copy .argosmodel files into ALIGN_MODELS by hand") from None
    installed, final = [], []
    for pin in pins_now:
        archive = store / f"{pin.name}-{pin.version}{ARCHIVE_SUFFIX}"
        if not archive.exists():
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
        if pin.sha256 and digest != pin.sha256:
            archive.unlink()
            raise ModelError(f"{archive.name}: sha256 {digest} does not match models.lock ({pin.sha256})")
        final.append(Pin(pin.name, pin.version, pin.links, digest))
        installed.append(read_package(unpacked_archive(archive), origin=str(archive)))
    if final != pins:
        write_lock(index_url, final, lock_path)
    return installed


# ------------------------------------------------------------------------------ test packages


TEST_MODEL_NOTE = (
    "RANDOM-WEIGHT TEST MODEL. Its translations are meaningless: it exists to exercise the real "
    "code path (Argos package format, sentencepiece, CTranslate2) in tests and dry runs."
)


@dataclass(frozen=True)
class TestModelShape:
    layers: int = 2
    width: int = 64
    heads: int = 4
    ffn: int = 128
    vocab: int = 800
    quantization: str | None = None


def _training_text(corpus_dir: Path) -> list[str]:
    lines = []
    for path in sorted(corpus_dir.glob("*.txt")):
        lines.extend(line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def _train_sentencepiece(lines: list[str], vocab_size: int, target: Path) -> None:
    """Train in memory: a model written to a file would record the (temporary) file name."""
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        byte_fallback=True,
        hard_vocab_limit=False,
        num_threads=1,
        shuffle_input_sentence=False,
        minloglevel=2,
    )
    target.write_bytes(model.getvalue())


def _random_transformer(vocabulary: list[str], shape: TestModelShape, seed: int):
    import numpy as np
    from ctranslate2.specs import model_spec, transformer_spec

    spec = transformer_spec.TransformerSpec.from_config(shape.layers, shape.heads)
    rng = np.random.RandomState(seed)
    width, vocab = shape.width, len(vocabulary)

    def shape_of(name: str) -> tuple[int, ...]:
        parts = name.split("/")
        leaf, owner = parts[-1], parts[-2]
        if owner == "layer_norm" or leaf in ("gamma", "beta"):
            return (width,)
        if owner.startswith("embeddings") or owner == "projection":
            return (vocab, width)
        if "ffn" in parts:
            return (shape.ffn, width) if owner == "linear_0" else (width, shape.ffn)
        cross = "attention" in parts and "self_attention" not in parts
        rows = {"linear_0": width if cross else 3 * width, "linear_1": 2 * width if cross else width}
        return (rows.get(owner, width), width)

    def fill(layer, name, value):
        if value is not None:
            return
        attribute = name.split("/")[-1]
        size = shape_of(name)
        if attribute == "gamma":
            array = np.ones(size, dtype=np.float32)
        elif attribute == "beta":
            array = np.zeros(size, dtype=np.float32)
        else:
            array = (rng.standard_normal(size) * (1.0 / np.sqrt(size[-1]))).astype(np.float32)
        setattr(layer, attribute, array)

    model_spec.visit_spec(spec, fill)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    return spec


def write_deterministic_zip(folder: Path, archive: Path) -> None:
    """Zip ``folder`` (as its top-level directory) with fixed timestamps and modes, sorted."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(folder.rglob("*")):
            if not path.is_file():
                continue
            info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}", ZIP_EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zipped.writestr(info, path.read_bytes())
    partial = archive.with_name(archive.name + ".part")
    partial.write_bytes(buffer.getvalue())
    os.replace(partial, archive)


def make_test_package(
    from_code: str,
    to_code: str,
    out: Path,
    corpus_dir: Path,
    shape: TestModelShape = TestModelShape(),
    seed: int = 1234,
) -> Path:
    """Build a random-weight Argos package; ``out`` is a folder (archive goes inside) or a file.

    The tokenizer is trained on ``corpus_dir``'s text and the weights drawn from a fixed seed, so
    the archive is byte-identical on every run with the same library versions.
    """
    lines = _training_text(corpus_dir)
    if not lines:
        raise ModelError(f"{corpus_dir}: no .txt files to train the test tokenizer on")
    name = f"translate-{from_code}_{to_code}-test"
    archive = out / f"{name}{ARCHIVE_SUFFIX}" if out.is_dir() or not out.suffix else out
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / name
        folder.mkdir()
        _train_sentencepiece(lines, shape.vocab, folder / "sentencepiece.model")
        import sentencepiece as spm

        processor = spm.SentencePieceProcessor(model_file=str(folder / "sentencepiece.model"))
        vocabulary = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
        spec = _random_transformer(vocabulary, shape, seed + sum(map(ord, from_code + to_code)))
        spec.validate()
        spec.optimize(quantization=shape.quantization)
        (folder / "model").mkdir()
        spec.save(str(folder / "model"))
        metadata = {
            "package_version": "0.0.1-test",
            "argos_version": "1.9.0",
            "type": "translate",
            "from_code": from_code,
            "from_name": LANGUAGE_NAMES.get(from_code, from_code),
            "to_code": to_code,
            "to_name": LANGUAGE_NAMES.get(to_code, to_code),
            "test_model": True,
            "description": TEST_MODEL_NOTE,
            "shape": shape.__dict__,
        }
        (folder / "metadata.json").write_text(json.dumps(metadata, indent=2, sort_keys=True) + "\n")
        (folder / "README.md").write_text(f"# {name}\n\n**{TEST_MODEL_NOTE}**\n")
        write_deterministic_zip(folder, archive)
    return archive
