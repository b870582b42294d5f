"""Writing a corpus folder that ``datasets.load_dataset(path)`` loads offline.

Layout of ``corpora/<name>/``::

    README.md            dataset card (YAML front matter: configs, license, languages, …)
    data/<split>-<hash>.parquet  the rows, with the datasets features stored in the Parquet schema
    data/<split>-<hash>.jsonl    the same rows as JSON Lines (<hash>: the file's sha256, 12 digits)
    documents.jsonl      every normalised document with metadata and its removals log
    filtered.jsonl       rows the filters removed, each with its ``rule`` and ``reason``
    exports/<split>.en|.ru  Moses plain text, one sentence per line
    exports/corpus.tmx   TMX 1.4b, one <tu> per row
    LICENSE              whose texts these are, when no licence was given (``--license``)
    manifest.json        hashes of inputs, models, lock file and every file above

Splits are chosen per document by a hash of its id, so a document never spans two splits and adding
a document never moves another. The folder is built beside the target and renamed into place, so a
failed build leaves the previous corpus as it was.

One module per concern: ``schema`` (row features, splits), ``card`` (README.md and LICENSE),
``formats`` (the registry of export formats: ``parquet`` for data/, ``tmx``, ``moses``), ``corpus``
(``publish``: streaming rows through the filters into the formats, then the card, report and
manifest, swapped into place) and ``hub`` (uploading a verified corpus). The names below are the
package's public face; callers import them from ``align.publish``.
"""

from .card import (
    MODEL_LINE,
    PUBLISHERS_LICENSE,
    SETTINGS_HEADING,
    TEST_MODEL_BANNER,
    card_claims,
    card_front_matter,
    dataset_card,
    license_text,
    publishers_license,
    size_category,
)
from .corpus import NothingPublished, publish, split_counts
from .formats import EXPORTS, Export
from .moses import MosesFiles
from .parquet import DataFiles, SplitData
from .schema import SPLIT_PERCENT, SPLITS, CorpusInfo, SplitCounts, dumps, features, split_of, write_jsonl
from .tmx import XML_INVALID, TmxFile, TmxWriter, xml_text

__all__ = [
    "EXPORTS",
    "MODEL_LINE",
    "PUBLISHERS_LICENSE",
    "SETTINGS_HEADING",
    "SPLITS",
    "SPLIT_PERCENT",
    "TEST_MODEL_BANNER",
    "XML_INVALID",
    "CorpusInfo",
    "DataFiles",
    "Export",
    "MosesFiles",
    "NothingPublished",
    "SplitCounts",
    "SplitData",
    "TmxFile",
    "TmxWriter",
    "card_claims",
    "card_front_matter",
    "dataset_card",
    "dumps",
    "features",
    "license_text",
    "publish",
    "publishers_license",
    "size_category",
    "split_counts",
    "split_of",
    "write_jsonl",
    "xml_text",
]
