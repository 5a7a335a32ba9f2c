"""Plain-text hygiene for everything printed in the report (no ReportLab here).

User text reaches the PDF from answers, metadata and the review. Before it is
turned into ReportLab markup (see :mod:`report.fonts`) it is cleaned here:
line breaks are normalised, control characters are dropped, and code points
that cannot be encoded (lone surrogates, non-characters) become U+FFFD. The
attached ``assessment.json`` keeps the exact text; the printed text is a
faithful, readable rendering of it.
"""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls and DEL, except TAB (0x09) and LF (0x0A), which are handled below.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_NONCHARACTERS = re.compile("[\ufdd0-\ufdef\ufffe\uffff]")


def clean(text: object) -> str:
    """``text`` as printable plain text, line breaks kept.

    * CR LF, CR, U+2028 and U+2029 become LF; TAB becomes a space;
    * other control characters are removed;
    * lone surrogates and non-characters become U+FFFD (they cannot be encoded).
    """
    s = text if isinstance(text, str) else str(text)
    if s.isascii() and s.isprintable():
        return s
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    s = s.replace("\t", " ").replace("\x0c", "\n").replace("\x0b", "\n")
    s = _CONTROLS.sub("", s)
    s = _SURROGATES.sub("\ufffd", s)
    s = _NONCHARACTERS.sub("\ufffd", s)
    return s


def one_line(text: object) -> str:
    """:func:`clean`, with line breaks turned into spaces (for headers, titles, metadata)."""
    return " ".join(clean(text).split())


def code_point(ch: str) -> str:
    """``U+1F512 LOCK``: how a character that cannot be printed is named."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}".rstrip()


def is_ignorable(ch: str) -> bool:
    """Invisible format characters (joiners, variation selectors, tags) that may be dropped when unprintable."""
    return unicodedata.category(ch) == "Cf" or 0xFE00 <= ord(ch) <= 0xFE0F or 0xE0100 <= ord(ch) <= 0xE01EF
