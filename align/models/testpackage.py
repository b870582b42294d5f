"""Random-weight test packages: the real package format and code path, meaningless translations.

The sentencepiece model is trained on text the project ships and the CTranslate2 transformer
is drawn from a fixed seed, so the archive is byte-identical on every run with the same library
versions. Everything built with one is marked as a test model.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .store import ARCHIVE_SUFFIX, ARGOS_LANGUAGE_CODES, LANGUAGE_NAMES, ZIP_EPOCH, ModelError, OutputRefused

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
    lines: list[str] = []
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
    """Build a random-weight Argos package; ``out`` is a folder (archive goes inside) or a file
    name ending in ``.argosmodel``.

    The tokenizer is trained on ``corpus_dir``'s text and the weights drawn from a fixed seed, so
    the archive is byte-identical on every run with the same library versions.
    """
    if from_code == to_code or not {from_code, to_code} <= ARGOS_LANGUAGE_CODES:
        raise ModelError(f"a test package needs two different Argos language codes, not {from_code}→{to_code}")
    name = f"translate-{from_code}_{to_code}-test"
    archive = _test_package_target(out, name)
    lines = _training_text(corpus_dir)
    if not lines:
        raise ModelError(f"{corpus_dir}: no .txt files to train the test tokenizer on")
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


def _test_package_target(out: Path, name: str) -> Path:
    """The archive path for ``out``; refused when that would overwrite a file this tool did not make."""
    if out.is_dir() or not (out.exists() or out.suffix):
        archive = out / f"{name}{ARCHIVE_SUFFIX}"
    elif out.suffix == ARCHIVE_SUFFIX:
        archive = out
    else:
        raise OutputRefused(f"{out}: refused: OUT must be a folder or a file name ending in {ARCHIVE_SUFFIX}")
    if (archive.exists() or archive.is_symlink()) and not _is_test_package(archive):
        raise OutputRefused(f"{archive}: refused: it exists and is not a test package; not overwritten")
    return archive


def _is_test_package(archive: Path) -> bool:
    """Whether ``archive`` is an Argos archive whose metadata says ``test_model: true``."""
    if archive.is_symlink() or not archive.is_file():
        return False
    try:
        with zipfile.ZipFile(archive) as zipped:
            names = [n for n in zipped.namelist() if PurePosixPath(n).parts[1:] == ("metadata.json",)]
            return len(names) == 1 and json.loads(zipped.read(names[0])).get("test_model") is True
    except (OSError, ValueError, zipfile.BadZipFile, AttributeError):
        return False
