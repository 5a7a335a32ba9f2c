"""evaluate(): visibility, findings with traces, verdict policy, risks; pure and deterministic."""

from __future__ import annotations

import json
from typing import Any

import pytest

from engine.model import Questionnaire
from engine.scoring import evaluate

HOTEL: dict[str, Any] = {
    "context.feature": "Mood cameras",
    "context.people": 5000,
    "context.description": "Cameras read moods.",
    "tech.cameras": True,
    "tech.analysis": ["emotions", "faces"],
    "tech.setting": "public_area",
    "data.inventory": [{"category": "health", "needed": False, "retention_days": 400}],
    "risk.access": {"likelihood_before": 4, "severity_before": 4, "likelihood_after": 3, "severity_after": 3},
}


def ids(evaluation: Any) -> list[str]:
    return [f.rule_id for f in evaluation.findings]


def test_when_camera_reads_emotions_in_public_then_ai_act_high_risk_and_dpia_required(sample: Questionnaire) -> None:
    ev = evaluate(sample, HOTEL)
    assert ev.dpia.verdict == "required"
    assert ev.dpia.policy_entry == "art35_3"
    assert ev.ai_act.status == "high_risk"
    assert ev.ai_act.rules == ["R-EMO-001"]
    assert ev.criteria_met == ["systematic_monitoring", "sensitive_data", "large_scale"]
    assert ev.art35_3_met == ["c"]
    assert ev.national_lists_met == ["cnil_35_4:11"]
    assert set(ids(ev)) == {"R-EMO-001", "R-MON-001", "R-RISK-001", "R-DATA-001", "R-MANY-001", "R-SCALE-001"}
    assert "R-EMO-002" not in ids(ev)


def test_when_emotion_cameras_watch_the_workplace_then_prohibited(sample: Questionnaire) -> None:
    ev = evaluate(sample, {**HOTEL, "tech.setting": "workplace"})
    assert ev.ai_act.status == "prohibited"
    assert "R-EMO-002" in ids(ev) and "R-EMO-001" not in ids(ev)


def test_findings_are_sorted_by_severity_then_id(sample: Questionnaire) -> None:
    ev = evaluate(sample, HOTEL)
    order = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}
    keys = [(order[f.severity], f.rule_id) for f in ev.findings]
    assert keys == sorted(keys)


def test_trace_reads_as_the_answers_that_fired_the_rule(sample: Questionnaire) -> None:
    ev = evaluate(sample, HOTEL)
    monitoring = next(f for f in ev.findings if f.rule_id == "R-MON-001")
    assert [t.text for t in monitoring.trace] == [
        "Cameras = yes",
        "Setting = A publicly accessible area",
        "People = 5000 (≥ 1000)",
    ]
    data = next(f for f in ev.findings if f.rule_id == "R-DATA-001")
    assert data.trace[0].row == 1
    assert data.trace[0].text == "Data inventory, row 1: Needed for the purpose? = no"


def test_texts_follow_the_requested_language(sample: Questionnaire) -> None:
    ev = evaluate(sample, HOTEL, "fr")
    emo = next(f for f in ev.findings if f.rule_id == "R-EMO-001")
    assert emo.title == "Des émotions sont déduites des visages"
    assert emo.trace[1].text == "Lieu = Un lieu accessible au public, et non Un lieu de travail"
    assert ev.dpia.reason == "Un cas de l'art. 35(3) s'applique."


def test_hidden_question_answer_is_ignored(sample: Questionnaire) -> None:
    ev = evaluate(sample, {**HOTEL, "tech.cameras": False})
    assert "tech.analysis" not in ev.visible_questions
    assert "tech.analysis" not in ev.answered_questions
    assert "R-EMO-001" not in ids(ev) and ev.ai_act.status == "none"


