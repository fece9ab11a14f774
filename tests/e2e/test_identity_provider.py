"""Signing in through a city's identity provider (OpenID Connect), end to end and offline.

A stand-in provider (``oidc-provider-mock``) runs on ``localhost``; the app is served with an
``[auth]`` section naming it and a ``[cohesion]`` section mapping a group claim to a role, exactly
as a city would configure Entra ID or Keycloak. The browser signs in at the provider, sees only
the city the claim gives, and signs out.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from access.accounts import Accounts
from access.roles import Role
from questionnaire.loader import load_frameworks
from scoring.records import City
from storage.migrate import upgrade_database
from storage.store import Store
from tests.e2e.conftest import served

pytestmark = pytest.mark.e2e


@pytest.fixture
def provider() -> Iterator[str]:
    """The stand-in identity provider, with Noor (member of the Riverton team group) as its user."""
    from oidc_provider_mock import User, run_server_in_thread

    noor = User(
        sub="noor",
        claims={"email": "noor.haddad@riverton.example", "name": "Noor Haddad", "groups": ["riverton-team"]},
    )
    with run_server_in_thread(user_claims=[noor]) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def city_app(tmp_path: Path, provider: str) -> Iterator[tuple[str, Store, int]]:
    """The app signing people in through ``provider``: its address, its store, and Riverton's id
    (Lakeside is there too, and nobody's claim names it)."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    upgrade_database(url)
    store = Store.open(url, load_frameworks())
    city = store.create_city(
        City(name="Riverton", country="Freedonia", region="europe", population_band="100k_500k"), "Set-up"
    )
    store.create_city(City(name="Lakeside", country="Freedonia", region="europe", population_band="under_100k"), "x")
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        'client_id = "cohesion"\n'
        'client_secret = "not-a-secret-in-tests"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        "[cohesion]\n"
        'roles_claim = "groups"\n'
        "[cohesion.roles]\n"
        f'"riverton-team" = "editor@{city.id}"\n',
        encoding="utf-8",
    )
    options = ("--secrets.files", str(secrets_file))
    with served(url, tmp_path / "streamlit.log", options, host="localhost") as address:
        yield address, store, city.id or 0
    store.engine.dispose()


def test_a_member_signs_in_at_the_city_provider_sees_only_their_city_and_signs_out(
    city_app: tuple[str, Store, int], page: Page, browser
) -> None:
    address, store, riverton = city_app
    page.goto(address)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=30_000)
    assert page.get_by_role("link", name="Go to the sign-in page").count() == 0  # no local sign-in here
    page.get_by_role("button", name="Sign in with your city's account").click()

    page.locator('input[name="sub"]').first.fill("noor")  # the provider's own page
    page.get_by_role("button", name="Authorize").click()

    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Signed in as Noor Haddad")).to_be_visible(timeout=30_000)
    page.get_by_role("combobox", name="City").click()
    expect(page.get_by_role("option")).to_have_text(["Riverton, Freedonia"])  # never Lakeside
    page.keyboard.press("Escape")
    people = Accounts(store)
    noor = people.find("noor.haddad@riverton.example")
    assert noor is not None and not noor.has_password
    assert people.actor(noor.id).roles == {riverton: Role.EDITOR}
    signed = [e for e in store.audit_trail() if e.action == "sign_in"]
    assert [e.new_value for e in signed] == [{"via": "identity provider"}] and signed[0].actor.startswith("Noor")
    assert any(e.action == "membership.set" and e.actor.startswith("Noor Haddad") for e in store.audit_trail())

    copied = page.context.cookies()  # what someone could copy off this computer before the sign-out
    sidebar.get_by_role("link", name="Your account").click()
    page.get_by_role("button", name="Sign out").click()
    end = page.get_by_role("button", name="End session")  # the provider asks to end its own session too
    end.wait_for(timeout=30_000)
    end.click()
    page.goto(address)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=30_000)
    assert "Riverton" not in page.locator("body").inner_text()
    assert "sign_out" in [e.action for e in store.audit_trail()]
    other = browser.new_context()
    try:
        other.add_cookies(copied)
        stolen = other.new_page()
        stolen.goto(address)
        expect(stolen.get_by_role("heading", name="Sign in")).to_be_visible(timeout=30_000)
        assert "Noor" not in stolen.locator("body").inner_text()
    finally:
        other.close()
