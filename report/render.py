"""Lay out a :class:`report.model.Report` with ReportLab platypus (one pass, deterministic).

Page numbers ("page X of Y") and the table of contents' page numbers are PDF form
XObjects that are referenced while the pages are laid out and defined once the last
page is done, so the document is built in a single pass (no ``multiBuild``).
Every text goes through :class:`report.fonts.Typesetter`: escaped, with font fallback.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from report.fonts import BOLD, ITALIC, REGULAR, Typesetter, font_files_used
from report.model import (
    Badge,
    FindingView,
    HeatMap,
    ListAnswer,
    NoAnswer,
    QAItem,
    Report,
    RiskAnswer,
    TableAnswer,
    TextAnswer,
)
from report.text import one_line

# Binary (Flate only) streams: ASCII85 costs time in pure Python and pikepdf rewrites the file anyway.
# Set once for the process (not per render), so concurrent renders cannot see different settings.
rl_config.useA85 = 0

PAGE_W, PAGE_H = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 20 * mm
FRAME_W = PAGE_W - 2 * MARGIN_X

INK = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#B0B7C3")
NAVY = colors.HexColor("#1F3A5F")
ZEBRA = colors.HexColor("#F3F5F8")
# Tones: (strong colour, light background, text colour on the strong colour)
TONES: dict[str, tuple[Any, Any, Any]] = {
    "good": (colors.HexColor("#2E7D32"), colors.HexColor("#E6F2E6"), colors.white),
    "mild": (colors.HexColor("#546E7A"), colors.HexColor("#ECEFF1"), colors.white),
    "neutral": (colors.HexColor("#9E9E9E"), colors.HexColor("#F2F2F2"), colors.black),
    "warn": (colors.HexColor("#E0A100"), colors.HexColor("#FFF5D6"), colors.black),
    "bad": (colors.HexColor("#C62828"), colors.HexColor("#FBE4E2"), colors.white),
    "severe": (colors.HexColor("#7B0000"), colors.HexColor("#F6DADA"), colors.white),
}
LEVEL_FILL = {
    "low": colors.HexColor("#CDE8CD"),
    "medium": colors.HexColor("#FBE3A6"),
    "high": colors.HexColor("#F2B0A9"),
}
FINDING_KEEP = 220  # points: a finding estimated up to this tall starts on a new page rather than split
KEEP_QUESTION = 52  # points: room for a two-line question and the first lines of its answer
GROUP_TABLE_MAX_FIELDS = 10
GROUP_TABLE_MAX_CELL = 1500  # longer cells are laid out as blocks, which can split across pages
MAX_ROW_HEIGHT = 360  # points: a group whose rows would be taller is laid out as blocks too


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "body",
        fontName=REGULAR,
        bulletFontName=REGULAR,
        fontSize=9.5,
        leading=13,
        textColor=INK,
        splitLongWords=1,
        spaceAfter=3,
    )

    def s(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    return {
        "body": base,
        "small": s("small", fontSize=8, leading=10.5),
        "muted": s("muted", fontSize=8, leading=10.5, textColor=MUTED),
        "italic": s("italic", fontName=ITALIC, textColor=MUTED),
        "missing": s("missing", fontName=BOLD, textColor=TONES["bad"][0]),
        "missing_note": s("missing_note", fontName=BOLD, textColor=TONES["bad"][0], leftIndent=12, spaceAfter=6),
        "answer": s("answer", leftIndent=12, spaceAfter=6),
        "answer_list": s("answer_list", leftIndent=22, bulletIndent=12, spaceAfter=1),
        "question": s("question", fontName=BOLD, spaceBefore=4, spaceAfter=2),
        "label": s("label", fontName=BOLD, fontSize=8.5, leading=11),
        "cell": s("cell", fontSize=8, leading=10, spaceAfter=0),
        "cell_bold": s("cell_bold", fontName=BOLD, fontSize=8, leading=10, spaceAfter=0),
        "cell_head": s("cell_head", fontName=BOLD, fontSize=8, leading=10, spaceAfter=0, textColor=colors.white),
        "cell_small": s("cell_small", fontSize=7, leading=8.8, spaceAfter=0),
        "cell_head_small": s(
            "cell_head_small", fontName=BOLD, fontSize=7, leading=8.8, spaceAfter=0, textColor=colors.white
        ),
        "hash": s("hash", fontSize=7, leading=9, spaceAfter=0),
        "h1": s("h1", fontName=BOLD, fontSize=16, leading=20, spaceBefore=4, spaceAfter=8, textColor=NAVY),
        "h2": s("h2", fontName=BOLD, fontSize=12, leading=15, spaceBefore=10, spaceAfter=4, textColor=NAVY),
        "h3": s("h3", fontName=BOLD, fontSize=10, leading=13, spaceBefore=6, spaceAfter=3, keepWithNext=1),
        "kicker": s("kicker", fontSize=11, leading=14, textColor=MUTED, spaceAfter=6),
        "title": s("title", fontName=BOLD, fontSize=24, leading=29, textColor=NAVY, spaceAfter=6),
        "subtitle": s("subtitle", fontSize=12, leading=15, textColor=MUTED, spaceAfter=14),
        "banner_symbol": s("banner_symbol", fontName=BOLD, fontSize=22, leading=26, alignment=TA_CENTER),
        "banner_head": s("banner_head", fontName=BOLD, fontSize=13, leading=16, spaceAfter=2),
        "banner_text": s("banner_text", fontSize=9, leading=12, spaceAfter=0),
        "toc0": s("toc0", fontName=BOLD, fontSize=10, leading=14, spaceAfter=0),
        "toc1": s("toc1", fontSize=9, leading=12, leftIndent=14, spaceAfter=0),
        "badge": s("badge", fontName=BOLD, fontSize=8, leading=10, spaceAfter=0, alignment=TA_CENTER),
        "finding_title": s("finding_title", fontName=BOLD, fontSize=10.5, leading=13, spaceAfter=0),
        "finding_body": s("finding_body", leftIndent=8, spaceAfter=3),
    }


# --- flowables -------------------------------------------------------------------------------


class Heading(Paragraph):
    """A heading that becomes a bookmark, an outline entry and (optionally) a contents line."""

    def __init__(self, markup: str, style: ParagraphStyle, key: str, level: int, outline: str, toc: bool) -> None:
        super().__init__(markup, style)
        self.key = key
        self.level = level
        self.outline = outline
        self.toc = toc

    def draw(self) -> None:
        super().draw()
        self.canv.bookmarkHorizontal(self.key, 0, self.height + 6)


class Anchor(Flowable):
    """An invisible outline entry (a finding's bookmark): no space taken, nothing drawn."""

    def __init__(self, key: str, level: int, outline: str) -> None:
        super().__init__()
        self.key = key
        self.level = level
        self.outline = outline
        self.toc = False

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkHorizontal(self.key, 0, 24)


class FormRef(Flowable):
    """Draws a form XObject that is defined at the end of the build (a page number), right-aligned."""

    def __init__(self, name: str, height: float) -> None:
        super().__init__()
        self.name = name
        self.height = height

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = aw
        return aw, self.height

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.translate(self.width, 2)
        self.canv.doForm(self.name)
        self.canv.restoreState()


class HeatMapFlowable(Flowable):
    """Likelihood × severity grids (before and after measures) with the risks marked in their cells."""

    def __init__(self, maps: list[HeatMap], ts: Typesetter, words: dict[str, str]) -> None:
        super().__init__()
        self.maps = maps
        self.ts = ts
        self.words = words
        self.side_by_side = len(maps) == 2 and all(
            len(m.likelihood_labels) <= 5 and len(m.severity_labels) <= 5 for m in maps
        )

    def _geometry(self, aw: float) -> tuple[float, float, float, float]:
        m = self.maps[0]
        n_l, n_s = len(m.likelihood_labels), len(m.severity_labels)
        map_w = (aw - 14) / 2 if self.side_by_side else aw
        label_w = 64 if self.side_by_side else 110
        cell_w = (map_w - label_w - 12) / n_l
        cell_h = 30 if n_s <= 5 else 20
        return map_w, label_w, cell_w, cell_h

    def _map_height(self, cell_h: float) -> float:
        n_s = len(self.maps[0].severity_labels)
        return 16 + n_s * cell_h + 30

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.aw = aw
        _, _, _, cell_h = self._geometry(aw)
        h = self._map_height(cell_h)
        self.height = h if self.side_by_side else h * len(self.maps) + 12 * (len(self.maps) - 1)
        self.width = aw
        return aw, self.height

    def draw(self) -> None:
        map_w, label_w, cell_w, cell_h = self._geometry(self.aw)
        h = self._map_height(cell_h)
        for index, m in enumerate(self.maps):
            if self.side_by_side:
                x0, y_top = index * (map_w + 14), self.height
            else:
                x0, y_top = 0, self.height - index * (h + 12)
            self._draw_map(m, x0, y_top, label_w, cell_w, cell_h)

    def _text(self, x: float, y: float, text: str, size: float, style: str = "regular", align: str = "left") -> None:
        runs = self.ts.runs(text, style)
        width = sum(stringWidth(t, f, size) for f, t in runs)
        if align == "center":
            x -= width / 2
        elif align == "right":
            x -= width
        c = self.canv
        for font, t in runs:
            c.setFont(font, size)
            c.drawString(x, y, t)
            x += stringWidth(t, font, size)

    def _wrapped(
        self, x: float, y_top: float, w: float, h: float, text: str, size: float, align: str, style: str = "regular"
    ) -> None:
        lines = simpleSplit(one_line(text), BOLD if style == "bold" else REGULAR, size, w)
        leading = size + 1.5
        total = leading * len(lines)
        y = y_top - (h - total) / 2 - size
        for line in lines[: max(1, int(h // leading))]:
            anchor = x + w / 2 if align == "center" else (x + w if align == "right" else x)
            self._text(anchor, y, line, size, style, align=align)
            y -= leading

    def _draw_map(self, m: HeatMap, x0: float, y_top: float, label_w: float, cell_w: float, cell_h: float) -> None:
        c = self.canv
        n_s, n_l = len(m.severity_labels), len(m.likelihood_labels)
        grid_x = x0 + label_w + 12
        grid_top = y_top - 16
        c.setFillColor(NAVY)
        self._text(grid_x, y_top - 11, m.title, 10, "bold")
        c.setStrokeColor(colors.white)
        c.setLineWidth(1.5)
        for s in range(n_s):
            row_top = grid_top - (n_s - 1 - s) * cell_h  # highest severity on top
            for lk in range(n_l):
                level = m.cells[s][lk] if s < len(m.cells) and lk < len(m.cells[s]) else "low"
                x = grid_x + lk * cell_w
                c.setFillColor(LEVEL_FILL.get(level, colors.white))
                c.rect(x, row_top - cell_h, cell_w, cell_h, stroke=1, fill=1)
                c.setFillColor(MUTED)
                letter = self.words.get(f"letter.{level}", level[:1].upper())
                self._text(x + 2.5, row_top - 8, letter, 6)
                marks = m.marks.get((s, lk))
                if marks:
                    c.setFillColor(INK)
                    self._wrapped(x + 2, row_top - 3, cell_w - 4, cell_h - 6, " ".join(marks), 8.5, "center", "bold")
            c.setFillColor(INK)
            self._wrapped(x0 + 10, row_top, label_w, cell_h, m.severity_labels[s], 6.5, "right")
        for lk in range(n_l):
            x = grid_x + lk * cell_w
            self._wrapped(x, grid_top - n_s * cell_h - 1, cell_w, 16, m.likelihood_labels[lk], 6.5, "center")
        c.setFillColor(MUTED)
        self._text(
            grid_x + n_l * cell_w / 2,
            grid_top - n_s * cell_h - 27,
            m.likelihood_title + " →",
            7.5,
            "bold",
            align="center",
        )
        c.saveState()
        c.translate(x0 + 6, grid_top - n_s * cell_h / 2)
        c.rotate(90)
        self._text(0, 0, m.severity_title + " →", 7.5, "bold", align="center")
        c.restoreState()


# --- the document template -------------------------------------------------------------------


@dataclass
class _Chrome:
    header_left: list[tuple[str, str]]
    header_right: list[tuple[str, str]]
    footer_left: list[tuple[str, str]]
    page_word: str  # "Page {page} of {total}"
    headings: list[Heading] = field(default_factory=list)  # in story order, for the contents


class _Document(BaseDocTemplate):
    def __init__(self, buf: io.BytesIO, chrome: _Chrome, **kw: Any) -> None:
        super().__init__(buf, **kw)
        self.chrome = chrome
        self.heading_pages: dict[str, int] = {}
        self._outline_level = -1
        body = Frame(
            MARGIN_X,
            MARGIN_BOTTOM,
            FRAME_W,
            PAGE_H - MARGIN_TOP - MARGIN_BOTTOM,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        cover = Frame(
            MARGIN_X,
            MARGIN_BOTTOM,
            FRAME_W,
            PAGE_H - 2 * MARGIN_BOTTOM,
            id="cover",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self.addPageTemplates(
            [
                PageTemplate("cover", [cover], onPage=self._cover_page),
                PageTemplate("body", [body], onPage=self._body_page),
            ]
        )

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Heading | Anchor):
            level = min(flowable.level, self._outline_level + 1)
            self._outline_level = level
            self.canv.addOutlineEntry(flowable.outline, flowable.key, level=level, closed=level >= 1)
            self.heading_pages[flowable.key] = self.page

    def _runs(self, canv: Any, runs: list[tuple[str, str]], x: float, y: float, size: float, right: bool) -> None:
        width = sum(stringWidth(t, f, size) for f, t in runs)
        if right:
            x -= width
        for font, t in runs:
            canv.setFont(font, size)
            canv.drawString(x, y, t)
            x += stringWidth(t, font, size)

    def _footer(self, canv: Any) -> None:
        # "Page X of " is drawn now; the total is one form XObject, defined once the last page is known.
        canv.setFillColor(MUTED)
        self._runs(canv, self.chrome.footer_left, PAGE_W - MARGIN_X, 11 * mm, 7.5, right=True)
        prefix = self.chrome.page_word.split("{total}")[0].format(page=self.page)
        canv.setFont(REGULAR, 7.5)
        canv.drawString(MARGIN_X, 11 * mm, prefix)
        canv.saveState()
        canv.translate(MARGIN_X + stringWidth(prefix, REGULAR, 7.5), 11 * mm)
        canv.doForm("page-total")
        canv.restoreState()

    def _cover_page(self, canv: Any, doc: Any) -> None:
        canv.saveState()
        canv.setFillColor(NAVY)
        canv.rect(0, PAGE_H - 10 * mm, PAGE_W, 10 * mm, stroke=0, fill=1)
        self._footer(canv)
        canv.restoreState()

    def _body_page(self, canv: Any, doc: Any) -> None:
        canv.saveState()
        canv.setFillColor(MUTED)
        y = PAGE_H - 13 * mm
        right = self.chrome.header_right
        right_w = sum(stringWidth(t, f, 7.5) for f, t in right)
        left = _truncate(self.chrome.header_left, FRAME_W - right_w - 20, 7.5)
        self._runs(canv, left, MARGIN_X, y, 7.5, right=False)
        self._runs(canv, right, PAGE_W - MARGIN_X, y, 7.5, right=True)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, y - 4, PAGE_W - MARGIN_X, y - 4)
        canv.line(MARGIN_X, 14 * mm, PAGE_W - MARGIN_X, 14 * mm)
        self._footer(canv)
        canv.restoreState()

    def _endBuild(self) -> None:
        # Define the forms the pages referenced: now the page count and heading pages are known.
        self._doSave = 0
        super()._endBuild()
        canv = self.canv
        total = self.page
        canv.beginForm("page-total", lowerx=-5, lowery=-5, upperx=60, uppery=12)
        canv.setFillColor(MUTED)
        canv.setFont(REGULAR, 7.5)
        canv.drawString(0, 0, str(total))
        canv.endForm()
        for heading in self.chrome.headings:
            if not heading.toc:
                continue
            canv.beginForm(f"toc-{heading.key}", lowerx=-60, lowery=-5, upperx=5, uppery=14)
            canv.setFillColor(INK)
            canv.setFont(BOLD if heading.level == 0 else REGULAR, 10 if heading.level == 0 else 9)
            canv.drawRightString(0, 0, str(self.heading_pages.get(heading.key, "?")))
            canv.endForm()
        canv.save()


def _truncate(runs: list[tuple[str, str]], width: float, size: float) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    used = stringWidth("…", REGULAR, size)
    for font, text in runs:
        w = stringWidth(text, font, size)
        if used + w <= width:
            out.append((font, text))
            used += w
            continue
        keep = ""
        for ch in text:
            cw = stringWidth(ch, font, size)
            if used + cw > width:
                break
            keep += ch
            used += cw
        out.append((font, keep + "…"))
        break
    return out


# --- the story ---------------------------------------------------------------------------------


class _Story:
    def __init__(self, report: Report, ts: Typesetter) -> None:
        self.r = report
        self.ts = ts
        self.st = _styles()
        self.words = dict(report.words)
        for level, letter, _label in report.risks.legend:
            self.words[f"letter.{level}"] = letter
        self.flow: list[Flowable] = []
        self.headings: list[Heading] = []

    # helpers
    def m(self, text: object, style: str = "regular", lines: bool = True) -> str:
        return self.ts.markup(text, style, lines=lines)

    def p(self, text: object, style: str = "body", face: str = "regular") -> Paragraph:
        return Paragraph(self.m(text, face), self.st[style])

    def heading(self, text: str, level: int, toc: bool = True) -> Heading:
        key = f"h{len(self.headings)}"
        style = self.st["h1" if level == 0 else "h2"]
        h = Heading(self.m(text, "bold", lines=False), style, key, level, one_line(text), toc)
        self.headings.append(h)
        return h

    def badge_cell(self, badge: Badge) -> Paragraph:
        _strong, _light, ink = TONES.get(badge.tone, TONES["neutral"])
        style = ParagraphStyle("b", parent=self.st["badge"], textColor=ink)
        return Paragraph(self.m(f"{badge.symbol} {badge.label.upper()}", "bold", lines=False), style)

    def badge_inline(self, badge: Badge) -> str:
        strong, _light, ink = TONES.get(badge.tone, TONES["neutral"])
        text = self.m(f" {badge.symbol} {badge.label} ", "bold", lines=False)
        return f'<font color="{ink.hexval()}" backColor="{strong.hexval()}"><b>{text}</b></font>'

    def labelled(self, label: str, text: str, style: str = "body") -> Paragraph:
        return Paragraph(f"<b>{self.m(label, 'bold', lines=False)}:</b> {self.m(text)}", self.st[style])

    # the parts
    def build(self) -> list[Flowable]:
        self.cover()
        self.flow.append(NextPageTemplate("body"))
        self.flow.append(PageBreak())
        self.contents()
        self.summary()
        self.findings()
        self.risks()
        self.answers()
        self.review()
        self.appendix()
        return self.flow

    def cover(self) -> None:
        c = self.r.cover
        f = self.flow
        f.append(Spacer(1, 18 * mm))
        f.append(self.p(c.kicker, "kicker"))
        f.append(Paragraph(self.m(c.feature, "bold"), self.st["title"]))
        f.append(self.p(c.questionnaire, "subtitle"))
        f.append(self.banner())
        if c.figures:
            f.append(Spacer(1, 4 * mm))
            f.append(self.figures())
        f.append(Spacer(1, 10 * mm))
        rows = [[Paragraph(self.m(x.label, "bold"), self.st["label"]), self.p(x.value, "small")] for x in c.fields]
        table = Table(rows, colWidths=[45 * mm, FRAME_W - 45 * mm], hAlign="LEFT")
        table.setStyle(_FIELD_TABLE_STYLE)
        f.append(table)

    def banner(self) -> Table:
        b = self.r.cover.banner
        rows, styles = [], []
        for index, (badge, reason) in enumerate(((b.dpia, b.dpia_reason), (b.ai_act, b.ai_act_reason))):
            strong, light, _ink = TONES.get(badge.tone, TONES["neutral"])
            symbol = ParagraphStyle("sym", parent=self.st["banner_symbol"], textColor=strong)
            text = [Paragraph(self.m(badge.label.upper(), "bold", lines=False), self.st["banner_head"])]
            if reason:
                text.append(self.p(reason, "banner_text"))
            if index == 0 and b.provisional:
                text.append(Paragraph(self.m(f"({b.provisional})", "italic"), self.st["banner_text"]))
            rows.append([Paragraph(self.m(badge.symbol, "bold"), symbol), text])
            styles += [
                ("BACKGROUND", (0, index), (-1, index), light),
                ("LINEBEFORE", (0, index), (0, index), 5, strong),
            ]
        table = Table(rows, colWidths=[18 * mm, FRAME_W - 18 * mm])
        table.setStyle(
            _style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("TOPPADDING", (0, 0), (-1, -1), 7),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                    ("LINEBELOW", (0, 0), (-1, 0), 2, colors.white),
                    *styles,
                ]
            )
        )
        return table

    def figures(self) -> Table:
        cells = [
            [self.p(x.label, "muted"), Paragraph(self.m(x.value, "bold"), self.st["label"])]
            for x in self.r.cover.figures
        ]
        first = FRAME_W * 0.46
        table = Table([cells], colWidths=[first] + [(FRAME_W - first) / (len(cells) - 1)] * (len(cells) - 1))
        table.setStyle(
            _style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BOX", (0, 0), (-1, -1), 0.4, RULE),
                    ("LINEBEFORE", (1, 0), (-1, -1), 0.4, RULE),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        return table

    def contents(self) -> None:
        self.flow.append(self.heading(self.words["contents"], 0, toc=False))
        self.flow.append(_ContentsTable(self))

    def summary(self) -> None:
        s = self.r.summary
        f = self.flow
        f.append(self.heading(self.words["summary"], 0))
        if self.r.cover.description:
            f.append(Paragraph(self.m(self.words["summary.description"], "bold"), self.st["h3"]))
            f.extend(self.long_text(self.r.cover.description, "body"))
        f.append(Paragraph(self.badge_inline(s.dpia), self.st["body"]))
        if s.dpia_reason:
            f.append(self.p(s.dpia_reason, "answer"))
        f.append(Paragraph(self.badge_inline(s.ai_act), self.st["body"]))
        if s.ai_act_reason:
            f.append(self.p(s.ai_act_reason, "answer"))
        if s.ai_act_references:
            f.append(self.p("; ".join(s.ai_act_references), "answer"))
        f.append(Paragraph(self.m(s.criteria_line, "bold"), self.st["h3"]))
        for name in s.criteria_met:
            f.append(self.bullet(name))
        if s.criteria_undecided:
            f.append(self.p(s.criteria_undecided, "muted"))
        if s.art35_3:
            f.append(Paragraph(self.m(self.words["summary.art35_3"], "bold"), self.st["h3"]))
            for point in s.art35_3:
                f.append(self.bullet(point))
        if s.national_lists:
            f.append(Paragraph(self.m(self.words["summary.national_lists"], "bold"), self.st["h3"]))
            for item in s.national_lists:
                f.append(self.bullet(item))
        f.append(
            Paragraph(
                f"<b>{self.m(self.words['summary.prior'], 'bold')}</b> {self.badge_inline(s.prior)}", self.st["body"]
            )
        )
        if s.prior_reason:
            f.append(self.p(s.prior_reason, "answer"))
        f.append(Paragraph(self.m(self.words["summary.top"], "bold"), self.st["h3"]))
        if not s.top_findings:
            f.append(self.p(self.words["summary.no_findings"], "italic", "italic"))
        for finding in s.top_findings:
            f.append(self.finding_header(finding))
        f.append(Spacer(1, 4))
        f.append(self.labelled(self.words["summary.completion"], s.completion))
        for name in s.missing_required:
            f.append(Paragraph(f"⚠ {self.m(name)}", self.st["answer_list"]))
        if s.undecided_note:
            f.append(self.p(s.undecided_note, "muted"))

    def bullet(self, text: str) -> Paragraph:
        return Paragraph(self.m(text), self.st["answer_list"], bulletText="•")

    def rule_id(self, rule_id: str) -> str:
        return f"<font size='7.5' color='{MUTED.hexval()}'>{self.m(rule_id)}</font>"

    def finding_header(self, finding: FindingView) -> Table:
        title = Paragraph(
            f"{self.m(finding.title, 'bold')} {self.rule_id(finding.rule_id)}",
            self.st["finding_title"],
        )
        strong = TONES.get(finding.badge.tone, TONES["neutral"])[0]
        table = Table([[self.badge_cell(finding.badge), title]], colWidths=[27 * mm, FRAME_W - 27 * mm])
        table.setStyle(
            _style(
                [
                    ("BACKGROUND", (0, 0), (0, 0), strong),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ("LEFTPADDING", (1, 0), (1, 0), 6),
                ]
            )
        )
        return table

    def findings(self) -> None:
        f = self.flow
        f.append(CondPageBreak(60 * mm))
        f.append(self.heading(self.words["findings"], 0))
        if not self.r.findings:
            f.append(self.p(self.words["findings.none"], "italic", "italic"))
        for finding in self.r.findings:
            # An estimate of the block's height keeps short findings on one page without KeepTogether,
            # which would lay every finding out twice.
            texts = [finding.explanation, finding.because, *finding.evidences, *finding.references]
            lines = sum(1 + len(t) // 90 for t in texts) + 1 + len(finding.recommendation or "") // 90
            f.append(CondPageBreak(min(30 + 14 * lines, FINDING_KEEP)))
            f.append(
                Anchor(f"f{len(self.headings)}-{finding.rule_id}", 1, one_line(f"{finding.title} ({finding.rule_id})"))
            )
            block: list[Flowable] = [self.finding_header(finding), Spacer(1, 3)]
            block.append(self.p(finding.explanation, "finding_body"))
            if finding.because:
                block.append(self.labelled(self.words["finding.because"], finding.because, "finding_body"))
            if finding.evidences:
                block.append(
                    self.labelled(self.words["finding.evidences"], "; ".join(finding.evidences), "finding_body")
                )
            if finding.references:
                block.append(
                    self.labelled(self.words["finding.references"], "; ".join(finding.references), "finding_body")
                )
            if finding.recommendation:
                block.append(
                    self.labelled(self.words["finding.recommendation"], finding.recommendation, "finding_body")
                )
            block.append(Spacer(1, 6))
            f.extend(block)
        if self.r.undecided:
            f.append(self.heading(self.words["undecided"], 1))
            for u in self.r.undecided:
                line = f"{self.badge_inline(u.badge)} {self.m(u.title, lines=False)} {self.rule_id(u.rule_id)}"
                f.append(Paragraph(line, self.st["body"]))
                if u.missing:
                    f.append(self.labelled(self.words["undecided.missing"], "; ".join(u.missing), "answer"))

    def risks(self) -> None:
        r = self.r.risks
        f = self.flow
        f.append(CondPageBreak(120 * mm))
        f.append(self.heading(self.words["risks"], 0))
        if r.note:
            f.append(self.p(r.note, "italic", "italic"))
        if r.maps:
            f.append(HeatMapFlowable(r.maps, self.ts, self.words))
            f.append(Spacer(1, 4))
            f.append(self.legend())
        if r.rows:
            f.append(Spacer(1, 8))
            f.append(self.risk_table())
        f.append(Spacer(1, 6))
        f.append(
            Paragraph(
                f"<b>{self.m(self.words['summary.prior'], 'bold')}</b> {self.badge_inline(r.prior)}", self.st["body"]
            )
        )
        if r.prior_reason:
            f.append(self.p(r.prior_reason, "answer"))

    def legend(self) -> Paragraph:
        parts = [self.m(self.words["risks.legend"])]
        for level, letter, label in self.r.risks.legend:
            fill = LEVEL_FILL.get(level, colors.white)
            parts.append(f'<font backColor="{fill.hexval()}"><b> {self.m(letter, "bold")} </b></font> {self.m(label)}')
        return Paragraph("&nbsp;&nbsp; ".join(parts), self.st["small"])

    def level_cell(self, badge: Badge | None) -> Any:
        if badge is None:
            return Paragraph(self.m(self.words["risks.unrated"], "italic"), self.st["cell"])
        return Paragraph(f"<b>{self.m(badge.symbol, 'bold')}</b> {self.m(badge.label)}", self.st["cell"])

    def risk_table(self) -> Table:
        w = self.words
        head = [
            Paragraph(self.m(x, "bold"), self.st["cell_head"])
            for x in (w["risks.marker"], w["risks.event"], w["risks.before"], "", w["risks.after"], "")
        ]
        rows: list[list[Any]] = [head]
        styles: list[Any] = []
        for i, row in enumerate(self.r.risks.rows, start=1):
            rows.append(
                [
                    Paragraph(self.m(row.marker, "bold"), self.st["cell_bold"]),
                    Paragraph(self.m(row.title), self.st["cell"]),
                    Paragraph(self.m(row.before), self.st["cell"]),
                    self.level_cell(row.before_level),
                    Paragraph(self.m(row.after), self.st["cell"]),
                    self.level_cell(row.after_level),
                ]
            )
            for col, badge in ((3, row.before_level), (5, row.after_level)):
                if badge is not None:
                    level = {"good": "low", "warn": "medium", "bad": "high"}.get(badge.tone, "low")
                    styles.append(("BACKGROUND", (col, i), (col, i), LEVEL_FILL[level]))
        widths = [12 * mm, 36 * mm, 42 * mm, 20 * mm, 42 * mm, 20 * mm]
        widths[1] += FRAME_W - sum(widths)
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(_style([*_grid_style(), ("SPAN", (2, 0), (3, 0)), ("SPAN", (4, 0), (5, 0)), *styles]))
        return table

    def answers(self) -> None:
        f = self.flow
        f.append(PageBreak())
        f.append(self.heading(self.words["answers"], 0))
        if not self.r.sections:
            f.append(self.p(self.words["answers.none_visible"], "italic", "italic"))
        for section in self.r.sections:
            f.append(CondPageBreak(KEEP_QUESTION + 30))
            f.append(self.heading(section.title, 1))
            if section.description:
                f.append(self.p(section.description, "muted"))
            for item in section.items:
                f.extend(self.qa(item))

    def qa(self, item: QAItem) -> list[Flowable]:
        question = Paragraph(
            f"<font color='{MUTED.hexval()}'>{self.m(item.number, 'bold')}</font>&nbsp; {self.m(item.text, 'bold')}",
            self.st["question"],
        )
        a = item.answer
        # Keep the question with the start of its answer; cheaper than keepWithNext (no double layout).
        out: list[Flowable] = [CondPageBreak(KEEP_QUESTION), question]
        if isinstance(a, TextAnswer):
            out += self.long_text(a.text, "answer")
        elif isinstance(a, ListAnswer):
            out += [self.bullet(x) for x in a.items]
            out.append(Spacer(1, 4))
        elif isinstance(a, NoAnswer):
            if a.required:
                out.append(
                    Paragraph(
                        f"⚠ {self.m(a.text, 'bold')}",
                        ParagraphStyle("req", parent=self.st["missing"], leftIndent=12, spaceAfter=6),
                    )
                )
            else:
                out.append(
                    Paragraph(
                        f"— {self.m(a.text, 'italic')}",
                        ParagraphStyle("na", parent=self.st["italic"], leftIndent=12, spaceAfter=6),
                    )
                )
        elif isinstance(a, TableAnswer):
            out += self.group(a)
        elif isinstance(a, RiskAnswer):
            out.append(self.simple_table(a.headers, a.rows, [30 * mm, 45 * mm, 45 * mm, 30 * mm]))
            out.append(Spacer(1, 6))
        if item.note:
            out.append(Paragraph(f"⚠ {self.m(item.note, 'bold')}", self.st["missing_note"]))
        return out

    def long_text(self, text: str, style: str) -> list[Flowable]:
        """A text of any length: one paragraph per line, long lines cut into pieces that split across pages."""
        out: list[Flowable] = []
        for line in text.split("\n") if len(text) > 2000 else [text]:
            while len(line) > 4000:
                cut = line.rfind(" ", 3000, 4000)
                cut = cut if cut > 0 else 4000
                out.append(Paragraph(self.m(line[:cut]), ParagraphStyle("c", parent=self.st[style], spaceAfter=0)))
                line = line[cut:]
            out.append(Paragraph(self.m(line) if line.strip() else "&nbsp;", self.st[style]))
        return out

    def simple_table(
        self, headers: list[str], rows: list[list[str]], widths: list[float], small: bool = False
    ) -> Table:
        head, cell = (
            (self.st["cell_head_small"], self.st["cell_small"])
            if small
            else (
                self.st["cell_head"],
                self.st["cell"],
            )
        )
        data: list[list[Any]] = [[Paragraph(self.m(h, "bold"), head) for h in headers]]
        data += [[Paragraph(self.m(c), cell) for c in row] for row in rows]
        table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(_style(_grid_style(small)))
        return table

    def group(self, a: TableAnswer) -> list[Flowable]:
        longest = max((len(c) for row in a.rows for c in row), default=0)
        small = len(a.headers) > 5
        size = 7 if small else 8
        number_w = 7 * mm
        widths = _column_widths(a.headers, a.rows, FRAME_W - 12 - number_w, size) if a.headers else []
        if (
            len(a.headers) <= GROUP_TABLE_MAX_FIELDS
            and longest <= GROUP_TABLE_MAX_CELL
            and _tallest_row(a.rows, widths, size) <= MAX_ROW_HEIGHT
        ):
            rows = [[str(i), *row] for i, row in enumerate(a.rows, start=1)]
            table = self.simple_table(["#", *a.headers], rows, [number_w, *widths], small)
            table.hAlign = "RIGHT"
            return [table, Spacer(1, 6)]
        out: list[Flowable] = []
        for i, row in enumerate(a.rows, start=1):
            out.append(
                Paragraph(
                    self.m(f"{a.row_word} {i}", "bold"),
                    ParagraphStyle("rowhead", parent=self.st["label"], leftIndent=12, spaceBefore=3, keepWithNext=1),
                )
            )
            for header, cell in zip(a.headers, row, strict=False):
                if cell:
                    out.append(
                        Paragraph(
                            f"<b>{self.m(header, 'bold', lines=False)}:</b> ",
                            ParagraphStyle(
                                "fieldhead", parent=self.st["small"], leftIndent=22, spaceAfter=0, keepWithNext=1
                            ),
                        )
                    )
                    out += self.long_text(cell, "answer_list")
        out.append(Spacer(1, 6))
        return out

    def review(self) -> None:
        v = self.r.review
        w = self.words
        f = self.flow
        f.append(CondPageBreak(80 * mm))
        f.append(self.heading(w["review"], 0))
        if not v.reviewed:
            f.append(self.p(w["review.none"], "italic", "italic"))
        else:
            if v.reviewer:
                f.append(self.labelled(w["review.reviewer"], v.reviewer))
            f.append(Paragraph(self.m(w["review.comments"], "bold"), self.st["h3"]))
            if not v.comments:
                f.append(self.p(w["review.no_comments"], "italic", "italic"))
            for c in v.comments:
                badge = f"{self.badge_inline(c.badge)} " if c.badge else ""
                who = ", ".join(x for x in (c.author, c.date or "") if x)
                resolved = f" <i>({self.m(w['review.resolved'], 'italic')})</i>" if c.resolved else ""
                f.append(
                    Paragraph(
                        f"{badge}<b>{self.m(c.subject, 'bold', lines=False)}</b> "
                        f"<font color='{MUTED.hexval()}'>— {self.m(who, lines=False)}</font>{resolved}",
                        ParagraphStyle("ch", parent=self.st["body"], keepWithNext=1 if c.text else 0, spaceAfter=1),
                    )
                )
                if c.text:
                    f.extend(self.long_text(c.text, "answer"))
            f.append(Paragraph(self.m(w["review.overrides"], "bold"), self.st["h3"]))
            if not v.overrides:
                f.append(self.p(w["review.no_overrides"], "italic", "italic"))
            for o in v.overrides:
                f.append(
                    Paragraph(
                        f"<b>{self.m(o.change, 'bold', lines=False)}</b> "
                        f"<font color='{MUTED.hexval()}'>({self.m(o.by, lines=False)})</font>",
                        ParagraphStyle("oh", parent=self.st["body"], keepWithNext=1, spaceAfter=1),
                    )
                )
                f.append(self.labelled(w["review.reason"], o.reason, "answer"))
            f.append(Paragraph(self.m(w["review.opinion"], "bold"), self.st["h3"]))
            if v.opinion:
                f.extend(self.long_text(v.opinion, "body"))
            else:
                f.append(self.p(w["review.no_opinion"], "italic", "italic"))
            f.append(Paragraph(self.m(w["review.decision"], "bold"), self.st["h3"]))
            if v.decision:
                f.append(Paragraph(self.badge_inline(v.decision), self.st["body"]))
            else:
                f.append(self.p(w["review.no_decision"], "italic", "italic"))
            if v.review_date:
                f.append(self.labelled(w["review.review_date"], v.review_date))
        f.append(self.signature())

    def signature(self) -> Flowable:
        v = self.r.review
        w = self.words
        rows = [
            [self.p(w["review.sign.name"], "label", "bold"), self.p(v.sign_name or "", "body")],
            [self.p(w["review.sign.role"], "label", "bold"), self.p(v.sign_role or "", "body")],
            [self.p(w["review.sign.date"], "label", "bold"), self.p(v.sign_date or "", "body")],
            [self.p(w["review.sign.signature"], "label", "bold"), ""],
        ]
        table = Table(rows, colWidths=[35 * mm, 85 * mm], rowHeights=[None, None, None, 22 * mm], hAlign="LEFT")
        table.setStyle(
            _style(
                [
                    ("BOX", (0, 0), (-1, -1), 0.8, NAVY),
                    ("INNERGRID", (0, 0), (-1, -1), 0.4, RULE),
                    ("BACKGROUND", (0, 0), (0, -1), ZEBRA),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return KeepTogether([Paragraph(self.m(w["review.signature"], "bold"), self.st["h3"]), table])

    def appendix(self) -> None:
        a = self.r.appendix
        w = self.words
        f = self.flow
        f.append(PageBreak())
        f.append(self.heading(w["appendix"], 0))
        f.append(self.p(a.intro, "body"))
        f.append(Spacer(1, 4))
        rows: list[list[Any]] = [[self.p(x.label, "label", "bold"), self.p(x.value, "small")] for x in a.fields]
        rows.insert(
            1,
            [
                self.p(w["appendix.questionnaire_hash"], "label", "bold"),
                [
                    Paragraph(a.questionnaire_sha256, self.st["hash"]),
                    self.p(w["appendix.questionnaire_hash.note"], "muted"),
                ],
            ],
        )
        rows.insert(
            2, [self.p(w["appendix.answers_hash"], "label", "bold"), Paragraph(a.answers_sha256, self.st["hash"])]
        )
        fonts = w["appendix.fonts.value"]
        extra = font_files_used(self.ts.fallbacks_used)
        if extra:
            fonts += "; " + ", ".join(extra)
        rows.append([self.p(w["appendix.fonts"], "label", "bold"), self.p(fonts, "small")])
        table = Table(rows, colWidths=[52 * mm, FRAME_W - 52 * mm], hAlign="LEFT")
        table.setStyle(_FIELD_TABLE_STYLE)
        f.append(table)
        if self.ts.unprintable:  # paragraphs, not a table cell: the list may run over several pages
            f.append(Paragraph(self.m(w["appendix.characters"], "bold"), self.st["h3"]))
            f.append(self.p(w["appendix.characters.note"], "small"))
            f.append(self.p("; ".join(sorted(set(self.ts.unprintable.values()))), "small"))


class _ContentsTable(Flowable):
    """The table of contents: known headings, page numbers filled in as forms at the end."""

    def __init__(self, story: _Story) -> None:
        super().__init__()
        self.story = story
        self._table: Table | None = None

    def _make(self) -> Table:
        if self._table is None:
            st = self.story.st
            rows = []
            for h in self.story.headings:
                if not h.toc:
                    continue
                style = st["toc0" if h.level == 0 else "toc1"]
                text = self.story.m(h.outline, "bold" if h.level == 0 else "regular", lines=False)
                rows.append(
                    [Paragraph(f'<a href="#{h.key}">{text}</a>', style), FormRef(f"toc-{h.key}", style.leading)]
                )
            self._table = Table(rows, colWidths=[FRAME_W - 20 * mm, 20 * mm], hAlign="LEFT")
            self._table.setStyle(
                _style(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                        ("LINEBELOW", (0, 0), (-1, -1), 0.25, ZEBRA),
                    ]
                )
            )
        return self._table

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self._make().wrap(aw, ah)

    def split(self, aw: float, ah: float) -> list[Flowable]:
        return self._make().split(aw, ah)

    def draw(self) -> None:
        self._make().drawOn(self.canv, 0, 0)


def _style(commands: list[Any]) -> TableStyle:
    """A table style whose default font is ours: ReportLab's is Helvetica, which PDF/A refuses (not embedded)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), *commands])


def _column_widths(headers: list[str], rows: list[list[str]], total: float, size: float) -> list[float]:
    """Column widths that fit each column's longest word and share the rest by content length."""
    pad = 9.0
    fair = total / len(headers)
    mins, wants = [], []
    for j, header in enumerate(headers):
        column = [header, *(row[j] for row in rows if j < len(row))]
        longest_word = max((stringWidth(w, BOLD, size) for text in column for w in text.split()), default=0.0)
        mins.append(min(longest_word + pad, fair * 1.6))
        wants.append(max(mins[-1], max(stringWidth(text, REGULAR, size) for text in column) + pad))
    if sum(wants) <= total:
        return [w * total / sum(wants) for w in wants]
    if sum(mins) >= total:
        return [w * total / sum(mins) for w in mins]
    spare = total - sum(mins)
    extra = [w - m for w, m in zip(wants, mins, strict=True)]
    return [m + spare * e / sum(extra) for m, e in zip(mins, extra, strict=True)]


def _tallest_row(rows: list[list[str]], widths: list[float], size: float) -> float:
    """A generous estimate of the tallest row's height: a table row cannot split across pages."""
    tallest = 0.0
    for row in rows:
        for text, width in zip(row, widths, strict=False):
            chars_per_line = max(1.0, (width - 9) / (0.62 * size))
            lines = sum(1 + int(len(part) / chars_per_line) for part in text.split("\n"))
            tallest = max(tallest, lines * size * 1.26)
    return tallest


def _grid_style(small: bool = False) -> list[Any]:
    pad = 2.5 if small else 4
    return [
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
        ("GRID", (0, 0), (-1, -1), 0.3, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
    ]


def render_story(report: Report) -> bytes:
    """The plain ReportLab PDF of ``report`` (PDF/A conversion comes after, in :mod:`report.pdfa`)."""
    ts = Typesetter()
    info = report.info
    chrome = _Chrome(
        header_left=ts.runs(report.header_left),
        header_right=ts.runs(report.header_right),
        footer_left=ts.runs(report.footer_left),
        page_word=report.words["footer.page"],
    )
    story = _Story(report, ts)
    flowables = story.build()
    chrome.headings = story.headings
    buf = io.BytesIO()
    doc = _Document(
        buf,
        chrome,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=one_line(info.title),
        author=one_line(info.author),
        subject=one_line(info.subject),
        keywords=one_line(info.keywords),
        creator=info.creator,
        lang=info.lang,
        invariant=1,
        initialFontName=REGULAR,
        initialFontSize=9.5,
        displayDocTitle=1,
    )
    doc.build(flowables)
    return buf.getvalue()


# label/value tables of the cover and the appendix: top-aligned, a rule under each row
_FIELD_TABLE_STYLE = _style(
    [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
)
