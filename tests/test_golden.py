"""Golden scenarios: each answers file scores to the outcome the law gives (see tests/golden_cases.py)."""

from __future__ import annotations

import pytest

from engine.answers import load_answers
from engine.scoring import evaluate, outcome, outcome_of
from tests.golden_cases import Case, cases, catalog, coverage, mismatches, run

CASES = cases()


@pytest.fixture(scope="module")
def questionnaires():  # type: ignore[no-untyped-def]
    return catalog()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_case_scores_to_its_expected_outcome(case: Case, questionnaires) -> None:  # type: ignore[no-untyped-def]
    _, evaluation = run(case, questionnaires)
    assert mismatches(case.expected, evaluation) == []


def test_there_are_at_least_twelve_golden_cases() -> None:
    assert len(CASES) >= 12


def test_every_rule_fires_in_one_golden_case_and_stays_silent_in_another(questionnaires) -> None:  # type: ignore[no-untyped-def]
    table = coverage(questionnaires)
    never = sorted(rule for rule, (fired, _) in table.items() if not fired)
    always = sorted(rule for rule, (_, silent) in table.items() if not silent)
    assert never == [], f"rules no golden case fires: {never}"
    assert always == [], f"rules every golden case fires: {always}"


def test_a_broken_expectation_is_reported(questionnaires) -> None:  # type: ignore[no-untyped-def]
    """The driver itself: a wrong expectation yields a readable mismatch, not a pass."""
    case = next(c for c in CASES if c.name == "hotel-emotion-cameras")
    _, evaluation = run(case, questionnaires)
    wrong = {
        "dpia": "not_required",
        "ai_act": "none",
        "findings_exclude": ["R-EMOTION-INFERENCE"],
        "recommendation_mentions": {"R-EMOTION-INFERENCE": "install more cameras"},
    }
    assert mismatches(wrong, evaluation) == [
        "dpia: expected 'not_required', got 'required'",
        "ai_act: expected 'none', got 'high_risk'",
        "recommendation of R-EMOTION-INFERENCE should mention 'install more cameras'",
        "finding R-EMOTION-INFERENCE should stay silent",
    ]


def _variants(case: Case, questionnaires):  # type: ignore[no-untyped-def]
    """The case's answers, and the same with every other answer left out (undecided rules, provisional verdicts)."""
    loaded = load_answers(case.answers_path, questionnaires)
    answers = loaded.assessment.answers
    half = {qid: value for i, (qid, value) in enumerate(sorted(answers.items())) if i % 2}
    return loaded.questionnaire, [answers, half]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_outcome_without_explanations_equals_the_evaluations_outcome(case: Case, questionnaires) -> None:  # type: ignore[no-untyped-def]
    q, variants = _variants(case, questionnaires)
    for answers in variants:
        assert outcome(q, answers) == outcome_of(evaluate(q, answers))


def test_memoised_explanations_equal_fresh_ones_across_every_case(questionnaires) -> None:  # type: ignore[no-untyped-def]
    """Evaluations reuse findings, trace lines and summaries memoised by earlier ones: in any
    order, in either language, each must equal the evaluation of a questionnaire that remembers nothing."""
    runs = [(q, answers) for case in CASES for q, variants in [_variants(case, questionnaires)] for answers in variants]
    for lang in ("en", "fr"):
        memoised = [evaluate(q, answers, lang).to_json() for q, answers in runs]
        memoised_again = [evaluate(q, answers, lang).to_json() for q, answers in reversed(runs)][::-1]
        fresh = []
        for q, answers in runs:
            q.render_cache.clear()
            fresh.append(evaluate(q, answers, lang).to_json())
        assert memoised == fresh
        assert memoised_again == fresh
