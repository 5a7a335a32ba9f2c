"""Helpers for the PDF report tests: text extraction, rasterising, synthetic questionnaires and answers."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from engine.answers import Assessment, check_answers, load_answers
from engine.loader import load_text
from engine.model import Questionnaire

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE = FIXTURES / "sample.yaml"
HOTEL = FIXTURES / "answers" / "sample-hotel.yaml"


def pdf_text(pdf: bytes) -> str:
    """All the text pypdf extracts, whitespace collapsed (line wraps become spaces)."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def one_spaced(text: str) -> str:
    return " ".join(text.split())


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def rasterise(pdf: bytes, tmp_path: Path, resolution: int = 12) -> subprocess.CompletedProcess[str]:
    """Run poppler's pdftoppm over every page (skips the test when poppler-utils is missing)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed (Debian package poppler-utils)")
    source = tmp_path / "in.pdf"
    source.write_bytes(pdf)
    return subprocess.run(
        ["pdftoppm", "-r", str(resolution), "-png", str(source), str(tmp_path / "page")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


REVIEW: dict[str, Any] = {
    "reviewer": "Dana Privacy (DPO)",
    "comments": [
        {
            "question": "tech.analysis",
            "author": "Dana Privacy",
            "text": "Drop emotion reading.\nKeep counting only.",
            "verdict": "to_correct",
            "created": "2026-12-01",
        },
        {
            "question": "context.people",
            "author": "Dana Privacy",
            "text": "Estimate looks right.",
            "verdict": "acceptable",
        },
        {
            "author": "Dana Privacy",
            "text": "Overall: rework the design.",
            "verdict": "improvable",
            "resolved": True,
        },
    ],
    "overrides": [
        {
            "target": "risk.access",
            "field": "severity_after",
            "value": 4,
            "previous": 3,
            "reason": "Faces are biometric data.",
            "author": "Dana Privacy",
        }
    ],
    "opinion": "The lobby cameras must not read emotions.",
    "decision": "changes_requested",
    "sign_off": {"name": "Dana Privacy", "role": "DPO", "date": "2026-12-02"},
    "review_date": "2027-12-01",
}


def with_review(assessment: Assessment) -> Assessment:
    """``assessment`` with :data:`REVIEW` as its DPO review."""
    return Assessment.model_validate({**assessment.to_data(), "review": REVIEW})


def assessment_for(q: Questionnaire, answers: dict[str, Any], **metadata: Any) -> Assessment:
    """A checked assessment (answers normalised like an answers file) for ``q``."""
    clean, problems = check_answers(q, answers)
    assert not problems, problems
    meta = {"feature": "A feature", **metadata}
    return Assessment(questionnaire=q.id, version=q.version, metadata=meta, answers=clean)


def synthetic_questionnaire(sections: int = 10, per_section: int = 30) -> Questionnaire:
    """A questionnaire of ``sections × per_section`` questions cycling through every kind."""
    kinds = ["yes_no", "single_choice", "multi_choice", "short_text", "long_text", "number", "date", "scale"]
    scale_levels = [{"value": v, "label": {"en": f"Level {v}", "fr": f"Niveau {v}"}} for v in range(1, 5)]
    data: dict[str, Any] = {
        "id": "synthetic",
        "version": "1.0.0",
        "languages": ["en", "fr"],
        "title": {"en": "Synthetic questionnaire", "fr": "Questionnaire synthétique"},
        "scales": [
            {"id": "likelihood", "title": {"en": "Likelihood", "fr": "Vraisemblance"}, "levels": scale_levels},
            {"id": "severity", "title": {"en": "Severity", "fr": "Gravité"}, "levels": scale_levels},
        ],
        "risk_matrix": {
            "likelihood_scale": "likelihood",
            "severity_scale": "severity",
            "cells": [
                ["low", "low", "low", "medium"],
                ["low", "low", "medium", "medium"],
                ["low", "medium", "high", "high"],
                ["medium", "medium", "high", "high"],
            ],
        },
        "sections": [],
        "rules": [],
    }
    for s in range(sections):
        questions: list[dict[str, Any]] = []
        for n in range(per_section):
            qid = f"s{s}.q{n}"
            kind = kinds[n % len(kinds)]
            if n == per_section - 1:
                kind = "group"
            elif n == per_section - 2:
                kind = "risk_rating"
            question: dict[str, Any] = {
                "id": qid,
                "kind": kind,
                "text": {"en": f"Question {s}-{n} ({kind})?", "fr": f"Question {s}-{n} ({kind}) ?"},
            }
            if kind in ("single_choice", "multi_choice"):
                question["options"] = [
                    {"value": f"o{i}", "label": {"en": f"Option {s}-{n}-{i}", "fr": f"Choix {s}-{n}-{i}"}}
                    for i in range(3)
                ]
            if kind == "scale":
                question["scale"] = "likelihood"
            if kind == "risk_rating":
                question["likelihood_scale"] = "likelihood"
                question["severity_scale"] = "severity"
            if kind == "group":
                question["fields"] = [
                    {"id": "category", "kind": "short_text", "text": "Category"},
                    {"id": "purpose", "kind": "short_text", "text": "Purpose"},
                    {"id": "needed", "kind": "yes_no", "text": "Needed?"},
                    {"id": "retention", "kind": "number", "text": "Retention (days)"},
                ]
            questions.append(question)
        data["sections"].append(
            {"id": f"s{s}", "title": {"en": f"Section {s}", "fr": f"Section {s}"}, "questions": questions}
        )
    return load_text(json.dumps(data), "synthetic.yaml")


def synthetic_answers(q: Questionnaire) -> dict[str, Any]:
    """One answer per question of :func:`synthetic_questionnaire`."""
    answers: dict[str, Any] = {}
    for qid, question in q.questions.items():
        kind = question.kind
        if kind == "yes_no":
            answers[qid] = len(qid) % 2 == 0
        elif kind == "single_choice":
            answers[qid] = "o1"
        elif kind == "multi_choice":
            answers[qid] = ["o0", "o2"]
        elif kind == "short_text":
            answers[qid] = f"Short answer to {qid}"
        elif kind == "long_text":
            answers[qid] = f"Long answer to {qid}. " + "It explains the processing in some detail. " * 6
        elif kind == "number":
            answers[qid] = 1000 + len(answers)
        elif kind == "date":
            answers[qid] = "2026-05-17"
        elif kind == "scale":
            answers[qid] = 3
        elif kind == "risk_rating":
            answers[qid] = {"likelihood_before": 4, "severity_before": 3, "likelihood_after": 2, "severity_after": 2}
        elif kind == "group":
            answers[qid] = [
                {"category": f"Category {i} of {qid}", "purpose": "Billing", "needed": i % 2 == 0, "retention": 30 * i}
                for i in range(1, 6)
            ]
    return answers


EXAMPLE_HOTEL = ROOT / "examples" / "hotel-emotion-cameras.yaml"
QUESTIONNAIRES = ROOT / "questionnaires"


def hotel_full_dpia(catalog: dict[str, Questionnaire]) -> Assessment:
    """The hotel example carried into the full DPIA: its screening answers plus plausible DPIA answers.

    Texts come from each question's own examples; risks, the data inventory, processors and the
    action plan are filled in by hand. Used for a smoke test and for docs/images.
    """
    loaded = load_answers(EXAMPLE_HOTEL, catalog)
    q = catalog["dpia"]
    answers: dict[str, Any] = dict(loaded.assessment.answers)
    for qid, question in q.questions.items():
        if qid in answers or not qid.startswith("dpia."):
            continue
        kind = question.kind
        if kind in ("short_text", "long_text"):
            example = q.text(question.examples[0], "en") if question.examples else q.text(question.short, "en")
            answers[qid] = example[: question.max_length]
        elif kind == "single_choice":
            answers[qid] = question.options[0].value
        elif kind == "multi_choice":
            answers[qid] = [question.options[0].value]
        elif kind == "yes_no":
            answers[qid] = True
        elif kind == "date":
            answers[qid] = "2027-03-31"
    answers["dpia.risk.illegitimate_access"] = {
        "likelihood_before": 4,
        "severity_before": 3,
        "likelihood_after": 2,
        "severity_after": 3,
    }
    answers["dpia.risk.unwanted_modification"] = {
        "likelihood_before": 3,
        "severity_before": 2,
        "likelihood_after": 1,
        "severity_after": 2,
    }
    answers["dpia.risk.disappearance"] = {
        "likelihood_before": 2,
        "severity_before": 2,
        "likelihood_after": 1,
        "severity_after": 1,
    }
    answers["dpia.inventory"] = [
        {
            "category": "images",
            "purpose": "Read moods",
            "source": "observed",
            "retention": 24,
            "retention_unit": "hours",
            "needed": False,
            "minimisation": "none",
        },
        {
            "category": "emotions",
            "purpose": "Adapt service",
            "source": "inferred",
            "retention": 30,
            "retention_unit": "days",
            "needed": False,
            "minimisation": "none",
        },
        {
            "category": "contact",
            "purpose": "Loyalty programme",
            "source": "from_people",
            "retention": 3,
            "retention_unit": "years",
            "needed": True,
            "minimisation": "reduced",
        },
    ]
    answers["dpia.processors"] = [
        {"name": "VisionAI Ltd", "service": "Emotion analytics cloud", "contract": "negotiating", "eea_only": False},
        {"name": "HotelSoft", "service": "Staff tablets and loyalty CRM", "contract": "signed", "eea_only": True},
    ]
    answers["dpia.measures"] = [
        {
            "measure": "Drop emotion reading; ask guests with an opt-in survey",
            "risks": ["principles"],
            "owner": "Product",
            "due": "2027-01-15",
            "status": "planned",
        },
        {
            "measure": "Personal logins on staff tablets; mood cards deleted after 24 hours",
            "risks": ["illegitimate_access"],
            "owner": "IT",
            "due": "2027-02-01",
            "status": "in_progress",
        },
        {
            "measure": "Encrypted camera streams on a separate network",
            "risks": ["illegitimate_access", "disappearance"],
            "owner": "IT",
            "due": "2027-03-01",
            "status": "planned",
        },
    ]
    clean, problems = check_answers(q, answers)
    assert not problems, problems
    meta = loaded.assessment.metadata.model_copy(update={"assessment_id": "DPIA-2026-014"})
    return Assessment(questionnaire="dpia", version=q.version, metadata=meta, answers=clean)
