"""read_archive and verify_pdf on good, tampered, damaged and foreign PDFs."""

from __future__ import annotations

import io
import json
import random

import pikepdf
import pytest
from reportlab.pdfgen import canvas

from report import ArchiveError, read_archive, verify_pdf
from report.fonts import REGULAR, register_fonts


def replace_attachment(pdf_bytes: bytes, content: bytes, name: str = "assessment.json") -> bytes:
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        spec = pikepdf.AttachedFileSpec(pdf, content, filename=name, mime_type="application/json")
        spec.obj[pikepdf.Name.AFRelationship] = pikepdf.Name.Data
        pdf.attachments[name] = spec
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def plain_reportlab_pdf() -> bytes:
    register_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.setFont(REGULAR, 12)
    c.drawString(72, 720, "A foreign PDF: an invoice, say.")
    c.showPage()
    c.save()
    return buf.getvalue()


def test_when_the_attachment_is_tampered_then_verify_fails_on_the_hash(hotel_pdf: bytes) -> None:
    record = json.loads(read_archive(hotel_pdf).attachment)
    record["assessment"]["answers"]["context.people"] = 12  # someone "fixes" an answer afterwards
    tampered = replace_attachment(hotel_pdf, json.dumps(record).encode())
    archive = read_archive(tampered)  # still readable ...
    assert archive.assessment.answers["context.people"] == 12
    result = verify_pdf(tampered)  # ... but no longer matches what the report printed
    assert not result.ok
    assert any("does not match the SHA-256 printed in the report" in r for r in result.reasons)


def test_when_verified_then_it_says_what_it_checked(hotel_pdf: bytes) -> None:
    result = verify_pdf(hotel_pdf)
    assert result.ok and result.reasons == []
    checked = "\n".join(result.checks)
    assert "PDF/A-3b" in checked and "assessment.json" in checked and "matches" in checked


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda pdf: pdf[: len(pdf) // 2], "truncated"),
        (lambda pdf: pdf[: len(pdf) // 2] + b"\n%%EOF\n", "damaged"),
        (lambda pdf: random.Random(7).randbytes(50_000), "not a PDF file"),
        (lambda pdf: b"%PDF-1.7\n" + random.Random(8).randbytes(50_000) + b"\n%%EOF\n", "damaged"),
        (lambda pdf: b"", "empty"),
        (lambda pdf: plain_reportlab_pdf(), "no assessment.json is attached"),
        (lambda pdf: replace_attachment(plain_reportlab_pdf(), b"{not json"), "not valid UTF-8 JSON"),
        (lambda pdf: replace_attachment(plain_reportlab_pdf(), b'{"format": "other"}'), "not a DPIA archive record"),
        (
            lambda pdf: replace_attachment(pdf, b'{"format": "dpia-archive", "assessment": {"answers": 3}}'),
            "the assessment in it is not valid",
        ),
    ],
    ids=[
        "truncated",
        "truncated-with-eof",
        "random-bytes",
        "random-with-header",
        "empty",
        "foreign",
        "bad-json",
        "other-format",
        "bad-assessment",
    ],
)
def test_when_the_pdf_is_broken_or_foreign_then_archive_error_says_why(hotel_pdf: bytes, make, message: str) -> None:
    data = make(hotel_pdf)
    with pytest.raises(ArchiveError, match=message):
        read_archive(data)
    result = verify_pdf(data)
    assert not result.ok and message in result.reasons[0]


@pytest.mark.parametrize("user_password", ["", "secret"])
def test_when_the_pdf_is_encrypted_then_archive_error(hotel_pdf: bytes, user_password: str) -> None:
    with pikepdf.open(io.BytesIO(hotel_pdf)) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(owner="owner", user=user_password))
    with pytest.raises(ArchiveError, match="encrypted"):
        read_archive(out.getvalue())
