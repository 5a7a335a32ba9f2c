"""The report model as one self-contained HTML page, for the PDF comparison (bench_compare_pdf.py).

Only a benchmark uses this: it lets headless Chromium and WeasyPrint print the same content
that :mod:`report.render` lays out with ReportLab, from the same :class:`report.model.Report`.
It follows the ReportLab layout closely (cover, contents, summary, findings, heat maps, risk
table, every answer, review, appendix; A4, the same margins, colours and DejaVu Sans, "page X
of Y" and running headers in CSS margin boxes) but it is not pixel-identical, and it is not
the archival report: no PDF/A, no attachment, no hashes computed here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path
from typing import Any

from report import model as rm
from report.model import Badge, CommentView, FindingView, HeatMap, QAItem, Report

FONTS = Path(__file__).resolve().parents[1] / "report" / "fonts"
# (strong colour, light background, text on the strong colour), as report.render.TONES
TONES = {
    "good": ("#2E7D32", "#E6F2E6", "#FFFFFF"),
    "mild": ("#546E7A", "#ECEFF1", "#FFFFFF"),
    "neutral": ("#9E9E9E", "#F2F2F2", "#000000"),
    "warn": ("#E0A100", "#FFF5D6", "#000000"),
    "bad": ("#C62828", "#FBE4E2", "#FFFFFF"),
    "severe": ("#7B0000", "#F6DADA", "#FFFFFF"),
}
LEVEL_FILL = {"low": "#CDE8CD", "medium": "#FBE3A6", "high": "#F2B0A9"}

CSS = """
@font-face { font-family: "Report Sans"; src: url("{regular}"); }
@font-face { font-family: "Report Sans"; font-weight: bold; src: url("{bold}"); }
@font-face { font-family: "Report Sans"; font-style: italic; src: url("{italic}"); }
@font-face { font-family: "Report Sans"; font-weight: bold; font-style: italic; src: url("{bold_italic}"); }
@page {
  size: A4; margin: 22mm 18mm 20mm 18mm;
  @top-left { content: {header_left}; font: 7.5pt "Report Sans"; color: #555; vertical-align: bottom;
              border-bottom: 0.5pt solid #B0B7C3; padding-bottom: 3pt; }
  @top-right { content: {header_right}; font: 7.5pt "Report Sans"; color: #555; vertical-align: bottom;
               border-bottom: 0.5pt solid #B0B7C3; padding-bottom: 3pt; }
  @bottom-left { content: {page_word}; font: 7.5pt "Report Sans"; color: #555; vertical-align: top;
                 border-top: 0.5pt solid #B0B7C3; padding-top: 3pt; }
  @bottom-right { content: {footer_left}; font: 7.5pt "Report Sans"; color: #555; vertical-align: top;
                  border-top: 0.5pt solid #B0B7C3; padding-top: 3pt; }
}
@page :first {
  margin: 20mm 18mm 20mm 18mm;
  @top-left { content: ""; border: none; } @top-right { content: ""; border: none; }
  @bottom-left { content: {page_word}; border: none; } @bottom-right { content: {footer_left}; border: none; }
}
html { font-family: "Report Sans", "WenQuanYi Zen Hei", sans-serif; font-size: 9.5pt; line-height: 13pt;
       color: #1A1A1A; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; }
p { margin: 0 0 3pt 0; }
h1 { font-size: 16pt; line-height: 20pt; color: #1F3A5F; margin: 4pt 0 8pt 0; }
h2 { font-size: 12pt; line-height: 15pt; color: #1F3A5F; margin: 10pt 0 4pt 0; break-after: avoid; }
h3 { font-size: 10pt; line-height: 13pt; margin: 6pt 0 3pt 0; break-after: avoid; }
.page { break-before: page; }
.cover { padding-top: 18mm; }
.kicker { font-size: 11pt; line-height: 14pt; color: #555; margin-bottom: 6pt; }
.title { font-size: 24pt; line-height: 29pt; font-weight: bold; color: #1F3A5F; margin-bottom: 6pt; }
.subtitle { font-size: 12pt; line-height: 15pt; color: #555; margin-bottom: 14pt; }
.banner { width: 100%; border-collapse: collapse; }
.banner td { padding: 7pt; vertical-align: middle; border-bottom: 2pt solid #fff; }
.banner .symbol { width: 18mm; font-size: 22pt; font-weight: bold; text-align: center; }
.banner .head { font-size: 13pt; font-weight: bold; line-height: 16pt; }
.banner p { font-size: 9pt; line-height: 12pt; margin: 0; }
.figures { width: 100%; border-collapse: collapse; margin-top: 4mm; border: 0.4pt solid #B0B7C3; }
.figures td { padding: 4pt; vertical-align: top; border-left: 0.4pt solid #B0B7C3; font-size: 8pt; }
.fields { border-collapse: collapse; margin-top: 10mm; width: 100%; }
.fields td { padding: 3pt 6pt 3pt 0; vertical-align: top; border-bottom: 0.4pt solid #B0B7C3; font-size: 8pt; }
.fields td:first-child { width: 45mm; font-weight: bold; font-size: 8.5pt; }
.toc a { color: inherit; text-decoration: none; }
.toc p { margin: 0; padding: 1.5pt 0; border-bottom: 0.25pt solid #F3F5F8; }
.toc .l0 { font-weight: bold; font-size: 10pt; }
.toc .l1 { padding-left: 14pt; font-size: 9pt; }
.toc a::after { content: leader(" ") target-counter(attr(href), page); }
.badge { font-weight: bold; padding: 0 2pt; }
.answer { margin-left: 12pt; margin-bottom: 6pt; }
ul { margin: 0 0 4pt 0; padding-left: 22pt; }
li { margin-bottom: 1pt; }
.muted { font-size: 8pt; line-height: 10.5pt; color: #555; }
.italic { font-style: italic; color: #555; }
.missing { font-weight: bold; color: #C62828; margin-left: 12pt; }
.finding { break-inside: avoid; margin-bottom: 6pt; }
.fhead { width: 100%; border-collapse: collapse; margin-bottom: 3pt; }
.fhead td { padding: 3pt; vertical-align: middle; }
.fhead td:first-child { width: 27mm; text-align: center; font-weight: bold; font-size: 8pt; }
.fhead td:last-child { padding-left: 6pt; font-weight: bold; font-size: 10.5pt; }
.rule-id { font-size: 7.5pt; color: #555; font-weight: normal; }
.finding p { margin-left: 8pt; }
.maps { display: flex; gap: 14pt; break-inside: avoid; }
.map { flex: 1; }
.map .map-title { font-weight: bold; color: #1F3A5F; font-size: 10pt; }
.map table { border-collapse: collapse; width: 100%; table-layout: fixed; }
.map td { border: 1.5pt solid #fff; height: 30pt; vertical-align: middle; text-align: center; font-weight: bold;
          font-size: 8.5pt; position: relative; }
.map td.label { background: none; font-weight: normal; font-size: 6.5pt; text-align: right; width: 64pt;
                border: none; padding-right: 4pt; }
.map td.xlabel { background: none; font-weight: normal; font-size: 6.5pt; height: 16pt; border: none; }
.map .marks { max-height: 26pt; overflow: hidden; line-height: 10pt; padding: 0 2pt; }
.map .letter { position: absolute; left: 2pt; top: 1pt; font-size: 6pt; color: #555; font-weight: normal; }
.map .axis { text-align: center; font-size: 7.5pt; font-weight: bold; color: #555; }
.legend { font-size: 8pt; }
.grid { border-collapse: collapse; width: 100%; margin-bottom: 6pt; }
.grid thead { display: table-header-group; }
.grid th { background: #1F3A5F; color: #fff; font-weight: bold; text-align: left; font-size: 8pt;
           padding: 2.5pt 4pt; border: 0.3pt solid #B0B7C3; vertical-align: top; }
.grid td { font-size: 8pt; line-height: 10pt; padding: 2.5pt 4pt; border: 0.3pt solid #B0B7C3; vertical-align: top; }
.grid tr { break-inside: avoid; }
.grid tbody tr:nth-child(even) td { background: #F3F5F8; }
.grid.small th, .grid.small td { font-size: 7pt; line-height: 8.8pt; padding: 2.5pt; }
.group { margin-left: 12pt; width: calc(100% - 12pt); }
.question { font-weight: bold; margin: 4pt 0 2pt 0; break-after: avoid; }
.question .number { color: #555; }
.signature { border-collapse: collapse; border: 0.8pt solid #1F3A5F; break-inside: avoid; }
.signature td { border: 0.4pt solid #B0B7C3; padding: 3pt 6pt; vertical-align: top; width: 85mm; }
.signature td:first-child { background: #F3F5F8; font-weight: bold; width: 35mm; font-size: 8.5pt; }
.hash { font-size: 7pt; word-break: break-all; }
"""


def css_string(text: str) -> str:
    """A CSS string literal (for ``content``)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_counter(template: str) -> str:
    """``"Page {page} of {total}"`` as CSS ``content`` with the page counters."""
    parts = []
    for piece in re.split(r"(\{page\}|\{total\})", template):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{total}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)


def t(text: object) -> str:
    """Escaped text, line breaks kept."""
    return escape(str(text)).replace("\n", "<br>")


class HtmlReport:
    """Writes one :class:`Report` as HTML, section by section in the order of report.render."""

    def __init__(self, report: Report) -> None:
        self.r = report
        self.w = dict(report.words)
        for level, letter, _label in report.risks.legend:
            self.w[f"letter.{level}"] = letter
        self.out: list[str] = []
        self.toc: list[tuple[int, str, str]] = []  # (level, anchor, text)

    def html(self) -> str:
        r = self.r
        body = self.body()
        fonts = {k: (FONTS / f"DejaVuSans{v}.ttf").as_uri() for k, v in _FACES.items()}
        css = CSS
        for key, value in {
            **fonts,
            "header_left": css_string(r.header_left),
            "header_right": css_string(r.header_right),
            "footer_left": css_string(r.footer_left),
            "page_word": page_counter(r.words["footer.page"]),
        }.items():
            css = css.replace("{" + key + "}", value)
        return (
            f'<!DOCTYPE html><html lang="{escape(r.info.lang)}"><head><meta charset="utf-8">'
            f"<title>{t(r.info.title)}</title><style>{css}</style></head><body>{body}</body></html>"
        )

    def body(self) -> str:
        self.cover()
        self.out.append("@@CONTENTS@@")  # the contents list is known once every heading is written
        for part in (self.summary, self.findings, self.risks, self.answers, self.review, self.appendix):
            part()
        contents = "".join(
            f'<p class="l{level}"><a href="#{anchor}">{t(text)}</a></p>' for level, anchor, text in self.toc
        )
        heading = f'<section class="page toc"><h1>{t(self.w["contents"])}</h1>{contents}</section>'
        return "".join(self.out).replace("@@CONTENTS@@", heading)

    # helpers
    def heading(self, text: str, level: int, page: bool = False) -> None:
        anchor = f"h{len(self.toc)}"
        self.toc.append((level, anchor, text))
        tag = "h1" if level == 0 else "h2"
        cls = ' class="page"' if page else ""
        self.out.append(f'<{tag} id="{anchor}"{cls}>{t(text)}</{tag}>')

    @staticmethod
    def badge(b: Badge) -> str:
        strong, _light, ink = TONES.get(b.tone, TONES["neutral"])
        return (
            f'<span class="badge" style="background:{strong};color:{ink}">&nbsp;{t(b.symbol)} {t(b.label)}&nbsp;</span>'
        )

    def p(self, text: object, cls: str = "") -> None:
        self.out.append(f'<p class="{cls}">{t(text)}</p>' if cls else f"<p>{t(text)}</p>")

    def labelled(self, label: str, text: str) -> str:
        return f"<p><b>{t(label)}:</b> {t(text)}</p>"

    def listing(self, heading: str, items: Sequence[Any], empty_key: str, write: Callable[[Any], str]) -> None:
        """A small heading, then each item, or the words saying there is none."""
        self.out.append(f"<h3>{t(heading)}</h3>")
        if not items:
            self.p(self.w[empty_key], "italic")
        self.out += [write(item) for item in items]

    def comment(self, c: CommentView) -> str:
        badge = f"{self.badge(c.badge)} " if c.badge else ""
        who = ", ".join(x for x in (c.author, c.date or "") if x)
        resolved = f" <i>({t(self.w['review.resolved'])})</i>" if c.resolved else ""
        text = f'<p class="answer">{t(c.text)}</p>' if c.text else ""
        return f'<p>{badge}<b>{t(c.subject)}</b> <span class="muted">— {t(who)}</span>{resolved}</p>{text}'

    def bullets(self, items: list[str]) -> None:
        if items:
            self.out.append("<ul>" + "".join(f"<li>{t(x)}</li>" for x in items) + "</ul>")

    # the parts
    def cover(self) -> None:
        c = self.r.cover
        b = c.banner
        rows = []
        for index, (badge, reason) in enumerate(((b.dpia, b.dpia_reason), (b.ai_act, b.ai_act_reason))):
            strong, light, _ink = TONES.get(badge.tone, TONES["neutral"])
            text = f'<div class="head">{t(badge.label.upper())}</div>'
            if reason:
                text += f"<p>{t(reason)}</p>"
            if index == 0 and b.provisional:
                text += f'<p class="italic">({t(b.provisional)})</p>'
            rows.append(
                f'<tr style="background:{light}"><td class="symbol" style="color:{strong};'
                f'border-left:5pt solid {strong}">{t(badge.symbol)}</td><td>{text}</td></tr>'
            )
        self.out.append(
            f'<section class="cover"><div class="kicker">{t(c.kicker)}</div><div class="title">{t(c.feature)}</div>'
            f'<div class="subtitle">{t(c.questionnaire)}</div><table class="banner">{"".join(rows)}</table>'
        )
        if c.figures:
            cells = "".join(f'<td><div class="muted">{t(x.label)}</div><b>{t(x.value)}</b></td>' for x in c.figures)
            self.out.append(f'<table class="figures"><tr>{cells}</tr></table>')
        fields = "".join(f"<tr><td>{t(x.label)}</td><td>{t(x.value)}</td></tr>" for x in c.fields)
        self.out.append(f'<table class="fields">{fields}</table></section>')

    def summary(self) -> None:
        s = self.r.summary
        w = self.w
        self.heading(w["summary"], 0)
        if self.r.cover.description:
            self.out.append(f"<h3>{t(w['summary.description'])}</h3>")
            self.p(self.r.cover.description)
        for badge, reason in ((s.dpia, s.dpia_reason), (s.ai_act, s.ai_act_reason)):
            self.out.append(f"<p>{self.badge(badge)}</p>")
            if reason:
                self.p(reason, "answer")
        if s.ai_act_references:
            self.p("; ".join(s.ai_act_references), "answer")
        self.out.append(f"<h3>{t(s.criteria_line)}</h3>")
        self.bullets(s.criteria_met)
        if s.criteria_undecided:
            self.p(s.criteria_undecided, "muted")
        for key, items in (("summary.art35_3", s.art35_3), ("summary.national_lists", s.national_lists)):
            if items:
                self.out.append(f"<h3>{t(w[key])}</h3>")
                self.bullets(items)
        self.out.append(f"<p><b>{t(w['summary.prior'])}</b> {self.badge(s.prior)}</p>")
        if s.prior_reason:
            self.p(s.prior_reason, "answer")
        self.listing(w["summary.top"], s.top_findings, "summary.no_findings", self.finding_header)
        self.out.append(self.labelled(w["summary.completion"], s.completion))
        for name in s.missing_required:
            self.out.append(f'<p class="answer">⚠ {t(name)}</p>')
        if s.undecided_note:
            self.p(s.undecided_note, "muted")

    def finding_header(self, f: FindingView) -> str:
        strong, _light, ink = TONES.get(f.badge.tone, TONES["neutral"])
        return (
            f'<table class="fhead"><tr><td style="background:{strong};color:{ink}">'
            f"{t(f.badge.symbol)} {t(f.badge.label.upper())}</td>"
            f'<td>{t(f.title)} <span class="rule-id">{t(f.rule_id)}</span></td></tr></table>'
        )

    def findings(self) -> None:
        w = self.w
        self.heading(w["findings"], 0)
        if not self.r.findings:
            self.p(w["findings.none"], "italic")
        for f in self.r.findings:
            parts = [self.finding_header(f), f"<p>{t(f.explanation)}</p>"]
            for key, value in (
                ("finding.because", f.because),
                ("finding.evidences", "; ".join(f.evidences)),
                ("finding.references", "; ".join(f.references)),
                ("finding.recommendation", f.recommendation or ""),
            ):
                if value:
                    parts.append(self.labelled(w[key], value))
            self.out.append(f'<div class="finding">{"".join(parts)}</div>')
        if self.r.undecided:
            self.heading(w["undecided"], 1)
            for u in self.r.undecided:
                self.out.append(
                    f'<p>{self.badge(u.badge)} {t(u.title)} <span class="rule-id">{t(u.rule_id)}</span></p>'
                )
                if u.missing:
                    self.out.append(
                        f'<div class="answer">{self.labelled(w["undecided.missing"], "; ".join(u.missing))}</div>'
                    )

    def heat_map(self, m: HeatMap) -> str:
        rows = []
        for s in reversed(range(len(m.severity_labels))):  # highest severity on top
            cells = [f'<td class="label">{t(m.severity_labels[s])}</td>']
            for lk in range(len(m.likelihood_labels)):
                level = m.cells[s][lk]
                marks = " ".join(m.marks.get((s, lk), []))
                letter = self.w.get(f"letter.{level}", level[:1].upper())
                cells.append(
                    f'<td style="background:{LEVEL_FILL.get(level, "#fff")}">'
                    f'<span class="letter">{t(letter)}</span><div class="marks">{t(marks)}</div></td>'
                )
            rows.append("<tr>" + "".join(cells) + "</tr>")
        labels = "".join(f'<td class="xlabel">{t(x)}</td>' for x in m.likelihood_labels)
        rows.append(f'<tr><td class="label">{t(m.severity_title)} ↑</td>{labels}</tr>')
        return (
            f'<div class="map"><div class="map-title">{t(m.title)}</div><table>{"".join(rows)}</table>'
            f'<div class="axis">{t(m.likelihood_title)} →</div></div>'
        )

    def risks(self) -> None:
        r = self.r.risks
        w = self.w
        self.heading(w["risks"], 0)
        if r.note:
            self.p(r.note, "italic")
        if r.maps:
            self.out.append('<div class="maps">' + "".join(self.heat_map(m) for m in r.maps) + "</div>")
            legend = " &nbsp; ".join(
                f'<span style="background:{LEVEL_FILL.get(level, "#fff")}"><b>&nbsp;{t(letter)}&nbsp;</b></span> {t(label)}'
                for level, letter, label in r.legend
            )
            self.out.append(f'<p class="legend">{t(w["risks.legend"])} {legend}</p>')
        if r.rows:
            head = [w["risks.marker"], w["risks.event"], w["risks.before"], w["risks.after"]]
            body = []
            for row in r.rows:
                cells = [f"<td><b>{t(row.marker)}</b></td><td>{t(row.title)}</td>"]
                for text, level in ((row.before, row.before_level), (row.after, row.after_level)):
                    fill = (
                        LEVEL_FILL.get({"good": "low", "warn": "medium", "bad": "high"}.get(level.tone, ""))
                        if level
                        else None
                    )
                    mark = f"<b>{t(level.symbol)}</b> {t(level.label)}" if level else f"<i>{t(w['risks.unrated'])}</i>"
                    cells.append(f'<td>{t(text)}</td><td style="background:{fill or "transparent"}">{mark}</td>')
                body.append("<tr>" + "".join(cells) + "</tr>")
            header = "".join(f"<th{' colspan=2' if i >= 2 else ''}>{t(h)}</th>" for i, h in enumerate(head))
            self.out.append(
                f'<table class="grid"><thead><tr>{header}</tr></thead><tbody>{"".join(body)}</tbody></table>'
            )
        self.out.append(f"<p><b>{t(w['summary.prior'])}</b> {self.badge(r.prior)}</p>")
        if r.prior_reason:
            self.p(r.prior_reason, "answer")

    def answers(self) -> None:
        self.heading(self.w["answers"], 0, page=True)
        if not self.r.sections:
            self.p(self.w["answers.none_visible"], "italic")
        for section in self.r.sections:
            self.heading(section.title, 1)
            if section.description:
                self.p(section.description, "muted")
            for item in section.items:
                self.out.append(self.qa(item))

    def qa(self, item: QAItem) -> str:
        out = [f'<p class="question"><span class="number">{t(item.number)}</span>&nbsp; {t(item.text)}</p>']
        a = item.answer
        if isinstance(a, rm.TextAnswer):
            out.append(f'<p class="answer">{t(a.text)}</p>')
        elif isinstance(a, rm.ListAnswer):
            out.append("<ul>" + "".join(f"<li>{t(x)}</li>" for x in a.items) + "</ul>")
        elif isinstance(a, rm.NoAnswer):
            out.append(
                f'<p class="missing">⚠ {t(a.text)}</p>' if a.required else f'<p class="answer italic">— {t(a.text)}</p>'
            )
        elif isinstance(a, rm.TableAnswer):
            rows = [[str(i), *row] for i, row in enumerate(a.rows, start=1)]
            out.append(self.table(["#", *a.headers], rows, "group small" if len(a.headers) > 5 else "group"))
        elif isinstance(a, rm.RiskAnswer):
            out.append(self.table(a.headers, a.rows, "group"))
        if item.note:
            out.append(f'<p class="missing">⚠ {t(item.note)}</p>')
        return "".join(out)

    @staticmethod
    def table(headers: list[str], rows: list[list[str]], cls: str) -> str:
        head = "".join(f"<th>{t(h)}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f"<td>{t(c)}</td>" for c in row) + "</tr>" for row in rows)
        return f'<table class="grid {cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'

    def review(self) -> None:
        v = self.r.review
        w = self.w
        self.heading(w["review"], 0)
        if not v.reviewed:
            self.p(w["review.none"], "italic")
        else:
            if v.reviewer:
                self.out.append(self.labelled(w["review.reviewer"], v.reviewer))
            self.listing(w["review.comments"], v.comments, "review.no_comments", self.comment)
            self.listing(
                w["review.overrides"],
                v.overrides,
                "review.no_overrides",
                lambda o: (
                    f'<p><b>{t(o.change)}</b> <span class="muted">({t(o.by)})</span></p>'
                    f'<div class="answer">{self.labelled(w["review.reason"], o.reason)}</div>'
                ),
            )
            self.out.append(f"<h3>{t(w['review.opinion'])}</h3>")
            if v.opinion:
                self.p(v.opinion)
            else:
                self.p(w["review.no_opinion"], "italic")
            self.out.append(f"<h3>{t(w['review.decision'])}</h3>")
            if v.decision:
                self.out.append(f"<p>{self.badge(v.decision)}</p>")
            else:
                self.p(w["review.no_decision"], "italic")
            if v.review_date:
                self.out.append(self.labelled(w["review.review_date"], v.review_date))
        rows = [
            (w["review.sign.name"], v.sign_name or ""),
            (w["review.sign.role"], v.sign_role or ""),
            (w["review.sign.date"], v.sign_date or ""),
        ]
        cells = "".join(f"<tr><td>{t(a)}</td><td>{t(b)}</td></tr>" for a, b in rows)
        cells += f'<tr><td style="height:22mm">{t(w["review.sign.signature"])}</td><td></td></tr>'
        self.out.append(
            f'<div class="finding"><h3>{t(w["review.signature"])}</h3><table class="signature">{cells}</table></div>'
        )

    def appendix(self) -> None:
        a = self.r.appendix
        w = self.w
        self.heading(w["appendix"], 0, page=True)
        self.p(a.intro)
        rows = [(x.label, t(x.value)) for x in a.fields]
        rows.insert(
            1,
            (
                w["appendix.questionnaire_hash"],
                f'<div class="hash">{t(a.questionnaire_sha256)}</div>'
                f'<div class="muted">{t(w["appendix.questionnaire_hash.note"])}</div>',
            ),
        )
        rows.insert(2, (w["appendix.answers_hash"], f'<div class="hash">{t(a.answers_sha256)}</div>'))
        rows.append((w["appendix.fonts"], t(w["appendix.fonts.value"])))
        cells = "".join(f"<tr><td>{t(label)}</td><td>{value}</td></tr>" for label, value in rows)
        self.out.append(f'<table class="fields" style="margin-top:4pt">{cells}</table>')


_FACES = {"regular": "", "bold": "-Bold", "italic": "-Oblique", "bold_italic": "-BoldOblique"}


def render_html(report: Report) -> str:
    """The report as one HTML page (fonts referenced by file URL from report/fonts)."""
    return HtmlReport(report).html()
