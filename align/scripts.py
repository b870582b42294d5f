"""Facts about the Cyrillic and Latin scripts that several stages need.

Kept apart so that normalisation and language identification share one definition of a Cyrillic
letter and one table of look-alike letters, without either reaching into the other.
"""

from __future__ import annotations

import re

CYRILLIC = re.compile(r"[\u0400-\u04FF\u0500-\u052F]")
LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")

LATIN_LOOKALIKES = "ABCEHKMOPTXaceopxy"
CYRILLIC_LOOKALIKES = "АВСЕНКМОРТХасеорху"
"""Pairs of letters that look the same in the two scripts (Latin ``a`` and Cyrillic ``а``)."""
LATIN_TO_CYRILLIC = str.maketrans(LATIN_LOOKALIKES, CYRILLIC_LOOKALIKES)
CYRILLIC_TO_LATIN = str.maketrans(CYRILLIC_LOOKALIKES, LATIN_LOOKALIKES)


def dominant_script(text: str) -> str | None:
    """``cyrillic`` or ``latin`` by letter count (ties: Cyrillic), ``None`` for text with neither."""
    cyrillic = len(CYRILLIC.findall(text))
    latin = len(LATIN.findall(text))
    if cyrillic == latin == 0:
        return None
    return "cyrillic" if cyrillic >= latin else "latin"
