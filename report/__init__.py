"""The archival PDF report: a report model, ReportLab rendering, PDF/A-3b with the assessment attached.

Public API:

* :func:`render_pdf` (questionnaire, assessment, evaluation=None, *, lang, status, version, generated) -> bytes
* :func:`read_archive` (pdf bytes) -> :class:`Archive`, raising :class:`ArchiveError`
* :func:`verify_pdf` (pdf bytes) -> :class:`VerifyResult`
"""

from report.archive import Archive, ArchiveError, VerifyResult, read_archive, verify_pdf
from report.pdf import render_pdf
from report.record import ReportError

__all__ = ["Archive", "ArchiveError", "ReportError", "VerifyResult", "read_archive", "render_pdf", "verify_pdf"]
