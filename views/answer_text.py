"""Answers in words, for read-only pages, the review, conflicts and diffs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.i18n import message
from views.i18n import t
from views.safe_text import plain

if TYPE_CHECKING:
    from engine.model import Questionnaire

RISK_FIELDS = ("likelihood_before", "severity_before", "likelihood_after", "severity_after")  # engine.model's


def answer_text(q: Questionnaire, question: Any, value: Any, lang: str) -> str:
    """One answer as a person reads it; an empty answer is "not answered", never "no"."""
    if value is None or value == "" or value == []:
        return t("not_answered")
    if question is None:
        return str(value)
    kind = question.kind
    if kind == "yes_no" and isinstance(value, bool):
        return message(lang, "yes" if value else "no")
    if kind in ("single_choice", "multi_choice"):
        labels = {o.value: q.text(o.label, lang) for o in question.options}
        items = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(v, str(v)) for v in items)
    if kind == "scale":
        scale = q.scales_by_id.get(question.scale)
        return scale.label(value, lang) if scale else str(value)
    if kind == "risk_rating" and isinstance(value, dict):
        parts = []
        for name in RISK_FIELDS:
            if name in value:
                axis, phase = name.split("_")
                scale_id = question.likelihood_scale if axis == "likelihood" else question.severity_scale
                scale = q.scales_by_id.get(scale_id)
                level = scale.label(value[name], lang) if scale else str(value[name])
                parts.append(f"{t(f'risk.{axis}')} {t(f'risk.{phase}').lower()}: {level}")
        return "; ".join(parts) or t("not_answered")
    if kind == "group" and isinstance(value, list):
        fields = {f.id: f for f in question.fields}
        rows = []
        for index, row in enumerate(value, 1):
            cells = [f"{q.text(fields[k].text, lang)}: {answer_text(q, fields[k], v, lang)}" for k, v in row.items()]
            rows.append(f"{index}. " + ("; ".join(cells) or t("not_answered")))
        return "  \n".join(rows)
    if kind == "number" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def question_title(q: Questionnaire, question_id: str, lang: str) -> str:
    """The question's short name (or its text) for tables and traces."""
    question = q.questions.get(question_id)
    if question is None:
        return question_id
    return q.text(question.short or question.text, lang)


def markdown_table(rows: list[dict[str, object]]) -> str:
    """Rows as a Markdown table (no pandas needed, unlike st.dataframe: a first page loads a second sooner).

    Every header and cell is plain text (titles, names, answers): it shows as written, never as Markdown.
    """
    if not rows:
        return ""
    header = list(rows[0])

    def cell(value: object) -> str:
        return "" if value is None else plain(" ".join(str(value).splitlines()))

    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(cell(row.get(h)) for h in header) + " |" for row in rows]
    return "\n".join(lines)
