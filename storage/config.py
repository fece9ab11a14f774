"""Where the store lives, read from the environment when asked (never at import)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DEFAULT_SQLITE_PATH", "database_url"]

DEFAULT_SQLITE_PATH = Path(__file__).resolve().parent.parent / "data" / "cohesion.db"


def database_url(explicit: str | None = None) -> str:
    """The database URL: ``explicit``, else ``$DATABASE_URL``, else the local SQLite file."""
    return explicit or os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"
