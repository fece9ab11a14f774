"""Real databases for the store's tests: a SQLite file per test, and a throwaway PostgreSQL server.

The PostgreSQL server comes from Debian's ``postgresql`` package (``make test`` installs it), started
by ``tests.postgres`` on a free loopback port in a temporary folder for the whole test session; each test gets a
fresh database cloned from a migrated template. Where the package is missing the PostgreSQL tests
skip, except under CI, where they fail.
"""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from access.accounts import Accounts
from access.roles import Role
from questionnaire.loader import load_frameworks
from questionnaire.model import Framework
from reporting.context import ReportContext
from reporting.pdf import ReportRenderer
from reporting.sources import context_from_facts
from scoring.records import City
from storage.demo import create_demo
from storage.facts import report_facts
from storage.migrate import upgrade_database
from storage.store import Store
from tests import postgres
from tests.postgres import clone_database

ROOT = Path(__file__).resolve().parent.parent.parent
WHEN = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def collectable_again() -> Iterator[None]:
    """The app under AppTest sets what it has loaded aside from the garbage collector (``gc.freeze``), once
    per process, as a server does; here every test is a new app, so what one test froze is given back."""
    yield
    gc.unfreeze()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server (user ``app``) that lives for the test session."""
    if not postgres.installed():
        if os.environ.get("CI"):
            pytest.fail(postgres.MISSING)
        pytest.skip(postgres.MISSING)
    with postgres.throwaway_server() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str) -> str:
    """A database migrated to the newest schema, cloned for each test."""
    upgrade_database(postgres.new_database(postgres_server, "store_template"))
    return "store_template"


@pytest.fixture(scope="session")
def frameworks() -> dict[str, Framework]:
    """The frameworks the product ships, by id."""
    return load_frameworks()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the newest schema, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade_database(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh, migrated SQLite file for one test."""
    path = tmp_path / "cohesion.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> str:
    """A fresh, migrated PostgreSQL database for one test."""
    return clone_database(request.getfixturevalue("postgres_server"), request.getfixturevalue("postgres_template"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A fresh database on each backend the product supports."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def store(db_url: str, frameworks: dict[str, Framework]) -> Iterator[Store]:
    """A store on a fresh database of each backend."""
    opened = Store.open(db_url, frameworks)
    yield opened
    opened.engine.dispose()


@pytest.fixture
def app_store(tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """A fresh SQLite store that the app under AppTest also uses (through ``DATABASE_URL``)."""
    import streamlit as st

    path = tmp_path / "app.db"
    shutil.copy(sqlite_template, path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    st.cache_resource.clear()  # the app's cached store must point at this file
    opened = Store.open(f"sqlite:///{path}", load_frameworks())
    yield opened
    opened.engine.dispose()
    st.cache_resource.clear()


@pytest.fixture(scope="session")
def renderer() -> Iterator[ReportRenderer]:
    """One real report renderer (Chromium and a layout worker) for every test that makes a PDF."""
    made = ReportRenderer(timeout=120)
    made.exporter.start()
    yield made
    made.close()


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory, frameworks: dict[str, Framework]) -> tuple[Store, int]:
    url = f"sqlite:///{tmp_path_factory.mktemp('report') / 'demo.db'}"
    upgrade_database(url)
    store = Store.open(url, frameworks)
    created = create_demo(store, frameworks["scn-transatlantic"], "Tester", today=WHEN)
    return store, created[-1].id or 0


@pytest.fixture(scope="session")
def demo_context(demo: tuple[Store, int]) -> ReportContext:
    store, draft = demo
    return context_from_facts(report_facts(store, draft), now=WHEN)


@pytest.fixture(scope="session")
def demo_pdf(renderer: ReportRenderer, demo_context: ReportContext) -> bytes:
    return renderer.render(demo_context)


def sign_in_app(
    at: Any,
    store: Store | None = None,
    name: str = "Ana Ruiz",
    roles: Mapping[int, Role] | None = None,
    network_admin: bool = False,
) -> str:
    """Sign ``name`` in to the app under AppTest, through the city identity provider's path
    (``AppTest.user``; AppTest cannot carry the local sign-in cookie, which the browser tests cover).
    The account gets ``roles`` by city, by default coordinator of every city the store holds. Returns
    the name the audit trail records for the person. Without ``store``, the one at ``DATABASE_URL``."""
    store = store or Store.open(os.environ["DATABASE_URL"], load_frameworks())
    people = Accounts(store)
    email = f"{name.split(' (')[0].lower().replace(' ', '.')}@riverton.example"
    account = people.find(email) or people.add(email, name, "test set-up", network_admin=network_admin)
    for city_id, role in (
        roles if roles is not None else {c.id or 0: Role.COORDINATOR for c in store.cities()}
    ).items():
        people.add_member(account.id, city_id, role, "test set-up")
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "a test cookie secret of enough length",
        "client_id": "cohesion-tests",
        "client_secret": "cohesion-tests",
        "server_metadata_url": "http://localhost:9400/.well-known/openid-configuration",
    }
    at.user = {"is_logged_in": True, "email": email, "name": name, "sub": email}
    return people.actor(account.id).name


def as_read(markdown: str) -> str:
    """Markdown the app wrote from user text, as the reader sees it: without the escapes and the
    invisible word joiners of ``app_pages.common.md``."""
    return markdown.replace("\\", "").replace("\u2060", "")


@pytest.fixture
def team(store: Store) -> dict[str, Any]:
    """Riverton with a draft, its coordinator, three editors and a viewer, and Lakeside's coordinator."""
    people = Accounts(store)
    city = store.create_city(
        City(name="Riverton", country="Freedonia", region="europe", population_band="100k_500k"), "Set-up"
    )
    other = store.create_city(
        City(name="Lakeside", country="Freedonia", region="europe", population_band="under_100k"), "Set-up"
    )
    draft = store.start_assessment(city.id or 0, "Assessment 2026", "Set-up", framework_id="scn-transatlantic")
    found: dict[str, Any] = {"city": city.id, "draft": draft.id}
    for name, where, role in [
        ("Cora", city, Role.COORDINATOR),
        ("Ana", city, Role.EDITOR),
        ("Ben", city, Role.EDITOR),
        ("Dia", city, Role.EDITOR),
        ("Vic", city, Role.VIEWER),
        ("Lea", other, Role.COORDINATOR),
    ]:
        account = people.add(f"{name.lower()}@riverton.example", name, "Set-up")
        people.add_member(account.id, where.id or 0, role, "Set-up")
        found[name] = people.actor(account.id)
    return found
