"""Read an archived report back (``read_archive``) and check it (``verify_pdf``).

Every failure is an :class:`ArchiveError` with a sentence a person can act on;
a pikepdf or pypdf exception never escapes.
"""

from __future__ import annotations

import io
import json
import re
import zlib
from dataclasses import dataclass, field
from typing import Any

import pikepdf
from pydantic import ValidationError
from pypdf import PdfReader

from engine.answers import Assessment
from engine.errors import DpiaError
from engine.evaluation import Evaluation
from report.pdfa import FLAVOUR
from report.record import ATTACHMENT_NAME, RECORD_FORMAT, sha256

_PRINTED_HASH = re.compile(r"\(assessment\.json\)\s*SHA-256\s*:?\s*([0-9a-f]{64})")
_MAX_PRINTED_PAGES = 6  # the appendix is at the end; look at most this many pages back
MAX_ATTACHMENT = 64 * 2**20  # bytes; a real record is well under 1 MiB


class ArchiveError(DpiaError):
    """The bytes are not a readable DPIA archive (damaged, truncated, encrypted or foreign)."""


@dataclass(frozen=True)
class Archive:
    """What an archived report holds."""

    assessment: Assessment
    questionnaire_id: str
    questionnaire_version: str
    questionnaire_sha256: str | None
    attachment_sha256: str
    printed_sha256: str | None
    evaluation: Evaluation | None
    report: dict[str, Any]
    record: dict[str, Any]
    attachment: bytes
    mime_type: str
    relationship: str | None


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    reasons: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)


def read_archive(pdf_bytes: bytes) -> Archive:
    """Parse the attached ``assessment.json`` of an archived report.

    Raises:
        ArchiveError: the file is not a PDF, is truncated, damaged or encrypted, or carries no
            valid DPIA record (a foreign PDF).
    """
    with _open(pdf_bytes) as pdf:
        raw, mime, relationship = _attachment(pdf)
    record = _record(raw)
    try:
        assessment = Assessment.model_validate(record["assessment"])
    except (ValidationError, KeyError, TypeError) as e:
        raise ArchiveError(f"{ATTACHMENT_NAME}: the assessment in it is not valid: {_first_error(e)}") from e
    try:
        evaluation: Evaluation | None = Evaluation.model_validate(record.get("evaluation"))
    except ValidationError:
        evaluation = None  # written by another engine version: the answers still re-score
    # what the record says beside the assessment is informative only: a wrong shape is ignored, never fatal
    questionnaire = record.get("questionnaire")
    if not isinstance(questionnaire, dict):
        questionnaire = {}
    report = record.get("report")
    if not isinstance(report, dict):
        report = {}
    return Archive(
        assessment=assessment,
        questionnaire_id=str(questionnaire.get("id", assessment.questionnaire)),
        questionnaire_version=str(questionnaire.get("version", assessment.version or "")),
        questionnaire_sha256=questionnaire.get("sha256"),
        attachment_sha256=sha256(raw),
        printed_sha256=_printed_hash(pdf_bytes),
        evaluation=evaluation,
        report=dict(report),
        record=record,
        attachment=raw,
        mime_type=mime,
        relationship=relationship,
    )


def verify_pdf(pdf_bytes: bytes) -> VerifyResult:
    """Check an archived report: PDF/A-3b, ``assessment.json`` attached, its hash equal to the printed one."""
    checks: list[str] = []
    reasons: list[str] = []
    try:
        archive = read_archive(pdf_bytes)
    except ArchiveError as e:
        return VerifyResult(False, [str(e)], checks)
    checks.append(
        f"attachment {ATTACHMENT_NAME}: present ({archive.mime_type or 'no MIME type'}, "
        f"AFRelationship {archive.relationship or 'missing'}), assessment of {archive.questionnaire_id} "
        f"{archive.questionnaire_version}"
    )
    if archive.relationship != "Data":
        reasons.append(f"{ATTACHMENT_NAME} is not attached as associated data (/AFRelationship /Data)")
    report = pikepdf.pdfa.validate_written(io.BytesIO(pdf_bytes), FLAVOUR)
    if report.passed:
        checks.append(f"PDF/A-{FLAVOUR}: passes pikepdf's validator")
    else:
        found = "; ".join(str(f) for f in report.findings[:5])
        more = f" (and {len(report.findings) - 5} more)" if len(report.findings) > 5 else ""
        reasons.append(f"not PDF/A-{FLAVOUR}: {found}{more}")
        checks.append(f"PDF/A-{FLAVOUR}: fails pikepdf's validator")
    checks.append(f"SHA-256 of the attached {ATTACHMENT_NAME}: {archive.attachment_sha256}")
    if archive.printed_sha256 is None:
        reasons.append(f"no SHA-256 of {ATTACHMENT_NAME} is printed in the appendix")
    else:
        same = archive.printed_sha256 == archive.attachment_sha256
        checks.append(
            f"SHA-256 printed in the appendix:  {archive.printed_sha256} ({'matches' if same else 'differs'})"
        )
        if not same:
            reasons.append(
                f"the attached {ATTACHMENT_NAME} does not match the SHA-256 printed in the report: "
                "the attachment (or the printed page) was changed after the report was made"
            )
    return VerifyResult(not reasons, reasons, checks)


