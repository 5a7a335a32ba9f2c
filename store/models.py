"""SQLAlchemy 2 models: one schema for SQLite and PostgreSQL.

JSON columns are ``JSON`` on SQLite and ``JSONB`` on PostgreSQL. Never change a JSON value in place
(``row.answers[q] = v`` is not persisted): assign a new dict. Times are stored in UTC and read back
as aware UTC datetimes on both databases.

The migrations in ``store/migrations/versions`` create exactly this schema; a test compares them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast, get_args

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from engine.review import ItemVerdict
from store.workflow import ROLES, STATUSES

ITEM_VERDICTS: tuple[str, ...] = get_args(ItemVerdict)

JsonType = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A UTC timestamp: aware in Python, ``timestamptz`` on PostgreSQL, naive UTC text on SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {dict[str, Any]: JsonType, dt.datetime: UtcDateTime()}  # noqa: RUF012


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    created: Mapped[dt.datetime]


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class Assessment(Base):
    """The live assessment: the draft being edited, or the latest approved version."""

    __tablename__ = "assessments"
    __table_args__ = (
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint("version >= 1", name="version"),
        CheckConstraint("revision >= 1", name="revision"),
        Index(None, "status", "review_date"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    questionnaire_id: Mapped[str] = mapped_column(String(80))
    questionnaire_version: Mapped[str | None] = mapped_column(String(40))
    meta: Mapped[dict[str, Any]] = mapped_column("metadata")
    answers: Mapped[dict[str, Any]]
    review: Mapped[dict[str, Any]] = mapped_column(doc="reviewer, opinion, decision, sign_off (engine Review fields)")
    outcome: Mapped[dict[str, Any] | None] = mapped_column(doc="summary of the last evaluation, see outcome_of()")
    dpia_verdict: Mapped[str | None] = mapped_column(String(20), index=True)
    ai_act_status: Mapped[str | None] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, doc="optimistic lock: +1 on every change")
    revision: Mapped[int] = mapped_column(Integer, doc="document version: +1 when an approved one is edited")
    review_date: Mapped[dt.date | None] = mapped_column(Date)
    created: Mapped[dt.datetime]
    updated: Mapped[dt.datetime]

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  (SQLAlchemy reads this class attribute)


class AssessmentVersion(Base):
    """An immutable snapshot of an approved revision, with its archival PDF."""

    __tablename__ = "assessment_versions"
    __table_args__ = (UniqueConstraint("assessment_id", "revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessments.id"))
    revision: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    questionnaire_id: Mapped[str] = mapped_column(String(80))
    questionnaire_version: Mapped[str | None] = mapped_column(String(40))
    meta: Mapped[dict[str, Any]] = mapped_column("metadata")
    answers: Mapped[dict[str, Any]]
    review: Mapped[dict[str, Any]] = mapped_column(doc="the full engine Review, comments and overrides included")
    outcome: Mapped[dict[str, Any]]
    decision: Mapped[str] = mapped_column(String(40))
    approved_by: Mapped[str] = mapped_column(String(200))
    approved_at: Mapped[dt.datetime]
    assessment_sha256: Mapped[str] = mapped_column(String(64), doc="SHA-256 of the PDF's assessment.json (printed)")
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), index=True)


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (CheckConstraint(f"verdict IS NULL OR {_in('verdict', ITEM_VERDICTS)}", name="verdict"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessments.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str | None] = mapped_column(String(80))
    author: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    verdict: Mapped[str | None] = mapped_column(String(20))
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[dt.datetime | None]
    created: Mapped[dt.datetime]


class RiskOverride(Base):
    __tablename__ = "risk_overrides"
    __table_args__ = (CheckConstraint("length(trim(reason)) > 0", name="reason"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessments.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    target: Mapped[str] = mapped_column(String(80))
    field: Mapped[str | None] = mapped_column(String(40))
    value: Mapped[dict[str, Any]] = mapped_column(doc='{"value": ...}: a JSON scalar wrapped in an object')
    previous: Mapped[dict[str, Any]] = mapped_column(doc='{"value": ...}')
    reason: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200))
    created: Mapped[dt.datetime]


class AuditEntry(Base):
    """Append-only: triggers refuse UPDATE and DELETE (see migration 0002), the ORM refuses them too."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime]
    actor: Mapped[str] = mapped_column(String(200))
    assessment_id: Mapped[str | None] = mapped_column(String(40), index=True)
    action: Mapped[str] = mapped_column(String(40))
    from_value: Mapped[str | None] = mapped_column(Text)
    to_value: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None]


class Conflict(Base):
    """A write that lost an optimistic-lock race, kept so that no one's work is lost."""

    __tablename__ = "conflicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessments.id"), index=True)
    question_id: Mapped[str | None] = mapped_column(String(80))
    author: Mapped[str] = mapped_column(String(200))
    attempted: Mapped[dict[str, Any]] = mapped_column(doc='{"value": ...}: what the author tried to save')
    stored: Mapped[dict[str, Any]] = mapped_column(doc='{"value": ...}: what was stored at that moment')
    expected_version: Mapped[int] = mapped_column(Integer)
    stored_version: Mapped[int] = mapped_column(Integer)
    created: Mapped[dt.datetime]
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[dt.datetime | None]


def table_of(model: type[Base]) -> Table:
    """The Core table of a model (for the prepared statements of hot paths and bulk writes)."""
    return cast(Table, model.__table__)


__all__ = [
    "ITEM_VERDICTS",
    "ROLES",
    "STATUSES",
    "Assessment",
    "AssessmentVersion",
    "AuditEntry",
    "Base",
    "Comment",
    "Conflict",
    "RiskOverride",
    "User",
    "UserRole",
    "table_of",
]
