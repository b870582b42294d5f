"""The examples in the public API's docstrings run, and give what they show."""

from __future__ import annotations

import doctest

import align
import align.api


def test_api_docstring_examples_run():
    results = doctest.testmod(align.api, optionflags=doctest.ELLIPSIS, raise_on_error=False)
    assert results.attempted >= 25
    assert results.failed == 0


def test_every_public_function_has_an_example():
    """``Translator``'s example needs an installed model and is skipped here; test_public_api.py
    runs it on the test package."""
    finder = doctest.DocTestFinder()
    for name in ("sentences", "detect", "normalise", "align_sentences", "Translator", "build", "verify"):
        tests = finder.find(getattr(align, name), name)
        assert any(test.examples for test in tests), name
