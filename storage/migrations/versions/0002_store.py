"""The store: cities, assessments, answers and an append-only audit trail.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the four tables and the triggers that keep the audit trail append-only."""
    op.create_table(
        "cities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("country", sa.String(120), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("population_band", sa.String(32), nullable=False),
        sa.Column("challenges", sa.JSON, nullable=False),
        sa.Column("share_benchmarks", sa.Boolean, nullable=False),
        sa.Column("is_demo", sa.Boolean, nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("deleted_at", _WHEN),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("city_id", sa.Integer, sa.ForeignKey("cities.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("framework_id", sa.String(64), nullable=False),
        sa.Column("framework_version", sa.String(32), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", _WHEN, nullable=False),
        sa.Column("submitted_at", _WHEN),
        sa.Column("team", sa.JSON, nullable=False),
        sa.Column("targets", sa.JSON, nullable=False),
        sa.Column("based_on", sa.Integer, sa.ForeignKey("assessments.id", ondelete="RESTRICT")),
        sa.Column("revision_of", sa.Integer, sa.ForeignKey("assessments.id", ondelete="RESTRICT")),
        sa.Column("imported_digest", sa.String(64)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("deleted_at", _WHEN),
        sa.CheckConstraint("status IN ('draft', 'submitted')", name="assessment_status"),
    )
    op.create_index("ix_assessments_city_id", "assessments", ["city_id"])
    op.create_index("ix_assessments_imported_digest", "assessments", ["imported_digest"])
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("level", sa.Integer),
        sa.Column("evidence", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("links", sa.JSON, nullable=False),
        sa.Column("answered_by", sa.String(120), nullable=False),
        sa.Column("answered_at", _WHEN, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("carried_over", sa.Boolean, nullable=False),
        sa.UniqueConstraint("assessment_id", "question_id", name="one_answer_per_question"),
        sa.CheckConstraint("level IS NULL OR (level >= 0 AND level <= 4)", name="answer_level_range"),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", _WHEN, nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("city_id", sa.Integer),
        sa.Column("assessment_id", sa.Integer),
        sa.Column("question_id", sa.String(64)),
        sa.Column("old_value", sa.JSON),
        sa.Column("new_value", sa.JSON),
    )
    op.create_index("ix_audit_events_city_id", "audit_events", ["city_id"])
    op.create_index("ix_audit_events_assessment_id", "audit_events", ["assessment_id"])

    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
                "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
            )


def downgrade() -> None:
    """Drop the store's tables (and with them every stored assessment)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    for table in ("audit_events", "answers", "assessments", "cities"):
        op.drop_table(table)
