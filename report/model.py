"""The report model: everything the PDF prints, as plain localised data (no ReportLab here).

:func:`build_report` reads a questionnaire, an assessment and its evaluation and
decides what the report says; :mod:`report.render` only lays it out. Texts here are
plain strings (not markup): the renderer escapes every one of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from engine.answers import Assessment
from engine.evaluation import Evaluation, Finding, RiskPhase, Undecided
from engine.model import RISK_FIELDS, Group, Questionnaire, RiskRating
from engine.review import Review
from report.words import engine_word, word

# Symbols (all in DejaVu Sans) so that no state is told by colour alone.
DPIA_BADGES = {"required": ("▲", "bad"), "recommended": ("◆", "warn"), "not_required": ("✔", "good")}
AI_ACT_BADGES = {
    "prohibited": ("✖", "severe"),
    "high_risk": ("▲", "bad"),
    "transparency": ("◆", "warn"),
    "none": ("✔", "good"),
}
SEVERITY_BADGES = {
    "critical": ("✖", "severe"),
    "high": ("▲", "bad"),
    "medium": ("◆", "warn"),
    "low": ("●", "mild"),
    "info": ("○", "neutral"),
}
ITEM_VERDICT_BADGES = {"acceptable": ("✔", "good"), "improvable": ("◆", "warn"), "to_correct": ("✖", "bad")}
DECISION_BADGES = {
    "approved": ("✔", "good"),
    "approved_with_conditions": ("◆", "warn"),
    "changes_requested": ("▲", "bad"),
    "rejected": ("✖", "severe"),
}
PRIOR_BADGES = {True: ("▲", "bad"), False: ("✔", "good"), None: ("?", "warn")}
RISK_TONES = {"low": "good", "medium": "warn", "high": "bad"}
TOP_FINDINGS = 5


@dataclass(frozen=True)
class Badge:
    """A state told three ways: a symbol, words, and a tone the renderer turns into colour."""

    symbol: str
    label: str
    tone: str


@dataclass(frozen=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True)
class Banner:
    dpia: Badge
    dpia_reason: str
    ai_act: Badge
    ai_act_reason: str
    provisional: str | None


@dataclass(frozen=True)
class Cover:
    kicker: str
    feature: str
    questionnaire: str
    assessment: str
    status: Badge
    fields: list[Field]
    banner: Banner
    description: str | None
    figures: list[Field] = field(default_factory=list)  # key figures under the banner


@dataclass(frozen=True)
class FindingView:
    rule_id: str
    badge: Badge
    title: str
    explanation: str
    because: str
    references: list[str]
    recommendation: str | None
    evidences: list[str]


@dataclass(frozen=True)
class UndecidedView:
    rule_id: str
    badge: Badge
    title: str
    missing: list[str]


@dataclass(frozen=True)
class Summary:
    dpia: Badge
    dpia_reason: str
    ai_act: Badge
    ai_act_reason: str
    ai_act_references: list[str]
    criteria_line: str
    criteria_met: list[str]
    criteria_undecided: str | None
    art35_3: list[str]
    national_lists: list[str]
    prior: Badge
    prior_reason: str
    top_findings: list[FindingView]
    completion: str
    missing_required: list[str]
    undecided_note: str | None


@dataclass(frozen=True)
class HeatMap:
    """``cells[s][l]`` is the level of the s-th severity and l-th likelihood level (scale order)."""

    title: str
    likelihood_title: str
    severity_title: str
    likelihood_labels: list[str]
    severity_labels: list[str]
    cells: list[list[str]]
    marks: dict[tuple[int, int], list[str]]


@dataclass(frozen=True)
class RiskRow:
    marker: str
    title: str
    before: str
    before_level: Badge | None
    after: str
    after_level: Badge | None


@dataclass(frozen=True)
class Risks:
    maps: list[HeatMap]
    legend: list[tuple[str, str, str]]  # (level, letter, label)
    rows: list[RiskRow]
    prior: Badge
    prior_reason: str
    note: str | None


@dataclass(frozen=True)
class TextAnswer:
    text: str


@dataclass(frozen=True)
class ListAnswer:
    items: list[str]


@dataclass(frozen=True)
class TableAnswer:
    headers: list[str]
    rows: list[list[str]]
    row_word: str


@dataclass(frozen=True)
class RiskAnswer:
    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class NoAnswer:
    required: bool
    text: str


Answer = TextAnswer | ListAnswer | TableAnswer | RiskAnswer | NoAnswer


@dataclass(frozen=True)
class QAItem:
    number: str
    qid: str
    text: str
    answer: Answer
    note: str | None = None  # e.g. a group with fewer rows than it requires


@dataclass(frozen=True)
class SectionView:
    number: str
    title: str
    description: str | None
    items: list[QAItem]


@dataclass(frozen=True)
class CommentView:
    subject: str
    badge: Badge | None
    author: str
    date: str | None
    text: str
    resolved: bool


@dataclass(frozen=True)
class OverrideView:
    change: str
    reason: str
    by: str


@dataclass(frozen=True)
class ReviewView:
    reviewed: bool
    reviewer: str | None
    comments: list[CommentView]
    overrides: list[OverrideView]
    opinion: str | None
    decision: Badge | None
    review_date: str | None
    sign_name: str | None
    sign_role: str | None
    sign_date: str | None


@dataclass(frozen=True)
class Appendix:
    intro: str
    fields: list[Field]
    questionnaire_sha256: str
    answers_sha256: str


@dataclass(frozen=True)
class DocumentInfo:
    title: str
    author: str
    subject: str
    keywords: str
    lang: str
    creator: str


@dataclass(frozen=True)
class Report:
    lang: str
    info: DocumentInfo
    header_left: str
    header_right: str
    footer_left: str
    cover: Cover
    summary: Summary
    findings: list[FindingView]
    undecided: list[UndecidedView]
    risks: Risks
    sections: list[SectionView]
    review: ReviewView
    appendix: Appendix
    words: dict[str, str] = field(default_factory=dict)

    def heading(self, key: str) -> str:
        return self.words[key]


@dataclass(frozen=True)
class Provenance:
    """Facts about the rendering that the model prints but does not compute."""

    status: str
    version: int
    generated: str
    questionnaire_sha256: str
    answers_sha256: str
    engine_version: str


def build_report(
    questionnaire: Questionnaire,
    assessment: Assessment,
    evaluation: Evaluation,
    lang: str,
    provenance: Provenance,
) -> Report:
    """Decide what the report says, in ``lang``."""
    return _Builder(questionnaire, assessment, evaluation, lang, provenance).build()


class _Builder:
    def __init__(
        self, q: Questionnaire, assessment: Assessment, ev: Evaluation, lang: str, provenance: Provenance
    ) -> None:
        self.q = q
        self.a = assessment
        self.ev = ev
        self.lang = lang
        self.p = provenance
        self.numbers = _question_numbers(q)

    # --- helpers -------------------------------------------------------------------------

    def w(self, key: str, **values: object) -> str:
        return word(self.lang, key, **values)

    def e(self, key: str) -> str:
        return engine_word(self.lang, key)

    def t(self, text: Any) -> str:
        return self.q.text(text, self.lang)

    def badge(self, table: dict[Any, tuple[str, str]], key: Any, label: str) -> Badge:
        symbol, tone = table.get(key, ("•", "neutral"))
        return Badge(symbol, label, tone)

    def status_badge(self) -> Badge:
        key = f"status.{self.p.status}"
        label = self.w(key) if key in _words(self.lang) else self.p.status
        tone = {"approved": "good", "archived": "good", "rejected": "bad", "changes_requested": "warn"}
        return Badge(
            "■" if self.p.status in ("approved", "archived") else "□", label, tone.get(self.p.status, "neutral")
        )

    def question_name(self, qid: str) -> str:
        """``Q12 Short name`` of a question, or of a group row's field (``group[2].field``)."""
        row_field = _ROW_FIELD.match(qid)
        if row_field and row_field["group"] in self.q.questions:
            group = self.q.questions[row_field["group"]]
            sub = next((f for f in getattr(group, "fields", []) if f.id == row_field["field"]), None)
            sub_name = self.t(sub.short or sub.text) if sub is not None else row_field["field"]
            row = self.w("answers.row", n=row_field["row"])
            return f"{self.question_name(row_field['group'])}, {row.lower()}: {sub_name}"
        question = self.q.questions.get(qid)
        if question is None:
            return qid
        name = self.t(question.short or question.text)
        number = self.numbers.get(qid)
        return f"{number} {name}" if number else name

    # --- the parts -------------------------------------------------------------------------

    def build(self) -> Report:
        meta = self.a.metadata
        review = self.a.review
        assessment_label = meta.assessment_id or self.w("cover.no_id")
        status = self.status_badge()
        q_label = f"{self.t(self.q.title)} {self.q.version}"
        findings = [self.finding(f) for f in self.ev.findings]
        info = DocumentInfo(
            title=f"{self.w('doc.title')}: {meta.feature}",
            author=meta.owner or "",
            subject=self.w("doc.subject", questionnaire=self.t(self.q.title), version=self.q.version),
            keywords=", ".join(
                x for x in [self.w("doc.keywords", questionnaire=self.q.id), meta.assessment_id or ""] if x
            ),
            lang=self.lang,
            creator=f"dpia-engine {self.p.engine_version}",
        )
        return Report(
            lang=self.lang,
            info=info,
            header_left=meta.feature,
            header_right=f"{assessment_label} · {self.w('cover.version', n=self.p.version)} · {status.label.upper()}",
            footer_left=self.w("footer.generated", date=self.p.generated),
            cover=self.cover(assessment_label, status, q_label, review),
            summary=self.summary(findings),
            findings=findings,
            undecided=[self.undecided(u) for u in self.ev.undecided],
            risks=self.risks(),
            sections=self.sections(),
            review=self.review(review),
            appendix=self.appendix(q_label),
            words=dict(_words(self.lang)),
        )

    def banner(self) -> Banner:
        dpia = self.ev.dpia
        ai = self.ev.ai_act
        provisional = self.w("banner.provisional") if dpia.provisional or ai.provisional else None
        return Banner(
            dpia=self.badge(DPIA_BADGES, dpia.verdict, self.e(f"verdict.{dpia.verdict}")),
            dpia_reason=dpia.reason,
            ai_act=self.badge(AI_ACT_BADGES, ai.status, self.e(f"ai_act.{ai.status}")),
            ai_act_reason=ai.reason,
            provisional=provisional,
        )

    def cover(self, assessment_label: str, status: Badge, q_label: str, review: Review | None) -> Cover:
        meta = self.a.metadata
        none = self.w("cover.none")
        fields = [
            Field(self.w("cover.assessment"), f"{assessment_label} · {self.w('cover.version', n=self.p.version)}"),
            Field(self.w("cover.status"), f"{status.symbol} {status.label}"),
            Field(self.w("cover.questionnaire"), f"{q_label} ({self.q.id})"),
            Field(self.w("cover.author"), meta.owner or none),
            Field(self.w("cover.reviewer"), (review.reviewer if review else None) or none),
            Field(self.w("cover.date"), meta.date or none),
            Field(self.w("cover.generated"), self.p.generated),
        ]
        if review and review.review_date:
            fields.append(Field(self.w("cover.review_date"), review.review_date))
        if review and review.sign_off:
            s = review.sign_off
            fields.append(Field(self.w("cover.signed"), f"{s.date} · {s.name} ({s.role})"))
        return Cover(
            kicker=self.w("cover.kicker"),
            feature=meta.feature,
            questionnaire=q_label,
            assessment=assessment_label,
            status=status,
            fields=fields,
            banner=self.banner(),
            description=meta.description,
            figures=self.figures(),
        )

    def figures(self) -> list[Field]:
        """Findings by severity, completion and prior consultation: the cover's key figures."""
        counts: dict[str, int] = {}
        for f in self.ev.findings:
            counts[f.severity] = counts.get(f.severity, 0) + 1
        by_severity = " · ".join(
            f"{n}\u00a0{SEVERITY_BADGES[sev][0]}\u00a0{self.e(f'severity.{sev}')}" for sev, n in counts.items()
        )
        prior, _reason = self.prior()
        return [
            Field(self.w("cover.findings", n=len(self.ev.findings)), by_severity or self.w("summary.no_findings")),
            Field(self.w("summary.completion"), f"{self.ev.completion:g} %"),
            Field(self.w("summary.prior"), f"{prior.symbol} {prior.label}"),
        ]

    def finding(self, f: Finding) -> FindingView:
        evidences = [c.title for c in self.ev.criteria if c.id in f.criteria]
        evidences += [f"Art. 35(3)({p})" for p in f.art35_3]
        evidences += [self.national_item(key) for key in f.national_lists]
        if f.ai_act and f.ai_act != "none":
            evidences.append(self.e(f"ai_act.{f.ai_act}"))
        return FindingView(
            rule_id=f.rule_id,
            badge=self.badge(SEVERITY_BADGES, f.severity, self.e(f"severity.{f.severity}")),
            title=f.title,
            explanation=f.explanation,
            because=self.e("and").join(item.text for item in f.trace),
            references=list(f.references),
            recommendation=f.recommendation,
            evidences=evidences,
        )

    def undecided(self, u: Undecided) -> UndecidedView:
        return UndecidedView(
            rule_id=u.rule_id,
            badge=self.badge(SEVERITY_BADGES, u.severity, self.e(f"severity.{u.severity}")),
            title=u.title,
            missing=[self.question_name(qid) for qid in u.missing],
        )

    def national_item(self, key: str) -> str:
        list_id, _, item = key.partition(":")
        entry = next((n for n in self.q.national_lists if n.id == list_id), None)
        name = self.t(entry.title) if entry else list_id
        return self.w("summary.national_item", list=name, item=item) if item else name

    def prior(self) -> tuple[Badge, str]:
        pc = self.ev.prior_consultation
        key = {True: "summary.prior.yes", False: "summary.prior.no", None: "summary.prior.unknown"}[pc.indicated]
        reason = pc.reason
        if pc.risks:
            reason = f"{reason} ({', '.join(self.question_name(r) for r in pc.risks)})".strip()
        return self.badge(PRIOR_BADGES, pc.indicated, self.w(key)), reason

    def summary(self, findings: list[FindingView]) -> Summary:
        ev = self.ev
        banner = self.banner()
        met = [c.title for c in ev.criteria if c.status == "met"]
        undecided = [c.title for c in ev.criteria if c.status == "undecided"]
        prior, prior_reason = self.prior()
        return Summary(
            dpia=banner.dpia,
            dpia_reason=ev.dpia.reason + (f" ({banner.provisional})" if ev.dpia.provisional else ""),
            ai_act=banner.ai_act,
            ai_act_reason=ev.ai_act.reason + (f" ({banner.provisional})" if ev.ai_act.provisional else ""),
            ai_act_references=list(ev.ai_act.references),
            criteria_line=(
                self.w("summary.criteria", n=len(met), total=len(ev.criteria)) if met else self.w("summary.no_criteria")
            ),
            criteria_met=met,
            criteria_undecided=self.w("summary.criteria_undecided", names="; ".join(undecided)) if undecided else None,
            art35_3=[f"Art. 35(3)({p.id}): {p.title}" for p in ev.art35_3 if p.status == "met"],
            national_lists=[self.national_item(key) for key in ev.national_lists_met],
            prior=prior,
            prior_reason=prior_reason,
            top_findings=findings[:TOP_FINDINGS],
            completion=self.w("summary.completion.value", pct=f"{ev.completion:g}", missing=len(ev.missing_required)),
            missing_required=[self.question_name(qid) for qid in ev.missing_required],
            undecided_note=self.w("summary.undecided", n=len(ev.undecided)) if ev.undecided else None,
        )

    # --- risks ---------------------------------------------------------------------------

    def risk_level(self, phase: RiskPhase) -> Badge | None:
        if phase.level is None:
            return None
        return Badge(_level_letter(self.lang, phase.level), self.e(f"risk.{phase.level}"), RISK_TONES[phase.level])

    def phase_text(self, phase: RiskPhase) -> str:
        if phase.likelihood is None or phase.severity is None:
            parts = []
            if phase.likelihood is not None:
                parts.append(f"{self.w('risks.likelihood')}: {phase.likelihood_label} ({phase.likelihood})")
            if phase.severity is not None:
                parts.append(f"{self.w('risks.severity')}: {phase.severity_label} ({phase.severity})")
            return "; ".join(parts) or self.w("risks.unrated")
        return (
            f"{self.w('risks.likelihood')}: {phase.likelihood_label} ({phase.likelihood}); "
            f"{self.w('risks.severity')}: {phase.severity_label} ({phase.severity})"
        )

    def risks(self) -> Risks:
        ev = self.ev
        prior, prior_reason = self.prior()
        rows = []
        for index, r in enumerate(ev.risks, start=1):
            rows.append(
                RiskRow(
                    marker=f"R{index}",
                    title=r.title,
                    before=self.phase_text(r.before),
                    before_level=self.risk_level(r.before),
                    after=self.phase_text(r.after),
                    after_level=self.risk_level(r.after),
                )
            )
        matrix = self.q.risk_matrix
        maps: list[HeatMap] = []
        legend: list[tuple[str, str, str]] = []
        note = None
        if not ev.risks:
            note = self.w("risks.none")
        elif matrix is None:
            note = self.w("risks.matrix_missing")
        else:
            l_scale = self.q.scales_by_id[matrix.likelihood_scale]
            s_scale = self.q.scales_by_id[matrix.severity_scale]
            l_values = [lv.value for lv in l_scale.levels]
            s_values = [lv.value for lv in s_scale.levels]
            for phase, title in (("before", self.w("risks.before")), ("after", self.w("risks.after"))):
                marks: dict[tuple[int, int], list[str]] = {}
                for index, r in enumerate(ev.risks, start=1):
                    p: RiskPhase = getattr(r, phase)
                    if p.likelihood in l_values and p.severity in s_values:
                        cell = (s_values.index(p.severity), l_values.index(p.likelihood))
                        marks.setdefault(cell, []).append(f"R{index}")
                maps.append(
                    HeatMap(
                        title=title,
                        likelihood_title=self.t(l_scale.title),
                        severity_title=self.t(s_scale.title),
                        likelihood_labels=[f"{self.t(lv.label)} ({lv.value})" for lv in l_scale.levels],
                        severity_labels=[f"{self.t(lv.label)} ({lv.value})" for lv in s_scale.levels],
                        cells=[list(row) for row in matrix.cells],
                        marks=marks,
                    )
                )
            levels = [lv for lv in ("low", "medium", "high") if any(lv in row for row in matrix.cells)]
            legend = [(lv, _level_letter(self.lang, lv), self.e(f"risk.{lv}")) for lv in levels]
        return Risks(maps=maps, legend=legend, rows=rows, prior=prior, prior_reason=prior_reason, note=note)

    # --- questions and answers -------------------------------------------------------------

    def sections(self) -> list[SectionView]:
        visible = set(self.ev.visible_questions)
        missing = set(self.ev.missing_required)
        out = []
        for s_index, section in enumerate(self.q.sections, start=1):
            items = []
            for question in section.questions:
                if question.id not in visible:
                    continue
                value = self.a.answers.get(question.id)
                if value is None or value == "" or value == []:
                    required = question.id in missing
                    text = self.w("answers.missing_required" if required else "answers.not_answered")
                    answer: Answer = NoAnswer(required, text)
                else:
                    answer = self.answer(question, value)
                note = (
                    self.w("answers.missing_required")
                    if question.id in missing and value not in (None, "", [])
                    else None
                )
                items.append(QAItem(self.numbers[question.id], question.id, self.t(question.text), answer, note))
            if items:
                description = self.t(section.description) if section.description else None
                out.append(SectionView(str(s_index), self.t(section.title), description, items))
        return out

    def answer(self, question: Any, value: Any) -> Answer:
        if isinstance(question, Group):
            return self.group(question, value)
        if isinstance(question, RiskRating):
            return self.risk_answer(question, value)
        if question.kind == "multi_choice" and isinstance(value, list):
            return ListAnswer([self.scalar(question, v) for v in value])
        return TextAnswer(self.scalar(question, value))

    def scalar(self, question: Any, value: Any) -> str:
        """One value of a simple question (or group field) in words."""
        if isinstance(value, bool):
            return self.w("answers.yes" if value else "answers.no")
        if isinstance(value, list):
            return ", ".join(self.scalar(question, v) for v in value)
        kind = getattr(question, "kind", None)
        if kind in ("single_choice", "multi_choice"):
            for option in question.options:
                if option.value == value:
                    return self.t(option.label)
        if kind == "scale":
            scale = self.q.scales_by_id.get(question.scale)
            if scale is not None and isinstance(value, int):
                return f"{scale.label(value, self.lang)} ({value})"
        if kind == "number" and isinstance(value, int | float):
            text = str(int(value)) if float(value).is_integer() else f"{value:g}"
            unit = self.t(question.unit) if getattr(question, "unit", None) else ""
            return f"{text} {unit}".strip()
        if isinstance(value, dict):
            return "; ".join(f"{k}: {self.scalar(None, v)}" for k, v in value.items())
        return str(value)

    def group(self, question: Group, value: Any) -> Answer:
        if not isinstance(value, list) or not value:
            return NoAnswer(False, self.w("answers.no_rows"))
        fields = list(question.fields)
        headers = [self.t(f.short or f.text) for f in fields]
        missing = set(self.ev.missing_required)
        flag = "⚠ " + self.w("answers.missing_required")
        rows = []
        for index, row in enumerate(value, start=1):
            row = row if isinstance(row, dict) else {}
            cells = []
            for f in fields:
                if row.get(f.id) not in (None, "", []):
                    cells.append(self.scalar(f, row[f.id]))
                else:
                    cells.append(flag if f"{question.id}[{index}].{f.id}" in missing else "")
            rows.append(cells)
        row_word = self.t(question.row_label) if question.row_label else self.w("answers.row", n="").strip()
        return TableAnswer(headers, rows, row_word)

    def risk_answer(self, question: RiskRating, value: Any) -> Answer:
        result = next((r for r in self.ev.risks if r.question == question.id), None)
        headers = ["", self.w("risks.likelihood"), self.w("risks.severity"), self.w("risks.level")]
        rows = []
        for phase, title in (("before", self.w("risks.before")), ("after", self.w("risks.after"))):
            p: RiskPhase | None = getattr(result, phase) if result else None
            raw = value if isinstance(value, dict) else {}
            likelihood = raw.get(f"likelihood_{phase}")
            severity = raw.get(f"severity_{phase}")
            rows.append(
                [
                    title,
                    f"{p.likelihood_label} ({likelihood})" if p and likelihood is not None else "—",
                    f"{p.severity_label} ({severity})" if p and severity is not None else "—",
                    self.e(f"risk.{p.level}") if p and p.level else "—",
                ]
            )
        return RiskAnswer(headers, rows)

    # --- review ----------------------------------------------------------------------------

    def review(self, review: Review | None) -> ReviewView:
        if review is None:
            return ReviewView(False, None, [], [], None, None, None, None, None, None)
        comments = [
            CommentView(
                subject=self.question_name(c.question) if c.question else self.w("review.general"),
                badge=(
                    self.badge(ITEM_VERDICT_BADGES, c.verdict, self.w(f"verdict.{c.verdict}")) if c.verdict else None
                ),
                author=c.author,
                date=c.created,
                text=c.text,
                resolved=c.resolved,
            )
            for c in review.comments
        ]
        overrides = [
            OverrideView(
                change=self.w(
                    "review.override",
                    target=self.override_target(o.target, o.field),
                    previous=self.override_value(o.target, o.field, o.previous),
                    value=self.override_value(o.target, o.field, o.value),
                ),
                reason=o.reason,
                by=self.w("review.by", author=o.author) + (f", {o.created}" if o.created else ""),
            )
            for o in review.overrides
        ]
        decision = None
        if review.decision:
            decision = self.badge(DECISION_BADGES, review.decision, self.w(f"decision.{review.decision}"))
        sign = review.sign_off
        return ReviewView(
            reviewed=True,
            reviewer=review.reviewer,
            comments=comments,
            overrides=overrides,
            opinion=review.opinion,
            decision=decision,
            review_date=review.review_date,
            sign_name=sign.name if sign else None,
            sign_role=sign.role if sign else None,
            sign_date=sign.date if sign else None,
        )

    def override_target(self, target: str, field_name: str | None) -> str:
        rule = self.q.rules_by_id.get(target)
        name = f"{self.t(rule.title)} ({target})" if rule else self.question_name(target)
        if field_name:
            key = f"field.{field_name}"
            name += f", {self.w(key) if key in _words(self.lang) else field_name}"
        return name

    def override_value(self, target: str, field_name: str | None, value: Any) -> str:
        if value is None:
            return "—"
        question = self.q.questions.get(target)
        if isinstance(question, RiskRating) and field_name in RISK_FIELDS and isinstance(value, int):
            scale_id = question.likelihood_scale if field_name.startswith("likelihood") else question.severity_scale
            scale = self.q.scales_by_id.get(scale_id)
            if scale is not None:
                return f"{scale.label(value, self.lang)} ({value})"
        if field_name == "severity" and isinstance(value, str):
            key = f"severity.{value}"
            try:
                return self.e(key)
            except KeyError:
                return value
        return str(value)

    # --- appendix --------------------------------------------------------------------------

    def appendix(self, q_label: str) -> Appendix:
        fields = [
            Field(self.w("appendix.questionnaire"), f"{q_label} ({self.q.id})"),
            Field(self.w("appendix.engine"), f"dpia-engine {self.p.engine_version}"),
            Field(self.w("appendix.contract"), self.ev.contract),
            Field(self.w("appendix.generated"), self.p.generated),
            Field(self.w("appendix.language"), self.lang),
        ]
        return Appendix(
            intro=self.w("appendix.intro"),
            fields=fields,
            questionnaire_sha256=self.p.questionnaire_sha256,
            answers_sha256=self.p.answers_sha256,
        )


_ROW_FIELD = re.compile(r"^(?P<group>.+)\[(?P<row>[0-9]+)\]\.(?P<field>[^.\[\]]+)$")


def _words(lang: str) -> dict[str, str]:
    from report.words import WORDS

    return WORDS.get(lang, WORDS["en"])


def _level_letter(lang: str, level: str) -> str:
    return engine_word(lang, f"risk.{level}")[:1].upper()


def _question_numbers(q: Questionnaire) -> dict[str, str]:
    """Stable question numbers ("Q12") in questionnaire order, hidden questions included.

    Numbered across the whole questionnaire rather than per section: section titles may carry
    their author's own numbers ("5. Processors"), and an included questionnaire's sections come
    first, so per-section numbers would clash with them.
    """
    return {qid: f"Q{n}" for n, qid in enumerate(q.questions, start=1)}
