"""Initial schema: users and roles, assessments, approved versions, comments, risk overrides, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIME = sa.DateTime(timezone=True)
STATUSES = "'draft', 'submitted', 'in_review', 'changes_requested', 'approved', 'rejected', 'archived'"


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("created", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
    )
    op.create_table(
        "user_roles",
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.CheckConstraint("role IN ('author', 'reviewer', 'admin')", name="ck_user_roles_role"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_user_roles_user_id_users"),
        sa.PrimaryKeyConstraint("user_id", "role", name="pk_user_roles"),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("owner_id", sa.String(200), nullable=False),
        sa.Column("questionnaire_id", sa.String(80), nullable=False),
        sa.Column("questionnaire_version", sa.String(40), nullable=True),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("review", JSON, nullable=False),
        sa.Column("outcome", JSON, nullable=True),
        sa.Column("dpia_verdict", sa.String(20), nullable=True),
        sa.Column("ai_act_status", sa.String(20), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("created", TIME, nullable=False),
        sa.Column("updated", TIME, nullable=False),
        sa.CheckConstraint(f"status IN ({STATUSES})", name="ck_assessments_status"),
        sa.CheckConstraint("version >= 1", name="ck_assessments_version"),
        sa.CheckConstraint("revision >= 1", name="ck_assessments_revision"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name="fk_assessments_owner_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_assessments"),
    )
    op.create_index("ix_assessments_owner_id", "assessments", ["owner_id"])
    op.create_index("ix_assessments_dpia_verdict", "assessments", ["dpia_verdict"])
    op.create_index("ix_assessments_ai_act_status", "assessments", ["ai_act_status"])
    op.create_index("ix_assessments_status_review_date", "assessments", ["status", "review_date"])
    op.create_table(
        "assessment_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("assessment_id", sa.String(40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("questionnaire_id", sa.String(80), nullable=False),
        sa.Column("questionnaire_version", sa.String(40), nullable=True),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("review", JSON, nullable=False),
        sa.Column("outcome", JSON, nullable=False),
        sa.Column("decision", sa.String(40), nullable=False),
        sa.Column("approved_by", sa.String(200), nullable=False),
        sa.Column("approved_at", TIME, nullable=False),
        sa.Column("assessment_sha256", sa.String(64), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("pdf_sha256", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessments.id"], name="fk_assessment_versions_assessment_id_assessments"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_assessment_versions"),
        sa.UniqueConstraint("assessment_id", "revision", name="uq_assessment_versions_assessment_id_revision"),
    )
    op.create_index("ix_assessment_versions_pdf_sha256", "assessment_versions", ["pdf_sha256"])
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("assessment_id", sa.String(40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(80), nullable=True),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("verdict", sa.String(20), nullable=True),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("resolved_by", sa.String(200), nullable=True),
        sa.Column("resolved_at", TIME, nullable=True),
        sa.Column("created", TIME, nullable=False),
        sa.CheckConstraint(
            "verdict IS NULL OR verdict IN ('acceptable', 'improvable', 'to_correct')", name="ck_comments_verdict"
        ),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"], name="fk_comments_assessment_id_assessments"),
        sa.PrimaryKeyConstraint("id", name="pk_comments"),
    )
    op.create_index("ix_comments_assessment_id", "comments", ["assessment_id"])
    op.create_table(
        "risk_overrides",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("assessment_id", sa.String(40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(80), nullable=False),
        sa.Column("field", sa.String(40), nullable=True),
        sa.Column("value", JSON, nullable=False),
        sa.Column("previous", JSON, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("created", TIME, nullable=False),
        sa.CheckConstraint("length(trim(reason)) > 0", name="ck_risk_overrides_reason"),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessments.id"], name="fk_risk_overrides_assessment_id_assessments"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_risk_overrides"),
    )
    op.create_index("ix_risk_overrides_assessment_id", "risk_overrides", ["assessment_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("assessment_id", sa.String(40), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("from_value", sa.Text(), nullable=True),
        sa.Column("to_value", sa.Text(), nullable=True),
        sa.Column("detail", JSON, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_assessment_id", "audit_log", ["assessment_id"])


def downgrade() -> None:
    for table in ("audit_log", "risk_overrides", "comments", "assessment_versions", "assessments", "user_roles"):
        op.drop_table(table)
    op.drop_table("users")
