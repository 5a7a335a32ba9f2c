"""The real questionnaires and the hotel example (skipped until they exist): every answer and finding printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.answers import Assessment, load_answers
from engine.loader import load_catalog
from engine.model import Questionnaire
from engine.scoring import evaluate
from report import render_pdf, verify_pdf
from report.model import ListAnswer, Provenance, RiskAnswer, TableAnswer, TextAnswer, build_report
from tests.report.report_helpers import EXAMPLE_HOTEL, QUESTIONNAIRES, hotel_full_dpia, one_spaced, pdf_text, rasterise

pytestmark = pytest.mark.skipif(
    not EXAMPLE_HOTEL.is_file(), reason="examples/hotel-emotion-cameras.yaml not written yet"
)


@pytest.fixture(scope="module")
def catalog() -> dict[str, Questionnaire]:
    loaded = load_catalog([QUESTIONNAIRES])
    assert not loaded.errors, loaded.errors
    return loaded.questionnaires


def printed_answers(q: Questionnaire, a: Assessment, lang: str) -> list[str]:
    """Every answer text the report model says it prints."""
    provenance = Provenance("draft", 1, "2026-11-29", "0" * 64, "0" * 64, "0.1.0")
    report = build_report(q, a, evaluate(q, a.answers, lang), lang, provenance)
    texts: list[str] = []
    for section in report.sections:
        for item in section.items:
            answer = item.answer
            if isinstance(answer, TextAnswer):
                texts.append(answer.text)
            elif isinstance(answer, ListAnswer):
                texts += answer.items
            elif isinstance(answer, TableAnswer | RiskAnswer):
                texts += [cell for row in answer.rows for cell in row if cell]
    return texts


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_hotel_example_prints_verdict_every_finding_and_every_answer(
    catalog: dict[str, Questionnaire], lang: str
) -> None:
    loaded = load_answers(EXAMPLE_HOTEL, catalog)
    q, a = loaded.questionnaire, loaded.assessment
    pdf = render_pdf(q, a, lang=lang, validate=True)
    text = pdf_text(pdf)
    ev = evaluate(q, a.answers, lang)
    assert {"en": "DPIA REQUIRED", "fr": "AIPD OBLIGATOIRE"}[lang] in text
    for finding in ev.findings:
        assert one_spaced(finding.title) in text, finding.rule_id
    for answer in printed_answers(q, a, lang):
        assert one_spaced(answer) in text, answer
    assert verify_pdf(pdf).ok


def test_hotel_carried_into_the_full_dpia_has_a_heat_map_inventory_and_action_plan(
    catalog: dict[str, Questionnaire], tmp_path: Path
) -> None:
    a = hotel_full_dpia(catalog)
    q = catalog["dpia"]
    pdf = render_pdf(q, a, status="in_review", generated="2026-12-03")
    text = pdf_text(pdf)
    assert "Before measures" in text and "After measures" in text and "R1" in text
    for answer in printed_answers(q, a, "en"):
        assert one_spaced(answer) in text, answer
    assert "VisionAI Ltd" in text and "Encrypted camera streams on a separate network" in text
    assert verify_pdf(pdf).ok
    assert rasterise(pdf, tmp_path, resolution=6).returncode == 0
