"""A process that approves one assessment and stops at a named point, for the kill tests.

:func:`approve_until` runs the real :func:`store.approve` with its own connections. Hooks around the real
steps (ReportLab's page loop, reading the PDF back, SQLAlchemy's statement and commit events) tell the parent
when the approval reaches ``point`` and then wait there, so the parent's SIGKILL lands exactly at that point:

* ``rendering``: ReportLab is laying out page 2 of the PDF;
* ``rendered``: the PDF is built and read back, the write transaction is not open yet;
* ``inserted``: in the write transaction, the snapshot row with the PDF was sent, nothing else yet;
* ``committing``: every row was sent, the COMMIT is next;
* ``committed``: the COMMIT returned;
* ``anywhere``: no stop; the parent kills after a random delay.
"""

from __future__ import annotations

import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

import store
from engine.loader import load_catalog

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "sample.yaml"

POINTS = ("rendering", "rendered", "inserted", "committing", "committed", "anywhere")
BEFORE_COMMIT = ("rendering", "rendered", "inserted", "committing")
OPINION = "Proportionate once the cameras stop reading emotions."


def _warm_up() -> dict[str, Any]:
    """The questionnaires, and one PDF rendered (fonts registered): done once in the process that forks the
    approving processes, so each of them reaches the kill points in a fraction of a second."""
    from engine.answers import Assessment, Metadata
    from report import render_pdf

    questionnaires = load_catalog([SAMPLE]).questionnaires
    sample = questionnaires["sample"]
    render_pdf(sample, Assessment(questionnaire="sample", version=sample.version, metadata=Metadata(feature="warm")))
    return questionnaires


QUESTIONNAIRES = _warm_up()


def approve_until(url: str, assessment_id: str, user: str, version: int, point: str, parent: Connection) -> None:
    """Approve ``assessment_id`` and wait (for the SIGKILL) at ``point``; sends "at <point>" when there."""
    db = store.open_store(url, questionnaires=QUESTIONNAIRES, migrate=False)

    def stop(here: str) -> None:
        if here == point:
            parent.send(f"at {point}")
            time.sleep(600)

    _hook(db, stop)
    parent.send("started")
    store.approve(db, assessment_id, user, version, opinion=OPINION)
    parent.send("approved")


def _hook(db: store.Store, stop: Any) -> None:
    from reportlab.platypus.doctemplate import BaseDocTemplate

    import report

    page_begin = BaseDocTemplate.handle_pageBegin

    def handle_page_begin(self: Any) -> None:
        page_begin(self)
        if self.page == 2:
            stop("rendering")

    BaseDocTemplate.handle_pageBegin = handle_page_begin

    read_archive = report.read_archive

    def read_back(pdf: bytes) -> Any:
        archived = read_archive(pdf)
        stop("rendered")
        return archived

    report.read_archive = read_back  # type: ignore[assignment]
    sent: list[str] = []

    @event.listens_for(db.engine, "after_cursor_execute")
    def after_statement(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO ASSESSMENT_VERSIONS"):
            sent.append("snapshot")
            stop("inserted")

    @event.listens_for(db.engine, "commit")
    def before_commit(_conn: Any) -> None:
        if sent:
            stop("committing")

    @event.listens_for(Session, "after_commit")
    def after_commit(_session: Session) -> None:
        if sent:
            stop("committed")
