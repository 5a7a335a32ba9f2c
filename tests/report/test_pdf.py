"""The rendered PDF, parsed back with pypdf and pikepdf: content, structure, PDF/A, determinism."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from engine.answers import Assessment
from engine.model import Questionnaire
from engine.scoring import evaluate
from report import ReportError, read_archive, render_pdf, verify_pdf
from report.record import questionnaire_sha256
from tests.report.report_helpers import ROOT, assessment_for, one_spaced, page_count, pdf_text, rasterise

HOTEL_ANSWER_TEXTS = [
    "Mood cameras",
    "Cameras read moods.",
    "5000",
    "Reads emotions",
    "Matches faces",
    "A publicly accessible area",
    "Health",
    "400",
    "Maximum (4)",
    "Significant (3)",
]


def test_text_holds_the_verdicts_every_finding_and_every_answer(
    sample_q: Questionnaire, reviewed_hotel: Assessment, hotel_text: str
) -> None:
    ev = evaluate(sample_q, reviewed_hotel.answers, "en")
    assert "DPIA REQUIRED" in hotel_text and "AI ACT: HIGH-RISK SYSTEM" in hotel_text
    for finding in ev.findings:
        assert one_spaced(finding.title) in hotel_text
        assert finding.rule_id in hotel_text
        assert one_spaced(" AND ".join(t.text for t in finding.trace)) in hotel_text
    for answer in HOTEL_ANSWER_TEXTS:
        assert answer in hotel_text
    assert "Ask guests with an opt-in survey." in hotel_text  # a recommended alternative


def test_text_holds_cover_facts_review_and_signature(hotel_text: str) -> None:
    for text in [
        "Mood cameras in the lobby",
        "Guest experience team",
        "Dana Privacy (DPO)",
        "IN REVIEW",
        "version 3",
        "Drop emotion reading. Keep counting only.",
        "to correct",
        "Faces are biometric data.",
        "Significant (3) → Maximum (4)",
        "The lobby cameras must not read emotions.",
        "changes requested",
        "2027-12-01",
        "Signature",
    ]:
        assert text in hotel_text, text


def test_appendix_prints_questionnaire_and_attachment_hashes(
    sample_q: Questionnaire, hotel_pdf: bytes, hotel_text: str
) -> None:
    archive = read_archive(hotel_pdf)
    assert archive.printed_sha256 == archive.attachment_sha256
    assert archive.attachment_sha256 in hotel_text
    assert questionnaire_sha256(sample_q) in hotel_text
    assert "dpia-engine" in hotel_text and "2026-12-03" in hotel_text


def test_every_page_says_page_x_of_y_and_carries_the_header(hotel_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(hotel_pdf))
    total = len(reader.pages)
    assert total >= 5
    for number, page in enumerate(reader.pages, start=1):
        text = one_spaced(page.extract_text())
        assert f"Page {number} of {total}" in text
        if number > 1:
            assert "no id · version 3 · IN REVIEW" in text


def test_contents_lists_sections_with_their_pages(hotel_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(hotel_pdf))
    contents = reader.pages[1].extract_text()
    assert "Contents" in contents
    for heading in ("Executive summary", "Findings", "Risks", "Questions and answers", "Review", "Appendix"):
        assert heading in contents
    # the page number printed next to "Appendix" is the last page
    assert f"Appendix: integrity and provenance\n{len(reader.pages)}" in contents


def test_outline_has_chapters_and_findings(hotel_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(hotel_pdf)) as pdf, pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
        assert titles[:3] == ["Contents", "Executive summary", "Findings"]
        findings = next(item for item in outline.root if item.title == "Findings")
        assert any("R-EMO-001" in child.title for child in findings.children)


def test_document_metadata_and_language(hotel_pdf: bytes, hotel_pdf_fr: bytes) -> None:
    with pikepdf.open(io.BytesIO(hotel_pdf)) as pdf:
        info = pdf.docinfo
        assert str(info["/Title"]) == "Data protection impact assessment: Mood cameras in the lobby"
        assert str(info["/Author"]) == "Guest experience team"
        assert "Sample questionnaire 1.0.0" in str(info["/Subject"])
        assert "DPIA" in str(info["/Keywords"])
        assert str(info["/CreationDate"]).startswith("D:20261203")
        assert str(pdf.Root.Lang) == "en"
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "B"
    with pikepdf.open(io.BytesIO(hotel_pdf_fr)) as pdf:
        assert str(pdf.Root.Lang) == "fr"


def test_pdf_is_pdfa_3b_with_the_assessment_attached_as_data(hotel_pdf: bytes) -> None:
    assert pikepdf.pdfa.validate_written(io.BytesIO(hotel_pdf), "3b").passed
    with pikepdf.open(io.BytesIO(hotel_pdf)) as pdf:
        spec = pdf.attachments["assessment.json"]
        assert spec.obj["/AFRelationship"] == pikepdf.Name.Data
        assert spec.get_file().mime_type == "application/json"
        assert "/AF" in pdf.Root
    result = verify_pdf(hotel_pdf)
    assert result.ok, result.reasons


def test_attached_record_holds_answers_review_and_evaluation(
    sample_q: Questionnaire, reviewed_hotel: Assessment, hotel_pdf: bytes
) -> None:
    archive = read_archive(hotel_pdf)
    assert archive.assessment.answers == reviewed_hotel.answers
    assert archive.assessment.metadata == reviewed_hotel.metadata
    assert archive.assessment.review == reviewed_hotel.review
    assert (archive.questionnaire_id, archive.questionnaire_version) == ("sample", "1.0.0")
    assert archive.questionnaire_sha256 == questionnaire_sha256(sample_q)
    assert archive.evaluation == evaluate(sample_q, reviewed_hotel.answers, "en")
    assert archive.report == {
        "status": "in_review",
        "version": 3,
        "lang": "en",
        "generated": "2026-12-03T00:00:00+00:00",
        "engine_version": archive.report["engine_version"],
    }
    assert json.loads(archive.attachment)["format"] == "dpia-archive"


def test_french_report_uses_french_words(hotel_pdf_fr: bytes) -> None:
    text = pdf_text(hotel_pdf_fr)
    for words in ("AIPD OBLIGATOIRE", "Synthèse", "Constats", "Questions et réponses", "Revue", "oui", "sur"):
        assert words in text, words
    assert "Des émotions sont déduites des visages" in text  # questionnaire text in French too


def test_when_rendered_twice_then_bytes_are_identical(sample_q: Questionnaire, reviewed_hotel: Assessment) -> None:
    first = render_pdf(sample_q, reviewed_hotel, generated="2026-12-03")
    second = render_pdf(sample_q, reviewed_hotel, generated="2026-12-03")
    assert first == second


def test_when_rendered_in_another_process_then_bytes_are_identical(hotel_pdf: bytes, tmp_path: Path) -> None:
    out = tmp_path / "other.pdf"
    code = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from tests.report.report_helpers import HOTEL, SAMPLE, with_review
from engine.loader import load_questionnaire
from engine.answers import load_answers
import report
q = load_questionnaire(SAMPLE)
reviewed = with_review(load_answers(HOTEL, {{q.id: q}}).assessment)
open({str(out)!r}, "wb").write(report.render_pdf(q, reviewed, status="in_review", version=3, generated="2026-12-03"))
"""
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env, capture_output=True, timeout=120)
    assert out.read_bytes() == hotel_pdf


