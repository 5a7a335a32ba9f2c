"""The archival PDF report: a report model, ReportLab rendering, PDF/A-3b with the assessment attached.

Public API:

* :func:`render_pdf` (questionnaire, assessment, evaluation=None, *, lang, status, version, generated, validate)
  -> bytes
* :func:`read_archive` (pdf bytes) -> :class:`Archive`, raising :class:`ArchiveError`
* :func:`verify_pdf` (pdf bytes) -> :class:`VerifyResult`

The names are resolved on first use, so ``import report.model`` (the pure report
model) does not load ReportLab or pikepdf.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from report.archive import Archive, ArchiveError, VerifyResult, read_archive, verify_pdf
    from report.pdf import render_pdf
    from report.record import ReportError

_EXPORTS = {
    "Archive": "report.archive",
    "ArchiveError": "report.archive",
    "VerifyResult": "report.archive",
    "read_archive": "report.archive",
    "verify_pdf": "report.archive",
    "render_pdf": "report.pdf",
    "ReportError": "report.record",
}

__all__ = ["Archive", "ArchiveError", "ReportError", "VerifyResult", "read_archive", "render_pdf", "verify_pdf"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'report' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
