"""The report model on its own: what the PDF will say, decided without ReportLab."""

from __future__ import annotations

import string
import subprocess
import sys

import pytest

from engine.answers import Assessment
from engine.model import Questionnaire
from engine.scoring import evaluate
from report.model import (
    ListAnswer,
    NoAnswer,
    Provenance,
    Report,
    RiskAnswer,
    TableAnswer,
    TextAnswer,
    build_report,
)
from report.words import WORDS
from tests.report.report_helpers import ROOT, assessment_for

PROVENANCE = Provenance("draft", 2, "2026-12-03", "a" * 64, "b" * 64, "0.1.0")


def model(q: Questionnaire, a: Assessment, lang: str = "en") -> Report:
    return build_report(q, a, evaluate(q, a.answers, lang), lang, PROVENANCE)


def answers_by_id(report: Report) -> dict[str, object]:
    return {item.qid: item.answer for section in report.sections for item in section.items}


def test_when_importing_the_report_model_then_reportlab_and_pikepdf_stay_unloaded() -> None:
    code = "import sys, report.model, report.record; print('reportlab' in sys.modules, 'pikepdf' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_when_dpia_is_required_then_banner_says_so_in_words_and_symbol(sample_q: Questionnaire, hotel: Assessment):
    r = model(sample_q, hotel)
    banner = r.cover.banner
    assert banner.dpia.label == "DPIA required" and banner.dpia.symbol == "▲"
    assert banner.ai_act.label == "AI Act: high-risk system" and banner.ai_act.symbol
    assert banner.provisional  # context.professional is unanswered, so a rule is undecided


def test_summary_names_criteria_points_and_the_most_severe_findings(sample_q: Questionnaire, hotel: Assessment):
    s = model(sample_q, hotel).summary
    assert s.criteria_met == ["Systematic monitoring", "Sensitive data", "Large scale"]
    assert s.criteria_line == "WP248 criteria met: 3 of 3"
    assert s.art35_3 == ["Art. 35(3)(c): Monitoring of a publicly accessible area on a large scale"]
    assert s.national_lists == ["CNIL Art. 35(4) list, item 11"]
    assert s.top_findings[0].title == "Emotions are inferred from faces"
    assert s.top_findings[0].badge.label == "critical"
    assert s.prior.label == "indicated"


def test_each_finding_carries_its_trace_references_and_alternative(sample_q: Questionnaire, hotel: Assessment):
    findings = {f.rule_id: f for f in model(sample_q, hotel).findings}
    mon = findings["R-MON-001"]
    assert mon.because == "Cameras = yes AND Setting = A publicly accessible area AND People = 5000 (≥ 1000)"
    assert mon.references == ["GDPR Art. 35(3)(c)", "WP248 criterion 3"]
    assert mon.recommendation == "Count people without cameras."
    assert "Systematic monitoring" in mon.evidences and "Art. 35(3)(c)" in mon.evidences


def test_answers_are_shown_in_words(sample_q: Questionnaire, hotel: Assessment):
    answers = answers_by_id(model(sample_q, hotel))
    assert answers["context.people"] == TextAnswer("5000")
    assert answers["tech.cameras"] == TextAnswer("yes")
    assert answers["tech.analysis"] == ListAnswer(["Reads emotions", "Matches faces"])
    assert answers["tech.setting"] == TextAnswer("A publicly accessible area")
    inventory = answers["data.inventory"]
    assert isinstance(inventory, TableAnswer)
    assert inventory.headers == ["Category", "Needed for the purpose?", "Retention (days)"]
    assert inventory.rows == [["Health", "no", "400"]]
    risk = answers["risk.access"]
    assert isinstance(risk, RiskAnswer)
    assert risk.rows[0] == ["Before measures", "Maximum (4)", "Maximum (4)", "high"]
    assert risk.rows[1] == ["After measures", "Significant (3)", "Significant (3)", "high"]


def test_when_a_question_is_hidden_then_it_is_left_out(sample_q: Questionnaire):
    a = assessment_for(sample_q, {"context.feature": "x", "tech.cameras": False, "tech.analysis": ["emotions"]})
    answers = answers_by_id(model(sample_q, a))
    assert "tech.analysis" not in answers and "tech.setting" not in answers
    assert "tech.cameras" in answers


