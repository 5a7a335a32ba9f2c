"""PDF/A-3b conversion with the attached ``assessment.json`` (pikepdf), deterministic.

ReportLab writes neither PDF/A nor attachments. pikepdf adds the sRGB output
intent, the XMP metadata and the associated file, then validates what it wrote
(``pdfa.save`` raises unless the written bytes pass). The dates are pinned to the
report's date so the same input always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
from pikepdf import Name, String
from pikepdf import pdfa as pikepdf_pdfa

from report.model import DocumentInfo
from report.record import ATTACHMENT_NAME, ReportError

FLAVOUR = "3b"
ATTACHMENT_DESCRIPTION = "Assessment record: questionnaire reference, metadata, answers, review and evaluation (JSON)"


def pdf_date(when: dt.datetime) -> str:
    """``D:20261129000000+00'00'``: a PDF date string."""
    offset = when.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"D:{when.strftime('%Y%m%d%H%M%S')}{sign}{hours:02d}'{mins:02d}'"


def to_pdfa(raw: bytes, record: bytes, info: DocumentInfo, when: dt.datetime, *, validate: bool = False) -> bytes:
    """Turn ReportLab's output into PDF/A-3b with ``record`` attached as ``assessment.json`` (/Data).

    Args:
        validate: Re-read and validate the written bytes with pikepdf's PDF/A-3b validator
            (``pdfa.save``). It does not change the bytes, and costs about 10 ms a page, so it is
            left to callers that archive (``dpia report``) and to ``verify_pdf``.

    Raises:
        ReportError: with ``validate``, the written file did not pass the validator (a bug here).
    """
    stamp = pdf_date(when)
    iso = when.isoformat()
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        for page in pdf.pages:  # ReportLab writes an empty /Trans per page; PDF/A validators refuse it
            if Name.Trans in page.obj:
                del page.obj[Name.Trans]
        spec = pikepdf.AttachedFileSpec(
            pdf,
            record,
            filename=ATTACHMENT_NAME,
            mime_type="application/json",
            description=ATTACHMENT_DESCRIPTION,
            creation_date=stamp,
            mod_date=stamp,
            relationship=Name.Data,
        )
        pdf.attachments[ATTACHMENT_NAME] = spec
        pdf.Root.Lang = String(info.lang)
        pdf.docinfo[Name.CreationDate] = String(stamp)
        pdf.docinfo[Name.ModDate] = String(stamp)
        pikepdf_pdfa.prepare(pdf, FLAVOUR)
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=True) as meta:
            meta["xmp:CreateDate"] = iso
            meta["xmp:ModifyDate"] = iso
            meta["xmp:MetadataDate"] = iso
            meta["dc:language"] = [info.lang]
            meta["pdf:Producer"] = f"{info.creator} (ReportLab, pikepdf {pikepdf.__version__})"
        out = io.BytesIO()
        if not validate:
            pdf.save(out, **pikepdf_pdfa.resolve_save_kwargs(FLAVOUR, deterministic_id=True))
            return out.getvalue()
        try:
            pikepdf_pdfa.save(pdf, out, FLAVOUR, repair=False, deterministic_id=True)
        except pikepdf_pdfa.PdfaError as e:
            raise ReportError(f"the report did not pass the PDF/A-{FLAVOUR} check: {e}") from e
    return out.getvalue()
