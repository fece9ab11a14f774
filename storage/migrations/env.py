"""Alembic environment: runs migrations on the connection or URL the caller hands over.

On PostgreSQL every app process of a network upgrades the schema as it starts; an advisory lock lets
one of them do it while the others wait, and then find nothing left to do.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from storage.engine import make_engine

MIGRATION_LOCK = 0x636F6865  # any number every process agrees on
config = context.config
connection = config.attributes.get("connection")

if connection is not None:
    context.configure(connection=connection, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            conn.commit()  # the lock is the session's: it is held until the connection closes
        context.configure(connection=conn, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
