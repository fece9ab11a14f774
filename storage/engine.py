"""SQLAlchemy engines set up for safe concurrent use on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

__all__ = ["SQLITE_BUSY_TIMEOUT_MS", "make_engine", "reading_engine"]

SQLITE_BUSY_TIMEOUT_MS = 15_000
READ_ONLY = "cohesion_read_only"
"""The execution option that marks a reading engine's connections (see ``reading_engine``)."""


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, busy timeout, foreign keys, and write transactions that begin immediately; reading ones do not."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            # A reader sees one snapshot of the file (WAL) and never waits for a writer.
            connection.exec_driver_sql("BEGIN")
        else:
            # Take the write lock up front so a read-then-write never fails with "database is locked".
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def reading_engine(engine: Engine) -> Engine:
    """``engine`` for reading only: the same connections, but on SQLite its transactions do not take the
    write lock, so opening a page never queues behind answers being saved (nothing may be written with it)."""
    return engine.execution_options(**{READ_ONLY: True})


def make_engine(url: str, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> Engine:
    """An engine for ``url``; SQLite files get their folder created and safe pragmas.

    ``busy_timeout_ms`` is how long a SQLite writer waits for another one before giving up.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    return create_engine(url, pool_pre_ping=True)
