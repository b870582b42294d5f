"""File names and texts made safe to record and print, one line each.

On Linux a file name is bytes: one that is not UTF-8 arrives from ``os`` as a ``str`` holding lone
surrogates (``b'caf\\xe9.txt'`` → ``'caf\\udce9.txt'``), which no UTF-8 writer accepts, and a name
may hold a newline, which would forge a line in any log that prints it. ``printable_name`` gives
the one text that the manifest records and the messages print for such a name. ``single_line``
keeps a text that must be one line (a translation in a line-per-sentence file) on one line.
"""

from __future__ import annotations

import re
import unicodedata

LINE_BREAKING = frozenset("\u0085\u2028\u2029")
"""Not control characters to Unicode (U+0085 is), but each ends a line for some reader."""


def printable_name(name: str) -> str:
    """``name`` with undecodable bytes as ``\\xNN`` and control characters as ``\\xNN``/``\\uNNNN``.

    Everything else (Cyrillic, spaces, accents) is left as it is, and the result is always
    encodable as UTF-8 and holds no line break. Applying it twice changes nothing more.
    """
    return "".join(_printable(char) for char in name)


def _printable(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, escaped by os.fsdecode
        return f"\\x{code - 0xDC00:02x}"
    if char in LINE_BREAKING or unicodedata.category(char) in ("Cc", "Cs"):
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
    return char


LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
"""Everything that some reader (Python's ``splitlines``, Unicode-aware editors) ends a line at."""


def single_line(text: str) -> str:
    """``text`` with every line-ending character turned into a space."""
    return LINE_BREAKS.sub(" ", text)
