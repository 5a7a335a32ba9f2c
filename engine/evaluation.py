"""The Evaluation: everything the UI, the CLI, the PDF and the store show.

``dpia score --format json`` prints :meth:`Evaluation.to_json`; these fields
are a public contract (see ``docs/evaluation-contract.md``). Add fields; never
rename or remove one without a new ``contract`` version.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

CONTRACT_VERSION = "1"


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TraceItem(_Out):
    """One answer that made a rule fire (or left it undecided), in words and as data."""

    question: str
    op: str
    expected: Any = None
    actual: Any = None
    result: Literal["true", "false", "unknown"]
    negated: bool = False
    field: str | None = None
    row: int | None = None
    text: str


class Finding(_Out):
    rule_id: str
    severity: Literal["info", "low", "medium", "high", "critical"]
    title: str
    explanation: str
    recommendation: str | None
    references: list[str]
    criteria: list[str]
    art35_3: list[str]
    national_lists: list[str]
    ai_act: Literal["prohibited", "high_risk", "transparency", "none"] | None
    exemption: bool
    trace: list[TraceItem]


class Undecided(_Out):
    """A rule that may fire once the listed questions are answered."""

    rule_id: str
    severity: Literal["info", "low", "medium", "high", "critical"]
    title: str
    missing: list[str]
    trace: list[TraceItem]


class CriterionResult(_Out):
    id: str
    title: str
    status: Literal["met", "undecided", "not_met"]
    rules: list[str]


class PointResult(_Out):
    id: str
    title: str
    status: Literal["met", "undecided", "not_met"]
    rules: list[str]


class DpiaOutcome(_Out):
    verdict: Literal["required", "recommended", "not_required"]
    reason: str
    policy_entry: str | None
    basis: list[str]
    provisional: bool


class AiActOutcome(_Out):
    status: Literal["prohibited", "high_risk", "transparency", "none"]
    reason: str
    rules: list[str]
    references: list[str]
    provisional: bool


class RiskPhase(_Out):
    likelihood: int | None
    severity: int | None
    likelihood_label: str | None
    severity_label: str | None
    level: Literal["low", "medium", "high"] | None


class RiskResult(_Out):
    question: str
    title: str
    before: RiskPhase
    after: RiskPhase


class PriorConsultation(_Out):
    indicated: bool | None
    reason: str
    risks: list[str]


class Evaluation(_Out):
    """The outcome of :func:`engine.scoring.evaluate`; same inputs, same Evaluation."""

    contract: str = CONTRACT_VERSION
    questionnaire_id: str
    questionnaire_version: str
    lang: str
    visible_questions: list[str]
    answered_questions: list[str]
    missing_required: list[str]
    completion: float
    criteria: list[CriterionResult]
    criteria_met: list[str]
    art35_3: list[PointResult]
    art35_3_met: list[str]
    national_lists_met: list[str]
    dpia: DpiaOutcome
    ai_act: AiActOutcome
    findings: list[Finding]
    undecided: list[Undecided]
    risks: list[RiskResult]
    prior_consultation: PriorConsultation

    def to_json(self) -> str:
        """Stable JSON: sorted keys, two-space indent, UTF-8 characters kept."""
        return json.dumps(self.model_dump(mode="json"), indent=2, sort_keys=True, ensure_ascii=False)
