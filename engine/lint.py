"""``dpia lint``: what loads but is probably a mistake.

Loading already refuses what is wrong (unknown ids, cycles, unreachable
questions, missing translations). Lint looks for what is legal but suspicious:

* ``never-fires``: a rule whose ``when`` no answers can make true;
* ``unused-option``: in a question that conditions test, an option no condition
  names (mark it ``neutral: true`` when it deliberately changes nothing);
* ``neutral-but-used``: an option marked neutral that a condition names;
* ``missing-help``: a question without help text;
* ``untranslated``: a plain string where a multi-language questionnaire needs one
  text per language (citations in ``references`` are exempt);
* ``unused-criterion``: a declared criterion no rule evidences.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine import analysis
from engine.conditions import Condition, argument, walk
from engine.model import Questionnaire


@dataclass(frozen=True, order=True)
class LintWarning:
    questionnaire: str
    code: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.questionnaire}: {self.where}: {self.code}: {self.message}"


def lint(q: Questionnaire, *, own_only: set[str] | None = None) -> list[LintWarning]:
    """Every warning for a loaded questionnaire, sorted.

    Args:
        q: The merged questionnaire.
        own_only: If given, report only on these question and rule ids (so an
            including questionnaire does not repeat its includes' warnings).
    """
    out: list[LintWarning] = []

    def warn(code: str, where: str, message: str) -> None:
        out.append(LintWarning(q.id, code, where, message))

    def mine(element_id: str) -> bool:
        return own_only is None or element_id in own_only

    named_options = _named_options(_all_conditions(q))
    tested = {qid for qid, _ in named_options}

    for rule in q.rules:
        if mine(rule.id) and analysis.satisfiable(q, [rule.when]) is False:
            warn("never-fires", rule.id, "no answers can make this rule's `when` true")

    for qid, question in q.questions.items():
        if not mine(qid):
            continue
        if question.help is None:
            warn("missing-help", qid, "add help text: what the question means, in plain words")
        for option in getattr(question, "options", []):
            used = (qid, option.value) in named_options
            if option.neutral and used:
                warn("neutral-but-used", f"{qid}={option.value}", "marked neutral, but a condition names it")
            elif qid in tested and not used and not option.neutral:
                warn(
                    "unused-option",
                    f"{qid}={option.value}",
                    "no condition names this option; use it in a rule or mark it `neutral: true`",
                )

        for sub in getattr(question, "fields", []):
            sub_tested = any(name == sub.id for name, _ in named_options)
            for option in getattr(sub, "options", []):
                used = (sub.id, option.value) in named_options
                if sub_tested and not used and not option.neutral:
                    warn(
                        "unused-option",
                        f"{qid}.{sub.id}={option.value}",
                        "no condition names this option; use it in a rule or mark it `neutral: true`",
                    )

    evidenced = {c for r in q.rules for c in r.criteria}
    for criterion in q.criteria:
        if criterion.id not in evidenced:
            warn("unused-criterion", criterion.id, "no rule evidences this criterion")

    if len(q.languages) > 1:
        for owner, where, text in _texts(q):
            if isinstance(text, str) and mine(owner):
                warn("untranslated", where, f"plain text in a {'/'.join(q.languages)} questionnaire: {text[:40]!r}")
    return sorted(set(out))


def _all_conditions(q: Questionnaire) -> list[Condition]:
    conditions: list[Condition] = [r.when for r in q.rules]
    for section in q.sections:
        if section.show_if is not None:
            conditions.append(section.show_if)
        for question in section.questions:
            if question.show_if is not None:
                conditions.append(question.show_if)
    if q.verdict_policy is not None:
        conditions += [entry.when for entry in q.verdict_policy.dpia]
    return conditions


def _named_options(conditions: list[Condition]) -> set[tuple[str, Any]]:
    named: set[tuple[str, Any]] = set()
    for cond in conditions:
        for leaf in walk(cond):
            arg = argument(leaf)
            question = getattr(arg, "question", None)
            if not isinstance(question, str):
                continue
            for value in getattr(arg, "values", None) or [getattr(arg, "value", None)]:
                named.add((question, value))
    return named


def _texts(q: Questionnaire) -> list[tuple[str, str, Any]]:
    """(owner id, where, text) for every human-facing text of questions, sections and rules."""
    found: list[tuple[str, str, Any]] = []

    def add(owner: str, where: str, text: Any) -> None:
        if text is not None:
            found.append((owner, where, text))

    def question_texts(owner: str, question: Any, prefix: str) -> None:
        for name in ("text", "short", "help"):
            add(owner, f"{prefix}.{name}", getattr(question, name))
        for index, example in enumerate(question.examples):
            add(owner, f"{prefix}.examples[{index}]", example)
        for option in getattr(question, "options", []):
            add(owner, f"{prefix}={option.value}.label", option.label)
            add(owner, f"{prefix}={option.value}.help", option.help)
        for sub in getattr(question, "fields", []):
            question_texts(owner, sub, f"{prefix}.{sub.id}")

    for section in q.sections:
        add(section.id, f"{section.id}.title", section.title)
        add(section.id, f"{section.id}.description", section.description)
        for question in section.questions:
            question_texts(question.id, question, question.id)
    for rule in q.rules:
        for name in ("title", "explanation", "recommendation"):
            add(rule.id, f"{rule.id}.{name}", getattr(rule, name))
    return found
