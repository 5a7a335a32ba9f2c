"""Conflicts: a save that lost an optimistic-lock race is kept here, so no one's work is lost.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "conflicts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("assessment_id", sa.String(40), nullable=False),
        sa.Column("question_id", sa.String(80), nullable=True),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("attempted", JSON, nullable=False),
        sa.Column("stored", JSON, nullable=False),
        sa.Column("expected_version", sa.Integer(), nullable=False),
        sa.Column("stored_version", sa.Integer(), nullable=False),
        sa.Column("created", TIME, nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("resolved_by", sa.String(200), nullable=True),
        sa.Column("resolved_at", TIME, nullable=True),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"], name="fk_conflicts_assessment_id_assessments"),
        sa.PrimaryKeyConstraint("id", name="pk_conflicts"),
    )
    op.create_index("ix_conflicts_assessment_id", "conflicts", ["assessment_id"])


def downgrade() -> None:
    op.drop_table("conflicts")