def test_when_a_required_answer_is_missing_then_it_is_marked(sample_q: Questionnaire):
    a = assessment_for(sample_q, {"tech.cameras": True})
    r = model(sample_q, a)
    answers = answers_by_id(r)
    assert answers["tech.analysis"] == NoAnswer(True, "Required answer missing")
    assert answers["context.start"] == NoAnswer(False, "not answered")
    assert "Q1 Feature" in r.summary.missing_required


def test_heat_map_places_each_risk_in_its_cell_before_and_after(sample_q: Questionnaire, hotel: Assessment):
    risks = model(sample_q, hotel).risks
    before, after = risks.maps
    # cells are indexed (severity index, likelihood index) in scale order: 4/4 -> (3, 3), 3/3 -> (2, 2)
    assert before.marks == {(3, 3): ["R1"]}
    assert after.marks == {(2, 2): ["R1"]}
    assert before.cells[3][3] == "high"
    assert [level for level, _letter, _label in risks.legend] == ["low", "medium", "high"]
    assert risks.rows[0].before_level is not None and risks.rows[0].before_level.label == "high"


def test_review_shows_comments_overrides_opinion_and_signature(sample_q: Questionnaire, reviewed_hotel: Assessment):
    v = model(sample_q, reviewed_hotel).review
    assert v.reviewer == "Dana Privacy (DPO)"
    first = v.comments[0]
    assert first.subject == "Q7 Analysis" and first.badge is not None and first.badge.label == "to correct"
    assert v.comments[2].subject == "Whole assessment" and v.comments[2].resolved
    assert v.overrides[0].change == "Q11 Illegitimate access, severity after measures: Significant (3) → Maximum (4)"
    assert v.decision is not None and v.decision.label == "changes requested"
    assert (v.sign_name, v.sign_role, v.sign_date) == ("Dana Privacy", "DPO", "2026-12-02")


def test_when_french_then_words_are_french(sample_q: Questionnaire, hotel: Assessment):
    r = model(sample_q, hotel, "fr")
    assert r.cover.banner.dpia.label == "AIPD obligatoire"
    assert r.words["summary"] == "Synthèse"
    assert answers_by_id(r)["tech.cameras"] == TextAnswer("oui")
    assert r.summary.national_lists == ["Liste CNIL art. 35(4), point 11"]


def test_appendix_carries_hashes_engine_and_date(sample_q: Questionnaire, hotel: Assessment):
    a = model(sample_q, hotel).appendix
    assert a.questionnaire_sha256 == "a" * 64 and a.answers_sha256 == "b" * 64
    values = {f.label: f.value for f in a.fields}
    assert values["Engine"] == "dpia-engine 0.1.0"
    assert values["Generated"] == "2026-12-03"


@pytest.mark.parametrize("lang", sorted(WORDS))
def test_every_language_has_every_report_word_with_the_same_placeholders(lang: str) -> None:
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    english = WORDS["en"]
    assert set(WORDS[lang]) == set(english)
    for key, text in WORDS[lang].items():
        assert fields(text) == fields(english[key]), key


@pytest.mark.parametrize("lang", sorted(WORDS))
def test_page_number_words_end_with_the_total(lang: str) -> None:
    # the renderer draws "Page X of " per page and the total once, as a form defined at the end
    assert WORDS[lang]["footer.page"].endswith("{total}")


def test_when_a_required_row_field_is_missing_then_its_cell_and_the_summary_say_so(sample_q: Questionnaire) -> None:
    a = assessment_for(
        sample_q,
        {"context.feature": "x", "data.inventory": [{"category": "health", "needed": True}, {"category": "contact"}]},
    )
    r = model(sample_q, a)
    inventory = answers_by_id(r)["data.inventory"]
    assert isinstance(inventory, TableAnswer)
    assert inventory.rows == [["Health", "yes", ""], ["Contact details", "⚠ Required answer missing", ""]]
    assert "Q10 Data inventory, row 2: Needed for the purpose?" in r.summary.missing_required
