"""Argos Translate's own inference, one sentence at a time: the baseline of the translation bench.

Runs in the throwaway environment that has argostranslate's full dependencies (stanza, torch). It
loads the package and the CTranslate2 model the way ``argostranslate.translate`` does, replaces
stanza by a splitter that returns the line as one sentence (we compare translation, not sentence
splitting), caps decoding at the same length as our run, and calls ``apply_packaged_translation``
for each line. Each translation is written as a JSON string on a line of its own: a random-weight
model emits line-break characters, which must neither split a line nor be lost.

usage: python argos_baseline.py PACKAGE_DIR INPUT MAX_DECODING_LENGTH > OUTPUT
"""

import json
import sys
from pathlib import Path

import argostranslate.package as package
import argostranslate.settings as settings
import argostranslate.translate as translate
import ctranslate2


class OneLineSplitter:
    def split_sentences(self, text):
        return [text]


class CappedTranslator:
    """The model, with every translate_batch capped at the benchmark's decoding length."""

    def __init__(self, translator, cap):
        self.translator, self.cap = translator, cap

    def translate_batch(self, *args, **kwargs):
        return self.translator.translate_batch(*args, max_decoding_length=self.cap, **kwargs)


def main():
    package_dir, input_path, cap = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    pkg = package.Package(package_dir)
    model = ctranslate2.Translator(
        str(package_dir / "model"),
        device=settings.device,
        inter_threads=settings.inter_threads,
        intra_threads=settings.intra_threads,
        compute_type=settings.compute_type,
    )
    translator, splitter = CappedTranslator(model, cap), OneLineSplitter()
    out = sys.stdout
    with open(input_path, encoding="utf-8") as lines:
        for line in lines:
            line = line.rstrip("\n")
            value = translate.apply_packaged_translation(pkg, line, translator, splitter, 1)[0].value if line else ""
            out.write(json.dumps(value, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
