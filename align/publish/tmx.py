"""TMX 1.4b: ``exports/corpus.tmx``, every row of every split as one ``<tu>``, in publication order."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from .. import __version__
from ..destination import TOOL

XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    """XML 1.0 cannot hold control characters at all; they become U+FFFD in the TMX export."""
    return XML_INVALID.sub("\ufffd", text)


class TmxWriter:
    """TMX 1.4b written one ``<tu>`` at a time, so a corpus of millions of rows is never in memory."""

    def __init__(self, path: Path):
        self.handle = path.open("w", encoding="utf-8")
        header = ET.Element(
            "header",
            {
                "creationtool": TOOL,
                "creationtoolversion": __version__,
                "segtype": "sentence",
                "datatype": "plaintext",
                "adminlang": "en",
                "srclang": "*all*",
                "o-tmf": TOOL,
            },
        )
        self.handle.write('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n')
        self.handle.write(f'<tmx version="1.4">\n  {ET.tostring(header, encoding="unicode")}\n  <body>\n')

    def write(self, row: dict) -> None:
        attributes = {"tuid": row["id"]}
        if row["src_lang"]:  # aligned human pairs have no known source side: the header's *all*
            attributes["srclang"] = row["src_lang"]
        unit = ET.Element("tu", attributes)
        ET.SubElement(unit, "prop", type="x-origin").text = row["origin"]
        for lang in ("en", "ru"):
            variant = ET.SubElement(unit, "tuv", {"xml:lang": lang})
            ET.SubElement(variant, "seg").text = xml_text(row["translation"][lang])
        ET.indent(unit, space="  ", level=2)
        self.handle.write("    " + ET.tostring(unit, encoding="unicode") + "\n")

    def close(self) -> None:
        self.handle.write("  </body>\n</tmx>\n")
        self.handle.close()


class TmxFile:
    """The ``tmx`` export: one file for all splits (TMX has no splits; each unit's ``tuid`` is
    the row id)."""

    def __init__(self, folder: Path):
        self.writer = TmxWriter(folder / "exports" / "corpus.tmx")

    def write(self, split: str, row: dict) -> None:
        self.writer.write(row)

    def close(self) -> None:
        self.writer.close()
