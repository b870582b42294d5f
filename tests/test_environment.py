"""The locked environment must stay torch-free: argostranslate declares stanza/spacy we never use."""

import importlib.metadata
import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("torch", "stanza", "spacy", "minisbd")


@pytest.mark.parametrize("name", HEAVY)
def test_heavy_package_not_installed(name):
    assert importlib.util.find_spec(name) is None
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        importlib.metadata.distribution(name)


def test_lock_file_holds_no_heavy_package():
    text = (ROOT / "uv.lock").read_text(encoding="utf-8")
    locked = set(re.findall(r'^name = "([^"]+)"$', text, flags=re.M))
    assert "argostranslate" in locked and "ctranslate2" in locked
    assert not locked & set(HEAVY)


def test_translation_stack_imports_without_stanza():
    import sys

    from align.models import argos_package_module

    argos_package_module()
    import align.translate  # noqa: F401

    assert "stanza" not in sys.modules and "argostranslate.translate" not in sys.modules
