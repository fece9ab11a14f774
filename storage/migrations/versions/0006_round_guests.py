"""Workshop rounds: a named facilitator, guests' one-time links, and respondents brought in from a file.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

Nothing stored before changes: existing rounds have no facilitator, and every existing account is a
person who signs in.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the facilitator, the guests' links and the accounts that only stand for a respondent."""
    with op.batch_alter_table("rounds") as rounds:
        rounds.add_column(sa.Column("facilitator_id", sa.Integer, nullable=True))
        rounds.create_foreign_key(
            "rounds_facilitator_id_fkey", "accounts", ["facilitator_id"], ["id"], ondelete="RESTRICT"
        )
    with op.batch_alter_table("accounts") as people:
        people.add_column(sa.Column("stands_in", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_table(
        "round_invitations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_round_invitations_round_id", "round_invitations", ["round_id"])


def downgrade() -> None:
    """Remove them again."""
    op.drop_table("round_invitations")
    with op.batch_alter_table("accounts") as people:
        people.drop_column("stands_in")
    with op.batch_alter_table("rounds") as rounds:
        rounds.drop_constraint("rounds_facilitator_id_fkey", type_="foreignkey")
        rounds.drop_column("facilitator_id")
