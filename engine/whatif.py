""" "What would change the outcome": for one flag, the single answers that, changed, would clear it.

Used by the app's live panel and by ``dpia score --what-if``.

Kept honest and simple: candidates come from the flag's own trace (each answer that made the rule fire),
one answer changed at a time, and every candidate is checked by running :func:`engine.scoring.evaluate` on
the changed answers. Only candidates that really clear the flag are shown, together with what else the
change would do (a new flag it would raise, a different DPIA verdict), so a "fix" that trades one flag for a
worse one is visible as such. Flags that rest only on derived values (other flags, a count of criteria)
have no single-answer alternative; the page says so.
"""

from __future__ import annotations

import copy
import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from engine.evaluation import Evaluation, Finding, TraceItem
from engine.i18n import message
from engine.model import Questionnaire
from engine.scoring import evaluate

MAX_OPTIONS_TRIED = 4  # other options tried for one single-choice answer
MEMO_SIZE = 512


@dataclass(frozen=True)
class Alternative:
    """One changed answer that clears the flag, with the other effects it would have."""

    question: str
    change: str
    verdict: str | None  # the DPIA verdict it would lead to, when different
    raises: tuple[str, ...]  # titles of flags it would newly raise
    clears_too: tuple[str, ...]  # titles of other flags it would clear as well


@dataclass(frozen=True)
class _Candidate:
    question: str
    answers: dict[str, Any]
    change: str


_memo: OrderedDict[tuple[Any, ...], list[Alternative]] = OrderedDict()


def alternatives(
    q: Questionnaire, answers: dict[str, Any], evaluation: Evaluation, finding: Finding, lang: str
) -> list[Alternative]:
    """The single-answer changes that would stop ``finding`` from firing, each checked with the engine."""
    key = (q.id, q.version, lang, finding.rule_id, json.dumps(answers, sort_keys=True, default=str))
    found = _memo.get(key)
    if found is not None:
        _memo.move_to_end(key)
        return found
    fired = {f.rule_id: f.title for f in evaluation.findings}
    out: list[Alternative] = []
    seen: set[str] = set()
    for candidate in _candidates(q, answers, finding.trace, lang):
        if candidate.change in seen:
            continue
        result = evaluate(q, candidate.answers, lang)
        now = {f.rule_id: f.title for f in result.findings}
        if finding.rule_id in now:
            continue
        seen.add(candidate.change)
        out.append(
            Alternative(
                question=candidate.question,
                change=candidate.change,
                verdict=result.dpia.verdict if result.dpia.verdict != evaluation.dpia.verdict else None,
                raises=tuple(title for rid, title in now.items() if rid not in fired),
                clears_too=tuple(title for rid, title in fired.items() if rid not in now and rid != finding.rule_id),
            )
        )
    _memo[key] = out
    if len(_memo) > MEMO_SIZE:
        _memo.popitem(last=False)
    return out


def _candidates(q: Questionnaire, answers: dict[str, Any], trace: list[TraceItem], lang: str) -> list[_Candidate]:
    out: list[_Candidate] = []
    for item in trace:
        if item.result != "true":
            continue
        if item.row is not None:
            out += _row_candidates(q, answers, item, lang)
        elif item.question in q.questions and item.question in answers:
            out += _answer_candidates(q, answers, item, lang)
    return out


def _options(question: Any) -> list[str]:
    return [o.value for o in getattr(question, "options", None) or []]


