"""The database itself holds one live city per name and country, and imports each file once.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Adds ``cities.match_key`` (a SHA-256 of the name and country with case, spacing and Unicode
spelling set aside) with a unique index over live cities, and turns the index on
``assessments.imported_digest`` into a unique one over live assessments.

Rows stored before this revision may already break those rules (two imports of one file that ran
at the same moment on PostgreSQL, or the same city typed twice). Nothing is deleted: the oldest
row keeps its key, a later duplicate city keeps no key (it stays as it is and can be merged by
hand), and a later duplicate import keeps no digest; an audit event records each such change.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_LIVE_CITY = "deleted_at IS NULL"
_LIVE_IMPORT = "deleted_at IS NULL AND imported_digest IS NOT NULL"
_ACTOR = "schema upgrade 0003"


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold()).split())


def _key(name: str, country: str) -> str:
    """A frozen copy of ``scoring.records.city_key`` as it was at this revision."""
    return hashlib.sha256(f"{_folded(name)}\x1f{_folded(country)}".encode()).hexdigest()


def upgrade() -> None:
    """Add the city key, fill it in, and make both keys unique among live rows."""
    op.add_column("cities", sa.Column("match_key", sa.String(64)))
    conn = op.get_bind()
    cities = sa.table(
        "cities",
        sa.column("id"),
        sa.column("name"),
        sa.column("country"),
        sa.column("deleted_at"),
        sa.column("match_key"),
    )
    assessments = sa.table(
        "assessments", sa.column("id"), sa.column("city_id"), sa.column("imported_digest"), sa.column("deleted_at")
    )
    audit = sa.table(
        "audit_events",
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("actor"),
        sa.column("action"),
        sa.column("city_id"),
        sa.column("assessment_id"),
        sa.column("old_value", sa.JSON),
        sa.column("new_value", sa.JSON),
    )
    now = datetime.now(UTC)
    taken: dict[str, int] = {}
    for row in conn.execute(sa.select(cities).order_by(cities.c.id)).all():
        key = _key(row.name, row.country)
        if row.deleted_at is None and key in taken:
            conn.execute(
                audit.insert().values(
                    at=now,
                    actor=_ACTOR,
                    action="city.duplicate",
                    city_id=row.id,
                    assessment_id=None,
                    old_value=None,
                    new_value={"same_as_city": taken[key]},
                )
            )
            continue
        if row.deleted_at is None:
            taken[key] = row.id
        conn.execute(sa.update(cities).where(cities.c.id == row.id).values(match_key=key))

    seen: set[str] = set()
    live_imports = sa.select(assessments).where(sa.text(_LIVE_IMPORT)).order_by(assessments.c.id)
    for row in conn.execute(live_imports).all():
        if row.imported_digest in seen:
            conn.execute(sa.update(assessments).where(assessments.c.id == row.id).values(imported_digest=None))
            conn.execute(
                audit.insert().values(
                    at=now,
                    actor=_ACTOR,
                    action="assessment.duplicate_import",
                    city_id=row.city_id,
                    assessment_id=row.id,
                    old_value={"digest": row.imported_digest},
                    new_value=None,
                )
            )
        seen.add(row.imported_digest)

    op.drop_index("ix_assessments_imported_digest", table_name="assessments")
    op.create_index(
        "uq_assessments_imported_digest",
        "assessments",
        ["imported_digest"],
        unique=True,
        sqlite_where=sa.text(_LIVE_IMPORT),
        postgresql_where=sa.text(_LIVE_IMPORT),
    )
    op.create_index(
        "uq_cities_match_key",
        "cities",
        ["match_key"],
        unique=True,
        sqlite_where=sa.text(_LIVE_CITY),
        postgresql_where=sa.text(_LIVE_CITY),
    )


def downgrade() -> None:
    """Back to plain indexes (no data is lost; the keys are dropped)."""
    op.drop_index("uq_cities_match_key", table_name="cities")
    op.drop_index("uq_assessments_imported_digest", table_name="assessments")
    op.create_index("ix_assessments_imported_digest", "assessments", ["imported_digest"])
    with op.batch_alter_table("cities") as batch:
        batch.drop_column("match_key")
