"""The action plan: a city's actions, the questions each addresses with the level it aims for, and
each action's log of updates.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

Nothing stored before changes: the tables are new.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the plan's tables."""
    op.create_table(
        "actions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("city_id", sa.Integer, sa.ForeignKey("cities.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("themes", sa.JSON, nullable=False),
        sa.Column("owner_account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="RESTRICT")),
        sa.Column("owner_partner", sa.String(120), nullable=False),
        sa.Column("start_on", sa.Date),
        sa.Column("due_on", sa.Date),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("dropped_reason", sa.Text, nullable=False),
        sa.Column("done_on", sa.Date),
        sa.Column("priority", sa.String(8), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("money_planned", sa.Float),
        sa.Column("money_actual", sa.Float),
        sa.Column("staff_days_planned", sa.Float),
        sa.Column("staff_days_actual", sa.Float),
        sa.Column("source", sa.String(120), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('planned', 'in_progress', 'done', 'dropped')", name="action_status"),
        sa.CheckConstraint("priority IN ('high', 'medium', 'low')", name="action_priority"),
    )
    op.create_index("ix_actions_city_id", "actions", ["city_id"])
    op.create_table(
        "action_targets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("action_id", sa.Integer, sa.ForeignKey("actions.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("target_level", sa.Integer),
        sa.UniqueConstraint("action_id", "question_id", name="one_target_per_question"),
        sa.CheckConstraint(
            "target_level IS NULL OR (target_level >= 0 AND target_level <= 4)", name="action_target_level"
        ),
    )
    op.create_index("ix_action_targets_action_id", "action_targets", ["action_id"])
    op.create_table(
        "action_updates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("action_id", sa.Integer, sa.ForeignKey("actions.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(120), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
    )
    op.create_index("ix_action_updates_action_id", "action_updates", ["action_id"])


def downgrade() -> None:
    """Remove them again."""
    op.drop_table("action_updates")
    op.drop_table("action_targets")
    op.drop_table("actions")
