"""Peer scores: the theme scores of each submitted assessment, worked out once and kept.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

Nothing stored before changes: the table starts empty and fills itself (``storage.peers``) the first
time a city's report, results or benchmarks need the scores of the cities that share theirs. The
index on the audit trail's action lets a process ask cheaply whether anything that changes the set of
peers (a submission, a city's profile, a deletion) happened since it last looked.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the scores table and index the audit trail by action."""
    op.create_table(
        "assessment_scores",
        sa.Column(
            "assessment_id",
            sa.Integer,
            sa.ForeignKey("assessments.id", ondelete="RESTRICT"),
            primary_key=True,
        ),
        sa.Column("scoring_version", sa.Integer, nullable=False),
        sa.Column("theme_scores", sa.JSON, nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_audit_events_action", "audit_events", ["action", "id"])


def downgrade() -> None:
    """Drop them again."""
    op.drop_index("ix_audit_events_action", table_name="audit_events")
    op.drop_table("assessment_scores")
