"""Raw CTranslate2 on an Argos package: the floor the translation bench compares us against.

What a user who skips every tool would write: sentencepiece and ctranslate2 imported directly, the
whole input tokenised at once, Argos's decoding settings (beam 4, length penalty 0.2, unknowns
replaced, the package's target prefix) and Argos's detokenisation. Nothing else: no package
checks, no cache, no progress bar, no language detection. Two ways to batch:

- ``padded`` (default): one ``translate_batch`` call; CTranslate2 sorts by length and pads its own
  batches of 32. The fastest, but padding changes the arithmetic, so some lines differ from
  Argos's per-sentence output: a floor for speed, not a reference for bytes.
- ``equal-length``: one asynchronous call per source token length (batches of at most 32), the
  least a raw script must do to give Argos's per-sentence bytes: the floor under our guarantee.

Each translation is written as a JSON string on a line of its own (a random-weight model emits
line-break characters).

usage: python -m benchmarks.ctranslate2_baseline PACKAGE_DIR INPUT MAX_DECODING_LENGTH [padded|equal-length] > OUTPUT
"""

import json
import os
import sys
from pathlib import Path

import ctranslate2
import sentencepiece

BATCH_SIZE = 32
"""Argos's own default ``ARGOS_BATCH_SIZE``, and CTranslate2's usual example size."""


def prefixes(prefix: str, count: int):
    return [[prefix]] * count if prefix else None


def translate_padded(model, tokens: list, prefix: str, options: dict) -> list:
    results = model.translate_batch(tokens, prefixes(prefix, len(tokens)), max_batch_size=BATCH_SIZE, **options)
    return [result.hypotheses[0] for result in results]


def translate_equal_length(model, tokens: list, prefix: str, options: dict) -> list:
    by_length: dict = {}
    for index, pieces in enumerate(tokens):
        by_length.setdefault(len(pieces), []).append(index)
    jobs = []
    for group in by_length.values():
        for begin in range(0, len(group), BATCH_SIZE):
            indices = group[begin : begin + BATCH_SIZE]
            batch = [tokens[i] for i in indices]
            futures = model.translate_batch(
                batch, prefixes(prefix, len(batch)), max_batch_size=len(batch), asynchronous=True, **options
            )
            jobs.append((indices, futures))
    outputs: list = [None] * len(tokens)
    for indices, futures in jobs:
        for index, future in zip(indices, futures):
            outputs[index] = future.result().hypotheses[0]
    return outputs


def main() -> None:
    package_dir, input_path, cap = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    batching = sys.argv[4] if len(sys.argv) > 4 else "padded"
    metadata = json.loads((package_dir / "metadata.json").read_text(encoding="utf-8"))
    prefix = metadata.get("target_prefix", "")
    processor = sentencepiece.SentencePieceProcessor(model_file=str(package_dir / "sentencepiece.model"))
    model = ctranslate2.Translator(
        str(package_dir / "model"),
        device="cpu",
        compute_type="auto",
        inter_threads=os.cpu_count() or 1,
        intra_threads=1,
    )
    with open(input_path, encoding="utf-8") as handle:
        lines = [line.rstrip("\n") for line in handle]
    tokens = processor.encode(lines, out_type=str)
    options = {
        "beam_size": 4,
        "num_hypotheses": 1,
        "length_penalty": 0.2,
        "replace_unknowns": True,
        "max_decoding_length": cap,
    }
    translate = translate_equal_length if batching == "equal-length" else translate_padded
    hypotheses = translate(model, tokens, prefix, options)
    out = []
    for line, pieces in zip(lines, hypotheses):
        value = processor.decode_pieces(pieces).replace("▁", " ").replace("_", " ")
        if prefix and value.startswith(prefix):
            value = value[len(prefix) :]
        out.append(value.removeprefix(" ") if line else "")
    sys.stdout.write("".join(json.dumps(value, ensure_ascii=False) + "\n" for value in out))


if __name__ == "__main__":
    main()
