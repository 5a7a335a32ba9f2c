"""The machine-readable record attached to the PDF, its hashes and the report's dates (pure, no PDF code).

``assessment.json`` holds everything needed to read an archived assessment back and
to re-score it: the questionnaire reference (id, version, SHA-256), the assessment
(metadata, answers, review) in the shape :mod:`engine.answers` reads, the report
facts (status, version, language, date) and the evaluation as it was printed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections import OrderedDict
from importlib import metadata as importlib_metadata
from typing import Any

from engine.answers import Assessment
from engine.errors import DpiaError
from engine.evaluation import Evaluation
from engine.model import Questionnaire

ATTACHMENT_NAME = "assessment.json"
RECORD_FORMAT = "dpia-archive"
RECORD_VERSION = 1
ENGINE_DISTRIBUTION = "dpia-engine"
ENGINE_FALLBACK_VERSION = "0.1.0"
EPOCH = "2000-01-01"  # the date used when neither ``generated`` nor the assessment gives one


class ReportError(DpiaError):
    """The report cannot be rendered from these inputs (e.g. an unreadable ``generated`` date)."""


def engine_version() -> str:
    """The installed dpia-engine version (``0.1.0`` when it is not installed as a distribution)."""
    try:
        return importlib_metadata.version(ENGINE_DISTRIBUTION)
    except importlib_metadata.PackageNotFoundError:
        return ENGINE_FALLBACK_VERSION


def canonical_json(data: Any) -> bytes:
    """Compact JSON with sorted keys, UTF-8: the form that is hashed."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


_HASHES: OrderedDict[int, tuple[Questionnaire, str]] = OrderedDict()  # a few loaded questionnaires
_HASHES_KEPT = 16
_HASHES_LOCK = threading.Lock()


def questionnaire_sha256(questionnaire: Questionnaire) -> str:
    """SHA-256 of the loaded questionnaire's canonical JSON (includes already merged).

    Memoised per questionnaire object (they are frozen): dumping a large one takes ~15 ms.
    """
    with _HASHES_LOCK:
        entry = _HASHES.get(id(questionnaire))
    if entry is not None and entry[0] is questionnaire:
        return entry[1]
    digest = hashlib.sha256(canonical_json(questionnaire.model_dump(mode="json", by_alias=True))).hexdigest()
    with _HASHES_LOCK:
        _HASHES[id(questionnaire)] = (questionnaire, digest)
        while len(_HASHES) > _HASHES_KEPT:
            _HASHES.popitem(last=False)
    return digest


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def report_datetime(generated: str | None, assessment: Assessment) -> dt.datetime:
    """The report's date: ``generated``, else the assessment's date, else :data:`EPOCH` (never the clock).

    Raises:
        ReportError: ``generated`` is given but is not an ISO 8601 date or date-time.
    """
    if generated is not None:
        parsed = _parse_iso(generated)
        if parsed is None:
            raise ReportError(f"generated: expected an ISO 8601 date such as 2026-11-29, got {generated!r}")
        return parsed
    from_assessment = _parse_iso(assessment.metadata.date or "")
    return from_assessment or dt.datetime.fromisoformat(EPOCH).replace(tzinfo=dt.UTC)


def _parse_iso(text: str) -> dt.datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return None
        value = dt.datetime(day.year, day.month, day.day)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def visible_date(when: dt.datetime) -> str:
    """The date printed in the report: ``YYYY-MM-DD``."""
    return when.date().isoformat()


def build_record(
    questionnaire: Questionnaire,
    assessment: Assessment,
    evaluation: Evaluation,
    *,
    lang: str,
    status: str,
    version: int,
    generated: dt.datetime,
    questionnaire_hash: str | None = None,
) -> bytes:
    """The bytes of ``assessment.json``: stable (sorted keys), readable (indented), UTF-8."""
    answers = assessment.to_data()
    answers.setdefault("version", questionnaire.version)
    data = {
        "format": RECORD_FORMAT,
        "format_version": RECORD_VERSION,
        "questionnaire": {
            "id": questionnaire.id,
            "version": questionnaire.version,
            "sha256": questionnaire_hash or questionnaire_sha256(questionnaire),
        },
        "assessment": answers,
        "report": {
            "status": status,
            "version": version,
            "lang": lang,
            "generated": generated.isoformat(),
            "engine_version": engine_version(),
        },
        "evaluation": evaluation.model_dump(mode="json"),
    }
    try:
        text = json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False)
        return (text + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate in some text: keep it, escaped
        return (json.dumps(data, sort_keys=True, indent=2, ensure_ascii=True) + "\n").encode("ascii")
