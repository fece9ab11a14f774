"""A real app server on loopback and a real headless Chromium to drive it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from questionnaire.loader import load_frameworks
from questionnaire.model import Framework
from scoring.records import City
from storage.store import Store
from tests.e2e.steps import AXE, FOUND

ROOT = Path(__file__).resolve().parent.parent.parent
ARTIFACTS = ROOT / "tests" / "e2e" / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
CHROMIUM_ARGS += ["--no-first-run", "--disable-sync", "--disable-quic"]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("No Chromium found: `make test` installs Debian's chromium package.")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _migrated_sqlite(folder: Path) -> str:
    from storage.migrate import upgrade_database

    url = f"sqlite:///{folder / 'app.db'}"
    upgrade_database(url)
    return url


@contextmanager
def served(database_url: str, log: Path, options: tuple[str, ...] = (), host: str = "127.0.0.1") -> Iterator[str]:
    """Serve the app with `streamlit run` on a free loopback port and ``database_url`` (and any
    further command-line ``options``); yields its address, named with ``host``."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url}
    command = [sys.executable, "-m", "streamlit", "run", "server.py", "--server.headless", "true"]
    command += ["--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"]
    command += ["--server.fileWatcherType", "none", *options]
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://{host}:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"app server did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="session")
def app_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of the fresh, migrated SQLite file the served app uses (tests may add data to it directly)."""
    return _migrated_sqlite(tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory, app_db: str) -> Iterator[str]:
    """The app, served for the whole session on ``app_db``."""
    with served(app_db, tmp_path_factory.mktemp("log") / "streamlit.log") as url:
        yield url


@pytest.fixture
def own_app(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A server of the test's own on an empty database, as a new installation has: its address and
    the database's URL (for what is about sign-in failures, which count per address, and 127.0.0.1
    is every test's address)."""
    database = _migrated_sqlite(tmp_path)
    with served(database, tmp_path / "streamlit.log") as url:
        yield url, database


@pytest.fixture
def empty_app_url(own_app: tuple[str, str]) -> str:
    """The app as a new installation serves it: its own server on an empty database."""
    return own_app[0]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium from the system, driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (git-ignored), for a person to look at after the run."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh browser page at laptop size."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def new_draft(app_db: str, request: pytest.FixtureRequest) -> Iterator[tuple[Framework, Store, int, int]]:
    """A new city (named after the test) with a blank draft, in the app's database: framework, store,
    city id and draft id."""
    frameworks = load_frameworks()
    framework = frameworks["scn-transatlantic"]
    store = Store.open(app_db, frameworks)
    city = store.create_city(
        City(name=request.node.name[:80], country="Fictional", region="europe", population_band="100k_500k"), "Set-up"
    )
    draft = store.start_assessment(city.id or 0, "Walk", "Set-up", framework_id=framework.id).id or 0
    yield framework, store, city.id or 0, draft
    store.engine.dispose()


@pytest.fixture
def blank_draft(  # type: ignore[no-untyped-def]
    app_url: str, app_db: str, new_draft: tuple[Framework, Store, int, int], page
) -> tuple[Framework, Store, int]:
    """A new city with a blank draft, open in the Questionnaire, its coordinator signed in."""
    from tests.e2e.steps import sign_in

    framework, store, city, draft = new_draft
    sign_in(page, f"{app_url}/questionnaire?city={city}&assessment={draft}", app_db)
    return framework, store, draft


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, as installed by ``make test``."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: `make test` installs it with npm (tests/e2e/axe).")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session", autouse=True)
def written_record(artifacts: Path) -> Iterator[None]:
    """Every violation of every state, of any impact, for a person to read after the run."""
    yield
    if FOUND:
        (artifacts / "axe.json").write_text(json.dumps(FOUND, indent=2, ensure_ascii=False), encoding="utf-8")
