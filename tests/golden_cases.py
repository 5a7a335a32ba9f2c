"""Golden scenarios: an answers file and the outcome a careful DPO would reach.

Each folder ``tests/golden/<name>/`` holds ``expected.yaml`` and either ``answers.yaml`` or
an ``answers_file`` key naming an answers file relative to the repository root (so
``examples/`` files are golden cases too). Expected keys, all optional:

``dpia``                verdict: required / recommended / not_required
``dpia_entry``          the verdict-policy entry that decided it
``criteria``            exactly these WP248 criteria met
``criteria_include``    at least these criteria met
``art35_3``             exactly these Art. 35(3) points
``national_lists_include``  at least these list items (``cnil_35_4:4``)
``ai_act``              prohibited / high_risk / transparency / none
``findings_include``    these rules fire
``findings_exclude``    these rules stay silent
``prior_consultation``  true / false
``recommendation_mentions``  {rule id: text} the rule's recommendation must contain
``source``              where the expected outcome comes from (e.g. WP248 §2.3 W2)

Used by ``tests/test_golden.py`` and ``python -m tests.golden_cases`` (the rule-coverage report).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.answers import load_answers  # noqa: E402
from engine.evaluation import Evaluation  # noqa: E402
from engine.loader import load_catalog  # noqa: E402
from engine.model import Questionnaire  # noqa: E402
from engine.scoring import evaluate  # noqa: E402
from engine.yamlsafe import read_yaml  # noqa: E402

GOLDEN = ROOT / "tests" / "golden"
QUESTIONNAIRES = ROOT / "questionnaires"


@dataclass(frozen=True)
class Case:
    name: str
    answers_path: Path
    expected: dict[str, Any]


def cases() -> list[Case]:
    out = []
    for folder in sorted(p for p in GOLDEN.iterdir() if (p / "expected.yaml").is_file()):
        expected_path = folder / "expected.yaml"
        expected = read_yaml(expected_path.read_bytes(), str(expected_path)).data or {}
        answers_file = expected.pop("answers_file", None)
        answers_path = ROOT / answers_file if answers_file else folder / "answers.yaml"
        out.append(Case(folder.name, answers_path, expected))
    return out


def catalog() -> dict[str, Questionnaire]:
    loaded = load_catalog([QUESTIONNAIRES])
    if loaded.errors:
        raise RuntimeError("\n".join(str(e) for e in loaded.errors.values()))
    return loaded.questionnaires


def run(case: Case, questionnaires: dict[str, Questionnaire]) -> tuple[Questionnaire, Evaluation]:
    loaded = load_answers(case.answers_path, questionnaires)
    return loaded.questionnaire, evaluate(loaded.questionnaire, loaded.assessment.answers)


def mismatches(expected: dict[str, Any], ev: Evaluation) -> list[str]:
    """Every way the evaluation differs from what the case expects (empty when it matches)."""
    fired = {f.rule_id for f in ev.findings}
    problems = []

    def check(key: str, got: Any, want: Any) -> None:
        if got != want:
            problems.append(f"{key}: expected {want!r}, got {got!r}")

    if "dpia" in expected:
        check("dpia", ev.dpia.verdict, expected["dpia"])
    if "dpia_entry" in expected:
        check("dpia_entry", ev.dpia.policy_entry, expected["dpia_entry"])
    if "criteria" in expected:
        check("criteria", sorted(ev.criteria_met), sorted(expected["criteria"]))
    if "criteria_include" in expected:
        missing = sorted(set(expected["criteria_include"]) - set(ev.criteria_met))
        if missing:
            problems.append(f"criteria_include: not met {missing}; met {ev.criteria_met}")
    if "art35_3" in expected:
        check("art35_3", sorted(ev.art35_3_met), sorted(expected["art35_3"]))
    if "national_lists_include" in expected:
        missing = sorted(set(expected["national_lists_include"]) - set(ev.national_lists_met))
        if missing:
            problems.append(f"national_lists_include: not on {missing}; on {ev.national_lists_met}")
    if "ai_act" in expected:
        check("ai_act", ev.ai_act.status, expected["ai_act"])
    if "prior_consultation" in expected:
        check("prior_consultation", ev.prior_consultation.indicated, expected["prior_consultation"])
    for rule in expected.get("findings_include", []):
        if rule not in fired:
            problems.append(f"finding {rule} should fire; fired: {sorted(fired)}")
    recommendations = {f.rule_id: f.recommendation or "" for f in ev.findings}
    for rule, text in (expected.get("recommendation_mentions") or {}).items():
        if text.lower() not in recommendations.get(rule, "").lower():
            problems.append(f"recommendation of {rule} should mention {text!r}")
    for rule in expected.get("findings_exclude", []):
        if rule in fired:
            problems.append(f"finding {rule} should stay silent")
    return problems


def coverage(questionnaires: dict[str, Questionnaire]) -> dict[str, tuple[list[str], list[str]]]:
    """For every rule of every questionnaire: the golden cases it fired in and those it stayed silent in."""
    table: dict[str, tuple[list[str], list[str]]] = {}
    for case in cases():
        q, ev = run(case, questionnaires)
        fired = {f.rule_id for f in ev.findings}
        for rule in q.rules:
            fired_in, silent_in = table.setdefault(rule.id, ([], []))
            (fired_in if rule.id in fired else silent_in).append(case.name)
    for q in questionnaires.values():
        for rule in q.rules:
            table.setdefault(rule.id, ([], []))
    return table


def main() -> int:
    table = coverage(catalog())
    print("| rule | fired in | silent in |")
    print("|---|---|---|")
    gaps = 0
    for rule_id, (fired_in, silent_in) in sorted(table.items()):
        gaps += not fired_in or not silent_in
        print(
            f"| {rule_id} | {len(fired_in)} {'' if fired_in else '(never)'} | {len(silent_in)} {'' if silent_in else '(always)'} |"
        )
    print(f"\n{len(table)} rules, {gaps} without both a firing and a silent golden case")
    return 1 if gaps else 0


if __name__ == "__main__":
    sys.exit(main())
