"""Bring a database to the newest schema with Alembic, keeping every stored row."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import ArgumentError, DBAPIError

from storage.engine import make_engine
from storage.errors import StorageUnavailable, unavailable

__all__ = ["alembic_config", "current_revision", "head_revision", "upgrade_database"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic configuration for ``url`` that needs no alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(url: str) -> str:
    """Upgrade the database at ``url`` to the newest revision and return that revision.

    A database that cannot be opened or written raises ``StorageUnavailable`` saying why in plain words.
    """
    try:
        command.upgrade(alembic_config(url), "head")
        return current_revision(url) or ""
    except ArgumentError:
        raise StorageUnavailable(
            "The database address is not one the product can use; give a URL such as sqlite:///data/cohesion.db "
            "or postgresql+psycopg://user:password@host/dbname (with --db or DATABASE_URL)."
        ) from None
    except DBAPIError as exc:
        raise unavailable(exc, "Preparing the database") from None
    except OSError as exc:
        raise StorageUnavailable(f"Preparing the database failed: {exc.strerror or exc}.") from None


def current_revision(url: str) -> str | None:
    """The revision the database at ``url`` is at, or None for an empty database."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str:
    """The newest revision the code knows."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    return head or ""
