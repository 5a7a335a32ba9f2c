"""The live outcome: DPIA need and reason, criteria met, AI Act status, each flag with its "why".

Shown beside the questions on the Assess page and at the top of the Review page. Everything here is read
from one :class:`engine.evaluation.Evaluation`; nothing is decided in this module. Meaning never rests on
colour alone: every level and verdict is also written in words.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from engine.evaluation import Evaluation, Finding
from engine.i18n import message
from engine.model import Questionnaire
from engine.whatif import alternatives
from views.answer_text import question_title
from views.i18n import t
from views.safe_text import plain

# Colour always comes with the word it stands for (a badge or background around the word itself).
SEVERITY_COLOUR = {"critical": "red", "high": "orange", "medium": "yellow", "low": "blue", "info": "gray"}
VERDICT_BOX = {"required": st.error, "recommended": st.warning, "not_required": st.success}
AI_ACT_BOX = {"prohibited": st.error, "high_risk": st.warning, "transparency": st.info, "none": st.success}
LEVEL_COLOUR = {"high": "red", "medium": "orange", "low": "green"}


def verdict_words(evaluation: Evaluation, lang: str) -> str:
    words = message(lang, f"verdict.{evaluation.dpia.verdict}")
    return f"{words} ({t('provisional')})" if evaluation.dpia.provisional else words


def render_verdict(evaluation: Evaluation, lang: str) -> None:
    dpia = evaluation.dpia
    VERDICT_BOX[dpia.verdict](f"**{verdict_words(evaluation, lang)}**  \n{dpia.reason}")
    if dpia.provisional:
        st.caption(t("provisional.why"))
    ai = evaluation.ai_act
    ai_words = message(lang, f"ai_act.{ai.status}")
    if ai.provisional:
        ai_words += f" ({t('provisional')})"
    AI_ACT_BOX[ai.status](f"**{ai_words}**  \n{ai.reason}")


def render_criteria(evaluation: Evaluation) -> None:
    met = [c for c in evaluation.criteria if c.status == "met"]
    undecided = [c for c in evaluation.criteria if c.status == "undecided"]
    st.markdown(f"**{t('criteria.title', n=len(met), total=len(evaluation.criteria))}**")
    lines = [f"- ✔ {c.title} ({t('criteria.met')})" for c in met]
    lines += [f"- ? {c.title} ({t('criteria.undecided')})" for c in undecided]
    points = [p for p in evaluation.art35_3 if p.status == "met"]
    lines += [f"- ✔ {t('art35_3', point=p.id)}: {p.title}" for p in points]
    st.markdown("\n".join(lines) if lines else t("criteria.none"))


def severity_words(severity: str, lang: str) -> str:
    return f":{SEVERITY_COLOUR.get(severity, 'gray')}-badge[{message(lang, f'severity.{severity}')}]"


def level_words(level: str | None, lang: str, *, markdown: bool = True) -> str:
    if level is None:
        return t("not_answered")
    words = message(lang, f"risk.{level}")
    return f":{LEVEL_COLOUR[level]}-background[{words}]" if markdown else words


def finding_text(finding: Finding) -> str:
    """The flag's explanation, its trace ("fired because"), references and alternative, as one Markdown text."""
    parts = [
        finding.explanation,
        f"**{t('finding.why')}**",
        "\n".join(f"- {plain(item.text)}" for item in finding.trace) or "-",  # it quotes answers
    ]
    if finding.references:
        parts.append(f"**{t('finding.references')}**: " + "; ".join(finding.references))
    if finding.recommendation:
        parts.append(f"**{t('finding.alternative')}**: {finding.recommendation}")
    return "\n\n".join(parts)


def render_finding(
    q: Questionnaire,
    evaluation: Evaluation,
    finding: Finding,
    answers: dict[str, Any],
    lang: str,
    *,
    whatif: bool = True,
) -> None:
    """One flag: title and severity in words; opened, why it fired, its sources, the less intrusive way and
    (on the Assess page) what would change the outcome.

    The body is rendered only while the flag is open: a page with twenty flags stays light, and the
    what-if, which re-runs the engine a few times, costs nothing until someone asks for it.
    """
    box = st.expander(
        f"{finding.title} · {severity_words(finding.severity, lang)}", key=f"flag-{finding.rule_id}", on_change="rerun"
    )
    if not box.open:
        return
    box.markdown(finding_text(finding))
    if whatif:
        with box:
            _render_whatif(q, evaluation, finding, answers, lang)