def _label(q: Questionnaire, question: Any, value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return message(lang, "yes" if value else "no")
    for option in getattr(question, "options", None) or []:
        if option.value == value:
            return q.text(option.label, lang)
    return str(value)


def _name(q: Questionnaire, question: Any, lang: str) -> str:
    return q.text(question.short or question.text, lang)


def _alternative_values(question: Any, item: TraceItem) -> list[tuple[Any, str]]:
    """(new value, how to say it) for one leaf that held; empty when no single value would undo it."""
    current = item.actual
    kind = question.kind
    op = item.op
    if op == "equals" and not item.negated:
        if kind == "yes_no" and isinstance(item.expected, bool):
            return [(not item.expected, "set")]
        if kind in ("single_choice", "scale"):
            others = [v for v in _options(question) if v != item.expected] if kind == "single_choice" else []
            return [(v, "set") for v in others[:MAX_OPTIONS_TRIED]]
    if op == "equals" and item.negated and kind in ("single_choice", "yes_no"):
        return [(item.expected, "set")]
    if op == "in" and not item.negated and kind == "single_choice":
        others = [v for v in _options(question) if v not in (item.expected or [])]
        return [(v, "set") for v in others[:MAX_OPTIONS_TRIED]]
    if op == "in" and item.negated and kind == "single_choice":
        return [(v, "set") for v in (item.expected or [])[:MAX_OPTIONS_TRIED]]
    if op == "contains" and kind == "multi_choice" and isinstance(current, list):
        if not item.negated:
            return [([v for v in current if v != item.expected], "drop")]
        return [([*current, item.expected], "add")]
    if op in ("gt", "gte", "lt", "lte") and isinstance(item.expected, int | float) and not item.field:
        step = 1 if getattr(question, "integer", False) or isinstance(item.expected, int) else 0.01
        flipped = {"gte": "lt", "gt": "lte", "lt": "gte", "lte": "gt"}[op]
        if item.negated:
            flipped = op
        value = {
            "lt": item.expected - step,
            "lte": item.expected,
            "gte": item.expected,
            "gt": item.expected + step,
        }[flipped]
        return [(value, "set")]
    return []


def _answer_candidates(q: Questionnaire, answers: dict[str, Any], item: TraceItem, lang: str) -> list[_Candidate]:
    question = q.questions[item.question]
    if question.kind == "risk_rating" and item.op in ("risk_level", "gt", "gte") and item.field:
        return _risk_candidates(q, answers, item, lang)
    out = []
    name = _name(q, question, lang)
    for value, how in _alternative_values(question, item):
        changed = {**answers, item.question: value}
        if how == "drop":
            words = _words(lang, "drop", q=name, v=_label(q, question, item.expected, lang))
        elif how == "add":
            words = _words(lang, "add", q=name, v=_label(q, question, item.expected, lang))
        else:
            words = _words(lang, "set", q=name, v=_label(q, question, value, lang))
        if value == []:
            changed.pop(item.question)
        out.append(_Candidate(item.question, changed, words))
    return out


def _risk_candidates(q: Questionnaire, answers: dict[str, Any], item: TraceItem, lang: str) -> list[_Candidate]:
    """A residual risk judged lower after measures: try the lowest likelihood, then the lowest severity."""
    question = q.questions[item.question]
    rating = dict(answers.get(item.question) or {})
    phase = "after" if item.op == "risk_level" else (item.field or "").rsplit("_", 1)[-1]
    out = []
    for axis, scale_id in (("likelihood", question.likelihood_scale), ("severity", question.severity_scale)):
        lowest = q.scales_by_id[scale_id].levels[0]
        field = f"{axis}_{phase}"
        if rating.get(field) == lowest.value:
            continue
        changed = {**answers, item.question: {**rating, field: lowest.value}}
        words = _words(
            lang,
            "risk",
            q=_name(q, question, lang),
            axis=_words(lang, f"axis.{axis}"),
            phase=message(lang, f"phase.{phase}"),
            v=q.text(lowest.label, lang),
        )
        out.append(_Candidate(item.question, changed, words))
    return out


def _row_candidates(q: Questionnaire, answers: dict[str, Any], item: TraceItem, lang: str) -> list[_Candidate]:
    group_id, _, field_id = item.question.rpartition(".")
    group = q.questions.get(group_id)
    rows = answers.get(group_id)
    if group is None or not isinstance(rows, list) or item.row is None or item.row > len(rows):
        return []
    sub = next((f for f in group.fields if f.id == field_id), None)
    if sub is None:
        return []
    row_label = q.text(group.row_label, lang) if group.row_label else message(lang, "row", n="").strip()
    out = []
    for value, how in _alternative_values(sub, item):
        changed_rows = copy.deepcopy(rows)
        changed_rows[item.row - 1][field_id] = value
        where = f"{_name(q, group, lang)}, {row_label.lower()} {item.row}: {q.text(sub.text, lang)}"
        if how in ("drop", "add"):
            words = _words(lang, how, q=where, v=_label(q, sub, item.expected, lang))
        else:
            words = _words(lang, "set", q=where, v=_label(q, sub, value, lang))
        out.append(_Candidate(group_id, {**answers, group_id: changed_rows}, words))
    # removing the row altogether also clears a flag that only this row raises
    fewer = [r for i, r in enumerate(rows, 1) if i != item.row]
    changed = {**answers, group_id: fewer} if fewer else {k: v for k, v in answers.items() if k != group_id}
    out.append(_Candidate(group_id, changed, _words(lang, "remove_row", q=_name(q, group, lang), row=f"{item.row}")))
    return out


def _words(lang: str, key: str, **values: str) -> str:
    return message(lang, f"whatif.{key}", **values)
