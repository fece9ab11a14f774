"""A throwaway PostgreSQL server from Debian's binaries, for the tests and the benchmarks.

``make test`` installs Debian's ``postgresql`` package. The server runs on a free loopback port in a
temporary folder (trust authentication, user ``app``, no fsync: nothing here must outlive the run)
and is stopped and removed when the ``with`` block ends. ``initdb`` and ``postgres`` refuse to run
as root, so as root they run as the package's ``postgres`` user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

__all__ = ["MISSING", "clone_database", "installed", "new_database", "throwaway_server"]

MISSING = "PostgreSQL is not installed (make test installs Debian's postgresql package)"


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def installed() -> bool:
    """Whether PostgreSQL's server programs are on this machine."""
    return _bin_dir() is not None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_user(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextmanager
def throwaway_server() -> Iterator[str]:
    """A PostgreSQL server for the ``with`` block: yields its URL without a database name
    (``postgresql+psycopg://app@127.0.0.1:PORT``; the ``postgres`` database exists)."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        raise RuntimeError(MISSING)
    base = Path(tempfile.mkdtemp(prefix="cohesion-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
    port = _free_port()
    data, log = base / "data", base / "server.log"
    pg_ctl = str(bin_dir / "pg_ctl")
    try:
        subprocess.run(
            _as_server_user([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "app", "-E", "UTF8"]),
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _as_server_user([pg_ctl, "-D", str(data), "-o", options, "-l", str(log), "-w", "start"]),
            check=True,
            capture_output=True,
        )
        yield f"postgresql+psycopg://app@127.0.0.1:{port}"
    finally:
        if data.exists():
            subprocess.run(_as_server_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def new_database(server: str, name: str | None = None, template: str | None = None) -> str:
    """The URL of a new database on ``server`` (named ``name``, else a random name), empty or copied
    from the database ``template``."""
    name = name or f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else "")))
    finally:
        admin.dispose()
    return f"{server}/{name}"


def clone_database(server: str, template: str) -> str:
    """The URL of a new database copied from ``template`` on ``server``."""
    return new_database(server, template=template)
