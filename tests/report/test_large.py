"""A 300-answer assessment of every question kind renders, splits its tables and stays valid."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from engine.answers import Assessment
from engine.model import Questionnaire
from report import read_archive, render_pdf, verify_pdf
from tests.report.report_helpers import (
    assessment_for,
    page_count,
    pdf_text,
    rasterise,
    synthetic_answers,
    synthetic_questionnaire,
)


@pytest.fixture(scope="module")
def big_q() -> Questionnaire:
    return synthetic_questionnaire(sections=10, per_section=30)


@pytest.fixture(scope="module")
def big_assessment(big_q: Questionnaire) -> Assessment:
    return assessment_for(big_q, synthetic_answers(big_q), feature="Three hundred answers", owner="Load test")


@pytest.fixture(scope="module")
def big_pdf(big_q: Questionnaire, big_assessment: Assessment) -> bytes:
    return render_pdf(big_q, big_assessment, lang="fr", generated="2026-06-01")


def test_synthetic_questionnaire_has_300_answered_questions(big_q: Questionnaire, big_assessment: Assessment) -> None:
    assert len(big_q.questions) == 300
    assert len(big_assessment.answers) == 300


def test_a_300_answer_report_renders_every_answer(big_pdf: bytes, big_assessment: Assessment) -> None:
    text = pdf_text(big_pdf)
    assert page_count(big_pdf) > 15
    for qid, value in big_assessment.answers.items():
        if isinstance(value, str) and value.startswith("Short answer"):
            assert value in text, qid
    assert "Category 5 of s9.q29" in text
    assert "Choix 9-1-1" in text and "Niveau 3 (3)" in text


def test_long_group_tables_repeat_their_header_on_each_page(big_q: Questionnaire) -> None:
    rows = [{"category": f"Row {i}", "purpose": "Purpose", "needed": True, "retention": i} for i in range(1, 91)]
    a = assessment_for(big_q, {"s0.q29": rows})
    pdf = render_pdf(big_q, a)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    table_pages = [t for t in pages if "Row 7" in t or "Row 90" in t or ("Row 1" in t and "Purpose" in t)]
    with_rows = [t for t in pages if any(f"Row {i}\n" in t or f"Row {i} " in t for i in (45, 70, 90))]
    assert len(table_pages) >= 2 and with_rows
    for text in with_rows:
        assert "Category Purpose Needed? Retention (days)" in " ".join(text.split())


def test_a_300_answer_report_is_valid_and_every_page_rasterises(
    big_pdf: bytes, big_assessment: Assessment, tmp_path: Path
) -> None:
    result = verify_pdf(big_pdf)
    assert result.ok, result.reasons
    assert read_archive(big_pdf).assessment.answers == big_assessment.answers
    raster = rasterise(big_pdf, tmp_path, resolution=6)
    assert raster.returncode == 0, raster.stderr
    assert len(list(tmp_path.glob("page-*.png"))) == page_count(big_pdf)


def test_a_wide_group_with_long_cells_falls_back_to_blocks_instead_of_overflowing() -> None:
    import json

    from engine.loader import load_text

    fields = [{"id": f"f{i}", "kind": "short_text", "text": f"Field {i}", "max_length": 1000} for i in range(9)]
    q = load_text(
        json.dumps(
            {
                "id": "wide",
                "version": "1",
                "languages": ["en"],
                "title": "Wide",
                "sections": [
                    {
                        "id": "s",
                        "title": "S",
                        "questions": [{"id": "s.g", "kind": "group", "text": "G", "fields": fields}],
                    }
                ],
            }
        ),
        "wide.yaml",
    )
    words = " ".join(f"word{i}" for i in range(150))[:1000]
    a = assessment_for(q, {"s.g": [{f"f{i}": words for i in range(9)} for _ in range(3)]})
    pdf = render_pdf(q, a)
    assert verify_pdf(pdf).ok
    assert pdf_text(pdf).count("word100 ") == 27  # 9 fields × 3 rows, every cell printed whole
