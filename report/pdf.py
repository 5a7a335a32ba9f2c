"""``render_pdf``: questionnaire + assessment (+ evaluation) -> archival PDF/A-3b bytes."""

from __future__ import annotations

from engine.answers import Assessment
from engine.evaluation import Evaluation
from engine.model import Questionnaire
from engine.scoring import evaluate
from report.model import Provenance, build_report
from report.pdfa import to_pdfa
from report.record import (
    ReportError,
    build_record,
    engine_version,
    questionnaire_sha256,
    report_datetime,
    sha256,
    visible_date,
)
from report.render import render_story


def render_pdf(
    questionnaire: Questionnaire,
    assessment: Assessment,
    evaluation: Evaluation | None = None,
    *,
    lang: str = "en",
    status: str = "draft",
    version: int = 1,
    generated: str | None = None,
    validate: bool = False,
) -> bytes:
    """The archival PDF/A-3b report of ``assessment``, with ``assessment.json`` attached.

    Deterministic: the same arguments give byte-identical output (no clock is read).

    Args:
        questionnaire: The loaded questionnaire the assessment answers.
        assessment: Metadata, answers (as checked by :func:`engine.answers.check_answers`) and review.
        evaluation: The evaluation to print; by default ``evaluate(questionnaire, assessment.answers, lang)``.
        lang: Language of the report's words (``en`` or ``fr``); questionnaire texts follow it where translated.
        status: Workflow status printed on every page (draft, submitted, in_review, ..., archived).
        version: The assessment's version number.
        generated: ISO 8601 date (or date-time) printed as the generation date and used for the PDF dates;
            by default the assessment's ``metadata.date``, else 2000-01-01.
        validate: Also run pikepdf's PDF/A-3b validator over the written bytes (same bytes; about
            10 ms a page). ``verify_pdf`` runs the same check on any archived file.

    Raises:
        ReportError: ``generated`` is not an ISO date, ``version`` is not a positive whole number,
            or (with ``validate``) the output did not pass the PDF/A-3b check.
    """
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ReportError(f"version: expected a positive whole number, got {version!r}")
    if assessment.questionnaire != questionnaire.id:
        raise ReportError(
            f"the assessment answers questionnaire {assessment.questionnaire!r}, not {questionnaire.id!r}"
        )
    when = report_datetime(generated, assessment)
    if evaluation is None:
        evaluation = evaluate(questionnaire, assessment.answers, lang)
    q_sha256 = questionnaire_sha256(questionnaire)
    record = build_record(
        questionnaire,
        assessment,
        evaluation,
        lang=lang,
        status=status,
        version=version,
        generated=when,
        questionnaire_hash=q_sha256,
    )
    provenance = Provenance(
        status=status,
        version=version,
        generated=visible_date(when),
        questionnaire_sha256=q_sha256,
        answers_sha256=sha256(record),
        engine_version=engine_version(),
    )
    report = build_report(questionnaire, assessment, evaluation, lang, provenance)
    return to_pdfa(render_story(report), record, report.info, when, validate=validate)