def _render_whatif(
    q: Questionnaire, evaluation: Evaluation, finding: Finding, answers: dict[str, Any], lang: str
) -> None:
    st.markdown(f"**{t('whatif.title')}**")
    found = alternatives(q, answers, evaluation, finding, lang)
    if not found:
        st.caption(t("whatif.none"))
        return
    lines = []
    for alt in found:
        effects = []
        if alt.verdict:
            effects.append(t("whatif.verdict", verdict=message(lang, f"verdict.{alt.verdict}")))
        if alt.clears_too:
            effects.append(t("whatif.clears_too", titles="; ".join(alt.clears_too)))
        if alt.raises:
            effects.append(t("whatif.raises", titles="; ".join(alt.raises)))
        line = f"- {t('whatif.if', change=plain(alt.change))}"  # it quotes answers
        if effects:
            line += " — " + " ".join(effects)
        lines.append(line)
    st.markdown("\n".join(lines))


def render_findings(
    q: Questionnaire, evaluation: Evaluation, answers: dict[str, Any], lang: str, *, whatif: bool = True
) -> None:
    st.markdown(f"**{t('findings.title', n=len(evaluation.findings))}**")
    if not evaluation.findings:
        st.caption(t("findings.none"))
    for finding in evaluation.findings:
        render_finding(q, evaluation, finding, answers, lang, whatif=whatif)
    if evaluation.undecided:
        st.markdown(f"**{t('undecided.title')}**")
        st.markdown(
            "\n".join(
                f"- {u.title}: "
                + t("undecided.missing", questions=", ".join(question_title(q, m, lang) for m in u.missing))
                for u in evaluation.undecided
            )
        )


def render_panel(q: Questionnaire, evaluation: Evaluation, answers: dict[str, Any], lang: str) -> None:
    """The whole live panel, in reading order."""
    st.subheader(t("panel.title"))
    render_verdict(evaluation, lang)
    render_criteria(evaluation)
    render_findings(q, evaluation, answers, lang)
    if evaluation.prior_consultation.indicated:
        st.warning(f"**{t('prior_consultation')}**  \n{evaluation.prior_consultation.reason}")


def heat_map(q: Questionnaire, evaluation: Evaluation, phase: str, lang: str) -> str:
    """A likelihood x severity grid as a Markdown table: each cell names its level in words and its risks."""
    matrix = q.risk_matrix
    if matrix is None:
        return t("heatmap.none")
    likelihood = q.scales_by_id[matrix.likelihood_scale]
    severity = q.scales_by_id[matrix.severity_scale]
    where: dict[tuple[int, int], list[str]] = {}
    for risk in evaluation.risks:
        p = getattr(risk, phase)
        if p.likelihood is not None and p.severity is not None:
            where.setdefault((p.severity, p.likelihood), []).append(risk.title)
    header = f"| {q.text(severity.title, lang)} ↓ / {q.text(likelihood.title, lang)} → | "
    header += " | ".join(q.text(level.label, lang) for level in likelihood.levels) + " |"
    lines = [header, "|" + " --- |" * (len(likelihood.levels) + 1)]
    for s_index, s_level in reversed(list(enumerate(severity.levels))):
        cells = []
        for l_index, l_level in enumerate(likelihood.levels):
            level = matrix.cells[s_index][l_index]
            risks = where.get((s_level.value, l_level.value), [])
            text = level_words(level, lang)
            if risks:
                text += ": **" + ", ".join(risks) + "**"
            cells.append(text)
        lines.append(f"| {q.text(s_level.label, lang)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def risk_table(evaluation: Evaluation, lang: str) -> list[dict[str, str]]:
    """One row per risk with its level before and after measures, in words."""

    def level(value: str | None) -> str:
        return level_words(value, lang, markdown=False)

    return [
        {
            t("risk.name"): r.title,
            t("risk.before"): level(r.before.level),
            t("risk.after"): level(r.after.level),
        }
        for r in evaluation.risks
    ]