# --- helpers ---------------------------------------------------------------------------------


def _open(pdf_bytes: bytes) -> pikepdf.Pdf:
    if not isinstance(pdf_bytes, bytes | bytearray) or not pdf_bytes:
        raise ArchiveError("the file is empty")
    data = bytes(pdf_bytes)
    if b"%PDF-" not in data[:1024]:
        raise ArchiveError("not a PDF file (no %PDF header)")
    if b"%%EOF" not in data[-1024:]:
        raise ArchiveError("the PDF is truncated (no %%EOF end marker): the file was cut short")
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as e:
        raise ArchiveError("the PDF is encrypted: an archived assessment is never encrypted") from e
    except (pikepdf.PdfError, ValueError, OSError, RuntimeError) as e:
        raise ArchiveError(f"the PDF is damaged and cannot be read: {_short(e)}") from e
    if pdf.is_encrypted:
        pdf.close()
        raise ArchiveError("the PDF is encrypted: an archived assessment is never encrypted")
    warnings = pdf.get_warnings()
    if warnings:
        pdf.close()
        raise ArchiveError(f"the PDF is damaged: {_short(warnings[0])}")
    return pdf


def _attachment(pdf: pikepdf.Pdf) -> tuple[bytes, str, str | None]:
    try:
        names = list(pdf.attachments.keys())
        if ATTACHMENT_NAME not in names:
            found = f" (it has: {', '.join(names)})" if names else ""
            raise ArchiveError(f"no {ATTACHMENT_NAME} is attached{found}: this PDF is not an archived DPIA report")
        spec = pdf.attachments[ATTACHMENT_NAME]
        stream = spec.get_file()
        raw = _bounded_bytes(stream.obj)
        relationship = spec.obj.get(pikepdf.Name.AFRelationship)
        mime = stream.mime_type or ""
    except ArchiveError:
        raise
    except (pikepdf.PdfError, ValueError, KeyError, AttributeError, TypeError, zlib.error) as e:
        raise ArchiveError(f"the attached {ATTACHMENT_NAME} cannot be read: {_short(e)}") from e
    return raw, mime, str(relationship)[1:] if relationship is not None else None


def _bounded_bytes(stream: pikepdf.Object) -> bytes:
    """The decoded attachment, refusing more than :data:`MAX_ATTACHMENT` bytes (a Flate bomb stops early)."""
    filters = stream.get(pikepdf.Name.Filter)
    names = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters)] if filters else []
    if not names or (names == ["/FlateDecode"] and pikepdf.Name.DecodeParms not in stream):
        raw = stream.read_raw_bytes()
        data = zlib.decompressobj().decompress(raw, MAX_ATTACHMENT + 1) if names else raw
    else:  # other filters: qpdf decodes; the compressed size bounds what a bomb can do
        if len(stream.read_raw_bytes()) > MAX_ATTACHMENT // 100:
            raise ArchiveError(f"the attached {ATTACHMENT_NAME} is too large to be an assessment record")
        data = stream.read_bytes()
    if len(data) > MAX_ATTACHMENT:
        raise ArchiveError(f"the attached {ATTACHMENT_NAME} is larger than {MAX_ATTACHMENT // 2**20} MiB")
    return data


def _record(raw: bytes) -> dict[str, Any]:
    try:
        record = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise ArchiveError(f"the attached {ATTACHMENT_NAME} is not valid UTF-8 JSON: {_short(e)}") from e
    if not isinstance(record, dict) or record.get("format") != RECORD_FORMAT:
        raise ArchiveError(f"the attached {ATTACHMENT_NAME} is not a DPIA archive record (format {RECORD_FORMAT!r})")
    return record


def _printed_hash(pdf_bytes: bytes) -> str | None:
    """The SHA-256 of assessment.json printed in the appendix (searched from the last page back)."""
    try:
        reader = PdfReader(io.BytesIO(pdf_bytes))
        pages = reader.pages
        for index in range(len(pages) - 1, max(-1, len(pages) - 1 - _MAX_PRINTED_PAGES), -1):
            text = pages[index].extract_text() or ""
            match = _PRINTED_HASH.search(text)
            if match:
                return match.group(1)
    except Exception:  # pypdf raises many types on odd files; no printed hash is the answer
        return None
    return None


def _short(error: object) -> str:
    text = " ".join(str(error).split())
    return text[:300] + ("…" if len(text) > 300 else "")


def _first_error(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(x) for x in first.get("loc", ()))
        return f"{where}: {first.get('msg', '')}" if where else str(first.get("msg", ""))
    return _short(error)
