"""The append-only audit log: who did what, when, from what to what.

Entries are only ever added, inside the same transaction as the change they record, so a change
and its entry commit together or not at all. No function here or elsewhere updates or deletes one:
the ORM refuses it at flush time, and database triggers (migration 0002) refuse raw SQL UPDATE and
DELETE on SQLite and PostgreSQL (and TRUNCATE on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, event, insert, select
from sqlalchemy.orm import Session

from store.db import Store, now
from store.errors import ImmutableError
from store.models import AssessmentVersion, AuditEntry, table_of


@dataclass(frozen=True)
class AuditRecord:
    """One audit entry, read back (plain data, detached from any session)."""

    id: int
    at: dt.datetime
    actor: str
    assessment_id: str | None
    action: str
    from_value: str | None
    to_value: str | None
    detail: dict[str, Any] | None


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def record(
    session: Session | Connection,
    actor: str,
    action: str,
    assessment_id: str | None = None,
    *,
    from_value: Any = None,
    to_value: Any = None,
    detail: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> None:
    """Add an entry in the caller's transaction (values that are not text are stored as JSON text)."""
    values = {
        "at": at or now(),
        "actor": actor,
        "assessment_id": assessment_id,
        "action": action,
        "from_value": _text(from_value),
        "to_value": _text(to_value),
        "detail": detail,
    }
    if isinstance(session, Connection):
        session.execute(insert(table_of(AuditEntry)), values)
    else:
        session.add(AuditEntry(**values))


def audit_log(store: Store, assessment_id: str | None = None, *, limit: int | None = None) -> list[AuditRecord]:
    """Entries oldest first, for one assessment or for all."""
    query = select(AuditEntry).order_by(AuditEntry.id)
    if assessment_id is not None:
        query = query.where(AuditEntry.assessment_id == assessment_id)
    if limit is not None:
        query = query.limit(limit)
    with store.read() as session:
        return [
            AuditRecord(e.id, e.at, e.actor, e.assessment_id, e.action, e.from_value, e.to_value, e.detail)
            for e in session.scalars(query)
        ]


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, _context: Any, _instances: Any) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise ImmutableError(f"the audit log is append-only: entry {obj.id} cannot be changed or deleted")
        if isinstance(obj, AssessmentVersion) and (obj in session.deleted or session.is_modified(obj)):
            raise ImmutableError(
                f"an approved version is immutable: {obj.assessment_id} revision {obj.revision} cannot be changed"
            )


__all__ = ["AuditRecord", "audit_log", "record"]
