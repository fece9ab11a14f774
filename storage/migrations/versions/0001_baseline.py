"""Baseline: an empty, versioned database that later migrations build on.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to create yet: the store's tables arrive in the next revision."""


def downgrade() -> None:
    """Nothing to drop."""
