"""Fixtures for the PDF report tests: real questionnaires, real PDFs (rendered once per session)."""

from __future__ import annotations

import pytest

from engine.answers import Assessment, load_answers
from engine.loader import load_questionnaire
from engine.model import Questionnaire
from tests.report.report_helpers import HOTEL, SAMPLE, pdf_text, with_review


@pytest.fixture(scope="session")
def sample_q() -> Questionnaire:
    return load_questionnaire(SAMPLE)


@pytest.fixture(scope="session")
def hotel(sample_q: Questionnaire) -> Assessment:
    return load_answers(HOTEL, {sample_q.id: sample_q}).assessment


@pytest.fixture(scope="session")
def reviewed_hotel(hotel: Assessment) -> Assessment:
    """The hotel assessment with a full DPO review."""
    return with_review(hotel)


@pytest.fixture(scope="session")
def hotel_pdf(sample_q: Questionnaire, reviewed_hotel: Assessment) -> bytes:
    from report import render_pdf

    return render_pdf(sample_q, reviewed_hotel, status="in_review", version=3, generated="2026-12-03")


@pytest.fixture(scope="session")
def hotel_pdf_fr(sample_q: Questionnaire, reviewed_hotel: Assessment) -> bytes:
    from report import render_pdf

    return render_pdf(sample_q, reviewed_hotel, lang="fr", status="approved", generated="2026-12-03")


@pytest.fixture(scope="session")
def hotel_text(hotel_pdf: bytes) -> str:
    return pdf_text(hotel_pdf)
