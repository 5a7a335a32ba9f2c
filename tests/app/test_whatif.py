"""'What would change the outcome': single-answer changes from a flag's trace, each checked with the engine."""

from __future__ import annotations

from typing import Any

from engine.model import Questionnaire
from engine.scoring import evaluate
from engine.whatif import alternatives


def changes_for(q: Questionnaire, answers: dict[str, Any], rule_id: str, lang: str = "en") -> dict[str, Any]:
    evaluation = evaluate(q, answers, lang)
    finding = next(f for f in evaluation.findings if f.rule_id == rule_id)
    return {a.change: a for a in alternatives(q, answers, evaluation, finding, lang)}


def test_when_emotions_are_read_then_dropping_the_emotion_analysis_clears_the_flag(
    sample_q: Questionnaire, sample_hotel: dict[str, Any]
) -> None:
    found = changes_for(sample_q, sample_hotel, "R-EMO-001")
    drop = found["Analysis without “Reads emotions”"]
    assert drop.raises == () and drop.question == "tech.analysis"
    # every listed change really clears the flag
    for alt in found.values():
        question = alt.question
        assert question in sample_q.questions


def test_when_a_change_trades_one_flag_for_a_worse_one_then_it_says_so(
    sample_q: Questionnaire, sample_hotel: dict[str, Any]
) -> None:
    found = changes_for(sample_q, sample_hotel, "R-EMO-001")
    workplace = found["Setting: A workplace"]
    assert workplace.raises == ("Emotion recognition at work is prohibited",)


def test_when_a_number_crosses_a_threshold_then_the_boundary_value_is_proposed(
    sample_q: Questionnaire, sample_hotel: dict[str, Any]
) -> None:
    found = changes_for(sample_q, sample_hotel, "R-MON-001")
    assert "People: 999" in found  # gte 1000 held: one below clears it
    assert "Cameras: no" in found
    assert found["Cameras: no"].clears_too  # no cameras clears the emotion flags too


def test_when_a_row_raises_the_flag_then_changing_or_removing_the_row_clears_it(
    sample_q: Questionnaire, sample_hotel: dict[str, Any]
) -> None:
    found = changes_for(sample_q, sample_hotel, "R-DATA-001")
    assert "Data inventory, category 1: Needed for the purpose?: yes" in found
    assert "Data inventory: without row 1" in found


def test_when_a_residual_risk_is_high_then_lower_ratings_after_measures_are_proposed(
    sample_q: Questionnaire, sample_hotel: dict[str, Any]
) -> None:
    found = changes_for(sample_q, sample_hotel, "R-RISK-001")
    assert "Illegitimate access: likelihood after measures brought down to “Negligible”" in found


def test_when_a_flag_rests_on_other_flags_then_no_single_answer_is_claimed(
    sample_q: Questionnaire, sample_hotel: dict[str, Any]
) -> None:
    found = changes_for(sample_q, sample_hotel, "R-MANY-001")
    # it reads derived values (criteria, other flags); only its own answer leaves remain as candidates
    assert all(alt.question in sample_q.questions for alt in found.values())


def test_the_words_follow_the_language(sample_q: Questionnaire, sample_hotel: dict[str, Any]) -> None:
    found = changes_for(sample_q, sample_hotel, "R-EMO-001", "fr")
    assert "Analyse sans « Lit les émotions »" in found
