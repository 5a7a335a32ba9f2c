"""Embedded fonts and safe Paragraph markup with a per-character font fallback.

ReportLab has no font fallback and fails silently (a box, or nothing) when a
font lacks a glyph. So every piece of text goes through :meth:`Typesetter.markup`,
which escapes it (user text is never parsed as markup), keeps its line breaks,
and picks for each character the first font that has a glyph for it:

1. the face of the current style (DejaVu Sans regular, bold, oblique or bold oblique);
2. DejaVu Sans regular (the oblique faces lack some scripts, e.g. Arabic);
3. fallback fonts installed on the machine, if present (WenQuanYi Zen Hei for
   Chinese, Japanese and Korean; Symbola for symbols): they are never vendored;
4. none: the character is printed as ``[U+XXXX]`` and listed in the report's
   appendix. Characters outside the Basic Multilingual Plane (emoji) always
   take this route, because ReportLab writes a wrong copy-and-paste mapping for them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from report.text import clean, code_point, is_ignorable

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "DPIASans"
REGULAR_ONLY = "DPIASansRegular"  # a family whose four styles are all the regular face
FACES = {
    "regular": (f"{FAMILY}", "DejaVuSans.ttf"),
    "bold": (f"{FAMILY}-Bold", "DejaVuSans-Bold.ttf"),
    "italic": (f"{FAMILY}-Oblique", "DejaVuSans-Oblique.ttf"),
    "bolditalic": (f"{FAMILY}-BoldOblique", "DejaVuSans-BoldOblique.ttf"),
}
REGULAR = FACES["regular"][0]
BOLD = FACES["bold"][0]
ITALIC = FACES["italic"][0]

# Fallback fonts, in order, looked for on the machine (Debian package in the comment).
# Only TrueType outlines work in ReportLab (no CFF/OTF, so not Noto CJK).
FALLBACK_CANDIDATES: tuple[tuple[str, str, int], ...] = (
    ("WQYZenHei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),  # fonts-wqy-zenhei
    ("WQYMicroHei", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),  # fonts-wqy-microhei
    ("Symbola", "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf", 0),  # fonts-symbola
)

_lock = threading.Lock()


@dataclass
class _Font:
    name: str
    cmap: frozenset[int]
    path: str


@dataclass
class _Registry:
    faces: dict[str, _Font] = field(default_factory=dict)
    fallbacks: list[_Font] | None = None  # loaded on first need: the CJK font is 17 MB


_registry = _Registry()


def _register(name: str, path: str, subfont: int = 0) -> _Font:
    font = TTFont(name, path, subfontIndex=subfont)
    pdfmetrics.registerFont(font)
    return _Font(name, frozenset(font.face.charToGlyph), path)


def register_fonts() -> None:
    """Register the embedded DejaVu faces once per process (about 0.1 s)."""
    if _registry.faces:
        return
    with _lock:
        if _registry.faces:
            return
        faces = {style: _register(name, str(FONT_DIR / file)) for style, (name, file) in FACES.items()}
        _same_in_every_style(REGULAR_ONLY, FACES["regular"][0])
        # last, so the reverse map (font -> family, bold, italic) says "DPIASans" is the family's regular face
        addMapping(FAMILY, 0, 0, FACES["regular"][0])
        addMapping(FAMILY, 1, 0, FACES["bold"][0])
        addMapping(FAMILY, 0, 1, FACES["italic"][0])
        addMapping(FAMILY, 1, 1, FACES["bolditalic"][0])
        _registry.faces = faces


def _same_in_every_style(family: str, font_name: str) -> None:
    # <font face="family"> inside <b> or <i> must still resolve to this one face
    for bold, italic in ((1, 1), (1, 0), (0, 1), (0, 0)):  # (0, 0) last: it sets the reverse map
        addMapping(family, bold, italic, font_name)


def fallback_fonts() -> list[_Font]:
    """The fallback fonts found on this machine, registered on first call."""
    register_fonts()
    if _registry.fallbacks is not None:
        return _registry.fallbacks
    with _lock:
        if _registry.fallbacks is None:
            found = []
            for name, path, subfont in FALLBACK_CANDIDATES:
                if Path(path).is_file():
                    try:
                        font = _register(name, path, subfont)
                    except Exception:  # an unusable font file is skipped, never fatal
                        continue
                    _same_in_every_style(name, name)
                    found.append(font)
            _registry.fallbacks = found
    return _registry.fallbacks


def font_files_used(names: set[str]) -> list[str]:
    """Human names of the fallback fonts among ``names`` (for the appendix)."""
    return [Path(f.path).name for f in (_registry.fallbacks or []) if f.name in names]


class Typesetter:
    """Turns plain text into safe Paragraph markup, remembering what it could not print.

    One per rendered document: :attr:`unprintable` and :attr:`fallbacks_used` feed the appendix.
    """

    def __init__(self) -> None:
        register_fonts()
        self.unprintable: dict[str, str] = {}
        self.fallbacks_used: set[str] = set()
        self._choice: dict[tuple[str, str], str | None] = {}

    def markup(self, text: object, style: str = "regular", *, lines: bool = True) -> str:
        """Escaped Paragraph markup for ``text`` as drawn in ``style``.

        Args:
            text: Any user or questionnaire text; ``&``, ``<`` and ``>`` print literally.
            style: The face of the surrounding Paragraph style: regular, bold, italic or bolditalic.
            lines: Keep line breaks (``<br/>``); otherwise they become spaces.
        """
        s = clean(text)
        if not lines:
            s = " ".join(s.split())
        if s.isascii():  # DejaVu covers all of printable ASCII: the fast path
            out = escape(s)
        else:
            out = "".join(
                escape(part) if font is None else f'<font face="{font}">{escape(part)}</font>'
                for font, part in self._segments(s, style)
            )
        return out.replace("\n", "<br/>") if lines else out

    def runs(self, text: object, style: str = "regular") -> list[tuple[str, str]]:
        """``(font name, text)`` runs of one line of ``text``, for drawing straight on the canvas."""
        s = " ".join(clean(text).split())
        own = _registry.faces[style].name
        if s.isascii():
            return [(own, s)] if s else []
        out = []
        for font, part in self._segments(s, style):
            name = own if font is None else (REGULAR if font == REGULAR_ONLY else font)
            out.append((name, part))
        return out

    def _segments(self, s: str, style: str) -> list[tuple[str | None, str]]:
        """Split ``s`` into runs by font family (None: the style's own face); unprintables become text."""
        face = _registry.faces[style].cmap
        segments: list[tuple[str | None, str]] = []
        run: list[str] = []
        current: str | None = None
        for ch in s:
            if ch == "\n" or (ord(ch) in face and ch <= "\uffff"):  # beyond the BMP: see _font_for
                font: str | None = None
            else:
                choice = self._font_for(ch, style)
                if choice == "":
                    if is_ignorable(ch):
                        continue
                    self.unprintable.setdefault(ch, code_point(ch))
                    ch = f"[U+{ord(ch):04X}]"
                    font = None
                else:
                    font = choice
            if font != current and run:
                segments.append((current, "".join(run)))
                run = []
            current = font
            run.append(ch)
        if run:
            segments.append((current, "".join(run)))
        return segments

    def _font_for(self, ch: str, style: str) -> str:
        """The family to draw ``ch`` in when the style's face lacks it; "" when no font has it."""
        key = (ch, style)
        if key in self._choice:
            return self._choice[key] or ""
        choice: str | None = None
        code = ord(ch)
        if code <= 0xFFFF:
            if style != "regular" and code in _registry.faces["regular"].cmap:
                choice = REGULAR_ONLY
            else:
                for font in fallback_fonts():
                    if code in font.cmap:
                        choice = font.name
                        self.fallbacks_used.add(font.name)
                        break
        self._choice[key] = choice
        return choice or ""
