"""Workshop rounds: who takes part, what each respondent answered, and the consensus with its dissent.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03

Nothing stored before changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the four tables of workshop rounds."""
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("themes", sa.JSON, nullable=False),
        sa.Column("blind", sa.Boolean, nullable=False),
        sa.Column("names_shown", sa.Boolean, nullable=False),
        sa.Column("opened_by", sa.String(120), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(120)),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("assessment_id", "number", name="one_number_per_round"),
    )
    op.create_index("ix_rounds_assessment_id", "rounds", ["assessment_id"])
    op.create_table(
        "round_participants",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("group_label", sa.String(80)),
        sa.Column("guest", sa.Boolean, nullable=False),
        sa.UniqueConstraint("round_id", "account_id", name="one_place_per_round"),
    )
    op.create_index("ix_round_participants_round_id", "round_participants", ["round_id"])
    op.create_table(
        "round_answers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("level", sa.Integer),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("round_id", "account_id", "question_id", name="one_round_answer_per_question"),
        sa.CheckConstraint("status IN ('level', 'dont_know', 'not_my_area')", name="round_answer_status"),
        sa.CheckConstraint(
            "(status = 'level' AND level >= 0 AND level <= 4) OR (status <> 'level' AND level IS NULL)",
            name="round_answer_level",
        ),
    )
    op.create_index("ix_round_answers_round_id", "round_answers", ["round_id"])
    op.create_table(
        "round_decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("answer", sa.JSON, nullable=False),
        sa.Column("rationale", sa.Text, nullable=False),
        sa.Column("dissents", sa.JSON, nullable=False),
        sa.Column("decided_by", sa.String(120), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("round_id", "question_id", name="one_decision_per_question"),
    )
    op.create_index("ix_round_decisions_round_id", "round_decisions", ["round_id"])


def downgrade() -> None:
    """Drop them again (nothing else refers to them)."""
    for table in ("round_decisions", "round_answers", "round_participants", "rounds"):
        op.drop_table(table)