def test_generated_defaults_to_the_assessment_date_never_the_clock(sample_q: Questionnaire, hotel: Assessment) -> None:
    pdf = render_pdf(sample_q, hotel)
    assert "Generated 2026-11-29" in pdf_text(pdf)
    undated = hotel.model_copy(update={"metadata": hotel.metadata.model_copy(update={"date": None})})
    assert "Generated 2000-01-01" in pdf_text(render_pdf(sample_q, undated))


@pytest.mark.parametrize("generated", ["yesterday", "2026-13-01", ""])
def test_when_generated_is_not_an_iso_date_then_a_clear_error(
    sample_q: Questionnaire, hotel: Assessment, generated: str
) -> None:
    with pytest.raises(ReportError, match="generated: expected an ISO 8601 date"):
        render_pdf(sample_q, hotel, generated=generated)


def test_when_the_assessment_names_another_questionnaire_then_a_clear_error(
    sample_q: Questionnaire, hotel: Assessment
) -> None:
    with pytest.raises(ReportError, match="answers questionnaire 'other'"):
        render_pdf(sample_q, hotel.model_copy(update={"questionnaire": "other"}))


def test_hidden_questions_are_left_out_and_missing_required_answers_marked(sample_q: Questionnaire) -> None:
    a = assessment_for(sample_q, {"tech.cameras": False, "tech.analysis": ["emotions"], "context.people": 12})
    text = pdf_text(render_pdf(sample_q, a))
    assert "What does the video analysis do?" not in text and "Reads emotions" not in text
    assert "Q1 What is the feature called? ⚠ Required answer missing" in text
    assert "Q6 Does it use cameras? no" in text


def test_no_review_still_prints_an_empty_signature_block(sample_q: Questionnaire, hotel: Assessment) -> None:
    text = pdf_text(render_pdf(sample_q, hotel))
    assert "This assessment has not been reviewed yet." in text
    assert "Signature Name Role Date Signature" in text


def test_pdftoppm_renders_every_page_without_error(hotel_pdf: bytes, tmp_path: Path) -> None:
    result = rasterise(hotel_pdf, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert len(list(tmp_path.glob("page-*.png"))) == page_count(hotel_pdf)


def test_validate_runs_the_pdfa_check_and_changes_no_byte(sample_q: Questionnaire, hotel: Assessment) -> None:
    assert render_pdf(sample_q, hotel, validate=True) == render_pdf(sample_q, hotel)


def test_a_bare_questionnaire_and_an_empty_assessment_still_make_a_valid_report() -> None:
    from engine.loader import load_text

    q = load_text(
        "id: bare\nversion: '0.1'\nlanguages: [en]\ntitle: Bare\nsections:\n"
        "  - id: s\n    title: Only section\n    questions:\n"
        "      - {id: s.q, kind: yes_no, text: Anything?, required: true}\n",
        "bare.yaml",
    )
    a = assessment_for(q, {})
    pdf = render_pdf(q, a)
    text = pdf_text(pdf)
    assert "No rule fired on these answers." in text
    assert "No feared event is rated in this assessment." in text
    assert "Q1 Anything? ⚠ Required answer missing" in text
    assert verify_pdf(pdf).ok