def test_unanswered_is_unknown_never_no(sample: Questionnaire) -> None:
    answers = {k: v for k, v in HOTEL.items() if k != "tech.analysis"}
    ev = evaluate(sample, answers)
    undecided = {u.rule_id: u for u in ev.undecided}
    assert "R-EMO-001" in undecided
    # the workplace rule is decided all the same: the setting is not a workplace
    assert "R-EMO-002" not in undecided and "R-EMO-002" not in ids(ev)
    assert undecided["R-EMO-001"].missing == ["tech.analysis"]
    assert ev.missing_required == ["tech.analysis"]
    assert ev.ai_act.status == "none" and ev.ai_act.provisional


def test_empty_answers_give_a_provisional_verdict_and_zero_completion(sample: Questionnaire) -> None:
    ev = evaluate(sample, {})
    assert ev.completion == 0.0
    assert ev.dpia.provisional
    assert ev.findings == []


def test_exemption_overrides_criteria(sample: Questionnaire) -> None:
    ev = evaluate(sample, {**HOTEL, "context.professional": True})
    assert ev.dpia.verdict == "not_required"
    assert ev.dpia.policy_entry == "exempted"
    assert not ev.dpia.provisional
    assert "exemption:R-R91-001" in ev.dpia.basis


def test_risk_levels_come_from_the_matrix_and_high_residual_indicates_art36(sample: Questionnaire) -> None:
    ev = evaluate(sample, HOTEL)
    (risk,) = ev.risks
    assert (risk.before.level, risk.after.level) == ("high", "high")
    assert risk.after.likelihood_label == "Significant"
    assert ev.prior_consultation.indicated is True
    assert ev.prior_consultation.risks == ["risk.access"]
    lower = {
        **HOTEL,
        "risk.access": {"likelihood_before": 4, "severity_before": 4, "likelihood_after": 1, "severity_after": 2},
    }
    ev = evaluate(sample, lower)
    assert ev.risks[0].after.level == "low" and ev.prior_consultation.indicated is False
    assert "R-RISK-001" not in ids(ev)


def test_one_criterion_gives_recommended(sample: Questionnaire) -> None:
    answers = {"context.feature": "x", "context.people": 20000, "tech.cameras": False, "context.professional": False}
    ev = evaluate(sample, answers)
    assert ev.criteria_met == ["large_scale"]
    assert ev.dpia.verdict == "recommended"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_same_inputs_give_the_same_evaluation(sample: Questionnaire, lang: str) -> None:
    first = evaluate(sample, HOTEL, lang).to_json()
    for _ in range(3):
        assert evaluate(sample, json.loads(json.dumps(HOTEL)), lang).to_json() == first


def test_evaluate_does_not_change_its_inputs(sample: Questionnaire) -> None:
    answers = json.loads(json.dumps(HOTEL))
    evaluate(sample, answers)
    assert answers == HOTEL


def test_evaluation_json_has_the_contract_fields(sample: Questionnaire) -> None:
    data = json.loads(evaluate(sample, HOTEL).to_json())
    assert set(data) == {
        "contract",
        "questionnaire_id",
        "questionnaire_version",
        "lang",
        "visible_questions",
        "answered_questions",
        "missing_required",
        "completion",
        "criteria",
        "criteria_met",
        "art35_3",
        "art35_3_met",
        "national_lists_met",
        "dpia",
        "ai_act",
        "findings",
        "undecided",
        "risks",
        "prior_consultation",
    }
    assert set(data["dpia"]) == {"verdict", "reason", "policy_entry", "basis", "provisional"}
    assert set(data["findings"][0]) >= {
        "rule_id",
        "severity",
        "title",
        "explanation",
        "recommendation",
        "references",
        "trace",
    }


def test_group_rows_below_min_rows_and_missing_required_fields_count_as_missing(sample: Questionnaire) -> None:
    ev = evaluate(sample, {**HOTEL, "data.inventory": []})
    assert "data.inventory" in ev.missing_required
    rows = [{"category": "health", "needed": True}, {"category": "contact"}]
    ev = evaluate(sample, {**HOTEL, "data.inventory": rows})
    assert ev.missing_required == ["data.inventory[2].needed"]
    assert ev.completion < 100.0
